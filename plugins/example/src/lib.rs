//! The worked example of a Portico plugin: a page, a server function, a JSON
//! route under `/api/example`, a migration and a typed config section.
//!
//! `lib.rs` is the plugin's table of contents: the [`PLUGIN`] value and nothing else.

#![recursion_limit = "256"]

mod api;
mod config;
mod routes;
#[cfg(feature = "ssr")]
mod server;
mod ui;

pub use config::Config;
use portico_plugin_api::{Icon, NavItem, Plugin};

/// The example plugin, as registered in the app's plugin list.
pub const PLUGIN: Plugin = {
    let plugin = Plugin::new("example", "Example")
        .nav(&[NavItem::new("/example", "Example", Icon::Extension)])
        .routes(routes::routes);
    #[cfg(feature = "ssr")]
    let plugin = plugin.backend(server::BACKEND);
    plugin
};
