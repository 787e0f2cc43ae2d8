//! One module per page.

mod admin;
pub mod dashboard;
mod event;
mod events;
mod home;
mod login;
mod not_found;
mod profile;
mod tickets;
mod users;
mod watch;

pub use admin::{AdminLayout, OverviewPage};
pub use event::EventPage;
pub use events::EventsPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use profile::ProfilePage;
pub use tickets::TicketsPage;
pub use users::UsersPage;
pub use watch::WatchPage;
