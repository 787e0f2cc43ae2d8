//! Services: the rules of each capability. Every door (pages, REST, GraphQL, workers) calls
//! these, so a rule holds whichever door a request came through.

mod events;

use std::sync::Arc;

use crate::store::Store;

pub use events::EventService;

/// The domain as the server hands it to its doors: one handle, cheap to clone.
#[derive(Clone)]
pub struct Domain {
    store: Arc<dyn Store>,
}

impl Domain {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn events(&self) -> EventService<'_> {
        EventService::new(self.store.as_ref())
    }
}
