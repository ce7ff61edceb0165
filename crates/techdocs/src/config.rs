//! mkdocs.yml, read the way MkDocs and mkdocs-techdocs-core read it.
//!
//! Only the keys TechDocs cares about are read (`site_name`, `site_description`,
//! `docs_dir`, `nav`, `repo_url`, `edit_uri`, `use_directory_urls`,
//! `markdown_extensions` options, `INHERIT`); `theme` and `plugins` are
//! accepted and ignored, as techdocs-core forces them. `INHERIT` merges a parent
//! file under this one; `!include` in the nav pulls a sub-site in (the monorepo
//! plugin). Every path must stay inside the repository.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Check, Diagnostic};
use crate::paths;
use crate::yaml::{self, Node, Value};

/// The names MkDocs looks for, in order.
pub const CONFIG_NAMES: [&str; 2] = ["mkdocs.yml", "mkdocs.yaml"];
/// Deepest `INHERIT` chain and `!include` nesting.
const MAX_CHAIN: usize = 8;
/// Largest mkdocs.yml read.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// One site's configuration (a sub-site from `!include` has its own).
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub site_name: String,
    pub site_description: Option<String>,
    /// Canonical path of the docs folder.
    pub docs_dir: PathBuf,
    pub repo_url: Option<String>,
    pub edit_uri: Option<String>,
    pub use_directory_urls: bool,
    /// The configured nav; `None` means built from the files.
    pub nav: Option<Vec<NavSpec>>,
    pub markdown: MarkdownConfig,
    /// The config file, relative to the repository (for diagnostics).
    pub file: String,
}

/// A nav entry as written in mkdocs.yml.
#[derive(Debug, Clone)]
pub enum NavSpec {
    /// `- Title: page.md` or `- page.md` (title from the page).
    Page {
        title: Option<String>,
        path: String,
        line: usize,
    },
    /// `- Title: https://…`
    Link {
        title: String,
        url: String,
    },
    Section {
        title: String,
        children: Vec<NavSpec>,
    },
    /// `- Title: '!include ./sub/mkdocs.yml'`: a sub-site, placed under its `site_name`.
    Include {
        title: String,
        site: Box<SiteConfig>,
    },
}

/// The Markdown options that change output.
#[derive(Debug, Clone)]
pub struct MarkdownConfig {
    /// The permalink symbol after headings (`toc: {permalink: …}`); techdocs-core turns it on.
    pub permalink: Option<String>,
    /// Deepest heading level in the table of contents.
    pub toc_depth: u8,
    /// Line numbers on every code block (`pymdownx.highlight: {linenums: …}`; techdocs-core turns them on).
    pub linenums: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig { permalink: Some("¶".into()), toc_depth: 6, linenums: true }
    }
}

/// Reads `mkdocs.yml` (or `.yaml`) from `dir`, inside the canonical `root`.
///
/// `allow_env` lets `!ENV` read environment variables: right for the CLI on a
/// developer's machine, wrong in the portal, where it would print the
/// server's secrets into a page. Without it `!ENV` takes its default.
pub fn load(
    root: &Path,
    dir: &Path,
    allow_env: bool,
) -> Result<(SiteConfig, Vec<Diagnostic>), Diagnostic> {
    let file = CONFIG_NAMES.iter().map(|name| dir.join(name)).find(|p| p.is_file()).ok_or_else(|| {
        Diagnostic::error(
            Check::Config,
            paths::relative_to(root, &dir.join("mkdocs.yml")),
            0,
            "no mkdocs.yml (or mkdocs.yaml) here; a TechDocs site needs one with at least `site_name`",
        )
    })?;
    let mut loader = ConfigLoader { root, allow_env, warnings: Vec::new() };
    let site = loader.site(&file, 0)?;
    Ok((site, loader.warnings))
}

struct ConfigLoader<'r> {
    root: &'r Path,
    allow_env: bool,
    warnings: Vec<Diagnostic>,
}

impl ConfigLoader<'_> {
    fn site(&mut self, file: &Path, depth: usize) -> Result<SiteConfig, Diagnostic> {
        let rel = paths::relative_to(self.root, file);
        let node = self.read_merged(file, &rel, depth)?;
        let err = |line: usize, message: String| {
            Diagnostic::error(Check::Config, rel.clone(), line, message)
        };
        if !matches!(node.value, Value::Map(_)) {
            return Err(err(node.line, "mkdocs.yml must be a mapping of settings".into()));
        }
        let dir = file.parent().unwrap_or(self.root);
        let text = |this: &mut Self, key: &str| -> Option<String> {
            node.get(key).and_then(|n| this.scalar(n, &rel))
        };
        let site_name = text(self, "site_name")
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| err(node.line, "`site_name` is required".into()))?;
        let site_description = text(self, "site_description");
        let docs_dir_node = node.get("docs_dir");
        let docs_dir_text =
            docs_dir_node.and_then(|n| self.scalar(n, &rel)).unwrap_or_else(|| "docs".into());
        let docs_line = docs_dir_node.map_or(0, |n| n.line);
        let docs_dir = paths::inside(self.root, dir, &docs_dir_text)
            .map_err(|m| err(docs_line, format!("docs_dir: {m}")))?;
        if !docs_dir.is_dir() {
            return Err(err(docs_line, format!("docs_dir `{docs_dir_text}` is not a folder")));
        }
        let use_directory_urls =
            node.get("use_directory_urls").and_then(Node::as_bool).unwrap_or(true);
        let markdown = markdown_config(node.get("markdown_extensions"));
        let nav = match node.get("nav") {
            None => None,
            Some(n) if n.is_null() => None,
            Some(n) => Some(self.nav(n, dir, &rel, depth)?),
        };
        Ok(SiteConfig {
            site_name,
            site_description,
            docs_dir,
            repo_url: text(self, "repo_url"),
            edit_uri: text(self, "edit_uri"),
            use_directory_urls,
            nav,
            markdown,
            file: rel,
        })
    }

    /// Reads a file and merges the chain of `INHERIT` parents under it.
    fn read_merged(&mut self, file: &Path, rel: &str, depth: usize) -> Result<Node, Diagnostic> {
        if depth > MAX_CHAIN {
            return Err(Diagnostic::error(
                Check::Config,
                rel,
                0,
                "INHERIT or !include nested too deeply",
            ));
        }
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        if size > MAX_CONFIG_BYTES {
            return Err(Diagnostic::error(
                Check::Config,
                rel,
                0,
                "mkdocs.yml is larger than 1 MiB",
            ));
        }
        let bytes = std::fs::read(file)
            .map_err(|e| Diagnostic::error(Check::Config, rel, 0, format!("cannot read: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Diagnostic::error(Check::Config, rel, 0, "mkdocs.yml is not valid UTF-8")
        })?;
        let mut node = yaml::parse(&text).map_err(|e| {
            Diagnostic::error(
                Check::Config,
                rel,
                e.line,
                format!("mkdocs.yml is not valid YAML: {}", e.message),
            )
        })?;
        if let Some(parent) = node.get("INHERIT") {
            let line = parent.line;
            let target = parent.as_str().unwrap_or_default().to_string();
            let dir = file.parent().unwrap_or(self.root);
            let parent_file = paths::inside(self.root, dir, &target).map_err(|m| {
                Diagnostic::error(Check::Config, rel, line, format!("INHERIT: {m}"))
            })?;
            if !parent_file.is_file() {
                return Err(Diagnostic::error(
                    Check::Config,
                    rel,
                    line,
                    format!("INHERIT: `{target}` does not exist"),
                ));
            }
            let parent_rel = paths::relative_to(self.root, &parent_file);
            let base = self.read_merged(&parent_file, &parent_rel, depth + 1)?;
            node = merge(base, node);
        }
        Ok(node)
    }

    /// A scalar's text, with `!ENV` resolved.
    fn scalar(&mut self, node: &Node, file: &str) -> Option<String> {
        let env = |names: Vec<String>, this: &mut Self| -> Option<String> {
            let (vars, default) = match names.len() {
                0 => return None,
                1 => (&names[..], None),
                n => (&names[..n - 1], Some(names[n - 1].clone())),
            };
            if this.allow_env {
                if let Some(value) = vars.iter().find_map(|v| std::env::var(v).ok()) {
                    return Some(value);
                }
            } else {
                this.warnings.push(Diagnostic::warning(
                    Check::Config,
                    file,
                    node.line,
                    "`!ENV` is not read when the portal builds docs; the default is used",
                ));
            }
            default
        };
        match &node.value {
            Value::Scalar { text, .. } if node.tag() == Some("!ENV") => {
                env(vec![text.clone()], self)
            }
            Value::Seq(items) if node.tag() == Some("!ENV") => {
                env(items.iter().filter_map(|i| i.as_str().map(String::from)).collect(), self)
            }
            _ => node.as_str().map(String::from),
        }
    }

    fn nav(
        &mut self,
        node: &Node,
        dir: &Path,
        file: &str,
        depth: usize,
    ) -> Result<Vec<NavSpec>, Diagnostic> {
        let Value::Seq(items) = &node.value else {
            return Err(Diagnostic::error(Check::Config, file, node.line, "`nav` must be a list"));
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match &item.value {
                Value::Scalar { .. } => {
                    let path = item.as_str().unwrap_or_default().to_string();
                    out.push(NavSpec::Page { title: None, path, line: item.line });
                }
                Value::Map(entries) if entries.len() == 1 => {
                    let (title, value) = &entries[0];
                    out.push(self.nav_entry(title, value, dir, file, depth)?);
                }
                _ => {
                    return Err(Diagnostic::error(
                        Check::Config,
                        file,
                        item.line,
                        "a nav entry is `page.md`, `Title: page.md`, `Title: https://…` or `Title: [entries]`",
                    ));
                }
            }
        }
        Ok(out)
    }

    fn nav_entry(
        &mut self,
        title: &str,
        value: &Node,
        dir: &Path,
        file: &str,
        depth: usize,
    ) -> Result<NavSpec, Diagnostic> {
        if matches!(value.value, Value::Seq(_)) {
            return Ok(NavSpec::Section {
                title: title.into(),
                children: self.nav(value, dir, file, depth)?,
            });
        }
        let text = value.as_str().unwrap_or_default().trim().to_string();
        let include = if value.tag() == Some("!include") {
            Some(text.clone())
        } else {
            text.strip_prefix("!include ").map(|t| t.trim().to_string())
        };
        if let Some(target) = include {
            let sub = paths::inside(self.root, dir, &target).map_err(|m| {
                Diagnostic::error(Check::Config, file, value.line, format!("!include: {m}"))
            })?;
            let sub_file = if sub.is_dir() {
                CONFIG_NAMES
                    .iter()
                    .map(|n| sub.join(n))
                    .find(|p| p.is_file())
                    .unwrap_or(sub.join("mkdocs.yml"))
            } else {
                sub
            };
            if !sub_file.is_file() {
                return Err(Diagnostic::error(
                    Check::Config,
                    file,
                    value.line,
                    format!("!include: `{target}` does not exist"),
                ));
            }
            let site = self.site(&sub_file, depth + 1)?;
            return Ok(NavSpec::Include { title: title.into(), site: Box::new(site) });
        }
        if text.contains("://") || text.starts_with("mailto:") {
            return Ok(NavSpec::Link { title: title.into(), url: text });
        }
        Ok(NavSpec::Page { title: Some(title.into()), path: text, line: value.line })
    }
}

/// `child` over `parent`: mappings merge key by key, anything else replaces.
fn merge(parent: Node, child: Node) -> Node {
    match (parent.value, child.value) {
        (Value::Map(mut base), Value::Map(over)) => {
            for (key, value) in over {
                if key == "INHERIT" {
                    continue;
                }
                match base.iter().position(|(k, _)| *k == key) {
                    Some(i) => {
                        let old = base.remove(i).1;
                        base.insert(i, (key, merge(old, value)));
                    }
                    None => base.push((key, value)),
                }
            }
            Node { value: Value::Map(base), tag: child.tag, line: child.line }
        }
        (_, value) => Node { value, tag: child.tag, line: child.line },
    }
}

fn markdown_config(extensions: Option<&Node>) -> MarkdownConfig {
    let mut config = MarkdownConfig::default();
    let Some(Node { value: Value::Seq(items), .. }) = extensions else {
        return config;
    };
    for item in items {
        let Value::Map(entries) = &item.value else { continue };
        for (name, options) in entries {
            match name.as_str() {
                "toc" => {
                    if let Some(p) = options.get("permalink") {
                        config.permalink = match p.as_bool() {
                            Some(true) => Some("¶".into()),
                            Some(false) => None,
                            None => p.as_str().map(String::from),
                        };
                    }
                    if let Some(depth) = options.get("toc_depth").and_then(Node::as_str) {
                        config.toc_depth = depth.parse().unwrap_or(6).clamp(1, 6);
                    }
                }
                "pymdownx.highlight" => {
                    config.linenums =
                        options.get("linenums").and_then(Node::as_bool).unwrap_or(false);
                }
                _ => {}
            }
        }
    }
    config
}
