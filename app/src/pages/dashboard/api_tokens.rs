//! `/admin/tokens`: API tokens for integrations. Minting shows the token once, with a copy
//! button; the list shows name, prefix, scope, role and last use; revoking asks first.

use leptos::prelude::*;
use streamgate_domain::model::{time, ApiToken, MintedApiToken, Permission, Role};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::api::server;
use crate::{
    api::AppError,
    components::{
        alerts::{report_failures, Alert},
        copy_button::CopyButton,
        loaded::Loaded,
        page::AdminMain,
        signed_in::SignedIn,
    },
};

#[server(prefix = "/_rpc", endpoint = "tokens/list")]
pub async fn list_tokens() -> Result<Vec<ApiToken>, AppError> {
    let (domain, principal) = server::caller()?;
    Ok(domain.api_tokens().list(&principal).await?)
}

/// An account token for the caller's account (the superadmin mints global ones).
#[server(prefix = "/_rpc", endpoint = "tokens/mint")]
pub async fn mint_token(name: String, role: Option<Role>) -> Result<MintedApiToken, AppError> {
    use streamgate_domain::model::TokenScope;

    let (domain, principal) = server::caller()?;
    let scope = match principal.account_id() {
        Some(_) => TokenScope::Account,
        None => TokenScope::Global,
    };
    let asked = streamgate_domain::model::NewApiToken {
        name,
        scope,
        account_id: None,
        role: role.filter(|_| scope == TokenScope::Account),
        allowed_ips: Vec::new(),
        expires_at: None,
    };
    let tokens = domain.api_tokens();
    Ok(tokens.mint(&principal, asked, server::client_ip()).await?)
}

#[server(prefix = "/_rpc", endpoint = "tokens/revoke")]
pub async fn revoke_token(id: Uuid) -> Result<(), AppError> {
    let (domain, principal) = server::caller()?;
    let tokens = domain.api_tokens();
    Ok(tokens.revoke(&principal, id, server::client_ip()).await?)
}

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let me = SignedIn::expect();
    let mint = ServerAction::<MintToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = Resource::new(
        move || (mint.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    let action_error = RwSignal::new(None::<AppError>);
    report_failures(mint.value(), action_error);
    report_failures(revoke.value(), action_error);
    let can_mint = move || me.may(Permission::ApiTokensCreate);
    let can_revoke = move || me.may(Permission::ApiTokensDelete);
    // Once shown, the new token stays on screen until the next mint replaces it.
    let minted = move || mint.value().get().and_then(Result::ok);

    view! {
        <AdminMain title="API tokens">
            <p class="hint">
                "Tokens let your own systems (a ticket shop, a script) use the "
                <a href="/api/v1/docs">"REST API"</a>
                " with " <code>"Authorization: Bearer sk_…"</code> "."
            </p>
            {move || action_error.get().map(|error| view! { <Alert error /> })}
            {move || minted().map(|minted| view! { <MintedToken minted /> })}
            // Inside `Loaded`, which waits for the signed-in user as well: a permission read
            // before it resolves would differ between the server's render and hydration.
            <Loaded resource=tokens waiting="Loading tokens…" forbidden="manage API tokens" let:tokens>
                <TokenTable tokens can_revoke=can_revoke() revoke />
                <Show when=can_mint>
                    <MintForm mint is_superadmin=me.get().is_some_and(|me| me.is_superadmin) />
                </Show>
            </Loaded>
        </AdminMain>
    }
}

/// The one time the token is visible.
#[component]
fn MintedToken(minted: MintedApiToken) -> impl IntoView {
    let what = format!("token {}", minted.details.name);
    view! {
        <section class="panel notice" role="status" data-testid="minted-token">
            <h2>{format!("Token {} created", minted.details.name)}</h2>
            <p class="warning">
                <strong>"Copy it now: it won't be shown again."</strong>
                " Only a digest is stored; if you lose it, revoke it and mint another."
            </p>
            <p class="token-secret">
                <code data-testid="token-value">{minted.token.clone()}</code>
                <CopyButton text=minted.token what />
            </p>
        </section>
    }
}

#[component]
fn TokenTable(
    tokens: Vec<ApiToken>,
    can_revoke: bool,
    revoke: ServerAction<RevokeToken>,
) -> impl IntoView {
    if tokens.is_empty() {
        return view! { <p data-testid="no-tokens">"No API tokens yet."</p> }.into_any();
    }
    // The token a revoke button was pressed for, waiting for its confirmation.
    let confirming = RwSignal::new(None::<Uuid>);
    view! {
        <table class="data" data-testid="tokens">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Prefix"</th>
                    <th scope="col">"Scope"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Last used"</th>
                    {can_revoke.then(|| view! { <th scope="col">"Actions"</th> })}
                </tr>
            </thead>
            <tbody>
                {tokens.into_iter().map(|token| {
                    let id = token.id;
                    let name = token.name.clone();
                    view! {
                        <tr data-name=token.name.clone()>
                            <td>{token.name.clone()}</td>
                            // One text node: SSR would merge two adjacent ones, and hydration would not find
                            // the second.
                            <td><code>{format!("{}…", token.prefix)}</code></td>
                            <td>{token.scope.as_str()}</td>
                            <td>{token.role.map_or("superadmin", Role::as_str)}</td>
                            <td>{token.last_used_at.as_ref().map_or_else(|| "Never".to_owned(), time::format)}</td>
                            {can_revoke.then(|| view! {
                                <td class="row-actions">
                                    <Show
                                        when=move || confirming.get() == Some(id)
                                        fallback=move || view! {
                                            <button type="button" class="secondary small" on:click=move |_| confirming.set(Some(id))>
                                                "Revoke"
                                            </button>
                                        }
                                    >
                                        <span class="confirm">{format!("Revoke {name}? Apps using it stop working at once.")}</span>
                                        <ActionForm action=revoke attr:class="inline-form">
                                            <input type="hidden" name="id" value=id.to_string() />
                                            <button type="submit" class="danger small">"Yes, revoke"</button>
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
fn MintForm(mint: ServerAction<MintToken>, is_superadmin: bool) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="mint-title">
            <h2 id="mint-title">"Create a token"</h2>
            <ActionForm action=mint attr:class="stacked-form">
                <label for="token-name">"Name"</label>
                <input id="token-name" name="name" maxlength="100" required placeholder="Ticket shop" />
                {if is_superadmin {
                    view! { <p class="hint">"As the superadmin you create global tokens, which reach every account."</p> }.into_any()
                } else {
                    view! {
                        <label for="token-role">"Role"</label>
                        <select id="token-role" name="role">
                            {Role::ALL.into_iter().map(|role| view! {
                                <option value=role.as_str() selected=role == Role::Editor>{role.as_str()}</option>
                            }).collect_view()}
                        </select>
                        <p class="hint">"At most your own role."</p>
                    }.into_any()
                }}
                <button type="submit">"Create token"</button>
            </ActionForm>
        </section>
    }
}
