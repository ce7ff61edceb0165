//! The local publisher: sites in a folder on the server's disk.

use crate::{MAX_FILE_BYTES, SiteRef, StorageError};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub(crate) struct Folder {
    root: PathBuf,
}

impl Folder {
    pub(crate) fn new(root: PathBuf) -> Self {
        Self { root }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    fn dir(&self, site: &SiteRef) -> PathBuf {
        self.root.join(&site.namespace).join(&site.kind).join(&site.name)
    }

    /// The file, once canonicalised, must still be inside the site: a
    /// symlink in storage cannot lead a request out of it.
    pub(crate) async fn read(&self, site: &SiteRef, parts: &[String]) -> Option<Vec<u8>> {
        let dir = self.dir(site);
        let relative: PathBuf = parts.iter().collect();
        tokio::task::spawn_blocking(move || {
            let real_site = dir.canonicalize().ok()?;
            let real = dir.join(relative).canonicalize().ok()?;
            if !real.starts_with(&real_site) || !real.is_file() {
                return None;
            }
            if std::fs::metadata(&real).ok()?.len() > MAX_FILE_BYTES {
                return None;
            }
            std::fs::read(real).ok()
        })
        .await
        .ok()
        .flatten()
    }

    /// `<namespace>/<kind>/<name>` of every folder three levels down.
    pub(crate) async fn site_paths(&self) -> Vec<[String; 3]> {
        let root = self.root.clone();
        tokio::task::spawn_blocking(move || {
            let mut paths = Vec::new();
            for namespace in dirs(&root) {
                for kind in dirs(&root.join(&namespace)) {
                    for name in dirs(&root.join(&namespace).join(&kind)) {
                        paths.push([namespace.clone(), kind.clone(), name]);
                    }
                }
            }
            paths
        })
        .await
        .unwrap_or_default()
    }

    /// Copies `files` of the site into a staging folder beside the old one,
    /// then swaps them: readers see the old site or the new one, never a mix.
    pub(crate) async fn publish(
        &self,
        site: &SiteRef,
        from: &Path,
        files: Vec<String>,
    ) -> Result<usize, StorageError> {
        let (dest, from) = (self.dir(site), from.to_owned());
        tokio::task::spawn_blocking(move || {
            portico_techdocs::output::replace_dir(&dest, |staging| {
                for file in &files {
                    let target = staging.join(file);
                    if let Some(parent) = target.parent() {
                        std::fs::create_dir_all(parent)?;
                    }
                    std::fs::copy(from.join(file), target)?;
                }
                Ok(files.len())
            })
            .map_err(|source| StorageError::Io { path: dest.clone(), source })
        })
        .await
        .map_err(|e| StorageError::NotASite(format!("publishing failed: {e}")))?
    }
}

/// The folder names in `path`, sorted; hidden ones (a staging folder) left out.
fn dirs(path: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}
