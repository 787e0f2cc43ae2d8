//! The worker's subscriptions on one open socket: subscribing what is stored, answering the
//! gateway's responses, retrying transient refusals, storing tips, and reporting each token's
//! status as it changes.

use std::{collections::HashMap, time::Duration};

use futures_util::{SinkExt, StreamExt};
use streamgate_domain::{
    model::{time, SeTokenStatus},
    service::{Domain, SeTokenReport, WorkerToken},
};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::{self, Message};
use uuid::Uuid;

use super::{
    astro::{AccountWorker, Ended, Socket},
    backoff::Backoff,
    frames::{self, Incoming, Refusal},
};

/// How long the gateway may take to greet a new socket.
const WELCOME_TIMEOUT: Duration = Duration::from_secs(10);

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
pub(super) struct Subscription {
    token: WorkerToken,
    room: String,
    state: State,
    retries: Backoff,
}
impl Subscription {
    /// Whether this very version of `token` is parked (refused, or unusable).
    pub(super) fn parks(&self, token: &WorkerToken) -> bool {
        self.state == State::Parked && self.token.updated_at == token.updated_at
    }
}

/// One open socket and the worker's subscriptions on it.
pub(super) struct Connection<'a> {
    pub worker: &'a mut AccountWorker,
    pub socket: Socket,
    pub subscriptions: &'a mut HashMap<Uuid, Subscription>,
    pub reported: &'a mut HashMap<Uuid, SeTokenReport>,
}

impl Connection<'_> {
    pub async fn serve(&mut self, resumed: bool) -> Ended {
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

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

pub(super) fn status(
    token: &WorkerToken,
    status: SeTokenStatus,
    error: Option<&str>,
) -> SeTokenReport {
    SeTokenReport {
        id: token.id,
        updated_at: token.updated_at,
        status,
        last_error: error.map(str::to_owned),
        connected_at: None,
    }
}

/// Writes a token's status when it differs from the last one written.
pub(super) async fn report_once(
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
