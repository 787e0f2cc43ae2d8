//! `/admin/login`: a plain HTML form posted to the server, so signing in works before (and
//! without) the page's WebAssembly. The server redirects back here with `?error=` on failure.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::page::ViewerCard;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let (error, next) = query.with_untracked(|query| {
        (
            query.get("error").unwrap_or_default(),
            query.get("next").unwrap_or_default(),
        )
    });
    let message = login_error_message(&error);

    view! {
        <ViewerCard
            title="Sign in"
            class="card"
            heading_id="login-title"
            heading="Sign in to StreamGate"
            lede="Organizers manage events, access codes and their team here."
        >
            {message.map(|text| view! { <p class="error" role="alert">{text}</p> })}
            <form method="post" action="/admin/login" class="stacked-form">
                <input type="hidden" name="next" value=next />
                <label for="email">"Email"</label>
                <input id="email" name="email" type="text" autocomplete="username" required />
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                />
                <button type="submit">"Sign in"</button>
            </form>
        </ViewerCard>
    }
}

fn login_error_message(code: &str) -> Option<&'static str> {
    match code {
        "" => None,
        "invalid" => Some("Wrong email or password."),
        "rate_limited" => Some("Too many login attempts. Wait a minute, then try again."),
        _ => Some("Signing in is not possible right now. Try again shortly."),
    }
}
