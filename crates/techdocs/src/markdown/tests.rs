//! Rendering, checked on small pages through one helper: each case is Markdown
//! in, sanitised HTML (and what the page reports) out.

use std::path::{Path, PathBuf};

use expect_test::{Expect, expect};

use super::*;
use crate::site::SiteMap;

/// A repository in `/repo` whose docs folder has `index.md`, `guide/setup.md`
/// and `img/logo.png`; the page being rendered is `docs/guide/intro.md`.
fn render_with(source: &str, config: &MarkdownConfig) -> RenderedPage {
    let root = Path::new("/repo");
    let docs = root.join("docs");
    let site = SiteMap::new(
        [
            (docs.join("index.md"), String::new()),
            (docs.join("guide/setup.md"), "guide/setup/".into()),
            (docs.join("guide/intro.md"), "guide/intro/".into()),
        ],
        [(docs.join("img/logo.png"), "img/logo.png".into())],
    );
    let file: PathBuf = docs.join("guide/intro.md");
    let context = PageContext {
        root,
        file: &file,
        file_rel: "docs/guide/intro.md",
        url: "guide/intro/",
        snippet_bases: vec![root.to_path_buf()],
        config,
        site: &site,
    };
    render_page(source, &context)
}

fn check(source: &str, expected: Expect) {
    let config = MarkdownConfig { linenums: false, ..MarkdownConfig::default() };
    let page = render_with(source, &config);
    expected.assert_eq(&page.html);
}

fn diagnostics(source: &str) -> Vec<String> {
    let page = render_with(source, &MarkdownConfig::default());
    page.diagnostics.iter().map(|d| d.to_string()).collect()
}

#[test]
fn headings_get_python_markdown_ids_and_permalinks() {
    check(
        "# Título: the *start*\n\n## Will it work, too?\n\n## Will it work, too?\n\n### Custom {#mine}\n",
        expect![[r##"
            <h1 id="titulo-the-start">Título: the <em>start</em><a class="headerlink" href="#titulo-the-start" title="Permanent link">¶</a></h1>
            <h2 id="will-it-work-too">Will it work, too?<a class="headerlink" href="#will-it-work-too" title="Permanent link">¶</a></h2>
            <h2 id="will-it-work-too_1">Will it work, too?<a class="headerlink" href="#will-it-work-too_1" title="Permanent link">¶</a></h2>
            <h3 id="mine">Custom<a class="headerlink" href="#mine" title="Permanent link">¶</a></h3>"##]],
    );
    let page = render_with("# One\n\n## Two\n\ntext\n", &MarkdownConfig::default());
    assert_eq!(page.title.as_deref(), Some("One"));
    assert_eq!(page.headings.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["one", "two"]);
}

#[test]
fn admonitions_details_and_alerts() {
    check(
        "!!! note \"Read *this*\"\n    Body with `code`.\n\n??? tip\n    Hidden\n\n???+ warning \"Open\"\n    Shown\n\n> [!CAUTION]\n> Careful\n",
        expect![[r#"
            <div class="admonition note"><p class="admonition-title">Read *this*</p>
            <p>Body with <code>code</code>.</p>
            </div>
            <details class="tip"><summary>Tip</summary>
            <p>Hidden</p>
            </details>
            <details class="warning" open><summary>Open</summary>
            <p>Shown</p>
            </details>
            <aside class="admonition caution">
            <p class="admonition-title">Caution</p>
            <p>Careful</p>
            </aside>
        "#]],
    );
}

#[test]
fn content_tabs_are_radios_and_panels() {
    check(
        "=== \"Rust\"\n    ```rust\n    fn main() {}\n    ```\n\n=== \"Go\"\n    Go *text*\n",
        expect![[r#"
            <div class="tabbed-set"><input type="radio" name="__tabbed_1" id="__tabbed_1_1" checked><input type="radio" name="__tabbed_1" id="__tabbed_1_2"><div class="tabbed-labels"><label for="__tabbed_1_1">Rust</label><label for="__tabbed_1_2">Go</label></div><div class="tabbed-content">
            <div class="tabbed-block">
            <div class="highlight"><pre><code class="language-rust"><span class="hl-k">fn</span> <span class="hl-f">main</span>() {}
            </code></pre></div>

            </div>
            <div class="tabbed-block">
            <p>Go <em>text</em></p>
            </div>
            </div></div>
        "#]],
    );
}

#[test]
fn code_in_lists_and_admonitions_is_highlighted_with_options() {
    check(
        "1. Step\n\n    ```yaml title=\"app.yaml\" hl_lines=\"2\" linenums=\"5\"\n    a: 1\n    b: two\n    ```\n",
        expect![[r#"
            <ol>
            <li>
            <p>Step</p>
            <div class="highlight"><span class="filename">app.yaml</span><pre class="linenums"><code class="language-yaml"><span class="ln" aria-hidden="true">5</span><span class="hl-t">a</span>: <span class="hl-n">1</span>
            <span class="hll"><span class="ln" aria-hidden="true">6</span><span class="hl-t">b</span>: <span class="hl-s">two</span></span>
            </code></pre></div>

            </li>
            </ol>
        "#]],
    );
}

#[test]
fn extra_syntax_of_pymdownx_extra() {
    check(
        "Term\n: Definition\n\nA ==mark==, ^sup^, ~sub~, ++ins++, ~~del~~ :smile: and the HTML spec[^1].\n\n- [x] done\n- [ ] todo\n\n*[HTML]: Hyper Text Markup Language\n\n[^1]: The note.\n",
        expect![[r##"
            <dl>
            <dt>Term</dt>
            <dd>Definition</dd>
            </dl>
            <p>A <mark>mark</mark>, <sup>sup</sup>, <sub>sub</sub>, <ins>ins</ins>, <del>del</del> 😄 and the <abbr title="Hyper Text Markup Language">HTML</abbr> spec<sup class="footnote-ref"><a href="#fn-1" id="fnref-1" data-footnote-ref>1</a></sup>.</p>
            <ul>
            <li><input type="checkbox" checked="" disabled="" aria-label="Done" /> done</li>
            <li><input type="checkbox" disabled="" aria-label="Not done" /> todo</li>
            </ul>
            <section class="footnotes" data-footnotes>
            <ol>
            <li id="fn-1">
            <p>The note. <a href="#fnref-1" class="footnote-backref" data-footnote-backref data-footnote-backref-idx="1" aria-label="Back to reference 1">↩</a></p>
            </li>
            </ol>
            </section>
        "##]],
    );
}

#[test]
fn links_and_images_are_made_relative_to_the_page_url() {
    check(
        "[setup](setup.md#install) [home](../index.md) [self](#top) [dir](./) [ext](https://x.dev/a.md) ![Logo](../img/logo.png)\n",
        expect![[r##"
            <p><a href="../setup/#install">setup</a> <a href="../../">home</a> <a href="#top">self</a> <a href="./">dir</a> <a href="https://x.dev/a.md">ext</a> <img src="../../img/logo.png" alt="Logo" /></p>
        "##]],
    );
}

#[test]
fn broken_links_missing_images_and_missing_alt_text_are_reported_with_lines() {
    expect![[r#"
        [
            "warning: docs/guide/intro.md:3: link target `nope.md` (gone) is not a file of this site",
            "warning: docs/guide/intro.md:4: image `../img/logo.png` has no alternative text",
            "warning: docs/guide/intro.md:5: image target `missing.png` (Alt) is not a file of this site",
        ]
    "#]]
    .assert_debug_eq(&diagnostics("# T\n\n[gone](nope.md)\n![](../img/logo.png)\n![Alt](missing.png)\n"));
    let page = render_with("[a](setup.md#nowhere) [b](#here)\n", &MarkdownConfig::default());
    let links: Vec<_> =
        page.links.iter().map(|l| (l.url.as_str(), l.anchor.as_str(), l.line)).collect();
    assert_eq!(links, [("guide/setup/", "nowhere", 1), ("guide/intro/", "here", 1)]);
}

#[test]
fn script_cannot_get_through_any_door() {
    let hostile = concat!(
        "<script>alert(1)</script>\n\n",
        "<img src=x onerror=alert(1)>\n\n",
        "[x](javascript:alert(1)) [y](JAVASCRIPT:alert(2)) [z](data:text/html;base64,PHNjcmlwdD4=)\n\n",
        "![i](javascript:alert(3))\n\n",
        "!!! note \"<script>alert(4)</script>\"\n    <iframe src=https://evil></iframe>\n\n",
        "=== \"<img src=x onerror=alert(5)>\"\n    x\n\n",
        "```text title=\"<script>alert(6)</script>\"\n<script>alert(7)</script>\n```\n\n",
        "*[X]: \"><script>alert(8)</script>\n\nX marks\n\n",
        "<a href=\"#\" onclick=\"alert(9)\">c</a> <div style=\"x:expression(alert(10))\">d</div>\n",
    );
    let html = render_with(hostile, &MarkdownConfig::default()).html.to_ascii_lowercase();
    // Text is escaped, so every `<` starts a real tag: check tag names, attribute names and URLs.
    for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or_default()) {
        let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap_or_default();
        assert!(
            !["script", "iframe", "object", "embed", "form", "style"].contains(&name),
            "<{tag}>"
        );
        for (attribute, value) in attributes(tag) {
            assert!(!attribute.starts_with("on") && attribute != "style", "{attribute} in <{tag}>");
            if attribute == "href" || attribute == "src" {
                assert!(
                    !value.starts_with("javascript:") && !value.starts_with("data:"),
                    "<{tag}>"
                );
            }
        }
    }
    assert!(html.contains("&lt;script&gt;alert(7)"), "code stays visible as text: {html}");
}

#[test]
fn a_forged_code_marker_is_only_text() {
    let page = render_with(
        "before \u{E000}0\u{E000} after\n\n```\ncode\n```\n",
        &MarkdownConfig::default(),
    );
    assert_eq!(page.html.matches("class=\"highlight\"").count(), 1, "{}", page.html);
    assert!(page.html.contains("before \u{FFFD}0\u{FFFD} after"), "{}", page.html);
}

#[test]
fn front_matter_sets_the_title_and_hides_the_toc() {
    let page = render_with(
        "---\ntitle: From meta\nhide:\n  - toc\n---\n# Heading\n\n[x](nowhere.md)\n",
        &MarkdownConfig::default(),
    );
    assert_eq!(page.title.as_deref(), Some("From meta"));
    assert!(page.hide_toc && !page.hide_nav);
    // Line numbers still count the front matter.
    assert_eq!(page.diagnostics[0].line, 8);
    assert!(!page.html.contains("hide:"));
}

#[test]
fn search_sections_follow_headings_and_count_words() {
    let page = render_with(
        "Intro words here.\n\n## First\n\nOne `two` three.\n\n```sh\necho code\n```\n",
        &MarkdownConfig::default(),
    );
    let sections: Vec<_> = page
        .sections
        .iter()
        .map(|s| (s.id.as_deref(), s.title.as_str(), s.text.as_str()))
        .collect();
    assert_eq!(
        sections,
        [(None, "", "Intro words here."), (Some("first"), "First", "One two three. echo code")]
    );
    assert_eq!(page.word_count, 5);
}

#[test]
fn huge_and_deeply_nested_input_renders_without_stalling() {
    let deep: String = (0..200).map(|i| format!("{}- level {i}\n", "  ".repeat(i))).collect();
    assert!(render_with(&deep, &MarkdownConfig::default()).html.contains("level 199"));
    let quotes = ">".repeat(5000) + " deep\n";
    assert!(render_with(&quotes, &MarkdownConfig::default()).html.contains("deep"));
    let blocks: String = (0..40).map(|i| format!("{}!!! note\n", "    ".repeat(i))).collect();
    assert!(!render_with(&blocks, &MarkdownConfig::default()).html.is_empty());
    let big = "word ".repeat(400_000) + "\n";
    assert_eq!(render_with(&big, &MarkdownConfig::default()).word_count, 400_000);
}

/// `(name, value)` of each attribute in the inside of a tag (`a href="x" class="y"`).
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag.split_once(' ').map_or("", |(_, r)| r);
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim().to_string();
        let after = &rest[eq + 1..];
        let (value, tail) = match after.strip_prefix('"') {
            Some(quoted) => quoted.split_once('"').unwrap_or((quoted, "")),
            None => after.split_once(' ').unwrap_or((after, "")),
        };
        out.push((name, value.to_string()));
        rest = tail;
    }
    out
}

/// What in `html` the sanitiser's policy would remove, as html5ever's
/// tokenizer reads it: tags, attributes, URL schemes and `input` types the
/// policy does not allow, comments, doctypes and parse errors.
fn outside_policy(html: &str) -> Vec<String> {
    use std::cell::RefCell;

    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{
        BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer,
    };

    struct Check {
        problems: RefCell<Vec<String>>,
    }
    impl Check {
        fn tag(&self, tag: &Tag) {
            let policy = sanitize::policy();
            let name = tag.name.as_ref();
            let mut problems = self.problems.borrow_mut();
            if !policy.clone_tags().contains(name) {
                problems.push(format!("<{name}>"));
            }
            let own = policy.clone_tag_attributes();
            for attribute in &tag.attrs {
                let (key, value) = (attribute.name.local.as_ref(), attribute.value.as_ref());
                let allowed = policy.clone_generic_attributes().contains(key)
                    || own.get(name).is_some_and(|a| a.contains(key))
                    || (name, key) == ("a", "rel");
                if !allowed {
                    problems.push(format!("<{name} {key}>"));
                }
                let url_allowed = !matches!(key, "href" | "src" | "cite")
                    || match ammonia::Url::parse(value) {
                        Ok(url) => policy.clone_url_schemes().contains(url.scheme()),
                        Err(e) => e == ammonia::url::ParseError::RelativeUrlWithoutBase,
                    };
                if !url_allowed {
                    problems.push(format!("<{name} {key}={value:?}>"));
                }
                if (name, key) == ("input", "type") && !matches!(value, "checkbox" | "radio") {
                    problems.push(format!("<input type={value:?}>"));
                }
            }
        }
    }
    impl TokenSink for Check {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            match token {
                Token::TagToken(tag) if tag.kind == TagKind::StartTag => self.tag(&tag),
                Token::TagToken(_) | Token::CharacterTokens(_) | Token::EOFToken => {}
                other => self.problems.borrow_mut().push(format!("{other:?}")),
            }
            TokenSinkResult::Continue
        }
    }
    let tokenizer =
        Tokenizer::new(Check { problems: RefCell::new(Vec::new()) }, Default::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.problems.into_inner()
}

#[test]
fn pages_without_raw_html_are_within_the_policy_without_the_sanitiser() {
    // No raw HTML anywhere, so none of these pass through the sanitiser.
    let hostile = [
        "[x](javascript:alert(1)) [y](JAVASCRIPT:alert(2)) [z](data:text/html;base64,PHNjcmlwdD4=)",
        "[tab](java\tscript:alert(1)) [entity](&#106;avascript:alert(1)) [ctl](\u{1}javascript:alert(1))",
        "<javascript:alert(1)> <vbscript:msgbox(1)> <data:text/html,x> <file:///etc/passwd>",
        "![i](javascript:alert(3)) ![j](data:image/svg+xml,<svg/onload=alert(1)>)",
        "[ref]\n\n[ref]: javascript:alert(4) \"t\\\" onmouseover=\\\"alert(5)\"",
        "[t](https://x.dev \"\\\" onmouseover=\\\"alert(6)\") ![a\" onerror=\"alert(7)](x.png)",
        "# Head {onclick=alert(8) style=x #\"><b>}\n\n[l](https://x.dev){onclick=alert(9) href=javascript:x}",
        "Note[^\"><img src=x onerror=alert(10)>]\n\n[^\"><img src=x onerror=alert(10)>]: x",
        "> [!NOTE] \"><img src=x onerror=alert(11)>\n> body",
        "!!! note \"\\\"><img src=x onerror=alert(12)>\"\n    x\n\n??? tip \"<b>t</b>\"\n    y",
        "=== \"\\\" onclick=\"alert(13)\"\n    x",
        "*[X]: \" onmouseover=\"alert(14)\n\nX marks",
        "::: \" onclick=\"alert(15)\nbody\n:::",
        "```\" onclick=\"alert(16)\" title=\"<b>\"\ncode\n```\n\n- [x] done\n- [ ] todo",
        "Term\n\n: Def with `<script>` and ==mark== ^sup^ ~sub~ ++ins++ :smile:",
    ];
    for source in hostile {
        let page = render_with(source, &MarkdownConfig::default());
        assert_eq!(outside_policy(&page.html), Vec::<String>::new(), "{source}\n→ {}", page.html);
    }
    // A refused URL is reported, and its text stays.
    let page = render_with("[click](javascript:alert(1))\n", &MarkdownConfig::default());
    assert_eq!(page.html, "<p>click</p>\n");
    assert_eq!(
        page.diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        [
            "warning: docs/guide/intro.md:1: link to `javascript:…` removed (links and images may be http, https, mailto or relative)"
        ]
    );
}

#[test]
fn every_page_of_backstage_docs_is_within_the_policy() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/backstage/docs");
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&docs) {
        let entry = entry.expect("the shared corpora sit beside the project");
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let source = std::fs::read_to_string(entry.path()).expect("UTF-8");
        let page = render_with(&source, &MarkdownConfig::default());
        let problems = outside_policy(&page.html);
        assert!(problems.is_empty(), "{}: {problems:?}", entry.path().display());
        pages += 1;
    }
    assert!(pages > 300, "{pages} pages");
}

#[test]
fn the_policy_check_sees_what_the_sanitiser_removes() {
    for html in [
        "<script>alert(1)</script>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"java&#9;script:alert(1)\">x</a>",
        "<img src=\"x.png\" onerror=\"alert(1)\">",
        "<p style=\"color:red\">x</p>",
        "<input type=\"text\">",
        "<!-- comment --><p>x</p>",
        "<iframe src=\"https://x.dev\"></iframe>",
    ] {
        assert!(!outside_policy(html).is_empty(), "{html}");
        assert_eq!(outside_policy(&sanitize::clean(html)), Vec::<String>::new(), "{html}");
    }
}
