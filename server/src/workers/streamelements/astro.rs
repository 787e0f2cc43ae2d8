//! One account's worker: a WebSocket to the Astro gateway holding one `channel.tips`
//! subscription per stored token, kept up through drops, reconnect frames and refusals.

use std::{collections::HashMap, sync::Arc, time::Duration};

use futures_util::{SinkExt, StreamExt};
use streamgate_domain::{
    model::{time, SeTokenStatus},
    service::{Domain, SeTokenReport, WorkerToken},
};
use tokio::{net::TcpStream, sync::watch, time::Instant};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{self, Message},
    MaybeTlsStream, WebSocketStream,
};
use tokio_util::sync::CancellationToken;
use url::Url;
use uuid::Uuid;

use super::{
    backoff::Backoff,
    frames::{self, Incoming, Refusal},
};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long the gateway may take to greet a new socket.
const WELCOME_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a connection ended.
enum Ended {
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

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    /// To be subscribed on the next connection.
    Idle,
    Pending(Uuid),
    Subscribed,
    /// Asked again at this instant (a transient refusal).
    RetryAt(Instant),
    /// Not asked again until the token changes (unauthorized, no channel, undecryptable).
    Parked,
}

/// One stored token on the worker's connection.
struct Subscription {
    token: WorkerToken,
    room: String,
    state: State,
    retries: Backoff,
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
                        let parked = subscriptions.get(&token.id).is_some_and(|sub| {
                            sub.state == State::Parked && sub.token.updated_at == token.updated_at
                        });
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

/// One open socket and the worker's subscriptions on it.
struct Connection<'a> {
    worker: &'a mut AccountWorker,
    socket: Socket,
    subscriptions: &'a mut HashMap<Uuid, Subscription>,
    reported: &'a mut HashMap<Uuid, SeTokenReport>,
}

impl Connection<'_> {
    async fn serve(&mut self, resumed: bool) -> Ended {
        if !self.greeted().await {
            return Ended::Dropped { greeted: false };
        }
        for subscription in self.subscriptions.values_mut() {
            // A resumed socket keeps its subscriptions; a fresh one asks for them again.
            let keep = resumed && subscription.state == State::Subscribed;
            if !keep && subscription.state != State::Parked {
                subscription.state = State::Idle;
            }
        }
        self.worker.tokens.mark_changed();
        loop {
            let retry_at = self.next_retry();
            tokio::select! {
                () = self.worker.stop.cancelled() => {
                    let _ = self.socket.close(None).await;
                    return Ended::Stopped;
                }
                changed = self.worker.tokens.changed() => {
                    if changed.is_err() {
                        return Ended::Stopped;
                    }
                    if self.sync().await.is_err() {
                        return Ended::Dropped { greeted: true };
                    }
                }
                () = sleep_until(retry_at) => {
                    if self.retry_due().await.is_err() {
                        return Ended::Dropped { greeted: true };
                    }
                }
                frame = self.socket.next() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        if let Some(token) = self.handle(&text).await {
                            return Ended::Reconnect(token);
                        }
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                        self.dropped().await;
                        return Ended::Dropped { greeted: true };
                    }
                    // Pings are answered by the socket itself while it is read.
                    Some(Ok(_)) => {}
                },
            }
        }
    }

    /// Waits for the gateway's `welcome`.
    async fn greeted(&mut self) -> bool {
        let welcome = async {
            while let Some(Ok(message)) = self.socket.next().await {
                if let Message::Text(text) = message {
                    if Incoming::parse(&text).is_some_and(|frame| frame.kind == "welcome") {
                        return true;
                    }
                }
            }
            false
        };
        tokio::time::timeout(WELCOME_TIMEOUT, welcome)
            .await
            .unwrap_or(false)
    }

    /// Subscribes what is stored and not yet asked for; unsubscribes what was deleted or
    /// replaced.
    async fn sync(&mut self) -> Result<(), tungstenite::Error> {
        let stored = self.worker.tokens.borrow_and_update().clone();
        let gone: Vec<Uuid> = self
            .subscriptions
            .iter()
            .filter(|(id, sub)| {
                !stored
                    .iter()
                    .any(|token| token.id == **id && token.updated_at == sub.token.updated_at)
            })
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            let old = self.subscriptions.remove(&id).expect("listed above");
            if matches!(old.state, State::Subscribed | State::Pending(_)) {
                if let Ok(token) = &old.token.token {
                    let frame = frames::unsubscribe(Uuid::new_v4(), &old.room, token);
                    self.socket.send(Message::text(frame)).await?;
                }
            }
        }
        for token in stored {
            if !self.subscriptions.contains_key(&token.id) {
                let subscription = self.admit(token).await;
                self.subscriptions
                    .insert(subscription.token.id, subscription);
            }
        }
        let idle: Vec<Uuid> = self
            .subscriptions
            .iter()
            .filter(|(_, sub)| sub.state == State::Idle)
            .map(|(id, _)| *id)
            .collect();
        for id in idle {
            self.subscribe(id).await?;
        }
        Ok(())
    }

    /// A stored token as a subscription: parked when it cannot be used, or when the gateway
    /// refused this very version of it before (say, before a restart).
    async fn admit(&mut self, token: WorkerToken) -> Subscription {
        let (room, problem) = match &token.token {
            Err(err) => (
                String::new(),
                Some(format!("cannot decrypt the token: {err}")),
            ),
            Ok(jwt) => match frames::channel_claim(jwt) {
                Some(room) => (room, None),
                None => (
                    String::new(),
                    Some("the token has no channel claim".to_owned()),
                ),
            },
        };
        let parked = problem.is_some() || token.status == SeTokenStatus::Unauthorized;
        if let Some(problem) = problem {
            let report = status(&token, SeTokenStatus::Error, Some(&problem));
            report_once(&self.worker.domain, self.reported, report).await;
        }
        Subscription {
            token,
            room,
            state: if parked { State::Parked } else { State::Idle },
            retries: Backoff::new(),
        }
    }

    async fn subscribe(&mut self, id: Uuid) -> Result<(), tungstenite::Error> {
        let Some(subscription) = self.subscriptions.get_mut(&id) else {
            return Ok(());
        };
        let Ok(jwt) = &subscription.token.token else {
            return Ok(());
        };
        let nonce = Uuid::new_v4();
        let frame = frames::subscribe(nonce, &subscription.room, jwt);
        subscription.state = State::Pending(nonce);
        let report = status(&subscription.token, SeTokenStatus::Connecting, None);
        self.socket.send(Message::text(frame)).await?;
        report_once(&self.worker.domain, self.reported, report).await;
        Ok(())
    }

    fn next_retry(&self) -> Option<Instant> {
        self.subscriptions
            .values()
            .filter_map(|sub| match sub.state {
                State::RetryAt(at) => Some(at),
                _ => None,
            })
            .min()
    }

    async fn retry_due(&mut self) -> Result<(), tungstenite::Error> {
        let now = Instant::now();
        let due: Vec<Uuid> = self
            .subscriptions
            .iter()
            .filter(|(_, sub)| matches!(sub.state, State::RetryAt(at) if at <= now))
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            self.subscribe(id).await?;
        }
        Ok(())
    }

    /// Handles one text frame; returns the token of a `reconnect` frame.
    async fn handle(&mut self, text: &str) -> Option<String> {
        let frame = Incoming::parse(text)?;
        match frame.kind.as_str() {
            "response" => self.answered(&frame).await,
            "message" if frame.topic.as_deref() == Some(frames::TIPS_TOPIC) => {
                self.tipped(&frame, text).await;
            }
            "reconnect" => return frame.reconnect_token().map(str::to_owned),
            _ => {}
        }
        None
    }

    async fn answered(&mut self, frame: &Incoming) {
        let Some(nonce) = frame.nonce.as_deref().and_then(|n| n.parse::<Uuid>().ok()) else {
            return;
        };
        let Some(subscription) = self
            .subscriptions
            .values_mut()
            .find(|sub| sub.state == State::Pending(nonce))
        else {
            return;
        };
        let report = match frame.error.as_deref() {
            None => {
                if let Some(room) = frame.room() {
                    subscription.room = room.to_owned();
                }
                subscription.state = State::Subscribed;
                subscription.retries.reset();
                SeTokenReport {
                    connected_at: Some(time::now()),
                    ..status(&subscription.token, SeTokenStatus::Subscribed, None)
                }
            }
            Some(code) => {
                let error = format!("{code}: {}", frame.message());
                let (next, shown) = match frames::refusal(code) {
                    Refusal::Unauthorized => (State::Parked, SeTokenStatus::Unauthorized),
                    Refusal::Transient => {
                        let wait = subscription.retries.next(None);
                        (
                            State::RetryAt(Instant::now() + wait),
                            SeTokenStatus::Connecting,
                        )
                    }
                    Refusal::Other => (State::Parked, SeTokenStatus::Error),
                };
                subscription.state = next;
                status(&subscription.token, shown, Some(&error))
            }
        };
        report_once(&self.worker.domain, self.reported, report).await;
    }

    /// Stores a tip; the platform is the one whose subscription the room belongs to.
    async fn tipped(&mut self, frame: &Incoming, raw: &str) {
        let room = frame.room.as_deref().or_else(|| frame.room());
        let subscribed: Vec<&Subscription> = self
            .subscriptions
            .values()
            .filter(|sub| sub.state == State::Subscribed)
            .collect();
        let owner = subscribed
            .iter()
            .find(|sub| Some(sub.room.as_str()) == room)
            .or(subscribed.first());
        let Some(owner) = owner else {
            return;
        };
        let account = self.worker.account_id;
        let Some(tip) = frames::tip(account, owner.token.platform, frame, raw) else {
            tracing::warn!(%account, "StreamElements sent a tip without id, donor or amount");
            return;
        };
        match self.worker.domain.tips().record(&tip).await {
            Ok(Some(_)) => tracing::debug!(%account, se_id = %tip.se_id, "tip stored"),
            Ok(None) => tracing::debug!(%account, se_id = %tip.se_id, "tip seen before"),
            Err(err) => tracing::error!(%account, error = %err, "could not store a tip"),
        }
    }

    /// The socket went away: what was subscribed is asked for again on the next one.
    async fn dropped(&mut self) {
        for subscription in self.subscriptions.values_mut() {
            if matches!(subscription.state, State::Subscribed | State::Pending(_)) {
                subscription.state = State::Idle;
                let report = status(&subscription.token, SeTokenStatus::Connecting, None);
                report_once(&self.worker.domain, self.reported, report).await;
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

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn status(token: &WorkerToken, status: SeTokenStatus, error: Option<&str>) -> SeTokenReport {
    SeTokenReport {
        id: token.id,
        updated_at: token.updated_at,
        status,
        last_error: error.map(str::to_owned),
        connected_at: None,
    }
}

/// Writes a token's status when it differs from the last one written.
async fn report_once(
    domain: &Domain,
    reported: &mut HashMap<Uuid, SeTokenReport>,
    report: SeTokenReport,
) {
    let same = reported.get(&report.id).is_some_and(|last| {
        last.updated_at == report.updated_at
            && last.status == report.status
            && last.last_error == report.last_error
            && report.connected_at.is_none()
    });
    if same {
        return;
    }
    if let Err(err) = domain.se_workers().report(&report).await {
        tracing::warn!(token = %report.id, error = %err, "could not record an SE token's status");
        return;
    }
    reported.insert(report.id, report);
}
