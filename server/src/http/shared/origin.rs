//! The origin a request was sent to: the configured public URL (`STREAMGATE_PUBLIC_URL`) when
//! a proxy sits in front, else the `Host` it was sent to, over https only when a trusted proxy
//! said so. QR tickets, the CSRF check and seed 002's `playbackBaseUrl` all ask here.

use axum::http::{header, request::Parts, HeaderMap};
use url::Url;

use super::client_address::ForwardedHttps;

/// Where a request was sent: scheme, host and port as the browser used them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestOrigin(Url);

impl From<Url> for RequestOrigin {
    fn from(url: Url) -> Self {
        Self(url)
    }
}

impl RequestOrigin {
    /// `scheme://host[:port]`, as browsers write an `Origin` header.
    pub fn serialize(&self) -> String {
        self.0.origin().ascii_serialization()
    }

    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or("localhost")
    }

    /// `host[:port]` as a `Host` header carries it (the port only when not the scheme's own).
    pub fn authority(&self) -> String {
        match self.0.port() {
            Some(port) => format!("{}:{port}", self.host()),
            None => self.host().to_owned(),
        }
    }
}

/// The request's origin from its headers and what the client-address middleware recorded.
pub fn request_origin(public: Option<&Url>, parts: &Parts) -> RequestOrigin {
    origin_of(
        public,
        &parts.headers,
        parts.extensions.get::<ForwardedHttps>().is_some(),
    )
}

pub fn origin_of(public: Option<&Url>, headers: &HeaderMap, https: bool) -> RequestOrigin {
    if let Some(url) = public {
        return RequestOrigin(url.clone());
    }
    let scheme = if https { "https" } else { "http" };
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("localhost");
    let url = Url::parse(&format!("{scheme}://{host}"))
        .unwrap_or_else(|_| Url::parse(&format!("{scheme}://localhost")).expect("valid URL"));
    RequestOrigin(url)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn host(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn the_configured_origin_wins_over_the_host() {
        let headers = host("127.0.0.1:3000");
        assert_eq!(
            origin_of(None, &headers, false).serialize(),
            "http://127.0.0.1:3000"
        );
        let configured = Url::parse("https://live.example.com/some/path").unwrap();
        assert_eq!(
            origin_of(Some(&configured), &headers, false).serialize(),
            "https://live.example.com"
        );
        // https only on a trusted proxy's word (the middleware decides; an untrusted
        // `X-Forwarded-Proto` never sets it).
        assert_eq!(
            origin_of(None, &headers, true).serialize(),
            "https://127.0.0.1:3000"
        );
    }

    #[test]
    fn authority_and_host_are_as_the_browser_wrote_them() {
        let origin = origin_of(None, &host("Example.COM:8080"), false);
        assert_eq!(origin.authority(), "example.com:8080");
        assert_eq!(origin.host(), "example.com");
        let origin = origin_of(None, &host("[::1]:3000"), false);
        assert_eq!(origin.host(), "[::1]");
        assert_eq!(
            origin_of(None, &HeaderMap::new(), false).host(),
            "localhost"
        );
        assert_eq!(
            origin_of(None, &host("bad host"), false).host(),
            "localhost"
        );
    }
}
