//! Seed 002's public API as the viewer's browser calls it, with `fetch`, and `/api/v1`'s
//! public play token.

use serde::{de::DeserializeOwned, Deserialize};
use streamgate_domain::model::{EventStatusReport, PlaybackGrant, PublicPlayback, RefreshedToken};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

/// What a call came back with.
#[derive(Clone, Debug)]
pub enum Answer<T> {
    Ok(T),
    /// A status other than 2xx, with the body's `error` and any `Retry-After`.
    Refused {
        status: u16,
        error: String,
        retry_after: Option<u64>,
    },
    /// No answer (offline, server down) or one that made no sense.
    Unreachable,
}

pub async fn validate(code: &str) -> Answer<PlaybackGrant> {
    let body = serde_json::json!({ "code": code }).to_string();
    call("POST", "/api/tokens/validate", None, Some(body)).await
}

/// `/api/v1`'s success envelope.
#[derive(Deserialize)]
struct Envelope<T> {
    data: T,
}

/// A public event's playback grant (`404` for any event that does not play publicly now).
pub async fn play_token(event_id: Uuid) -> Answer<PlaybackGrant> {
    let path = format!("/api/v1/events/{event_id}/play-token");
    match call::<Envelope<PublicPlayback>>("GET", &path, None, None).await {
        Answer::Ok(Envelope { data }) => Answer::Ok(data.into_grant(event_id)),
        Answer::Refused {
            status,
            error,
            retry_after,
        } => Answer::Refused {
            status,
            error,
            retry_after,
        },
        Answer::Unreachable => Answer::Unreachable,
    }
}

pub async fn refresh(token: &str) -> Answer<RefreshedToken> {
    call("POST", "/api/playback/refresh", Some(token), None).await
}

pub async fn heartbeat(token: &str) -> Answer<serde_json::Value> {
    call("POST", "/api/playback/heartbeat", Some(token), None).await
}

pub async fn event_status(event_id: Uuid) -> Answer<EventStatusReport> {
    call("GET", &format!("/api/events/{event_id}/status"), None, None).await
}

/// Lets go of the session as the page goes away: a `keepalive` request outlives the page.
pub fn release(token: &str) {
    if let Some(request) = request("POST", "/api/playback/release", Some(token), None, true) {
        if let Some(window) = web_sys::window() {
            let _ = window.fetch_with_request(&request);
        }
    }
}

fn request(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
    keepalive: bool,
) -> Option<Request> {
    let init = RequestInit::new();
    init.set_method(method);
    let headers = Headers::new().ok()?;
    if let Some(token) = token {
        headers
            .set("authorization", &format!("Bearer {token}"))
            .ok()?;
    }
    if let Some(body) = body {
        headers.set("content-type", "application/json").ok()?;
        init.set_body(&JsValue::from_str(&body));
    }
    init.set_headers(&headers);
    if keepalive {
        // Not in web-sys's RequestInit yet; it is a plain dictionary member.
        js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE).ok()?;
    }
    Request::new_with_str_and_init(path, &init).ok()
}

async fn call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
) -> Answer<T> {
    let Some(request) = request(method, path, token, body, false) else {
        return Answer::Unreachable;
    };
    let Some(window) = web_sys::window() else {
        return Answer::Unreachable;
    };
    let Ok(response) = JsFuture::from(window.fetch_with_request(&request)).await else {
        return Answer::Unreachable;
    };
    let Ok(response) = response.dyn_into::<Response>() else {
        return Answer::Unreachable;
    };
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    if response.ok() {
        return serde_json::from_str(&text).map_or(Answer::Unreachable, Answer::Ok);
    }
    let error = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|body| body["error"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let retry_after = response
        .headers()
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|value| value.trim().parse().ok());
    Answer::Refused {
        status: response.status(),
        error,
        retry_after,
    }
}
