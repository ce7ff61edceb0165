//! The Portico shell: the `<App/>` component, the HTML document around it, the
//! sidebar, the built-in pages (home, settings, component gallery, 404) and the
//! plugin registry.
//!
//! The crate is built twice: with `ssr` into the server, and with `hydrate` into
//! the WASM bundle. Both builds see the same [`plugins::PLUGINS`] list, so the
//! server-rendered markup and the hydrated app always agree.

#![recursion_limit = "256"]

mod api;
mod layout;
mod pages;
pub mod plugins;
mod shell;
pub mod site;

pub use shell::{App, shell};
pub use site::SiteInfo;

#[cfg(all(test, feature = "ssr"))]
mod tests;
