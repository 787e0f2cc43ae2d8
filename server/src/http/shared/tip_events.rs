//! A feed of tips as Server-Sent Events: one `tip` event each, its data the tip as
//! `/api/v1/tips` lists it. The dashboard's feed and the player's tip alerts use it.

use std::{convert::Infallible, time::Duration};

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{stream, Stream};
use streamgate_domain::service::TipFeed;

/// How often a feed looks for tips stored by any instance's worker.
pub const FEED_POLL: Duration = Duration::from_secs(1);

/// A feed as Server-Sent Events, polled every [`FEED_POLL`]; a failed poll is tried again.
pub fn tip_events(feed: TipFeed) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let events = stream::unfold(feed, |mut feed| async move {
        loop {
            match feed.next().await {
                Ok(tips) if !tips.is_empty() => {
                    let events: Vec<Result<Event, Infallible>> = tips
                        .iter()
                        .map(|tip| Ok(Event::default().event("tip").json_data(tip).unwrap()))
                        .collect();
                    return Some((stream::iter(events), feed));
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "tip feed: poll failed"),
            }
            tokio::time::sleep(FEED_POLL).await;
        }
    });
    Sse::new(futures_util::StreamExt::flatten(events)).keep_alive(KeepAlive::default())
}
