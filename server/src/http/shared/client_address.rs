//! The client's address. It is the connection's peer, unless the peer is a proxy the operator
//! trusts (`STREAMGATE_TRUSTED_PROXIES`): then the right-most `X-Forwarded-For` entry that is
//! not itself a trusted proxy. Anything else in that header is the client's to forge, so it is
//! never believed. Rate limits, audit entries and first redemptions all use this address.

use std::{net::IpAddr, net::SocketAddr, str::FromStr, sync::Arc};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::HeaderMap,
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(networks.into())
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind `peer`, as far as the trusted proxies tell.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let mut client = peer;
        for hop in hops.into_iter().rev() {
            match IpAddr::from_str(hop) {
                Ok(ip) => {
                    client = ip;
                    if !self.trusts(ip) {
                        break;
                    }
                }
                // Garbage ends the chain: the last address a trusted hop vouched for stands.
                Err(_) => break,
            }
        }
        client
    }
}

/// A proxy list entry: an address (`10.0.0.5`) or a range (`10.0.0.0/8`).
pub fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    IpNet::from_str(text)
        .or_else(|_| IpAddr::from_str(text).map(IpNet::from))
        .map_err(|_| format!("`{text}` is neither an IP address nor a CIDR range"))
}

/// Middleware: replaces the connection's peer address (`ConnectInfo`) with the client's, so
/// every handler and server function that asks for it gets the client; and when a trusted
/// proxy says the client used https (`X-Forwarded-Proto`), records that for
/// [`super::origin::request_origin`].
pub async fn resolve(
    State(proxies): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    {
        if proxies.trusts(peer.ip()) && forwarded_https(request.headers()) {
            request.extensions_mut().insert(ForwardedHttps);
        }
        let client = proxies.client(peer.ip(), request.headers());
        if client != peer.ip() {
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(client, peer.port())));
        }
    }
    next.run(request).await
}

/// A trusted proxy received the request over https.
#[derive(Clone, Copy, Debug)]
pub struct ForwardedHttps;

fn forwarded_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in xff {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let proxies = TrustedProxies::default();
        assert_eq!(
            proxies.client(ip("203.0.113.9"), &headers(&["198.51.100.1"])),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::new(vec![
            parse_network("10.0.0.0/8").unwrap(),
            parse_network("127.0.0.1").unwrap(),
        ]);
        // A forged left-most entry is ignored; the proxies' own hops are skipped.
        let forwarded = headers(&["1.1.1.1, 198.51.100.7", "10.1.2.3"]);
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &forwarded),
            ip("198.51.100.7")
        );
        // An untrusted peer's header counts for nothing.
        assert_eq!(
            proxies.client(ip("203.0.113.9"), &forwarded),
            ip("203.0.113.9")
        );
        // Only trusted hops: the left-most one.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &headers(&["10.0.0.1"])),
            ip("10.0.0.1")
        );
        // Garbage stops the walk at the last vouched-for address.
        assert_eq!(
            proxies.client(
                ip("127.0.0.1"),
                &headers(&["198.51.100.7, nonsense, 10.0.0.2"])
            ),
            ip("10.0.0.2")
        );
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &headers(&[])),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn networks_parse_as_addresses_or_ranges() {
        assert!(parse_network("::1").unwrap().contains(&ip("::1")));
        assert!(parse_network(" 192.168.0.0/16 ")
            .unwrap()
            .contains(&ip("192.168.4.2")));
        assert!(parse_network("proxy.local").is_err());
    }
}
