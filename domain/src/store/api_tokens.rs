//! API tokens: their details and the SHA-256 of each token (never the token itself).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{PostgresStore, SqliteStore, StoreError};
use crate::model::{ApiToken, Role, TokenScope};

/// A token as stored: its details and the hex SHA-256 a presented token is looked up by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub token: ApiToken,
    pub token_hash: String,
}

#[async_trait]
pub trait ApiTokenStore: Send + Sync {
    async fn insert_api_token(&self, record: &ApiTokenRecord) -> Result<(), StoreError>;
    /// The token whose SHA-256 (hex) is `token_hash`.
    async fn find_api_token(&self, token_hash: &str) -> Result<Option<ApiToken>, StoreError>;
    /// One account's tokens, or with `None` every token; oldest first.
    async fn list_api_tokens(&self, account_id: Option<Uuid>) -> Result<Vec<ApiToken>, StoreError>;
    /// Deletes a token; returns it if it existed.
    async fn delete_api_token(&self, id: Uuid) -> Result<Option<ApiToken>, StoreError>;
    /// Records a use at `now`, unless one was recorded after `not_before` (so a busy token is
    /// written at most once per interval, whichever instance serves it).
    async fn touch_api_token(
        &self,
        id: Uuid,
        now: DateTime<Utc>,
        not_before: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}

const COLUMNS: &str = "id, name, scope, account_id, role, prefix, allowed_ips, created_at, \
    expires_at, last_used_at";

const INSERT: &str = "INSERT INTO api_tokens (id, name, scope, account_id, role, prefix, \
    allowed_ips, created_at, expires_at, last_used_at, token_hash) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

const TOUCH: &str = "UPDATE api_tokens SET last_used_at = $2 \
    WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)";

/// A row as the database returns it; the text columns become typed in [`TokenRow::parse`].
#[derive(sqlx::FromRow)]
struct TokenRow {
    id: Uuid,
    name: String,
    scope: String,
    account_id: Option<Uuid>,
    role: Option<String>,
    prefix: String,
    allowed_ips: String,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    fn parse(self) -> Result<ApiToken, StoreError> {
        let corrupt = |what: String| StoreError::Database(sqlx::Error::Decode(what.into()));
        let role = match self.role {
            Some(role) => Some(Role::try_from(role).map_err(corrupt)?),
            None => None,
        };
        Ok(ApiToken {
            id: self.id,
            name: self.name,
            scope: TokenScope::try_from(self.scope).map_err(corrupt)?,
            account_id: self.account_id,
            role,
            prefix: self.prefix,
            allowed_ips: split_list(&self.allowed_ips),
            created_at: self.created_at,
            expires_at: self.expires_at,
            last_used_at: self.last_used_at,
        })
    }
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

fn parse_rows(rows: Vec<TokenRow>) -> Result<Vec<ApiToken>, StoreError> {
    rows.into_iter().map(TokenRow::parse).collect()
}

/// Implements [`ApiTokenStore`] for a backend with a `pool` field.
macro_rules! impl_api_token_store {
    ($store:ty) => {
        #[async_trait]
        impl ApiTokenStore for $store {
            async fn insert_api_token(&self, record: &ApiTokenRecord) -> Result<(), StoreError> {
                let token = &record.token;
                sqlx::query(INSERT)
                    .bind(token.id)
                    .bind(&token.name)
                    .bind(token.scope.as_str())
                    .bind(token.account_id)
                    .bind(token.role.map(Role::as_str))
                    .bind(&token.prefix)
                    .bind(token.allowed_ips.join(","))
                    .bind(token.created_at)
                    .bind(token.expires_at)
                    .bind(token.last_used_at)
                    .bind(&record.token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn find_api_token(
                &self,
                token_hash: &str,
            ) -> Result<Option<ApiToken>, StoreError> {
                let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1");
                let row: Option<TokenRow> = sqlx::query_as(&sql)
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(TokenRow::parse).transpose()
            }

            async fn list_api_tokens(
                &self,
                account_id: Option<Uuid>,
            ) -> Result<Vec<ApiToken>, StoreError> {
                let sql = format!(
                    "SELECT {COLUMNS} FROM api_tokens WHERE $1 IS NULL OR account_id = $1 \
                     ORDER BY created_at, id"
                );
                let rows = sqlx::query_as(&sql)
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?;
                parse_rows(rows)
            }

            async fn delete_api_token(&self, id: Uuid) -> Result<Option<ApiToken>, StoreError> {
                let sql = format!("DELETE FROM api_tokens WHERE id = $1 RETURNING {COLUMNS}");
                let row: Option<TokenRow> = sqlx::query_as(&sql)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(TokenRow::parse).transpose()
            }

            async fn touch_api_token(
                &self,
                id: Uuid,
                now: DateTime<Utc>,
                not_before: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query(TOUCH)
                    .bind(id)
                    .bind(now)
                    .bind(not_before)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }
    };
}

impl_api_token_store!(SqliteStore);
impl_api_token_store!(PostgresStore);
