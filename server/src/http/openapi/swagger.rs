//! `/api/v1/openapi.json` and Swagger UI at `/api/v1/docs`. Swagger UI's files are in the
//! binary (utoipa-swagger-ui, `vendored`), so the page loads nothing from another host.

use std::sync::{Arc, LazyLock};

use axum::{
    extract::Path,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};
use utoipa_swagger_ui::Config;

use crate::http::{
    platform_api::{error::ApiError, PlatformApi},
    shared::door::Door,
};

/// Where the browser finds the document and the page's files.
const DOCUMENT_URL: &str = "/api/v1/openapi.json";
const FILES_URL: &str = "/api/v1/docs/";

/// The document, serialized once when the router is built.
#[derive(Clone)]
pub struct ApiDocument(pub Arc<str>);

/// No validator badge (Swagger UI would send the document's address to its public validator);
/// the pasted token outlives a reload.
static CONFIG: LazyLock<Arc<Config<'static>>> = LazyLock::new(|| {
    Arc::new(
        Config::new([DOCUMENT_URL])
            .validator_url("none")
            .persist_authorization(true)
            .try_it_out_enabled(true),
    )
});

/// The OpenAPI 3.1 document of every operation of `/api/v1` and seed 002's API.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "docs",
    responses((status = 200, description = "This document", content_type = "application/json", body = Object)),
)]
pub async fn openapi_json(Extension(document): Extension<ApiDocument>) -> Response {
    let json = [(header::CONTENT_TYPE, "application/json")];
    (json, document.0.to_string()).into_response()
}

/// Swagger UI for this document. Its files are relative to `/api/v1/docs/`, which the page
/// names as its base.
#[utoipa::path(
    get,
    path = "/docs",
    tag = "docs",
    responses((status = 200, description = "Swagger UI", content_type = "text/html", body = String)),
)]
pub async fn docs_page() -> Result<Response, ApiError> {
    let page = swagger_file("index.html")?;
    let html = String::from_utf8_lossy(&page.0);
    let html = html.replacen(
        "<head>",
        &format!("<head>\n    <base href=\"{FILES_URL}\">"),
        1,
    );
    Ok(([(header::CONTENT_TYPE, page.1)], html).into_response())
}

/// One of Swagger UI's files (scripts, styles, icons), or its initializer pointing at this
/// document.
#[utoipa::path(
    get,
    path = "/docs/{file}",
    tag = "docs",
    params(("file" = String, Path, description = "A file of Swagger UI, e.g. `swagger-ui.css`")),
    responses(
        (status = 200, description = "The file"),
        (status = 404, description = "No such file", body = crate::http::platform_api::error::ApiErrorBody),
    ),
)]
pub async fn docs_asset(Path(file): Path<String>) -> Result<Response, ApiError> {
    let (bytes, content_type) = swagger_file(&file)?;
    Ok(([(header::CONTENT_TYPE, content_type)], bytes).into_response())
}

/// A file of the embedded Swagger UI with its content type, or seed 001's 404.
fn swagger_file(name: &str) -> Result<(Vec<u8>, String), ApiError> {
    match utoipa_swagger_ui::serve(name, CONFIG.clone()) {
        Ok(Some(file)) => Ok((file.bytes.into_owned(), file.content_type)),
        Ok(None) => Err(PlatformApi::no_route()),
        Err(err) => {
            tracing::error!(error = %err, file = name, "swagger ui: cannot serve");
            Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal server error",
            ))
        }
    }
}
