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

use futures::StreamExt;
use portico_plugin_api::{ErrorCode, PortalError};
use tokio::sync::broadcast;

use crate::builder::{BuildEvent, Failure, LocalBuilder, SyncState};
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
/// call, which its reader makes on every page. As server-sent events when
/// asked for them (`log` events with the build's lines, then `finish` with
/// `{"updated": …}`, or `error` with a message), else as JSON once it is
/// settled.
///
/// With `techdocs.builder: external` there is never a build to wait for:
/// `finish` with `updated: false` at once. With `local` the call looks for
/// changed sources (see `crate::builder`), and follows the build it starts
/// or finds running.
pub(crate) async fn sync(
    State((storage, builder)): State<(Storage, Option<LocalBuilder>)>,
    UrlPath((namespace, kind, name)): UrlPath<(String, String, String)>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(site) = storage.site(&namespace, &kind, &name) else {
        return not_found("No such documentation site.");
    };
    let state = match &builder {
        Some(builder) => builder.sync(&site).await,
        None if storage.json::<Metadata>(&site, output::METADATA_FILE).await.is_none() => {
            return not_found("No documentation is published for this entity.");
        }
        None => SyncState::Current,
    };
    let wants_events = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"));
    if !wants_events {
        return match settle(state).await {
            Ok(updated) => axum::Json(serde_json::json!({ "updated": updated })).into_response(),
            Err(message) => PortalError::new(ErrorCode::Conflict, message).into_response(),
        };
    }
    let events: Vec<Event> = match &state {
        SyncState::Building { log, .. } => log.iter().map(|line| log_event(line)).collect(),
        SyncState::Current => vec![finish_event(false)],
        SyncState::Failed(Failure { message, .. }) | SyncState::Unbuildable(message) => {
            vec![error_event(message)]
        }
    };
    let rest = match state {
        SyncState::Building { events, .. } => Some(events),
        _ => None,
    };
    let following = futures::stream::unfold(rest, |rest| async move {
        let mut heard = rest?;
        let event = tokio::select! {
            event = heard.recv() => event,
            () = portico_plugin_api::server::shutdown() => return None,
        };
        match event {
            Ok(BuildEvent::Log(line)) => Some((log_event(&line), Some(heard))),
            Ok(BuildEvent::Finish { updated }) => Some((finish_event(updated), None)),
            // Fell behind a very chatty build: skip ahead; `finish` still comes.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                Some((log_event("… (lines skipped)"), Some(heard)))
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    });
    let stream = futures::stream::iter(events).chain(following).map(Ok::<_, Infallible>);
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

/// Waits for a build to end: whether a new site was published, or why not.
async fn settle(state: SyncState) -> Result<bool, String> {
    match state {
        SyncState::Current => Ok(false),
        SyncState::Failed(Failure { message, .. }) | SyncState::Unbuildable(message) => {
            Err(message)
        }
        SyncState::Building { mut events, .. } => loop {
            match events.recv().await {
                Ok(BuildEvent::Finish { updated }) => return Ok(updated),
                Ok(BuildEvent::Log(_)) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return Ok(false),
            }
        },
    }
}

/// Backstage's events carry JSON: a log line is a JSON string.
fn log_event(line: &str) -> Event {
    Event::default().event("log").data(serde_json::Value::from(line).to_string())
}

fn finish_event(updated: bool) -> Event {
    Event::default().event("finish").data(serde_json::json!({ "updated": updated }).to_string())
}

fn error_event(message: &str) -> Event {
    Event::default().event("error").data(serde_json::Value::from(message).to_string())
}
