//! Throw-away databases for tests: a fresh SQLite file or a fresh PostgreSQL database each,
//! removed when dropped.
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

use sqlx::{postgres::PgConnectOptions, ConnectOptions, Connection};

use crate::store::{DatabaseLocation, Store};

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
