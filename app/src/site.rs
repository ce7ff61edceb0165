//! What the browser needs to know about the site before it can hydrate: the
//! title, the logos and the current theme. The server writes it into the page
//! as JSON; the WASM entry reads it back, so both render the same markup.

use portico_ui::theme::ThemeMode;
use serde::{Deserialize, Serialize};

/// Site-wide facts from configuration, plus the visitor's theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// `app.title`.
    pub title: String,
    /// `app.branding.fullLogo`.
    pub full_logo: Option<String>,
    /// `app.branding.iconLogo`.
    pub icon_logo: Option<String>,
    /// `app.branding.fullLogoWidth`.
    pub logo_width: Option<String>,
    /// The visitor's theme, from their cookie.
    pub theme: ThemeMode,
}

impl Default for SiteInfo {
    fn default() -> Self {
        Self {
            title: "Portico".into(),
            full_logo: None,
            icon_logo: None,
            logo_width: None,
            theme: ThemeMode::System,
        }
    }
}

/// The id of the `<script type="application/json">` element that carries it.
pub const BOOTSTRAP_ELEMENT_ID: &str = "portico-site";

impl SiteInfo {
    /// JSON safe to place inside a `<script>` element: `<` is escaped, so no
    /// title or logo URL can close the element or open a comment.
    pub fn to_script_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into()).replace('<', "\\u003c")
    }

    /// Reads it back in the browser; anything unreadable gives the defaults.
    pub fn from_script_json(text: &str) -> Self {
        serde_json::from_str(text).unwrap_or_default()
    }
}
