//! The index's fields and its one text analyzer.
//!
//! Every document, whatever its type, has the same fields: keys for replacing
//! it (`uid`, `scope`, `gen`), three ranked text fields (`title`, `keywords`,
//! `text`), filter and facet values, and the stored document as JSON.

use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};

/// The analyzer's registered name.
pub(crate) const ANALYZER: &str = "portico";

/// Separates the parts of composite keys (`type␟id`, `field␟value`); it
/// cannot occur in what a user types into a filter, as values are checked.
pub(crate) const SEP: char = '\u{1f}';

/// The fields, resolved once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// `type␟id`: the document's identity.
    pub(crate) uid: Field,
    /// The document type (also a fast field, for counts by type).
    pub(crate) doc_type: Field,
    /// `type␟scope`: documents replaced together.
    pub(crate) scope: Field,
    /// `type␟generation`: which full rebuild wrote the document.
    pub(crate) generation: Field,
    pub(crate) title: Field,
    pub(crate) keywords: Field,
    pub(crate) text: Field,
    /// `field␟value`, lower-cased: what filters match.
    pub(crate) filter: Field,
    /// `field␟Value`, as given: what facet counts show.
    pub(crate) facet: Field,
    /// Lower-cased title and uid: the order of an unranked listing.
    pub(crate) sort: Field,
    /// The stored document: `{"type", "document"}` as JSON.
    pub(crate) stored: Field,
}

/// The schema and its fields.
pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let ranked = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        uid: b.add_text_field("uid", STRING),
        doc_type: b.add_text_field("type", STRING | FAST),
        scope: b.add_text_field("scope", STRING),
        generation: b.add_text_field("gen", STRING),
        title: b.add_text_field("title", ranked.clone()),
        keywords: b.add_text_field("keywords", ranked.clone()),
        text: b.add_text_field("text", ranked),
        filter: b.add_text_field("filter", STRING),
        facet: b.add_text_field("facet", STRING | FAST),
        sort: b.add_text_field("sort", STRING | FAST),
        stored: b.add_bytes_field("stored", STORED),
    };
    (b.build(), fields)
}

/// Words as the index sees them: split on anything not a letter or digit,
/// lower-cased, accents folded, English-stemmed; tokens over 40 bytes
/// (hashes, base64) are dropped.
pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::default())
        .build()
}

/// The analyzed tokens of `text`, with their byte ranges in it.
pub(crate) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push((token.text.clone(), token.offset_from, token.offset_to));
    }
    out
}

/// `a␟b`.
pub(crate) fn key(a: &str, b: &str) -> String {
    format!("{a}{SEP}{b}")
}
