//! Dashboard credentials through the domain, on SQLite and PostgreSQL: the break-glass admin,
//! dashboard JWTs (expiry, tampering, `alg: none`), revocation, the persisted JWT secret, the
//! settings it is kept in, and the session rows the session layer keeps.

use std::sync::Arc;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use streamgate_domain::{
    assert_refused,
    authz::{Authorizer, EnforcementMode},
    model::{time, CredentialKind, NewMember, Principal, Role, Subject},
    service::{AuthConfig, BreakGlass, Domain, FIRST_OWNER_EMAIL},
    store::{SessionRow, Store},
    DomainError,
};

const PASSWORD: &str = "correct horse battery";
const SECRET: &[u8] = b"a test secret that is long enough for HS256 use";

fn domain(store: Arc<dyn Store>) -> Domain {
    Domain::new(store, Authorizer::new(EnforcementMode::On)).with_auth(AuthConfig::new(
        SECRET,
        Some(BreakGlass::new("admin", "break-glass-pass")),
    ))
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
    let domain = domain(store);
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
    let plain = Domain::new(domain.store().clone(), Authorizer::default());
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
    let (_, owner) = domain
        .accounts()
        .create_account_with_owner("Acme", "owner@acme.test", PASSWORD)
        .await
        .unwrap();
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
    let (_, owner) = domain
        .accounts()
        .create_account_with_owner("Acme", "owner@acme.test", PASSWORD)
        .await
        .unwrap();
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

    domain
        .accounts()
        .set_active(&owner_principal, editor.user_id, false, None)
        .await
        .unwrap();
    assert!(unauthenticated(
        auth.principal(editor_subject, an_hour_ago, CredentialKind::Session)
            .await
    ));
    domain
        .accounts()
        .set_active(&owner_principal, editor.user_id, true, None)
        .await
        .unwrap();
    // Reactivated: new credentials work, the ones from before the deactivation stay void.
    assert!(unauthenticated(
        auth.principal(editor_subject, an_hour_ago, CredentialKind::Session)
            .await
    ));
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

async fn the_generated_jwt_secret_is_stored_once_and_reused(store: Arc<dyn Store>) {
    let first = AuthConfig::jwt_secret(store.as_ref(), None).await.unwrap();
    let second = AuthConfig::jwt_secret(store.as_ref(), None).await.unwrap();
    assert_eq!(first, second);
    assert!(first.len() >= 32);
    let configured = "x".repeat(40);
    assert_eq!(
        AuthConfig::jwt_secret(store.as_ref(), Some(&configured))
            .await
            .unwrap(),
        configured.as_bytes()
    );
    assert_refused!(
        AuthConfig::jwt_secret(store.as_ref(), Some("too short")).await,
        DomainError::Validation {
            field: "STREAMGATE_JWT_SECRET",
            ..
        }
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
    let row = SessionRow {
        id: "abc".into(),
        data: r#"{"a":1}"#.into(),
        expires_at: 1_000,
    };
    assert!(store.insert_session(&row).await.unwrap());
    let clash = SessionRow {
        data: r#"{"b":2}"#.into(),
        ..row.clone()
    };
    assert!(!store.insert_session(&clash).await.unwrap());
    assert_eq!(
        store.load_session("abc", 999).await.unwrap().as_deref(),
        Some(r#"{"a":1}"#)
    );
    assert_eq!(
        store.load_session("abc", 1_000).await.unwrap(),
        None,
        "expired at 1000"
    );

    store
        .save_session(&SessionRow {
            expires_at: 2_000,
            ..clash
        })
        .await
        .unwrap();
    assert_eq!(
        store.load_session("abc", 1_500).await.unwrap().as_deref(),
        Some(r#"{"b":2}"#)
    );
    store
        .save_session(&SessionRow {
            id: "old".into(),
            data: "{}".into(),
            expires_at: 10,
        })
        .await
        .unwrap();
    assert_eq!(store.delete_expired_sessions(1_500).await.unwrap(), 1);
    store.delete_session("abc").await.unwrap();
    assert_eq!(store.load_session("abc", 0).await.unwrap(), None);
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
        with_admin
            .auth()
            .create_first_owner_if_nobody_can_sign_in()
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.count_users().await.unwrap(), 0);

    let plain = Domain::new(store.clone(), Authorizer::default());
    let password = plain
        .auth()
        .create_first_owner_if_nobody_can_sign_in()
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
    // Once someone exists, nothing more is created.
    assert_eq!(
        plain
            .auth()
            .create_first_owner_if_nobody_can_sign_in()
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.count_users().await.unwrap(), 1);
}

streamgate_domain::on_both_backends!(
    the_first_owner_exists_only_when_nobody_could_sign_in,
    audit_entries_of_the_same_millisecond_keep_their_order,
    break_glass_signs_in_with_or_without_a_user_and_is_audited,
    dashboard_tokens_carry_the_user_and_refuse_forgery,
    deactivation_and_password_changes_void_earlier_credentials,
    the_generated_jwt_secret_is_stored_once_and_reused,
    settings_are_read_kept_on_insert_and_replaced_on_put,
    session_rows_expire_and_ids_are_never_overwritten_on_insert,
);
