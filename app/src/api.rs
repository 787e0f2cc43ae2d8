//! What every server function shares: the error the dashboard shows, and (on the server) who is
//! calling, from where, and how a domain error becomes that error. The server functions
//! themselves sit beside the pages that call them; permission checks happen in the domain, as
//! for every other door.
//!
//! Server functions live under `/_rpc/`, not Leptos's default `/api/`, so they can never collide
//! with the REST families under `/api` (seed 002's paths and `/api/v1`).

use leptos::{prelude::*, server_fn::codec::JsonEncoding};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod server;

/// What a server function can fail with, as the dashboard shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Your session has ended. Please sign in again.")]
    Unauthenticated,
    #[error("You don't have permission to do this (needs {0}).")]
    Forbidden(String),
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{0} not found.")]
    NotFound(String),
    /// The change would take the account past a quota.
    #[error("{}", .0.explanation())]
    QuotaExceeded(streamgate_domain::model::QuotaExceeded),
    #[error("{0}")]
    Server(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Server(value.to_string())
    }
}
