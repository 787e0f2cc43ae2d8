//! An account's use of its quotas as bars: "3 / 10" with a meter, or "3 / unlimited". Shown on
//! the overview (the member's own account) and the accounts page (every account).

use leptos::prelude::*;
use streamgate_domain::model::{QuotaMetric, Quotas, Usage};

/// One bar per quota (events, codes, concurrent viewers).
#[component]
pub fn UsageBars(quotas: Quotas, usage: Usage) -> impl IntoView {
    view! {
        <dl class="usage" data-testid="usage">
            {QuotaMetric::ALL
                .into_iter()
                .map(|metric| {
                    let (used, limit) = (usage.of(metric), quotas.limit(metric));
                    view! {
                        <div class="usage-row" data-metric=metric.as_str()>
                            <dt>{label(metric)}</dt>
                            <dd>
                                {(limit >= 0).then(|| view! {
                                    <meter min="0" max=limit.max(1) value=used
                                        aria-label=format!("{} used", label(metric))></meter>
                                })}
                                <span class="usage-text">{usage_text(used, limit)}</span>
                            </dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
    }
}

pub fn label(metric: QuotaMetric) -> &'static str {
    match metric {
        QuotaMetric::Events => "Events",
        QuotaMetric::Codes => "Access codes",
        QuotaMetric::ConcurrentViewers => "Concurrent viewers",
    }
}

/// "3 / 10", or "3 / unlimited" for -1.
pub fn usage_text(used: i64, limit: i64) -> String {
    if limit < 0 {
        format!("{used} / unlimited")
    } else {
        format!("{used} / {limit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minus_one_reads_unlimited() {
        assert_eq!(usage_text(3, -1), "3 / unlimited");
        assert_eq!(usage_text(8, 10), "8 / 10");
    }
}
