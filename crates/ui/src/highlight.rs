//! Search results as pages show them: highlighted text as runs (a search
//! engine marks matched words between its tags; [`runs`] splits them so a
//! page renders the marks as `<mark>` and every character as text, never as
//! HTML), the [`Marked`] component that renders them, and the count in words.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A run of text, highlighted or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// The text, as it is (escaped when rendered).
    pub text: String,
    /// A matched word.
    pub mark: bool,
}

/// Splits highlighted text into runs at the result's tags (`pre`, `post`);
/// an unclosed tag marks the rest.
pub fn runs(text: &str, pre: &str, post: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(pre).filter(|_| !pre.is_empty()) {
        if start > 0 {
            out.push(Run { text: rest[..start].to_owned(), mark: false });
        }
        let after = &rest[start + pre.len()..];
        let end = after.find(post).unwrap_or(after.len());
        out.push(Run { text: after[..end].to_owned(), mark: true });
        rest = after.get(end + post.len()..).unwrap_or_default();
    }
    if !rest.is_empty() {
        out.push(Run { text: rest.to_owned(), mark: false });
    }
    out
}

/// A result field as shown: the engine's highlighted text when it has one
/// (split at `tags`), else the plain text, cut to `max_chars` with "…".
pub fn shown(
    highlighted: Option<&str>,
    plain: &str,
    tags: (&str, &str),
    max_chars: Option<usize>,
) -> Vec<Run> {
    if let Some(marked) = highlighted {
        return runs(marked, tags.0, tags.1);
    }
    let text = match max_chars {
        Some(max) if plain.chars().count() > max => {
            plain.chars().take(max).collect::<String>() + "…"
        }
        _ => plain.to_owned(),
    };
    vec![Run { text, mark: false }]
}

/// How many results, in words: "No results", "1 result", "12 results", or
/// "More than 10000 results" when the engine stopped counting.
pub fn results_label(total: usize, at_least: bool) -> String {
    match (total, at_least) {
        (n, true) => format!("More than {n} results"),
        (0, _) => "No results".to_owned(),
        (1, _) => "1 result".to_owned(),
        (n, _) => format!("{n} results"),
    }
}

/// Text with its matched words in `<mark>` (plain text nodes: never HTML).
#[component]
pub fn Marked(
    /// The runs, in order.
    runs: Vec<Run>,
) -> impl IntoView {
    runs.into_iter()
        .map(
            |r| if r.mark { view! { <mark>{r.text}</mark> }.into_any() } else { r.text.into_any() },
        )
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::{results_label, runs, shown};

    #[test]
    fn highlighted_text_splits_into_runs_at_the_tags() {
        let got: Vec<(String, bool)> = runs("a <t>b</t> c <t>d", "<t>", "</t>")
            .into_iter()
            .map(|r| (r.text, r.mark))
            .collect();
        let want = [("a ", false), ("b", true), (" c ", false), ("d", true)];
        assert_eq!(got, want.map(|(t, m)| (t.to_owned(), m)));
        assert_eq!(runs("plain", "", "").len(), 1);
        assert!(runs("", "<t>", "</t>").is_empty());
    }

    #[test]
    fn plain_text_is_cut_only_past_the_limit() {
        let text = |runs: Vec<super::Run>| runs.into_iter().map(|r| r.text).collect::<String>();
        assert_eq!(text(shown(None, "abcdef", ("<t>", "</t>"), Some(3))), "abc…");
        assert_eq!(text(shown(None, "abc", ("<t>", "</t>"), Some(3))), "abc");
        assert_eq!(text(shown(None, "abcdef", ("<t>", "</t>"), None)), "abcdef");
        assert!(shown(Some("x <t>y</t>"), "ignored", ("<t>", "</t>"), Some(1))[1].mark);
    }

    #[test]
    fn counts_read_as_words() {
        let labels = [(0, false), (1, false), (12, false), (10_000, true)]
            .map(|(n, at_least)| results_label(n, at_least));
        assert_eq!(labels, ["No results", "1 result", "12 results", "More than 10000 results"]);
    }
}
