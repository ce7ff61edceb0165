//! The `portico` binary killed (SIGKILL) in the middle of catalog ingestion
//! loses nothing and leaves no half-written entity: every root location is
//! written, stitched relations included, in one transaction. After each kill
//! the SQLite file holds all of a root's entities or none of them (first
//! ingestion), or all of the old version or all of the new (re-ingestion).

use sqlx::Row;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const FILES: usize = 30;
const PER_FILE: usize = 100;
/// The components, their owner group, and the generated root Location.
const ENTITIES: i64 = (FILES * PER_FILE) as i64 + 2;
/// When to kill: from start-up through reading and writing (a debug build
/// ingests these 3,000 entities in about a second, a re-ingestion in two).
const KILL_AFTER_MS: [u64; 10] = [200, 400, 600, 800, 1000, 1200, 1400, 1700, 2000, 2500];

fn write_catalog(dir: &Path, description: &str) {
    let group = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: crash-team}\nspec: {type: team, children: []}\n";
    std::fs::write(dir.join("group.yaml"), group).expect("write");
    for f in 0..FILES {
        let docs: Vec<String> = (0..PER_FILE)
            .map(|i| {
                format!(
                    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: svc-{f}-{i}, description: {description}}}\nspec: {{type: service, lifecycle: production, owner: crash-team}}\n"
                )
            })
            .collect();
        std::fs::write(dir.join(format!("part-{f:03}.yaml")), docs.join("---\n")).expect("write");
    }
}

fn start(config: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(["serve", "--config"])
        .arg(config)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("portico starts")
}

/// Starts the server on `config`, SIGKILLs it after `after`.
async fn run_and_kill(config: &Path, after: Duration) {
    let mut child = start(config);
    tokio::time::sleep(after).await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
}

/// Starts the server and waits until every entity is in, then stops it.
async fn run_to_completion(config: &Path, db: &Path, description: &str) {
    let mut child = start(config);
    let deadline = Instant::now() + Duration::from_secs(120);
    while state(db).await.is_none_or(|s| s.descriptions != [description.to_owned()]) {
        assert!(Instant::now() < deadline, "ingestion did not finish");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    child.kill().expect("stop");
    child.wait().expect("reaped");
}

/// What the database holds, checked for internal consistency.
#[derive(Debug)]
struct State {
    entities: i64,
    /// Distinct component descriptions.
    descriptions: Vec<String>,
}

async fn state(db: &Path) -> Option<State> {
    if !db.exists() {
        return None;
    }
    let url = format!("sqlite://{}?mode=ro", db.display());
    let pool = sqlx::SqlitePool::connect(&url).await.ok()?;
    // Before the first migration ran there is no table yet.
    let entities: i64 =
        sqlx::query("SELECT COUNT(*) FROM catalog_entities").fetch_one(&pool).await.ok()?.get(0);
    let rows = sqlx::query("SELECT final FROM catalog_entities").fetch_all(&pool).await.ok()?;
    let mut descriptions = std::collections::BTreeSet::new();
    let mut owned = 0;
    for row in rows {
        let entity: serde_json::Value =
            serde_json::from_str(&row.get::<String, _>(0)).expect("every stored entity is JSON");
        let relations = entity["relations"].as_array().cloned().unwrap_or_default();
        match entity["kind"].as_str() {
            Some("Component") => {
                descriptions.insert(entity["metadata"]["description"].as_str()?.to_owned());
                assert!(
                    relations.iter().any(|r| r["type"] == "ownedBy"),
                    "a component without its stitched owner: {entity}"
                );
                owned += 1;
            }
            Some("Group") => {
                let owns = relations.iter().filter(|r| r["type"] == "ownerOf").count();
                assert_eq!(owns, FILES * PER_FILE, "the group's stitched ownership is whole");
            }
            _ => {}
        }
    }
    let searchable: i64 =
        sqlx::query("SELECT COUNT(DISTINCT entity_ref) FROM catalog_search WHERE key = 'kind'")
            .fetch_one(&pool)
            .await
            .ok()?
            .get(0);
    assert_eq!(searchable, entities, "every entity has its filter rows, and no other does");
    assert!(owned == 0 || owned == FILES * PER_FILE, "a root is written whole: {owned} components");
    pool.close().await;
    Some(State { entities, descriptions: descriptions.into_iter().collect() })
}

#[tokio::test]
async fn a_killed_ingestion_leaves_no_half_written_entity() {
    let dir = tempfile::tempdir().expect("dir");
    let catalog = dir.path().join("catalog");
    std::fs::create_dir_all(&catalog).expect("mkdir");
    write_catalog(&catalog, "first");
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("a").port();
    let config = dir.path().join("app-config.yaml");
    std::fs::write(
        &config,
        format!(
            "backend:\n  listen: {{host: 127.0.0.1, port: {port}}}\n  dataDir: {data}\ncatalog:\n  processingInterval: false\n  rules: [{{allow: [Component, Group, Location]}}]\n  locations:\n    - type: file\n      target: {glob}\n",
            data = dir.path().join("data").display(),
            glob = catalog.join("*.yaml").display(),
        ),
    )
    .expect("config");
    let db = dir.path().join("data/portico.db");

    // First ingestion, killed at several points: none or all of the root.
    for ms in KILL_AFTER_MS {
        run_and_kill(&config, Duration::from_millis(ms)).await;
        if let Some(s) = state(&db).await {
            assert!(s.entities == 0 || s.entities == ENTITIES, "after {ms} ms: {s:?}");
        }
    }
    run_to_completion(&config, &db, "first").await;

    // Re-ingestion of changed files, killed at several points: the old
    // version whole or the new one whole, never a mix, never fewer entities.
    write_catalog(&catalog, "second");
    for ms in KILL_AFTER_MS {
        run_and_kill(&config, Duration::from_millis(ms)).await;
        let s = state(&db).await.expect("the database survives");
        assert_eq!(s.entities, ENTITIES, "after {ms} ms: {s:?}");
        assert_eq!(s.descriptions.len(), 1, "after {ms} ms, one version only: {s:?}");
    }
    run_to_completion(&config, &db, "second").await;
}
