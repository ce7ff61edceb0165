//! The plugin registry: one explicit, compile-time list.
//!
//! Order is nav order. Adding a plugin is one line here plus one dependency in
//! `app/Cargo.toml` (`cargo xtask new-plugin <id>` writes both).

use portico_plugin_api::Plugin;

/// Every installed plugin.
pub const PLUGINS: &[&Plugin] = &[
    &plugin_search::PLUGIN,
    &plugin_catalog::PLUGIN,
    &plugin_techdocs::PLUGIN,
    &plugin_example::PLUGIN,
];
