//! The WASM entry point, and nothing else: read the site facts the server wrote
//! into the page, then hydrate the server-rendered body.

use app::site::{BOOTSTRAP_ELEMENT_ID, SiteInfo};
use wasm_bindgen::prelude::wasm_bindgen;

/// Called by Leptos's hydration script once the module has loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let site = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(BOOTSTRAP_ELEMENT_ID))
        .and_then(|el| el.text_content())
        .map(|json| SiteInfo::from_script_json(&json))
        .unwrap_or_default();
    leptos::mount::hydrate_body(move || {
        leptos::prelude::provide_context(site);
        leptos::prelude::view! { <app::App/> }
    });
    // A marker for tests and tooling: the page is interactive from here on.
    if let Some(root) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
