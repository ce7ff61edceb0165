//! Reading the catalog: Backstage's filter language, ordering, paging, field
//! projection and facets, translated to SQL over the filter index.
//!
//! `filter=kind=component,spec.type=service&filter=kind=api`: statements in one
//! `filter` are ANDed, separate `filter` parameters are ORed; `key` alone means
//! "has the key"; matching is case-insensitive.

use super::sql::{self, Arg};
use portico_plugin_api::server::Db;
use serde_json::Value;

/// `{anyOf: [{allOf: [{key, values?}]}]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Filter {
    pub(crate) any_of: Vec<Vec<Statement>>,
}

/// One test on a key of the filter index: `key[=value]` in a `filter`
/// parameter, or a field of a predicate (`POST /entities/by-query`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statement {
    pub(crate) key: String,
    pub(crate) test: Test,
    /// The test must fail (`$not`, `$exists: false`).
    pub(crate) negated: bool,
}

/// What a [`Statement`] asks of its key's values (all lower-case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Test {
    /// The key is there, with any value.
    Exists,
    /// One of its values is one of these.
    OneOf(Vec<String>),
    /// One of its values starts with this.
    Prefix(String),
}

impl Statement {
    /// The key has one of `values` (lower-cased here).
    pub(crate) fn one_of(key: &str, values: impl IntoIterator<Item = String>) -> Self {
        let values = values.into_iter().map(|v| v.to_lowercase()).collect();
        Self { key: key.to_lowercase(), test: Test::OneOf(values), negated: false }
    }

    /// The key is there.
    pub(crate) fn exists(key: &str) -> Self {
        Self { key: key.to_lowercase(), test: Test::Exists, negated: false }
    }

    /// Whether the rows of one entity (key, lower-case value) pass.
    pub(crate) fn holds<'a>(
        &self,
        rows: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
    ) -> bool {
        let found = rows.into_iter().any(|(key, value)| {
            key == self.key
                && match (&self.test, value) {
                    (Test::Exists, _) => true,
                    (Test::OneOf(values), Some(v)) => values.iter().any(|x| x == v),
                    (Test::Prefix(prefix), Some(v)) => v.starts_with(prefix.as_str()),
                    (_, None) => false,
                }
        });
        found != self.negated
    }
}

/// A bad query parameter, worded as Backstage words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct QueryError(pub(crate) String);

impl Filter {
    /// Parses the values of every `filter` parameter.
    pub(crate) fn parse(params: &[String]) -> Result<Self, QueryError> {
        let mut any_of = Vec::new();
        for param in params {
            let mut all_of: Vec<Statement> = Vec::new();
            for raw in param.split(',') {
                let statement = raw.trim();
                if statement.is_empty() {
                    continue;
                }
                let (key, value) = match statement.split_once('=') {
                    Some((k, v)) => (k.trim(), Some(v.trim())),
                    None => (statement, None),
                };
                if key.is_empty() || key.len() > 200 || key.contains(char::is_whitespace) {
                    return Err(QueryError(format!(
                        "Invalid filter, '{statement}' is not a valid statement"
                    )));
                }
                let key = key.to_lowercase();
                // Several values for one key in one filter mean "any of them".
                match (all_of.iter_mut().find(|s| s.key == key), value) {
                    (Some(existing), Some(v)) => match &mut existing.test {
                        Test::OneOf(values) => values.push(v.to_lowercase()),
                        test => *test = Test::OneOf(vec![v.to_lowercase()]),
                    },
                    (Some(_), None) => {}
                    (None, Some(v)) => all_of.push(Statement::one_of(&key, [v.to_owned()])),
                    (None, None) => all_of.push(Statement::exists(&key)),
                }
            }
            if !all_of.is_empty() {
                any_of.push(all_of);
            }
        }
        Ok(Self { any_of })
    }

    /// Whether one entity's (or location's) rows pass: (key, lower-case value)
    /// pairs, as the filter index holds them.
    pub(crate) fn matches(&self, rows: &[(&str, Option<&str>)]) -> bool {
        self.any_of.is_empty()
            || self.any_of.iter().any(|all| all.iter().all(|s| s.holds(rows.iter().copied())))
    }

    /// Adds `AND`-ed statements to every alternative (used by the UI's fixed filters).
    pub(crate) fn and(mut self, extra: Vec<Statement>) -> Self {
        if extra.is_empty() {
            return self;
        }
        if self.any_of.is_empty() {
            self.any_of.push(extra);
        } else {
            for all in &mut self.any_of {
                all.extend(extra.iter().cloned());
            }
        }
        self
    }

    /// SQL condition on the entity ref `target` (for example `e.entity_ref`),
    /// appending its arguments. With `drive`, the most selective statement of
    /// each alternative is an `IN (…)` the planner can start from and the rest
    /// are index probes (`EXISTS`); without, every statement is a probe (for
    /// queries already driven by something else, such as a facet's key).
    fn sql(&self, args: &mut Vec<Arg>, target: &str, drive: bool) -> Option<String> {
        if self.any_of.is_empty() {
            return None;
        }
        let alternatives: Vec<String> = self
            .any_of
            .iter()
            .map(|all| {
                let mut ordered: Vec<&Statement> = all.iter().collect();
                ordered.sort_by_key(|s| breadth(s));
                let parts: Vec<String> = ordered
                    .iter()
                    .enumerate()
                    .map(|(i, s)| statement_sql(s, args, target, drive && i == 0 && !s.negated))
                    .collect();
                format!("({})", parts.join(" AND "))
            })
            .collect();
        Some(format!("({})", alternatives.join(" OR ")))
    }
}

/// How many entities a statement is likely to match, coarsely: keys every
/// entity has, with few values, match many; names, owners and relations few.
/// Negated statements come last: they cannot drive a query.
fn breadth(s: &Statement) -> u8 {
    let broad = matches!(
        s.key.as_str(),
        "kind" | "apiversion" | "metadata.namespace" | "spec.lifecycle" | "spec.type"
    );
    match (s.negated, &s.test, broad) {
        (true, _, _) => 4,
        (false, Test::Exists, _) => 3,
        (false, _, true) => 2,
        (false, _, false) => 1,
    }
}

fn statement_sql(s: &Statement, args: &mut Vec<Arg>, target: &str, drive: bool) -> String {
    args.push(Arg::from(&s.key));
    let key = format!("${}", args.len());
    // The value test, on the column `value` (of the alias `x.` when probing).
    let test = |column: &str, args: &mut Vec<Arg>| match &s.test {
        Test::Exists => String::new(),
        Test::OneOf(values) => {
            let start = args.len();
            args.extend(values.iter().map(Arg::from));
            format!(" AND {column} IN ({})", sql::placeholders(start, values.len()))
        }
        Test::Prefix(prefix) => {
            args.push(Arg::Text(format!("{}%", sql::like_escape(prefix))));
            format!(" AND {column} LIKE ${} ESCAPE '\\'", args.len())
        }
    };
    if drive {
        let test = test("value", args);
        format!("{target} IN (SELECT entity_ref FROM catalog_search WHERE key = {key}{test})")
    } else {
        let test = test("x.value", args);
        let not = if s.negated { "NOT " } else { "" };
        format!(
            "{not}EXISTS (SELECT 1 FROM catalog_search x WHERE x.entity_ref = {target} AND x.key = {key}{test})"
        )
    }
}

/// A sort key: dotted field and direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Order {
    pub(crate) field: String,
    pub(crate) descending: bool,
}

/// A full-text filter: a case-insensitive substring over some (or all) indexed fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FullText {
    pub(crate) term: String,
    pub(crate) fields: Vec<String>,
}

/// One listing request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Listing {
    pub(crate) filter: Filter,
    pub(crate) full_text: Option<FullText>,
    pub(crate) order: Vec<Order>,
    pub(crate) offset: u64,
    pub(crate) limit: Option<u64>,
    /// Only the entities this user (canonical ref) starred.
    pub(crate) starred_by: Option<String>,
}

fn order_expr(field: &str, args: &mut Vec<Arg>) -> String {
    match field.to_lowercase().as_str() {
        "metadata.uid" => "e.uid".into(),
        "kind" => "e.kind".into(),
        "metadata.namespace" => "e.namespace".into(),
        "metadata.name" => "e.name".into(),
        other => {
            args.push(Arg::from(other));
            format!(
                "(SELECT MIN(s.value) FROM catalog_search s WHERE s.entity_ref = e.entity_ref AND s.key = ${})",
                args.len()
            )
        }
    }
}

/// The listing's conditions (stars, filter and full-text) on the entity ref `target`.
fn conditions(listing: &Listing, args: &mut Vec<Arg>, target: &str, drive: bool) -> Vec<String> {
    let mut out = Vec::new();
    // A user's stars are few: when they are asked for, they drive the query
    // and the filter's statements become probes.
    if let Some(user) = &listing.starred_by {
        args.push(Arg::Text(user.to_lowercase()));
        let user = format!("${}", args.len());
        out.push(format!(
            "{target} IN (SELECT entity_ref FROM catalog_stars WHERE user_ref = {user})"
        ));
    }
    let drive = drive && listing.starred_by.is_none();
    if let Some(f) = listing.filter.sql(args, target, drive) {
        out.push(f);
    }
    if let Some(ft) = &listing.full_text {
        args.push(Arg::Text(format!("%{}%", sql::like_escape(&ft.term.to_lowercase()))));
        let like = format!("${}", args.len());
        let fields = if ft.fields.is_empty() {
            String::new()
        } else {
            let start = args.len();
            args.extend(ft.fields.iter().map(|f| Arg::Text(f.to_lowercase())));
            format!(" AND key IN ({})", sql::placeholders(start, ft.fields.len()))
        };
        out.push(format!("{target} IN (SELECT entity_ref FROM catalog_search WHERE value LIKE {like} ESCAPE '\\'{fields})"));
    }
    out
}

fn where_clause(listing: &Listing, args: &mut Vec<Arg>) -> String {
    let conditions = conditions(listing, args, "e.entity_ref", true);
    if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    }
}

/// The stitched entities a listing selects, in order.
pub(crate) async fn list(db: &Db, listing: &Listing) -> Result<Vec<Value>, sqlx::Error> {
    let mut args = Vec::new();
    let mut sql =
        format!("SELECT e.final FROM catalog_entities e{}", where_clause(listing, &mut args));
    let mut orders: Vec<String> = listing
        .order
        .iter()
        .map(|o| {
            format!(
                "{} {}",
                order_expr(&o.field, &mut args),
                if o.descending { "DESC" } else { "ASC" }
            )
        })
        .collect();
    orders.push("e.entity_ref ASC".into());
    sql.push_str(&format!(" ORDER BY {}", orders.join(", ")));
    if listing.limit.is_some() || listing.offset > 0 {
        // SQLite needs a LIMIT before any OFFSET; "no limit" is the largest one.
        let limit = listing.limit.map_or(i64::MAX, |l| l.min(i64::MAX as u64) as i64);
        args.push(Arg::Int(limit));
        sql.push_str(&format!(" LIMIT ${}", args.len()));
        args.push(Arg::Int(listing.offset.min(i64::MAX as u64) as i64));
        sql.push_str(&format!(" OFFSET ${}", args.len()));
    }
    let rows = sql::rows(db, &sql, &args).await?;
    Ok(rows.iter().filter_map(|r| serde_json::from_str(&r.text(0)?).ok()).collect())
}

/// How many entities a listing's filter selects (ignoring paging).
pub(crate) async fn count(db: &Db, listing: &Listing) -> Result<i64, sqlx::Error> {
    let mut args = Vec::new();
    let sql =
        format!("SELECT COUNT(*) FROM catalog_entities e{}", where_clause(listing, &mut args));
    Ok(sql::rows(db, &sql, &args).await?.first().map_or(0, |r| r.int(0)))
}

/// One entity by canonical ref.
pub(crate) async fn by_ref(db: &Db, entity_ref: &str) -> Result<Option<Value>, sqlx::Error> {
    let rows = sql::rows(
        db,
        "SELECT final FROM catalog_entities WHERE entity_ref = $1",
        &[entity_ref.to_lowercase().into()],
    )
    .await?;
    Ok(rows.first().and_then(|r| serde_json::from_str(&r.text(0)?).ok()))
}

/// One entity by uid.
pub(crate) async fn by_uid(db: &Db, uid: &str) -> Result<Option<(String, Value)>, sqlx::Error> {
    let rows = sql::rows(
        db,
        "SELECT entity_ref, final FROM catalog_entities WHERE uid = $1",
        &[uid.into()],
    )
    .await?;
    Ok(rows.first().and_then(|r| Some((r.text(0)?, serde_json::from_str(&r.text(1)?).ok()?))))
}

/// Several entities by ref, in the order asked (missing ones are `None`).
pub(crate) async fn by_refs(db: &Db, refs: &[String]) -> Result<Vec<Option<Value>>, sqlx::Error> {
    let mut found = std::collections::HashMap::new();
    let lower: Vec<String> = refs.iter().map(|r| r.to_lowercase()).collect();
    for chunk in lower.chunks(500) {
        let sql = format!(
            "SELECT entity_ref, final FROM catalog_entities WHERE entity_ref IN ({})",
            sql::placeholders(0, chunk.len())
        );
        let args: Vec<Arg> = chunk.iter().map(Arg::from).collect();
        for r in sql::rows(db, &sql, &args).await? {
            if let (Some(k), Some(v)) = (r.text(0), r.text(1)) {
                found.insert(k, v);
            }
        }
    }
    Ok(lower.iter().map(|r| found.get(r).and_then(|v| serde_json::from_str(v).ok())).collect())
}

/// How long a cached facet may serve when another replica may have written:
/// within this process every commit invalidates at once.
const FACET_TTL: std::time::Duration = std::time::Duration::from_secs(10);

type FacetKey = (usize, u64, String, String);
type FacetCache = std::collections::HashMap<FacetKey, (std::time::Instant, Vec<(String, i64)>)>;
static FACETS: std::sync::Mutex<Option<FacetCache>> = std::sync::Mutex::new(None);

/// Value counts of one facet, cached per write generation: the index page
/// asks for six facets on every render and the catalog rarely changes
/// between two renders.
pub(crate) async fn facet(
    db: &Db,
    facet: &str,
    listing: &Listing,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    cached(db, facet, listing, facet_uncached(db, facet, listing)).await
}

/// How many entities a listing selects, cached like a facet (the index page
/// shows the viewer's owned and starred counts on every render).
pub(crate) async fn count_cached(db: &Db, listing: &Listing) -> Result<i64, sqlx::Error> {
    let counted = async { Ok(vec![(String::new(), count(db, listing).await?)]) };
    Ok(cached(db, "#count", listing, counted).await?.first().map_or(0, |(_, n)| *n))
}

/// `compute`'s result for (`what`, `listing`), from the per-generation cache
/// when it is there.
async fn cached(
    db: &Db,
    what: &str,
    listing: &Listing,
    compute: impl std::future::Future<Output = Result<Vec<(String, i64)>, sqlx::Error>>,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let key: FacetKey = (
        sql::identity(db),
        sql::generation(),
        what.to_lowercase(),
        format!("{:?}|{:?}|{:?}", listing.filter, listing.full_text, listing.starred_by),
    );
    let hit = FACETS.lock().ok().and_then(|guard| {
        guard.as_ref()?.get(&key).filter(|(at, _)| at.elapsed() < FACET_TTL).map(|(_, v)| v.clone())
    });
    if let Some(values) = hit {
        return Ok(values);
    }
    let values = compute.await?;
    if let Ok(mut guard) = FACETS.lock() {
        let cache = guard.get_or_insert_with(Default::default);
        // Entries of older generations are dead: drop them rather than grow.
        cache.retain(|k, _| k.1 == key.1);
        if cache.len() < 1000 {
            cache.insert(key, (std::time::Instant::now(), values.clone()));
        }
    }
    Ok(values)
}

/// Value counts of one facet over the entities a filter selects (values in
/// original case). Driven by the facet key's index range; the filter is probed
/// per row, so no intermediate set of entities is built.
async fn facet_uncached(
    db: &Db,
    facet: &str,
    listing: &Listing,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let mut args = vec![Arg::Text(facet.to_lowercase())];
    let filter: String = conditions(listing, &mut args, "s.entity_ref", false)
        .iter()
        .map(|c| format!(" AND {c}"))
        .collect();
    let sql = format!(
        "SELECT s.value, MIN(COALESCE(s.original, s.value)), COUNT(*) FROM catalog_search s \
         WHERE s.key = $1 AND s.value IS NOT NULL{filter} GROUP BY s.value ORDER BY 2"
    );
    let rows = sql::rows(db, &sql, &args).await?;
    Ok(rows.iter().map(|r| (r.text(1).unwrap_or_default(), r.int(2))).collect())
}

/// Keeps only the given dotted paths of an entity (`fields=kind,metadata.name`).
pub(crate) fn project(entity: &Value, fields: &[String]) -> Value {
    if fields.is_empty() {
        return entity.clone();
    }
    let mut out = Value::Object(Default::default());
    for field in fields {
        let parts: Vec<&str> = field.split('.').collect();
        let mut src = entity;
        let mut found = true;
        for p in &parts {
            match src.get(*p) {
                Some(v) => src = v,
                None => {
                    found = false;
                    break;
                }
            }
        }
        if !found {
            continue;
        }
        let mut dst = &mut out;
        for (i, p) in parts.iter().enumerate() {
            let Some(map) = dst.as_object_mut() else { break };
            if i == parts.len() - 1 {
                map.insert((*p).to_owned(), src.clone());
                break;
            }
            dst = map.entry((*p).to_owned()).or_insert_with(|| Value::Object(Default::default()));
        }
    }
    out
}

/// Validates `fields` values: dotted paths, no array indexing.
pub(crate) fn parse_fields(params: &[String]) -> Result<Vec<String>, QueryError> {
    let mut out = Vec::new();
    for p in params {
        for f in p.split(',') {
            let f = f.trim();
            if f.is_empty() {
                continue;
            }
            if f.contains('[') || f.contains(']') || f.split('.').any(str::is_empty) {
                return Err(QueryError(format!(
                    "Invalid field \"{f}\"; fields are dotted paths such as metadata.name"
                )));
            }
            out.push(f.to_owned());
        }
    }
    Ok(out)
}
