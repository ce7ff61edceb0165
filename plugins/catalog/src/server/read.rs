//! Reading location targets: `file:` paths (globs allowed) and `url:` addresses.
//!
//! Relative targets resolve against the location that names them, as in
//! Backstage. Every read is size-capped, and invalid UTF-8 is an error that
//! names the file, never a panic.

use portico_git::{Credential, Integrations, host_of};
use std::path::{Component, Path, PathBuf};

/// A location target: `file:/abs/path` or `url:https://…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// `file` or `url`.
    pub(crate) kind: String,
    /// An absolute path or URL.
    pub(crate) target: String,
    /// `presence: optional`: a missing target is not an error.
    pub(crate) optional: bool,
}

/// One file read.
#[derive(Debug)]
pub(crate) struct File {
    /// Where it was read from (a glob expands to its files).
    pub(crate) target: Target,
    /// Its text.
    pub(crate) text: String,
}

/// Why a target could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    /// Nothing there.
    #[error("not found: {0}")]
    NotFound(String),
    /// A target Portico cannot read.
    #[error("{0}")]
    Unsupported(String),
    /// Something there, unusable.
    #[error("{0}")]
    Invalid(String),
}

impl Target {
    /// A target as written in config or a registration: relative files resolve
    /// against the working directory.
    pub(crate) fn new(kind: &str, target: &str) -> Result<Self, ReadError> {
        let target = target.trim();
        if target.is_empty() {
            return Err(ReadError::Invalid("the target is empty".into()));
        }
        match kind {
            "file" => {
                let path = Path::new(target);
                let abs = if path.is_absolute() {
                    path.to_path_buf()
                } else {
                    std::env::current_dir()
                        .map_err(|e| ReadError::Invalid(e.to_string()))?
                        .join(path)
                };
                Ok(Self::file(&normalize(&abs)))
            }
            "url" => match reqwest::Url::parse(target) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
                    Ok(Self { kind: "url".into(), target: target.to_owned(), optional: false })
                }
                _ => Err(ReadError::Invalid(format!("{target:?} is not an http(s) URL"))),
            },
            other => Err(ReadError::Unsupported(format!(
                "location type {other:?} is not supported (use file or url)"
            ))),
        }
    }

    fn file(path: &Path) -> Self {
        Self { kind: "file".into(), target: path.display().to_string(), optional: false }
    }

    /// `type:target`, as in `backstage.io/managed-by-location`.
    pub(crate) fn key(&self) -> String {
        format!("{}:{}", self.kind, self.target)
    }

    /// Parses a `type:target` key (the target may contain `:`; split on the first only).
    pub(crate) fn parse_key(key: &str) -> Option<Self> {
        let (kind, target) = key.split_once(':')?;
        Some(Self { kind: kind.to_owned(), target: target.to_owned(), optional: false })
    }

    /// A target relative to this one (`./other.yaml`, `../x/*.yaml`, or absolute).
    pub(crate) fn join(&self, kind: &str, relative: &str) -> Result<Self, ReadError> {
        let relative = relative.trim();
        if kind == "url" || relative.contains("://") {
            if relative.contains("://") {
                return Self::new("url", relative);
            }
            if self.kind != "url" {
                return Err(ReadError::Invalid(format!("{relative:?} is not an absolute URL")));
            }
            let joined = reqwest::Url::parse(&self.target)
                .and_then(|base| base.join(relative))
                .map_err(|e| ReadError::Invalid(format!("{relative:?}: {e}")))?;
            return Self::new("url", joined.as_str());
        }
        if kind != "file" {
            return Self::new(kind, relative);
        }
        if self.kind != "file" {
            return Err(ReadError::Invalid(format!(
                "a file target {relative:?} cannot be read from a {} location",
                self.kind
            )));
        }
        let base = Path::new(&self.target);
        let dir = base.parent().unwrap_or(Path::new("/"));
        let path = Path::new(relative);
        let joined = if path.is_absolute() { path.to_path_buf() } else { dir.join(path) };
        Ok(Self::file(&normalize(&joined)))
    }
}

/// Removes `.` and `..` without touching the filesystem.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// What reads targets: the size cap and the hosts `url` targets may name.
#[derive(Debug, Clone)]
pub(crate) struct Reader {
    /// Largest file read.
    pub(crate) max_bytes: usize,
    /// `backend.reading.allow` hosts (`example.com`, `*.example.com`, `localhost:8080`).
    pub(crate) allow: Vec<String>,
    /// Built on first fetch: page renders build a `Reader` but never fetch, so
    /// they do not pay for loading TLS roots. Shared by the clones of one
    /// reader (one app), never across apps: a pooled connection belongs to the
    /// runtime that opened it.
    client: std::sync::Arc<std::sync::OnceLock<reqwest::Client>>,
    /// Source hosts with credentials (`integrations`): readable, with their token.
    integrations: std::sync::Arc<Integrations>,
}

impl Reader {
    /// A reader.
    pub(crate) fn new(max_bytes: usize, allow: Vec<String>, integrations: Integrations) -> Self {
        Self { max_bytes, allow, client: Default::default(), integrations: integrations.into() }
    }

    /// The integration credential for the host of `url` (a git remote), if any.
    pub(crate) fn credential_for(&self, url: &str) -> Option<Credential> {
        self.integrations.credential_for(&reqwest::Url::parse(url).ok()?)
    }

    /// The `Authorization` header for reading `url`: the host's integration
    /// token, over https only. Redirects are not followed, so the token cannot
    /// be carried on to another host.
    fn authorization(&self, url: &reqwest::Url) -> Option<String> {
        self.integrations.credential_for(url).map(|c| c.authorization())
    }

    /// Whether `url` targets may name `host`: an allowed or an integration host.
    fn allows(&self, host: &str) -> bool {
        self.integrations.readable(host, &self.allow)
    }

    fn client(&self) -> &reqwest::Client {
        self.client.get_or_init(|| {
            reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default()
        })
    }
}

/// Reads a target; a file glob expands to every matching file (none is an error).
pub(crate) async fn read_target(target: &Target, reader: &Reader) -> Result<Vec<File>, ReadError> {
    if target.kind == "file" && target.target.contains(['*', '?', '[']) {
        let pattern = target.target.clone();
        let paths = tokio::task::spawn_blocking(move || -> Result<Vec<PathBuf>, ReadError> {
            let mut paths: Vec<PathBuf> = glob::glob(&pattern)
                .map_err(|e| ReadError::Invalid(format!("invalid glob: {e}")))?
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect();
            paths.sort();
            Ok(paths)
        })
        .await
        .map_err(|e| ReadError::Invalid(e.to_string()))??;
        if paths.is_empty() {
            return Err(ReadError::NotFound(format!("no files match {}", target.target)));
        }
        let mut files = Vec::with_capacity(paths.len());
        for p in paths {
            files.push(read_one(&Target::file(&p), reader).await?);
        }
        return Ok(files);
    }
    Ok(vec![read_one(target, reader).await?])
}

/// Reads exactly one file or URL.
pub(crate) async fn read_one(target: &Target, reader: &Reader) -> Result<File, ReadError> {
    let bytes = match target.kind.as_str() {
        "file" => read_file(Path::new(&target.target), reader.max_bytes).await?,
        "url" => fetch(&target.target, reader).await?,
        other => {
            return Err(ReadError::Unsupported(format!(
                "location type {other:?} is not supported"
            )));
        }
    };
    let text = portico_catalog_model::diagnostic::decode_utf8(bytes).map_err(|line| {
        ReadError::Invalid(format!("{}: not valid UTF-8 (line {line})", target.target))
    })?;
    Ok(File { target: target.clone(), text })
}

async fn read_file(path: &Path, max_bytes: usize) -> Result<Vec<u8>, ReadError> {
    let meta = tokio::fs::metadata(path).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound(path.display().to_string()),
        _ => ReadError::Invalid(format!("{}: {e}", path.display())),
    })?;
    if !meta.is_file() {
        return Err(ReadError::Invalid(format!("{} is not a file", path.display())));
    }
    if meta.len() > max_bytes as u64 {
        return Err(ReadError::Invalid(format!(
            "{} is {} bytes; descriptor files are limited to {max_bytes} bytes",
            path.display(),
            meta.len()
        )));
    }
    tokio::fs::read(path).await.map_err(|e| ReadError::Invalid(format!("{}: {e}", path.display())))
}

async fn fetch(url: &str, reader: &Reader) -> Result<Vec<u8>, ReadError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| ReadError::Invalid(format!("{url}: {e}")))?;
    let Some(host) = host_of(&parsed) else {
        return Err(ReadError::Invalid(format!("{url} has no host")));
    };
    if !reader.allows(&host) {
        return Err(ReadError::Unsupported(format!(
            "reading from {host} is not allowed; add {{host: {host}}} to backend.reading.allow"
        )));
    }
    let authorization = reader.authorization(&parsed);
    let mut request = reader.client().get(parsed);
    if let Some(value) = authorization {
        request = request.header(reqwest::header::AUTHORIZATION, value);
    }
    let mut response = request
        .send()
        .await
        .map_err(|e| ReadError::Invalid(format!("{url}: {}", without_url(&e))))?;
    match response.status().as_u16() {
        200..=299 => {}
        404 | 410 => return Err(ReadError::NotFound(url.to_owned())),
        code => return Err(ReadError::Invalid(format!("{url}: the server answered HTTP {code}"))),
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| ReadError::Invalid(format!("{url}: {}", without_url(&e))))?
    {
        if body.len() + chunk.len() > reader.max_bytes {
            return Err(ReadError::Invalid(format!(
                "{url} is larger than {} bytes",
                reader.max_bytes
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(&format!(" ({url})"), "");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integration_hosts_are_readable_and_get_their_token_over_https_only() {
        let integrations = serde_json::from_value(serde_json::json!({
            "github": [{ "host": "github.com", "token": "t0ken" }],
            "gitlab": [{ "host": "gitlab.example.com" }],
        }))
        .expect("integrations");
        let reader = Reader::new(100, vec!["allowed.example.com".into()], integrations);
        let url = |u: &str| reqwest::Url::parse(u).expect("url");
        let auth = |u: &str| reader.authorization(&url(u));
        assert_eq!(auth("https://github.com/o/r/raw/x.yaml").as_deref(), Some("token t0ken"));
        assert_eq!(auth("http://github.com/o/r/raw/x.yaml"), None, "never in clear text");
        assert_eq!(auth("https://gitlab.example.com/x.yaml"), None, "no token");
        assert_eq!(auth("https://allowed.example.com/x.yaml"), None);
        for host in ["github.com", "gitlab.example.com", "allowed.example.com"] {
            assert!(reader.allows(host), "{host}");
        }
        assert!(!reader.allows("evil.example.org"));
    }
}
