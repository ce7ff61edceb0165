//! Git discovery against a real git server on loopback (`git daemon`, started
//! by the test) and against a `file://` remote: descriptor files matching the
//! glob are registered, follow new commits on the processing schedule, and an
//! unreachable remote is reported without stopping the rest of the catalog.
//! The git CLI only sets the repositories up; Portico itself fetches with gix.

use crate::git_server::{HttpOptions, certificates, git_http, git_http_with};
use crate::support::{Backend, TestApp, catalog_test, git};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn component(name: &str) -> String {
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: {name}}}\nspec: {{type: service, lifecycle: production, owner: team-a}}\n"
    )
}

/// Makes `repo`'s root descriptor one component named `name`, and commits it.
fn commit_component(repo: &Path, name: &str) {
    write(repo, "catalog-info.yaml", &component(name));
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", name]);
}

/// A repository under `base/dir` whose one commit holds one component.
fn component_repository(base: &Path, dir: &str, name: &str) -> PathBuf {
    let repo = base.join(dir);
    std::fs::create_dir_all(&repo).expect("mkdir");
    git(&repo, &["init", "-q"]);
    commit_component(&repo, name);
    repo
}

/// A repository under `base/svc` with two descriptors (one next to an API
/// definition it includes by a relative `$text`) and a file the glob skips.
fn repository(base: &Path) -> PathBuf {
    let repo = base.join("svc");
    std::fs::create_dir_all(&repo).expect("mkdir");
    git(&repo, &["init", "-q"]);
    write(&repo, "catalog-info.yaml", &component("git-service"));
    write(
        &repo,
        "apis/orders/catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: git-orders}\nspec: {type: openapi, lifecycle: production, owner: team-a, definition: {$text: ./openapi.yaml}}\n",
    );
    write(&repo, "apis/orders/openapi.yaml", "openapi: 3.0.0\ninfo: {title: Orders}\n");
    write(&repo, "docs/other.yaml", &component("not-matched"));
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "first"]);
    repo
}

/// `git daemon` serving `base` on a free loopback port; killed on drop.
struct GitDaemon {
    child: Child,
    port: u16,
}

impl GitDaemon {
    fn start(base: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("git")
            .args(["daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1"])
            .arg(format!("--port={port}"))
            .arg(format!("--base-path={}", base.display()))
            .arg(base)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("git daemon starts");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "git daemon did not listen");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Self { child, port }
    }
}

impl Drop for GitDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn config(entries: &[String]) -> String {
    let list: String =
        entries.iter().map(|url| format!("    - url: {url}\n      branch: main\n")).collect();
    format!(
        "catalog:\n  processingInterval: {{ seconds: 1 }}\n  rules:\n    - allow: [Component, API, Location]\n  gitDiscovery:\n{list}"
    )
}

async fn entity(app: &TestApp, path: &str) -> Value {
    let reply = app
        .wait_for(&format!("/api/catalog/entities/by-name/{path}"), |r| r.status.is_success())
        .await;
    serde_json::from_str(&reply.body).expect("json")
}

async fn git_discovery_follows_a_remote_branch(backend: Backend) {
    let base = tempfile::tempdir().expect("dir");
    let repo = repository(base.path());
    let daemon = GitDaemon::start(base.path());
    let remote = format!("git://127.0.0.1:{}/svc", daemon.port);
    // An unreachable remote next to the good one: logged, the rest goes on.
    let yaml = config(&[remote, "git://127.0.0.1:9/nothing-here".to_owned()]);
    let Some(app) = TestApp::new(backend, &yaml).await else { return };

    let service = entity(&app, "component/default/git-service").await;
    assert_eq!(service["spec"]["owner"], "team-a");
    let api = entity(&app, "api/default/git-orders").await;
    assert_eq!(
        api["spec"]["definition"], "openapi: 3.0.0\ninfo: {title: Orders}\n",
        "a relative $text resolves inside the repository"
    );
    let not_matched = app.get("/api/catalog/entities/by-name/component/default/not-matched").await;
    assert_eq!(not_matched.status.as_u16(), 404, "files outside the glob are not registered");

    // A new commit: one descriptor added, one removed. The schedule picks it up.
    write(&repo, "services/new/catalog-info.yaml", &component("git-new"));
    git(&repo, &["rm", "-q", "apis/orders/catalog-info.yaml"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "second"]);
    entity(&app, "component/default/git-new").await;
    let orphan = app
        .wait_for("/api/catalog/entities/by-name/api/default/git-orders", |r| {
            r.body.contains("backstage.io/orphan")
        })
        .await;
    assert!(orphan.body.contains(r#""backstage.io/orphan":"true""#), "{}", orphan.body);
}
catalog_test!(git_discovery_follows_a_remote_branch);

/// An entry with a `schedule` is fetched at most that often; one without is
/// fetched every processing round; `POST /refresh` fetches at once anyway.
async fn a_scheduled_remote_waits_for_its_time(backend: Backend) {
    let base = tempfile::tempdir().expect("dir");
    let repo = repository(base.path());
    let every_round = component_repository(base.path(), "other", "other-service");
    let daemon = GitDaemon::start(base.path());
    let yaml = format!(
        "catalog:\n  processingInterval: {{ seconds: 1 }}\n  rules:\n    - allow: [Component, API, Location]\n  gitDiscovery:\n    \
         - url: git://127.0.0.1:{port}/svc\n      branch: main\n      schedule: {{ frequency: {{ hours: 1 }} }}\n    \
         - url: git://127.0.0.1:{port}/other\n      branch: main\n",
        port = daemon.port
    );
    let Some(app) = TestApp::new(backend, &yaml).await else { return };
    // The first round fetches both.
    entity(&app, "component/default/git-service").await;
    entity(&app, "component/default/other-service").await;

    // New commits on both remotes.
    commit_component(&repo, "scheduled-new");
    commit_component(&every_round, "every-round-new");
    // The rounds that bring the unscheduled remote's commits looked at the
    // scheduled one too, and left it: its hour has not passed. (Two commits,
    // so that at least one whole round began after both remotes changed.)
    entity(&app, "component/default/every-round-new").await;
    commit_component(&every_round, "every-round-later");
    entity(&app, "component/default/every-round-later").await;
    let waiting = app.get("/api/catalog/entities/by-name/component/default/scheduled-new").await;
    assert_eq!(waiting.status.as_u16(), 404, "a scheduled remote was fetched before its time");

    // Asked for, it is fetched at once.
    let refresh = app.refresh("component:default/git-service").await;
    assert!(refresh.status.is_success(), "{}", refresh.body);
    entity(&app, "component/default/scheduled-new").await;
}
catalog_test!(a_scheduled_remote_waits_for_its_time);

async fn file_remotes_are_read_in_place(backend: Backend) {
    let base = tempfile::tempdir().expect("dir");
    let repo = repository(base.path());
    let yaml = config(&[format!("file://{}", repo.display())]);
    let Some(app) = TestApp::new(backend, &yaml).await else { return };
    let service = entity(&app, "component/default/git-service").await;
    let location = service["metadata"]["annotations"]["backstage.io/managed-by-location"]
        .as_str()
        .unwrap_or_default();
    assert!(
        location.starts_with("file:") && location.ends_with("/catalog-info.yaml"),
        "{location}"
    );
    // Uncommitted edits are not the branch: only commits are read.
    write(&repo, "catalog-info.yaml", &component("uncommitted"));
    let refresh = app.refresh("component:default/git-service").await;
    assert!(refresh.status.is_success(), "{}", refresh.body);
    let kept = app.get("/api/catalog/entities/by-name/component/default/git-service").await;
    assert!(
        kept.status.is_success() && !kept.body.contains("backstage.io/orphan"),
        "{}",
        kept.body
    );
    let edit = app.get("/api/catalog/entities/by-name/component/default/uncommitted").await;
    assert_eq!(edit.status.as_u16(), 404);
}
catalog_test!(file_remotes_are_read_in_place);

async fn smart_http_remotes_are_fetched(backend: Backend) {
    let base = tempfile::tempdir().expect("dir");
    repository(base.path());
    let url = format!("{}/svc", git_http(base.path()).await);
    let Some(app) = TestApp::new(backend, &config(&[url])).await else { return };
    let api = entity(&app, "api/default/git-orders").await;
    assert_eq!(api["spec"]["definition"], "openapi: 3.0.0\ninfo: {title: Orders}\n");
}
catalog_test!(smart_http_remotes_are_fetched);

/// Two private https remotes on two hosts, each asking for a token: the one
/// whose host has an `integrations` entry is fetched with it (GitHub's
/// spelling, `x-access-token` and the token, as HTTP basic authentication);
/// the other is refused without any credential being made up or asked for.
/// The token never shows in what the API serves. (gix itself refuses to send
/// credentials over plain http.)
async fn private_remotes_use_the_integration_token(backend: Backend) {
    use base64::Engine as _;
    let base = tempfile::tempdir().expect("dir");
    repository(base.path());
    let certs = tempfile::tempdir().expect("dir");
    let (ca, chain, key) = certificates(certs.path());
    let basic = |user: &str, password: &str| {
        let pair = format!("{user}:{password}");
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
    };
    let token = "s3cret-token-for-the-test";
    let tls = Some((chain, key));
    let with_token = HttpOptions {
        require: Some(basic("x-access-token", token)),
        tls: tls.clone(),
        ..Default::default()
    };
    let without =
        HttpOptions { require: Some(basic("someone", "else")), tls, ..Default::default() };
    let good = git_http_with(base.path(), with_token.clone()).await;
    let other = git_http_with(base.path(), without.clone()).await;
    let host = good.trim_start_matches("https://");
    // The refused remote comes first, so it was tried before the good one is read.
    let entries: String = [other, good.clone()]
        .iter()
        .map(|url| format!("    - url: {url}/svc\n      caFile: {}\n", ca.display()))
        .collect();
    let yaml = format!(
        "integrations:\n  github:\n    - host: {host}\n      token: {token}\n\
         catalog:\n  processingInterval: {{ seconds: 1 }}\n  rules:\n    - allow: [Component, API, Location]\n  gitDiscovery:\n{entries}"
    );
    let Some(app) = TestApp::new(backend, &yaml).await else { return };
    let api = entity(&app, "api/default/git-orders").await;
    assert_eq!(api["spec"]["definition"], "openapi: 3.0.0\ninfo: {title: Orders}\n");
    let seen = with_token.seen.lock().expect("seen").clone();
    assert!(seen.contains(&basic("x-access-token", token)), "{seen:?}");
    let refused = without.seen.lock().expect("seen").clone();
    assert!(!refused.is_empty() && refused.iter().all(|a| a == "-"), "{refused:?}");
    for path in ["/api/catalog/entities", "/api/catalog/locations", "/catalog-problems"] {
        let reply = app.get(path).await;
        assert!(!reply.body.contains(token), "{path} shows the token");
    }
}
catalog_test!(private_remotes_use_the_integration_token);

/// An https remote whose certificate comes from the integrator's own CA:
/// fetched when the entry names the CA (`caFile`), refused otherwise.
async fn https_remotes_trust_the_entrys_ca_file(backend: Backend) {
    let base = tempfile::tempdir().expect("dir");
    repository(base.path());
    component_repository(base.path(), "svc2", "untrusted");
    let certs = tempfile::tempdir().expect("dir");
    let (ca, chain, key) = certificates(certs.path());
    let url =
        git_http_with(base.path(), HttpOptions { tls: Some((chain, key)), ..Default::default() })
            .await;
    let yaml = format!(
        "{}      caFile: {}\n",
        config(&[format!("{url}/svc2"), format!("{url}/svc")]),
        ca.display()
    );
    let Some(app) = TestApp::new(backend, &yaml).await else { return };
    entity(&app, "component/default/git-service").await;
    let untrusted = app.get("/api/catalog/entities/by-name/component/default/untrusted").await;
    assert_eq!(untrusted.status.as_u16(), 404, "the entry without the CA is not fetched");
}
catalog_test!(https_remotes_trust_the_entrys_ca_file);

async fn a_glob_leaving_the_repository_is_refused(backend: Backend) {
    let base = tempfile::tempdir().expect("dir");
    let repo = repository(base.path());
    // A descriptor beside the repository, which only an escaping glob would reach.
    write(base.path(), "outside.yaml", &component("outside"));
    let url = format!("file://{}", repo.display());
    let yaml =
        format!("{}      glob: '../../../../../../**/outside.yaml'\n", config(&[url.clone(), url]));
    let Some(app) = TestApp::new(backend, &yaml).await else { return };
    // The good entry is registered and read; the escaping one never is.
    entity(&app, "component/default/git-service").await;
    let locations = app.get("/api/catalog/locations").await;
    let registered: Value = serde_json::from_str(&locations.body).expect("json");
    assert_eq!(registered.as_array().map(Vec::len), Some(1), "{}", locations.body);
    assert!(!locations.body.contains("outside"), "{}", locations.body);
    let outside = app.get("/api/catalog/entities/by-name/component/default/outside").await;
    assert_eq!(outside.status.as_u16(), 404);
}
catalog_test!(a_glob_leaving_the_repository_is_refused);
