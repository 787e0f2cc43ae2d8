//! The signed-in user, loaded once by the dashboard's layout and shared with its pages.

use leptos::prelude::*;
use streamgate_domain::model::{Me, Permission};

use crate::api::AppError;

#[derive(Clone, Copy)]
pub struct SignedIn(Resource<Result<Me, AppError>>);

impl SignedIn {
    /// Shares the layout's `resource` with the pages inside it.
    pub fn provide(resource: Resource<Result<Me, AppError>>) -> Self {
        let me = Self(resource);
        provide_context(me);
        me
    }

    /// The layout's user; the dashboard's pages render inside the layout.
    pub fn expect() -> Self {
        expect_context()
    }

    /// Who is signed in, once known.
    pub fn get(self) -> Option<Me> {
        self.0.get().and_then(Result::ok)
    }

    /// Whether the signed-in user has `permission` (false until known). Controls they lack are
    /// not shown; the server refuses them anyway.
    pub fn may(self, permission: Permission) -> bool {
        self.get().is_some_and(|me| me.may(permission))
    }
}
