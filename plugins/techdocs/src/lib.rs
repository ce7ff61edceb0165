//! TechDocs in the portal: the reader at `/docs/:namespace/:kind/:name/*`, the
//! `/docs` index of published sites, the Docs tab on entities annotated with
//! `backstage.io/techdocs-ref`, and Backstage's `/api/techdocs` routes for
//! stored files and metadata.
//!
//! Sites are built by `portico techdocs build` (the `portico-techdocs` engine)
//! and read from the publisher's storage; sites Backstage's MkDocs pipeline
//! published there are read too.

#![recursion_limit = "256"]

mod addons;
pub mod api;
#[cfg(feature = "ssr")]
mod builder;
#[cfg(feature = "ssr")]
mod config;
mod diagrams;
#[cfg(feature = "ssr")]
mod events;
#[cfg(feature = "ssr")]
mod publish;
mod routes;
#[cfg(feature = "ssr")]
mod search;
#[cfg(feature = "ssr")]
mod server;
#[cfg(feature = "ssr")]
mod sources;
mod ui;

#[cfg(feature = "ssr")]
pub use config::Config;
use portico_plugin_api::{Entity, EntityTab, Icon, NavItem, Plugin};

/// The annotation that says where an entity's docs come from.
pub const TECHDOCS_REF: &str = "backstage.io/techdocs-ref";

fn has_docs(entity: &Entity) -> bool {
    entity.annotation(TECHDOCS_REF).is_some_and(|r| !r.trim().is_empty())
}

/// The TechDocs plugin, as registered in the app's plugin list.
pub const PLUGIN: Plugin = {
    let plugin = Plugin::new("techdocs", "Docs")
        .nav(&[NavItem::new("/docs", "Docs", Icon::Docs)])
        .routes(routes::routes)
        .entity_tabs(&[EntityTab::new("docs", "Docs", has_docs, ui::entity_tab)]);
    #[cfg(feature = "ssr")]
    let plugin = plugin.backend(server::BACKEND);
    plugin
};
