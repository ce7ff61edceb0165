//! The HTTP surface: health, the stylesheet and bundle, each plugin's backend
//! under `/api/<id>`, server functions, and the server-rendered pages.

use crate::assets::{self, Stylesheet};
use crate::settings::Settings;
use crate::{db, theme};
use anyhow::Context;
use app::plugins::PLUGINS;
use app::{App, SiteInfo, shell};
use axum::Router;
use axum::extract::{Path, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use portico_plugin_api::catalog::CatalogHandle;
use portico_plugin_api::search::SearchHandle;
use portico_plugin_api::server::{DataRoot, Db, Migration, PluginContext};
use portico_plugin_api::{ErrorCode, PortalError};
use portico_ui::theme::ThemeMode;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// Connects to the database, applies migrations, and builds the router.
pub async fn build(settings: &Settings) -> anyhow::Result<(Router, Db)> {
    let db = db::connect(&settings.backend, &settings.data_dir()).await?;
    let sets: Vec<(&str, &[Migration])> =
        PLUGINS.iter().filter_map(|p| p.backend.map(|b| (p.id, b.migrations))).collect();
    let applied = db::migrate(&db, &sets).await.context("database migrations failed")?;
    tracing::info!(database = db.backend_name(), applied, "database ready");
    Ok((router(settings, db.clone())?, db))
}

/// The router over an open, migrated database.
pub fn router(settings: &Settings, db: Db) -> anyhow::Result<Router> {
    let options = LeptosOptions::builder()
        .output_name("frontend")
        .site_pkg_dir("pkg")
        .site_root("target/site")
        .build();
    let stylesheet = Stylesheet::new(theme::stylesheet(
        &settings.app.branding,
        settings.theme_css()?.as_deref(),
    ));
    let search = portico_search::Engine::open(&settings.data_dir().join("search").join("index"))?;
    let plugin_context = |id: &'static str| {
        PluginContext::new(id, db.clone(), settings.config.clone(), DataRoot(settings.data_dir()))
            .with_search(search.handle())
    };
    // The plugin that provides the catalog (one at most) builds its service
    // first; every plugin's context then carries it.
    let catalog = PLUGINS
        .iter()
        .find_map(|p| Some((p.id, p.backend.as_ref()?.provides_catalog?)))
        .map(|(id, provide)| CatalogHandle(provide(&plugin_context(id))))
        .unwrap_or_else(CatalogHandle::disabled);
    let context = request_context(db.clone(), settings, search.handle(), catalog.clone());

    let mut api = Router::new();
    let mut collators = Vec::new();
    for plugin in PLUGINS {
        if let Some(backend) = &plugin.backend {
            let ctx = plugin_context(plugin.id).with_catalog(catalog.clone());
            collators.extend(backend.collators.iter().map(|c| (*c, ctx.clone())));
            let router = (backend.router)(&ctx)
                .with_context(|| format!("plugin `{}` could not start", plugin.id))?;
            api = api.nest(&format!("/api/{}", plugin.id), router);
        }
    }
    search.set_collators(collators);
    // A full rebuild at every start: a new replica (or a damaged index) fills
    // its index, and one that was down catches up. The old index answers
    // queries meanwhile.
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::spawn(async move { search.rebuild_now().await });
    }

    let ready_db = db.clone();
    let fallback = {
        let options = options.clone();
        let render = leptos_axum::render_app_to_stream_with_context(context.clone(), move || {
            shell(options.clone())
        });
        move |headers: HeaderMap, request: Request| async move {
            let path = request.uri().path().trim_start_matches('/').to_owned();
            match assets::public(&path, &headers) {
                Some(file) => file,
                None => render(request).await.into_response(),
            }
        }
    };

    let routes = route_list();
    let pages = Router::new()
        .leptos_routes_with_context(&options, routes, context, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(fallback)
        .with_state(options);

    Ok(Router::new()
        .route("/healthz", get(|| async { axum::Json(serde_json::json!({ "status": "ok" })) }))
        .route("/readyz", get(move || readyz(ready_db.clone())))
        .route(
            "/pkg/portico.css",
            get(move |headers: HeaderMap| async move { stylesheet.respond(&headers) }),
        )
        .route(
            "/pkg/{*file}",
            get(|Path(file): Path<String>, headers: HeaderMap| async move {
                assets::pkg(&file, &headers)
            }),
        )
        .merge(api)
        .route(
            "/api/{*rest}",
            any(|| async { PortalError::not_found("No such API route.").into_response() }),
        )
        .merge(pages)
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http()))
}

/// The app's page routes, listed once per process. The list follows from the
/// compiled-in plugins, so it cannot change; and listing it renders the app in
/// Leptos's route-generation mode, which touches Leptos's process-wide reactive
/// state: doing that while another router renders a page can stall that page
/// for good (seen in the test suite, where many apps share one process).
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// What every page render and server function gets: the database, the config,
/// and the site facts with the visitor's theme from their cookie.
fn request_context(
    db: Db,
    settings: &Settings,
    search: SearchHandle,
    catalog: CatalogHandle,
) -> impl Fn() + Clone + Send + Sync + 'static {
    let config = settings.config.clone();
    let site = settings.site();
    let data_root = DataRoot(settings.data_dir());
    move || {
        provide_context(db.clone());
        provide_context(config.clone());
        provide_context(data_root.clone());
        provide_context(search.clone());
        provide_context(catalog.clone());
        // Several `Cookie` headers may arrive (HTTP/2); read them all.
        let cookies: String = use_context::<http::request::Parts>()
            .map(|parts| {
                let values = parts.headers.get_all(http::header::COOKIE).iter();
                values.filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join("; ")
            })
            .unwrap_or_default();
        provide_context(SiteInfo {
            theme: ThemeMode::from_cookie_header(&cookies),
            sidebar_collapsed: portico_ui::layout::collapsed_from_cookie_header(&cookies),
            ..site.clone()
        });
    }
}

async fn readyz(db: Db) -> Response {
    match db.ping().await {
        Ok(()) => axum::Json(serde_json::json!({ "status": "ok", "database": db.backend_name() }))
            .into_response(),
        Err(err) => {
            tracing::warn!(%err, "readiness check failed");
            let body = PortalError::new(ErrorCode::Unavailable, "The database is not reachable.");
            (StatusCode::SERVICE_UNAVAILABLE, body.into_response()).into_response()
        }
    }
}
