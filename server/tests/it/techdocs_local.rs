//! `techdocs.builder: local`: the portal builds an entity's docs from the
//! `dir:` its descriptor names, or from the branch of a git remote its `url:`
//! names (fetched from a real git server on loopback), on the first view and
//! again when the sources change, keeps the previous site when a build fails,
//! and says why when it cannot build (a host not allowed, a folder outside
//! the catalog's location, no such entity). The catalog reads real files;
//! builds are real.

use crate::git_server::git_http;
use crate::support::{Backend, Reply, TestApp, git, write_files};
use axum::body::Body;
use axum::http::Request;
use std::path::Path;

const HANDBOOK: &str = "/docs/default/component/handbook/";
const SYNC: &str = "/api/techdocs/sync/default/component/handbook";

/// A repository with three components: `handbook` (docs next to it),
/// `straying` (its `dir:` leaves the repository) and `remote` (a URL
/// reference on a host the portal may not read from).
fn repository(root: &Path) {
    write_files(
        root,
        &[
            (
                "repo/catalog-info.yaml",
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: handbook\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: documentation\n  lifecycle: production\n  owner: team-a\n",
            ),
            ("repo/mkdocs.yml", "site_name: Handbook\nnav:\n  - Home: index.md\n"),
            ("repo/docs/index.md", "# Handbook\n\nFirst edition.\n"),
            (
                "repo/services/straying/catalog-info.yaml",
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: straying\n  annotations:\n    backstage.io/techdocs-ref: dir:../../../elsewhere\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
            ),
            (
                "repo/services/remote/catalog-info.yaml",
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: remote\n  annotations:\n    backstage.io/techdocs-ref: url:https://github.com/acme/remote/tree/main/docs\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
            ),
            ("elsewhere/mkdocs.yml", "site_name: Not for the portal\n"),
            ("elsewhere/docs/index.md", "# Secret\n"),
        ],
    );
}

fn config(root: &Path) -> String {
    format!(
        "catalog:\n  locations:\n    - type: file\n      target: {repo}/**/catalog-info.yaml\ntechdocs:\n  builder: local\n  rebuildCheckSeconds: 0\n  publisher:\n    type: local\n    local:\n      publishDirectory: {publish}\n",
        repo = root.join("repo").display(),
        publish = root.join("publish").display(),
    )
}

/// Backstage's reader asks `/sync` for events; the stream ends after `finish` or `error`.
async fn sync_events(app: &TestApp) -> Reply {
    let request = Request::get(SYNC).header("accept", "text/event-stream").body(Body::empty());
    app.request(request.expect("request")).await
}

async fn app_with_catalog(root: &Path) -> TestApp {
    let app = TestApp::new(Backend::Sqlite, &config(root)).await.expect("app");
    for name in ["handbook", "straying", "remote"] {
        app.wait_for(&format!("/api/catalog/entities/by-name/component/default/{name}"), |r| {
            r.status == 200
        })
        .await;
    }
    app
}

#[tokio::test]
async fn docs_are_built_on_first_view_again_on_change_and_a_failed_build_keeps_the_last_site() {
    let dir = tempfile::tempdir().expect("dir");
    repository(dir.path());
    // Committed: each page shows when it last changed in git.
    let repo = dir.path().join("repo");
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "docs"]);
    let app = app_with_catalog(dir.path()).await;

    // First view: nothing is published, so the build starts and the reader
    // shows its progress instead of a 404.
    let first = app.get(HANDBOOK).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body.contains("The documentation is being built"), "{}", first.body);
    assert!(first.body.contains("Build log"), "the log is on the page");
    let settled = app.get(SYNC).await;
    assert_eq!(settled.status, 200, "{}", settled.body);
    let page = app.wait_for(HANDBOOK, |r| r.body.contains("First edition.")).await;
    assert!(!page.body.contains("being built"), "the current build shows no notice");
    assert!(page.body.contains("Last updated 2024-01-01 00:00 UTC"), "{}", page.body);

    // A saved page: the next sync builds again and streams the log, then `finish`.
    std::fs::write(
        dir.path().join("repo/docs/index.md"),
        "# Handbook\n\nSecond edition, revised.\n",
    )
    .expect("edit");
    let events = sync_events(&app).await;
    assert_eq!(events.status, 200);
    assert!(
        events.headers.get("content-type").is_some_and(|v| v == "text/event-stream"),
        "{:?}",
        events.headers
    );
    let body = &events.body;
    assert!(
        body.contains(
            "event: log\ndata: \"Building the documentation of component:default/handbook from "
        ),
        "{body}"
    );
    assert!(body.contains("Built 1 page(s)"), "{body}");
    assert!(body.ends_with("event: finish\ndata: {\"updated\":true}\n\n"), "{body}");
    let page = app.get(HANDBOOK).await;
    assert!(page.body.contains("Second edition, revised."), "{}", page.body);

    // Unchanged sources: nothing to build.
    let events = sync_events(&app).await;
    assert_eq!(events.body, "event: finish\ndata: {\"updated\":false}\n\n");

    // A broken mkdocs.yml: the build fails, the last site stays readable and says so.
    std::fs::write(dir.path().join("repo/mkdocs.yml"), "site_name: [unclosed\n").expect("break");
    let events = sync_events(&app).await;
    assert!(events.body.contains("The site cannot be built"), "{}", events.body);
    assert!(
        events.body.ends_with("event: finish\ndata: {\"updated\":false}\n\n"),
        "{}",
        events.body
    );
    let page = app.get(HANDBOOK).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Second edition, revised."), "the last good site is served");
    assert!(page.body.contains("The last build of this documentation failed"), "{}", page.body);
    assert!(page.body.contains("mkdocs.yml"), "the failure names the file: {}", page.body);
    // The same broken sources are not built again on every view; the
    // failure is reported (Backstage's reader then shows the stale content
    // with the error).
    let again = sync_events(&app).await.body;
    assert!(again.starts_with("event: error\ndata: \"The site cannot be built: "), "{again}");
    assert!(!again.contains("event: log"), "no second build: {again}");

    // Mended: built and published again.
    std::fs::write(dir.path().join("repo/mkdocs.yml"), "site_name: Handbook v3\n").expect("mend");
    let settled = app.get(SYNC).await;
    assert_eq!(settled.body, "{\"updated\":true}");
    let page = app.get(HANDBOOK).await;
    assert!(page.body.contains("Handbook v3") && !page.body.contains("failed"), "{}", page.body);
}

#[tokio::test]
async fn sources_the_portal_cannot_build_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("dir");
    repository(dir.path());
    let app = app_with_catalog(dir.path()).await;

    let straying = app.get("/docs/default/component/straying/").await;
    assert_eq!(straying.status, 404, "{}", straying.body);
    assert!(
        straying.body.contains("points outside the folder the catalog reads"),
        "{}",
        straying.body
    );
    assert!(!straying.body.contains("Secret"));
    assert!(!dir.path().join("publish/default/component/straying").exists(), "nothing built");

    let remote = app.get("/docs/default/component/remote/").await;
    assert_eq!(remote.status, 404);
    assert!(
        remote.body.contains("Reading from github.com is not allowed"),
        "nothing is fetched from a host that is neither allowed nor an integration: {}",
        remote.body
    );

    let unknown = app.get("/docs/default/component/nobody/").await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown.body.contains("There is no entity component:default/nobody"),
        "{}",
        unknown.body
    );
    let events = app
        .request(
            Request::get("/api/techdocs/sync/default/component/nobody")
                .header("accept", "text/event-stream")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert!(events.body.starts_with("event: error\ndata: \"There is no entity"), "{}", events.body);

    // CI may publish what the portal cannot build: it is read as it is, with no notice.
    write_files(
        &dir.path().join("remote-src"),
        &[
            ("mkdocs.yml", "site_name: Remote docs\n"),
            ("docs/index.md", "# Remote\n\nPublished by CI.\n"),
        ],
    );
    crate::techdocs::build_and_publish(
        &dir.path().join("remote-src"),
        &dir.path().join("built"),
        &dir.path().join("publish"),
        "default/component/remote",
    );
    let remote = app.get("/docs/default/component/remote/").await;
    assert_eq!(remote.status, 200, "{}", remote.body);
    assert!(
        remote.body.contains("Published by CI.") && !remote.body.contains("build"),
        "{}",
        remote.body
    );
}

fn component(name: &str, techdocs_ref: &str) -> String {
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n  annotations:\n    backstage.io/techdocs-ref: {techdocs_ref}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
    )
}

/// The portal on `yaml`, once its catalog holds each of the components `names`.
async fn app_with_components(yaml: &str, names: &[&str]) -> TestApp {
    let app = TestApp::new(Backend::Sqlite, yaml).await.expect("app");
    for name in names {
        let path = format!("/api/catalog/entities/by-name/component/default/{name}");
        app.wait_for(&path, |r| r.status == 200).await;
    }
    app
}

/// A git repository `docs-repo` under `served`, with a one-page site in
/// `site/` on its `main` branch, committed.
fn docs_repository(served: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let remote = served.join("docs-repo");
    write_files(
        &remote,
        &[
            ("site/mkdocs.yml", &format!("site_name: {name}\nnav:\n  - Home: index.md\n")),
            ("site/docs/index.md", &format!("# {name}\n\n{text}\n")),
        ],
    );
    git(&remote, &["init", "-q", "-b", "main"]);
    git(&remote, &["add", "-A"]);
    git(&remote, &["commit", "-q", "-m", "docs"]);
    remote
}

/// A `url:` reference: the branch is fetched from the git server (smart HTTP
/// on loopback), the site built from the named folder with the commit as its
/// etag, and built again when the branch moves; a folder the branch does not
/// have is reported.
#[tokio::test]
async fn url_references_are_fetched_from_the_git_host_and_follow_the_branch() {
    let dir = tempfile::tempdir().expect("dir");
    let served = dir.path().join("served");
    let remote = docs_repository(&served, "Fetched", "From the git host.");
    let base = git_http(&served).await;
    let tree = format!("{base}/docs-repo/tree/main");
    write_files(
        dir.path(),
        &[
            ("repo/fetched.yaml", &component("fetched", &format!("url:{tree}/site"))),
            ("repo/nowhere.yaml", &component("nowhere", &format!("url:{tree}/nope"))),
        ],
    );
    let host = base.trim_start_matches("http://");
    let yaml = format!(
        "backend:\n  reading:\n    allow:\n      - host: {host}\ncatalog:\n  locations:\n    - type: file\n      target: {repo}/*.yaml\ntechdocs:\n  builder: local\n  rebuildCheckSeconds: 0\n  publisher:\n    type: local\n    local:\n      publishDirectory: {publish}\n",
        repo = dir.path().join("repo").display(),
        publish = dir.path().join("publish").display(),
    );
    let app = app_with_components(&yaml, &["fetched", "nowhere"]).await;
    let fetched = "/docs/default/component/fetched/";
    let sync = "/api/techdocs/sync/default/component/fetched";
    let head = |repo: &Path| {
        let out = std::process::Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(repo)
            .output()
            .expect("git rev-parse");
        String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
    };

    let first = app.get(fetched).await;
    assert!(first.body.contains("The documentation is being built"), "{}", first.body);
    assert_eq!(app.get(sync).await.body, "{\"updated\":true}");
    let page = app.get(fetched).await;
    assert!(page.body.contains("From the git host."), "{}", page.body);
    let commit = head(&remote);
    assert!(page.body.contains(&commit[..12]), "built from commit {commit}: {}", page.body);
    let metadata = app.get("/api/techdocs/metadata/techdocs/default/component/fetched").await;
    assert!(metadata.body.contains(&format!("\"etag\":\"{commit}\"")), "{}", metadata.body);

    // The branch has not moved: nothing to build.
    assert_eq!(app.get(sync).await.body, "{\"updated\":false}");

    // A new commit on the branch: fetched and built again.
    std::fs::write(remote.join("site/docs/index.md"), "# Fetched\n\nSecond commit.\n")
        .expect("edit");
    git(&remote, &["commit", "-q", "-am", "edit"]);
    assert_eq!(app.get(sync).await.body, "{\"updated\":true}");
    let page = app.get(fetched).await;
    assert!(page.body.contains("Second commit."), "{}", page.body);
    assert!(page.body.contains(&head(&remote)[..12]));

    let nowhere = app.get("/docs/default/component/nowhere/").await;
    assert_eq!(nowhere.status, 404, "{}", nowhere.body);
    assert!(nowhere.body.contains("There is no folder `nope`"), "{}", nowhere.body);
}

/// A `url:` reference to an https git server with a private CA: its
/// integration's `caFile` is trusted for it and its token sent; a host whose
/// certificate nothing vouches for is not fetched from, and the reader says so.
#[tokio::test]
async fn url_references_over_https_trust_the_integrations_ca_file() {
    use crate::git_server::{HttpOptions, certificates, git_http_with};
    use base64::Engine as _;

    let dir = tempfile::tempdir().expect("dir");
    let served = dir.path().join("served");
    docs_repository(&served, "Private", "Behind a private CA.");
    let certs = dir.path().join("certs");
    std::fs::create_dir_all(&certs).expect("certs");
    let (ca, chain, key) = certificates(&certs);
    let token = "docs-token-for-the-test";
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("oauth2:{token}"));
    let options = HttpOptions {
        require: Some(format!("Basic {basic}")),
        tls: Some((chain.clone(), key.clone())),
        ..Default::default()
    };
    let trusted = git_http_with(&served, options).await;
    let untrusted =
        git_http_with(&served, HttpOptions { tls: Some((chain, key)), ..Default::default() }).await;
    write_files(
        dir.path(),
        &[
            (
                "repo/private.yaml",
                &component("private", &format!("url:{trusted}/docs-repo/-/tree/main/site")),
            ),
            (
                "repo/stranger.yaml",
                &component("stranger", &format!("url:{untrusted}/docs-repo/-/tree/main/site")),
            ),
        ],
    );
    let yaml = format!(
        "integrations:\n  gitlab:\n    - host: {host}\n      token: {token}\n      caFile: {ca}\nbackend:\n  reading:\n    allow:\n      - host: {other}\ncatalog:\n  locations:\n    - type: file\n      target: {repo}/*.yaml\ntechdocs:\n  builder: local\n  publisher:\n    type: local\n    local:\n      publishDirectory: {publish}\n",
        host = trusted.trim_start_matches("https://"),
        other = untrusted.trim_start_matches("https://"),
        ca = ca.display(),
        repo = dir.path().join("repo").display(),
        publish = dir.path().join("publish").display(),
    );
    let app = app_with_components(&yaml, &["private", "stranger"]).await;
    assert_eq!(
        app.get("/api/techdocs/sync/default/component/private").await.body,
        "{\"updated\":true}"
    );
    let page = app.get("/docs/default/component/private/").await;
    assert!(page.body.contains("Behind a private CA."), "{}", page.body);

    let _ = app.get("/api/techdocs/sync/default/component/stranger").await;
    let stranger = app.get("/docs/default/component/stranger/").await;
    assert_ne!(stranger.status, 200, "{}", stranger.body);
    assert!(stranger.body.contains("could not be fetched"), "{}", stranger.body);
}
