//! The catalog as other plugins see it (`ssr` feature): read one entity by
//! its ref, as Backstage's backend plugins do through the catalog client.
//!
//! The catalog plugin provides the service ([`crate::server::Backend::provides_catalog`]);
//! the server gives the same [`CatalogHandle`] to every plugin's context, so
//! a plugin reads entities without depending on the catalog crate.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use portico_catalog_model::Entity;

/// Why the catalog could not answer (its database failed, or it is not wired in).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the catalog could not be read: {0}")]
pub struct CatalogError(pub String);

/// A boxed future, as the service's methods return.
pub type CatalogFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, CatalogError>> + Send + 'a>>;

/// What a plugin may ask the catalog.
pub trait CatalogService: Send + Sync + std::fmt::Debug {
    /// The entity with this ref (`component:default/payments`, any case), as
    /// stored and stitched (with its relations and status), or `None`.
    fn entity<'a>(&'a self, entity_ref: &'a str) -> CatalogFuture<'a, Option<Entity>>;
}

/// A shared handle to the catalog.
#[derive(Debug, Clone)]
pub struct CatalogHandle(pub Arc<dyn CatalogService>);

impl CatalogHandle {
    /// A handle that knows no entity: the catalog plugin is not compiled in,
    /// or a tool runs a plugin on its own.
    pub fn disabled() -> Self {
        Self(Arc::new(Disabled))
    }
}

impl std::ops::Deref for CatalogHandle {
    type Target = dyn CatalogService;
    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

#[derive(Debug)]
struct Disabled;

impl CatalogService for Disabled {
    fn entity<'a>(&'a self, _: &'a str) -> CatalogFuture<'a, Option<Entity>> {
        Box::pin(async { Err(CatalogError("no catalog in this portal".into())) })
    }
}
