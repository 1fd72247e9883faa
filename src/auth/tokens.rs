//! Random tokens: 256 bits, URL-safe; only their SHA-256 is ever stored.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new random token (43 URL-safe characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token: hex SHA-256.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether a string could be a token we issued (cheap check before touching the database).
pub fn looks_like_token(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_well_formed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert!(looks_like_token(&a));
        assert_eq!(hash_token(&a).len(), 64);
        assert!(!looks_like_token("short"));
    }
}
