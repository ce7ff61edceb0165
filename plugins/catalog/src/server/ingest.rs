//! Reading one registered location and everything it leads to: the `Location`
//! entities it holds point at more files, and so on (spec §3.2, steps 1–2).
//!
//! The result is a list of processed entities (annotated with where they came
//! from), the errors that belong to each, and which previously stored entities
//! must be kept although they were not read this time (their location failed to
//! read: a failed read never orphans). Nothing here touches the database.

use super::read::{self, Reader, Target};
use portico_catalog_model::ref_of;
use portico_catalog_model::validate::validate_entity;
use portico_catalog_model::yaml::{self, Document};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

/// Annotation names the catalog writes.
pub(crate) const MANAGED_BY: &str = "backstage.io/managed-by-location";
pub(crate) const MANAGED_BY_ORIGIN: &str = "backstage.io/managed-by-origin-location";
pub(crate) const ORPHAN: &str = "backstage.io/orphan";
pub(crate) const PROCESSING_ERROR: &str = "backstage.io/catalog-processing";

/// A location tree deeper than this is refused (a cycle that escapes detection, or a mistake).
const MAX_LOCATION_DEPTH: usize = 32;

/// An entity as processed (placeholders resolved, catalog annotations
/// added), kept as compact JSON text: a root of 100,000 entities is held
/// whole until it is stored, and text takes a fraction of the memory of
/// parsed values. It is parsed again only where its fields are needed.
#[derive(Debug, Clone)]
pub(crate) struct Processed(Box<str>);

impl Processed {
    pub(crate) fn new(entity: &Value) -> Self {
        Self(entity.to_string().into_boxed_str())
    }

    /// The JSON text, as stored in `catalog_entities.processed`.
    pub(crate) fn json(&self) -> &str {
        &self.0
    }

    /// The entity, parsed from text that was serialised from a value.
    pub(crate) fn value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }
}

/// One entity read from a location, ready to store.
#[derive(Debug, Clone)]
pub(crate) struct Emitted {
    /// Canonical ref.
    pub(crate) entity_ref: String,
    /// The entity, placeholders resolved and catalog annotations added.
    pub(crate) entity: Processed,
    /// The `Location` entity that emitted it (`None` for the root).
    pub(crate) parent_ref: Option<String>,
    /// Errors and warnings that belong to this entity (`status.items`).
    pub(crate) errors: Vec<Value>,
}

/// What reading a root location produced.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// Entities in the order they were read; refs are unique.
    pub(crate) emitted: Vec<Emitted>,
    /// Location entities whose targets could not be read: their stored children stay.
    pub(crate) failed_locations: HashSet<String>,
    /// Entities whose new version is invalid: the stored version stays, with these errors.
    pub(crate) failed_entities: HashMap<String, Vec<Value>>,
}

/// Which kinds a location may contribute.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    /// Lower-case kind names.
    pub(crate) allow: Vec<String>,
}

impl Rules {
    fn allows(&self, kind: &str) -> bool {
        self.allow.iter().any(|k| k.eq_ignore_ascii_case(kind))
    }
}

/// The `Location` entity Backstage generates for a registered location.
pub(crate) fn root_entity(kind: &str, target: &str) -> Value {
    use sha2::Digest;
    let key = format!("{kind}:{target}");
    let hash = hex::encode(sha2::Sha256::digest(key.as_bytes()));
    json!({
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Location",
        "metadata": {
            "name": format!("generated-{}", &hash[..40]),
            "namespace": "default",
            "annotations": { MANAGED_BY: key, MANAGED_BY_ORIGIN: key },
        },
        "spec": { "type": kind, "target": target },
    })
}

/// Reads a root location and everything below it.
pub(crate) async fn read_tree(root: Value, rules: &Rules, reader: &Reader) -> Outcome {
    let mut out = Outcome::default();
    let origin = annotation(&root, MANAGED_BY_ORIGIN).unwrap_or_default();
    let root_ref = ref_of(&root).unwrap_or_default();
    let mut seen_targets: HashSet<String> = HashSet::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    index.insert(root_ref.clone(), 0);
    out.emitted.push(Emitted {
        entity_ref: root_ref,
        entity: Processed::new(&root),
        parent_ref: None,
        errors: vec![],
    });
    // Breadth-first over Location entities: (index in `emitted`, depth).
    let mut queue = std::collections::VecDeque::from([(0usize, 0usize)]);
    while let Some((at, depth)) = queue.pop_front() {
        let location = out.emitted[at].entity.value();
        let location_ref = out.emitted[at].entity_ref.clone();
        let (targets, problems) = location_targets(&location, at == 0);
        for p in problems {
            out.emitted[at].errors.push(error_item(&p));
        }
        if depth >= MAX_LOCATION_DEPTH {
            out.emitted[at].errors.push(error_item(&format!(
                "locations nest deeper than {MAX_LOCATION_DEPTH} levels; not reading further"
            )));
            continue;
        }
        for target in targets {
            let key = target.key();
            if !seen_targets.insert(key.clone()) {
                out.emitted[at].errors.push(error_item(&format!(
                    "location cycle: {key} is already read in this tree; not reading it again"
                )));
                continue;
            }
            let files = match read::read_target(&target, reader).await {
                Ok(files) => files,
                Err(e) => {
                    if target.optional {
                        continue;
                    }
                    out.failed_locations.insert(location_ref.clone());
                    out.emitted[at].errors.push(error_item(&format!("{key}: {e}")));
                    continue;
                }
            };
            for file in files {
                let file_key = file.target.key();
                let (docs, syntax) = parse_file(&file.text, &file_key);
                out.emitted[at].errors.extend(syntax.iter().map(|m| error_item(m)));
                for mut doc in docs {
                    let mut value = std::mem::take(&mut doc.value);
                    let mut problems: Vec<String> = Vec::new();
                    resolve_placeholders(&mut value, &file.target, reader, &mut problems).await;
                    let ref_guess = ref_of(&value);
                    problems.extend(validate_entity(&value).into_iter().map(|p| {
                        let pos =
                            if p.at_key { doc.locate_key(&p.path) } else { doc.locate(&p.path) };
                        format!("{file_key}:{}:{}: {}", pos.line, pos.column, p.message)
                    }));
                    if !problems.is_empty() {
                        let items: Vec<Value> = problems.iter().map(|p| error_item(p)).collect();
                        // Known ref: the stored version (if any) keeps serving with the error.
                        if let Some(r) = &ref_guess {
                            out.failed_entities
                                .entry(r.clone())
                                .or_default()
                                .extend(items.iter().cloned());
                        }
                        out.emitted[at].errors.extend(items);
                        continue;
                    }
                    let kind = value["kind"].as_str().unwrap_or_default().to_owned();
                    let Some(r) = ref_guess else { continue };
                    if !rules.allows(&kind) {
                        out.emitted[at].errors.push(warning_item(&format!(
                            "{file_key}: kind {kind} is not allowed from this location ({r} skipped); allow it in catalog.rules"
                        )));
                        continue;
                    }
                    if let Some(&first) = index.get(&r) {
                        let other = annotation(&out.emitted[first].entity.value(), MANAGED_BY)
                            .unwrap_or_default();
                        out.emitted[at].errors.push(error_item(&format!(
                            "{file_key}: {r} is already defined by {other}; this copy is ignored"
                        )));
                        continue;
                    }
                    annotate(&mut value, &file.target, &origin);
                    index.insert(r.clone(), out.emitted.len());
                    out.emitted.push(Emitted {
                        entity_ref: r,
                        entity: Processed::new(&value),
                        parent_ref: Some(location_ref.clone()),
                        errors: vec![],
                    });
                    if kind.eq_ignore_ascii_case("location") {
                        queue.push_back((out.emitted.len() - 1, depth + 1));
                    }
                }
            }
        }
    }
    out
}

/// The documents of a descriptor file, and its syntax errors located as
/// `file:line:col: message` (they belong to the location that read the file).
fn parse_file(text: &str, file_key: &str) -> (Vec<Document>, Vec<String>) {
    let (docs, errors) = if file_key.to_ascii_lowercase().ends_with(".json") {
        match yaml::parse_json(text) {
            Ok(d) => (d, vec![]),
            Err(e) => (vec![], vec![e]),
        }
    } else {
        yaml::parse_documents(text)
    };
    let messages = errors
        .iter()
        .map(|e| format!("{file_key}:{}:{}: {}", e.pos.line, e.pos.column, e.message))
        .collect();
    (docs, messages)
}

/// The targets a `Location` entity points at, resolved against where it was read.
fn location_targets(location: &Value, is_root: bool) -> (Vec<Target>, Vec<String>) {
    let spec = &location["spec"];
    let managed = annotation(location, MANAGED_BY).unwrap_or_default();
    let base = Target::parse_key(&managed);
    let own_type = spec["type"].as_str().map(str::to_owned);
    let optional = spec["presence"].as_str() == Some("optional");
    let mut raw: Vec<&str> = Vec::new();
    if let Some(t) = spec["target"].as_str() {
        raw.push(t);
    }
    if let Some(list) = spec["targets"].as_array() {
        raw.extend(list.iter().filter_map(Value::as_str));
    }
    // The root location's own target is read as written; a Location entity read
    // from a file resolves its targets against that file.
    let kind = own_type
        .or_else(|| base.as_ref().map(|b| b.kind.clone()))
        .unwrap_or_else(|| "file".to_owned());
    let mut targets = Vec::new();
    let mut problems = Vec::new();
    for t in raw {
        let resolved = if is_root {
            Target::new(&kind, t)
        } else {
            base.as_ref().map_or_else(|| Target::new(&kind, t), |b| b.join(&kind, t))
        };
        match resolved {
            Ok(mut target) => {
                target.optional = optional;
                targets.push(target);
            }
            Err(e) => problems.push(format!("target {t:?}: {e}")),
        }
    }
    (targets, problems)
}

/// `$text`, `$json` and `$yaml`: replaced by the referenced file, read relative
/// to the descriptor. Problems are reported; the value is left as it was.
async fn resolve_placeholders(
    value: &mut Value,
    base: &Target,
    reader: &Reader,
    problems: &mut Vec<String>,
) {
    let mut found = Vec::new();
    placeholder_paths(value, &mut Vec::new(), &mut found);
    for path in found {
        let Some(node) = path.iter().try_fold(&mut *value, |node, step| match step {
            PathStep::Key(k) => node.get_mut(k.as_str()),
            PathStep::Index(i) => node.get_mut(*i),
        }) else {
            continue;
        };
        let Some((op, target)) = node
            .as_object()
            .and_then(|m| m.iter().next())
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        else {
            continue;
        };
        match read_placeholder(&op, &target, base, reader).await {
            Ok(v) => *node = v,
            Err(e) => problems.push(format!("{op} {target:?}: {e}")),
        }
    }
}

/// One step of a path into a JSON value.
enum PathStep {
    Key(String),
    Index(usize),
}

/// A step while walking (borrowed from the value).
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Where the placeholders are (the walk borrows; only a hit is copied out).
/// Recursion is safe: parsed descriptors are at most `yaml::MAX_DEPTH` deep.
fn placeholder_paths<'a>(value: &'a Value, path: &mut Vec<Step<'a>>, out: &mut Vec<Vec<PathStep>>) {
    if portico_catalog_model::validate::is_placeholder(value) {
        let owned = path
            .iter()
            .map(|step| match step {
                Step::Key(k) => PathStep::Key((*k).to_owned()),
                Step::Index(i) => PathStep::Index(*i),
            })
            .collect();
        out.push(owned);
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                path.push(Step::Key(k));
                placeholder_paths(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Step::Index(i));
                placeholder_paths(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

async fn read_placeholder(
    op: &str,
    target: &str,
    base: &Target,
    reader: &Reader,
) -> Result<Value, String> {
    let target = base.join(&base.kind, target).map_err(|e| e.to_string())?;
    let file = read::read_one(&target, reader).await.map_err(|e| e.to_string())?;
    match op {
        "$text" => Ok(Value::String(file.text)),
        "$json" => serde_json::from_str(&file.text).map_err(|e| format!("invalid JSON: {e}")),
        _ => {
            let (docs, errors) = yaml::parse_documents(&file.text);
            if let Some(e) = errors.first() {
                return Err(format!("line {}: {}", e.pos.line, e.message));
            }
            Ok(docs.into_iter().next().map(|d| d.value).unwrap_or(Value::Null))
        }
    }
}

fn annotate(entity: &mut Value, from: &Target, origin: &str) {
    let Some(meta) = entity.get_mut("metadata").and_then(Value::as_object_mut) else { return };
    if !meta.contains_key("namespace") {
        meta.insert("namespace".into(), Value::String("default".into()));
    }
    let annotations = meta.entry("annotations").or_insert_with(|| json!({}));
    if let Some(map) = annotations.as_object_mut() {
        map.insert(MANAGED_BY.into(), Value::String(from.key()));
        map.insert(MANAGED_BY_ORIGIN.into(), Value::String(origin.to_owned()));
        if from.kind == "url" {
            let dir = from.target.rsplit_once('/').map_or(from.target.as_str(), |(d, _)| d);
            map.entry("backstage.io/view-url")
                .or_insert_with(|| Value::String(from.target.clone()));
            map.entry("backstage.io/source-location")
                .or_insert_with(|| Value::String(format!("url:{dir}/")));
        }
    }
}

/// An annotation's value.
pub(crate) fn annotation(entity: &Value, key: &str) -> Option<String> {
    entity["metadata"]["annotations"][key].as_str().map(str::to_owned)
}

/// A `status.items` entry for a processing error.
pub(crate) fn error_item(message: &str) -> Value {
    json!({ "type": PROCESSING_ERROR, "level": "error", "message": message, "error": { "name": "InputError", "message": message } })
}

fn warning_item(message: &str) -> Value {
    json!({ "type": PROCESSING_ERROR, "level": "warning", "message": message })
}
