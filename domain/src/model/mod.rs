//! Types shared by the server and the browser: what the API returns and the UI renders.

mod event;
pub mod time;

pub use event::{Event, NewEvent, DEFAULT_ACCESS_WINDOW_HOURS};
