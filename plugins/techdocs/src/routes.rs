//! The plugin's routes: the docs index and the reader.

use leptos::prelude::*;
use leptos_router::SsrMode;
use leptos_router::components::{Outlet, ParentRoute, Route};
use leptos_router::path;
use portico_plugin_api::{AnyNestedRoute, IntoAnyNestedRoute};

/// `/docs`, `/docs/:namespace/:kind/:name` and every page below it.
pub(crate) fn routes() -> AnyNestedRoute {
    view! {
        <ParentRoute path=path!("") view=Outlet ssr=SsrMode::Async>
            <Route path=path!("/docs") view=crate::ui::DocsIndex ssr=SsrMode::Async/>
            <Route path=path!("/docs/:namespace/:kind/:name") view=crate::ui::DocsReaderPage ssr=SsrMode::Async/>
            <Route path=path!("/docs/:namespace/:kind/:name/*path") view=crate::ui::DocsReaderPage ssr=SsrMode::Async/>
        </ParentRoute>
    }
    .into_inner()
    .into_any_nested_route()
}
