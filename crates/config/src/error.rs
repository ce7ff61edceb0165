//! The one error type of this crate; every variant says where the problem is.

use std::path::PathBuf;

/// What can go wrong while loading or reading configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A file named on the command line could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is larger than any sensible configuration.
    #[error("{file}: config file is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The YAML itself does not parse.
    #[error("{at}: invalid YAML: {message}")]
    Syntax {
        /// `file:line:column`.
        at: String,
        /// The parser's message.
        message: String,
    },
    /// A key has a value of the wrong type, is unknown, or is missing.
    #[error("{at}: `{key}`: {message}")]
    Invalid {
        /// `file:line:column` (or the file alone when no line is known).
        at: String,
        /// The full dotted key, for example `backend.listen.port`.
        key: String,
        /// What is wrong and, where it helps, what is expected.
        message: String,
    },
}
