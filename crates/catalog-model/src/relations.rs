//! The relations an entity's spec emits, in both directions (spec §1.5).
//!
//! `owner: team-a` on `component:default/x` emits `x ownedBy group:default/team-a`
//! and `group:default/team-a ownerOf x`. Targets take the field's default kind
//! and the entity's namespace; every ref is canonical (lower-case). References
//! that do not parse are skipped here: validation reports them.

use crate::kinds::{self, FieldType};
use crate::refs::{EntityRef, RefContext};
use serde_json::Value;

/// Every relation pair: the forward name (as the graph draws it) and its reverse.
/// The kinds table's reference fields emit exactly these (some fields emit a
/// pair the other way round, as `dependencyOf` does).
pub const PAIRS: &[(&str, &str)] = &[
    ("ownedBy", "ownerOf"),
    ("partOf", "hasPart"),
    ("providesApi", "apiProvidedBy"),
    ("consumesApi", "apiConsumedBy"),
    ("dependsOn", "dependencyOf"),
    ("memberOf", "hasMember"),
    ("childOf", "parentOf"),
];

/// The reverse of a forward relation name, if it is one.
pub fn reverse_of(forward: &str) -> Option<&'static str> {
    PAIRS.iter().find(|(f, _)| *f == forward).map(|(_, r)| *r)
}

/// One directed edge.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Edge {
    /// Canonical ref of the entity the relation belongs to.
    pub source: String,
    /// For example `ownedBy`.
    pub kind: &'static str,
    /// Canonical ref of the other end.
    pub target: String,
}

/// Every edge the entity emits: each forward relation and its reverse.
pub fn emitted(entity: &Value) -> Vec<Edge> {
    let Some(source) = crate::ref_of(entity) else { return Vec::new() };
    let Some(def) = entity.get("kind").and_then(Value::as_str).and_then(kinds::kind_def) else {
        return Vec::new();
    };
    let namespace =
        entity["metadata"].get("namespace").and_then(Value::as_str).unwrap_or("default");
    let Some(spec) = entity.get("spec") else { return Vec::new() };
    let mut out = Vec::new();
    for field in def.fields {
        let Some((forward, reverse)) = field.relation else { continue };
        let (default_kind, values): (_, Vec<&Value>) = match (field.ty, spec.get(field.name)) {
            (FieldType::Ref(k), Some(v)) => (k, vec![v]),
            (FieldType::Refs(k), Some(Value::Array(items))) => (k, items.iter().collect()),
            _ => continue,
        };
        let context = RefContext { default_kind, default_namespace: namespace };
        for value in values {
            let Some(text) = value.as_str() else { continue };
            let Ok(target) = EntityRef::parse(text, context) else { continue };
            let target = target.canonical();
            out.push(Edge { source: source.clone(), kind: forward, target: target.clone() });
            out.push(Edge { source: target, kind: reverse, target: source.clone() });
        }
    }
    out.sort();
    out.dedup();
    out
}
