//! Background work that runs beside the listeners until shutdown.

pub mod revocation_sync;
pub mod sweeper;
