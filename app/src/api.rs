//! The shell's server functions.

use leptos::prelude::*;
use portico_plugin_api::PortalError;
use portico_ui::prelude::{SafeHtml, ThemeMode};

/// Stores the theme choice in a cookie, so the server renders it from the next request on.
#[server(prefix = "/api/app", endpoint = "set_theme")]
pub async fn set_theme(mode: String) -> Result<ThemeMode, PortalError> {
    let mode = ThemeMode::parse(&mode).ok_or_else(|| {
        PortalError::bad_request(format!("`{mode}` is not a theme: use light, dark or system."))
    })?;
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let cookie = http::HeaderValue::from_str(&mode.set_cookie_value())
        .map_err(|_| PortalError::internal())?;
    response.append_header(http::header::SET_COOKIE, cookie);
    Ok(mode)
}

/// Markdown shown on the home page and in the gallery, rendered and sanitised on the server.
#[server(prefix = "/api/app", endpoint = "render_builtin_markdown")]
pub async fn render_builtin_markdown(which: String) -> Result<SafeHtml, PortalError> {
    // Built-in documents never change: render each once, not on every page view.
    static WELCOME: std::sync::OnceLock<SafeHtml> = std::sync::OnceLock::new();
    static SAMPLE: std::sync::OnceLock<SafeHtml> = std::sync::OnceLock::new();
    let (cell, source) = match which.as_str() {
        "welcome" => (&WELCOME, include_str!("pages/welcome.md")),
        "sample" => (&SAMPLE, include_str!("pages/sample.md")),
        _ => return Err(PortalError::not_found("No such document.")),
    };
    Ok(cell.get_or_init(|| portico_ui::markdown::render_markdown(source)).clone())
}
