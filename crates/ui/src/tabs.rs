//! Tabs, following the WAI-ARIA tabs pattern.
//!
//! Arrow keys move between tabs (wrapping), Home and End jump to the ends, and
//! only the selected tab is in the tab order; its panel follows it. Every panel
//! is rendered on the server, so the content is in the HTML.

use leptos::prelude::*;

/// One tab: its label and its panel's content.
pub struct Tab {
    label: String,
    content: ViewFn,
}

impl Tab {
    /// A tab.
    pub fn new(
        label: impl Into<String>,
        content: impl Fn() -> AnyView + Send + Sync + 'static,
    ) -> Self {
        Self { label: label.into(), content: ViewFn::from(content) }
    }
}

/// Where a key press moves the selection, if anywhere.
pub fn next_index(key: &str, current: usize, count: usize) -> Option<usize> {
    if count == 0 {
        return None;
    }
    match key {
        "ArrowRight" => Some((current + 1) % count),
        "ArrowLeft" => Some((current + count - 1) % count),
        "Home" => Some(0),
        "End" => Some(count - 1),
        _ => None,
    }
}

/// A set of tabs.
#[component]
pub fn Tabs(
    /// A prefix for the element ids; unique on the page.
    #[prop(into)]
    id: String,
    /// What the tab list is about, for screen readers.
    #[prop(into)]
    label: String,
    /// The tabs.
    tabs: Vec<Tab>,
    /// The tab selected at first.
    #[prop(optional)]
    initial: usize,
) -> impl IntoView {
    let count = tabs.len();
    let selected = RwSignal::new(initial.min(count.saturating_sub(1)));
    let tab_id = {
        let id = id.clone();
        move |i: usize| format!("{id}-tab-{i}")
    };
    let panel_id = {
        let id = id.clone();
        move |i: usize| format!("{id}-panel-{i}")
    };
    let buttons = tabs
        .iter()
        .enumerate()
        .map(|(i, tab)| {
            let focus_id = tab_id.clone();
            view! {
                <button
                    type="button"
                    role="tab"
                    class="pt-tabs__tab"
                    id=tab_id(i)
                    aria-controls=panel_id(i)
                    aria-selected=move || (selected.get() == i).to_string()
                    tabindex=move || if selected.get() == i { "0" } else { "-1" }
                    on:click=move |_| selected.set(i)
                    on:keydown=move |ev| {
                        if let Some(next) = next_index(&ev.key(), i, count) {
                            ev.prevent_default();
                            selected.set(next);
                            focus_element(&focus_id(next));
                        }
                    }
                >
                    {tab.label.clone()}
                </button>
            }
        })
        .collect_view();
    let panels = tabs
        .into_iter()
        .enumerate()
        .map(|(i, tab)| {
            view! {
                <div
                    role="tabpanel"
                    class="pt-tabs__panel"
                    id=panel_id(i)
                    aria-labelledby=tab_id(i)
                    tabindex="0"
                    hidden=move || selected.get() != i
                >
                    {tab.content.run()}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="pt-tabs">
            <div role="tablist" class="pt-tabs__list" aria-label=label>{buttons}</div>
            {panels}
        </div>
    }
}

/// Moves keyboard focus to the element with `id` (browser only).
pub(crate) fn focus_element(id: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = id;
}
