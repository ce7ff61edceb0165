//! The 404 page.

use leptos::prelude::*;
use leptos_meta::Title;
use portico_ui::prelude::*;

/// Shown for any path no route matches; the server also answers 404.
#[component]
pub(crate) fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <Page>
            <Header title="Page not found"/>
            <Content>
                <EmptyState title="There is nothing at this address" description="The link may be old, or the page may have moved.">
                    <LinkButton href="/">"Go to the home page"</LinkButton>
                </EmptyState>
            </Content>
        </Page>
    }
}
