//! Entity references: `[<kind>:][<namespace>/]<name>`, as Backstage parses them.
//!
//! Parsing splits on the first `:` and then the first `/`. A missing kind takes
//! the context's default kind (an error when there is none); a missing namespace
//! takes the context's namespace. The canonical form lower-cases all three parts,
//! and references compare case-insensitively.

use std::fmt;

/// A reference to an entity, with the casing it was written in.
#[derive(Debug, Clone, Eq)]
pub struct EntityRef {
    /// The kind, for example `Group`.
    pub kind: String,
    /// The namespace, for example `default`.
    pub namespace: String,
    /// The name, for example `team-a`.
    pub name: String,
}

/// What a reference falls back to when it leaves parts out.
#[derive(Debug, Clone, Copy)]
pub struct RefContext<'a> {
    /// The kind the field implies (`owner` implies `Group`), if any.
    pub default_kind: Option<&'a str>,
    /// The referencing entity's namespace.
    pub default_namespace: &'a str,
}

impl Default for RefContext<'_> {
    fn default() -> Self {
        Self { default_kind: None, default_namespace: "default" }
    }
}

/// Why a string is not an entity reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RefError {
    /// The string is empty.
    #[error("entity reference is empty")]
    Empty,
    /// No kind was written and the field has no default kind.
    #[error(
        "entity reference \"{0}\" had missing or empty kind (e.g. did not start with \"component:\" or similar)"
    )]
    MissingKind(String),
    /// `kind:/name` and the like.
    #[error("entity reference \"{0}\" had missing or empty namespace")]
    EmptyNamespace(String),
    /// `kind:ns/` and the like.
    #[error("entity reference \"{0}\" had missing or empty name")]
    EmptyName(String),
}

impl EntityRef {
    /// Parses a reference in the given context.
    pub fn parse(input: &str, context: RefContext<'_>) -> Result<Self, RefError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(RefError::Empty);
        }
        let (kind, rest) = match input.split_once(':') {
            Some((kind, rest)) => (Some(kind), rest),
            None => (None, input),
        };
        let (namespace, name) = match rest.split_once('/') {
            Some((ns, name)) => (Some(ns), name),
            None => (None, rest),
        };
        let kind = match kind.or(context.default_kind) {
            Some(k) if !k.is_empty() => k,
            _ => return Err(RefError::MissingKind(input.to_owned())),
        };
        let namespace = match namespace {
            Some("") => return Err(RefError::EmptyNamespace(input.to_owned())),
            Some(ns) => ns,
            None => context.default_namespace,
        };
        if name.is_empty() {
            return Err(RefError::EmptyName(input.to_owned()));
        }
        Ok(Self { kind: kind.to_owned(), namespace: namespace.to_owned(), name: name.to_owned() })
    }

    /// The canonical string `kind:namespace/name`, all lower-case.
    pub fn canonical(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}/{}",
            self.kind.to_lowercase(),
            self.namespace.to_lowercase(),
            self.name.to_lowercase()
        )
    }
}

/// References are equal when their canonical forms are.
impl PartialEq for EntityRef {
    fn eq(&self, other: &Self) -> bool {
        self.kind.eq_ignore_ascii_case(&other.kind)
            && self.namespace.eq_ignore_ascii_case(&other.namespace)
            && self.name.eq_ignore_ascii_case(&other.name)
    }
}

impl std::hash::Hash for EntityRef {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.to_string().hash(state);
    }
}
