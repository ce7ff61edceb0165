//! Lists whose length changes from one page to the next (table rows, search
//! hits, filter options).
//!
//! The islands router moves between pages by fetching the new page and
//! diffing it into the old one node by node. It cannot add or drop nodes in a
//! plain list: a filtered table kept the rows the new page no longer had. It
//! replaces a *keyed* list's range whole, so every such list goes through
//! [`keyed`].

use leptos::prelude::*;

/// `items` as a keyed list (keyed by position). For server-rendered views:
/// the list is built once, where `each` runs once.
pub fn keyed<V: IntoView + 'static>(items: impl IntoIterator<Item = V>) -> AnyView {
    let items: Vec<(usize, AnyView)> =
        items.into_iter().enumerate().map(|(i, item)| (i, item.into_any())).collect();
    let pending = std::sync::Mutex::new(Some(items));
    view! {
        <For
            each=move || pending.lock().ok().and_then(|mut items| items.take()).unwrap_or_default()
            key=|(i, _)| *i
            children=|(_, item)| item
        />
    }
    .into_any()
}
