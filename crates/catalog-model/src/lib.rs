//! The entity vocabulary shared by every part of Portico.
//!
//! This crate is pure data: no I/O, no framework, and it builds for `wasm32`.
//! It holds the Backstage-compatible entity envelope (`apiVersion`, `kind`,
//! `metadata`, `spec`, `relations`) that plugins receive when they contribute
//! entity-page tabs and cards, entity references ([`refs`]) and the field
//! format rules ([`fields`]). Descriptor validation with locations and the
//! per-kind specs grow here with the catalog.

pub mod fields;
pub mod refs;

pub use refs::{EntityRef, RefContext, RefError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

    /// True when the kind matches, case-insensitively (Backstage compares kinds that way).
    pub fn is_kind(&self, kind: &str) -> bool {
        self.kind.eq_ignore_ascii_case(kind)
    }
}

#[cfg(test)]
mod tests;
