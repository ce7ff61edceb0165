//! A JSON Schema (draft-07) for `catalog-info.yaml`, generated from the kinds
//! table so it always matches what the catalog enforces. Editors use it through
//! yaml-language-server: `# yaml-language-server: $schema=<file>` or a
//! `yaml.schemas` setting.

use crate::kinds::{FieldType, KINDS};
use serde_json::{Value, json};

const NAME_PATTERN: &str = "^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$";
const NAMESPACE_PATTERN: &str = "^[a-z0-9]+(?:-+[a-z0-9]+)*$";
const TAG_PATTERN: &str = "^[a-z0-9+#]+(-[a-z0-9+#]+)*$";

/// The schema, as JSON.
pub fn catalog_info_schema() -> Value {
    let kinds: Vec<&str> = KINDS.iter().map(|k| k.kind).collect();
    let per_kind: Vec<Value> = KINDS
        .iter()
        .map(|def| {
            let mut properties = serde_json::Map::new();
            for f in def.fields {
                properties.insert(f.name.to_owned(), field_schema(f.ty));
            }
            let required: Vec<&str> =
                def.fields.iter().filter(|f| f.required).map(|f| f.name).collect();
            json!({
                "if": { "properties": { "kind": { "const": def.kind } }, "required": ["kind"] },
                "then": {
                    "description": def.description,
                    "required": ["spec"],
                    "properties": {
                        "apiVersion": { "enum": def.api_versions },
                        "spec": { "type": "object", "required": required, "properties": properties }
                    }
                }
            })
        })
        .collect();
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://portico.invalid/schema/catalog-info.schema.json",
        "title": "Catalog entity descriptor (catalog-info.yaml)",
        "description": "One entity of the Portico catalog, in Backstage's format.",
        "type": "object",
        "required": ["apiVersion", "kind", "metadata"],
        "additionalProperties": false,
        "properties": {
            "apiVersion": { "type": "string", "description": "For example backstage.io/v1alpha1." },
            "kind": { "type": "string", "enum": kinds },
            "metadata": metadata_schema(),
            "spec": { "type": "object" }
        },
        "allOf": per_kind
    })
}

fn field_schema(ty: FieldType) -> Value {
    match ty {
        FieldType::String => json!({ "type": "string", "minLength": 1 }),
        FieldType::Strings => json!({ "type": "array", "items": { "type": "string" } }),
        FieldType::Ref(kind) => ref_schema(kind),
        FieldType::Refs(kind) => json!({ "type": "array", "items": ref_schema(kind) }),
        FieldType::Object => json!({ "type": "object" }),
        FieldType::List => json!({ "type": "array" }),
        FieldType::ObjectOrList => json!({ "type": ["object", "array"] }),
    }
}

fn ref_schema(kind: Option<&str>) -> Value {
    let description = match kind {
        Some(k) => {
            format!("An entity reference, [kind:][namespace/]name; the kind defaults to {k}.")
        }
        None => "An entity reference with its kind, kind:[namespace/]name.".to_owned(),
    };
    json!({ "type": "string", "minLength": 1, "description": description })
}

fn metadata_schema() -> Value {
    json!({
        "type": "object",
        "required": ["name"],
        "additionalProperties": true,
        "properties": {
            "name": { "type": "string", "minLength": 1, "maxLength": 63, "pattern": NAME_PATTERN },
            "namespace": { "type": "string", "minLength": 1, "maxLength": 63, "pattern": NAMESPACE_PATTERN },
            "title": { "type": "string" },
            "description": { "type": "string" },
            "labels": { "type": "object", "additionalProperties": { "type": "string" } },
            "annotations": { "type": "object", "additionalProperties": { "type": "string" } },
            "tags": { "type": "array", "items": { "type": "string", "minLength": 1, "maxLength": 63, "pattern": TAG_PATTERN } },
            "links": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["url"],
                    "properties": {
                        "url": { "type": "string", "minLength": 1 },
                        "title": { "type": "string", "minLength": 1 },
                        "icon": { "type": "string", "minLength": 1 },
                        "type": { "type": "string", "minLength": 1 }
                    }
                }
            }
        }
    })
}
