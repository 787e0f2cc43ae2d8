//! Command line and environment: every flag can also be set by the environment variable named
//! in its help (docs/CONFIGURATION.md lists them all).

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use streamgate_domain::{authz::EnforcementMode, model::Quotas, store::DatabaseLocation};
use url::Url;

use crate::http::hls::SourceMode;

mod tasks;

pub use tasks::{AdminCommand, EventCommand, TokenCommand};

#[derive(Debug, Parser)]
#[command(
    name = "streamgate",
    version,
    about = "Ticketed live streams: access codes, playback tokens and HLS in one binary"
)]
pub struct Cli {
    /// Log line format; the level filter comes from RUST_LOG (default `info`).
    #[arg(long, env = "STREAMGATE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and the HLS streams (migrates the database first).
    Serve(Box<ServeArgs>),
    /// Create or upgrade the database schema, then exit.
    Migrate(DatabaseArgs),
    /// Manage events from the command line.
    Event {
        #[command(subcommand)]
        command: EventCommand,
    },
    /// Manage dashboard users from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Manage API tokens from the command line.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Directory for the embedded SQLite database (and other local state).
    #[arg(long, env = "STREAMGATE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// `postgres://…` to use PostgreSQL instead of the embedded SQLite file.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    pub fn location(&self) -> Result<DatabaseLocation, String> {
        DatabaseLocation::resolve(self.database_url.as_deref(), &self.data_dir)
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Address of the app listener (pages and APIs) [default: Leptos.toml's site-addr, else 127.0.0.1:3000].
    #[arg(long, env = "STREAMGATE_APP_ADDR")]
    pub app_addr: Option<SocketAddr>,

    /// Address of the HLS listener (streams and /health) [default: Leptos.toml's hls-addr, else 127.0.0.1:4000].
    #[arg(long, env = "STREAMGATE_HLS_ADDR")]
    pub hls_addr: Option<SocketAddr>,

    /// Site configuration file [default: ./Leptos.toml, else the one in the source tree the binary was built from].
    #[arg(long, env = "STREAMGATE_SITE_CONFIG")]
    pub site_config: Option<PathBuf>,

    /// Directory of the built site (pkg/ bundle and public files) [default: from the site configuration, else `site/` next to the binary].
    #[arg(long, env = "STREAMGATE_SITE_ROOT")]
    pub site_root: Option<PathBuf>,

    /// What a missing permission does: `off` (no role checks), `log` (allow and log), `on` (deny with 403). Tenant scoping always applies.
    #[arg(long, env = "STREAMGATE_AUTHZ_ENFORCE", default_value = "on")]
    pub authz_enforce: EnforcementMode,

    /// The URL browsers use to reach the app, e.g. https://live.example.com behind a proxy. An https URL makes the session cookie Secure; its origin is the one cookie-authenticated writes must come from [default: the request's Host].
    #[arg(long, env = "STREAMGATE_PUBLIC_URL")]
    pub public_url: Option<Url>,

    /// Dashboard sessions end after this many seconds without a request.
    #[arg(long, env = "STREAMGATE_SESSION_IDLE_SECONDS", default_value_t = 8 * 60 * 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub session_idle_seconds: u64,

    /// Origins whose pages may show the embedded player (/embed/…) in a frame, comma-separated, e.g. https://www.example.com [default: any origin]. Every other page may not be framed at all.
    #[arg(long, env = "STREAMGATE_EMBED_ORIGINS", value_delimiter = ',', value_parser = crate::http::ui::embed_origin)]
    pub embed_origins: Vec<String>,

    #[command(flatten)]
    pub auth: AuthArgs,

    #[command(flatten)]
    pub playback: PlaybackArgs,

    #[command(flatten)]
    pub hls: HlsArgs,

    /// Token for the Prometheus scrape endpoint `/metrics` (app listener; an edge's HLS listener), sent as `Authorization: Bearer <token>` or `?token=` [default: unset, which answers /metrics with a plain 404].
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    #[command(flatten)]
    pub quotas: QuotaArgs,

    #[command(flatten)]
    pub streamelements: StreamElementsArgs,

    /// Keep a demo event live in the only account, streaming a looping test pattern, and log a viewer URL with a ready code at every start; the same event is reused every time (app role only).
    #[arg(long, env = "STREAMGATE_DEMO")]
    pub demo: bool,
}

#[derive(Debug, Args)]
pub struct QuotaArgs {
    /// Quotas of accounts not given their own, e.g. maxEvents=10,maxCodes=1000,maxConcurrentViewers=500; -1 or a key left out is unlimited [default: all unlimited].
    #[arg(long, env = "STREAMGATE_DEFAULT_QUOTAS", value_parser = crate::config::default_quotas)]
    pub default_quotas: Option<Quotas>,
}

impl QuotaArgs {
    /// The quotas given, else all unlimited.
    pub fn defaults(&self) -> Quotas {
        self.default_quotas.unwrap_or(Quotas::UNLIMITED)
    }
}

#[derive(Debug, Args)]
pub struct StreamElementsArgs {
    /// Key the StreamElements tokens are encrypted with at rest (any text of at least 32 bytes; AES-256-GCM under an HKDF-SHA256 derivation). With PostgreSQL every instance needs the same value [default: generated once into <data dir>/token-encryption.key].
    #[arg(long, env = "STREAMGATE_TOKEN_ENCRYPTION_KEY", hide_env_values = true)]
    pub token_encryption_key: Option<String>,

    /// StreamElements' Astro WebSocket gateway, which the tip workers connect to.
    #[arg(
        long,
        env = "STREAMGATE_SE_ASTRO_URL",
        default_value = "wss://astro.streamelements.com"
    )]
    pub se_astro_url: Url,

    /// Seconds an instance's lease on an account's tip worker lasts unrenewed; renewed every quarter of it, so another instance takes over a dead one's workers within 1.25 times this.
    #[arg(long, env = "STREAMGATE_SE_LEASE_SECONDS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(4..=3600))]
    pub se_lease_seconds: u64,
}

/// What this process serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ServeRole {
    /// Everything: pages, APIs and HLS, on the database.
    App,
    /// HLS only, without a database: keeps its revocation cache from the platform's feed.
    Edge,
}

#[derive(Debug, Args)]
pub struct PlaybackArgs {
    /// Secret for playback tokens (HS256), at least 32 bytes [default: generated on first start and kept in the database]. Edges need the app's value.
    #[arg(long, env = "STREAMGATE_PLAYBACK_SECRET", hide_env_values = true)]
    pub playback_secret: Option<String>,

    /// Seconds without a heartbeat after which a viewer's session ends and the code is free for another device.
    #[arg(long, env = "STREAMGATE_SESSION_TIMEOUT", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub session_timeout: u64,

    /// Code validations allowed per minute per client address.
    #[arg(long, env = "STREAMGATE_VALIDATE_RATE_LIMIT", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub validate_rate_limit: u32,

    /// Token refreshes allowed per hour per code.
    #[arg(long, env = "STREAMGATE_REFRESH_RATE_LIMIT", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..))]
    pub refresh_rate_limit: u32,

    /// Public play tokens (GET /api/v1/events/:id/play-token) allowed per minute per client address.
    #[arg(long, env = "STREAMGATE_PLAY_TOKEN_RATE_LIMIT", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    pub play_token_rate_limit: u32,

    /// Proxies whose X-Forwarded-For is believed, comma-separated addresses or CIDR ranges (e.g. 127.0.0.1,10.0.0.0/8) [default: none].
    #[arg(long, env = "STREAMGATE_TRUSTED_PROXIES", value_delimiter = ',', value_parser = crate::http::shared::client_address::parse_network)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Key for the internal API (`X-Internal-Api-Key`): edges read /api/revocations with it, and it opens DELETE /admin/cache from other machines [default: unset, which closes both to everyone but local cache purges].
    #[arg(long, env = "STREAMGATE_INTERNAL_API_KEY", hide_env_values = true)]
    pub internal_api_key: Option<String>,
}

#[derive(Debug, Args)]
pub struct HlsArgs {
    /// `app` serves everything; `edge` serves only HLS and follows the platform's revocation feed.
    #[arg(long, env = "STREAMGATE_ROLE", value_enum, default_value_t = ServeRole::App)]
    pub role: ServeRole,

    /// The app an edge follows (its /api/revocations), e.g. http://app.internal:3000.
    #[arg(long, env = "STREAMGATE_PLATFORM_URL")]
    pub platform_url: Option<Url>,

    /// Seconds between an edge's polls of the revocation feed.
    #[arg(long, env = "STREAMGATE_REVOCATION_POLL", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub revocation_poll: u64,

    /// Where encoders write streams: <stream-root>/<eventId>/stream.m3u8 (or master.m3u8, index.m3u8, playlist.m3u8) and its files [default: <data-dir>/streams].
    #[arg(long, env = "STREAMGATE_STREAM_ROOT")]
    pub stream_root: Option<PathBuf>,

    /// Where stream files come from: `local` (the stream root), `upstream` (an origin), or `hybrid` (local first).
    #[arg(long, env = "STREAMGATE_HLS_SOURCE", value_enum, default_value_t = SourceMode::Hybrid)]
    pub hls_source: SourceMode,

    /// Origin for events without their own streamUrl: <origin>/<eventId>/stream.m3u8 (else master.m3u8, index.m3u8 or playlist.m3u8 beside it).
    #[arg(long, env = "STREAMGATE_UPSTREAM_ORIGIN")]
    pub upstream_origin: Option<Url>,

    /// Allow upstream origins on loopback, private and link-local addresses (refused by default, so an event's streamUrl cannot reach the internal network).
    #[arg(long, env = "STREAMGATE_UPSTREAM_ALLOW_PRIVATE")]
    pub upstream_allow_private: bool,

    /// Most bytes of local stream files kept in memory (live viewers share the same few recent segments).
    #[arg(long, env = "STREAMGATE_MEMORY_CACHE_BYTES", default_value_t = 256 << 20)]
    pub memory_cache_bytes: u64,

    /// Directory of the upstream segment cache, emptied at start [default: <data-dir>/cache].
    #[arg(long, env = "STREAMGATE_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Most bytes the segment cache keeps on disk.
    #[arg(long, env = "STREAMGATE_CACHE_MAX_BYTES", default_value_t = 1 << 30)]
    pub cache_max_bytes: u64,

    /// Seconds a cached segment is kept.
    #[arg(long, env = "STREAMGATE_CACHE_MAX_AGE", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    pub cache_max_age: u64,

    /// The HLS URL viewers are given (playbackBaseUrl), e.g. https://hls.example.com [default: the request's host with the HLS port].
    #[arg(long, env = "STREAMGATE_PUBLIC_HLS_URL")]
    pub public_hls_url: Option<Url>,

    /// Page origins allowed to fetch streams (CORS), comma-separated [default: pages on the host name the HLS listener is reached by].
    #[arg(long, env = "STREAMGATE_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
}

#[derive(Debug, Args)]
pub struct AuthArgs {
    /// Secret for dashboard JWTs (HS256), at least 32 bytes [default: generated on first start and kept in the database].
    #[arg(long, env = "STREAMGATE_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// Break-glass superadmin user name (with ADMIN_PASS); never locked out.
    #[arg(long, env = "ADMIN_USER")]
    pub admin_user: Option<String>,

    /// Break-glass superadmin password (with ADMIN_USER).
    #[arg(long, env = "ADMIN_PASS", hide_env_values = true)]
    pub admin_pass: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_takes_every_setting_from_flags() {
        let cli = Cli::try_parse_from([
            "streamgate",
            "serve",
            "--app-addr",
            "0.0.0.0:8080",
            "--hls-addr",
            "0.0.0.0:8081",
            "--data-dir",
            "/srv/sg",
            "--site-root",
            "/srv/site",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve")
        };
        assert_eq!(args.app_addr, Some("0.0.0.0:8080".parse().unwrap()));
        assert_eq!(args.hls_addr, Some("0.0.0.0:8081".parse().unwrap()));
        assert_eq!(args.site_root, Some(PathBuf::from("/srv/site")));
        assert_eq!(args.database.data_dir, PathBuf::from("/srv/sg"));
        assert_eq!(
            args.authz_enforce,
            EnforcementMode::On,
            "enforcement defaults to on"
        );
    }

    #[test]
    fn event_times_must_be_rfc_3339() {
        let err = Cli::try_parse_from([
            "streamgate",
            "event",
            "create",
            "--title",
            "T",
            "--starts-at",
            "tomorrow",
            "--ends-at",
            "2026-01-01T00:00:00Z",
        ])
        .unwrap_err();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
    }
}
