//! Cards: the blocks overview pages are made of.

use leptos::prelude::*;

/// A titled card (Backstage's `InfoCard`).
#[component]
pub fn InfoCard(
    /// The card's heading.
    #[prop(into)]
    title: String,
    /// A line under the heading.
    #[prop(optional, into)]
    subheader: Option<String>,
    /// A "view more" link at the bottom: `(href, label)`.
    #[prop(optional, into)]
    deep_link: Option<(String, String)>,
    /// The content.
    children: Children,
) -> impl IntoView {
    view! {
        <section class="pt-card">
            <header class="pt-card__header">
                <h2 class="pt-card__title">{title}</h2>
                {subheader.map(|s| view! { <p class="pt-card__subheader">{s}</p> })}
            </header>
            <div class="pt-card__body">{children()}</div>
            {deep_link.map(|(href, label)| view! {
                <footer class="pt-card__footer"><a class="pt-link" href=href>{label}</a></footer>
            })}
        </section>
    }
}
