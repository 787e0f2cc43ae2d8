//! The access-code lists two pages show (the event page's table and the printable ticket
//! sheet): the rows with their status, the status choice of their filters, and on the server
//! the query both run.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use streamgate_domain::model::{AccessCode, CodeStatus};

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

/// One `<option>` per code status, `current` selected.
pub fn status_options(current: String) -> impl IntoView {
    CodeStatus::ALL
        .into_iter()
        .map(|option| {
            view! {
                <option value=option.as_str() selected=option.as_str() == current>
                    {option.as_str()}
                </option>
            }
        })
        .collect_view()
}

/// A page of an event's codes: `status` one of the code statuses (else all), `search` in the
/// code or label, from `cursor` (the domain's keyset cursor, so deep pages stay fast).
#[cfg(feature = "ssr")]
pub async fn codes_page(
    event_id: uuid::Uuid,
    status: Option<String>,
    search: Option<String>,
    cursor: Option<String>,
    limit: u32,
) -> Result<CodesView, crate::api::AppError> {
    use crate::api::server;
    use streamgate_domain::model::{time, CodeQuery};

    let (domain, principal) = server::caller()?;
    let status = match status.as_deref().unwrap_or("") {
        "" | "all" => None,
        text => Some(
            CodeStatus::parse(text).ok_or_else(|| server::invalid("status", "unknown status"))?,
        ),
    };
    let query = CodeQuery {
        event_id: Some(event_id),
        status,
        search,
        page: server::page_request(cursor, limit),
    };
    let page = domain.codes().list(&principal, query).await?;
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
