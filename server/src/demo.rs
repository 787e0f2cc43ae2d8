//! `serve --demo`: a demo event that is live now, with codes ready and a looping stream, so that
//! a newcomer watches something on the first run. The event is remembered in the settings and
//! reused at every start, so the flag is safe to leave on.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    path::Path,
};

use chrono::{DateTime, Duration, Utc};
use streamgate_domain::{
    model::{
        time, AccessCode, CodeQuery, CodeStatus, Event, EventPatch, EventStatus, NewCodes,
        NewEvent, PageRequest,
    },
    service::Domain,
    DomainError,
};
use url::Url;
use uuid::Uuid;

use crate::workers::demo_stream::DemoStream;

/// The setting that remembers which event is the demo.
const EVENT_SETTING: &str = "demo_event_id";
const TITLE: &str = "StreamGate demo";
const DESCRIPTION: &str = "A test pattern with a tone, looping live. This is what your viewers \
    see; the event, its codes and its viewers are in the dashboard.";
const CODE_LABEL: &str = "Demo";
/// Codes minted with a new demo event.
const CODES: i64 = 5;

/// Why the demo could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{0}")]
    Domain(#[from] DomainError),
    #[error("cannot write its stream: {0}")]
    Stream(#[from] std::io::Error),
}

/// The demo, ready to watch.
pub struct Demo {
    pub event: Event,
    /// A code nobody has used yet.
    pub code: AccessCode,
    /// Its stream, to be kept moving.
    pub stream: DemoStream,
}

/// Makes sure the demo event is live with a code ready, and writes its stream's first window
/// into `<stream_root>/<event id>/`.
pub async fn start(domain: &Domain, stream_root: &Path) -> Result<Demo, DemoError> {
    let event = live_event(domain, time::now()).await?;
    let code = ready_code(domain, event.id).await?;
    let stream = DemoStream::start(
        stream_root.join(event.id.to_string()),
        event.starts_at.into(),
    )
    .await?;
    Ok(Demo {
        event,
        code,
        stream,
    })
}

impl Demo {
    /// The line a newcomer looks for: where to watch, with the code filled in.
    pub fn announce(&self, public_url: Option<&Url>, app_addr: SocketAddr) {
        let base = browser_base(public_url, app_addr);
        tracing::info!(
            event_id = %self.event.id,
            "demo: watch at {base}/?code={code} (organizers sign in at {base}/admin/login)",
            code = self.code.code,
        );
    }
}

/// The remembered demo event, made live again if it is not (or not for another day); a new one
/// when there is none yet or it was deleted.
async fn live_event(domain: &Domain, now: DateTime<Utc>) -> Result<Event, DomainError> {
    let remembered = domain
        .store()
        .setting(EVENT_SETTING)
        .await?
        .and_then(|id| Uuid::parse_str(&id).ok());
    let (starts_at, ends_at) = live_times(now);
    if let Some(id) = remembered {
        match domain.events().get_as_operator(id).await {
            Ok(event) if plays_for_another_day(&event, now) => return Ok(event),
            Ok(_) => {
                tracing::info!(event_id = %id, "demo: event made live again");
                let patch = EventPatch {
                    starts_at: Some(starts_at),
                    ends_at: Some(ends_at),
                    is_active: Some(true),
                    is_archived: Some(false),
                    ..EventPatch::default()
                };
                return domain.events().update_as_operator(id, patch).await;
            }
            // Deleted in the dashboard: a new event replaces it.
            Err(DomainError::NotFound { .. }) => {}
            Err(err) => return Err(err),
        }
    }
    let event = domain
        .events()
        .create_as_operator(
            None,
            NewEvent {
                title: TITLE.into(),
                description: Some(DESCRIPTION.into()),
                starts_at,
                ends_at,
                ..NewEvent::default()
            },
        )
        .await?;
    domain
        .store()
        .put_setting(EVENT_SETTING, &event.id.to_string())
        .await?;
    domain
        .codes()
        .generate_as_operator(
            event.id,
            NewCodes {
                count: CODES,
                label: Some(CODE_LABEL.into()),
            },
        )
        .await?;
    tracing::info!(event_id = %event.id, "demo: event created");
    Ok(event)
}

/// Started a minute ago, ending in a week.
fn live_times(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (now - Duration::minutes(1), now + Duration::days(7))
}

/// Whether viewers can watch it live for at least another day, so it never ends under them.
fn plays_for_another_day(event: &Event, now: DateTime<Utc>) -> bool {
    event.is_active
        && !event.is_archived
        && EventStatus::of(event, now) == EventStatus::Live
        && event.ends_at - now >= Duration::days(1)
}

/// A code nobody has used yet, so it is not in use on another device; a new one when every
/// code has been used, revoked or has expired.
async fn ready_code(domain: &Domain, event_id: Uuid) -> Result<AccessCode, DomainError> {
    let unused = domain
        .codes()
        .list_as_operator(CodeQuery {
            event_id: Some(event_id),
            status: Some(CodeStatus::Unused),
            page: PageRequest::first(1),
            ..CodeQuery::default()
        })
        .await?;
    if let Some(code) = unused.items.into_iter().next() {
        return Ok(code);
    }
    let minted = domain
        .codes()
        .generate_as_operator(
            event_id,
            NewCodes {
                count: 1,
                label: Some(CODE_LABEL.into()),
            },
        )
        .await?;
    Ok(minted
        .into_iter()
        .next()
        .expect("a batch of one holds one code"))
}

/// The app's address as a browser on this machine reaches it: the public URL when configured,
/// else the listener, a wildcard address standing for loopback.
fn browser_base(public_url: Option<&Url>, app_addr: SocketAddr) -> String {
    if let Some(url) = public_url {
        return url.origin().ascii_serialization();
    }
    let ip = match app_addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, app_addr.port()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_viewer_url_is_one_a_browser_here_can_open() {
        let addr = |text: &str| text.parse::<SocketAddr>().unwrap();
        assert_eq!(
            browser_base(None, addr("127.0.0.1:3000")),
            "http://127.0.0.1:3000"
        );
        assert_eq!(
            browser_base(None, addr("0.0.0.0:3000")),
            "http://127.0.0.1:3000"
        );
        assert_eq!(browser_base(None, addr("[::]:8080")), "http://[::1]:8080");
        let public = Url::parse("https://live.example.com/").unwrap();
        assert_eq!(
            browser_base(Some(&public), addr("0.0.0.0:3000")),
            "https://live.example.com"
        );
    }

    #[test]
    fn only_a_live_event_with_a_day_left_is_kept_as_it_is() {
        let now = time::now();
        let (starts_at, ends_at) = live_times(now);
        let event = Event {
            id: Uuid::nil(),
            account_id: None,
            title: TITLE.into(),
            description: None,
            stream_url: None,
            poster_url: None,
            starts_at,
            ends_at,
            access_window_hours: 48,
            is_active: true,
            is_archived: false,
            created_at: now,
            updated_at: now,
        };
        assert!(plays_for_another_day(&event, now));
        assert!(!plays_for_another_day(
            &event,
            now + Duration::days(6) + Duration::hours(1)
        ));
        assert!(!plays_for_another_day(&event, now - Duration::hours(1)));
        let off = Event {
            is_active: false,
            ..event.clone()
        };
        assert!(!plays_for_another_day(&off, now));
        let archived = Event {
            is_archived: true,
            ..event
        };
        assert!(!plays_for_another_day(&archived, now));
    }
}
