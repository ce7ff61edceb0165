//! Portico's search engine: one tantivy index on disk holding every plugin's
//! documents, behind the plugin API's [`SearchService`].
//!
//! Plugins contribute documents two ways: a [`Collator`] lists all of a type
//! for a full rebuild (at start-up, and on request), and change notifications
//! (`upsert`, `remove`, `replace_scope`) keep the index in step between
//! rebuilds. Both go through one writer thread ([`writer`]); queries read the
//! last commit and never wait for it.
//!
//! Modules: [`schema`] (fields and the analyzer), [`query`] (the term and
//! filters as tantivy queries; facet counts), [`highlight`] (snippets),
//! [`writer`] (the writer thread).

pub(crate) mod highlight;
pub(crate) mod query;
pub(crate) mod schema;
pub(crate) mod writer;

use portico_plugin_api::search::{
    Collator, DocumentSink, SearchDocument, SearchError, SearchHandle, SearchHit, SearchQuery,
    SearchResults, SearchService, SearchStatus,
};
use portico_plugin_api::server::PluginContext;
use query::{BoundedCount, Combine, FacetCounter};
use schema::Fields;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::{Arc, OnceLock, Weak};
use tantivy::collector::TopDocs;
use tantivy::schema::Value as _;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};
use writer::{Op, Writer};

/// Matches are counted up to this many; beyond, the total is "at least".
pub const TOTAL_CAP: usize = 10_000;

/// Documents per queued change.
const BATCH: usize = 256;
/// Changes queued for the writer at most (so at most `QUEUE * BATCH`
/// documents wait in memory).
const QUEUE: usize = 64;
/// The writer's memory budget, shared by its indexing threads (two on two
/// cores; tantivy needs at least 15 MB each). More makes bulk indexing
/// flush fewer, larger segments, at the cost of the server's peak memory.
const WRITER_MEMORY: usize = 48 * 1024 * 1024;

/// Why the index could not be opened at all (a damaged index is not one of
/// these: it is set aside and rebuilt).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The folder cannot be created or written.
    #[error("search index folder {path}: {source}")]
    Folder { path: PathBuf, source: std::io::Error },
    /// Another process has the index open for writing.
    #[error("search index {path} is in use by another process ({source})")]
    Engine { path: PathBuf, source: tantivy::TantivyError },
}

/// The search engine. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Engine(Arc<Inner>);

struct Inner {
    reader: IndexReader,
    fields: Fields,
    ops: SyncSender<Op>,
    /// The writer thread, joined when the last clone of the engine goes.
    writer: Option<std::thread::JoinHandle<()>>,
    collators: OnceLock<Vec<(Collator, PluginContext)>>,
    rebuilding: AtomicBool,
    /// Highlight tags, random per process (Backstage does the same), so a
    /// document's own text can never pass for a highlight.
    tags: (String, String),
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("documents", &self.reader.searcher().num_docs()).finish()
    }
}

impl Drop for Inner {
    /// Closes the queue and waits for the writer to commit what it has and
    /// finish its merges: dropping the engine leaves a complete index.
    fn drop(&mut self) {
        let (closed, _) = std::sync::mpsc::sync_channel(0);
        drop(std::mem::replace(&mut self.ops, closed));
        if let Some(writer) = self.writer.take()
            && writer.join().is_err()
        {
            tracing::error!("search: the writer thread panicked");
        }
    }
}

impl Engine {
    /// Opens the index in `dir`, creating it if missing. An index that cannot
    /// be read (damaged, or written by an incompatible version) is moved
    /// aside with a warning and a new one created; the caller then rebuilds.
    pub fn open(dir: &Path) -> Result<Self, OpenError> {
        let folder = |source| OpenError::Folder { path: dir.to_owned(), source };
        std::fs::create_dir_all(dir).map_err(folder)?;
        let (schema, fields) = schema::schema();
        let index = match open_existing(dir, &schema) {
            Some(index) => index,
            None => {
                let fresh = std::fs::read_dir(dir).map_err(folder)?.next().is_none();
                if !fresh {
                    let aside = dir.with_extension(format!("damaged-{}", std::process::id()));
                    tracing::warn!(index = %dir.display(), moved_to = %aside.display(), "search index unreadable; starting a new one (it is rebuilt from every collator)");
                    let _ = std::fs::remove_dir_all(&aside);
                    std::fs::rename(dir, &aside).map_err(folder)?;
                    std::fs::create_dir_all(dir).map_err(folder)?;
                }
                Index::create_in_dir(dir, schema)
                    .map_err(|source| OpenError::Engine { path: dir.to_owned(), source })?
            }
        };
        index.tokenizers().register(schema::ANALYZER, schema::analyzer());
        let engine_err = |source| OpenError::Engine { path: dir.to_owned(), source };
        let writer = index.writer(WRITER_MEMORY).map_err(engine_err)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(engine_err)?;
        let (ops, rx) = std::sync::mpsc::sync_channel(QUEUE);
        let state = Writer::new(writer, reader.clone(), fields);
        let writer = std::thread::Builder::new()
            .name("search-writer".into())
            .spawn(move || state.run(rx))
            .map_err(folder)?;
        let tag = uuid::Uuid::new_v4().simple().to_string();
        Ok(Self(Arc::new(Inner {
            reader,
            fields,
            ops,
            writer: Some(writer),
            collators: OnceLock::new(),
            rebuilding: AtomicBool::new(false),
            tags: (format!("<{tag}>"), format!("</{tag}>")),
        })))
    }

    /// Sets the collators a rebuild runs, each with its plugin's context
    /// (once; later calls are ignored). The contexts' search handle is
    /// swapped for a weak one: a strong handle to itself would keep the
    /// engine alive for ever, and its writer would never commit its last
    /// documents and stop.
    pub fn set_collators(&self, collators: Vec<(Collator, PluginContext)>) {
        let weak = SearchHandle(Arc::new(WeakEngine(Arc::downgrade(&self.0))));
        let collators = collators
            .into_iter()
            .map(|(collator, ctx)| (collator, ctx.with_search(weak.clone())))
            .collect();
        let _ = self.0.collators.set(collators);
    }

    /// The handle plugins get.
    pub fn handle(&self) -> SearchHandle {
        SearchHandle(Arc::new(self.clone()))
    }

    /// Runs a full rebuild from every collator and waits for it to be
    /// searchable. A collator that fails keeps its type's previous documents.
    /// Returns whether every collator succeeded; `false` also when another
    /// rebuild is already running.
    pub async fn rebuild_now(&self) -> bool {
        if self.0.rebuilding.swap(true, Ordering::SeqCst) {
            return false;
        }
        let mut ok = true;
        let collators = self.0.collators.get().cloned().unwrap_or_default();
        for (collator, ctx) in collators {
            ok &= self.rebuild_type(collator, ctx).await;
        }
        self.flush().await;
        self.0.rebuilding.store(false, Ordering::SeqCst);
        ok
    }

    async fn rebuild_type(&self, collator: Collator, ctx: PluginContext) -> bool {
        let doc_type = collator.doc_type.to_owned();
        let generation = uuid::Uuid::new_v4().simple().to_string();
        let started = std::time::Instant::now();
        self.send_async(Op::BeginRebuild {
            doc_type: doc_type.clone(),
            generation: generation.clone(),
        })
        .await;
        let (sink, mut rx) = DocumentSink::channel(BATCH * 4);
        let task = tokio::spawn((collator.collate)(ctx, sink));
        let mut batch = Vec::with_capacity(BATCH);
        let mut count = 0usize;
        while let Some(doc) = rx.recv().await {
            batch.push(doc);
            if batch.len() == BATCH {
                count += batch.len();
                let docs = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                self.send_async(Op::Upsert { doc_type: doc_type.clone(), docs }).await;
            }
        }
        count += batch.len();
        self.send_async(Op::Upsert { doc_type: doc_type.clone(), docs: batch }).await;
        match task.await {
            Ok(Ok(())) => {
                self.send_async(Op::EndRebuild { doc_type: doc_type.clone(), generation }).await;
                tracing::info!(%doc_type, documents = count, elapsed_ms = started.elapsed().as_millis() as u64, "search: type rebuilt");
                true
            }
            Ok(Err(err)) => {
                tracing::warn!(%doc_type, %err, "search: collator failed; the type keeps its previous documents");
                false
            }
            Err(err) => {
                tracing::warn!(%doc_type, %err, "search: collator panicked; the type keeps its previous documents");
                false
            }
        }
    }

    /// Waits until every change queued so far is searchable.
    pub async fn flush(&self) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send_async(Op::Flush(tx)).await;
        let _ = rx.await;
    }

    /// Queues an op without blocking the async runtime's thread.
    async fn send_async(&self, mut op: Op) {
        loop {
            match self.0.ops.try_send(op) {
                Ok(()) => return,
                Err(TrySendError::Full(back)) => {
                    op = back;
                    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                }
                Err(TrySendError::Disconnected(_)) => {
                    tracing::error!("search: the writer thread is gone; change dropped");
                    return;
                }
            }
        }
    }

    /// Queues an op from synchronous code (waits if the queue is full).
    fn send(&self, op: Op) {
        if self.0.ops.send(op).is_err() {
            tracing::error!("search: the writer thread is gone; change dropped");
        }
    }

    fn run(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        let f = &self.0.fields;
        let mut analyzer = schema::analyzer();
        let words = query::significant(
            schema::tokens(&mut analyzer, &q.term).into_iter().map(|t| t.0).collect(),
        );
        let searcher = self.0.reader.searcher();
        let engine = |e: tantivy::TantivyError| SearchError::Engine(e.to_string());
        let mut combine = Combine::All;
        let (mut hits, mut total, mut counts) = top(
            &searcher,
            &*query::build(&searcher, f, &words, combine, q, None),
            words.is_empty(),
            q,
        )
        .map_err(engine)?;
        if total == 0 && words.len() > 1 {
            combine = Combine::Any;
            (hits, total, counts) =
                top(&searcher, &*query::build(&searcher, f, &words, combine, q, None), false, q)
                    .map_err(engine)?;
        }
        hits.truncate(q.limit);
        let (pre, post) = (&self.0.tags.0, &self.0.tags.1);
        let mut results = SearchResults::new(total.min(TOTAL_CAP), pre.clone(), post.clone());
        results.total_at_least = total > TOTAL_CAP;

        for field in &q.facets {
            // A filtered field counts without its own filter, so the other
            // values stay visible as alternatives.
            let filtered = q.filters.iter().any(|(k, v)| k == field && !v.is_empty());
            let own;
            let source = if filtered {
                own = searcher
                    .search(
                        &query::build(&searcher, f, &words, combine, q, Some(field)),
                        &FacetCounter,
                    )
                    .map_err(engine)?;
                &own
            } else {
                &counts
            };
            let mut values: Vec<(String, u64)> = source
                .iter()
                .filter_map(|(entry, n)| match query::split_facet(entry) {
                    Some((k, v)) if k == field => Some((v.to_owned(), *n)),
                    _ => None,
                })
                .collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            values.truncate(100);
            results.facets.insert(field.clone(), values);
        }

        for (score, address) in hits {
            let doc: TantivyDocument = searcher.doc(address).map_err(engine)?;
            let Some(bytes) = doc.get_first(f.stored).and_then(|v| v.as_bytes()) else { continue };
            let Ok(Value::Object(mut stored)) = serde_json::from_slice::<Value>(bytes) else {
                continue;
            };
            let doc_type = match stored.remove("type") {
                Some(Value::String(t)) => t,
                _ => continue,
            };
            let Some(Value::Object(document)) = stored.remove("document") else { continue };
            let mut highlight = std::collections::BTreeMap::new();
            for (name, passage) in [("title", false), ("text", true)] {
                let text = document.get(name).and_then(Value::as_str).unwrap_or_default();
                if let Some(h) =
                    highlight::highlight(&mut analyzer, &words, text, passage, (pre, post))
                {
                    highlight.insert(name.to_owned(), h);
                }
            }
            results.hits.push(hit(doc_type, document, highlight, score));
        }
        Ok(results)
    }
}

type Top = (Vec<(f32, tantivy::DocAddress)>, usize, std::collections::HashMap<String, u64>);

/// One page of `query`'s results (by score, or by title when nothing is
/// ranked), the number of matches and the facet counts.
///
/// The page is collected alone when no facets are asked for, so tantivy may
/// skip blocks that cannot reach it; the number of matches is then counted
/// in a second pass that reads no frequencies, computes no scores and stops
/// after [`TOTAL_CAP`] + 1 (so that "more than the cap" is known).
fn top(
    searcher: &tantivy::Searcher,
    query: &dyn tantivy::query::Query,
    unranked: bool,
    q: &SearchQuery,
) -> tantivy::Result<Top> {
    let page = TopDocs::with_limit(q.limit.max(1)).and_offset(q.offset);
    // Facets cost a visit of every match: counted only when asked for.
    let facets = (!q.facets.is_empty()).then_some(FacetCounter);
    let (hits, counts) = if unranked {
        let by_title = page.order_by_string_fast_field("sort", tantivy::Order::Asc);
        let (hits, counts) = searcher.search(query, &(by_title, facets))?;
        (hits.into_iter().map(|(_, a)| (1.0, a)).collect(), counts)
    } else if facets.is_some() {
        searcher.search(query, &(page.order_by_score(), facets))?
    } else {
        (searcher.search(query, &page.order_by_score())?, None)
    };
    let total = searcher.search(query, &BoundedCount::new(TOTAL_CAP + 1))?;
    Ok((hits, total, counts.unwrap_or_default()))
}

fn hit(
    doc_type: String,
    document: serde_json::Map<String, Value>,
    highlight: std::collections::BTreeMap<String, String>,
    score: f32,
) -> SearchHit {
    let mut hit = SearchHit::new(doc_type, document);
    hit.highlight = highlight;
    hit.score = score;
    hit
}

/// The index in `dir` if it opens with this schema.
fn open_existing(dir: &Path, schema: &tantivy::schema::Schema) -> Option<Index> {
    if !dir.join("meta.json").exists() {
        return None;
    }
    match Index::open_in_dir(dir) {
        Ok(index) if index.schema() == *schema => Some(index),
        Ok(_) => {
            tracing::warn!(index = %dir.display(), "search index has another schema (an older version); rebuilding");
            None
        }
        Err(err) => {
            tracing::warn!(index = %dir.display(), %err, "search index cannot be opened");
            None
        }
    }
}

/// The engine as its own collators see it: a handle that does not keep it
/// alive, and searches nothing once it is gone.
#[derive(Debug)]
struct WeakEngine(Weak<Inner>);

impl WeakEngine {
    fn with<R>(&self, f: impl FnOnce(&dyn SearchService) -> R) -> R {
        match self.0.upgrade() {
            Some(inner) => f(&Engine(inner)),
            None => f(&*SearchHandle::disabled()),
        }
    }
}

impl SearchService for WeakEngine {
    fn upsert(&self, doc_type: &str, docs: Vec<SearchDocument>) {
        self.with(|e| e.upsert(doc_type, docs));
    }
    fn remove(&self, doc_type: &str, ids: Vec<String>) {
        self.with(|e| e.remove(doc_type, ids));
    }
    fn replace_scope(&self, doc_type: &str, scope: &str, docs: Vec<SearchDocument>) {
        self.with(|e| e.replace_scope(doc_type, scope, docs));
    }
    fn query(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        self.with(|e| e.query(query))
    }
    fn document(&self, doc_type: &str, id: &str) -> Option<serde_json::Map<String, Value>> {
        self.with(|e| e.document(doc_type, id))
    }
    fn rebuild(&self) {
        self.with(|e| e.rebuild());
    }
    fn status(&self) -> SearchStatus {
        self.with(|e| e.status())
    }
}

impl SearchService for Engine {
    /// Queued [`BATCH`] documents at a time: the queue holds at most
    /// [`QUEUE`] changes, so a plugin that hands over 100,000 documents at
    /// once waits for the writer instead of holding them all in memory.
    fn upsert(&self, doc_type: &str, docs: Vec<SearchDocument>) {
        let mut docs = docs.into_iter().peekable();
        while docs.peek().is_some() {
            let batch = docs.by_ref().take(BATCH).collect();
            self.send(Op::Upsert { doc_type: doc_type.to_owned(), docs: batch });
        }
    }

    fn remove(&self, doc_type: &str, ids: Vec<String>) {
        if !ids.is_empty() {
            self.send(Op::Remove { doc_type: doc_type.to_owned(), ids });
        }
    }

    fn replace_scope(&self, doc_type: &str, scope: &str, docs: Vec<SearchDocument>) {
        let (doc_type, scope) = (doc_type.to_owned(), scope.to_owned());
        self.send(Op::ReplaceScope { doc_type, scope, docs });
    }

    fn query(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        self.run(query)
    }

    fn document(&self, doc_type: &str, id: &str) -> Option<serde_json::Map<String, Value>> {
        let f = &self.0.fields;
        let searcher = self.0.reader.searcher();
        let uid = tantivy::Term::from_field_text(f.uid, &schema::key(doc_type, id));
        let query = tantivy::query::TermQuery::new(uid, tantivy::schema::IndexRecordOption::Basic);
        let top = TopDocs::with_limit(1).order_by_score();
        let (_, address) = searcher.search(&query, &top).ok()?.into_iter().next()?;
        let doc: TantivyDocument = searcher.doc(address).ok()?;
        let bytes = doc.get_first(f.stored).and_then(|v| v.as_bytes())?;
        match serde_json::from_slice::<Value>(bytes).ok()? {
            Value::Object(mut stored) => match stored.remove("document") {
                Some(Value::Object(document)) => Some(document),
                _ => None,
            },
            _ => None,
        }
    }

    fn rebuild(&self) {
        let engine = self.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { engine.rebuild_now().await });
        }
    }

    fn status(&self) -> SearchStatus {
        SearchStatus::new(
            self.0.reader.searcher().num_docs(),
            self.0.rebuilding.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests;
