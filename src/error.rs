//! The one error type of the library: every failure names the file, the place in it,
//! what is wrong and how to fix it, so the CLI can print it once for a person.

use std::path::{Path, PathBuf};

/// Everything that can stop an analysis.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened or read.
    #[error("{path}: cannot read the file: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// An input is readable but its content is wrong.
    #[error("{path}: {place}: {problem}\n  fix: {fix}")]
    Input {
        path: PathBuf,
        /// Where in the file: `feature 12 (code 01001)`, `line 7`, `the whole file`.
        place: String,
        problem: String,
        fix: String,
    },
    /// A coordinate transformation failed.
    #[error("{what}: cannot project coordinates to {crs}: {message}\n  fix: {fix}")]
    Projection {
        /// The shape: `commune 22001`, `CPTS CPTS-22-01`, `white zone`.
        what: String,
        crs: String,
        message: String,
        fix: String,
    },
    /// An option does not fit the inputs.
    #[error("{message}\n  fix: {fix}")]
    Usage { message: String, fix: String },
    /// An output could not be written; nothing was left half-written.
    #[error("{path}: cannot write the outputs: {message}\n  fix: {fix}")]
    Output {
        path: PathBuf,
        message: String,
        fix: String,
    },
}

impl Error {
    /// An input error at `place` in `path`.
    pub fn input(
        path: &Path,
        place: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Error::Input {
            path: path.to_path_buf(),
            place: place.into(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

impl Error {
    /// Names the shape a projection error is about (`commune 22001`).
    pub fn about(self, shape: impl FnOnce() -> String) -> Self {
        match self {
            Error::Projection {
                crs, message, fix, ..
            } => Error::Projection {
                what: shape(),
                crs,
                message,
                fix,
            },
            other => other,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
