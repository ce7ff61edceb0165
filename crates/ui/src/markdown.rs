//! Markdown, rendered and sanitised on the server.
//!
//! [`render_markdown`] (server only) turns Markdown into [`SafeHtml`] with
//! comrak (GitHub-flavoured) and then ammonia, so raw HTML, `javascript:` links
//! and event handlers never reach the page. The browser receives the finished
//! HTML (through a resource), so the WASM bundle carries no Markdown parser.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// HTML that came out of the sanitiser. Only [`render_markdown`] makes one on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// The HTML text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Markdown over this many bytes is not rendered; the first part is shown as text instead.
pub const MAX_MARKDOWN_BYTES: usize = 2 * 1024 * 1024;

/// Renders GitHub-flavoured Markdown to sanitised HTML.
#[cfg(feature = "ssr")]
pub fn render_markdown(source: &str) -> SafeHtml {
    if source.len() > MAX_MARKDOWN_BYTES {
        let mut cut = MAX_MARKDOWN_BYTES;
        while !source.is_char_boundary(cut) {
            cut -= 1;
        }
        let text = ammonia::clean_text(&source[..cut]);
        return SafeHtml(format!(
            "<p><strong>This document is too large to render.</strong></p><pre>{text}</pre>"
        ));
    }
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    options.extension.footnotes = true;
    // Raw HTML is escaped by comrak; ammonia then checks every tag and attribute.
    options.render.r#unsafe = false;
    let html = comrak::markdown_to_html(source, &options);
    let clean = ammonia::Builder::default()
        .add_generic_attributes(["id"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tags(["input"])
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&html)
        .to_string()
        // Task-list checkboxes need an accessible name (WCAG 4.1.2).
        .replace(
            r#"<input type="checkbox" checked="" disabled="">"#,
            r#"<input type="checkbox" checked="" disabled="" aria-label="Done">"#,
        )
        .replace(
            r#"<input type="checkbox" disabled="">"#,
            r#"<input type="checkbox" disabled="" aria-label="Not done">"#,
        );
    SafeHtml(clean)
}

/// Shows sanitised HTML produced by [`render_markdown`].
#[component]
pub fn MarkdownContent(
    /// The rendered document.
    html: SafeHtml,
) -> impl IntoView {
    view! { <div class="pt-markdown" inner_html=html.0></div> }
}
