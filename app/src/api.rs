//! Server functions: the calls pages make to the server. Each gets the domain handle from the
//! request context, calls one service, and maps the error.

use leptos::prelude::*;
use streamgate_domain::model::Event;

// Server functions live under `/_rpc/`, not Leptos's default `/api/`, so they can never collide
// with the REST families under `/api` (seed 002's paths and `/api/v1`).
#[server(prefix = "/_rpc", endpoint = "events/list")]
pub async fn list_events() -> Result<Vec<Event>, ServerFnError> {
    let domain = expect_context::<streamgate_domain::service::Domain>();
    domain
        .events()
        .list()
        .await
        .map_err(server::into_server_error)
}

#[cfg(feature = "ssr")]
mod server {
    use leptos::prelude::ServerFnError;
    use streamgate_domain::DomainError;

    /// Validation and not-found messages are safe to show; storage failures are logged and
    /// answered generically.
    pub fn into_server_error(err: DomainError) -> ServerFnError {
        match err {
            DomainError::Storage(cause) => {
                tracing::error!(error = %cause, "server function failed");
                ServerFnError::ServerError("The server could not complete the request.".into())
            }
            other => ServerFnError::ServerError(other.to_string()),
        }
    }
}
