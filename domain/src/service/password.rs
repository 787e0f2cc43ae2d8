//! Password hashing with argon2id (the argon2 crate's defaults: v19, 19 MiB, 2 passes). Hashing
//! is deliberately slow, so it runs on the blocking pool rather than an async worker thread.

use std::sync::OnceLock;

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};

use crate::DomainError;

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 256;

pub fn validate(password: &str) -> Result<(), DomainError> {
    let length = password.chars().count();
    if (MIN_LENGTH..=MAX_LENGTH).contains(&length) {
        Ok(())
    } else {
        Err(DomainError::validation(
            "password",
            format!("password must be {MIN_LENGTH} to {MAX_LENGTH} characters"),
        ))
    }
}

/// A PHC-format argon2id hash with a fresh random salt.
pub async fn hash(password: &str) -> String {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .expect("password hashing task")
}

/// Checks `password` against `stored`. With no stored hash (unknown email) it still does the
/// same work against a dummy hash, so response time does not reveal which emails exist.
pub async fn verify(password: &str, stored: Option<&str>) -> bool {
    let password = password.to_owned();
    let stored = stored.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let matches = PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        known && matches
    })
    .await
    .expect("password verification task")
}

fn hash_blocking(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 accepts any password and a generated salt")
        .to_string()
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("not a password anyone has"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verify_only_the_right_password() {
        let first = hash("correct horse battery").await;
        let second = hash("correct horse battery").await;
        assert!(first.starts_with("$argon2id$v=19$"), "{first}");
        assert_ne!(first, second, "each hash gets its own salt");
        assert!(verify("correct horse battery", Some(&first)).await);
        assert!(!verify("correct horse battery!", Some(&first)).await);
        assert!(!verify("anything", Some("not a hash")).await);
        assert!(!verify("not a password anyone has", None).await);
    }

    #[test]
    fn length_limits() {
        assert!(validate("1234567").is_err());
        assert!(validate("12345678").is_ok());
        assert!(validate(&"x".repeat(257)).is_err());
    }
}
