//! CSRF protection for HTML forms: a random cookie and a hidden field holding its HMAC under
//! the server's secret key (double submit, signed). The Origin / Sec-Fetch-Site check in
//! [`crate::web`] covers every unsafe request, forms and API alike.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Name of the hidden form field.
pub const FIELD: &str = "_csrf";

/// The value of the CSRF cookie for this request (set by the middleware when missing).
#[derive(Debug, Clone)]
pub struct CsrfCookie(pub String);

/// The form token for a cookie value.
pub fn token_for(key: &[u8], cookie_value: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(b"legami-csrf:");
    mac.update(cookie_value.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether a submitted token matches the cookie.
pub fn verify(key: &[u8], cookie_value: &str, submitted: &str) -> bool {
    if cookie_value.is_empty() || submitted.is_empty() {
        return false;
    }
    let expected = token_for(key, cookie_value);
    expected.as_bytes().ct_eq(submitted.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_matches_only_its_cookie_and_key() {
        let t = token_for(b"key-one", "cookie");
        assert!(verify(b"key-one", "cookie", &t));
        assert!(!verify(b"key-two", "cookie", &t));
        assert!(!verify(b"key-one", "other", &t));
        assert!(!verify(b"key-one", "cookie", ""));
    }
}
