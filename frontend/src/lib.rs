//! The WASM entry point, and nothing else: hydrate the islands, the interactive
//! parts of the server-rendered page. Everything else stays server-rendered HTML.

use wasm_bindgen::prelude::wasm_bindgen;

// Link every crate that defines islands, so their hydration functions are exported.
use app as _;

/// Called by Leptos's hydration script once the module has loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // A marker for tests and tooling: the page is interactive from here on. A window
    // property rather than an attribute, because island navigation re-renders the document.
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &"__porticoHydrated".into(), &true.into());
    }
}
