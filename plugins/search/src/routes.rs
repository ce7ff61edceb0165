//! The plugin's route: the search page.

use leptos::prelude::*;
use leptos_router::SsrMode;
use leptos_router::components::Route;
use leptos_router::path;
use portico_plugin_api::{AnyNestedRoute, IntoAnyNestedRoute};

/// `/search`.
pub(crate) fn routes() -> AnyNestedRoute {
    view! { <Route path=path!("/search") view=crate::ui::SearchPage ssr=SsrMode::Async/> }
        .into_inner()
        .into_any_nested_route()
}
