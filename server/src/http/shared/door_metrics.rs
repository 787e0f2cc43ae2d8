//! Counting each door's requests: `streamgate_http_requests_total{door, method, status}` and
//! `streamgate_http_request_duration_seconds{door}`. A door's handles are registered once, the
//! first time each (method, status) pair is answered, in a slot of a table indexed by both; after
//! that a request costs two clock reads, an atomic load and two atomic updates: no lock, no
//! lookup, no label built.

use std::{
    collections::HashMap,
    future::Future,
    pin::Pin,
    sync::{Mutex, OnceLock},
    task::{ready, Context, Poll},
};

use axum::http::{Method, Request, Response, StatusCode};
use metrics::{counter, histogram, Counter, Histogram};
use pin_project_lite::pin_project;
// Two reads per request: the TSC costs a fraction of the system clock's vDSO call.
use quanta::Instant;
use tower::{Layer, Service};

use crate::http::metrics::{enabled, HTTP_DURATION, HTTP_REQUESTS};

/// Counts the requests of the door named `door` (a fixed name: `viewer`, `admin`, `hls`, …);
/// passes them through untouched when metrics are off.
pub fn layer(door: &'static str) -> CountRequestsLayer {
    // One per door and process: leaked, so a request holds a plain reference, not a count.
    let counters = enabled().then(|| &*Box::leak(Box::new(DoorCounters::register(door))));
    CountRequestsLayer { counters }
}

/// The methods counted by name, then `other` for any else, so the label's values stay few.
const METHODS: [&str; 8] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other",
];

fn method_index(method: &Method) -> u8 {
    let known = &METHODS[..METHODS.len() - 1];
    known
        .iter()
        .position(|name| *name == method.as_str())
        .unwrap_or(known.len()) as u8
}

/// The statuses with a slot in the table; any other (600 to 999, which we never answer) is
/// counted through a map.
const STATUSES: std::ops::RangeInclusive<u16> = 100..=599;
const STATUS_SLOTS: usize = 500;

struct DoorCounters {
    door: &'static str,
    duration: Histogram,
    /// One slot per method and status, filled the first time that pair is answered.
    requests: Box<[OnceLock<Counter>]>,
    unusual: Mutex<HashMap<(u8, u16), Counter>>,
}

impl DoorCounters {
    fn register(door: &'static str) -> Self {
        Self {
            door,
            duration: histogram!(HTTP_DURATION, "door" => door),
            requests: (0..METHODS.len() * STATUS_SLOTS)
                .map(|_| OnceLock::new())
                .collect(),
            unusual: Mutex::default(),
        }
    }

    fn record(&self, method: u8, status: StatusCode, started: Instant) {
        self.duration.record(started.elapsed().as_secs_f64());
        let code = status.as_u16();
        let register = || {
            counter!(
                HTTP_REQUESTS,
                "door" => self.door,
                "method" => METHODS[usize::from(method)],
                "status" => code.to_string(),
            )
        };
        if STATUSES.contains(&code) {
            let slot = usize::from(method) * STATUS_SLOTS + usize::from(code - STATUSES.start());
            self.requests[slot].get_or_init(register).increment(1);
        } else {
            let mut unusual = self.unusual.lock().expect("poisoned");
            unusual
                .entry((method, code))
                .or_insert_with(register)
                .increment(1);
        }
    }
}

#[derive(Clone, Copy)]
pub struct CountRequestsLayer {
    counters: Option<&'static DoorCounters>,
}

impl<S> Layer<S> for CountRequestsLayer {
    type Service = CountRequests<S>;

    fn layer(&self, inner: S) -> CountRequests<S> {
        CountRequests {
            inner,
            counters: self.counters,
        }
    }
}

#[derive(Clone)]
pub struct CountRequests<S> {
    inner: S,
    counters: Option<&'static DoorCounters>,
}

impl<S, B, R> Service<Request<B>> for CountRequests<S>
where
    S: Service<Request<B>, Response = Response<R>>,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = Counted<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let started = self
            .counters
            .map(|counters| (counters, method_index(request.method()), Instant::now()));
        Counted {
            inner: self.inner.call(request),
            started,
        }
    }
}

pin_project! {
    /// The inner service's answer, counted once it is ready.
    pub struct Counted<F> {
        #[pin]
        inner: F,
        started: Option<(&'static DoorCounters, u8, Instant)>,
    }
}

impl<F, R, E> Future for Counted<F>
where
    F: Future<Output = Result<Response<R>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        if let (Ok(response), Some((counters, method, started))) = (&result, this.started.take()) {
            counters.record(method, response.status(), started);
        }
        Poll::Ready(result)
    }
}
