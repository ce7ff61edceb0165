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
use std::sync::atomic::{AtomicUsize, Ordering};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::query::Weight;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED, Term};

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
    searcher: &Searcher,
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
        clauses.push((occur, word_query(searcher, f, word, last)));
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
    // A lone word stays the flat union it is, so tantivy can prune it.
    if clauses.len() == 1 {
        return clauses.pop().map(|(_, q)| q).unwrap_or_else(|| Box::new(AllQuery));
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

/// Weights of a dictionary term by how it matches a word (times the
/// field's weight): the word itself, a longer word it begins, a word one or
/// two typos away.
const EXACT: f32 = 2.0;
const PREFIX: f32 = 1.0;
const ONE_TYPO: f32 = 0.5;
const TWO_TYPOS: f32 = 0.3;

/// At most this many other terms a word expands to in one field (longer
/// words it begins, words a typo away), the closest and most frequent first.
/// Elasticsearch's `max_expansions` is 50 too.
pub(crate) const MAX_EXPANSIONS: usize = 50;

/// At most this many dictionary entries a prefix looks at per segment, so
/// that a two-letter prefix does not walk a million-word dictionary.
const MAX_PREFIX_SCAN: usize = 2_000;

/// One word in any ranked field, as a flat union of the dictionary terms it
/// expands to, each scored by BM25 with its own weight.
///
/// Why not tantivy's `FuzzyTermQuery`: it scores every expanded term alike
/// (a constant), fills a bitset of all their documents on every query, and
/// the exact term would be read three times per field (as itself, as a
/// prefix and as a typo). A flat union of term queries is read once, ranks
/// by BM25, and lets tantivy skip blocks that cannot reach the top
/// (block-max WAND) when the word is the whole query.
fn word_query(searcher: &Searcher, f: &Fields, word: &str, last: bool) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, weight) in weighted(f) {
        for (term, w) in expand(searcher, field, word, last) {
            let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(query), weight * w))));
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The terms of `field` that `word` matches, with their weights: the word,
/// then at most [`MAX_EXPANSIONS`] others.
pub(crate) fn expand(
    searcher: &Searcher,
    field: Field,
    word: &str,
    last: bool,
) -> Vec<(Term, f32)> {
    let len = word.chars().count();
    let prefix = last && len >= PREFIX_MIN_CHARS;
    let typos = typos_allowed(len);
    // Dictionary key → (weight, documents over all segments).
    let mut found: HashMap<Vec<u8>, (f32, u64)> = HashMap::new();
    let mut note = |key: &[u8], weight: f32, docs: u32| {
        let entry = found.entry(key.to_vec()).or_insert((weight, 0));
        entry.0 = entry.0.max(weight);
        entry.1 += u64::from(docs);
    };
    let fuzzy =
        (typos > 0).then(|| FuzzyTermQuery::new(Term::from_field_text(field, word), typos, true));
    for segment in searcher.segment_readers() {
        let Ok(index) = segment.inverted_index(field) else { continue };
        let dictionary = index.terms();
        if prefix {
            let mut range = dictionary.range().ge(word.as_bytes());
            if let Some(end) = successor(word.as_bytes()) {
                range = range.lt(end);
            }
            if let Ok(mut stream) = range.into_stream() {
                let mut seen = 0;
                while seen < MAX_PREFIX_SCAN && stream.advance() {
                    note(stream.key(), PREFIX, stream.value().doc_freq);
                    seen += 1;
                }
            }
        }
        let Some(Ok(automaton)) = fuzzy.as_ref().map(FuzzyTermQuery::automaton) else { continue };
        if let Ok(mut stream) = dictionary.search(automaton).into_stream() {
            while stream.advance() {
                let Ok(key) = std::str::from_utf8(stream.key()) else { continue };
                let weight = match strsim::osa_distance(word, key) {
                    0 => EXACT,
                    1 => ONE_TYPO,
                    _ => TWO_TYPOS,
                };
                note(stream.key(), weight, stream.value().doc_freq);
            }
        }
    }
    found.remove(word.as_bytes());
    let mut others: Vec<(String, f32, u64)> = found
        .into_iter()
        .filter_map(|(key, (weight, docs))| Some((String::from_utf8(key).ok()?, weight, docs)))
        .collect();
    others.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.cmp(&a.2)).then_with(|| a.0.cmp(&b.0)));
    others.truncate(MAX_EXPANSIONS);
    let mut terms = vec![(Term::from_field_text(field, word), EXACT)];
    terms.extend(
        others.into_iter().map(|(key, weight, _)| (Term::from_field_text(field, &key), weight)),
    );
    terms
}

/// The first byte string after every string that begins with `prefix`
/// (`None` when there is none: all bytes 0xFF).
fn successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

fn term(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic))
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(queries.into_iter().map(|q| (Occur::Should, q)).collect()))
}

/// Counts matches, but stops reading at a cap (shared by all segments): the
/// exact number for everyday queries, and "at least the cap" for a word
/// found in half the index, whose every match would otherwise be read again
/// just to be counted. Elasticsearch's `track_total_hits` does the same.
pub(crate) struct BoundedCount {
    left: AtomicUsize,
}

impl BoundedCount {
    pub(crate) fn new(cap: usize) -> Self {
        Self { left: AtomicUsize::new(cap) }
    }
}

impl Collector for BoundedCount {
    type Fruit = usize;
    type Child = SegmentCount;

    fn for_segment(&self, _: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<SegmentCount> {
        Ok(SegmentCount(0))
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, counts: Vec<usize>) -> tantivy::Result<usize> {
        Ok(counts.into_iter().sum())
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<usize> {
        let left = self.left.load(Ordering::Relaxed);
        let mut scorer = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut counted = 0;
        let mut doc = scorer.doc();
        while doc != TERMINATED && counted < left {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                counted += 1;
            }
            doc = scorer.advance();
        }
        self.left.fetch_sub(counted, Ordering::Relaxed);
        Ok(counted)
    }
}

/// Unused: [`BoundedCount`] counts a whole segment in `collect_segment`.
pub(crate) struct SegmentCount(usize);

impl SegmentCollector for SegmentCount {
    type Fruit = usize;

    fn collect(&mut self, _: DocId, _: Score) {
        self.0 += 1;
    }

    fn harvest(self) -> usize {
        self.0
    }
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
