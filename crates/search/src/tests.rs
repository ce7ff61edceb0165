//! The engine against a small fixed corpus: ranking, typos, prefixes,
//! filters, facets, paging, hostile terms, changes and recovery. One helper,
//! [`check`], runs a query and prints the results in a compact form.

use super::*;
use expect_test::{Expect, expect};

fn entity(
    name: &str,
    kind: &str,
    owner: &str,
    lifecycle: &str,
    tags: &[&str],
    description: &str,
) -> SearchDocument {
    let id = format!("{}:default/{name}", kind.to_lowercase());
    let mut doc = SearchDocument::new(
        &id,
        name,
        description,
        format!("/catalog/default/{}/{name}", kind.to_lowercase()),
    )
    .keyword(name)
    .facet("kind", kind)
    .facet("owner", owner)
    .facet("lifecycle", lifecycle)
    .field("kind", kind)
    .field("owner", owner);
    for tag in tags {
        doc = doc.keyword(*tag).facet("tags", *tag);
    }
    doc
}

fn section(site: &str, page: &str, title: &str, text: &str) -> SearchDocument {
    SearchDocument::new(
        format!("{site}/{page}"),
        title,
        text,
        format!("/docs/default/component/{site}/{page}"),
    )
    .scope(site)
    .facet("kind", "Component")
}

async fn engine() -> (Engine, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = Engine::open(&dir.path().join("index")).expect("open");
    engine.upsert(
        "software-catalog",
        vec![
            entity(
                "payments-service",
                "Component",
                "group:default/team-payments",
                "production",
                &["java", "payments"],
                "Takes card payments and refunds.",
            ),
            entity(
                "payment-gateway",
                "API",
                "group:default/team-payments",
                "production",
                &["rest"],
                "The REST API of the payment provider.",
            ),
            entity(
                "checkout-web",
                "Component",
                "group:default/team-shop",
                "experimental",
                &["react"],
                "The shop's checkout; calls the payments service.",
            ),
            entity("team-payments", "Group", "", "", &[], "Everything about taking money."),
            entity(
                "inventory",
                "Component",
                "group:default/team-shop",
                "production",
                &["java"],
                "Stock levels for every warehouse.",
            ),
        ],
    );
    engine.replace_scope(
        "techdocs",
        "payments-service",
        vec![
            section(
                "payments-service",
                "runbook/",
                "Runbook",
                "Restarting the payments service: drain the queue first, then restart.",
            ),
            section(
                "payments-service",
                "runbook/#refunds",
                "Refunds",
                "Refunds are retried three times before paging the on-call engineer.",
            ),
        ],
    );
    engine.flush().await;
    (engine, dir)
}

/// Runs `query` and prints `total`, then each hit as `type title [highlighted title] :: text highlight`,
/// then each facet.
fn check(engine: &Engine, query: &SearchQuery, expected: Expect) {
    let out = match engine.query(query) {
        Ok(results) => {
            let tags = |s: &str| s.replace(&results.pre_tag, "[").replace(&results.post_tag, "]");
            let mut out = format!("total {}\n", results.total);
            for hit in &results.hits {
                let title = hit.document.get("title").and_then(Value::as_str).unwrap_or_default();
                out.push_str(&format!("{} {title}", hit.doc_type));
                if let Some(t) = hit.highlight.get("title") {
                    out.push_str(&format!(" ({})", tags(t)));
                }
                if let Some(t) = hit.highlight.get("text") {
                    out.push_str(&format!(" :: {}", tags(t)));
                }
                out.push('\n');
            }
            for (field, values) in &results.facets {
                let values: Vec<String> = values.iter().map(|(v, n)| format!("{v}={n}")).collect();
                out.push_str(&format!("facet {field}: {}\n", values.join(" ")));
            }
            out
        }
        Err(err) => format!("error: {err}\n"),
    };
    expected.assert_eq(&out);
}

#[tokio::test]
async fn a_name_or_title_match_ranks_above_a_body_match() {
    let (engine, _dir) = engine().await;
    check(
        &engine,
        &SearchQuery::new("payments", 10),
        expect![[r#"
        total 5
        software-catalog payments-service ([payments]-service) :: Takes card [payments] and refunds.
        software-catalog payment-gateway ([payment]-gateway) :: The REST API of the [payment] provider.
        software-catalog team-payments (team-[payments])
        software-catalog checkout-web :: The shop's checkout; calls the [payments] service.
        techdocs Runbook :: Restarting the [payments] service: drain the queue first, then restart.
    "#]],
    );
}

#[tokio::test]
async fn a_document_is_found_by_type_and_id() {
    let (engine, _dir) = engine().await;
    let doc = engine.document("software-catalog", "component:default/inventory").expect("found");
    assert_eq!(doc["owner"], "group:default/team-shop");
    assert_eq!(doc["location"], "/catalog/default/component/inventory");
    assert!(engine.document("techdocs", "component:default/inventory").is_none());
    assert!(engine.document("software-catalog", "component:default/nothing").is_none());
}

#[tokio::test]
async fn prefixes_and_typos_find_documents() {
    let (engine, _dir) = engine().await;
    check(
        &engine,
        &SearchQuery::new("invent", 10),
        expect![[r#"
        total 1
        software-catalog inventory ([inventory])
    "#]],
    );
    check(
        &engine,
        &SearchQuery::new("warehuose", 10),
        expect![[r#"
        total 1
        software-catalog inventory :: Stock levels for every [warehouse].
    "#]],
    );
    check(
        &engine,
        &SearchQuery::new("kubernetes", 10),
        expect![[r#"
        total 0
    "#]],
    );
}

#[tokio::test]
async fn every_word_must_match_unless_no_document_has_them_all() {
    let (engine, _dir) = engine().await;
    check(
        &engine,
        &SearchQuery::new("restart payments", 10),
        expect![[r#"
        total 1
        techdocs Runbook :: [Restarting] the [payments] service: drain the queue first, then [restart].
    "#]],
    );
    // No document has both words: any word will do.
    check(
        &engine,
        &SearchQuery::new("warehouse refunds", 10),
        expect![[r#"
        total 3
        techdocs Refunds ([Refunds]) :: [Refunds] are retried three times before paging the on-call engineer.
        software-catalog inventory :: Stock levels for every [warehouse].
        software-catalog payments-service :: Takes card payments and [refunds].
    "#]],
    );
}

#[tokio::test]
async fn filters_types_and_facet_counts() {
    let (engine, _dir) = engine().await;
    let facets = vec!["kind".to_owned(), "lifecycle".to_owned()];
    let q = SearchQuery::new("", 10)
        .types(vec!["software-catalog".into()])
        .filter("kind", vec!["component".into()])
        .facets(facets.clone());
    // The kind facet counts without the kind filter, so API and Group stay
    // visible as alternatives; lifecycle counts within components.
    check(
        &engine,
        &q,
        expect![[r#"
        total 3
        software-catalog checkout-web
        software-catalog inventory
        software-catalog payments-service
        facet kind: Component=3 API=1 Group=1
        facet lifecycle: production=2 experimental=1
    "#]],
    );
    let q = SearchQuery::new("payments", 10)
        .filter("owner", vec!["GROUP:default/team-payments".into(), "group:default/nobody".into()])
        .filter("tags", vec!["java".into()]);
    check(
        &engine,
        &q,
        expect![[r#"
        total 1
        software-catalog payments-service ([payments]-service) :: Takes card [payments] and refunds.
    "#]],
    );
    let q = SearchQuery::new("payments", 10).types(vec!["techdocs".into()]);
    check(
        &engine,
        &q,
        expect![[r#"
        total 1
        techdocs Runbook :: Restarting the [payments] service: drain the queue first, then restart.
    "#]],
    );
    let q = SearchQuery::new("payments", 10).filter("no-such-field", vec!["x".into()]);
    check(
        &engine,
        &q,
        expect![[r#"
        total 0
    "#]],
    );
}

#[tokio::test]
async fn pages_follow_one_another_without_overlap() {
    let (engine, _dir) = engine().await;
    let all = engine.query(&SearchQuery::new("", 100)).expect("query");
    assert_eq!(all.total, 7);
    let mut paged = Vec::new();
    for offset in (0..7).step_by(3) {
        let page = engine.query(&SearchQuery::new("", 3).offset(offset)).expect("query");
        assert_eq!(page.total, 7);
        paged.extend(page.hits.into_iter().map(|h| h.document["location"].clone()));
    }
    let everything: Vec<Value> =
        all.hits.into_iter().map(|h| h.document["location"].clone()).collect();
    assert_eq!(paged, everything);
    let beyond = engine.query(&SearchQuery::new("", 3).offset(50)).expect("query");
    assert!(beyond.hits.is_empty());
    assert_eq!(engine.query(&SearchQuery::new("", 0)).expect("query").hits.len(), 0);
}

#[tokio::test]
async fn query_syntax_and_huge_terms_are_plain_text() {
    let (engine, _dir) = engine().await;
    for term in [
        "\"payments",
        "payments*",
        "kind:component",
        "(payments AND",
        "-",
        "\u{0}",
        "🦀 payments",
        "NOT OR AND",
    ] {
        let results = engine.query(&SearchQuery::new(term, 10));
        assert!(results.is_ok(), "{term:?}: {results:?}");
    }
    check(
        &engine,
        &SearchQuery::new("(payments AND refunds)", 10),
        expect![[r#"
        total 1
        software-catalog payments-service ([payments]-service) :: Takes card [payments] and [refunds].
    "#]],
    );
    let huge = "payments ".repeat(1200);
    assert!(engine.query(&SearchQuery::new(huge, 10)).is_ok());
    let long_word = "x".repeat(10_000);
    check(
        &engine,
        &SearchQuery::new(long_word, 10),
        expect![[r#"
        total 7
        software-catalog checkout-web
        software-catalog inventory
        software-catalog payment-gateway
        software-catalog payments-service
        techdocs Refunds
        techdocs Runbook
        software-catalog team-payments
    "#]],
    );
}

#[tokio::test]
async fn changes_are_searchable_after_a_flush() {
    let (engine, _dir) = engine().await;
    engine.remove("software-catalog", vec!["component:default/inventory".into()]);
    engine.upsert(
        "software-catalog",
        vec![entity(
            "payments-service",
            "Component",
            "group:default/team-payments",
            "deprecated",
            &[],
            "Retired: use payments-v2.",
        )],
    );
    engine.replace_scope(
        "techdocs",
        "payments-service",
        vec![section("payments-service", "index/", "Overview", "Retired.")],
    );
    engine.flush().await;
    check(
        &engine,
        &SearchQuery::new("inventory", 10),
        expect![[r#"
        total 0
    "#]],
    );
    check(
        &engine,
        &SearchQuery::new("retired", 10).facets(vec!["lifecycle".into()]),
        expect![[r#"
        total 2
        techdocs Overview :: [Retired].
        software-catalog payments-service :: [Retired]: use payments-v2.
        facet lifecycle: deprecated=1
    "#]],
    );
    assert_eq!(engine.status().documents, 5);
}

/// The writer deletes an id only where it can be (already searchable, or
/// added since the last commit): replacing and removing must still work
/// on both sides of a commit.
#[tokio::test]
async fn an_id_upserted_again_replaces_it_before_and_after_a_commit() {
    let (engine, _dir) = engine().await;
    let before = engine.status().documents;
    let ledger =
        |text: &str| entity("ledger", "Component", "group:default/team-a", "production", &[], text);
    let words = || SearchQuery::new("quokka", 10);
    // Twice before a commit: the second replaces the first.
    engine.upsert("software-catalog", vec![ledger("first quokka")]);
    engine.upsert("software-catalog", vec![ledger("second quokka")]);
    engine.flush().await;
    assert_eq!(engine.status().documents, before + 1);
    check(
        &engine,
        &words(),
        expect![[r#"
        total 1
        software-catalog ledger :: second [quokka]
    "#]],
    );
    // Again after the commit, then added and removed before the next one.
    engine.upsert("software-catalog", vec![ledger("third quokka")]);
    let scratch =
        entity("scratch", "Component", "group:default/team-a", "production", &[], "quokka");
    engine.upsert("software-catalog", vec![scratch]);
    engine.remove("software-catalog", vec!["component:default/scratch".into()]);
    engine.flush().await;
    assert_eq!(engine.status().documents, before + 1);
    check(
        &engine,
        &words(),
        expect![[r#"
        total 1
        software-catalog ledger :: third [quokka]
    "#]],
    );
    // Removing an id that was never indexed changes nothing.
    engine.remove("software-catalog", vec!["component:default/never".into()]);
    engine.flush().await;
    assert_eq!(engine.status().documents, before + 1);
}

#[tokio::test]
async fn a_rebuild_removes_what_was_not_collated_again() {
    let (engine, _dir) = engine().await;
    let t = "software-catalog".to_owned();
    engine.send_async(Op::BeginRebuild { doc_type: t.clone(), generation: "g1".into() }).await;
    engine
        .send_async(Op::Upsert {
            doc_type: t.clone(),
            docs: vec![entity(
                "inventory",
                "Component",
                "group:default/team-shop",
                "production",
                &[],
                "Stock.",
            )],
        })
        .await;
    // Searchable while the rebuild runs: the old documents are still there.
    engine.flush().await;
    assert_eq!(engine.status().documents, 7);
    engine.send_async(Op::EndRebuild { doc_type: t, generation: "g1".into() }).await;
    engine.flush().await;
    check(
        &engine,
        &SearchQuery::new("", 10),
        expect![[r#"
        total 3
        software-catalog inventory
        techdocs Refunds
        techdocs Runbook
    "#]],
    );
}

#[tokio::test]
async fn a_damaged_index_is_set_aside_and_started_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("index");
    {
        let engine = Engine::open(&path).expect("open");
        engine.upsert("t", vec![SearchDocument::new("1", "one", "", "/1")]);
        engine.flush().await;
        assert_eq!(engine.status().documents, 1);
    }
    std::fs::write(path.join("meta.json"), b"{ not json").expect("write");
    let engine = Engine::open(&path).expect("reopened");
    assert_eq!(engine.status().documents, 0);
    engine.upsert("t", vec![SearchDocument::new("2", "two", "", "/2")]);
    engine.flush().await;
    assert_eq!(engine.status().documents, 1);
    // A folder of something else entirely.
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).expect("mkdir");
    std::fs::write(other.join("notes.txt"), b"hello").expect("write");
    assert!(Engine::open(&other).is_ok());
}

#[tokio::test]
async fn the_word_itself_ranks_above_its_prefix_and_typo_neighbours() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = Engine::open(&dir.path().join("index")).expect("open");
    let docs = ["cord", "card", "cardinal"]
        .iter()
        .map(|w| SearchDocument::new(*w, *w, "", format!("/{w}")))
        .collect();
    engine.upsert("t", docs);
    engine.flush().await;
    check(
        &engine,
        &SearchQuery::new("card", 10),
        expect![[r#"
        total 3
        t card ([card])
        t cardinal ([cardinal])
        t cord ([cord])
    "#]],
    );
}

#[tokio::test]
async fn a_word_expands_to_a_bounded_set_of_terms_closest_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = Engine::open(&dir.path().join("index")).expect("open");
    // "deploy" begins 120 other words; "deplay" is one typo away.
    let mut docs: Vec<SearchDocument> = (0..120)
        .map(|i| SearchDocument::new(format!("{i}"), format!("deploy{i:03}"), "", "/"))
        .collect();
    docs.push(SearchDocument::new("typo", "deplay", "", "/"));
    engine.upsert("t", docs);
    engine.flush().await;
    let searcher = engine.0.reader.searcher();
    let terms = query::expand(&searcher, engine.0.fields.title, "deploy", true);
    let text = |t: &tantivy::Term| t.value().as_str().unwrap_or_default().to_owned();
    assert_eq!(terms.len(), 1 + query::MAX_EXPANSIONS);
    assert_eq!(text(&terms[0].0), "deploy");
    // Prefix extensions weigh more than typos, so the typo is cut here …
    assert!(terms[1..].iter().all(|(t, w)| text(t).starts_with("deploy") && *w < terms[0].1));
    // … but is kept when nothing is a prefix (the word is not the last one).
    let terms = query::expand(&searcher, engine.0.fields.title, "deploy", false);
    let words: Vec<String> = terms.iter().map(|(t, _)| text(t)).collect();
    assert_eq!(words, ["deploy", "deplay"]);
}

#[tokio::test]
async fn counting_stops_at_the_cap_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = Engine::open(&dir.path().join("index")).expect("open");
    let docs = (0..TOTAL_CAP + 20)
        .map(|i| {
            let text = if i % 2 == 0 { "common even" } else { "common odd" };
            SearchDocument::new(format!("{i}"), format!("doc {i}"), text, "/")
        })
        .collect();
    engine.upsert("t", docs);
    engine.flush().await;
    let everything = engine.query(&SearchQuery::new("common", 5)).expect("query");
    assert_eq!((everything.total, everything.total_at_least), (TOTAL_CAP, true));
    assert_eq!(everything.hits.len(), 5);
    let half = engine.query(&SearchQuery::new("even", 5)).expect("query");
    assert_eq!((half.total, half.total_at_least), (TOTAL_CAP / 2 + 10, false));
}

/// A collator that reads the engine it feeds, as the docs collator reads
/// each site's catalog document.
fn reading_collator(
    ctx: PluginContext,
    sink: DocumentSink,
) -> portico_plugin_api::search::CollateFuture {
    Box::pin(async move {
        let seen = ctx.search.document("t", "1").is_some();
        let title = if seen { "saw the first" } else { "saw nothing" };
        sink.send(SearchDocument::new("2", title, "", "/2")).await.map_err(|e| e.to_string())
    })
}

#[tokio::test]
async fn collators_read_the_engine_yet_the_last_handle_going_commits_and_releases_it() {
    use portico_plugin_api::server::{Config, DataRoot, Db};
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("index");
    {
        let engine = Engine::open(&path).expect("open");
        engine.upsert("t", vec![SearchDocument::new("1", "first", "", "/1")]);
        engine.flush().await;
        let pool = sqlx::SqlitePool::connect_lazy("sqlite::memory:").expect("pool");
        let config = Config::from_sources(Vec::new(), &|_| None).expect("config");
        let ctx = PluginContext::new(
            "t",
            Db::Sqlite(pool),
            Arc::new(config),
            DataRoot(dir.path().into()),
        )
        .with_search(engine.handle());
        engine.set_collators(vec![(Collator::new("u", reading_collator), ctx)]);
        assert!(engine.rebuild_now().await);
        let collated = engine.document("u", "2").expect("collated");
        assert_eq!(collated["title"], "saw the first");
        // Not flushed: only the engine going away commits it.
        engine.upsert("t", vec![SearchDocument::new("3", "third", "", "/3")]);
    }
    // The writer committed and let go of its lock: the index opens again.
    let engine = Engine::open(&path).expect("reopened");
    assert_eq!(engine.status().documents, 3);
}
