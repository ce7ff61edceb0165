//! `portico techdocs build`: builds a TechDocs site from a folder with an
//! mkdocs.yml, prints problems like a compiler, and writes the site only when
//! there is no error (so a failed build never replaces a good site).

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use portico_techdocs::{BuildOptions, Severity};
use portico_techdocs_storage::Storage;

/// What a build did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub pages: usize,
    pub assets: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// Builds `dir` into `output`, writing diagnostics and a summary line to `out`.
pub fn build(
    dir: &Path,
    output: &Path,
    options: &BuildOptions,
    out: &mut dyn Write,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let site = match portico_techdocs::build(dir, dir, options) {
        Ok(site) => site,
        Err(diagnostic) => {
            writeln!(out, "{diagnostic}")?;
            anyhow::bail!("the site cannot be built");
        }
    };
    let mut summary =
        Summary { pages: site.pages.len(), assets: site.assets.len(), ..Summary::default() };
    for diagnostic in &site.diagnostics {
        writeln!(out, "{diagnostic}")?;
        match diagnostic.severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
        }
    }
    if summary.errors > 0 {
        writeln!(
            out,
            "{} error(s), {} warning(s); nothing written",
            summary.errors, summary.warnings
        )?;
        return Ok(summary);
    }
    portico_techdocs::output::write_site(&site, output)?;
    writeln!(
        out,
        "built {} page(s) and {} asset(s) into {} in {} ms ({} warning(s))",
        summary.pages,
        summary.assets,
        output.display(),
        started.elapsed().as_millis(),
        summary.warnings
    )?;
    // Freeing a large site's pages one by one took the CLI's last 40–70 ms:
    // another thread does it, and a process that exits first leaves it to the OS.
    std::thread::spawn(move || drop(site));
    Ok(summary)
}

/// `portico techdocs publish`: puts a built site where the portal reads it
/// (the configured publisher: a folder or a bucket), under
/// `<namespace>/<kind>/<name>` lower-cased, replacing the previous site.
/// Returns the site's place, as [`Storage::describe`] and the site path say.
pub fn publish(
    site: &Path,
    entity: &str,
    storage: &Storage,
    out: &mut dyn Write,
) -> anyhow::Result<String> {
    let target = match entity.split('/').collect::<Vec<_>>()[..] {
        [namespace, kind, name] => storage.site(namespace, kind, name),
        _ => None,
    };
    let Some(target) = target else {
        anyhow::bail!(
            "--entity must be `<namespace>/<kind>/<name>` (for example default/Component/payments), not `{entity}`"
        );
    };
    // Storage is async (buckets); the CLI is not. A thread of its own lets
    // this run from inside a runtime too (the tests call it from one).
    let copied = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                runtime.block_on(storage.publish(&target, site)).map_err(anyhow::Error::from)
            })
            .join()
            .map_err(|_| anyhow::anyhow!("publishing panicked"))?
    })?;
    let place = format!("{}/{}", storage.describe().trim_end_matches('/'), target.path());
    writeln!(out, "published {copied} file(s) to {place}")?;
    Ok(place)
}
