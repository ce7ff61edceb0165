//! The catalog in search: each entity as a `software-catalog` document
//! (Backstage's `DefaultCatalogCollator` fields), the collator that lists them
//! all for a full rebuild, and [`index_refs`], which the engine calls after
//! each committed change so the index follows the catalog within a second.

use super::sql::{self, json_arg};
use portico_plugin_api::search::{
    CollateFuture, Collator, DocumentSink, SearchDocument, SearchHandle,
};
use portico_plugin_api::server::{Db, PluginContext};
use serde_json::{Value, json};

/// Backstage's document type for entities.
pub(crate) const DOC_TYPE: &str = "software-catalog";

/// The catalog's collator.
pub(crate) const COLLATOR: Collator = Collator::new(DOC_TYPE, collate);

/// Entities read per statement during a full rebuild.
const PAGE: i64 = 1000;

fn collate(ctx: PluginContext, sink: DocumentSink) -> CollateFuture {
    Box::pin(async move {
        let mut after = String::new();
        loop {
            let rows = sql::rows(
                &ctx.db,
                "SELECT entity_ref, final FROM catalog_entities WHERE final IS NOT NULL AND entity_ref > $1 ORDER BY entity_ref LIMIT $2",
                &[after.as_str().into(), PAGE.into()],
            )
            .await
            .map_err(|e| e.to_string())?;
            let Some(last) = rows.last().and_then(|r| r.text(0)) else { return Ok(()) };
            for row in &rows {
                let entity: Value =
                    serde_json::from_str(&row.text(1).unwrap_or_default()).unwrap_or(Value::Null);
                if let Some(doc) = document(&entity) {
                    sink.send(doc).await.map_err(|e| e.to_string())?;
                }
            }
            after = last;
        }
    })
}

/// Entities re-indexed per round: a round's rows and documents are in memory
/// at once, and the writer's queue holds more, so bigger rounds only add to
/// the server's peak (100k new entities at once are the worst case).
const INDEX_ROUND: usize = 1000;

/// Brings these entities' documents up to date: those stored are indexed
/// again, the others removed.
pub(crate) async fn index_refs(db: &Db, search: &SearchHandle, refs: &[String]) {
    for chunk in refs.chunks(INDEX_ROUND) {
        let sql = format!(
            "SELECT entity_ref, final FROM catalog_entities WHERE final IS NOT NULL AND entity_ref IN ({})",
            sql::json_list_on(db, 1)
        );
        let rows = match sql::rows(db, &sql, &[json_arg(chunk)]).await {
            Ok(rows) => rows,
            Err(err) => {
                // The next full rebuild (at start, or on request) repairs it.
                tracing::warn!(%err, "search: could not read changed entities");
                return;
            }
        };
        let mut present = std::collections::HashSet::new();
        let mut docs = Vec::with_capacity(rows.len());
        for row in rows {
            let entity: Value =
                serde_json::from_str(&row.text(1).unwrap_or_default()).unwrap_or(Value::Null);
            if let Some(doc) = document(&entity) {
                present.insert(doc.id.clone());
                docs.push(doc);
            }
        }
        let gone: Vec<String> = chunk.iter().filter(|r| !present.contains(*r)).cloned().collect();
        search.upsert(DOC_TYPE, docs);
        search.remove(DOC_TYPE, gone);
    }
}

/// An entity as a search document: `title` is `metadata.title` or the name,
/// `text` the description (with a user's display name and email), `location`
/// its page; `kind`, `namespace`, `name`, `type`/`componentType`,
/// `lifecycle`, `owner` and `authorization.resourceRef` as Backstage returns
/// them; name, title, tags and display name rank like the title; kind, type,
/// owner, lifecycle, namespace, system and tags are filters.
pub(crate) fn document(entity: &Value) -> Option<SearchDocument> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_owned();
    let meta = entity.get("metadata")?;
    let spec = entity.get("spec");
    let kind = text(entity.get("kind"));
    let name = text(meta.get("name"));
    if kind.is_empty() || name.is_empty() {
        return None;
    }
    let namespace = meta.get("namespace").and_then(Value::as_str).unwrap_or("default").to_owned();
    let entity_ref = format!("{kind}:{namespace}/{name}").to_lowercase();
    let title = meta.get("title").and_then(Value::as_str).unwrap_or(&name).to_owned();
    let spec_text = |key: &str| text(spec.and_then(|s| s.get(key)));
    let profile = |key: &str| text(spec.and_then(|s| s.get("profile")).and_then(|p| p.get(key)));
    let mut body = text(meta.get("description"));
    let (display, email) = (profile("displayName"), profile("email"));
    if kind.eq_ignore_ascii_case("user") {
        for extra in [&display, &email] {
            if !extra.is_empty() {
                body = if body.is_empty() { extra.clone() } else { format!("{body} : {extra}") };
            }
        }
    }
    let entity_type = spec_text("type");
    let lifecycle = spec_text("lifecycle");
    let owner = spec_text("owner");
    // Filter by the resolved owner ref (what the catalog's own owner filter
    // uses), so `team-a` and `group:default/team-a` are one value.
    let owner_ref = entity
        .get("relations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|r| r.get("type").and_then(Value::as_str) == Some("ownedBy"))
        .and_then(|r| r.get("targetRef").and_then(Value::as_str))
        .map_or_else(|| owner.clone(), str::to_owned);
    let location = format!("/catalog/{namespace}/{}/{name}", kind.to_lowercase());
    let component_type =
        if entity_type.is_empty() { "other".to_owned() } else { entity_type.clone() };
    let mut doc = SearchDocument::new(&entity_ref, &title, body, location)
        .keyword(&name)
        .keyword(display)
        .facet("kind", &kind)
        .facet("type", &entity_type)
        .facet("owner", &owner_ref)
        .facet("lifecycle", &lifecycle)
        .facet("namespace", &namespace)
        .facet("system", spec_text("system"))
        .field("kind", kind.as_str())
        .field("namespace", namespace.as_str())
        .field("name", name.as_str())
        .field("type", component_type.as_str())
        .field("componentType", component_type.as_str())
        .field("lifecycle", lifecycle.as_str())
        .field("owner", owner.as_str())
        .field("ownerRef", owner_ref.as_str())
        .field("authorization", json!({ "resourceRef": entity_ref }));
    if title != name {
        doc = doc.keyword(title);
    }
    for tag in meta.get("tags").and_then(Value::as_array).into_iter().flatten() {
        if let Some(tag) = tag.as_str() {
            doc = doc.keyword(tag).facet("tags", tag);
        }
    }
    let annotations = meta.get("annotations").and_then(Value::as_object);
    for key in SEARCHED_ANNOTATIONS {
        let value = annotations.and_then(|a| a.get(*key)).and_then(Value::as_str);
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            doc = doc.keyword(value);
        }
    }
    Some(doc)
}

/// Annotations whose values people search for (where the code, the tickets
/// and the workloads of an entity are): found like its name, not shown.
const SEARCHED_ANNOTATIONS: &[&str] = &[
    "github.com/project-slug",
    "gitlab.com/project-slug",
    "dev.azure.com/project-repo",
    "backstage.io/kubernetes-id",
    "jira/project-key",
    "sonarqube.org/project-key",
];

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};

    /// The document of `entity` (JSON), printed field by field.
    fn check(entity: Value, expected: Expect) {
        let out = match document(&entity) {
            Some(doc) => format!(
                "id {}\ntitle {}\ntext {}\nlocation {}\nkeywords {:?}\nfacets {:?}\nfields {}\n",
                doc.id,
                doc.title,
                doc.text,
                doc.location,
                doc.keywords,
                doc.facets,
                Value::Object(doc.fields)
            ),
            None => "none\n".into(),
        };
        expected.assert_eq(&out);
    }

    #[test]
    fn entities_become_backstage_shaped_documents() {
        check(
            json!({"kind": "Component", "metadata": {"name": "payments", "title": "Payments", "description": "Takes money.", "tags": ["java"],
                                                     "annotations": {"github.com/project-slug": "acme/pay-svc", "jira/project-key": "PAY", "backstage.io/view-url": "https://x"}},
                   "spec": {"type": "service", "lifecycle": "production", "owner": "group:default/team-a", "system": "shop"}}),
            expect![[r#"
                id component:default/payments
                title Payments
                text Takes money.
                location /catalog/default/component/payments
                keywords ["payments", "Payments", "java", "acme/pay-svc", "PAY"]
                facets [("kind", "Component"), ("type", "service"), ("owner", "group:default/team-a"), ("lifecycle", "production"), ("namespace", "default"), ("system", "shop"), ("tags", "java")]
                fields {"authorization":{"resourceRef":"component:default/payments"},"componentType":"service","kind":"Component","lifecycle":"production","name":"payments","namespace":"default","owner":"group:default/team-a","ownerRef":"group:default/team-a","type":"service"}
            "#]],
        );
        check(
            json!({"kind": "User", "metadata": {"name": "jdoe", "namespace": "Ops"},
                   "spec": {"profile": {"displayName": "Jane Doe", "email": "jane@example.com"}}}),
            expect![[r#"
                id user:ops/jdoe
                title jdoe
                text Jane Doe : jane@example.com
                location /catalog/Ops/user/jdoe
                keywords ["jdoe", "Jane Doe"]
                facets [("kind", "User"), ("namespace", "Ops")]
                fields {"authorization":{"resourceRef":"user:ops/jdoe"},"componentType":"other","kind":"User","lifecycle":"","name":"jdoe","namespace":"Ops","owner":"","ownerRef":"","type":"other"}
            "#]],
        );
        check(json!({"kind": "Component", "metadata": {}}), expect!["none\n"]);
        check(json!("not an entity"), expect!["none\n"]);
    }
}
