//! The server half of the plugin API (`ssr` feature): what a plugin's backend
//! receives ([`PluginContext`]) and declares ([`Backend`], [`Migration`]).

use crate::catalog::{CatalogHandle, CatalogService};
use crate::error::PortalError;
use crate::search::{Collator, SearchHandle};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use std::sync::Arc;

pub use portico_config::{Config, ConfigError};

/// A database pool: SQLite (embedded, the default) or PostgreSQL.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Db {
    /// Embedded SQLite.
    Sqlite(sqlx::SqlitePool),
    /// PostgreSQL.
    Postgres(sqlx::PgPool),
}

impl Db {
    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Closes every connection, waiting for those in use to be given back;
    /// later queries fail. SQLite folds its write-ahead log back into the
    /// database file as the last connection closes.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }

    /// Runs a trivial query: used by `/readyz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        match self {
            Db::Sqlite(p) => sqlx::query("SELECT 1").execute(p).await.map(drop),
            Db::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.map(drop),
        }
    }
}

/// One schema change, written for both database engines.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Migration {
    /// Increasing within a plugin, starting at 1.
    pub version: i64,
    /// A short description.
    pub name: &'static str,
    /// SQL for SQLite (may hold several statements).
    pub sqlite: &'static str,
    /// SQL for PostgreSQL (may hold several statements).
    pub postgres: &'static str,
}

impl Migration {
    /// A migration.
    pub const fn new(
        version: i64,
        name: &'static str,
        sqlite: &'static str,
        postgres: &'static str,
    ) -> Self {
        Self { version, name, sqlite, postgres }
    }
}

/// What a plugin's backend is given at start-up: Backstage's core services, as a plain struct.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PluginContext {
    /// The plugin's id.
    pub plugin_id: &'static str,
    /// The database, already migrated.
    pub db: Db,
    /// The whole merged configuration.
    pub config: Arc<Config>,
    /// `backend.dataDir`: where the portal keeps its files.
    pub data_root: DataRoot,
    /// The search engine: contribute documents, run queries.
    pub search: SearchHandle,
    /// The catalog: read entities (disabled when no plugin provides it).
    pub catalog: CatalogHandle,
}

/// `backend.dataDir`, resolved: the folder under which the portal and its
/// plugins keep files (the SQLite database, fetched repositories, built docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataRoot(pub std::path::PathBuf);

impl PluginContext {
    /// A context (the server builds these; tests may too).
    pub fn new(plugin_id: &'static str, db: Db, config: Arc<Config>, data_root: DataRoot) -> Self {
        Self {
            plugin_id,
            db,
            config,
            data_root,
            search: SearchHandle::disabled(),
            catalog: CatalogHandle::disabled(),
        }
    }

    /// The context with this catalog.
    pub fn with_catalog(mut self, catalog: CatalogHandle) -> Self {
        self.catalog = catalog;
        self
    }

    /// The context with this search engine.
    pub fn with_search(mut self, search: SearchHandle) -> Self {
        self.search = search;
        self
    }

    /// The plugin's own folder under the data directory (`<dataDir>/plugins/<id>`);
    /// not created until the plugin writes there.
    pub fn data_dir(&self) -> std::path::PathBuf {
        self.data_root.0.join("plugins").join(self.plugin_id)
    }

    /// The plugin's typed config section (the top-level key equal to its id),
    /// or `T::default()` when absent. Errors name the file, line and key.
    pub fn config<T: DeserializeOwned + Default>(&self) -> Result<T, ConfigError> {
        self.config.get_or_default(self.plugin_id)
    }
}

/// Builds the catalog service from the providing plugin's context.
pub type ProvideCatalog = fn(&PluginContext) -> Arc<dyn CatalogService>;

/// The server half of a plugin.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Backend {
    /// Builds the router mounted at `/api/<id>`. Returning an error stops start-up
    /// with that message (bad config, for example).
    pub router: fn(&PluginContext) -> Result<axum::Router, ConfigError>,
    /// Schema changes, applied in order at start-up.
    pub migrations: &'static [Migration],
    /// Validates the plugin's config section (set by [`Backend::config`]).
    pub check_config: fn(&Config, &str) -> Result<(), ConfigError>,
    /// The document types the plugin contributes to search.
    pub collators: &'static [Collator],
    /// The catalog service this plugin provides to every plugin (the catalog plugin's).
    pub provides_catalog: Option<ProvideCatalog>,
}

impl Backend {
    /// A backend.
    pub const fn new(
        router: fn(&PluginContext) -> Result<axum::Router, ConfigError>,
        migrations: &'static [Migration],
    ) -> Self {
        Self { router, migrations, check_config: no_config, collators: &[], provides_catalog: None }
    }

    /// Declares that this plugin is the catalog: the server builds the service
    /// once and hands it to every plugin's [`PluginContext::catalog`].
    pub const fn provides_catalog(mut self, service: ProvideCatalog) -> Self {
        self.provides_catalog = Some(service);
        self
    }

    /// Declares the plugin's search collators (one per document type).
    pub const fn collators(mut self, collators: &'static [Collator]) -> Self {
        self.collators = collators;
        self
    }

    /// Declares the plugin's typed config section: it is validated at start-up and
    /// by `portico config check`, with file, line and key in every error.
    pub const fn config<T: DeserializeOwned + Default>(mut self) -> Self {
        self.check_config = check_config::<T>;
        self
    }
}

fn no_config(_: &Config, _: &str) -> Result<(), ConfigError> {
    Ok(())
}

fn check_config<T: DeserializeOwned + Default>(
    config: &Config,
    key: &str,
) -> Result<(), ConfigError> {
    config.get_or_default::<T>(key).map(drop)
}

/// The server side of a wire error: carries the cause for the log, sends only the code.
#[derive(Debug)]
pub struct ServerError {
    /// What the client is told.
    pub public: PortalError,
    /// What the log is told.
    pub cause: Option<String>,
    caller: &'static std::panic::Location<'static>,
}

impl ServerError {
    /// An internal error with a cause that is logged and never sent.
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self {
            public: PortalError::internal(),
            cause: Some(cause.to_string()),
            caller: std::panic::Location::caller(),
        }
    }
}

impl From<PortalError> for ServerError {
    #[track_caller]
    fn from(public: PortalError) -> Self {
        Self { public, cause: None, caller: std::panic::Location::caller() }
    }
}

impl From<sqlx::Error> for ServerError {
    #[track_caller]
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => PortalError::not_found("Not found.").into(),
            other => Self::internal(other),
        }
    }
}

/// The JSON body of an error, in Backstage's shape:
/// `{"error": {"name", "message"}, "request": {...}, "response": {"statusCode"}}`.
pub fn error_body(err: &PortalError) -> serde_json::Value {
    serde_json::json!({
        "error": { "name": err.code.backstage_name(), "message": err.message, "code": err.code },
        "response": { "statusCode": err.code.status() },
    })
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        let status = axum::http::StatusCode::from_u16(self.code.status())
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(error_body(&self))).into_response()
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.cause {
            tracing::error!(code = ?self.public.code, at = %self.caller, %cause, "request failed");
        }
        self.public.into_response()
    }
}

impl From<ServerError> for PortalError {
    /// Logs the cause, and gives the HTTP response of the server function the
    /// error's status (Leptos answers every server-function error with 500
    /// otherwise, so a client could not tell bad input from a fault).
    fn from(err: ServerError) -> Self {
        if let Some(cause) = &err.cause {
            tracing::error!(code = ?err.public.code, at = %err.caller, %cause, "server function failed");
        }
        respond_with_status(err.public.code);
        err.public
    }
}

/// Gives the current server-function response the status of `code`.
pub(crate) fn respond_with_status(code: crate::ErrorCode) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        let status = axum::http::StatusCode::from_u16(code.status());
        response.set_status(status.unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR));
    }
}

/// The plugin's context inside a server function: the server provides the
/// database, the configuration and the data directory to every request.
pub fn context(plugin_id: &'static str) -> Result<PluginContext, ServerError> {
    let db = leptos::prelude::use_context::<Db>()
        .ok_or_else(|| ServerError::internal("no database in the request context"))?;
    let config = leptos::prelude::use_context::<Arc<Config>>()
        .ok_or_else(|| ServerError::internal("no configuration in the request context"))?;
    let data_root = leptos::prelude::use_context::<DataRoot>()
        .ok_or_else(|| ServerError::internal("no data directory in the request context"))?;
    let search =
        leptos::prelude::use_context::<SearchHandle>().unwrap_or_else(SearchHandle::disabled);
    let catalog =
        leptos::prelude::use_context::<CatalogHandle>().unwrap_or_else(CatalogHandle::disabled);
    Ok(PluginContext::new(plugin_id, db, config, data_root)
        .with_search(search)
        .with_catalog(catalog))
}

/// The process is stopping: set once by the binary when it is asked to stop.
static SHUTDOWN: std::sync::LazyLock<tokio::sync::watch::Sender<bool>> =
    std::sync::LazyLock::new(|| tokio::sync::watch::Sender::new(false));

/// Says the portal is stopping: open event streams end, so the graceful
/// shutdown (which waits for every open response) is not held up by them.
/// Process-wide: one binary serves one portal.
pub fn begin_shutdown() {
    SHUTDOWN.send_replace(true);
}

/// Resolves once [`begin_shutdown`] was called; for responses that stay open
/// (server-sent events), which end with it.
pub async fn shutdown() {
    let mut stopping = SHUTDOWN.subscribe();
    let _ = stopping.wait_for(|stopping| *stopping).await;
}
