//! `/embed/:eventId`: the viewer alone, for an iframe on an organizer's site. A public event
//! plays at once; any other asks for the code here, inside the frame, and plays on it.

use leptos::prelude::*;
use streamgate_domain::model::PlaybackGrant;
use uuid::Uuid;

use super::{Screen, Viewer};
use crate::viewer::outcome::{normalize_code, CodeRefusal};

#[component]
pub fn EmbedPage() -> impl IntoView {
    view! { <Viewer embed=true /> }
}

/// The code form of an embedded viewer: a valid code for this event starts playback in place.
#[component]
pub(super) fn CodeForm(
    event_id: Option<Uuid>,
    screen: RwSignal<Screen>,
    grant: RwSignal<Option<PlaybackGrant>>,
    token: RwSignal<String>,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let refusal = RwSignal::new(None::<CodeRefusal>);
    let checking = RwSignal::new(false);
    let submit = move || {
        let typed = normalize_code(&code.get_untracked());
        if typed.is_empty() {
            refusal.set(Some(CodeRefusal::Missing));
            return;
        }
        checking.set(true);
        refusal.set(None);
        #[cfg(feature = "hydrate")]
        browser::open(typed, event_id, refusal, checking, (screen, grant, token));
        #[cfg(not(feature = "hydrate"))]
        let _ = (event_id, screen, grant, token);
    };
    view! {
        <section class="card code-entry" aria-labelledby="embed-code-title">
            <h1 id="embed-code-title">"Enter your access code"</h1>
            <form
                class="code-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    submit();
                }
            >
                <label for="embed-code">"Access code"</label>
                <input
                    id="embed-code"
                    name="code"
                    type="text"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    maxlength="40"
                    aria-describedby="embed-code-error"
                    aria-invalid=move || refusal.read().is_some().to_string()
                    on:input=move |ev| code.set(event_target_value(&ev))
                />
                <p id="embed-code-error" class="form-error" role="alert" data-testid="code-error">
                    {move || refusal.get().map(|refusal| refusal.message())}
                </p>
                <button type="submit" disabled=move || checking.get()>
                    {move || if checking.get() { "Checking…" } else { "Watch" }}
                </button>
            </form>
        </section>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::{prelude::*, task::spawn_local};
    use streamgate_domain::model::PlaybackGrant;
    use uuid::Uuid;

    use super::super::{session, Screen};
    use crate::viewer::{
        grant_store,
        outcome::CodeRefusal,
        public_api::{self, Answer},
    };

    type Viewer = (
        RwSignal<Screen>,
        RwSignal<Option<PlaybackGrant>>,
        RwSignal<String>,
    );

    /// Validates `code`; a grant for this event plays, a refusal shows why.
    pub fn open(
        code: String,
        event_id: Option<Uuid>,
        refusal: RwSignal<Option<CodeRefusal>>,
        checking: RwSignal<bool>,
        (screen, grant, token): Viewer,
    ) {
        spawn_local(async move {
            let answer = public_api::validate(&code).await;
            checking.set(false);
            match answer {
                Answer::Ok(granted) if Some(granted.event_id) == event_id => {
                    grant_store::hand_over(&code, granted);
                    session::start(event_id, screen, grant, token);
                }
                // A code for another event: let it go again, it does not open this one.
                Answer::Ok(other) => {
                    public_api::release(&other.playback_token);
                    refusal.set(Some(CodeRefusal::Unknown));
                }
                Answer::Refused {
                    status,
                    error,
                    retry_after,
                } => refusal.set(Some(CodeRefusal::from_answer(status, &error, retry_after))),
                Answer::Unreachable => refusal.set(Some(CodeRefusal::Unreachable)),
            }
        });
    }
}
