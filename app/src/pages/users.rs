//! `/admin/users`: owners and administrators add members, change roles, deactivate and
//! reactivate them. Everyone else is told they lack the permission (the domain decides).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use streamgate_domain::model::{Member, Permission, Role};
use uuid::Uuid;

use super::admin::CurrentUser;
use crate::api::{list_users, AddUser, AppError, SetUserActive, SetUserRole, UsersView};

#[component]
pub fn UsersPage() -> impl IntoView {
    let me = expect_context::<CurrentUser>();
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
    let can_write = move || {
        me.get()
            .and_then(Result::ok)
            .is_some_and(|me| me.may(Permission::UsersWrite))
    };
    // The outcome of the latest action on this page: its error stays until another succeeds.
    let action_error = RwSignal::new(None::<AppError>);
    report_failures(add.value(), action_error);
    report_failures(set_role.value(), action_error);
    report_failures(set_active.value(), action_error);

    view! {
        <Title text="Users" />
        <main class="admin">
            <header class="admin-header">
                <h1>"Users"</h1>
            </header>
            <Transition fallback=|| view! { <p>"Loading users…"</p> }>
                {move || users.get().map(|result| match result {
                    Ok(view) => view! {
                        <AccountPicker view=view.clone() />
                        {move || action_error.get().map(|err| view! {
                            <p class="error" role="alert">{err.to_string()}</p>
                        })}
                        <MemberTable
                            members=view.members.clone()
                            can_write=can_write()
                            set_role
                            set_active
                        />
                        <Show when=can_write>
                            <AddUserForm account_id=view.account_id add />
                        </Show>
                    }.into_any(),
                    Err(AppError::Forbidden(_)) => view! {
                        <p class="error" role="alert" data-testid="forbidden">
                            "You don't have permission to manage users. Ask an owner or administrator of your account."
                        </p>
                    }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </main>
    }
}

fn report_failures<T>(
    outcome: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    action_error: RwSignal<Option<AppError>>,
) where
    T: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(result) = outcome.get() {
            action_error.set(result.err());
        }
    });
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
