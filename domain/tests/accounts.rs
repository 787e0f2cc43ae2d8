//! Organizer identity through the domain service, on SQLite and PostgreSQL alike: bootstrap,
//! sign-in, adding members, roles, the accounts a request acts on, and the wall between
//! accounts.

use std::{net::IpAddr, sync::Arc};

use streamgate_domain::{
    assert_refused,
    authz::{Authorizer, EnforcementMode},
    model::{
        Account, CredentialKind, Member, MemberChange, NewMember, Permission, Principal, Role,
    },
    service::{member_principal, Domain},
    store::{Backend, Store},
    testing::{TestDatabase, PASSWORD},
    DomainError,
};
use uuid::Uuid;

fn domain(store: Arc<dyn Store>, mode: EnforcementMode) -> Domain {
    Domain::new(store, Authorizer::new(mode))
}

fn session(member: &Member) -> Principal {
    member_principal(member, CredentialKind::Session)
}

fn new_member(email: &str, role: Role) -> NewMember {
    NewMember {
        email: email.into(),
        password: PASSWORD.into(),
        role,
    }
}

/// A new account and its owner, signed in through the session cookie.
async fn bootstrap(domain: &Domain, name: &str, email: &str) -> (Account, Member) {
    domain
        .accounts()
        .create_account_with_owner(name, email, PASSWORD)
        .await
        .unwrap()
}

/// `by` adds a member to their own account.
async fn add(domain: &Domain, by: &Member, email: &str, role: Role) -> Result<Member, DomainError> {
    let input = new_member(email, role);
    domain
        .accounts()
        .add_member(&session(by), Some(by.account_id), input, ip())
        .await
}

/// The members of `account_id` as `by` sees them.
async fn members_seen_by(
    domain: &Domain,
    by: &Member,
    account_id: Uuid,
) -> Result<Vec<Member>, DomainError> {
    domain
        .accounts()
        .members(&session(by), Some(account_id))
        .await
}

/// `by` adds a member to their own account, as they may.
async fn added(domain: &Domain, by: &Member, email: &str, role: Role) -> Member {
    add(domain, by, email, role).await.unwrap()
}

/// `by` changes the member `user_id`, signed in from [`ip`].
async fn change_member(
    domain: &Domain,
    by: &Member,
    user_id: Uuid,
    change: MemberChange,
) -> Result<Member, DomainError> {
    domain
        .accounts()
        .update_member(&session(by), user_id, change, ip())
        .await
}

async fn set_role(d: &Domain, by: &Member, id: Uuid, role: Role) -> Result<Member, DomainError> {
    change_member(d, by, id, MemberChange::role(role)).await
}

async fn set_active(d: &Domain, by: &Member, id: Uuid, on: bool) -> Result<Member, DomainError> {
    change_member(d, by, id, MemberChange::active(on)).await
}

/// A change of role and activity at once.
fn both(role: Role, active: bool) -> MemberChange {
    MemberChange {
        role: Some(role),
        is_active: Some(active),
    }
}

fn ip() -> Option<IpAddr> {
    Some("203.0.113.7".parse().unwrap())
}

const SUPERADMIN: Principal = Principal::Superadmin {
    via: CredentialKind::AdminJwt,
};

async fn owner_signs_in_by_email_in_any_case_and_every_attempt_is_audited(store: Arc<dyn Store>) {
    let domain = domain(store, EnforcementMode::On);
    let (account, owner) = bootstrap(&domain, " Acme Live ", "Owner@Acme.test").await;
    assert_eq!(account.name, "Acme Live");
    assert_eq!(
        (owner.email.as_str(), owner.role, owner.account_id),
        ("owner@acme.test", Role::Owner, account.id)
    );

    let signed_in = domain
        .accounts()
        .sign_in(" OWNER@acme.test", PASSWORD, ip())
        .await
        .unwrap();
    assert_eq!(signed_in, owner);
    for (email, password) in [
        ("owner@acme.test", "wrong password"),
        ("nobody@acme.test", PASSWORD),
    ] {
        assert_refused!(
            domain.accounts().sign_in(email, password, ip()).await,
            DomainError::InvalidCredentials
        );
    }

    let trail = domain
        .accounts()
        .audit_trail(&session(&owner), Some(account.id))
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|entry| entry.action.as_str()).collect();
    // Newest first; the unknown email's failure belongs to no account, so it is not in this trail.
    assert_eq!(
        actions,
        ["sign_in.failed", "sign_in.succeeded", "user.created"]
    );
    assert_eq!(trail[0].actor, "owner@acme.test");
    assert_eq!(trail[0].ip.as_deref(), Some("203.0.113.7"));
    assert_eq!(trail[1].actor, format!("user:{}", owner.user_id));
}

async fn a_taken_email_is_a_conflict_and_leaves_nothing_behind(store: Arc<dyn Store>) {
    let domain = domain(store.clone(), EnforcementMode::On);
    let (account, owner) = bootstrap(&domain, "Acme", "ada@acme.test").await;

    // The account row is written before the user row fails: the transaction must undo it.
    assert_refused!(
        domain
            .accounts()
            .create_account_with_owner("Copycat", "ADA@acme.test", PASSWORD)
            .await,
        DomainError::Conflict { field: "email", .. }
    );
    assert_eq!(store.count_accounts().await.unwrap(), 1);

    assert_refused!(
        add(&domain, &owner, "ada@acme.test", Role::Editor).await,
        DomainError::Conflict { field: "email", .. }
    );
    assert_eq!(
        members_seen_by(&domain, &owner, account.id).await.unwrap(),
        [owner]
    );
}

async fn owners_and_administrators_add_members_and_editors_are_refused(store: Arc<dyn Store>) {
    let domain = domain(store, EnforcementMode::On);
    let (account, owner) = bootstrap(&domain, "Acme", "owner@acme.test").await;
    let accounts = domain.accounts();

    let admin = added(&domain, &owner, "admin@acme.test", Role::Administrator).await;
    let editor = added(&domain, &admin, "editor@acme.test", Role::Editor).await;
    assert_eq!(editor.role, Role::Editor);

    // Administrators cannot mint owners; owners can.
    assert_refused!(
        add(&domain, &admin, "boss@acme.test", Role::Owner).await,
        DomainError::Validation { field: "role", .. }
    );
    added(&domain, &owner, "co-owner@acme.test", Role::Owner).await;

    assert_refused!(
        add(&domain, &editor, "friend@acme.test", Role::Viewer).await,
        DomainError::Forbidden {
            permission: Permission::UsersWrite
        }
    );
    assert_refused!(
        accounts.members(&session(&editor), Some(account.id)).await,
        DomainError::Forbidden {
            permission: Permission::UsersRead
        }
    );

    let emails: Vec<String> = members_seen_by(&domain, &owner, account.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.email)
        .collect();
    assert_eq!(
        emails,
        [
            "owner@acme.test",
            "admin@acme.test",
            "editor@acme.test",
            "co-owner@acme.test"
        ]
    );

    // The new member can sign in with the password they were given.
    assert_eq!(
        accounts
            .sign_in("editor@acme.test", PASSWORD, None)
            .await
            .unwrap(),
        editor
    );
}

async fn log_mode_lets_a_missing_permission_through(store: Arc<dyn Store>) {
    let domain = domain(store, EnforcementMode::Log);
    let (account, owner) = bootstrap(&domain, "Acme", "owner@acme.test").await;
    let viewer = added(&domain, &owner, "viewer@acme.test", Role::Viewer).await;
    // A viewer lacks users:read; `log` allows it (and logs the would-be denial).
    assert_eq!(
        members_seen_by(&domain, &viewer, account.id)
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn one_account_never_sees_or_changes_another_whatever_the_mode(store: Arc<dyn Store>) {
    for mode in [
        EnforcementMode::On,
        EnforcementMode::Log,
        EnforcementMode::Off,
    ] {
        let domain = domain(store.clone(), mode);
        let suffix = format!("{mode:?}").to_lowercase();
        let (a, owner_a) = bootstrap(&domain, "A", &format!("owner-a-{suffix}@a.test")).await;
        let (b, owner_b) = bootstrap(&domain, "B", &format!("owner-b-{suffix}@b.test")).await;

        let err = members_seen_by(&domain, &owner_a, b.id).await.unwrap_err();
        assert!(
            matches!(err, DomainError::NotFound { what: "Account" }),
            "{mode:?}: {err:?}"
        );
        let intruder = new_member(&format!("intruder-{suffix}@a.test"), Role::Owner);
        let err = domain
            .accounts()
            .add_member(&session(&owner_a), Some(b.id), intruder, None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, DomainError::NotFound { what: "Account" }),
            "{mode:?}: {err:?}"
        );
        let err = domain
            .accounts()
            .audit_trail(&session(&owner_a), Some(b.id))
            .await
            .unwrap_err();
        assert!(
            matches!(err, DomainError::NotFound { what: "Account" }),
            "{mode:?}: {err:?}"
        );

        assert_eq!(
            members_seen_by(&domain, &owner_b, b.id).await.unwrap(),
            [owner_b]
        );
        assert_eq!(
            members_seen_by(&domain, &owner_a, a.id).await.unwrap(),
            [owner_a]
        );
    }
}

async fn the_superadmin_manages_any_account(store: Arc<dyn Store>) {
    let domain = domain(store, EnforcementMode::On);
    let (account, _) = bootstrap(&domain, "Acme", "owner@acme.test").await;
    let superadmin = SUPERADMIN;
    let added = domain
        .accounts()
        .add_member(
            &superadmin,
            Some(account.id),
            new_member("second-owner@acme.test", Role::Owner),
            None,
        )
        .await
        .unwrap();
    assert_eq!((added.account_id, added.role), (account.id, Role::Owner));
    // Outside every account, the superadmin has to say which one.
    assert_refused!(
        domain.accounts().members(&superadmin, None).await,
        DomainError::Validation {
            field: "accountId",
            ..
        }
    );
    assert_eq!(
        domain
            .accounts()
            .members(&superadmin, Some(account.id))
            .await
            .unwrap()
            .len(),
        2
    );
    let trail = domain
        .accounts()
        .audit_trail(&superadmin, Some(account.id))
        .await
        .unwrap();
    assert_eq!(
        (trail[0].action.as_str(), trail[0].actor.as_str()),
        ("user.created", "superadmin")
    );
}

async fn bad_emails_passwords_and_names_are_refused_by_field(store: Arc<dyn Store>) {
    let domain = domain(store.clone(), EnforcementMode::On);
    let cases = [
        ("Acme", "not-an-email", PASSWORD, "email"),
        ("Acme", "ada@acme.test", "short", "password"),
        ("  ", "ada@acme.test", PASSWORD, "accountName"),
    ];
    for (name, email, password, field) in cases {
        let err = domain
            .accounts()
            .create_account_with_owner(name, email, password)
            .await
            .unwrap_err();
        assert!(
            matches!(err, DomainError::Validation { field: f, .. } if f == field),
            "{field}: {err:?}"
        );
    }
    assert_eq!(store.count_accounts().await.unwrap(), 0);
}

async fn roles_change_and_members_deactivate_with_an_owner_always_left(store: Arc<dyn Store>) {
    let domain = domain(store, EnforcementMode::On);
    let (account, owner) = bootstrap(&domain, "Acme", "owner@acme.test").await;
    let accounts = domain.accounts();
    let admin = added(&domain, &owner, "admin@acme.test", Role::Administrator).await;
    let editor = added(&domain, &owner, "editor@acme.test", Role::Editor).await;

    // An administrator promotes the editor to viewer... and back; owners are not theirs to make.
    let viewer = set_role(&domain, &admin, editor.user_id, Role::Viewer)
        .await
        .unwrap();
    assert_eq!(viewer.role, Role::Viewer);
    assert_refused!(
        set_role(&domain, &admin, editor.user_id, Role::Owner).await,
        DomainError::Validation { field: "role", .. }
    );
    assert_refused!(
        set_role(&domain, &admin, owner.user_id, Role::Viewer).await,
        DomainError::Validation { field: "role", .. }
    );
    // The only owner cannot step down.
    assert_refused!(
        set_role(&domain, &owner, owner.user_id, Role::Editor).await,
        DomainError::Conflict { field: "role", .. }
    );
    // An editor-turned-viewer manages nobody.
    assert_refused!(
        set_role(&domain, &viewer, admin.user_id, Role::Viewer).await,
        DomainError::Forbidden {
            permission: Permission::UsersWrite
        }
    );

    // Deactivation: not yourself; the member can no longer sign in; reactivation restores it.
    assert_refused!(
        set_active(&domain, &admin, admin.user_id, false).await,
        DomainError::Validation {
            field: "isActive",
            ..
        }
    );
    let deactivated = set_active(&domain, &admin, editor.user_id, false)
        .await
        .unwrap();
    assert!(!deactivated.is_active);
    assert_refused!(
        accounts.sign_in("editor@acme.test", PASSWORD, None).await,
        DomainError::InvalidCredentials
    );
    set_active(&domain, &owner, editor.user_id, true)
        .await
        .unwrap();
    accounts
        .sign_in("editor@acme.test", PASSWORD, None)
        .await
        .unwrap();

    let trail = accounts.audit_trail(&session(&owner), None).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|entry| entry.action.as_str()).collect();
    assert_eq!(
        &actions[..4],
        [
            "sign_in.succeeded",
            "user.reactivated",
            "sign_in.failed",
            "user.deactivated"
        ]
    );
    assert!(actions.contains(&"user.role_changed"));
    let role_change = trail
        .iter()
        .find(|e| e.action == "user.role_changed")
        .unwrap();
    assert_eq!(role_change.actor, format!("user:{}", admin.user_id));
    assert!(
        role_change
            .target
            .as_deref()
            .unwrap()
            .contains("editor -> viewer"),
        "{role_change:?}"
    );
    let members = members_seen_by(&domain, &owner, account.id).await.unwrap();
    assert_eq!(members.len(), 3);
    // Without naming an account, a member gets their own.
    assert_eq!(
        accounts.members(&session(&owner), None).await.unwrap(),
        members
    );
}

async fn members_change_their_own_password_knowing_the_current_one(store: Arc<dyn Store>) {
    let domain = domain(store, EnforcementMode::On);
    let (_, owner) = bootstrap(&domain, "Acme", "owner@acme.test").await;
    let viewer = added(&domain, &owner, "viewer@acme.test", Role::Viewer).await;
    let accounts = domain.accounts();
    assert_refused!(
        accounts
            .change_own_password(&session(&viewer), "wrong current", "a new password", ip())
            .await,
        DomainError::Validation {
            field: "currentPassword",
            ..
        }
    );
    assert_refused!(
        accounts
            .change_own_password(&session(&viewer), PASSWORD, "short", ip())
            .await,
        DomainError::Validation {
            field: "password",
            ..
        }
    );
    accounts
        .change_own_password(&session(&viewer), PASSWORD, "a new password", ip())
        .await
        .unwrap();
    assert!(accounts
        .sign_in("viewer@acme.test", PASSWORD, None)
        .await
        .is_err());
    accounts
        .sign_in("viewer@acme.test", "a new password", None)
        .await
        .unwrap();
}

async fn members_of_another_account_cannot_be_changed(store: Arc<dyn Store>) {
    let domain = domain(store, EnforcementMode::Off);
    let (_, owner_a) = bootstrap(&domain, "A", "owner@a.test").await;
    let (_, owner_b) = bootstrap(&domain, "B", "owner@b.test").await;
    let accounts = domain.accounts();
    assert_refused!(
        accounts
            .update_member(
                &session(&owner_a),
                owner_b.user_id,
                MemberChange::role(Role::Viewer),
                None
            )
            .await,
        DomainError::NotFound { what: "User" }
    );
    assert_refused!(
        accounts
            .update_member(
                &session(&owner_a),
                owner_b.user_id,
                MemberChange::active(false),
                None
            )
            .await,
        DomainError::NotFound { what: "User" }
    );
    let visible = accounts.accounts(&session(&owner_a)).await.unwrap();
    assert_eq!(visible.len(), 1);
    assert_eq!(visible[0].id, owner_a.account_id);
    assert_eq!(accounts.accounts(&SUPERADMIN).await.unwrap().len(), 2);
    assert_eq!(
        accounts.accounts(&Principal::Operator).await.unwrap().len(),
        2
    );
}

/// The last `n` actions of the account's trail, newest first.
async fn latest_actions(domain: &Domain, owner: &Member, n: usize) -> Vec<(String, String)> {
    let trail = domain
        .accounts()
        .audit_trail(&session(owner), None)
        .await
        .unwrap();
    trail
        .into_iter()
        .take(n)
        .map(|entry| (entry.action, entry.target.unwrap_or_default()))
        .collect()
}

async fn a_role_and_activity_change_is_one_audited_change(store: Arc<dyn Store>) {
    let domain = domain(store, EnforcementMode::On);
    let (account, owner) = bootstrap(&domain, "Acme", "owner@acme.test").await;
    let editor = added(&domain, &owner, "editor@acme.test", Role::Editor).await;
    let change = both(Role::Viewer, false);
    let changed = change_member(&domain, &owner, editor.user_id, change)
        .await
        .unwrap();
    assert_eq!((changed.role, changed.is_active), (Role::Viewer, false));
    let stored = members_seen_by(&domain, &owner, account.id).await.unwrap();
    assert_eq!(stored[1], changed);
    assert_refused!(
        domain
            .accounts()
            .sign_in("editor@acme.test", PASSWORD, None)
            .await,
        DomainError::InvalidCredentials
    );
    let actions = latest_actions(&domain, &owner, 3).await;
    assert_eq!(actions[0].0, "sign_in.failed");
    assert_eq!(actions[1].0, "user.deactivated");
    assert_eq!(actions[2].0, "user.role_changed");
    assert!(actions[2].1.ends_with("editor -> viewer"), "{actions:?}");

    // Only what differs counts: the same role again with a reactivation is a reactivation.
    let change = both(Role::Viewer, true);
    let back = change_member(&domain, &owner, editor.user_id, change)
        .await
        .unwrap();
    assert_eq!((back.role, back.is_active), (Role::Viewer, true));
    let actions = latest_actions(&domain, &owner, 2).await;
    assert_eq!(
        (actions[0].0.as_str(), actions[1].0.as_str()),
        ("user.reactivated", "sign_in.failed")
    );
    // Nothing at all to change is a bad request.
    let err = change_member(&domain, &owner, editor.user_id, MemberChange::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DomainError::Validation { field: "body", message }
            if message == "Nothing to change: send role and/or isActive"),
        "{err:?}"
    );
}

async fn a_change_whose_second_half_is_refused_writes_nothing(store: Arc<dyn Store>) {
    let domain = domain(store, EnforcementMode::On);
    let (account, owner) = bootstrap(&domain, "Acme", "owner@acme.test").await;
    let admin = added(&domain, &owner, "admin@acme.test", Role::Administrator).await;
    // Stepping down is allowed alone; deactivating oneself is not, so neither happens.
    let change = both(Role::Editor, false);
    assert_refused!(
        change_member(&domain, &admin, admin.user_id, change).await,
        DomainError::Validation {
            field: "isActive",
            ..
        }
    );
    // The only owner may become an editor no more than they may leave.
    let change = both(Role::Editor, true);
    assert_refused!(
        change_member(&domain, &owner, owner.user_id, change).await,
        DomainError::Conflict { field: "role", .. }
    );
    assert_eq!(
        members_seen_by(&domain, &owner, account.id).await.unwrap(),
        [owner.clone(), admin]
    );
    let actions = latest_actions(&domain, &owner, 1).await;
    assert_eq!(actions[0].0, "user.created", "nothing was audited");
}

/// The store writes a role and an activity change in one transaction: when the second write
/// fails (a trigger refuses it), the first is undone.
async fn a_failing_second_write_undoes_the_first(db: TestDatabase) {
    let domain = domain(db.store().await, EnforcementMode::On);
    let (account, owner) = bootstrap(&domain, "Acme", "owner@acme.test").await;
    let editor = added(&domain, &owner, "editor@acme.test", Role::Editor).await;
    match db.location.backend() {
        Backend::Sqlite => {
            db.execute(
                &["CREATE TRIGGER refuse_user_updates BEFORE UPDATE ON users \
                 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"],
            )
            .await
        }
        Backend::Postgres => {
            db.execute(&[
                "CREATE FUNCTION refuse_update() RETURNS trigger AS $$ \
                 BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER refuse_user_updates BEFORE UPDATE ON users \
                 FOR EACH ROW EXECUTE FUNCTION refuse_update()",
            ])
            .await
        }
    }
    let change = both(Role::Viewer, false);
    assert_refused!(
        change_member(&domain, &owner, editor.user_id, change).await,
        DomainError::Storage(_)
    );
    assert_eq!(
        members_seen_by(&domain, &owner, account.id).await.unwrap(),
        [owner.clone(), editor]
    );
    let actions = latest_actions(&domain, &owner, 1).await;
    assert_eq!(actions[0].0, "user.created", "nothing was audited");
}

mod transactions {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_a_failing_second_write_undoes_the_first() {
        let db = streamgate_domain::testing::TestDatabase::sqlite();
        super::a_failing_second_write_undoes_the_first(db).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_a_failing_second_write_undoes_the_first() {
        let Some(db) = streamgate_domain::testing::TestDatabase::postgres().await else {
            return;
        };
        super::a_failing_second_write_undoes_the_first(db).await;
    }
}

async fn each_principal_acts_on_its_own_or_the_default_account(store: Arc<dyn Store>) {
    let domain = domain(store, EnforcementMode::On);
    let accounts = domain.accounts();
    let operator = Principal::Operator;
    // Before any account exists, the operator has nothing to act on.
    assert_refused!(
        accounts.acting_account(&operator, None).await,
        DomainError::Validation {
            field: "accountId",
            ..
        }
    );
    let (first, _) = bootstrap(&domain, "First", "owner@first.test").await;
    // Before the first start chose a default, the only account is the operator's.
    assert_eq!(
        accounts.acting_account(&operator, None).await.unwrap(),
        first.id
    );
    let (second, other) = bootstrap(&domain, "Second", "owner@second.test").await;
    assert_refused!(
        accounts.acting_account(&operator, None).await,
        DomainError::Validation {
            field: "accountId",
            ..
        }
    );
    assert_refused!(
        accounts
            .acting_account(&operator, Some(Uuid::new_v4()))
            .await,
        DomainError::NotFound { what: "Account" }
    );
    assert_eq!(
        accounts
            .acting_account(&operator, Some(second.id))
            .await
            .unwrap(),
        second.id
    );

    // The first start makes the oldest account the default.
    domain.auth().prepare_installation().await.unwrap();
    assert_eq!(accounts.default_account().await.unwrap(), Some(first.id));
    for principal in [operator.clone(), SUPERADMIN] {
        assert_eq!(
            accounts.default_acting_account(&principal).await.unwrap(),
            first.id
        );
    }
    assert_eq!(
        accounts.acting_account(&operator, None).await.unwrap(),
        first.id
    );
    // A member always acts on their own account; naming another is "not found".
    assert_eq!(
        accounts
            .default_acting_account(&session(&other))
            .await
            .unwrap(),
        second.id
    );
    assert_eq!(
        accounts
            .acting_account(&session(&other), None)
            .await
            .unwrap(),
        second.id
    );
    assert_refused!(
        accounts
            .acting_account(&session(&other), Some(first.id))
            .await,
        DomainError::NotFound { what: "Account" }
    );
    // `/api/v1` keeps asking the superadmin to name one.
    let err = accounts
        .acting_account(&SUPERADMIN, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DomainError::Validation { field: "accountId", message }
            if message == "accountId is required for the superadmin"),
        "{err:?}"
    );
    assert_eq!(
        accounts
            .acting_account(&SUPERADMIN, Some(second.id))
            .await
            .unwrap(),
        second.id
    );
}

/// `streamgate admin create`: with no account yet, it founds one with its owner; then users go
/// to the only (later: the default) account, or to the one named. Audited as the operator.
async fn the_operator_adds_users_founding_the_first_account(store: Arc<dyn Store>) {
    let domain = domain(store.clone(), EnforcementMode::On);
    let accounts = domain.accounts();
    let create = |email: &str, role, account_id| {
        let input = new_member(email, role);
        let accounts = domain.accounts();
        async move {
            let operator = Principal::Operator;
            accounts
                .add_member_or_found_account(&operator, account_id, "Acme Live", input, None)
                .await
        }
    };
    assert_refused!(
        create("editor@acme.test", Role::Editor, None).await,
        DomainError::Validation { field: "role", .. }
    );
    assert_eq!(store.count_accounts().await.unwrap(), 0);
    let owner = create("owner@acme.test", Role::Owner, None).await.unwrap();
    let founded = accounts.accounts(&Principal::Operator).await.unwrap();
    assert_eq!(founded.len(), 1);
    assert_eq!(
        (founded[0].id, founded[0].name.as_str()),
        (owner.account_id, "Acme Live")
    );
    assert_eq!(owner.role, Role::Owner);

    let editor = create("editor@acme.test", Role::Editor, None)
        .await
        .unwrap();
    assert_eq!(editor.account_id, owner.account_id);
    let (other, _) = bootstrap(&domain, "Other", "owner@other.test").await;
    assert_refused!(
        create("viewer@acme.test", Role::Viewer, None).await,
        DomainError::Validation {
            field: "accountId",
            ..
        }
    );
    let named = create("viewer@other.test", Role::Viewer, Some(other.id))
        .await
        .unwrap();
    assert_eq!(named.account_id, other.id);
    assert_refused!(
        create("nobody@acme.test", Role::Viewer, Some(Uuid::new_v4())).await,
        DomainError::NotFound { what: "Account" }
    );
    domain.auth().prepare_installation().await.unwrap();
    let later = create("later@acme.test", Role::Viewer, None).await.unwrap();
    assert_eq!(later.account_id, owner.account_id, "the default account");
    assert_refused!(
        create("later@acme.test", Role::Viewer, None).await,
        DomainError::Conflict { field: "email", .. }
    );

    let trail = accounts
        .audit_trail(&Principal::Operator, Some(owner.account_id))
        .await
        .unwrap();
    assert!(trail
        .iter()
        .filter(|entry| entry.action == "user.created")
        .all(|entry| entry.actor == "operator"));
    assert_eq!(
        trail.iter().filter(|e| e.action == "user.created").count(),
        3
    );
}

streamgate_domain::on_both_backends!(
    a_role_and_activity_change_is_one_audited_change,
    a_change_whose_second_half_is_refused_writes_nothing,
    each_principal_acts_on_its_own_or_the_default_account,
    the_operator_adds_users_founding_the_first_account,
    roles_change_and_members_deactivate_with_an_owner_always_left,
    members_change_their_own_password_knowing_the_current_one,
    members_of_another_account_cannot_be_changed,
    owner_signs_in_by_email_in_any_case_and_every_attempt_is_audited,
    a_taken_email_is_a_conflict_and_leaves_nothing_behind,
    owners_and_administrators_add_members_and_editors_are_refused,
    log_mode_lets_a_missing_permission_through,
    one_account_never_sees_or_changes_another_whatever_the_mode,
    the_superadmin_manages_any_account,
    bad_emails_passwords_and_names_are_refused_by_field,
);
