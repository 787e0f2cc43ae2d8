//! Files the dashboard pages link to: each access code's QR image, an SVG drawn on the server
//! (the tables and the printable ticket sheet load them lazily, so neither the page nor its
//! WebAssembly carries QR data). The page guard already sends signed-out visitors to sign in.

use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Extension, Router,
};
use streamgate_domain::model::Principal;
use url::Url;
use uuid::Uuid;

use super::{error::AdminError, AppState};

/// Side of a QR image in pixels (it scales: the SVG has a view box).
const QR_SIZE: u32 = 200;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/codes/{id}/qr.svg", get(code_qr))
}

/// `GET /admin/codes/:id/qr.svg`: a QR code opening `<public origin>/?code=…` for one code the
/// caller may read (`codes:read`; another account's code is not found).
async fn code_qr(
    State(state): State<AppState>,
    principal: Option<Extension<Principal>>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> Response {
    let Some(Extension(principal)) = principal else {
        return AdminError::new(StatusCode::UNAUTHORIZED, "Unauthorized").into_response();
    };
    let code = match state.domain.codes().get(&principal, id).await {
        Ok(code) => code,
        Err(err) => return AdminError::from(err).into_response(),
    };
    let origin = public_origin(state.public_origin.as_ref(), &headers);
    let target = streamgate_app::qr::ticket_url(&origin, &code.code);
    match streamgate_app::qr::svg(&target, QR_SIZE) {
        Some(svg) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "private, max-age=3600"),
            ],
            svg,
        )
            .into_response(),
        None => {
            AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "QR code too long").into_response()
        }
    }
}

/// The origin viewers reach the site at: the configured public URL, else the request's host
/// (https when a proxy says so).
fn public_origin(configured: Option<&Url>, headers: &HeaderMap) -> String {
    if let Some(url) = configured {
        return url.origin().ascii_serialization();
    }
    let text = |name| headers.get(name).and_then(|value| value.to_str().ok());
    let host = text(header::HOST).unwrap_or("localhost");
    let scheme = match text(header::HeaderName::from_static("x-forwarded-proto")) {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn the_configured_origin_wins_over_the_host() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        assert_eq!(public_origin(None, &headers), "http://127.0.0.1:3000");
        let configured = Url::parse("https://live.example.com/some/path").unwrap();
        assert_eq!(
            public_origin(Some(&configured), &headers),
            "https://live.example.com"
        );
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert_eq!(public_origin(None, &headers), "https://127.0.0.1:3000");
    }
}
