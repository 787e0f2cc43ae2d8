//! Account quotas through the domain, on SQLite and PostgreSQL alike: defaults and each
//! account's own limits, -1, every limit refusing whoever asks, parallel requests never
//! slipping past a limit, batches all or nothing, takeovers counted once, and usage.

use std::{sync::Arc, time::Duration as StdDuration};

use chrono::Duration;
use streamgate_domain::{
    assert_refused,
    authz::{Authorizer, EnforcementMode},
    model::{
        time, AccountPatch, CredentialKind, Event, NewAccount, NewCodes, NewMember, NewOwner,
        Principal, QuotaExceeded, QuotaMetric, QuotaPatch, Quotas, Role, Usage,
    },
    playback::{PlaybackConfig, PlaybackKeys},
    service::{member_principal, Domain},
    store::Store,
    testing, DomainError, PlaybackRefusal,
};
use uuid::Uuid;

const SUPERADMIN: &Principal = &Principal::Superadmin {
    via: CredentialKind::AdminJwt,
};

fn quotas(text: &str) -> Quotas {
    text.parse().unwrap()
}

/// A domain with `defaults` as the installation's quotas and role checks off (quotas hold
/// all the same).
fn domain(store: Arc<dyn Store>, defaults: &str) -> Domain {
    Domain::new(store, Authorizer::new(EnforcementMode::Off)).with_quotas(quotas(defaults))
}

async fn owner(domain: &Domain) -> Principal {
    let email = format!("owner-{}@acme.test", Uuid::new_v4().simple());
    testing::account_owner(domain, &email).await
}

fn account(principal: &Principal) -> Uuid {
    principal.account_id().unwrap()
}

async fn create_event(
    domain: &Domain,
    who: &Principal,
    account_id: Uuid,
) -> Result<Event, DomainError> {
    let input = testing::new_event("Keynote", time::now() - Duration::hours(1), 3);
    domain.events().create(who, account_id, input, None).await
}

async fn generate(
    domain: &Domain,
    who: &Principal,
    event: &Event,
    count: i64,
) -> Result<usize, DomainError> {
    let input = NewCodes { count, label: None };
    let codes = domain.codes().generate(who, event.id, input, None).await?;
    Ok(codes.len())
}

async fn set_quotas(domain: &Domain, account_id: Uuid, patch: QuotaPatch) -> Quotas {
    let patch = AccountPatch {
        name: None,
        quotas: Some(patch),
    };
    let accounts = domain.accounts();
    let updated = accounts.update_account(SUPERADMIN, account_id, patch, None);
    updated.await.unwrap().quotas
}

async fn usage(domain: &Domain, account_id: Uuid) -> Usage {
    domain
        .accounts()
        .usage(SUPERADMIN, account_id)
        .await
        .unwrap()
        .usage
}

/// `result` is the refusal over `metric` at `limit` with `used` in use.
#[track_caller]
fn assert_over<T: std::fmt::Debug>(
    result: Result<T, DomainError>,
    metric: QuotaMetric,
    limit: i64,
    used: i64,
) {
    match result {
        Err(DomainError::QuotaExceeded(exceeded)) => {
            assert_eq!(
                exceeded,
                QuotaExceeded {
                    metric,
                    limit,
                    used
                }
            )
        }
        other => panic!("expected over quota, got {other:?}"),
    }
}

async fn accounts_follow_the_default_until_given_their_own(store: Arc<dyn Store>) {
    let domain = domain(store.clone(), "maxEvents=2");
    let owner = owner(&domain).await;
    let id = account(&owner);
    let read = domain.accounts().account(&owner, id).await.unwrap();
    assert_eq!(
        read.quotas,
        quotas("maxEvents=2,maxCodes=-1,maxConcurrentViewers=-1")
    );

    let own = QuotaPatch {
        max_events: Some(Some(5)),
        max_codes: Some(Some(100)),
        ..QuotaPatch::default()
    };
    assert_eq!(
        set_quotas(&domain, id, own).await,
        quotas("maxEvents=5,maxCodes=100")
    );
    // null goes back to the default, which then follows the installation's setting.
    let back = QuotaPatch {
        max_events: Some(None),
        ..QuotaPatch::default()
    };
    assert_eq!(
        set_quotas(&domain, id, back).await,
        quotas("maxEvents=2,maxCodes=100")
    );
    let restarted = self::domain(store, "maxEvents=7,maxConcurrentViewers=3");
    let listed = restarted.accounts().account_list(SUPERADMIN).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].quotas,
        quotas("maxEvents=7,maxCodes=100,maxConcurrentViewers=3")
    );
}

async fn minus_one_is_unlimited_even_under_a_default(store: Arc<dyn Store>) {
    let domain = domain(store, "maxEvents=1");
    let owner = owner(&domain).await;
    let unlimited = QuotaPatch {
        max_events: Some(Some(-1)),
        ..QuotaPatch::default()
    };
    set_quotas(&domain, account(&owner), unlimited).await;
    for _ in 0..3 {
        create_event(&domain, &owner, account(&owner))
            .await
            .unwrap();
    }
    assert_eq!(usage(&domain, account(&owner)).await.events, 3);
}

async fn the_event_quota_refuses_everyone_with_limit_and_use(store: Arc<dyn Store>) {
    let domain = domain(store, "maxEvents=2");
    let owner = owner(&domain).await;
    let id = account(&owner);
    create_event(&domain, &owner, id).await.unwrap();
    create_event(&domain, &Principal::Operator, id)
        .await
        .unwrap();
    for who in [&owner, SUPERADMIN, &Principal::Operator] {
        let refused = create_event(&domain, who, id).await;
        assert_over(refused, QuotaMetric::Events, 2, 2);
    }
    // Another account has its own count.
    let other = self::owner(&domain).await;
    create_event(&domain, &other, account(&other))
        .await
        .unwrap();
    assert_eq!(usage(&domain, id).await.events, 2);
}

async fn a_batch_that_would_cross_the_code_quota_writes_nothing(store: Arc<dyn Store>) {
    let domain = domain(store, "maxCodes=10");
    let owner = owner(&domain).await;
    let event = create_event(&domain, &owner, account(&owner))
        .await
        .unwrap();
    let second = create_event(&domain, &owner, account(&owner))
        .await
        .unwrap();
    assert_eq!(generate(&domain, &owner, &event, 8).await.unwrap(), 8);
    // Codes count across all the account's events.
    let refused = generate(&domain, &owner, &second, 5).await;
    assert_over(refused, QuotaMetric::Codes, 10, 8);
    assert_eq!(usage(&domain, account(&owner)).await.codes, 8);
    assert_eq!(generate(&domain, SUPERADMIN, &second, 2).await.unwrap(), 2);
    let full = generate(&domain, &Principal::Operator, &event, 1).await;
    assert_over(full, QuotaMetric::Codes, 10, 10);
}

/// What the parallel `attempts` made; every other one must have been refused over `metric`.
async fn admitted<T>(
    attempts: Vec<tokio::task::JoinHandle<Result<T, DomainError>>>,
    metric: QuotaMetric,
) -> Vec<T> {
    let mut made = Vec::new();
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(value) => made.push(value),
            Err(DomainError::QuotaExceeded(e)) if e.metric == metric => {}
            Err(other) => panic!("unexpected refusal: {other:?}"),
        }
    }
    made
}

async fn parallel_creates_leave_exactly_the_limit(store: Arc<dyn Store>) {
    let domain = domain(store, "maxEvents=3,maxCodes=4");
    let owner = owner(&domain).await;
    let id = account(&owner);
    let attempts = (0..8).map(|_| {
        let (domain, owner) = (domain.clone(), owner.clone());
        tokio::spawn(async move { create_event(&domain, &owner, id).await })
    });
    let made: Vec<Event> = admitted(attempts.collect(), QuotaMetric::Events).await;
    assert_eq!(made.len(), 3);
    assert_eq!(usage(&domain, id).await.events, 3);

    let batches = (0..6).map(|_| {
        let (domain, owner, event) = (domain.clone(), owner.clone(), made[0].clone());
        tokio::spawn(async move { generate(&domain, &owner, &event, 2).await })
    });
    let minted = admitted(batches.collect(), QuotaMetric::Codes).await;
    assert_eq!(minted, [2, 2]);
    assert_eq!(usage(&domain, id).await.codes, 4);
}

/// A domain whose viewers' sessions time out after one second.
fn impatient(store: Arc<dyn Store>, defaults: &str) -> Domain {
    let config = PlaybackConfig {
        session_timeout: StdDuration::from_secs(1),
        validate_limit: streamgate_domain::service::RateLimit::per_minute(10_000),
        ..PlaybackConfig::new(PlaybackKeys::ephemeral())
    };
    domain(store, defaults).with_playback(config)
}

async fn validate(domain: &Domain, code: &str) -> Result<(), DomainError> {
    let base = "http://127.0.0.1:4000".to_owned();
    domain
        .playback()
        .validate(code, None, base)
        .await
        .map(|_| ())
}

async fn the_viewer_quota_counts_live_sessions_and_a_takeover_once(store: Arc<dyn Store>) {
    let domain = impatient(store, "maxConcurrentViewers=1");
    let owner = owner(&domain).await;
    let event = create_event(&domain, &owner, account(&owner))
        .await
        .unwrap();
    let codes = testing::generate_codes(&domain, &owner, &event, 3, None).await;
    validate(&domain, &codes[0].code).await.unwrap();
    let second = validate(&domain, &codes[1].code).await;
    assert_refused!(
        second,
        DomainError::Playback(PlaybackRefusal::ViewerLimitReached)
    );
    // The same code's live session answers "in use", not the quota.
    let again = validate(&domain, &codes[0].code).await;
    assert_refused!(again, DomainError::Playback(PlaybackRefusal::InUse));
    assert_eq!(usage(&domain, account(&owner)).await.concurrent_viewers, 1);

    // Once it timed out, the code takes its own session over: one viewer, not two.
    tokio::time::sleep(StdDuration::from_millis(1200)).await;
    validate(&domain, &codes[0].code).await.unwrap();
    assert_eq!(usage(&domain, account(&owner)).await.concurrent_viewers, 1);
    let third = validate(&domain, &codes[2].code).await;
    assert_refused!(
        third,
        DomainError::Playback(PlaybackRefusal::ViewerLimitReached)
    );
}

async fn parallel_validations_never_pass_the_viewer_quota(store: Arc<dyn Store>) {
    let domain = impatient(store, "maxConcurrentViewers=2");
    let owner = owner(&domain).await;
    let event = create_event(&domain, &owner, account(&owner))
        .await
        .unwrap();
    let codes = testing::generate_codes(&domain, &owner, &event, 6, None).await;
    let claims: Vec<_> = codes
        .into_iter()
        .map(|code| {
            let domain = domain.clone();
            tokio::spawn(async move { validate(&domain, &code.code).await })
        })
        .collect();
    let mut watching = 0;
    for claim in claims {
        match claim.await.unwrap() {
            Ok(()) => watching += 1,
            Err(DomainError::Playback(PlaybackRefusal::ViewerLimitReached)) => {}
            Err(other) => panic!("unexpected refusal: {other:?}"),
        }
    }
    assert_eq!(watching, 2);
    assert_eq!(usage(&domain, account(&owner)).await.concurrent_viewers, 2);
}

async fn usage_counts_the_account_and_another_accounts_is_not_found(store: Arc<dyn Store>) {
    let domain = domain(store, "maxCodes=50");
    let owner = owner(&domain).await;
    let id = account(&owner);
    let event = create_event(&domain, &owner, id).await.unwrap();
    let codes = testing::generate_codes(&domain, &owner, &event, 4, None).await;
    validate(&domain, &codes[0].code).await.unwrap();
    let other = self::owner(&domain).await;
    create_event(&domain, &other, account(&other))
        .await
        .unwrap();

    let read = domain.accounts().usage(&owner, id).await.unwrap();
    assert_eq!(read.account_id, id);
    assert_eq!(read.quotas, quotas("maxCodes=50"));
    assert_eq!(
        read.usage,
        Usage {
            events: 1,
            codes: 4,
            concurrent_viewers: 1
        }
    );
    let foreign = domain.accounts().usage(&owner, account(&other)).await;
    assert_refused!(foreign, DomainError::NotFound { what: "Account" });
}

async fn only_the_superadmin_founds_accounts_and_sets_quotas_owners_rename(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = owner(&domain).await;
    let id = account(&owner);
    let input = NewAccount {
        name: " Beta Org ".into(),
        owner: NewOwner {
            email: "founder@beta.test".into(),
            password: testing::PASSWORD.into(),
        },
    };
    let refused = domain
        .accounts()
        .create_account(&owner, input.clone(), None)
        .await;
    assert_refused!(refused, DomainError::NotAllowed { .. });
    let created = domain
        .accounts()
        .create_account(SUPERADMIN, input.clone(), None)
        .await
        .unwrap();
    assert_eq!(
        (created.name.as_str(), created.quotas),
        ("Beta Org", Quotas::UNLIMITED)
    );
    let again = domain
        .accounts()
        .create_account(SUPERADMIN, input, None)
        .await;
    assert_refused!(again, DomainError::Conflict { field: "email", .. });

    let rename = AccountPatch {
        name: Some("Acme Events".into()),
        quotas: None,
    };
    let editor = domain
        .accounts()
        .add_member(
            &owner,
            None,
            NewMember {
                email: "editor@acme.test".into(),
                password: testing::PASSWORD.into(),
                role: Role::Editor,
            },
            None,
        )
        .await
        .unwrap();
    let editor = member_principal(&editor, CredentialKind::Session);
    let by_editor = domain
        .accounts()
        .update_account(&editor, id, rename.clone(), None)
        .await;
    assert_refused!(
        by_editor,
        DomainError::NotAllowed {
            message: "Only an owner can rename the account"
        }
    );
    let renamed = domain
        .accounts()
        .update_account(&owner, id, rename, None)
        .await
        .unwrap();
    assert_eq!(renamed.name, "Acme Events");
    let quota = AccountPatch {
        name: None,
        quotas: Some(QuotaPatch {
            max_codes: Some(Some(5)),
            ..QuotaPatch::default()
        }),
    };
    let by_owner = domain
        .accounts()
        .update_account(&owner, id, quota.clone(), None)
        .await;
    assert_refused!(
        by_owner,
        DomainError::NotAllowed {
            message: "Only the superadmin can change quotas"
        }
    );
    // Someone else's account is not found, whatever is asked.
    let foreign = domain
        .accounts()
        .update_account(&owner, created.id, quota, None)
        .await;
    assert_refused!(foreign, DomainError::NotFound { what: "Account" });
    let bad = AccountPatch {
        name: None,
        quotas: Some(QuotaPatch {
            max_events: Some(Some(-2)),
            ..QuotaPatch::default()
        }),
    };
    let bad = domain
        .accounts()
        .update_account(SUPERADMIN, id, bad, None)
        .await;
    assert_refused!(
        bad,
        DomainError::Validation {
            field: "quotas",
            ..
        }
    );

    let trail = domain
        .accounts()
        .audit_trail(SUPERADMIN, Some(created.id))
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|entry| entry.action.as_str()).collect();
    assert_eq!(actions, ["user.created", "account.created"]);
    let trail = domain
        .accounts()
        .audit_trail(SUPERADMIN, Some(id))
        .await
        .unwrap();
    assert_eq!(trail[0].action, "account.renamed");
    assert_eq!(
        trail[0].target.as_deref(),
        Some(format!("account:{id} (Acme Events)").as_str())
    );
}

streamgate_domain::on_both_backends!(
    accounts_follow_the_default_until_given_their_own,
    minus_one_is_unlimited_even_under_a_default,
    the_event_quota_refuses_everyone_with_limit_and_use,
    a_batch_that_would_cross_the_code_quota_writes_nothing,
    parallel_creates_leave_exactly_the_limit,
    the_viewer_quota_counts_live_sessions_and_a_takeover_once,
    parallel_validations_never_pass_the_viewer_quota,
    usage_counts_the_account_and_another_accounts_is_not_found,
    only_the_superadmin_founds_accounts_and_sets_quotas_owners_rename,
);
