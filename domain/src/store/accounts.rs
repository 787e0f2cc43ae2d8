//! Accounts, their users and the memberships that join them (with the user's role).

use std::sync::LazyLock;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{Connection, Database, Encode, Executor, IntoArguments, Type};
use uuid::Uuid;

use super::{PostgresStore, SqliteStore, StoreError};
use crate::model::{Account, Member, Role};

/// A user as stored: their membership plus what never leaves the domain (the password hash,
/// and when their credentials last changed).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRecord {
    #[sqlx(flatten)]
    pub member: Member,
    pub password_hash: String,
    /// Sessions and tokens issued before this moment are void.
    pub credentials_changed_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// A new account, with its first user if given, in one transaction (the installation's
    /// default account starts without users).
    async fn insert_account(
        &self,
        account: &Account,
        first_user: Option<&UserRecord>,
    ) -> Result<(), StoreError>;
    async fn count_accounts(&self) -> Result<i64, StoreError>;
    async fn find_account(&self, id: Uuid) -> Result<Option<Account>, StoreError>;
    /// All accounts, oldest first.
    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError>;

    async fn count_users(&self) -> Result<i64, StoreError>;
    /// A user and their membership, in one transaction.
    async fn insert_user(&self, user: &UserRecord) -> Result<(), StoreError>;
    /// A user by (lower-case) email, with the password hash, for sign-in.
    async fn find_user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError>;
    /// A user by id, with the password hash (password change, credential checks).
    async fn find_user(&self, user_id: Uuid) -> Result<Option<UserRecord>, StoreError>;
    /// An account's members, oldest first.
    async fn list_members(&self, account_id: Uuid) -> Result<Vec<Member>, StoreError>;
    /// Changes a member's role and/or active flag in one transaction (deactivation also ends their
    /// sessions and tokens, as `set_user_active` does; `now` is the change time). `None` leaves a field as it is.
    async fn update_member(
        &self,
        user_id: Uuid,
        role: Option<Role>,
        active: Option<bool>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Replaces the password hash and ends the user's earlier sessions and tokens.
    async fn update_password(
        &self,
        user_id: Uuid,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}

const INSERT_ACCOUNT: &str = "INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)";

const INSERT_USER: &str = "INSERT INTO users \
    (id, email, password_hash, is_active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)";

const INSERT_MEMBERSHIP: &str =
    "INSERT INTO memberships (user_id, account_id, role, created_at) VALUES ($1, $2, $3, $4)";

const MEMBER_COLUMNS: &str =
    "u.id AS user_id, m.account_id, u.email, m.role, u.is_active, u.created_at";

const USERS_WITH_MEMBERSHIP: &str = "users u JOIN memberships m ON m.user_id = u.id";

/// Members with what never leaves the domain: the password hash and credential changes.
const USER_RECORD_COLUMNS: &str = "u.password_hash, u.credentials_changed_at";

static SELECT_USER_BY_EMAIL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {MEMBER_COLUMNS}, {USER_RECORD_COLUMNS} FROM {USERS_WITH_MEMBERSHIP} \
         WHERE u.email = $1"
    )
});

static SELECT_USER_BY_ID: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {MEMBER_COLUMNS}, {USER_RECORD_COLUMNS} FROM {USERS_WITH_MEMBERSHIP} \
         WHERE u.id = $1"
    )
});

static SELECT_MEMBERS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {MEMBER_COLUMNS} FROM {USERS_WITH_MEMBERSHIP} \
         WHERE m.account_id = $1 ORDER BY u.created_at, u.id"
    )
});

const SELECT_ACCOUNT: &str = "SELECT id, name, created_at FROM accounts WHERE id = $1";

const SELECT_ACCOUNTS: &str = "SELECT id, name, created_at FROM accounts ORDER BY created_at, id";

const UPDATE_ROLE: &str = "UPDATE memberships SET role = $2 WHERE user_id = $1";

/// Deactivating also voids credentials issued so far; reactivating keeps that moment.
const UPDATE_USER_ACTIVE: &str = "UPDATE users SET is_active = $2, updated_at = $3, \
    credentials_changed_at = CASE WHEN $2 THEN credentials_changed_at ELSE $3 END WHERE id = $1";

const UPDATE_PASSWORD: &str = "UPDATE users \
    SET password_hash = $2, updated_at = $3, credentials_changed_at = $3 WHERE id = $1";

/// Inserts a user row and its membership row on `conn` (a transaction's, so both or neither).
async fn insert_user_rows<DB: Database, C: Connection<Database = DB>>(
    conn: &mut C,
    user: &UserRecord,
) -> Result<(), StoreError>
where
    for<'c> &'c mut C: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
{
    let member = &user.member;
    sqlx::query(INSERT_USER)
        .bind(member.user_id)
        .bind(&member.email)
        .bind(&user.password_hash)
        .bind(member.is_active)
        .bind(member.created_at)
        .execute(&mut *conn)
        .await?;
    sqlx::query(INSERT_MEMBERSHIP)
        .bind(member.user_id)
        .bind(member.account_id)
        .bind(member.role.as_str())
        .bind(member.created_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Gives the user `role` and activates or deactivates them (at the time given), each if asked,
/// on `conn` (a transaction's, so both or neither).
async fn write_member<DB: Database, C: Connection<Database = DB>>(
    conn: &mut C,
    user_id: Uuid,
    role: Option<Role>,
    active: Option<(bool, DateTime<Utc>)>,
) -> Result<(), StoreError>
where
    for<'c> &'c mut C: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
{
    if let Some(role) = role {
        let update = sqlx::query(UPDATE_ROLE).bind(user_id).bind(role.as_str());
        update.execute(&mut *conn).await?;
    }
    if let Some((active, now)) = active {
        let update = sqlx::query(UPDATE_USER_ACTIVE).bind(user_id).bind(active);
        update.bind(now).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Implements [`AccountStore`] for a backend with a `pool` field.
macro_rules! impl_account_store {
    ($store:ty) => {
        #[async_trait]
        impl AccountStore for $store {
            async fn insert_account(
                &self,
                account: &Account,
                first_user: Option<&UserRecord>,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(INSERT_ACCOUNT)
                    .bind(account.id)
                    .bind(&account.name)
                    .bind(account.created_at)
                    .execute(&mut *tx)
                    .await?;
                if let Some(user) = first_user {
                    insert_user_rows(&mut *tx, user).await?;
                }
                Ok(tx.commit().await?)
            }

            async fn count_accounts(&self) -> Result<i64, StoreError> {
                let count = sqlx::query_scalar("SELECT COUNT(*) FROM accounts");
                Ok(count.fetch_one(&self.pool).await?)
            }

            async fn find_account(&self, id: Uuid) -> Result<Option<Account>, StoreError> {
                let account = sqlx::query_as(SELECT_ACCOUNT).bind(id);
                Ok(account.fetch_optional(&self.pool).await?)
            }

            async fn list_accounts(&self) -> Result<Vec<Account>, StoreError> {
                Ok(sqlx::query_as(SELECT_ACCOUNTS)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn count_users(&self) -> Result<i64, StoreError> {
                let count = sqlx::query_scalar("SELECT COUNT(*) FROM users");
                Ok(count.fetch_one(&self.pool).await?)
            }

            async fn insert_user(&self, user: &UserRecord) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                insert_user_rows(&mut *tx, user).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn find_user_by_email(
                &self,
                email: &str,
            ) -> Result<Option<UserRecord>, StoreError> {
                let user = sqlx::query_as(&SELECT_USER_BY_EMAIL).bind(email);
                Ok(user.fetch_optional(&self.pool).await?)
            }

            async fn find_user(&self, user_id: Uuid) -> Result<Option<UserRecord>, StoreError> {
                let user = sqlx::query_as(&SELECT_USER_BY_ID).bind(user_id);
                Ok(user.fetch_optional(&self.pool).await?)
            }

            async fn list_members(&self, account_id: Uuid) -> Result<Vec<Member>, StoreError> {
                let members = sqlx::query_as(&SELECT_MEMBERS).bind(account_id);
                Ok(members.fetch_all(&self.pool).await?)
            }

            async fn update_member(
                &self,
                user_id: Uuid,
                role: Option<Role>,
                active: Option<bool>,
                now: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                let active = active.map(|active| (active, now));
                write_member(&mut *tx, user_id, role, active).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn update_password(
                &self,
                user_id: Uuid,
                password_hash: &str,
                now: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query(UPDATE_PASSWORD)
                    .bind(user_id)
                    .bind(password_hash)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }
    };
}

impl_account_store!(SqliteStore);
impl_account_store!(PostgresStore);

#[cfg(all(test, feature = "testing"))]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{model::time, on_both_backends, store::Store};

    /// A new account with one active editor, stored directly.
    async fn editor(store: &dyn Store) -> UserRecord {
        let created_at = time::now();
        let account = Account {
            id: Uuid::new_v4(),
            name: "Acme".into(),
            created_at,
        };
        let user = UserRecord {
            member: Member {
                user_id: Uuid::new_v4(),
                account_id: account.id,
                email: "editor@acme.test".into(),
                role: Role::Editor,
                is_active: true,
                created_at,
            },
            password_hash: "not a real hash".into(),
            credentials_changed_at: None,
        };
        store.insert_account(&account, Some(&user)).await.unwrap();
        user
    }

    /// `update_member` changes what it is given as `update_role` and `set_user_active` would,
    /// and leaves the rest.
    async fn update_member_changes_role_and_activity_as_asked(store: Arc<dyn Store>) {
        let user = editor(&*store).await;
        let id = user.member.user_id;
        let find = || async { store.find_user(id).await.unwrap().unwrap() };

        let off_at = time::now();
        store
            .update_member(id, Some(Role::Administrator), Some(false), off_at)
            .await
            .unwrap();
        let off = find().await;
        assert_eq!(off.member.role, Role::Administrator);
        assert!(!off.member.is_active);
        // Deactivation voids the sessions and tokens issued so far.
        assert_eq!(off.credentials_changed_at, Some(off_at));

        // Reactivating keeps that moment; a role alone leaves the active flag.
        let later = off_at + chrono::Duration::seconds(5);
        store
            .update_member(id, None, Some(true), later)
            .await
            .unwrap();
        store
            .update_member(id, Some(Role::Viewer), None, later)
            .await
            .unwrap();
        let on = find().await;
        assert_eq!((on.member.role, on.member.is_active), (Role::Viewer, true));
        assert_eq!(on.credentials_changed_at, Some(off_at));

        // Nothing asked, nothing changed.
        store.update_member(id, None, None, later).await.unwrap();
        assert_eq!(find().await, on);
    }

    on_both_backends!(update_member_changes_role_and_activity_as_asked);
}
