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
