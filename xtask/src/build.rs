//! Building the bundle and the binary, and serving the demo.

use crate::util::{cmd, cmd_env, release_binary, root};

/// Trunk builds the WASM bundle into `target/site/pkg`, then the release server embeds it.
pub(crate) fn release() -> anyhow::Result<()> {
    wasm()?;
    cmd(&root(), "cargo", &["build", "--release", "--package", "server", "--locked"])
}

/// The release WASM bundle only.
pub(crate) fn wasm() -> anyhow::Result<()> {
    // `--offline`: Trunk must use the installed tools, never fetch its own.
    cmd_env(&root(), "trunk", &["build", "--release", "--offline"], &[("NO_COLOR", "true")])
}

/// Runs the portal from the repository root, so it picks up the demo `app-config.yaml`.
pub(crate) fn serve() -> anyhow::Result<()> {
    let binary = release_binary();
    let binary = binary.to_str().ok_or_else(|| anyhow::anyhow!("target path is not UTF-8"))?;
    eprintln!("Portico starts at http://localhost:7007 (Ctrl-C stops it)");
    cmd(&root(), binary, &["serve"])
}
