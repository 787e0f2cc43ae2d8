//! The event page's embed snippet: the `<iframe>` an organizer pastes into their own site to
//! show the player (`/embed/:id`), with a copy button. A public event plays in it at once;
//! any other asks for the viewer's code inside the frame.

use leptos::prelude::*;
use streamgate_domain::model::Event;

#[cfg(feature = "ssr")]
use crate::api::server;
use crate::{api::AppError, components::copy_button::CopyButton};

/// The origin viewers reach the site by, for links the organizer hands out.
#[server(prefix = "/_rpc", endpoint = "site/origin")]
pub async fn site_origin() -> Result<String, AppError> {
    server::caller()?;
    server::site_origin().ok_or_else(|| AppError::Server("the site origin is unknown".into()))
}

/// The `<iframe>` showing `event`'s player from `origin`.
pub fn snippet(origin: &str, event: &Event) -> String {
    let title = event
        .title
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<iframe src=\"{}/embed/{}\" title=\"{title}\" width=\"960\" height=\"540\" \
         style=\"border:0\" allow=\"autoplay; fullscreen\" allowfullscreen></iframe>",
        origin.trim_end_matches('/'),
        event.id
    )
}

#[component]
pub fn EmbedSnippet(event: Event) -> impl IntoView {
    let origin = Resource::new(|| (), |_| site_origin());
    let public = event.public_playback;
    view! {
        <section class="panel" aria-labelledby="embed-heading">
            <h2 id="embed-heading">"Embed the player"</h2>
            <p class="hint">
                {if public {
                    "Paste this into your site's page: the stream plays in it without a code."
                } else {
                    "Paste this into your site's page: viewers enter their code in it."
                }}
            </p>
            <Suspense fallback=|| ()>
                {move || origin.get().and_then(Result::ok).map(|origin| {
                    let text = snippet(&origin, &event);
                    view! { <SnippetText text /> }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SnippetText(text: String) -> impl IntoView {
    view! {
        <pre class="snippet" data-testid="embed-snippet"><code>{text.clone()}</code></pre>
        <CopyButton text what="snippet".to_owned() />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_frames_the_embed_page_and_escapes_the_title() {
        let at = streamgate_domain::model::time::parse("2025-03-15T09:00:00Z").unwrap();
        let event = Event {
            id: uuid::Uuid::nil(),
            account_id: None,
            title: "Q&A \"live\"".into(),
            description: None,
            stream_url: None,
            poster_url: None,
            starts_at: at,
            ends_at: at,
            access_window_hours: 48,
            is_active: true,
            is_archived: false,
            public_playback: true,
            tip_alerts: false,
            created_at: at,
            updated_at: at,
        };
        let text = snippet("https://live.example.com/", &event);
        assert!(text.starts_with(
            "<iframe src=\"https://live.example.com/embed/00000000-0000-0000-0000-000000000000\""
        ));
        assert!(text.contains("title=\"Q&amp;A &quot;live&quot;\""));
        assert!(text.ends_with("></iframe>"));
    }
}
