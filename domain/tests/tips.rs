//! Tips through the domain, on SQLite and PostgreSQL alike: stored once per SE `_id` (a replay
//! keeps one row), listed newest first with their filters, totalled per currency for today,
//! each account's own, and followed as they arrive.

use std::sync::Arc;

use chrono::{Duration, Utc};
use streamgate_domain::{
    assert_refused,
    authz::Authorizer,
    model::{time, ReceivedTip, SePlatform, TipQuery},
    on_both_backends,
    service::Domain,
    store::Store,
    testing::account_owner,
    DomainError,
};
use uuid::Uuid;

fn tip(
    account_id: Uuid,
    se_id: &str,
    amount: f64,
    currency: &str,
    minutes_ago: i64,
) -> ReceivedTip {
    ReceivedTip {
        account_id,
        platform: SePlatform::Twitch,
        se_id: se_id.into(),
        username: format!("fan-{se_id}"),
        amount,
        currency: currency.into(),
        message: "gg".into(),
        provider: Some("paypal".into()),
        status: Some("success".into()),
        created_at: time::now() - Duration::minutes(minutes_ago),
        raw: "{}".into(),
    }
}

fn query(limit: u32) -> TipQuery {
    TipQuery {
        limit,
        ..TipQuery::default()
    }
}

async fn a_tip_is_stored_once_and_listed_newest_first(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@example.com").await;
    let other = account_owner(&domain, "other@example.com").await;
    let account = owner.account_id().unwrap();
    let tips = domain.tips();
    let first = tips
        .record(&tip(account, "a", 4.2, "USD", 30))
        .await
        .unwrap();
    assert!(first.is_some());
    assert_eq!(
        tips.record(&tip(account, "a", 4.2, "USD", 30))
            .await
            .unwrap(),
        None,
        "a replay"
    );
    tips.record(&tip(account, "b", 10.0, "EUR", 20))
        .await
        .unwrap();
    tips.record(&tip(account, "c", 0.5, "USD", 10))
        .await
        .unwrap();
    // The same `_id` in another account is another tip.
    let elsewhere = other.account_id().unwrap();
    assert!(tips
        .record(&tip(elsewhere, "a", 1.0, "USD", 5))
        .await
        .unwrap()
        .is_some());

    let listed = tips.list(&owner, None, query(50)).await.unwrap();
    let names: Vec<&str> = listed.iter().map(|t| t.username.as_str()).collect();
    assert_eq!(names, ["fan-c", "fan-b", "fan-a"]);
    assert_eq!(listed[2].id, first.unwrap());
    assert_eq!(listed[2].amount, 4.2);
    let page = tips.list(&owner, None, query(2)).await.unwrap();
    assert_eq!(page.len(), 2);
    let next = TipQuery {
        before: Some(page[1].created_at),
        ..query(2)
    };
    let rest = tips.list(&owner, None, next).await.unwrap();
    assert_eq!(
        rest.iter().map(|t| t.username.as_str()).collect::<Vec<_>>(),
        ["fan-a"]
    );
    let since = TipQuery {
        since: Some(Utc::now() - Duration::minutes(15)),
        ..query(50)
    };
    assert_eq!(tips.list(&owner, None, since).await.unwrap().len(), 1);
    let youtube = TipQuery {
        platform: Some(SePlatform::Youtube),
        ..query(50)
    };
    assert!(tips.list(&owner, None, youtube).await.unwrap().is_empty());
    assert_refused!(
        tips.list(&owner, None, query(0)).await,
        DomainError::Validation { field: "limit", .. }
    );
    assert_eq!(tips.list(&other, None, query(50)).await.unwrap().len(), 1);
}

async fn todays_totals_are_per_currency(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@example.com").await;
    let account = owner.account_id().unwrap();
    let tips = domain.tips();
    tips.record(&tip(account, "a", 4.25, "USD", 0))
        .await
        .unwrap();
    tips.record(&tip(account, "b", 0.75, "USD", 0))
        .await
        .unwrap();
    tips.record(&tip(account, "c", 3.0, "EUR", 0))
        .await
        .unwrap();
    // Yesterday's tip is not today's.
    tips.record(&tip(account, "d", 100.0, "EUR", 60 * 25))
        .await
        .unwrap();
    let totals = tips.totals_today(&owner, None).await.unwrap();
    let shown: Vec<(String, f64, u32)> = totals
        .into_iter()
        .map(|t| (t.currency, t.amount, t.count))
        .collect();
    // A tip made just before midnight UTC may count for yesterday: compare what is today's.
    let today = |minutes: i64| {
        (Utc::now() - Duration::minutes(minutes)).date_naive() == Utc::now().date_naive()
    };
    if today(1) {
        assert_eq!(
            shown,
            [("EUR".to_owned(), 3.0, 1), ("USD".to_owned(), 5.0, 2)]
        );
    }
}

async fn a_feed_returns_each_new_tip_once(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@example.com").await;
    let other = account_owner(&domain, "other@example.com").await;
    let account = owner.account_id().unwrap();
    let tips = domain.tips();
    tips.record(&tip(account, "before", 1.0, "USD", 0))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let mut feed = tips.follow(&owner, None).await.unwrap();
    assert!(
        feed.next().await.unwrap().is_empty(),
        "only tips from now on"
    );
    tips.record(&tip(account, "one", 1.0, "USD", 0))
        .await
        .unwrap();
    tips.record(&tip(account, "two", 2.0, "USD", 0))
        .await
        .unwrap();
    tips.record(&tip(other.account_id().unwrap(), "theirs", 2.0, "USD", 0))
        .await
        .unwrap();
    let mut arrived: Vec<String> = feed
        .next()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.username)
        .collect();
    // Tips stored in the same millisecond come in id order, not insertion order.
    arrived.sort();
    assert_eq!(arrived, ["fan-one", "fan-two"]);
    assert!(feed.next().await.unwrap().is_empty(), "each once");
    tips.record(&tip(account, "three", 3.0, "USD", 0))
        .await
        .unwrap();
    assert_eq!(feed.next().await.unwrap().len(), 1);
}

on_both_backends!(
    a_tip_is_stored_once_and_listed_newest_first,
    todays_totals_are_per_currency,
    a_feed_returns_each_new_tip_once,
);
