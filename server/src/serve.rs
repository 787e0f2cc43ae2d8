//! `streamgate serve`: both listeners in one process until SIGINT/SIGTERM.

use std::{future::IntoFuture, net::SocketAddr, sync::Arc, time::Duration, time::Instant};

use streamgate_domain::{
    authz::Authorizer,
    model::time,
    service::{AuthConfig, BreakGlass, Domain, FIRST_OWNER_EMAIL},
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    cli::{AuthArgs, ServeArgs},
    http::{app_router, hls_router, session::SessionSettings, AppState, LoginLimiter},
    open_domain, shutdown,
    site::Site,
    StartupError,
};

/// How often expired sessions and idle rate-limit entries are swept.
const SWEEP_INTERVAL: Duration = Duration::from_secs(10 * 60);

pub async fn serve(args: ServeArgs) -> Result<(), StartupError> {
    let started_at = Instant::now();
    let site = Site::resolve(&args)?;
    let domain = open_domain(&args.database, Authorizer::new(args.authz_enforce)).await?;
    let domain = with_dashboard_auth(domain, &args.auth).await?;
    create_first_owner_if_nobody_can_sign_in(&domain).await?;

    let app_listener = bind(site.app_addr).await?;
    let hls_listener = bind(site.hls_addr).await?;
    let app_addr = app_listener.local_addr()?;
    let hls_addr = hls_listener.local_addr()?;

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
        public_origin: args.public_url,
    };
    let stop = shutdown::on_signal();
    let sweeper = tokio::spawn(sweep(state.clone(), stop.clone()));
    let app = axum::serve(
        app_listener,
        app_router(state.clone()).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop.clone().cancelled_owned());
    let hls = axum::serve(
        hls_listener,
        hls_router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop.clone().cancelled_owned());

    tracing::info!(%app_addr, %hls_addr, "StreamGate is ready: open http://{app_addr}/");
    let served = tokio::try_join!(app.into_future(), hls.into_future());
    stop.cancel();
    let _ = sweeper.await;
    domain.store().close().await;
    served?;
    tracing::info!("stopped");
    Ok(())
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

/// Removes expired sessions and forgets idle rate-limit entries until shutdown.
async fn sweep(state: AppState, stop: CancellationToken) {
    let mut ticks = tokio::time::interval(SWEEP_INTERVAL);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = stop.cancelled() => return,
        }
        state.login_limiter.forget_idle_clients();
        let now = time::now().timestamp();
        match state.domain.store().delete_expired_sessions(now).await {
            Ok(0) => {}
            Ok(removed) => tracing::debug!(removed, "expired sessions removed"),
            Err(err) => tracing::warn!(error = %err, "could not remove expired sessions"),
        }
    }
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, StartupError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartupError::Bind { addr, source })
}
