//! `cargo xtask bench search`: the search index at scale.
//!
//! Generates the synthetic catalog (100,000 entities by default), builds the
//! TechDocs corpus once with the release binary and publishes it `--copies`
//! times (28 copies of 364 pages: about 10,000 pages), starts the release
//! server on both, and records: the full index rebuild (`POST
//! /api/search/reindex` until `/api/search/status` says done), the index's
//! size on disk, the time from a changed entity's refresh to it being
//! searchable, the time from a site published to it being searchable, and
//! p50/p99 of one-word, two-word, misspelled and filtered queries through
//! `/api/search/query` on loopback.

use crate::bench_catalog::{Server, generate, get, latencies, percentile};
use crate::util::{release_binary, root};
use anyhow::{Context, bail};
use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Options: `--entities N`, `--copies N`.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let value = |flag: &str, default: usize| -> anyhow::Result<usize> {
        match args.iter().position(|a| a == flag) {
            Some(i) => {
                args.get(i + 1).context("a number after the flag")?.parse().context(flag.to_owned())
            }
            None => Ok(default),
        }
    };
    let entities = value("--entities", 100_000)?;
    let copies = value("--copies", 28)?;
    crate::build::release()?;
    let dir = std::env::temp_dir().join(format!("portico-bench-search-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let result = bench(&dir, entities, copies);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn bench(dir: &Path, entities: usize, copies: usize) -> anyhow::Result<()> {
    let generated = generate(dir, entities)?;
    std::fs::write(dir.join("extra.yaml"), extra_entity("nothing special yet"))?;
    let corpus = root().join("../shared/corpora/backstage");
    let site = dir.join("site");
    let built = Command::new(release_binary())
        .args(["techdocs", "build"])
        .arg(&corpus)
        .arg("--output")
        .arg(&site)
        .env("RUST_LOG", "error")
        .status()?;
    if !built.success() {
        bail!("building the docs corpus failed");
    }
    let publish = dir.join("publish");
    for i in 0..copies {
        link_tree(&site, &publish.join(format!("default/component/docs-{i:03}")))?;
    }
    let pages = count_pages(&site)? * copies;
    println!("generated {generated} entities and {copies} docs sites ({pages} pages)");

    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let data = dir.join("data");
    std::fs::create_dir_all(&data)?;
    let config = data.join("app-config.yaml");
    std::fs::write(
        &config,
        format!(
            "backend:\n  listen:\n    host: 127.0.0.1\n    port: {port}\n  dataDir: {}\ncatalog:\n  processingInterval: false\n  rules:\n    - allow: [Component, API, Resource, System, Domain, Group, User, Location]\n  locations:\n    - type: file\n      target: {}\n    - type: file\n      target: {}\ntechdocs:\n  builder: external\n  publisher:\n    local:\n      publishDirectory: {}\n",
            data.display(),
            dir.join("root.yaml").display(),
            dir.join("extra.yaml").display(),
            publish.display()
        ),
    )?;
    let server = Server::start(&config, &data)?;
    let mut rows: Vec<(String, String)> = Vec::new();

    // Ingested: every generated entity, the two Location roots and the generated Location.
    let deadline = Instant::now() + Duration::from_secs(1200);
    wait(deadline, || {
        let (code, body) = get(port, "/api/catalog/entities/by-query?limit=0")?;
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        Ok(code == 200 && v["totalItems"].as_u64() >= Some(generated as u64 + 3))
    })?;
    // The start-up rebuild and the ingestion's own updates have settled.
    let settled = wait_settled(port, deadline)?;

    // Full rebuild.
    let started = Instant::now();
    post(port, "/api/search/reindex")?;
    std::thread::sleep(Duration::from_millis(50));
    wait(deadline, || Ok(status(port)?.1 == Some(false)))?;
    let rebuild = started.elapsed().as_secs_f64();
    let documents = status(port)?.0;
    rows.push(("documents indexed".into(), format!("{documents} ({generated} entities + docs pages and sections; {settled} before the rebuild)")));
    rows.push((
        "full rebuild (POST /api/search/reindex until done)".into(),
        format!("{rebuild:.1} s"),
    ));
    // The rebuild deleted the previous generation: tantivy merges the
    // segments in the background. Measured at rest, as a portal runs between
    // rebuilds: the folder has not changed for five seconds.
    let merged = steady_size(&data.join("search"), deadline)?;
    rows.push((
        "background merges after the rebuild (until the folder is steady)".into(),
        format!("{:.0} s", merged.as_secs_f64()),
    ));
    rows.push((
        "index size on disk".into(),
        format!("{:.0} MB", dir_size(&data.join("search"))? as f64 / 1e6),
    ));

    // One entity changed: refresh its location, poll until the new word is found.
    let mut visible = Vec::new();
    for i in 0..5 {
        let word = format!("zebrafinch{i}");
        std::fs::write(dir.join("extra.yaml"), extra_entity(&word))?;
        let started = Instant::now();
        post_json(
            port,
            "/api/catalog/refresh",
            r#"{"entityRef":"component:default/search-bench-extra"}"#,
        )?;
        wait(deadline, || Ok(total(port, &format!("term={word}"))? == 1))?;
        visible.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    visible.sort_by(f64::total_cmp);
    rows.push((
        "entity changed → searchable (refresh, then poll), median of 5".into(),
        format!("{:.0} ms (min {:.0}, max {:.0})", visible[2], visible[0], visible[4]),
    ));

    // A docs site published while running: found by the storage watch.
    let started = Instant::now();
    link_tree(&site, &publish.join("default/component/docs-new"))?;
    wait(deadline, || {
        let (_, body) =
            get(port, "/api/search/query?term=techdocs&types%5B0%5D=techdocs&pageLimit=100")?;
        Ok(String::from_utf8_lossy(&body).contains("/docs/default/component/docs-new/"))
    })?;
    rows.push((
        "docs site published → searchable (storage watch, 0.5 s period)".into(),
        format!("{:.0} ms", started.elapsed().as_secs_f64() * 1000.0),
    ));

    // Queries.
    let one = [
        "catalog",
        "plugin",
        "kubernetes",
        "template",
        "useful",
        "backend",
        "component",
        "entity",
        "permission",
        "scaffolder",
    ];
    let two = [
        "software catalog",
        "plugin backend",
        "search engine",
        "create template",
        "component 4711",
        "kubernetes cluster",
        "techdocs addon",
        "entity provider",
    ];
    let typo = [
        "kuberentes",
        "catalgo",
        "pluign",
        "techdcos",
        "templte",
        "permision",
        "scafolder",
        "entitiy",
    ];
    let filtered = [
        "useful&filters%5Bkind%5D=component&filters%5Blifecycle%5D=production",
        "plugin&types%5B0%5D=techdocs",
        "component&filters%5Bowner%5D=group:default/team-7",
        "api&filters%5Bkind%5D=api",
    ];
    for (name, terms) in [
        ("one word", &one[..]),
        ("two words", &two[..]),
        ("misspelled", &typo[..]),
        ("filtered", &filtered[..]),
    ] {
        let paths: Vec<String> = (0..400)
            .map(|i| {
                format!("/api/search/query?term={}", terms[i % terms.len()].replace(' ', "%20"))
            })
            .collect();
        rows.push((format!("query, {name}"), latency(port, &paths)?));
    }
    let hwm = server.status_kb("VmHWM:") / 1024.0;
    rows.push(("server peak RSS (ingestion + index)".into(), format!("{hwm:.0} MB")));
    drop(server);

    println!("\n| search: {generated} entities + {pages} docs pages | value |\n|---|---|");
    for (k, v) in rows {
        println!("| {k} | {v} |");
    }
    Ok(())
}

fn extra_entity(word: &str) -> String {
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: search-bench-extra\n  description: This one mentions {word}.\nspec:\n  type: service\n  lifecycle: production\n  owner: team-1\n"
    )
}

/// p50 and p99 of the paths, one at a time, after the warm-up.
fn latency(port: u16, paths: &[String]) -> anyhow::Result<String> {
    let times = latencies(port, paths)?;
    let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    Ok(format!("p50 {p50:.2} ms, p99 {p99:.2} ms ({} requests)", times.len()))
}

fn status(port: u16) -> anyhow::Result<(u64, Option<bool>)> {
    let (_, body) = get(port, "/api/search/status")?;
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    Ok((v["documents"].as_u64().unwrap_or(0), v["rebuilding"].as_bool()))
}

fn total(port: u16, query: &str) -> anyhow::Result<u64> {
    let (_, body) = get(port, &format!("/api/search/query?{query}"))?;
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    Ok(v["numberOfResults"].as_u64().unwrap_or(0))
}

/// Waits until no rebuild runs and the document count holds for two seconds.
fn wait_settled(port: u16, deadline: Instant) -> anyhow::Result<u64> {
    let mut last = (u64::MAX, Instant::now());
    loop {
        let (docs, rebuilding) = status(port)?;
        if rebuilding == Some(false) && docs == last.0 && last.1.elapsed() > Duration::from_secs(2)
        {
            return Ok(docs);
        }
        if docs != last.0 {
            last = (docs, Instant::now());
        }
        if Instant::now() > deadline {
            bail!("the index did not settle");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn wait(deadline: Instant, mut ready: impl FnMut() -> anyhow::Result<bool>) -> anyhow::Result<()> {
    loop {
        if ready().unwrap_or(false) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("gave up waiting");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn post(port: u16, path: &str) -> anyhow::Result<()> {
    post_json(port, path, "")
}

fn post_json(port: u16, path: &str, body: &str) -> anyhow::Result<()> {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let code = std::str::from_utf8(buf.get(9..12).unwrap_or_default()).unwrap_or("0");
    if !code.starts_with('2') {
        bail!("POST {path}: HTTP {code}: {}", String::from_utf8_lossy(&buf));
    }
    Ok(())
}

/// Copies a tree as hard links (the copies cost no disk).
fn link_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry?;
        let target = to.join(entry.path().strip_prefix(from)?);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else if std::fs::hard_link(entry.path(), &target).is_err() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn count_pages(site: &Path) -> anyhow::Result<usize> {
    Ok(walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .count())
}

/// Waits until `dir`'s size has held for five seconds; returns how long
/// that took, less the five seconds.
fn steady_size(dir: &Path, deadline: Instant) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut last = (dir_size(dir)?, Instant::now());
    while last.1.elapsed() < Duration::from_secs(5) {
        if Instant::now() > deadline {
            bail!("the index folder did not settle");
        }
        std::thread::sleep(Duration::from_millis(250));
        let size = dir_size(dir)?;
        if size != last.0 {
            last = (size, Instant::now());
        }
    }
    Ok(last.1.duration_since(started))
}

fn dir_size(dir: &Path) -> anyhow::Result<u64> {
    Ok(walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum())
}
