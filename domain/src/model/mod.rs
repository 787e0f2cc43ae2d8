//! Types shared by the server and the browser: what the API returns and the UI renders.

mod audit;
mod event;
mod identity;
mod permission;
pub mod time;

pub use audit::AuditEntry;
pub use event::{Event, NewEvent, DEFAULT_ACCESS_WINDOW_HOURS};
pub use identity::{Account, CredentialKind, Me, Member, NewMember, Principal, Subject};
pub use permission::{Permission, Role};
