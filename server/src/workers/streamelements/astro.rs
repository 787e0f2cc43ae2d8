//! One account's worker: a WebSocket to the Astro gateway holding one `channel.tips`
//! subscription per stored token, kept up through drops, reconnect frames and refusals. The
//! subscriptions on one open socket are [`super::connection`]'s.

use std::{collections::HashMap, sync::Arc, time::Duration};

use streamgate_domain::{
    model::SeTokenStatus,
    service::{Domain, SeTokenReport, WorkerToken},
};
use tokio::{net::TcpStream, sync::watch};
use tokio_tungstenite::{connect_async, tungstenite, MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;
use url::Url;
use uuid::Uuid;

use super::{
    backoff::Backoff,
    connection::{report_once, status, Connection, Subscription},
};

pub(super) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Why a connection ended.
pub(super) enum Ended {
    /// A `reconnect` frame: open a new socket with this token.
    Reconnect(String),
    /// Closed or failed; `greeted` when it had worked.
    Dropped {
        greeted: bool,
    },
    Stopped,
}

/// A failed connection attempt.
struct ConnectFailure {
    message: String,
    retry_after: Option<Duration>,
}
pub struct AccountWorker {
    pub account_id: Uuid,
    pub domain: Domain,
    pub url: Arc<Url>,
    pub tokens: watch::Receiver<Vec<WorkerToken>>,
    pub stop: CancellationToken,
}

impl AccountWorker {
    pub async fn run(mut self) {
        let mut subscriptions: HashMap<Uuid, Subscription> = HashMap::new();
        let mut reported: HashMap<Uuid, SeTokenReport> = HashMap::new();
        let mut backoff = Backoff::new();
        let mut resume: Option<String> = None;
        loop {
            let attempt = match &resume {
                Some(token) => with_reconnect_token(&self.url, token),
                None => self.url.as_str().to_owned(),
            };
            let connected = tokio::select! {
                () = self.stop.cancelled() => return,
                connected = connect(&attempt) => connected,
            };
            let wait = match connected {
                Ok(socket) => {
                    let resumed = resume.take().is_some();
                    let mut connection = Connection {
                        worker: &mut self,
                        socket,
                        subscriptions: &mut subscriptions,
                        reported: &mut reported,
                    };
                    match connection.serve(resumed).await {
                        Ended::Stopped => return,
                        Ended::Reconnect(token) => {
                            backoff.reset();
                            resume = Some(token);
                            continue;
                        }
                        Ended::Dropped { greeted } => {
                            if greeted {
                                backoff.reset();
                            }
                            backoff.next(None)
                        }
                    }
                }
                Err(failure) => {
                    if resume.take().is_some() {
                        // The gateway would not resume: a fresh socket subscribes again.
                        tracing::info!(account = %self.account_id, error = %failure.message, "StreamElements refused the reconnect token; connecting afresh");
                        continue;
                    }
                    tracing::warn!(account = %self.account_id, error = %failure.message, "StreamElements gateway unreachable");
                    let error = format!("gateway: {}", failure.message);
                    let stored = self.tokens.borrow().clone();
                    for token in &stored {
                        let parked = subscriptions
                            .get(&token.id)
                            .is_some_and(|sub| sub.parks(token));
                        if !parked && token.status != SeTokenStatus::Unauthorized {
                            let report = status(token, SeTokenStatus::Error, Some(&error));
                            report_once(&self.domain, &mut reported, report).await;
                        }
                    }
                    backoff.next(failure.retry_after)
                }
            };
            tokio::select! {
                () = self.stop.cancelled() => return,
                () = tokio::time::sleep(wait) => {}
            }
        }
    }
}

async fn connect(url: &str) -> Result<Socket, ConnectFailure> {
    match connect_async(url).await {
        Ok((socket, _)) => Ok(socket),
        Err(tungstenite::Error::Http(response)) => Err(ConnectFailure {
            message: format!("HTTP {}", response.status()),
            retry_after: response
                .headers()
                .get("retry-after")
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse().ok())
                .map(Duration::from_secs),
        }),
        Err(err) => Err(ConnectFailure {
            message: err.to_string(),
            retry_after: None,
        }),
    }
}

fn with_reconnect_token(url: &Url, token: &str) -> String {
    let mut url = url.clone();
    url.query_pairs_mut().append_pair("reconnect_token", token);
    url.into()
}
