//! Dashboard credentials through the domain, on SQLite and PostgreSQL: the first start (default
//! account, first owner), the break-glass admin, password-only sign-in, the sign-in limit,
//! dashboard JWTs (expiry, tampering, `alg: none`), revocation, the persisted JWT secret, the
//! settings it is kept in, and the session rows the session layer keeps.

use std::{net::IpAddr, sync::Arc};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use streamgate_domain::{
    assert_refused,
    authz::{Authorizer, EnforcementMode},
    model::{time, CredentialKind, MemberChange, NewMember, Principal, Role, Subject},
    service::{AuthConfig, BreakGlass, Domain, RateLimit, SessionRow, FIRST_OWNER_EMAIL},
    store::Store,
    testing::PASSWORD,
    DomainError,
};

const SECRET: &[u8] = b"a test secret that is long enough for HS256 use";

fn domain(store: Arc<dyn Store>) -> Domain {
    Domain::new(store, Authorizer::new(EnforcementMode::On)).with_auth(AuthConfig::new(
        SECRET,
        Some(BreakGlass::new("admin", "break-glass-pass")),
    ))
}

/// A new account's owner, `owner@acme.test`.
async fn acme_owner(domain: &Domain) -> streamgate_domain::model::Member {
    let accounts = domain.accounts();
    let created = accounts.create_account_with_owner("Acme", "owner@acme.test", PASSWORD);
    created.await.unwrap().1
}

fn unauthenticated(result: Result<Principal, DomainError>) -> bool {
    matches!(result, Err(DomainError::Unauthenticated { .. }))
}

/// A signed HS256 token with arbitrary claims, as an attacker who knows the secret would not be
/// able to make (or, with a wrong secret, as one who does not).
fn forge(secret: &[u8], claims: serde_json::Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .unwrap()
}

async fn break_glass_signs_in_with_or_without_a_user_and_is_audited(store: Arc<dyn Store>) {
    let domain = domain(store.clone());
    let auth = domain.auth();
    assert_eq!(
        auth.sign_in(None, "break-glass-pass", None).await.unwrap(),
        Subject::Superadmin
    );
    assert_eq!(
        auth.sign_in(Some("ADMIN"), "break-glass-pass", None)
            .await
            .unwrap(),
        Subject::Superadmin
    );
    for (user, password) in [(None, "nope"), (Some("admin"), "nope")] {
        assert_refused!(
            auth.sign_in(user, password, None).await,
            DomainError::InvalidCredentials
        );
    }
    let superadmin = auth
        .principal(Subject::Superadmin, 0, CredentialKind::Session)
        .await
        .unwrap();
    assert_eq!(
        superadmin,
        Principal::Superadmin {
            via: CredentialKind::Session
        }
    );
    let trail = domain
        .accounts()
        .audit_trail(&superadmin, None)
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "sign_in.failed",
            "sign_in.failed",
            "sign_in.succeeded",
            "sign_in.succeeded"
        ]
    );
    assert!(trail
        .iter()
        .all(|e| e.actor == "superadmin" || e.actor == "admin"));

    // Without ADMIN_USER/ADMIN_PASS there is no superadmin, and its old credentials are void.
    let plain = Domain::new(store, Authorizer::default());
    assert_refused!(
        plain.auth().sign_in(None, "break-glass-pass", None).await,
        DomainError::InvalidCredentials
    );
    assert!(unauthenticated(
        plain
            .auth()
            .principal(Subject::Superadmin, 0, CredentialKind::Session)
            .await
    ));
}

async fn dashboard_tokens_carry_the_user_and_refuse_forgery(store: Arc<dyn Store>) {
    let domain = domain(store);
    let owner = acme_owner(&domain).await;
    let auth = domain.auth();
    let subject = auth
        .sign_in(Some("owner@acme.test"), PASSWORD, None)
        .await
        .unwrap();
    let token = auth.issue_token(subject);
    let principal = auth.principal_from_token(&token).await.unwrap();
    assert_eq!(
        principal,
        Principal::Member {
            user_id: owner.user_id,
            account_id: owner.account_id,
            role: Role::Owner,
            via: CredentialKind::UserJwt
        }
    );
    let me = auth.me(&principal).await.unwrap();
    assert_eq!(me.email.as_deref(), Some("owner@acme.test"));
    assert!(!me.is_superadmin);

    // Twelve hours, as seed 001 says.
    let payload = token.split('.').nth(1).unwrap();
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        12 * 3600
    );

    let admin_token = auth.issue_token(Subject::Superadmin);
    assert_eq!(
        auth.principal_from_token(&admin_token).await.unwrap(),
        Principal::Superadmin {
            via: CredentialKind::AdminJwt
        }
    );

    let now = time::now().timestamp();
    let sub = format!("user:{}", owner.user_id);
    let valid_claims = |exp: i64| {
        serde_json::json!({"sub": sub, "iss": "streamgate", "aud": "streamgate-dashboard",
                           "iat": now - 10, "exp": exp})
    };
    // The same claims signed with our secret pass, so each refusal below is for its one flaw.
    assert!(auth
        .principal_from_token(&forge(SECRET, valid_claims(now + 60)))
        .await
        .is_ok());
    assert!(unauthenticated(
        auth.principal_from_token(&forge(SECRET, valid_claims(now - 1)))
            .await
    ));
    assert!(unauthenticated(
        auth.principal_from_token(&forge(
            b"another secret, just as long as ours is",
            valid_claims(now + 60)
        ))
        .await
    ));
    let mut wrong_audience = valid_claims(now + 60);
    wrong_audience["aud"] = "streamgate-playback".into();
    assert!(unauthenticated(
        auth.principal_from_token(&forge(SECRET, wrong_audience))
            .await
    ));

    // Tampering with the payload breaks the signature.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut escalated = claims.clone();
    escalated["sub"] = "superadmin".into();
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&escalated).unwrap());
    assert!(unauthenticated(
        auth.principal_from_token(&parts.join(".")).await
    ));

    // `alg: none` with no signature is refused, whatever the claims.
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&valid_claims(now + 60)).unwrap());
    assert!(unauthenticated(
        auth.principal_from_token(&format!("{header}.{body}."))
            .await
    ));
    assert!(unauthenticated(
        auth.principal_from_token("not a token").await
    ));
}

async fn deactivation_and_password_changes_void_earlier_credentials(store: Arc<dyn Store>) {
    let domain = domain(store);
    let owner = acme_owner(&domain).await;
    let owner_principal = Principal::Member {
        user_id: owner.user_id,
        account_id: owner.account_id,
        role: Role::Owner,
        via: CredentialKind::Session,
    };
    let editor = domain
        .accounts()
        .add_member(
            &owner_principal,
            Some(owner.account_id),
            NewMember {
                email: "editor@acme.test".into(),
                password: PASSWORD.into(),
                role: Role::Editor,
            },
            None,
        )
        .await
        .unwrap();
    let auth = domain.auth();
    let editor_subject = Subject::User {
        user_id: editor.user_id,
    };
    let an_hour_ago = time::now().timestamp() - 3600;
    assert!(auth
        .principal(editor_subject, an_hour_ago, CredentialKind::Session)
        .await
        .is_ok());

    // Deactivated, and even once reactivated, the credentials from before stay void.
    for active in [false, true] {
        domain
            .accounts()
            .update_member(
                &owner_principal,
                editor.user_id,
                MemberChange::active(active),
                None,
            )
            .await
            .unwrap();
        assert!(unauthenticated(
            auth.principal(editor_subject, an_hour_ago, CredentialKind::Session)
                .await
        ));
    }
    // Reactivated: new credentials work.
    let later = time::now().timestamp() + 1;
    assert!(auth
        .principal(editor_subject, later, CredentialKind::Session)
        .await
        .is_ok());

    let owner_subject = Subject::User {
        user_id: owner.user_id,
    };
    domain
        .accounts()
        .change_own_password(&owner_principal, PASSWORD, "a brand new password", None)
        .await
        .unwrap();
    assert!(unauthenticated(
        auth.principal(owner_subject, an_hour_ago, CredentialKind::UserJwt)
            .await
    ));
}

/// The installation secret for `variable`: the dashboard JWT's or the playback tokens'.
async fn secret(
    domain: &Domain,
    variable: &str,
    configured: Option<&str>,
) -> Result<Vec<u8>, DomainError> {
    match variable {
        "STREAMGATE_JWT_SECRET" => domain.jwt_secret(configured).await,
        _ => domain.playback_secret(configured).await,
    }
}

async fn the_generated_secrets_are_stored_once_and_reused(store: Arc<dyn Store>) {
    let domain = Domain::new(store.clone(), Authorizer::default());
    // Another instance on the same database reads the same secrets.
    let other = Domain::new(store, Authorizer::default());
    let mut generated = Vec::new();
    for variable in ["STREAMGATE_JWT_SECRET", "STREAMGATE_PLAYBACK_SECRET"] {
        let first = secret(&domain, variable, None).await.unwrap();
        let second = secret(&other, variable, None).await.unwrap();
        assert_eq!(first, second);
        assert!(first.len() >= 32);
        let configured = "x".repeat(40);
        assert_eq!(
            secret(&domain, variable, Some(&configured)).await.unwrap(),
            configured.as_bytes()
        );
        let err = secret(&domain, variable, Some("too short"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, DomainError::Validation { field, .. } if field == variable),
            "{err:?}"
        );
        generated.push(first);
    }
    assert_ne!(
        generated[0], generated[1],
        "each purpose has its own secret"
    );
}

async fn settings_are_read_kept_on_insert_and_replaced_on_put(store: Arc<dyn Store>) {
    assert_eq!(store.setting("demo_event_id").await.unwrap(), None);
    assert_eq!(
        store.setting_or_insert("demo_event_id", "a").await.unwrap(),
        "a"
    );
    assert_eq!(
        store.setting_or_insert("demo_event_id", "b").await.unwrap(),
        "a",
        "the first value stays"
    );
    store.put_setting("demo_event_id", "c").await.unwrap();
    store.put_setting("other", "d").await.unwrap();
    assert_eq!(
        store.setting("demo_event_id").await.unwrap().as_deref(),
        Some("c")
    );
    assert_eq!(store.setting("other").await.unwrap().as_deref(), Some("d"));
}

async fn session_rows_expire_and_ids_are_never_overwritten_on_insert(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let sessions = domain.sessions();
    let row = SessionRow {
        id: "abc".into(),
        data: r#"{"a":1}"#.into(),
        expires_at: 1_000,
    };
    assert!(sessions.insert(&row).await.unwrap());
    let clash = SessionRow {
        data: r#"{"b":2}"#.into(),
        ..row.clone()
    };
    assert!(!sessions.insert(&clash).await.unwrap());
    assert_eq!(
        sessions.load("abc", 999).await.unwrap().as_deref(),
        Some(r#"{"a":1}"#)
    );
    assert_eq!(
        sessions.load("abc", 1_000).await.unwrap(),
        None,
        "expired at 1000"
    );

    sessions
        .save(&SessionRow {
            expires_at: 2_000,
            ..clash
        })
        .await
        .unwrap();
    assert_eq!(
        sessions.load("abc", 1_500).await.unwrap().as_deref(),
        Some(r#"{"b":2}"#)
    );
    sessions
        .save(&SessionRow {
            id: "old".into(),
            data: "{}".into(),
            expires_at: 10,
        })
        .await
        .unwrap();
    assert_eq!(sessions.delete_expired(1_500).await.unwrap(), 1);
    sessions.delete("abc").await.unwrap();
    assert_eq!(sessions.load("abc", 0).await.unwrap(), None);
}

async fn audit_entries_of_the_same_millisecond_keep_their_order(store: Arc<dyn Store>) {
    let at = time::now();
    let ids: Vec<uuid::Uuid> = (0..5).map(|_| uuid::Uuid::new_v4()).collect();
    for (n, id) in ids.iter().enumerate() {
        let entry = streamgate_domain::model::AuditEntry {
            id: *id,
            account_id: None,
            actor: "operator".into(),
            action: format!("step.{n}"),
            target: None,
            ip: None,
            created_at: at,
        };
        store.insert_audit(&entry).await.unwrap();
    }
    let listed: Vec<String> = store
        .list_audit(None)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .collect();
    assert_eq!(listed, ["step.4", "step.3", "step.2", "step.1", "step.0"]);
}

async fn the_first_owner_exists_only_when_nobody_could_sign_in(store: Arc<dyn Store>) {
    // With the break-glass admin configured there is a way in already.
    let with_admin = domain(store.clone());
    assert_eq!(
        with_admin.auth().prepare_installation().await.unwrap(),
        None
    );
    assert_eq!(store.count_users().await.unwrap(), 0);
    // The default account exists all the same.
    assert_eq!(store.count_accounts().await.unwrap(), 1);
    let default_account = with_admin.accounts().default_account().await.unwrap();
    assert!(default_account.is_some());

    let plain = Domain::new(store.clone(), Authorizer::default());
    let password = plain
        .auth()
        .prepare_installation()
        .await
        .unwrap()
        .expect("a first owner");
    assert_eq!(password.len(), 20);
    let subject = plain
        .auth()
        .sign_in(Some(FIRST_OWNER_EMAIL), &password, None)
        .await
        .unwrap();
    assert!(matches!(subject, Subject::User { .. }));
    let Subject::User { user_id } = subject else {
        unreachable!()
    };
    let owner = store.find_user(user_id).await.unwrap().unwrap().member;
    assert_eq!(
        (Some(owner.account_id), owner.role),
        (default_account, Role::Owner)
    );
    // Once someone exists, nothing more is created.
    assert_eq!(plain.auth().prepare_installation().await.unwrap(), None);
    assert_eq!(store.count_users().await.unwrap(), 1);
    assert_eq!(store.count_accounts().await.unwrap(), 1);
    assert_eq!(
        plain.accounts().default_account().await.unwrap(),
        default_account
    );
}

/// `streamgate admin create` before the first start: its account becomes the default, and
/// nobody else is created.
async fn the_oldest_account_becomes_the_default(store: Arc<dyn Store>) {
    let plain = Domain::new(store.clone(), Authorizer::default());
    let (oldest, _) = plain
        .accounts()
        .create_account_with_owner("Oldest", "owner@oldest.test", PASSWORD)
        .await
        .unwrap();
    plain
        .accounts()
        .create_account_with_owner("Newer", "owner@newer.test", PASSWORD)
        .await
        .unwrap();
    assert_eq!(plain.accounts().default_account().await.unwrap(), None);
    assert_eq!(plain.auth().prepare_installation().await.unwrap(), None);
    assert_eq!(
        plain.accounts().default_account().await.unwrap(),
        Some(oldest.id)
    );
    assert_eq!(store.count_accounts().await.unwrap(), 2);
    assert_eq!(store.count_users().await.unwrap(), 2);
}

/// Instances starting together on one database end up with one default account and one first
/// owner.
async fn instances_starting_together_agree_on_one_default_account(store: Arc<dyn Store>) {
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let domain = Domain::new(store.clone(), Authorizer::default());
            tokio::spawn(async move { domain.auth().prepare_installation().await })
        })
        .collect();
    let mut passwords = 0;
    for start in starts {
        passwords += start.await.unwrap().unwrap().iter().count();
    }
    assert_eq!(passwords, 1, "one first owner, its password shown once");
    assert_eq!(store.count_accounts().await.unwrap(), 1);
    assert_eq!(store.count_users().await.unwrap(), 1);
    let domain = Domain::new(store, Authorizer::default());
    let accounts = domain
        .accounts()
        .accounts(&Principal::Operator)
        .await
        .unwrap();
    assert_eq!(
        domain.accounts().default_account().await.unwrap(),
        Some(accounts[0].id)
    );
    assert_eq!(accounts[0].name, "StreamGate");
}

/// Seed 002's `{"password"}`: the break-glass admin's password, else the first owner's, else
/// refused (and audited as before).
async fn password_only_sign_in_admits_the_break_glass_admin_then_the_first_owner(
    store: Arc<dyn Store>,
) {
    let domain = domain(store.clone());
    domain.auth().prepare_installation().await.unwrap();
    let account_id = domain.accounts().default_account().await.unwrap().unwrap();
    let first_owner = domain
        .accounts()
        .add_member(
            &Principal::Operator,
            Some(account_id),
            NewMember {
                email: "first@acme.test".into(),
                password: PASSWORD.into(),
                role: Role::Owner,
            },
            None,
        )
        .await
        .unwrap();
    let later_owner = domain
        .accounts()
        .add_member(
            &Principal::Operator,
            Some(account_id),
            NewMember {
                email: "later@acme.test".into(),
                password: "the later owner's password".into(),
                role: Role::Owner,
            },
            None,
        )
        .await
        .unwrap();
    let auth = domain.auth();
    assert_eq!(
        auth.sign_in(None, "break-glass-pass", None).await.unwrap(),
        Subject::Superadmin
    );
    assert_eq!(
        auth.sign_in(None, PASSWORD, None).await.unwrap(),
        Subject::User {
            user_id: first_owner.user_id
        }
    );
    // Only the first owner signs in this way; another owner's password is no way in.
    for password in ["the later owner's password", "nope"] {
        assert_refused!(
            auth.sign_in(None, password, None).await,
            DomainError::InvalidCredentials
        );
    }
    assert!(auth
        .sign_in(Some("later@acme.test"), "the later owner's password", None)
        .await
        .is_ok());
    let trail = domain
        .accounts()
        .audit_trail(&Principal::Operator, None)
        .await
        .unwrap();
    let entries: Vec<(&str, &str, Option<uuid::Uuid>)> = trail
        .iter()
        .take(5)
        .map(|e| (e.action.as_str(), e.actor.as_str(), e.account_id))
        .collect();
    let first = format!("user:{}", first_owner.user_id);
    let later = format!("user:{}", later_owner.user_id);
    assert_eq!(
        entries,
        [
            ("sign_in.succeeded", later.as_str(), Some(account_id)),
            ("sign_in.failed", "superadmin", None),
            ("sign_in.failed", "superadmin", None),
            ("sign_in.succeeded", first.as_str(), Some(account_id)),
            ("sign_in.succeeded", "superadmin", None),
        ]
    );

    // Without break-glass, the first owner's password still signs in; a wrong one does not.
    let plain = Domain::new(store, Authorizer::default());
    assert_eq!(
        plain.auth().sign_in(None, PASSWORD, None).await.unwrap(),
        Subject::User {
            user_id: first_owner.user_id
        }
    );
    assert_refused!(
        plain.auth().sign_in(None, "break-glass-pass", None).await,
        DomainError::InvalidCredentials
    );
}

fn client(text: &str) -> Option<IpAddr> {
    Some(text.parse().unwrap())
}

/// Attempts per address are counted in the database: two instances share the count, every
/// attempt counts whatever its outcome, and the command line (no address) is never limited.
async fn sign_in_attempts_are_limited_per_address_across_instances(store: Arc<dyn Store>) {
    let limited = || {
        let config = AuthConfig::new(SECRET, Some(BreakGlass::new("admin", "break-glass-pass")))
            .with_sign_in_limit(RateLimit::per_minute(3));
        Domain::new(store.clone(), Authorizer::default()).with_auth(config)
    };
    let (here, there) = (limited(), limited());
    let attempt = |domain: &Domain, password: &'static str| {
        let domain = domain.clone();
        async move {
            domain
                .auth()
                .sign_in(None, password, client("203.0.113.9"))
                .await
        }
    };
    assert_eq!(
        attempt(&here, "break-glass-pass").await.unwrap(),
        Subject::Superadmin
    );
    assert_eq!(
        attempt(&there, "break-glass-pass").await.unwrap(),
        Subject::Superadmin
    );
    assert_refused!(
        attempt(&here, "nope").await,
        DomainError::InvalidCredentials
    );
    // The fourth attempt from that address is refused before any password is looked at.
    let refused = attempt(&there, "break-glass-pass").await.unwrap_err();
    let DomainError::TooManyAttempts { retry_after_secs } = refused else {
        panic!("expected the sign-in limit: {refused:?}")
    };
    // One attempt comes back every 20 seconds (less the time the attempts took).
    assert!((10..=20).contains(&retry_after_secs), "{retry_after_secs}");
    assert_eq!(refused.to_string(), "Too many login attempts");
    assert_eq!(refused.status_code(), 429);
    assert_refused!(
        attempt(&here, "break-glass-pass").await,
        DomainError::TooManyAttempts { .. }
    );
    // Other addresses, and the command line, are not held back.
    assert_eq!(
        here.auth()
            .sign_in(None, "break-glass-pass", client("2001:db8::1"))
            .await
            .unwrap(),
        Subject::Superadmin
    );
    for _ in 0..4 {
        assert_eq!(
            there
                .auth()
                .sign_in(None, "break-glass-pass", None)
                .await
                .unwrap(),
            Subject::Superadmin
        );
    }
}

/// Seed 002's limit unless configured otherwise: ten attempts a minute per address.
async fn ten_sign_in_attempts_a_minute_by_default(store: Arc<dyn Store>) {
    assert_eq!(AuthConfig::DEFAULT_SIGN_IN_LIMIT, RateLimit::per_minute(10));
    let domain = domain(store);
    for _ in 0..10 {
        assert_eq!(
            domain
                .auth()
                .sign_in(Some("admin"), "break-glass-pass", client("198.51.100.1"))
                .await
                .unwrap(),
            Subject::Superadmin
        );
    }
    let refused = domain
        .auth()
        .sign_in(Some("admin"), "break-glass-pass", client("198.51.100.1"))
        .await
        .unwrap_err();
    assert!(
        matches!(refused, DomainError::TooManyAttempts { retry_after_secs } if retry_after_secs <= 6),
        "{refused:?}"
    );
}

streamgate_domain::on_both_backends!(
    the_first_owner_exists_only_when_nobody_could_sign_in,
    the_oldest_account_becomes_the_default,
    instances_starting_together_agree_on_one_default_account,
    password_only_sign_in_admits_the_break_glass_admin_then_the_first_owner,
    sign_in_attempts_are_limited_per_address_across_instances,
    ten_sign_in_attempts_a_minute_by_default,
    audit_entries_of_the_same_millisecond_keep_their_order,
    break_glass_signs_in_with_or_without_a_user_and_is_audited,
    dashboard_tokens_carry_the_user_and_refuse_forgery,
    deactivation_and_password_changes_void_earlier_credentials,
    the_generated_secrets_are_stored_once_and_reused,
    settings_are_read_kept_on_insert_and_replaced_on_put,
    session_rows_expire_and_ids_are_never_overwritten_on_insert,
);
