//! The submit button of a GET form whose answer is a different list: filters
//! and search terms.
//!
//! The islands router sends forms itself and patches the answer into the page
//! by walking the old and the new document node by node. That walk cannot
//! add or drop nodes in a list (a filtered table kept the rows the new page no
//! longer had), and it stops altogether at the first keyed list, leaving
//! everything after it unchanged. So these forms load their answer in full,
//! exactly as they do without JavaScript.

#![allow(missing_docs, reason = "the island macro generates an undocumented props struct")]

use leptos::prelude::*;

/// A primary submit button that loads the form's GET answer as a new page.
#[island]
pub fn SubmitInFull(
    /// The label.
    label: String,
) -> impl IntoView {
    view! {
        <button type="submit" class="pt-button pt-button--primary" on:click=|ev| load_in_full(&ev)>
            {label}
        </button>
    }
}

/// Sends the clicked button's form as a plain navigation (the router never
/// sees a submit event). Without a form or a window, the click goes on as usual.
fn load_in_full(event: &leptos::ev::MouseEvent) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let form = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("form").ok().flatten())
            .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok());
        let Some(form) = form else { return };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
        let Ok(query) = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) else {
            return;
        };
        let query: String = query.to_string().into();
        let action = form.get_attribute("action").unwrap_or_default();
        if let Some(window) = web_sys::window() {
            event.prevent_default();
            let _ = window.location().assign(&format!("{action}?{query}"));
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = event;
}
