//! Code snippets.

use crate::icon::Glyph;
use leptos::prelude::*;

/// A block of code with optional line numbers, highlighted lines and a copy button.
#[component]
pub fn CodeSnippet(
    /// The code.
    #[prop(into)]
    text: String,
    /// The language, shown as a label.
    #[prop(optional, into)]
    language: Option<String>,
    /// Numbers each line.
    #[prop(optional)]
    show_line_numbers: bool,
    /// One-based line numbers to highlight.
    #[prop(optional)]
    highlighted: Vec<usize>,
    /// Shows a copy-to-clipboard button.
    #[prop(optional)]
    show_copy: bool,
) -> impl IntoView {
    let lines: Vec<_> = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let n = i + 1;
            let class = if highlighted.contains(&n) { "pt-code__line pt-code__line--hl" } else { "pt-code__line" };
            view! {
                <span class=class>
                    {show_line_numbers.then(|| view! { <span class="pt-code__num" aria-hidden="true">{n}</span> })}
                    {line.to_owned()}
                    "\n"
                </span>
            }
        })
        .collect();
    view! {
        <div class="pt-code">
            {language.map(|l| view! { <span class="pt-code__lang">{l}</span> })}
            {show_copy.then(|| view! { <CopyButton text=text.clone()/> })}
            <pre class="pt-code__pre" tabindex="0"><code>{lines}</code></pre>
        </div>
    }
}

/// Copies `text` to the clipboard and says so to screen readers.
#[island]
fn CopyButton(text: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    view! {
        <button
            type="button"
            class="pt-button pt-button--subtle pt-code__copy"
            aria-label="Copy code"
            on:click=move |_| {
                copy_to_clipboard(&text);
                copied.set(true);
            }
        >
            <Glyph name="copy" size=16/>
        </button>
        <span class="pt-visually-hidden" aria-live="polite">{move || if copied.get() { "Copied" } else { "" }}</span>
    }
}

fn copy_to_clipboard(text: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(window) = web_sys::window() {
        let _promise = window.navigator().clipboard().write_text(text);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = text;
}
