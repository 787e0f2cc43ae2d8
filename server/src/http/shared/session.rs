//! Dashboard sessions: tower-sessions with its records in our database (table `sessions`, both
//! backends), an HttpOnly SameSite=Strict cookie, and idle expiry.

use std::time::Duration;

use streamgate_domain::{
    model::{time, Subject},
    service::Domain,
    store::SessionRow,
};
use tower_sessions::{
    cookie::{time::Duration as CookieDuration, SameSite},
    session::{self, Id, Record},
    session_store::{self, SessionStore},
    Expiry, Session, SessionManagerLayer,
};

use crate::http::AppState;

pub const COOKIE_NAME: &str = "streamgate_session";
/// Session key holding who signed in and when.
const SIGNED_IN_KEY: &str = "signedIn";
/// Session key holding when the session was last extended (Unix seconds).
const SEEN_KEY: &str = "seenAt";

/// What a signed-in session holds.
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    pub subject: Subject,
    /// Unix seconds; credentials changed after this void the session.
    pub at: i64,
}

/// How sessions behave; from `serve`'s settings.
#[derive(Clone, Copy, Debug)]
pub struct SessionSettings {
    /// Sessions end after this long without a request.
    pub idle_timeout: Duration,
    /// Set the cookie's Secure flag (the public URL is https).
    pub secure: bool,
}

/// The session layer for a door that takes the cookie.
pub fn layer(state: &AppState) -> SessionManagerLayer<SqlSessionStore> {
    let settings = state.sessions;
    let idle = CookieDuration::seconds(settings.idle_timeout.as_secs() as i64);
    let store = SqlSessionStore {
        domain: state.domain.clone(),
    };
    SessionManagerLayer::new(store)
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(settings.secure)
        .with_expiry(Expiry::OnInactivity(idle))
}

/// Starts a signed-in session under a fresh id (so an id planted before sign-in is useless).
pub async fn sign_in(session: &Session, subject: Subject) -> Result<(), session::Error> {
    session.cycle_id().await?;
    let now = time::now().timestamp();
    session
        .insert(SIGNED_IN_KEY, SignedIn { subject, at: now })
        .await?;
    session.insert(SEEN_KEY, now).await
}

/// Ends the session: its row is deleted and the cookie removed.
pub async fn sign_out(session: &Session) -> Result<(), session::Error> {
    session.flush().await
}

/// Who the session is signed in as, if anyone. Extends the session's idle expiry, writing at
/// most once per `refresh_after` rather than on every request.
pub async fn signed_in(
    session: &Session,
    settings: &SessionSettings,
) -> Result<Option<SignedIn>, session::Error> {
    let Some(signed_in) = session.get::<SignedIn>(SIGNED_IN_KEY).await? else {
        return Ok(None);
    };
    let now = time::now().timestamp();
    let seen: i64 = session.get(SEEN_KEY).await?.unwrap_or(0);
    let refresh_after = (settings.idle_timeout.as_secs() / 4).clamp(1, 60) as i64;
    if now - seen >= refresh_after {
        // Modifying the session makes the layer save it with a new expiry.
        session.insert(SEEN_KEY, now).await?;
    }
    Ok(Some(signed_in))
}

/// tower-sessions' store over the domain's session records: one row per session, data as JSON.
#[derive(Clone)]
pub struct SqlSessionStore {
    domain: Domain,
}

impl std::fmt::Debug for SqlSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlSessionStore").finish_non_exhaustive()
    }
}

fn row(record: &Record) -> session_store::Result<SessionRow> {
    Ok(SessionRow {
        id: record.id.to_string(),
        data: serde_json::to_string(record)
            .map_err(|err| session_store::Error::Encode(err.to_string()))?,
        expires_at: record.expiry_date.unix_timestamp(),
    })
}

fn backend(err: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

#[async_trait::async_trait]
impl SessionStore for SqlSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // Ids are 128 random bits; a clash is all but impossible, but never overwrite one.
        while !self
            .domain
            .sessions()
            .insert(&row(record)?)
            .await
            .map_err(backend)?
        {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.domain
            .sessions()
            .save(&row(record)?)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = time::now().timestamp();
        let Some(data) = self
            .domain
            .sessions()
            .load(&id.to_string(), now)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        serde_json::from_str(&data)
            .map(Some)
            .map_err(|err| session_store::Error::Decode(err.to_string()))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.domain
            .sessions()
            .delete(&id.to_string())
            .await
            .map_err(backend)
    }
}
