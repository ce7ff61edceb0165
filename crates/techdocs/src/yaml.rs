//! YAML as mkdocs.yml uses it: tags kept, every node with its line.
//!
//! mkdocs.yml files carry tags that a strict loader refuses (`!ENV VAR`,
//! `!include ./sub/mkdocs.yml`, `!!python/name:material.extensions.emoji.to_svg`),
//! so this reads yaml-rust2's events into a small tree that keeps each scalar's
//! tag and each node's line. Aliases are expanded with a node budget, so a
//! "billion laughs" file is an error rather than a hang.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, ScanError};

/// Most nodes one file may expand to (aliases included).
const MAX_NODES: usize = 200_000;
/// Deepest nesting accepted.
const MAX_DEPTH: usize = 64;

/// One YAML node and the line (1-based) it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    /// The tag as written (`!include`, `!ENV`, `tag:yaml.org,2002:python/name:…`).
    pub tag: Option<String>,
    pub line: usize,
}

/// A YAML value. Scalars stay text: mkdocs.yml is read by key, and each key
/// decides how to read its value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar {
        text: String,
        /// Plain (unquoted) scalars may be `null`, `true`, numbers.
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The value under `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a scalar that is not null.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, plain, .. } if !(*plain && is_null(text)) => Some(text),
            _ => None,
        }
    }

    /// The node's tag, if it has one.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// `true`/`false` as YAML 1.1 and 1.2 spell them.
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()?.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => Some(true),
            "false" | "no" | "off" => Some(false),
            _ => None,
        }
    }

    /// True for an empty scalar, `~` or `null`.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true, .. } if is_null(text))
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// Why a YAML text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub message: String,
    /// 1-based line, 1-based column.
    pub line: usize,
    pub column: usize,
}

impl YamlError {
    fn at(mark: Marker, message: impl Into<String>) -> Self {
        YamlError { message: message.into(), line: mark.line().max(1), column: mark.col() + 1 }
    }
}

impl From<ScanError> for YamlError {
    fn from(error: ScanError) -> Self {
        YamlError::at(*error.marker(), error.info().to_string())
    }
}

/// Parses the first document of `text`; an empty text is a null scalar.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut loader = Loader { parser: &mut parser, anchors: Vec::new(), nodes: 0 };
    loader.document()
}

struct Loader<'p, 'a> {
    parser: &'p mut Parser<std::str::Chars<'a>>,
    anchors: Vec<(usize, Node)>,
    nodes: usize,
}

impl Loader<'_, '_> {
    fn next(&mut self) -> Result<(Event, Marker), YamlError> {
        Ok(self.parser.next_token()?)
    }

    fn document(&mut self) -> Result<Node, YamlError> {
        loop {
            let (event, mark) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentStart => continue,
                Event::StreamEnd | Event::DocumentEnd => {
                    return Ok(Node {
                        value: Value::Scalar { text: String::new(), plain: true },
                        tag: None,
                        line: mark.line().max(1),
                    });
                }
                event => return self.node(event, mark, 0),
            }
        }
    }

    fn count(&mut self, mark: Marker, added: usize) -> Result<(), YamlError> {
        self.nodes += added;
        if self.nodes > MAX_NODES {
            return Err(YamlError::at(
                mark,
                format!("the file expands to more than {MAX_NODES} values"),
            ));
        }
        Ok(())
    }

    fn node(&mut self, event: Event, mark: Marker, depth: usize) -> Result<Node, YamlError> {
        if depth > MAX_DEPTH {
            return Err(YamlError::at(mark, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        self.count(mark, 1)?;
        let line = mark.line().max(1);
        let (anchor, node) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let plain = matches!(style, yaml_rust2::scanner::TScalarStyle::Plain);
                (anchor, Node { value: Value::Scalar { text, plain }, tag: tag_text(tag), line })
            }
            Event::SequenceStart(anchor, tag) => {
                let mut items = Vec::new();
                loop {
                    let (event, mark) = self.next()?;
                    if event == Event::SequenceEnd {
                        break;
                    }
                    items.push(self.node(event, mark, depth + 1)?);
                }
                (anchor, Node { value: Value::Seq(items), tag: tag_text(tag), line })
            }
            Event::MappingStart(anchor, tag) => {
                let mut entries = Vec::new();
                loop {
                    let (event, key_mark) = self.next()?;
                    if event == Event::MappingEnd {
                        break;
                    }
                    let key = self.node(event, key_mark, depth + 1)?;
                    let key = match key.value {
                        Value::Scalar { text, .. } => text,
                        _ => {
                            return Err(YamlError::at(
                                key_mark,
                                "a mapping key must be a plain value",
                            ));
                        }
                    };
                    let (event, mark) = self.next()?;
                    let value = self.node(event, mark, depth + 1)?;
                    entries.push((key, value));
                }
                (anchor, Node { value: Value::Map(entries), tag: tag_text(tag), line })
            }
            Event::Alias(id) => {
                let Some((_, target)) = self.anchors.iter().find(|(a, _)| *a == id) else {
                    return Err(YamlError::at(mark, "an alias refers to an unknown anchor"));
                };
                let target = target.clone();
                self.count(mark, size(&target))?;
                return Ok(Node { line, ..target });
            }
            _ => return Err(YamlError::at(mark, "unexpected YAML structure")),
        };
        if anchor > 0 {
            self.anchors.push((anchor, node.clone()));
        }
        Ok(node)
    }
}

fn tag_text(tag: Option<yaml_rust2::parser::Tag>) -> Option<String> {
    tag.map(|t| format!("{}{}", t.handle, t.suffix))
}

fn size(node: &Node) -> usize {
    match &node.value {
        Value::Scalar { .. } => 1,
        Value::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|(_, v)| size(v)).sum::<usize>(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_lines_are_kept() {
        let node =
            parse("a: !ENV [X, fallback]\nb: !include ./sub/mkdocs.yml\nc:\n  - 'q'\n").unwrap();
        assert_eq!(node.get("b").unwrap().tag(), Some("!include"));
        assert_eq!(node.get("b").unwrap().as_str(), Some("./sub/mkdocs.yml"));
        assert_eq!(node.get("c").unwrap().line, 4);
        assert!(node.get("missing").is_none());
    }

    #[test]
    fn python_tags_do_not_stop_the_file() {
        let node = parse("emoji_index: !!python/name:material.extensions.emoji.twemoji\n").unwrap();
        let tag = node.get("emoji_index").unwrap().tag().unwrap().to_string();
        assert!(tag.contains("python/name"), "{tag}");
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_errors() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, prev) in ('b'..='k').zip('a'..) {
            bomb.push_str(&format!("{i}: &{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(parse(&bomb).unwrap_err().message.contains("expands to more than"));
        let deep = "[".repeat(500) + &"]".repeat(500);
        let error = parse(&deep).unwrap_err();
        assert!(
            error.message.contains("nested deeper") || error.message.contains("recursion"),
            "{error:?}"
        );
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let error = parse("site_name: x\nnav:\n  - a: [b\n").unwrap_err();
        assert!(error.line >= 3, "{error:?}");
    }
}
