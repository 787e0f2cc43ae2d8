//! Random secrets from the operating system's generator, and the installation's signing
//! secrets: configured, or generated once and kept in the database.

use rand::{distributions::Alphanumeric, rngs::OsRng, Rng};

use crate::{store::Store, DomainError};

/// HS256 is only as strong as its key: configured secrets shorter than this are refused.
pub const MIN_SECRET_BYTES: usize = 32;

/// A signing secret: `configured` (the environment variable `variable`) when given, else the
/// one the first start generated and stored under `setting`, so every instance and restart
/// agrees.
pub async fn installation_secret(
    store: &dyn Store,
    setting: &str,
    variable: &'static str,
    configured: Option<&str>,
) -> Result<Vec<u8>, DomainError> {
    match configured.filter(|secret| !secret.is_empty()) {
        Some(secret) => checked(variable, secret).map(<[u8]>::to_vec),
        None => {
            let generated = random_alphanumeric(64);
            Ok(store
                .setting_or_insert(setting, &generated)
                .await?
                .into_bytes())
        }
    }
}

/// A configured secret, refused when too short.
pub fn checked<'a>(variable: &'static str, secret: &'a str) -> Result<&'a [u8], DomainError> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(DomainError::validation(
            variable,
            format!("{variable} must be at least {MIN_SECRET_BYTES} bytes"),
        ));
    }
    Ok(secret.as_bytes())
}

/// `length` characters from `[A-Za-z0-9]` (about 5.95 bits each).
pub fn random_alphanumeric(length: usize) -> String {
    OsRng
        .sample_iter(&Alphanumeric)
        .take(length)
        .map(char::from)
        .collect()
}
