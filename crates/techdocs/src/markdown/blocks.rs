//! The pymdownx syntaxes CommonMark has no idea of, rewritten before parsing.
//!
//! * Snippets (`--8<-- "file"`, line and block forms, `file:3:5` ranges,
//!   `file:name` sections) are spliced in first, from inside the repository only.
//! * Abbreviation definitions (`*[HTML]: Hyper Text…`) are taken out and returned.
//! * Admonitions (`!!! note "Title"`), collapsible details (`??? tip`,
//!   `???+ open`) and content tabs (`=== "Rust"`) own the lines indented
//!   under them. Each becomes one of comrak's `:::` block directives around its
//!   dedented body, so the body is ordinary Markdown (lists, code, nested
//!   blocks) parsed in the same pass; the directive's info string is
//!   `portico-N` (comrak refuses a `:` in a directive's info), the index of its [`Block`] in the returned table, which the
//!   renderer turns into the real HTML.
//!
//! Output lines keep a map back to the source line, so diagnostics point at the
//! line the author wrote. Code fences are never looked into (except by snippets,
//! which pymdownx also expands there).

use std::path::{Path, PathBuf};

use crate::diagnostic::{Check, Diagnostic};
use crate::paths;

/// Deepest snippet-in-snippet nesting.
const MAX_SNIPPET_DEPTH: usize = 4;
/// Most bytes snippets may add to one page.
const MAX_SNIPPET_BYTES: usize = 4 * 1024 * 1024;
/// Deepest block nesting (admonition in tab in admonition…).
const MAX_BLOCK_DEPTH: usize = 16;

/// One admonition, details block or tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Admonition {
        kind: String,
        title: Option<String>,
    },
    Details {
        kind: String,
        title: String,
        open: bool,
    },
    /// `new_set` starts a new tab set; `selected` is `===+`.
    Tab {
        title: String,
        new_set: bool,
        selected: bool,
    },
}

/// The rewritten source.
#[derive(Debug, Default)]
pub struct Prepared {
    pub text: String,
    /// For each output line (0-based), the source line (1-based) it came from.
    pub lines: Vec<usize>,
    pub blocks: Vec<Block>,
    /// `(abbreviation, expansion)`.
    pub abbreviations: Vec<(String, String)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where snippets may come from and how the page is named in diagnostics.
pub struct SnippetScope<'a> {
    /// Canonical repository root; snippets never leave it.
    pub root: &'a Path,
    /// Folders a snippet path is tried against, in order (the config's folder, then the page's).
    pub bases: Vec<PathBuf>,
    /// The page, relative to the repository.
    pub file: &'a str,
}

/// Rewrites `source` (front matter already blanked) for comrak.
pub fn prepare(source: &str, scope: &SnippetScope<'_>) -> Prepared {
    let mut prepared = Prepared::default();
    let mut lines: Vec<(String, usize)> = Vec::new();
    let mut budget = MAX_SNIPPET_BYTES;
    for (i, line) in source.lines().enumerate() {
        expand_snippets(line, i + 1, scope, 0, &mut budget, &mut lines, &mut prepared.diagnostics);
    }
    let mut kept = Vec::with_capacity(lines.len());
    let mut fence = FenceState::default();
    for (text, line) in lines {
        // The renderer's code-block marker must not come from the author (or a snippet).
        let text = detab(&text).replace(super::tree::CODE_MARK, "\u{FFFD}");
        if let Some(abbr) = abbreviation(&text).filter(|_| !fence.inside()) {
            prepared.abbreviations.push(abbr);
            kept.push((String::new(), line));
            continue;
        }
        fence.feed(&text);
        kept.push((text, line));
    }
    let mut out = Vec::with_capacity(kept.len());
    transform(&kept, 0, &mut prepared.blocks, &mut out);
    prepared.text.reserve(source.len() + 64);
    for (text, line) in out {
        prepared.text.push_str(&text);
        prepared.text.push('\n');
        prepared.lines.push(line);
    }
    prepared
}

/// Tabs at the start of a line become four spaces (Python-Markdown's tab width).
fn detab(line: &str) -> String {
    if !line.starts_with('\t') && !line.starts_with(" \t") {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    let mut column = 0;
    while let Some(c) = rest.chars().next() {
        match c {
            '\t' => {
                let width = 4 - column % 4;
                out.extend(std::iter::repeat_n(' ', width));
                column += width;
            }
            ' ' => {
                out.push(' ');
                column += 1;
            }
            _ => break,
        }
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `*[HTML]: Hyper Text Markup Language`
fn abbreviation(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix("*[")?;
    let (abbr, rest) = rest.split_once("]:")?;
    let abbr = abbr.trim();
    (!abbr.is_empty() && !abbr.contains(']')).then(|| (abbr.to_string(), rest.trim().to_string()))
}

#[derive(Default)]
struct FenceState {
    open: Option<(char, usize)>,
}

impl FenceState {
    fn inside(&self) -> bool {
        self.open.is_some()
    }

    /// Tracks ``` and ~~~ fences.
    fn feed(&mut self, line: &str) {
        let trimmed = line.trim_start();
        let Some(c) = trimmed.chars().next().filter(|c| *c == '`' || *c == '~') else { return };
        let run = trimmed.chars().take_while(|x| *x == c).count();
        if run < 3 {
            return;
        }
        match self.open {
            None => self.open = Some((c, run)),
            Some((open, len)) if open == c && run >= len && trimmed[run..].trim().is_empty() => {
                self.open = None
            }
            Some(_) => {}
        }
    }
}

fn expand_snippets(
    line: &str,
    number: usize,
    scope: &SnippetScope<'_>,
    depth: usize,
    budget: &mut usize,
    out: &mut Vec<(String, usize)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if let Some(escaped) = trimmed.strip_prefix(";--8<--") {
        out.push((format!("{indent}--8<--{escaped}"), number));
        return;
    }
    let Some(target) = snippet_target(trimmed) else {
        out.push((line.to_string(), number));
        return;
    };
    let warn = |diagnostics: &mut Vec<Diagnostic>, message: String| {
        diagnostics.push(Diagnostic::warning(Check::Snippet, scope.file, number, message));
    };
    if depth >= MAX_SNIPPET_DEPTH {
        warn(
            diagnostics,
            format!("snippet `{target}` is nested more than {MAX_SNIPPET_DEPTH} deep"),
        );
        return;
    }
    if target.contains("://") {
        warn(diagnostics, format!("snippet `{target}`: URL snippets are not fetched"));
        return;
    }
    let (path, selection) = split_selection(&target);
    let mut found = None;
    let mut refusal = None;
    for base in &scope.bases {
        match paths::inside(scope.root, base, path) {
            Ok(p) if p.is_file() => {
                found = Some(p);
                break;
            }
            Ok(_) => {}
            Err(message) => refusal = Some(message),
        }
    }
    let Some(file) = found else {
        let reason = refusal.unwrap_or_else(|| "no such file".into());
        warn(diagnostics, format!("snippet `{path}`: {reason}"));
        return;
    };
    let text = match std::fs::read(&file).map(String::from_utf8) {
        Ok(Ok(text)) if text.len() <= *budget => text,
        Ok(Ok(_)) => {
            return warn(
                diagnostics,
                format!("snippet `{path}`: snippets add more than 4 MiB to this page"),
            );
        }
        _ => return warn(diagnostics, format!("snippet `{path}` cannot be read as UTF-8 text")),
    };
    *budget -= text.len();
    let all: Vec<&str> = text.lines().collect();
    let chosen: Vec<&str> = match selection {
        Selection::All => all.iter().copied().filter(|l| !is_section_marker(l)).collect(),
        Selection::Lines(a, b) => {
            let b = b.unwrap_or(all.len()).min(all.len());
            all.get(a.saturating_sub(1).min(b)..b).unwrap_or_default().to_vec()
        }
        Selection::Section(name) => {
            let start = all.iter().position(|l| l.contains(&format!("--8<-- [start:{name}]")));
            let end = all.iter().position(|l| l.contains(&format!("--8<-- [end:{name}]")));
            match (start, end) {
                (Some(s), Some(e)) if s < e => all[s + 1..e].to_vec(),
                _ => return warn(diagnostics, format!("snippet `{path}` has no section `{name}`")),
            }
        }
    };
    for inner in chosen {
        let inner = format!("{indent}{inner}");
        expand_snippets(&inner, number, scope, depth + 1, budget, out, diagnostics);
    }
}

fn is_section_marker(line: &str) -> bool {
    line.contains("--8<-- [start:") || line.contains("--8<-- [end:")
}

enum Selection<'a> {
    All,
    Lines(usize, Option<usize>),
    Section(&'a str),
}

/// `file.md`, `file.md:3:5`, `file.md:3`, `file.md:name`.
fn split_selection(target: &str) -> (&str, Selection<'_>) {
    let mut parts = target.splitn(3, ':');
    let path = parts.next().unwrap_or("");
    match (parts.next(), parts.next()) {
        (None, _) => (path, Selection::All),
        (Some(a), b) => match a.parse::<usize>() {
            Ok(start) => (path, Selection::Lines(start.max(1), b.and_then(|b| b.parse().ok()))),
            Err(_) => (path, Selection::Section(a)),
        },
    }
}

/// The quoted file of a `--8<-- "file"` line.
fn snippet_target(trimmed: &str) -> Option<String> {
    let dashes = trimmed.find("8<")?;
    if dashes == 0 || !trimmed[..dashes].chars().all(|c| c == '-') {
        return None;
    }
    let rest = trimmed[dashes + 2..].trim_start_matches('-');
    let rest = rest.trim();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let end = rest[1..].find(quote)?;
    let target = rest[1..1 + end].trim();
    (!target.is_empty()).then(|| target.to_string())
}

/// One block opener: `!!! note "Title"`, `???+ tip`, `=== "Tab"`.
fn opener(trimmed: &str) -> Option<(Marker, &str)> {
    let (marker, rest) = if let Some(r) = trimmed.strip_prefix("!!!") {
        (Marker::Admonition, r)
    } else if let Some(r) = trimmed.strip_prefix("???+") {
        (Marker::Details { open: true }, r)
    } else if let Some(r) = trimmed.strip_prefix("???") {
        (Marker::Details { open: false }, r)
    } else if let Some(r) = trimmed.strip_prefix("===+") {
        (Marker::Tab { selected: true }, r)
    } else if let Some(r) = trimmed.strip_prefix("===") {
        (Marker::Tab { selected: false }, r)
    } else {
        return None;
    };
    rest.starts_with(' ').then_some((marker, rest.trim()))
}

#[derive(Clone, Copy)]
enum Marker {
    Admonition,
    Details { open: bool },
    Tab { selected: bool },
}

/// `note "Title"` → ("note", Some("Title")); `"Title"` alone for tabs.
fn kind_and_title(rest: &str) -> (String, Option<String>) {
    let (head, title) = match rest.find('"') {
        Some(q) => {
            let end = rest[q + 1..].rfind('"').map_or(rest.len(), |e| q + 1 + e);
            (&rest[..q], Some(rest[q + 1..end].to_string()))
        }
        None => (rest, None),
    };
    let kind = head.split_whitespace().next().unwrap_or("note").to_ascii_lowercase();
    let kind: String =
        kind.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    (if kind.is_empty() { "note".into() } else { kind }, title)
}

/// Rewrites blocks at any indentation; returns the longest directive fence written.
fn transform(
    lines: &[(String, usize)],
    depth: usize,
    blocks: &mut Vec<Block>,
    out: &mut Vec<(String, usize)>,
) -> usize {
    let mut longest = 0;
    let mut fence = FenceState::default();
    let mut i = 0;
    // Where the last tab block ended, at which indent, to group consecutive tabs.
    let mut last_tab_end: Option<(usize, usize)> = None;
    while i < lines.len() {
        let (text, number) = &lines[i];
        let trimmed = text.trim_start();
        let opened =
            if fence.inside() || depth >= MAX_BLOCK_DEPTH { None } else { opener(trimmed) };
        let Some((marker, rest)) = opened else {
            fence.feed(text);
            out.push((text.clone(), *number));
            i += 1;
            continue;
        };
        let indent = indent_of(text);
        // The body: following lines indented at least four more, and blank lines between them.
        let mut end = i + 1;
        let mut last_content = i;
        while end < lines.len() {
            let line = &lines[end].0;
            if line.trim().is_empty() {
                end += 1;
                continue;
            }
            if indent_of(line) >= indent + 4 {
                last_content = end;
                end += 1;
                continue;
            }
            break;
        }
        let body: Vec<(String, usize)> = lines[i + 1..=last_content]
            .iter()
            .map(|(line, n)| (dedent(line, indent + 4, indent), *n))
            .collect();
        let (kind, title) = kind_and_title(rest);
        let block = match marker {
            Marker::Admonition => Block::Admonition {
                title: match title {
                    Some(t) if t.is_empty() => None,
                    Some(t) => Some(t),
                    None => Some(super::capitalise(&kind)),
                },
                kind,
            },
            Marker::Details { open } => {
                let title =
                    title.filter(|t| !t.is_empty()).unwrap_or_else(|| super::capitalise(&kind));
                Block::Details { kind, title, open }
            }
            Marker::Tab { selected } => {
                let title = title.unwrap_or_else(|| rest.trim_matches('"').to_string());
                let continues = last_tab_end.is_some_and(|(at, ind)| {
                    ind == indent && lines[at..i].iter().all(|(l, _)| l.trim().is_empty())
                });
                Block::Tab { title, new_set: !continues, selected }
            }
        };
        let is_tab = matches!(block, Block::Tab { .. });
        let id = blocks.len();
        blocks.push(block);
        let mut inner = Vec::with_capacity(body.len());
        let inner_longest = transform(&body, depth + 1, blocks, &mut inner);
        let colons = ":".repeat(inner_longest.max(2) + 1);
        longest = longest.max(colons.len());
        let pad = " ".repeat(indent);
        out.push((format!("{pad}{colons} portico-{id}"), *number));
        let close_line = inner.last().map_or(*number, |(_, n)| *n);
        out.extend(inner);
        out.push((format!("{pad}{colons}"), close_line));
        // Blank lines after the body belong to what follows.
        i = last_content + 1;
        last_tab_end = is_tab.then_some((i, indent));
    }
    longest
}

/// Removes `by` columns of indentation, keeping at least `keep`.
fn dedent(line: &str, by: usize, keep: usize) -> String {
    let have = indent_of(line);
    if line.trim().is_empty() {
        return String::new();
    }
    let remove = have.min(by) - have.min(by).min(keep);
    line[remove..].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(source: &str) -> Prepared {
        let root = std::env::temp_dir().canonicalize().unwrap();
        prepare(source, &SnippetScope { root: &root, bases: vec![root.clone()], file: "docs/x.md" })
    }

    #[test]
    fn admonitions_become_directives_around_their_body() {
        let p = run(
            "Intro\n\n!!! warning \"Mind the gap\"\n    Body *one*.\n\n    ```sh\n    !!! not a block\n    ```\n\nAfter\n",
        );
        expect_test::expect![[r#"
            Intro

            ::: portico-0
            Body *one*.

            ```sh
            !!! not a block
            ```
            :::

            After
        "#]]
        .assert_eq(&p.text);
        assert_eq!(
            p.blocks,
            vec![Block::Admonition { kind: "warning".into(), title: Some("Mind the gap".into()) }]
        );
        // The closing fence maps to the last body line; "After" keeps its own line.
        assert_eq!(p.lines[8], 8);
        assert_eq!(p.lines[10], 10);
    }

    #[test]
    fn nested_blocks_get_longer_fences_and_tabs_group() {
        let p = run(
            "=== \"Rust\"\n\n    ??? tip\n        deep\n\n=== \"Go\"\n    go\n\n===+ \"New set\"\n    x\n",
        );
        expect_test::expect![[r#"
            :::: portico-0

            ::: portico-1
            deep
            :::
            ::::

            ::: portico-2
            go
            :::

            ::: portico-3
            x
            :::
        "#]]
        .assert_eq(&p.text);
        assert_eq!(
            p.blocks,
            vec![
                Block::Tab { title: "Rust".into(), new_set: true, selected: false },
                Block::Details { kind: "tip".into(), title: "Tip".into(), open: false },
                Block::Tab { title: "Go".into(), new_set: false, selected: false },
                Block::Tab { title: "New set".into(), new_set: false, selected: true },
            ]
        );
    }

    #[test]
    fn blocks_inside_lists_keep_the_list_indent() {
        let p = run("1. Step\n\n    !!! note \"\"\n        Inside\n");
        assert_eq!(p.text, "1. Step\n\n    ::: portico-0\n    Inside\n    :::\n");
        assert_eq!(p.blocks, vec![Block::Admonition { kind: "note".into(), title: None }]);
    }

    #[test]
    fn abbreviations_are_collected_outside_code() {
        let p = run("*[HTML]: Hyper Text\n```\n*[NO]: not this\n```\n");
        assert_eq!(p.abbreviations, vec![("HTML".into(), "Hyper Text".into())]);
        assert!(p.text.contains("*[NO]"));
    }

    #[test]
    fn snippets_stay_inside_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("part.md"), "one\n--8<-- [start:s]\ntwo\n--8<-- [end:s]\nthree\n")
            .unwrap();
        std::fs::write(root.join("loop.md"), "--8<-- \"loop.md\"\n").unwrap();
        let scope = SnippetScope { root: &root, bases: vec![root.clone()], file: "docs/x.md" };
        let p = prepare(
            "  --8<-- \"part.md\"\n--8<-- \"part.md:s\"\n--8<-- 'part.md:1:1'\n;--8<-- \"kept\"\n--8<-- \"../../etc/passwd\"\n--8<-- \"loop.md\"\n",
            &scope,
        );
        assert_eq!(p.text, "  one\n  two\n  three\ntwo\none\n--8<-- \"kept\"\n");
        let messages: Vec<_> = p.diagnostics.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].1.contains("leaves the repository") && messages[0].0 == 5,
            "{messages:?}"
        );
        assert!(messages[1].1.contains("nested"), "{messages:?}");
    }
}
