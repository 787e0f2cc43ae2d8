//! One module per page.

mod admin;
mod home;
mod not_found;

pub use admin::AdminPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
