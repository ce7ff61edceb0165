//! Search as plugins see it (`ssr` feature): the documents a plugin
//! contributes, the collators that list all of them for a full rebuild, the
//! notifications that keep the index in step between rebuilds, and the query
//! the search plugin runs.
//!
//! The engine behind [`SearchHandle`] is `portico-search` (tantivy); the
//! server opens it and gives the same handle to every plugin's context. A
//! plugin never sees the engine, only these types, so the engine can change
//! without touching plugins.

use crate::server::PluginContext;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// One searchable document. `title`, `text` and `location` are Backstage's
/// three common fields; `fields` are the type-specific ones returned with it
/// (`kind`, `owner`, `lifecycle`, …); `facets` are what filters and facet
/// counts work on; `keywords` are words that name the thing (an entity's
/// name, its tags) and rank like the title.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SearchDocument {
    /// Unique within its type (an entity ref, a page URL).
    pub id: String,
    /// A group of documents replaced together (a docs site's entity ref).
    pub scope: Option<String>,
    /// The primary name.
    pub title: String,
    /// Free text (a description, a docs section's text).
    pub text: String,
    /// Where a result leads (a portal path).
    pub location: String,
    /// Words that name the thing, ranked like the title.
    pub keywords: Vec<String>,
    /// Filterable values, as (field, value); a field may repeat (tags).
    pub facets: Vec<(String, String)>,
    /// Type-specific fields returned in `document` (Backstage's shape).
    pub fields: Map<String, Value>,
}

impl SearchDocument {
    /// A document with the three common fields.
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        text: impl Into<String>,
        location: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            scope: None,
            title: title.into(),
            text: text.into(),
            location: location.into(),
            keywords: Vec::new(),
            facets: Vec::new(),
            fields: Map::new(),
        }
    }

    /// Sets the scope the document is replaced with.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Adds a word that names the thing (empty words are skipped).
    pub fn keyword(mut self, word: impl Into<String>) -> Self {
        let word = word.into();
        if !word.is_empty() {
            self.keywords.push(word);
        }
        self
    }

    /// Adds a filterable value (empty values are skipped).
    pub fn facet(mut self, field: impl Into<String>, value: impl Into<String>) -> Self {
        let value = value.into();
        if !value.is_empty() {
            self.facets.push((field.into(), value));
        }
        self
    }

    /// Adds a type-specific field to the returned document.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.fields.insert(name.into(), value.into());
        self
    }

    /// The document as results return it: `title`, `text`, `location` and the
    /// type-specific fields.
    pub fn to_json(&self) -> Map<String, Value> {
        let mut out = self.fields.clone();
        out.insert("title".into(), Value::String(self.title.clone()));
        out.insert("text".into(), Value::String(self.text.clone()));
        out.insert("location".into(), Value::String(self.location.clone()));
        out
    }
}

/// A query, already validated by the caller.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SearchQuery {
    /// What the user typed; empty lists everything (filtered).
    pub term: String,
    /// Document types to search; empty means all.
    pub types: Vec<String>,
    /// Required facet values: each field's values are alternatives (OR),
    /// fields combine with AND. Compared case-insensitively.
    pub filters: Vec<(String, Vec<String>)>,
    /// Results to skip.
    pub offset: usize,
    /// Results to return.
    pub limit: usize,
    /// Facet fields to count (over the results, each without its own filter).
    pub facets: Vec<String>,
}

impl SearchQuery {
    /// A query for `term` returning the first `limit` results.
    pub fn new(term: impl Into<String>, limit: usize) -> Self {
        Self { term: term.into(), limit, ..Self::default() }
    }

    /// Restricts to these document types.
    pub fn types(mut self, types: Vec<String>) -> Self {
        self.types = types;
        self
    }

    /// Requires one of `values` for `field`.
    pub fn filter(mut self, field: impl Into<String>, values: Vec<String>) -> Self {
        self.filters.push((field.into(), values));
        self
    }

    /// Skips the first `offset` results.
    pub fn offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    /// Counts these facet fields.
    pub fn facets(mut self, fields: Vec<String>) -> Self {
        self.facets = fields;
        self
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SearchHit {
    /// The document type (`software-catalog`, `techdocs`, …).
    pub doc_type: String,
    /// The document as indexed (`title`, `text`, `location`, type fields).
    pub document: Map<String, Value>,
    /// Fields with the matched words wrapped in [`SearchResults::pre_tag`]
    /// and [`SearchResults::post_tag`]; `text` is cut to the best passage.
    pub highlight: BTreeMap<String, String>,
    /// The engine's relevance score.
    pub score: f32,
}

impl SearchHit {
    /// A hit with no highlight and no score.
    pub fn new(doc_type: String, document: Map<String, Value>) -> Self {
        Self { doc_type, document, highlight: BTreeMap::new(), score: 0.0 }
    }
}

/// A page of results.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SearchResults {
    /// How many documents match (see `total_at_least`).
    pub total: usize,
    /// Counting stopped at `total`: at least that many match. Engines stop
    /// counting a word found in half the index rather than read all of it.
    pub total_at_least: bool,
    /// This page.
    pub hits: Vec<SearchHit>,
    /// For each requested facet field, its values and counts, largest first.
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
    /// The tag opening a highlighted word. Random per process, so no
    /// document text can forge one.
    pub pre_tag: String,
    /// The tag closing a highlighted word.
    pub post_tag: String,
}

impl SearchResults {
    /// Results with the given highlight tags.
    pub fn new(total: usize, pre_tag: String, post_tag: String) -> Self {
        Self { total, pre_tag, post_tag, ..Self::default() }
    }
}

/// Why a query failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// The query cannot be run as given (the message says why).
    #[error("{0}")]
    Invalid(String),
    /// The engine failed; the message is for the log.
    #[error("search engine failure: {0}")]
    Engine(String),
}

/// The engine, as plugins use it. Index changes are queued and applied in
/// order within a second or so; queries are synchronous (run them on a
/// blocking thread).
pub trait SearchService: Send + Sync + std::fmt::Debug + 'static {
    /// Adds or replaces documents of a type, by id.
    fn upsert(&self, doc_type: &str, docs: Vec<SearchDocument>);
    /// Removes documents of a type, by id.
    fn remove(&self, doc_type: &str, ids: Vec<String>);
    /// Replaces every document of a type in `scope` with `docs`.
    fn replace_scope(&self, doc_type: &str, scope: &str, docs: Vec<SearchDocument>);
    /// Runs a query.
    fn query(&self, query: &SearchQuery) -> Result<SearchResults, SearchError>;
    /// One searchable document of a type, by id, as results return it (a
    /// docs page takes its entity's owner and lifecycle from the entity's
    /// document this way, without depending on the catalog plugin).
    fn document(&self, doc_type: &str, id: &str) -> Option<Map<String, Value>>;
    /// Starts a full rebuild from every collator (returns at once).
    fn rebuild(&self);
    /// Number of documents searchable now, and whether a rebuild is running.
    fn status(&self) -> SearchStatus;
}

/// What [`SearchService::status`] reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct SearchStatus {
    /// Documents searchable now.
    pub documents: u64,
    /// Whether a full rebuild is running.
    pub rebuilding: bool,
}

impl SearchStatus {
    /// A status.
    pub fn new(documents: u64, rebuilding: bool) -> Self {
        Self { documents, rebuilding }
    }
}

/// A shared handle to the engine.
#[derive(Debug, Clone)]
pub struct SearchHandle(pub Arc<dyn SearchService>);

impl SearchHandle {
    /// A handle that indexes nothing and finds nothing (search not wired in:
    /// command-line tools and tests of single plugins).
    pub fn disabled() -> Self {
        Self(Arc::new(Disabled))
    }

    /// Runs a query on a blocking thread (the engine is synchronous), for
    /// request handlers.
    pub async fn run(&self, query: SearchQuery) -> Result<SearchResults, SearchError> {
        let engine = self.clone();
        tokio::task::spawn_blocking(move || engine.query(&query))
            .await
            .unwrap_or_else(|e| Err(SearchError::Engine(e.to_string())))
    }
}

impl std::ops::Deref for SearchHandle {
    type Target = dyn SearchService;
    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

#[derive(Debug)]
struct Disabled;

impl SearchService for Disabled {
    fn upsert(&self, _: &str, _: Vec<SearchDocument>) {}
    fn remove(&self, _: &str, _: Vec<String>) {}
    fn replace_scope(&self, _: &str, _: &str, _: Vec<SearchDocument>) {}
    fn query(&self, _: &SearchQuery) -> Result<SearchResults, SearchError> {
        Err(SearchError::Engine("search is not enabled in this process".into()))
    }
    fn document(&self, _: &str, _: &str) -> Option<Map<String, Value>> {
        None
    }
    fn rebuild(&self) {}
    fn status(&self) -> SearchStatus {
        SearchStatus::default()
    }
}

/// Where a collator sends documents during a full rebuild. Sending waits when
/// the indexer is behind, so a collator never holds a whole catalog in memory.
#[derive(Debug, Clone)]
pub struct DocumentSink(tokio::sync::mpsc::Sender<SearchDocument>);

impl DocumentSink {
    /// A sink and the receiving end (the engine's side).
    pub fn channel(capacity: usize) -> (Self, tokio::sync::mpsc::Receiver<SearchDocument>) {
        let (tx, rx) = tokio::sync::mpsc::channel(capacity.max(1));
        (Self(tx), rx)
    }

    /// Sends one document; an error means the rebuild was abandoned.
    pub async fn send(&self, doc: SearchDocument) -> Result<(), SinkClosed> {
        self.0.send(doc).await.map_err(|_| SinkClosed)
    }
}

/// The rebuild that a [`DocumentSink`] fed was abandoned.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the search rebuild was abandoned")]
pub struct SinkClosed;

/// A future a collator returns.
pub type CollateFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'static>>;

/// Lists every document of one type, for a full rebuild (Backstage's
/// collator factory). An error keeps the type's previous documents.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct Collator {
    /// The document type it produces.
    pub doc_type: &'static str,
    /// Sends every document to the sink.
    pub collate: fn(PluginContext, DocumentSink) -> CollateFuture,
}

impl Collator {
    /// A collator.
    pub const fn new(
        doc_type: &'static str,
        collate: fn(PluginContext, DocumentSink) -> CollateFuture,
    ) -> Self {
        Self { doc_type, collate }
    }
}

impl std::fmt::Debug for Collator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collator").field("doc_type", &self.doc_type).finish_non_exhaustive()
    }
}
