//! Background work that runs beside the listeners until shutdown.

pub mod demo_stream;
pub mod revocation_sync;
pub mod streamelements;
pub mod sweeper;
