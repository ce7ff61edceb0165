//! The catalog's server half: ingestion ([`ingest`], [`read`]), the processing
//! loop ([`engine`]), storage ([`store`], [`query`], [`sql`]), Backstage's
//! REST API ([`api`]) and the logic behind the pages' server functions ([`views`]).

pub(crate) mod api;
pub(crate) mod engine;
pub(crate) mod ingest;
mod predicate;
pub(crate) mod query;
pub(crate) mod read;
pub(crate) mod search;
pub(crate) mod sql;
pub(crate) mod store;
pub(crate) mod views;

use crate::config::Config;
use engine::Engine;
use portico_catalog_model::diagnostic::MAX_FILE_BYTES;
use portico_git::{Integrations, ReadingAllow};
use portico_plugin_api::Entity;
use portico_plugin_api::catalog::{CatalogError, CatalogFuture, CatalogService};
use portico_plugin_api::server::{Backend, ConfigError, Db, PluginContext};
use std::sync::Arc;

/// The catalog's backend.
pub(crate) const BACKEND: Backend = Backend::new(router, store::MIGRATIONS)
    .config::<Config>()
    .collators(&[search::COLLATOR])
    .provides_catalog(service);

/// The catalog as other plugins read it: entities straight from the store.
#[derive(Debug)]
struct Service(Db);

fn service(ctx: &PluginContext) -> Arc<dyn CatalogService> {
    Arc::new(Service(ctx.db.clone()))
}

impl CatalogService for Service {
    fn entity<'a>(&'a self, entity_ref: &'a str) -> CatalogFuture<'a, Option<Entity>> {
        Box::pin(async move {
            let failed = |e: &dyn std::fmt::Display| CatalogError(e.to_string());
            match query::by_ref(&self.0, &entity_ref.to_lowercase()).await {
                Ok(Some(value)) => serde_json::from_value(value).map(Some).map_err(|e| failed(&e)),
                Ok(None) => Ok(None),
                Err(e) => Err(failed(&e)),
            }
        })
    }
}

/// The engine for a plugin context (the router and the server functions build the same one).
pub(crate) fn engine(ctx: &PluginContext) -> Result<Engine, ConfigError> {
    let config: Config = ctx.config()?;
    let allow: ReadingAllow = ctx.config.get("backend.reading.allow")?.unwrap_or_default();
    let integrations: Integrations = ctx.config.get("integrations")?.unwrap_or_default();
    let reader = read::Reader::new(MAX_FILE_BYTES, allow.0, integrations);
    Ok(Engine::new(ctx.db.clone(), config, reader, ctx.data_dir(), ctx.search.clone()))
}

fn router(ctx: &PluginContext) -> Result<axum::Router, ConfigError> {
    let engine = engine(ctx)?;
    // The processing loop runs for the life of the server. Routers are built
    // inside the server's runtime, so spawning here is safe.
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::spawn(engine.clone().run());
    }
    Ok(api::router(engine))
}
