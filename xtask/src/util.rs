//! Running commands and finding things.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The workspace root (the folder above `xtask/`).
///
/// Read at run time: `cargo run` and `cargo test` set `CARGO_MANIFEST_DIR` for the
/// process. The compile-time value would point at whichever checkout built the
/// binary, and a target directory shared between checkouts (CI's cache) would then
/// run every step in the wrong tree.
pub(crate) fn root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir.parent().map(Path::to_path_buf).unwrap_or(manifest_dir)
}

/// Cargo's target directory (honours `CARGO_TARGET_DIR`).
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// A Python command from PyPI, installed once in a virtualenv of its own
/// under the target folder (again only when `package`, a pinned
/// requirement, changes). Returns the path of `bin` in it.
pub(crate) fn python_tool(venv: &str, package: &str, bin: &str) -> anyhow::Result<PathBuf> {
    let venv = target_dir().join("tools").join(venv);
    let marker = venv.join(".installed");
    if std::fs::read_to_string(&marker).ok().as_deref() != Some(package) {
        cmd(&root(), "python3", &["-m", "venv", &venv.display().to_string()])?;
        let pip = venv.join("bin/pip").display().to_string();
        cmd(&root(), &pip, &["install", "--quiet", package])?;
        std::fs::write(&marker, package)?;
    }
    Ok(venv.join("bin").join(bin))
}

/// The release `portico` binary.
pub(crate) fn release_binary() -> PathBuf {
    target_dir().join("release").join("portico")
}

/// Runs a command in `dir`, streaming its output; fails with the command line on a non-zero exit.
pub(crate) fn cmd(dir: &Path, program: &str, args: &[&str]) -> anyhow::Result<()> {
    cmd_env(dir, program, args, &[])
}

/// Like [`cmd`], with extra environment variables.
pub(crate) fn cmd_env(
    dir: &Path,
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> anyhow::Result<()> {
    let line = format!("{program} {}", args.join(" "));
    eprintln!("$ {line}");
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .status()
        .with_context(|| format!("cannot run `{program}` (is it installed?)"))?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(())
}

/// Captures a command's stdout, or `None` when it cannot run or fails.
pub(crate) fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Times a closure.
pub(crate) fn timed<T>(f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<(T, f64)> {
    let start = Instant::now();
    let value = f()?;
    Ok((value, start.elapsed().as_secs_f64()))
}

/// The version of `package` in Cargo.lock.
pub(crate) fn locked_version(package: &str) -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock.find(&needle).with_context(|| format!("{package} is not in Cargo.lock"))?
        + needle.len();
    let end = lock[start..].find('"').context("malformed Cargo.lock")? + start;
    Ok(lock[start..end].to_owned())
}

/// True when running as root (apt-get works without sudo).
pub(crate) fn is_root() -> bool {
    output("id", &["-u"]).is_some_and(|uid| uid == "0")
}

/// A `/proc/<pid>/status` figure in kB (`VmHWM:` is the peak RSS); 0 once the process is gone.
pub(crate) fn status_kb(pid: u32, key: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| l.strip_prefix(key))?.split_whitespace().next()?.parse().ok()
        })
        .unwrap_or(0.0)
}
