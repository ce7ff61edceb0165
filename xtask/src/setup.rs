//! Installs whatever is missing, and nothing that is already there at the pinned version.
//! Only crates.io, npm, PyPI and Debian are used; nothing downloads a prebuilt binary.

use crate::util::{cmd, is_root, locked_version, output, root};
use anyhow::bail;
use std::path::Path;

/// Trunk 0.22 needs a newer rustc than this toolchain; 0.21.14 builds with `--locked`.
const TRUNK_VERSION: &str = "0.21.14";

/// Debian packages the tests need: a browser for end-to-end tests and a PostgreSQL server.
/// Debian packages and a file each installs. git serves the git-discovery
/// tests (`git daemon`, `git http-backend`); Portico itself never runs git.
/// openssl makes the certificates of the https git server in those tests.
const APT_PACKAGES: &[(&str, &str)] = &[
    ("chromium", "/usr/bin/chromium"),
    ("postgresql", "/usr/lib/postgresql"),
    ("git", "/usr/lib/git-core/git-http-backend"),
    ("openssl", "/usr/bin/openssl"),
];

/// moto's S3-compatible server, for the S3 publisher's tests.
const MOTO_PACKAGE: &str = "moto[server]==5.2.5";

pub(crate) fn run() -> anyhow::Result<()> {
    wasm_target()?;
    trunk()?;
    wasm_bindgen()?;
    apt()?;
    npm()?;
    moto_server()?;
    Ok(())
}

/// `moto_server` from PyPI, in a virtualenv of its own; its path.
pub(crate) fn moto_server() -> anyhow::Result<std::path::PathBuf> {
    crate::util::python_tool("moto-venv", MOTO_PACKAGE, "moto_server")
}

fn wasm_target() -> anyhow::Result<()> {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        cmd(&root(), "rustup", &["target", "add", "wasm32-unknown-unknown"])?;
    }
    Ok(())
}

fn trunk() -> anyhow::Result<()> {
    let have = output("trunk", &["--version"]).unwrap_or_default();
    if have != format!("trunk {TRUNK_VERSION}") {
        cmd(&root(), "cargo", &["install", "trunk", "--version", TRUNK_VERSION, "--locked"])?;
    }
    Ok(())
}

fn wasm_bindgen() -> anyhow::Result<()> {
    // The CLI must match the library exactly, or the generated glue is rejected.
    let version = locked_version("wasm-bindgen")?;
    let have = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if have != format!("wasm-bindgen {version}") {
        // `--locked` fails for this version (a locked dependency was yanked), so resolve afresh.
        cmd(&root(), "cargo", &["install", "wasm-bindgen-cli", "--version", &version])?;
    }
    Ok(())
}

fn apt() -> anyhow::Result<()> {
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .filter(|(_, probe)| !Path::new(probe).exists())
        .map(|(pkg, _)| *pkg)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !is_root() {
        bail!(
            "please install these Debian packages: sudo apt-get install -y {}",
            missing.join(" ")
        );
    }
    cmd(&root(), "apt-get", &["update", "-q"])?;
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend(&missing);
    crate::util::cmd_env(&root(), "apt-get", &args, &[("DEBIAN_FRONTEND", "noninteractive")])
}

/// The npm packages of the end-to-end tests, and those the portal serves to
/// browsers (Mermaid), each folder from its committed lock.
fn npm() -> anyhow::Result<()> {
    for folder in ["end2end", "frontend/vendor"] {
        let folder = root().join(folder);
        let lock = std::fs::read(folder.join("package-lock.json")).unwrap_or_default();
        let installed =
            std::fs::read(folder.join("node_modules/.package-lock.json")).unwrap_or_default();
        // npm keeps a copy of the lock it installed from; reinstall only when they differ.
        if lock.is_empty() || !same_packages(&lock, &installed) {
            cmd(&folder, "npm", &["ci", "--no-audit", "--no-fund"])?;
        }
    }
    Ok(())
}

/// Compares the `packages` of two lock files, ignoring the root entry npm drops from its copy.
fn same_packages(lock: &[u8], installed: &[u8]) -> bool {
    let parse = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).ok();
    match (parse(lock), parse(installed)) {
        (Some(mut a), Some(mut b)) => {
            let strip = |v: &mut serde_json::Value| {
                if let Some(p) = v.get_mut("packages").and_then(|p| p.as_object_mut()) {
                    p.remove("");
                }
                v.get("packages").cloned()
            };
            strip(&mut a) == strip(&mut b)
        }
        _ => false,
    }
}
