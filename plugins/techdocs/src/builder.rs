//! The `local` builder (`techdocs.builder: local`, the default): the portal
//! builds an entity's docs itself, when they are first read and again when
//! their sources change, and publishes them to its storage as
//! `portico techdocs publish` would. Readers keep the previous build while a
//! new one runs, and can follow its log (Backstage's `/sync` events).
//!
//! Where the sources are, and what "changed" means for them, is
//! [`crate::sources`]: a folder on this server (`dir:`) or a branch of a git
//! remote (`url:`). Sources are looked at, at most once per
//! `techdocs.rebuildCheckSeconds` per site, and their version is stored as the
//! build's etag. One build runs at a time: a build renders on every core.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use portico_plugin_api::catalog::CatalogHandle;
use portico_techdocs::BuildOptions;
use portico_techdocs::output::{self, Metadata};
use tokio::sync::{Semaphore, broadcast};

use crate::server::{SiteRef, Storage};
use crate::sources::{self, Checkout, Remotes, Source};

/// How often a site's sources are looked at, unless configured.
pub(crate) const DEFAULT_CHECK_EVERY: Duration = Duration::from_secs(60);
/// A build's log keeps at most this many lines (a site with thousands of
/// warnings still shows the first ones and the end).
const MAX_LOG_LINES: usize = 500;

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
    remotes: Arc<Remotes>,
    /// Held while a branch is fetched and while a site is built from a
    /// fetched export: a fetch swaps the export's folder.
    git: tokio::sync::Mutex<()>,
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

/// A build to run: the sources on disk, and whether they are a fetched export.
#[derive(Debug, Clone)]
struct Plan {
    checkout: Checkout,
    fetched: bool,
}

impl LocalBuilder {
    pub(crate) fn new(
        storage: Storage,
        catalog: CatalogHandle,
        scratch: PathBuf,
        check_every: Duration,
        remotes: Remotes,
    ) -> Self {
        Self(Arc::new(Inner {
            storage,
            catalog,
            scratch,
            check_every,
            sites: Mutex::new(HashMap::new()),
            one_at_a_time: Semaphore::new(1),
            remotes: Arc::new(remotes),
            git: tokio::sync::Mutex::new(()),
        }))
    }

    fn sites(&self) -> std::sync::MutexGuard<'_, HashMap<String, SiteState>> {
        self.0.sites.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Looks at the site's sources (at most once per check period) and starts
    /// a build when they changed or nothing is published yet: what `/sync`
    /// answers, once it has looked.
    pub(crate) async fn sync(&self, site: &SiteRef) -> SyncState {
        match self.settled(site) {
            Some(state) => state,
            None => self.check(site).await,
        }
    }

    /// [`Self::sync`] for a page view: when a site is published, a due look
    /// at its sources runs in the background and the page is served at once.
    /// (For a `url:` source the look is a fetch from the git host, which may
    /// also wait for another site's build from the same export.) A build it
    /// starts reaches open readers through the events stream.
    pub(crate) async fn sync_for_view(&self, site: &SiteRef) -> SyncState {
        if let Some(state) = self.settled(site) {
            return state;
        }
        if self.0.storage.json::<Metadata>(site, output::METADATA_FILE).await.is_none() {
            return self.check(site).await;
        }
        let builder = self.clone();
        let looked_at = site.clone();
        tokio::spawn(async move { builder.check(&looked_at).await });
        self.known(&site.entity_ref())
    }

    /// The site's state when no look at its sources is due (a build is
    /// running, or the last look is recent); `None` when one is, which is
    /// then counted as taken.
    fn settled(&self, site: &SiteRef) -> Option<SyncState> {
        let key = site.entity_ref();
        let mut sites = self.sites();
        let state = sites.entry(key.clone()).or_default();
        if let Some(running) = &state.running {
            return Some(running.join());
        }
        if state.checked.is_some_and(|at| at.elapsed() < self.0.check_every) {
            drop(sites);
            return Some(self.known(&key));
        }
        state.checked = Some(Instant::now());
        None
    }

    /// What the last look and build found: their failure, or current.
    fn known(&self, key: &str) -> SyncState {
        match self.sites().get(key).and_then(|s| s.failed.as_ref()) {
            Some((_, failure)) => SyncState::Failed(failure.clone()),
            None => SyncState::Current,
        }
    }

    /// Looks at the site's sources and starts a build when they changed or
    /// nothing is published yet.
    async fn check(&self, site: &SiteRef) -> SyncState {
        let key = site.entity_ref();
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
        if let Some((version, failure)) = &state.failed
            && *version == plan.checkout.version
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
        let source = sources::source(&entity)?;
        let fetched = matches!(source, Source::Git(_));
        let _fetching = if fetched { Some(self.0.git.lock().await) } else { None };
        let remotes = self.0.remotes.clone();
        let checkout = tokio::task::spawn_blocking(move || source.check_out(&remotes))
            .await
            .map_err(|_| "The sources could not be read.".to_owned())??;
        let stored = self.0.storage.json::<Metadata>(site, output::METADATA_FILE).await;
        if stored.is_some_and(|m| m.etag == checkout.version) {
            return Ok(None);
        }
        Ok(Some(Plan { checkout, fetched }))
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
            (plan.checkout.version.clone(), Failure { message, log: running.log })
        });
        // Readers hold receivers: they get `finish` before the channel closes.
        let _ = running.events.send(BuildEvent::Finish { updated });
    }

    async fn build_and_publish(&self, site: &SiteRef, plan: &Plan) -> Result<(), String> {
        let key = site.entity_ref();
        // The folder as the catalog's location sees it: readers are not
        // told the server's own paths.
        let Checkout { root, dir, version } = plan.checkout.clone();
        let folder = dir.strip_prefix(&root).unwrap_or(Path::new(""));
        let folder = if folder.as_os_str().is_empty() { Path::new(".") } else { folder };
        self.log(&key, format!("Building the documentation of {key} from {}", folder.display()));
        let started = Instant::now();
        let options = BuildOptions { etag: Some(version), ..Default::default() };
        let scratch = self.0.scratch.clone();
        // A fetch for another site of the same repository waits for the build.
        let _export = if plan.fetched { Some(self.0.git.lock().await) } else { None };
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
