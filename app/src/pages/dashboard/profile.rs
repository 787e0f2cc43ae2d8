//! `/admin/profile`: every signed-in user changes their own password here.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::server;
use crate::{
    api::AppError,
    components::{alerts::Alert, page::AdminMain},
};

/// Changes the caller's own password. Their session ends with it (credentials changed), so the
/// page sends them to sign in again.
#[server(prefix = "/_rpc", endpoint = "auth/password")]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    let (domain, principal) = server::caller()?;
    Ok(domain
        .accounts()
        .change_own_password(&principal, &current, &new, server::client_ip())
        .await?)
}

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
            Err(error) => view! { <Alert error /> }.into_any(),
        })
    };

    view! {
        <AdminMain title="Profile">
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
        </AdminMain>
    }
}
