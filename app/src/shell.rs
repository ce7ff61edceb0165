//! The HTML document and the root component.

use crate::layout::AppSidebar;
use crate::pages::{Gallery, Home, NotFound, Settings};
use crate::site::SiteInfo;
use leptos::prelude::*;
use leptos::tachys::view::iterators::StaticVec;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, RouteChildren, Router, Routes, RoutesProps};
use leptos_router::path;
use portico_plugin_api::{AnyNestedRoute, IntoAnyNestedRoute};
use portico_ui::prelude::*;

/// The whole HTML document, rendered on the server around [`App`].
///
/// `data-theme` comes from the visitor's cookie, so the first paint has the
/// right theme. Only islands hydrate; the island router swaps pages in place.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let site = use_context::<SiteInfo>().unwrap_or_default();
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=site.theme.as_str()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options islands=true islands_router=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The shell's own routes, then every plugin's, as one type-erased table.
/// (Built by hand: `view!` cannot splice a dynamic list into `<Routes>`.)
///
/// Pages whose data is fast and blocking render with `SsrMode::Async`: the whole
/// page goes out in one response body. Out-of-order streaming added a ~40 ms tail
/// on keep-alive connections for pages with pending resources (BENCHMARKS.md).
fn route_table() -> StaticVec<AnyNestedRoute> {
    let builtin = [
        view! { <Route path=path!("/") view=Home ssr=leptos_router::SsrMode::Async/> }
            .into_inner()
            .into_any_nested_route(),
        view! { <Route path=path!("/settings") view=Settings/> }
            .into_inner()
            .into_any_nested_route(),
        view! { <Route path=path!("/gallery") view=Gallery ssr=leptos_router::SsrMode::Async/> }
            .into_inner()
            .into_any_nested_route(),
    ];
    let plugins = crate::plugins::PLUGINS.iter().map(|p| (p.routes)());
    builtin.into_iter().chain(plugins).collect::<Vec<_>>().into()
}

/// The root component: sidebar, routes, and an error boundary around every page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(portico_plugin_api::Registry(crate::plugins::PLUGINS));
    let site = use_context::<SiteInfo>().unwrap_or_default();
    let title = site.title.clone();
    let routes = route_table();
    view! {
        <Stylesheet id="portico-css" href="/pkg/portico.css"/>
        <Title formatter=move |page: String| {
            if page.is_empty() { title.clone() } else { format!("{page} · {title}") }
        }/>
        <Router>
            <a class="pt-skip-link" href="#main">"Skip to content"</a>
            <div class="pt-shell">
                <AppSidebar/>
                <main id="main" class="pt-main" tabindex="-1">
                    <ErrorBoundary fallback=|errors| view! {
                        <Page>
                            <Header title="Something went wrong"/>
                            <Content>
                                <ErrorPanel title="This page could not be shown">
                                    <ul>
                                        {move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}
                                    </ul>
                                </ErrorPanel>
                            </Content>
                        </Page>
                    }>
                        {Routes(
                            RoutesProps::builder()
                                .fallback(NotFound)
                                .children(RouteChildren::to_children(move || routes))
                                .build(),
                        )}
                    </ErrorBoundary>
                </main>
            </div>
        </Router>
    }
}
