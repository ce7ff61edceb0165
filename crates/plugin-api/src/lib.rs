//! The plugin API: the one crate a Portico plugin compiles against (with `portico-ui`
//! for its components and `portico-catalog-model` for entities).
//!
//! A plugin is a `const` [`Plugin`] value built with const builder methods. It
//! declares its id, nav items, routes, entity-page tabs and cards (each with a
//! predicate on the entity) and, on the server (`ssr` feature), a [`Backend`]:
//! its router mounted at `/api/<id>`, its migrations and its typed config section.
//! The app lists plugins in one explicit compile-time list; order is nav order.
//!
//! ```ignore
//! pub const PLUGIN: Plugin = {
//!     let plugin = Plugin::new("example", "Example")
//!         .nav(&[NavItem::new("/example", "Example", Icon::Extension)])
//!         .routes(routes::routes);
//!     #[cfg(feature = "ssr")]
//!     let plugin = plugin.backend(server::BACKEND);
//!     plugin
//! };
//! ```
//!
//! Every type a plugin sees is `#[non_exhaustive]` or built through constructors,
//! so adding a field never breaks a plugin.

#![warn(missing_docs)]

#[cfg(feature = "ssr")]
pub mod catalog;
pub mod error;
mod plugin;
#[cfg(feature = "ssr")]
pub mod search;
#[cfg(feature = "ssr")]
pub mod server;
pub mod url;

pub use error::{ErrorCode, PortalError};
pub use plugin::{EntityCard, EntityTab, Icon, NavItem, Plugin, Registry};
pub use portico_catalog_model::Entity;

/// Re-exported so plugins name routes with the same router version as the app.
pub use leptos_router::any_nested_route::{AnyNestedRoute, IntoAnyNestedRoute};

#[cfg(test)]
mod tests;
