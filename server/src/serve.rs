//! `streamgate serve`: both listeners in one process until SIGINT/SIGTERM.

use std::{future::IntoFuture, net::SocketAddr, time::Instant};

use streamgate_domain::authz::Authorizer;
use tokio::net::TcpListener;

use crate::{
    cli::ServeArgs,
    http::{app_router, hls_router, AppState},
    open_domain, shutdown,
    site::Site,
    StartupError,
};

pub async fn serve(args: ServeArgs) -> Result<(), StartupError> {
    let started_at = Instant::now();
    let site = Site::resolve(&args)?;
    let domain = open_domain(&args.database, Authorizer::new(args.authz_enforce)).await?;

    let app_listener = bind(site.app_addr).await?;
    let hls_listener = bind(site.hls_addr).await?;
    let app_addr = app_listener.local_addr()?;
    let hls_addr = hls_listener.local_addr()?;

    let state = AppState {
        domain: domain.clone(),
        leptos_options: site.options,
        started_at,
    };
    let stop = shutdown::on_signal();
    let app = axum::serve(
        app_listener,
        app_router(state.clone()).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop.clone().cancelled_owned());
    let hls = axum::serve(
        hls_listener,
        hls_router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop.cancelled_owned());

    tracing::info!(%app_addr, %hls_addr, "StreamGate is ready: open http://{app_addr}/");
    let served = tokio::try_join!(app.into_future(), hls.into_future());
    domain.store().close().await;
    served?;
    tracing::info!("stopped");
    Ok(())
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, StartupError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartupError::Bind { addr, source })
}
