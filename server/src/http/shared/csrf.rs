//! CSRF defence for cookie-authenticated writes. The cookie is SameSite=Strict already; on top
//! of that, a state-changing request that carries the session cookie (or signs in) must not come
//! from another origin: its `Origin` (or, without one, its `Referer`) has to be ours. Requests
//! with neither header come from non-browser clients (curl, scripts), which CSRF cannot abuse.

use axum::{
    extract::{OriginalUri, Request, State},
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::Response,
};
use url::Url;

use super::{
    error::Refusal,
    origin::{origin_of, RequestOrigin},
    session::COOKIE_NAME,
};
use crate::http::AppState;

/// Sign-in endpoints are checked even without a cookie (login CSRF).
const SIGN_IN_PATHS: [&str; 3] = ["/api/admin/login", "/api/v1/auth/login", "/admin/login"];
const REFUSED: &str = "Cross-origin request refused";

/// Middleware for the doors that take the session cookie; `E` words the refusal.
pub async fn refuse_cross_origin_writes<E: Refusal>(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // Doors are nested: the path as sent is the original one.
    let path = request.extensions().get::<OriginalUri>().map_or_else(
        || request.uri().path().to_owned(),
        |uri| uri.path().to_owned(),
    );
    let guarded = !safe
        && (carries_session_cookie(request.headers()) || SIGN_IN_PATHS.contains(&path.as_str()));
    if guarded && !same_origin(request.headers(), state.public_origin.as_ref()) {
        tracing::warn!(%path, "refused a cross-origin write");
        return E::respond(StatusCode::FORBIDDEN, REFUSED);
    }
    next.run(request).await
}

fn carries_session_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .any(|pair| pair.trim_start().starts_with(&format!("{COOKIE_NAME}=")))
}

/// Whether the request's Origin (else Referer) is this site: the configured public URL's
/// origin, or without one, the `Host` the request was sent to (whatever the scheme: a TLS
/// proxy may sit in front). No header at all passes.
fn same_origin(headers: &HeaderMap, public_origin: Option<&Url>) -> bool {
    let text = |name| headers.get(name).and_then(|value| value.to_str().ok());
    let Some(source) = text(header::ORIGIN).or_else(|| text(header::REFERER)) else {
        return true;
    };
    // `Origin: null` (sandboxed frames, some redirects) fails to parse as a URL: refused.
    let Ok(source) = Url::parse(source) else {
        return false;
    };
    if source.host_str().is_none()
        || (public_origin.is_none() && headers.get(header::HOST).is_none())
    {
        return false;
    }
    let ours = origin_of(public_origin, headers, false);
    let theirs = RequestOrigin::from(source);
    match public_origin {
        Some(_) => theirs.serialize() == ours.serialize(),
        None => theirs.authority() == ours.authority(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn origin_must_match_the_host_or_the_public_url() {
        let host = (header::HOST, "127.0.0.1:3000");
        assert!(same_origin(&headers(std::slice::from_ref(&host)), None));
        assert!(same_origin(
            &headers(&[host.clone(), (header::ORIGIN, "http://127.0.0.1:3000")]),
            None
        ));
        assert!(!same_origin(
            &headers(&[host.clone(), (header::ORIGIN, "http://evil.test")]),
            None
        ));
        assert!(!same_origin(
            &headers(&[host.clone(), (header::ORIGIN, "http://127.0.0.1:3001")]),
            None
        ));
        assert!(!same_origin(
            &headers(&[host.clone(), (header::ORIGIN, "null")]),
            None
        ));
        assert!(same_origin(
            &headers(&[
                host.clone(),
                (header::REFERER, "http://127.0.0.1:3000/admin")
            ]),
            None
        ));
        assert!(!same_origin(
            &headers(&[host, (header::REFERER, "https://evil.test/page")]),
            None
        ));

        let public = Url::parse("https://live.example.com").unwrap();
        let proxied = (header::HOST, "10.0.0.5:3000");
        assert!(same_origin(
            &headers(&[
                proxied.clone(),
                (header::ORIGIN, "https://live.example.com")
            ]),
            Some(&public)
        ));
        assert!(!same_origin(
            &headers(&[proxied, (header::ORIGIN, "http://live.example.com")]),
            Some(&public)
        ));
    }

    #[test]
    fn only_our_cookie_counts_as_a_session() {
        assert!(carries_session_cookie(&headers(&[(
            header::COOKIE,
            "theme=dark; streamgate_session=abc"
        )])));
        assert!(!carries_session_cookie(&headers(&[(
            header::COOKIE,
            "not_streamgate_session=abc"
        )])));
    }
}
