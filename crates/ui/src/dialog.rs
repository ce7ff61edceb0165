//! A modal dialog built on the native `<dialog>` element, which gives focus
//! containment, `Esc` to close and the right semantics without script tricks.

use crate::icon::Glyph;
use leptos::html;
use leptos::prelude::*;

/// A modal dialog, open while `open` is true.
#[component]
pub fn Dialog(
    /// Opens and closes the dialog; set to false when the user closes it.
    open: RwSignal<bool>,
    /// A unique id prefix.
    #[prop(into)]
    id: String,
    /// The heading, also the dialog's accessible name.
    #[prop(into)]
    title: String,
    /// The content.
    children: ChildrenFn,
) -> impl IntoView {
    let dialog_ref = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        let is_open = open.get();
        if let Some(dialog) = dialog_ref.get() {
            if is_open && !dialog.open() {
                let _ = dialog.show_modal();
            } else if !is_open && dialog.open() {
                dialog.close();
            }
        }
    });
    let title_id = format!("{id}-title");
    let title_id_ref = title_id.clone();
    view! {
        <dialog
            class="pt-dialog"
            id=id
            node_ref=dialog_ref
            aria-labelledby=title_id_ref
            on:close=move |_| open.set(false)
        >
            <header class="pt-dialog__header">
                <h2 class="pt-dialog__title" id=title_id>{title}</h2>
                <button
                    type="button"
                    class="pt-button pt-button--subtle"
                    aria-label="Close"
                    on:click=move |_| open.set(false)
                >
                    <Glyph name="close" size=18/>
                </button>
            </header>
            <div class="pt-dialog__body">{children()}</div>
        </dialog>
    }
}
