//! The Portico server: everything behind the `portico` binary.
//!
//! - [`cli`]: the sub-commands (`serve`, `config check`, `catalog validate|schema`).
//! - [`catalog_cli`]: `portico catalog validate`, offline descriptor checks.
//! - [`settings`]: which config files are read and the core sections typed.
//! - [`db`]: connecting to SQLite or PostgreSQL and running every plugin's migrations.
//! - [`assets`]: the embedded WASM, JS, CSS and public files, and the themed stylesheet.
//! - [`routes`]: the axum router (health, plugin backends, server functions, pages).
//! - [`serve`]: binding, logging and graceful shutdown.
//! - [`techdocs_cli`]: `portico techdocs build` and `publish`.
//! - [`techdocs_serve`]: `portico techdocs serve`, the live preview.

pub mod assets;
pub mod catalog_cli;
pub mod cli;
pub mod db;
pub mod routes;
pub mod serve;
pub mod settings;
pub mod techdocs_cli;
pub mod techdocs_serve;
mod theme;
