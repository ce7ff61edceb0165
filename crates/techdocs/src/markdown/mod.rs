//! One Markdown page to sanitised HTML, the way mkdocs-techdocs-core renders it.
//!
//! The pipeline: front matter read and blanked; [`blocks::prepare`] rewrites
//! pymdownx block syntax and splices snippets; comrak parses (GFM plus
//! footnotes, definition lists, `==mark==`, `^sup^`, `~sub~`, `++ins++`,
//! emoji shortcodes, GitHub alerts, `{#id .class}` attributes); [`tree`]
//! rewrites the tree (headings with ids, highlighted code, admonitions, tabs,
//! links and images made relative to the page's URL, abbreviations) and
//! collects the table of contents, search sections and link targets; comrak
//! writes HTML; [`sanitize::clean`] has the last word on pages with raw HTML
//! (the others are within its policy as written: see [`sanitize`]).

mod blocks;
pub mod highlight;
pub mod sanitize;
mod tree;

pub use tree::{relative_url, slugify};

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::MarkdownConfig;
use crate::diagnostic::Diagnostic;
use crate::site::SiteMap;
use crate::yaml;

/// Pages over this size are not rendered; the build reports them instead.
pub const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// What the renderer needs to know about the page and its site.
pub struct PageContext<'a> {
    /// Canonical repository root.
    pub root: &'a Path,
    /// The page's canonical path.
    pub file: &'a Path,
    /// The page relative to the repository (for diagnostics).
    pub file_rel: &'a str,
    /// The page's URL inside the site (`overview/`, `` for the home page).
    pub url: &'a str,
    /// Folders snippets are looked up in.
    pub snippet_bases: Vec<PathBuf>,
    pub config: &'a MarkdownConfig,
    pub site: &'a SiteMap,
}

/// A heading in the page's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A stretch of text under one heading, for the search index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The heading's id; `None` for text before the first heading.
    pub id: Option<String>,
    pub title: String,
    pub text: String,
}

/// A link to a page of the same site, kept to check its anchor once every page is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// The target page's URL in the site.
    pub url: String,
    pub anchor: String,
    pub line: usize,
}

/// A rendered page.
#[derive(Debug, Clone, Default)]
pub struct RenderedPage {
    /// `title` from front matter, else the first `#` heading.
    pub title: Option<String>,
    pub html: String,
    pub headings: Vec<Heading>,
    pub sections: Vec<Section>,
    pub word_count: usize,
    pub links: Vec<InternalLink>,
    /// Every `id` in the page's HTML (headings, footnotes, `{#id}`), for anchor checks.
    pub ids: Vec<String>,
    /// `hide: [toc]` or `[navigation]` from front matter.
    pub hide_toc: bool,
    pub hide_nav: bool,
    pub diagnostics: Vec<Diagnostic>,
}

/// Renders one page's Markdown.
pub fn render_page(source: &str, context: &PageContext<'_>) -> RenderedPage {
    let mut page = RenderedPage::default();
    let (meta, body) = front_matter(source);
    if let Some(meta) = &meta {
        page.title = meta.get("title").and_then(yaml::Node::as_str).map(str::to_string);
        if let Some(yaml::Node { value: yaml::Value::Seq(items), .. }) = meta.get("hide") {
            for item in items {
                match item.as_str() {
                    Some("toc") => page.hide_toc = true,
                    Some("navigation") => page.hide_nav = true,
                    _ => {}
                }
            }
        }
    }
    let scope = blocks::SnippetScope {
        root: context.root,
        bases: context.snippet_bases.clone(),
        file: context.file_rel,
    };
    let prepared = blocks::prepare(&body, &scope);
    page.diagnostics.extend(prepared.diagnostics.iter().cloned());
    tree::render(&prepared, context, &mut page);
    page
}

/// `note` → `Note`: MkDocs' titles made from names (admonition kinds, file and folder names).
pub(crate) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Splits `---` front matter off, leaving blank lines in its place so line numbers hold.
fn front_matter(source: &str) -> (Option<yaml::Node>, String) {
    let Some(rest) = source.strip_prefix("---\n").or_else(|| source.strip_prefix("---\r\n")) else {
        return (None, source.to_string());
    };
    let end = rest
        .find("\n---\n")
        .or_else(|| rest.find("\n---\r\n"))
        .or_else(|| rest.strip_suffix("\n---").map(|r| r.len()));
    let Some(end) = end else { return (None, source.to_string()) };
    let meta = yaml::parse(&rest[..end]).ok().filter(|n| matches!(n.value, yaml::Value::Map(_)));
    let Some(meta) = meta else { return (None, source.to_string()) };
    let consumed = 4 + end + 4;
    let blank_lines = source[..consumed.min(source.len())].matches('\n').count();
    let mut body = "\n".repeat(blank_lines);
    body.push_str(source.get(consumed..).unwrap_or(""));
    (Some(meta), body)
}

#[cfg(test)]
mod tests;
