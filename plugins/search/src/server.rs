//! The server half: Backstage's `GET /api/search/query` (its `qs` query
//! string, its cursor, its result shape), `POST /api/search/reindex`,
//! `GET /api/search/status`, and the search behind the page's server function.

use crate::config::Config;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use portico_plugin_api::search::{
    SearchError, SearchHandle, SearchHit, SearchQuery, SearchResults,
};
use portico_plugin_api::server::{Backend, ConfigError, PluginContext, ServerError};
use portico_plugin_api::{ErrorCode, PortalError};
use serde_json::{Value, json};

/// The plugin's backend.
pub(crate) const BACKEND: Backend = Backend::new(router, &[]).config::<Config>();

/// Backstage's default page size.
pub(crate) const DEFAULT_PAGE_LIMIT: usize = 25;
/// The furthest page a cursor may point at.
const MAX_PAGE: usize = 10_000;
/// Limits on the filters of one query.
const MAX_FILTER_FIELDS: usize = 20;
const MAX_FILTER_VALUES: usize = 50;
const MAX_VALUE_CHARS: usize = 256;
const MAX_TYPES: usize = 20;

#[derive(Clone)]
struct Api {
    search: SearchHandle,
    config: Config,
}

fn router(ctx: &PluginContext) -> Result<axum::Router, ConfigError> {
    let api = Api { search: ctx.search.clone(), config: ctx.config()? };
    Ok(axum::Router::new()
        .route("/query", get(query))
        .route("/reindex", post(reindex))
        .route("/status", get(status))
        .with_state(api))
}

/// A query as Backstage's frontend sends it, parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Request {
    pub(crate) query: SearchQuery,
    /// The page number the cursor named (0 is the first).
    pub(crate) page: usize,
}

/// Parses Backstage's query string: `term`, `types[0]=…` (or `types[]`,
/// `types`), `filters[field]=v`, `filters[field][0]=v` (or `[]`),
/// `pageCursor` (base64 of the page number) and `pageLimit`. Other keys are
/// ignored, as Backstage does.
pub(crate) fn parse(raw: &str, config: &Config) -> Result<Request, PortalError> {
    let invalid = |m: String| PortalError::new(ErrorCode::BadRequest, m);
    let mut term = String::new();
    let mut types = Vec::new();
    let mut filters: Vec<(String, Vec<String>)> = Vec::new();
    let (mut page, mut limit) = (0usize, DEFAULT_PAGE_LIMIT);
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        let value = value.into_owned();
        if key == "term" {
            term = value;
        } else if key == "types" || key.starts_with("types[") {
            if !value.is_empty() {
                types.push(value);
            }
        } else if let Some(rest) = key.strip_prefix("filters[") {
            let Some((field, tail)) = rest.split_once(']') else {
                return Err(invalid(format!("Malformed filter parameter `{key}`")));
            };
            if tail.starts_with('[') && !tail.ends_with(']')
                || !(tail.is_empty() || tail.starts_with('['))
            {
                return Err(invalid(format!("Malformed filter parameter `{key}`")));
            }
            check_field(field)?;
            if value.chars().count() > MAX_VALUE_CHARS {
                return Err(invalid(format!(
                    "The value of filter `{field}` is longer than {MAX_VALUE_CHARS} characters"
                )));
            }
            match filters.iter_mut().find(|(f, _)| f == field) {
                Some((_, values)) => values.push(value),
                None => filters.push((field.to_owned(), vec![value])),
            }
        } else if key == "pageCursor" {
            page = decode_cursor(&value)
                .ok_or_else(|| invalid(format!("Invalid page cursor `{}`", clip(&value))))?;
        } else if key == "pageLimit" {
            limit = value.parse::<usize>().ok().filter(|&n| n > 0).ok_or_else(|| {
                invalid(format!("The page limit `{}` is not a positive whole number", clip(&value)))
            })?;
            if limit > config.max_page_limit {
                return Err(invalid(format!(
                    "The page limit \"{limit}\" is greater than \"{}\"",
                    config.max_page_limit
                )));
            }
        }
    }
    let length = term.chars().count();
    if length > config.max_term_length {
        return Err(invalid(format!(
            "The term length \"{length}\" is greater than \"{}\"",
            config.max_term_length
        )));
    }
    if types.len() > MAX_TYPES || types.iter().any(|t| t.len() > 64) {
        return Err(invalid(format!("At most {MAX_TYPES} types of at most 64 characters")));
    }
    if filters.len() > MAX_FILTER_FIELDS || filters.iter().any(|(_, v)| v.len() > MAX_FILTER_VALUES)
    {
        return Err(invalid(format!(
            "At most {MAX_FILTER_FIELDS} filter fields of {MAX_FILTER_VALUES} values each"
        )));
    }
    let mut query = SearchQuery::new(term, limit).types(types).offset(page * limit);
    for (field, values) in filters {
        query = query.filter(field, values);
    }
    Ok(Request { query, page })
}

/// Filter fields are names: letters, digits, `_`, `-` and `.`.
fn check_field(field: &str) -> Result<(), PortalError> {
    let ok = !field.is_empty()
        && field.len() <= 64
        && field.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(PortalError::new(
            ErrorCode::BadRequest,
            format!(
                "Invalid filter field `{}`: use letters, digits, `_`, `-` and `.`",
                clip(field)
            ),
        ))
    }
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Backstage's cursor: the page number as text, base64-encoded.
pub(crate) fn encode_cursor(page: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(page.to_string())
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(cursor.trim()).ok()?;
    let page: usize = std::str::from_utf8(&bytes).ok()?.trim().parse().ok()?;
    (page <= MAX_PAGE).then_some(page)
}

/// Runs a query on a blocking thread (tantivy is synchronous).
pub(crate) async fn run(
    search: &SearchHandle,
    query: SearchQuery,
) -> Result<SearchResults, ServerError> {
    search.run(query).await.map_err(|err| match err {
        SearchError::Invalid(m) => PortalError::new(ErrorCode::BadRequest, m).into(),
        other => ServerError::internal(other),
    })
}

async fn query(State(api): State<Api>, RawQuery(raw): RawQuery) -> Response {
    let request = match parse(raw.as_deref().unwrap_or_default(), &api.config) {
        Ok(r) => r,
        Err(err) => return err.into_response(),
    };
    let (page, limit) = (request.page, request.query.limit);
    match run(&api.search, request.query).await {
        Ok(results) => Json(backstage_body(&results, page, limit)).into_response(),
        Err(err) => err.into_response(),
    }
}

/// Backstage's response: `results[].{type, document, highlight, rank}`,
/// the cursors and `numberOfResults`.
pub(crate) fn backstage_body(results: &SearchResults, page: usize, limit: usize) -> Value {
    let offset = page * limit;
    let items: Vec<Value> = results
        .hits
        .iter()
        .enumerate()
        .map(|(i, hit)| {
            let mut item = json!({
                "type": hit.doc_type,
                "document": Value::Object(hit.document.clone()),
                "rank": offset + i + 1,
            });
            if !hit.highlight.is_empty() {
                item["highlight"] = json!({
                    "preTag": results.pre_tag,
                    "postTag": results.post_tag,
                    "fields": hit.highlight,
                });
            }
            item
        })
        .collect();
    let mut body = json!({ "results": items, "numberOfResults": results.total });
    // Portico's addition: the engine stopped counting (at least this many).
    if results.total_at_least {
        body["numberOfResultsIsLowerBound"] = Value::Bool(true);
    }
    if offset + limit < results.total && page < MAX_PAGE {
        body["nextPageCursor"] = Value::String(encode_cursor(page + 1));
    }
    if page > 0 {
        body["previousPageCursor"] = Value::String(encode_cursor(page - 1));
    }
    body
}

async fn reindex(State(api): State<Api>) -> Response {
    api.search.rebuild();
    (StatusCode::ACCEPTED, Json(json!({ "status": "started" }))).into_response()
}

async fn status(State(api): State<Api>) -> Response {
    Json(api.search.status()).into_response()
}

/// The search page's results.
pub(crate) async fn page(
    params: crate::api::SearchParams,
) -> Result<crate::api::SearchView, ServerError> {
    use crate::api::{Facet, SearchView};
    let ctx = portico_plugin_api::server::context("search")?;
    let config: Config = ctx.config().map_err(ServerError::internal)?;
    let mut notice = None;
    let mut term = params.term.trim().to_owned();
    if term.chars().count() > config.max_term_length {
        term = term.chars().take(config.max_term_length).collect();
        notice = Some(format!("The search used the first {} characters.", config.max_term_length));
    }
    let page = params.page.clamp(1, MAX_PAGE);
    let mut query = SearchQuery::new(term, crate::api::PAGE_SIZE)
        .offset((page - 1) * crate::api::PAGE_SIZE)
        .facets(crate::api::FACETS.iter().map(|(f, _)| (*f).to_owned()).collect());
    if !params.doc_type.is_empty() {
        query = query.types(vec![params.doc_type.clone()]);
    }
    for (field, value) in &params.filters {
        if crate::api::FACETS.iter().any(|(f, _)| f == field) && !value.is_empty() {
            query = query.filter(field.clone(), vec![value.clone()]);
        }
    }
    let results = run(&ctx.search, query).await?;
    let hits =
        results.hits.iter().map(|hit| page_hit(hit, &results.pre_tag, &results.post_tag)).collect();
    let facets = crate::api::FACETS
        .iter()
        .map(|(field, label)| Facet {
            field: (*field).to_owned(),
            label: (*label).to_owned(),
            values: results.facets.get(*field).cloned().unwrap_or_default(),
            selected: params.filters.iter().find(|(f, _)| f == field).map(|(_, v)| v.clone()),
        })
        .collect();
    Ok(SearchView {
        total: results.total,
        total_at_least: results.total_at_least,
        pages: results.total.div_ceil(crate::api::PAGE_SIZE).min(MAX_PAGE),
        hits,
        facets,
        page,
        notice,
    })
}

/// The longest snippet shown for a result without a highlighted passage.
const SNIPPET_CHARS: usize = 240;

/// One result as the page shows it: title and snippet as marked runs, the
/// type, and what it belongs to (kind or docs site, owner, lifecycle).
fn page_hit(hit: &SearchHit, pre: &str, post: &str) -> crate::api::Hit {
    let field =
        |k: &str| hit.document.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let shown = |name: &str| {
        let limit = (name == "text").then_some(SNIPPET_CHARS);
        portico_ui::highlight::shown(
            hit.highlight.get(name).map(String::as_str),
            &field(name),
            (pre, post),
            limit,
        )
    };
    let context = match hit.doc_type.as_str() {
        "techdocs" => field("entityTitle"),
        _ => field("kind"),
    };
    let owner = field("owner");
    let owner = if owner.is_empty() { owner } else { format!("Owner: {owner}") };
    let meta = [context, owner, field("lifecycle")].into_iter().filter(|m| !m.is_empty()).collect();
    crate::api::Hit {
        type_label: crate::api::type_label(&hit.doc_type),
        title: shown("title"),
        snippet: shown("text"),
        location: crate::api::safe_location(&field("location")),
        meta,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};

    /// Parses `raw` with the default limits and prints the query or the error.
    fn check(raw: &str, expected: Expect) {
        let out = match parse(raw, &Config::default()) {
            Ok(r) => format!(
                "term {:?} types {:?} filters {:?} page {} offset {} limit {}",
                r.query.term, r.query.types, r.query.filters, r.page, r.query.offset, r.query.limit
            ),
            Err(e) => format!("400 {}", e.message),
        };
        expected.assert_eq(&out);
    }

    #[test]
    fn backstage_query_strings_parse() {
        check("", expect![[r#"term "" types [] filters [] page 0 offset 0 limit 25"#]]);
        check(
            "term=pay%20ments&types%5B0%5D=software-catalog&types%5B1%5D=techdocs&filters%5Bkind%5D=Component&filters%5Blifecycle%5D%5B0%5D=production&filters%5Blifecycle%5D%5B1%5D=experimental&pageCursor=Mg%3D%3D&pageLimit=10",
            expect![[
                r#"term "pay ments" types ["software-catalog", "techdocs"] filters [("kind", ["Component"]), ("lifecycle", ["production", "experimental"])] page 2 offset 20 limit 10"#
            ]],
        );
        check(
            "types[]=techdocs&filters[tags][]=java&unknown=1",
            expect![[
                r#"term "" types ["techdocs"] filters [("tags", ["java"])] page 0 offset 0 limit 25"#
            ]],
        );
        check(
            "term=%22a%22+AND+(b*)+kind:x",
            expect![[
                r#"term "\"a\" AND (b*) kind:x" types [] filters [] page 0 offset 0 limit 25"#
            ]],
        );
    }

    #[test]
    fn bad_parameters_are_400s_that_say_why() {
        check(
            &format!("term={}", "x".repeat(101)),
            expect![[r#"400 The term length "101" is greater than "100""#]],
        );
        check(
            &format!("term={}", "é".repeat(100)),
            expect![[
                r#"term "éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé" types [] filters [] page 0 offset 0 limit 25"#
            ]],
        );
        check("pageLimit=101", expect![[r#"400 The page limit "101" is greater than "100""#]]);
        check("pageLimit=0", expect!["400 The page limit `0` is not a positive whole number"]);
        check("pageLimit=-3", expect!["400 The page limit `-3` is not a positive whole number"]);
        check("pageCursor=not-base64!", expect!["400 Invalid page cursor `not-base64!`"]);
        check("pageCursor=YWJj", expect!["400 Invalid page cursor `YWJj`"]);
        check(
            "pageCursor=OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk%3D",
            expect!["400 Invalid page cursor `OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk=`"],
        );
        check(
            "filters[bad field]=x",
            expect!["400 Invalid filter field `bad field`: use letters, digits, `_`, `-` and `.`"],
        );
        check("filters[kind=x", expect!["400 Malformed filter parameter `filters[kind`"]);
        check("filters[kind]x=y", expect!["400 Malformed filter parameter `filters[kind]x`"]);
        check(
            &format!("filters[kind]={}", "v".repeat(300)),
            expect!["400 The value of filter `kind` is longer than 256 characters"],
        );
    }
}
