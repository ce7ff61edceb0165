//! The catalog's predicate API (`@backstage/filter-predicates` in JSON
//! bodies) and the newer location endpoints: `POST /entities/by-query` with
//! cursors, `POST /entity-facets`, `POST /entities/by-refs` with `query`,
//! `POST /locations/by-query` and `PUT /locations/{id}`, on SQLite and
//! PostgreSQL, with the bad bodies each refuses.

use crate::catalog::{fixtures, ingested, refs, write};
use crate::support::{Backend, TestApp, catalog_test, json_of};
use axum::http::StatusCode;
use base64::Engine as _;
use serde_json::{Value, json};

async fn post(app: &TestApp, path: &str, body: Value) -> Value {
    let reply = app.send("POST", path, Some(&body.to_string())).await;
    assert_eq!(reply.status, StatusCode::OK, "{path} {body}: {}", reply.body);
    json_of(&reply)
}

/// The entities one predicate selects, as sorted refs.
async fn selected(app: &TestApp, query: Value) -> Vec<String> {
    let page =
        post(app, "/api/catalog/entities/by-query", json!({ "query": query, "limit": 100 })).await;
    refs(&page["items"])
}

async fn predicates_select_entities(backend: Backend) {
    let (_dir, yaml) = fixtures("");
    let Some(app) = TestApp::new(backend, &yaml).await else { return };
    ingested(&app, 9).await;
    let components = ["component:default/checkout-web", "component:default/payments-api"];

    assert_eq!(selected(&app, json!({ "kind": "Component" })).await, components);
    assert_eq!(
        selected(&app, json!({ "$all": [{ "kind": "component" }, { "$not": { "spec.lifecycle": "EXPERIMENTAL" } }] })).await,
        ["component:default/payments-api"]
    );
    assert_eq!(
        selected(&app, json!({ "$any": [{ "kind": "resource" }, { "metadata.tags": { "$contains": "rust" } }] })).await,
        ["component:default/payments-api", "resource:default/payments-db"]
    );
    assert_eq!(
        selected(&app, json!({ "kind": "component", "metadata.title": { "$exists": false } }))
            .await,
        ["component:default/payments-api"]
    );
    assert_eq!(
        selected(&app, json!({ "spec.lifecycle": { "$in": ["production", "experimental"] }, "kind": { "$in": ["API", "Component"] } })).await,
        ["api:default/payments", "component:default/checkout-web", "component:default/payments-api"]
    );
    assert_eq!(
        selected(&app, json!({ "metadata.name": { "$hasPrefix": "CHECK" } })).await,
        ["component:default/checkout-web"]
    );
    // LIKE's wildcards are text in a prefix.
    assert!(selected(&app, json!({ "metadata.name": { "$hasPrefix": "%" } })).await.is_empty());
    assert!(selected(&app, json!({ "metadata.name": { "$hasPrefix": "_" } })).await.is_empty());
    assert_eq!(
        selected(&app, json!({ "kind": "component", "relations": { "$contains": { "type": "ownedBy", "targetRef": "group:default/payments-team" } } })).await,
        components
    );
    // Only negations: nothing drives the query, every entity is probed.
    assert_eq!(
        selected(&app, json!({ "$not": { "$any": [{ "kind": "location" }, { "spec.owner": { "$exists": true } }] } })).await,
        ["group:default/payments-team", "user:default/alice"]
    );
    assert_eq!(selected(&app, json!({})).await.len(), 9, "an empty predicate selects everything");

    // Paging through POST: the cursor carries the predicate (the client looks for it).
    let first = post(
        &app,
        "/api/catalog/entities/by-query",
        json!({ "query": { "kind": "component" }, "limit": 1, "orderBy": [{ "field": "metadata.name", "order": "desc" }], "fields": ["metadata.name"] }),
    )
    .await;
    assert_eq!(first["totalItems"], 2);
    assert_eq!(first["items"], json!([{ "metadata": { "name": "payments-api" } }]));
    let cursor = first["pageInfo"]["nextCursor"].as_str().expect("next cursor");
    let decoded =
        base64::engine::general_purpose::STANDARD.decode(cursor).expect("standard base64");
    let decoded: Value = serde_json::from_slice(&decoded).expect("JSON cursor");
    assert_eq!(decoded["query"], json!({ "kind": "component" }));
    let second = post(
        &app,
        "/api/catalog/entities/by-query",
        json!({ "cursor": cursor, "fields": ["metadata.name"] }),
    )
    .await;
    assert_eq!(second["items"], json!([{ "metadata": { "name": "checkout-web" } }]));
    assert!(second["pageInfo"].get("nextCursor").is_none());
    // A GET with the same cursor reads the same page.
    let encoded: String = form_urlencoded::byte_serialize(cursor.as_bytes()).collect();
    let by_get = json_of(
        &app.get(&format!("/api/catalog/entities/by-query?cursor={encoded}&fields=metadata.name"))
            .await,
    );
    assert_eq!(by_get["items"], second["items"], "the same page");

    // Full text with a predicate.
    let text = post(&app, "/api/catalog/entities/by-query", json!({ "query": { "kind": "component" }, "fullTextFilter": { "term": "check", "fields": ["metadata.name"] } })).await;
    assert_eq!(text["totalItems"], 1);

    // by-refs and facets with a predicate.
    let by_refs = post(
        &app,
        "/api/catalog/entities/by-refs",
        json!({ "entityRefs": ["component:default/payments-api", "component:default/checkout-web"], "fields": ["metadata.name"], "query": { "spec.type": "website" } }),
    )
    .await;
    assert_eq!(by_refs, json!({ "items": [null, { "metadata": { "name": "checkout-web" } }] }));
    let facets = post(
        &app,
        "/api/catalog/entity-facets",
        json!({ "facets": ["kind"], "query": { "spec.owner": { "$exists": true } } }),
    )
    .await;
    assert_eq!(
        facets,
        json!({ "facets": { "kind": [
            { "value": "API", "count": 1 }, { "value": "Component", "count": 2 },
            { "value": "Resource", "count": 1 }, { "value": "System", "count": 1 },
        ] } })
    );
}
catalog_test!(predicates_select_entities);

async fn bad_predicates_are_400s(backend: Backend) {
    let Some(app) = TestApp::new(backend, "").await else { return };
    let deep = format!("{}{{\"kind\": \"api\"}}{}", "{\"$not\": ".repeat(100), "}".repeat(100));
    let deep = format!("{{\"query\": {deep}}}");
    for (path, body, says) in [
        ("/api/catalog/entities/by-query", "{not json", "Malformed request body"),
        ("/api/catalog/entities/by-query", "[]", "must be a JSON object"),
        ("/api/catalog/entities/by-query", r#"{"query": {"$or": []}}"#, "unknown operator $or"),
        (
            "/api/catalog/entities/by-query",
            r#"{"query": {"kind": {"$in": "api"}}}"#,
            "$in takes a list",
        ),
        ("/api/catalog/entities/by-query", r#"{"query": "kind=api"}"#, "expected an object"),
        ("/api/catalog/entities/by-query", r#"{"limit": -1}"#, "limit must be a whole number"),
        (
            "/api/catalog/entities/by-query",
            r#"{"orderBy": [{"field": "metadata.name", "order": "up"}]}"#,
            "expected asc or desc",
        ),
        ("/api/catalog/entities/by-query", r#"{"cursor": 7}"#, "cursor must be a string"),
        ("/api/catalog/entities/by-query", r#"{"cursor": "bm90IGpzb24="}"#, "Malformed cursor"),
        ("/api/catalog/entities/by-query", r#"{"fields": ["spec[0]"]}"#, "Invalid field"),
        ("/api/catalog/entities/by-query", &deep, "nested deeper than"),
        ("/api/catalog/entity-facets", r#"{"facets": []}"#, "Missing facet"),
        (
            "/api/catalog/entity-facets",
            r#"{"facets": ["kind"], "query": {"$all": []}}"#,
            "at least one predicate",
        ),
        (
            "/api/catalog/entities/by-refs",
            r#"{"entityRefs": [], "query": {"$any": 1}}"#,
            "expects a list",
        ),
        (
            "/api/catalog/locations/by-query",
            r#"{"query": {"target": {"$regex": "x"}}}"#,
            "unknown operator $regex",
        ),
    ] {
        let reply = app.send("POST", path, Some(body)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path} {body}: {}", reply.body);
        let error = json_of(&reply);
        assert_eq!(error["error"]["name"], "InputError", "{path} {body}");
        let message = error["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{path} {body}: {message}");
    }
    // A predicate that would multiply out to 1,024 alternatives is refused, not run.
    let pair = json!({ "$any": [{ "kind": "a" }, { "kind": "b" }] });
    let product = json!({ "query": { "$all": vec![pair; 10] } });
    let reply =
        app.send("POST", "/api/catalog/entities/by-query", Some(&product.to_string())).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(reply.body.contains("too complex"), "{}", reply.body);
}
catalog_test!(bad_predicates_are_400s);

async fn locations_are_queried_and_moved(backend: Backend) {
    let (dir, config) = fixtures("");
    let yaml = format!("{config}  registrableLocationTypes: [url, file]\n");
    let Some(app) = TestApp::new(backend, &yaml).await else { return };
    ingested(&app, 9).await;
    write(
        dir.path(),
        "extra/one.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: one}\nspec: {type: service, lifecycle: production, owner: payments-team}\n",
    );
    write(
        dir.path(),
        "extra/two.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: two}\nspec: {type: service, lifecycle: production, owner: payments-team}\n",
    );
    let one = dir.path().join("extra/one.yaml").display().to_string();
    let two = dir.path().join("extra/two.yaml").display().to_string();
    let created = app
        .send(
            "POST",
            "/api/catalog/locations",
            Some(&json!({ "type": "file", "target": one }).to_string()),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = json_of(&created)["location"]["id"].as_str().expect("id").to_owned();

    // Queried: by type and target prefix, paged through cursors.
    let all = post(&app, "/api/catalog/locations/by-query", json!({})).await;
    assert_eq!(all["totalItems"], 2, "the config location and the registered one: {all}");
    let extra = dir.path().join("extra").display().to_string();
    let found = post(
        &app,
        "/api/catalog/locations/by-query",
        json!({ "query": { "type": "file", "target": { "$hasPrefix": extra } } }),
    )
    .await;
    assert_eq!(found["items"], json!([{ "id": id, "type": "file", "target": one }]));
    let first = post(&app, "/api/catalog/locations/by-query", json!({ "limit": 1 })).await;
    let cursor = first["pageInfo"]["nextCursor"].as_str().expect("a second page");
    let second = post(&app, "/api/catalog/locations/by-query", json!({ "cursor": cursor })).await;
    assert_eq!(second["items"].as_array().map(Vec::len), Some(1));
    assert_ne!(first["items"][0]["id"], second["items"][0]["id"]);
    assert!(second["pageInfo"].get("nextCursor").is_none());

    // Moved: read again at once; what only the old target gave is orphaned.
    let put = |id: String, body: Value| {
        let app = &app;
        async move {
            app.send("PUT", &format!("/api/catalog/locations/{id}"), Some(&body.to_string())).await
        }
    };
    let moved = put(id.clone(), json!({ "type": "file", "target": two })).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(json_of(&moved), json!({ "id": id, "type": "file", "target": two }));
    assert_eq!(
        app.get("/api/catalog/entities/by-name/component/default/two").await.status,
        StatusCode::OK
    );
    let old = json_of(&app.get("/api/catalog/entities/by-name/component/default/one").await);
    assert_eq!(old["metadata"]["annotations"]["backstage.io/orphan"], "true", "{old}");
    let listed = json_of(&app.get(&format!("/api/catalog/locations/{id}")).await);
    assert_eq!(listed["target"], two);

    // Refused: unknown id, a target another location has, config locations, bad bodies.
    assert_eq!(
        put("no-such-id".into(), json!({ "type": "file", "target": one })).await.status,
        StatusCode::NOT_FOUND
    );
    let config_id = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|l| l["id"] != id.as_str())
        .expect("config location")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let config_target = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|l| l["id"] == config_id.as_str())
        .expect("config")["target"]
        .clone();
    assert_eq!(
        put(id.clone(), json!({ "type": "file", "target": config_target })).await.status,
        StatusCode::CONFLICT
    );
    let config = put(config_id, json!({ "type": "file", "target": one })).await;
    assert_eq!(config.status, StatusCode::BAD_REQUEST);
    assert!(config.body.contains("app-config.yaml"), "{}", config.body);
    assert_eq!(put(id.clone(), json!({ "type": "file" })).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        put(id.clone(), json!({ "type": "ftp", "target": "x" })).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        json_of(&app.get(&format!("/api/catalog/locations/{id}")).await)["target"],
        two,
        "a refused update changes nothing"
    );
}
catalog_test!(locations_are_queried_and_moved);
