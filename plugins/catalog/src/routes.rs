//! The plugin's routes, type-erased for the app's route table.

use leptos::prelude::*;
use leptos_router::SsrMode;
use leptos_router::components::{Outlet, ParentRoute, Route};
use leptos_router::path;
use portico_plugin_api::{AnyNestedRoute, IntoAnyNestedRoute};

/// `/catalog`, `/catalog/:namespace/:kind/:name[/:tab]`, `/catalog-import`, `/catalog-problems`.
pub(crate) fn routes() -> AnyNestedRoute {
    view! {
        <ParentRoute path=path!("") view=Outlet ssr=SsrMode::Async>
            <Route path=path!("/catalog") view=crate::ui::CatalogIndex ssr=SsrMode::Async/>
            <Route path=path!("/catalog/:namespace/:kind/:name") view=crate::ui::EntityView ssr=SsrMode::Async/>
            <Route path=path!("/catalog/:namespace/:kind/:name/:tab") view=crate::ui::EntityView ssr=SsrMode::Async/>
            <Route path=path!("/catalog-import") view=crate::ui::ImportPage ssr=SsrMode::Async/>
            <Route path=path!("/catalog-problems") view=crate::ui::ProblemsPage ssr=SsrMode::Async/>
        </ParentRoute>
    }
    .into_inner()
    .into_any_nested_route()
}
