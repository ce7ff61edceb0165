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

/// A set of tabs. The panels are server-rendered; only the tab list is an island.
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
    let initial = initial.min(tabs.len().saturating_sub(1));
    let labels: Vec<String> = tabs.iter().map(|t| t.label.clone()).collect();
    let panels = tabs
        .into_iter()
        .enumerate()
        .map(|(i, tab)| {
            view! {
                <div
                    role="tabpanel"
                    class="pt-tabs__panel"
                    id=format!("{id}-panel-{i}")
                    aria-labelledby=format!("{id}-tab-{i}")
                    tabindex="0"
                    hidden=i != initial
                >
                    {tab.content.run()}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="pt-tabs">
            <TabList id=id.clone() label labels initial/>
            {panels}
        </div>
    }
}

/// The interactive tab list. Selecting a tab shows its panel and hides the others.
#[island]
fn TabList(id: String, label: String, labels: Vec<String>, initial: usize) -> impl IntoView {
    let count = labels.len();
    let selected = RwSignal::new(initial);
    let select = {
        let id = id.clone();
        move |next: usize, focus: bool| {
            selected.set(next);
            show_only_panel(&id, next, count);
            if focus {
                focus_element(&format!("{id}-tab-{next}"));
            }
        }
    };
    let buttons = labels
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let (click, key) = (select.clone(), select.clone());
            view! {
                <button
                    type="button"
                    role="tab"
                    class="pt-tabs__tab"
                    id=format!("{id}-tab-{i}")
                    aria-controls=format!("{id}-panel-{i}")
                    aria-selected=move || (selected.get() == i).to_string()
                    tabindex=move || if selected.get() == i { "0" } else { "-1" }
                    on:click=move |_| click(i, false)
                    on:keydown=move |ev| {
                        if let Some(next) = next_index(&ev.key(), i, count) {
                            ev.prevent_default();
                            key(next, true);
                        }
                    }
                >
                    {text}
                </button>
            }
        })
        .collect_view();
    view! { <div role="tablist" class="pt-tabs__list" aria-label=label>{buttons}</div> }
}

/// Sets `hidden` on every panel but `shown` (browser only).
fn show_only_panel(id: &str, shown: usize, count: usize) {
    #[cfg(target_arch = "wasm32")]
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        for i in 0..count {
            if let Some(panel) = document.get_element_by_id(&format!("{id}-panel-{i}")) {
                let _ = if i == shown {
                    panel.remove_attribute("hidden")
                } else {
                    panel.set_attribute("hidden", "")
                };
            }
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (id, shown, count);
}

/// Moves keyboard focus to the element with `id` (browser only).
fn focus_element(id: &str) {
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
