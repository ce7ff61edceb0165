//! The one thread that writes the index. Changes arrive as [`Op`]s over a
//! bounded channel and are applied in order; a commit (which makes them
//! searchable) follows when the queue goes quiet for a moment, or at the
//! latest [`MAX_LATENCY`] after the first uncommitted change, so a steady
//! stream of changes is still visible within a second.

use crate::schema::{Fields, key};
use portico_plugin_api::search::SearchDocument;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};
use tantivy::query::{BooleanQuery, Occur, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexReader, IndexWriter, Searcher, TantivyDocument, Term};

/// Quiet time after which pending changes are committed.
const IDLE: Duration = Duration::from_millis(150);
/// The longest a change waits for its commit.
pub(crate) const MAX_LATENCY: Duration = Duration::from_millis(800);

/// One change to the index.
#[derive(Debug)]
pub(crate) enum Op {
    /// Add or replace by id.
    Upsert { doc_type: String, docs: Vec<SearchDocument> },
    /// Remove by id.
    Remove { doc_type: String, ids: Vec<String> },
    /// Replace a scope's documents.
    ReplaceScope { doc_type: String, scope: String, docs: Vec<SearchDocument> },
    /// A full rebuild of a type starts: documents written from now on carry
    /// this generation.
    BeginRebuild { doc_type: String, generation: String },
    /// A full rebuild of a type finished: documents of an older generation
    /// were not collated again and are removed.
    EndRebuild { doc_type: String, generation: String },
    /// Commit now and signal when done (rebuilds and tests wait on it).
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// The writer's state.
pub(crate) struct Writer {
    pub(crate) writer: IndexWriter,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    /// Each type's current generation (empty until its first rebuild).
    generations: std::collections::HashMap<String, String>,
    /// Ids added since the reader last saw a commit: not searchable yet,
    /// but an upsert of one of them must still replace it.
    unseen: HashSet<String>,
}

impl Writer {
    pub(crate) fn new(writer: IndexWriter, reader: IndexReader, fields: Fields) -> Self {
        Self { writer, reader, fields, generations: Default::default(), unseen: HashSet::new() }
    }

    /// Deletes the document with this id, if there can be one. A delete
    /// costs tantivy a query object held until every segment has applied
    /// it: for 100,000 new catalog entities that was about 100 MB of the
    /// server's peak memory, for ids that were never indexed.
    fn delete_id(&mut self, searcher: &Searcher, doc_type: &str, id: &str) {
        let uid = key(doc_type, id);
        let term = Term::from_field_text(self.fields.uid, &uid);
        // Counts deleted documents too until they are merged away: at worst
        // a delete that finds nothing.
        let indexed = searcher.doc_freq(&term).map_or(true, |n| n > 0);
        if indexed || self.unseen.contains(&uid) {
            self.writer.delete_term(term);
        }
    }

    /// Applies ops until every sender is gone.
    pub(crate) fn run(mut self, ops: Receiver<Op>) {
        let mut first_pending: Option<Instant> = None;
        loop {
            let wait = match first_pending {
                Some(t) => IDLE.min(MAX_LATENCY.saturating_sub(t.elapsed())),
                None => Duration::from_secs(3600),
            };
            match ops.recv_timeout(wait) {
                Ok(Op::Flush(done)) => {
                    self.commit();
                    first_pending = None;
                    let _ = done.send(());
                }
                Ok(op) => {
                    self.apply(op);
                    let started = *first_pending.get_or_insert_with(Instant::now);
                    if started.elapsed() >= MAX_LATENCY {
                        self.commit();
                        first_pending = None;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    if first_pending.take().is_some() {
                        self.commit();
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.commit();
                    // Merges in flight finish before the engine is gone, so
                    // the index can be opened again at once.
                    if let Err(e) = self.writer.wait_merging_threads() {
                        tracing::warn!(error = %e, "search: finishing merges");
                    }
                    return;
                }
            }
        }
    }

    fn apply(&mut self, op: Op) {
        let f = self.fields;
        match op {
            Op::Upsert { doc_type, docs } => {
                let searcher = self.reader.searcher();
                for doc in docs {
                    self.delete_id(&searcher, &doc_type, &doc.id);
                    self.add(&doc_type, doc);
                }
            }
            Op::Remove { doc_type, ids } => {
                let searcher = self.reader.searcher();
                for id in ids {
                    self.delete_id(&searcher, &doc_type, &id);
                }
            }
            Op::ReplaceScope { doc_type, scope, docs } => {
                self.writer.delete_term(Term::from_field_text(f.scope, &key(&doc_type, &scope)));
                let searcher = self.reader.searcher();
                for doc in docs {
                    self.delete_id(&searcher, &doc_type, &doc.id);
                    self.add(&doc_type, doc);
                }
            }
            Op::BeginRebuild { doc_type, generation } => {
                self.generations.insert(doc_type, generation);
            }
            Op::EndRebuild { doc_type, generation } => {
                let term = |field, text: &str| -> Box<dyn tantivy::query::Query> {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, text),
                        IndexRecordOption::Basic,
                    ))
                };
                let stale = BooleanQuery::new(vec![
                    (Occur::Must, term(f.doc_type, &doc_type)),
                    (Occur::MustNot, term(f.generation, &key(&doc_type, &generation))),
                ]);
                if let Err(err) = self.writer.delete_query(Box::new(stale)) {
                    tracing::warn!(%err, %doc_type, "search: could not remove stale documents");
                }
            }
            Op::Flush(_) => {}
        }
    }

    fn add(&mut self, doc_type: &str, doc: SearchDocument) {
        let f = self.fields;
        let mut out = TantivyDocument::default();
        let uid = key(doc_type, &doc.id);
        out.add_text(f.uid, &uid);
        self.unseen.insert(uid);
        out.add_text(f.doc_type, doc_type);
        if let Some(scope) = &doc.scope {
            out.add_text(f.scope, key(doc_type, scope));
        }
        let generation = self.generations.get(doc_type).map(String::as_str).unwrap_or("");
        out.add_text(f.generation, key(doc_type, generation));
        out.add_text(f.title, &doc.title);
        let title: String = doc.title.to_lowercase().chars().take(64).collect();
        out.add_text(f.sort, key(&title, &doc.id));
        for word in &doc.keywords {
            out.add_text(f.keywords, word);
        }
        out.add_text(f.text, &doc.text);
        for (field, value) in &doc.facets {
            out.add_text(f.filter, key(&field.to_lowercase(), &value.to_lowercase()));
            out.add_text(f.facet, key(field, value));
        }
        let stored = json!({ "type": doc_type, "document": Value::Object(doc.to_json()) });
        out.add_bytes(f.stored, stored.to_string().as_bytes());
        if let Err(err) = self.writer.add_document(out) {
            tracing::warn!(%err, "search: a document could not be indexed");
        }
    }

    fn commit(&mut self) {
        match self.writer.commit() {
            Ok(_) => match self.reader.reload() {
                // The reader sees them now.
                Ok(()) => self.unseen.clear(),
                Err(err) => tracing::warn!(%err, "search: reader reload failed"),
            },
            Err(err) => {
                // Leaves the last commit searchable; the next commit retries.
                tracing::error!(%err, "search: commit failed");
            }
        }
    }
}
