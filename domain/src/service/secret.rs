//! Random secrets from the operating system's generator.

use rand::{distributions::Alphanumeric, rngs::OsRng, Rng};

/// `length` characters from `[A-Za-z0-9]` (about 5.95 bits each).
pub fn random_alphanumeric(length: usize) -> String {
    OsRng
        .sample_iter(&Alphanumeric)
        .take(length)
        .map(char::from)
        .collect()
}
