//! Services: the rules of each capability. Every door (pages, REST, GraphQL, workers) calls
//! these, so a rule holds whichever door a request came through.

mod accounts;
mod auth;
mod codes;
mod events;
mod export;
mod password;
mod secret;

use std::sync::Arc;

use crate::{authz::Authorizer, store::Store};

pub use accounts::{member_principal, AccountService};
pub use auth::{AuthConfig, AuthService, BreakGlass, FIRST_OWNER_EMAIL};
pub use codes::{CodeService, MAX_BULK_REVOKE};
pub use events::{EventService, EventSwitch};
pub use export::codes_csv;

/// The domain as the server hands it to its doors: one handle, cheap to clone.
#[derive(Clone)]
pub struct Domain {
    store: Arc<dyn Store>,
    authz: Authorizer,
    auth: Arc<AuthConfig>,
}

impl Domain {
    /// A domain whose dashboard credentials use a throw-away key and no break-glass admin;
    /// `serve` replaces it with [`Domain::with_auth`].
    pub fn new(store: Arc<dyn Store>, authz: Authorizer) -> Self {
        Self {
            store,
            authz,
            auth: Arc::new(AuthConfig::ephemeral()),
        }
    }

    pub fn with_auth(self, auth: AuthConfig) -> Self {
        Self {
            auth: Arc::new(auth),
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
        EventService::new(self.store.as_ref(), &self.authz)
    }

    pub fn codes(&self) -> CodeService<'_> {
        CodeService::new(self.store.as_ref(), &self.authz)
    }
}
