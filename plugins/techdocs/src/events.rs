//! `GET /api/techdocs/events/{namespace}/{kind}/{name}?etag=…`: a stream of
//! server-sent events that says when a site is published again, so a reader
//! showing it can reload (`portico techdocs serve`'s live reload) or say that
//! a newer version is available.
//!
//! It watches the stored `techdocs_metadata.json`: whoever publishes (the
//! CLI, CI, the serve command), the new etag is seen here. A folder is looked
//! at every quarter second; a bucket every five (each look is a request).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path as UrlPath, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use portico_techdocs::output::{self, Metadata};
use serde::Deserialize;

use crate::server::{SiteRef, Storage, not_found};

const FOLDER_PERIOD: Duration = Duration::from_millis(250);
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
