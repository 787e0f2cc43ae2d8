//! Files the dashboard pages link to: each access code's QR image, an SVG drawn on the server
//! (the tables and the printable ticket sheet load them lazily, so neither the page nor its
//! WebAssembly carries QR data). The page guard already sends signed-out visitors to sign in.

use axum::{
    extract::{Path, State},
    http::{header, request::Parts, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Extension, Router,
};
use streamgate_domain::model::Principal;
use uuid::Uuid;

use crate::http::{shared::origin::request_origin, streamgate_api::error::AdminError, AppState};

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
    parts: Parts,
) -> Response {
    let Some(Extension(principal)) = principal else {
        return AdminError::new(StatusCode::UNAUTHORIZED, "Unauthorized").into_response();
    };
    let code = match state.domain.codes().get(&principal, id).await {
        Ok(code) => code,
        Err(err) => return AdminError::from(err).into_response(),
    };
    let origin = request_origin(state.public_origin.as_ref(), &parts).serialize();
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
