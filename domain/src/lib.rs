//! StreamGate's domain: the types every layer shares and, behind the `server` feature, the
//! services that hold the rules and the store that holds the data.

pub mod error;
pub mod model;

#[cfg(feature = "server")]
pub mod authz;
#[cfg(feature = "server")]
pub mod playback;
#[cfg(feature = "server")]
pub mod service;
#[cfg(feature = "server")]
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::{DomainError, PlaybackRefusal};
