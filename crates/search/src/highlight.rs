//! Highlighted snippets: the words of a text that match the query, wrapped
//! in the result's tags, and for long texts the passage with most matches.
//!
//! tantivy's snippet generator only knows exact query terms, so a typo or a
//! prefix would find a document and then highlight nothing in it. This runs
//! the index's analyzer over the text instead and marks every word that the
//! query's rules (exact, prefix of the last word, typos) accept.

use crate::{query, schema};
use tantivy::tokenizer::TextAnalyzer;

/// The longest passage shown for a text, in bytes (cut at word ends).
const PASSAGE: usize = 240;

/// Whether an analyzed word of a document matches analyzed query `words`,
/// by the query's own rules ([`query::typos_allowed`], the prefix length).
pub(crate) fn matches(words: &[String], token: &str) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        let last = i + 1 == words.len();
        let len = w.chars().count();
        let typos = usize::from(query::typos_allowed(len));
        token == w
            || (last && len >= query::PREFIX_MIN_CHARS && token.starts_with(w.as_str()))
            || (typos > 0 && strsim::osa_distance(w, token) <= typos)
    })
}

/// `text` with its matching words wrapped in `pre`/`post`, cut to the best
/// passage when `passage` is set. `None` when no word matches.
pub(crate) fn highlight(
    analyzer: &mut TextAnalyzer,
    words: &[String],
    text: &str,
    passage: bool,
    (pre, post): (&str, &str),
) -> Option<String> {
    if words.is_empty() || text.is_empty() {
        return None;
    }
    let hits: Vec<(usize, usize)> = schema::tokens(analyzer, text)
        .into_iter()
        .filter(|(token, _, _)| matches(words, token))
        .map(|(_, from, to)| (from, to))
        .collect();
    if hits.is_empty() {
        return None;
    }
    let (start, end) =
        if passage && text.len() > PASSAGE { window(text, &hits) } else { (0, text.len()) };
    let mut out = String::with_capacity(end - start + 64);
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for &(from, to) in hits.iter().filter(|(from, to)| *from >= start && *to <= end) {
        out.push_str(&text[at..from]);
        out.push_str(pre);
        out.push_str(&text[from..to]);
        out.push_str(post);
        at = to;
    }
    out.push_str(&text[at..end]);
    if end < text.len() {
        out.push('…');
    }
    Some(out)
}

/// The byte range of at most [`PASSAGE`] bytes holding the most hits,
/// starting a little before the first of them, cut at whitespace.
fn window(text: &str, hits: &[(usize, usize)]) -> (usize, usize) {
    let mut best = (0, 0usize);
    for (i, &(from, _)) in hits.iter().enumerate() {
        let n = hits[i..].iter().take_while(|(_, to)| *to <= from + PASSAGE).count();
        if n > best.1 {
            best = (from, n);
        }
    }
    let lead = PASSAGE / 6;
    let mut start = best.0.saturating_sub(lead);
    // Start at the beginning of a word, and never before the text.
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    if start > 0 {
        start = text[start..best.0].find(char::is_whitespace).map_or(start, |w| start + w + 1);
    }
    let mut end = (start + PASSAGE).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end < text.len()
        && let Some(w) = text[start..end].rfind(char::is_whitespace)
        && w > 0
    {
        end = start + w;
    }
    (start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};

    /// Highlights `text` for the analyzed words of `query`, with `[` `]` tags.
    fn check(query: &str, text: &str, passage: bool, expected: Expect) {
        let mut analyzer = schema::analyzer();
        let words: Vec<String> =
            schema::tokens(&mut analyzer, query).into_iter().map(|t| t.0).collect();
        let got = highlight(&mut analyzer, &words, text, passage, ("[", "]"));
        expected.assert_eq(&got.unwrap_or_else(|| "(none)".into()));
    }

    #[test]
    fn exact_stemmed_prefix_and_typo_matches_are_marked() {
        check(
            "payments",
            "The Payment service takes payments.",
            false,
            expect!["The [Payment] service takes [payments]."],
        );
        check("serv", "A service to serve", false, expect!["A [service] to [serve]"]);
        check("paymnets", "payments here", false, expect!["[payments] here"]);
        check("kubernetes", "Nothing about it.", false, expect!["(none)"]);
        check("", "text", false, expect!["(none)"]);
    }

    #[test]
    fn long_texts_are_cut_to_the_passage_with_most_matches() {
        let filler = "lorem ipsum dolor sit amet ".repeat(40);
        let text = format!("{filler}the runbook says restart the runbook service {filler}");
        check(
            "runbook",
            &text,
            true,
            expect![
                "…amet lorem ipsum dolor sit amet the [runbook] says restart the [runbook] service lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet…"
            ],
        );
    }

    #[test]
    fn multibyte_text_is_cut_on_character_boundaries() {
        let text = format!("{} café déploiement {}", "é".repeat(300), "ü".repeat(300));
        let mut analyzer = schema::analyzer();
        let words = vec!["cafe".to_owned()];
        let got = highlight(&mut analyzer, &words, &text, true, ("[", "]")).unwrap_or_default();
        assert!(got.contains("[café]"), "{got}");
    }
}
