//! TechDocs in search: one `techdocs` document per entry of each published
//! site's `search/search_index.json` (a page or a section, as Backstage's
//! `DefaultTechDocsCollator` does), the collator for full rebuilds, and a
//! watch on storage that re-indexes a site when it is published again or
//! removes it when it goes.

use crate::server::Storage;
use portico_plugin_api::search::{
    CollateFuture, Collator, DocumentSink, SearchDocument, SearchHandle,
};
use portico_plugin_api::server::PluginContext;
use portico_techdocs_storage::StoredSite;
use serde::Deserialize;
use std::collections::HashMap;
use std::time::Duration;

/// Backstage's document type for docs.
pub(crate) const DOC_TYPE: &str = "techdocs";

/// The TechDocs collator.
pub(crate) const COLLATOR: Collator = Collator::new(DOC_TYPE, collate);

/// How often storage is checked for published or removed sites.
const WATCH_EVERY: Duration = Duration::from_millis(500);
/// The same for a bucket.
const WATCH_BUCKET_EVERY: Duration = Duration::from_secs(5);

/// `search/search_index.json` (MkDocs' search plugin format).
#[derive(Debug, Deserialize)]
struct SearchIndex {
    #[serde(default)]
    docs: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(default)]
    location: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
}

fn collate(ctx: PluginContext, sink: DocumentSink) -> CollateFuture {
    Box::pin(async move {
        let storage = crate::server::open(&ctx).map_err(|e| e.to_string())?.storage;
        // One site in memory at a time: a thousand sites' sections would not fit.
        for site in storage.sites().await {
            for doc in documents(&storage, &site, &ctx.search).await {
                sink.send(doc).await.map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    })
}

/// The scope of a site's documents: its entity ref.
fn scope(stored: &StoredSite) -> String {
    stored.site.entity_ref()
}

/// A site's documents; none when its search index is missing or unreadable.
/// The entity's owner, lifecycle, type and title come from its catalog
/// document in the index, when it is there.
async fn documents(
    storage: &Storage,
    stored: &StoredSite,
    search: &SearchHandle,
) -> Vec<SearchDocument> {
    let Some(index) = storage.json::<SearchIndex>(&stored.site, "search/search_index.json").await
    else {
        return Vec::new();
    };
    let (stored, search) = (stored.clone(), search.clone());
    // Building tens of thousands of documents is blocking work.
    tokio::task::spawn_blocking(move || {
        let entity = search.document("software-catalog", &scope(&stored)).unwrap_or_default();
        site_documents(&stored, index, &entity)
    })
    .await
    .unwrap_or_default()
}

fn site_documents(
    stored: &StoredSite,
    index: SearchIndex,
    entity: &serde_json::Map<String, serde_json::Value>,
) -> Vec<SearchDocument> {
    let (site, metadata) = (&stored.site, &stored.metadata);
    let from_entity =
        |key: &str| entity.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let (owner, lifecycle, component_type) =
        (from_entity("owner"), from_entity("lifecycle"), from_entity("type"));
    let owner_ref = from_entity("ownerRef");
    let entity_title = match from_entity("title") {
        t if t.is_empty() => metadata.site_name.clone(),
        t => t,
    };
    let base = format!("/docs/{}/{}/{}/", site.namespace, site.kind, site.name);
    let scope = scope(stored);
    let kind = kind_name(&site.kind);
    // Page titles by page URL, for sections' heading paths.
    let pages: HashMap<&str, &str> = index
        .docs
        .iter()
        .filter(|e| !e.location.contains('#'))
        .map(|e| (e.location.as_str(), e.title.as_str()))
        .collect();
    index
        .docs
        .iter()
        .filter(|e| !e.location.starts_with("http") && !e.location.starts_with('/'))
        .map(|entry| {
            let page = entry.location.split('#').next().unwrap_or_default();
            let page_title = pages.get(page).copied().unwrap_or_default();
            let mut heading_path = vec![metadata.site_name.clone()];
            if entry.location.contains('#') && !page_title.is_empty() {
                heading_path.push(page_title.to_owned());
            }
            heading_path.push(entry.title.clone());
            SearchDocument::new(
                format!("{scope}/{}", entry.location),
                &entry.title,
                &entry.text,
                format!("{base}{}", entry.location),
            )
            .scope(&scope)
            // The reader's in-site search filters on it.
            .facet("entity", &scope)
            .facet("kind", &kind)
            .facet("namespace", &site.namespace)
            .facet("owner", &owner_ref)
            .facet("lifecycle", &lifecycle)
            .field("kind", kind.as_str())
            .field("namespace", site.namespace.as_str())
            .field("name", site.name.as_str())
            .field("path", entry.location.as_str())
            .field("entityTitle", entity_title.as_str())
            .field("siteName", metadata.site_name.as_str())
            .field("owner", owner.as_str())
            .field("lifecycle", lifecycle.as_str())
            .field("componentType", component_type.as_str())
            .field("headingPath", heading_path)
            .field("authorization", serde_json::json!({ "resourceRef": scope }))
        })
        .collect()
}

/// The kind as the catalog spells it, from the lower-cased storage path.
fn kind_name(kind: &str) -> String {
    match kind.to_ascii_lowercase().as_str() {
        "api" => "API".into(),
        other => {
            let mut chars = other.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
        }
    }
}

/// Republished sites, as (entity ref, new etag).
pub(crate) type Changes = tokio::sync::broadcast::Sender<(String, String)>;

/// What a site's documents take from its entity's catalog document (title,
/// owner, owner ref, lifecycle, type); `None` while the entity is not in the
/// index.
pub(crate) type EntityFacts = Option<[String; 5]>;

pub(crate) fn entity_facts(search: &SearchHandle, scope: &str) -> EntityFacts {
    let doc = search.document("software-catalog", scope)?;
    Some(
        ["title", "owner", "ownerRef", "lifecycle", "type"]
            .map(|key| doc.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned()),
    )
}

/// Re-indexes sites whose metadata changed and removes sites that went,
/// twice a second (a bucket every five seconds), for the life of the server.
/// The first look only records what is there (the full rebuild at start-up
/// indexes it). A site is also
/// indexed again when what it takes from its entity changes: the entity
/// reached the index (at start-up the catalog is still being read), or its
/// owner, title, lifecycle or type changed, so docs filter by the current
/// owner without a republish.
///
/// It is also the one place that notices a republish for readers: each new
/// etag goes out on `changes` as (entity ref, etag), which the readers'
/// event streams (`crate::events`) listen to instead of each polling storage.
pub(crate) async fn watch(storage: Storage, search: SearchHandle, changes: Changes) {
    struct Seen {
        stamp: (String, u64),
        entity: EntityFacts,
    }
    let mut known: HashMap<String, Seen> = HashMap::new();
    let mut first = true;
    // A bucket is listed less often: every listing is a billed request.
    let every = if storage.is_bucket() { WATCH_BUCKET_EVERY } else { WATCH_EVERY };
    loop {
        let sites = storage.sites().await;
        let handle = search.clone();
        // Looking up the entities' documents is blocking work.
        let sites = tokio::task::spawn_blocking(move || {
            sites
                .into_iter()
                .map(|site| {
                    let entity = entity_facts(&handle, &scope(&site));
                    (site, entity)
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        let mut seen = HashMap::new();
        for (site, entity) in sites {
            let key = scope(&site);
            let stamp = (site.metadata.etag.clone(), site.metadata.build_timestamp);
            let before = known.get(&key);
            let republished = !first && before.is_none_or(|b| b.stamp != stamp);
            let entity_changed = before.is_some_and(|b| b.entity != entity);
            if republished {
                // Before re-indexing: an open reader need not wait for search.
                let _ = changes.send((key.clone(), site.metadata.etag.clone()));
            }
            if republished || entity_changed {
                let docs = documents(&storage, &site, &search).await;
                tracing::info!(site = %key, documents = docs.len(), "search: docs site re-indexed");
                search.replace_scope(DOC_TYPE, &key, docs);
            }
            seen.insert(key, Seen { stamp, entity });
        }
        for gone in known.keys().filter(|k| !seen.contains_key(*k)) {
            search.replace_scope(DOC_TYPE, gone, Vec::new());
        }
        known = seen;
        first = false;
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn each_page_and_section_is_a_document_with_its_heading_path() {
        let metadata: portico_techdocs::output::Metadata =
            serde_json::from_value(serde_json::json!({
                "site_name": "Payments", "etag": "e1", "build_timestamp": 1, "files": []
            }))
            .expect("metadata");
        let site = StoredSite {
            site: portico_techdocs_storage::SiteRef {
                namespace: "default".into(),
                kind: "api".into(),
                name: "pay".into(),
            },
            metadata,
        };
        let index: SearchIndex = serde_json::from_value(serde_json::json!({ "docs": [
            { "location": "", "title": "Home", "text": "Welcome." },
            { "location": "ops/", "title": "Operations", "text": "" },
            { "location": "ops/#restart", "title": "Restart", "text": "Drain first." },
            { "location": "https://elsewhere.example/", "title": "Out", "text": "" },
        ]}))
        .expect("index");
        let entity = serde_json::json!({ "owner": "team-a", "ownerRef": "group:default/team-a", "lifecycle": "production", "title": "Payments API" });
        let entity = entity.as_object().cloned().unwrap_or_default();
        let docs: Vec<String> = site_documents(&site, index, &entity)
            .into_iter()
            .map(|d| {
                format!(
                    "{} | {} | {} | {} | {:?} | {}",
                    d.id, d.title, d.location, d.text, d.facets, d.fields["headingPath"]
                )
            })
            .collect();
        expect![[r#"
            [
                "api:default/pay/ | Home | /docs/default/api/pay/ | Welcome. | [(\"entity\", \"api:default/pay\"), (\"kind\", \"API\"), (\"namespace\", \"default\"), (\"owner\", \"group:default/team-a\"), (\"lifecycle\", \"production\")] | [\"Payments\",\"Home\"]",
                "api:default/pay/ops/ | Operations | /docs/default/api/pay/ops/ |  | [(\"entity\", \"api:default/pay\"), (\"kind\", \"API\"), (\"namespace\", \"default\"), (\"owner\", \"group:default/team-a\"), (\"lifecycle\", \"production\")] | [\"Payments\",\"Operations\"]",
                "api:default/pay/ops/#restart | Restart | /docs/default/api/pay/ops/#restart | Drain first. | [(\"entity\", \"api:default/pay\"), (\"kind\", \"API\"), (\"namespace\", \"default\"), (\"owner\", \"group:default/team-a\"), (\"lifecycle\", \"production\")] | [\"Payments\",\"Operations\",\"Restart\"]",
            ]
        "#]]
        .assert_debug_eq(&docs);
    }
}
