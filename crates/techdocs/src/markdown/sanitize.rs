//! The one HTML policy for docs pages: what a docs author may put in the portal.
//!
//! Everything the renderer produces passes through here last, raw HTML from
//! the Markdown included: no script, no event handlers, no `style`, no
//! `javascript:` or `data:` URLs, no forms. What stays is what mkdocs-material
//! content needs: admonitions, details, tab sets (radio inputs and labels),
//! tables, footnotes, abbreviations, highlighted code, images.

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
        .add_tag_attributes("a", ["aria-label"])
        .add_tag_attributes("details", ["open"])
        .add_tag_attributes("img", ["width", "height", "loading"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("td", ["align"])
        .add_tag_attributes("th", ["align"])
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            // Only the two kinds of input Markdown makes: task-list boxes and tab radios.
            ("input", "type") => matches!(value, "checkbox" | "radio").then_some(value.into()),
            _ => Some(value.into()),
        });
    builder
}

fn policy() -> &'static ammonia::Builder<'static> {
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
    policy()
        .clean(html)
        .to_string()
        // Task-list checkboxes need an accessible name (WCAG 4.1.2).
        .replace(
            r#"<input type="checkbox" checked="" disabled="">"#,
            r#"<input type="checkbox" checked="" disabled="" aria-label="Done">"#,
        )
        .replace(
            r#"<input type="checkbox" disabled="">"#,
            r#"<input type="checkbox" disabled="" aria-label="Not done">"#,
        )
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
