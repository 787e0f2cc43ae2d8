//! What the watch page starts from. The code entry page hands the fresh grant over in memory
//! (a client-side navigation, no reload); the code itself is kept for the tab
//! (`sessionStorage`), so a reload of the watch page validates again (the old session was
//! released as the page went away), while another tab, or a closed one, needs the code anew.

use std::cell::RefCell;

use streamgate_domain::model::PlaybackGrant;
use uuid::Uuid;

thread_local! {
    static HANDED_OVER: RefCell<Option<PlaybackGrant>> = const { RefCell::new(None) };
}

fn key(event_id: Uuid) -> String {
    format!("streamgate.code.{event_id}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Called by the code entry page just before it opens the watch page.
pub fn hand_over(code: &str, grant: PlaybackGrant) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(&key(grant.event_id), code);
    }
    HANDED_OVER.with(|slot| *slot.borrow_mut() = Some(grant));
}

/// The grant handed over for `event_id`, once.
pub fn take(event_id: Uuid) -> Option<PlaybackGrant> {
    HANDED_OVER.with(|slot| {
        let mut slot = slot.borrow_mut();
        match slot.as_ref() {
            Some(grant) if grant.event_id == event_id => slot.take(),
            _ => None,
        }
    })
}

/// The code this tab used for `event_id`.
pub fn code(event_id: Uuid) -> Option<String> {
    storage()?.get_item(&key(event_id)).ok()?
}

pub fn forget(event_id: Uuid) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(event_id));
    }
}
