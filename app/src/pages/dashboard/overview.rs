//! `/admin`: the account's counts (stat cards), its usage against its quotas, and its events.

use leptos::prelude::*;
use streamgate_domain::model::{AccountUsage, DashboardStats, Event};

#[cfg(feature = "ssr")]
use crate::api::server;
use crate::{
    api::AppError,
    components::{event_table::EventTable, loaded::Loaded, page::AdminMain, usage::UsageBars},
};

/// The member's account's usage against its quotas; `None` for the superadmin, who is in no
/// account (the accounts page shows them all).
#[server(prefix = "/_rpc", endpoint = "accounts/usage")]
pub async fn get_usage() -> Result<Option<AccountUsage>, AppError> {
    let (domain, principal) = server::caller()?;
    let Some(account_id) = principal.account_id() else {
        return Ok(None);
    };
    Ok(Some(domain.accounts().usage(&principal, account_id).await?))
}

/// The overview's stat cards.
#[server(prefix = "/_rpc", endpoint = "events/dashboard")]
pub async fn get_dashboard() -> Result<DashboardStats, AppError> {
    let (domain, principal) = server::caller()?;
    Ok(domain.events().dashboard(&principal).await?)
}

/// The caller's events.
#[server(prefix = "/_rpc", endpoint = "events/list")]
pub async fn list_events() -> Result<Vec<Event>, AppError> {
    let (domain, principal) = server::caller()?;
    Ok(domain.events().list(&principal).await?)
}

#[component]
pub fn OverviewPage() -> impl IntoView {
    let reloads = RwSignal::new(0u32);
    let stats = Resource::new(move || reloads.get(), |_| get_dashboard());
    let events = Resource::new(move || reloads.get(), |_| list_events());
    let usage = Resource::new(move || reloads.get(), |_| get_usage());
    let refresh = view! {
        <button type="button" on:click=move |_| reloads.update(|n| *n += 1)>
            "Refresh"
        </button>
    };

    view! {
        <AdminMain title="Overview" tools=refresh.into_any()>
            <Loaded resource=stats waiting="Loading counts…" let:stats>
                <StatCards stats />
            </Loaded>
            <Loaded resource=usage waiting="Loading usage…" let:usage>
                {usage.map(|usage| view! {
                    <h2>"Usage"</h2>
                    <UsageBars quotas=usage.quotas usage=usage.usage />
                })}
            </Loaded>
            <h2>"Events"</h2>
            <Loaded resource=events waiting="Loading events…" let:list>
                <EventTable
                    rows=list.into_iter().map(|event| (event, None)).collect()
                    empty="No events yet."
                />
            </Loaded>
            <p>
                <a href="/admin/events">"Search, create and manage events"</a>
            </p>
        </AdminMain>
    }
}

#[component]
fn StatCards(stats: DashboardStats) -> impl IntoView {
    let cards = [
        ("stat-events", "Events", stats.total_events),
        ("stat-active-events", "Active events", stats.active_events),
        ("stat-codes", "Access codes", stats.total_codes),
        ("stat-redeemed", "Redeemed codes", stats.redeemed_codes),
        ("stat-viewers", "Viewers now", stats.active_viewers),
    ];
    view! {
        <dl class="stats">
            {cards
                .into_iter()
                .map(|(id, label, value)| {
                    view! {
                        <div class="stat" data-testid=id>
                            <dt>{label}</dt>
                            <dd>{value}</dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
    }
}
