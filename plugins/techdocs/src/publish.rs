//! `PUT /api/techdocs/publish/{namespace}/{kind}/{name}`: publishing a
//! pre-built site through HTTP, the way to plug another documentation system
//! into the portal. The body is a tar archive (gzip-compressed or not) of a
//! built site: `techdocs_metadata.json` and the pages at its root, as
//! `portico techdocs build` or MkDocs writes them. It lands in the configured
//! storage exactly as `portico techdocs publish` would put it.
//!
//! Callers authenticate with a static token from Backstage's
//! `backend.auth.externalAccess` (`type: static`; `accessRestrictions`, when
//! given, must name the `techdocs` plugin). Without one configured, the
//! endpoint refuses every request: an open publish endpoint would let anyone
//! rewrite the docs.
//!
//! An upload never touches the published site until it is whole and checked:
//! it streams to a temporary file (at most [`MAX_UPLOAD_BYTES`]), unpacks
//! into a temporary folder (regular files and folders only, plain relative
//! paths, at most [`MAX_FILES`] files and [`MAX_UNPACKED_BYTES`] in all,
//! against archive bombs), and only then is published.

use std::io::Read;
use std::path::{Component, Path};

use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use portico_plugin_api::server::{Config as PortalConfig, ConfigError, ServerError};
use portico_plugin_api::{ErrorCode, PortalError};
use serde::Deserialize;
use tokio::io::AsyncWriteExt;

use crate::server::Storage;

/// The largest archive accepted.
pub(crate) const MAX_UPLOAD_BYTES: u64 = 512 << 20;
/// The most the archive may unpack to.
pub(crate) const MAX_UNPACKED_BYTES: u64 = 2 << 30;
/// The most files a site may have.
pub(crate) const MAX_FILES: usize = 200_000;

/// What the route needs: where sites go, who may publish, where uploads wait.
#[derive(Clone)]
pub(crate) struct Publishing {
    pub(crate) storage: Storage,
    pub(crate) tokens: Vec<String>,
    pub(crate) scratch: std::path::PathBuf,
}

/// An entry of `backend.auth.externalAccess`, as Backstage writes it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccessEntry {
    #[serde(rename = "type")]
    kind: String,
    /// `token` and `subject` for `static`; other types (`legacy`, `jwks`) have their own.
    #[serde(default)]
    options: Option<serde_json::Value>,
    #[serde(default)]
    access_restrictions: Option<Vec<Restriction>>,
}

#[derive(Debug, Deserialize)]
struct Restriction {
    plugin: String,
}

/// The static tokens that may publish docs; a malformed one is a config error.
pub(crate) fn tokens(config: &PortalConfig) -> Result<Vec<String>, ConfigError> {
    let access: Option<Vec<AccessEntry>> = config.get("backend.auth.externalAccess")?;
    let mut tokens = Vec::new();
    for entry in access.unwrap_or_default() {
        if entry.kind != "static" {
            continue;
        }
        let token = entry.options.as_ref().and_then(|o| o.get("token")?.as_str()).unwrap_or("");
        if token.len() < 8 || token.contains(char::is_whitespace) {
            return Err(ConfigError::Invalid {
                at: "app-config".into(),
                key: "backend.auth.externalAccess".into(),
                message: "a static token must be at least 8 characters, without whitespace".into(),
            });
        }
        let allowed = entry
            .access_restrictions
            .is_none_or(|rs| rs.iter().any(|r| r.plugin == crate::PLUGIN.id));
        if allowed {
            tokens.push(token.to_owned());
        }
    }
    Ok(tokens)
}

pub(crate) async fn publish(
    State(publishing): State<Publishing>,
    UrlPath((namespace, kind, name)): UrlPath<(String, String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match accept(&publishing, &namespace, &kind, &name, &headers, body).await {
        Ok(published) => (StatusCode::CREATED, axum::Json(published)).into_response(),
        // Logs an internal cause; sends the error in Backstage's shape.
        Err(error) => error.into_response(),
    }
}

/// Why an upload is refused: what the caller is told, and for faults a
/// logged cause it is not.
type Refusal = ServerError;

async fn accept(
    publishing: &Publishing,
    namespace: &str,
    kind: &str,
    name: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<serde_json::Value, Refusal> {
    authorise(&publishing.tokens, headers)?;
    let site = publishing.storage.site(namespace, kind, name).ok_or_else(|| {
        bad("namespace, kind and name must be plain names (letters, digits, `-`, `_`, `.`)")
    })?;
    if headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        > Some(MAX_UPLOAD_BYTES)
    {
        return Err(too_large());
    }
    // The work folder is made and removed (up to the whole unpacked site)
    // on a blocking thread, not on the request's.
    let scratch = publishing.scratch.clone();
    let work = tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&scratch)?;
        tempfile::tempdir_in(&scratch)
    })
    .await
    .map_err(internal)?
    .map_err(internal)?;
    let outcome = receive_and_publish(publishing, &site, body, work.path()).await;
    let _ = tokio::task::spawn_blocking(move || drop(work)).await;
    let (published, bytes) = outcome?;
    tracing::info!(site = %site.entity_ref(), files = published, bytes, "techdocs: site published through the API");
    Ok(serde_json::json!({
        "entityRef": site.entity_ref(),
        "files": published,
        "bytes": bytes,
    }))
}

/// Streams the upload into `work`, unpacks it there and publishes it:
/// the files published and the bytes unpacked.
async fn receive_and_publish(
    publishing: &Publishing,
    site: &crate::server::SiteRef,
    body: Body,
    work: &std::path::Path,
) -> Result<(usize, u64), Refusal> {
    let archive = work.join("upload.tar");
    receive(body, &archive).await?;
    let unpacked = work.join("site");
    let (_, bytes) = {
        let unpacked = unpacked.clone();
        tokio::task::spawn_blocking(move || unpack(&archive, &unpacked))
            .await
            .map_err(internal)??
    };
    let published = publishing.storage.publish(site, &unpacked).await.map_err(|e| match e {
        portico_techdocs_storage::StorageError::NotASite(_) => bad(
            "the archive is not a built site: it needs techdocs_metadata.json at its root (tar the output folder's contents, e.g. `tar -czf site.tgz -C site .`)",
        ),
        other => internal(other),
    })?;
    Ok((published, bytes))
}

/// A bearer token that one of the configured static tokens matches.
fn authorise(tokens: &[String], headers: &HeaderMap) -> Result<(), Refusal> {
    if tokens.is_empty() {
        return Err(PortalError::new(
            ErrorCode::Forbidden,
            "publishing through the API is off: configure a static token in backend.auth.externalAccess",
        )
        .into());
    }
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(given) if tokens.iter().any(|t| same(t.as_bytes(), given.as_bytes())) => Ok(()),
        _ => Err(PortalError::new(
            ErrorCode::Unauthenticated,
            "a valid `Authorization: Bearer <token>` is required",
        )
        .into()),
    }
}

/// Equality that takes as long whatever the first differing byte.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Streams the body to `to`, refusing it past [`MAX_UPLOAD_BYTES`].
async fn receive(body: Body, to: &Path) -> Result<(), Refusal> {
    let mut file = tokio::fs::File::create(to).await.map_err(internal)?;
    let mut stream = body.into_data_stream();
    let mut received = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| bad(format!("the upload broke off: {e}")))?;
        received += chunk.len() as u64;
        if received > MAX_UPLOAD_BYTES {
            return Err(too_large());
        }
        file.write_all(&chunk).await.map_err(internal)?;
    }
    file.flush().await.map_err(internal)?;
    if received == 0 {
        return Err(bad("the body is empty: send the site as a tar archive"));
    }
    Ok(())
}

/// Unpacks the archive (gzip detected by its magic bytes) into `to`; returns files and bytes.
fn unpack(archive: &Path, to: &Path) -> Result<(usize, u64), Refusal> {
    let mut file = std::fs::File::open(archive).map_err(internal)?;
    let mut magic = [0u8; 2];
    let gzip = file.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b];
    let file = std::fs::File::open(archive).map_err(internal)?;
    let reader: Box<dyn Read> =
        if gzip { Box::new(flate2::read::GzDecoder::new(file)) } else { Box::new(file) };
    let mut tar = tar::Archive::new(reader);
    std::fs::create_dir_all(to).map_err(internal)?;
    let (mut files, mut bytes) = (0usize, 0u64);
    let entries = tar.entries().map_err(|e| bad(format!("not a tar archive: {e}")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| bad(format!("the archive is damaged: {e}")))?;
        let path = entry.path().map_err(|e| bad(format!("a path in the archive: {e}")))?;
        let shown = path.display().to_string();
        let relative = plain(&path).ok_or_else(|| {
            bad(format!("`{shown}`: only plain relative paths may be in the archive"))
        })?;
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            if !relative.as_os_str().is_empty() {
                std::fs::create_dir_all(to.join(&relative)).map_err(internal)?;
            }
            continue;
        }
        if !kind.is_file() {
            return Err(bad(format!(
                "`{shown}`: only files and folders may be in the archive (no links or devices)"
            )));
        }
        files += 1;
        bytes += entry.size();
        if files > MAX_FILES || bytes > MAX_UNPACKED_BYTES {
            return Err(too_large());
        }
        let target = to.join(&relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(internal)?;
        }
        let mut out = std::fs::File::create(&target).map_err(internal)?;
        // The header's size may lie; the copy is bounded by what is left of the budget.
        let budget = MAX_UNPACKED_BYTES - (bytes - entry.size());
        let copied = std::io::copy(&mut (&mut entry).take(budget + 1), &mut out)
            .map_err(|e| bad(format!("`{shown}`: {e}")))?;
        if copied > budget {
            return Err(too_large());
        }
    }
    Ok((files, bytes))
}

/// `path` without `./`, if every part is a plain name.
fn plain(path: &Path) -> Option<std::path::PathBuf> {
    let mut out = std::path::PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

fn bad(message: impl Into<String>) -> Refusal {
    PortalError::bad_request(message).into()
}

fn too_large() -> Refusal {
    PortalError::new(
        ErrorCode::PayloadTooLarge,
        format!(
            "the site is too large: at most {} MiB uploaded, {} GiB and {MAX_FILES} files unpacked",
            MAX_UPLOAD_BYTES >> 20,
            MAX_UNPACKED_BYTES >> 30
        ),
    )
    .into()
}

fn internal(cause: impl std::fmt::Display) -> Refusal {
    ServerError::internal(cause)
}
