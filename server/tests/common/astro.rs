//! A fake StreamElements Astro gateway speaking the documented protocol
//! (https://docs.streamelements.com/websockets): `welcome` on connect, `subscribe` answered by
//! a `response` with the same nonce (or `err_unauthorized`, or a transient error code),
//! WebSocket pings that must be answered, `reconnect` frames whose token resumes the
//! subscriptions on a new socket, HTTP refusals (429/502 with `Retry-After`), and
//! `channel.tips` message frames. Tests drive it and read what it saw.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::{net::TcpListener, sync::broadcast};
use tokio_tungstenite::tungstenite::{
    handshake::server::{ErrorResponse, Request, Response},
    http::StatusCode,
    Message,
};

/// A JWT whose payload carries StreamElements' `channel` claim (the signature is not checked).
pub fn se_jwt(channel: &str) -> String {
    let payload =
        URL_SAFE_NO_PAD.encode(json!({ "channel": channel, "role": "owner" }).to_string());
    format!("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{payload}.c2lnbmF0dXJl")
}

/// How the gateway answers a subscription with a token.
#[derive(Clone, Debug)]
pub enum Answer {
    Accept,
    Unauthorized,
    /// This error code the first `times` times, then accepted.
    FailFirst(&'static str, usize),
}

/// One socket the gateway accepted.
#[derive(Clone, Debug)]
pub struct Connected {
    pub at: Instant,
    pub reconnect_token: Option<String>,
}

#[derive(Default)]
struct State {
    answers: HashMap<String, Answer>,
    connections: Vec<Connected>,
    /// HTTP refusals for the next handshakes: status and `Retry-After` seconds.
    refusals: VecDeque<(u16, Option<u64>)>,
    refused_at: Vec<Instant>,
    /// Every subscribe frame: (room, token, answered with an error code or not).
    subscribe_frames: Vec<(String, String, Option<String>)>,
    unsubscribe_frames: Vec<(String, String)>,
    /// Issued reconnect tokens and the subscriptions they resume.
    resumable: HashMap<String, HashSet<(String, String)>>,
    /// Live subscriptions per open socket.
    live: HashMap<u64, HashSet<(String, String)>>,
    pongs: usize,
    next_socket: u64,
}

#[derive(Clone, Debug)]
enum Command {
    Message { room: String, frame: String },
    Reconnect,
    Drop,
}

pub struct FakeAstro {
    pub url: String,
    state: Arc<Mutex<State>>,
    commands: broadcast::Sender<Command>,
    _runtime: tokio::runtime::Runtime,
}

/// Ping timing: the real gateway pings every 30 s and gives up after 70 s without a pong.
#[derive(Clone, Copy)]
pub struct Pings {
    pub every: Duration,
    pub patience: Duration,
}

impl Default for Pings {
    fn default() -> Self {
        Pings {
            every: Duration::from_secs(30),
            patience: Duration::from_secs(70),
        }
    }
}

impl FakeAstro {
    pub fn start() -> FakeAstro {
        FakeAstro::with_pings(Pings::default())
    }

    pub fn with_pings(pings: Pings) -> FakeAstro {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let (commands, _) = broadcast::channel(64);
        let (shared, sender) = (state.clone(), commands.clone());
        runtime.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (state, commands) = (shared.clone(), sender.subscribe());
                tokio::spawn(serve(stream, state, commands, pings));
            }
        });
        FakeAstro {
            url: format!("ws://{addr}"),
            state,
            commands,
            _runtime: runtime,
        }
    }

    pub fn answer(&self, token: &str, answer: Answer) {
        self.state
            .lock()
            .unwrap()
            .answers
            .insert(token.to_owned(), answer);
    }

    /// Refuses the next handshake with `status` (and `Retry-After`).
    pub fn refuse_next(&self, status: u16, retry_after: Option<u64>) {
        let mut state = self.state.lock().unwrap();
        state.refusals.push_back((status, retry_after));
    }

    /// A `channel.tips` message to every socket subscribed to `room`.
    pub fn send_tip(&self, room: &str, tip: Value) {
        let frame = json!({
            "id": "01JMFBZF7KSRDDXXV0EH7G8X6G",
            "ts": "2025-02-19T15:07:17Z",
            "type": "message",
            "topic": "channel.tips",
            "room": room,
            "data": tip,
        });
        let room = room.to_owned();
        let frame = frame.to_string();
        let _ = self.commands.send(Command::Message { room, frame });
    }

    /// Sends every socket a `reconnect` frame, then closes it.
    pub fn send_reconnect(&self) {
        let _ = self.commands.send(Command::Reconnect);
    }

    /// Closes every socket without a word.
    pub fn drop_connections(&self) {
        let _ = self.commands.send(Command::Drop);
    }

    pub fn connections(&self) -> Vec<Connected> {
        self.state.lock().unwrap().connections.clone()
    }

    pub fn refused_at(&self) -> Vec<Instant> {
        self.state.lock().unwrap().refused_at.clone()
    }

    pub fn open_sockets(&self) -> usize {
        self.state.lock().unwrap().live.len()
    }

    /// How many subscribe frames came with `token`.
    pub fn subscribe_attempts(&self, token: &str) -> usize {
        let state = self.state.lock().unwrap();
        state
            .subscribe_frames
            .iter()
            .filter(|(_, t, _)| t == token)
            .count()
    }

    pub fn unsubscribed(&self, token: &str) -> bool {
        let state = self.state.lock().unwrap();
        state.unsubscribe_frames.iter().any(|(_, t)| t == token)
    }

    /// Whether an open socket holds a subscription of `room` with `token`.
    pub fn subscribed(&self, room: &str, token: &str) -> bool {
        let state = self.state.lock().unwrap();
        let wanted = (room.to_owned(), token.to_owned());
        state.live.values().any(|subs| subs.contains(&wanted))
    }

    pub fn pongs(&self) -> usize {
        self.state.lock().unwrap().pongs
    }

    /// Waits up to `timeout` for `check` to hold.
    pub fn wait_until(&self, what: &str, timeout: Duration, check: impl Fn(&FakeAstro) -> bool) {
        let deadline = Instant::now() + timeout;
        while !check(self) {
            assert!(
                Instant::now() < deadline,
                "fake Astro: timed out waiting until {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn query_value(request: &Request, name: &str) -> Option<String> {
    let query = request.uri().query()?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn refusal(status: u16, retry_after: Option<u64>) -> ErrorResponse {
    let mut response = ErrorResponse::new(Some("refused".to_owned()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert("retry-after", secs.to_string().parse().unwrap());
    }
    response
}

// The handshake callback's `Err` is tungstenite's own HTTP response type.
#[allow(clippy::result_large_err)]
async fn serve(
    stream: tokio::net::TcpStream,
    state: Arc<Mutex<State>>,
    mut commands: broadcast::Receiver<Command>,
    pings: Pings,
) {
    let mut resumed: Option<HashSet<(String, String)>> = None;
    let mut reconnect_token = None;
    let handshake = |request: &Request, response: Response| {
        let mut state = state.lock().unwrap();
        if let Some((status, retry_after)) = state.refusals.pop_front() {
            state.refused_at.push(Instant::now());
            return Err(refusal(status, retry_after));
        }
        reconnect_token = query_value(request, "reconnect_token");
        if let Some(token) = &reconnect_token {
            match state.resumable.remove(token) {
                Some(subscriptions) => resumed = Some(subscriptions),
                None => return Err(refusal(401, None)),
            }
        }
        Ok(response)
    };
    let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(stream, handshake).await else {
        return;
    };
    let id = {
        let mut state = state.lock().unwrap();
        state.next_socket += 1;
        let id = state.next_socket;
        state.connections.push(Connected {
            at: Instant::now(),
            reconnect_token: reconnect_token.clone(),
        });
        state.live.insert(id, resumed.unwrap_or_default());
        id
    };
    let welcome = json!({
        "id": "01HB0YE5TR26EH71DVPJ68MA80", "ts": "2025-02-19T15:07:00Z", "type": "welcome",
        "data": { "client_id": format!("client-{id}"), "message": "welcome to astro" },
    });
    let _ = socket.send(Message::text(welcome.to_string())).await;
    let mut ping = tokio::time::interval(pings.every);
    ping.tick().await;
    let mut last_pong = Instant::now();
    loop {
        tokio::select! {
            _ = ping.tick() => {
                if last_pong.elapsed() > pings.patience {
                    break;
                }
                if socket.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
            }
            command = commands.recv() => match command {
                Ok(Command::Message { room, frame }) => {
                    let subscribed = state.lock().unwrap().live[&id].iter().any(|(r, _)| *r == room);
                    if subscribed && socket.send(Message::text(frame)).await.is_err() {
                        break;
                    }
                }
                Ok(Command::Reconnect) => {
                    let token = format!("rt-{id}-{}", uuid::Uuid::new_v4());
                    {
                        let mut state = state.lock().unwrap();
                        let subscriptions = state.live[&id].clone();
                        state.resumable.insert(token.clone(), subscriptions);
                    }
                    let frame = json!({ "type": "reconnect", "data": { "reconnect_token": token } });
                    let _ = socket.send(Message::text(frame.to_string())).await;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    let _ = socket.close(None).await;
                    break;
                }
                Ok(Command::Drop) | Err(_) => break,
            },
            frame = socket.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    let Some(reply) = handle(&state, id, &text) else { continue };
                    if socket.send(Message::text(reply)).await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Pong(_))) => {
                    last_pong = Instant::now();
                    state.lock().unwrap().pongs += 1;
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    state.lock().unwrap().live.remove(&id);
}

/// Answers a `subscribe` or `unsubscribe` frame.
fn handle(state: &Mutex<State>, socket: u64, text: &str) -> Option<String> {
    let frame: Value = serde_json::from_str(text).ok()?;
    let nonce = frame["nonce"].as_str().unwrap_or_default().to_owned();
    let room = frame["data"]["room"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let token = frame["data"]["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut state = state.lock().unwrap();
    match frame["type"].as_str()? {
        "subscribe" => {
            assert_eq!(frame["data"]["topic"], "channel.tips");
            assert_eq!(frame["data"]["token_type"], "jwt");
            let answer = state
                .answers
                .get(&token)
                .cloned()
                .unwrap_or(Answer::Unauthorized);
            let error = match answer {
                Answer::Accept => None,
                Answer::Unauthorized => Some("err_unauthorized"),
                Answer::FailFirst(code, times) => {
                    if times > 0 {
                        state
                            .answers
                            .insert(token.clone(), Answer::FailFirst(code, times - 1));
                        Some(code)
                    } else {
                        None
                    }
                }
            };
            state
                .subscribe_frames
                .push((room.clone(), token.clone(), error.map(str::to_owned)));
            let reply = match error {
                None => {
                    state.live.get_mut(&socket)?.insert((room.clone(), token));
                    json!({
                        "id": "01HB0YE5TR26EH71DVPJ68MA82", "ts": "2025-02-19T15:07:01Z",
                        "type": "response", "nonce": nonce,
                        "data": { "message": "successfully subscribed to topic", "topic": "channel.tips", "room": room },
                    })
                }
                Some(code) => json!({
                    "id": "01HB0YE5Y88FXMXXCN4ME7M8A1", "ts": "2025-02-19T15:07:01Z",
                    "type": "response", "nonce": nonce, "error": code,
                    "data": { "message": "refused" },
                }),
            };
            Some(reply.to_string())
        }
        "unsubscribe" => {
            state.unsubscribe_frames.push((room.clone(), token.clone()));
            state.live.get_mut(&socket)?.remove(&(room.clone(), token));
            let reply = json!({
                "type": "response", "nonce": nonce,
                "data": { "message": "successfully unsubscribed from topic", "topic": "channel.tips", "room": room },
            });
            Some(reply.to_string())
        }
        _ => None,
    }
}
