//! One branch of a git remote, fetched with gix (pure Rust: no git binary,
//! no C library) and exported to a folder of its own. The catalog's git
//! discovery reads that folder as a `file` location (so relative targets and
//! `$text` placeholders resolve inside the repository, exactly as for files on
//! disk); TechDocs builds a site from it.
//!
//! Layout under the caller's folder (`home`): `<key>/repo.git` (a bare
//! repository, fetched at depth 1), `<key>/tree` (the exported files) and
//! `<key>/commit` (which commit `tree` holds). `<key>` is derived from the
//! URL and branch, so the exported path, and with it every location and
//! entity ref, stays the same from one commit to the next.
//!
//! Two syncs of one remote under one `home` must not run at the same time
//! (both would swap the exported folder): callers serialise them.
//!
//! `file://` remotes are opened in place rather than fetched: gix fetches from
//! local paths by starting `git-upload-pack`, and reading them directly needs
//! no git binary at all.

use crate::integrations::Credential;
use sha2::{Digest, Sha256};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// A branch of a remote to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// `https://…`, `http://…`, `git://…` or `file://…` (opened in place).
    pub url: String,
    /// The branch to read.
    pub branch: String,
    /// A PEM file of certificate authorities to trust for this remote, on top
    /// of the system's (an internal server with its own CA).
    pub ca_file: Option<PathBuf>,
}

/// What an export may hold at most: a hostile or mistaken repository (a
/// monorepo with build output) must not fill the disk.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Files larger than this are skipped.
    pub max_file_bytes: u64,
    /// At most this many files are exported.
    pub max_files: usize,
    /// At most this many bytes in all.
    pub max_total_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_file_bytes: 64 << 20, max_files: 50_000, max_total_bytes: 512 << 20 }
    }
}

/// Why a repository could not be synced; the message names the URL and branch.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("git remote {url} (branch {branch}): {message}")]
    Remote { url: String, branch: String, message: String },
    #[error("git export to {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// The outcome of one sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synced {
    /// The commit the exported tree holds (hex).
    pub commit: String,
    /// Whether the export changed in this sync.
    pub changed: bool,
    /// Files skipped for the limits (path and reason).
    pub skipped: Vec<String>,
}

/// The folder an entry's files are exported to (stable across commits).
pub fn tree_dir(home: &Path, entry: &Remote) -> PathBuf {
    entry_home(home, entry).join("tree")
}

fn entry_home(home: &Path, entry: &Remote) -> PathBuf {
    let digest = Sha256::digest(format!("{}#{}", entry.url, entry.branch).as_bytes());
    home.join(hex::encode(&digest[..8]))
}

/// Fetches `entry`'s branch and exports it under `home` when its commit moved.
/// Blocking (network and disk): call it from a blocking thread.
pub fn sync(
    home: &Path,
    entry: &Remote,
    credential: Option<Credential>,
    limits: Limits,
) -> Result<Synced, GitError> {
    let remote_err = |message: String| GitError::Remote {
        url: entry.url.clone(),
        branch: entry.branch.clone(),
        message,
    };
    let dir = entry_home(home, entry);
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| GitError::Io { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let repo = match entry.url.strip_prefix("file://") {
        Some(path) => gix::open(path).map_err(|e| remote_err(e.to_string()))?,
        None => fetch(&dir.join("repo.git"), entry, credential).map_err(remote_err)?,
    };
    let reference = if entry.url.starts_with("file://") {
        format!("refs/heads/{}", entry.branch)
    } else {
        format!("refs/remotes/origin/{}", entry.branch)
    };
    let commit = repo
        .find_reference(reference.as_str())
        .map_err(|e| remote_err(format!("no branch {}: {e}", entry.branch)))?
        .peel_to_commit()
        .map_err(|e| remote_err(e.to_string()))?;
    let id = commit.id.to_string();
    let marker = dir.join("commit");
    let tree = dir.join("tree");
    if tree.is_dir() && std::fs::read_to_string(&marker).is_ok_and(|c| c.trim() == id) {
        return Ok(Synced { commit: id, changed: false, skipped: Vec::new() });
    }
    let staged = dir.join("tree.new");
    if staged.exists() {
        std::fs::remove_dir_all(&staged).map_err(io(&staged))?;
    }
    let skipped = export(&repo, &commit, &staged, limits).map_err(|e| match e {
        Export::Io(path, source) => GitError::Io { path, source },
        Export::Git(message) => remote_err(message),
    })?;
    // Swap in the new tree; a reader between the two renames sees no folder
    // and reports a failed read, which never orphans anything.
    let old = dir.join("tree.old");
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    if tree.exists() {
        std::fs::rename(&tree, &old).map_err(io(&tree))?;
    }
    std::fs::rename(&staged, &tree).map_err(io(&staged))?;
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    std::fs::write(&marker, &id).map_err(io(&marker))?;
    Ok(Synced { commit: id, changed: true, skipped })
}

/// Fetches the branch (depth 1) into a bare repository at `path`, with the
/// integration's credential when there is one and the entry's extra
/// certificate authorities.
fn fetch(
    path: &Path,
    entry: &Remote,
    credential: Option<Credential>,
) -> Result<gix::Repository, String> {
    // gix's HTTP transport (reqwest 0.13 with rustls, no built-in crypto)
    // takes the process's default provider: ring, as the rest of the portal.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let repo = if path.join("HEAD").exists() {
        gix::open(path).map_err(|e| e.to_string())?
    } else {
        gix::init_bare(path).map_err(|e| e.to_string())?
    };
    let spec = format!("+refs/heads/{0}:refs/remotes/origin/{0}", entry.branch);
    let remote = repo
        .remote_at(entry.url.as_str())
        .map_err(|e| e.to_string())?
        .with_refspecs([spec.as_str()], gix::remote::Direction::Fetch)
        .map_err(|e| e.to_string())?;
    let mut connection = remote
        .connect(gix::remote::Direction::Fetch)
        .map_err(|e| e.to_string())?
        // Only the integration's token: never git's credential helpers or a
        // prompt, which a server cannot answer.
        .with_credentials(move |action| match (action, &credential) {
            (gix::credentials::helper::Action::Get(context), Some(credential)) => {
                let (username, password) = credential.git_account();
                Ok(Some(gix::credentials::protocol::Outcome {
                    identity: gix::sec::identity::Account {
                        username: username.to_owned(),
                        password: password.to_owned(),
                        oauth_refresh_token: None,
                    },
                    next: context.into(),
                }))
            }
            _ => Ok(None),
        });
    if let Some(ca_file) = &entry.ca_file {
        connection = connection.with_transport_options(trusting(&repo, entry, ca_file)?);
    }
    let depth = std::num::NonZeroU32::MIN;
    connection
        .prepare_fetch(gix::progress::Discard, Default::default())
        .map_err(|e| e.to_string())?
        .with_shallow(gix::remote::fetch::Shallow::DepthAtRemote(depth))
        .receive(gix::progress::Discard, &AtomicBool::new(false))
        .map_err(|e| e.to_string())?;
    Ok(repo)
}

/// HTTP transport options that also trust the certificates in `ca_file`.
fn trusting(
    repo: &gix::Repository,
    entry: &Remote,
    ca_file: &Path,
) -> Result<Box<dyn std::any::Any>, String> {
    use gix::protocol::transport::client::blocking_io::http;
    let pem = std::fs::read(ca_file).map_err(|e| format!("caFile {}: {e}", ca_file.display()))?;
    let certificates = reqwest_gix::Certificate::from_pem_bundle(&pem)
        .map_err(|e| format!("caFile {}: {e}", ca_file.display()))?;
    if certificates.is_empty() {
        return Err(format!("caFile {}: no PEM certificate in it", ca_file.display()));
    }
    let mut options = repo
        .transport_options(entry.url.as_str(), None)
        .map_err(|e| e.to_string())?
        .and_then(|o| o.downcast::<http::Options>().ok())
        .map(|o| *o)
        .unwrap_or_default();
    let backend = http::reqwest::Options {
        configure_client: Some(Box::new(move |builder| {
            Ok(builder.tls_certs_merge(certificates.clone()))
        })),
        ..Default::default()
    };
    options.backend = Some(std::sync::Arc::new(std::sync::Mutex::new(backend)));
    Ok(Box::new(options))
}

enum Export {
    Io(PathBuf, std::io::Error),
    Git(String),
}

/// Writes the commit's regular files under `dest` (symlinks and submodules
/// are left out: a link could point outside the export). Returns what the
/// limits skipped.
fn export(
    repo: &gix::Repository,
    commit: &gix::Commit<'_>,
    dest: &Path,
    limits: Limits,
) -> Result<Vec<String>, Export> {
    let tree = commit.tree().map_err(|e| Export::Git(e.to_string()))?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse().breadthfirst(&mut recorder).map_err(|e| Export::Git(e.to_string()))?;
    std::fs::create_dir_all(dest).map_err(|e| Export::Io(dest.to_owned(), e))?;
    let (mut files, mut total, mut skipped) = (0usize, 0u64, Vec::new());
    for entry in recorder.records.iter().filter(|e| e.mode.is_blob()) {
        let name = entry.filepath.to_string();
        let Some(relative) = safe_relative(&name) else {
            skipped.push(format!("{name}: not a plain relative path"));
            continue;
        };
        if files >= limits.max_files {
            skipped.push(format!("{name}: more than {} files", limits.max_files));
            continue;
        }
        let header = repo.find_header(entry.oid).map_err(|e| Export::Git(e.to_string()))?;
        let size = header.size();
        if size > limits.max_file_bytes {
            skipped.push(format!("{name}: {size} bytes, over {}", limits.max_file_bytes));
            continue;
        }
        if total + size > limits.max_total_bytes {
            skipped.push(format!("{name}: the export is over {} bytes", limits.max_total_bytes));
            continue;
        }
        let blob = repo.find_blob(entry.oid).map_err(|e| Export::Git(e.to_string()))?;
        let path = dest.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Export::Io(parent.to_owned(), e))?;
        }
        std::fs::write(&path, &blob.data).map_err(|e| Export::Io(path.clone(), e))?;
        files += 1;
        total += size;
    }
    Ok(skipped)
}

/// A tree path as a relative filesystem path, or `None` when it would leave the
/// export (gix refuses such trees already; this does not rely on it).
fn safe_relative(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from(name);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    (plain && !name.is_empty()).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_exported() {
        assert_eq!(safe_relative("a/b.yaml"), Some(PathBuf::from("a/b.yaml")));
        for bad in ["../x", "/etc/passwd", "a/../../x", "./a", ""] {
            assert_eq!(safe_relative(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_export_folder_depends_on_url_and_branch_only() {
        let entry = |url: &str, branch: &str| Remote {
            url: url.into(),
            branch: branch.into(),
            ca_file: None,
        };
        let home = Path::new("/data");
        let a = tree_dir(home, &entry("https://h/r.git", "main"));
        assert_eq!(a, tree_dir(home, &entry("https://h/r.git", "main")));
        assert_ne!(a, tree_dir(home, &entry("https://h/r.git", "dev")));
        assert_ne!(a, tree_dir(home, &entry("https://h/other.git", "main")));
        assert!(a.starts_with(home) && a.ends_with("tree"));
    }
}
