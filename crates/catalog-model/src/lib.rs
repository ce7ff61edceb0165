//! The entity vocabulary shared by every part of Portico.
//!
//! This crate is pure data: no I/O, no framework, and it builds for `wasm32`.
//! It holds the Backstage-compatible entity envelope (`apiVersion`, `kind`,
//! `metadata`, `spec`, `relations`) that plugins receive when they contribute
//! entity-page tabs and cards, entity references ([`refs`]), the field format
//! rules ([`fields`]), the built-in kinds ([`kinds`]) and the relations they
//! emit ([`relations`]), validation that reports every problem ([`validate`])
//! with file, line and column ([`yaml`], [`diagnostic`]), and the JSON Schema
//! editors use ([`schema`]).

pub mod diagnostic;
pub mod fields;
pub mod kinds;
pub mod refs;
pub mod relations;
pub mod schema;
pub mod validate;
pub mod yaml;

pub use refs::{EntityRef, RefContext, RefError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The canonical ref (`kind:namespace/name`, lower-case) of an entity given as
/// JSON, when its kind and name are non-empty strings; the namespace defaults
/// to `default`.
pub fn ref_of(entity: &serde_json::Value) -> Option<String> {
    let kind = entity.get("kind")?.as_str()?;
    let meta = entity.get("metadata")?;
    let name = meta.get("name")?.as_str()?;
    let namespace = meta.get("namespace").and_then(serde_json::Value::as_str).unwrap_or("default");
    (!kind.is_empty() && !name.is_empty())
        .then(|| format!("{kind}:{namespace}/{name}").to_lowercase())
}

/// One catalog entity, in Backstage's envelope shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entity {
    /// For example `backstage.io/v1alpha1`.
    pub api_version: String,
    /// For example `Component`.
    pub kind: String,
    /// Name, namespace, title and the other common fields.
    pub metadata: Metadata,
    /// The kind-specific part, kept as written.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub spec: serde_json::Value,
    /// Relations computed by the catalog.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
    /// Processing results (errors and warnings) computed by the catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

/// `status` of an entity: what the catalog found while processing it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// One item per finding.
    #[serde(default)]
    pub items: Vec<StatusItem>,
}

/// One processing finding, in Backstage's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusItem {
    /// For example `backstage.io/catalog-processing`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `info`, `warning` or `error`.
    pub level: String,
    /// What happened.
    pub message: String,
    /// The error, when the item reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<serde_json::Value>,
}

/// A link in `metadata.links`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// An absolute URL.
    pub url: String,
    /// What to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A semantic icon key (`docs`, `dashboard`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// A free-form type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// The `metadata` block every entity has.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// Unique within kind and namespace (case-insensitively).
    pub name: String,
    /// Defaults to `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// A human-readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A short description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Key/value labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Key/value annotations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Links to dashboards, runbooks and the like.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Assigned by the catalog on first insert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Changes whenever the stored entity changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
}

/// A directed relation to another entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Relation {
    /// For example `ownedBy`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The canonical reference of the target, `kind:namespace/name`.
    pub target_ref: String,
}

impl Entity {
    /// The namespace, with Backstage's default applied.
    pub fn namespace(&self) -> &str {
        self.metadata.namespace.as_deref().unwrap_or("default")
    }

    /// The canonical, lower-cased reference `kind:namespace/name`.
    pub fn entity_ref(&self) -> String {
        format!("{}:{}/{}", self.kind, self.namespace(), self.metadata.name).to_lowercase()
    }

    /// `spec.type`, when the kind has one.
    pub fn spec_type(&self) -> Option<&str> {
        self.spec.get("type").and_then(serde_json::Value::as_str)
    }

    /// An annotation's value.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.metadata.annotations.get(key).map(String::as_str)
    }

    /// A string field of the spec.
    pub fn spec_str(&self, key: &str) -> Option<&str> {
        self.spec.get(key).and_then(serde_json::Value::as_str)
    }

    /// The title if set, else the name.
    pub fn display_name(&self) -> &str {
        self.metadata.title.as_deref().unwrap_or(&self.metadata.name)
    }

    /// Targets of the relations of one type.
    pub fn related<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.relations.iter().filter(move |r| r.kind == kind).map(|r| r.target_ref.as_str())
    }

    /// True when the kind matches, case-insensitively (Backstage compares kinds that way).
    pub fn is_kind(&self, kind: &str) -> bool {
        self.kind.eq_ignore_ascii_case(kind)
    }
}

#[cfg(test)]
mod tests;
