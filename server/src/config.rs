//! `serve`'s configuration, validated once at start: what the flags and the environment say,
//! checked and turned into the values the listeners, the domain and the workers take. Wiring
//! them together is `serve.rs`'s job.

use std::{path::PathBuf, sync::Arc, time::Duration};

use streamgate_domain::{
    model::Quotas,
    playback::PlaybackKeys,
    service::{BreakGlass, RateLimit},
};
use url::Url;

use crate::{
    cli::{AuthArgs, PlaybackArgs, ServeArgs, ServeRole},
    http::{
        hls::{self, LocalFiles, OriginDirectory, StreamSource, Upstream},
        shared::{client_address::TrustedProxies, session::SessionSettings},
        ui::FramePolicy,
        PlaybackBase,
    },
    StartupError,
};

/// What both roles take from the configuration.
pub struct Config {
    /// `STREAMGATE_PUBLIC_URL`.
    pub public_url: Option<Url>,
    pub trusted_proxies: TrustedProxies,
    /// `STREAMGATE_INTERNAL_API_KEY`, when set and not empty.
    pub internal_api_key: Option<Arc<str>>,
    /// Where encoders (and the demo) write: `<stream root>/<event id>/…`.
    pub stream_root: PathBuf,
    /// `METRICS_TOKEN`, when set and not empty: `/metrics` is served only then.
    pub metrics_token: Option<Arc<str>>,
    pub role: Role,
}

/// What only one role takes.
pub enum Role {
    App(AppConfig),
    Edge(EdgeConfig),
}

pub struct AppConfig {
    pub break_glass: Option<BreakGlass>,
    pub sessions: SessionSettings,
    /// How long a viewer's session lives without a heartbeat, and the viewer API's limits.
    pub session_timeout: Duration,
    pub validate_limit: RateLimit,
    pub refresh_limit: RateLimit,
    pub play_token_limit: RateLimit,
    /// Who may frame `/embed/…` (`STREAMGATE_EMBED_ORIGINS`) and, by omission, other pages.
    pub frame_policy: FramePolicy,
    /// `STREAMGATE_PUBLIC_HLS_URL`; the port completes the URL derived from a request.
    pub public_hls_url: Option<Url>,
    pub demo: bool,
    /// `STREAMGATE_DEFAULT_QUOTAS`: the limits of accounts not given their own.
    pub default_quotas: Quotas,
}

pub struct EdgeConfig {
    /// The app whose revocation feed the edge follows.
    pub platform: Url,
    pub keys: Arc<PlaybackKeys>,
    /// The internal API key the feed asks for.
    pub api_key: String,
    pub poll: Duration,
}

impl Config {
    pub fn from_args(args: &ServeArgs) -> Result<Config, StartupError> {
        let role = match args.hls.role {
            ServeRole::App => Role::App(app_config(args)?),
            ServeRole::Edge => Role::Edge(edge_config(args)?),
        };
        Ok(Config {
            public_url: args.public_url.clone(),
            trusted_proxies: TrustedProxies::new(args.playback.trusted_proxies.clone()),
            internal_api_key: args
                .playback
                .internal_api_key
                .as_deref()
                .filter(|key| !key.is_empty())
                .map(Arc::from),
            stream_root: args
                .hls
                .stream_root
                .clone()
                .unwrap_or_else(|| args.database.data_dir.join("streams")),
            metrics_token: args
                .metrics_token
                .as_deref()
                .filter(|token| !token.is_empty())
                .map(Arc::from),
            role,
        })
    }
}

impl AppConfig {
    /// Where viewers are sent for streams, given the port the HLS listener got.
    pub fn playback_base(&self, hls_port: u16) -> PlaybackBase {
        PlaybackBase {
            public_url: self.public_hls_url.clone(),
            hls_port,
        }
    }
}

fn app_config(args: &ServeArgs) -> Result<AppConfig, StartupError> {
    let playback: &PlaybackArgs = &args.playback;
    Ok(AppConfig {
        break_glass: break_glass(&args.auth)?,
        sessions: SessionSettings {
            idle_timeout: Duration::from_secs(args.session_idle_seconds),
            secure: args
                .public_url
                .as_ref()
                .is_some_and(|url| url.scheme() == "https"),
        },
        session_timeout: Duration::from_secs(playback.session_timeout),
        validate_limit: RateLimit::per_minute(playback.validate_rate_limit),
        refresh_limit: RateLimit::per_hour(playback.refresh_rate_limit),
        play_token_limit: RateLimit::per_minute(playback.play_token_rate_limit),
        frame_policy: FramePolicy::new(&args.embed_origins),
        public_hls_url: args.hls.public_hls_url.clone(),
        demo: args.demo,
        default_quotas: args.quotas.defaults(),
    })
}

/// An edge has no database: everything it checks tokens with comes from its configuration.
fn edge_config(args: &ServeArgs) -> Result<EdgeConfig, StartupError> {
    let config = |message: &str| StartupError::Config(message.to_owned());
    if args.demo {
        tracing::warn!("--demo is for the app role (it needs the database); ignored on an edge");
    }
    let platform = args
        .hls
        .platform_url
        .clone()
        .ok_or_else(|| config("an edge needs --platform-url (STREAMGATE_PLATFORM_URL)"))?;
    let secret = args.playback.playback_secret.as_deref().ok_or_else(|| {
        config("an edge needs the app's playback secret (STREAMGATE_PLAYBACK_SECRET)")
    })?;
    let keys = Arc::new(PlaybackKeys::new(
        PlaybackKeys::checked(secret).map_err(|err| config(&err.to_string()))?,
    ));
    let api_key = args.playback.internal_api_key.clone().ok_or_else(|| {
        config("an edge needs the internal API key (STREAMGATE_INTERNAL_API_KEY)")
    })?;
    Ok(EdgeConfig {
        platform,
        keys,
        api_key,
        poll: Duration::from_secs(args.hls.revocation_poll),
    })
}

/// `STREAMGATE_DEFAULT_QUOTAS` (`maxEvents=…,maxCodes=…,maxConcurrentViewers=…`), checked as the
/// command line is read: an unknown key or a bad number refuses to start, saying which.
pub fn default_quotas(text: &str) -> Result<Quotas, String> {
    text.parse()
        .map_err(|reason| format!("STREAMGATE_DEFAULT_QUOTAS: {reason}"))
}

/// `ADMIN_USER` and `ADMIN_PASS`, both or neither.
fn break_glass(args: &AuthArgs) -> Result<Option<BreakGlass>, StartupError> {
    fn given(value: &Option<String>) -> Option<&str> {
        value.as_deref().filter(|v| !v.is_empty())
    }
    match (given(&args.admin_user), given(&args.admin_pass)) {
        (Some(user), Some(pass)) => Ok(Some(BreakGlass::new(user, pass))),
        (None, None) => Ok(None),
        _ => Err(StartupError::Config(
            "ADMIN_USER and ADMIN_PASS must be set together".into(),
        )),
    }
}

/// The local stream directory and, unless the source is local only, the upstream cache.
pub fn stream_source(
    args: &ServeArgs,
    stream_root: PathBuf,
    origins: Arc<dyn OriginDirectory>,
) -> Result<StreamSource, StartupError> {
    let hls = &args.hls;
    std::fs::create_dir_all(&stream_root).map_err(|err| {
        StartupError::Config(format!("cannot create {}: {err}", stream_root.display()))
    })?;
    let upstream = match hls.hls_source {
        hls::SourceMode::Local => None,
        _ => {
            let cache_dir: PathBuf = hls
                .cache_dir
                .clone()
                .unwrap_or_else(|| args.database.data_dir.join("cache"));
            let upstream = Upstream::new(&hls::UpstreamConfig {
                cache_dir: cache_dir.clone(),
                cache_max_bytes: hls.cache_max_bytes,
                cache_max_age: Duration::from_secs(hls.cache_max_age),
                allow_private: hls.upstream_allow_private,
            })
            .map_err(|err| {
                StartupError::Config(format!("segment cache {}: {err}", cache_dir.display()))
            })?;
            Some((upstream, origins))
        }
    };
    tracing::info!(
        source = hls.hls_source.as_str(),
        stream_root = %stream_root.display(),
        "HLS source ready"
    );
    let local = LocalFiles::new(stream_root, hls.memory_cache_bytes);
    Ok(StreamSource::new(hls.hls_source, local, upstream))
}
