//! The logic behind the catalog pages' server functions: the same queries as
//! the REST API, shaped into exactly what each page shows.

use super::engine::Engine;
use super::query::{self, Filter, FullText, Listing, Order, Statement};
use super::read::Target;
use super::{ingest, store};
use crate::api::{
    EntityPage, Facets, Graph, GraphEdge, GraphNode, ImportPreview, IndexPage, IndexQuery, Problem,
    Related, Row,
};
use portico_catalog_model::relations::{PAIRS, reverse_of};
use portico_catalog_model::{Entity, EntityRef, RefContext};
use portico_plugin_api::PortalError;
use portico_plugin_api::server::ServerError;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Rows per index page.
pub(crate) const PAGE_SIZE: usize = 25;

fn engine() -> Result<Engine, ServerError> {
    let ctx = portico_plugin_api::server::context("catalog")?;
    super::engine(&ctx).map_err(ServerError::internal)
}

/// Who is browsing, and the refs that count as theirs for "owned by me".
struct Viewer {
    /// The user's canonical ref.
    user_ref: String,
    /// The user and the groups they are a member of (Backstage's ownership refs).
    ownership: Vec<String>,
}

/// Until sign-in exists every visitor is the guest user of Backstage's guest
/// provider: `auth.providers.guest.userEntityRef`, default `user:default/guest`.
async fn viewer(engine: &Engine) -> Result<Viewer, ServerError> {
    let ctx = portico_plugin_api::server::context("catalog")?;
    let configured: Option<String> =
        ctx.config.get("auth.providers.guest.userEntityRef").map_err(ServerError::internal)?;
    let user_ref = configured
        .and_then(|r| {
            let context = RefContext { default_kind: Some("user"), ..RefContext::default() };
            EntityRef::parse(&r, context).ok()
        })
        .map_or_else(|| "user:default/guest".to_owned(), |r| r.canonical());
    let mut ownership = vec![user_ref.clone()];
    if let Some(user) = query::by_ref(&engine.db, &user_ref).await? {
        ownership.extend(targets(&user, "memberOf"));
    }
    Ok(Viewer { user_ref, ownership })
}

/// The entity page's URL for a ref.
pub(crate) fn href(entity_ref: &str) -> String {
    let (kind, rest) = entity_ref.split_once(':').unwrap_or(("", entity_ref));
    let (ns, name) = rest.split_once('/').unwrap_or(("default", rest));
    format!("/catalog/{ns}/{kind}/{name}")
}

/// A table row from a stitched entity.
pub(crate) fn row(entity: &Value) -> Row {
    let meta = &entity["metadata"];
    let entity_ref = portico_catalog_model::ref_of(entity).unwrap_or_default();
    let text = |v: &Value| v.as_str().map(str::to_owned);
    Row {
        href: href(&entity_ref),
        label: text(&meta["title"]).or_else(|| text(&meta["name"])).unwrap_or_default(),
        system: text(&entity["spec"]["system"]),
        owner: text(&entity["spec"]["owner"]),
        ty: text(&entity["spec"]["type"]),
        lifecycle: text(&entity["spec"]["lifecycle"]),
        description: text(&meta["description"]),
        tags: meta["tags"]
            .as_array()
            .map(|t| t.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        entity_ref,
    }
}

fn eq(key: &str, value: &str) -> Statement {
    Statement::one_of(key, [value.to_owned()])
}

/// The index: one page of rows plus the filter values.
pub(crate) async fn index(q: IndexQuery) -> Result<IndexPage, ServerError> {
    let engine = engine()?;
    let db = &engine.db;
    let kind = q.kind.clone().filter(|k| !k.is_empty());
    let mut statements = Vec::new();
    if let Some(k) = &kind {
        statements.push(eq("kind", k));
    }
    let mut narrowed = statements.clone();
    for (key, value) in [
        ("spec.type", &q.ty),
        ("relations.ownedby", &q.owner),
        ("spec.lifecycle", &q.lifecycle),
        ("metadata.tags", &q.tag),
        ("metadata.namespace", &q.namespace),
    ] {
        if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
            narrowed.push(eq(key, v));
        }
    }
    match q.processing.as_deref() {
        Some("orphan") => narrowed.push(eq("metadata.annotations.backstage.io/orphan", "true")),
        Some("error") => narrowed.push(eq("status.items.level", "error")),
        _ => {}
    }
    let full_text = q.text.as_ref().map(|t| t.trim()).filter(|t| !t.is_empty()).map(|t| FullText {
        term: t.chars().take(200).collect(),
        fields: [
            "metadata.name",
            "metadata.title",
            "metadata.description",
            "metadata.tags",
            "spec.type",
        ]
        .map(str::to_owned)
        .to_vec(),
    });
    let order = match &q.sort {
        Some((key, dir)) => {
            let field = match key.as_str() {
                "type" => "spec.type",
                "lifecycle" => "spec.lifecycle",
                "owner" => "spec.owner",
                "system" => "spec.system",
                _ => "metadata.name",
            };
            vec![Order { field: field.into(), descending: dir == "desc" }]
        }
        None => vec![Order { field: "metadata.name".into(), descending: false }],
    };
    let viewer = viewer(&engine).await?;
    let owned = Statement::one_of("relations.ownedby", viewer.ownership);
    let mut starred_by = None;
    match q.user.as_deref() {
        Some("owned") => narrowed.push(owned.clone()),
        Some("starred") => starred_by = Some(viewer.user_ref.clone()),
        _ => {}
    }
    let listing = Listing {
        filter: Filter::default().and(narrowed),
        full_text,
        order,
        offset: q.offset as u64,
        limit: Some(PAGE_SIZE as u64),
        starred_by,
    };
    let total = query::count(db, &listing).await? as usize;
    let rows = query::list(db, &listing).await?.iter().map(row).collect();
    let of_kind =
        Listing { filter: Filter::default().and(statements.clone()), ..Listing::default() };
    let everything = Listing::default();
    let mine = |filter: Filter, starred_by: Option<String>| Listing {
        filter,
        starred_by,
        ..Listing::default()
    };
    let with_owned = statements.iter().cloned().chain([owned]).collect();
    let user_counts = (
        query::count_cached(db, &mine(Filter::default().and(with_owned), None)).await?,
        query::count_cached(db, &mine(of_kind.filter.clone(), Some(viewer.user_ref))).await?,
    );
    let owners = query::facet(db, "relations.ownedBy", &of_kind).await?;
    let facets = Facets {
        kinds: query::facet(db, "kind", &everything).await?,
        types: query::facet(db, "spec.type", &of_kind).await?,
        owners,
        lifecycles: query::facet(db, "spec.lifecycle", &of_kind).await?,
        tags: query::facet(db, "metadata.tags", &of_kind).await?,
        namespaces: query::facet(db, "metadata.namespace", &everything).await?,
    };
    Ok(IndexPage {
        rows,
        total,
        limit: PAGE_SIZE,
        facets,
        owned: user_counts.0,
        starred: user_counts.1,
    })
}

/// One entity with summaries of everything it relates to.
pub(crate) async fn entity(
    kind: &str,
    namespace: &str,
    name: &str,
) -> Result<Option<EntityPage>, ServerError> {
    let engine = engine()?;
    let entity_ref = format!("{kind}:{namespace}/{name}").to_lowercase();
    let Some(value) = query::by_ref(&engine.db, &entity_ref).await? else { return Ok(None) };
    let entity: Entity = serde_json::from_value(value.clone()).map_err(ServerError::internal)?;
    let targets: Vec<String> = entity.relations.iter().map(|r| r.target_ref.clone()).collect();
    let found = query::by_refs(&engine.db, &targets).await?;
    let related = entity
        .relations
        .iter()
        .zip(found)
        .map(|(r, e)| related(&r.kind, r.target_ref.clone(), e.as_ref(), None))
        .collect();
    let viewer = viewer(&engine).await?;
    let starred = store::is_starred(&engine.db, &viewer.user_ref, &entity_ref).await?;
    let team_owned = team_ownership(&engine, &value).await?;
    Ok(Some(EntityPage { entity, related, starred, team_owned }))
}

/// Targets of one relation type in a stitched entity.
fn targets<'a>(entity: &'a Value, relation: &'a str) -> impl Iterator<Item = String> + 'a {
    let relations = entity["relations"].as_array().into_iter().flatten();
    relations
        .filter(move |r| r["type"] == relation)
        .filter_map(|r| r["targetRef"].as_str().map(str::to_owned))
}

/// Most teams walked and entities listed for aggregated ownership.
const TEAM_LIMIT: usize = 200;

/// Backstage's aggregated ownership: for a group, what every team below it
/// owns; for a user, what their groups own. Each with the owning group.
async fn team_ownership(engine: &Engine, entity: &Value) -> Result<Vec<Related>, ServerError> {
    let (mut frontier, descend): (Vec<String>, bool) = match entity["kind"].as_str() {
        Some("Group") => (targets(entity, "parentOf").collect(), true),
        Some("User") => (targets(entity, "memberOf").collect(), false),
        _ => return Ok(Vec::new()),
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut owned: Vec<(String, String)> = Vec::new();
    while !frontier.is_empty() && seen.len() < TEAM_LIMIT {
        let found = query::by_refs(&engine.db, &frontier).await?;
        let mut next = Vec::new();
        for (group, found) in frontier.iter().zip(found) {
            let Some(found) = found.filter(|_| seen.insert(group.clone())) else { continue };
            owned.extend(targets(&found, "ownerOf").map(|t| (t, group.clone())));
            if descend {
                next.extend(targets(&found, "parentOf"));
            }
        }
        frontier = next;
    }
    owned.sort();
    owned.dedup_by(|a, b| a.0 == b.0);
    owned.truncate(TEAM_LIMIT);
    let refs: Vec<String> = owned.iter().map(|(r, _)| r.clone()).collect();
    let rows = query::by_refs(&engine.db, &refs).await?;
    Ok(owned
        .into_iter()
        .zip(rows)
        .map(|((entity_ref, via), e)| related("ownerOf", entity_ref, e.as_ref(), Some(via)))
        .collect())
}

/// A relation card's entry: the target summarised when it exists.
fn related(
    relation: &str,
    entity_ref: String,
    found: Option<&Value>,
    via: Option<String>,
) -> Related {
    Related {
        relation: relation.to_owned(),
        kind: entity_ref.split(':').next().unwrap_or_default().to_owned(),
        row: found.map(row),
        entity_ref,
        via,
    }
}

/// The neighbourhood of an entity, laid out.
pub(crate) async fn graph(
    root: &str,
    depth: usize,
    relations: &[String],
) -> Result<Graph, ServerError> {
    let engine = engine()?;
    let depth = depth.clamp(1, 4);
    let root = root.to_lowercase();
    let wanted: Vec<String> = if relations.is_empty() {
        PAIRS.iter().map(|(forward, _)| (*forward).to_owned()).collect()
    } else {
        relations.to_vec()
    };
    let mut level: HashMap<String, usize> = HashMap::from([(root.clone(), 0)]);
    let mut info: HashMap<String, Option<Value>> = HashMap::new();
    let mut edges: HashSet<(String, String, String)> = HashSet::new();
    let mut frontier = vec![root.clone()];
    for d in 0..=depth {
        if frontier.is_empty() {
            break;
        }
        let found = query::by_refs(&engine.db, &frontier).await?;
        let mut next = Vec::new();
        for (r, e) in frontier.iter().zip(found) {
            if let Some(e) = &e {
                for rel in e["relations"].as_array().into_iter().flatten() {
                    let (Some(t), Some(target)) = (rel["type"].as_str(), rel["targetRef"].as_str())
                    else {
                        continue;
                    };
                    let forward = wanted.iter().any(|w| w == t);
                    let backward = wanted.iter().any(|w| reverse_of(w) == Some(t));
                    if !forward && !backward {
                        continue;
                    }
                    if d < depth && !level.contains_key(target) && level.len() < 120 {
                        level.insert(target.to_owned(), d + 1);
                        next.push(target.to_owned());
                    }
                    if level.contains_key(target) {
                        let edge = if forward {
                            (r.clone(), target.to_owned(), t.to_owned())
                        } else {
                            let fwd = wanted
                                .iter()
                                .find(|w| reverse_of(w) == Some(t))
                                .cloned()
                                .unwrap_or_default();
                            (target.to_owned(), r.clone(), fwd)
                        };
                        edges.insert(edge);
                    }
                }
            }
            info.insert(r.clone(), e);
        }
        frontier = next;
    }
    let nodes: Vec<Node> = level
        .into_iter()
        .map(|(r, d)| {
            let e = info.remove(&r).flatten();
            (r, e, d)
        })
        .collect();
    let mut edges: Vec<(String, String, String)> = edges.into_iter().collect();
    edges.sort();
    Ok(layout(&root, nodes, &edges))
}

/// Box size and spacing of the graph drawing.
const NODE_W: f32 = 200.0;
const NODE_H: f32 = 48.0;
const GAP_X: f32 = 90.0;
const GAP_Y: f32 = 22.0;

/// A graph node before layout: ref, the entity (when it exists), hops from the root.
pub(crate) type Node = (String, Option<Value>, usize);

/// Lays the graph out in columns by distance from the root: the root in the
/// middle, what it points at to the right, what points at it to the left.
pub(crate) fn layout(root: &str, nodes: Vec<Node>, edges: &[(String, String, String)]) -> Graph {
    // Side: right when the root (or a right node) points at it, left otherwise.
    let mut side: HashMap<&str, i32> = HashMap::from([(root, 0)]);
    let mut by_depth: Vec<&Node> = nodes.iter().collect();
    by_depth.sort_by(|a, b| a.2.cmp(&b.2).then(a.0.cmp(&b.0)));
    for (r, _, d) in &by_depth {
        if r == root {
            continue;
        }
        let right = edges
            .iter()
            .any(|(f, t, _)| t == r && side.get(f.as_str()).is_some_and(|s| *s >= 0) && *f != *r);
        let left =
            edges.iter().any(|(f, t, _)| f == r && side.get(t.as_str()).is_some_and(|s| *s <= 0));
        let d = *d as i32;
        side.insert(r.as_str(), if right || !left { d } else { -d });
    }
    let min = side.values().copied().min().unwrap_or(0);
    let max = side.values().copied().max().unwrap_or(0);
    let mut columns: HashMap<i32, Vec<&Node>> = HashMap::new();
    for n in &by_depth {
        columns.entry(side.get(n.0.as_str()).copied().unwrap_or(0)).or_default().push(n);
    }
    order_columns(&mut columns, edges, min, max);
    let tallest = columns.values().map(Vec::len).max().unwrap_or(1) as f32;
    let height = tallest * (NODE_H + GAP_Y) + GAP_Y;
    let mut out = Graph {
        node_size: (NODE_W, NODE_H),
        width: (max - min + 1) as f32 * (NODE_W + GAP_X) + GAP_X,
        height,
        ..Graph::default()
    };
    let mut pos: HashMap<String, (f32, f32)> = HashMap::new();
    for c in min..=max {
        let Some(col) = columns.get(&c) else { continue };
        let x = GAP_X / 2.0 + (c - min) as f32 * (NODE_W + GAP_X);
        let top = (height - col.len() as f32 * (NODE_H + GAP_Y) + GAP_Y) / 2.0;
        for (i, (r, e, _)) in col.iter().enumerate() {
            let y = top + i as f32 * (NODE_H + GAP_Y);
            pos.insert(r.clone(), (x, y));
            let kind = e
                .as_ref()
                .and_then(|e| e["kind"].as_str())
                .map(str::to_owned)
                .unwrap_or_else(|| r.split(':').next().unwrap_or("").to_owned());
            let label = e
                .as_ref()
                .map(|e| row(e).label)
                .unwrap_or_else(|| r.rsplit('/').next().unwrap_or(r).to_owned());
            out.nodes.push(GraphNode {
                entity_ref: r.clone(),
                kind,
                label,
                href: e.as_ref().map(|_| href(r)),
                x,
                y,
                root: r == root,
            });
        }
    }
    for (f, t, label) in edges {
        let (Some(&(fx, fy)), Some(&(tx, ty))) = (pos.get(f), pos.get(t)) else { continue };
        // Same column: right side to right side (the drawing bows out into the gap).
        let (from, to) = if tx == fx {
            ((fx + NODE_W, fy + NODE_H / 2.0), (tx + NODE_W, ty + NODE_H / 2.0))
        } else if tx > fx {
            ((fx + NODE_W, fy + NODE_H / 2.0), (tx, ty + NODE_H / 2.0))
        } else {
            ((fx, fy + NODE_H / 2.0), (tx + NODE_W, ty + NODE_H / 2.0))
        };
        out.edges.push(GraphEdge { from, to, label: label.clone() });
    }
    out
}

/// Orders each column by where its neighbours sit in the column nearer the
/// root (the mean of their rows; the barycentre heuristic of layered graph
/// drawing), from the root outwards, so edges between neighbouring columns
/// cross as little as it can tell. Ties, and nodes with no such neighbour,
/// keep their order by ref.
fn order_columns(
    columns: &mut HashMap<i32, Vec<&Node>>,
    edges: &[(String, String, String)],
    min: i32,
    max: i32,
) {
    let outwards = (1..=max).map(|c| (c, c - 1)).chain((min..=-1).rev().map(|c| (c, c + 1)));
    for (column, inner) in outwards {
        let rows: HashMap<&str, usize> = columns
            .get(&inner)
            .map(|col| col.iter().enumerate().map(|(i, n)| (n.0.as_str(), i)).collect())
            .unwrap_or_default();
        let Some(nodes) = columns.get_mut(&column) else { continue };
        let centre = |r: &str| -> f32 {
            let near: Vec<usize> = edges
                .iter()
                .filter_map(|(f, t, _)| {
                    if f == r {
                        rows.get(t.as_str()).copied()
                    } else if t == r {
                        rows.get(f.as_str()).copied()
                    } else {
                        None
                    }
                })
                .collect();
            if near.is_empty() {
                f32::MAX
            } else {
                near.iter().sum::<usize>() as f32 / near.len() as f32
            }
        };
        let mut keyed: Vec<(f32, &Node)> = nodes.iter().map(|n| (centre(&n.0), *n)).collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.0.cmp(&b.1.0)));
        *nodes = keyed.into_iter().map(|(_, n)| n).collect();
    }
}

fn import_target(raw: &str) -> Result<Target, ServerError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(PortalError::bad_request("Enter the URL of a catalog-info.yaml file.").into());
    }
    if raw.len() > 2048 {
        return Err(PortalError::bad_request("That address is too long.").into());
    }
    let kind = if raw.contains("://") { "url" } else { "file" };
    Target::new(kind, raw).map_err(|e| PortalError::bad_request(e.to_string()).into())
}

fn check_registrable(engine: &Engine, kind: &str) -> Result<(), ServerError> {
    match engine.refuse_type(kind) {
        Some(refusal) => Err(PortalError::bad_request(refusal).into()),
        None => Ok(()),
    }
}

/// What registering a target would add, without storing anything.
pub(crate) async fn preview_import(raw: &str) -> Result<ImportPreview, ServerError> {
    let engine = engine()?;
    let target = import_target(raw)?;
    check_registrable(&engine, &target.kind)?;
    let root_ref =
        portico_catalog_model::ref_of(&ingest::root_entity(&target.kind, &target.target))
            .unwrap_or_default();
    let outcome = engine.dry_run(&target).await;
    let errors = outcome
        .emitted
        .iter()
        .flat_map(|e| e.errors.iter())
        .filter_map(|i| i["message"].as_str().map(str::to_owned))
        .collect();
    let entities = outcome
        .emitted
        .iter()
        .filter(|e| e.entity_ref != root_ref)
        .map(|e| row(&e.entity.value()))
        .collect();
    let exists = engine.registered(&target).await?.is_some();
    Ok(ImportPreview { kind: target.kind, target: target.target, entities, errors, exists })
}

/// Registers a target; returns how many entities it brought in.
pub(crate) async fn register(raw: &str) -> Result<usize, ServerError> {
    let engine = engine()?;
    if engine.config.readonly {
        return Err(PortalError::new(
            portico_plugin_api::ErrorCode::Forbidden,
            "This catalog is read-only.",
        )
        .into());
    }
    let target = import_target(raw)?;
    check_registrable(&engine, &target.kind)?;
    let Some(location) = engine.register(&target).await? else {
        return Err(PortalError::new(
            portico_plugin_api::ErrorCode::Conflict,
            "This location is already registered.",
        )
        .into());
    };
    let rows = super::sql::rows(
        &engine.db,
        "SELECT COUNT(*) FROM catalog_entities WHERE root_id = $1",
        &[location.id.into()],
    )
    .await?;
    Ok(rows.first().map_or(0, |r| r.int(0)).saturating_sub(1) as usize)
}

/// Every status item of every entity, errors first.
pub(crate) async fn problems() -> Result<Vec<Problem>, ServerError> {
    let engine = engine()?;
    let mut out: Vec<Problem> = store::problems(&engine.db)
        .await?
        .into_iter()
        .flat_map(|(r, items, at, target)| {
            items.as_array().cloned().unwrap_or_default().into_iter().map(move |i| Problem {
                href: href(&r),
                entity_ref: r.clone(),
                target: target.clone(),
                level: i["level"].as_str().unwrap_or("error").to_owned(),
                message: i["message"].as_str().unwrap_or_default().to_owned(),
                at: at.clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.level != "error").cmp(&(b.level != "error")).then(a.entity_ref.cmp(&b.entity_ref))
    });
    Ok(out)
}

/// Stars or unstars an entity for the viewer; refuses refs that do not exist.
pub(crate) async fn set_star(entity_ref: &str, on: bool) -> Result<(), ServerError> {
    let engine = engine()?;
    let canonical = EntityRef::parse(entity_ref, RefContext::default())
        .map_err(|e| PortalError::bad_request(format!("not an entity reference: {e}")))?
        .canonical();
    if query::by_ref(&engine.db, &canonical).await?.is_none() {
        return Err(PortalError::not_found(format!("No entity {canonical}")).into());
    }
    let viewer = viewer(&engine).await?;
    store::set_star(&engine.db, &viewer.user_ref, &canonical, on).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};

    /// Lays out `edges` around `root` (every ref exists, at the given hops)
    /// and draws the columns left to right, each top to bottom.
    fn check(root: &str, hops: &[(&str, usize)], edges: &[(&str, &str)], expected: Expect) {
        let nodes = hops.iter().map(|(r, d)| ((*r).to_owned(), None, *d)).collect();
        let edges: Vec<(String, String, String)> = edges
            .iter()
            .map(|(f, t)| ((*f).to_owned(), (*t).to_owned(), "dependsOn".to_owned()))
            .collect();
        let graph = layout(root, nodes, &edges);
        let mut xs: Vec<f32> = graph.nodes.iter().map(|n| n.x).collect();
        xs.sort_by(f32::total_cmp);
        xs.dedup();
        let mut out = String::new();
        for x in xs {
            let mut column: Vec<&GraphNode> = graph.nodes.iter().filter(|n| n.x == x).collect();
            column.sort_by(|a, b| a.y.total_cmp(&b.y));
            let names: Vec<&str> = column.iter().map(|n| n.entity_ref.as_str()).collect();
            out.push_str(&format!("{}\n", names.join(" / ")));
        }
        expected.assert_eq(&out);
    }

    #[test]
    fn columns_follow_their_neighbours_so_edges_do_not_cross() {
        // By name alone the far column would read y, z: both edges crossing.
        check(
            "c:root",
            &[("c:root", 0), ("c:a", 1), ("c:b", 1), ("c:z", 2), ("c:y", 2)],
            &[("c:root", "c:a"), ("c:root", "c:b"), ("c:a", "c:z"), ("c:b", "c:y")],
            expect![[r#"
                c:root
                c:a / c:b
                c:z / c:y
            "#]],
        );
        // The same on the left: what points at the root, and what points at that.
        check(
            "c:root",
            &[("c:root", 0), ("c:a", 1), ("c:b", 1), ("c:z", 2), ("c:y", 2)],
            &[("c:a", "c:root"), ("c:b", "c:root"), ("c:z", "c:a"), ("c:y", "c:b")],
            expect![[r#"
                c:z / c:y
                c:a / c:b
                c:root
            "#]],
        );
        // A node with two neighbours sits between them; one with none goes last.
        check(
            "c:root",
            &[
                ("c:root", 0),
                ("c:a", 1),
                ("c:b", 1),
                ("c:c", 1),
                ("c:m", 2),
                ("c:n", 2),
                ("c:x", 2),
                ("c:o", 2),
            ],
            &[
                ("c:root", "c:a"),
                ("c:root", "c:b"),
                ("c:root", "c:c"),
                ("c:a", "c:n"),
                ("c:c", "c:n"),
                ("c:a", "c:x"),
                ("c:c", "c:m"),
                ("c:root", "c:m"),
            ],
            expect![[r#"
                c:root
                c:a / c:b / c:c
                c:x / c:n / c:m / c:o
            "#]],
        );
    }
}
