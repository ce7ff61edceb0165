//! `cargo xtask bench techdocs`: Portico's TechDocs build against MkDocs with
//! mkdocs-techdocs-core (the incumbent), side by side in the same run.
//!
//! The site is Backstage's own docs (../shared/corpora/backstage, 364 pages),
//! then the same docs replicated 10 and 50 times (hard links, one nav section
//! per copy). For each size and tool: wall time (best and median of the runs)
//! and peak RSS (the highest VmHWM seen while polling /proc). MkDocs is
//! installed from PyPI into a virtualenv under the target folder, pinned.
//! MkDocs renders the whole nav into every page, so its output grows with the
//! square of the page count (at 10 copies it filled this machine's disk past
//! 3.6 GB); `--mkdocs-max N` (default 1) runs it only up to N copies.
//! Then `--saves N` (default 20) one-page saves in `portico techdocs serve`
//! ([`crate::bench_techdocs_serve`]).

use crate::util::{release_binary, root, target_dir};
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The incumbent, pinned.
const MKDOCS_PACKAGE: &str = "mkdocs-techdocs-core==1.7.1";

struct Options {
    copies: Vec<usize>,
    runs: usize,
    mkdocs_max: usize,
    /// One-page saves in `techdocs serve` (0: not measured).
    saves: usize,
}

fn options(args: &[String]) -> anyhow::Result<Options> {
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let copies = match value("--copies") {
        Some(list) => {
            list.split(',').map(|n| n.trim().parse::<usize>()).collect::<Result<Vec<_>, _>>()?
        }
        None => vec![1, 10, 50],
    };
    let runs = value("--runs").map(|n| n.parse()).transpose()?.unwrap_or(5);
    let mkdocs_max = if args.iter().any(|a| a == "--no-mkdocs") {
        0
    } else {
        value("--mkdocs-max").map(|n| n.parse()).transpose()?.unwrap_or(1)
    };
    let saves = value("--saves").map(|n| n.parse()).transpose()?.unwrap_or(20);
    if copies.is_empty() || copies.contains(&0) || runs == 0 {
        bail!("--copies takes numbers of at least 1, --runs at least 1");
    }
    Ok(Options { copies, runs, mkdocs_max, saves })
}

/// The corpus: ../shared/corpora/backstage beside the project.
fn corpus() -> anyhow::Result<PathBuf> {
    let path = root().join("../shared/corpora/backstage");
    path.join("mkdocs.yml")
        .is_file()
        .then_some(path.clone())
        .with_context(|| format!("no corpus at {}", path.display()))
}

/// A repository with `copies` copies of the corpus's docs, hard-linked, and a nav section per copy.
fn replicate(corpus: &Path, copies: usize, dir: &Path) -> anyhow::Result<PathBuf> {
    if copies == 1 {
        return Ok(corpus.to_path_buf());
    }
    let repo = dir.join(format!("x{copies}"));
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(repo.join("docs"))?;
    let config = std::fs::read_to_string(corpus.join("mkdocs.yml"))?;
    let (head, nav) = config.split_once("\nnav:\n").context("the corpus's mkdocs.yml has a nav")?;
    let mut out = format!("{head}\nnav:\n");
    for copy in 0..copies {
        out.push_str(&format!("  - Copy {copy}:\n"));
        for line in nav.lines().filter(|l| !l.trim().is_empty()) {
            // `  - Title: 'path.md'` → `      - Title: 'copy-N/path.md'`
            out.push_str("    ");
            out.push_str(&line.replacen(": '", &format!(": 'copy-{copy}/"), 1));
            out.push('\n');
        }
        copy_tree(
            &corpus.join("docs"),
            &repo.join("docs").join(format!("copy-{copy}")),
            CopyMode::Link,
        )?;
    }
    std::fs::write(repo.join("mkdocs.yml"), out)?;
    Ok(repo)
}

/// How [`copy_tree`] puts each file in place.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum CopyMode {
    /// Hard links (a copy across file systems): for trees only read.
    Link,
    /// Writable copies (the corpus's files are read-only, and stay untouched).
    Write,
}

pub(crate) fn copy_tree(from: &Path, to: &Path, how: CopyMode) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target, how)?;
        } else if how == CopyMode::Link {
            std::fs::hard_link(entry.path(), &target)
                .or_else(|_| std::fs::copy(entry.path(), &target).map(drop))?;
        } else {
            std::fs::write(&target, std::fs::read(entry.path())?)?;
        }
    }
    Ok(())
}

/// The virtualenv with MkDocs and techdocs-core (created once).
fn mkdocs() -> anyhow::Result<PathBuf> {
    crate::util::python_tool("mkdocs-venv", MKDOCS_PACKAGE, "mkdocs")
}

/// Runs a command to completion, polling its peak RSS; returns (seconds, peak MB).
fn measure(mut command: Command) -> anyhow::Result<(f64, f64)> {
    let start = Instant::now();
    let mut child = command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn()?;
    // Read as it comes: MkDocs warns a lot, and a full pipe would stop it.
    let stderr = child.stderr.take().map(|mut pipe| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut pipe, &mut text);
            text
        })
    });
    let mut peak_kb = 0.0_f64;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        peak_kb = peak_kb.max(crate::util::status_kb(child.id(), "VmHWM:"));
        std::thread::sleep(Duration::from_millis(2));
    };
    let seconds = start.elapsed().as_secs_f64();
    if !status.success() {
        let stderr = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
        bail!(
            "{command:?} failed ({status}): {}",
            stderr.lines().rev().take(5).collect::<Vec<_>>().join(" / ")
        );
    }
    Ok((seconds, peak_kb / 1024.0))
}

/// Best and median of `runs` measurements, and the highest peak RSS.
fn repeat(runs: usize, mut make: impl FnMut() -> Command) -> anyhow::Result<(f64, f64, f64)> {
    let mut times = Vec::with_capacity(runs);
    let mut peak: f64 = 0.0;
    for _ in 0..runs {
        let (seconds, mb) = measure(make())?;
        times.push(seconds);
        peak = peak.max(mb);
    }
    times.sort_by(f64::total_cmp);
    Ok((times[0], times[times.len() / 2], peak))
}

pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let options = options(args)?;
    crate::build::release()?;
    let corpus = corpus()?;
    let mkdocs = if options.mkdocs_max > 0 { Some(mkdocs()?) } else { None };
    let dir = target_dir().join("bench/techdocs");
    std::fs::create_dir_all(&dir)?;
    let mut rows = Vec::new();
    for &copies in &options.copies {
        let repo = replicate(&corpus, copies, &dir)?;
        let out = dir.join(format!("site-x{copies}"));
        let portico = repeat(options.runs, || {
            let mut c = Command::new(release_binary());
            c.args(["techdocs", "build"]).arg(&repo).arg("--output").arg(&out);
            c
        })?;
        let pages = std::fs::read_to_string(out.join("_portico/site.json"))
            .map(|s| s.matches("\"word_count\"").count())
            .unwrap_or(0);
        let incumbent = match &mkdocs {
            Some(bin) if copies <= options.mkdocs_max => {
                let mk_out = dir.join(format!("mkdocs-x{copies}"));
                // MkDocs takes tens of seconds a run (minutes for copies): fewer runs.
                let runs = if copies == 1 { options.runs.min(3) } else { 1 };
                Some(repeat(runs, || {
                    let mut c = Command::new(bin);
                    c.args(["build", "--quiet", "--config-file"])
                        .arg(repo.join("mkdocs.yml"))
                        .arg("--site-dir")
                        .arg(&mk_out);
                    c
                })?)
            }
            _ => None,
        };
        rows.push((copies, pages, portico, incumbent));
        let _ = std::fs::remove_dir_all(&out);
    }
    println!(
        "\n| site | Portico best / median | Portico peak RSS | MkDocs best / median | MkDocs peak RSS | speed-up (best) |"
    );
    println!("|---|---|---|---|---|---|");
    for (copies, pages, (best, median, rss), incumbent) in rows {
        let (mk, mk_rss, speedup) = match incumbent {
            Some((mb, mm, mr)) => (
                format!("{mb:.2} s / {mm:.2} s"),
                format!("{mr:.0} MB"),
                format!("{:.0}x", mb / best),
            ),
            None => ("not run".into(), "-".into(), "-".into()),
        };
        println!(
            "| {copies}x ({pages} pages) | {best:.3} s / {median:.3} s | {rss:.0} MB | {mk} | {mk_rss} | {speedup} |"
        );
    }
    if options.saves > 0 {
        crate::bench_techdocs_serve::measure(&corpus, &dir, options.saves)?.print();
    }
    Ok(())
}
