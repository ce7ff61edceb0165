//! The one HTML policy for docs pages: what a docs author may put in the portal.
//!
//! No script, no event handlers, no `style`, no `javascript:` or `data:` URLs,
//! no forms. What stays is what mkdocs-material content needs: admonitions,
//! details, tab sets (radio inputs and labels), tables, footnotes,
//! abbreviations, highlighted code, images.
//!
//! A page with raw HTML in its Markdown passes through [`clean`] last. A page
//! without is written within the policy by construction, and skips it (the
//! sanitiser was a quarter of a build's CPU): comrak escapes every text and attribute
//! it writes and never writes `{attr=…}` attributes, the renderer checks every
//! link and image URL with [`allowed_url`] and escapes what it writes itself.
//! The markdown tests hold both kinds of page, Backstage's docs and hostile
//! ones, to this policy with html5ever's tokenizer. The portal's reader
//! cleans every page again with [`clean_for_reader`] before showing it.
//! See docs/adr/0005-sanitiser-for-raw-html-only.md.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The rules, as a fresh builder (the reader adds its own URL rewriting to one).
fn builder() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags([
            "input",
            "label",
            "details",
            "summary",
            "aside",
            "abbr",
            "mark",
            "ins",
            "sup",
            "sub",
            "figure",
            "figcaption",
            "kbd",
            "section",
            "span",
            "div",
            "nav",
        ])
        .add_generic_attributes(["id", "class", "title", "aria-hidden", "lang", "dir"])
        .add_tag_attributes("input", ["type", "name", "checked", "disabled", "aria-label"])
        .add_tag_attributes("label", ["for"])
        // comrak's footnote markers (`data-footnote-ref` …) are inert.
        .add_tag_attributes(
            "a",
            [
                "aria-label",
                "data-footnote-ref",
                "data-footnote-backref",
                "data-footnote-backref-idx",
            ],
        )
        .add_tag_attributes("section", ["data-footnotes"])
        .add_tag_attributes("details", ["open"])
        .add_tag_attributes("img", ["width", "height", "loading"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("td", ["align"])
        .add_tag_attributes("th", ["align"])
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(HashSet::from(URL_SCHEMES))
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            // Only the two kinds of input Markdown makes: task-list boxes and tab radios.
            ("input", "type") => matches!(value, "checkbox" | "radio").then_some(value.into()),
            _ => Some(value.into()),
        });
    builder
}

/// The schemes a link or image may have (or none: a relative URL).
const URL_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Whether the policy keeps a link's or image's URL: relative, or one of
/// `URL_SCHEMES`, read as ammonia and browsers read it (`java\tscript:` is
/// `javascript:`).
pub fn allowed_url(url: &str) -> bool {
    match ammonia::Url::parse(url) {
        Ok(url) => URL_SCHEMES.contains(&url.scheme()),
        Err(e) => e == ammonia::url::ParseError::RelativeUrlWithoutBase,
    }
}

pub(crate) fn policy() -> &'static ammonia::Builder<'static> {
    static POLICY: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    POLICY.get_or_init(builder)
}

/// Cleans a stored page for the portal's reader: the same rules, and every
/// relative URL rewritten by `rewrite` (to the reader's page and file routes).
/// This is also the one door for sites MkDocs built, whose HTML is not ours.
pub fn clean_for_reader(
    html: &str,
    rewrite: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
) -> String {
    struct Rewrite<F>(F);
    impl<F: Fn(&str) -> Option<String> + Send + Sync + 'static>
        ammonia::UrlRelativeEvaluate<'static> for Rewrite<F>
    {
        fn evaluate<'url>(&self, url: &'url str) -> Option<std::borrow::Cow<'url, str>> {
            (self.0)(url).map(std::borrow::Cow::Owned)
        }
    }
    let mut builder = builder();
    builder.url_relative(ammonia::UrlRelative::Custom(Box::new(Rewrite(rewrite))));
    builder.clean(html).to_string()
}

/// Cleans rendered HTML for the portal.
pub fn clean(html: &str) -> String {
    label_task_boxes(policy().clean(html).to_string())
}

/// Gives task-list checkboxes an accessible name (WCAG 4.1.2), as the
/// sanitiser writes them (`disabled="">`) and as comrak does (`disabled="" />`).
pub fn label_task_boxes(html: String) -> String {
    if !html.contains(r#"<input type="checkbox""#) {
        return html;
    }
    let mut html = html;
    for (checked, label) in [(r#" checked="""#, "Done"), ("", "Not done")] {
        for end in [">", " />"] {
            let from = format!(r#"<input type="checkbox"{checked} disabled="""#) + end;
            let to = format!(r#"<input type="checkbox"{checked} disabled="" aria-label="{label}""#);
            html = html.replace(&from, &(to + end));
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_and_its_disguises_are_removed() {
        let hostile = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<iframe src=\"https://evil\"></iframe>",
            "<svg onload=alert(1)></svg>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<form action=\"https://evil\"><input type=\"password\"></form>",
            "<details open ontoggle=alert(1)>x</details>",
            "<object data=\"x\"></object><embed src=\"x\">",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        ];
        for html in hostile {
            let clean = clean(html).to_ascii_lowercase();
            for bad in [
                "<script",
                "onerror",
                "javascript:",
                "data:",
                "<iframe",
                "onload",
                "style=",
                "<form",
                "password",
                "ontoggle",
                "<object",
                "<embed",
            ] {
                assert!(!clean.contains(bad), "{html} → {clean}");
            }
        }
    }

    #[test]
    fn docs_markup_survives() {
        let html = r#"<div class="admonition note"><p class="admonition-title">T</p></div><details class="tip" open><summary>S</summary></details><input type="radio" name="t" id="t1" checked><label for="t1">Rust</label><abbr title="x">X</abbr><span class="hl-k">fn</span>"#;
        assert_eq!(
            clean(html),
            html.replace("checked>", "checked=\"\">").replace(" open>", " open=\"\">")
        );
    }
}
