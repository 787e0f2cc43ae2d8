//! `/admin/users`: owners and administrators add members, change roles, deactivate and
//! reactivate them. Everyone else is told they lack the permission (the domain decides).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use streamgate_domain::model::{Account, Member, Permission, Role};
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
#[cfg(feature = "ssr")]
use streamgate_domain::model::MemberChange;

/// The users page's data: which account is shown, its members, and (for the superadmin) the
/// accounts to choose from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersView {
    pub account_id: Uuid,
    pub accounts: Vec<Account>,
    pub members: Vec<Member>,
}

/// The members of the caller's account; the superadmin picks `account` (default: the first).
/// A member naming another account gets "not found".
#[server(prefix = "/_rpc", endpoint = "users/list")]
pub async fn list_users(account: Option<Uuid>) -> Result<UsersView, AppError> {
    let (domain, principal) = server::caller()?;
    let accounts = domain.accounts().accounts(&principal).await?;
    // The account asked for, else the first the caller can see (a member's own).
    let account_id = account
        .or_else(|| accounts.first().map(|account| account.id))
        .ok_or_else(|| AppError::NotFound("Account".into()))?;
    let members = domain
        .accounts()
        .members(&principal, Some(account_id))
        .await?;
    Ok(UsersView {
        account_id,
        accounts,
        members,
    })
}

#[server(prefix = "/_rpc", endpoint = "users/add")]
pub async fn add_user(
    account_id: Uuid,
    email: String,
    password: String,
    role: Role,
) -> Result<Member, AppError> {
    let (domain, principal) = server::caller()?;
    let input = streamgate_domain::model::NewMember {
        email,
        password,
        role,
    };
    Ok(domain
        .accounts()
        .add_member(&principal, Some(account_id), input, server::client_ip())
        .await?)
}

#[server(prefix = "/_rpc", endpoint = "users/role")]
pub async fn set_user_role(user_id: Uuid, role: Role) -> Result<Member, AppError> {
    update_member(user_id, MemberChange::role(role)).await
}

#[server(prefix = "/_rpc", endpoint = "users/active")]
pub async fn set_user_active(user_id: Uuid, active: bool) -> Result<Member, AppError> {
    update_member(user_id, MemberChange::active(active)).await
}

/// The caller changes one member of their account (the domain decides whether they may).
#[cfg(feature = "ssr")]
async fn update_member(user_id: Uuid, change: MemberChange) -> Result<Member, AppError> {
    let (domain, principal) = server::caller()?;
    Ok(domain
        .accounts()
        .update_member(&principal, user_id, change, server::client_ip())
        .await?)
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let me = SignedIn::expect();
    let add = ServerAction::<AddUser>::new();
    let set_role = ServerAction::<SetUserRole>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let query = use_query_map();
    let account = move || query.with(|q| q.get("account").and_then(|id| id.parse::<Uuid>().ok()));
    let users = Resource::new(
        move || {
            (
                account(),
                add.version().get(),
                set_role.version().get(),
                set_active.version().get(),
            )
        },
        |(account, ..)| list_users(account),
    );
    let can_write = move || me.may(Permission::UsersWrite);
    // The outcome of the latest action on this page: its error stays until another succeeds.
    let action_error = RwSignal::new(None::<AppError>);
    report_failures(add.value(), action_error);
    report_failures(set_role.value(), action_error);
    report_failures(set_active.value(), action_error);

    view! {
        <AdminMain title="Users">
            <Loaded resource=users waiting="Loading users…" forbidden="manage users" let:view>
                <AccountPicker view=view.clone() />
                {move || action_error.get().map(|error| view! { <Alert error /> })}
                <MemberTable
                    members=view.members.clone()
                    can_write=can_write()
                    set_role
                    set_active
                />
                <Show when=can_write>
                    <AddUserForm account_id=view.account_id add />
                </Show>
            </Loaded>
        </AdminMain>
    }
}

/// For the superadmin, who sees every account: which one the page shows.
#[component]
fn AccountPicker(view: UsersView) -> impl IntoView {
    (view.accounts.len() > 1).then(|| {
        let current = view.account_id;
        view! {
            <form method="get" action="/admin/users" class="inline-form">
                <label for="account">"Account"</label>
                <select id="account" name="account">
                    {view.accounts.into_iter().map(|account| view! {
                        <option value=account.id.to_string() selected=account.id == current>
                            {account.name}
                        </option>
                    }).collect_view()}
                </select>
                <button type="submit" class="secondary">"Show"</button>
            </form>
        }
    })
}

#[component]
fn MemberTable(
    members: Vec<Member>,
    can_write: bool,
    set_role: ServerAction<SetUserRole>,
    set_active: ServerAction<SetUserActive>,
) -> impl IntoView {
    view! {
        <table class="data" data-testid="members">
            <thead>
                <tr>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Status"</th>
                    {can_write.then(|| view! { <th scope="col">"Actions"</th> })}
                </tr>
            </thead>
            <tbody>
                {members.into_iter().map(|member| {
                    let user_id = member.user_id.to_string();
                    let role_user_id = user_id.clone();
                    let role_label = format!("Role of {}", member.email);
                    let next_active = (!member.is_active).to_string();
                    view! {
                        <tr data-email=member.email.clone()>
                            <td>{member.email.clone()}</td>
                            <td>
                                {if can_write {
                                    view! {
                                        <ActionForm action=set_role attr:class="inline-form">
                                            <input type="hidden" name="user_id" value=role_user_id.clone() />
                                            <RoleSelect name="role" selected=member.role label=role_label.clone() />
                                            <button type="submit" class="secondary">"Save"</button>
                                        </ActionForm>
                                    }.into_any()
                                } else {
                                    member.role.to_string().into_any()
                                }}
                            </td>
                            <td>{if member.is_active { "Active" } else { "Deactivated" }}</td>
                            {can_write.then(|| view! {
                                <td>
                                    <ActionForm action=set_active>
                                        <input type="hidden" name="user_id" value=user_id.clone() />
                                        <input type="hidden" name="active" value=next_active.clone() />
                                        <button type="submit" class="secondary">
                                            {if member.is_active { "Deactivate" } else { "Reactivate" }}
                                        </button>
                                    </ActionForm>
                                </td>
                            })}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn RoleSelect(name: &'static str, selected: Role, label: String) -> impl IntoView {
    view! {
        <select name=name aria-label=label>
            {Role::ALL.into_iter().map(|role| view! {
                <option value=role.as_str() selected=role == selected>{role.as_str()}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn AddUserForm(account_id: Uuid, add: ServerAction<AddUser>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="add-user-title">
            <h2 id="add-user-title">"Add a user"</h2>
            <ActionForm action=add attr:class="stacked-form">
                <input type="hidden" name="account_id" value=account_id.to_string() />
                <label for="new-email">"Email"</label>
                <input id="new-email" name="email" type="email" autocomplete="off" required />
                <label for="new-password">"Initial password"</label>
                <input id="new-password" name="password" type="password" autocomplete="new-password" minlength="8" required />
                <label for="new-role">"Role"</label>
                <select id="new-role" name="role">
                    {Role::ALL.into_iter().map(|role| view! {
                        <option value=role.as_str() selected=role == Role::Editor>{role.as_str()}</option>
                    }).collect_view()}
                </select>
                <button type="submit">"Add user"</button>
            </ActionForm>
        </section>
    }
}
