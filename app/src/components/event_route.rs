//! The event a dashboard address names (`/admin/events/:id…`), for the pages of one event.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::api::AppError;

/// The route's event id; `None` when the address holds no valid one.
pub fn use_event_id() -> Signal<Option<Uuid>> {
    let params = use_params_map();
    Signal::derive(move || params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())))
}

/// The id to load, or "Event not found." for an address that names no event.
pub fn named_event(id: Option<Uuid>) -> Result<Uuid, AppError> {
    id.ok_or_else(|| AppError::NotFound("Event".into()))
}
