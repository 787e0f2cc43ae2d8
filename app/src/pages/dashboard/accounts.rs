//! `/admin/accounts`: the superadmin's view of every account with its usage against its
//! quotas; founding an account with its owner; setting an account's quotas. A member opening
//! it sees their own account (the domain decides what anyone may see and change).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use streamgate_domain::model::{AccountDetails, QuotaMetric, Usage};
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
        usage::{label, UsageBars},
    },
};

/// One account as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub account: AccountDetails,
    pub usage: Usage,
}

/// The accounts the caller sees (the superadmin: all), each with its usage.
#[server(prefix = "/_rpc", endpoint = "accounts/list")]
pub async fn list_accounts() -> Result<Vec<AccountRow>, AppError> {
    let (domain, principal) = server::caller()?;
    let accounts = domain.accounts();
    let mut rows = Vec::new();
    for account in accounts.account_list(&principal).await? {
        let usage = accounts.usage(&principal, account.id).await?.usage;
        rows.push(AccountRow { account, usage });
    }
    Ok(rows)
}

#[server(prefix = "/_rpc", endpoint = "accounts/create")]
pub async fn create_account(
    name: String,
    email: String,
    password: String,
) -> Result<AccountDetails, AppError> {
    use streamgate_domain::model::{NewAccount, NewOwner};
    let (domain, principal) = server::caller()?;
    let input = NewAccount {
        name,
        owner: NewOwner { email, password },
    };
    let accounts = domain.accounts();
    Ok(accounts
        .create_account(&principal, input, server::client_ip())
        .await?)
}

/// Sets an account's quotas from the form: a number (-1: unlimited), or empty for the
/// installation's default.
#[server(prefix = "/_rpc", endpoint = "accounts/quotas")]
pub async fn set_quotas(
    account_id: Uuid,
    max_events: String,
    max_codes: String,
    max_concurrent_viewers: String,
) -> Result<AccountDetails, AppError> {
    use streamgate_domain::model::{AccountPatch, QuotaPatch};
    let (domain, principal) = server::caller()?;
    let quotas = QuotaPatch {
        max_events: Some(form_limit(QuotaMetric::Events, &max_events)?),
        max_codes: Some(form_limit(QuotaMetric::Codes, &max_codes)?),
        max_concurrent_viewers: Some(form_limit(
            QuotaMetric::ConcurrentViewers,
            &max_concurrent_viewers,
        )?),
    };
    let patch = AccountPatch {
        name: None,
        quotas: Some(quotas),
    };
    let accounts = domain.accounts();
    let updated = accounts.update_account(&principal, account_id, patch, server::client_ip());
    Ok(updated.await?)
}

/// A limit as typed: empty is the default (`None`), else a whole number.
#[cfg(feature = "ssr")]
fn form_limit(metric: QuotaMetric, text: &str) -> Result<Option<i64>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| AppError::Invalid {
        field: "quotas".into(),
        message: format!(
            "{} must be a whole number (-1 for unlimited), or empty for the default",
            label(metric)
        ),
    })
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let me = SignedIn::expect();
    let create = ServerAction::<CreateAccount>::new();
    let quotas = ServerAction::<SetQuotas>::new();
    let accounts = Resource::new(
        move || (create.version().get(), quotas.version().get()),
        |_| list_accounts(),
    );
    let is_superadmin = move || me.get().is_some_and(|me| me.is_superadmin);
    let action_error = RwSignal::new(None::<AppError>);
    report_failures(create.value(), action_error);
    report_failures(quotas.value(), action_error);

    view! {
        <AdminMain title="Accounts">
            {move || action_error.get().map(|error| view! { <Alert error /> })}
            <Loaded resource=accounts waiting="Loading accounts…" let:rows>
                <table class="data" data-testid="accounts">
                    <thead>
                        <tr>
                            <th scope="col">"Account"</th>
                            <th scope="col">"Usage"</th>
                            {is_superadmin().then(|| view! { <th scope="col">"Quotas"</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|row| view! {
                            <tr data-account=row.account.name.clone()>
                                <td>{row.account.name.clone()}</td>
                                <td><UsageBars quotas=row.account.quotas usage=row.usage /></td>
                                {is_superadmin().then(|| view! {
                                    <td><QuotaForm account=row.account.clone() quotas /></td>
                                })}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Loaded>
            <Show when=is_superadmin>
                <CreateAccountForm create />
            </Show>
        </AdminMain>
    }
}

#[component]
fn QuotaForm(account: AccountDetails, quotas: ServerAction<SetQuotas>) -> impl IntoView {
    let fields = [
        ("max_events", QuotaMetric::Events),
        ("max_codes", QuotaMetric::Codes),
        ("max_concurrent_viewers", QuotaMetric::ConcurrentViewers),
    ];
    let name = account.name.clone();
    view! {
        <ActionForm action=quotas attr:class="inline-form">
            <input type="hidden" name="account_id" value=account.id.to_string() />
            {fields.into_iter().map(|(field, metric)| {
                let aria = format!("{} quota of {name}", label(metric));
                view! {
                    <label class="quota-field">
                        {label(metric)}
                        <input name=field type="number" min="-1" step="1" aria-label=aria
                            value=account.quotas.limit(metric).to_string() />
                    </label>
                }
            }).collect_view()}
            <button type="submit" class="secondary">"Save quotas"</button>
        </ActionForm>
    }
}

#[component]
fn CreateAccountForm(create: ServerAction<CreateAccount>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="create-account-title">
            <h2 id="create-account-title">"Create an account"</h2>
            <p class="hint">
                "Quotas start at the installation's defaults (-1 means unlimited); change them above."
            </p>
            <ActionForm action=create attr:class="stacked-form">
                <label for="account-name">"Account name"</label>
                <input id="account-name" name="name" required maxlength="100" />
                <label for="owner-email">"Owner's email"</label>
                <input id="owner-email" name="email" type="email" autocomplete="off" required />
                <label for="owner-password">"Owner's initial password"</label>
                <input id="owner-password" name="password" type="password"
                    autocomplete="new-password" minlength="8" required />
                <button type="submit">"Create account"</button>
            </ActionForm>
        </section>
    }
}
