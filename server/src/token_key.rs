//! The key the StreamElements tokens are encrypted with: `STREAMGATE_TOKEN_ENCRYPTION_KEY`,
//! else a key generated once into `<data dir>/token-encryption.key` (mode 0600). Instances
//! sharing a PostgreSQL database must share the key, so they are told to set it.

use std::{
    fs,
    io::{ErrorKind, Write},
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
};

use streamgate_domain::service::TokenCipher;

use crate::StartupError;

pub const KEY_FILE: &str = "token-encryption.key";
const VARIABLE: &str = "STREAMGATE_TOKEN_ENCRYPTION_KEY";
const MIN_KEY_BYTES: usize = 32;

/// The cipher for the configured key, or for the data directory's key file (made on first use).
pub fn token_cipher(
    configured: Option<&str>,
    data_dir: &Path,
    shared_database: bool,
) -> Result<TokenCipher, StartupError> {
    if let Some(key) = configured.filter(|key| !key.is_empty()) {
        if key.len() < MIN_KEY_BYTES {
            return Err(StartupError::Config(format!(
                "{VARIABLE} must be at least {MIN_KEY_BYTES} bytes"
            )));
        }
        return Ok(TokenCipher::new(key.as_bytes()));
    }
    let path = data_dir.join(KEY_FILE);
    let key = read_or_create(&path)?;
    if shared_database {
        tracing::warn!(
            path = %path.display(),
            "{VARIABLE} is not set: StreamElements tokens are encrypted with this instance's key \
             file; with PostgreSQL every instance must use the same key, so set {VARIABLE}"
        );
    }
    Ok(TokenCipher::new(key.as_bytes()))
}

fn read_or_create(path: &PathBuf) -> Result<String, StartupError> {
    let failed = |err: std::io::Error| {
        StartupError::Config(format!("token encryption key {}: {err}", path.display()))
    };
    match fs::read_to_string(path) {
        Ok(key) if !key.trim().is_empty() => return Ok(key.trim().to_owned()),
        Ok(_) => return Err(failed(std::io::Error::other("the file is empty"))),
        Err(err) if err.kind() == ErrorKind::NotFound => {}
        Err(err) => return Err(failed(err)),
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(failed)?;
    }
    let key = TokenCipher::generate_key();
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(failed)?;
    file.write_all(key.as_bytes()).map_err(failed)?;
    file.sync_all().map_err(failed)?;
    tracing::info!(
        path = %path.display(),
        "generated the StreamElements token encryption key (keep it: tokens stored with it \
         cannot be read without it)"
    );
    Ok(key)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn the_key_file_is_made_once_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let stored = TokenCipher::new(
            read_or_create(&dir.path().join(KEY_FILE))
                .unwrap()
                .as_bytes(),
        )
        .encrypt("token");
        let path = dir.path().join(KEY_FILE);
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let again = token_cipher(None, dir.path(), false).unwrap();
        assert_eq!(again.decrypt(&stored).unwrap(), "token");
        assert!(token_cipher(Some("short"), dir.path(), false).is_err());
    }
}
