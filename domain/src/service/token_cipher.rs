//! Encryption at rest of the StreamElements tokens: AES-256-GCM under a key derived with
//! HKDF-SHA256 from the installation's `STREAMGATE_TOKEN_ENCRYPTION_KEY` (seed 000's
//! `auth.token_encryption_key`). Each write takes a fresh 96-bit nonce; the stored text is
//! `v1:` + base64(nonce ‖ ciphertext), so a later key or scheme can sit beside this one.

use aes_gcm::{
    aead::{Aead, AeadCore, KeyInit, OsRng},
    Aes256Gcm, Key, Nonce,
};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use hkdf::Hkdf;
use sha2::Sha256;

const VERSION: &str = "v1:";
/// HKDF's `info`: binds the derived key to this one use of the secret.
const INFO: &[u8] = b"streamgate se-token encryption v1";
const NONCE_LEN: usize = 12;

/// Why a stored token could not be read back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CipherError {
    #[error("the stored token is not in a known format")]
    UnknownFormat,
    /// Another key wrote it, or it was altered.
    #[error("the stored token cannot be decrypted with this key")]
    WrongKey,
}

/// Encrypts and decrypts SE tokens with one derived key.
#[derive(Clone)]
pub struct TokenCipher {
    key: Key<Aes256Gcm>,
}

impl TokenCipher {
    /// The cipher for the installation's secret (any length; HKDF spreads it over 256 bits).
    pub fn new(secret: &[u8]) -> Self {
        let mut key = Key::<Aes256Gcm>::default();
        Hkdf::<Sha256>::new(None, secret)
            .expand(INFO, &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        Self { key }
    }

    /// A new random key for an installation that configured none (64 characters, ~380 bits).
    pub fn generate_key() -> String {
        super::secret::random_alphanumeric(64)
    }

    pub fn encrypt(&self, token: &str) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = Aes256Gcm::new(&self.key)
            .encrypt(&nonce, token.as_bytes())
            .expect("AES-GCM encrypts any input under 64 GiB");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{VERSION}{}", STANDARD.encode(bytes))
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, CipherError> {
        let encoded = stored
            .strip_prefix(VERSION)
            .ok_or(CipherError::UnknownFormat)?;
        let bytes = STANDARD
            .decode(encoded)
            .map_err(|_| CipherError::UnknownFormat)?;
        if bytes.len() < NONCE_LEN {
            return Err(CipherError::UnknownFormat);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let plain = Aes256Gcm::new(&self.key)
            .decrypt(Nonce::from_slice(nonce), sealed)
            .map_err(|_| CipherError::WrongKey)?;
        String::from_utf8(plain).map_err(|_| CipherError::WrongKey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_round_trips_and_each_write_differs() {
        let cipher = TokenCipher::new(b"installation secret");
        let first = cipher.encrypt("eyJhbGciOiJIUzI1NiJ9.payload.sig");
        let second = cipher.encrypt("eyJhbGciOiJIUzI1NiJ9.payload.sig");
        assert!(first.starts_with("v1:"));
        assert_ne!(first, second, "a fresh nonce per write");
        assert!(!first.contains("payload"));
        assert_eq!(
            cipher.decrypt(&first).unwrap(),
            "eyJhbGciOiJIUzI1NiJ9.payload.sig"
        );
    }

    #[test]
    fn another_key_or_a_changed_byte_is_refused() {
        let stored = TokenCipher::new(b"one").encrypt("secret token");
        let other = TokenCipher::new(b"two");
        assert_eq!(other.decrypt(&stored), Err(CipherError::WrongKey));
        let mut bytes = STANDARD.decode(&stored[3..]).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        let tampered = format!("v1:{}", STANDARD.encode(bytes));
        let cipher = TokenCipher::new(b"one");
        assert_eq!(cipher.decrypt(&tampered), Err(CipherError::WrongKey));
        assert_eq!(cipher.decrypt("plain"), Err(CipherError::UnknownFormat));
        assert_eq!(cipher.decrypt("v1:AAAA"), Err(CipherError::UnknownFormat));
    }
}
