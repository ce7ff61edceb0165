//! The shell's own pages.

mod gallery;
mod home;
mod not_found;
mod settings;

pub(crate) use gallery::Gallery;
pub(crate) use home::Home;
pub(crate) use not_found::NotFound;
pub(crate) use settings::Settings;

use crate::api::render_builtin_markdown;
use leptos::prelude::*;
use portico_ui::prelude::*;

/// One of the shell's built-in Markdown documents, rendered on the server, with
/// a loading state and an error panel.
#[component]
pub(crate) fn BuiltinDoc(
    /// `welcome` or `sample`.
    which: &'static str,
) -> impl IntoView {
    let doc = Resource::new_blocking(|| (), move |_| render_builtin_markdown(which.to_owned()));
    view! {
        <Suspense fallback=|| view! { <Progress label="Loading the document"/> }>
            {move || Suspend::new(async move { match doc.await {
                Ok(html) => view! { <MarkdownContent html/> }.into_any(),
                Err(e) => view! { <ErrorPanel title="Could not load this document" message=e.to_string()/> }.into_any(),
            } })}
        </Suspense>
    }
}
