//! `portico techdocs build`: builds a TechDocs site from a folder with an
//! mkdocs.yml, prints problems like a compiler, and writes the site only when
//! there is no error (so a failed build never replaces a good site).

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use portico_techdocs::{BuildOptions, Severity};

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
    Ok(summary)
}

/// `portico techdocs publish`: puts a built site where the portal reads it
/// (the local publisher's folder), under `<namespace>/<kind>/<name>`
/// lower-cased, replacing the previous site in one step.
pub fn publish(
    site: &Path,
    entity: &str,
    publish_dir: &Path,
    out: &mut dyn Write,
) -> anyhow::Result<std::path::PathBuf> {
    let dest = match entity.split('/').collect::<Vec<_>>()[..] {
        [namespace, kind, name] => {
            portico_techdocs::output::site_dir(publish_dir, [namespace, kind, name], false)
        }
        _ => None,
    };
    let Some(dest) = dest else {
        anyhow::bail!(
            "--entity must be `<namespace>/<kind>/<name>` (for example default/Component/payments), not `{entity}`"
        );
    };
    let metadata = site.join(portico_techdocs::output::METADATA_FILE);
    let text = std::fs::read(&metadata).map_err(|e| {
        anyhow::anyhow!(
            "{} is not a built site: {e} (run `portico techdocs build` first)",
            metadata.display()
        )
    })?;
    serde_json::from_slice::<portico_techdocs::output::Metadata>(&text).map_err(|e| {
        anyhow::anyhow!("{} is not valid TechDocs metadata: {e}", metadata.display())
    })?;
    let copied = portico_techdocs::output::replace_dir(&dest, |staging| copy_tree(site, staging))?;
    writeln!(out, "published {copied} file(s) to {}", dest.display())?;
    Ok(dest)
}

/// Copies regular files and folders; a symlink in a built site is refused (it could point anywhere).
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(to)?;
    let mut count = 0;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_symlink() {
            return Err(std::io::Error::other(format!(
                "{} is a symlink; a published site holds plain files only",
                entry.path().display()
            )));
        } else if kind.is_dir() {
            count += copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
            count += 1;
        }
    }
    Ok(count)
}
