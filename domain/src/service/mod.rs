//! Services: the rules of each capability. Every door (pages, REST, GraphQL, workers, the
//! command line) calls these, so a rule holds whichever door a request came through. Watching
//! is in [`crate::playback`].

mod accounts;
mod api_tokens;
mod audit;
mod auth;
mod codes;
mod demo;
mod event_rules;
mod events;
mod export;
mod members;
mod password;
mod quotas;
mod rate_limit;
mod se_tokens;
mod se_workers;
pub(crate) mod secret;
mod sessions;
mod tips;
mod token_cache;
mod token_cipher;
mod users;

use std::sync::Arc;

use crate::{
    authz::Authorizer,
    model::Quotas,
    playback::{
        AccessGuard, PlaybackConfig, PlaybackKeys, PlaybackService, RevocationCache,
        PLAYBACK_SECRET_SETTING, SECRET_VARIABLE as PLAYBACK_SECRET_VARIABLE,
    },
    store::{PoolConnections, Store},
    DomainError,
};

pub use accounts::AccountService;
pub use api_tokens::ApiTokenService;
pub use auth::{AuthConfig, AuthService, BreakGlass, FIRST_OWNER_EMAIL};
pub use codes::{CodeService, MAX_BULK_REVOKE};
pub use demo::DemoService;
pub use events::{EventService, EventSwitch};
pub use export::codes_csv;
pub use rate_limit::RateLimit;
pub use se_tokens::SeTokenService;
pub use se_workers::{SeTokenReport, SeWorkerControl, SeWorkerService, WorkerToken};
pub use sessions::{SessionRow, SessionService};
pub use tips::{TipFeed, TipService};
pub use token_cipher::{CipherError, TokenCipher};
pub use users::member_principal;

pub(crate) use quotas::quotas_in_force;

/// The domain as the server hands it to its doors: one handle, cheap to clone.
#[derive(Clone)]
pub struct Domain {
    store: Arc<dyn Store>,
    authz: Authorizer,
    auth: Arc<AuthConfig>,
    playback: Arc<PlaybackConfig>,
    revocations: Arc<RevocationCache>,
    tokens: Arc<token_cache::TokenCache>,
    /// `STREAMGATE_DEFAULT_QUOTAS`: the limits of accounts not given their own.
    quotas: Quotas,
    /// Encrypts the StreamElements tokens at rest.
    se_cipher: Arc<TokenCipher>,
    /// Starts and stops the StreamElements workers (the server's manager).
    se_workers: Arc<dyn SeWorkerControl>,
}

impl Domain {
    /// A domain whose dashboard and playback credentials use throw-away keys and no
    /// break-glass admin; `serve` replaces them with [`Domain::with_auth`] and
    /// [`Domain::with_playback`].
    pub fn new(store: Arc<dyn Store>, authz: Authorizer) -> Self {
        Self {
            store,
            authz,
            auth: Arc::new(AuthConfig::ephemeral()),
            playback: Arc::new(PlaybackConfig::new(PlaybackKeys::ephemeral())),
            revocations: Arc::new(RevocationCache::new()),
            tokens: Arc::new(token_cache::TokenCache::new()),
            quotas: Quotas::UNLIMITED,
            se_cipher: Arc::new(TokenCipher::new(TokenCipher::generate_key().as_bytes())),
            se_workers: Arc::new(se_workers::NoWorkers),
        }
    }

    /// The cipher of the StreamElements tokens, from the installation's key.
    pub fn with_token_cipher(self, cipher: TokenCipher) -> Self {
        Self {
            se_cipher: Arc::new(cipher),
            ..self
        }
    }

    /// What starts and stops the StreamElements workers as tokens change.
    pub fn with_se_workers(self, workers: Arc<dyn SeWorkerControl>) -> Self {
        Self {
            se_workers: workers,
            ..self
        }
    }

    /// The installation's default quotas (unlimited unless given).
    pub fn with_quotas(self, quotas: Quotas) -> Self {
        Self { quotas, ..self }
    }

    pub fn with_auth(self, auth: AuthConfig) -> Self {
        Self {
            auth: Arc::new(auth),
            ..self
        }
    }

    pub fn with_playback(self, playback: PlaybackConfig) -> Self {
        Self {
            playback: Arc::new(playback),
            ..self
        }
    }

    /// Closes the database pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// The database pool's connections now, in use and idle.
    pub fn pool_connections(&self) -> PoolConnections {
        self.store.pool_connections()
    }

    /// The dashboard JWT secret: `configured` (STREAMGATE_JWT_SECRET) when given, else the one
    /// the first start generated and stored, so every instance and restart agrees.
    pub async fn jwt_secret(&self, configured: Option<&str>) -> Result<Vec<u8>, DomainError> {
        let (setting, variable) = (auth::JWT_SECRET_SETTING, auth::JWT_SECRET_VARIABLE);
        secret::installation_secret(self.store.as_ref(), setting, variable, configured).await
    }

    /// The playback token secret: `configured` (STREAMGATE_PLAYBACK_SECRET) when given, else
    /// the one the first start generated and stored, so every instance and restart agrees.
    pub async fn playback_secret(&self, configured: Option<&str>) -> Result<Vec<u8>, DomainError> {
        let (setting, variable) = (PLAYBACK_SECRET_SETTING, PLAYBACK_SECRET_VARIABLE);
        secret::installation_secret(self.store.as_ref(), setting, variable, configured).await
    }

    pub fn auth(&self) -> AuthService<'_> {
        AuthService::new(self.store.as_ref(), self.accounts(), &self.auth)
    }

    pub fn accounts(&self) -> AccountService<'_> {
        self.context().accounts()
    }

    pub fn api_tokens(&self) -> ApiTokenService<'_> {
        let store = self.store.as_ref();
        ApiTokenService::new(store, &self.authz, self.accounts(), &self.tokens)
    }

    pub fn se_tokens(&self) -> SeTokenService<'_> {
        let (store, cipher) = (self.store.as_ref(), self.se_cipher.as_ref());
        SeTokenService::new(
            store,
            &self.authz,
            self.accounts(),
            cipher,
            &*self.se_workers,
        )
    }

    /// For the StreamElements workers only: decrypted tokens, status reports, leases.
    pub fn se_workers(&self) -> SeWorkerService<'_> {
        SeWorkerService::new(self.store.as_ref(), &self.se_cipher)
    }

    pub fn tips(&self) -> TipService<'_> {
        TipService::new(&self.store, &self.authz, self.accounts())
    }

    pub fn events(&self) -> EventService<'_> {
        self.context().events()
    }

    pub fn codes(&self) -> CodeService<'_> {
        self.context().codes()
    }

    pub fn demo(&self) -> DemoService<'_> {
        DemoService::new(self.context())
    }

    pub fn sessions(&self) -> SessionService<'_> {
        SessionService::new(self.store.as_ref())
    }

    pub fn playback(&self) -> PlaybackService<'_> {
        PlaybackService::new(
            self.store.as_ref(),
            &self.playback,
            &self.revocations,
            self.quotas,
        )
    }

    pub fn playback_config(&self) -> &PlaybackConfig {
        &self.playback
    }

    /// The check the HLS listener runs on every request, over this domain's revocation cache.
    pub fn access_guard(&self) -> AccessGuard {
        AccessGuard::new(self.playback.keys.clone(), self.revocations.clone())
    }

    fn context(&self) -> Context<'_> {
        Context {
            store: self.store.as_ref(),
            authz: &self.authz,
            playback: &self.playback,
            revocations: &self.revocations,
            quotas: self.quotas,
        }
    }
}

/// What the organizer services share: the store, the permission check, and (since their
/// changes reach viewers) the playback settings and the revocation cache.
#[derive(Clone, Copy)]
pub(crate) struct Context<'a> {
    pub store: &'a dyn Store,
    pub authz: &'a Authorizer,
    pub playback: &'a PlaybackConfig,
    pub revocations: &'a RevocationCache,
    /// The installation's default quotas.
    pub quotas: Quotas,
}

impl<'a> Context<'a> {
    fn accounts(self) -> AccountService<'a> {
        AccountService::new(self)
    }

    fn events(self) -> EventService<'a> {
        EventService::new(self)
    }

    fn codes(self) -> CodeService<'a> {
        CodeService::new(self)
    }
}
