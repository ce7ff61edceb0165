//! The docs reader and `/api/techdocs` against sites published to the local
//! publisher's folder: one built by Portico's engine, one shaped like MkDocs
//! output (with a script that must not survive).

use crate::support::{Backend, TestApp, write_files};
use portico_techdocs::BuildOptions;
use std::path::Path;

/// Builds the site in `repo` into `built` and publishes it to the folder
/// `publish` as `entity` (`namespace/kind/name`), as CI does with the CLI.
pub(crate) fn build_and_publish(repo: &Path, built: &Path, publish: &Path, entity: &str) {
    let site = portico_techdocs::build(repo, repo, &BuildOptions::default()).expect("builds");
    assert!(!site.has_errors(), "{:?}", site.diagnostics);
    portico_techdocs::output::write_site(&site, built).expect("written");
    let storage = portico_techdocs_storage::Storage::open(&Default::default(), publish, false)
        .expect("storage");
    portico_server::techdocs_cli::publish(built, entity, &storage, &mut Vec::new())
        .expect("published");
}

/// Builds a small site and publishes it as `default/component/demo`; returns the publish folder's holder.
pub(crate) fn published() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("dir");
    let repo = dir.path().join("repo");
    write_files(
        &repo,
        &[
            (
                "mkdocs.yml",
                "site_name: Demo docs\nsite_description: How the demo works\nrepo_url: https://git.example/demo\nnav:\n  - Home: index.md\n  - Guide:\n      - guide/setup.md\n",
            ),
            (
                "docs/index.md",
                "# Demo\n\nRead the [setup](guide/setup.md#install).\n\n![Diagram](img/d.png)\n\n!!! warning \"Careful\"\n    Mind the gap.\n",
            ),
            (
                "docs/guide/setup.md",
                "---\ntitle: Setting <up>\n---\n\n## Install\n\n```rust\nfn main() {}\n```\n\n## Configure\n\nBack [home](../index.md).\n",
            ),
            ("docs/img/d.png", "not really a png"),
        ],
    );
    let publish = dir.path().join("publish");
    build_and_publish(&repo, &dir.path().join("built"), &publish, "default/Component/demo");
    // A site in MkDocs' shape, as Backstage's pipeline publishes it.
    write_files(
        &publish.join("default/component/legacy"),
        &[
            (
                "techdocs_metadata.json",
                r#"{"site_name":"Legacy","site_description":"Built by MkDocs","etag":"deadbeef","build_timestamp":1706800000000,"files":["index.html"]}"#,
            ),
            (
                "index.html",
                r##"<html><head><title>Legacy home - Legacy</title><script>alert(1)</script></head><body><nav>mkdocs nav</nav><article class="md-content__inner md-typeset"><h1 id="legacy">Legacy</h1><p>Old <a href="other/">page</a> <img src="img/x.png" alt="x" onerror="alert(2)"></p><script>alert(3)</script><h2 id="part">Part<a class="headerlink" href="#part">¶</a></h2></article></body></html>"##,
            ),
        ],
    );
    std::fs::write(dir.path().join("secret.txt"), "not for readers").expect("secret");
    dir
}

fn config(dir: &Path) -> String {
    format!(
        "techdocs:\n  builder: external\n  publisher:\n    type: local\n    local:\n      publishDirectory: {}\n",
        dir.join("publish").display()
    )
}

#[tokio::test]
async fn the_reader_shows_nav_content_and_toc_with_portal_links() {
    let dir = published();
    let app = TestApp::new(Backend::Sqlite, &config(dir.path())).await.expect("app");
    let page = app.get("/docs/default/component/demo/").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let body = &page.body;
    assert!(body.contains("Demo docs") && body.contains("How the demo works"), "site header");
    assert!(
        body.contains(r#"<a href="/docs/default/component/demo/guide/setup/#install""#),
        "page links point at the reader: {body}"
    );
    assert!(
        body.contains(r#"src="/api/techdocs/static/docs/default/component/demo/img/d.png""#),
        "images at the static route"
    );
    assert!(
        body.contains(r#"<div class="admonition warning"><p class="admonition-title">Careful</p>"#)
    );
    assert!(
        body.contains(r#"aria-current="page""#) && body.contains(">Home</a>"),
        "the nav marks the page"
    );
    assert!(body.contains(r#"href="https://git.example/demo""#), "view source");

    let setup = app.get("/docs/default/component/demo/guide/setup").await;
    assert_eq!(setup.status, 200);
    assert!(
        setup.body.contains(r##"<a href="#install">Install</a>"##),
        "the table of contents: {}",
        setup.body
    );
    assert!(setup.body.contains(r#"<details open"#), "the section holding the page is open");
    let home_link = setup
        .body
        .split(">home</a>")
        .next()
        .and_then(|b| b.rsplit("<a ").next())
        .unwrap_or_default();
    assert!(
        home_link.starts_with(r#"href="/docs/default/component/demo/""#),
        "relative links from a deeper page: {home_link}"
    );
    assert!(setup.body.contains("hl-k"), "highlighted code");
    assert!(
        setup.body.contains("<h1>Setting &lt;up&gt;</h1>"),
        "a page titled by front matter gets its h1"
    );
}

#[tokio::test]
async fn sites_mkdocs_built_are_read_and_sanitised() {
    let dir = published();
    let app = TestApp::new(Backend::Sqlite, &config(dir.path())).await.expect("app");
    let page = app.get("/docs/default/component/legacy").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Built by MkDocs") && page.body.contains("Legacy"));
    assert!(!page.body.contains("alert("), "no script from the stored page: {}", page.body);
    assert!(!page.body.contains("mkdocs nav"), "only the article is taken");
    assert!(page.body.contains(r#"<a href="/docs/default/component/legacy/other/""#));
    assert!(
        page.body.contains(r##"<a href="#part">Part</a>"##),
        "headings found in the HTML make the TOC"
    );
    let index = app.get("/docs").await;
    assert!(index.body.contains("Demo docs") && index.body.contains("Legacy"), "{}", index.body);
    assert!(index.body.contains(r#"href="/docs/default/component/demo/""#));
}

/// Sites Portico built before each page carried its detail in its head kept
/// it in `_portico/pages/<page>.json`; the reader still finds it there.
#[tokio::test]
async fn page_details_of_sites_built_before_they_moved_into_the_page_are_read() {
    let dir = published();
    let site = dir.path().join("publish/default/component/demo");
    let page = site.join("guide/setup/index.html");
    let html = std::fs::read_to_string(&page).expect("page");
    let start = html.find("<meta name=\"portico-page\"").expect("the detail is in the head");
    let end = start + html[start..].find('>').expect("its end") + 1;
    std::fs::write(&page, format!("{}{}", &html[..start], &html[end..])).expect("old shape");
    write_files(
        &site,
        &[(
            "_portico/pages/guide/setup/index.html.json",
            r#"{"title":"Old title","headings":[{"level":2,"id":"install","title":"Old install"}],"last_modified":1700000000}"#,
        )],
    );
    let app = TestApp::new(Backend::Sqlite, &config(dir.path())).await.expect("app");
    let setup = app.get("/docs/default/component/demo/guide/setup/").await;
    assert_eq!(setup.status, 200, "{}", setup.body);
    assert!(setup.body.contains(r##"<a href="#install">Old install</a>"##), "{}", setup.body);
    assert!(setup.body.contains("<title>Old title"), "{}", setup.body);
    assert!(setup.body.contains("2023-11-14"), "the last change: {}", setup.body);
}

#[tokio::test]
async fn the_api_serves_files_and_metadata_and_nothing_outside() {
    let dir = published();
    let app = TestApp::new(Backend::Sqlite, &config(dir.path())).await.expect("app");
    let image = app.get("/api/techdocs/static/docs/default/component/demo/img/d.png").await;
    assert_eq!(image.status, 200);
    assert_eq!(image.headers["content-type"], "image/png");
    let html = app.get("/api/techdocs/static/docs/default/component/legacy/index.html").await;
    assert!(
        html.headers["content-security-policy"].to_str().unwrap().starts_with("sandbox"),
        "stored HTML cannot run script"
    );
    let metadata = app.get("/api/techdocs/metadata/techdocs/default/Component/demo").await;
    assert_eq!(metadata.status, 200);
    let json: serde_json::Value = serde_json::from_str(&metadata.body).expect("json");
    assert_eq!(json["site_name"], "Demo docs");
    for bad in [
        "/api/techdocs/static/docs/default/component/demo/../../../../secret.txt",
        "/api/techdocs/static/docs/default/component/demo/%2e%2e/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        "/api/techdocs/static/docs/default/component/..%2f..%2f..%2fsecret.txt/x",
        "/api/techdocs/static/docs/default/component/nope/index.html",
        "/api/techdocs/metadata/techdocs/default/component/..",
    ] {
        let reply = app.get(bad).await;
        assert!(reply.status == 404 || reply.status == 400, "{bad}: {}", reply.status);
        assert!(!reply.body.contains("not for readers"), "{bad}");
    }
    let missing = app.get("/docs/default/component/nope/").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("No documentation is published for this entity."));
    let missing_page = app.get("/docs/default/component/demo/no/such/page/").await;
    assert_eq!(missing_page.status, 404);
}

#[tokio::test]
async fn an_unsupported_publisher_is_refused_with_its_location() {
    let yaml = "techdocs:\n  publisher:\n    type: ftp\n";
    let dir = tempfile::tempdir().expect("dir");
    let error = crate::support::settings_from(&[yaml], dir.path()).expect_err("refused");
    let message = format!("{error:#}");
    assert!(
        message.contains(":3:11: `techdocs.publisher.type`: unknown variant `ftp`"),
        "{message}"
    );
}

/// The S3 publisher end to end, against a real S3-compatible server on
/// loopback: `portico techdocs publish` with the config's `awsS3` section
/// writes the bucket, and the portal reads, serves and indexes the site
/// from there.
#[tokio::test]
async fn a_site_published_to_s3_is_read_from_the_bucket() {
    use portico_techdocs_storage::testing::S3Server;
    let Some(s3) = S3Server::start() else { return };
    s3.create_bucket("techdocs");
    let dir = published();
    let publisher = s3.publisher_json("techdocs", Some("portal"));
    let config =
        serde_json::json!({ "techdocs": { "builder": "external", "publisher": publisher } });
    // JSON is YAML: the same file serves the CLI and the portal.
    let config_file = dir.path().join("s3.yaml");
    std::fs::write(&config_file, config.to_string()).expect("config");
    let out = crate::support::portico(
        &[
            "techdocs",
            "publish",
            "--config",
            config_file.to_str().expect("utf-8"),
            "--entity",
            "default/Component/demo",
            "built",
        ],
        dir.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("to s3://techdocs/portal/default/component/demo"), "{stdout}");

    let app = TestApp::new(Backend::Sqlite, &config.to_string()).await.expect("app");
    let page = app.get("/docs/default/component/demo/guide/setup/").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(r##"<a href="#install">Install</a>"##), "{}", page.body);
    let file = app.get("/api/techdocs/static/docs/default/component/demo/img/d.png").await;
    assert_eq!(file.status, 200);
    assert_eq!(file.body, "not really a png");
    let listed = app.get("/docs").await;
    assert!(listed.body.contains("Demo docs"), "{}", listed.body);
    for bad in [
        "/api/techdocs/static/docs/default/component/demo/..%2F..%2Fsecret.txt",
        "/api/techdocs/static/docs/default/component/..%2Fdemo/index.html",
    ] {
        let reply = app.get(bad).await;
        assert!(reply.status == 404 || reply.status == 400, "{bad}: {}", reply.status);
    }
    // The full rebuild at start collates the bucket's site.
    app.wait_for("/api/search/query?term=gap&types%5B0%5D=techdocs", |r| {
        r.body.contains("/docs/default/component/demo/")
    })
    .await;
}

#[tokio::test]
async fn sync_answers_as_backstages_external_builder() {
    let dir = published();
    let app = TestApp::new(Backend::Sqlite, &config(dir.path())).await.expect("app");
    let json = app.get("/api/techdocs/sync/default/component/demo").await;
    assert_eq!(json.status, 200);
    assert_eq!(crate::support::json_of(&json), serde_json::json!({ "updated": false }));
    let events = app
        .request(
            axum::http::Request::get("/api/techdocs/sync/default/component/demo")
                .header("accept", "text/event-stream")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(events.headers["content-type"], "text/event-stream");
    assert!(events.body.contains("event: finish\ndata: {\"updated\":false}"), "{}", events.body);
    let missing = app.get("/api/techdocs/sync/default/component/nothing-here").await;
    assert_eq!(missing.status, 404);
    let reader = app.get("/docs/default/component/demo/").await;
    assert!(
        reader.body.contains("/api/techdocs/events/default/component/demo?etag="),
        "the reader follows its site's changes: {}",
        reader.body
    );
}

#[tokio::test]
async fn the_docs_index_filters_by_kind_and_owner() {
    let dir = published();
    let catalog = dir.path().join("catalog.yaml");
    std::fs::write(
        &catalog,
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: demo\nspec: {type: service, lifecycle: production, owner: team-a}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec: {type: team, children: []}\n",
    )
    .expect("catalog");
    let yaml = format!(
        "{}catalog:\n  locations:\n    - type: file\n      target: {}\n",
        config(dir.path()),
        catalog.display()
    );
    let app = TestApp::new(Backend::Sqlite, &yaml).await.expect("app");
    // The owner comes from the entity's search document, once the catalog is read.
    let owned =
        app.wait_for("/docs?owner=group:default/team-a", |r| r.body.contains("Demo docs")).await;
    assert!(!owned.body.contains(">Legacy<"), "another owner's site is filtered out");
    assert!(owned.body.contains("1 of 2 sites"), "{}", owned.body);
    assert!(
        owned.body.contains(r#"href="/catalog/default/group/team-a""#),
        "the owner links to its page"
    );
    assert!(
        owned.body.contains(r#"<option value="group:default/team-a" selected"#),
        "the filter shows what is set"
    );

    let all = app.get("/docs").await;
    assert!(all.body.contains("Demo docs") && all.body.contains(">Legacy<"));
    assert!(all.body.contains("2 sites"));
    let none = app.get("/docs?kind=api").await;
    assert!(none.body.contains("No site matches these filters"), "{}", none.body);
    let component = app.get("/docs?kind=Component").await;
    assert!(
        component.body.contains(">2 sites<"),
        "kinds match case-insensitively: {}",
        component.body
    );
}

#[tokio::test]
async fn the_reader_searches_its_own_site_only() {
    let dir = published();
    // The same site published for a second entity: its sections must not
    // show in the first one's search.
    let (repo, publish) = (dir.path().join("repo"), dir.path().join("publish"));
    build_and_publish(&repo, &dir.path().join("twin"), &publish, "default/component/twin");
    let app = TestApp::new(Backend::Sqlite, &config(dir.path())).await.expect("app");

    // The index fills in the background after start-up.
    let page = app
        .wait_for("/docs/default/component/demo/guide/setup/?search=gap", |r| {
            r.body.contains("1 result for")
        })
        .await;
    let body = &page.body;
    assert!(
        body.contains(r#"role="search" method="get" action="/docs/default/component/demo/guide/setup/" aria-label="Search Demo docs""#),
        "a search form that answers on the same page: {body}"
    );
    assert!(body.contains("value=\"gap\""), "the term stays in the box: {body}");
    assert!(body.contains("1 result for “gap” in this site"), "{body}");
    let results = &body[body.find("pt-docs__results").expect("results")..];
    let results = &results[..results.find("</section>").expect("end")];
    assert!(results.contains(r#"<a href="/docs/default/component/demo/#demo">"#), "{results}");
    assert!(results.contains("<mark>gap</mark>"), "the matched word is marked: {results}");
    assert!(!body.contains("/docs/default/component/twin/"), "another site's sections: {body}");
    assert!(body.contains("Install"), "the page is still shown under the results");

    let none =
        app.get("/docs/default/component/demo/?search=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert_eq!(none.status, 200);
    assert!(
        none.body.contains("for “&lt;script&gt;alert(1)&lt;/script&gt;” in this site"),
        "{}",
        none.body
    );
    assert!(!none.body.contains("<script>alert(1)"), "the term is text, never markup");

    let long = "gap".repeat(5_000);
    let reply = app.get(&format!("/docs/default/component/demo/?search={long}")).await;
    assert_eq!(reply.status, 200, "a huge term is cut, not an error");
    assert!(!reply.body.contains(&"gap".repeat(100)), "the term is cut to 200 characters");

    let syntax = app.get("/docs/default/component/demo/?search=%22unclosed+AND+(").await;
    assert_eq!(syntax.status, 200, "{}", syntax.body);
    assert!(syntax.body.contains("Mind the gap."), "the page still shows: {}", syntax.body);
}

#[tokio::test]
async fn an_empty_docs_index_says_how_sites_get_there() {
    let dir = tempfile::tempdir().expect("dir");
    let app = TestApp::new(Backend::Sqlite, &config(dir.path())).await.expect("app");
    let index = app.get("/docs").await;
    assert_eq!(index.status, 200);
    assert!(index.body.contains("No documentation yet"), "{}", index.body);
    assert!(
        index.body.contains("<code>backstage.io/techdocs-ref: dir:.</code>")
            && index.body.contains("<code>portico techdocs publish</code>"),
        "commands are code, not Markdown backticks: {}",
        index.body
    );
    let main = index.body.split("<main").nth(1).expect("a main region");
    assert!(!main.contains('`'), "no Markdown backticks on the page: {main}");
}
