//! Inline SVG glyphs, drawn with `currentColor` so they follow the text colour.

use leptos::prelude::*;

/// The path data (24×24, stroked) for each glyph name; unknown names draw a dot.
fn path_for(name: &str) -> &'static str {
    match name {
        "home" => "M3 11l9-7 9 7M5 10v10h5v-6h4v6h5V10",
        "catalog" => "M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z",
        "docs" => "M4 5c3-1 6-1 8 1 2-2 5-2 8-1v14c-3-1-6-1-8 1-2-2-5-2-8-1zM12 6v14",
        "create" => "M12 5v14M5 12h14",
        "search" => "M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM16 16l5 5",
        "extension" => {
            "M9 4h4v3a2 2 0 1 0 4 0V4h3v6h-3a2 2 0 1 0 0 4h3v6h-6v-3a2 2 0 1 0-4 0v3H4v-6h3a2 2 0 1 0 0-4H4V4z"
        }
        "settings" => {
            "M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2"
        }
        "palette" => {
            "M12 3a9 9 0 1 0 0 18c1 0 2-1 1.5-2s.5-2 1.5-2H17a4 4 0 0 0 4-4c0-6-4-10-9-10zM7.5 11h.01M10 7h.01M15 7h.01"
        }
        "menu" => "M4 6h16M4 12h16M4 18h16",
        "chevron-left" => "M15 5l-7 7 7 7",
        "chevron-right" => "M9 5l7 7-7 7",
        "ok" => "M5 12l5 5 9-10",
        "warning" => "M12 3l10 18H2zM12 10v5M12 18h.01",
        "error" => "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM9 9l6 6M15 9l-6 6",
        "info" => "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 11v6M12 7h.01",
        "pending" => "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 7v5l3 3",
        "copy" => "M9 9h11v11H9zM5 15H4V4h11v1",
        "close" => "M6 6l12 12M18 6L6 18",
        "sort" => "M8 9l4-4 4 4M8 15l4 4 4-4",
        "sort-asc" => "M8 14l4-4 4 4",
        "sort-desc" => "M8 10l4 4 4-4",
        _ => "M12 11h.01",
    }
}

/// A decorative glyph (`aria-hidden`): pair it with visible or screen-reader text.
#[component]
pub fn Glyph(
    /// The glyph name, for example `home` or `warning`.
    #[prop(into)]
    name: String,
    /// Edge length in pixels.
    #[prop(optional)]
    size: Option<u16>,
) -> impl IntoView {
    let size = size.unwrap_or(20);
    view! {
        <svg
            class="pt-glyph"
            width=size
            height=size
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
            focusable="false"
        >
            <path d=path_for(&name)></path>
        </svg>
    }
}
