//! What a door is to the handlers and extractors it shares with others: who may call, how a
//! success and an error look. [`Call`] and [`PathId`] turn a request into what a handler needs,
//! refusing in the door's own wire format.

use std::{marker::PhantomData, net::SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts, Path},
    http::request::Parts,
    Json,
};
use serde::Serialize;
use serde_json::Value;
use streamgate_domain::{model::Principal, service::Domain};
use uuid::Uuid;

use super::error::Refusal;
use crate::http::AppState;

pub trait Door: Send + Sync + 'static {
    type Error: Refusal;

    /// The caller, or the door's 401.
    fn authenticate(parts: &Parts) -> Result<Principal, Self::Error>;
    /// A success body.
    fn render<T: Serialize>(value: T) -> Json<Value>;
    /// The 400 for a path id that is not a UUID.
    fn bad_id(kind: IdKind) -> Self::Error;
    /// The 404 for a path no route answers.
    fn no_route() -> Self::Error;
}

/// Which kind of id a path carries, for the door's "not a UUID" message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    Event,
    Code,
    User,
    ApiToken,
    Account,
    SeToken,
}

/// A call through door `D`: the domain, the authenticated caller and the client's address.
pub struct Call<D> {
    pub domain: Domain,
    pub principal: Principal,
    pub ip: Option<std::net::IpAddr>,
    door: PhantomData<D>,
}

impl<D: Door> FromRequestParts<AppState> for Call<D> {
    type Rejection = D::Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, D::Error> {
        let principal = D::authenticate(parts)?;
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(client)| client.ip());
        Ok(Call {
            domain: state.domain.clone(),
            principal,
            ip,
            door: PhantomData,
        })
    }
}

/// The path names an event.
pub struct OfEvent;
/// The path names an access code.
pub struct OfCode;
/// The path names a user.
pub struct OfUser;
/// The path names an API token.
pub struct OfApiToken;
/// The path names an account.
pub struct OfAccount;
/// The path names a StreamElements token.
pub struct OfSeToken;

pub trait IdOf: Send + Sync + 'static {
    const KIND: IdKind;
}

impl IdOf for OfEvent {
    const KIND: IdKind = IdKind::Event;
}

impl IdOf for OfCode {
    const KIND: IdKind = IdKind::Code;
}

impl IdOf for OfUser {
    const KIND: IdKind = IdKind::User;
}

impl IdOf for OfApiToken {
    const KIND: IdKind = IdKind::ApiToken;
}

impl IdOf for OfAccount {
    const KIND: IdKind = IdKind::Account;
}

impl IdOf for OfSeToken {
    const KIND: IdKind = IdKind::SeToken;
}

/// The UUID in the path naming a `K`, or door `D`'s 400.
pub struct PathId<D, K>(pub Uuid, pub PhantomData<(D, K)>);

impl<D: Door, K: IdOf, S: Send + Sync> FromRequestParts<S> for PathId<D, K> {
    type Rejection = D::Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, D::Error> {
        let Path(id) = Path::<Uuid>::from_request_parts(parts, state)
            .await
            .map_err(|_| D::bad_id(K::KIND))?;
        Ok(PathId(id, PhantomData))
    }
}
