//! Storage: entities, relations, the filter index and locations, on SQLite or
//! PostgreSQL, every change in one transaction (a crash mid-refresh leaves the
//! previous state whole).
//!
//! `catalog_entities` holds each entity as processed and as stitched (`final`,
//! what the API serves). `catalog_relations` holds every edge with the entity
//! whose spec emitted it, so re-processing one entity replaces exactly its
//! edges. `catalog_search` is Backstage's "search table": one row per
//! (entity, dotted key, value), lower-cased, which filters and facets read.

use super::ingest::{self, Emitted, Outcome};
use super::sql::{Arg, JSON_CHUNK, Tx, json_arg};
use crate::config::OrphanStrategy;
use portico_catalog_model::relations;
use portico_plugin_api::server::{Db, Migration};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

/// The catalog's schema.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration::new(1, "catalog tables", SCHEMA, SCHEMA),
    Migration::new(2, "starred entities", STARS, STARS),
    Migration::new(3, "facets read from the index alone", COVERING, COVERING),
];

/// The filter index also carries each value's original case, so a facet's
/// counts and display values come from the index alone: at 100k entities,
/// fetching every row to read `original` took a facet from 10 ms to 160 ms.
const COVERING: &str = "
DROP INDEX catalog_search_key_value;
CREATE INDEX catalog_search_key_value ON catalog_search (key, value, entity_ref, original);
";

/// Which user starred which entity (refs in canonical lower case).
const STARS: &str = "
CREATE TABLE catalog_stars (
    user_ref TEXT NOT NULL,
    entity_ref TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_ref, entity_ref)
);
";

const SCHEMA: &str = "
CREATE TABLE catalog_locations (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    target TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX catalog_locations_target ON catalog_locations (type, target);
CREATE TABLE catalog_entities (
    entity_ref TEXT PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    root_id TEXT,
    parent_ref TEXT,
    processed TEXT NOT NULL,
    errors TEXT NOT NULL,
    final TEXT NOT NULL,
    etag TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX catalog_entities_root ON catalog_entities (root_id);
CREATE INDEX catalog_entities_parent ON catalog_entities (parent_ref);
CREATE INDEX catalog_entities_name ON catalog_entities (name);
CREATE TABLE catalog_relations (
    originating_ref TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    type TEXT NOT NULL,
    target_ref TEXT NOT NULL
);
CREATE INDEX catalog_relations_origin ON catalog_relations (originating_ref);
CREATE INDEX catalog_relations_source ON catalog_relations (source_ref);
CREATE TABLE catalog_search (
    entity_ref TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT,
    original TEXT
);
CREATE INDEX catalog_search_key_value ON catalog_search (key, value, entity_ref);
CREATE INDEX catalog_search_ref ON catalog_search (entity_ref);
";

/// Values longer than this are not indexed for filtering (as in Backstage).
const MAX_INDEXED_VALUE: usize = 200;

/// Storage errors: database failures only (bad input is rejected before here).
pub(crate) type Result<T> = std::result::Result<T, sqlx::Error>;

/// A registered location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Location {
    pub(crate) id: String,
    pub(crate) kind: String,
    pub(crate) target: String,
    /// `config` or `api`.
    pub(crate) source: String,
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Every registered location.
pub(crate) async fn locations(db: &Db) -> Result<Vec<Location>> {
    let rows = super::sql::rows(
        db,
        "SELECT id, type, target, source FROM catalog_locations ORDER BY created_at, id",
        &[],
    )
    .await?;
    Ok(rows
        .iter()
        .map(|r| Location {
            id: r.text(0).unwrap_or_default(),
            kind: r.text(1).unwrap_or_default(),
            target: r.text(2).unwrap_or_default(),
            source: r.text(3).unwrap_or_default(),
        })
        .collect())
}

/// Adds a location; `None` when the same type and target is already registered.
pub(crate) async fn add_location(
    db: &Db,
    kind: &str,
    target: &str,
    source: &str,
) -> Result<Option<Location>> {
    let id = uuid::Uuid::new_v4().to_string();
    let mut tx = Tx::begin(db).await?;
    let existing = tx
        .rows(
            "SELECT id FROM catalog_locations WHERE type = $1 AND target = $2",
            &[kind.into(), target.into()],
        )
        .await?;
    if !existing.is_empty() {
        return Ok(None);
    }
    tx.execute(
        "INSERT INTO catalog_locations (id, type, target, source, created_at) VALUES ($1, $2, $3, $4, $5)",
        &[id.clone().into(), kind.into(), target.into(), source.into(), now().into()],
    )
    .await?;
    tx.commit().await?;
    Ok(Some(Location {
        id,
        kind: kind.to_owned(),
        target: target.to_owned(),
        source: source.to_owned(),
    }))
}

/// What [`update_location`] found.
#[derive(Debug)]
pub(crate) enum Updated {
    Done(Location),
    NotFound,
    /// Another location has that type and target.
    Taken,
    /// The location comes from app-config.yaml, which owns it.
    FromConfig,
}

/// Points a registered location at another type and target.
pub(crate) async fn update_location(
    db: &Db,
    id: &str,
    kind: &str,
    target: &str,
) -> Result<Updated> {
    let mut tx = Tx::begin(db).await?;
    let rows = tx.rows("SELECT source FROM catalog_locations WHERE id = $1", &[id.into()]).await?;
    let Some(source) = rows.first().map(|r| r.text(0).unwrap_or_default()) else {
        return Ok(Updated::NotFound);
    };
    if source == "config" {
        return Ok(Updated::FromConfig);
    }
    let taken = tx
        .rows(
            "SELECT id FROM catalog_locations WHERE type = $1 AND target = $2 AND id <> $3",
            &[kind.into(), target.into(), id.into()],
        )
        .await?;
    if !taken.is_empty() {
        return Ok(Updated::Taken);
    }
    tx.execute(
        "UPDATE catalog_locations SET type = $1, target = $2 WHERE id = $3",
        &[kind.into(), target.into(), id.into()],
    )
    .await?;
    tx.commit().await?;
    Ok(Updated::Done(Location {
        id: id.to_owned(),
        kind: kind.to_owned(),
        target: target.to_owned(),
        source,
    }))
}

/// Deletes a location and, eagerly, every entity only it provided. Returns
/// the entities that changed or went (`None`: no such location).
pub(crate) async fn delete_location(db: &Db, id: &str) -> Result<Option<Vec<String>>> {
    let mut tx = Tx::begin(db).await?;
    let n = tx.execute("DELETE FROM catalog_locations WHERE id = $1", &[id.into()]).await?;
    if n == 0 {
        return Ok(None);
    }
    let refs: Vec<String> = tx
        .rows("SELECT entity_ref FROM catalog_entities WHERE root_id = $1", &[id.into()])
        .await?
        .iter()
        .filter_map(|r| r.text(0))
        .collect();
    let affected = delete_refs(&mut tx, &refs).await?;
    stitch(&mut tx, &affected).await?;
    tx.commit().await?;
    Ok(Some(refs.into_iter().chain(affected).collect()))
}

/// What storing one root's outcome changed.
#[derive(Debug, Default, Clone)]
pub(crate) struct Applied {
    pub(crate) written: usize,
    pub(crate) orphaned: usize,
    pub(crate) deleted: usize,
    pub(crate) conflicts: usize,
    /// Every entity that may have changed or gone (for the search index).
    pub(crate) touched: Vec<String>,
}

/// Stores what reading one root location produced, in one transaction:
/// upserts, conflicts, orphans, relations and stitching.
pub(crate) async fn apply(
    db: &Db,
    root_id: &str,
    mut outcome: Outcome,
    orphans: OrphanStrategy,
) -> Result<Applied> {
    let mut applied = Applied::default();
    let started = std::time::Instant::now();
    let phase = |name: &str| {
        tracing::debug!(
            root_id,
            phase = name,
            ms = started.elapsed().as_millis() as u64,
            "store phase done"
        )
    };
    let mut tx = Tx::begin(db).await?;

    // What this root owned before: refs, errors and parents only. The stored
    // entities themselves are compared chunk by chunk below, so a root of
    // 100,000 entities is never held in memory twice.
    let existing: HashMap<String, (String, Option<String>)> = tx
        .rows(
            "SELECT entity_ref, errors, parent_ref FROM catalog_entities WHERE root_id = $1",
            &[root_id.into()],
        )
        .await?
        .into_iter()
        .map(|r| (r.text(0).unwrap_or_default(), (r.text(1).unwrap_or_default(), r.text(2))))
        .collect();

    // Entities another root already provides: a conflict, reported and skipped.
    // Orphans (no root) are taken over; what is stored nowhere is new.
    let unknown: Vec<String> = outcome
        .emitted
        .iter()
        .map(|e| e.entity_ref.clone())
        .filter(|r| !existing.contains_key(r))
        .collect();
    let mut owned_elsewhere: HashMap<String, String> = HashMap::new();
    let mut stored: HashSet<String> = HashSet::new();
    for chunk in unknown.chunks(JSON_CHUNK) {
        let sql = format!(
            "SELECT entity_ref, CASE WHEN root_id IS NULL THEN NULL ELSE processed END \
             FROM catalog_entities WHERE entity_ref IN ({})",
            tx.json_list(1)
        );
        let args = [json_arg(chunk)];
        for row in tx.rows(&sql, &args).await? {
            let entity_ref = row.text(0).unwrap_or_default();
            if let Some(processed) = row.text(1) {
                let processed: Value = serde_json::from_str(&processed).unwrap_or(Value::Null);
                let from = ingest::annotation(&processed, ingest::MANAGED_BY)
                    .unwrap_or_else(|| "another location".into());
                owned_elsewhere.insert(entity_ref.clone(), from);
            }
            stored.insert(entity_ref);
        }
    }
    phase("conflict check");
    let fresh: HashSet<&str> =
        unknown.iter().map(String::as_str).filter(|r| !stored.contains(*r)).collect();
    if !owned_elsewhere.is_empty() {
        let mut conflicts: Vec<(Option<String>, String)> = Vec::new();
        outcome.emitted.retain(|e| match owned_elsewhere.get(&e.entity_ref) {
            Some(from) => {
                conflicts.push((e.parent_ref.clone(), format!("conflict: {} is already provided by {from}; this location's copy is ignored", e.entity_ref)));
                false
            }
            None => true,
        });
        applied.conflicts = conflicts.len();
        for (parent, message) in conflicts {
            if let Some(p) =
                outcome.emitted.iter_mut().find(|e| Some(&e.entity_ref) == parent.as_ref())
            {
                p.errors.push(ingest::error_item(&message));
            }
        }
    }

    // Entities kept although not read: children of locations that failed to
    // read, and entities whose new version is invalid (they keep the error).
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for (r, (_, parent)) in &existing {
        if let Some(p) = parent {
            children.entry(p.as_str()).or_default().push(r.as_str());
        }
    }
    let mut retained: HashSet<String> = HashSet::new();
    let mut stack: Vec<&str> = outcome.failed_locations.iter().map(String::as_str).collect();
    while let Some(p) = stack.pop() {
        for c in children.get(p).into_iter().flatten() {
            if retained.insert((*c).to_owned()) {
                stack.push(c);
            }
        }
    }
    let emitted_set: HashSet<&str> =
        outcome.emitted.iter().map(|e| e.entity_ref.as_str()).collect();
    let mut error_updates: Vec<(String, String)> = Vec::new();
    for (r, items) in &outcome.failed_entities {
        if existing.contains_key(r) && !emitted_set.contains(r.as_str()) {
            retained.insert(r.clone());
            error_updates.push((r.clone(), serde_json::to_string(items).unwrap_or_default()));
        }
    }

    // Upserts: only what changed, compared and written one chunk at a time.
    let stamp = now();
    let mut changed: Vec<&Emitted> = Vec::new();
    for chunk in outcome.emitted.chunks(JSON_CHUNK) {
        let known: Vec<&str> = chunk
            .iter()
            .filter(|e| existing.contains_key(&e.entity_ref))
            .map(|e| e.entity_ref.as_str())
            .collect();
        let mut stored: HashMap<String, String> = HashMap::new();
        if !known.is_empty() {
            let sql = format!(
                "SELECT entity_ref, processed FROM catalog_entities WHERE entity_ref IN ({})",
                tx.json_list(1)
            );
            for row in tx.rows(&sql, &[json_arg(&known)]).await? {
                stored.insert(row.text(0).unwrap_or_default(), row.text(1).unwrap_or_default());
            }
        }
        // New entities go in with a plain insert (PostgreSQL copies them in).
        let mut rows: Vec<Vec<Option<String>>> = Vec::new();
        let mut new_rows: Vec<Vec<Option<String>>> = Vec::new();
        for e in chunk {
            let processed = e.entity.json();
            let errors = serde_json::to_string(&e.errors).unwrap_or_default();
            let unchanged = existing.get(&e.entity_ref).is_some_and(|(er, parent)| {
                *er == errors
                    && *parent == e.parent_ref
                    && stored.get(&e.entity_ref).is_some_and(|s| s == processed)
            });
            if unchanged {
                continue;
            }
            changed.push(e);
            let (kind, namespace, name) = split_ref(&e.entity_ref);
            let into =
                if fresh.contains(e.entity_ref.as_str()) { &mut new_rows } else { &mut rows };
            into.push(vec![
                Some(e.entity_ref.clone()),
                Some(uuid::Uuid::new_v4().to_string()),
                Some(kind),
                Some(namespace),
                Some(name),
                Some(root_id.to_owned()),
                e.parent_ref.clone(),
                Some(processed.to_owned()),
                Some(errors),
                Some(stamp.clone()),
                Some(String::new()),
                Some(String::new()),
            ]);
        }
        let columns = [
            "entity_ref",
            "uid",
            "kind",
            "namespace",
            "name",
            "root_id",
            "parent_ref",
            "processed",
            "errors",
            "updated_at",
            "final",
            "etag",
        ];
        tx.insert_rows("catalog_entities", &columns, &new_rows, "").await?;
        tx.insert_rows(
            "catalog_entities",
            &columns,
            &rows,
            "ON CONFLICT (entity_ref) DO UPDATE SET root_id = excluded.root_id, parent_ref = excluded.parent_ref, \
             processed = excluded.processed, errors = excluded.errors, updated_at = excluded.updated_at",
        )
        .await?;
    }
    applied.written = changed.len();
    phase("entities written");
    for (r, errors) in &error_updates {
        tx.execute(
            "UPDATE catalog_entities SET errors = $1, updated_at = $2 WHERE entity_ref = $3",
            &[errors.into(), stamp.clone().into(), r.into()],
        )
        .await?;
    }

    // Gone from this root: orphan or delete.
    let gone: Vec<String> = existing
        .keys()
        .filter(|r| !emitted_set.contains(r.as_str()) && !retained.contains(*r))
        .cloned()
        .collect();
    let mut affected: HashSet<String> = changed.iter().map(|e| e.entity_ref.clone()).collect();
    affected.extend(error_updates.iter().map(|(r, _)| r.clone()));
    match orphans {
        OrphanStrategy::Keep => {
            for chunk in gone.chunks(JSON_CHUNK) {
                let sql = format!(
                    "UPDATE catalog_entities SET root_id = NULL, parent_ref = NULL WHERE entity_ref IN ({})",
                    tx.json_list(1)
                );
                let args = [json_arg(chunk)];
                tx.execute(&sql, &args).await?;
            }
            applied.orphaned = gone.len();
            affected.extend(gone.iter().cloned());
        }
        OrphanStrategy::Delete => {
            affected.extend(delete_entities(&mut tx, &gone).await?);
            for r in &gone {
                affected.remove(r);
            }
            applied.deleted = gone.len();
            applied.touched.extend(gone);
        }
    }

    // Relations of the changed entities: replace their edges.
    let changed_refs: Vec<String> = changed.iter().map(|e| e.entity_ref.clone()).collect();
    affected.extend(
        replace_relations(&mut tx, &changed_refs, changed.iter().map(|e| e.entity.value())).await?,
    );
    // Everything read is stored now: the stitch and the search index read
    // it back a chunk at a time, so the root's text (about 50 MB at 100,000
    // entities) is not held through them.
    drop(changed_refs);
    drop(outcome);

    phase("relations written");
    // Sorted, so index pages are written in order rather than at random.
    let mut affected: Vec<String> = affected.into_iter().collect();
    affected.sort_unstable();
    stitch(&mut tx, &affected).await?;
    phase("stitched");
    tx.commit().await?;
    phase("committed");
    applied.touched.extend(affected);
    Ok(applied)
}

fn split_ref(r: &str) -> (String, String, String) {
    let (kind, rest) = r.split_once(':').unwrap_or(("", r));
    let (ns, name) = rest.split_once('/').unwrap_or(("default", rest));
    (kind.to_owned(), ns.to_owned(), name.to_owned())
}

/// Replaces the edges the given entities emit; returns every entity whose
/// stitched relations may have changed (both ends of old and new edges).
async fn replace_relations(
    tx: &mut Tx,
    refs: &[String],
    entities: impl Iterator<Item = Value>,
) -> Result<HashSet<String>> {
    let mut affected = HashSet::new();
    for chunk in refs.chunks(JSON_CHUNK) {
        let list = tx.json_list(1);
        let args = [json_arg(chunk)];
        for row in tx.rows(&format!("SELECT DISTINCT source_ref FROM catalog_relations WHERE originating_ref IN ({list})"), &args).await? {
            affected.extend(row.text(0));
        }
        tx.execute(
            &format!("DELETE FROM catalog_relations WHERE originating_ref IN ({list})"),
            &args,
        )
        .await?;
    }
    // Written a chunk at a time, so the edges of a whole root are never all in memory.
    let mut rows: Vec<Vec<Option<String>>> = Vec::new();
    for entity in entities {
        let Some(origin) = portico_catalog_model::ref_of(&entity) else { continue };
        for edge in relations::emitted(&entity) {
            affected.insert(edge.source.clone());
            rows.push(vec![
                Some(origin.clone()),
                Some(edge.source),
                Some(edge.kind.to_owned()),
                Some(edge.target),
            ]);
        }
        if rows.len() >= JSON_CHUNK {
            insert_relations(tx, &std::mem::take(&mut rows)).await?;
        }
    }
    insert_relations(tx, &rows).await?;
    Ok(affected)
}

async fn insert_relations(tx: &mut Tx, rows: &[Vec<Option<String>>]) -> Result<()> {
    let columns = ["originating_ref", "source_ref", "type", "target_ref"];
    tx.insert_rows("catalog_relations", &columns, rows, "").await
}

/// Deletes entities (`DELETE /entities/by-uid`); returns the other entities to restitch.
pub(crate) async fn delete_refs(tx: &mut Tx, refs: &[String]) -> Result<Vec<String>> {
    let mut affected = delete_entities(tx, refs).await?;
    for r in refs {
        affected.remove(r);
    }
    Ok(affected.into_iter().collect())
}

/// Deletes entities with their edges and index rows; returns the other ends to restitch.
async fn delete_entities(tx: &mut Tx, refs: &[String]) -> Result<HashSet<String>> {
    let affected = replace_relations(tx, refs, std::iter::empty()).await?;
    for chunk in refs.chunks(JSON_CHUNK) {
        let list = tx.json_list(1);
        let args = [json_arg(chunk)];
        tx.execute(&format!("DELETE FROM catalog_entities WHERE entity_ref IN ({list})"), &args)
            .await?;
        tx.execute(&format!("DELETE FROM catalog_search WHERE entity_ref IN ({list})"), &args)
            .await?;
    }
    Ok(affected)
}

/// Entities stitched per round. A round holds its entities parsed, their
/// filter-index rows (about 25 each) and the statements' JSON text at once,
/// some 15 KB an entity. On SQLite, where the database's own memory is the
/// server's too, rounds of 1,000 keep the peak at 100k entities near 250 MB
/// instead of 290 MB; PostgreSQL stitched 100k in 18.7 s in rounds of 5,000
/// and 23.6 s in rounds of 1,000 (per-statement costs), with memory to spare.
fn stitch_round(tx: &Tx) -> usize {
    match tx {
        Tx::Postgres(_) => 5000,
        _ => 1000,
    }
}

/// Recomputes the served form of these entities (those that exist): relations
/// from both sides, status, orphan annotation, uid and etag; then their index rows.
pub(crate) async fn stitch(tx: &mut Tx, refs: &[String]) -> Result<usize> {
    let mut written = 0;
    for chunk in refs.chunks(stitch_round(tx)) {
        let args = [json_arg(chunk)];
        let list = tx.json_list(1);
        let rows = tx
            .rows(&format!("SELECT entity_ref, uid, processed, errors, root_id, etag FROM catalog_entities WHERE entity_ref IN ({list})"), &args)
            .await?;
        if rows.is_empty() {
            continue;
        }
        let mut edges: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for row in tx.rows(&format!("SELECT source_ref, type, target_ref FROM catalog_relations WHERE source_ref IN ({list})"), &args).await? {
            edges.entry(row.text(0).unwrap_or_default()).or_default().push((row.text(1).unwrap_or_default(), row.text(2).unwrap_or_default()));
        }
        let mut updates: Vec<Vec<Option<String>>> = Vec::new();
        let mut search: Vec<Vec<Option<String>>> = Vec::new();
        // Entities stitched before (they have an etag) have index rows to replace.
        let mut indexed: Vec<String> = Vec::new();
        for row in rows {
            let entity_ref = row.text(0).unwrap_or_default();
            let uid = row.text(1).unwrap_or_default();
            let processed: Value =
                serde_json::from_str(&row.text(2).unwrap_or_default()).unwrap_or(Value::Null);
            let errors: Value =
                serde_json::from_str(&row.text(3).unwrap_or_default()).unwrap_or(json!([]));
            let orphan = row.text(4).is_none();
            let mut rels = edges.remove(&entity_ref).unwrap_or_default();
            // Two entities may emit the same edge (both ends declare it).
            rels.sort();
            rels.dedup();
            let (final_entity, etag) = compose(processed, &uid, orphan, &rels, errors);
            let stored_etag = row.text(5).unwrap_or_default();
            if stored_etag == etag {
                continue;
            }
            if !stored_etag.is_empty() {
                indexed.push(entity_ref.clone());
            }
            for (key, value, original) in search_rows(&final_entity) {
                search.push(vec![Some(entity_ref.clone()), Some(key), value, original]);
            }
            updates.push(vec![
                Some(entity_ref),
                Some(serde_json::to_string(&final_entity).unwrap_or_default()),
                Some(etag),
            ]);
        }
        if updates.is_empty() {
            continue;
        }
        if !indexed.is_empty() {
            let sql =
                format!("DELETE FROM catalog_search WHERE entity_ref IN ({})", tx.json_list(1));
            tx.execute(&sql, &[json_arg(&indexed)]).await?;
        }
        // UPDATE … FROM a JSON source: one statement per chunk, on both engines.
        for batch in updates.chunks(JSON_CHUNK) {
            let sql = format!(
                "UPDATE catalog_entities SET final = v.f, etag = v.e FROM (SELECT {} FROM {}) AS v WHERE catalog_entities.entity_ref = v.r",
                tx.json_columns(&["r", "f", "e"]),
                tx.json_rows(1)
            );
            tx.execute(&sql, &[Arg::Text(serde_json::to_string(batch).unwrap_or_default())])
                .await?;
        }
        tx.insert_rows("catalog_search", &["entity_ref", "key", "value", "original"], &search, "")
            .await?;
        written += updates.len();
    }
    Ok(written)
}

/// The served entity and its etag.
fn compose(
    mut entity: Value,
    uid: &str,
    orphan: bool,
    rels: &[(String, String)],
    errors: Value,
) -> (Value, String) {
    use sha2::Digest;
    if let Some(meta) = entity.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("uid".into(), Value::String(uid.to_owned()));
        if orphan {
            let annotations = meta.entry("annotations").or_insert_with(|| json!({}));
            if let Some(a) = annotations.as_object_mut() {
                a.insert(ingest::ORPHAN.into(), Value::String("true".into()));
            }
        }
    }
    if let Some(root) = entity.as_object_mut() {
        let relations: Vec<Value> =
            rels.iter().map(|(t, target)| json!({ "type": t, "targetRef": target })).collect();
        root.insert("relations".into(), Value::Array(relations));
        if errors.as_array().is_some_and(|a| !a.is_empty()) {
            root.insert("status".into(), json!({ "items": errors }));
        }
    }
    let digest =
        sha2::Sha256::digest(serde_json::to_string(&entity).unwrap_or_default().as_bytes());
    let etag = hex::encode(&digest[..16]);
    if let Some(meta) = entity.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("etag".into(), Value::String(etag.clone()));
    }
    (entity, etag)
}

/// The filter-index rows of an entity: (lower-case dotted key, lower-case value, original value).
pub(crate) fn search_rows(entity: &Value) -> Vec<(String, Option<String>, Option<String>)> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, &Value)> = Vec::new();
    if let Some(root) = entity.as_object() {
        for (k, v) in root {
            if k != "relations" {
                stack.push((k.to_lowercase(), v));
            }
        }
    }
    while let Some((key, value)) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let child = format!("{key}.{}", k.to_lowercase());
                    // The etag changes on every stitch and nobody filters on it.
                    if child != "metadata.etag" {
                        stack.push((child, v));
                    }
                }
            }
            Value::Array(items) => {
                for v in items {
                    if !v.is_array() {
                        stack.push((key.clone(), v));
                    }
                }
            }
            Value::Null => out.push((key, None, None)),
            scalar => {
                let text = match scalar {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if text.chars().count() > MAX_INDEXED_VALUE {
                    out.push((key, None, None));
                } else {
                    // The original casing is stored only when it differs.
                    let lower = text.to_lowercase();
                    let original = (lower != text).then_some(text);
                    out.push((key, Some(lower), original));
                }
            }
        }
    }
    if let Some(rels) = entity.get("relations").and_then(Value::as_array) {
        for r in rels {
            if let (Some(t), Some(target)) = (r["type"].as_str(), r["targetRef"].as_str()) {
                // Target refs are canonical (lower-case): no original to keep.
                out.push((
                    format!("relations.{}", t.to_lowercase()),
                    Some(target.to_lowercase()),
                    None,
                ));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// After a large write: fold SQLite's write-ahead log back into the database
/// (readers otherwise look every page up in a WAL of hundreds of megabytes)
/// and refresh the planner's statistics. PostgreSQL also vacuums the filter
/// index, which marks its pages all-visible: facets then count from the index
/// alone instead of visiting every row (at 100k entities, 14 ms instead of 118).
pub(crate) async fn after_bulk_write(db: &Db) -> Result<()> {
    match db {
        Db::Sqlite(pool) => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await?;
            sqlx::query("PRAGMA optimize").execute(pool).await?;
        }
        Db::Postgres(pool) => {
            sqlx::query("VACUUM (ANALYZE) catalog_search").execute(pool).await?;
            sqlx::query("ANALYZE catalog_entities, catalog_relations").execute(pool).await?;
        }
        _ => {}
    }
    Ok(())
}

/// Entity counts per kind, for logs and the problems page.
pub(crate) async fn count(db: &Db) -> Result<i64> {
    let rows = super::sql::rows(db, "SELECT COUNT(*) FROM catalog_entities", &[]).await?;
    Ok(rows.first().map_or(0, |r| r.int(0)))
}

/// Entities that carry errors (`status.items` with level error), for the Problems page.
/// Each as (ref, status items, last processed, `type:target` for Location entities).
pub(crate) async fn problems(db: &Db) -> Result<Vec<(String, Value, String, Option<String>)>> {
    let rows = super::sql::rows(db, "SELECT entity_ref, errors, updated_at, processed FROM catalog_entities WHERE errors <> '[]' ORDER BY entity_ref", &[]).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let processed: Value =
                serde_json::from_str(&r.text(3).unwrap_or_default()).unwrap_or(Value::Null);
            let spec = &processed["spec"];
            let target = match (spec["type"].as_str(), spec["target"].as_str()) {
                (Some(kind), Some(target)) if processed["kind"] == "Location" => {
                    Some(format!("{kind}:{target}"))
                }
                _ => None,
            };
            (
                r.text(0).unwrap_or_default(),
                serde_json::from_str(&r.text(1).unwrap_or_default()).unwrap_or(Value::Null),
                r.text(2).unwrap_or_default(),
                target,
            )
        })
        .collect())
}

/// Parent chain of an entity (for `/ancestry`): (ref, parent ref) from the entity up to its root.
pub(crate) async fn ancestry(
    db: &Db,
    entity_ref: &str,
) -> Result<Vec<(String, Value, Option<String>)>> {
    let mut out = Vec::new();
    let mut next = Some(entity_ref.to_owned());
    let mut seen = HashSet::new();
    while let Some(r) = next.take() {
        if !seen.insert(r.clone()) {
            break;
        }
        let rows = super::sql::rows(
            db,
            "SELECT final, parent_ref FROM catalog_entities WHERE entity_ref = $1",
            &[r.clone().into()],
        )
        .await?;
        let Some(row) = rows.first() else { break };
        let entity: Value =
            serde_json::from_str(&row.text(0).unwrap_or_default()).unwrap_or(Value::Null);
        let parent = row.text(1);
        next = parent.clone();
        out.push((r, entity, parent));
    }
    Ok(out)
}

/// Stars or unstars an entity for a user (idempotent).
pub(crate) async fn set_star(db: &Db, user_ref: &str, entity_ref: &str, on: bool) -> Result<()> {
    let mut tx = Tx::begin(db).await?;
    let (user, entity) = (user_ref.to_lowercase(), entity_ref.to_lowercase());
    if on {
        tx.execute(
            "INSERT INTO catalog_stars (user_ref, entity_ref, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_ref, entity_ref) DO NOTHING",
            &[user.into(), entity.into(), now().into()],
        )
        .await?;
    } else {
        tx.execute(
            "DELETE FROM catalog_stars WHERE user_ref = $1 AND entity_ref = $2",
            &[user.into(), entity.into()],
        )
        .await?;
    }
    tx.commit().await
}

/// Whether a user starred an entity.
pub(crate) async fn is_starred(db: &Db, user_ref: &str, entity_ref: &str) -> Result<bool> {
    let rows = super::sql::rows(
        db,
        "SELECT 1 FROM catalog_stars WHERE user_ref = $1 AND entity_ref = $2",
        &[user_ref.to_lowercase().into(), entity_ref.to_lowercase().into()],
    )
    .await?;
    Ok(!rows.is_empty())
}
