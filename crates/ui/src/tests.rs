//! Server-rendered markup of the components, one snapshot per variant.
//!
//! Snapshots are the contract with `style/components.css` and with assistive
//! technology: class names, roles and ARIA attributes. Update them with
//! `UPDATE_EXPECT=1 cargo test -p portico-ui --features ssr`.

use crate::markdown::render_markdown;
use crate::prelude::*;
use expect_test::{Expect, expect};
use leptos::prelude::*;

/// Renders a view on the server and strips Leptos's hydration markers.
fn check(view: impl FnOnce() -> AnyView, expect: Expect) {
    let owner = Owner::new();
    let html = owner.with(|| view().to_html());
    let html = html.replace("<!>", "").replace("<!--hk=", "<!--").replace("<!---->", "");
    expect.assert_eq(&strip_island_hashes(&html));
}

/// Island names carry a hash that changes between builds: `TabList_1234` becomes `TabList`.
fn strip_island_hashes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    const KEY: &str = "data-component=\"";
    while let Some(at) = rest.find(KEY) {
        let start = at + KEY.len();
        out.push_str(&rest[..start]);
        let value_end = rest[start..].find('"').map_or(rest.len(), |e| start + e);
        let value = &rest[start..value_end];
        let name = match value.rsplit_once('_') {
            Some((name, hash)) if hash.chars().all(|c| c.is_ascii_digit()) => name,
            _ => value,
        };
        out.push_str(name);
        rest = &rest[value_end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn button_variants() {
    check(
        || view! { <Button variant=ButtonVariant::Danger>"Delete"</Button> }.into_any(),
        expect![[r#"<button type="button" class="pt-button pt-button--danger">Delete</button>"#]],
    );
}

#[test]
fn external_link_says_it_opens_a_tab() {
    check(
        || view! { <Link href="https://example.com">"Example"</Link> }.into_any(),
        expect![[
            r#"<a href="https://example.com" target="_blank" rel="noopener noreferrer" class="pt-link pt-link--external">Example<span class="pt-visually-hidden"> (opens in a new tab)</span></a>"#
        ]],
    );
}

#[test]
fn avatar_initials() {
    check(
        || view! { <Avatar name="Ada Lovelace Byron"/> }.into_any(),
        expect![[
            r#"<span role="img" aria-label="Ada Lovelace Byron" class="pt-avatar pt-avatar--initials" style="--pt-avatar-size:40px;"><span aria-hidden="true">AL</span></span>"#
        ]],
    );
}

#[test]
fn tabs_follow_the_aria_pattern() {
    check(
        || {
            view! {
                <Tabs id="t" label="Views" tabs=vec![
                    Tab::new("One", || "first".into_any()),
                    Tab::new("Two", || "second".into_any()),
                ]/>
            }
            .into_any()
        },
        expect![[
            r#"<div class="pt-tabs"><leptos-island data-component="TabList" data-props="{&quot;id&quot;:&quot;t&quot;,&quot;label&quot;:&quot;Views&quot;,&quot;labels&quot;:[&quot;One&quot;,&quot;Two&quot;],&quot;initial&quot;:0}"><div role="tablist" aria-label="Views" class="pt-tabs__list"><button type="button" role="tab" id="t-tab-0" aria-controls="t-panel-0" aria-selected="true" tabindex="0" class="pt-tabs__tab">One</button><button type="button" role="tab" id="t-tab-1" aria-controls="t-panel-1" aria-selected="false" tabindex="-1" class="pt-tabs__tab">Two</button></div></leptos-island><div role="tabpanel" id="t-panel-0" aria-labelledby="t-tab-0" tabindex="0" class="pt-tabs__panel">first</div><div role="tabpanel" id="t-panel-1" aria-labelledby="t-tab-1" tabindex="0" hidden class="pt-tabs__panel">second</div></div>"#
        ]],
    );
}

#[test]
fn tab_keys_wrap_and_jump() {
    use crate::tabs::next_index;
    let moves: Vec<_> = ["ArrowRight", "ArrowLeft", "Home", "End", "a"]
        .iter()
        .map(|k| (next_index(k, 2, 3), next_index(k, 0, 3)))
        .collect();
    assert_eq!(
        moves,
        [
            (Some(0), Some(1)),
            (Some(1), Some(2)),
            (Some(0), Some(0)),
            (Some(2), Some(2)),
            (None, None)
        ]
    );
    assert_eq!(next_index("ArrowRight", 0, 0), None);
}

#[test]
fn empty_table_shows_empty_state() {
    check(
        || {
            let cols = vec![TableColumn::new("name", "Name", |r: &String| r.clone().into_any())];
            view! { <Table caption="Things" columns=cols rows={Vec::<String>::new()} empty_title="No things yet"/> }.into_any()
        },
        expect![[
            r#"<div class="pt-table"><div tabindex="0" role="region" aria-label="Things" class="pt-table__scroll"><table><caption>Things</caption><thead><tr><th scope="col">Name</th></tr></thead><tbody><tr><td colspan="1"><div class="pt-empty-state"><svg width="32" height="32" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false" class="pt-glyph"><path d="M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 11v6M12 7h.01"></path></svg><h2 class="pt-empty-state__title">No things yet</h2></div></td></tr></tbody></table></div></div>"#
        ]],
    );
}

#[test]
fn sortable_paged_table_builds_links() {
    check(
        || {
            let cols = vec![
                TableColumn::new("name", "Name", |r: &String| r.clone().into_any()).sortable(),
            ];
            let sort_href =
                Callback::new(|(k, d): (String, SortDir)| format!("?sort={k}&dir={}", d.as_str()));
            let page_href = Callback::new(|o: usize| format!("?offset={o}"));
            view! {
                <Table
                    caption="Things"
                    columns=cols
                    rows=vec!["b".to_string()]
                    sort=Some(("name".to_string(), SortDir::Asc))
                    sort_href=sort_href
                    pagination=Pagination { offset: 20, limit: 20, total: 41 }
                    page_href=page_href
                />
            }
            .into_any()
        },
        expect![[
            r#"<div class="pt-table"><div tabindex="0" role="region" aria-label="Things" class="pt-table__scroll"><table><caption>Things</caption><thead><tr><th scope="col" aria-sort="ascending"><a href="?sort=name&amp;dir=desc" class="pt-table__sort">Name<svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false" class="pt-glyph"><path d="M8 14l4-4 4 4"></path></svg></a></th></tr></thead><tbody><tr><td>b</td></tr></tbody></table></div><nav aria-label="Things pages" class="pt-table__pager"><span aria-live="polite" class="pt-table__summary">21–40 of 41</span><a href="?offset=0" rel="prev external" class="pt-button pt-button--secondary">Previous</a><a href="?offset=40" rel="next external" class="pt-button pt-button--secondary">Next</a></nav></div>"#
        ]],
    );
}

#[test]
fn refs_break_after_their_separators() {
    check(
        || breakable_ref("group:default/payments-team"),
        expect![[r#"group:<wbr>default/<wbr>payments-team"#]],
    );
    check(|| breakable_ref("plain"), expect![[r#"plain"#]]);
}

#[test]
fn pagination_edges() {
    let p = |offset, limit, total| Pagination { offset, limit, total };
    assert_eq!(
        (p(0, 20, 0).prev(), p(0, 20, 0).next(), p(0, 20, 0).summary()),
        (None, None, "0 of 0".to_string())
    );
    assert_eq!((p(0, 20, 20).next(), p(0, 20, 21).next()), (None, Some(20)));
    assert_eq!(p(5, 20, 100).prev(), Some(0));
    assert_eq!(p(0, 0, 5).next(), Some(1), "a zero limit never loops forever");
}

fn md(source: &str) -> String {
    render_markdown(source).as_str().to_owned()
}

#[test]
fn markdown_renders_gfm() {
    expect![[r#"
        <h1>Title</h1>
        <table>
        <thead>
        <tr>
        <th>a</th>
        </tr>
        </thead>
        <tbody>
        <tr>
        <td>b</td>
        </tr>
        </tbody>
        </table>
        <ul>
        <li><input type="checkbox" disabled="" aria-label="Not done"> task</li>
        </ul>
    "#]]
    .assert_eq(&md("# Title\n\n| a |\n|---|\n| b |\n\n- [ ] task\n"));
}

#[test]
fn markdown_is_sanitised() {
    let hostile = concat!(
        "<script>alert(1)</script>\n\n",
        "[x](javascript:alert(1)) [y](https://ok.example)\n\n",
        "<img src=x onerror=alert(1)>\n\n",
        "<a href=\"data:text/html,<script>alert(1)</script>\">d</a>\n",
    );
    let html = md(hostile);
    for bad in ["<script", "javascript:", "onerror", "data:text"] {
        assert!(!html.contains(bad), "{bad} survived in {html}");
    }
    assert!(html.contains(r#"href="https://ok.example""#), "{html}");
}

#[test]
fn huge_markdown_is_shown_as_text() {
    let html = md(&"# big\n".repeat(400_000));
    assert!(
        html.starts_with("<p><strong>This document is too large to render."),
        "{}",
        &html[..80]
    );
}

#[test]
fn theme_cookie_round_trip() {
    assert_eq!(ThemeMode::from_cookie_header("a=b; portico-theme=dark; c=d"), ThemeMode::Dark);
    assert_eq!(ThemeMode::from_cookie_header("portico-theme=<script>"), ThemeMode::System);
    assert_eq!(ThemeMode::from_cookie_header(""), ThemeMode::System);
    expect!["portico-theme=light; Path=/; Max-Age=31536000; SameSite=Lax"]
        .assert_eq(&ThemeMode::Light.set_cookie_value());
}
