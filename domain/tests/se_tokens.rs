//! StreamElements tokens through the domain, on SQLite and PostgreSQL alike: encrypted at rest,
//! masked when shown, one per platform (upsert), deleted with an ownership check, the worker
//! started and stopped through the control whichever door asks, and the workers' leases.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use streamgate_domain::{
    assert_refused,
    authz::Authorizer,
    model::{CredentialKind, NewMember, NewSeToken, Role, SePlatform, SeTokenStatus},
    on_both_backends,
    service::{member_principal, CipherError, Domain, SeTokenReport, SeWorkerControl, TokenCipher},
    store::Store,
    testing::{account_owner, PASSWORD},
    DomainError,
};
use uuid::Uuid;

/// Records what the domain asked of the workers.
#[derive(Default)]
struct Workers(Mutex<Vec<(&'static str, Uuid)>>);

impl SeWorkerControl for Workers {
    fn start(&self, account: Uuid) {
        self.0.lock().unwrap().push(("start", account));
    }
    fn stop(&self, account: Uuid) {
        self.0.lock().unwrap().push(("stop", account));
    }
}

impl Workers {
    fn calls(&self) -> Vec<(&'static str, Uuid)> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

fn domain_with(store: Arc<dyn Store>, key: &str, workers: Arc<Workers>) -> Domain {
    Domain::new(store, Authorizer::default())
        .with_token_cipher(TokenCipher::new(key.as_bytes()))
        .with_se_workers(workers)
}

fn token(platform: &str, token: &str) -> NewSeToken {
    NewSeToken {
        platform: platform.into(),
        token: token.into(),
        label: None,
    }
}

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJjaGFubmVsIjoiYWJjIn0.sig-ab12";

async fn tokens_are_encrypted_masked_and_replaced_per_platform(store: Arc<dyn Store>) {
    let workers = Arc::new(Workers::default());
    let domain = domain_with(store.clone(), "the installation key", workers.clone());
    let owner = account_owner(&domain, "owner@example.com").await;
    let account = owner.account_id().unwrap();
    let service = domain.se_tokens();
    let created = service
        .create(&owner, None, token("twitch", JWT), None)
        .await
        .unwrap();
    assert_eq!(created.token_hint, "eyJh***ab12");
    assert_eq!(created.status, SeTokenStatus::Connecting);
    assert_eq!(workers.calls(), [("start", account)]);

    // At rest: `v1:` ciphertext, never the token.
    let stored = store.list_tokens(account).await.unwrap();
    assert!(stored[0].token.starts_with("v1:"), "{}", stored[0].token);
    assert!(!stored[0].token.contains("eyJ"));

    let replaced = service
        .create(
            &owner,
            None,
            NewSeToken {
                label: Some("Main".into()),
                ..token("twitch", "eyJnew-token-wxyz")
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        (replaced.id, replaced.created_at),
        (created.id, created.created_at)
    );
    assert_eq!(replaced.token_hint, "eyJn***wxyz");
    assert_eq!(replaced.label.as_deref(), Some("Main"));
    service
        .create(&owner, None, token("kick", "short"), None)
        .await
        .unwrap();
    let listed = service.list(&owner, None).await.unwrap();
    let platforms: Vec<SePlatform> = listed.iter().map(|t| t.platform).collect();
    assert_eq!(platforms, [SePlatform::Kick, SePlatform::Twitch]);
    assert_eq!(listed[0].token_hint, "****");

    // The workers read the token back; another key cannot, and its hint is `****`.
    let readable = domain.se_workers().accounts_with_tokens().await.unwrap();
    assert_eq!(readable.len(), 1);
    let twitch = readable[0]
        .1
        .iter()
        .find(|t| t.platform == SePlatform::Twitch)
        .unwrap();
    assert_eq!(twitch.token.as_deref(), Ok("eyJnew-token-wxyz"));
    let other_key = domain_with(store.clone(), "another key", Arc::default());
    let shown = other_key.se_tokens().list(&owner, None).await.unwrap();
    assert!(shown
        .iter()
        .all(|t| t.token_hint == "****" && t.status == SeTokenStatus::Error));
    let unreadable = other_key.se_workers().accounts_with_tokens().await.unwrap();
    assert!(unreadable[0]
        .1
        .iter()
        .all(|t| t.token == Err(CipherError::WrongKey)));
}

async fn deleting_checks_the_account_and_the_last_token_stops_the_worker(store: Arc<dyn Store>) {
    let workers = Arc::new(Workers::default());
    let domain = domain_with(store.clone(), "key", workers.clone());
    let owner = account_owner(&domain, "owner@example.com").await;
    let other = account_owner(&domain, "other@example.com").await;
    let account = owner.account_id().unwrap();
    let service = domain.se_tokens();
    let twitch = service
        .create(&owner, None, token("twitch", JWT), None)
        .await
        .unwrap();
    let trovo = service
        .create(&owner, None, token("trovo", JWT), None)
        .await
        .unwrap();
    workers.calls();

    assert_refused!(
        service.delete(&other, None, twitch.id, None).await,
        DomainError::NotFound { .. }
    );
    assert_refused!(
        service.delete(&owner, None, Uuid::new_v4(), None).await,
        DomainError::NotFound { .. }
    );
    assert!(workers.calls().is_empty());
    service.delete(&owner, None, twitch.id, None).await.unwrap();
    assert_eq!(
        workers.calls(),
        [("start", account)],
        "the worker drops one subscription"
    );
    assert!(store.has_tokens(account).await.unwrap());
    service.delete(&owner, None, trovo.id, None).await.unwrap();
    assert_eq!(workers.calls(), [("stop", account)]);
    assert!(!store.has_tokens(account).await.unwrap());
    assert!(service.list(&owner, None).await.unwrap().is_empty());
}

async fn input_is_validated_and_only_owners_and_administrators_manage_tokens(
    store: Arc<dyn Store>,
) {
    let domain = domain_with(store, "key", Arc::default());
    let owner = account_owner(&domain, "owner@example.com").await;
    let service = domain.se_tokens();
    for (input, field) in [
        (token("facebook", JWT), "platform"),
        (token("twitch", "  "), "token"),
        (
            NewSeToken {
                label: Some("x".repeat(101)),
                ..token("twitch", JWT)
            },
            "label",
        ),
    ] {
        match service.create(&owner, None, input, None).await {
            Err(DomainError::Validation { field: named, .. }) => assert_eq!(named, field),
            other => panic!("expected a refusal naming {field}: {other:?}"),
        }
    }
    let editor = NewMember {
        email: "editor@example.com".into(),
        password: PASSWORD.into(),
        role: Role::Editor,
    };
    let editor = domain
        .accounts()
        .add_member(&owner, None, editor, None)
        .await
        .unwrap();
    let editor = member_principal(&editor, CredentialKind::Session);
    assert_refused!(
        service.list(&editor, None).await,
        DomainError::Forbidden { .. }
    );
    let refused = service
        .create(&editor, None, token("twitch", JWT), None)
        .await;
    assert_refused!(refused, DomainError::Forbidden { .. });
    // Editors do see tips.
    assert!(domain
        .tips()
        .totals_today(&editor, None)
        .await
        .unwrap()
        .is_empty());
}

async fn a_status_report_about_a_replaced_token_is_dropped(store: Arc<dyn Store>) {
    let domain = domain_with(store.clone(), "key", Arc::default());
    let owner = account_owner(&domain, "owner@example.com").await;
    let first = domain
        .se_tokens()
        .create(&owner, None, token("youtube", JWT), None)
        .await
        .unwrap();
    let report = |status| SeTokenReport {
        id: first.id,
        updated_at: first.updated_at,
        status,
        last_error: None,
        connected_at: None,
    };
    domain
        .se_workers()
        .report(&report(SeTokenStatus::Subscribed))
        .await
        .unwrap();
    let listed = domain.se_tokens().list(&owner, None).await.unwrap();
    assert_eq!(listed[0].status, SeTokenStatus::Subscribed);
    tokio::time::sleep(Duration::from_millis(5)).await;
    domain
        .se_tokens()
        .create(&owner, None, token("youtube", "eyJreplacement"), None)
        .await
        .unwrap();
    domain
        .se_workers()
        .report(&report(SeTokenStatus::Unauthorized))
        .await
        .unwrap();
    let listed = domain.se_tokens().list(&owner, None).await.unwrap();
    assert_eq!(
        listed[0].status,
        SeTokenStatus::Connecting,
        "the old token's report is stale"
    );
}

async fn one_instance_holds_an_accounts_lease_until_it_lapses(store: Arc<dyn Store>) {
    let domain = domain_with(store, "key", Arc::default());
    let owner = account_owner(&domain, "owner@example.com").await;
    let account = owner.account_id().unwrap();
    let workers = domain.se_workers();
    let lease = Duration::from_millis(400);
    assert!(workers.claim_lease(account, "a", lease).await.unwrap());
    assert!(
        workers.claim_lease(account, "a", lease).await.unwrap(),
        "renewed"
    );
    assert!(!workers.claim_lease(account, "b", lease).await.unwrap());
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        workers.claim_lease(account, "b", lease).await.unwrap(),
        "taken over once lapsed"
    );
    assert!(!workers.claim_lease(account, "a", lease).await.unwrap());
    workers.release_lease(account, "a").await.unwrap();
    assert!(
        !workers.claim_lease(account, "a", lease).await.unwrap(),
        "only the holder releases"
    );
    workers.release_lease(account, "b").await.unwrap();
    assert!(workers.claim_lease(account, "a", lease).await.unwrap());
}

on_both_backends!(
    tokens_are_encrypted_masked_and_replaced_per_platform,
    deleting_checks_the_account_and_the_last_token_stops_the_worker,
    input_is_validated_and_only_owners_and_administrators_manage_tokens,
    a_status_report_about_a_replaced_token_is_dropped,
    one_instance_holds_an_accounts_lease_until_it_lapses,
);
