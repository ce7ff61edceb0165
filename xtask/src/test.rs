//! `cargo xtask test`: the whole suite, as CI runs it, with a summary at the end.

use crate::postgres::TestPostgres;
use crate::util::{cmd, cmd_env, release_binary, root, timed};
use anyhow::bail;

type Step = (&'static str, fn() -> anyhow::Result<()>);

/// `app` is built with `ssr` for the server and with `hydrate` for the browser; one
/// cargo invocation over both would unify the features, so the WASM entry is checked apart.
const STEPS: &[Step] = &[
    ("setup", crate::setup::run),
    ("fmt", || cmd(&root(), "cargo", &["fmt", "--all", "--check"])),
    ("clippy (server side)", || {
        cmd(
            &root(),
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--exclude",
                "frontend",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        )
    }),
    ("clippy (wasm32)", || {
        cmd(
            &root(),
            "cargo",
            &[
                "clippy",
                "-p",
                "frontend",
                "--target",
                "wasm32-unknown-unknown",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        )
    }),
    ("unit and integration tests (SQLite and PostgreSQL)", unit_and_integration),
    ("WASM bundle (Trunk, wasm32)", crate::build::wasm),
    ("release binary", || {
        cmd(&root(), "cargo", &["build", "--release", "--package", "server", "--locked"])
    }),
    ("end-to-end (headless Chromium)", end_to_end),
];

fn unit_and_integration() -> anyhow::Result<()> {
    let pg = TestPostgres::start()?;
    let moto = crate::setup::moto_server()?;
    // Installed by setup with the end-to-end tests' npm packages.
    let azurite = root().join("end2end/node_modules/.bin/azurite-blob");
    cmd_env(
        &root(),
        "cargo",
        &["test", "--workspace", "--exclude", "frontend", "--locked", "--no-fail-fast"],
        &[
            ("PORTICO_TEST_PG_URL", pg.url.as_str()),
            ("PORTICO_REQUIRE_PG", "1"),
            ("PORTICO_MOTO_SERVER", moto.to_str().unwrap_or_default()),
            ("PORTICO_AZURITE", azurite.to_str().unwrap_or_default()),
            ("PORTICO_REQUIRE_S3", "1"),
        ],
    )
}

fn end_to_end() -> anyhow::Result<()> {
    let binary = release_binary();
    let binary = binary.to_str().unwrap_or_default();
    cmd_env(&root().join("end2end"), "npm", &["test"], &[("PORTICO_BIN", binary)])
}

pub(crate) fn run_all() -> Vec<(&'static str, Result<f64, String>)> {
    let mut results = Vec::new();
    for (name, step) in STEPS {
        eprintln!("\n== {name}");
        let outcome = timed(step).map(|((), secs)| secs).map_err(|e| format!("{e:#}"));
        let failed = outcome.is_err();
        results.push((*name, outcome));
        if failed {
            // Later steps depend on earlier ones: stop at the first failure.
            break;
        }
    }
    results
}

pub(crate) fn run() -> anyhow::Result<()> {
    let start = std::time::Instant::now();
    let results = run_all();
    eprintln!("\n== summary");
    for (name, outcome) in &results {
        match outcome {
            Ok(secs) => eprintln!("  ok    {name} ({secs:.0}s)"),
            Err(e) => eprintln!("  FAIL  {name}: {e}"),
        }
    }
    let failed = results.iter().filter(|(_, o)| o.is_err()).count();
    let passed = results.len() - failed;
    let skipped = STEPS.len() - results.len();
    eprintln!("  total {:.0}s", start.elapsed().as_secs_f64());
    // The last line, in the plain `N passed, N failed` form CI summaries read.
    println!("xtask: {passed} passed, {failed} failed, {skipped} skipped");
    if failed > 0 {
        bail!("{failed} step(s) failed");
    }
    Ok(())
}
