//! The pages: the viewer's (code entry, watch), the sign-in page, the organizer dashboard
//! (lazily loaded routes, in `dashboard`) and the not-found page.

pub mod dashboard;
mod home;
mod login;
mod not_found;
mod watch;

pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use watch::{EmbedPage, WatchPage};
