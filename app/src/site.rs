//! Site-wide facts the server provides to every render: the title, the logos,
//! and the visitor's preferences read from their cookies.

use portico_ui::theme::ThemeMode;

/// Site-wide facts from configuration, plus the visitor's preferences.
#[derive(Debug, Clone, PartialEq)]
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
    /// Whether the visitor collapsed the sidebar, from their cookie.
    pub sidebar_collapsed: bool,
}

impl Default for SiteInfo {
    fn default() -> Self {
        Self {
            title: "Portico".into(),
            full_logo: None,
            icon_logo: None,
            logo_width: None,
            theme: ThemeMode::System,
            sidebar_collapsed: false,
        }
    }
}
