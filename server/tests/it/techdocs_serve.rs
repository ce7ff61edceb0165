//! `portico techdocs serve` as a writer uses it: the binary started on a
//! folder, pages read over HTTP, files saved, the event stream that makes an
//! open reader reload, a broken mkdocs.yml mid-session, and Ctrl-C.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::running::Running;
use crate::support::{free_port, write_files};

/// Generous: a deadline for a broken preview to fail by, not a speed check.
const PATIENCE: Duration = Duration::from_secs(30);

struct Preview {
    process: Running,
    port: u16,
}

impl Preview {
    fn start(repo: &Path) -> Self {
        let port = free_port();
        let process = Running::start(
            Command::new(env!("CARGO_BIN_EXE_portico"))
                .args(["techdocs", "serve", "--port", &port.to_string()])
                .arg(repo)
                .env("RUST_LOG", "warn"),
        );
        let preview = Preview { process, port };
        preview.wait_until("the preview answers", |p| p.get("/healthz").contains("ok"));
        preview
    }

    /// The whole reply, or what came of it within [`PATIENCE`].
    fn get(&self, path: &str) -> String {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return String::new();
        };
        let _ = stream.set_read_timeout(Some(PATIENCE));
        let _ = write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n");
        let mut reply = String::new();
        let _ = stream.read_to_string(&mut reply);
        reply
    }

    fn page(&self, path: &str) -> String {
        self.get(&format!("/docs/default/component/local/{path}"))
    }

    fn etag(&self) -> String {
        let reply = self.get("/api/techdocs/metadata/techdocs/default/component/local");
        let body = reply.split("\r\n\r\n").nth(1).unwrap_or_default();
        let metadata: serde_json::Value = serde_json::from_str(body).expect("metadata JSON");
        metadata["etag"].as_str().expect("etag").to_string()
    }

    /// Opens the site's event stream as the reader does, from the etag shown.
    fn events(&self, etag: &str) -> TcpStream {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        write!(
            stream,
            "GET /api/techdocs/events/default/component/local?etag={etag} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("send");
        stream.set_read_timeout(Some(Duration::from_millis(200))).expect("timeout");
        stream
    }

    fn wait_until(&self, what: &str, ready: impl Fn(&Self) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        while !ready(self) {
            assert!(Instant::now() < deadline, "timed out waiting until {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Reads `stream` until `needle` arrives; returns everything read.
fn read_until(stream: &mut TcpStream, needle: &str) -> String {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains(needle) {
        assert!(Instant::now() < deadline, "no `{needle}` in: {}", String::from_utf8_lossy(&seen));
        match stream.read(&mut buffer) {
            Ok(0) => panic!("the stream ended: {}", String::from_utf8_lossy(&seen)),
            Ok(n) => seen.extend_from_slice(&buffer[..n]),
            Err(_) => {}
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

#[test]
fn saving_a_page_updates_the_preview_and_tells_open_readers() {
    let dir = tempfile::tempdir().expect("dir");
    let repo = dir.path();
    write_files(
        repo,
        &[
            ("mkdocs.yml", "site_name: Preview\n"),
            ("docs/index.md", "# Home\n\nFirst words.\n"),
            ("docs/other.md", "# Other\n\nStays the same.\n"),
        ],
    );
    let preview = Preview::start(repo);

    let home = preview.page("");
    assert!(home.contains("First words."), "{home}");
    assert!(home.contains("pt-docs__update"), "the reader listens for changes: {home}");
    let first = preview.etag();
    let mut reader = preview.events(&first);
    read_until(&mut reader, "text/event-stream");
    // A reader that shows an older build hears of the newer one at once.
    let mut behind = preview.events("an-older-etag");
    let heard = read_until(&mut behind, "event: changed");
    assert!(heard.contains(&first), "{heard}");

    // A save: the open reader hears of it, with the new etag, and the page has the new text.
    write_files(repo, &[("docs/index.md", "# Home\n\nSecond words.\n")]);
    let heard = read_until(&mut reader, "event: changed");
    let second = preview.etag();
    assert_ne!(second, first);
    assert!(heard.contains(&second), "the event carries the new etag: {heard}");
    let home = preview.page("");
    assert!(home.contains("Second words.") && !home.contains("First words."), "{home}");
    assert!(preview.page("other/").contains("Stays the same."));

    // A save with a problem: the preview says where.
    write_files(repo, &[("docs/other.md", "# Other\n\nStays the same. [Gone](gone.md)\n")]);
    preview.wait_until("the broken link is served", |p| p.page("other/").contains("Gone"));

    // A new page is in the nav of the others.
    write_files(repo, &[("docs/new.md", "# Brand new\n")]);
    preview.wait_until("the new page is served", |p| p.page("new/").contains("Brand new"));
    assert!(preview.page("other/").contains("Brand new"), "the nav lists it");

    // A broken mkdocs.yml: the last good site stays readable; fixed, it builds again.
    write_files(repo, &[("mkdocs.yml", "site_name: [unclosed\n")]);
    std::thread::sleep(Duration::from_millis(500));
    assert!(preview.page("").contains("Second words."), "the last good build is still served");
    write_files(repo, &[("mkdocs.yml", "site_name: Renamed preview\n")]);
    preview.wait_until("the fixed config is built", |p| p.page("").contains("Renamed preview"));

    // Ctrl-C with a reader still listening: the preview stops and cleans up.
    let pid = preview.process.id();
    let status = Command::new("kill").args(["-INT", &pid.to_string()]).status().expect("kill");
    assert!(status.success());
    let out = preview.process.wait(PATIENCE);
    let stdout = &out.stdout;
    assert!(out.status.success(), "exit after Ctrl-C: {stdout}{}", out.stderr);
    assert!(stdout.contains("rebuilt 1 of 2 page(s)"), "one page rendered on a save: {stdout}");
    assert!(
        stdout.contains("mkdocs.yml is not valid YAML"),
        "the broken config was reported: {stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.contains("docs/other.md:3") && l.contains("gone.md")),
        "the saved page's problem was reported with file and line: {stdout}"
    );
    let workspace = std::env::temp_dir().join(format!("portico-techdocs-serve-{pid}"));
    assert!(!workspace.exists(), "the temporary site is removed");
}

#[test]
fn a_folder_without_a_site_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("dir");
    let out = Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(["techdocs", "serve", "--port", &free_port().to_string()])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("mkdocs.yml"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
