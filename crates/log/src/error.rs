//! The one error type of the core: every variant says what is wrong and what to do.

use serde::Serialize;
use std::path::PathBuf;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Stable codes the CLI and the UI branch on. Never renumber or rename one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export_to = "bindings.ts")]
pub enum ErrorCode {
    HomeMissing,
    HomeExists,
    NotAHome,
    WrongPassphrase,
    InvalidInput,
    InvalidDocument,
    Busy,
    ReadOnly,
    NotFound,
    BadCheckpoint,
    Storage,
    Io,
    Cancelled,
    EditConflict,
    Unreachable,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no TradeSeal home at {path}: run `tradeseal init --org NAME` first, or pass --home with the folder of an existing home")]
    HomeMissing { path: PathBuf },

    #[error(
        "{path} is not empty: `init` never overwrites; choose a new or empty folder with --home"
    )]
    HomeExists { path: PathBuf },

    #[error("{path} is not a TradeSeal home ({reason}): pass --home with the folder `tradeseal init` created")]
    NotAHome { path: PathBuf, reason: String },

    #[error("wrong passphrase for {path}: check it and try again")]
    WrongPassphrase { path: PathBuf },

    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },

    #[error("invalid EPCIS document at {place}: {reason}. Nothing was imported; correct the document and import it again")]
    InvalidDocument { place: String, reason: String },

    #[error(
        "the ledger is busy: another TradeSeal process holds the write lock; try again in a moment"
    )]
    Busy,

    #[error("cannot write to {path}: the folder or file is read-only; make it writable or use another --home")]
    ReadOnly { path: PathBuf },

    #[error("{what} not found: {hint}")]
    NotFound { what: String, hint: String },

    #[error("unusable checkpoint: {reason}")]
    BadCheckpoint { reason: String },

    #[error(
        "ledger storage failed: {0}; the ledger is unchanged, try again or run `tradeseal verify`"
    )]
    Storage(#[source] rusqlite::Error),

    #[error("the team ledger's database failed: {0}; the ledger is unchanged, try again or run `tradeseal verify`")]
    Database(String),

    #[error("cannot reach {what}: {reason}; check the connection string (--store or TRADESEAL_STORE), the network, and that the server runs")]
    Unreachable { what: String, reason: String },

    #[error("cancelled: nothing was changed")]
    Cancelled,

    #[error("{what} was changed elsewhere (another window or the CLI) since you opened it; your changes were not saved and are kept here: open it again to see the other changes, then make yours again")]
    EditConflict { what: String },

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::HomeMissing { .. } => ErrorCode::HomeMissing,
            Error::HomeExists { .. } => ErrorCode::HomeExists,
            Error::NotAHome { .. } => ErrorCode::NotAHome,
            Error::WrongPassphrase { .. } => ErrorCode::WrongPassphrase,
            Error::InvalidInput { .. } => ErrorCode::InvalidInput,
            Error::InvalidDocument { .. } => ErrorCode::InvalidDocument,
            Error::Busy => ErrorCode::Busy,
            Error::ReadOnly { .. } => ErrorCode::ReadOnly,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::BadCheckpoint { .. } => ErrorCode::BadCheckpoint,
            Error::Storage(_) | Error::Database(_) => ErrorCode::Storage,
            Error::Unreachable { .. } => ErrorCode::Unreachable,
            Error::Io { .. } => ErrorCode::Io,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::EditConflict { .. } => ErrorCode::EditConflict,
        }
    }

    /// The input field at fault, where one is, so a form can point at it.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidInput { field, .. } => Some(field),
            Error::WrongPassphrase { .. } => Some("passphrase"),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::ffi::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(C::DatabaseBusy) | Some(C::DatabaseLocked) => Error::Busy,
            _ => Error::Storage(e),
        }
    }
}

/// The error as the desktop UI receives it: a code to branch on, a message to show, and
/// the field to point at.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct UiError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
}

impl From<&Error> for UiError {
    fn from(e: &Error) -> UiError {
        UiError {
            code: e.code(),
            message: e.to_string(),
            field: e.field().map(str::to_string),
        }
    }
}
