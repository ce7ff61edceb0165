//! `cargo xtask`: how Portico is set up, built, served, tested and measured.
//! CI runs `cargo xtask test`, exactly what a developer runs.
//!
//! Every step is idempotent and installs only from crates.io, npm, PyPI and Debian.

mod bench;
mod bench_catalog;
mod bench_search;
mod bench_techdocs;
mod bench_techdocs_serve;
mod build;
mod new_plugin;
mod postgres;
mod setup;
mod test;
mod util;

#[cfg(test)]
mod tidy;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

  setup              install what is missing: wasm32 target, trunk, wasm-bindgen-cli, npm packages (with Azurite and Mermaid), chromium, postgresql, moto (S3 test server)
  build              build the WASM bundle (Trunk) and the release `portico` binary that embeds it
  serve              setup + build, then start the portal at http://localhost:7007 (SQLite, demo config)
  test               the whole suite, as CI runs it: fmt, clippy, unit + integration (SQLite and PostgreSQL),
                     the wasm32 build, the release build, end-to-end tests in headless Chromium
  ci                 the same as test
  new-plugin <id>    scaffold plugins/<id> and register it in the app
  bench [--builds]   measure bundle sizes, idle RSS, TTFB and requests/s (and build times with --builds)
  bench catalog [--entities N]
                     generate a synthetic catalog (default 100000 entities) and measure ingestion,
                     peak RSS and API/page latency on SQLite and PostgreSQL
  bench search [--entities 100000] [--copies 28]
                     the synthetic catalog plus the docs corpus published N times: full index
                     rebuild, index size, change-to-searchable time, query p50/p99 over HTTP
  bench techdocs [--copies 1,10,50] [--runs 5] [--mkdocs-max 1] [--no-mkdocs] [--saves 20]
                     build Backstage's docs (../shared/corpora/backstage) and copies of it with
                     `portico techdocs build` and with MkDocs + techdocs-core (a pinned virtualenv)
  gen-catalog <dir> [--entities N]
                     write a synthetic catalog (root.yaml + entities/*.yaml) to <dir>
";

/// `--entities N` (default 100,000).
fn entities(args: &[String]) -> anyhow::Result<usize> {
    match args.iter().position(|a| a == "--entities") {
        None => Ok(100_000),
        Some(i) => args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .filter(|n| *n >= 100)
            .ok_or_else(|| anyhow::anyhow!("--entities needs a number of at least 100")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(),
        Some("build") => setup::run().and_then(|()| build::release()),
        Some("serve") => setup::run().and_then(|()| build::release()).and_then(|()| build::serve()),
        Some("test" | "ci") => test::run(),
        Some("new-plugin") => match args.get(1) {
            Some(id) => new_plugin::run(id),
            None => Err(anyhow::anyhow!("usage: cargo xtask new-plugin <id>")),
        },
        Some("bench") if args.get(1).map(String::as_str) == Some("catalog") => {
            entities(&args).and_then(bench_catalog::run)
        }
        Some("bench") if args.get(1).map(String::as_str) == Some("search") => {
            bench_search::run(&args[2..])
        }
        Some("bench") if args.get(1).map(String::as_str) == Some("techdocs") => {
            bench_techdocs::run(&args[2..])
        }
        Some("bench") => bench::run(args.iter().any(|a| a == "--builds")),
        Some("gen-catalog") => match args.get(1) {
            Some(dir) => entities(&args).and_then(|n| bench_catalog::generate_to(dir, n)),
            None => Err(anyhow::anyhow!("usage: cargo xtask gen-catalog <dir> [--entities N]")),
        },
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(anyhow::anyhow!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
