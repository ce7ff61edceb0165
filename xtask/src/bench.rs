//! `cargo xtask bench`: the platform's figures, printed as a Markdown table for BENCHMARKS.md.
//!
//! - the initial load: WASM, JS glue and CSS, raw, gzip -9 and brotli q11;
//! - the release server's resident memory when idle, and after load;
//! - time to first byte of the server-rendered home page (sequential, loopback), p50/p99;
//! - requests per second for the home page with `wrk` (Debian's package), when installed;
//! - with `--builds`: cold and incremental build times.

use crate::util::{cmd, release_binary, root, target_dir, timed};
use anyhow::{Context, bail};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) fn run(builds: bool) -> anyhow::Result<()> {
    let mut rows: Vec<(String, String)> = Vec::new();
    if builds {
        build_times(&mut rows)?;
    } else {
        crate::build::release()?;
    }
    let server = Server::start()?;
    let css = http_get(server.port, "/pkg/portico.css")?;
    let pkg = root().join("target/site/pkg");
    let wasm = std::fs::read(pkg.join("frontend_bg.wasm")).context("build the bundle first")?;
    let js = std::fs::read(pkg.join("frontend.js"))?;
    let mut total = [0usize; 3];
    for (name, bytes) in [("frontend_bg.wasm", &wasm), ("frontend.js", &js), ("portico.css", &css)]
    {
        let sizes = [bytes.len(), gzip(bytes), brotli(bytes)];
        for (t, s) in total.iter_mut().zip(sizes) {
            *t += s;
        }
        rows.push((
            format!("{name} raw / gzip / brotli"),
            format!("{} / {} / {}", kb(sizes[0]), kb(sizes[1]), kb(sizes[2])),
        ));
    }
    rows.push((
        "initial load (WASM + JS + CSS) raw / gzip / brotli".into(),
        format!("{} / {} / {}", kb(total[0]), kb(total[1]), kb(total[2])),
    ));

    std::thread::sleep(Duration::from_secs(3));
    rows.push(("server RSS, idle after start".into(), format!("{:.1} MB", server.rss_mb()?)));

    let mut ttfb = Vec::with_capacity(500);
    for _ in 0..500 {
        ttfb.push(first_byte(server.port, "/")?);
    }
    ttfb.sort_by(f64::total_cmp);
    let pct = |p: f64| ttfb[((ttfb.len() as f64 - 1.0) * p).round() as usize];
    rows.push((
        "home page TTFB, 500 sequential requests, p50 / p99".into(),
        format!("{:.2} ms / {:.2} ms", pct(0.5), pct(0.99)),
    ));

    match wrk(server.port) {
        Some(line) => rows.push(("home page, wrk -t2 -c32 -d10s".into(), line)),
        None => rows.push((
            "home page requests/s".into(),
            "wrk not installed (apt-get install wrk)".into(),
        )),
    }
    rows.push(("server RSS after the load".into(), format!("{:.1} MB", server.rss_mb()?)));
    drop(server);

    println!("| measure | value |\n|---|---|");
    for (k, v) in rows {
        println!("| {k} | {v} |");
    }
    Ok(())
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

fn gzip(bytes: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = enc.write_all(bytes);
    enc.finish().map(|v| v.len()).unwrap_or(0)
}

fn brotli(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    out.len()
}

struct Server {
    child: Child,
    port: u16,
    _dir: std::path::PathBuf,
}

impl Server {
    fn start() -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let dir = std::env::temp_dir().join(format!("portico-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(
            dir.join("app-config.yaml"),
            format!("backend:\n  listen:\n    host: 127.0.0.1\n    port: {port}\n"),
        )?;
        let child = Command::new(release_binary())
            .arg("serve")
            .current_dir(&dir)
            .env("RUST_LOG", "warn")
            .stderr(Stdio::null())
            .spawn()
            .context("start the release binary (cargo xtask build)")?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while http_get(port, "/healthz").is_err() {
            if Instant::now() > deadline {
                bail!("the server did not start");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Self { child, port, _dir: dir })
    }

    fn rss_mb(&self) -> anyhow::Result<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .context("no VmRSS")?;
        Ok(kb / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._dir);
    }
}

fn request(port: u16, path: &str) -> anyhow::Result<TcpStream> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_nodelay(true)?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
    Ok(s)
}

/// The body of a GET (the server answers HTTP/1.1 without chunking for these small responses when closing).
fn http_get(port: u16, path: &str) -> anyhow::Result<Vec<u8>> {
    let mut s = request(port, path)?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").context("no header end")?;
    if !buf.starts_with(b"HTTP/1.1 200") {
        bail!("{path}: not 200");
    }
    Ok(buf[split + 4..].to_vec())
}

/// Milliseconds from sending the request to the first response byte.
fn first_byte(port: u16, path: &str) -> anyhow::Result<f64> {
    let start = Instant::now();
    let mut s = request(port, path)?;
    let mut one = [0u8; 1];
    s.read_exact(&mut one)?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let mut rest = Vec::new();
    s.read_to_end(&mut rest)?;
    Ok(ms)
}

fn wrk(port: u16) -> Option<String> {
    let out = Command::new("wrk")
        .args(["-t2", "-c32", "-d10s", "--latency", &format!("http://127.0.0.1:{port}/")])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let rps = text.lines().find_map(|l| l.strip_prefix("Requests/sec:"))?.trim().to_owned();
    let p50 = text.lines().find_map(|l| l.trim().strip_prefix("50%")).map(str::trim).unwrap_or("?");
    let p99 = text.lines().find_map(|l| l.trim().strip_prefix("99%")).map(str::trim).unwrap_or("?");
    Some(format!("{rps} requests/s (latency p50 {p50}, p99 {p99})"))
}

fn build_times(rows: &mut Vec<(String, String)>) -> anyhow::Result<()> {
    let root = root();
    // A cold build in its own target directory, so the developer's cache is untouched.
    let cold = target_dir().join("bench-cold");
    let _ = std::fs::remove_dir_all(&cold);
    let cold_str = cold.to_str().context("UTF-8 path")?.to_owned();
    let env = [("CARGO_TARGET_DIR", cold_str.as_str())];
    let ((), server) = timed(|| {
        crate::util::cmd_env(
            &root,
            "cargo",
            &["build", "--release", "-p", "server", "--locked"],
            &env,
        )
    })?;
    rows.push(("cold build, release server (2 cores)".into(), format!("{server:.0} s")));
    let ((), wasm) =
        timed(|| crate::util::cmd_env(&root, "trunk", &["build", "--release", "--offline"], &env))?;
    rows.push(("cold build, release WASM bundle (Trunk)".into(), format!("{wasm:.0} s")));
    let _ = std::fs::remove_dir_all(&cold);
    // Incremental: touch the shell and rebuild both halves in the normal target directory.
    crate::build::release()?;
    let touch = || cmd(&root, "touch", &["app/src/shell.rs"]);
    touch()?;
    let ((), inc_server) =
        timed(|| cmd(&root, "cargo", &["build", "--release", "-p", "server", "--locked"]))?;
    touch()?;
    let ((), inc_wasm) = timed(crate::build::wasm)?;
    rows.push((
        "incremental build after editing app/, server / WASM".into(),
        format!("{inc_server:.0} s / {inc_wasm:.0} s"),
    ));
    Ok(())
}
