//! `/admin/tips`: the account's StreamElements tips as they arrive (no reload), with today's
//! totals per currency.

use leptos::prelude::*;
use streamgate_domain::model::{time, Tip, TipTotal};

#[cfg(feature = "ssr")]
use crate::api::server;
use crate::{
    api::AppError,
    components::{live_tips::follow_tips, loaded::Loaded, page::AdminMain},
};

/// How many of the latest tips the page lists.
#[cfg(feature = "ssr")]
const SHOWN: u32 = 50;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TipsView {
    pub tips: Vec<Tip>,
    pub totals: Vec<TipTotal>,
}

#[server(prefix = "/_rpc", endpoint = "tips/recent")]
pub async fn recent_tips() -> Result<TipsView, AppError> {
    use streamgate_domain::model::TipQuery;

    let (domain, principal) = server::caller()?;
    let service = domain.tips();
    let query = TipQuery {
        limit: SHOWN,
        ..TipQuery::default()
    };
    let tips = service.list(&principal, None, query).await?;
    let totals = service.totals_today(&principal, None).await?;
    Ok(TipsView { tips, totals })
}

#[component]
pub fn TipsPage() -> impl IntoView {
    let arrivals = RwSignal::new(0u32);
    let view_of = Resource::new(move || arrivals.get(), |_| recent_tips());
    follow_tips("/api/v1/tips/stream".to_owned(), move |_| {
        arrivals.update(|n| *n += 1)
    });

    view! {
        <AdminMain title="Tips">
            <p class="hint">
                "Tips sent through StreamElements to the channels of your "
                <a href="/admin/se-tokens">"SE tokens"</a>
                ". New ones appear here as they arrive."
            </p>
            <Loaded resource=view_of waiting="Loading tips…" forbidden="see tips" let:shown>
                <Totals totals=shown.totals />
                <TipTable tips=shown.tips />
            </Loaded>
        </AdminMain>
    }
}

#[component]
fn Totals(totals: Vec<TipTotal>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="totals-title">
            <h2 id="totals-title">"Today (UTC)"</h2>
            {if totals.is_empty() {
                view! { <p data-testid="no-totals">"No tips today yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="totals" data-testid="tip-totals">
                        {totals.into_iter().map(|total| view! {
                            <li data-currency=total.currency.clone()>
                                {format!("{:.2} {} · {} tips", total.amount, total.currency, total.count)}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn TipTable(tips: Vec<Tip>) -> impl IntoView {
    if tips.is_empty() {
        return view! { <p data-testid="no-tips">"No tips yet."</p> }.into_any();
    }
    view! {
        <table class="data" data-testid="tips">
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"From"</th>
                    <th scope="col">"Amount"</th>
                    <th scope="col">"Message"</th>
                    <th scope="col">"Platform"</th>
                </tr>
            </thead>
            <tbody>
                {tips.into_iter().map(|tip| view! {
                    <tr>
                        <td>{time::format(&tip.created_at)}</td>
                        <td>{tip.username.clone()}</td>
                        <td>{format!("{:.2} {}", tip.amount, tip.currency)}</td>
                        <td>{tip.message.clone()}</td>
                        <td>{tip.platform.as_str()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
