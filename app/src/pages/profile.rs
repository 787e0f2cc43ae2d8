//! `/admin/profile`: every signed-in user changes their own password here.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::ChangePassword;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let outcome = move || {
        change.value().get().map(|result| match result {
            // The change ends every earlier session, this one included.
            Ok(()) => view! {
                <p class="notice" role="status">
                    "Password changed. " <a href="/admin/login">"Sign in again"</a>
                    " with your new password."
                </p>
            }
            .into_any(),
            Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
        })
    };

    view! {
        <Title text="Profile" />
        <main class="admin">
            <header class="admin-header">
                <h1>"Profile"</h1>
            </header>
            <section class="panel" aria-labelledby="password-title">
                <h2 id="password-title">"Change your password"</h2>
                {outcome}
                <ActionForm action=change attr:class="stacked-form">
                    <label for="current">"Current password"</label>
                    <input id="current" name="current" type="password" autocomplete="current-password" required />
                    <label for="new">"New password (8 characters or more)"</label>
                    <input id="new" name="new" type="password" autocomplete="new-password" minlength="8" required />
                    <button type="submit">"Change password"</button>
                </ActionForm>
            </section>
        </main>
    }
}
