//! A modal dialog built on the native `<dialog>` element, which gives focus
//! containment, `Esc` to close and the right semantics without script tricks.
//! The dialog and its trigger are one island; the content is server-rendered.

#![allow(missing_docs, reason = "the island macro generates an undocumented props struct")]

use crate::icon::Glyph;
use leptos::html;
use leptos::prelude::*;

/// A button that opens a modal dialog holding `children`.
#[island]
pub fn Dialog(
    /// A unique id prefix.
    id: String,
    /// The heading, also the dialog's accessible name.
    title: String,
    /// The label of the button that opens it.
    trigger: String,
    /// The content.
    children: Children,
) -> impl IntoView {
    let dialog_ref = NodeRef::<html::Dialog>::new();
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    view! {
        <button
            type="button"
            class="pt-button pt-button--secondary"
            aria-haspopup="dialog"
            on:click=move |_| {
                if let Some(d) = dialog_ref.get() {
                    let _ = d.show_modal();
                }
            }
        >
            {trigger}
        </button>
        <dialog class="pt-dialog" id=id node_ref=dialog_ref aria-labelledby=labelled_by>
            <header class="pt-dialog__header">
                <h2 class="pt-dialog__title" id=title_id>{title}</h2>
                <button
                    type="button"
                    class="pt-button pt-button--subtle"
                    aria-label="Close"
                    on:click=move |_| {
                        if let Some(d) = dialog_ref.get() {
                            d.close();
                        }
                    }
                >
                    <Glyph name="close" size=18/>
                </button>
            </header>
            <div class="pt-dialog__body">{children()}</div>
        </dialog>
    }
}
