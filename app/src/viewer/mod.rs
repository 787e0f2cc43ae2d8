//! What a viewer's browser does besides rendering: call seed 002's public API, keep the
//! playback grant for the tab, keep the session alive, and drive hls.js. Everything that
//! touches the browser is compiled for `hydrate` only; the server renders the pages without it.

pub mod outcome;

#[cfg(feature = "hydrate")]
pub mod grant_store;
#[cfg(feature = "hydrate")]
pub mod hls;
#[cfg(feature = "hydrate")]
pub mod public_api;
