//! The quick-search dialog, opened from anywhere with Ctrl/⌘-K or `/` (or
//! its sidebar entry): results as you type, from `/api/search/query`.
//!
//! ARIA's combobox pattern: the input owns a listbox of results; arrow keys
//! move the active option (`aria-activedescendant`), Enter opens it (or the
//! full results page when none is active), Escape closes the native
//! `<dialog>`, which also keeps focus inside while open. Without JavaScript
//! the entry is a plain link to `/search`.

#![allow(missing_docs, reason = "the island macro generates an undocumented props struct")]

use crate::api::Run;
use leptos::html;
use leptos::prelude::*;
use portico_ui::prelude::Glyph;

/// Results shown in the dialog.
#[cfg(feature = "hydrate")]
const SHOWN: usize = 8;
/// Typing pause before a query is sent.
#[cfg(feature = "hydrate")]
const DEBOUNCE_MS: u64 = 150;

/// One option of the listbox.
#[derive(Debug, Clone, PartialEq)]
struct Suggestion {
    title: Vec<Run>,
    detail: String,
    location: String,
}

/// `/search?term=…`.
fn results_href(term: &str) -> String {
    let term = term.trim();
    let pairs = if term.is_empty() { vec![] } else { vec![("term".to_owned(), term.to_owned())] };
    portico_plugin_api::url::with_query("/search", &pairs)
}

/// The sidebar entry and the dialog it opens (the caller puts it in a list item).
#[island]
pub fn SearchModal() -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let input = NodeRef::<html::Input>::new();
    let term = RwSignal::new(String::new());
    let options = RwSignal::new(Vec::<Suggestion>::new());
    let active = RwSignal::new(None::<usize>);
    let status = RwSignal::new(String::new());

    let open = move || {
        if let Some(d) = dialog.get_untracked()
            && !d.open()
        {
            let _ = d.show_modal();
            if let Some(i) = input.get_untracked() {
                let _ = i.focus();
                i.select();
            }
        }
    };

    #[cfg(feature = "hydrate")]
    {
        // Ctrl/⌘-K anywhere; `/` when not typing in a field.
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            let key = ev.key();
            let shortcut = (ev.ctrl_key() || ev.meta_key()) && key.eq_ignore_ascii_case("k");
            let slash = key == "/" && !ev.ctrl_key() && !ev.meta_key() && !typing_in_a_field(&ev);
            if shortcut || slash {
                ev.prevent_default();
                open();
            }
        });
        on_cleanup(move || handle.remove());
    }

    // Queries, debounced; an answer to an older term is dropped.
    #[cfg(feature = "hydrate")]
    let generation = StoredValue::new(0u64);
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        term.set(value.clone());
        active.set(None);
        #[cfg(feature = "hydrate")]
        {
            let mine = generation.get_value() + 1;
            generation.set_value(mine);
            set_timeout(
                move || {
                    if generation.get_value() != mine {
                        return;
                    }
                    leptos::task::spawn_local(async move {
                        let found = fetch(&value).await;
                        if generation.get_value() != mine {
                            return;
                        }
                        match found {
                            Ok((list, total, at_least)) => {
                                status.set(if value.trim().is_empty() {
                                    String::new()
                                } else {
                                    crate::api::results_label(total, at_least)
                                });
                                options.set(list);
                            }
                            Err(message) => {
                                status.set(message);
                                options.set(Vec::new());
                            }
                        }
                    });
                },
                std::time::Duration::from_millis(DEBOUNCE_MS),
            );
        }
    };

    let go = move |location: String| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().location().set_href(&location);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = location;
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = options.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Home" if count > 0 && active.get_untracked().is_some() => {
                ev.prevent_default();
                active.set(Some(0));
            }
            "End" if count > 0 && active.get_untracked().is_some() => {
                ev.prevent_default();
                active.set(Some(count - 1));
            }
            "Enter" => {
                ev.prevent_default();
                let target = active
                    .get_untracked()
                    .and_then(|i| options.with_untracked(|o| o.get(i).map(|o| o.location.clone())))
                    .unwrap_or_else(|| results_href(&term.get_untracked()));
                go(target);
            }
            _ => {}
        }
    };

    let close = move |_| {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };

    view! {
            <a
                class="pt-sidebar__link pt-search-modal__trigger"
                href="/search"
                title="Search (Ctrl+K)"
                aria-keyshortcuts="Control+K Meta+K /"
                on:click=move |ev| {
                    ev.prevent_default();
                    open();
                }
            >
                <Glyph name="search"/>
                <span class="pt-sidebar__label">"Search"</span>
                <kbd class="pt-sidebar__label pt-search-modal__kbd">"Ctrl K"</kbd>
            </a>
            <dialog class="pt-dialog pt-search-modal" node_ref=dialog aria-labelledby="pt-search-modal-title">
                <h2 id="pt-search-modal-title" class="pt-visually-hidden">"Search"</h2>
                <div class="pt-search-modal__field">
                    <Glyph name="search"/>
                    <label for="pt-search-modal-input" class="pt-visually-hidden">"Search the portal"</label>
                    <input
                        id="pt-search-modal-input"
                        class="pt-search-modal__input"
                        type="text"
                        role="combobox"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder="Search services, APIs, teams, docs…"
                        aria-autocomplete="list"
                        aria-controls="pt-search-modal-results"
                        aria-expanded=move || if options.with(|o| !o.is_empty()) { "true" } else { "false" }
                        aria-activedescendant=move || active.get().map(|i| format!("pt-search-modal-option-{i}"))
                        node_ref=input
                        prop:value=move || term.get()
                        on:input=on_input
                        on:keydown=on_keydown
                    />
                    <button type="button" class="pt-button pt-button--subtle" aria-label="Close search" on:click=close>
                        <Glyph name="close" size=18/>
                    </button>
                </div>
                <ul id="pt-search-modal-results" class="pt-search-modal__results" role="listbox" aria-label="Results">
                    {move || {
                        options
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(i, o)| {
                                let selected = move || active.get() == Some(i);
                                let location = o.location.clone();
                                view! {
                                    <li
                                        id=format!("pt-search-modal-option-{i}")
                                        role="option"
                                        class="pt-search-modal__option"
                                        aria-selected=move || if selected() { "true" } else { "false" }
                                        on:click=move |_| go(location.clone())
                                        on:mousemove=move |_| active.set(Some(i))
                                    >
                                        <span class="pt-search-modal__title">
                                            <portico_ui::highlight::Marked runs=o.title/>
                                        </span>
                                        <span class="pt-search-modal__detail">{o.detail}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <p class="pt-search-modal__footer">
                    <span role="status" class="pt-search-modal__status">{move || status.get()}</span>
                    <a class="pt-link" href=move || results_href(&term.get())>"View all results"</a>
                </p>
            </dialog>
    }
}

/// Whether a key press happened in a field where `/` is text.
#[cfg(feature = "hydrate")]
fn typing_in_a_field(ev: &leptos::ev::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return false;
    };
    matches!(target.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || target.is_content_editable()
}

/// The first results for `term`, the total and whether it is a lower bound.
#[cfg(feature = "hydrate")]
async fn fetch(term: &str) -> Result<(Vec<Suggestion>, usize, bool), String> {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default)]
        results: Vec<Item>,
        #[serde(default, rename = "numberOfResults")]
        total: usize,
        #[serde(default, rename = "numberOfResultsIsLowerBound")]
        at_least: bool,
    }
    #[derive(serde::Deserialize)]
    struct Item {
        #[serde(rename = "type")]
        doc_type: String,
        document: serde_json::Map<String, serde_json::Value>,
        #[serde(default)]
        highlight: Option<Highlight>,
    }
    #[derive(serde::Deserialize)]
    struct Highlight {
        #[serde(rename = "preTag")]
        pre: String,
        #[serde(rename = "postTag")]
        post: String,
        #[serde(default)]
        fields: std::collections::BTreeMap<String, String>,
    }
    if term.trim().is_empty() {
        return Ok((Vec::new(), 0, false));
    }
    let term: String = term.chars().take(100).collect();
    let url = format!(
        "/api/search/query?term={}&pageLimit={SHOWN}",
        portico_plugin_api::url::encode_component(&term)
    );
    let resp = gloo_net::http::Request::get(&url)
        .send()
        .await
        .map_err(|e| format!("Search failed: {e}"))?;
    if !resp.ok() {
        return Err(format!("Search failed ({})", resp.status()));
    }
    let body: Body = resp.json().await.map_err(|e| format!("Search failed: {e}"))?;
    let text = |d: &serde_json::Map<String, serde_json::Value>, k: &str| {
        d.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned()
    };
    let list = body
        .results
        .into_iter()
        .map(|item| {
            let highlight = item.highlight.as_ref();
            let title = portico_ui::highlight::shown(
                highlight.and_then(|h| h.fields.get("title")).map(String::as_str),
                &text(&item.document, "title"),
                highlight.map_or(("", ""), |h| (h.pre.as_str(), h.post.as_str())),
                None,
            );
            let label = crate::api::type_label(&item.doc_type);
            let context = match item.doc_type.as_str() {
                "techdocs" => text(&item.document, "entityTitle"),
                _ => text(&item.document, "kind"),
            };
            let detail = if context.is_empty() { label } else { format!("{label} · {context}") };
            Suggestion {
                title,
                detail,
                location: crate::api::safe_location(&text(&item.document, "location")),
            }
        })
        .collect();
    Ok((list, body.total, body.at_least))
}
