//! `PUT /api/techdocs/publish/{namespace}/{kind}/{name}`: a built site sent as
//! a tar archive by another docs system, with a static token; and every way
//! such an upload can be wrong, none of which may touch the published site or
//! write outside it.

use crate::support::{Backend, Reply, TestApp, json_of};
use crate::techdocs::published;
use axum::body::Body;
use axum::http::Request;
use std::path::Path;

const TOKEN: &str = "ci-token-0123456789";

fn config(dir: &Path, access: &str) -> String {
    format!(
        "backend:\n  auth:\n    externalAccess:\n{access}techdocs:\n  builder: external\n  publisher:\n    type: local\n    local:\n      publishDirectory: {}\n",
        dir.join("publish").display()
    )
}

fn static_token(restriction: &str) -> String {
    format!(
        "      - type: static\n        options:\n          token: {TOKEN}\n          subject: ci\n{restriction}"
    )
}

/// A tar archive of `dir`'s files (paths relative to it), gzipped when asked.
fn archive_of(dir: &Path, gzip: bool) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    builder.append_dir_all(".", dir).expect("tar");
    let tar = builder.into_inner().expect("tar");
    if !gzip {
        return tar;
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut encoder, &tar).expect("gzip");
    encoder.finish().expect("gzip")
}

/// A tar archive with one entry whose name and type are written raw (the tar
/// crate refuses to build hostile names itself).
fn raw_entry(name: &str, kind: tar::EntryType, link: &str, body: &[u8]) -> Vec<u8> {
    let mut header = tar::Header::new_old();
    header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    header.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
    header.set_entry_type(kind);
    header.set_size(body.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    let mut builder = tar::Builder::new(Vec::new());
    builder.append(&header, body).expect("tar");
    builder.into_inner().expect("tar")
}

async fn put(app: &TestApp, site: &str, token: Option<&str>, body: Vec<u8>) -> Reply {
    let mut request = Request::put(format!("/api/techdocs/publish/{site}"))
        .header("content-type", "application/x-tar");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    app.request(request.body(Body::from(body)).expect("request")).await
}

#[tokio::test]
async fn a_site_sent_with_a_token_is_published_and_read() {
    let dir = published();
    let app =
        TestApp::new(Backend::Sqlite, &config(dir.path(), &static_token(""))).await.expect("app");
    let site = dir.path().join("built");

    let refused = put(&app, "default/component/api-docs", None, archive_of(&site, true)).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert_eq!(json_of(&refused)["error"]["name"], "AuthenticationError", "{}", refused.body);
    let wrong =
        put(&app, "default/component/api-docs", Some("not-the-token"), archive_of(&site, true))
            .await;
    assert_eq!(wrong.status, 401);

    let reply = put(&app, "default/Component/api-docs", Some(TOKEN), archive_of(&site, true)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let body = json_of(&reply);
    assert_eq!(body["entityRef"], "component:default/api-docs");
    assert!(body["files"].as_u64().unwrap_or(0) >= 4, "{body}");
    let page = app.get("/docs/default/component/api-docs/guide/setup/").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Install"), "{}", page.body);

    // An uncompressed archive works too, and replaces the site.
    let again =
        put(&app, "default/component/api-docs", Some(TOKEN), archive_of(&site, false)).await;
    assert_eq!(again.status, 201, "{}", again.body);
}

#[tokio::test]
async fn without_a_configured_token_publishing_is_off() {
    let dir = published();
    let app = TestApp::new(
        Backend::Sqlite,
        &config(dir.path(), "      - type: legacy\n        options: {secret: abc}\n"),
    )
    .await
    .expect("app");
    let reply =
        put(&app, "default/component/x", Some(TOKEN), archive_of(&dir.path().join("built"), true))
            .await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert!(reply.body.contains("backend.auth.externalAccess"), "{}", reply.body);

    // A token restricted to another plugin does not open this one.
    let restricted = static_token("        accessRestrictions:\n          - plugin: catalog\n");
    let app = TestApp::new(Backend::Sqlite, &config(dir.path(), &restricted)).await.expect("app");
    let reply =
        put(&app, "default/component/x", Some(TOKEN), archive_of(&dir.path().join("built"), true))
            .await;
    assert_eq!(reply.status, 403, "{}", reply.body);
}

#[tokio::test]
async fn a_short_static_token_is_a_config_error() {
    let dir = tempfile::tempdir().expect("dir");
    let yaml =
        config(dir.path(), "      - type: static\n        options: {token: short, subject: ci}\n");
    let settings = crate::support::settings_from(&[&yaml], dir.path()).expect("settings");
    let Err(error) = portico_server::routes::build(&settings).await else {
        panic!("a short token must be refused");
    };
    let error = format!("{error:#}");
    assert!(error.contains("at least 8 characters"), "{error}");
}

#[tokio::test]
async fn bad_uploads_are_refused_and_the_published_site_stays() {
    let dir = published();
    let app =
        TestApp::new(Backend::Sqlite, &config(dir.path(), &static_token(""))).await.expect("app");
    let demo = "default/component/demo";
    let article = |reply: Reply| {
        let from = reply.body.find("<article").expect("an article");
        let to = reply.body.find("</article>").expect("an article");
        reply.body[from..to].to_string()
    };
    let before = article(app.get(&format!("/docs/{demo}/")).await);

    let not_a_site = tempfile::tempdir().expect("dir");
    std::fs::write(not_a_site.path().join("index.html"), "<p>no metadata</p>").expect("write");
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("empty body", Vec::new(), 400, "empty"),
        ("not an archive", b"hello, this is not tar at all".repeat(40), 400, "archive"),
        (
            "gzip of garbage",
            {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                std::io::Write::write_all(&mut e, &[7u8; 5000]).expect("gzip");
                e.finish().expect("gzip")
            },
            400,
            "archive",
        ),
        ("no metadata", archive_of(not_a_site.path(), true), 400, "techdocs_metadata.json"),
        (
            "climbing out",
            raw_entry("../escaped.html", tar::EntryType::Regular, "", b"x"),
            400,
            "plain relative paths",
        ),
        (
            "absolute path",
            raw_entry("/tmp/escaped.html", tar::EntryType::Regular, "", b"x"),
            400,
            "plain relative paths",
        ),
        (
            "a symlink",
            raw_entry("index.html", tar::EntryType::Symlink, "/etc/passwd", b""),
            400,
            "no links",
        ),
        (
            "a hard link",
            raw_entry("index.html", tar::EntryType::Link, "../../secret.txt", b""),
            400,
            "no links",
        ),
        ("a device", raw_entry("dev", tar::EntryType::Char, "", b""), 400, "no links"),
    ];
    for (what, body, status, says) in cases {
        let reply = put(&app, demo, Some(TOKEN), body).await;
        assert_eq!(reply.status.as_u16(), status, "{what}: {}", reply.body);
        assert!(reply.body.contains(says), "{what}: {}", reply.body);
        let after = article(app.get(&format!("/docs/{demo}/")).await);
        assert_eq!(after, before, "{what}: the published site is untouched");
    }
    assert!(!dir.path().join("publish/default/component/escaped.html").exists());
    assert!(!dir.path().join("escaped.html").exists());
    assert!(!Path::new("/tmp/escaped.html").exists());

    // Names that are not plain are refused before anything is read.
    let reply = put(
        &app,
        "default/component/a%20b",
        Some(TOKEN),
        archive_of(&dir.path().join("built"), true),
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.body);

    // An archive bigger than it says it is (a header claiming more than the limit).
    let reply = app
        .request(
            Request::put(format!("/api/techdocs/publish/{demo}"))
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("content-length", (600u64 << 20).to_string())
                .body(Body::from(vec![0u8; 16]))
                .expect("request"),
        )
        .await;
    assert_eq!(reply.status, 413, "{}", reply.body);
}
