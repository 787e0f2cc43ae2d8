//! The API's OpenAPI document (`/api/v1/openapi.json`) and Swagger UI (`/api/v1/docs`).
//!
//! Routes and their documentation come from the same call: a door adds an operation to an
//! [`ApiRoutes`] with `.routes(routes!(handler))` (a handler with `#[utoipa::path]`) or, for
//! the event routes generic over a door, with an [`op::Op`]. Each call registers the handler
//! on the router and its operation in the document, and records the route, so
//! [`ApiRoutes::finish`] can check that what is routed is exactly what is documented.

mod document;
pub mod op;
mod routes;
pub mod swagger;

pub use document::{document, security, Envelope};
pub use routes::ApiRoutes;
