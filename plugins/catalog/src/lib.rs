//! The software catalog: every service, API, resource, system, domain, team and
//! person, read from `catalog-info.yaml` files, stored on SQLite or PostgreSQL,
//! served through Backstage's `/api/catalog` and browsed on the catalog pages.
//!
//! `lib.rs` is the plugin's table of contents: the [`PLUGIN`] value and nothing else.

#![recursion_limit = "256"]

pub mod api;
mod config;
mod routes;
#[cfg(feature = "ssr")]
mod server;
mod ui;

pub use config::Config;
use portico_plugin_api::{Icon, NavItem, Plugin};

/// The catalog plugin, as registered in the app's plugin list.
pub const PLUGIN: Plugin = {
    let plugin = Plugin::new("catalog", "Catalog")
        .nav(&[NavItem::new("/catalog", "Catalog", Icon::Catalog)])
        .routes(routes::routes);
    #[cfg(feature = "ssr")]
    let plugin = plugin.backend(server::BACKEND);
    plugin
};
