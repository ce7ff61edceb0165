//! Reading, layering and querying configuration files.

use crate::error::ConfigError;
use crate::subst::{Substituted, substitute};
use marked_yaml::{LoaderOptions, Node, Span, types::MarkedMappingNode};
use serde::de::DeserializeOwned;
use std::path::Path;

/// Configuration files over this size are refused rather than parsed.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// One configuration text and the name errors use for it.
#[derive(Debug, Clone)]
pub struct Source {
    /// Shown in errors: usually the path as the user typed it.
    pub name: String,
    /// The YAML text.
    pub text: String,
}

/// The merged configuration, with provenance for every value.
#[derive(Debug, Clone)]
pub struct Config {
    root: MarkedMappingNode,
    /// Source names, indexed by the source id carried in each span.
    names: Vec<String>,
    /// Values dropped because a `${VAR}` they named is not set.
    undefined: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            root: MarkedMappingNode::new_empty(Span::new_blank()),
            names: Vec::new(),
            undefined: Vec::new(),
        }
    }
}

impl Config {
    /// Reads the files in order; later files override earlier ones.
    pub fn load_files(
        paths: &[impl AsRef<Path>],
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut sources = Vec::with_capacity(paths.len());
        for path in paths {
            let path = path.as_ref();
            let read_err = |source| ConfigError::Read { path: path.to_owned(), source };
            let size = std::fs::metadata(path).map_err(read_err)?.len();
            let name = path.display().to_string();
            if size > MAX_FILE_BYTES {
                return Err(ConfigError::TooLarge { file: name, size, limit: MAX_FILE_BYTES });
            }
            let bytes = std::fs::read(path).map_err(read_err)?;
            let text = String::from_utf8(bytes).map_err(|e| ConfigError::Syntax {
                at: name.clone(),
                message: format!(
                    "not UTF-8 text (first bad byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            })?;
            sources.push(Source { name, text });
        }
        Self::from_sources(sources, env)
    }

    /// Parses and layers in-memory sources; the form tests and `--config` both end in.
    pub fn from_sources(
        sources: Vec<Source>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut config = Config::default();
        for (id, source) in sources.into_iter().enumerate() {
            let node = parse(id, &source)?;
            config.names.push(source.name);
            let Node::Mapping(mut mapping) = node else {
                return Err(ConfigError::Syntax {
                    at: config.names[id].clone(),
                    message: "the top level must be a mapping of keys".into(),
                });
            };
            substitute_all(&mut mapping, "", env, &mut config.undefined);
            merge_mapping(&mut config.root, mapping);
        }
        Ok(config)
    }

    /// Keys whose `${VAR}` was not set, with the variable, for a start-up warning.
    pub fn undefined_values(&self) -> &[String] {
        &self.undefined
    }

    /// The top-level keys present, with where each was (last) set.
    pub fn top_level_keys(&self) -> Vec<(String, String)> {
        self.root.iter().map(|(k, _)| (k.as_str().to_owned(), self.at(k.span()))).collect()
    }

    /// True when the dotted `key` is present.
    pub fn has(&self, key: &str) -> bool {
        self.node(key).is_some()
    }

    /// Reads the dotted `key` (for example `backend` or `app.branding`) as `T`.
    ///
    /// `Ok(None)` when the key is absent. Wrong types, unknown fields (for
    /// `deny_unknown_fields` types) and missing required fields are errors that
    /// name the file, line and full key.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, ConfigError> {
        let Some(node) = self.node(key) else { return Ok(None) };
        marked_yaml::from_node::<T>(node).map(Some).map_err(|err| {
            let inner_path = err.path().filter(|p| !p.is_empty() && *p != ".");
            let full_key = match inner_path {
                Some(p) => format!("{key}.{p}"),
                None => key.to_owned(),
            };
            let at = match err.start_mark() {
                Some(mark) => self.mark(mark),
                None => self.at(node.span()),
            };
            ConfigError::Invalid { at, key: full_key, message: err.into_inner().to_string() }
        })
    }

    /// Like [`Config::get`], falling back to `T::default()` when the key is absent.
    pub fn get_or_default<T: DeserializeOwned + Default>(
        &self,
        key: &str,
    ) -> Result<T, ConfigError> {
        Ok(self.get(key)?.unwrap_or_default())
    }

    /// `file:line:column` for a span, or the best that is known.
    fn at(&self, span: &Span) -> String {
        span.start().map(|m| self.mark(*m)).unwrap_or_else(|| "<config>".into())
    }

    fn mark(&self, mark: marked_yaml::Marker) -> String {
        let file = self.names.get(mark.source()).map(String::as_str).unwrap_or("<config>");
        format!("{file}:{}:{}", mark.line(), mark.column())
    }

    fn node(&self, key: &str) -> Option<&Node> {
        let mut parts = key.split('.');
        let mut node = self.root.get_node(parts.next()?)?;
        for part in parts {
            node = node.as_mapping()?.get_node(part)?;
        }
        Some(node)
    }
}

fn parse(id: usize, source: &Source) -> Result<Node, ConfigError> {
    // An empty file (or one with only comments) is an empty configuration.
    if source.text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
        return Ok(Node::Mapping(MarkedMappingNode::new_empty(Span::new_blank())));
    }
    let options = LoaderOptions::default().error_on_duplicate_keys(true);
    marked_yaml::parse_yaml_with_options(id, &source.text, options).map_err(|err| {
        use marked_yaml::LoadError as E;
        let (mark, message) = match &err {
            E::TopLevelMustBeMapping(m) => {
                (*m, "the top level must be a mapping of keys".to_owned())
            }
            E::UnexpectedAnchor(m) => {
                (*m, "anchors and aliases are not allowed in config".to_owned())
            }
            E::MappingKeyMustBeScalar(m) => (*m, "mapping keys must be plain scalars".to_owned()),
            E::UnexpectedTag(m) => (*m, "explicit YAML tags are not allowed in config".to_owned()),
            E::ScanError(m, e) => (*m, e.info().to_owned()),
            E::DuplicateKey(d) => (
                d.key.span().start().copied().unwrap_or(marked_yaml::Marker::new(id, 0, 0, 0)),
                format!("duplicate key `{}`", d.key.as_str()),
            ),
            E::TopLevelMustBeSequence(m) => (*m, "unexpected document shape".to_owned()),
        };
        ConfigError::Syntax {
            at: format!("{}:{}:{}", source.name, mark.line(), mark.column()),
            message,
        }
    })
}

/// Deep merge: mappings merge key by key; anything else in `over` replaces `base`.
fn merge_mapping(base: &mut MarkedMappingNode, over: MarkedMappingNode) {
    for (key, value) in over.iter() {
        match (base.get_mut(key), value) {
            (Some(Node::Mapping(b)), Node::Mapping(o)) => merge_mapping(b, o.clone()),
            _ => {
                // Remove first so the key keeps the span of the file that set it last.
                base.remove(key);
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Substitutes `${VAR}` in every scalar, dropping values whose variable is unset.
fn substitute_all(
    mapping: &mut MarkedMappingNode,
    prefix: &str,
    env: &dyn Fn(&str) -> Option<String>,
    undefined: &mut Vec<String>,
) {
    let mut drop = Vec::new();
    for (key, value) in mapping.iter_mut() {
        let path = if prefix.is_empty() {
            key.as_str().to_owned()
        } else {
            format!("{prefix}.{}", key.as_str())
        };
        if !substitute_node(value, &path, env, undefined) {
            drop.push(key.clone());
        }
    }
    for key in drop {
        mapping.remove(&key);
    }
}

/// Returns false when the node became undefined.
fn substitute_node(
    node: &mut Node,
    path: &str,
    env: &dyn Fn(&str) -> Option<String>,
    undefined: &mut Vec<String>,
) -> bool {
    match node {
        Node::Mapping(m) => substitute_all(m, path, env, undefined),
        Node::Sequence(seq) => {
            let mut kept = Vec::with_capacity(seq.len());
            for (i, mut item) in std::mem::take(&mut **seq).into_iter().enumerate() {
                if substitute_node(&mut item, &format!("{path}[{i}]"), env, undefined) {
                    kept.push(item);
                }
            }
            **seq = kept;
        }
        Node::Scalar(s) => match substitute(s.as_str(), env) {
            Substituted::Text(text) if text == s.as_str() => {}
            Substituted::Text(text) => {
                let mut replaced = marked_yaml::types::MarkedScalarNode::new(*s.span(), text);
                replaced.set_coerce(s.may_coerce());
                *s = replaced;
            }
            Substituted::Missing(var) => {
                undefined.push(format!("{path} (environment variable {var} is not set)"));
                return false;
            }
        },
    }
    true
}
