//! Descriptor files as located JSON: YAML (one or many `---` documents) or JSON,
//! turned into [`serde_json::Value`]s that remember where each value was written.
//!
//! Validation works on plain JSON (the API receives JSON too) and reports
//! problems by path (`spec.owner`); [`Document::locate`] turns that path back
//! into a line and column of the file. Anchors and aliases are refused (an
//! alias bomb cannot expand), tags are refused, duplicate keys are errors, and
//! nesting is capped so hostile input cannot exhaust the stack.

use marked_yaml::{LoaderOptions, Node};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The deepest nesting a descriptor may use. Real descriptors use under ten levels.
pub const MAX_DEPTH: usize = 64;

/// A position in a file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// One document of a descriptor file.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document's content.
    pub value: Value,
    /// Where it starts.
    pub start: Pos,
    /// Where each value (by dotted path, `spec.providesApis[0]`) was written.
    positions: HashMap<String, Pos>,
    /// Where each mapping key was written, by the path of its value.
    keys: HashMap<String, Pos>,
}

impl Document {
    /// A document with no positions, for entities that arrived as JSON over the API.
    pub fn unlocated(value: Value) -> Self {
        Self {
            value,
            start: Pos { line: 1, column: 1 },
            positions: HashMap::new(),
            keys: HashMap::new(),
        }
    }

    /// The position of a path's value, or of its nearest written ancestor.
    pub fn locate(&self, path: &str) -> Pos {
        Self::nearest(&self.positions, path).unwrap_or(self.start)
    }

    /// The position of the key that holds a path (for missing and unknown
    /// fields), else of its value, else of the nearest ancestor.
    pub fn locate_key(&self, path: &str) -> Pos {
        match self.keys.get(path) {
            Some(pos) => *pos,
            None => Self::nearest(&self.keys, path).unwrap_or_else(|| self.locate(path)),
        }
    }

    fn nearest(map: &HashMap<String, Pos>, path: &str) -> Option<Pos> {
        let mut path = path;
        loop {
            if let Some(pos) = map.get(path) {
                return Some(*pos);
            }
            match path.rfind(['.', '[']) {
                Some(cut) => path = &path[..cut],
                None => return None,
            }
        }
    }
}

/// A file that could not be read as YAML at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    /// Where.
    pub pos: Pos,
    /// What, worded for a YAML author.
    pub message: String,
}

/// Parses a descriptor file into its documents. Empty documents are skipped.
///
/// Every document is parsed even when an earlier one fails, so one run reports
/// every syntax error; the caller gets the good documents and the errors.
pub fn parse_documents(text: &str) -> (Vec<Document>, Vec<SyntaxError>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for chunk in split_documents(text) {
        if is_blank(&chunk.text) {
            continue;
        }
        match parse_one(&chunk.text, chunk.first_line) {
            Ok(doc) => docs.push(doc),
            Err(e) => errors.push(e),
        }
    }
    (docs, errors)
}

struct Chunk {
    text: String,
    /// 0-based line of the chunk's first line in the file.
    first_line: usize,
}

/// Splits at document markers. YAML forbids `---` and `...` at the start of a
/// line inside any scalar, so a line-based split is exact. A marker line with
/// content after it (`--- {a: 1}`) keeps that content, the marker blanked so
/// columns stay right.
fn split_documents(text: &str) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut current = Chunk { text: String::new(), first_line: 0 };
    for (line_no, line) in text.split_inclusive('\n').enumerate() {
        let marker = ["---", "..."].into_iter().find(|m| {
            line.starts_with(m) && line[3..].chars().next().is_none_or(char::is_whitespace)
        });
        match marker {
            Some(m) => {
                let next = Chunk { text: String::new(), first_line: line_no };
                chunks.push(std::mem::replace(&mut current, next));
                if m == "---" {
                    current.text.push_str("   ");
                    current.text.push_str(&line[3..]);
                } else {
                    current.text.push('\n');
                }
            }
            None => current.text.push_str(line),
        }
    }
    chunks.push(current);
    chunks
}

fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l.starts_with('%')
    })
}

fn parse_one(text: &str, first_line: usize) -> Result<Document, SyntaxError> {
    let shift = |m: &marked_yaml::Marker| Pos { line: m.line() + first_line, column: m.column() };
    let options = LoaderOptions::default().error_on_duplicate_keys(true).prevent_coercion(true);
    let node = marked_yaml::parse_yaml_with_options(0, text, options).map_err(|err| {
        use marked_yaml::LoadError as E;
        let (mark, message) = match &err {
            E::TopLevelMustBeMapping(m) => {
                (*m, "a descriptor must be a mapping (key: value) at the top level".to_owned())
            }
            E::TopLevelMustBeSequence(m) => (*m, "expected a list at the top level".to_owned()),
            E::UnexpectedAnchor(m) => (
                *m,
                "YAML anchors and aliases (&, *) are not allowed in descriptor files".to_owned(),
            ),
            E::MappingKeyMustBeScalar(m) => (*m, "mapping keys must be plain strings".to_owned()),
            E::UnexpectedTag(m) => {
                (*m, "YAML tags (!tag) are not allowed in descriptor files".to_owned())
            }
            E::ScanError(m, e) => (*m, format!("invalid YAML: {}", scan_message(e))),
            E::DuplicateKey(d) => (
                d.key.span().start().copied().unwrap_or(marked_yaml::Marker::new(0, 0, 1, 1)),
                format!("duplicate key \"{}\"", d.key.as_str()),
            ),
            // LoadError is non-exhaustive in spirit; word anything new plainly.
            #[allow(unreachable_patterns)]
            other => (marked_yaml::Marker::new(0, 0, 1, 1), other.to_string()),
        };
        SyntaxError { pos: shift(&mark), message }
    })?;
    let mut positions = Positions::default();
    let start = node.span().start().map(shift).unwrap_or(Pos { line: first_line + 1, column: 1 });
    let value = convert(&node, String::new(), 0, &mut positions, &shift)?;
    Ok(Document { value, start, positions: positions.values, keys: positions.keys })
}

fn scan_message(e: &dyn std::fmt::Display) -> String {
    // `ScanError`'s Display repeats the position; keep only the description.
    let text = e.to_string();
    match text.split_once(" at ") {
        Some((what, _)) => what.to_owned(),
        None => text,
    }
}

#[derive(Default)]
struct Positions {
    values: HashMap<String, Pos>,
    keys: HashMap<String, Pos>,
}

fn convert(
    node: &Node,
    path: String,
    depth: usize,
    positions: &mut Positions,
    shift: &dyn Fn(&marked_yaml::Marker) -> Pos,
) -> Result<Value, SyntaxError> {
    let pos = node.span().start().map(shift).unwrap_or_default();
    if depth > MAX_DEPTH {
        return Err(SyntaxError {
            pos,
            message: format!("nesting is deeper than {MAX_DEPTH} levels"),
        });
    }
    positions.values.insert(path.clone(), pos);
    Ok(match node {
        Node::Scalar(s) => scalar(s),
        Node::Sequence(seq) => {
            let mut out = Vec::with_capacity(seq.len());
            for (i, item) in seq.iter().enumerate() {
                out.push(convert(item, format!("{path}[{i}]"), depth + 1, positions, shift)?);
            }
            Value::Array(out)
        }
        Node::Mapping(map) => {
            let mut out = Map::new();
            for (key, value) in map.iter() {
                if let Some(mark) = key.span().start() {
                    let child = child_path(&path, key.as_str());
                    positions.keys.insert(child, shift(mark));
                }
                let key = key.as_str();
                let child = child_path(&path, key);
                out.insert(key.to_owned(), convert(value, child, depth + 1, positions, shift)?);
            }
            Value::Object(out)
        }
    })
}

fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_owned() } else { format!("{parent}.{key}") }
}

/// YAML 1.2 core-schema typing for plain scalars; quoted scalars stay strings.
fn scalar(s: &marked_yaml::types::MarkedScalarNode) -> Value {
    let text = s.as_str();
    if !s.may_coerce() {
        return Value::String(text.to_owned());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = text.parse::<i64>() {
        return Value::from(i);
    }
    let looks_numeric =
        text.trim_start_matches(['-', '+']).starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if looks_numeric
        && !text.contains(['_', ' '])
        && let Ok(f) = text.parse::<f64>()
        && f.is_finite()
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(text.to_owned())
}

/// Parses a JSON descriptor (an object or an array of objects).
pub fn parse_json(text: &str) -> Result<Vec<Document>, SyntaxError> {
    let value: Value = serde_json::from_str(text).map_err(|e| SyntaxError {
        pos: Pos { line: e.line(), column: e.column() },
        message: format!("invalid JSON: {e}"),
    })?;
    Ok(match value {
        Value::Array(items) => items.into_iter().map(Document::unlocated).collect(),
        other => vec![Document::unlocated(other)],
    })
}
