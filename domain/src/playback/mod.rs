//! Playback access, from a viewer's code to each segment request: the service that trades codes
//! for playback tokens and keeps their sessions ([`PlaybackService`], the app's side, over the
//! store), and what the HLS listener checks on every request ([`AccessGuard`]: the token's
//! signature and the revocation cache, no store, so an edge runs it as the app does).

mod config;
mod guard;
mod public;
mod revocations;
mod service;
mod token;

pub use config::PlaybackConfig;
pub use guard::{AccessGuard, Denied};
pub use revocations::{RevocationCache, Revoked};
pub use service::PlaybackService;
pub use token::{PlaybackClaims, PlaybackKeys};
pub(crate) use token::{PLAYBACK_SECRET_SETTING, SECRET_VARIABLE};
