//! `portico catalog validate`: checks descriptor files offline and prints every
//! problem like a compiler, so it fits CI jobs and pre-commit hooks.
//!
//! Arguments are files or glob patterns; a pattern that matches nothing and a
//! file that cannot be read are errors too (a typo must not pass silently).

use anyhow::Context;
use portico_catalog_model::diagnostic::{Diagnostic, Rendered, Severity, check_text, decode_utf8};
use portico_catalog_model::validate::is_placeholder;
use portico_catalog_model::yaml::{Document, Pos};
use serde_json::Value;
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
    let mut report = check_text(&text, json);
    let dir = path.parent().unwrap_or(Path::new("."));
    let missing: Vec<Vec<Diagnostic>> =
        report.valid.iter().map(|doc| missing_placeholder_files(doc, dir)).collect();
    let broken = missing.iter().filter(|m| !m.is_empty()).count();
    report.diagnostics.extend(missing.into_iter().flatten());
    report.diagnostics.sort_by_key(|d| (d.pos.line, d.pos.column));
    for d in &report.diagnostics {
        write!(out, "{}", Rendered { diagnostic: d, file: shown, source: &text })?;
    }
    // A document with a broken placeholder is not a valid entity.
    Ok((report.errors(), report.valid.len().saturating_sub(broken)))
}

/// `$text`/`$json`/`$yaml` placeholders whose relative file does not exist
/// (URL targets are left alone: the check is offline).
fn missing_placeholder_files(doc: &Document, dir: &Path) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    placeholders(&doc.value, String::new(), &mut found);
    found
        .into_iter()
        .filter(|(_, _, target)| !target.contains("://"))
        .filter(|(_, _, target)| !dir.join(target).is_file())
        .map(|(path, key, target)| Diagnostic {
            severity: Severity::Error,
            pos: doc.locate(&path),
            message: format!(
                "{key} points at {target}, which does not exist (looked for {})",
                dir.join(&target).display()
            ),
            path: Some(path),
        })
        .collect()
}

/// Every placeholder as (dotted path, `$text`/`$json`/`$yaml`, target).
/// Recursion is bounded: parsed documents are at most `yaml::MAX_DEPTH` deep.
fn placeholders(value: &Value, path: String, out: &mut Vec<(String, String, String)>) {
    if is_placeholder(value) {
        if let Some((key, target)) = value.as_object().and_then(|m| m.iter().next()) {
            out.push((path, key.clone(), target.as_str().unwrap_or_default().to_owned()));
        }
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                placeholders(v, child, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                placeholders(v, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn file_error(message: String) -> Diagnostic {
    Diagnostic { severity: Severity::Error, pos: Pos { line: 1, column: 1 }, path: None, message }
}
