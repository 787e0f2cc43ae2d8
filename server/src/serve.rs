//! `streamgate serve`: the app (both listeners, on the database) or an HLS edge (the HLS
//! listener alone, following the platform's revocation feed), until SIGINT/SIGTERM.

use std::{
    future::IntoFuture,
    net::SocketAddr,
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::Router;
use streamgate_domain::{
    access::{AccessGuard, PlaybackKeys, RevocationCache},
    authz::Authorizer,
    service::{AuthConfig, BreakGlass, Domain, PlaybackConfig, RateLimit, FIRST_OWNER_EMAIL},
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    cli::{AuthArgs, HlsArgs, PlaybackArgs, ServeArgs, ServeRole},
    demo,
    http::{
        app_router,
        client_address::TrustedProxies,
        hls::{self, ConfiguredOrigin, HlsState, OriginDirectory, StreamSource, Upstream},
        hls_router,
        session::SessionSettings,
        AppState, LoginLimiter, PlaybackBase,
    },
    open_domain, shutdown,
    site::Site,
    workers::{revocation_sync, sweeper},
    StartupError,
};

pub async fn serve(args: ServeArgs) -> Result<(), StartupError> {
    match args.hls.role {
        ServeRole::App => serve_app(args).await,
        ServeRole::Edge => serve_edge(args).await,
    }
}

async fn serve_app(args: ServeArgs) -> Result<(), StartupError> {
    let started_at = Instant::now();
    let site = Site::resolve(&args)?;
    let domain = open_domain(&args.database, Authorizer::new(args.authz_enforce)).await?;
    let domain = with_dashboard_auth(domain, &args.auth).await?;
    let domain = with_playback(domain, &args.playback).await?;
    create_first_owner_if_nobody_can_sign_in(&domain).await?;
    let synced_until = revocation_sync::load_from_database(&domain).await?;

    let app_listener = bind(site.app_addr).await?;
    let hls_listener = bind(site.hls_addr).await?;
    let app_addr = app_listener.local_addr()?;
    let hls_addr = hls_listener.local_addr()?;

    let proxies = TrustedProxies::new(args.playback.trusted_proxies.clone());
    let internal_api_key = internal_api_key(&args.playback);
    let origins = Arc::new(hls::EventOrigins::new(
        domain.clone(),
        args.hls.upstream_origin.clone(),
    ));
    let hls_state = HlsState {
        guard: domain.access_guard(),
        source: Arc::new(stream_source(&args, origins)?),
        internal_api_key: internal_api_key.clone(),
        role: "app",
        needs_sync: false,
    };
    let state = AppState {
        domain: domain.clone(),
        leptos_options: site.options,
        started_at,
        sessions: SessionSettings {
            idle_timeout: Duration::from_secs(args.session_idle_seconds),
            secure: args
                .public_url
                .as_ref()
                .is_some_and(|url| url.scheme() == "https"),
        },
        login_limiter: Arc::new(LoginLimiter::default()),
        public_origin: args.public_url.clone(),
        playback_base: PlaybackBase {
            public_url: args.hls.public_hls_url.clone(),
            hls_port: hls_addr.port(),
        },
        trusted_proxies: proxies.clone(),
        internal_api_key,
    };
    // A convenience: when it cannot start, everything else is served all the same.
    let demo = if args.demo {
        demo::start(&domain, &stream_root(&args))
            .await
            .inspect_err(|err| tracing::warn!(error = %err, "demo: not started"))
            .ok()
    } else {
        None
    };
    let stop = shutdown::on_signal();
    let mut workers = vec![
        tokio::spawn(sweeper::run(
            domain.clone(),
            state.login_limiter.clone(),
            stop.clone(),
        )),
        tokio::spawn(revocation_sync::follow_database(
            domain.clone(),
            synced_until,
            stop.clone(),
        )),
    ];
    let hls = hls_router(hls_state, args.hls.cors_origins.clone(), proxies);
    tracing::info!(%app_addr, %hls_addr, "StreamGate is ready: open http://{app_addr}/");
    if let Some(demo) = demo {
        demo.announce(args.public_url.as_ref(), app_addr);
        workers.push(tokio::spawn(demo.stream.run(stop.clone())));
    }
    let served = tokio::try_join!(
        run(app_listener, app_router(state), &stop),
        run(hls_listener, hls, &stop)
    );
    stop.cancel();
    for worker in workers {
        let _ = worker.await;
    }
    domain.store().close().await;
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// An HLS edge: no database; tokens are checked with the app's playback secret and the
/// revocation cache the platform's feed keeps current.
async fn serve_edge(args: ServeArgs) -> Result<(), StartupError> {
    let config = |message: &str| StartupError::Config(message.to_owned());
    let platform = args
        .hls
        .platform_url
        .clone()
        .ok_or_else(|| config("an edge needs --platform-url (STREAMGATE_PLATFORM_URL)"))?;
    let secret = args.playback.playback_secret.as_deref().ok_or_else(|| {
        config("an edge needs the app's playback secret (STREAMGATE_PLAYBACK_SECRET)")
    })?;
    let keys =
        PlaybackKeys::new(PlaybackKeys::checked(secret).map_err(|err| config(&err.to_string()))?);
    let api_key = args.playback.internal_api_key.clone().ok_or_else(|| {
        config("an edge needs the internal API key (STREAMGATE_INTERNAL_API_KEY)")
    })?;
    if args.demo {
        tracing::warn!("--demo is for the app role (it needs the database); ignored on an edge");
    }
    let site = Site::resolve(&args)?;
    let hls_listener = bind(site.hls_addr).await?;
    let hls_addr = hls_listener.local_addr()?;

    let revocations = Arc::new(RevocationCache::new());
    let origins: Arc<dyn OriginDirectory> =
        Arc::new(ConfiguredOrigin(args.hls.upstream_origin.clone()));
    let hls_state = HlsState {
        guard: AccessGuard::new(Arc::new(keys), revocations.clone()),
        source: Arc::new(stream_source(&args, origins)?),
        internal_api_key: internal_api_key(&args.playback),
        role: "edge",
        needs_sync: true,
    };
    let feed = revocation_sync::PlatformFeed::new(
        &platform,
        api_key,
        Duration::from_secs(args.hls.revocation_poll),
    )
    .map_err(StartupError::Config)?;
    let stop = shutdown::on_signal();
    let follower = tokio::spawn(revocation_sync::follow_platform(
        feed,
        revocations,
        stop.clone(),
    ));
    let proxies = TrustedProxies::new(args.playback.trusted_proxies.clone());
    let mut cors_origins = args.hls.cors_origins.clone();
    if cors_origins.is_empty() {
        cors_origins.extend(
            args.public_url
                .iter()
                .chain([&platform])
                .map(|url| url.origin().ascii_serialization()),
        );
    }
    tracing::info!(%hls_addr, %platform, "StreamGate edge listening; serving after the first revocation sync");
    let served = run(
        hls_listener,
        hls_router(hls_state, cors_origins, proxies),
        &stop,
    )
    .await;
    stop.cancel();
    let _ = follower.await;
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// How long connections may take to finish once shutdown begins; then they are dropped, so a
/// client that never finishes its request cannot keep the process alive.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `stop`, then for at most [`SHUTDOWN_GRACE`].
async fn run(
    listener: TcpListener,
    router: Router,
    stop: &CancellationToken,
) -> std::io::Result<()> {
    let serving = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop.clone().cancelled_owned())
    .into_future();
    let deadline = async {
        stop.cancelled().await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        served = serving => served,
        () = deadline => {
            tracing::warn!("connections still open {SHUTDOWN_GRACE:?} after shutdown began: dropped");
            Ok(())
        }
    }
}

fn internal_api_key(args: &PlaybackArgs) -> Option<Arc<str>> {
    args.internal_api_key
        .as_deref()
        .filter(|key| !key.is_empty())
        .map(Arc::from)
}

/// Where encoders (and the demo) write: `<stream root>/<event id>/…`.
fn stream_root(args: &ServeArgs) -> PathBuf {
    args.hls
        .stream_root
        .clone()
        .unwrap_or_else(|| args.database.data_dir.join("streams"))
}

/// The local stream directory and, unless the source is local only, the upstream cache.
fn stream_source(
    args: &ServeArgs,
    origins: Arc<dyn OriginDirectory>,
) -> Result<StreamSource, StartupError> {
    let hls: &HlsArgs = &args.hls;
    let data_dir = &args.database.data_dir;
    let stream_root = stream_root(args);
    std::fs::create_dir_all(&stream_root).map_err(|err| {
        StartupError::Config(format!("cannot create {}: {err}", stream_root.display()))
    })?;
    let upstream = match hls.hls_source {
        hls::SourceMode::Local => None,
        _ => {
            let cache_dir: PathBuf = hls
                .cache_dir
                .clone()
                .unwrap_or_else(|| data_dir.join("cache"));
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
    let local = hls::LocalFiles::new(stream_root, hls.memory_cache_bytes);
    Ok(StreamSource::new(hls.hls_source, local, upstream))
}

/// Playback tokens' secret (configured, or generated once and kept in the database), the
/// session timeout and the rate limits.
async fn with_playback(domain: Domain, args: &PlaybackArgs) -> Result<Domain, StartupError> {
    let secret = PlaybackKeys::secret(domain.store().as_ref(), args.playback_secret.as_deref())
        .await
        .map_err(|err| StartupError::Config(err.to_string()))?;
    let config = PlaybackConfig {
        session_timeout: Duration::from_secs(args.session_timeout),
        validate_limit: RateLimit::per_minute(args.validate_rate_limit),
        refresh_limit: RateLimit::per_hour(args.refresh_rate_limit),
        ..PlaybackConfig::new(PlaybackKeys::new(&secret))
    };
    Ok(domain.with_playback(config))
}

/// The JWT secret (configured, or generated once and kept in the database) and the break-glass
/// admin.
async fn with_dashboard_auth(domain: Domain, args: &AuthArgs) -> Result<Domain, StartupError> {
    let present = |value: &Option<String>| value.as_deref().filter(|v| !v.is_empty()).is_some();
    let break_glass = match (&args.admin_user, &args.admin_pass) {
        (Some(user), Some(pass)) if present(&args.admin_user) && present(&args.admin_pass) => {
            Some(BreakGlass::new(user, pass))
        }
        _ if present(&args.admin_user) || present(&args.admin_pass) => {
            return Err(StartupError::Config(
                "ADMIN_USER and ADMIN_PASS must be set together".into(),
            ))
        }
        _ => None,
    };
    let secret = AuthConfig::jwt_secret(domain.store().as_ref(), args.jwt_secret.as_deref())
        .await
        .map_err(|err| StartupError::Config(err.to_string()))?;
    Ok(domain.with_auth(AuthConfig::new(&secret, break_glass)))
}

/// On a new installation without ADMIN_USER/ADMIN_PASS, the domain creates an owner; its
/// password is shown once, here.
async fn create_first_owner_if_nobody_can_sign_in(domain: &Domain) -> Result<(), StartupError> {
    if let Some(password) = domain
        .auth()
        .create_first_owner_if_nobody_can_sign_in()
        .await?
    {
        tracing::warn!(
            email = FIRST_OWNER_EMAIL,
            %password,
            "first start: created the owner account; sign in at /admin/login and change this \
             password (it is not shown again)"
        );
    }
    Ok(())
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, StartupError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartupError::Bind { addr, source })
}
