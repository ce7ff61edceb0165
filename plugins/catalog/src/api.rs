//! Server functions: the wire boundary between the catalog pages and the
//! server. Thin: the types the pages need, and calls into `server::views`.
//! Pages receive only what they show (one page of rows, one entity and the
//! summaries of its neighbours), never the catalog.

use leptos::prelude::*;
use portico_catalog_model::Entity;
use portico_plugin_api::PortalError;
use serde::{Deserialize, Serialize};

/// The index's filters and paging, exactly as in the URL (Backstage's keys).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexQuery {
    /// `filters[kind]`, default `component`.
    pub kind: Option<String>,
    /// `filters[type]`.
    pub ty: Option<String>,
    /// `filters[owners]`.
    pub owner: Option<String>,
    /// `filters[lifecycles]`.
    pub lifecycle: Option<String>,
    /// `filters[tags]`.
    pub tag: Option<String>,
    /// `filters[namespace]`.
    pub namespace: Option<String>,
    /// `filters[text]`.
    pub text: Option<String>,
    /// `filters[processing]`: `orphan` or `error`.
    pub processing: Option<String>,
    /// `filters[user]`: `owned` (by me or my groups), `starred`, or all.
    pub user: Option<String>,
    /// Sort column key and direction (`asc`/`desc`).
    pub sort: Option<(String, String)>,
    /// First row.
    pub offset: usize,
}

/// One row of the index table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Link target: `/catalog/<ns>/<kind>/<name>`.
    pub href: String,
    /// Title or name.
    pub label: String,
    /// `kind:namespace/name`.
    pub entity_ref: String,
    /// The system, when set.
    pub system: Option<String>,
    /// The owner, as written.
    pub owner: Option<String>,
    /// `spec.type`.
    pub ty: Option<String>,
    /// `spec.lifecycle`.
    pub lifecycle: Option<String>,
    /// `metadata.description`.
    pub description: Option<String>,
    /// `metadata.tags`.
    pub tags: Vec<String>,
}

/// The values each filter can take, with counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    /// Kinds present.
    pub kinds: Vec<(String, i64)>,
    /// `spec.type` values of the selected kind.
    pub types: Vec<(String, i64)>,
    /// Owners.
    pub owners: Vec<(String, i64)>,
    /// Lifecycles.
    pub lifecycles: Vec<(String, i64)>,
    /// Tags.
    pub tags: Vec<(String, i64)>,
    /// Namespaces.
    pub namespaces: Vec<(String, i64)>,
}

/// One page of the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexPage {
    /// The rows of this page.
    pub rows: Vec<Row>,
    /// Rows in the whole result.
    pub total: usize,
    /// Rows per page.
    pub limit: usize,
    /// Filter values.
    pub facets: Facets,
    /// Entities of the selected kind owned by the viewer or their groups.
    pub owned: i64,
    /// Entities of the selected kind the viewer starred.
    pub starred: i64,
}

/// The catalog index data.
#[server(prefix = "/api/catalog/fn", endpoint = "load_index")]
pub async fn load_index(query: IndexQuery) -> Result<IndexPage, PortalError> {
    crate::server::views::index(query).await.map_err(Into::into)
}

/// A neighbour of an entity, summarised for the relation cards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Related {
    /// The relation type from the page's entity, for example `ownerOf`.
    pub relation: String,
    /// The target's canonical ref.
    pub entity_ref: String,
    /// The target, when it exists in the catalog.
    pub row: Option<Row>,
    /// Its kind (from the ref when missing).
    pub kind: String,
    /// For ownership through a team: the group that owns it.
    pub via: Option<String>,
}

/// The entity page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityPage {
    /// The entity.
    pub entity: Entity,
    /// Every related entity, summarised.
    pub related: Vec<Related>,
    /// Whether the viewer starred it.
    pub starred: bool,
    /// What the teams below a group (for a group), or a user's groups (for a
    /// user), own: Backstage's aggregated ownership. At most 200.
    pub team_owned: Vec<Related>,
}

/// One entity and its neighbours; `None` when there is no such entity.
#[server(prefix = "/api/catalog/fn", endpoint = "load_entity")]
pub async fn load_entity(
    kind: String,
    namespace: String,
    name: String,
) -> Result<Option<EntityPage>, PortalError> {
    crate::server::views::entity(&kind, &namespace, &name).await.map_err(Into::into)
}

/// Stars (`star` = true) or unstars an entity for the viewer. A plain form
/// post works without JavaScript: the server sends the browser back.
#[server(prefix = "/api/catalog/fn", endpoint = "set_star")]
pub async fn set_star(entity_ref: String, star: bool) -> Result<(), PortalError> {
    crate::server::views::set_star(&entity_ref, star).await.map_err(Into::into)
}

/// A graph laid out on the server, ready to draw.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Graph {
    /// Width and height of the drawing.
    pub width: f32,
    /// Height.
    pub height: f32,
    /// Width and height of every box.
    pub node_size: (f32, f32),
    /// Boxes.
    pub nodes: Vec<GraphNode>,
    /// Arrows.
    pub edges: Vec<GraphEdge>,
}

/// One box of the graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphNode {
    /// Canonical ref.
    pub entity_ref: String,
    /// Two lines: kind, then title or name.
    pub kind: String,
    /// Title or name.
    pub label: String,
    /// Link to the entity page (`None` when the entity does not exist).
    pub href: Option<String>,
    /// Top-left corner.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// The graph's root.
    pub root: bool,
}

/// One arrow, from a box to a box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphEdge {
    /// Start point.
    pub from: (f32, f32),
    /// End point.
    pub to: (f32, f32),
    /// The relation, for example `ownedBy`.
    pub label: String,
}

/// The relations around an entity, up to `depth` hops, of the given types (all when empty).
#[server(prefix = "/api/catalog/fn", endpoint = "load_graph")]
pub async fn load_graph(
    entity_ref: String,
    depth: usize,
    relations: Vec<String>,
) -> Result<Graph, PortalError> {
    crate::server::views::graph(&entity_ref, depth, &relations).await.map_err(Into::into)
}

/// What registering a target would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// `url` or `file`.
    pub kind: String,
    /// The target as it will be stored.
    pub target: String,
    /// Entities it would add (refs with kind and title), the generated location excluded.
    pub entities: Vec<Row>,
    /// Problems found while reading it.
    pub errors: Vec<String>,
    /// Already registered.
    pub exists: bool,
}

/// Dry-runs a registration.
#[server(prefix = "/api/catalog/fn", endpoint = "preview_import")]
pub async fn preview_import(target: String) -> Result<ImportPreview, PortalError> {
    crate::server::views::preview_import(&target).await.map_err(Into::into)
}

/// Registers a location, then sends the browser to the import page's result.
#[server(prefix = "/api/catalog/fn", endpoint = "register")]
pub async fn register(target: String) -> Result<(), PortalError> {
    let count = crate::server::views::register(&target).await?;
    #[cfg(feature = "ssr")]
    leptos_axum::redirect(&format!(
        "/catalog-import?registered={count}&target={}",
        portico_plugin_api::url::encode_component(&target)
    ));
    #[cfg(not(feature = "ssr"))]
    let _ = count;
    Ok(())
}

/// One row of the Problems page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// The entity (a Location entity for read failures).
    pub entity_ref: String,
    /// For a Location entity, what it reads (`file:/…/catalog-info.yaml`): the
    /// generated name of a registered location says nothing to a reader.
    pub target: Option<String>,
    /// Link to it.
    pub href: String,
    /// `error` or `warning`.
    pub level: String,
    /// What happened.
    pub message: String,
    /// When it was last processed (RFC 3339).
    pub at: String,
}

/// Every processing problem in the catalog.
#[server(prefix = "/api/catalog/fn", endpoint = "load_problems")]
pub async fn load_problems() -> Result<Vec<Problem>, PortalError> {
    crate::server::views::problems().await.map_err(Into::into)
}
