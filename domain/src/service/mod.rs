//! Services: the rules of each capability. Every door (pages, REST, GraphQL, workers) calls
//! these, so a rule holds whichever door a request came through.

mod accounts;
mod events;
mod password;

use std::sync::Arc;

use crate::{authz::Authorizer, store::Store};

pub use accounts::{member_principal, AccountService};
pub use events::EventService;

/// The domain as the server hands it to its doors: one handle, cheap to clone.
#[derive(Clone)]
pub struct Domain {
    store: Arc<dyn Store>,
    authz: Authorizer,
}

impl Domain {
    pub fn new(store: Arc<dyn Store>, authz: Authorizer) -> Self {
        Self { store, authz }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn accounts(&self) -> AccountService<'_> {
        AccountService::new(self.store.as_ref(), &self.authz)
    }

    pub fn events(&self) -> EventService<'_> {
        EventService::new(self.store.as_ref())
    }
}
