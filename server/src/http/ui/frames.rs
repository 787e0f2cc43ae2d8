//! Who may show our pages in a frame. `/embed/…` is the player alone, made for iframes: the
//! origins in `STREAMGATE_EMBED_ORIGINS` (any by default) may frame it. No other page may be
//! framed at all (clickjacking the code entry or the dashboard).

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
};

const EMBED_PREFIX: &str = "/embed/";
const NOWHERE: HeaderValue = HeaderValue::from_static("frame-ancestors 'none'");

/// The `Content-Security-Policy` `/embed/…` answers with.
#[derive(Clone, Debug)]
pub struct FramePolicy {
    embed: HeaderValue,
}

impl FramePolicy {
    /// `origins` as [`embed_origin`] checked them; none means any origin.
    pub fn new(origins: &[String]) -> Self {
        let sources = if origins.is_empty() {
            "*".to_owned()
        } else {
            origins.join(" ")
        };
        let embed = HeaderValue::try_from(format!("frame-ancestors {sources}"))
            .expect("checked origins are header-safe");
        Self { embed }
    }
}

impl Default for FramePolicy {
    fn default() -> Self {
        Self::new(&[])
    }
}

/// One `STREAMGATE_EMBED_ORIGINS` entry: `*`, or an http(s) origin such as
/// `https://www.example.com` (a trailing `/` is dropped). Anything else (paths, spaces, `;`)
/// would change the policy's meaning, so it is refused at start.
pub fn embed_origin(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text == "*" {
        return Ok(text.to_owned());
    }
    let refused = || format!("`{text}` is not an origin like https://www.example.com");
    let url = url::Url::parse(text).map_err(|_| refused())?;
    let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
    let origin = url.origin().ascii_serialization();
    if !matches!(url.scheme(), "http" | "https") || !bare || !url.username().is_empty() {
        return Err(refused());
    }
    Ok(origin)
}

/// Middleware: the frame policy of every response of the pages' door.
pub async fn frame_ancestors(
    State(policy): State<FramePolicy>,
    request: Request,
    next: Next,
) -> Response {
    let embed = request.uri().path().starts_with(EMBED_PREFIX);
    let mut response = next.run(request).await;
    let value = if embed { policy.embed } else { NOWHERE };
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, value);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_and_anything_else_refused() {
        assert_eq!(
            embed_origin(" https://www.example.com/ ").unwrap(),
            "https://www.example.com"
        );
        assert_eq!(
            embed_origin("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(embed_origin("*").unwrap(), "*");
        for bad in [
            "example.com",
            "https://example.com/page",
            "https://a.com; script-src *",
            "ftp://example.com",
            "",
        ] {
            assert!(embed_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_policy_lists_the_origins_or_any() {
        assert_eq!(FramePolicy::default().embed, "frame-ancestors *");
        let listed = FramePolicy::new(&["https://a.example".into(), "https://b.example".into()]);
        assert_eq!(
            listed.embed,
            "frame-ancestors https://a.example https://b.example"
        );
    }
}
