//! `/admin/login`: a plain HTML form posted to the server, so signing in works before (and
//! without) the page's WebAssembly. The server redirects back here with `?error=` on failure.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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
        <Title text="Sign in" />
        <main class="viewer">
            <section class="card" aria-labelledby="login-title">
                <h1 id="login-title">"Sign in to StreamGate"</h1>
                <p class="lede">"Organizers manage events, access codes and their team here."</p>
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
            </section>
        </main>
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
