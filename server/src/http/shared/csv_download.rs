//! The codes CSV as a download: the rows are tickets, named after their event.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use streamgate_domain::{
    model::{time, AccessCode, Event},
    service::codes_csv,
};

/// The codes CSV as a download named after the event.
pub fn csv_download(event: &Event, codes: &[AccessCode]) -> Response {
    let body = codes_csv(codes, time::now());
    let disposition = format!("attachment; filename=\"{}-codes.csv\"", file_stem(event));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            // The rows are tickets: no shared cache keeps them.
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// The event's title as a file name: ASCII letters and digits, words joined by `-`, at most
/// 60 characters; `event-<id>` when nothing of the title is left.
fn file_stem(event: &Event) -> String {
    let mut stem = String::new();
    for word in event
        .title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        if stem.len() + word.len() + 1 > 60 {
            break;
        }
        if !stem.is_empty() {
            stem.push('-');
        }
        stem.push_str(&word.to_ascii_lowercase());
    }
    if stem.is_empty() {
        format!("event-{}", event.id.simple())
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn event(title: &str) -> Event {
        let at = "2025-03-15T09:00:00.000Z";
        serde_json::from_value(serde_json::json!({
            "id": Uuid::nil(), "title": title, "startsAt": at, "endsAt": at,
            "accessWindowHours": 48, "isActive": true, "isArchived": false,
            "createdAt": at, "updatedAt": at,
        }))
        .expect("an event")
    }

    #[test]
    fn file_names_are_ascii_and_never_empty() {
        assert_eq!(
            file_stem(&event("Annual Conference 2025")),
            "annual-conference-2025"
        );
        assert_eq!(
            file_stem(&event("\"Ünïcode\"; rm -rf / ✨")),
            "n-code-rm-rf"
        );
        assert_eq!(
            file_stem(&event("✨✨")),
            "event-00000000000000000000000000000000"
        );
        assert!(file_stem(&event(&"word ".repeat(40))).len() <= 60);
    }
}
