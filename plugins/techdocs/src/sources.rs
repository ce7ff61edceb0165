//! Where the local builder finds an entity's docs, from its
//! `backstage.io/techdocs-ref`:
//!
//! - `dir:<path>` on an entity read from files (`file` locations and git
//!   discovery, whose repositories the catalog exports to disk): a folder
//!   relative to the descriptor, which must stay inside the location the
//!   integrator configured, so a descriptor cannot point the builder at the
//!   server's other files. "Changed" is a fingerprint of the folder (paths,
//!   sizes, modification times).
//! - `url:<tree URL>` (`https://host/owner/repo/tree/<branch>/<path>`), or
//!   `dir:<path>` on an entity read from such a URL: the branch is fetched
//!   with gix at depth 1 into the plugin's data folder and the site is built
//!   from the export. "Changed" is the branch's commit, which is also the
//!   build's etag, as in Backstage. Only hosts of `integrations` or
//!   `backend.reading.allow` are fetched from, with the integration's token.

use std::path::{Component, Path, PathBuf};
use std::time::UNIX_EPOCH;

use portico_git::{Integrations, TreeUrl};
use portico_plugin_api::Entity;
use sha2::{Digest, Sha256};

/// The fingerprint stops at this many files: a docs folder is not a monorepo.
const MAX_FINGERPRINT_FILES: usize = 100_000;
const MANAGED_BY: &str = "backstage.io/managed-by-location";
const MANAGED_BY_ORIGIN: &str = "backstage.io/managed-by-origin-location";

/// Where an entity's docs are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// A folder on this server: the boundary it must stay in (the location's
    /// folder) and the folder with mkdocs.yml.
    Folder { root: PathBuf, dir: PathBuf },
    /// A folder of a branch of a remote repository.
    Git(TreeUrl),
}

/// A site's sources on disk, ready to build: the repository root, the folder
/// with mkdocs.yml and the sources' version (the build's etag).
#[derive(Debug, Clone)]
pub(crate) struct Checkout {
    pub(crate) root: PathBuf,
    pub(crate) dir: PathBuf,
    pub(crate) version: String,
}

/// What the builder may fetch from, and where it keeps what it fetched.
#[derive(Debug)]
pub(crate) struct Remotes {
    pub(crate) integrations: Integrations,
    /// `backend.reading.allow` hosts.
    pub(crate) allow: Vec<String>,
    /// Where branches are fetched and exported (`<data>/git`).
    pub(crate) home: PathBuf,
}

/// Where `entity`'s docs are, or why this portal cannot build them.
pub(crate) fn source(entity: &Entity) -> Result<Source, String> {
    let reference = entity.annotation(crate::TECHDOCS_REF).unwrap_or_default().trim();
    if let Some(url) = reference.strip_prefix("url:") {
        return TreeUrl::parse(url).map(Source::Git).map_err(|e| e.to_string());
    }
    let Some(relative) = reference.strip_prefix("dir:") else {
        return Err(format!(
            "`{}: {reference}` is not `dir:<path>` or `url:<url>`.",
            crate::TECHDOCS_REF
        ));
    };
    let relative = relative.trim();
    if Path::new(relative).is_absolute() {
        return Err(format!("`{reference}` must be relative to the entity's descriptor."));
    }
    let location = entity.annotation(MANAGED_BY).unwrap_or_default();
    if let Some(url) = location.strip_prefix("url:") {
        let descriptor = TreeUrl::parse(url).map_err(|e| e.to_string())?;
        return descriptor.sibling(relative).map(Source::Git).ok_or_else(|| {
            format!("`{reference}` points outside the repository the entity was read from.")
        });
    }
    let Some(descriptor) = location.strip_prefix("file:").map(Path::new) else {
        return Err(format!(
            "The entity was read from `{location}`; the portal builds docs of entities read from files or git hosts. Build and publish this site from CI."
        ));
    };
    let base = descriptor.parent().unwrap_or(Path::new("/"));
    let origin = entity.annotation(MANAGED_BY_ORIGIN).and_then(|o| o.strip_prefix("file:"));
    let boundary = origin.map_or_else(|| base.to_path_buf(), |o| fixed_prefix(Path::new(o)));
    let wanted = base.join(relative);
    let outside = || {
        format!(
            "`{reference}` points outside the folder the catalog reads ({}).",
            boundary.display()
        )
    };
    let boundary = boundary.canonicalize().map_err(|_| outside())?;
    let dir = wanted
        .canonicalize()
        .map_err(|_| format!("The docs folder `{}` does not exist.", wanted.display()))?;
    if !dir.starts_with(&boundary) {
        return Err(outside());
    }
    Ok(Source::Folder { root: boundary, dir })
}

impl Source {
    /// The sources on disk and their version: the folder's fingerprint, or
    /// the branch fetched and exported. Blocking (disk and network); a fetch
    /// must not run beside another fetch or a build from the same export.
    pub(crate) fn check_out(&self, remotes: &Remotes) -> Result<Checkout, String> {
        match self {
            Source::Folder { root, dir } => {
                Ok(Checkout { root: root.clone(), dir: dir.clone(), version: fingerprint(dir)? })
            }
            Source::Git(tree) => fetch(tree, remotes),
        }
    }
}

/// Fetches `tree`'s branch and finds its folder in the export.
fn fetch(tree: &TreeUrl, remotes: &Remotes) -> Result<Checkout, String> {
    let url = url::Url::parse(&tree.repository).map_err(|e| format!("{tree}: {e}"))?;
    let host = portico_git::host_of(&url).unwrap_or_default();
    if !remotes.integrations.readable(&host, &remotes.allow) {
        return Err(format!(
            "Reading from {host} is not allowed; add {{host: {host}}} to backend.reading.allow or an integration for it."
        ));
    }
    let credential = remotes.integrations.credential_for(&url);
    let remote = portico_git::Remote {
        url: tree.repository.clone(),
        branch: tree.branch.clone(),
        ca_file: remotes.integrations.ca_file(&host).map(Path::to_path_buf),
    };
    let synced = portico_git::sync(&remotes.home, &remote, credential, Default::default())
        .map_err(|e| format!("The sources could not be fetched: {e}"))?;
    let root = portico_git::tree_dir(&remotes.home, &remote);
    let missing = || format!("There is no folder `{}` in {tree}.", tree.path);
    let dir = root.join(&tree.path).canonicalize().map_err(|_| missing())?;
    let root = root.canonicalize().map_err(|_| missing())?;
    if !dir.starts_with(&root) || !dir.is_dir() {
        return Err(missing());
    }
    Ok(Checkout { root, dir, version: synced.commit })
}

/// The folder a file location covers: a glob's fixed part, or a file's folder.
fn fixed_prefix(target: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in target.components() {
        if let Component::Normal(name) = part
            && name.to_string_lossy().contains(['*', '?', '[', '{'])
        {
            return out;
        }
        out.push(part);
    }
    out.parent().map(Path::to_path_buf).unwrap_or(out)
}

/// A hash of every file's path, size and modification time under `dir`
/// (hidden files and folders skipped): what the build's etag is, so a view
/// can tell whether the stored build is current without building.
fn fingerprint(dir: &Path) -> Result<String, String> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| format!("The docs folder cannot be read: {e}"))?;
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                pending.push(entry.path());
            } else {
                let modified = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                let path = entry.path();
                let relative =
                    path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().into_owned();
                files.push((relative, meta.len(), modified));
            }
            if files.len() > MAX_FINGERPRINT_FILES {
                return Err(format!(
                    "The docs folder holds more than {MAX_FINGERPRINT_FILES} files; build it from CI."
                ));
            }
        }
    }
    files.sort();
    let mut hasher = Sha256::new();
    for (path, len, modified) in files {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update(len.to_le_bytes());
        hasher.update(modified.to_le_bytes());
    }
    Ok(format!("local-{}", hex::encode(&hasher.finalize()[..10])))
}

#[cfg(test)]
mod tests {
    use super::{Source, fingerprint, fixed_prefix, source};
    use std::path::Path;

    /// What an entity with these annotations' docs resolve to, as one line.
    fn resolved(techdocs_ref: &str, location: &str) -> String {
        let entity: portico_plugin_api::Entity = serde_json::from_value(serde_json::json!({
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Component",
            "metadata": {
                "name": "svc",
                "annotations": {
                    "backstage.io/techdocs-ref": techdocs_ref,
                    "backstage.io/managed-by-location": location,
                },
            },
            "spec": {},
        }))
        .expect("entity");
        match source(&entity) {
            Ok(Source::Git(tree)) => format!("git {tree}"),
            Ok(Source::Folder { dir, .. }) => format!("folder {}", dir.display()),
            Err(e) => format!("error {e}"),
        }
    }

    #[test]
    fn references_to_git_hosts() {
        let github = "url:https://github.com/org/repo/blob/main/services/a/catalog-info.yaml";
        let cases = [
            ("url:https://github.com/org/docs/tree/main/site", "url:https://x/y.yaml"),
            ("dir:.", github),
            ("dir:../../handbook", github),
            ("dir:../../../..", github),
            ("url:https://github.com/org/docs", github),
            ("ftp:x", github),
        ];
        let lines: Vec<String> = cases.iter().map(|(r, l)| resolved(r, l)).collect();
        expect_test::expect![[r#"
            git https://github.com/org/docs (branch main, folder site)
            git https://github.com/org/repo (branch main, folder services/a)
            git https://github.com/org/repo (branch main, folder handbook)
            error `dir:../../../..` points outside the repository the entity was read from.
            error `https://github.com/org/docs` names no branch; name a folder of a branch, as a git host shows it: `https://host/owner/repo/tree/<branch>/<path>` (GitHub, Gitea), `…/-/tree/<branch>/<path>` (GitLab) or `…/src/<branch>/<path>` (Bitbucket)
            error `backstage.io/techdocs-ref: ftp:x` is not `dir:<path>` or `url:<url>`.
        "#]].assert_eq(&(lines.join("\n") + "\n"));
    }

    #[test]
    fn a_location_covers_its_glob_s_fixed_folder_or_its_file_s_folder() {
        let cases = [
            ("/srv/repo/**/catalog-info.yaml", "/srv/repo"),
            ("/srv/repo/services/*/catalog-info.yaml", "/srv/repo/services"),
            ("/srv/repo/catalog-info.yaml", "/srv/repo"),
            ("/srv/{a,b}/catalog-info.yaml", "/srv"),
            ("/catalog-info.yaml", "/"),
        ];
        for (target, folder) in cases {
            assert_eq!(fixed_prefix(Path::new(target)), Path::new(folder), "{target}");
        }
    }

    #[test]
    fn the_fingerprint_changes_with_any_file_and_ignores_hidden_ones() {
        let dir = tempfile::tempdir().expect("dir");
        let write = |path: &str, text: &str| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        };
        write("mkdocs.yml", "site_name: A\n");
        write("docs/index.md", "# A\n");
        let first = fingerprint(dir.path()).expect("fingerprint");
        assert!(first.starts_with("local-"), "{first}");
        assert_eq!(fingerprint(dir.path()).expect("again"), first, "stable");
        write(".git/HEAD", "ref: refs/heads/main\n");
        assert_eq!(fingerprint(dir.path()).expect("hidden"), first, "hidden files do not count");
        write("docs/index.md", "# A, longer\n");
        let edited = fingerprint(dir.path()).expect("edited");
        assert_ne!(edited, first);
        write("docs/img/new.png", "png");
        assert_ne!(fingerprint(dir.path()).expect("added"), edited);
        assert!(fingerprint(&dir.path().join("missing")).is_err());
    }
}
