//! `GET /api/techdocs/events/{namespace}/{kind}/{name}?etag=…`: a stream of
//! server-sent events that says when a site is published again, so a reader
//! showing it can reload (`portico techdocs serve`'s live reload) or say that
//! a newer version is available.
//!
//! Whoever publishes (the CLI, CI, the publish API, the serve command), the
//! plugin's one storage watch (`crate::search::watch`, every half second; a
//! bucket every five) sees the new etag and announces it; each stream listens
//! to that, so an open reader costs no storage reads beyond one when it
//! connects.

use std::convert::Infallible;

use axum::extract::{Path as UrlPath, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use portico_techdocs::output::{self, Metadata};
use serde::Deserialize;

use crate::search::Changes;
use crate::server::{SiteRef, Storage, not_found};

/// The event's name.
pub(crate) const CHANGED: &str = "changed";

#[derive(Debug, Deserialize)]
pub(crate) struct Since {
    /// The etag of the site the reader shows.
    #[serde(default)]
    etag: String,
}

pub(crate) async fn events(
    State((storage, changes)): State<(Storage, Changes)>,
    UrlPath((namespace, kind, name)): UrlPath<(String, String, String)>,
    Query(since): Query<Since>,
) -> Response {
    let Some(site) = storage.site(&namespace, &kind, &name) else {
        return not_found("No such documentation site.");
    };
    // Subscribed before the one look at storage, so no republish falls between.
    let heard = changes.subscribe();
    let stored = stored_etag(&storage, &site).await;
    let first = stored.filter(|etag| *etag != since.etag);
    let stream = futures::stream::unfold(
        (storage, site, heard, since.etag, first),
        |(storage, site, mut heard, shown, first)| async move {
            let etag = match first {
                Some(etag) => etag,
                None => next_etag(&storage, &site, &mut heard, &shown).await?,
            };
            let event = Event::default().event(CHANGED).data(etag.clone());
            Some((Ok::<_, Infallible>(event), (storage, site, heard, etag, None)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

async fn stored_etag(storage: &Storage, site: &SiteRef) -> Option<String> {
    storage.json::<Metadata>(site, output::METADATA_FILE).await.map(|m| m.etag)
}

/// Waits until the watch announces an etag for `site` other than `shown`;
/// `None` when the portal stops.
async fn next_etag(
    storage: &Storage,
    site: &SiteRef,
    heard: &mut tokio::sync::broadcast::Receiver<(String, String)>,
    shown: &str,
) -> Option<String> {
    let entity = site.entity_ref();
    loop {
        let news = tokio::select! {
            news = heard.recv() => news,
            () = portico_plugin_api::server::shutdown() => return None,
        };
        let etag = match news {
            Ok((changed, etag)) if changed == entity => etag,
            Ok(_) => continue,
            // Missed announcements: ask storage directly.
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                stored_etag(storage, site).await.unwrap_or_default()
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
        };
        if !etag.is_empty() && etag != shown {
            return Some(etag);
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
