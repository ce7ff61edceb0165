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
use portico_plugin_api::{Entity, EntityCard, EntityTab, Icon, NavItem, Plugin};

fn is_component(entity: &Entity) -> bool {
    entity.is_kind("component")
}

/// The example plugin, as registered in the app's plugin list.
pub const PLUGIN: Plugin = {
    let plugin = Plugin::new("example", "Example")
        .nav(&[NavItem::new("/example", "Example", Icon::Extension)])
        .routes(routes::routes)
        // Contributions to the catalog's entity page, shown for components only.
        .entity_cards(&[EntityCard::new("example-card", is_component, ui::entity_card)])
        .entity_tabs(&[EntityTab::new("example", "Example", is_component, ui::entity_tab)]);
    #[cfg(feature = "ssr")]
    let plugin = plugin.backend(server::BACKEND);
    plugin
};
