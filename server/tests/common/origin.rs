//! An HLS origin on a free local port for the upstream tests: serves files of the fixture
//! stream under any prefix (optionally slowly), counting requests per path; `stop` takes it
//! down (connections refused).

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{extract::Request, http::StatusCode, response::IntoResponse, Router};

use super::viewing::FIXTURE_STREAM;

/// Which fixture file answers a request path (`None`: 404).
pub type FileMap = fn(&str) -> Option<String>;

pub struct FakeOrigin {
    pub addr: SocketAddr,
    pub hits: Arc<Mutex<HashMap<String, usize>>>,
    runtime: Option<tokio::runtime::Runtime>,
}

/// Variants' files by their last two segments; any other playlist is the master.
pub fn whole_stream(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.rsplit('/').take(2).collect();
    match parts.as_slice() {
        [file, variant] if variant.ends_with('p') => Some(format!("{variant}/{file}")),
        [file, ..] if file.ends_with(".m3u8") => Some("stream.m3u8".to_owned()),
        [file, ..] => Some((*file).to_owned()),
        [] => None,
    }
}

impl FakeOrigin {
    /// The whole fixture stream, each answer after `delay`.
    pub fn start(delay: Duration) -> FakeOrigin {
        FakeOrigin::serving(delay, whole_stream)
    }

    pub fn serving(delay: Duration, files: FileMap) -> FakeOrigin {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let counted = hits.clone();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().fallback(move |request: Request| {
            let counted = counted.clone();
            async move {
                let path = request.uri().path().to_owned();
                *counted.lock().unwrap().entry(path.clone()).or_default() += 1;
                tokio::time::sleep(delay).await;
                let file = files(&path)
                    .map(|relative| std::path::Path::new(FIXTURE_STREAM).join(relative));
                match file.map(std::fs::read) {
                    Some(Ok(bytes)) => bytes.into_response(),
                    _ => StatusCode::NOT_FOUND.into_response(),
                }
            }
        });
        runtime.spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeOrigin {
            addr,
            hits,
            runtime: Some(runtime),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    pub fn stop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl Drop for FakeOrigin {
    fn drop(&mut self) {
        self.stop();
    }
}
