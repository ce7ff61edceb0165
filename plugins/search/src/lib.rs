//! Search in the portal: the `/search` page (facet filters in the URL,
//! highlighted results, pages) and Backstage's `GET /api/search/query`, over
//! the engine every plugin feeds through the plugin API's search handle.
//!
//! The engine itself (tantivy) is `portico-search`, opened by the server; this
//! plugin only asks it questions, as any plugin could.

#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
mod config;
pub mod modal;
mod routes;
#[cfg(feature = "ssr")]
mod server;
mod ui;

#[cfg(feature = "ssr")]
pub use config::Config;
use portico_plugin_api::Plugin;

/// The search plugin, as registered in the app's plugin list.
pub const PLUGIN: Plugin = {
    // No nav item: the app puts the quick-search entry (`modal::SearchModal`,
    // a link to `/search` without JavaScript) at the top of the sidebar.
    let plugin = Plugin::new("search", "Search").routes(routes::routes);
    #[cfg(feature = "ssr")]
    let plugin = plugin.backend(server::BACKEND);
    plugin
};
