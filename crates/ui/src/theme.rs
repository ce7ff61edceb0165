//! Theme modes and how the choice is remembered.
//!
//! The choice lives in a cookie so the server renders `<html data-theme=...>`
//! itself: the first paint already has the right theme, with no flash.

use serde::{Deserialize, Serialize};

/// The cookie that holds the user's choice.
pub const THEME_COOKIE: &str = "portico-theme";

/// Light, dark, or whatever the operating system prefers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeMode {
    /// The light theme.
    Light,
    /// The dark theme.
    Dark,
    /// Follow `prefers-color-scheme`.
    #[default]
    System,
}

impl ThemeMode {
    /// Every mode, in the order the settings page offers them.
    pub const ALL: [ThemeMode; 3] = [ThemeMode::Light, ThemeMode::Dark, ThemeMode::System];

    /// The value of `data-theme` and of the cookie.
    pub const fn as_str(self) -> &'static str {
        match self {
            ThemeMode::Light => "light",
            ThemeMode::Dark => "dark",
            ThemeMode::System => "system",
        }
    }

    /// What the settings page calls it.
    pub const fn label(self) -> &'static str {
        match self {
            ThemeMode::Light => "Light",
            ThemeMode::Dark => "Dark",
            ThemeMode::System => "Follow the system",
        }
    }

    /// Parses a cookie or form value; anything unknown is `None`.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == value.trim())
    }

    /// Reads the mode from a `Cookie` header value.
    pub fn from_cookie_header(header: &str) -> Self {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == THEME_COOKIE)
            .and_then(|(_, value)| Self::parse(value))
            .unwrap_or_default()
    }

    /// A `Set-Cookie` value that remembers this mode for a year.
    pub fn set_cookie_value(self) -> String {
        format!("{THEME_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", self.as_str())
    }
}
