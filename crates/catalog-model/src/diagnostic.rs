//! Checking a whole descriptor file: parse every document, validate every
//! entity, and report each problem with file, line and column, rendered like a
//! compiler's diagnostics (used by `portico catalog validate` and ingestion).

use crate::validate::{Problem, validate_entity};
use crate::yaml::{self, Document, Pos};
use std::fmt;

/// The largest descriptor file read, by default. Real ones are a few kilobytes;
/// an API with an inlined definition can reach a megabyte.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The entity (or file) cannot be used.
    Error,
    /// Worth fixing; the entity is still used.
    Warning,
}

/// One located problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where, 1-based.
    pub pos: Pos,
    /// The dotted path inside the entity, when the problem concerns one field.
    pub path: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// The result of checking one file.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    /// Documents that validated (they may still carry warnings).
    pub valid: Vec<Document>,
    /// Every problem found, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// How many documents the file held.
    pub documents: usize,
}

impl FileReport {
    /// How many errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }
}

/// A file's bytes as text; on invalid UTF-8, the 1-based line where it starts.
pub fn decode_utf8(bytes: Vec<u8>) -> Result<String, usize> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        valid.iter().filter(|b| **b == b'\n').count() + 1
    })
}

/// Checks a descriptor file's text. `json` selects JSON parsing (for `.json` files).
pub fn check_text(text: &str, json: bool) -> FileReport {
    let mut report = FileReport::default();
    if text.len() > MAX_FILE_BYTES {
        report.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            pos: Pos { line: 1, column: 1 },
            path: None,
            message: format!(
                "file is {} bytes; descriptor files are limited to {} bytes",
                text.len(),
                MAX_FILE_BYTES
            ),
        });
        return report;
    }
    let (docs, syntax) = if json {
        match yaml::parse_json(text) {
            Ok(docs) => (docs, Vec::new()),
            Err(e) => (Vec::new(), vec![e]),
        }
    } else {
        yaml::parse_documents(text)
    };
    report.documents = docs.len() + syntax.len();
    for e in syntax {
        report.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            pos: e.pos,
            path: None,
            message: e.message,
        });
    }
    for doc in docs {
        let problems = validate_entity(&doc.value);
        if problems.is_empty() {
            report.valid.push(doc);
            continue;
        }
        report.diagnostics.extend(problems.into_iter().map(|p| locate(&doc, p)));
    }
    report.diagnostics.sort_by_key(|d| (d.pos.line, d.pos.column));
    report
}

fn locate(doc: &Document, problem: Problem) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        pos: if problem.at_key { doc.locate_key(&problem.path) } else { doc.locate(&problem.path) },
        path: (!problem.path.is_empty()).then_some(problem.path),
        message: problem.message,
    }
}

/// A diagnostic rendered against its file, like a compiler:
///
/// ```text
/// error: "metadata.name" is not valid; …
///   --> catalog-info.yaml:4:9
///    |
///  4 |   name: invalid component
///    |         ^
/// ```
pub struct Rendered<'a> {
    /// The diagnostic.
    pub diagnostic: &'a Diagnostic,
    /// The file's name as the user wrote it.
    pub file: &'a str,
    /// The file's text, for the source line.
    pub source: &'a str,
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnostic;
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{level}: {}", d.message)?;
        writeln!(f, "  --> {}:{}:{}", self.file, d.pos.line, d.pos.column)?;
        if let Some(line) = self.source.lines().nth(d.pos.line.saturating_sub(1)) {
            let line: String = line.chars().take(160).collect();
            let gutter = d.pos.line.to_string().len();
            writeln!(f, "{:gutter$} |", "")?;
            writeln!(f, "{} | {line}", d.pos.line)?;
            let caret = d.pos.column.saturating_sub(1).min(line.chars().count());
            writeln!(f, "{:gutter$} | {:caret$}^", "", "")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
