//! Counting each door's requests: `streamgate_http_requests_total{door, method, status}` and
//! `streamgate_http_request_duration_seconds{door}`. A door's handles are registered once, the
//! first time each (method, status) pair is answered; after that a request costs a clock read,
//! a read-locked lookup and two atomic updates, and no label is built.

use std::{
    collections::HashMap,
    future::Future,
    pin::Pin,
    sync::RwLock,
    task::{ready, Context, Poll},
    time::Instant,
};

use axum::http::{Method, Request, Response, StatusCode};
use metrics::{counter, histogram, Counter, Histogram};
use pin_project_lite::pin_project;
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

struct DoorCounters {
    door: &'static str,
    duration: Histogram,
    requests: RwLock<HashMap<(u8, u16), Counter>>,
}

impl DoorCounters {
    fn register(door: &'static str) -> Self {
        Self {
            door,
            duration: histogram!(HTTP_DURATION, "door" => door),
            requests: RwLock::default(),
        }
    }

    fn record(&self, method: u8, status: StatusCode, started: Instant) {
        self.duration.record(started.elapsed().as_secs_f64());
        let key = (method, status.as_u16());
        if let Some(counter) = self.requests.read().expect("poisoned").get(&key) {
            counter.increment(1);
            return;
        }
        // The first answer with this method and status: register its counter.
        let mut requests = self.requests.write().expect("poisoned");
        requests
            .entry(key)
            .or_insert_with(|| {
                counter!(
                    HTTP_REQUESTS,
                    "door" => self.door,
                    "method" => METHODS[usize::from(method)],
                    "status" => status.as_u16().to_string(),
                )
            })
            .increment(1);
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
