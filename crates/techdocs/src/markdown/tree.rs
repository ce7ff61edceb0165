//! comrak's tree, rewritten for TechDocs and written out as HTML.
//!
//! Each rewrite replaces a node by raw HTML nodes (comrak writes them as they
//! are, so every value in them is escaped here), and the rest of the tree keeps
//! comrak's own rendering. Only a page whose Markdown holds raw HTML of its
//! author's goes through the sanitiser after (docs/adr/0005).

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::fmt::{self, Write as _};
use std::sync::Mutex;

use comrak::adapters::{HeadingAdapter, HeadingMeta};
use comrak::nodes::{Ast, AstNode, LineColumn, NodeHtmlBlock, NodeValue, Sourcepos};
use comrak::options::{AlertStyleType, Plugins};
use comrak::{Arena, Options};

use super::blocks::{Block, Prepared};
use super::highlight::{escape_into, render_code_block};
use super::{Heading, InternalLink, PageContext, RenderedPage, Section, sanitize};
use crate::diagnostic::{Check, Diagnostic};
use crate::paths;
use crate::site::Target;

fn options() -> Options<'static> {
    let mut options = Options::default();
    let ext = &mut options.extension;
    ext.table = true;
    ext.strikethrough = true;
    ext.autolink = true;
    ext.tasklist = true;
    ext.footnotes = true;
    ext.description_lists = true;
    ext.superscript = true;
    ext.subscript = true;
    ext.highlight = true;
    ext.insert = true;
    ext.shortcodes = true;
    ext.alerts = true;
    ext.block_directive = true;
    ext.header_attributes = true;
    ext.link_attributes = true;
    options.render.r#unsafe = true;
    options.render.alert_style = AlertStyleType::Semantic;
    options
}

pub(super) fn render(prepared: &Prepared, context: &PageContext<'_>, page: &mut RenderedPage) {
    let arena = Arena::new();
    let options = options();
    let root = comrak::parse_document(&arena, &prepared.text, &options);
    let mut walk = Walk {
        prepared,
        context,
        page,
        arena: &arena,
        slugs: HashMap::new(),
        tab_sets: 0,
        code: Vec::new(),
    };
    let nodes: Vec<&AstNode<'_>> = root.descendants().collect();
    let mut queue = VecDeque::new();
    let mut directives = Vec::new();
    // The author's own HTML (the tree has no other yet): the page must be sanitised.
    let mut raw_html = false;
    for node in &nodes {
        let value = node.data().value.clone();
        match value {
            NodeValue::HtmlBlock(_) | NodeValue::HtmlInline(_) => raw_html = true,
            NodeValue::Heading(heading) => queue.push_back(walk.heading(node, heading.level)),
            NodeValue::CodeBlock(code) => {
                // Highlighted code is built from escaped text only, so it skips the
                // sanitiser (a third of its work): a marker stands in for it until then.
                let html = render_code_block(&code.info, &code.literal, context.config.linenums);
                let marker = format!("<p>{CODE_MARK}{}{CODE_MARK}</p>", walk.code.len());
                walk.code.push(Code { html, text: code.literal });
                walk.replace_with_html(node, marker);
            }
            NodeValue::BlockDirective(_) => directives.push(*node),
            NodeValue::Link(link) => {
                let line = walk.line(node);
                let url = walk.rewrite(&link.url, line, false, node);
                if !sanitize::allowed_url(&url) {
                    // As the sanitiser does: the text stays, the link goes.
                    walk.refuse_url(line, "link", &url);
                    while let Some(child) = node.first_child() {
                        child.detach();
                        node.insert_before(child);
                    }
                    node.detach();
                } else if let NodeValue::Link(link) = &mut node.data_mut().value {
                    link.url = url;
                }
            }
            NodeValue::Image(link) => {
                let line = walk.line(node);
                if node.collect_text().trim().is_empty() {
                    walk.warn(
                        Check::ImageAlt,
                        line,
                        format!("image `{}` has no alternative text", link.url),
                    );
                }
                let mut url = walk.rewrite(&link.url, line, true, node);
                if !sanitize::allowed_url(&url) {
                    walk.refuse_url(line, "image", &url);
                    url.clear();
                }
                if let NodeValue::Image(link) = &mut node.data_mut().value {
                    link.url = url;
                }
            }
            NodeValue::Text(text) if !prepared.abbreviations.is_empty() => {
                walk.abbreviate(node, &text)
            }
            _ => {}
        }
    }
    for node in directives {
        walk.directive(node);
    }
    walk.collect_text(root);
    let code = std::mem::take(&mut walk.code);
    let adapter =
        Headings { queue: Mutex::new(queue), permalink: context.config.permalink.clone() };
    let mut plugins = Plugins::default();
    plugins.render.heading_adapter = Some(&adapter);
    let mut html = String::with_capacity(prepared.text.len() * 2);
    if comrak::format_html_with_plugins(root, &options, &mut html, &plugins).is_err() {
        html.clear();
    }
    // Without the author's HTML, the page is within the policy as written
    // (the sanitiser module says why, and its tests check it).
    let html = if raw_html { sanitize::clean(&html) } else { sanitize::label_task_boxes(html) };
    page.html = restore_code(&html, &code);
    page.ids = ids_in(&page.html);
}

struct Walk<'w, 'a> {
    prepared: &'w Prepared,
    context: &'w PageContext<'w>,
    page: &'w mut RenderedPage,
    arena: &'a Arena<'a>,
    slugs: HashMap<String, usize>,
    tab_sets: usize,
    /// Code blocks, by the number in their marker.
    code: Vec<Code>,
}

/// A code block: its highlighted HTML for the page, its text for search.
struct Code {
    html: String,
    text: String,
}

/// Brackets a code block's number in the HTML until [`restore_code`]. The
/// prepared source cannot contain it ([`super::blocks::prepare`] replaces it).
pub(super) const CODE_MARK: char = '\u{E000}';

/// Puts the highlighted code back where its markers are.
fn restore_code(html: &str, code: &[Code]) -> String {
    let mut out =
        String::with_capacity(html.len() + code.iter().map(|c| c.html.len()).sum::<usize>());
    let mut rest = html;
    let open = format!("<p>{CODE_MARK}");
    while let Some(at) = rest.find(&open) {
        out.push_str(&rest[..at]);
        let after = &rest[at + open.len()..];
        let end =
            after.find(CODE_MARK).and_then(|e| after[e..].strip_prefix(CODE_MARK).map(|t| (e, t)));
        match end.and_then(|(e, tail)| {
            Some((after[..e].parse::<usize>().ok()?, tail.strip_prefix("</p>")?))
        }) {
            Some((n, tail)) if n < code.len() => {
                out.push_str(&code[n].html);
                rest = tail;
            }
            _ => {
                out.push_str(&open);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl<'w, 'a> Walk<'w, 'a> {
    /// The source line of a node (comrak counts lines of the prepared text).
    fn line(&self, node: &AstNode<'_>) -> usize {
        let at = node.data().sourcepos.start.line;
        self.prepared.lines.get(at.saturating_sub(1)).copied().unwrap_or(at)
    }

    fn warn(&mut self, check: Check, line: usize, message: String) {
        self.page.diagnostics.push(Diagnostic::warning(
            check,
            self.context.file_rel,
            line,
            message,
        ));
    }

    fn html_node(&self, html: String, block: bool, line: usize) -> &'a AstNode<'a> {
        let value = if block {
            NodeValue::HtmlBlock(NodeHtmlBlock { block_type: 6, literal: html })
        } else {
            NodeValue::HtmlInline(html)
        };
        let at = LineColumn { line, column: 1 };
        self.arena.alloc(AstNode::new(RefCell::new(Ast::new_with_sourcepos(
            value,
            Sourcepos { start: at, end: at },
        ))))
    }

    fn replace_with_html(&self, node: &'a AstNode<'a>, html: String) {
        let line = node.data().sourcepos.start.line;
        node.insert_before(self.html_node(html, true, line));
        node.detach();
    }

    /// Reports a link or image whose URL the policy refuses (`javascript:`, `data:` …).
    fn refuse_url(&mut self, line: usize, what: &str, url: &str) {
        let scheme: String = url.split(':').next().unwrap_or_default().chars().take(40).collect();
        let message = format!(
            "{what} to `{scheme}:…` removed (links and images may be http, https, mailto or relative)"
        );
        self.warn(Check::BrokenLink, line, message);
    }

    /// Gives a heading its id (`{#custom}` or a python-markdown slug, made unique) and records it.
    fn heading<'n>(&mut self, node: &'n AstNode<'n>, level: u8) -> String {
        let title = node.collect_text().trim().to_string();
        let custom = node.data().attrs.as_ref().and_then(|a| a.id.clone());
        let base = custom.clone().unwrap_or_else(|| slugify(&title));
        let base = if base.is_empty() { "_".to_string() } else { base };
        let count = self.slugs.entry(base.clone()).or_insert(0);
        let id =
            if *count == 0 || custom.is_some() { base.clone() } else { format!("{base}_{count}") };
        *count += 1;
        if level == 1 && self.page.title.is_none() {
            self.page.title = Some(title.clone());
        }
        if level <= self.context.config.toc_depth {
            self.page.headings.push(Heading { level, id: id.clone(), title });
        }
        id
    }

    /// Rewrites a link or image target to a URL relative to this page, and checks it.
    fn rewrite<'n>(
        &mut self,
        url: &str,
        line: usize,
        image: bool,
        node: &'n AstNode<'n>,
    ) -> String {
        let url = url.trim();
        if url.is_empty() || url.starts_with('/') || has_scheme(url) {
            return url.to_string();
        }
        let (path_part, anchor) = match url.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (url, None),
        };
        let path_part = path_part.split('?').next().unwrap_or("");
        if path_part.is_empty() {
            if let Some(anchor) = anchor {
                self.page.links.push(InternalLink {
                    url: self.context.url.to_string(),
                    anchor: anchor.into(),
                    line,
                });
            }
            return url.to_string();
        }
        let decoded = percent_encoding::percent_decode_str(path_part).decode_utf8_lossy();
        let base = self.context.file.parent().unwrap_or(self.context.root);
        let target = paths::normalise(&base.join(decoded.as_ref()));
        let found = target.as_deref().and_then(|t| self.context.site.target(t));
        let what = if image { "image" } else { "link" };
        match found {
            Some(Target::Page(target_url)) => {
                if let Some(anchor) = anchor.filter(|a| !a.is_empty()) {
                    self.page.links.push(InternalLink {
                        url: target_url.clone(),
                        anchor: anchor.into(),
                        line,
                    });
                }
                let mut out = relative_url(self.context.url, &target_url);
                if let Some(anchor) = anchor {
                    out.push('#');
                    out.push_str(anchor);
                }
                out
            }
            Some(Target::Asset(asset_url)) => relative_url(self.context.url, &asset_url),
            None => {
                let check = if image { Check::MissingImage } else { Check::BrokenLink };
                let shown = node.collect_text();
                let shown = if shown.trim().is_empty() {
                    String::new()
                } else {
                    format!(" ({})", shown.trim())
                };
                self.warn(
                    check,
                    line,
                    format!("{what} target `{path_part}`{shown} is not a file of this site"),
                );
                url.to_string()
            }
        }
    }

    /// Wraps known abbreviations in `<abbr title>`.
    fn abbreviate(&self, node: &'a AstNode<'a>, text: &str) {
        let mut pieces: Vec<(bool, String)> = Vec::new();
        let mut rest = text;
        'scan: while !rest.is_empty() {
            let mut best: Option<(usize, &(String, String))> = None;
            for abbr in &self.prepared.abbreviations {
                let mut from = 0;
                while let Some(at) = rest[from..].find(abbr.0.as_str()).map(|i| i + from) {
                    let before = rest[..at].chars().next_back();
                    let after = rest[at + abbr.0.len()..].chars().next();
                    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                    if !word(before) && !word(after) {
                        if best.is_none_or(|(b, _)| at < b) {
                            best = Some((at, abbr));
                        }
                        break;
                    }
                    from = at + abbr.0.len().max(1);
                }
            }
            let Some((at, (abbr, title))) = best else {
                pieces.push((false, rest.to_string()));
                break 'scan;
            };
            pieces.push((false, rest[..at].to_string()));
            let mut html = String::from("<abbr title=\"");
            escape_into(&mut html, title);
            html.push_str("\">");
            escape_into(&mut html, abbr);
            html.push_str("</abbr>");
            pieces.push((true, html));
            rest = &rest[at + abbr.len()..];
        }
        if pieces.iter().all(|(html, _)| !html) {
            return;
        }
        let line = node.data().sourcepos.start.line;
        for (is_html, piece) in pieces {
            if piece.is_empty() {
                continue;
            }
            let new = if is_html {
                self.html_node(piece, false, line)
            } else {
                let at = LineColumn { line, column: 1 };
                self.arena
                    .alloc(AstNode::new(RefCell::new(Ast::new(NodeValue::Text(piece.into()), at))))
            };
            node.insert_before(new);
        }
        node.detach();
    }

    /// The block a `portico-N` directive stands for.
    fn block_of(&self, node: &AstNode<'_>) -> Option<&'w Block> {
        let NodeValue::BlockDirective(d) = &node.data().value else { return None };
        let n: usize = d.info.trim().strip_prefix("portico-")?.parse().ok()?;
        self.prepared.blocks.get(n)
    }

    /// Turns a `portico-N` directive into its admonition, details or tab set.
    fn directive(&mut self, node: &'a AstNode<'a>) {
        let Some(block) = self.block_of(node) else { return };
        if node.parent().is_none() {
            return; // already moved into a tab set
        }
        let line = node.data().sourcepos.start.line;
        let mut open = String::new();
        let close = match block {
            Block::Admonition { kind, title } => {
                let _ = write!(open, "<div class=\"admonition {kind}\">");
                if let Some(title) = title {
                    open.push_str("<p class=\"admonition-title\">");
                    escape_into(&mut open, title);
                    open.push_str("</p>");
                }
                "</div>"
            }
            Block::Details { kind, title, open: is_open } => {
                let _ = write!(
                    open,
                    "<details class=\"{kind}\"{}><summary>",
                    if *is_open { " open" } else { "" }
                );
                escape_into(&mut open, title);
                open.push_str("</summary>");
                "</details>"
            }
            Block::Tab { new_set: false, .. } => return, // handled with its set's first tab
            Block::Tab { title, selected, .. } => return self.tab_set(node, title, *selected),
        };
        node.insert_before(self.html_node(open, true, line));
        while let Some(child) = node.first_child() {
            child.detach();
            node.insert_before(child);
        }
        node.insert_before(self.html_node(close.to_string(), true, line));
        node.detach();
    }

    /// A run of tab directives: radios and labels (they work without script), then the panels.
    fn tab_set(&mut self, first: &'a AstNode<'a>, title: &'w str, selected: bool) {
        let mut tabs = vec![(first, title, selected)];
        let mut next = first.next_sibling();
        while let Some((node, (title, selected))) = next.and_then(|n| Some((n, self.next_tab(n)?)))
        {
            tabs.push((node, title, selected));
            next = node.next_sibling();
        }
        self.tab_sets += 1;
        let set = self.tab_sets;
        let chosen = tabs.iter().position(|(_, _, selected)| *selected).unwrap_or(0);
        let mut head = String::from("<div class=\"tabbed-set\">");
        for i in 0..tabs.len() {
            let _ = write!(
                head,
                "<input type=\"radio\" name=\"__tabbed_{set}\" id=\"__tabbed_{set}_{n}\"{}>",
                if i == chosen { " checked" } else { "" },
                n = i + 1
            );
        }
        head.push_str("<div class=\"tabbed-labels\">");
        for (i, (_, title, _)) in tabs.iter().enumerate() {
            let _ = write!(head, "<label for=\"__tabbed_{set}_{}\">", i + 1);
            escape_into(&mut head, title);
            head.push_str("</label>");
        }
        head.push_str("</div><div class=\"tabbed-content\">");
        let line = first.data().sourcepos.start.line;
        first.insert_before(self.html_node(head, true, line));
        for (node, _, _) in &tabs {
            first.insert_before(self.html_node("<div class=\"tabbed-block\">".into(), true, line));
            while let Some(child) = node.first_child() {
                child.detach();
                first.insert_before(child);
            }
            first.insert_before(self.html_node("</div>".into(), true, line));
        }
        first.insert_before(self.html_node("</div></div>".into(), true, line));
        for (node, _, _) in tabs {
            node.detach();
        }
    }

    /// The title and `===+` flag of a tab that continues the set being built.
    fn next_tab(&self, node: &AstNode<'_>) -> Option<(&'w str, bool)> {
        match self.block_of(node)? {
            Block::Tab { title, new_set: false, selected } => Some((title.as_str(), *selected)),
            _ => None,
        }
    }

    /// Search sections and the word count, from the rewritten tree.
    fn collect_text<'n>(&mut self, root: &'n AstNode<'n>) {
        let mut headings = self.page.headings.iter();
        let mut current = Section {
            id: None,
            title: self.page.title.clone().unwrap_or_default(),
            text: String::new(),
        };
        let mut sections = Vec::new();
        let mut words = 0;
        for node in root.descendants() {
            let value = &node.data().value;
            match value {
                NodeValue::Heading(h) if h.level <= self.context.config.toc_depth => {
                    if let Some(heading) = headings.next() {
                        let done = std::mem::replace(
                            &mut current,
                            Section {
                                id: Some(heading.id.clone()),
                                title: heading.title.clone(),
                                text: String::new(),
                            },
                        );
                        if done.id.is_some() || !done.text.trim().is_empty() {
                            sections.push(done);
                        }
                    }
                }
                NodeValue::Text(text) if !inside_heading(node) => {
                    words += text.split_whitespace().count();
                    current.text.push_str(text);
                }
                NodeValue::Code(code) => current.text.push_str(&code.literal),
                NodeValue::HtmlBlock(block) => {
                    // A code block's marker: its text is searchable too.
                    let n =
                        block.literal.strip_prefix("<p>").and_then(|m| m.strip_prefix(CODE_MARK));
                    let n = n.and_then(|m| m.split(CODE_MARK).next()?.parse::<usize>().ok());
                    if let Some(code) = n.and_then(|n| self.code.get(n)) {
                        current.text.push(' ');
                        current.text.push_str(&code.text);
                        current.text.push(' ');
                    }
                }
                NodeValue::SoftBreak | NodeValue::LineBreak => current.text.push(' '),
                NodeValue::Paragraph | NodeValue::Item(_) | NodeValue::TableCell => {
                    current.text.push(' ')
                }
                _ => {}
            }
        }
        sections.push(current);
        for section in &mut sections {
            section.text = section.text.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        self.page.sections = sections;
        self.page.word_count = words;
    }
}

fn inside_heading<'n>(node: &'n AstNode<'n>) -> bool {
    node.ancestors().any(|a| matches!(a.data().value, NodeValue::Heading(_)))
}

/// Writes `<hN id="…">` and the permalink, in document order.
struct Headings {
    queue: Mutex<VecDeque<String>>,
    permalink: Option<String>,
}

impl HeadingAdapter for Headings {
    fn enter(
        &self,
        output: &mut dyn fmt::Write,
        heading: &HeadingMeta,
        _: Option<Sourcepos>,
    ) -> fmt::Result {
        let id = self.queue.lock().ok().and_then(|q| q.front().cloned()).unwrap_or_default();
        let mut escaped = String::new();
        escape_into(&mut escaped, &id);
        write!(output, "<h{} id=\"{escaped}\">", heading.level)
    }

    fn exit(&self, output: &mut dyn fmt::Write, heading: &HeadingMeta) -> fmt::Result {
        let id = self.queue.lock().ok().and_then(|mut q| q.pop_front()).unwrap_or_default();
        if let Some(symbol) = &self.permalink {
            let mut escaped = String::new();
            escape_into(&mut escaped, &id);
            let mut text = String::new();
            escape_into(&mut text, symbol);
            write!(
                output,
                "<a class=\"headerlink\" href=\"#{escaped}\" title=\"Permanent link\">{text}</a>"
            )?;
        }
        write!(output, "</h{}>", heading.level)
    }
}

/// Python-Markdown's `toc` slugify, step by step: accents folded and other
/// non-ASCII dropped, characters other than word, space and `-` removed,
/// trimmed, lower-cased, runs of spaces and dashes made one `-`.
pub fn slugify(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter_map(fold)
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-' || c.is_ascii_whitespace())
        .collect();
    let mut out = String::with_capacity(kept.len());
    let mut run = false;
    for c in kept.trim().chars() {
        if c == '-' || c.is_ascii_whitespace() {
            run = true;
            continue;
        }
        if run {
            out.push('-');
            run = false;
        }
        out.push(c.to_ascii_lowercase());
    }
    if run {
        out.push('-');
    }
    out
}

/// NFKD then ASCII, for the letters that matter: accented Latin letters lose
/// their accent, anything else outside ASCII is dropped (as Python does).
fn fold(c: char) -> Option<char> {
    Some(match c {
        c if c.is_ascii() => c,
        'à'..='å' => 'a',
        'À'..='Å' => 'A',
        'è'..='ë' => 'e',
        'È'..='Ë' => 'E',
        'ì'..='ï' => 'i',
        'Ì'..='Ï' => 'I',
        'ò'..='ö' => 'o',
        'Ò'..='Ö' => 'O',
        'ù'..='ü' => 'u',
        'Ù'..='Ü' => 'U',
        'ç' => 'c',
        'Ç' => 'C',
        'ñ' => 'n',
        'Ñ' => 'N',
        'ý' | 'ÿ' => 'y',
        _ => return None,
    })
}

fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            url[..i].chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && i > 0
        }
        None => false,
    }
}

/// The URL of `to` as seen from the page at `from` (both site-relative).
pub fn relative_url(from: &str, to: &str) -> String {
    let from_dir = &from[..from.rfind('/').map_or(0, |i| i + 1)];
    let from_parts: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_parts.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from_parts.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    if out.is_empty() { "./".into() } else { out }
}

/// Every `id="…"` value in a page's HTML.
fn ids_in(html: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(" id=\"") {
        rest = &rest[at + 5..];
        if let Some(end) = rest.find('"') {
            ids.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    ids
}
