//! What the document says besides its operations: the title, the security schemes, the error
//! bodies of each door and seed 001's success envelope.

use serde::Serialize;
use utoipa::{
    openapi::{
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
        OpenApi as Document,
    },
    Modify, OpenApi, ToSchema,
};

use crate::http::{
    platform_api::error::ApiErrorBody,
    shared::session::COOKIE_NAME,
    streamgate_api::error::{AdminErrorBody, ViewerErrorBody},
};

/// The security schemes' names, as operations' `security(...)` name them.
pub mod security {
    /// `Authorization: Bearer sk_…` (an API token) or a dashboard JWT.
    pub const BEARER: &str = "bearer";
    /// The dashboard's session cookie.
    pub const SESSION: &str = "session";
    /// `X-Internal-Api-Key`: HLS edges reading the revocation feed.
    pub const INTERNAL_KEY: &str = "internalApiKey";
    /// A viewer's playback token from `POST /api/tokens/validate`.
    pub const PLAYBACK: &str = "playbackToken";
}

/// Seed 001's success body: `{"data": …, "error": null}`.
#[derive(Serialize, ToSchema)]
pub struct Envelope<T> {
    pub data: T,
    /// Always `null` on success.
    #[schema(value_type = Option<String>)]
    pub error: (),
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "StreamGate API",
        description = "The platform API (`/api/v1`, seed 001's conventions) and seed 002's \
            public, admin and internal API. Try it out: paste an `sk_` API token under \
            Authorize (`bearer`).",
    ),
    components(schemas(ApiErrorBody, AdminErrorBody, ViewerErrorBody)),
    modifiers(&SecuritySchemes),
)]
struct Base;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "An API token (`sk_…`, from `POST /api/v1/tokens`) or a dashboard JWT (from \
                 `POST /api/v1/auth/login`).",
            ))
            .build();
        let playback = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "A viewer's `playbackToken` from `POST /api/tokens/validate`.",
            ))
            .build();
        let schemes = [
            (security::BEARER, SecurityScheme::Http(bearer)),
            (
                security::SESSION,
                SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                    COOKIE_NAME,
                    "The dashboard session, set by `POST /api/admin/login` or the sign-in page.",
                ))),
            ),
            (
                security::INTERNAL_KEY,
                SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                    "X-Internal-Api-Key",
                    "`STREAMGATE_INTERNAL_API_KEY`, presented by HLS edges.",
                ))),
            ),
            (security::PLAYBACK, SecurityScheme::Http(playback)),
        ];
        for (name, scheme) in schemes {
            components.add_security_scheme(name, scheme);
        }
    }
}

/// The whole document: the base above with every door's operations.
pub fn document(operations: Document) -> Document {
    let mut document = Base::openapi();
    document.info.version = env!("CARGO_PKG_VERSION").to_owned();
    document.merge(operations);
    document
}
