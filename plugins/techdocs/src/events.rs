//! `GET /api/techdocs/events/{namespace}/{kind}/{name}?etag=…`: a stream of
//! server-sent events that says when a site is published again, so a reader
//! showing it can reload (`portico techdocs serve`'s live reload) or say that
//! a newer version is available.
//!
//! It watches the stored `techdocs_metadata.json`: whoever publishes (the
//! CLI, CI, the serve command), the new etag is seen here. A folder is looked
//! at every tenth of a second (a small file read); a bucket every five seconds
//! (each look is a request).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path as UrlPath, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use portico_techdocs::output::{self, Metadata};
use serde::Deserialize;

use crate::server::{SiteRef, Storage, not_found};

const FOLDER_PERIOD: Duration = Duration::from_millis(100);
const BUCKET_PERIOD: Duration = Duration::from_secs(5);

/// The event's name.
pub(crate) const CHANGED: &str = "changed";

#[derive(Debug, Deserialize)]
pub(crate) struct Since {
    /// The etag of the site the reader shows.
    #[serde(default)]
    etag: String,
}

pub(crate) async fn events(
    State(storage): State<Storage>,
    UrlPath((namespace, kind, name)): UrlPath<(String, String, String)>,
    Query(since): Query<Since>,
) -> Response {
    let Some(site) = storage.site(&namespace, &kind, &name) else {
        return not_found("No such documentation site.");
    };
    let period = if storage.is_bucket() { BUCKET_PERIOD } else { FOLDER_PERIOD };
    let stream = futures::stream::unfold(
        (storage, site, since.etag),
        move |(storage, site, shown)| async move {
            let etag = next_etag(&storage, &site, &shown, period).await?;
            let event = Event::default().event(CHANGED).data(etag.clone());
            Some((Ok::<_, Infallible>(event), (storage, site, etag)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

/// Waits until the stored site's etag is not `shown`; `None` when the portal stops.
async fn next_etag(
    storage: &Storage,
    site: &SiteRef,
    shown: &str,
    period: Duration,
) -> Option<String> {
    loop {
        tokio::select! {
            () = tokio::time::sleep(period) => {}
            () = portico_plugin_api::server::shutdown() => return None,
        }
        let stored: Option<Metadata> = storage.json(site, output::METADATA_FILE).await;
        if let Some(stored) = stored.filter(|m| m.etag != shown) {
            return Some(stored.etag);
        }
    }
}

/// `GET /sync/{namespace}/{kind}/{name}`: Backstage's "are the docs fresh?"
/// call, which its reader makes on every page. Sites here are published from
/// outside (the CLI, CI, the publish API) and read from storage, so there is
/// never a build to wait for: `finish` with `updated: false` at once, as
/// Backstage's `external` builder answers. As server-sent events when asked
/// for them, else as JSON.
pub(crate) async fn sync(
    State(storage): State<Storage>,
    UrlPath((namespace, kind, name)): UrlPath<(String, String, String)>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(site) = storage.site(&namespace, &kind, &name) else {
        return not_found("No such documentation site.");
    };
    if storage.json::<Metadata>(&site, output::METADATA_FILE).await.is_none() {
        return not_found("No documentation is published for this entity.");
    }
    let finished = serde_json::json!({ "updated": false });
    let wants_events = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"));
    if wants_events {
        let event = Event::default().event("finish").data(finished.to_string());
        Sse::new(futures::stream::iter([Ok::<_, Infallible>(event)])).into_response()
    } else {
        axum::Json(finished).into_response()
    }
}
