//! Server functions: the calls pages make to the server. Each finds the caller (resolved by the
//! server's middleware from the session cookie), calls one domain service, and maps the error.
//! Permission checks happen in the domain, as for every other door.

use leptos::{prelude::*, server_fn::codec::JsonEncoding};
use serde::{Deserialize, Serialize};
use streamgate_domain::model::{
    AccessCode, Account, CodeStatus, DashboardStats, Event, EventSummary, Me, Member, Page, Role,
};
use uuid::Uuid;

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
    #[error("{0}")]
    Server(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Server(value.to_string())
    }
}

/// The users page's data: which account is shown, its members, and (for the superadmin) the
/// accounts to choose from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersView {
    pub account_id: Uuid,
    pub accounts: Vec<Account>,
    pub members: Vec<Member>,
}

// Server functions live under `/_rpc/`, not Leptos's default `/api/`, so they can never collide
// with the REST families under `/api` (seed 002's paths and `/api/v1`).

/// Who is signed in.
#[server(prefix = "/_rpc", endpoint = "auth/me")]
pub async fn current_user() -> Result<Me, AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .auth()
        .me(&principal)
        .await
        .map_err(server::app_error)
}

#[server(prefix = "/_rpc", endpoint = "events/list")]
pub async fn list_events() -> Result<Vec<Event>, AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .events()
        .list(&principal)
        .await
        .map_err(server::app_error)
}

/// The members of the caller's account; the superadmin picks `account` (default: the first).
/// A member naming another account gets "not found".
#[server(prefix = "/_rpc", endpoint = "users/list")]
pub async fn list_users(account: Option<Uuid>) -> Result<UsersView, AppError> {
    let (domain, principal) = server::caller()?;
    let accounts = domain
        .accounts()
        .accounts(&principal)
        .await
        .map_err(server::app_error)?;
    // The account asked for, else the first the caller can see (a member's own).
    let account_id = account
        .or_else(|| accounts.first().map(|account| account.id))
        .ok_or_else(|| AppError::NotFound("Account".into()))?;
    let members = domain
        .accounts()
        .members(&principal, Some(account_id))
        .await
        .map_err(server::app_error)?;
    Ok(UsersView {
        account_id,
        accounts,
        members,
    })
}

#[server(prefix = "/_rpc", endpoint = "users/add")]
pub async fn add_user(
    account_id: Uuid,
    email: String,
    password: String,
    role: Role,
) -> Result<Member, AppError> {
    let (domain, principal) = server::caller()?;
    let input = streamgate_domain::model::NewMember {
        email,
        password,
        role,
    };
    domain
        .accounts()
        .add_member(&principal, Some(account_id), input, server::client_ip())
        .await
        .map_err(server::app_error)
}

#[server(prefix = "/_rpc", endpoint = "users/role")]
pub async fn set_user_role(user_id: Uuid, role: Role) -> Result<Member, AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .accounts()
        .change_role(&principal, user_id, role, server::client_ip())
        .await
        .map_err(server::app_error)
}

#[server(prefix = "/_rpc", endpoint = "users/active")]
pub async fn set_user_active(user_id: Uuid, active: bool) -> Result<Member, AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .accounts()
        .set_active(&principal, user_id, active, server::client_ip())
        .await
        .map_err(server::app_error)
}

/// Changes the caller's own password. Their session ends with it (credentials changed), so the
/// page sends them to sign in again.
#[server(prefix = "/_rpc", endpoint = "auth/password")]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .accounts()
        .change_own_password(&principal, &current, &new, server::client_ip())
        .await
        .map_err(server::app_error)
}

/// The events list page: one page of the caller's events, and the accounts a new event may go
/// to (more than one only for the superadmin).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsView {
    pub page: Page<EventSummary>,
    pub accounts: Vec<Account>,
}

/// An access code with its status as of the server's clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRow {
    pub code: AccessCode,
    pub status: CodeStatus,
}

/// One page of an event's codes, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodesView {
    pub rows: Vec<CodeRow>,
    pub total: i64,
    pub next_cursor: Option<String>,
}

/// The printable ticket sheet: the event's title and the codes to print.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSheet {
    pub event: Event,
    pub codes: CodesView,
}

/// Codes per page of the event page's table.
pub const CODES_PER_PAGE: u32 = 50;
/// Codes per printed ticket sheet.
pub const TICKETS_PER_SHEET: u32 = 100;
/// Events per page of the events list.
pub const EVENTS_PER_PAGE: u32 = 25;

/// The overview's stat cards.
#[server(prefix = "/_rpc", endpoint = "events/dashboard")]
pub async fn get_dashboard() -> Result<DashboardStats, AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .events()
        .dashboard(&principal)
        .await
        .map_err(server::app_error)
}

/// A page of events: `search` in the title, `filter` one of `active`, `inactive`, `archived`
/// (anything else: all), from `cursor` (a previous page's `next_cursor`).
#[server(prefix = "/_rpc", endpoint = "events/search")]
pub async fn search_events(
    search: Option<String>,
    filter: Option<String>,
    cursor: Option<String>,
) -> Result<EventsView, AppError> {
    use streamgate_domain::model::{EventQuery, PageRequest};
    let (domain, principal) = server::caller()?;
    let (is_active, is_archived) = match filter.as_deref() {
        Some("active") => (Some(true), Some(false)),
        Some("inactive") => (Some(false), Some(false)),
        Some("archived") => (None, Some(true)),
        _ => (None, None),
    };
    let query = EventQuery {
        search,
        is_active,
        is_archived,
        page: PageRequest {
            cursor: cursor.filter(|cursor| !cursor.is_empty()),
            ..PageRequest::first(EVENTS_PER_PAGE)
        },
    };
    let page = domain
        .events()
        .list_summaries(&principal, query)
        .await
        .map_err(server::app_error)?;
    let accounts = domain
        .accounts()
        .accounts(&principal)
        .await
        .map_err(server::app_error)?;
    Ok(EventsView { page, accounts })
}

/// One event with its code count.
#[server(prefix = "/_rpc", endpoint = "events/get")]
pub async fn get_event(id: Uuid) -> Result<EventSummary, AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .events()
        .get_summary(&principal, id)
        .await
        .map_err(server::app_error)
}

pub use event_forms::*;

/// The event form's two calls take one argument per form field, which is how server functions
/// read forms; the browser-side stubs the `#[server]` macro writes cannot carry an `allow`.
#[allow(clippy::too_many_arguments)]
mod event_forms {
    use super::*;

    /// A new event. Times are UTC, as `datetime-local` inputs send them (`2025-03-15T09:00`) or
    /// RFC 3339. `account_id` is for the superadmin; members create in their own account.
    #[server(prefix = "/_rpc", endpoint = "events/create")]
    pub async fn create_event(
        account_id: Option<String>,
        title: String,
        description: Option<String>,
        stream_url: Option<String>,
        poster_url: Option<String>,
        starts_at: String,
        ends_at: String,
        access_window_hours: Option<String>,
    ) -> Result<Event, AppError> {
        let (domain, principal) = server::caller()?;
        let asked = match account_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(
                text.parse::<Uuid>()
                    .map_err(|_| server::invalid("accountId", "choose an account"))?,
            ),
        };
        let account_id = domain
            .accounts()
            .acting_account(&principal, asked)
            .map_err(server::app_error)?;
        let input = streamgate_domain::model::NewEvent {
            title,
            description,
            stream_url,
            poster_url,
            starts_at: server::form_time("startsAt", &starts_at)?,
            ends_at: server::form_time("endsAt", &ends_at)?,
            access_window_hours: server::form_hours(access_window_hours.as_deref())?,
        };
        domain
            .events()
            .create(&principal, account_id, input, server::client_ip())
            .await
            .map_err(server::app_error)
    }

    /// Changes an event's fields (every field of the edit form; blank optional fields clear).
    #[server(prefix = "/_rpc", endpoint = "events/update")]
    pub async fn update_event(
        id: Uuid,
        title: String,
        description: Option<String>,
        stream_url: Option<String>,
        poster_url: Option<String>,
        starts_at: String,
        ends_at: String,
        access_window_hours: Option<String>,
    ) -> Result<Event, AppError> {
        let (domain, principal) = server::caller()?;
        let patch = streamgate_domain::model::EventPatch {
            title: Some(title),
            description: Some(description),
            stream_url: Some(stream_url),
            poster_url: Some(poster_url),
            starts_at: Some(server::form_time("startsAt", &starts_at)?),
            ends_at: Some(server::form_time("endsAt", &ends_at)?),
            access_window_hours: server::form_hours(access_window_hours.as_deref())?,
            ..Default::default()
        };
        domain
            .events()
            .update(&principal, id, patch, server::client_ip())
            .await
            .map_err(server::app_error)
    }
}

/// `activate`, `deactivate`, `archive` or `unarchive`.
#[server(prefix = "/_rpc", endpoint = "events/switch")]
pub async fn switch_event(id: Uuid, switch: String) -> Result<Event, AppError> {
    use streamgate_domain::service::EventSwitch;
    let (domain, principal) = server::caller()?;
    let switch = match switch.as_str() {
        "activate" => EventSwitch::Activate,
        "deactivate" => EventSwitch::Deactivate,
        "archive" => EventSwitch::Archive,
        "unarchive" => EventSwitch::Unarchive,
        _ => return Err(server::invalid("switch", "unknown switch")),
    };
    domain
        .events()
        .switch(&principal, id, switch, server::client_ip())
        .await
        .map_err(server::app_error)
}

/// Deletes an event with its codes, once `confirm` repeats the event's title exactly.
#[server(prefix = "/_rpc", endpoint = "events/delete")]
pub async fn delete_event(id: Uuid, confirm: String) -> Result<(), AppError> {
    let (domain, principal) = server::caller()?;
    let event = domain
        .events()
        .get(&principal, id)
        .await
        .map_err(server::app_error)?;
    if confirm != event.title {
        return Err(server::invalid(
            "confirm",
            "type the event's title exactly to delete it",
        ));
    }
    domain
        .events()
        .delete(&principal, id, server::client_ip())
        .await
        .map_err(server::app_error)
}

/// A page of an event's codes: `status` one of the code statuses (else all), `search` in the
/// code or label, from `cursor` (the domain's keyset cursor, so deep pages stay fast).
#[server(prefix = "/_rpc", endpoint = "codes/list")]
pub async fn list_codes(
    event_id: Uuid,
    status: Option<String>,
    search: Option<String>,
    cursor: Option<String>,
) -> Result<CodesView, AppError> {
    let (domain, principal) = server::caller()?;
    server::codes_page(
        &domain,
        &principal,
        event_id,
        status,
        search,
        cursor,
        CODES_PER_PAGE,
    )
    .await
}

/// The printable ticket sheet: up to [`TICKETS_PER_SHEET`] codes of the event (default: the
/// unused ones) from `cursor`.
#[server(prefix = "/_rpc", endpoint = "codes/tickets")]
pub async fn get_ticket_sheet(
    event_id: Uuid,
    status: Option<String>,
    search: Option<String>,
    cursor: Option<String>,
) -> Result<TicketSheet, AppError> {
    let (domain, principal) = server::caller()?;
    let event = domain
        .events()
        .get(&principal, event_id)
        .await
        .map_err(server::app_error)?;
    let status = status.or_else(|| Some(CodeStatus::Unused.as_str().to_owned()));
    let codes = server::codes_page(
        &domain,
        &principal,
        event_id,
        status,
        search,
        cursor,
        TICKETS_PER_SHEET,
    )
    .await?;
    Ok(TicketSheet { event, codes })
}

/// Mints `count` (1–500) codes for an event, sharing an optional label.
#[server(prefix = "/_rpc", endpoint = "codes/generate")]
pub async fn generate_codes(
    event_id: Uuid,
    count: String,
    label: Option<String>,
) -> Result<Vec<AccessCode>, AppError> {
    let (domain, principal) = server::caller()?;
    let count = count
        .trim()
        .parse::<i64>()
        .map_err(|_| server::invalid("count", "Count must be a whole number from 1 to 500"))?;
    let input = streamgate_domain::model::NewCodes { count, label };
    domain
        .codes()
        .generate(&principal, event_id, input, server::client_ip())
        .await
        .map_err(server::app_error)
}

#[server(prefix = "/_rpc", endpoint = "codes/revoke")]
pub async fn revoke_code(id: Uuid) -> Result<AccessCode, AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .codes()
        .revoke(&principal, id, server::client_ip())
        .await
        .map_err(server::app_error)
}

#[server(prefix = "/_rpc", endpoint = "codes/unrevoke")]
pub async fn unrevoke_code(id: Uuid) -> Result<AccessCode, AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .codes()
        .unrevoke(&principal, id, server::client_ip())
        .await
        .map_err(server::app_error)
}

/// Revokes the selected codes; answers how many it revoked (already revoked ones are skipped).
#[server(prefix = "/_rpc", endpoint = "codes/bulk-revoke", input = server_fn::codec::Json)]
pub async fn bulk_revoke_codes(ids: Vec<Uuid>) -> Result<u64, AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .codes()
        .bulk_revoke(&principal, &ids, server::client_ip())
        .await
        .map_err(server::app_error)
}

#[cfg(feature = "ssr")]
mod server {
    use std::net::{IpAddr, SocketAddr};

    use axum::{
        extract::ConnectInfo,
        http::{request::Parts, StatusCode},
    };
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;
    use streamgate_domain::{model::Principal, service::Domain, DomainError};

    use chrono::{DateTime, NaiveDateTime, Utc};
    use streamgate_domain::model::{time, CodeQuery, CodeStatus, PageRequest};
    use uuid::Uuid;

    use super::{AppError, CodeRow, CodesView};

    /// The domain and the signed-in caller; the server's middleware put the caller into the
    /// request's extensions.
    pub fn caller() -> Result<(Domain, Principal), AppError> {
        let domain = use_context::<Domain>()
            .ok_or_else(|| AppError::Server("the domain is not available".into()))?;
        let principal =
            use_context::<Parts>().and_then(|parts| parts.extensions.get::<Principal>().cloned());
        match principal {
            Some(principal) => Ok((domain, principal)),
            None => {
                set_call_status(StatusCode::UNAUTHORIZED);
                Err(AppError::Unauthenticated)
            }
        }
    }

    /// Gives a failed server-function call (`/_rpc/…`) the status its error deserves; a page
    /// rendering on the server keeps its own.
    fn set_call_status(status: StatusCode) {
        let is_call =
            use_context::<Parts>().is_some_and(|parts| parts.uri.path().starts_with("/_rpc/"));
        if let (true, Some(response)) = (is_call, use_context::<ResponseOptions>()) {
            response.set_status(status);
        }
    }

    pub fn client_ip() -> Option<IpAddr> {
        let parts = use_context::<Parts>()?;
        let ConnectInfo(addr) = parts.extensions.get::<ConnectInfo<SocketAddr>>()?;
        Some(addr.ip())
    }

    /// Validation, permission and not-found messages are safe to show; storage failures are
    /// logged and answered generically.
    pub fn app_error(err: DomainError) -> AppError {
        set_call_status(
            StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        );
        match err {
            DomainError::Validation { field, message }
            | DomainError::Conflict { field, message } => AppError::Invalid {
                field: field.into(),
                message,
            },
            DomainError::NotFound { what } => AppError::NotFound(what.into()),
            DomainError::Forbidden { permission } => AppError::Forbidden(permission.to_string()),
            DomainError::InvalidCredentials | DomainError::Unauthenticated { .. } => {
                AppError::Unauthenticated
            }
            // The dashboard's calls never play; a viewer's refusal is shown as it is worded.
            DomainError::Playback(refusal) => AppError::Server(refusal.to_string()),
            DomainError::Storage(cause) => {
                tracing::error!(error = %cause, "server function failed");
                AppError::Server("The server could not complete the request.".into())
            }
        }
    }

    /// A form value the page sent is not usable: answered like the domain's validation errors.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
        app_error(DomainError::validation(field, message))
    }

    /// A time from a form: a `datetime-local` value (taken as UTC) or RFC 3339.
    pub fn form_time(field: &'static str, text: &str) -> Result<DateTime<Utc>, AppError> {
        let text = text.trim();
        time::parse(text)
            .or_else(|| {
                [
                    "%Y-%m-%dT%H:%M",
                    "%Y-%m-%dT%H:%M:%S",
                    "%Y-%m-%dT%H:%M:%S%.f",
                ]
                .into_iter()
                .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
                .map(|at| at.and_utc())
            })
            .ok_or_else(|| invalid(field, format!("{field} must be a date and time")))
    }

    /// The access window from a form: blank keeps the default (or the current value).
    pub fn form_hours(text: Option<&str>) -> Result<Option<i32>, AppError> {
        match text.map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| {
                invalid(
                    "accessWindowHours",
                    "accessWindowHours must be between 1 and 168",
                )
            }),
        }
    }

    pub async fn codes_page(
        domain: &Domain,
        principal: &Principal,
        event_id: Uuid,
        status: Option<String>,
        search: Option<String>,
        cursor: Option<String>,
        limit: u32,
    ) -> Result<CodesView, AppError> {
        let status = match status.as_deref().unwrap_or("") {
            "" | "all" => None,
            text => {
                Some(CodeStatus::parse(text).ok_or_else(|| invalid("status", "unknown status"))?)
            }
        };
        let query = CodeQuery {
            event_id: Some(event_id),
            status,
            search,
            page: PageRequest {
                cursor: cursor.filter(|cursor| !cursor.is_empty()),
                ..PageRequest::first(limit)
            },
        };
        let page = domain
            .codes()
            .list(principal, query)
            .await
            .map_err(app_error)?;
        let now = time::now();
        Ok(CodesView {
            rows: page
                .items
                .into_iter()
                .map(|code| CodeRow {
                    status: code.status(now),
                    code,
                })
                .collect(),
            total: page.total,
            next_cursor: page.next_cursor,
        })
    }
}
