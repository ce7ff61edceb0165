//! The plugin's routes, type-erased for the app's route table.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;
use portico_plugin_api::{AnyNestedRoute, IntoAnyNestedRoute};

/// `/example`.
pub(crate) fn routes() -> AnyNestedRoute {
    view! { <Route path=path!("/example") view=crate::ui::ExamplePage ssr=leptos_router::SsrMode::Async/> }
        .into_inner()
        .into_any_nested_route()
}
