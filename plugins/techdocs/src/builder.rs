//! The `local` builder (`techdocs.builder: local`, the default): the portal
//! builds an entity's docs itself, when they are first read and again when
//! their sources change, and publishes them to its storage as
//! `portico techdocs publish` would. Readers keep the previous build while a
//! new one runs, and can follow its log (Backstage's `/sync` events).
//!
//! Sources are the entity's `backstage.io/techdocs-ref: dir:<path>`, relative
//! to the descriptor it was read from. Only entities read from files are
//! built here (`file` locations and git discovery, whose repositories the
//! catalog exports to disk); the folder must stay inside the location the
//! integrator configured, so a descriptor cannot point the builder at the
//! server's other files.
//!
//! "Changed" is a fingerprint of the source folder (paths, sizes, modification
//! times), taken at most once per `techdocs.rebuildCheckSeconds` per site and
//! stored as the build's etag. One build runs at a time: a build renders on
//! every core.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, UNIX_EPOCH};

use portico_plugin_api::Entity;
use portico_plugin_api::catalog::CatalogHandle;
use portico_techdocs::BuildOptions;
use portico_techdocs::output::{self, Metadata};
use sha2::{Digest, Sha256};
use tokio::sync::{Semaphore, broadcast};

use crate::server::{SiteRef, Storage};

/// How often a site's sources are looked at, unless configured.
pub(crate) const DEFAULT_CHECK_EVERY: Duration = Duration::from_secs(60);
/// A build's log keeps at most this many lines (a site with thousands of
/// warnings still shows the first ones and the end).
const MAX_LOG_LINES: usize = 500;
/// The fingerprint stops at this many files: a docs folder is not a monorepo.
const MAX_FINGERPRINT_FILES: usize = 100_000;

/// What a reader hears about a running build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BuildEvent {
    /// One line of the build's log.
    Log(String),
    /// The build ended; `updated` when a new site was published.
    Finish { updated: bool },
}

/// Why a build failed, and its log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) message: String,
    pub(crate) log: Vec<String>,
}

/// The state of an entity's docs, as a view finds it.
#[derive(Debug)]
pub(crate) enum SyncState {
    /// A build is running: its log so far, and what comes next.
    Building { log: Vec<String>, events: broadcast::Receiver<BuildEvent> },
    /// What is stored is built from the current sources (or there is nothing to build from).
    Current,
    /// The last build failed (the previous build, if any, stays published).
    Failed(Failure),
    /// Nothing is published and this portal cannot build the sources (an
    /// entity without a `dir:` reference, not in the catalog, …): why. When
    /// a site is published (CI may publish such sites) it is `Current`.
    Unbuildable(String),
}

/// The local builder, shared by the routes and the server functions.
#[derive(Debug, Clone)]
pub(crate) struct LocalBuilder(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    storage: Storage,
    catalog: CatalogHandle,
    /// Where builds are written before they are published.
    scratch: PathBuf,
    check_every: Duration,
    sites: Mutex<HashMap<String, SiteState>>,
    one_at_a_time: Semaphore,
}

#[derive(Debug, Default)]
struct SiteState {
    checked: Option<Instant>,
    running: Option<Running>,
    /// The last failure, with the fingerprint it failed on (not retried until the sources change).
    failed: Option<(String, Failure)>,
}

#[derive(Debug)]
struct Running {
    log: Vec<String>,
    events: broadcast::Sender<BuildEvent>,
}

impl Running {
    /// A reader joins: the log so far, and the rest as it comes (taken
    /// under the sites' lock, as lines are added, so none is lost or doubled).
    fn join(&self) -> SyncState {
        SyncState::Building { log: self.log.clone(), events: self.events.subscribe() }
    }
}

/// A build to run: the repository root, the folder with mkdocs.yml, and the
/// sources' fingerprint.
#[derive(Debug, Clone)]
struct Plan {
    root: PathBuf,
    dir: PathBuf,
    fingerprint: String,
}

impl LocalBuilder {
    pub(crate) fn new(
        storage: Storage,
        catalog: CatalogHandle,
        scratch: PathBuf,
        check_every: Duration,
    ) -> Self {
        Self(Arc::new(Inner {
            storage,
            catalog,
            scratch,
            check_every,
            sites: Mutex::new(HashMap::new()),
            one_at_a_time: Semaphore::new(1),
        }))
    }

    fn sites(&self) -> std::sync::MutexGuard<'_, HashMap<String, SiteState>> {
        self.0.sites.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Looks at the site's sources (at most once per check period) and starts
    /// a build when they changed or nothing is published yet.
    pub(crate) async fn sync(&self, site: &SiteRef) -> SyncState {
        let key = site.entity_ref();
        {
            let mut sites = self.sites();
            let state = sites.entry(key.clone()).or_default();
            if let Some(running) = &state.running {
                return running.join();
            }
            if state.checked.is_some_and(|at| at.elapsed() < self.0.check_every) {
                return match &state.failed {
                    Some((_, failure)) => SyncState::Failed(failure.clone()),
                    None => SyncState::Current,
                };
            }
            state.checked = Some(Instant::now());
        }
        let plan = match self.plan(site).await {
            Ok(Some(plan)) => plan,
            Ok(None) => {
                if let Some(state) = self.sites().get_mut(&key) {
                    state.failed = None;
                }
                return SyncState::Current;
            }
            Err(message) => {
                // No state is kept: the key comes from the request's URL, and
                // remembering every made-up entity would grow without bound.
                self.sites().remove(&key);
                let published =
                    self.0.storage.json::<Metadata>(site, output::METADATA_FILE).await.is_some();
                return if published {
                    SyncState::Current
                } else {
                    SyncState::Unbuildable(message)
                };
            }
        };
        let mut sites = self.sites();
        let state = sites.entry(key.clone()).or_default();
        if let Some(running) = &state.running {
            return running.join();
        }
        if let Some((fingerprint, failure)) = &state.failed
            && *fingerprint == plan.fingerprint
        {
            return SyncState::Failed(failure.clone());
        }
        let (events, heard) = broadcast::channel(MAX_LOG_LINES + 8);
        state.running = Some(Running { log: Vec::new(), events });
        drop(sites);
        tokio::spawn(self.clone().run(site.clone(), plan));
        SyncState::Building { log: Vec::new(), events: heard }
    }

    /// What to build, or `None` when storage already holds this source's build.
    async fn plan(&self, site: &SiteRef) -> Result<Option<Plan>, String> {
        let entity_ref = site.entity_ref();
        let entity = match self.0.catalog.entity(&entity_ref).await {
            Ok(Some(entity)) => entity,
            Ok(None) => return Err(format!("There is no entity {entity_ref} in the catalog.")),
            Err(e) => {
                tracing::error!(%e, entity = %entity_ref, "techdocs: catalog lookup failed");
                return Err("The catalog could not be read; try again shortly.".into());
            }
        };
        let (root, dir) = source_folder(&entity)?;
        let folder = dir.clone();
        let fingerprint = tokio::task::spawn_blocking(move || fingerprint(&folder))
            .await
            .map_err(|_| "The sources could not be read.".to_owned())??;
        let stored = self.0.storage.json::<Metadata>(site, output::METADATA_FILE).await;
        if stored.is_some_and(|m| m.etag == fingerprint) {
            return Ok(None);
        }
        Ok(Some(Plan { root, dir, fingerprint }))
    }

    /// Appends a line to the running build's log and tells its readers.
    fn log(&self, key: &str, line: String) {
        let mut sites = self.sites();
        if let Some(running) = sites.get_mut(key).and_then(|s| s.running.as_mut()) {
            if running.log.len() == MAX_LOG_LINES {
                running.log.push("… (more lines not shown)".into());
            }
            if running.log.len() < MAX_LOG_LINES {
                running.log.push(line.clone());
            }
            let _ = running.events.send(BuildEvent::Log(line));
        }
    }

    /// Builds, publishes, and tells the readers how it ended.
    async fn run(self, site: SiteRef, plan: Plan) {
        let key = site.entity_ref();
        let permit = match self.0.one_at_a_time.try_acquire() {
            Ok(permit) => Ok(permit),
            Err(_) => {
                self.log(&key, "Waiting for another documentation build to finish…".into());
                self.0.one_at_a_time.acquire().await
            }
        };
        let outcome = match permit {
            Ok(_permit) => self.build_and_publish(&site, &plan).await,
            Err(_) => Err("The builder is stopping.".to_owned()),
        };
        let updated = outcome.is_ok();
        if let Err(message) = &outcome {
            self.log(&key, message.clone());
        }
        let mut sites = self.sites();
        let state = sites.entry(key.clone()).or_default();
        let Some(running) = state.running.take() else { return };
        state.failed = outcome.err().map(|message| {
            tracing::warn!(site = %key, %message, "techdocs: local build failed");
            (plan.fingerprint.clone(), Failure { message, log: running.log })
        });
        // Readers hold receivers: they get `finish` before the channel closes.
        let _ = running.events.send(BuildEvent::Finish { updated });
    }

    async fn build_and_publish(&self, site: &SiteRef, plan: &Plan) -> Result<(), String> {
        let key = site.entity_ref();
        // The folder as the catalog's location sees it: readers are not
        // told the server's own paths.
        let folder = plan.dir.strip_prefix(&plan.root).unwrap_or(Path::new(""));
        let folder = if folder.as_os_str().is_empty() { Path::new(".") } else { folder };
        self.log(&key, format!("Building the documentation of {key} from {}", folder.display()));
        let started = Instant::now();
        let options = BuildOptions { etag: Some(plan.fingerprint.clone()), ..Default::default() };
        let scratch = self.0.scratch.clone();
        let (root, dir) = (plan.root.clone(), plan.dir.clone());
        let builder = self.clone();
        let log_key = key.clone();
        let built = tokio::task::spawn_blocking(move || {
            let site = portico_techdocs::build(&root, &dir, &options)
                .map_err(|diagnostic| format!("The site cannot be built: {diagnostic}"))?;
            for diagnostic in &site.diagnostics {
                builder.log(&log_key, diagnostic.to_string());
            }
            if site.has_errors() {
                let errors = site
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == portico_techdocs::Severity::Error)
                    .count();
                return Err(format!(
                    "The build found {errors} error(s); the documentation was not published."
                ));
            }
            std::fs::create_dir_all(&scratch)
                .map_err(|e| format!("Cannot write the build: {e}"))?;
            let folder = tempfile::TempDir::new_in(&scratch)
                .map_err(|e| format!("Cannot write the build: {e}"))?;
            output::write_site(&site, folder.path())
                .map_err(|e| format!("Cannot write the build: {e}"))?;
            Ok((folder, site.pages.len(), site.assets.len()))
        })
        .await
        .map_err(|_| "The build stopped unexpectedly.".to_owned())??;
        let (folder, pages, assets) = built;
        self.log(
            &key,
            format!(
                "Built {pages} page(s) and {assets} file(s) in {} ms",
                started.elapsed().as_millis()
            ),
        );
        let published = self.0.storage.publish(site, folder.path()).await;
        // Removing the folder is blocking work too.
        let _ = tokio::task::spawn_blocking(move || drop(folder)).await;
        let files = published.map_err(|e| {
            tracing::error!(%e, site = %key, "techdocs: publishing a local build failed");
            "The build could not be published to the documentation storage.".to_owned()
        })?;
        self.log(&key, format!("Published {files} file(s)"));
        Ok(())
    }
}

/// The repository root and the folder with mkdocs.yml for an entity's
/// `backstage.io/techdocs-ref`, or why it cannot be built here.
pub(crate) fn source_folder(entity: &Entity) -> Result<(PathBuf, PathBuf), String> {
    let reference = entity.annotation(crate::TECHDOCS_REF).unwrap_or_default().trim();
    let Some(relative) = reference.strip_prefix("dir:") else {
        return Err(if reference.starts_with("url:") {
            format!(
                "`{reference}` names a URL; the portal builds `dir:` references only. Build and publish this site from CI (`portico techdocs publish`)."
            )
        } else {
            format!("`{}: {reference}` is not `dir:<path>` or `url:<url>`.", crate::TECHDOCS_REF)
        });
    };
    let location = entity.annotation(MANAGED_BY).unwrap_or_default();
    let Some(descriptor) = location.strip_prefix("file:").map(Path::new) else {
        return Err(format!(
            "The entity was read from `{location}`; the portal builds docs of entities read from files (file locations and git discovery). Build and publish this site from CI."
        ));
    };
    let relative = Path::new(relative.trim());
    if relative.is_absolute() {
        return Err(format!("`{reference}` must be relative to the entity's descriptor."));
    }
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
    Ok((boundary, dir))
}

const MANAGED_BY: &str = "backstage.io/managed-by-location";
const MANAGED_BY_ORIGIN: &str = "backstage.io/managed-by-origin-location";

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
    use super::{fingerprint, fixed_prefix};
    use std::path::Path;

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
