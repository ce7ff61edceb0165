//! Search end to end: the catalog and a published docs site indexed at start,
//! Backstage's `/api/search/query` shape, filters and cursors, changes
//! followed without a rebuild, bad input, the search page, and a damaged
//! index on disk. Catalog tests run on SQLite and PostgreSQL.

use crate::support::{Backend, TestApp, catalog_test, json_of, settings_from};
use axum::http::StatusCode;
use serde_json::Value;
use std::path::Path;

const CATALOG: &str = r#"apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-payments
  title: Payments team
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  description: Takes card payments and refunds.
  tags: [rust, payments]
spec:
  type: service
  lifecycle: production
  owner: team-payments
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout-web
  title: Checkout
  description: The shop's checkout; calls the payments API.
spec:
  type: website
  lifecycle: experimental
  owner: team-payments
"#;

/// The entity the published demo site documents.
const DEMO: &str = r#"---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: demo
  title: Demo service
spec:
  type: service
  lifecycle: experimental
  owner: team-payments
"#;

const LEDGER: &str = r#"---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  description: Double-entry bookkeeping.
spec:
  type: service
  lifecycle: production
  owner: team-payments
"#;

/// The config for a catalog file and a docs publish folder.
fn config(catalog: &Path, publish: &Path) -> String {
    format!(
        "catalog:\n  processingInterval: false\n  rules:\n    - allow: [Component, API, Group, Location]\n  locations:\n    - type: file\n      target: {}\ntechdocs:\n  publisher:\n    local:\n      publishDirectory: {}\n",
        catalog.display(),
        publish.display()
    )
}

/// Waits until `query` returns results whose locations satisfy `ready`.
async fn wait_search(app: &TestApp, query: &str, ready: impl Fn(&[&str]) -> bool) -> Value {
    let path = format!("/api/search/query?{query}");
    let reply = app
        .wait_for(&path, |r| {
            let Ok(v) = serde_json::from_str::<Value>(&r.body) else { return false };
            let locations = locations(&v);
            ready(&locations.iter().map(String::as_str).collect::<Vec<_>>())
        })
        .await;
    json_of(&reply)
}

fn locations(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .map(|a| {
            a.iter().filter_map(|r| r["document"]["location"].as_str().map(str::to_owned)).collect()
        })
        .unwrap_or_default()
}

async fn catalog_and_docs_are_searchable_and_follow_changes(backend: Backend) {
    let docs = crate::techdocs::published();
    let dir = tempfile::tempdir().expect("dir");
    let catalog = dir.path().join("catalog.yaml");
    std::fs::write(&catalog, format!("{CATALOG}{DEMO}")).expect("write");
    let Some(app) = TestApp::new(backend, &config(&catalog, &docs.path().join("publish"))).await
    else {
        return;
    };

    // Backstage's shape: type, document, highlight with its tags, rank.
    let found = wait_search(&app, "term=payments", |l| {
        l.contains(&"/catalog/default/component/payments-api")
    })
    .await;
    let first = &found["results"][0];
    assert_eq!(first["type"], "software-catalog", "{found}");
    assert_eq!(first["document"]["location"], "/catalog/default/component/payments-api");
    assert_eq!(first["document"]["title"], "payments-api");
    assert_eq!(first["document"]["text"], "Takes card payments and refunds.");
    assert_eq!(first["document"]["kind"], "Component");
    assert_eq!(first["document"]["lifecycle"], "production");
    assert_eq!(first["document"]["owner"], "team-payments");
    assert_eq!(first["rank"], 1);
    let pre = first["highlight"]["preTag"].as_str().expect("preTag");
    let post = first["highlight"]["postTag"].as_str().expect("postTag");
    assert_eq!(
        first["highlight"]["fields"]["text"].as_str(),
        Some(format!("Takes card {pre}payments{post} and refunds.").as_str())
    );
    assert!(found["numberOfResults"].as_u64().is_some_and(|n| n >= 3), "{found}");

    // Docs sections from the published site's search index, with their
    // entity's owner (filterable like an entity's).
    let docs_hits = wait_search(
        &app,
        "term=gap&types%5B0%5D=techdocs&filters%5Bowner%5D=group:default/team-payments",
        |l| !l.is_empty(),
    )
    .await;
    assert!(
        locations(&docs_hits).iter().all(|l| l.starts_with("/docs/default/component/demo/")),
        "{docs_hits}"
    );
    let section = &docs_hits["results"][0]["document"];
    assert_eq!(section["entityTitle"], "Demo service", "{section}");
    assert_eq!(section["siteName"], "Demo docs");
    assert_eq!(section["owner"], "team-payments");
    assert_eq!(section["lifecycle"], "experimental");

    // Filters (case-insensitive; values of one field are alternatives).
    let filtered = json_of(&app.get("/api/search/query?term=payments&filters%5Bkind%5D=component&filters%5Blifecycle%5D%5B0%5D=experimental&filters%5Blifecycle%5D%5B1%5D=deprecated").await);
    assert_eq!(locations(&filtered), ["/catalog/default/component/checkout-web"], "{filtered}");

    // Cursors: one result per page, following nextPageCursor.
    let mut cursor = String::new();
    let mut seen = Vec::new();
    for page in 0..3 {
        let reply = json_of(
            &app.get(&format!("/api/search/query?term=payments&pageLimit=1{cursor}")).await,
        );
        assert_eq!(reply["results"][0]["rank"], page + 1, "{reply}");
        assert_eq!(reply["previousPageCursor"].is_string(), page > 0);
        seen.extend(locations(&reply));
        match reply["nextPageCursor"].as_str() {
            Some(next) => cursor = format!("&pageCursor={}", next.replace('=', "%3D")),
            None => assert_eq!(page, 2, "the last page has no next cursor: {reply}"),
        }
    }
    seen.dedup();
    assert_eq!(seen.len(), 3, "{seen:?}");

    // A new entity is searchable after a refresh, without a rebuild.
    std::fs::write(&catalog, format!("{CATALOG}{DEMO}{LEDGER}")).expect("write");
    let refreshed = app.refresh("component:default/payments-api").await;
    assert!(refreshed.status.is_success(), "{}", refreshed.body);
    wait_search(&app, "term=bookkeeping", |l| l == ["/catalog/default/component/ledger"]).await;

    // Deleted from the catalog: gone from search.
    let ledger = json_of(&app.get("/api/catalog/entities/by-name/component/default/ledger").await);
    let uid = ledger["metadata"]["uid"].as_str().expect("uid");
    let deleted = app.send("DELETE", &format!("/api/catalog/entities/by-uid/{uid}"), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    wait_search(&app, "term=bookkeeping", |l| l.is_empty()).await;

    // The documented entity changes owner: its docs sections follow without
    // a republish.
    let moved = DEMO.replace("owner: team-payments", "owner: team-docs");
    std::fs::write(&catalog, format!("{CATALOG}{moved}")).expect("write");
    let refreshed = app.refresh("component:default/demo").await;
    assert!(refreshed.status.is_success(), "{}", refreshed.body);
    let moved = wait_search(
        &app,
        "term=gap&types%5B0%5D=techdocs&filters%5Bowner%5D=group:default/team-docs",
        |l| !l.is_empty(),
    )
    .await;
    assert_eq!(moved["results"][0]["document"]["owner"], "team-docs", "{moved}");
    wait_search(
        &app,
        "term=gap&types%5B0%5D=techdocs&filters%5Bowner%5D=group:default/team-payments",
        |l| l.is_empty(),
    )
    .await;

    // A site published while the portal runs is indexed by the storage watch;
    // a removed one disappears.
    let site = docs.path().join("publish/default/component/demo");
    let copy = docs.path().join("publish/default/component/demo-two");
    copy_dir(&site, &copy);
    wait_search(&app, "term=gap&types%5B0%5D=techdocs", |l| {
        l.iter().any(|l| l.starts_with("/docs/default/component/demo-two/"))
    })
    .await;
    std::fs::remove_dir_all(&copy).expect("remove");
    wait_search(&app, "term=gap&types%5B0%5D=techdocs", |l| {
        !l.is_empty() && l.iter().all(|l| !l.contains("demo-two"))
    })
    .await;

    // The search page, server-rendered: results, highlights, facet filters.
    let page = app.get("/search?term=payments&filters%5Bkind%5D=Component").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"href="/catalog/default/component/payments-api""#),
        "{}",
        page.body
    );
    assert!(page.body.contains("<mark>payments</mark>"), "{}", page.body);
    assert!(page.body.contains(r#"<option value="Component" selected"#), "{}", page.body);
}
catalog_test!(catalog_and_docs_are_searchable_and_follow_changes);

fn copy_dir(from: &Path, to: &Path) {
    for entry in walk(from) {
        let target = to.join(entry.strip_prefix(from).expect("inside"));
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&entry, &target).expect("copy");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test]
async fn bad_queries_are_400s_and_hostile_terms_are_text() {
    let dir = tempfile::tempdir().expect("dir");
    let catalog = dir.path().join("catalog.yaml");
    std::fs::write(&catalog, CATALOG).expect("write");
    let app = TestApp::new(Backend::Sqlite, &config(&catalog, &dir.path().join("docs")))
        .await
        .expect("app");
    wait_search(&app, "term=payments", |l| !l.is_empty()).await;
    for (query, message) in [
        (format!("term={}", "x".repeat(10_000)), "term length"),
        ("pageCursor=%%%".into(), "page cursor"),
        ("pageCursor=bm90IGEgbnVtYmVy".into(), "page cursor"),
        ("pageLimit=100000".into(), "page limit"),
        ("pageLimit=abc".into(), "page limit"),
        ("filters%5Bki%20nd%5D=x".into(), "filter field"),
    ] {
        let reply = app.get(&format!("/api/search/query?{query}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}: {}", reply.body);
        let body = json_of(&reply);
        assert_eq!(body["error"]["name"], "InputError", "{query}: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains(message)), "{body}");
    }
    for term in
        ["%22", "*", "payments%3A", "(payments", "AND", "NOT%20OR", "%00", "%F0%9F%A6%80", ""]
    {
        let reply = app.get(&format!("/api/search/query?term={term}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{term}: {}", reply.body);
    }
    let unknown =
        json_of(&app.get("/api/search/query?term=payments&filters%5Bcolour%5D=blue").await);
    assert_eq!(unknown["results"], Value::Array(vec![]));
    assert_eq!(unknown["numberOfResults"], 0);
    // The page cuts an over-long term rather than failing.
    let page = app.get(&format!("/search?term={}", "pay".repeat(100))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("first 100 characters"), "{}", page.body);
    // Rebuild on request; status reports the documents.
    let started = app.send("POST", "/api/search/reindex", None).await;
    assert_eq!(started.status, StatusCode::ACCEPTED);
    let status =
        app.wait_for("/api/search/status", |r| r.body.contains(r#""rebuilding":false"#)).await;
    assert!(json_of(&status)["documents"].as_u64().is_some_and(|n| n >= 3), "{}", status.body);
}

#[tokio::test]
async fn a_damaged_index_is_rebuilt_at_start() {
    let dir = tempfile::tempdir().expect("dir");
    let catalog = dir.path().join("catalog.yaml");
    std::fs::write(&catalog, CATALOG).expect("write");
    let index = dir.path().join("data/search/index");
    std::fs::create_dir_all(&index).expect("mkdir");
    std::fs::write(index.join("meta.json"), "{ this is not an index").expect("write");
    std::fs::write(index.join("0000.store"), [0u8, 159, 146, 150]).expect("write");
    let yaml = config(&catalog, &dir.path().join("docs"));
    let settings = settings_from(&[&yaml], dir.path()).expect("settings");
    let (router, db) =
        portico_server::routes::build(&settings).await.expect("starts despite the damage");
    let app = TestApp::from_parts(router, db);
    wait_search(&app, "term=checkout", |l| l == ["/catalog/default/component/checkout-web"]).await;
}
