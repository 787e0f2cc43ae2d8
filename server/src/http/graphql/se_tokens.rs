//! Seed 000's GraphQL operations on StreamElements tokens: `seTokens`, `createSeToken`,
//! `deleteSeToken`. They start and stop workers exactly as REST does, through the service.

use async_graphql::{Context, Object, SimpleObject};
use streamgate_domain::model::{time, NewSeToken, SeToken};
use uuid::Uuid;

use super::{refusal, GraphqlCaller};

/// Seed 000's `SeToken`, plus the worker's `status`. No field holds the token.
#[derive(SimpleObject)]
#[graphql(name = "SeToken")]
pub struct SeTokenObject {
    id: Uuid,
    platform: String,
    token_hint: String,
    label: Option<String>,
    created_at: String,
    updated_at: String,
    status: String,
}

impl From<SeToken> for SeTokenObject {
    fn from(token: SeToken) -> Self {
        Self {
            id: token.id,
            platform: token.platform.as_str().to_owned(),
            token_hint: token.token_hint,
            label: token.label,
            created_at: time::format(&token.created_at),
            updated_at: time::format(&token.updated_at),
            status: token.status.as_str().to_owned(),
        }
    }
}

pub struct Query;

#[Object]
impl Query {
    /// The caller's account's tokens by platform (`se-tokens:read`).
    async fn se_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SeTokenObject>> {
        let (caller, principal) = GraphqlCaller::of(ctx)?;
        let tokens = caller.domain.se_tokens();
        let listed = tokens.list(principal, None).await.map_err(refusal)?;
        Ok(listed.into_iter().map(SeTokenObject::from).collect())
    }
}

pub struct Mutation;

#[Object]
impl Mutation {
    /// Stores the account's token for a platform, replacing one there, and starts its worker
    /// (`se-tokens:create`).
    async fn create_se_token(
        &self,
        ctx: &Context<'_>,
        platform: String,
        token: String,
        label: Option<String>,
    ) -> async_graphql::Result<SeTokenObject> {
        let (caller, principal) = GraphqlCaller::of(ctx)?;
        let input = NewSeToken {
            platform,
            token,
            label,
        };
        let tokens = caller.domain.se_tokens();
        let stored = tokens.create(principal, None, input, caller.ip).await;
        Ok(stored.map_err(refusal)?.into())
    }

    /// Deletes a token; the account's last one stops its worker (`se-tokens:delete`).
    async fn delete_se_token(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<bool> {
        let (caller, principal) = GraphqlCaller::of(ctx)?;
        let tokens = caller.domain.se_tokens();
        tokens
            .delete(principal, None, id, caller.ip)
            .await
            .map_err(refusal)?;
        Ok(true)
    }
}
