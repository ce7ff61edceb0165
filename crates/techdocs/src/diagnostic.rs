//! Build problems, located at a file and line, printed like a compiler's.

use std::fmt;

use serde::Serialize;

/// How bad a problem is. With `--strict`, warnings that `strict` names become errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// What kind of problem, so `--strict` can promote the ones it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// mkdocs.yml cannot be read or says something impossible.
    Config,
    /// A nav entry or link points at a page that does not exist.
    BrokenLink,
    /// A link's `#anchor` is not a heading of its page.
    MissingAnchor,
    /// An image file does not exist.
    MissingImage,
    /// An image has no alternative text.
    ImageAlt,
    /// A file could not be read (not UTF-8, too big, a symlink out of the repository).
    File,
    /// A snippet include failed.
    Snippet,
}

/// One problem, at a file (relative to the repository) and a 1-based line (0 = whole file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub check: Check,
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl Diagnostic {
    fn new(
        severity: Severity,
        check: Check,
        file: impl Into<String>,
        line: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic { severity, check, file: file.into(), line, message: message.into() }
    }

    pub fn error(
        check: Check,
        file: impl Into<String>,
        line: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, check, file, line, message)
    }

    pub fn warning(
        check: Check,
        file: impl Into<String>,
        line: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, check, file, line, message)
    }

    /// The promotion `--strict` applies: link, anchor and image problems become errors.
    pub fn strict(mut self) -> Self {
        if matches!(
            self.check,
            Check::BrokenLink
                | Check::MissingAnchor
                | Check::MissingImage
                | Check::ImageAlt
                | Check::Snippet
        ) {
            self.severity = Severity::Error;
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        if self.line > 0 {
            write!(f, "{severity}: {}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(f, "{severity}: {}: {}", self.file, self.message)
        }
    }
}
