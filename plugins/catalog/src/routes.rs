//! The plugin's routes, type-erased for the app's route table.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;
use portico_plugin_api::{AnyNestedRoute, IntoAnyNestedRoute};

/// `/catalog`.
pub(crate) fn routes() -> AnyNestedRoute {
    view! { <Route path=path!("/catalog") view=crate::ui::CatalogIndex ssr=leptos_router::SsrMode::Async/> }
        .into_inner()
        .into_any_nested_route()
}
