//! `/admin/se-tokens`: the account's StreamElements tokens, one per platform. Adding one for a
//! platform that has one replaces it; each shows its masked hint and its worker's status.

use leptos::prelude::*;
use streamgate_domain::model::{time, Permission, SePlatform, SeToken, SeTokenStatus};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::api::server;
use crate::{
    api::AppError,
    components::{
        alerts::{report_failures, Alert},
        loaded::Loaded,
        page::AdminMain,
        signed_in::SignedIn,
    },
};

#[server(prefix = "/_rpc", endpoint = "se-tokens/list")]
pub async fn list_se_tokens() -> Result<Vec<SeToken>, AppError> {
    let (domain, principal) = server::caller()?;
    Ok(domain.se_tokens().list(&principal, None).await?)
}

#[server(prefix = "/_rpc", endpoint = "se-tokens/save")]
pub async fn save_se_token(
    platform: String,
    token: String,
    label: Option<String>,
) -> Result<SeToken, AppError> {
    let (domain, principal) = server::caller()?;
    let input = streamgate_domain::model::NewSeToken {
        platform,
        token,
        label,
    };
    let tokens = domain.se_tokens();
    Ok(tokens
        .create(&principal, None, input, server::client_ip())
        .await?)
}

#[server(prefix = "/_rpc", endpoint = "se-tokens/delete")]
pub async fn delete_se_token(id: Uuid) -> Result<(), AppError> {
    let (domain, principal) = server::caller()?;
    let tokens = domain.se_tokens();
    Ok(tokens
        .delete(&principal, None, id, server::client_ip())
        .await?)
}

#[component]
pub fn SeTokensPage() -> impl IntoView {
    let me = SignedIn::expect();
    let save = ServerAction::<SaveSeToken>::new();
    let delete = ServerAction::<DeleteSeToken>::new();
    // The worker's status changes on its own: while a token is connecting, look again.
    let tick = RwSignal::new(0u32);
    let tokens = Resource::new(
        move || (save.version().get(), delete.version().get(), tick.get()),
        |_| list_se_tokens(),
    );
    #[cfg(feature = "hydrate")]
    {
        let connecting = move || {
            tokens
                .get_untracked()
                .and_then(Result::ok)
                .is_some_and(|tokens| {
                    tokens
                        .iter()
                        .any(|token| token.status == SeTokenStatus::Connecting)
                })
        };
        let polls = set_interval_with_handle(
            move || {
                if connecting() {
                    tick.update(|n| *n += 1);
                }
            },
            std::time::Duration::from_secs(2),
        );
        on_cleanup(move || {
            if let Ok(polls) = polls {
                polls.clear();
            }
        });
    }
    let action_error = RwSignal::new(None::<AppError>);
    report_failures(save.value(), action_error);
    report_failures(delete.value(), action_error);

    view! {
        <AdminMain title="SE tokens">
            <p class="hint">
                "StreamElements JWTs of the channels you stream on: tips sent there appear under "
                <a href="/admin/tips">"Tips"</a>
                ". Find yours in StreamElements under Account → Channels → Show secrets."
            </p>
            {move || action_error.get().map(|error| view! { <Alert error /> })}
            <Loaded resource=tokens waiting="Loading tokens…" forbidden="manage StreamElements tokens" let:tokens>
                <SeTokenTable tokens can_delete=me.may(Permission::SeTokensDelete) delete />
                <Show when=move || me.may(Permission::SeTokensCreate)>
                    <SeTokenForm save />
                </Show>
            </Loaded>
        </AdminMain>
    }
}

fn badge(status: SeTokenStatus) -> &'static str {
    match status {
        SeTokenStatus::Subscribed => "badge ok",
        SeTokenStatus::Connecting => "badge pending",
        SeTokenStatus::Stopped => "badge muted",
        SeTokenStatus::Unauthorized | SeTokenStatus::Error => "badge danger",
    }
}

#[component]
fn SeTokenTable(
    tokens: Vec<SeToken>,
    can_delete: bool,
    delete: ServerAction<DeleteSeToken>,
) -> impl IntoView {
    if tokens.is_empty() {
        return view! { <p data-testid="no-se-tokens">"No StreamElements tokens yet."</p> }
            .into_any();
    }
    let confirming = RwSignal::new(None::<Uuid>);
    view! {
        <table class="data" data-testid="se-tokens">
            <thead>
                <tr>
                    <th scope="col">"Platform"</th>
                    <th scope="col">"Token"</th>
                    <th scope="col">"Label"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Updated"</th>
                    {can_delete.then(|| view! { <th scope="col">"Actions"</th> })}
                </tr>
            </thead>
            <tbody>
                {tokens.into_iter().map(|token| {
                    let id = token.id;
                    let platform = token.platform.as_str();
                    view! {
                        <tr data-platform=platform>
                            <td>{platform}</td>
                            <td><code>{token.token_hint.clone()}</code></td>
                            <td>{token.label.clone().unwrap_or_default()}</td>
                            <td><span class=badge(token.status) data-testid="se-status">{token.status.as_str()}</span></td>
                            <td>{time::format(&token.updated_at)}</td>
                            {can_delete.then(|| view! {
                                <td class="row-actions">
                                    <Show
                                        when=move || confirming.get() == Some(id)
                                        fallback=move || view! {
                                            <button type="button" class="secondary small" on:click=move |_| confirming.set(Some(id))>
                                                "Delete"
                                            </button>
                                        }
                                    >
                                        <span class="confirm">{format!("Delete the {platform} token? Its tips stop arriving.")}</span>
                                        <ActionForm action=delete attr:class="inline-form">
                                            <input type="hidden" name="id" value=id.to_string() />
                                            <button type="submit" class="danger small">"Yes, delete"</button>
                                        </ActionForm>
                                        <button type="button" class="secondary small" on:click=move |_| confirming.set(None)>
                                            "Cancel"
                                        </button>
                                    </Show>
                                </td>
                            })}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn SeTokenForm(save: ServerAction<SaveSeToken>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="se-token-title">
            <h2 id="se-token-title">"Add or replace a token"</h2>
            <ActionForm action=save attr:class="stacked-form">
                <label for="se-platform">"Platform"</label>
                <select id="se-platform" name="platform">
                    {SePlatform::ALL.into_iter().map(|platform| view! {
                        <option value=platform.as_str()>{platform.as_str()}</option>
                    }).collect_view()}
                </select>
                <label for="se-token">"JWT token"</label>
                <input id="se-token" name="token" type="password" required autocomplete="off" />
                <label for="se-label">"Label (optional)"</label>
                <input id="se-label" name="label" maxlength="100" />
                <p class="hint">"A platform's new token replaces the one stored for it."</p>
                <button type="submit">"Save token"</button>
            </ActionForm>
        </section>
    }
}
