//! Backstage's catalog REST API under `/api/catalog`, with its query
//! parameters, response shapes and error bodies (spec §2), so existing
//! clients such as `@backstage/catalog-client` work unchanged.

use super::engine::Engine;
use super::predicate;
use super::query::{self, Filter, Listing, Order, QueryError};
use super::read::Target;
use super::{ingest, store};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use portico_catalog_model::validate::validate_entity;
use portico_plugin_api::server::ServerError;
use portico_plugin_api::{ErrorCode, PortalError};
use serde_json::{Value, json};

mod by_query;

type ApiResult = Result<Response, ServerError>;

/// The routes, relative to `/api/catalog`.
pub(crate) fn router(engine: Engine) -> Router {
    Router::new()
        .route("/entities", get(entities))
        .route("/entities/by-query", get(by_query::get).post(by_query::post))
        .route("/entities/by-refs", post(by_refs))
        .route("/entities/by-uid/{uid}", get(by_uid).delete(delete_by_uid))
        .route("/entities/by-name/{kind}/{namespace}/{name}", get(by_name))
        .route("/entities/by-name/{kind}/{namespace}/{name}/ancestry", get(ancestry))
        .route("/entity-facets", get(facets).post(facets_by_predicate))
        .route("/locations", get(list_locations).post(add_location))
        .route("/locations/by-query", post(query_locations))
        .route("/locations/{id}", get(get_location).put(update_location).delete(delete_location))
        .route("/locations/by-entity/{kind}/{namespace}/{name}", get(location_by_entity))
        .route("/refresh", post(refresh))
        .route("/validate-entity", post(validate))
        .route("/analyze-location", post(analyze))
        .with_state(engine)
}

fn bad(message: impl Into<String>) -> ServerError {
    PortalError::bad_request(message).into()
}

fn not_found(message: impl Into<String>) -> ServerError {
    PortalError::not_found(message).into()
}

impl From<QueryError> for ServerError {
    fn from(e: QueryError) -> Self {
        bad(e.0)
    }
}

/// Query parameters, repeated keys kept (`filter=a&filter=b`).
struct Params(Vec<(String, String)>);

impl Params {
    fn new(raw: Option<String>) -> Self {
        Self(form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect())
    }
    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key || k == &format!("{key}[]"))
            .map(|(_, v)| v.clone())
            .collect()
    }
    fn one(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    fn number(&self, key: &str, min: u64) -> Result<Option<u64>, ServerError> {
        match self.one(key) {
            None => Ok(None),
            Some(v) => match v.parse::<u64>() {
                Ok(n) if n >= min => Ok(Some(n)),
                _ => Err(bad(format!(
                    "Invalid {key} parameter \"{v}\"; expected an integer of at least {min}"
                ))),
            },
        }
    }
}

fn json_body(bytes: &Bytes) -> Result<Value, ServerError> {
    serde_json::from_slice(bytes).map_err(|e| bad(format!("Malformed request body: {e}")))
}

async fn entities(State(engine): State<Engine>, RawQuery(raw): RawQuery) -> ApiResult {
    let params = Params::new(raw);
    let fields = query::parse_fields(&params.all("fields"))?;
    let mut listing =
        Listing { filter: Filter::parse(&params.all("filter"))?, ..Listing::default() };
    for o in params.all("order") {
        let (dir, field) = o.split_once(':').ok_or_else(|| {
            bad(format!("Invalid order parameter \"{o}\", expected asc:<field> or desc:<field>"))
        })?;
        let descending = match dir {
            "asc" => false,
            "desc" => true,
            _ => {
                return Err(bad(format!(
                    "Invalid order parameter \"{o}\", expected asc:<field> or desc:<field>"
                )));
            }
        };
        listing.order.push(Order { field: field.to_owned(), descending });
    }
    listing.offset = params.number("offset", 0)?.unwrap_or(0);
    listing.limit = params.number("limit", 1)?;
    if let Some(after) = params.one("after") {
        let cursor = decode_cursor(after)?;
        listing.offset = cursor["offset"].as_u64().ok_or_else(|| bad("Malformed after cursor"))?;
        listing.limit = listing.limit.or(cursor["limit"].as_u64());
    }
    // One more than asked, to know whether a next page exists.
    let asked = listing.limit;
    listing.limit = asked.map(|l| l.saturating_add(1));
    let mut items = query::list(&engine.db, &listing).await?;
    let mut response_headers = Vec::new();
    if let Some(limit) = asked
        && items.len() as u64 > limit
    {
        items.truncate(limit as usize);
        let next = encode_cursor(&json!({ "offset": listing.offset + limit, "limit": limit }));
        let mut kept: Vec<(String, String)> =
            params.0.iter().filter(|(k, _)| k != "after" && k != "offset").cloned().collect();
        kept.push(("after".into(), next));
        let qs = form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish();
        response_headers.push((header::LINK, format!("</entities?{qs}>; rel=\"next\"")));
    }
    let items: Vec<Value> = items.iter().map(|e| query::project(e, &fields)).collect();
    let mut response = Json(items).into_response();
    for (name, value) in response_headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, v);
        }
    }
    Ok(response)
}

/// A cursor: JSON in standard base64, as Backstage's (its client looks
/// inside a by-query cursor for `query` to choose GET or POST).
fn encode_cursor(value: &Value) -> String {
    base64::engine::general_purpose::STANDARD.encode(value.to_string())
}

/// Reads a cursor. URL-safe base64 is still read (earlier versions wrote
/// `after` cursors so), and a `+` sent unencoded in a query string, which
/// arrives as a space, is taken back.
fn decode_cursor(text: &str) -> Result<Value, ServerError> {
    let text = text.trim().replace(' ', "+");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .or_else(|_| base64::engine::general_purpose::STANDARD.decode(&text))
        .map_err(|_| bad("Malformed cursor"))?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| bad("Malformed cursor"))?;
    if !value.is_object() {
        return Err(bad("Malformed cursor"));
    }
    Ok(value)
}

async fn by_refs(State(engine): State<Engine>, RawQuery(raw): RawQuery, body: Bytes) -> ApiResult {
    let params = Params::new(raw);
    let body = json_body(&body)?;
    let refs: Vec<String> = match body.get("entityRefs").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| bad("entityRefs must be a list of strings"))
            })
            .collect::<Result<_, _>>()?,
        None => return Err(bad("Request body must have an entityRefs list")),
    };
    if refs.len() > 10_000 {
        return Err(bad("At most 10000 entityRefs per request"));
    }
    let mut fields: Vec<String> = match body.get("fields") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => {
            list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
        }
        Some(_) => return Err(bad("fields must be a list of strings")),
    };
    fields.extend(params.all("fields"));
    let fields = query::parse_fields(&fields)?;
    // The newer client sends a predicate in the body instead of `filter` parameters.
    let filter = match body.get("query") {
        None | Some(Value::Null) => Filter::parse(&params.all("filter"))?,
        Some(predicate) => predicate::parse(predicate)?,
    };
    let found = query::by_refs(&engine.db, &refs).await?;
    let items: Vec<Value> = found
        .into_iter()
        .map(|e| match e {
            Some(e) if matches(&e, &filter) => query::project(&e, &fields),
            _ => Value::Null,
        })
        .collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// Evaluates a filter against one entity in memory (same semantics as the SQL).
pub(crate) fn matches(entity: &Value, filter: &Filter) -> bool {
    if filter.any_of.is_empty() {
        return true;
    }
    let rows = store::search_rows(entity);
    let rows: Vec<(&str, Option<&str>)> =
        rows.iter().map(|(k, v, _)| (k.as_str(), v.as_deref())).collect();
    filter.matches(&rows)
}

async fn by_uid(State(engine): State<Engine>, Path(uid): Path<String>) -> ApiResult {
    match query::by_uid(&engine.db, &uid).await? {
        Some((_, e)) => Ok(Json(e).into_response()),
        None => Err(not_found(format!("No entity with uid {uid}"))),
    }
}

async fn delete_by_uid(State(engine): State<Engine>, Path(uid): Path<String>) -> ApiResult {
    let Some((entity_ref, _)) = query::by_uid(&engine.db, &uid).await? else {
        return Err(not_found(format!("No entity with uid {uid}")));
    };
    engine.delete_entity(entity_ref).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn name_ref(kind: &str, namespace: &str, name: &str) -> String {
    format!("{kind}:{namespace}/{name}").to_lowercase()
}

async fn by_name(
    State(engine): State<Engine>,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> ApiResult {
    match query::by_ref(&engine.db, &name_ref(&kind, &namespace, &name)).await? {
        Some(e) => Ok(Json(e).into_response()),
        None => Err(not_found(format!(
            "No entity named '{name}' found, with kind '{kind}' in namespace '{namespace}'"
        ))),
    }
}

async fn ancestry(
    State(engine): State<Engine>,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> ApiResult {
    let chain = store::ancestry(&engine.db, &name_ref(&kind, &namespace, &name)).await?;
    if chain.is_empty() {
        return Err(not_found(format!(
            "No entity named '{name}' found, with kind '{kind}' in namespace '{namespace}'"
        )));
    }
    let root = chain.last().map(|(r, _, _)| r.clone()).unwrap_or_default();
    let items: Vec<Value> = chain
        .into_iter()
        .map(|(_, entity, parent)| json!({ "entity": entity, "parentEntityRefs": parent.into_iter().collect::<Vec<_>>() }))
        .collect();
    Ok(Json(json!({ "rootEntityRef": root, "items": items })).into_response())
}

async fn facets(State(engine): State<Engine>, RawQuery(raw): RawQuery) -> ApiResult {
    let params = Params::new(raw);
    let listing = Listing { filter: Filter::parse(&params.all("filter"))?, ..Listing::default() };
    facet_counts(&engine, params.all("facet"), &listing).await
}

/// `POST /entity-facets`: `{facets: string[], query?: predicate}`.
async fn facets_by_predicate(State(engine): State<Engine>, body: Bytes) -> ApiResult {
    let body = json_body(&body)?;
    let filter = match body.get("query") {
        None | Some(Value::Null) => Filter::default(),
        Some(predicate) => predicate::parse(predicate)?,
    };
    let names = by_query::strings(&body, "facets")?;
    facet_counts(&engine, names, &Listing { filter, ..Listing::default() }).await
}

/// `{facets: {"<facet>": [{value, count}]}}` over the entities `listing` selects.
async fn facet_counts(engine: &Engine, names: Vec<String>, listing: &Listing) -> ApiResult {
    if names.is_empty() {
        return Err(bad("Missing facet parameter"));
    }
    let mut out = serde_json::Map::new();
    for name in names {
        if name.trim().is_empty() || name.len() > 200 {
            return Err(bad(format!("Invalid facet \"{name}\"")));
        }
        let counts = query::facet(&engine.db, &name, listing).await?;
        out.insert(
            name,
            counts
                .into_iter()
                .map(|(value, count)| json!({ "value": value, "count": count }))
                .collect(),
        );
    }
    Ok(Json(json!({ "facets": out })).into_response())
}

fn location_json(l: &store::Location) -> Value {
    json!({ "id": l.id, "type": l.kind, "target": l.target })
}

async fn list_locations(State(engine): State<Engine>) -> ApiResult {
    let all = store::locations(&engine.db).await?;
    Ok(Json(all.iter().map(|l| json!({ "data": location_json(l) })).collect::<Vec<_>>())
        .into_response())
}

/// Most locations one `POST /locations/by-query` page returns.
const MAX_LOCATIONS_PAGE: u64 = 1000;

/// `POST /locations/by-query`: `{limit?, query?: predicate over id, type and
/// target}` or `{cursor}`, answered `{items, totalItems, pageInfo: {nextCursor?}}`.
async fn query_locations(State(engine): State<Engine>, body: Bytes) -> ApiResult {
    let body = json_body(&body)?;
    let (predicate, offset, limit) = match body.get("cursor") {
        Some(Value::String(c)) => {
            let c = decode_cursor(c)?;
            let offset = c["offset"].as_u64().ok_or_else(|| bad("Malformed cursor"))?;
            (c.get("query").cloned(), offset, c["limit"].as_u64())
        }
        Some(_) => return Err(bad("cursor must be a string")),
        None => (body.get("query").cloned(), 0, body.get("limit").and_then(Value::as_u64)),
    };
    let limit = limit.unwrap_or(MAX_LOCATIONS_PAGE).clamp(1, MAX_LOCATIONS_PAGE);
    let filter = match &predicate {
        None | Some(Value::Null) => Filter::default(),
        Some(p) => predicate::parse(p)?,
    };
    // Locations are few: filtered in memory, over the same rows an entity's filter reads.
    let matching: Vec<Value> = store::locations(&engine.db)
        .await?
        .iter()
        .map(location_json)
        .filter(|l| {
            let values: Vec<(&str, Option<String>)> = ["id", "type", "target"]
                .into_iter()
                .map(|k| (k, l[k].as_str().map(str::to_lowercase)))
                .collect();
            let rows: Vec<(&str, Option<&str>)> =
                values.iter().map(|(k, v)| (*k, v.as_deref())).collect();
            filter.matches(&rows)
        })
        .collect();
    let total = matching.len() as u64;
    let items: Vec<Value> =
        matching.into_iter().skip(offset as usize).take(limit as usize).collect();
    let mut page_info = serde_json::Map::new();
    if offset + limit < total {
        let next = json!({ "query": predicate, "offset": offset + limit, "limit": limit });
        page_info.insert("nextCursor".into(), json!(encode_cursor(&next)));
    }
    Ok(Json(json!({ "items": items, "totalItems": total, "pageInfo": page_info })).into_response())
}

/// `PUT /locations/{id}`: `{type, target}`; the location is read again at once.
async fn update_location(
    State(engine): State<Engine>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let target = location_target(&engine, &body, true)?;
    match engine.update_location(&id, &target).await? {
        store::Updated::Done(location) => Ok(Json(location_json(&location)).into_response()),
        store::Updated::NotFound => Err(not_found(format!("Found no location with ID {id}"))),
        store::Updated::Taken => Err(PortalError::new(
            ErrorCode::Conflict,
            format!("Location {}:{} already exists", target.kind, target.target),
        )
        .into()),
        store::Updated::FromConfig => Err(bad(format!(
            "Location {id} comes from catalog.locations in app-config.yaml; change it there"
        ))),
    }
}

async fn get_location(State(engine): State<Engine>, Path(id): Path<String>) -> ApiResult {
    match store::locations(&engine.db).await?.iter().find(|l| l.id == id) {
        Some(l) => Ok(Json(location_json(l)).into_response()),
        None => Err(not_found(format!("Found no location with ID {id}"))),
    }
}

async fn location_by_entity(
    State(engine): State<Engine>,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> ApiResult {
    let rows = super::sql::rows(
        &engine.db,
        "SELECT root_id FROM catalog_entities WHERE entity_ref = $1",
        &[name_ref(&kind, &namespace, &name).into()],
    )
    .await?;
    let root = rows.first().and_then(|r| r.text(0));
    match root {
        Some(id) => match store::locations(&engine.db).await?.iter().find(|l| l.id == id) {
            Some(l) => Ok(Json(location_json(l)).into_response()),
            None => Err(not_found("Location not found")),
        },
        None => Err(not_found(format!("No location for entity '{kind}:{namespace}/{name}'"))),
    }
}

fn read_only() -> ServerError {
    PortalError::new(ErrorCode::Forbidden, "This catalog is read-only (catalog.readonly)").into()
}

/// The location a request body names, when this catalog accepts it (of a
/// registrable type; for `writing`, not read-only).
fn location_target(engine: &Engine, body: &Bytes, writing: bool) -> Result<Target, ServerError> {
    let (kind, target) = location_spec(&json_body(body)?)?;
    if writing && engine.config.readonly {
        return Err(read_only());
    }
    if let Some(refusal) = engine.refuse_type(&kind) {
        return Err(bad(refusal));
    }
    Target::new(&kind, &target).map_err(|e| bad(e.to_string()))
}

/// The type and target of a location in a request body.
fn location_spec(body: &Value) -> Result<(String, String), ServerError> {
    let kind = body
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("Location must have a type (url or file)"))?;
    let target = body
        .get("target")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("Location must have a target"))?;
    if target.len() > 2048 {
        return Err(bad("Location target is longer than 2048 characters"));
    }
    Ok((kind.to_owned(), target.to_owned()))
}

async fn add_location(
    State(engine): State<Engine>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> ApiResult {
    let params = Params::new(raw);
    let dry_run = params.one("dryRun").is_some_and(|v| v == "true");
    let target = location_target(&engine, &body, !dry_run)?;
    let exists = engine.registered(&target).await?;
    if dry_run {
        let outcome = engine.dry_run(&target).await;
        let errors: Vec<Value> =
            outcome.emitted.iter().flat_map(|e| e.errors.iter().cloned()).collect();
        let entities: Vec<Value> = outcome.emitted.iter().map(|e| e.entity.value()).collect();
        return Ok((StatusCode::CREATED, Json(json!({
            "location": { "id": exists.as_ref().map_or("", |l| l.id.as_str()), "type": target.kind, "target": target.target },
            "entities": entities,
            "exists": exists.is_some(),
            "errors": errors,
        })))
            .into_response());
    }
    // Checked before and after: a concurrent registration of the same target loses here.
    let conflict = || -> ServerError {
        PortalError::new(
            ErrorCode::Conflict,
            format!("Location {}:{} already exists", target.kind, target.target),
        )
        .into()
    };
    if exists.is_some() {
        return Err(conflict());
    }
    let Some(location) = engine.register(&target).await? else {
        return Err(conflict());
    };
    let root_ref =
        portico_catalog_model::ref_of(&ingest::root_entity(&location.kind, &location.target))
            .unwrap_or_default();
    let rows = super::sql::rows(
        &engine.db,
        "SELECT final FROM catalog_entities WHERE root_id = $1 ORDER BY entity_ref",
        &[location.id.clone().into()],
    )
    .await?;
    let entities: Vec<Value> = rows
        .iter()
        .filter_map(|r| serde_json::from_str::<Value>(&r.text(0)?).ok())
        .filter(|e| portico_catalog_model::ref_of(e).as_deref() != Some(root_ref.as_str()))
        .collect();
    Ok((
        StatusCode::CREATED,
        Json(json!({ "location": location_json(&location), "entities": entities })),
    )
        .into_response())
}

async fn delete_location(State(engine): State<Engine>, Path(id): Path<String>) -> ApiResult {
    if engine.config.readonly {
        return Err(read_only());
    }
    if engine.delete_location(&id).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(not_found(format!("Found no location with ID {id}")))
    }
}

async fn refresh(State(engine): State<Engine>, body: Bytes) -> ApiResult {
    let body = json_body(&body)?;
    let entity_ref = body
        .get("entityRef")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("Request body must have an entityRef"))?;
    let parsed = portico_catalog_model::EntityRef::parse(
        entity_ref,
        portico_catalog_model::RefContext::default(),
    )
    .map_err(|e| bad(e.to_string()))?;
    if engine.refresh_entity(&parsed.canonical()).await? {
        Ok(StatusCode::OK.into_response())
    } else {
        Err(not_found(format!("No entity with ref {}", parsed.canonical())))
    }
}

async fn validate(body: Bytes) -> ApiResult {
    let body = json_body(&body)?;
    let Some(entity) = body.get("entity") else {
        return Err(bad("Request body must have an entity"));
    };
    let location = body.get("location").and_then(Value::as_str).unwrap_or("");
    if !location.is_empty() && !location.contains(':') {
        return Err(bad(format!("Invalid location ref \"{location}\", expected type:target")));
    }
    let problems = validate_entity(entity);
    if problems.is_empty() {
        return Ok(StatusCode::OK.into_response());
    }
    let errors: Vec<Value> = problems
        .iter()
        .map(|p| json!({ "name": "InputError", "message": if p.path.is_empty() { p.message.clone() } else { format!("{}: {}", p.path, p.message) } }))
        .collect();
    Ok((StatusCode::BAD_REQUEST, Json(json!({ "errors": errors }))).into_response())
}

async fn analyze(State(engine): State<Engine>, body: Bytes) -> ApiResult {
    let body = json_body(&body)?;
    let location = body.get("location").ok_or_else(|| bad("Request body must have a location"))?;
    let (kind, target) = location_spec(location)?;
    if let Some(refusal) = engine.refuse_type(&kind) {
        return Err(bad(refusal));
    }
    let target = Target::new(&kind, &target).map_err(|e| bad(e.to_string()))?;
    let root_ref =
        portico_catalog_model::ref_of(&ingest::root_entity(&target.kind, &target.target))
            .unwrap_or_default();
    let outcome = engine.dry_run(&target).await;
    let refs: Vec<String> = outcome.emitted.iter().map(|e| e.entity_ref.clone()).collect();
    let stored = query::by_refs(&engine.db, &refs).await?;
    let files: Vec<Value> = outcome
        .emitted
        .into_iter()
        .zip(stored)
        .filter(|(e, _)| e.entity_ref != root_ref)
        .map(|(e, stored)| {
            let entity = e.entity.value();
            let from = ingest::annotation(&entity, ingest::MANAGED_BY).unwrap_or_default();
            let (t, tg) = from.split_once(':').map(|(a, b)| (a.to_owned(), b.to_owned())).unwrap_or_default();
            json!({ "entity": entity, "isRegistered": stored.is_some(), "location": { "type": t, "target": tg } })
        })
        .collect();
    Ok(Json(json!({ "existingEntityFiles": files, "generateEntities": [] })).into_response())
}
