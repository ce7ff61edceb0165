//! From a [`SearchQuery`] to tantivy queries, and the facet counter.
//!
//! The term is never given to a query parser: it is cut into words by the
//! index's own analyzer, so `"`, `*`, `:`, `(` or `AND` are plain text and
//! cannot make a query fail. Each word must match (in any ranked field) one
//! of: the word itself, a word it begins (the last word only, as the user is
//! still typing), or a word within one or two typos of it.

use crate::schema::{Fields, SEP, key};
use portico_plugin_api::search::SearchQuery;
use std::collections::HashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, Term};

/// Ranked fields and their weights: a name or title match beats a body match.
fn weighted(f: &Fields) -> [(tantivy::schema::Field, f32); 3] {
    [(f.title, 4.0), (f.keywords, 3.0), (f.text, 1.0)]
}

/// At most this many words of a term are used.
pub(crate) const MAX_WORDS: usize = 16;

/// English words too common to narrow a search (Lucene's list): left out of
/// a term unless it has nothing else, so "payments and refunds" or a
/// Boolean-looking "A AND B" asks for the words that matter.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// The words of a term that count: stop words dropped unless that leaves none.
pub(crate) fn significant(mut words: Vec<String>) -> Vec<String> {
    let kept: Vec<String> =
        words.iter().filter(|w| !STOP_WORDS.contains(&w.as_str())).cloned().collect();
    if !kept.is_empty() {
        words = kept;
    }
    words.truncate(MAX_WORDS);
    words
}

/// How words combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Combine {
    /// Every word must match (tried first).
    All,
    /// Any word may match (the fallback when no document has them all).
    Any,
}

/// The query for analyzed `words` with the query's type and facet filters,
/// leaving out the filter on `except` (for that field's facet counts).
pub(crate) fn build(
    f: &Fields,
    words: &[String],
    combine: Combine,
    query: &SearchQuery,
    except: Option<&str>,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let occur = match combine {
        Combine::All => Occur::Must,
        Combine::Any => Occur::Should,
    };
    for (i, word) in words.iter().enumerate() {
        let last = i + 1 == words.len();
        clauses.push((occur, word_query(f, word, last)));
    }
    if !query.types.is_empty() {
        let types = query.types.iter().map(|t| term(f.doc_type, t)).collect();
        clauses.push((Occur::Must, any_of(types)));
    }
    for (field, values) in &query.filters {
        if Some(field.as_str()) == except || values.is_empty() {
            continue;
        }
        let field = field.to_lowercase();
        let values =
            values.iter().map(|v| term(f.filter, &key(&field, &v.to_lowercase()))).collect();
        clauses.push((Occur::Must, any_of(values)));
    }
    if words.is_empty() {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The shortest last word matched as a prefix.
pub(crate) const PREFIX_MIN_CHARS: usize = 2;

/// How many typos a word of `len` characters may have: none below four
/// characters, one up to seven, two from eight. The highlighter applies the
/// same rule, so whatever a query finds is also marked.
pub(crate) fn typos_allowed(len: usize) -> u8 {
    match len {
        0..4 => 0,
        4..8 => 1,
        _ => 2,
    }
}

/// One word in any ranked field: exact, as a prefix (last word), or with typos.
fn word_query(f: &Fields, word: &str, last: bool) -> Box<dyn Query> {
    let len = word.chars().count();
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, weight) in weighted(f) {
        let t = Term::from_field_text(field, word);
        let exact = TermQuery::new(t.clone(), IndexRecordOption::WithFreqs);
        alternatives
            .push((Occur::Should, Box::new(BoostQuery::new(Box::new(exact), weight * 2.0))));
        if last && len >= PREFIX_MIN_CHARS {
            let prefix = FuzzyTermQuery::new_prefix(t.clone(), 0, true);
            alternatives.push((Occur::Should, Box::new(BoostQuery::new(Box::new(prefix), weight))));
        }
        let distance = typos_allowed(len);
        if distance > 0 {
            let fuzzy = FuzzyTermQuery::new(t, distance, true);
            alternatives
                .push((Occur::Should, Box::new(BoostQuery::new(Box::new(fuzzy), weight * 0.5))));
        }
    }
    Box::new(BooleanQuery::new(alternatives))
}

fn term(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic))
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(queries.into_iter().map(|q| (Occur::Should, q)).collect()))
}

/// Counts the facet values (`field␟Value` entries of the `facet` fast
/// field) of the matching documents, every field in one pass.
pub(crate) struct FacetCounter;

impl Collector for FacetCounter {
    type Fruit = HashMap<String, u64>;
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounter> {
        let column = segment.fast_fields().str("facet")?;
        let terms = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(SegmentFacetCounter { column, counts: vec![0; terms] })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<String, u64>>) -> tantivy::Result<Self::Fruit> {
        let mut total: HashMap<String, u64> = HashMap::new();
        for fruit in fruits {
            for (value, n) in fruit {
                *total.entry(value).or_default() += n;
            }
        }
        Ok(total)
    }
}

/// One segment's counts, by term ordinal (dense: a facet field has few
/// distinct values next to the documents it counts) until harvest.
pub(crate) struct SegmentFacetCounter {
    column: Option<StrColumn>,
    counts: Vec<u32>,
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = HashMap<String, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(column) = &self.column {
            for ord in column.term_ords(doc) {
                if let Some(n) = self.counts.get_mut(ord as usize) {
                    *n += 1;
                }
            }
        }
    }

    fn harvest(self) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        let Some(column) = self.column else { return out };
        for (ord, &n) in self.counts.iter().enumerate() {
            let mut value = String::new();
            if n > 0 && column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                out.insert(value, u64::from(n));
            }
        }
        out
    }
}

/// Splits `field␟Value` into its parts.
pub(crate) fn split_facet(entry: &str) -> Option<(&str, &str)> {
    entry.split_once(SEP)
}
