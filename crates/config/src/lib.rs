//! Portico's configuration: layered `app-config.yaml` files, read into typed sections.
//!
//! The shape follows Backstage's `app-config.yaml` (`app.*`, `backend.*`, one
//! top-level key per plugin) so existing files carry over. Files are layered in
//! the order given (later wins, mappings merge deeply, lists and scalars are
//! replaced whole), `${VAR}` is substituted from the environment, and every
//! error names the file, the key and the line.
//!
//! Loading never panics: bad input comes back as a [`ConfigError`].

mod branding;
mod core;
mod error;
mod load;
mod subst;

pub use branding::{Branding, ContrastWarning, HexColor, PageThemeColor, ThemePalette};
pub use core::{
    AppSection, BackendSection, Connection, ConnectionParams, DatabaseClient, DatabaseSection,
    ListenSection,
};
pub use error::ConfigError;
pub use load::{Config, Source};

#[cfg(test)]
mod tests;
