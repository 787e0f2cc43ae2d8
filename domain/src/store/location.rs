//! Where the data lives (a PostgreSQL URL or an SQLite file) and how to open a store on it.

use std::{fmt, path::Path, sync::Arc};

use super::{Backend, PostgresStore, SqliteStore, Store, StoreError};

/// Where the data lives: a PostgreSQL URL, or an SQLite file (the embedded default).
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    Postgres { url: String },
    Sqlite { path: std::path::PathBuf },
}

impl DatabaseLocation {
    /// The SQLite file used when no `DATABASE_URL` is given.
    pub const SQLITE_FILE_NAME: &'static str = "streamgate.db";

    /// `database_url` wins when set: `postgres://…`/`postgresql://…` or `sqlite://PATH`.
    /// Otherwise an SQLite file inside `data_dir`.
    pub fn resolve(database_url: Option<&str>, data_dir: &Path) -> Result<Self, String> {
        match database_url.map(str::trim).filter(|url| !url.is_empty()) {
            None => Ok(DatabaseLocation::Sqlite {
                path: data_dir.join(Self::SQLITE_FILE_NAME),
            }),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(DatabaseLocation::Postgres {
                    url: url.to_owned(),
                })
            }
            Some(url) => match url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
            {
                Some(path) if !path.is_empty() => {
                    Ok(DatabaseLocation::Sqlite { path: path.into() })
                }
                _ => Err(format!(
                    "DATABASE_URL must start with postgres://, postgresql:// or sqlite://, got {}",
                    redact_password(url)
                )),
            },
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseLocation::Postgres { .. } => Backend::Postgres,
            DatabaseLocation::Sqlite { .. } => Backend::Sqlite,
        }
    }

    /// Opens a pool on the location (creating an SQLite file and its directory if missing).
    /// Does not migrate.
    pub async fn connect(&self) -> Result<Arc<dyn Store>, StoreError> {
        Ok(match self {
            DatabaseLocation::Postgres { url } => Arc::new(PostgresStore::connect(url).await?),
            DatabaseLocation::Sqlite { path } => Arc::new(SqliteStore::open(path).await?),
        })
    }
}

// Logs and errors show where the data is, never the password.
impl fmt::Debug for DatabaseLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for DatabaseLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseLocation::Postgres { url } => f.write_str(&redact_password(url)),
            DatabaseLocation::Sqlite { path } => write!(f, "sqlite://{}", path.display()),
        }
    }
}

fn redact_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_database_url_means_sqlite_in_the_data_dir() {
        let location = DatabaseLocation::resolve(None, Path::new("/var/lib/sg")).unwrap();
        assert_eq!(
            location,
            DatabaseLocation::Sqlite {
                path: "/var/lib/sg/streamgate.db".into()
            }
        );
        assert_eq!(
            DatabaseLocation::resolve(Some("  "), Path::new("d"))
                .unwrap()
                .backend(),
            Backend::Sqlite
        );
    }

    #[test]
    fn postgres_urls_select_postgres_and_hide_the_password() {
        let location =
            DatabaseLocation::resolve(Some("postgres://sg:hunter2@db:5432/sg"), Path::new("d"))
                .unwrap();
        assert_eq!(location.backend(), Backend::Postgres);
        let shown = format!("{location:?} {location}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("postgres://sg:***@db:5432/sg"), "{shown}");
    }

    #[test]
    fn sqlite_urls_name_a_file_and_other_schemes_are_refused() {
        assert_eq!(
            DatabaseLocation::resolve(Some("sqlite:///tmp/x.db"), Path::new("d")).unwrap(),
            DatabaseLocation::Sqlite {
                path: "/tmp/x.db".into()
            }
        );
        let err =
            DatabaseLocation::resolve(Some("mysql://u:secret@h/db"), Path::new("d")).unwrap_err();
        assert!(
            err.contains("postgres://") && !err.contains("secret"),
            "{err}"
        );
    }
}
