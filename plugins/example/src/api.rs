//! Server functions: the wire boundary of the plugin. Thin: parse, call `server`, map errors.

use leptos::prelude::*;
use portico_plugin_api::PortalError;
use serde::{Deserialize, Serialize};

/// One note as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Note {
    /// Row id.
    pub(crate) id: i64,
    /// The text.
    pub(crate) body: String,
}

/// What the example page needs: the greeting and the latest notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PageData {
    /// From config.
    pub(crate) greeting: String,
    /// Newest first.
    pub(crate) notes: Vec<Note>,
}

/// Loads the page's data.
#[server(prefix = "/api/example/fn", endpoint = "load_page")]
pub(crate) async fn load_page() -> Result<PageData, PortalError> {
    crate::server::load_page().await.map_err(Into::into)
}

/// Adds a note; blank and oversized notes are refused.
#[server(prefix = "/api/example/fn", endpoint = "add_note")]
pub(crate) async fn add_note(body: String) -> Result<(), PortalError> {
    crate::server::add_note(&body).await.map_err(Into::into)
}
