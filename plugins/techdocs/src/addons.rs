//! The reader's interactive parts, each an island (the page around them is
//! server-rendered and works without JavaScript; these add to it):
//!
//! * [`LiveReload`]: follows the site's event stream; reloads the page when
//!   the site is published again (`portico techdocs serve`), or says a newer
//!   version is available and offers to reload (the portal).

#![allow(missing_docs, reason = "the island macro generates undocumented props structs")]

use leptos::prelude::*;

/// Listens to `events_url` (server-sent events, see the `events` module) and
/// reloads the page, or offers to, when the site changes.
#[island]
pub(crate) fn LiveReload(events_url: String, auto: bool) -> impl IntoView {
    let newer = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::follow(&events_url, auto, newer));
    #[cfg(not(feature = "hydrate"))]
    let _ = (events_url, auto);
    view! {
        <div class="pt-docs__update" role="status">
            {move || newer.get().then(|| view! {
                <span>"A newer version of this documentation is available."</span>
                <button type="button" class="pt-button pt-button--primary" on:click=|_| reload()>"Reload"</button>
            })}
        </div>
    }
}

fn reload() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    /// Opens the event stream for as long as the island lives.
    pub(super) fn follow(url: &str, auto: bool, newer: RwSignal<bool>) {
        let Ok(source) = web_sys::EventSource::new(url) else { return };
        let on_change = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if auto {
                super::reload();
            } else {
                newer.set(true);
            }
        });
        let _ =
            source.add_event_listener_with_callback("changed", on_change.as_ref().unchecked_ref());
        // Held (not leaked) until the island goes, then the stream is closed.
        let held = SendWrapper::new((source, on_change));
        on_cleanup(move || held.0.close());
    }
}
