//! Where published TechDocs sites live, and how they get there.
//!
//! One [`Storage`] serves the portal's reader and `portico techdocs publish`:
//! a local folder (the default, Backstage's `local` publisher) or a bucket
//! through object_store: S3 and S3-compatible servers (`awsS3`), Google
//! Cloud Storage (`googleGcs`) and Azure Blob Storage (`azureBlobStorage`),
//! configured with Backstage's `techdocs.publisher` keys ([`config`]).
//!
//! Sites live under `<namespace>/<kind>/<name>/`, lower-cased, as Backstage
//! lays them out, so a folder or bucket Backstage published to reads here
//! too. A site's `techdocs_metadata.json` is written last: a reader never
//! sees a site without it, and watchers see a republished site once whole.
//!
//! Modules: [`config`] (the keys), `folder` (the local publisher), `bucket`
//! (object stores).

mod bucket;
pub mod config;
mod folder;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use config::Publisher;
use config::PublisherKind;
use portico_techdocs::output::{self, Metadata};
use std::path::{Path, PathBuf};

/// Largest stored file served or read (a page, an image).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Why storage cannot be opened or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// `techdocs.publisher` names something that cannot work.
    #[error("techdocs.publisher: {0}")]
    Config(String),
    /// The folder to publish is not a built site (the message says why).
    #[error("{0}")]
    NotASite(String),
    /// Reading or writing the local folder failed.
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// The object store refused or failed.
    #[error("{store}: {source}")]
    Bucket { store: String, source: object_store::Error },
}

/// One entity's site, its three path parts checked to be plain names (and
/// lower-cased unless the legacy case-sensitive layout is configured).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SiteRef {
    pub namespace: String,
    pub kind: String,
    pub name: String,
}

impl SiteRef {
    /// `<namespace>/<kind>/<name>`.
    pub fn path(&self) -> String {
        format!("{}/{}/{}", self.namespace, self.kind, self.name)
    }

    /// The entity ref, lower-cased: `kind:namespace/name`.
    pub fn entity_ref(&self) -> String {
        format!("{}:{}/{}", self.kind, self.namespace, self.name).to_lowercase()
    }
}

/// A published site and its metadata.
#[derive(Debug, Clone)]
pub struct StoredSite {
    pub site: SiteRef,
    pub metadata: Metadata,
}

/// Published sites: a folder or a bucket. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Storage {
    backend: Backend,
    case_sensitive: bool,
}

#[derive(Debug, Clone)]
enum Backend {
    Folder(folder::Folder),
    Bucket(bucket::Bucket),
}

impl Storage {
    /// The storage `publisher` configures; `default_folder` is the local
    /// publisher's folder when `publishDirectory` is not set.
    /// `case_sensitive`: Backstage's `legacyUseCaseSensitiveTripletPaths`.
    pub fn open(
        publisher: &Publisher,
        default_folder: &Path,
        case_sensitive: bool,
    ) -> Result<Self, StorageError> {
        let backend = match publisher.kind {
            PublisherKind::Local => {
                let root = match &publisher.local.publish_directory {
                    Some(dir) => PathBuf::from(dir),
                    None => default_folder.to_owned(),
                };
                Backend::Folder(folder::Folder::new(root))
            }
            _ => Backend::Bucket(bucket::Bucket::open(publisher)?),
        };
        Ok(Self { backend, case_sensitive })
    }

    /// Where the sites are, for messages: a folder, or `s3://bucket/root`.
    pub fn describe(&self) -> String {
        match &self.backend {
            Backend::Folder(f) => f.root().display().to_string(),
            Backend::Bucket(b) => b.describe(),
        }
    }

    /// Whether sites are in a bucket (watchers look less often there:
    /// every listing is a billed request).
    pub fn is_bucket(&self) -> bool {
        matches!(self.backend, Backend::Bucket(_))
    }

    /// The site of an entity; `None` when a part is not a plain name.
    pub fn site(&self, namespace: &str, kind: &str, name: &str) -> Option<SiteRef> {
        let part = |p: &str| {
            output::plain_part(p)
                .then(|| if self.case_sensitive { p.to_owned() } else { p.to_ascii_lowercase() })
        };
        Some(SiteRef { namespace: part(namespace)?, kind: part(kind)?, name: part(name)? })
    }

    /// A file of a site, unless it is missing, over [`MAX_FILE_BYTES`], or
    /// its path could leave the site (`..`, absolute, a symlink out).
    pub async fn read(&self, site: &SiteRef, path: &str) -> Option<Vec<u8>> {
        let parts = relative_parts(path)?;
        match &self.backend {
            Backend::Folder(f) => f.read(site, &parts).await,
            Backend::Bucket(b) => b.read(site, &parts).await,
        }
    }

    /// A JSON file of a site, if it reads and parses.
    pub async fn json<T: serde::de::DeserializeOwned>(
        &self,
        site: &SiteRef,
        path: &str,
    ) -> Option<T> {
        serde_json::from_slice(&self.read(site, path).await?).ok()
    }

    /// Every site with readable metadata, in path order.
    pub async fn sites(&self) -> Vec<StoredSite> {
        let refs = match &self.backend {
            Backend::Folder(f) => f.site_paths().await,
            Backend::Bucket(b) => b.site_paths().await,
        };
        let mut sites = Vec::new();
        for [namespace, kind, name] in refs {
            let Some(site) = self.site(&namespace, &kind, &name) else { continue };
            // A folder named in another case than the layout reads under is skipped.
            if site.path() != format!("{namespace}/{kind}/{name}") {
                continue;
            }
            if let Some(metadata) = self.json::<Metadata>(&site, output::METADATA_FILE).await {
                sites.push(StoredSite { site, metadata });
            }
        }
        sites.sort_by(|a, b| a.site.cmp(&b.site));
        sites
    }

    /// Publishes the built site in `dir` as `site`, replacing what was there:
    /// every file but the metadata first, the metadata last, then files the
    /// new build no longer has are removed. Returns the number of files.
    pub async fn publish(&self, site: &SiteRef, dir: &Path) -> Result<usize, StorageError> {
        let files = built_site_files(dir).await?;
        match &self.backend {
            Backend::Folder(f) => f.publish(site, dir, files).await,
            Backend::Bucket(b) => b.publish(site, dir, files).await,
        }
    }
}

/// The parts of a path inside a site; `None` for anything that is not a
/// plain relative path.
fn relative_parts(path: &str) -> Option<Vec<String>> {
    if path.is_empty() || path.contains(['\0', '\\']) || path.starts_with('/') {
        return None;
    }
    let parts: Vec<String> = path.split('/').map(str::to_owned).collect();
    let plain = parts.iter().all(|p| !p.is_empty() && p != "." && p != "..");
    plain.then_some(parts)
}

/// The files of a built site (paths relative to `dir`, `/`-separated),
/// after checking it is one: readable metadata, no symlinks.
async fn built_site_files(dir: &Path) -> Result<Vec<String>, StorageError> {
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || {
        let metadata = dir.join(output::METADATA_FILE);
        let text = std::fs::read(&metadata).map_err(|e| {
            StorageError::NotASite(format!(
                "{} is not a built site: {e} (run `portico techdocs build` first)",
                metadata.display()
            ))
        })?;
        serde_json::from_slice::<Metadata>(&text).map_err(|e| {
            StorageError::NotASite(format!(
                "{} is not valid TechDocs metadata: {e}",
                metadata.display()
            ))
        })?;
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| StorageError::Io {
                path: dir.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
            if entry.path_is_symlink() {
                return Err(StorageError::NotASite(format!(
                    "{} is a symlink; a published site holds plain files only",
                    entry.path().display()
                )));
            }
            if entry.file_type().is_file() {
                let relative = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                let parts: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into()).collect();
                files.push(parts.join("/"));
            }
        }
        Ok(files)
    })
    .await
    .map_err(|e| StorageError::NotASite(format!("reading the site failed: {e}")))?
}

#[cfg(test)]
mod tests;
