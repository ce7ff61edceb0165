//! `cargo xtask bench catalog`: the catalog at scale, on SQLite and PostgreSQL.
//!
//! Generates a synthetic catalog (domains, systems, groups in a hierarchy,
//! users, components, APIs and resources with realistic relations), starts the
//! release server on it, and records: time from start until everything is
//! ingested and stitched; peak RSS; and, on loopback, p50/p99 latency and
//! throughput for by-name, by-query (kind + owner, limit 20), entity-facets on
//! spec.type, and the catalog index page; and ten different facets each asked
//! for once (uncached), alone and among components.

use crate::util::{release_binary, root};
use anyhow::{Context, bail};
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A tiny deterministic generator (the same catalog every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// How many of each kind a catalog of `n` entities holds.
struct Shape {
    domains: usize,
    systems: usize,
    groups: usize,
    users: usize,
    resources: usize,
    apis: usize,
    components: usize,
}

impl Shape {
    fn of(n: usize) -> Self {
        let domains = (n / 2000).max(1);
        let systems = (n / 200).max(1);
        let groups = (n / 100).max(2);
        let users = n / 10;
        let resources = n * 15 / 100;
        let apis = n * 20 / 100;
        let components = n - domains - systems - groups - users - resources - apis;
        Self { domains, systems, groups, users, resources, apis, components }
    }
}

/// Writes the catalog under `dir`: `root.yaml` (a Location with a glob) and files of 100 entities.
pub(crate) fn generate(dir: &Path, n: usize) -> anyhow::Result<usize> {
    let shape = Shape::of(n);
    let files = dir.join("entities");
    std::fs::create_dir_all(&files)?;
    std::fs::write(
        dir.join("root.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: synthetic\nspec:\n  targets: [./entities/*.yaml]\n",
    )?;
    let mut rng = Lcg(42);
    let mut docs: Vec<String> = Vec::with_capacity(n);
    let lifecycles = ["production", "experimental", "deprecated"];
    let tags = [
        "java",
        "rust",
        "go",
        "python",
        "typescript",
        "kafka",
        "postgres",
        "grpc",
        "payments",
        "search",
    ];
    for i in 0..shape.domains {
        docs.push(format!("kind: Domain\nmetadata:\n  name: domain-{i}\n  description: Business domain {i}\nspec:\n  owner: team-{}\n", rng.next(shape.groups)));
    }
    for i in 0..shape.systems {
        docs.push(format!("kind: System\nmetadata:\n  name: system-{i}\n  description: System {i}\nspec:\n  owner: team-{}\n  domain: domain-{}\n", rng.next(shape.groups), rng.next(shape.domains)));
    }
    for i in 0..shape.groups {
        let parent =
            if i == 0 { String::new() } else { format!("  parent: team-{}\n", rng.next(i)) };
        docs.push(format!("kind: Group\nmetadata:\n  name: team-{i}\n  title: Team {i}\nspec:\n  type: team\n  children: []\n{parent}"));
    }
    for i in 0..shape.users {
        docs.push(format!("kind: User\nmetadata:\n  name: user-{i}\nspec:\n  profile:\n    displayName: User {i}\n    email: user-{i}@example.com\n  memberOf: [team-{}]\n", rng.next(shape.groups)));
    }
    for i in 0..shape.resources {
        docs.push(format!("kind: Resource\nmetadata:\n  name: resource-{i}\n  description: Database {i}\nspec:\n  type: database\n  owner: team-{}\n  system: system-{}\n", rng.next(shape.groups), rng.next(shape.systems)));
    }
    for i in 0..shape.apis {
        let ty = ["openapi", "grpc", "asyncapi", "graphql"][rng.next(4)];
        docs.push(format!("kind: API\nmetadata:\n  name: api-{i}\n  description: API {i}\nspec:\n  type: {ty}\n  lifecycle: {}\n  owner: team-{}\n  system: system-{}\n  definition: \"openapi: 3.0.0\"\n", lifecycles[rng.next(3)], rng.next(shape.groups), rng.next(shape.systems)));
    }
    for i in 0..shape.components {
        let ty = ["service", "website", "library"][rng.next(3)];
        docs.push(format!(
            "kind: Component\nmetadata:\n  name: component-{i}\n  description: Component {i} does useful things\n  tags: [{}, {}]\n  annotations:\n    github.com/project-slug: example/component-{i}\nspec:\n  type: {ty}\n  lifecycle: {}\n  owner: team-{}\n  system: system-{}\n  providesApis: [api-{}]\n  consumesApis: [api-{}, api-{}]\n  dependsOn: [resource:resource-{}]\n",
            tags[rng.next(5)], tags[5 + rng.next(5)], lifecycles[rng.next(3)], rng.next(shape.groups), rng.next(shape.systems),
            rng.next(shape.apis), rng.next(shape.apis), rng.next(shape.apis), rng.next(shape.resources)
        ));
    }
    for (f, chunk) in docs.chunks(100).enumerate() {
        let mut text = String::new();
        for d in chunk {
            let _ = write!(text, "---\napiVersion: backstage.io/v1alpha1\n{d}");
        }
        std::fs::write(files.join(format!("part-{f:05}.yaml")), text)?;
    }
    Ok(docs.len())
}

pub(crate) struct Server {
    pub(crate) child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts the release binary on `config` in `data`, its log in `data/server.log`.
    pub(crate) fn start(config: &Path, data: &Path) -> anyhow::Result<Self> {
        let child = Command::new(release_binary())
            .args(["serve", "--config"])
            .arg(config)
            .current_dir(data)
            .env("RUST_LOG", "warn")
            .stderr(std::fs::File::create(data.join("server.log"))?)
            .spawn()
            .context("start the release binary")?;
        Ok(Self { child })
    }

    pub(crate) fn status_kb(&self, key: &str) -> f64 {
        crate::util::status_kb(self.child.id(), key)
    }
}

pub(crate) fn get(port: u16, path: &str) -> anyhow::Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_nodelay(true)?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let status =
        std::str::from_utf8(buf.get(9..12).unwrap_or_default()).unwrap_or("0").parse().unwrap_or(0);
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").map_or(buf.len(), |p| p + 4);
    Ok((status, buf[split..].to_vec()))
}

/// Each path's latency in ms, one request at a time, sorted; first a warm-up
/// that checks the first 20 answer 200.
pub(crate) fn latencies(port: u16, paths: &[String]) -> anyhow::Result<Vec<f64>> {
    for p in paths.iter().take(20) {
        let (status, body) = get(port, p)?;
        if status != 200 {
            bail!("{p}: HTTP {status}: {}", String::from_utf8_lossy(&body));
        }
    }
    let mut times = Vec::with_capacity(paths.len());
    for p in paths {
        times.push(timed_get(port, p)?.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

/// A GET and how long it took, in milliseconds.
fn timed_get(port: u16, path: &str) -> anyhow::Result<(f64, (u16, Vec<u8>))> {
    let start = Instant::now();
    let reply = get(port, path)?;
    Ok((start.elapsed().as_secs_f64() * 1000.0, reply))
}

/// The `q` quantile (0..=1) of sorted times.
pub(crate) fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

/// One measured query: p50, p99 and requests/s with two client threads.
fn measure(
    port: u16,
    name: &str,
    paths: &[String],
    rows: &mut Vec<(String, String)>,
) -> anyhow::Result<()> {
    // The very first request (nothing cached yet), then the timed ones.
    let (first, _) = timed_get(port, &paths[0])?;
    let times = latencies(port, paths)?;
    let pct = |q: f64| percentile(&times, q);
    // Throughput: two threads, five seconds, cycling through the paths.
    let deadline = Instant::now() + Duration::from_secs(5);
    let seconds = 5.0;
    let done: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|t| {
                s.spawn(move || {
                    let mut n = 0usize;
                    while Instant::now() < deadline {
                        if get(port, &paths[(n * 2 + t) % paths.len()]).is_ok() {
                            n += 1;
                        }
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    rows.push((
        name.to_owned(),
        format!(
            "p50 {:.2} ms, p99 {:.2} ms, {:.0} req/s (first request {first:.1} ms)",
            pct(0.5),
            pct(0.99),
            done as f64 / seconds
        ),
    ));
    Ok(())
}

/// Requests answered from nothing cached: each path once, in order (each
/// must be the first of its kind, such as a facet not asked for before).
fn first_requests(
    port: u16,
    name: &str,
    paths: &[String],
    rows: &mut Vec<(String, String)>,
) -> anyhow::Result<()> {
    let mut times = Vec::with_capacity(paths.len());
    for p in paths {
        let (ms, (status, body)) = timed_get(port, p)?;
        times.push(ms);
        if status != 200 {
            bail!("{p}: HTTP {status}: {}", String::from_utf8_lossy(&body));
        }
    }
    times.sort_by(f64::total_cmp);
    let slowest = times.last().copied().unwrap_or_default();
    rows.push((
        name.to_owned(),
        format!(
            "p50 {:.2} ms, slowest {slowest:.2} ms ({} requests)",
            percentile(&times, 0.5),
            times.len()
        ),
    ));
    Ok(())
}

/// Facets a catalog index asks for, each measured uncached (see [`first_requests`]).
const FACETS: &[&str] = &[
    "spec.type",
    "kind",
    "spec.lifecycle",
    "metadata.namespace",
    "metadata.tags",
    "relations.ownedBy",
    "spec.owner",
    "spec.system",
    "relations.partOf",
    "apiVersion",
];

/// Runs the benchmark for `n` entities on SQLite and (with a PostgreSQL from Debian) PostgreSQL.
pub(crate) fn run(n: usize) -> anyhow::Result<()> {
    crate::build::release()?;
    let dir = std::env::temp_dir().join(format!("portico-bench-catalog-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let generated = generate(&dir, n)?;
    println!("generated {generated} entities in {}", dir.display());
    let mut rows: Vec<(String, String)> = Vec::new();
    bench_one(&dir, generated, "SQLite", "", &mut rows)?;
    match crate::postgres::TestPostgres::start() {
        Ok(pg) => {
            let db = format!("  database:\n    client: pg\n    connection: {}\n", pg.url);
            bench_one(&dir, generated, "PostgreSQL", &db, &mut rows)?;
        }
        Err(e) => rows.push(("PostgreSQL".into(), format!("not measured: {e:#}"))),
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("\n| {generated} entities | value |\n|---|---|");
    for (k, v) in rows {
        println!("| {k} | {v} |");
    }
    Ok(())
}

fn bench_one(
    dir: &Path,
    generated: usize,
    label: &str,
    db_yaml: &str,
    rows: &mut Vec<(String, String)>,
) -> anyhow::Result<()> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let data = dir.join(format!("data-{}", label.to_lowercase()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    let config = data.join("app-config.yaml");
    std::fs::write(
        &config,
        format!(
            "backend:\n  listen:\n    host: 127.0.0.1\n    port: {port}\n  dataDir: {}\n{db_yaml}catalog:\n  processingInterval: false\n  rules:\n    - allow: [Component, API, Resource, System, Domain, Group, User, Location]\n  locations:\n    - type: file\n      target: {}\n",
            data.display(),
            dir.join("root.yaml").display()
        ),
    )?;
    let start = Instant::now();
    let mut server = Server::start(&config, &data)?;
    // Every generated entity, the root Location file and the generated Location.
    let expected = generated + 2;
    let deadline = start + Duration::from_secs(900);
    let mut rss_peak: f64 = 0.0;
    loop {
        rss_peak = rss_peak.max(server.status_kb("VmRSS:"));
        if let Ok((200, body)) = get(port, "/api/catalog/entities/by-query?limit=0") {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            if v["totalItems"].as_u64() == Some(expected as u64) {
                break;
            }
        }
        if Instant::now() > deadline {
            bail!("{label}: not ingested after 15 minutes");
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            let log = std::fs::read_to_string(data.join("server.log")).unwrap_or_default();
            bail!("{label}: the server exited ({status}): {log}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let ingest = start.elapsed().as_secs_f64();
    rows.push((format!("{label}: start to fully ingested and stitched"), format!("{ingest:.1} s")));
    let shape = Shape::of(generated);
    let mut rng = Lcg(7);
    let names: Vec<String> = (0..500)
        .map(|_| {
            format!(
                "/api/catalog/entities/by-name/component/default/component-{}",
                rng.next(shape.components)
            )
        })
        .collect();
    measure(port, &format!("{label}: GET by-name"), &names, rows)?;
    let queries: Vec<String> = (0..500)
        .map(|_| format!("/api/catalog/entities/by-query?filter=kind=component,relations.ownedBy=group:default/team-{}&limit=20", rng.next(shape.groups)))
        .collect();
    measure(port, &format!("{label}: GET by-query kind+owner, limit 20"), &queries, rows)?;
    // Uncached first: every facet once, then every facet once among components.
    let uncached: Vec<String> =
        FACETS.iter().map(|f| format!("/api/catalog/entity-facets?facet={f}")).collect();
    first_requests(port, &format!("{label}: GET entity-facets, uncached"), &uncached, rows)?;
    let uncached: Vec<String> = FACETS
        .iter()
        .map(|f| format!("/api/catalog/entity-facets?facet={f}&filter=kind=component"))
        .collect();
    let name = format!("{label}: GET entity-facets with filter kind=component, uncached");
    first_requests(port, &name, &uncached, rows)?;
    let facets: Vec<String> = vec!["/api/catalog/entity-facets?facet=spec.type".to_owned(); 60];
    measure(port, &format!("{label}: GET entity-facets spec.type"), &facets, rows)?;
    let pages: Vec<String> = (0..40)
        .map(|_| {
            format!(
                "/catalog?filters%5Bkind%5D=component&filters%5Bowners%5D=group:default/team-{}",
                rng.next(shape.groups)
            )
        })
        .collect();
    measure(port, &format!("{label}: catalog index page (SSR, owner filter)"), &pages, rows)?;
    let hwm = server.status_kb("VmHWM:") / 1024.0;
    rows.push((format!("{label}: peak RSS"), format!("{:.0} MB", hwm.max(rss_peak / 1024.0))));
    Ok(())
}

/// Where generated catalogs go when asked to keep one (`--out`).
pub(crate) fn generate_to(out: &str, n: usize) -> anyhow::Result<()> {
    let dir = PathBuf::from(out);
    let dir = if dir.is_absolute() { dir } else { root().join(dir) };
    let count = generate(&dir, n)?;
    println!("wrote {count} entities under {}", dir.display());
    Ok(())
}
