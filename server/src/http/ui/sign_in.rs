//! The dashboard's plain-HTML forms: the sign-in and sign-out forms (they work before, and
//! without, the page's WebAssembly) and the guard that sends signed-out visitors of `/admin/*`
//! to the sign-in page.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Request, State},
    http::Method,
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Form, Router,
};
use serde::Deserialize;
use streamgate_domain::model::Principal;
use tower_sessions::Session;

use crate::http::{
    shared::{
        session,
        sign_in::{self, SignInRefused},
    },
    AppState,
};

pub const LOGIN_PATH: &str = "/admin/login";
const HOME_PATH: &str = "/admin";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(LOGIN_PATH, post(sign_in))
        .route("/admin/logout", post(sign_out))
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    Form(form): Form<SignInForm>,
) -> Response {
    let email = Some(form.email.trim()).filter(|email| !email.is_empty());
    let next = safe_next(&form.next);
    let error = match sign_in::attempt(&state, peer.ip(), email, &form.password).await {
        Ok(subject) => match session::sign_in(&session, subject).await {
            Ok(()) => return Redirect::to(next).into_response(),
            Err(err) => {
                tracing::error!(error = %err, "session store failure");
                "unavailable"
            }
        },
        Err(SignInRefused::TooManyAttempts) => "rate_limited",
        Err(SignInRefused::InvalidCredentials) => "invalid",
        Err(SignInRefused::Failed(err)) => {
            tracing::error!(error = %err, "sign-in failed");
            "unavailable"
        }
    };
    let next = urlencoding(next);
    Redirect::to(&format!("{LOGIN_PATH}?error={error}&next={next}")).into_response()
}

async fn sign_out(session: Session) -> Redirect {
    if let Err(err) = session::sign_out(&session).await {
        tracing::error!(error = %err, "could not end a session");
    }
    Redirect::to(LOGIN_PATH)
}

/// Page requests under `/admin` need a signed-in caller; the sign-in page needs the opposite.
pub async fn guard_pages(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_page =
        request.method() == Method::GET && (path == HOME_PATH || path.starts_with("/admin/"));
    if !is_page {
        return next.run(request).await;
    }
    let signed_in = request.extensions().get::<Principal>().is_some();
    if path == LOGIN_PATH {
        if signed_in {
            return Redirect::to(HOME_PATH).into_response();
        }
    } else if !signed_in {
        let wanted = request
            .uri()
            .path_and_query()
            .map_or(path, |pq| pq.as_str());
        let next = urlencoding(wanted);
        return Redirect::to(&format!("{LOGIN_PATH}?next={next}")).into_response();
    }
    next.run(request).await
}

/// Only our own dashboard pages are valid destinations after sign-in (no open redirect).
fn safe_next(next: &str) -> &str {
    let ours = (next == HOME_PATH || next.starts_with("/admin/"))
        && !next.starts_with(LOGIN_PATH)
        && !next.contains("//")
        && !next.contains('\\');
    if ours {
        next
    } else {
        HOME_PATH
    }
}

fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dashboard_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next("/admin/users"), "/admin/users");
        assert_eq!(safe_next("/admin"), "/admin");
        for hostile in [
            "",
            "https://evil.test/",
            "//evil.test",
            "/admin/..//evil",
            "/admin\\x",
            "/administrator",
            "/admin/login",
        ] {
            assert_eq!(safe_next(hostile), "/admin", "{hostile}");
        }
    }
}
