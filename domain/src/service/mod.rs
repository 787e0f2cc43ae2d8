//! Services: the rules of each capability. Every door (pages, REST, GraphQL, workers) calls
//! these, so a rule holds whichever door a request came through.

mod accounts;
mod auth;
mod codes;
mod demo;
mod events;
mod export;
mod password;
mod playback;
mod rate_limit;
pub(crate) mod secret;

use std::sync::Arc;

use crate::{
    access::{AccessGuard, PlaybackKeys, RevocationCache},
    authz::Authorizer,
    store::Store,
};

pub use accounts::{member_principal, AccountService};
pub use auth::{AuthConfig, AuthService, BreakGlass, FIRST_OWNER_EMAIL};
pub use codes::{CodeService, MAX_BULK_REVOKE};
pub use demo::DemoService;
pub use events::{EventService, EventSwitch};
pub use export::codes_csv;
pub use playback::{PlaybackConfig, PlaybackService};
pub use rate_limit::RateLimit;

/// The domain as the server hands it to its doors: one handle, cheap to clone.
#[derive(Clone)]
pub struct Domain {
    store: Arc<dyn Store>,
    authz: Authorizer,
    auth: Arc<AuthConfig>,
    playback: Arc<PlaybackConfig>,
    revocations: Arc<RevocationCache>,
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
        }
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

    pub fn auth(&self) -> AuthService<'_> {
        AuthService::new(self.store.as_ref(), self.accounts(), &self.auth)
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn accounts(&self) -> AccountService<'_> {
        AccountService::new(self.store.as_ref(), &self.authz)
    }

    pub fn events(&self) -> EventService<'_> {
        EventService::new(self.context())
    }

    pub fn codes(&self) -> CodeService<'_> {
        CodeService::new(self.context())
    }

    pub fn demo(&self) -> DemoService<'_> {
        DemoService::new(self.context())
    }

    pub fn playback(&self) -> PlaybackService<'_> {
        PlaybackService::new(self.store.as_ref(), &self.playback, &self.revocations)
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
}
