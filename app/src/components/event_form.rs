//! The event form, shared by "New event" on the events list and "Edit event" on the event
//! page: its fields in the browser, and on the server how the values it sends are read.

use leptos::prelude::*;
use streamgate_domain::model::{
    Event, DEFAULT_ACCESS_WINDOW_HOURS, MAX_ACCESS_WINDOW_HOURS, MIN_ACCESS_WINDOW_HOURS,
};

use super::alerts::{field_error, other_error};
use crate::api::AppError;

/// The domain's field names the event form shows errors next to.
const EVENT_FIELDS: [&str; 8] = [
    "title",
    "description",
    "startsAt",
    "endsAt",
    "accessWindowHours",
    "streamUrl",
    "posterUrl",
    "accountId",
];

/// The event form's fields, empty or holding `event`'s values. Each shows the domain's message
/// when the last submission was refused because of it.
#[component]
pub fn EventFields(
    prefix: &'static str,
    event: Option<Event>,
    errors: Signal<Option<AppError>>,
) -> impl IntoView {
    let value =
        |get: fn(&Event) -> Option<String>| event.as_ref().and_then(get).unwrap_or_default();
    let title = value(|e| Some(e.title.clone()));
    let description = value(|e| e.description.clone());
    let starts_at = value(|e| Some(form_time(&e.starts_at)));
    let ends_at = value(|e| Some(form_time(&e.ends_at)));
    let hours = value(|e| Some(e.access_window_hours.to_string()));
    let stream_url = value(|e| e.stream_url.clone());
    let poster_url = value(|e| e.poster_url.clone());
    let public = event.as_ref().is_some_and(|e| e.public_playback);
    let tip_alerts = event.as_ref().is_some_and(|e| e.tip_alerts);
    let hours_label = format!(
        "Access window after the end, in hours \
         ({MIN_ACCESS_WINDOW_HOURS}–{MAX_ACCESS_WINDOW_HOURS}, default \
         {DEFAULT_ACCESS_WINDOW_HOURS})"
    );
    let description_error = format!("{prefix}-description-error");

    view! {
        // Errors the fields below do not name (permission, storage) show above them.
        {other_error(errors, &EVENT_FIELDS)}
        <Field prefix key="title" field="title" errors label="Title" name="title" kind="text"
            maxlength="200" required=true value=title />
        <label for=format!("{prefix}-description")>"Description (optional)"</label>
        <textarea
            id=format!("{prefix}-description")
            name="description"
            rows="3"
            aria-invalid=move || is_named(errors, "description").to_string()
            aria-describedby=description_error.clone()
        >
            {description}
        </textarea>
        {field_error(errors, "description", description_error)}
        <Field prefix key="starts" field="startsAt" errors label="Starts (UTC)" name="starts_at"
            kind="datetime-local" required=true value=starts_at />
        <Field prefix key="ends" field="endsAt" errors label="Ends (UTC)" name="ends_at"
            kind="datetime-local" required=true value=ends_at />
        <Field prefix key="hours" field="accessWindowHours" errors label=hours_label
            name="access_window_hours" kind="number" min=MIN_ACCESS_WINDOW_HOURS
            max=MAX_ACCESS_WINDOW_HOURS value=hours />
        <Field prefix key="stream" field="streamUrl" errors
            label="Stream URL (optional, http or https)" name="stream_url" kind="url"
            value=stream_url />
        <Field prefix key="poster" field="posterUrl" errors label="Poster image URL (optional)"
            name="poster_url" kind="url" value=poster_url />
        <label class="checkbox" for=format!("{prefix}-public")>
            <input
                id=format!("{prefix}-public")
                name="public_playback"
                type="checkbox"
                value="true"
                checked=public
            />
            " Public: anyone with the link can watch, without a code"
        </label>
        <label class="checkbox" for=format!("{prefix}-tip-alerts")>
            <input
                id=format!("{prefix}-tip-alerts")
                name="tip_alerts"
                type="checkbox"
                value="true"
                checked=tip_alerts
            />
            " Tip alerts: viewers see StreamElements tips over the player while it is live"
        </label>
    }
}

/// One `<input>` of the form with its label and its error: ids `<prefix>-<key>` and
/// `<prefix>-<key>-error`; `field` is the domain's name for it.
#[component]
fn Field(
    prefix: &'static str,
    key: &'static str,
    field: &'static str,
    errors: Signal<Option<AppError>>,
    #[prop(into)] label: String,
    name: &'static str,
    kind: &'static str,
    #[prop(optional)] maxlength: Option<&'static str>,
    #[prop(optional)] min: Option<i32>,
    #[prop(optional)] max: Option<i32>,
    #[prop(optional)] required: bool,
    value: String,
) -> impl IntoView {
    let id = format!("{prefix}-{key}");
    let error_id = format!("{prefix}-{key}-error");
    view! {
        <label for=id.clone()>{label}</label>
        <input
            id=id
            name=name
            type=kind
            maxlength=maxlength
            min=min.map(|min| min.to_string())
            max=max.map(|max| max.to_string())
            required=required
            value=value
            aria-invalid=move || is_named(errors, field).to_string()
            aria-describedby=error_id.clone()
        />
        {field_error(errors, field, error_id)}
    }
}

/// Whether the latest refusal names `field`.
fn is_named(errors: Signal<Option<AppError>>, field: &str) -> bool {
    errors.with(|err| matches!(err, Some(AppError::Invalid { field: f, .. }) if f == field))
}

/// A `datetime-local` value (UTC, minutes).
fn form_time(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M").to_string()
}

/// What the form sends, read on the server (the domain checks the values themselves).
#[cfg(feature = "ssr")]
pub mod read {
    use chrono::{DateTime, NaiveDateTime, Utc};
    use streamgate_domain::model::{time, MAX_ACCESS_WINDOW_HOURS, MIN_ACCESS_WINDOW_HOURS};

    use crate::api::{server::invalid, AppError};

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

    /// A checkbox: sent (with any value) when ticked, absent otherwise.
    pub fn form_flag(value: Option<&str>) -> bool {
        value.is_some()
    }

    /// The access window from a form: blank keeps the default (or the current value).
    pub fn form_hours(text: Option<&str>) -> Result<Option<i32>, AppError> {
        match text.map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| {
                invalid(
                    "accessWindowHours",
                    format!(
                        "accessWindowHours must be between {MIN_ACCESS_WINDOW_HOURS} and \
                         {MAX_ACCESS_WINDOW_HOURS}"
                    ),
                )
            }),
        }
    }
}
