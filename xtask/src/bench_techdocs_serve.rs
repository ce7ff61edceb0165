//! The live preview's figure for `cargo xtask bench techdocs`: from saving one
//! page of Backstage's docs (364 pages) in `portico techdocs serve` to (a) the
//! site's event stream saying so (what makes the open reader reload) and (b)
//! the preview serving the page with the new text; and the rebuild itself as
//! the preview logs it ("rebuilt 1 of 364 page(s) in N ms").
//!
//! The corpus is copied (not linked: the page is written to), and each save
//! appends a numbered line to one page, with a pause between saves so each is
//! its own burst (a second apart: an author saves, then reads).

use crate::bench_catalog::{get, percentile};
use crate::bench_techdocs::{CopyMode, copy_tree};
use crate::util::{release_binary, status_kb};
use anyhow::{Context, bail};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The page saved: a long one, with code blocks, tables and links.
const PAGE: &str = "docs/overview/architecture-overview.md";
const PAGE_URL: &str = "/docs/default/component/local/overview/architecture-overview/";
const SITE: &str = "default/component/local";

/// What the saves measured, in milliseconds, each list sorted.
pub(crate) struct Figures {
    pub(crate) pages: usize,
    pub(crate) to_event: Vec<f64>,
    pub(crate) to_page: Vec<f64>,
    pub(crate) rebuild: Vec<f64>,
    pub(crate) peak_rss_mb: f64,
}

struct Preview(Child);

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn measure(corpus: &Path, work: &Path, saves: usize) -> anyhow::Result<Figures> {
    let repo = work.join("serve-repo");
    let _ = std::fs::remove_dir_all(&repo);
    copy_tree(corpus, &repo, CopyMode::Write)?;
    let page_file = repo.join(PAGE);
    let original = std::fs::read_to_string(&page_file)?;

    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut child = Command::new(release_binary())
        .args(["techdocs", "serve", "--port", &port.to_string()])
        .arg(&repo)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("start `portico techdocs serve`")?;
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let stdout = child.stdout.take().context("the preview's output")?;
    let lines = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            lines.lock().unwrap_or_else(|e| e.into_inner()).push(line);
        }
    });
    let preview = Preview(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !matches!(get(port, PAGE_URL), Ok((200, _))) {
        if Instant::now() > deadline {
            bail!("the preview did not start: {:?}", log.lock().unwrap_or_else(|e| e.into_inner()));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let pages = get(port, &format!("/api/techdocs/metadata/techdocs/{SITE}"))
        .map(|(_, body)| String::from_utf8_lossy(&body).matches("index.html").count())?;

    let (mut to_event, mut to_page) = (Vec::new(), Vec::new());
    for save in 0..saves {
        let mut events = events(port, &etag(port)?)?;
        let marker = format!("Benchmark save number {save}.");
        let saved = Instant::now();
        std::fs::write(&page_file, format!("{original}\n\n{marker}\n"))?;
        wait_for(&mut events, b"event: changed")?;
        to_event.push(saved.elapsed().as_secs_f64() * 1000.0);
        while !get(port, PAGE_URL).is_ok_and(|(_, body)| contains(&body, marker.as_bytes())) {
            if saved.elapsed() > Duration::from_secs(30) {
                bail!("save {save} never showed");
            }
        }
        to_page.push(saved.elapsed().as_secs_f64() * 1000.0);
        // An author saves, then reads: a second apart, so each save is its own
        // burst and the search index has taken in the last one.
        std::thread::sleep(Duration::from_secs(1));
    }
    let peak_rss_mb = status_kb(preview.0.id(), "VmHWM:") / 1024.0;
    drop(preview);
    let rebuild: Vec<f64> = log
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter_map(|l| l.strip_prefix("rebuilt 1 of "))
        .filter_map(|l| l.rsplit_once(" in ")?.1.strip_suffix(" ms")?.parse().ok())
        .collect();
    if rebuild.len() != saves {
        bail!("expected {saves} one-page rebuilds in the preview's log, found {}", rebuild.len());
    }
    let _ = std::fs::remove_dir_all(&repo);
    let sorted = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v
    };
    Ok(Figures {
        pages,
        to_event: sorted(to_event),
        to_page: sorted(to_page),
        rebuild: sorted(rebuild),
        peak_rss_mb,
    })
}

impl Figures {
    pub(crate) fn print(&self) {
        println!(
            "\n`portico techdocs serve` on the 1x site ({} pages), one page saved {} times:",
            self.pages,
            self.rebuild.len()
        );
        println!("| from saving the page to | p50 | p90 | max |");
        println!("|---|---|---|---|");
        for (what, values) in [
            ("the rebuild done (the preview's log)", &self.rebuild),
            ("the event stream saying so (the reader reloads)", &self.to_event),
            ("the page served with the new text", &self.to_page),
        ] {
            println!(
                "| {what} | {:.0} ms | {:.0} ms | {:.0} ms |",
                percentile(values, 0.5),
                percentile(values, 0.9),
                values.last().copied().unwrap_or(0.0)
            );
        }
        println!("peak RSS of the preview (portal included): {:.0} MB", self.peak_rss_mb);
    }
}

fn etag(port: u16) -> anyhow::Result<String> {
    let (_, body) = get(port, &format!("/api/techdocs/metadata/techdocs/{SITE}"))?;
    let metadata: serde_json::Value = serde_json::from_slice(&body)?;
    metadata["etag"].as_str().map(str::to_string).context("the metadata has an etag")
}

/// The reader's event stream, opened from `etag`, its headers read.
fn events(port: u16, etag: &str) -> anyhow::Result<TcpStream> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    write!(
        stream,
        "GET /api/techdocs/events/{SITE}?etag={etag} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
    )?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    wait_for(&mut stream, b"\r\n\r\n")?;
    Ok(stream)
}

fn wait_for(stream: &mut TcpStream, needle: &[u8]) -> anyhow::Result<()> {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    while !contains(&seen, needle) {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            bail!("the stream ended before {:?}", String::from_utf8_lossy(needle));
        }
        seen.extend_from_slice(&buffer[..n]);
    }
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
