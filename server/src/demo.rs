//! `serve --demo`: the domain's demo event (live now, a code ready) with a looping stream, and
//! the log line a newcomer opens, so that they watch something on the first run.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    path::Path,
};

use streamgate_domain::{
    model::{AccessCode, Event},
    service::Domain,
    DomainError,
};
use url::Url;

use crate::workers::demo_stream::DemoStream;

/// Why the demo could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{0}")]
    Domain(#[from] DomainError),
    #[error("cannot write its stream: {0}")]
    Stream(#[from] std::io::Error),
}

/// The demo, ready to watch.
pub struct Demo {
    pub event: Event,
    /// A code nobody has used yet.
    pub code: AccessCode,
    /// Its stream, to be kept moving.
    pub stream: DemoStream,
}

/// Makes sure the demo event is live with a code ready, and writes its stream's first window
/// into `<stream_root>/<event id>/`.
pub async fn start(domain: &Domain, stream_root: &Path) -> Result<Demo, DemoError> {
    let (event, code) = domain.demo().prepare().await?;
    let stream = DemoStream::start(
        stream_root.join(event.id.to_string()),
        event.starts_at.into(),
    )
    .await?;
    Ok(Demo {
        event,
        code,
        stream,
    })
}

impl Demo {
    /// The line a newcomer looks for: where to watch, with the code filled in.
    pub fn announce(&self, public_url: Option<&Url>, app_addr: SocketAddr) {
        let base = browser_base(public_url, app_addr);
        tracing::info!(
            event_id = %self.event.id,
            "demo: watch at {base}/?code={code} (organizers sign in at {base}/admin/login)",
            code = self.code.code,
        );
    }
}

/// The app's address as a browser on this machine reaches it: the public URL when configured,
/// else the listener, a wildcard address standing for loopback.
fn browser_base(public_url: Option<&Url>, app_addr: SocketAddr) -> String {
    if let Some(url) = public_url {
        return url.origin().ascii_serialization();
    }
    let ip = match app_addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, app_addr.port()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_viewer_url_is_one_a_browser_here_can_open() {
        let addr = |text: &str| text.parse::<SocketAddr>().unwrap();
        assert_eq!(
            browser_base(None, addr("127.0.0.1:3000")),
            "http://127.0.0.1:3000"
        );
        assert_eq!(
            browser_base(None, addr("0.0.0.0:3000")),
            "http://127.0.0.1:3000"
        );
        assert_eq!(browser_base(None, addr("[::]:8080")), "http://[::1]:8080");
        let public = Url::parse("https://live.example.com/").unwrap();
        assert_eq!(
            browser_base(Some(&public), addr("0.0.0.0:3000")),
            "https://live.example.com"
        );
    }
}
