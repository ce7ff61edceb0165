//! Static files, embedded in the binary: the WASM bundle and its JS glue (built by
//! Trunk into `target/site/pkg`), the public folder, and the themed stylesheet.
//!
//! Release builds carry the files inside the binary, so deploying is copying one
//! file. Debug builds read them from disk, so a rebuilt bundle shows up without
//! recompiling the server.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../target/site/pkg"]
#[allow_missing = true]
struct Pkg;

#[derive(RustEmbed)]
#[folder = "../public"]
struct Public;

/// The stylesheet, built once at start-up, with its ETag.
#[derive(Debug, Clone)]
pub struct Stylesheet {
    /// `Bytes`, so each response shares the buffer instead of copying it.
    css: Bytes,
    etag: HeaderValue,
}

impl Stylesheet {
    /// Wraps the built CSS.
    pub fn new(css: String) -> Self {
        let etag = HeaderValue::from_str(&format!("\"{:016x}\"", fnv1a(css.as_bytes())))
            .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
        Self { css: Bytes::from(css), etag }
    }

    /// Serves it (or 304 when the browser has it).
    pub fn respond(&self, headers: &HeaderMap) -> Response {
        cached(headers, &self.etag, "text/css; charset=utf-8", Body::from(self.css.clone()))
    }
}

/// True when the WASM bundle is present (embedded, or on disk in debug builds).
pub fn bundle_present() -> bool {
    Pkg::get("frontend_bg.wasm").is_some()
}

/// `/pkg/<file>`: the WASM bundle and JS glue.
pub fn pkg(path: &str, headers: &HeaderMap) -> Response {
    match Pkg::get(path) {
        Some(file) => embedded(file, path, headers),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// A file from `public/`, if there is one at `path`.
pub fn public(path: &str, headers: &HeaderMap) -> Option<Response> {
    Public::get(path).map(|file| embedded(file, path, headers))
}

fn embedded(file: rust_embed::EmbeddedFile, path: &str, headers: &HeaderMap) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{:016x}\"", fnv1a(&file.metadata.sha256_hash())))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    let mime = mime_for(path);
    // In release builds `data` borrows the embedded bytes: no copy per request.
    cached(headers, &etag, mime, Body::from(file.data))
}

fn mime_for(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("wasm") => "application/wasm",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// File names carry no hash, so browsers revalidate each time and get a cheap 304.
fn cached(headers: &HeaderMap, etag: &HeaderValue, mime: &'static str, body: Body) -> Response {
    if headers.get(header::IF_NONE_MATCH) == Some(etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag.clone())]).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (header::ETAG, etag.clone()),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// A small stable hash for ETags (not for security).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100000001b3))
}
