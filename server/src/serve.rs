//! `streamgate serve`: the app (both listeners, on the database) or an HLS edge (the HLS
//! listener alone, following the platform's revocation feed), until SIGINT/SIGTERM.

use std::{
    future::IntoFuture,
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::Router;
use streamgate_domain::{
    authz::Authorizer,
    playback::{AccessGuard, PlaybackConfig, PlaybackKeys, RevocationCache},
    service::{AuthConfig, Domain, FIRST_OWNER_EMAIL},
    DomainError,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    cli::ServeArgs,
    config::{stream_source, AppConfig, Config, EdgeConfig, Role},
    demo,
    http::{
        app_router,
        hls::{self, ConfiguredOrigin, HlsMetrics, HlsState, OriginDirectory},
        hls_router, metrics, AppState,
    },
    open_domain, shutdown,
    site::Site,
    token_key::token_cipher,
    workers::{
        revocation_sync,
        streamelements::{self, SeWorkerSettings},
        sweeper,
    },
    StartupError,
};

pub async fn serve(args: ServeArgs) -> Result<(), StartupError> {
    let config = Config::from_args(&args)?;
    // Before any router or counter is built: handles made earlier would never count.
    if config.metrics_token.is_some() {
        metrics::install()
            .map_err(|err| StartupError::Config(format!("metrics recorder: {err}")))?;
    }
    match &config.role {
        Role::App(app) => serve_app(&args, &config, app).await,
        Role::Edge(edge) => serve_edge(&args, &config, edge).await,
    }
}

async fn serve_app(args: &ServeArgs, config: &Config, app: &AppConfig) -> Result<(), StartupError> {
    let started_at = Instant::now();
    let site = Site::resolve(args)?;
    let domain = open_domain(&args.database, Authorizer::new(args.authz_enforce)).await?;
    let se = &args.streamelements;
    let cipher = token_cipher(
        se.token_encryption_key.as_deref(),
        &args.database.data_dir,
        args.database.database_url.is_some(),
    )?;
    let (se_workers, se_manager) = streamelements::manager(SeWorkerSettings {
        astro_url: se.se_astro_url.clone(),
        lease: Duration::from_secs(se.se_lease_seconds),
    });
    let domain = with_credentials(domain, args, app)
        .await?
        .with_quotas(app.default_quotas)
        .with_token_cipher(cipher)
        .with_se_workers(se_workers);
    prepare_installation(&domain).await?;
    let synced_until = revocation_sync::load_from_database(&domain).await?;

    let app_listener = bind(site.app_addr).await?;
    let hls_listener = bind(site.hls_addr).await?;
    let app_addr = app_listener.local_addr()?;
    let hls_addr = hls_listener.local_addr()?;

    let origins = Arc::new(hls::EventOrigins::new(
        domain.clone(),
        args.hls.upstream_origin.clone(),
    ));
    let hls_state = HlsState {
        guard: domain.access_guard(),
        source: Arc::new(stream_source(args, config.stream_root.clone(), origins)?),
        internal_api_key: config.internal_api_key.clone(),
        role: "app",
        needs_sync: false,
        metrics: Arc::new(HlsMetrics::register()),
        metrics_token: None,
    };
    let state = AppState {
        domain: domain.clone(),
        leptos_options: site.options,
        started_at,
        sessions: app.sessions,
        public_origin: config.public_url.clone(),
        playback_base: app.playback_base(hls_addr.port()),
        trusted_proxies: config.trusted_proxies.clone(),
        internal_api_key: config.internal_api_key.clone(),
        frame_policy: app.frame_policy.clone(),
        metrics_token: config.metrics_token.clone(),
    };
    // A convenience: when it cannot start, everything else is served all the same.
    let demo = if app.demo {
        demo::start(&domain, &config.stream_root)
            .await
            .inspect_err(|err| tracing::warn!(error = %err, "demo: not started"))
            .ok()
    } else {
        None
    };
    let stop = shutdown::on_signal();
    let mut workers = vec![
        tokio::spawn(sweeper::run(domain.clone(), stop.clone())),
        tokio::spawn(revocation_sync::follow_database(
            domain.clone(),
            synced_until,
            stop.clone(),
        )),
        tokio::spawn(metrics::keep_up(stop.clone())),
        tokio::spawn(se_manager.run(domain.clone(), stop.clone())),
    ];
    let hls = hls_router(
        hls_state,
        args.hls.cors_origins.clone(),
        config.trusted_proxies.clone(),
    );
    tracing::info!(%app_addr, %hls_addr, "StreamGate is ready: open http://{app_addr}/");
    if let Some(demo) = demo {
        demo.announce(config.public_url.as_ref(), app_addr);
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
    domain.close().await;
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// An HLS edge: no database; tokens are checked with the app's playback secret and the
/// revocation cache the platform's feed keeps current.
async fn serve_edge(
    args: &ServeArgs,
    config: &Config,
    edge: &EdgeConfig,
) -> Result<(), StartupError> {
    let site = Site::resolve(args)?;
    let hls_listener = bind(site.hls_addr).await?;
    let hls_addr = hls_listener.local_addr()?;

    let revocations = Arc::new(RevocationCache::new());
    let origins: Arc<dyn OriginDirectory> =
        Arc::new(ConfiguredOrigin(args.hls.upstream_origin.clone()));
    let hls_state = HlsState {
        guard: AccessGuard::new(edge.keys.clone(), revocations.clone()),
        source: Arc::new(stream_source(args, config.stream_root.clone(), origins)?),
        internal_api_key: config.internal_api_key.clone(),
        role: "edge",
        needs_sync: true,
        metrics: Arc::new(HlsMetrics::register()),
        metrics_token: config.metrics_token.clone(),
    };
    let feed = revocation_sync::PlatformFeed::new(&edge.platform, edge.api_key.clone(), edge.poll)
        .map_err(StartupError::Config)?;
    let stop = shutdown::on_signal();
    let follower = tokio::spawn(revocation_sync::follow_platform(
        feed,
        revocations,
        stop.clone(),
    ));
    let upkeep = tokio::spawn(metrics::keep_up(stop.clone()));
    let mut cors_origins = args.hls.cors_origins.clone();
    if cors_origins.is_empty() {
        cors_origins.extend(
            config
                .public_url
                .iter()
                .chain([&edge.platform])
                .map(|url| url.origin().ascii_serialization()),
        );
    }
    let platform = &edge.platform;
    tracing::info!(%hls_addr, %platform, "StreamGate edge listening; serving after the first revocation sync");
    let served = run(
        hls_listener,
        hls_router(hls_state, cors_origins, config.trusted_proxies.clone()),
        &stop,
    )
    .await;
    stop.cancel();
    let _ = follower.await;
    let _ = upkeep.await;
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

/// The dashboard's JWT secret and the playback tokens' secret (each configured, or generated
/// once and kept in the database), the break-glass admin, and the viewer API's settings.
async fn with_credentials(
    domain: Domain,
    args: &ServeArgs,
    app: &AppConfig,
) -> Result<Domain, StartupError> {
    let secret_error = |err: DomainError| StartupError::Config(err.to_string());
    let jwt_secret = domain
        .jwt_secret(args.auth.jwt_secret.as_deref())
        .await
        .map_err(secret_error)?;
    let playback_secret = domain
        .playback_secret(args.playback.playback_secret.as_deref())
        .await
        .map_err(secret_error)?;
    let playback = PlaybackConfig {
        session_timeout: app.session_timeout,
        validate_limit: app.validate_limit,
        refresh_limit: app.refresh_limit,
        play_token_limit: app.play_token_limit,
        ..PlaybackConfig::new(PlaybackKeys::new(&playback_secret))
    };
    Ok(domain
        .with_auth(AuthConfig::new(&jwt_secret, app.break_glass.clone()))
        .with_playback(playback))
}

/// The installation's default account, and on a new installation nobody can sign in to, its
/// first owner: the password is shown once, here.
async fn prepare_installation(domain: &Domain) -> Result<(), StartupError> {
    if let Some(password) = domain.auth().prepare_installation().await? {
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
