//! `/entities/by-query`: one page of entities, the total, and cursors to the
//! next and previous pages. `GET` takes Backstage's `filter` parameters;
//! `POST` takes a filter predicate in a JSON body (the newer API, which
//! `@backstage/catalog-client` uses when given a `query`). A cursor carries
//! the whole query, in the form it came in, so later pages need only it.

use super::{ApiResult, Params, bad, decode_cursor, encode_cursor, json_body};
use crate::server::engine::Engine;
use crate::server::predicate;
use crate::server::query::{self, Filter, FullText, Listing, Order};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::IntoResponse;
use portico_plugin_api::server::ServerError;
use serde_json::{Value, json};

/// Default page size, and its ceiling.
const DEFAULT_LIMIT: u64 = 20;
const MAX_LIMIT: u64 = 1000;
/// Longest full-text term accepted.
const MAX_TERM: usize = 1000;

/// Where a query's filter came from.
#[derive(Debug, Clone)]
enum Source {
    /// `filter` parameters (`GET`).
    Filters(Vec<String>),
    /// A filter predicate (`POST`); `Null` when none was given.
    Predicate(Value),
}

/// One page's worth of query, from parameters, a body or a cursor.
#[derive(Debug, Clone)]
struct PageQuery {
    source: Source,
    /// `field,asc|desc`, as `orderField` takes them.
    order: Vec<String>,
    term: Option<String>,
    term_fields: Vec<String>,
    offset: u64,
    limit: u64,
    /// Counted on the first page, carried by its cursors.
    total: Option<i64>,
}

impl PageQuery {
    fn from_cursor(text: &str, limit: Option<u64>) -> Result<Self, ServerError> {
        let c = decode_cursor(text)?;
        let strings = |key: &str| -> Vec<String> {
            c[key]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                .unwrap_or_default()
        };
        let source = match c.get("query") {
            Some(predicate) => Source::Predicate(predicate.clone()),
            None => Source::Filters(strings("filter")),
        };
        Ok(Self {
            source,
            order: strings("orderField"),
            term: c["fullTextFilterTerm"].as_str().map(str::to_owned),
            term_fields: strings("fullTextFilterFields"),
            offset: c["offset"].as_u64().ok_or_else(|| bad("Malformed cursor"))?,
            limit: limit.or(c["limit"].as_u64()).unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT),
            total: c["totalItems"].as_i64(),
        })
    }

    /// The cursor to this query at `offset`, in the form the query came in.
    fn cursor(&self, offset: u64, total: i64) -> String {
        let mut c = json!({
            "orderField": self.order, "fullTextFilterTerm": self.term,
            "fullTextFilterFields": self.term_fields, "totalItems": total,
            "limit": self.limit, "offset": offset,
        });
        match &self.source {
            Source::Filters(filters) => c["filter"] = json!(filters),
            Source::Predicate(predicate) => c["query"] = predicate.clone(),
        }
        encode_cursor(&c)
    }

    fn listing(&self) -> Result<Listing, ServerError> {
        let filter = match &self.source {
            Source::Filters(filters) => Filter::parse(filters)?,
            Source::Predicate(Value::Null) => Filter::default(),
            Source::Predicate(predicate) => predicate::parse(predicate)?,
        };
        let mut listing =
            Listing { filter, offset: self.offset, limit: Some(self.limit), ..Listing::default() };
        for of in &self.order {
            let (field, dir) = of.split_once(',').unwrap_or((of.as_str(), "asc"));
            listing.order.push(order(field, dir)?);
        }
        if listing.order.is_empty() {
            listing.order.push(Order { field: "metadata.uid".into(), descending: false });
        }
        if let Some(term) = &self.term {
            if term.chars().count() > MAX_TERM {
                return Err(bad(format!(
                    "fullTextFilterTerm is longer than {MAX_TERM} characters"
                )));
            }
            listing.full_text =
                Some(FullText { term: term.clone(), fields: self.term_fields.clone() });
        }
        Ok(listing)
    }
}

fn order(field: &str, direction: &str) -> Result<Order, ServerError> {
    let descending = match direction.trim() {
        "asc" => false,
        "desc" => true,
        other => {
            return Err(bad(format!(
                "Invalid orderField direction \"{other}\", expected asc or desc"
            )));
        }
    };
    if field.trim().is_empty() {
        return Err(bad("Invalid orderField, the field is empty"));
    }
    Ok(Order { field: field.trim().to_owned(), descending })
}

/// Runs one page: `{items, totalItems, pageInfo: {nextCursor?, prevCursor?}}`.
async fn page(engine: &Engine, q: PageQuery, fields: &[String]) -> ApiResult {
    let listing = q.listing()?;
    let total = match q.total {
        Some(t) => t,
        None => query::count(&engine.db, &listing).await?,
    };
    let items = if q.limit == 0 { Vec::new() } else { query::list(&engine.db, &listing).await? };
    let mut page_info = serde_json::Map::new();
    if q.limit > 0 && q.offset + (items.len() as u64) < total.max(0) as u64 {
        page_info.insert("nextCursor".into(), json!(q.cursor(q.offset + q.limit, total)));
    }
    if q.offset > 0 {
        page_info
            .insert("prevCursor".into(), json!(q.cursor(q.offset.saturating_sub(q.limit), total)));
    }
    let items: Vec<Value> = items.iter().map(|e| query::project(e, fields)).collect();
    Ok(Json(json!({ "items": items, "totalItems": total, "pageInfo": page_info })).into_response())
}

/// `GET /entities/by-query`.
pub(super) async fn get(State(engine): State<Engine>, RawQuery(raw): RawQuery) -> ApiResult {
    let params = Params::new(raw);
    let fields = query::parse_fields(&params.all("fields"))?;
    let limit = params.number("limit", 0)?;
    let q = match params.one("cursor") {
        Some(c) => PageQuery::from_cursor(c, limit)?,
        None => PageQuery {
            source: Source::Filters(params.all("filter")),
            order: params.all("orderField"),
            term: params
                .one("fullTextFilterTerm")
                .map(str::to_owned)
                .filter(|t| !t.trim().is_empty()),
            term_fields: params
                .all("fullTextFilterFields")
                .iter()
                .flat_map(|f| f.split(',').map(|s| s.trim().to_owned()))
                .filter(|s| !s.is_empty())
                .collect(),
            offset: params.number("offset", 0)?.unwrap_or(0),
            limit: limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT),
            total: None,
        },
    };
    page(&engine, q, &fields).await
}

/// `POST /entities/by-query`: `{query?, limit?, offset?, orderBy?: [{field,
/// order}], fullTextFilter?: {term, fields?}, fields?}`, or `{cursor, limit?, fields?}`.
pub(super) async fn post(State(engine): State<Engine>, body: Bytes) -> ApiResult {
    let body = json_body(&body)?;
    if !body.is_object() {
        return Err(bad("The request body must be a JSON object"));
    }
    let fields = query::parse_fields(&strings(&body, "fields")?)?;
    let limit = number(&body, "limit")?;
    let q = match body.get("cursor") {
        Some(Value::String(c)) => PageQuery::from_cursor(c, limit)?,
        Some(_) => return Err(bad("cursor must be a string")),
        None => {
            let query = body.get("query").cloned().unwrap_or(Value::Null);
            let mut order = Vec::new();
            match body.get("orderBy") {
                None | Some(Value::Null) => {}
                Some(Value::Array(list)) => {
                    for o in list {
                        let field = o.get("field").and_then(Value::as_str);
                        let dir = o.get("order").and_then(Value::as_str).unwrap_or("asc");
                        let field =
                            field.ok_or_else(|| bad("orderBy entries are {field, order}"))?;
                        order.push(format!("{field},{dir}"));
                    }
                }
                Some(_) => return Err(bad("orderBy must be a list of {field, order}")),
            }
            let full_text = body.get("fullTextFilter").unwrap_or(&Value::Null);
            let term = match full_text.get("term").unwrap_or(&Value::Null) {
                Value::Null => None,
                Value::String(t) => Some(t.trim().to_owned()).filter(|t| !t.is_empty()),
                _ => return Err(bad("fullTextFilter.term must be a string")),
            };
            let term_fields = strings(full_text, "fields")?;
            PageQuery {
                source: Source::Predicate(query),
                order,
                term,
                term_fields,
                offset: number(&body, "offset")?.unwrap_or(0),
                limit: limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT),
                total: None,
            }
        }
    };
    page(&engine, q, &fields).await
}

/// A list of strings at `key` of a JSON object (absent: empty).
pub(super) fn strings(body: &Value, key: &str) -> Result<Vec<String>, ServerError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| bad(format!("{key} must be a list of strings")))
            })
            .collect(),
        Some(_) => Err(bad(format!("{key} must be a list of strings"))),
    }
}

/// A whole number at `key` of a JSON object.
fn number(body: &Value, key: &str) -> Result<Option<u64>, ServerError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| bad(format!("{key} must be a whole number of at least 0"))),
    }
}
