//! What the two event doors (seed 002's `/api/admin`, seed 001's `/api/v1`) share: request
//! bodies whose errors name the field, and list filters and paging from the query string. Input problems are [`DomainError::Validation`]s, so each door renders
//! them in its own wire format with the same 400.

use axum::{
    extract::rejection::{JsonRejection, QueryRejection},
    Json,
};
use serde::{Deserialize, Deserializer};
use streamgate_domain::{
    model::{time, CodeQuery, CodeStatus, EventPatch, EventQuery, NewCodes, NewEvent, PageRequest},
    DomainError,
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A JSON body, or a 400 saying what is wrong with it (serde's message names the field).
pub fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, DomainError> {
    body.map(|Json(value)| value).map_err(|rejection| {
        let text = rejection.body_text();
        let text = text
            .strip_prefix("Failed to deserialize the JSON body into the target type: ")
            .unwrap_or(&text)
            .to_owned();
        DomainError::validation("body", text)
    })
}

/// The query string's parameters, or a 400.
pub fn query_params(
    query: Result<axum::extract::Query<ListParams>, QueryRejection>,
) -> Result<ListParams, DomainError> {
    query
        .map(|axum::extract::Query(params)| params)
        .map_err(|rejection| DomainError::validation("query", rejection.body_text()))
}

/// A field that is present, `null` or not: `Some(None)` for `null`, absent stays `None`.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// An RFC 3339 time the caller sent in `field`.
pub fn parse_time(
    field: &'static str,
    text: &str,
) -> Result<chrono::DateTime<chrono::Utc>, DomainError> {
    time::parse(text).ok_or_else(|| {
        DomainError::validation(
            field,
            format!("{field} must be an RFC 3339 time, e.g. 2025-03-15T09:00:00.000Z"),
        )
    })
}

fn required_time(
    field: &'static str,
    text: Option<String>,
) -> Result<chrono::DateTime<chrono::Utc>, DomainError> {
    let text =
        text.ok_or_else(|| DomainError::validation(field, format!("{field} is required")))?;
    parse_time(field, &text)
}

/// `POST …/events`: seed 002's create body, plus `accountId` (the superadmin names the account;
/// members may leave it out).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventBody {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    stream_url: Option<String>,
    #[serde(default)]
    poster_url: Option<String>,
    #[serde(default)]
    starts_at: Option<String>,
    #[serde(default)]
    ends_at: Option<String>,
    #[serde(default)]
    access_window_hours: Option<i32>,
    #[serde(default)]
    public_playback: Option<bool>,
    #[serde(default)]
    tip_alerts: Option<bool>,
    #[serde(default)]
    pub account_id: Option<Uuid>,
}

impl EventBody {
    /// The domain's input; the times are checked here so a bad one names its field.
    pub fn new_event(self) -> Result<NewEvent, DomainError> {
        Ok(NewEvent {
            title: self.title.unwrap_or_default(),
            description: self.description,
            stream_url: self.stream_url,
            poster_url: self.poster_url,
            starts_at: required_time("startsAt", self.starts_at)?,
            ends_at: required_time("endsAt", self.ends_at)?,
            access_window_hours: self.access_window_hours,
            public_playback: self.public_playback.unwrap_or(false),
            tip_alerts: self.tip_alerts.unwrap_or(false),
        })
    }
}

/// `PUT …/events/:id`: any subset of the event's fields; `null` clears the optional texts.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventPatchBody {
    #[serde(default)]
    title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    stream_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    poster_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    starts_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    ends_at: Option<Option<String>>,
    #[serde(default)]
    access_window_hours: Option<i32>,
    #[serde(default)]
    is_active: Option<bool>,
    #[serde(default)]
    is_archived: Option<bool>,
    #[serde(default)]
    public_playback: Option<bool>,
    #[serde(default)]
    tip_alerts: Option<bool>,
}

impl EventPatchBody {
    pub fn patch(self) -> Result<EventPatch, DomainError> {
        let time = |field: &'static str, value: Option<Option<String>>| match value {
            None => Ok(None),
            Some(None) => Err(DomainError::validation(
                field,
                format!("{field} cannot be null"),
            )),
            Some(Some(text)) => parse_time(field, &text).map(Some),
        };
        Ok(EventPatch {
            title: self.title,
            description: self.description,
            stream_url: self.stream_url,
            poster_url: self.poster_url,
            starts_at: time("startsAt", self.starts_at)?,
            ends_at: time("endsAt", self.ends_at)?,
            access_window_hours: self.access_window_hours,
            is_active: self.is_active,
            is_archived: self.is_archived,
            public_playback: self.public_playback,
            tip_alerts: self.tip_alerts,
        })
    }
}

/// `POST …/tokens` (`…/codes`): how many codes and their label.
#[derive(Deserialize, ToSchema)]
pub struct CodesBody {
    count: i64,
    #[serde(default)]
    label: Option<String>,
}

impl From<CodesBody> for NewCodes {
    fn from(body: CodesBody) -> Self {
        NewCodes {
            count: body.count,
            label: body.label,
        }
    }
}

/// `POST …/bulk-revoke`: seed 002 names the list `tokenIds`; `/api/v1` also takes `codeIds`.
#[derive(Deserialize, ToSchema)]
pub struct BulkRevokeBody {
    #[serde(rename = "tokenIds", alias = "codeIds")]
    pub code_ids: Vec<Uuid>,
}

/// List filters and paging, all as text so each bad value gets a 400 naming its parameter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    status: Option<String>,
    search: Option<String>,
    event_id: Option<String>,
    #[serde(alias = "isActive")]
    active: Option<String>,
    #[serde(alias = "isArchived")]
    archived: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
    cursor: Option<String>,
}

impl ListParams {
    /// `limit` (1–500, default 50), then `cursor` (from a previous page's `nextCursor`) or
    /// `offset`.
    pub fn page(&self) -> Result<PageRequest, DomainError> {
        let limit = match self.limit.as_deref().map(str::trim) {
            None | Some("") => PageRequest::DEFAULT_LIMIT,
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|limit| (1..=PageRequest::MAX_LIMIT).contains(limit))
                .ok_or_else(|| {
                    DomainError::validation(
                        "limit",
                        format!("limit must be between 1 and {}", PageRequest::MAX_LIMIT),
                    )
                })?,
        };
        let offset = match self.offset.as_deref().map(str::trim) {
            None | Some("") => 0,
            Some(text) => text.parse::<u32>().map_err(|_| {
                DomainError::validation("offset", "offset must be a whole number, 0 or more")
            })?,
        };
        let cursor = self
            .cursor
            .as_deref()
            .map(str::trim)
            .filter(|cursor| !cursor.is_empty())
            .map(str::to_owned);
        Ok(PageRequest {
            limit,
            offset,
            cursor,
        })
    }

    /// Codes of `event_id` (from the path) or of the `eventId` parameter, with `status` and
    /// `search`.
    pub fn code_query(&self, event_id: Option<Uuid>) -> Result<CodeQuery, DomainError> {
        let event_id =
            match event_id {
                Some(id) => Some(id),
                None => match self.event_id.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(text) => Some(Uuid::try_parse(text).map_err(|_| {
                        DomainError::validation("eventId", "eventId must be a UUID")
                    })?),
                },
            };
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(
                CodeStatus::parse(&text.to_ascii_lowercase()).ok_or_else(|| {
                    DomainError::validation(
                        "status",
                        "status must be one of unused, redeemed, revoked, expired",
                    )
                })?,
            ),
        };
        Ok(CodeQuery {
            event_id,
            status,
            search: self.search.clone(),
            page: self.page()?,
        })
    }

    /// Events matching `search`, `active` and `archived`.
    pub fn event_query(&self) -> Result<EventQuery, DomainError> {
        Ok(EventQuery {
            search: self.search.clone(),
            is_active: flag("active", self.active.as_deref())?,
            is_archived: flag("archived", self.archived.as_deref())?,
            page: self.page()?,
        })
    }
}

fn flag(field: &'static str, text: Option<&str>) -> Result<Option<bool>, DomainError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some("true") | Some("1") => Ok(Some(true)),
        Some("false") | Some("0") => Ok(Some(false)),
        Some(_) => Err(DomainError::validation(
            field,
            format!("{field} must be true or false"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_and_filters_name_the_bad_parameter() {
        let field = |params: ListParams| match params.code_query(None) {
            Err(DomainError::Validation { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        let params = |f: fn(&mut ListParams)| {
            let mut params = ListParams::default();
            f(&mut params);
            params
        };
        assert_eq!(field(params(|p| p.limit = Some("0".into()))), "limit");
        assert_eq!(field(params(|p| p.limit = Some("501".into()))), "limit");
        assert_eq!(field(params(|p| p.offset = Some("-1".into()))), "offset");
        assert_eq!(field(params(|p| p.status = Some("used".into()))), "status");
        assert_eq!(field(params(|p| p.event_id = Some("42".into()))), "eventId");
        let query = params(|p| {
            p.limit = Some("500".into());
            p.status = Some("Revoked".into());
        })
        .code_query(None)
        .unwrap();
        assert_eq!(query.page.limit, 500);
        assert_eq!(query.status, Some(CodeStatus::Revoked));
        assert_eq!(
            ListParams::default().page().unwrap(),
            PageRequest::default()
        );
    }
}
