//! Highlighted search text as runs: what a search engine marks between its
//! tags, split so a page renders the marked words as `<mark>` and every
//! character as text (never as HTML). Used by every plugin that shows results.

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

#[cfg(test)]
mod tests {
    use super::runs;

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
}
