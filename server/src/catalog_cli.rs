//! `portico catalog validate`: checks descriptor files offline and prints every
//! problem like a compiler, so it fits CI jobs and pre-commit hooks.
//!
//! Arguments are files or glob patterns; a pattern that matches nothing and a
//! file that cannot be read are errors too (a typo must not pass silently).

use anyhow::Context;
use portico_catalog_model::diagnostic::{Diagnostic, Rendered, Severity, check_text, decode_utf8};
use portico_catalog_model::yaml::Pos;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a run found.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// Files with at least one error.
    pub failed_files: usize,
    /// Entities that validated.
    pub entities: usize,
    /// Errors, all files together.
    pub errors: usize,
}

/// Validates every file the arguments name, writing diagnostics to `out`.
pub fn validate(args: &[String], cwd: &Path, out: &mut dyn Write) -> anyhow::Result<Summary> {
    let mut summary = Summary::default();
    for arg in args {
        let files = expand(arg, cwd)?;
        for file in files {
            summary.files += 1;
            let shown = file.strip_prefix(cwd).unwrap_or(&file).display().to_string();
            let (errors, entities) = check_file(&file, &shown, out)?;
            summary.entities += entities;
            summary.errors += errors;
            summary.failed_files += usize::from(errors > 0);
        }
    }
    writeln!(
        out,
        "checked {} file(s): {} valid entit{}, {} error(s)",
        summary.files,
        summary.entities,
        if summary.entities == 1 { "y" } else { "ies" },
        summary.errors
    )?;
    Ok(summary)
}

fn expand(arg: &str, cwd: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let is_glob = arg.contains(['*', '?', '[']);
    let path = cwd.join(arg);
    if !is_glob {
        return Ok(vec![path]);
    }
    let pattern = path.to_string_lossy().into_owned();
    let mut files: Vec<PathBuf> = glob::glob(&pattern)
        .with_context(|| format!("invalid glob pattern {arg:?}"))?
        .filter_map(Result::ok)
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    anyhow::ensure!(!files.is_empty(), "no files match {arg:?}");
    Ok(files)
}

fn check_file(path: &Path, shown: &str, out: &mut dyn Write) -> anyhow::Result<(usize, usize)> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let d = file_error(format!("cannot read the file: {e}"));
            write!(out, "{}", Rendered { diagnostic: &d, file: shown, source: "" })?;
            return Ok((1, 0));
        }
    };
    let text = match decode_utf8(bytes) {
        Ok(text) => text,
        Err(line) => {
            let mut d = file_error("the file is not valid UTF-8".to_owned());
            d.pos.line = line;
            write!(out, "{}", Rendered { diagnostic: &d, file: shown, source: "" })?;
            return Ok((1, 0));
        }
    };
    let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let report = check_text(&text, json);
    for d in &report.diagnostics {
        write!(out, "{}", Rendered { diagnostic: d, file: shown, source: &text })?;
    }
    Ok((report.errors(), report.valid.len()))
}

fn file_error(message: String) -> Diagnostic {
    Diagnostic { severity: Severity::Error, pos: Pos { line: 1, column: 1 }, path: None, message }
}
