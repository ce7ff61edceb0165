//! Entity validation: the checks Backstage's catalog policies and kind schemas
//! make, run on plain JSON, returning every problem (never only the first) with
//! the dotted path it concerns.
//!
//! The order follows Backstage's: envelope and foreign root fields, metadata
//! field formats, then the kind's spec. Messages use Backstage's wording where a
//! YAML author may already know it, and say what was expected and what was found.

use crate::fields::{self, problem};
use crate::kinds::{self, FieldType, KindDef};
use crate::refs::{EntityRef, RefContext};
use serde_json::{Map, Value};

/// One thing wrong with an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The dotted path it concerns (`metadata.name`, `spec.providesApis[1]`); empty for the root.
    pub path: String,
    /// What is wrong and what would be right.
    pub message: String,
    /// True when the problem is the key itself (unknown or missing field), not its value.
    pub at_key: bool,
}

impl Problem {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into(), at_key: false }
    }

    fn at_key(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into(), at_key: true }
    }
}

const ROOT_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "spec", "relations", "status"];

/// Validates one entity as written in a descriptor (or sent to the API).
pub fn validate_entity(value: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(root) = value.as_object() else {
        out.push(Problem::new(
            "",
            format!("an entity must be a mapping, found {}", describe(value)),
        ));
        return out;
    };
    for key in root.keys() {
        if !ROOT_FIELDS.contains(&key.as_str()) {
            out.push(Problem::at_key(
                key.clone(),
                format!("unknown top-level field \"{key}\"; an entity has only apiVersion, kind, metadata and spec (did you mean to put it under spec?)"),
            ));
        }
    }
    let api_version = required_str(root, "apiVersion", "", &mut out);
    if let Some(v) = api_version
        && !fields::is_valid_api_version(v)
    {
        out.push(Problem::new("apiVersion", problem("apiVersion", "a string that is a sequence of maximum 63 characters, optionally prefixed by a DNS subdomain and a /, for example backstage.io/v1alpha1", v)));
    }
    let kind = required_str(root, "kind", "", &mut out);
    if let Some(k) = kind
        && !fields::is_valid_kind(k)
    {
        out.push(Problem::new(
            "kind",
            problem(
                "kind",
                "a string that is a sequence of [a-zA-Z][a-z0-9A-Z] of at most 63 characters",
                k,
            ),
        ));
    }
    let namespace = match root.get("metadata") {
        Some(Value::Object(meta)) => validate_metadata(meta, &mut out),
        Some(other) => {
            out.push(Problem::new(
                "metadata",
                format!("\"metadata\" must be a mapping, found {}", describe(other)),
            ));
            "default".to_owned()
        }
        None => {
            out.push(Problem::at_key(
                "",
                "missing required field \"metadata\" (with at least a name)",
            ));
            "default".to_owned()
        }
    };
    nul_characters(value, "", &mut out);
    if root.contains_key("relations") {
        out.push(Problem::new("relations", "\"relations\" are computed by the catalog from spec fields and cannot be written in a descriptor"));
    }
    if let (Some(kind), Some(api_version)) = (kind, api_version) {
        match kinds::kind_def(kind) {
            Some(def) => validate_spec(def, api_version, root, &namespace, &mut out),
            None if fields::is_valid_kind(kind) => {
                let known: Vec<&str> = kinds::KINDS.iter().map(|k| k.kind).collect();
                out.push(Problem::new(
                    "kind",
                    format!("unsupported kind \"{kind}\"; the catalog knows {}", known.join(", ")),
                ));
            }
            None => {}
        }
    }
    out
}

/// A NUL character anywhere (in a key or a string): PostgreSQL's text cannot
/// hold one, so the entity could be stored on one database and not the other.
fn nul_characters(value: &Value, path: &str, out: &mut Vec<Problem>) {
    let message = |path: &str| {
        format!(
            "\"{path}\" contains a NUL character (\\0), which the catalog cannot store; remove it"
        )
    };
    match value {
        Value::String(s) if s.contains('\0') => out.push(Problem::new(path, message(path))),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                nul_characters(item, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let child = join(path, key);
                if key.contains('\0') {
                    out.push(Problem::at_key(child.clone(), message(&child.replace('\0', "\\0"))));
                }
                nul_characters(item, &child, out);
            }
        }
        _ => {}
    }
}

fn required_str<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    parent: &str,
    out: &mut Vec<Problem>,
) -> Option<&'a str> {
    let path = join(parent, key);
    match map.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        Some(Value::String(_)) => {
            out.push(Problem::new(path, format!("\"{key}\" must not be empty")));
            None
        }
        Some(other) => {
            out.push(Problem::new(
                path,
                format!("\"{key}\" must be a string, found {}", describe(other)),
            ));
            None
        }
        None => {
            out.push(Problem::at_key(parent, format!("missing required field \"{key}\"")));
            None
        }
    }
}

fn validate_metadata(meta: &Map<String, Value>, out: &mut Vec<Problem>) -> String {
    if let Some(name) = required_str(meta, "name", "metadata", out)
        && !fields::is_valid_name(name)
    {
        out.push(Problem::new("metadata.name", problem("metadata.name", "a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total", name)));
    }
    let mut namespace = "default".to_owned();
    match meta.get("namespace") {
        None => {}
        Some(Value::String(ns)) if fields::is_valid_namespace(ns) => namespace = ns.clone(),
        Some(Value::String(ns)) => out.push(Problem::new("metadata.namespace", problem("metadata.namespace", "a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total", ns))),
        Some(other) => out.push(Problem::new("metadata.namespace", format!("\"metadata.namespace\" must be a string, found {}", describe(other)))),
    }
    for key in ["title", "description"] {
        if let Some(v) = meta.get(key)
            && !v.is_string()
        {
            out.push(Problem::new(
                join("metadata", key),
                format!("\"metadata.{key}\" must be a string, found {}", describe(v)),
            ));
        }
    }
    for (field, value_rule) in [("labels", true), ("annotations", false)] {
        let path = join("metadata", field);
        match meta.get(field) {
            None => {}
            Some(Value::Object(map)) => {
                for (key, value) in map {
                    let entry = format!("{path}.{key}");
                    if !fields::is_valid_key(key) {
                        out.push(Problem::new(
                            &entry,
                            problem(
                                &format!("{path}.{key}"),
                                "a valid prefix and/or suffix, e.g. backstage.io/kind or kind",
                                key,
                            ),
                        ));
                    }
                    match value {
                        Value::String(v) if value_rule && !fields::is_valid_label_value(v) => out.push(Problem::new(&entry, problem(&entry, "a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total", v))),
                        Value::String(_) => {}
                        other => out.push(Problem::new(&entry, format!("\"{entry}\" must be a string, found {} (quote it: \"{}\")", describe(other), other))),
                    }
                }
            }
            Some(other) => out.push(Problem::new(
                &path,
                format!("\"{path}\" must be a mapping of strings, found {}", describe(other)),
            )),
        }
    }
    match meta.get("tags") {
        None => {}
        Some(Value::Array(tags)) => {
            for (i, tag) in tags.iter().enumerate() {
                let path = format!("metadata.tags[{i}]");
                match tag {
                    Value::String(t) if fields::is_valid_tag(t) => {}
                    Value::String(t) => out.push(Problem::new(&path, problem(&path, "a string that is sequences of [a-z0-9+#] separated by [-], at most 63 characters in total", t))),
                    other => out.push(Problem::new(&path, format!("tags must be strings, found {}", describe(other)))),
                }
            }
        }
        Some(other) => out.push(Problem::new(
            "metadata.tags",
            format!("\"metadata.tags\" must be a list of strings, found {}", describe(other)),
        )),
    }
    match meta.get("links") {
        None => {}
        Some(Value::Array(links)) => {
            for (i, link) in links.iter().enumerate() {
                let path = format!("metadata.links[{i}]");
                let Some(link) = link.as_object() else {
                    out.push(Problem::new(
                        &path,
                        format!("a link must be a mapping with a url, found {}", describe(link)),
                    ));
                    continue;
                };
                if let Some(url) = required_str(link, "url", &path, out)
                    && !is_absolute_url(url)
                {
                    out.push(Problem::new(format!("{path}.url"), format!("\"{path}.url\" must be an absolute URL such as https://example.com, found \"{url}\"")));
                }
                for key in ["title", "icon", "type"] {
                    match link.get(key) {
                        None => {}
                        Some(Value::String(s)) if !s.is_empty() => {}
                        Some(other) => out.push(Problem::new(
                            format!("{path}.{key}"),
                            format!(
                                "\"{path}.{key}\" must be a non-empty string, found {}",
                                describe(other)
                            ),
                        )),
                    }
                }
            }
        }
        Some(other) => out.push(Problem::new(
            "metadata.links",
            format!("\"metadata.links\" must be a list, found {}", describe(other)),
        )),
    }
    namespace
}

fn validate_spec(
    def: &KindDef,
    api_version: &str,
    root: &Map<String, Value>,
    namespace: &str,
    out: &mut Vec<Problem>,
) {
    if !def.api_versions.contains(&api_version) {
        out.push(Problem::new(
            "apiVersion",
            format!(
                "kind {} does not support apiVersion \"{api_version}\"; use {}",
                def.kind,
                def.api_versions.join(" or ")
            ),
        ));
    }
    let spec = match root.get("spec") {
        Some(Value::Object(spec)) => spec,
        Some(other) => {
            out.push(Problem::new(
                "spec",
                format!("\"spec\" must be a mapping, found {}", describe(other)),
            ));
            return;
        }
        None => {
            let needed: Vec<&str> =
                def.fields.iter().filter(|f| f.required).map(|f| f.name).collect();
            let hint = if needed.is_empty() {
                "an empty spec: {} is enough".to_owned()
            } else {
                format!("it needs {}", needed.join(", "))
            };
            out.push(Problem::at_key(
                "",
                format!("missing required field \"spec\" for kind {} ({hint})", def.kind),
            ));
            return;
        }
    };
    let spec_type = spec.get("type").and_then(Value::as_str);
    let extra = kinds::required_for_type(def.kind, spec_type);
    for f in def.fields {
        let path = format!("spec.{}", f.name);
        let Some(value) = spec.get(f.name) else {
            if f.required || extra.contains(&f.name) {
                out.push(Problem::at_key(
                    "spec",
                    format!("missing required field \"spec.{}\" for kind {}", f.name, def.kind),
                ));
            }
            continue;
        };
        check_field(&path, f.ty, value, namespace, out);
    }
    if def.kind == "Location"
        && let Some(Value::String(p)) = spec.get("presence")
        && p != "required"
        && p != "optional"
    {
        out.push(Problem::new(
            "spec.presence",
            format!("\"spec.presence\" must be required or optional, found \"{p}\""),
        ));
    }
}

fn check_field(path: &str, ty: FieldType, value: &Value, namespace: &str, out: &mut Vec<Problem>) {
    let expect = |what: &str, out: &mut Vec<Problem>| {
        out.push(Problem::new(
            path,
            format!("\"{path}\" must be {what}, found {}", describe(value)),
        ));
    };
    match ty {
        FieldType::String => match value {
            Value::String(s) if !s.is_empty() => {}
            // `$text`/`$json`/`$yaml` are replaced before ingestion validates.
            _ if is_placeholder(value) => {}
            _ => expect("a non-empty string", out),
        },
        FieldType::Strings => match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if !item.is_string() {
                        let p = format!("{path}[{i}]");
                        out.push(Problem::new(
                            &p,
                            format!("\"{p}\" must be a string, found {}", describe(item)),
                        ));
                    }
                }
            }
            _ => expect("a list of strings", out),
        },
        FieldType::Ref(default_kind) => check_ref(path, value, default_kind, namespace, out),
        FieldType::Refs(default_kind) => match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_ref(&format!("{path}[{i}]"), item, default_kind, namespace, out);
                }
            }
            _ => expect("a list of entity references", out),
        },
        FieldType::Object => {
            if !value.is_object() {
                expect("a mapping", out)
            }
        }
        FieldType::List => {
            if !value.is_array() {
                expect("a list", out)
            }
        }
        FieldType::ObjectOrList => {
            if !value.is_object() && !value.is_array() {
                expect("a mapping or a list", out)
            }
        }
    }
}

fn check_ref(
    path: &str,
    value: &Value,
    default_kind: Option<&str>,
    namespace: &str,
    out: &mut Vec<Problem>,
) {
    let Value::String(s) = value else {
        out.push(Problem::new(
            path,
            format!(
                "\"{path}\" must be an entity reference such as group:default/team-a, found {}",
                describe(value)
            ),
        ));
        return;
    };
    // Backstage's schemas only require a non-empty string here and its parser
    // does not check the parts' format (legacy files use e-mail addresses as
    // owners), so only a reference that does not parse is a problem.
    let context = RefContext { default_kind, default_namespace: namespace };
    if let Err(e) = EntityRef::parse(s, context) {
        let hint = if default_kind.is_none() {
            " (this field has no default kind: write it, as in resource:my-db)"
        } else {
            ""
        };
        out.push(Problem::new(path, format!("\"{path}\": {e}{hint}")));
    }
}

/// `{$text: ./file}` and its `$json`/`$yaml` siblings: a value read from another file.
pub fn is_placeholder(value: &Value) -> bool {
    value.as_object().is_some_and(|map| {
        map.len() == 1
            && map
                .iter()
                .all(|(k, v)| matches!(k.as_str(), "$text" | "$json" | "$yaml") && v.is_string())
    })
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_owned() } else { format!("{parent}.{key}") }
}

/// How a value is described in messages.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".to_owned(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) if s.is_empty() => "an empty string".to_owned(),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

/// An absolute URL: `scheme:rest`, a letter-led scheme, no whitespace (what `new URL()` accepts, roughly).
pub fn is_absolute_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else { return false };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(char::is_whitespace)
        && (!matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https")
            || rest.starts_with("//") && rest.len() > 2)
}
