//! Throw-away databases for tests: a fresh SQLite file or a fresh PostgreSQL database each,
//! removed when dropped; and the fixtures most tests start from (an account's owner, an event,
//! a batch of codes).
//!
//! PostgreSQL is reached through `STREAMGATE_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); each test creates its own database beside that
//! one. When PostgreSQL is unreachable, CI (`CI=true`) fails; elsewhere the PostgreSQL half is
//! skipped with a loud warning on the terminal.

use std::{
    io::Write,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use chrono::{DateTime, Duration, Utc};
use sqlx::{postgres::PgConnectOptions, sqlite::SqliteConnectOptions, ConnectOptions, Connection};

use crate::{
    model::{AccessCode, CredentialKind, Event, NewCodes, NewEvent, Principal},
    service::{member_principal, Domain},
    store::{DatabaseLocation, Store},
};

/// The password of every fixture user.
pub const PASSWORD: &str = "correct horse battery";

const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub struct TestDatabase {
    pub location: DatabaseLocation,
    _sqlite_dir: Option<tempfile::TempDir>,
    postgres_database: Option<(PgConnectOptions, String)>,
}

impl TestDatabase {
    pub fn sqlite() -> TestDatabase {
        let dir = tempfile::tempdir().expect("temp dir");
        TestDatabase {
            location: DatabaseLocation::Sqlite {
                path: dir.path().join("test.db"),
            },
            _sqlite_dir: Some(dir),
            postgres_database: None,
        }
    }

    /// A new, empty PostgreSQL database; `None` when PostgreSQL is unreachable outside CI.
    pub async fn postgres() -> Option<TestDatabase> {
        let admin_url = std::env::var("STREAMGATE_TEST_DATABASE_URL")
            .unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned());
        let admin: PgConnectOptions = admin_url.parse().expect("STREAMGATE_TEST_DATABASE_URL");
        let mut conn = match admin.connect().await {
            Ok(conn) => conn,
            Err(err) if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("PostgreSQL at {admin_url} is required in CI: {err}")
            }
            Err(err) => {
                warn_once_postgres_skipped(&admin_url, &err);
                return None;
            }
        };
        let name = format!("sg_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        conn.close().await.ok();
        let url = admin.clone().database(&name).to_url_lossy().to_string();
        Some(TestDatabase {
            location: DatabaseLocation::Postgres { url },
            _sqlite_dir: None,
            postgres_database: Some((admin, name)),
        })
    }

    /// A connected, migrated store on this database.
    pub async fn store(&self) -> Arc<dyn Store> {
        let store = self.location.connect().await.expect("connect test store");
        store.migrate().await.expect("migrate test store");
        store
    }

    /// Runs raw SQL statements on this database, past the store: for tests that break the
    /// database on purpose (a trigger that makes a write fail).
    pub async fn execute(&self, statements: &[&str]) {
        match &self.location {
            DatabaseLocation::Sqlite { path } => {
                let options = SqliteConnectOptions::new().filename(path);
                execute_on(options.connect().await.expect("connect"), statements).await
            }
            DatabaseLocation::Postgres { url } => {
                let options: PgConnectOptions = url.parse().expect("test database URL");
                execute_on(options.connect().await.expect("connect"), statements).await
            }
        }
    }
}

async fn execute_on<C>(mut conn: C, statements: &[&str])
where
    C: Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
{
    for statement in statements {
        sqlx::raw_sql(statement)
            .execute(&mut conn)
            .await
            .expect(statement);
    }
    conn.close().await.ok();
}

/// A new account "Acme" whose owner `email` (password [`PASSWORD`]) acts through the
/// session cookie.
pub async fn account_owner(domain: &Domain, email: &str) -> Principal {
    let (_, owner) = domain
        .accounts()
        .create_account_with_owner("Acme", email, PASSWORD)
        .await
        .expect("a new account and its owner");
    member_principal(&owner, CredentialKind::Session)
}

/// An event called `title` from `starts_at`, `hours` long, with the default access window.
pub fn new_event(title: &str, starts_at: DateTime<Utc>, hours: i64) -> NewEvent {
    NewEvent {
        title: title.into(),
        starts_at,
        ends_at: starts_at + Duration::hours(hours),
        ..NewEvent::default()
    }
}

/// `owner` creates `input` in their own account.
pub async fn create_event(domain: &Domain, owner: &Principal, input: NewEvent) -> Event {
    let account_id = owner.account_id().expect("a member of an account");
    domain
        .events()
        .create(owner, account_id, input, None)
        .await
        .expect("a valid event")
}

/// `who` mints `count` codes of `event`, labelled `label`.
pub async fn generate_codes(
    domain: &Domain,
    who: &Principal,
    event: &Event,
    count: i64,
    label: Option<&str>,
) -> Vec<AccessCode> {
    let input = NewCodes {
        count,
        label: label.map(String::from),
    };
    let codes = domain
        .codes()
        .generate(who, event.id, input, None)
        .await
        .expect("a valid batch");
    assert_eq!(codes.len() as i64, count);
    codes
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres_database.take() else {
            return;
        };
        // Drop cannot await; a short-lived runtime on its own thread does the cleanup.
        // FORCE ends connections a test left open.
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("cleanup runtime");
            runtime.block_on(async move {
                if let Ok(mut conn) = admin.connect().await {
                    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::query(&drop).execute(&mut conn).await;
                }
            });
        })
        .join()
        .ok();
    }
}

fn warn_once_postgres_skipped(url: &str, err: &sqlx::Error) {
    static WARNED: AtomicBool = AtomicBool::new(false);
    if WARNED.swap(true, Ordering::SeqCst) {
        return;
    }
    // Written past libtest's output capture on purpose: a skipped backend must be seen.
    let _ = writeln!(
        std::io::stderr(),
        "\n\
         ****************************************************************\n\
         *  PostgreSQL NOT REACHABLE at {url}\n\
         *  ({err})\n\
         *  The PostgreSQL half of the tests is SKIPPED.\n\
         *  Start PostgreSQL or set STREAMGATE_TEST_DATABASE_URL.\n\
         ****************************************************************\n"
    );
}

/// Declares each listed `async fn(Arc<dyn Store>)` as a test on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let db = $crate::testing::TestDatabase::sqlite();
                    super::$test(db.store().await).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let Some(db) = $crate::testing::TestDatabase::postgres().await else { return };
                    super::$test(db.store().await).await;
                }
            )+
        }
    };
}

/// Asserts that `result` is an error matching `pattern`, showing the error when it is not.
#[macro_export]
macro_rules! assert_refused {
    ($result:expr, $pattern:pat $(,)?) => {{
        let err = $result.expect_err("expected a refusal");
        assert!(matches!(err, $pattern), "{err:?}");
    }};
}
