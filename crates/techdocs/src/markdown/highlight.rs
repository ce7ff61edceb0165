//! Code blocks, highlighted on the server (pymdownx.highlight's job in MkDocs).
//!
//! syntect's grammars (pure-Rust regexes) tag the code; each run of text gets
//! at most one short class (`hl-k` keyword, `hl-s` string, …) from the
//! innermost scope that has a colour, and every line is closed on its own, so
//! line numbers and highlighted lines are plain wrappers. The colours live in
//! the design system's CSS as tokens, so both themes meet contrast rules.
//! The fence's info string takes pymdownx's options: `linenums="1"`,
//! `hl_lines="2 4-5"`, `title="main.rs"`. `mermaid` blocks are left for the
//! browser to draw.

use std::sync::OnceLock;

use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};

/// Code blocks larger than this are shown unhighlighted (the grammars are regex
/// machines; a huge or pathological block must not stall a build).
const MAX_HIGHLIGHT_BYTES: usize = 128 * 1024;
/// Lines longer than this are not highlighted either (minified code).
const MAX_LINE_BYTES: usize = 4 * 1024;

struct Grammars {
    syntaxes: SyntaxSet,
    classes: Vec<(Scope, &'static str)>,
}

fn grammars() -> &'static Grammars {
    static GRAMMARS: OnceLock<Grammars> = OnceLock::new();
    GRAMMARS.get_or_init(|| {
        // Most specific first: the first prefix that matches a scope names its class.
        let table = [
            ("comment", "hl-c"),
            ("string", "hl-s"),
            ("constant.character.escape", "hl-k"),
            ("constant", "hl-n"),
            ("keyword", "hl-k"),
            ("storage", "hl-k"),
            ("entity.name.function", "hl-f"),
            ("support.function", "hl-f"),
            ("variable.function", "hl-f"),
            ("entity.name.tag", "hl-t"),
            ("entity.other.attribute-name", "hl-a"),
            ("entity.name", "hl-t"),
            ("support.type", "hl-t"),
            ("support.class", "hl-t"),
            ("markup.inserted", "hl-i"),
            ("markup.deleted", "hl-d"),
            ("markup.heading", "hl-k"),
            ("meta.diff.range", "hl-c"),
        ];
        let classes = table
            .iter()
            .filter_map(|(scope, class)| Scope::new(scope).ok().map(|s| (s, *class)))
            .collect();
        Grammars { syntaxes: SyntaxSet::load_defaults_newlines(), classes }
    })
}

/// Loads the grammars now (they take a few milliseconds), so the first page does not pay.
pub fn warm_up() {
    grammars();
}

/// What a fence's info string asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Fence {
    pub lang: Option<String>,
    pub linenums: Option<usize>,
    pub hl_lines: Vec<(usize, usize)>,
    pub title: Option<String>,
}

/// Reads ```` ```rust linenums="1" hl_lines="2 3-4" title="main.rs" ```` and ```` ```{.rust} ````.
pub fn parse_fence(info: &str) -> Fence {
    let mut fence = Fence::default();
    let info = info.trim();
    let (first, rest) = match info.find(char::is_whitespace) {
        Some(i) => (&info[..i], &info[i..]),
        None => (info, ""),
    };
    let lang = first.trim_start_matches('{').trim_end_matches('}').trim_start_matches('.');
    if !lang.is_empty() && !lang.contains('=') {
        fence.lang = Some(lang.to_ascii_lowercase());
    }
    let attrs = if lang.contains('=') { info } else { rest };
    for (key, value) in attributes(attrs) {
        match key.as_str() {
            "linenums" => {
                fence.linenums = value.split_whitespace().next().and_then(|v| v.parse().ok())
            }
            "hl_lines" => {
                for part in value.split_whitespace() {
                    let (a, b) = part.split_once('-').unwrap_or((part, part));
                    if let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) {
                        fence.hl_lines.push((a.min(b), a.max(b)));
                    }
                }
            }
            "title" => fence.title = Some(value).filter(|t| !t.is_empty()),
            _ => {}
        }
    }
    fence
}

/// `key="value"` pairs (also `key=value` and single quotes).
fn attributes(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text.trim().trim_end_matches('}');
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq]
            .trim()
            .trim_start_matches(['{', '.'])
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or("");
        let after = rest[eq + 1..].trim_start();
        let (value, tail) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => match after[1..].find(q) {
                Some(end) => (&after[1..1 + end], &after[end + 2..]),
                None => (&after[1..], ""),
            },
            _ => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        out.push((key.to_string(), value.to_string()));
        rest = tail;
    }
    out
}

fn syntax_for(lang: &str) -> Option<&'static SyntaxReference> {
    let syntaxes = &grammars().syntaxes;
    let token = match lang {
        "ts" | "tsx" | "typescript" | "jsx" | "mjs" | "cjs" | "javascript" | "js" => "js",
        "shell" | "console" | "bash" | "zsh" | "sh" | "shell-session" => "bash",
        "yml" | "yaml" => "yaml",
        "text" | "txt" | "plain" | "plaintext" | "log" | "none" => return None,
        "py" | "python" | "python3" => "py",
        "golang" => "go",
        "rs" | "rust" => "rs",
        other => other,
    };
    syntaxes.find_syntax_by_token(token)
}

/// The HTML of one code block (before sanitising).
pub fn render_code_block(info: &str, code: &str, default_linenums: bool) -> String {
    let fence = parse_fence(info);
    let mut out = String::with_capacity(code.len() * 2 + 128);
    if fence.lang.as_deref() == Some("mermaid") {
        out.push_str(r#"<pre class="mermaid"><code>"#);
        escape_into(&mut out, code);
        out.push_str("</code></pre>\n");
        return out;
    }
    let start = fence.linenums.or(default_linenums.then_some(1));
    out.push_str(r#"<div class="highlight">"#);
    if let Some(title) = &fence.title {
        out.push_str(r#"<span class="filename">"#);
        escape_into(&mut out, title);
        out.push_str("</span>");
    }
    out.push_str("<pre");
    if start.is_some() {
        out.push_str(r#" class="linenums""#);
    }
    out.push_str("><code");
    if let Some(lang) = &fence.lang {
        out.push_str(r#" class="language-"#);
        escape_into(&mut out, lang);
        out.push('"');
    }
    out.push('>');
    let syntax =
        fence.lang.as_deref().and_then(syntax_for).filter(|_| code.len() <= MAX_HIGHLIGHT_BYTES);
    let mut highlighter = syntax.map(|s| (ParseState::new(s), ScopeStack::new()));
    let code = code.strip_suffix('\n').unwrap_or(code);
    for (i, line) in code.split('\n').enumerate() {
        let number = i + 1;
        let marked = fence.hl_lines.iter().any(|(a, b)| (*a..=*b).contains(&number));
        if marked {
            out.push_str(r#"<span class="hll">"#);
        }
        if let Some(start) = start {
            out.push_str(r#"<span class="ln" aria-hidden="true">"#);
            out.push_str(&(start + i).to_string());
            out.push_str("</span>");
        }
        match highlighter.as_mut() {
            Some((state, stack)) if line.len() <= MAX_LINE_BYTES => {
                if !highlight_line(&mut out, line, state, stack) {
                    highlighter = None;
                }
            }
            _ => escape_into(&mut out, line),
        }
        if marked {
            out.push_str("</span>");
        }
        out.push('\n');
    }
    out.push_str("</code></pre></div>\n");
    out
}

/// Writes one highlighted line; `false` when the grammar failed (the rest stays plain).
fn highlight_line(
    out: &mut String,
    line: &str,
    state: &mut ParseState,
    stack: &mut ScopeStack,
) -> bool {
    let with_newline = format!("{line}\n");
    let Ok(ops) = state.parse_line(&with_newline, &grammars().syntaxes) else {
        escape_into(out, line);
        return false;
    };
    let mut written = 0;
    let mut open: Option<&'static str> = None;
    let emit = |out: &mut String,
                text: &str,
                class: Option<&'static str>,
                open: &mut Option<&'static str>| {
        if text.is_empty() {
            return;
        }
        if *open != class {
            if open.is_some() {
                out.push_str("</span>");
            }
            if let Some(class) = class {
                out.push_str(r#"<span class=""#);
                out.push_str(class);
                out.push_str(r#"">"#);
            }
            *open = class;
        }
        escape_into(out, text);
    };
    for (at, op) in ops {
        let at = at.min(line.len());
        if at > written && line.is_char_boundary(at) {
            emit(out, &line[written..at], class_of(stack), &mut open);
            written = at;
        }
        if stack.apply(&op).is_err() {
            break;
        }
    }
    emit(out, &line[written..], class_of(stack), &mut open);
    if open.is_some() {
        out.push_str("</span>");
    }
    true
}

fn class_of(stack: &ScopeStack) -> Option<&'static str> {
    let classes = &grammars().classes;
    stack.as_slice().iter().rev().find_map(|scope| {
        classes.iter().find(|(prefix, _)| prefix.is_prefix_of(*scope)).map(|(_, c)| *c)
    })
}

/// HTML-escapes text into `out`.
pub fn escape_into(out: &mut String, text: &str) {
    // By bytes, copying the runs between special characters whole (every
    // page's code and text goes through here). The five are ASCII, so the
    // runs end on character boundaries.
    let mut last = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_every_other_character() {
        for (text, escaped) in [
            ("", ""),
            ("plain", "plain"),
            ("<a href=\"x\">&'</a>", "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"),
            ("é<日本>ü", "é&lt;日本&gt;ü"),
            ("&amp;", "&amp;amp;"),
            (">", "&gt;"),
        ] {
            let mut out = String::from("[");
            escape_into(&mut out, text);
            assert_eq!(out, format!("[{escaped}"), "{text}");
        }
    }

    #[test]
    fn fence_options_are_read() {
        let fence = parse_fence(r#"rust linenums="3" hl_lines="1 4-5" title="main.rs""#);
        assert_eq!(
            fence,
            Fence {
                lang: Some("rust".into()),
                linenums: Some(3),
                hl_lines: vec![(1, 1), (4, 5)],
                title: Some("main.rs".into())
            }
        );
        assert_eq!(parse_fence("{.Python}").lang.as_deref(), Some("python"));
        assert_eq!(parse_fence("").lang, None);
        assert_eq!(parse_fence(r#"title="x" hl_lines="z 2-1""#).hl_lines, vec![(1, 2)]);
    }

    #[test]
    fn code_is_highlighted_numbered_and_escaped() {
        let html = render_code_block(
            r#"rust linenums="1" hl_lines="2""#,
            "// hi\nlet s = \"<b>\";\n",
            false,
        );
        assert!(html.contains(r#"<span class="hl-c">// hi</span>"#), "{html}");
        assert!(
            html.contains(r#"<span class="hll"><span class="ln" aria-hidden="true">2</span>"#),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        let unknown = render_code_block("nosuchlang", "<script>", false);
        assert!(unknown.contains("&lt;script&gt;") && !unknown.contains("hl-"), "{unknown}");
        let mermaid = render_code_block("mermaid", "graph TD; A-->B", false);
        assert!(
            mermaid.starts_with(r#"<pre class="mermaid">"#) && mermaid.contains("A--&gt;B"),
            "{mermaid}"
        );
    }

    #[test]
    fn huge_and_hostile_code_is_left_plain() {
        let long = "x".repeat(MAX_HIGHLIGHT_BYTES + 1);
        assert!(!render_code_block("js", &long, false).contains("hl-"));
        let many = "\"unterminated\n".repeat(1000);
        assert!(render_code_block("python", &many, false).contains("hl-s"));
    }
}
