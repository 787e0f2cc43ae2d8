//! Tip alerts over the player: each StreamElements tip of a live event with `tipAlerts` on
//! shows for a few seconds (who, how much, the message). The stream needs the viewer's
//! playback token; for an event without tip alerts it answers 404 and nothing shows.

use std::time::Duration;

use leptos::prelude::*;
use streamgate_domain::model::Tip;
use uuid::Uuid;

use super::live_tips::follow_tips;

/// How long one alert stays up (a newer tip replaces it at once).
const SHOWN_FOR: Duration = Duration::from_secs(8);

#[component]
pub fn TipAlerts(event_id: Uuid, token: RwSignal<String>) -> impl IntoView {
    let shown = RwSignal::new(None::<Tip>);
    let url = format!(
        "/api/events/{event_id}/tips?token={}",
        token.get_untracked()
    );
    follow_tips(url, move |tip| {
        let id = tip.id;
        shown.set(Some(tip));
        set_timeout(
            move || {
                if shown.get_untracked().is_some_and(|tip| tip.id == id) {
                    shown.set(None);
                }
            },
            SHOWN_FOR,
        );
    });
    view! {
        <div class="tip-alerts" aria-live="polite">
            {move || shown.get().map(|tip| view! {
                <div class="tip-alert" data-testid="tip-alert">
                    <strong>{format!("{} tipped {:.2} {}", tip.username, tip.amount, tip.currency)}</strong>
                    {(!tip.message.is_empty()).then(|| view! { <p>{tip.message.clone()}</p> })}
                </div>
            })}
        </div>
    }
}
