//! The layout every `/admin` page shares: navigation, who is signed in, sign-out. It loads the
//! signed-in user once for the pages inside it.

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use streamgate_domain::model::{Me, Permission};

#[cfg(feature = "ssr")]
use crate::api::server;
use crate::{api::AppError, components::signed_in::SignedIn};

/// Who is signed in.
#[server(prefix = "/_rpc", endpoint = "auth/me")]
pub async fn current_user() -> Result<Me, AppError> {
    let (domain, principal) = server::caller()?;
    Ok(domain.auth().me(&principal).await?)
}

#[component]
pub fn AdminLayout() -> impl IntoView {
    let me = SignedIn::provide(Resource::new(|| (), |_| current_user()));

    view! {
        <div class="dashboard">
            <header class="topbar">
                <a class="brand" href="/admin">"StreamGate"</a>
                <nav aria-label="Dashboard">
                    <A href="/admin/events">"Events"</A>
                    <Transition fallback=|| ()>
                        {move || {
                            (
                                me.may(Permission::UsersRead)
                                    .then(|| view! { <A href="/admin/users">"Users"</A> }),
                                me.may(Permission::ApiTokensRead)
                                    .then(|| view! { <A href="/admin/tokens">"API tokens"</A> }),
                                me.may(Permission::TipsRead)
                                    .then(|| view! { <A href="/admin/tips">"Tips"</A> }),
                                me.may(Permission::SeTokensRead)
                                    .then(|| view! { <A href="/admin/se-tokens">"SE tokens"</A> }),
                            )
                        }}
                    </Transition>
                    // Accounts and their quotas are the platform operator's.
                    <Transition fallback=|| ()>
                        {move || {
                            me.get()
                                .is_some_and(|me| me.is_superadmin)
                                .then(|| view! { <A href="/admin/accounts">"Accounts"</A> })
                        }}
                    </Transition>
                    <A href="/admin/profile">"Profile"</A>
                </nav>
                <Transition fallback=|| ()>
                    {move || me.get().map(|me| view! {
                        <span class="who" data-testid="signed-in-as">{describe(&me)}</span>
                    })}
                </Transition>
                <form method="post" action="/admin/logout">
                    <button type="submit" class="secondary">"Sign out"</button>
                </form>
            </header>
            <Outlet />
        </div>
    }
}

/// "ada@example.com · editor", or the break-glass admin.
fn describe(me: &Me) -> String {
    match (&me.email, me.role) {
        (Some(email), Some(role)) => format!("{email} · {role}"),
        _ if me.is_superadmin => "Platform admin".to_owned(),
        _ => String::new(),
    }
}
