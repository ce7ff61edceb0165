//! `TestApp`: a router over a fresh database, driven with `oneshot` (no network),
//! and [`portico`]: the real binary, run as a user runs it.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use portico_config::{Config, Source};
use portico_server::settings::Settings;
use std::path::Path;
use tower::ServiceExt;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub router: Router,
    pub db: portico_plugin_api::server::Db,
    _dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

/// A reply's body as JSON; panics with the body when it is not.
pub fn json_of(reply: &Reply) -> serde_json::Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", reply.body))
}

/// A fresh PostgreSQL database for one test, or `None` when no server is configured.
async fn fresh_pg_database() -> Option<String> {
    let Ok(admin_url) = std::env::var("PORTICO_TEST_PG_URL") else {
        if std::env::var("PORTICO_REQUIRE_PG").is_ok() {
            panic!("PORTICO_REQUIRE_PG is set but PORTICO_TEST_PG_URL is not");
        }
        eprintln!(
            "skipping the PostgreSQL run: PORTICO_TEST_PG_URL is not set (cargo xtask test sets it)"
        );
        return None;
    };
    use sqlx::Connection;
    let mut admin =
        sqlx::PgConnection::connect(&admin_url).await.expect("test PostgreSQL reachable");
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "portico_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    );
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let (base, _) = admin_url.rsplit_once('/').expect("URL has a database");
    Some(format!("{base}/{name}"))
}

impl TestApp {
    /// An app on `backend` with the given extra config; `None` when that backend is unavailable.
    pub async fn new(backend: Backend, yaml: &str) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        let db_yaml = match backend {
            Backend::Sqlite => String::new(),
            Backend::Postgres => {
                let url = fresh_pg_database().await?;
                format!("backend:\n  database:\n    client: pg\n    connection: {url}\n")
            }
        };
        let settings = settings_from(&[&db_yaml, yaml], dir.path()).expect("test config is valid");
        let (router, db) = portico_server::routes::build(&settings).await.expect("app builds");
        Some(Self { router, db, _dir: dir })
    }

    /// An app over a router the test built itself (its own data directory).
    pub fn from_parts(router: Router, db: portico_plugin_api::server::Db) -> Self {
        Self { router, db, _dir: tempfile::tempdir().expect("temp dir") }
    }

    pub async fn request(&self, req: Request<Body>) -> Reply {
        // A watchdog, not a timing assertion: a request that never answers
        // fails the test with its path instead of hanging the whole suite.
        let what = format!("{} {}", req.method(), req.uri());
        let answer = async {
            let resp = self.router.clone().oneshot(req).await.expect("router answers");
            let (parts, body) = resp.into_parts();
            (parts, body.collect().await.expect("body").to_bytes())
        };
        let (parts, bytes) = tokio::time::timeout(std::time::Duration::from_secs(120), answer)
            .await
            .unwrap_or_else(|_| panic!("{what} did not answer within 120 s"));
        let (status, headers) = (parts.status, parts.headers);
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.request(Request::get(path).body(Body::empty()).expect("request")).await
    }

    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> Reply {
        self.request(
            Request::get(path).header("cookie", cookie).body(Body::empty()).expect("request"),
        )
        .await
    }

    /// Sends a JSON body (or none) with any method.
    /// `POST /api/catalog/refresh` of `entity_ref` (which re-reads its location).
    pub async fn refresh(&self, entity_ref: &str) -> Reply {
        let body = serde_json::json!({ "entityRef": entity_ref }).to_string();
        self.send("POST", "/api/catalog/refresh", Some(&body)).await
    }

    pub async fn send(&self, method: &str, path: &str, json: Option<&str>) -> Reply {
        let builder = Request::builder().method(method).uri(path);
        let req = match json {
            Some(body) => {
                builder.header("content-type", "application/json").body(Body::from(body.to_owned()))
            }
            None => builder.body(Body::empty()),
        };
        self.request(req.expect("request")).await
    }

    /// Polls a GET until `ready` accepts the reply (background work such as
    /// catalog ingestion); panics with the last reply after 30 s. This waits
    /// for an outcome, it does not assert on timing.
    pub async fn wait_for(&self, path: &str, ready: impl Fn(&Reply) -> bool) -> Reply {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let reply = self.get(path).await;
            if ready(&reply) {
                return reply;
            }
            if std::time::Instant::now() > deadline {
                panic!("gave up waiting on {path}: {} {}", reply.status, reply.body);
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
    }

    /// Calls a server function the way the hydrated app does (URL-encoded form, JSON back).
    pub async fn call(&self, path: &str, form: &str) -> Reply {
        self.request(
            Request::post(path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .body(Body::from(form.to_owned()))
                .expect("request"),
        )
        .await
    }
}

/// Settings from YAML snippets (later wins), with the data directory in `dir`.
pub fn settings_from(yamls: &[&str], dir: &Path) -> anyhow::Result<Settings> {
    let sources = yamls
        .iter()
        .enumerate()
        .map(|(i, y)| Source { name: format!("test{}.yaml", i + 1), text: (*y).to_owned() })
        .collect();
    let config = Config::from_sources(sources, &|_| None)?;
    Settings::from_config(config, Vec::new(), dir)
}

/// Runs a test body against SQLite, then against PostgreSQL when available.
macro_rules! on_both {
    ($name:ident, $yaml:expr, |$app:ident| $body:block) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                let $app = TestApp::new(Backend::Sqlite, $yaml).await.expect("sqlite always works");
                $body
            }
            #[tokio::test]
            async fn postgres() {
                let Some($app) = TestApp::new(Backend::Postgres, $yaml).await else { return };
                $body
            }
        }
    };
}
pub(crate) use on_both;

/// Runs `async fn $name(Backend)` on SQLite, then on PostgreSQL when available.
macro_rules! catalog_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(crate::support::Backend::Sqlite).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::$name(crate::support::Backend::Postgres).await;
            }
        }
    };
}
pub(crate) use catalog_test;

/// Runs the `portico` binary in `cwd` and waits for it (logs at `warn`).
pub fn portico(args: &[&str], cwd: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(args)
        .current_dir(cwd)
        .env("RUST_LOG", "warn")
        .output()
        .expect("portico runs")
}

/// A port nobody listens on now, for a server the test starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// Writes `files` (path under `dir`, text), creating their folders.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

/// Runs git in `dir` with a fixed identity and commit date, 2024-01-01
/// 00:00 UTC (test set-up only: the product never runs git).
pub fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(["-c", "user.name=Portico Test", "-c", "user.email=test@example.com"])
        .args(["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("git is installed (the test sets repositories up with it)");
    assert!(status.success(), "git {args:?} failed in {}", dir.display());
}
