//! The processing loop: keep config and git-discovery locations registered,
//! fetch the git repositories, read every root location (at start, then every
//! `processingInterval`, or at once on request), and store what it yields.
//!
//! One refresh or git sync runs at a time per process (a mutex), so the
//! periodic loop and an API-triggered refresh never interleave their writes;
//! each root is stored in its own transaction.

use super::ingest::{self, Rules};
use super::read::{Reader, Target};
use super::search;
use super::store::{self, Location};
use crate::config::Config;
use portico_catalog_model::diagnostic::MAX_FILE_BYTES;
use portico_plugin_api::search::SearchHandle;
use portico_plugin_api::server::Db;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Everything a refresh needs; cheap to clone.
#[derive(Clone)]
pub(crate) struct Engine {
    pub(crate) db: Db,
    pub(crate) config: Arc<Config>,
    pub(crate) reader: Reader,
    /// Where `catalog.gitDiscovery` repositories are fetched and exported.
    pub(crate) git_home: PathBuf,
    /// The search index, told of every committed change.
    pub(crate) search: SearchHandle,
    /// When each git discovery entry (by export folder) was last fetched, for
    /// entries with their own schedule.
    git_fetched: Arc<std::sync::Mutex<HashMap<String, Instant>>>,
}

/// One refresh at a time in this process: the background loop, API requests
/// and server functions each build an `Engine`, and all share this lock.
static REFRESH: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

impl Engine {
    /// An engine over a database and the catalog config; `data_dir` is the
    /// plugin's folder (git discovery keeps its repositories there).
    pub(crate) fn new(
        db: Db,
        config: Config,
        reader: Reader,
        data_dir: PathBuf,
        search: SearchHandle,
    ) -> Self {
        Self {
            db,
            config: Arc::new(config),
            reader,
            git_home: data_dir.join("git"),
            search,
            git_fetched: Default::default(),
        }
    }

    /// Deletes one entity (`DELETE /entities/by-uid`) and restitches its
    /// neighbours. Like every write here, the search index hears of it after
    /// the commit.
    pub(crate) async fn delete_entity(&self, entity_ref: String) -> Result<(), sqlx::Error> {
        let mut tx = super::sql::Tx::begin(&self.db).await?;
        let mut touched = store::delete_refs(&mut tx, std::slice::from_ref(&entity_ref)).await?;
        store::stitch(&mut tx, &touched).await?;
        tx.commit().await?;
        touched.push(entity_ref);
        search::index_refs(&self.db, &self.search, &touched).await;
        Ok(())
    }

    /// Deletes a location and its entities; `false` if there was none.
    pub(crate) async fn delete_location(&self, id: &str) -> Result<bool, sqlx::Error> {
        match store::delete_location(&self.db, id).await? {
            Some(touched) => {
                search::index_refs(&self.db, &self.search, &touched).await;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// The file locations of `catalog.gitDiscovery`: each entry's glob inside
    /// its exported tree.
    fn git_locations(&self) -> impl Iterator<Item = (&crate::config::GitDiscovery, String)> {
        self.config.git_discovery.iter().filter_map(|entry| {
            let glob = entry.glob.trim_start_matches('/');
            if glob.split('/').any(|part| part == "..") {
                tracing::warn!(url = %entry.url, glob, "gitDiscovery glob leaves the repository; entry skipped");
                return None;
            }
            Some((entry, portico_git::tree_dir(&self.git_home, &remote(entry)).join(glob).display().to_string()))
        })
    }

    /// Fetches every `catalog.gitDiscovery` repository whose schedule is due
    /// (or, on request, only the one whose export `only` lies in) and exports
    /// what changed. Failures are logged and leave the previous export in place.
    async fn sync_git(&self, only: Option<&str>) {
        // Under the refresh lock: two syncs of one repository (the loop and a
        // `POST /refresh`) must not swap its exported folder at the same time.
        let _guard = REFRESH.lock().await;
        for (entry, target) in self.git_locations() {
            if only.is_some_and(|t| t != target) {
                continue;
            }
            if only.is_none() && !self.git_due(entry, &target) {
                continue;
            }
            let credential = self.reader.credential_for(&entry.url);
            let (home, job) = (self.git_home.clone(), remote(entry));
            let synced = tokio::task::spawn_blocking(move || {
                // The catalog would refuse larger files anyway.
                let limits = portico_git::Limits {
                    max_file_bytes: MAX_FILE_BYTES as u64,
                    ..Default::default()
                };
                portico_git::sync(&home, &job, credential, limits)
            })
            .await;
            match synced {
                Ok(Ok(s)) => {
                    for skip in &s.skipped {
                        tracing::warn!(url = %entry.url, file = %skip, "git discovery skipped a file");
                    }
                    tracing::info!(url = %entry.url, branch = %entry.branch, commit = %s.commit, changed = s.changed, "git repository synced");
                }
                Ok(Err(e)) => tracing::error!(error = %e, "git discovery failed"),
                Err(e) => tracing::error!(error = %e, "git discovery task failed"),
            }
        }
    }

    /// Whether an entry's own schedule lets it be fetched now (then records
    /// the attempt: a failed fetch, like a good one, waits for the next
    /// period, as a scheduled task does); entries without one are fetched
    /// every round.
    fn git_due(&self, entry: &crate::config::GitDiscovery, target: &str) -> bool {
        let Some(schedule) = entry.schedule else { return true };
        let Ok(mut fetched) = self.git_fetched.lock() else { return true };
        let now = Instant::now();
        match fetched.get(target) {
            Some(at) if now.duration_since(*at) < schedule.frequency.to_duration() => false,
            _ => {
                fetched.insert(target.to_owned(), now);
                true
            }
        }
    }

    /// Makes the stored config locations match `catalog.locations`: new ones
    /// are added, removed ones deleted with their entities.
    pub(crate) async fn sync_config_locations(&self) -> Result<(), sqlx::Error> {
        let wanted: Vec<(String, String)> = self
            .config
            .locations
            .iter()
            .filter_map(|l| match Target::new(&l.kind, &l.target) {
                Ok(t) => Some((t.kind, t.target)),
                Err(e) => {
                    tracing::warn!(target = %l.target, error = %e, "catalog.locations entry skipped");
                    None
                }
            })
            .chain(self.git_locations().map(|(_, target)| ("file".to_owned(), target)))
            .collect();
        let stored = store::locations(&self.db).await?;
        for loc in stored.iter().filter(|l| l.source == "config") {
            if !wanted.iter().any(|(k, t)| *k == loc.kind && *t == loc.target) {
                self.delete_location(&loc.id).await?;
            }
        }
        for (kind, target) in wanted {
            if !stored.iter().any(|l| l.kind == kind && l.target == target) {
                store::add_location(&self.db, &kind, &target, "config").await?;
            }
        }
        Ok(())
    }

    /// The kinds a root may contribute: global rules plus its own (config locations).
    fn rules_for(&self, location: &Location) -> Rules {
        let mut allow = self.config.allowed_kinds();
        if location.source == "config" {
            for l in &self.config.locations {
                if l.kind == location.kind
                    && Target::new(&l.kind, &l.target).is_ok_and(|t| t.target == location.target)
                {
                    allow.extend(
                        l.rules.iter().flat_map(|r| r.allow.iter().map(|k| k.to_lowercase())),
                    );
                }
            }
        }
        Rules { allow }
    }

    /// Why a location type may not be registered through the API or the import
    /// page, if it may not (`catalog.registrableLocationTypes`).
    pub(crate) fn refuse_type(&self, kind: &str) -> Option<String> {
        let allowed = &self.config.registrable_location_types;
        (!allowed.iter().any(|t| t == kind)).then(|| {
            format!(
                "Registering locations of type '{kind}' is not allowed; allowed: {} (catalog.registrableLocationTypes)",
                allowed.join(", ")
            )
        })
    }

    /// The registered location with this type and target, if any.
    pub(crate) async fn registered(
        &self,
        target: &Target,
    ) -> Result<Option<Location>, sqlx::Error> {
        Ok(store::locations(&self.db)
            .await?
            .into_iter()
            .find(|l| l.kind == target.kind && l.target == target.target))
    }

    /// Reads a target as a new location would be read, storing nothing
    /// (dry runs, the import preview, analyze-location).
    pub(crate) async fn dry_run(&self, target: &Target) -> ingest::Outcome {
        let root = ingest::root_entity(&target.kind, &target.target);
        ingest::read_tree(root, &Rules { allow: self.config.allowed_kinds() }, &self.reader).await
    }

    /// Registers a location and reads it at once; `None` when it already exists.
    pub(crate) async fn register(&self, target: &Target) -> Result<Option<Location>, sqlx::Error> {
        let Some(location) =
            store::add_location(&self.db, &target.kind, &target.target, "api").await?
        else {
            return Ok(None);
        };
        self.refresh_location(&location).await?;
        Ok(Some(location))
    }

    /// Points a registered location at another target and reads it at once;
    /// what the old target gave and the new one does not is orphaned, as on
    /// any refresh.
    pub(crate) async fn update_location(
        &self,
        id: &str,
        target: &Target,
    ) -> Result<store::Updated, sqlx::Error> {
        let updated = store::update_location(&self.db, id, &target.kind, &target.target).await?;
        if let store::Updated::Done(location) = &updated {
            self.refresh_location(location).await?;
        }
        Ok(updated)
    }

    /// Reads one root location and stores the result.
    pub(crate) async fn refresh_location(
        &self,
        location: &Location,
    ) -> Result<store::Applied, sqlx::Error> {
        let _guard = REFRESH.lock().await;
        let started = std::time::Instant::now();
        let root = ingest::root_entity(&location.kind, &location.target);
        let outcome = ingest::read_tree(root, &self.rules_for(location), &self.reader).await;
        let read = started.elapsed();
        let entities = outcome.emitted.len();
        let applied =
            store::apply(&self.db, &location.id, outcome, self.config.orphan_strategy).await?;
        if applied.written > 5_000 {
            store::after_bulk_write(&self.db).await?;
            tracing::debug!(ms = started.elapsed().as_millis() as u64, "after bulk write");
        }
        search::index_refs(&self.db, &self.search, &applied.touched).await;
        tracing::info!(
            location = %location.target,
            entities,
            written = applied.written,
            read_ms = read.as_millis() as u64,
            store_ms = (started.elapsed() - read).as_millis() as u64,
            "location processed"
        );
        Ok(applied)
    }

    /// Reads every root location.
    pub(crate) async fn refresh_all(&self) -> Result<(), sqlx::Error> {
        for location in store::locations(&self.db).await? {
            match self.refresh_location(&location).await {
                Ok(applied) => {
                    tracing::debug!(location = %location.target, ?applied, "location refreshed")
                }
                Err(e) => {
                    tracing::error!(location = %location.target, error = %e, "storing a location failed")
                }
            }
        }
        Ok(())
    }

    /// Re-reads the root location an entity came from (`POST /refresh`).
    pub(crate) async fn refresh_entity(&self, entity_ref: &str) -> Result<bool, sqlx::Error> {
        let rows = super::sql::rows(
            &self.db,
            "SELECT root_id FROM catalog_entities WHERE entity_ref = $1",
            &[entity_ref.to_lowercase().into()],
        )
        .await?;
        let Some(row) = rows.first() else { return Ok(false) };
        let Some(root_id) = row.text(0) else { return Ok(true) };
        if let Some(location) =
            store::locations(&self.db).await?.into_iter().find(|l| l.id == root_id)
        {
            // An entity from a git repository is refreshed from the remote.
            self.sync_git(Some(&location.target)).await;
            self.refresh_location(&location).await?;
        }
        Ok(true)
    }

    /// The background loop: sync config locations, fetch git repositories,
    /// then refresh all, every `processingInterval`.
    pub(crate) async fn run(self) {
        loop {
            if let Err(e) = self.sync_config_locations().await {
                tracing::error!(error = %e, "syncing catalog.locations failed");
            }
            self.sync_git(None).await;
            if let Err(e) = self.refresh_all().await {
                tracing::error!(error = %e, "catalog refresh failed");
            }
            match store::count(&self.db).await {
                Ok(n) => tracing::info!(entities = n, "catalog refreshed"),
                Err(e) => tracing::warn!(error = %e, "counting entities failed"),
            }
            match self.config.interval() {
                Some(every) => tokio::time::sleep(every).await,
                None => return,
            }
        }
    }
}

/// The branch a `catalog.gitDiscovery` entry fetches.
fn remote(entry: &crate::config::GitDiscovery) -> portico_git::Remote {
    portico_git::Remote {
        url: entry.url.clone(),
        branch: entry.branch.clone(),
        ca_file: entry.ca_file.clone(),
    }
}
