//! The catalog plugin end to end over HTTP: ingestion from files, relations,
//! Backstage's REST API, orphans, conflicts, errors that keep the last good
//! version, and bad input. Every test runs on SQLite and PostgreSQL.

use crate::support::{Backend, Reply, TestApp, catalog_test, json_of};
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::path::Path;

const ORG: &str = r#"apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments-team
  title: Payments
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: alice
spec:
  memberOf: [payments-team]
"#;

const SERVICES: &str = r#"apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: payments
spec:
  owner: payments-team
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  description: Takes payments.
  tags: [rust, payments]
spec:
  type: service
  lifecycle: production
  owner: payments-team
  system: payments
  providesApis: [payments]
  dependsOn: [resource:payments-db]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout-web
  title: Checkout
spec:
  type: website
  lifecycle: experimental
  owner: group:payments-team
  consumesApis: [payments]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments
spec:
  type: openapi
  lifecycle: production
  owner: payments-team
  definition:
    $text: ./payments.oas.yaml
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: payments-db
spec:
  type: database
  owner: payments-team
"#;

const ROOT: &str = r#"apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: root
spec:
  targets:
    - ./org.yaml
    - ./services/*.yaml
"#;

pub(crate) fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write fixture");
}

/// Catalog config reading one file location, with no periodic refresh;
/// `allow` is the `catalog.rules` kind list (Backstage's default when `None`).
pub(crate) fn one_file_location(path: &Path, allow: Option<&str>) -> String {
    let rules =
        allow.map(|kinds| format!("  rules:\n    - allow: [{kinds}]\n")).unwrap_or_default();
    format!(
        "catalog:\n  processingInterval: false\n{rules}  locations:\n    - type: file\n      target: {}\n",
        path.display()
    )
}

/// A tempdir with the fixture tree, and the YAML that points the catalog at it.
pub(crate) fn fixtures(extra: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("dir");
    write(dir.path(), "catalog/root.yaml", ROOT);
    write(dir.path(), "catalog/org.yaml", ORG);
    write(dir.path(), "catalog/services/payments.yaml", SERVICES);
    write(
        dir.path(),
        "catalog/services/payments.oas.yaml",
        "openapi: 3.0.0\ninfo: {title: Payments}\n",
    );
    let kinds = "Component, API, Resource, System, Domain, Group, User, Location";
    let yaml = one_file_location(&dir.path().join("catalog/root.yaml"), Some(kinds)) + extra;
    (dir, yaml)
}

/// `type targetRef` for each relation of an entity.
fn relation_lines(entity: &Value) -> Vec<String> {
    let relations = entity["relations"].as_array().expect("relations");
    relations
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["type"].as_str().unwrap_or(""),
                r["targetRef"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// Waits until the catalog holds `n` entities.
pub(crate) async fn ingested(app: &TestApp, n: usize) -> Value {
    let reply = app
        .wait_for("/api/catalog/entities", |r| {
            serde_json::from_str::<Value>(&r.body).ok().and_then(|v| v.as_array().map(Vec::len))
                == Some(n)
        })
        .await;
    json_of(&reply)
}

/// Re-reads the fixture tree (through any entity of it).
async fn refresh(app: &TestApp) -> Reply {
    app.refresh("component:default/payments-api").await
}

async fn app(backend: Backend, yaml: &str) -> Option<TestApp> {
    TestApp::new(backend, yaml).await
}

pub(crate) fn refs(items: &Value) -> Vec<String> {
    let mut out: Vec<String> = items
        .as_array()
        .expect("array")
        .iter()
        .map(|e| {
            format!(
                "{}:{}/{}",
                e["kind"].as_str().unwrap_or("?"),
                e["metadata"]["namespace"].as_str().unwrap_or("?"),
                e["metadata"]["name"].as_str().unwrap_or("?")
            )
            .to_lowercase()
        })
        .collect();
    out.sort();
    out
}

async fn ingestion_relations_and_annotations(backend: Backend) {
    let (dir, yaml) = fixtures("");
    let Some(app) = app(backend, &yaml).await else { return };
    // 2 locations (generated root + root.yaml) + 2 org + 5 services.
    let all = ingested(&app, 9).await;
    assert!(refs(&all).contains(&"component:default/payments-api".to_owned()), "{:?}", refs(&all));

    let api =
        json_of(&app.get("/api/catalog/entities/by-name/component/default/payments-api").await);
    let rels: Vec<String> = relation_lines(&api);
    assert_eq!(
        rels,
        [
            "dependsOn resource:default/payments-db",
            "ownedBy group:default/payments-team",
            "partOf system:default/payments",
            "providesApi api:default/payments",
        ]
    );
    let file = dir.path().join("catalog/services/payments.yaml");
    assert_eq!(
        api["metadata"]["annotations"]["backstage.io/managed-by-location"],
        format!("file:{}", file.display())
    );
    let origin = format!("file:{}", dir.path().join("catalog/root.yaml").display());
    assert_eq!(api["metadata"]["annotations"]["backstage.io/managed-by-origin-location"], origin);
    assert!(api["metadata"]["uid"].as_str().is_some_and(|u| u.len() == 36));
    assert!(api["metadata"]["etag"].as_str().is_some_and(|e| !e.is_empty()));

    // Reverse relations are stitched onto the other side, case-insensitively.
    let team = json_of(&app.get("/api/catalog/entities/by-name/Group/Default/Payments-Team").await);
    assert_eq!(team["metadata"]["title"], "Payments");
    let team_rels: Vec<String> = relation_lines(&team);
    assert!(team_rels.contains(&"hasMember user:default/alice".to_owned()), "{team_rels:?}");
    assert!(
        team_rels.contains(&"ownerOf component:default/checkout-web".to_owned()),
        "{team_rels:?}"
    );
    let payments = json_of(&app.get("/api/catalog/entities/by-name/api/default/payments").await);
    assert_eq!(
        payments["spec"]["definition"], "openapi: 3.0.0\ninfo: {title: Payments}\n",
        "the $text placeholder is resolved"
    );
    let consumers: Vec<&str> = payments["relations"]
        .as_array()
        .expect("r")
        .iter()
        .filter(|r| r["type"] == "apiConsumedBy")
        .filter_map(|r| r["targetRef"].as_str())
        .collect();
    assert_eq!(consumers, ["component:default/checkout-web"]);

    // Ancestry: the component, the Location file that listed it, the generated root.
    let ancestry = json_of(
        &app.get("/api/catalog/entities/by-name/component/default/payments-api/ancestry").await,
    );
    let chain: Vec<&str> = ancestry["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["entity"]["kind"].as_str())
        .collect();
    assert_eq!(chain, ["Component", "Location", "Location"]);
    assert!(
        ancestry["rootEntityRef"]
            .as_str()
            .is_some_and(|r| r.starts_with("location:default/generated-"))
    );

    let by_uid = app
        .get(&format!(
            "/api/catalog/entities/by-uid/{}",
            api["metadata"]["uid"].as_str().unwrap_or("")
        ))
        .await;
    assert_eq!(json_of(&by_uid)["metadata"]["name"], "payments-api");
    let missing = app.get("/api/catalog/entities/by-name/component/default/nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(json_of(&missing)["error"]["name"], "NotFoundError");
    assert_eq!(
        json_of(&missing)["error"]["message"],
        "No entity named 'nope' found, with kind 'component' in namespace 'default'"
    );
}
catalog_test!(ingestion_relations_and_annotations);

async fn filters_paging_projection_and_facets(backend: Backend) {
    let (_dir, yaml) = fixtures("");
    let Some(app) = app(backend, &yaml).await else { return };
    ingested(&app, 9).await;
    let get = |path: &'static str| {
        let app = &app;
        async move { json_of(&app.get(path).await) }
    };
    // Comma = AND, repeated filter = OR, case-insensitive keys and values.
    assert_eq!(
        refs(&get("/api/catalog/entities?filter=kind=Component,spec.type=SERVICE").await),
        ["component:default/payments-api"]
    );
    assert_eq!(
        refs(
            &get("/api/catalog/entities?filter=kind=component,spec.type=website&filter=kind=api")
                .await
        ),
        ["api:default/payments", "component:default/checkout-web"]
    );
    assert_eq!(
        refs(&get("/api/catalog/entities?filter=kind=component,kind=resource").await).len(),
        3
    );
    assert_eq!(
        refs(&get("/api/catalog/entities?filter=metadata.tags=rust").await),
        ["component:default/payments-api"]
    );
    assert_eq!(refs(&get("/api/catalog/entities?filter=relations.ownedBy=group:default/payments-team,kind=component").await).len(), 2);
    // Key exists.
    assert_eq!(
        refs(&get("/api/catalog/entities?filter=metadata.title").await),
        ["component:default/checkout-web", "group:default/payments-team"]
    );
    // Projection.
    let projected = get("/api/catalog/entities?filter=kind=user&fields=kind,metadata.name").await;
    assert_eq!(projected, json!([{ "kind": "User", "metadata": { "name": "alice" } }]));
    // Order and limit/offset, with a link header to the next page.
    let page = app
        .get("/api/catalog/entities?filter=kind=component&order=desc:metadata.name&limit=1")
        .await;
    assert_eq!(refs(&json_of(&page)), ["component:default/payments-api"]);
    let link =
        page.headers.get("link").and_then(|v| v.to_str().ok()).expect("link header").to_owned();
    let next = link.trim_start_matches('<').split('>').next().expect("url").to_owned();
    let second = json_of(&app.get(&format!("/api/catalog{next}")).await);
    assert_eq!(refs(&second), ["component:default/checkout-web"]);

    // by-query: totalItems, cursors, full text.
    let first = get(
        "/api/catalog/entities/by-query?filter=kind=component&limit=1&orderField=metadata.name,asc",
    )
    .await;
    assert_eq!(first["totalItems"], 2);
    assert_eq!(first["items"][0]["metadata"]["name"], "checkout-web");
    let cursor = first["pageInfo"]["nextCursor"].as_str().expect("next cursor").to_owned();
    let second =
        json_of(&app.get(&format!("/api/catalog/entities/by-query?cursor={cursor}")).await);
    assert_eq!(second["items"][0]["metadata"]["name"], "payments-api");
    assert!(second["pageInfo"].get("nextCursor").is_none());
    assert!(second["pageInfo"]["prevCursor"].is_string());
    let text = get("/api/catalog/entities/by-query?fullTextFilterTerm=CHECK&fullTextFilterFields=metadata.name,metadata.title").await;
    assert_eq!(text["totalItems"], 1);

    // by-refs keeps the order and returns null for unknown refs.
    let by_refs = app.send("POST", "/api/catalog/entities/by-refs", Some(r#"{"entityRefs":["user:default/alice","component:default/nope","Component:default/Payments-API"],"fields":["metadata.name"]}"#)).await;
    assert_eq!(
        json_of(&by_refs),
        json!({ "items": [{ "metadata": { "name": "alice" } }, null, { "metadata": { "name": "payments-api" } }] })
    );

    // Facets, in original case, with counts, under a filter.
    let facets =
        get("/api/catalog/entity-facets?facet=spec.lifecycle&facet=kind&filter=kind=component")
            .await;
    assert_eq!(
        facets,
        json!({ "facets": {
            "spec.lifecycle": [{ "value": "experimental", "count": 1 }, { "value": "production", "count": 1 }],
            "kind": [{ "value": "Component", "count": 2 }],
        }})
    );
}
catalog_test!(filters_paging_projection_and_facets);

async fn bad_queries_are_400_with_backstages_error_body(backend: Backend) {
    let Some(app) = app(backend, "").await else { return };
    for path in [
        "/api/catalog/entities?filter==x",
        "/api/catalog/entities?order=sideways:metadata.name",
        "/api/catalog/entities?limit=0",
        "/api/catalog/entities?offset=-1",
        "/api/catalog/entities?fields=metadata.tags[0]",
        "/api/catalog/entities?after=not-a-cursor",
        "/api/catalog/entities/by-query?cursor=eyJub3QiOiJ2YWxpZCJ9",
        "/api/catalog/entities/by-query?orderField=metadata.name,up",
        "/api/catalog/entity-facets",
    ] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}: {}", reply.body);
        let body = json_of(&reply);
        assert_eq!(body["error"]["name"], "InputError", "{path}");
        assert_eq!(body["response"]["statusCode"], 400, "{path}");
    }
    let invalid = json_of(&app.get("/api/catalog/entities?filter=a%20b=c").await);
    assert_eq!(invalid["error"]["message"], "Invalid filter, 'a b=c' is not a valid statement");
    let long_term =
        format!("/api/catalog/entities/by-query?fullTextFilterTerm={}", "x".repeat(5000));
    assert_eq!(app.get(&long_term).await.status, StatusCode::BAD_REQUEST);
    for (path, body) in [
        ("/api/catalog/entities/by-refs", "{not json"),
        ("/api/catalog/entities/by-refs", r#"{"entityRefs":"x"}"#),
        ("/api/catalog/refresh", "{}"),
        ("/api/catalog/refresh", r#"{"entityRef":""}"#),
        ("/api/catalog/locations", r#"{"type":"url"}"#),
        ("/api/catalog/locations", r#"{"type":"url","target":"not a url"}"#),
        ("/api/catalog/validate-entity", r#"{"location":"x"}"#),
    ] {
        let reply = app.send("POST", path, Some(body)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path} {body}: {}", reply.body);
        assert_eq!(json_of(&reply)["error"]["name"], "InputError");
    }
    // Read-only catalog and location types that are not registrable.
    let file = app
        .send("POST", "/api/catalog/locations", Some(r#"{"type":"file","target":"/etc/passwd"}"#))
        .await;
    assert_eq!(file.status, StatusCode::BAD_REQUEST);
    assert!(json_of(&file)["error"]["message"].as_str().is_some_and(|m| m.contains("not allowed")));
}
catalog_test!(bad_queries_are_400_with_backstages_error_body);

async fn validate_entity_lists_every_problem(backend: Backend) {
    let Some(app) = app(backend, "").await else { return };
    let ok = app.send("POST", "/api/catalog/validate-entity", Some(r#"{"location":"url:https://example.com/x.yaml","entity":{"apiVersion":"backstage.io/v1alpha1","kind":"Domain","metadata":{"name":"d"},"spec":{"owner":"t"}}}"#)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let bad = app.send("POST", "/api/catalog/validate-entity", Some(r#"{"location":"url:https://example.com/x.yaml","entity":{"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"a b"},"spec":{"type":"service"}}}"#)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let errors = json_of(&bad)["errors"].as_array().expect("errors").len();
    assert_eq!(errors, 3, "name, lifecycle and owner: {}", bad.body);
}
catalog_test!(validate_entity_lists_every_problem);

async fn orphans_errors_and_conflicts(backend: Backend) {
    let (dir, yaml) = fixtures("");
    // A second config location that redefines an entity the first one owns.
    write(
        dir.path(),
        "other/dupe.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: alice\n  title: Impostor\nspec:\n  memberOf: []\n",
    );
    let yaml = format!(
        "{yaml}    - type: file\n      target: {}\n",
        dir.path().join("other/dupe.yaml").display()
    );
    let Some(app) = app(backend, &yaml).await else { return };
    // The second root's generated Location entity is the tenth.
    ingested(&app, 10).await;
    let alice = json_of(&app.get("/api/catalog/entities/by-name/user/default/alice").await);
    assert!(alice["metadata"].get("title").is_none(), "the first location keeps alice: {alice}");
    let conflicts = json_of(&app.get("/api/catalog/entities?filter=kind=location").await);
    let messages: Vec<String> = conflicts
        .as_array()
        .expect("a")
        .iter()
        .flat_map(|l| l["status"]["items"].as_array().cloned().unwrap_or_default())
        .filter_map(|i| i["message"].as_str().map(str::to_owned))
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("conflict: user:default/alice is already provided by")),
        "{messages:?}"
    );

    // A broken new version keeps the last good one, with the error in status.
    let root_path = format!(
        "/api/catalog/entities?filter=kind=location,metadata.annotations.backstage.io/managed-by-location=file:{}",
        dir.path().join("catalog/root.yaml").display()
    );
    let root_ref = refs(&json_of(&app.get(&root_path).await)).into_iter().next();
    let broken = SERVICES.replace("  lifecycle: experimental\n", "");
    write(dir.path(), "catalog/services/payments.yaml", &broken);
    assert_eq!(refresh(&app).await.status, StatusCode::OK);
    let checkout =
        json_of(&app.get("/api/catalog/entities/by-name/component/default/checkout-web").await);
    assert_eq!(checkout["spec"]["lifecycle"], "experimental", "last good version kept");
    let status = checkout["status"]["items"][0].clone();
    assert_eq!(status["type"], "backstage.io/catalog-processing");
    assert_eq!(status["level"], "error");
    assert!(
        status["message"]
            .as_str()
            .is_some_and(|m| m.contains("missing required field \"spec.lifecycle\"")
                && m.contains("payments.yaml:")),
        "{status}"
    );

    // Removing an entity from its file orphans it (kept, annotated).
    let without_db = SERVICES
        .split("---\n")
        .filter(|d| !d.contains("name: payments-db"))
        .collect::<Vec<_>>()
        .join("---\n");
    write(dir.path(), "catalog/services/payments.yaml", &without_db);
    assert_eq!(refresh(&app).await.status, StatusCode::OK);
    let db = json_of(&app.get("/api/catalog/entities/by-name/resource/default/payments-db").await);
    assert_eq!(db["metadata"]["annotations"]["backstage.io/orphan"], "true");
    let checkout =
        json_of(&app.get("/api/catalog/entities/by-name/component/default/checkout-web").await);
    assert!(
        checkout.get("status").is_none(),
        "the error cleared once the file is fixed: {checkout}"
    );
    let orphans = json_of(
        &app.get("/api/catalog/entities?filter=metadata.annotations.backstage.io/orphan=true")
            .await,
    );
    assert_eq!(refs(&orphans), ["resource:default/payments-db"]);

    // A file that disappears does not orphan what it held: errors go on the location.
    std::fs::remove_file(dir.path().join("catalog/org.yaml")).expect("rm");
    assert_eq!(refresh(&app).await.status, StatusCode::OK);
    let alice = json_of(&app.get("/api/catalog/entities/by-name/user/default/alice").await);
    assert!(alice["metadata"]["annotations"].get("backstage.io/orphan").is_none(), "{alice}");
    assert!(root_ref.is_some());
    let locations =
        json_of(&app.get("/api/catalog/entities?filter=kind=location,metadata.name=root").await);
    let message = locations[0]["status"]["items"][0]["message"].as_str().unwrap_or("").to_owned();
    assert!(message.contains("org.yaml") && message.contains("not found"), "{message}");
}
catalog_test!(orphans_errors_and_conflicts);

async fn hostile_files_are_reported_not_fatal(backend: Backend) {
    let dir = tempfile::tempdir().expect("dir");
    write(
        dir.path(),
        "a.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: a}\nspec: {targets: [./b.yaml]}\n",
    );
    write(
        dir.path(),
        "b.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: b}\nspec: {targets: [./a.yaml, ./bomb.yaml, ./huge.yaml, ./widget.yaml, ./dangling.yaml]}\n",
    );
    write(
        dir.path(),
        "bomb.yaml",
        "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n",
    );
    write(dir.path(), "huge.yaml", &format!("x: \"{}\"\n", "y".repeat(9 * 1024 * 1024)));
    write(
        dir.path(),
        "widget.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Widget\nmetadata: {name: w}\n",
    );
    write(
        dir.path(),
        "dangling.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: c}\nspec: {type: service, lifecycle: production, owner: nobody, dependsOn: [resource:ghost]}\n",
    );
    let yaml = one_file_location(&dir.path().join("a.yaml"), None);
    let Some(app) = app(backend, &yaml).await else { return };
    // Generated root, a, b, and the component with dangling relations.
    let all = ingested(&app, 4).await;
    assert!(refs(&all).contains(&"component:default/c".to_owned()));
    let c = json_of(&app.get("/api/catalog/entities/by-name/component/default/c").await);
    assert_eq!(
        c["relations"].as_array().map(Vec::len),
        Some(2),
        "relations to missing entities are kept: {c}"
    );
    let b = json_of(&app.get("/api/catalog/entities/by-name/location/default/b").await);
    let messages: Vec<&str> = b["status"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["message"].as_str())
        .collect();
    let joined = messages.join("\n");
    assert!(joined.contains("location cycle"), "{joined}");
    assert!(joined.contains("anchors and aliases"), "{joined}");
    assert!(joined.contains("limited to"), "{joined}");
    assert!(joined.contains("unsupported kind \"Widget\""), "{joined}");
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK, "still serving");
}
catalog_test!(hostile_files_are_reported_not_fatal);

/// Tabs, newlines, backslashes and NUL characters in descriptors: stored and
/// served unchanged (PostgreSQL takes bulk rows through `COPY`, whose text
/// format gives these characters meanings), filterable, and a NUL, which
/// PostgreSQL text cannot hold, fails only its own entity.
async fn control_characters_round_trip(backend: Backend) {
    let dir = tempfile::tempdir().expect("dir");
    write(
        dir.path(),
        "a.yaml",
        concat!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\n",
            "metadata: {name: c, description: \"tab\\there, back\\\\slash \\\\N, cr\\r\\nline\", ",
            "annotations: {x/y: \"a\\\\b\\tc\"}}\n",
            "spec: {type: service, lifecycle: production, owner: team}\n",
            "---\napiVersion: backstage.io/v1alpha1\nkind: Component\n",
            "metadata: {name: nul, description: \"before\\0after\"}\n",
            "spec: {type: service, lifecycle: production, owner: team}\n",
            "---\napiVersion: backstage.io/v1alpha1\nkind: Component\n",
            "metadata: {name: plain}\nspec: {type: service, lifecycle: production, owner: team}\n",
        ),
    );
    let yaml = one_file_location(&dir.path().join("a.yaml"), None);
    let Some(app) = app(backend, &yaml).await else { return };
    // The generated root, c and plain: the NUL's entity is refused.
    let all = ingested(&app, 3).await;
    let c = json_of(&app.get("/api/catalog/entities/by-name/component/default/c").await);
    assert_eq!(c["metadata"]["description"], "tab\there, back\\slash \\N, cr\r\nline");
    assert_eq!(c["metadata"]["annotations"]["x/y"], "a\\b\tc");
    let found = json_of(
        &app.get(
            "/api/catalog/entities?filter=metadata.annotations.x/y=a%5Cb%09c&fields=metadata.name",
        )
        .await,
    );
    assert_eq!(found, json!([{ "metadata": { "name": "c" } }]));
    let nul = app.get("/api/catalog/entities/by-name/component/default/nul").await;
    assert_eq!(nul.status, StatusCode::NOT_FOUND);
    let root = all
        .as_array()
        .and_then(|a| a.iter().find(|e| e["kind"] == "Location"))
        .expect("the root location");
    let status = root["status"].to_string();
    assert!(status.contains("\\\"metadata.description\\\" contains a NUL character"), "{status}");
}
catalog_test!(control_characters_round_trip);

async fn registering_locations_through_the_api(backend: Backend) {
    let (dir, _) = fixtures("");
    let yaml = "catalog:\n  processingInterval: false\n  registrableLocationTypes: [url, file]\n  rules:\n    - allow: [Component, API, Resource, System, Group, User, Location]\n";
    let Some(app) = app(backend, yaml).await else { return };
    let target = dir.path().join("catalog/root.yaml").display().to_string();
    let body = json!({ "type": "file", "target": target }).to_string();
    let dry = app.send("POST", "/api/catalog/locations?dryRun=true", Some(&body)).await;
    assert_eq!(dry.status, StatusCode::CREATED, "{}", dry.body);
    let dry = json_of(&dry);
    assert_eq!(dry["exists"], false);
    assert_eq!(dry["entities"].as_array().map(Vec::len), Some(9));
    assert_eq!(
        json_of(&app.get("/api/catalog/entities").await),
        json!([]),
        "a dry run stores nothing"
    );

    let created = app.send("POST", "/api/catalog/locations", Some(&body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let created = json_of(&created);
    let id = created["location"]["id"].as_str().expect("id").to_owned();
    assert_eq!(created["entities"].as_array().map(Vec::len), Some(8));
    assert_eq!(
        app.send("POST", "/api/catalog/locations", Some(&body)).await.status,
        StatusCode::CONFLICT
    );
    let listed = json_of(&app.get("/api/catalog/locations").await);
    assert_eq!(listed, json!([{ "data": { "id": id, "type": "file", "target": target } }]));
    let by_entity =
        json_of(&app.get("/api/catalog/locations/by-entity/component/default/payments-api").await);
    assert_eq!(by_entity["id"], id);
    let analyzed = json_of(
        &app.send(
            "POST",
            "/api/catalog/analyze-location",
            Some(&json!({ "location": { "type": "file", "target": target } }).to_string()),
        )
        .await,
    );
    assert!(
        analyzed["existingEntityFiles"]
            .as_array()
            .is_some_and(|f| f.len() == 8 && f.iter().all(|e| e["isRegistered"] == true)),
        "{analyzed}"
    );

    // Deleting one entity by uid: it is gone until the location emits it again.
    let alice = json_of(&app.get("/api/catalog/entities/by-name/user/default/alice").await);
    let uid = alice["metadata"]["uid"].as_str().expect("uid");
    assert_eq!(
        app.send("DELETE", &format!("/api/catalog/entities/by-uid/{uid}"), None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/api/catalog/entities/by-name/user/default/alice").await.status,
        StatusCode::NOT_FOUND
    );
    refresh(&app).await;
    assert_eq!(
        app.get("/api/catalog/entities/by-name/user/default/alice").await.status,
        StatusCode::OK
    );

    // Deleting the location deletes its entities (not orphaned).
    assert_eq!(
        app.send("DELETE", &format!("/api/catalog/locations/{id}"), None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(json_of(&app.get("/api/catalog/entities").await), json!([]));
    assert_eq!(
        app.send("DELETE", &format!("/api/catalog/locations/{id}"), None).await.status,
        StatusCode::NOT_FOUND
    );
}
catalog_test!(registering_locations_through_the_api);

async fn backstage_example_catalog_ingests(backend: Backend) {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpora/backstage/packages/catalog-model/examples");
    let yaml = format!(
        "catalog:\n  processingInterval: false\n  rules:\n    - allow: [Component, API, Resource, System, Domain, Group, User, Location, Template]\n  locations:\n    - type: file\n      target: {}\n    - type: file\n      target: {}\n",
        examples.join("all.yaml").display(),
        examples.join("acme-corp.yaml").display()
    );
    let Some(app) = app(backend, &yaml).await else { return };
    let reply = app
        .wait_for("/api/catalog/entities/by-name/component/default/artist-lookup", |r| {
            r.status == StatusCode::OK
        })
        .await;
    let artist = json_of(&reply);
    let rels: Vec<String> = relation_lines(&artist);
    assert!(rels.contains(&"ownedBy group:default/team-a".to_owned()), "{rels:?}");
    assert!(
        rels.contains(&"partOf system:default/artist-engagement-portal".to_owned()),
        "{rels:?}"
    );
    // The groups from acme-corp.yaml arrive too, with parent/child both ways.
    let team_a = json_of(
        &app.wait_for("/api/catalog/entities/by-name/group/default/team-a", |r| {
            r.status == StatusCode::OK
        })
        .await,
    );
    let team_rels: Vec<String> = relation_lines(&team_a);
    assert!(team_rels.iter().any(|r| r.starts_with("childOf group:default/")), "{team_rels:?}");
    assert!(
        team_rels.contains(&"ownerOf component:default/artist-lookup".to_owned()),
        "{team_rels:?}"
    );
}
catalog_test!(backstage_example_catalog_ingests);

async fn catalog_pages_render_on_the_server(backend: Backend) {
    let (dir, yaml) = fixtures("  registrableLocationTypes: [url, file]\n");
    let Some(app) = app(backend, &yaml).await else { return };
    ingested(&app, 9).await;

    // The index: components by default, filters as a GET form, one page of rows.
    let index = app.get("/catalog").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.body.contains("All components (2)"), "{}", index.body);
    assert!(index.body.contains(r#"href="/catalog/default/component/payments-api""#));
    assert!(
        index.body.contains(r#"<form method="get" action="/catalog" aria-label="Catalog filters""#),
        "{}",
        index.body
    );
    assert!(!index.body.contains("payments-db"), "resources are not in the component list");
    assert!(!index.body.contains(".into_any()"), "no Rust leaks into the page as text");
    // Filters from the URL (Backstage's keys), facet counts in the options.
    let filtered =
        app.get("/catalog?filters%5Bkind%5D=component&filters%5Blifecycles%5D=experimental").await;
    assert!(filtered.body.contains("All components (1)"), "{}", filtered.body);
    assert!(filtered.body.contains("Checkout</a>"));
    assert!(
        filtered.body.contains(r#"<option value="production">production (1)</option>"#),
        "{}",
        filtered.body
    );
    let text = app.get("/catalog?filters%5Bkind%5D=&filters%5Btext%5D=takes%20pay").await;
    assert!(text.body.contains("All entities (1)"), "{}", text.body);

    // The entity page: header, About, relation cards with links both ways.
    let page = app.get("/catalog/default/component/payments-api").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("payments-api</h1>"), "{}", page.body);
    assert!(page.body.contains("Takes payments."));
    assert!(page.body.contains(r#"href="/catalog/default/group/payments-team""#));
    assert!(page.body.contains("Provided APIs"));
    assert!(page.body.contains(r#"href="/catalog/default/api/payments""#));
    assert!(
        page.body.contains(r#"aria-current="page" class="pt-entity-tabs__link">Overview</a>"#),
        "{}",
        page.body
    );
    // Other plugins' contributions, by predicate: the example plugin's card and tab on components only.
    assert!(
        page.body.contains(
            "The example plugin sees component:default/payments-api (owned by payments-team)."
        ),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"href="/catalog/default/component/payments-api/example""#));
    let tab = app.get("/catalog/default/component/payments-api/example").await;
    assert!(tab.body.contains("This tab is contributed by the example plugin for payments-api."));
    let group = app.get("/catalog/default/group/payments-team").await;
    assert!(!group.body.contains("Example plugin"), "no example card on groups");
    assert!(
        group.body.contains("Members")
            && group.body.contains(r#"href="/catalog/default/user/alice""#),
        "{}",
        group.body
    );
    assert!(
        group.body.contains(r#"href="/catalog/default/component/checkout-web""#),
        "the group's ownership is listed"
    );

    // The graph tab: an SVG laid out on the server, boxes linking to entities.
    let graph = app.get("/catalog/default/component/payments-api/relations?depth=2").await;
    assert!(graph.body.contains("<svg"), "{}", graph.body);
    assert!(graph.body.contains(r#"href="/catalog/default/system/payments""#));
    assert!(graph.body.contains(">ownedBy</text>"));
    let only_api =
        app.get("/catalog/default/component/payments-api/relations?relation=providesApi").await;
    assert!(
        !only_api.body.contains(">ownedBy</text>") && only_api.body.contains(">providesApi</text>")
    );

    // Unknown entity: a 404 page.
    let missing = app.get("/catalog/default/component/nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Entity not found</h1>"));

    // Import: a dry-run preview, then the import form.
    let target = dir.path().join("catalog/org.yaml").display().to_string();
    let preview = app.get(&format!("/catalog-import?target={}", target.replace('/', "%2F"))).await;
    assert!(
        preview.body.contains("Already registered")
            || preview.body.contains("2 entities would be added"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("user:default/alice"));

    // Problems page lists broken files.
    write(
        dir.path(),
        "catalog/services/payments.yaml",
        &SERVICES.replace("  type: database\n", ""),
    );
    refresh(&app).await;
    let problems = app.get("/catalog-problems").await;
    assert!(
        problems.body.contains("missing required field &quot;spec.type&quot;")
            || problems.body.contains("missing required field \"spec.type\""),
        "{}",
        problems.body
    );
    // A root file that cannot be read: the problem names the file, not the
    // generated location's opaque name.
    let root = dir.path().join("catalog/root.yaml");
    std::fs::remove_file(&root).expect("remove the root file");
    refresh(&app).await;
    let problems = app.get("/catalog-problems").await;
    let target = format!(r#"<code class="pt-problem__target">file:{}</code>"#, root.display());
    assert!(problems.body.contains(&target), "{}", problems.body);
}
catalog_test!(catalog_pages_render_on_the_server);

/// Serves `files` over HTTP on loopback; returns the base URL.
async fn http_files(files: Vec<(&'static str, String)>) -> String {
    use axum::extract::Path as UrlPath;
    let files = std::sync::Arc::new(files);
    let app = axum::Router::new().route(
        "/{*path}",
        axum::routing::get(move |UrlPath(path): UrlPath<String>| {
            let files = files.clone();
            async move {
                match files.iter().find(|(p, _)| *p == path) {
                    Some((_, body)) => (StatusCode::OK, body.clone()),
                    None => (StatusCode::NOT_FOUND, String::new()),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

async fn url_locations_follow_reading_allow(backend: Backend) {
    let root = "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: remote}\nspec: {targets: [./team/org.yaml, ./svc.yaml]}\n";
    let svc = "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: remote-api}\nspec: {type: openapi, lifecycle: production, owner: payments-team, definition: {$text: ./api.yaml}}\n";
    let base = http_files(vec![
        ("catalog/root.yaml", root.to_owned()),
        ("catalog/team/org.yaml", ORG.to_owned()),
        ("catalog/svc.yaml", svc.to_owned()),
        ("catalog/api.yaml", "openapi: 3.1.0\n".to_owned()),
    ])
    .await;
    let host = base.trim_start_matches("http://").to_owned();
    let yaml = format!(
        "backend:\n  reading:\n    allow:\n      - host: {host}\ncatalog:\n  processingInterval: false\n  rules:\n    - allow: [API, Group, User, Location]\n  locations:\n    - type: url\n      target: {base}/catalog/root.yaml\n    - type: url\n      target: https://not-allowed.example.com/catalog-info.yaml\n"
    );
    let Some(app) = app(backend, &yaml).await else { return };
    // Two generated locations, root.yaml, the group, the user and the API.
    let all = ingested(&app, 6).await;
    assert!(refs(&all).contains(&"api:default/remote-api".to_owned()), "{:?}", refs(&all));
    let api = json_of(&app.get("/api/catalog/entities/by-name/api/default/remote-api").await);
    assert_eq!(
        api["spec"]["definition"], "openapi: 3.1.0\n",
        "a relative $text resolves against the URL"
    );
    assert_eq!(
        api["metadata"]["annotations"]["backstage.io/managed-by-location"],
        format!("url:{base}/catalog/svc.yaml")
    );
    assert_eq!(
        api["metadata"]["annotations"]["backstage.io/view-url"],
        format!("{base}/catalog/svc.yaml")
    );
    // A host that backend.reading.allow does not list is never fetched: the error says how to allow it.
    let locations = json_of(&app.get("/api/catalog/entities?filter=kind=location").await);
    let messages: Vec<String> = locations
        .as_array()
        .expect("a")
        .iter()
        .flat_map(|l| l["status"]["items"].as_array().cloned().unwrap_or_default())
        .filter_map(|i| i["message"].as_str().map(str::to_owned))
        .collect();
    assert!(messages.iter().any(|m| m.contains("reading from not-allowed.example.com is not allowed; add {host: not-allowed.example.com} to backend.reading.allow")), "{messages:?}");
}
catalog_test!(url_locations_follow_reading_allow);

async fn facets_follow_changes(backend: Backend) {
    let (dir, yaml) = fixtures("");
    let Some(app) = app(backend, &yaml).await else { return };
    ingested(&app, 9).await;
    let path = "/api/catalog/entity-facets?facet=spec.lifecycle&filter=kind=component";
    let before = json_of(&app.get(path).await);
    assert_eq!(before["facets"]["spec.lifecycle"].as_array().map(Vec::len), Some(2));
    // The same question again is answered from the cache, and must agree.
    assert_eq!(json_of(&app.get(path).await), before);
    write(
        dir.path(),
        "catalog/services/payments.yaml",
        &SERVICES.replace("lifecycle: experimental", "lifecycle: deprecated"),
    );
    refresh(&app).await;
    let after = json_of(&app.get(path).await);
    let values: Vec<&str> = after["facets"]["spec.lifecycle"]
        .as_array()
        .expect("values")
        .iter()
        .filter_map(|v| v["value"].as_str())
        .collect();
    assert_eq!(values, ["deprecated", "production"], "a write invalidates cached facets");
}
catalog_test!(facets_follow_changes);

async fn a_broken_document_does_not_take_its_neighbours_down(backend: Backend) {
    let dir = tempfile::tempdir().expect("dir");
    write(
        dir.path(),
        "mixed.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: fine}\nspec: {type: service, lifecycle: production, owner: t}\n---\nkind: [unclosed\n",
    );
    let yaml = one_file_location(&dir.path().join("mixed.yaml"), None);
    let Some(app) = app(backend, &yaml).await else { return };
    // The generated location and the good component; the broken document is reported.
    let all = ingested(&app, 2).await;
    assert!(refs(&all).contains(&"component:default/fine".to_owned()), "{:?}", refs(&all));
    let fine = json_of(&app.get("/api/catalog/entities/by-name/component/default/fine").await);
    assert!(fine.get("status").is_none(), "the good document carries no error: {fine}");
    let location = json_of(&app.get("/api/catalog/entities?filter=kind=location").await);
    let message = location[0]["status"]["items"][0]["message"].as_str().unwrap_or("").to_owned();
    assert!(message.contains("mixed.yaml:7:1: invalid YAML"), "{message}");
}
catalog_test!(a_broken_document_does_not_take_its_neighbours_down);

/// Pages keep rendering while other apps start in the same process: starting
/// an app lists the page routes, which once stalled a concurrent render.
#[tokio::test]
async fn pages_render_while_other_apps_start() {
    let (_dir, yaml) = fixtures("");
    let app = app(Backend::Sqlite, &yaml).await.expect("sqlite always works");
    ingested(&app, 9).await;
    let starter = std::thread::spawn(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
        runtime.expect("runtime").block_on(async {
            for _ in 0..20 {
                let (_dir, yaml) = fixtures("");
                TestApp::new(Backend::Sqlite, &yaml).await.expect("sqlite always works");
            }
        })
    });
    for _ in 0..100 {
        let page = app.get("/catalog-problems").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    }
    starter.join().expect("the other apps started");
}

/// Posts a plain form to a catalog server function as a browser without
/// JavaScript does (accepting HTML, with a referer).
async fn post_form(app: &TestApp, endpoint: &str, body: &str) -> Reply {
    let request = axum::http::Request::post(format!("/api/catalog/fn/{endpoint}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html,application/xhtml+xml")
        .header("referer", "http://localhost/catalog/default/component/payments-api")
        .body(axum::body::Body::from(body.to_owned()))
        .expect("request");
    app.request(request).await
}

async fn owned_by_me_and_starred(backend: Backend) {
    // The viewer is alice (guest provider), a member of payments-team.
    let extra = "auth:\n  providers:\n    guest:\n      userEntityRef: alice\n";
    let (_dir, yaml) = fixtures(extra);
    let Some(app) = app(backend, &yaml).await else { return };
    ingested(&app, 9).await;

    let owned = app.get("/catalog?filters%5Bkind%5D=component&filters%5Buser%5D=owned").await;
    assert!(owned.body.contains("All components (2)"), "{}", owned.body);
    assert!(
        owned.body.contains(r#"<option value="owned" selected="">Owned by me (2)</option>"#)
            || owned.body.contains("Owned by me (2)"),
        "{}",
        owned.body
    );
    let starred = app.get("/catalog?filters%5Bkind%5D=component&filters%5Buser%5D=starred").await;
    assert!(starred.body.contains("All components (0)"), "{}", starred.body);

    // Star through the entity page's form: the browser is sent back.
    let page = app.get("/catalog/default/component/payments-api").await;
    assert!(page.body.contains(r#"aria-pressed="false""#), "{}", page.body);
    let star =
        post_form(&app, "set_star", "entity_ref=component%3Adefault%2Fpayments-api&star=true")
            .await;
    assert!(star.status.is_redirection(), "{} {}", star.status, star.body);
    let page = app.get("/catalog/default/component/payments-api").await;
    assert!(page.body.contains(r#"aria-pressed="true""#), "{}", page.body);
    let starred = app.get("/catalog?filters%5Bkind%5D=component&filters%5Buser%5D=starred").await;
    assert!(
        starred.body.contains("All components (1)") && starred.body.contains("Starred (1)"),
        "{}",
        starred.body
    );
    assert!(starred.body.contains(r#"href="/catalog/default/component/payments-api""#));
    // Starring twice is harmless; unstarring empties the list.
    post_form(&app, "set_star", "entity_ref=component%3Adefault%2Fpayments-api&star=true").await;
    post_form(&app, "set_star", "entity_ref=component%3Adefault%2Fpayments-api&star=false").await;
    let starred = app.get("/catalog?filters%5Bkind%5D=component&filters%5Buser%5D=starred").await;
    assert!(starred.body.contains("All components (0)"), "{}", starred.body);

    // Bad input: not a ref, a ref to nothing, a missing field.
    let bad = app.call("/api/catalog/fn/set_star", "entity_ref=%3A%3A%2F&star=true").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.body.contains("not an entity reference"), "{}", bad.body);
    let missing = app
        .call("/api/catalog/fn/set_star", "entity_ref=component%3Adefault%2Fnope&star=true")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);
    let malformed = app.call("/api/catalog/fn/set_star", "star=maybe").await;
    assert!(malformed.status.is_client_error(), "{} {}", malformed.status, malformed.body);
    let starred = app.get("/catalog?filters%5Bkind%5D=component&filters%5Buser%5D=starred").await;
    assert!(starred.body.contains("All components (0)"), "nothing was starred by bad input");
}
catalog_test!(owned_by_me_and_starred);

async fn group_and_user_pages_aggregate_team_ownership(backend: Backend) {
    let dir = tempfile::tempdir().expect("dir");
    let doc = |kind: &str, name: &str, spec: &str| {
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: {kind}\nmetadata: {{name: {name}}}\nspec: {spec}\n"
        )
    };
    let docs = [
        doc("Group", "org", "{type: org, children: [team-a]}"),
        doc("Group", "team-a", "{type: team, children: [team-a1]}"),
        doc("Group", "team-a1", "{type: team, children: []}"),
        doc("User", "bob", "{memberOf: [team-a]}"),
        doc("Component", "a-service", "{type: service, lifecycle: production, owner: team-a}"),
        doc("Component", "a1-worker", "{type: worker, lifecycle: production, owner: team-a1}"),
    ];
    write(dir.path(), "all.yaml", &docs.join("---\n"));
    let yaml =
        one_file_location(&dir.path().join("all.yaml"), Some("Component, Group, User, Location"));
    let Some(app) = app(backend, &yaml).await else { return };
    ingested(&app, 7).await;

    // The org owns nothing itself; its teams' ownership shows, with the owning team.
    let org = app.get("/catalog/default/group/org").await;
    let card = org.body.split("Owned by child teams").nth(1).unwrap_or_default();
    assert!(card.contains(r#"href="/catalog/default/component/a-service""#), "{}", org.body);
    assert!(card.contains(r#"href="/catalog/default/component/a1-worker""#), "{}", org.body);
    assert!(card.contains("via team-a1"), "{}", org.body);
    // team-a1 has no team below it.
    let leaf = app.get("/catalog/default/group/team-a1").await;
    assert!(leaf.body.contains("No team below this one owns anything."), "{}", leaf.body);
    // A user sees what their group owns (team-a's service, not the org's other teams' below it).
    let bob = app.get("/catalog/default/user/bob").await;
    let card = bob.body.split("Owned by my teams").nth(1).unwrap_or_default();
    assert!(card.contains(r#"href="/catalog/default/component/a-service""#), "{}", bob.body);
    assert!(!card.contains("a1-worker"), "{}", bob.body);
}
catalog_test!(group_and_user_pages_aggregate_team_ownership);
