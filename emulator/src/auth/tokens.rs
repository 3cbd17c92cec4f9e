//! Service-account tokens: who may ask for one (Basic credentials of the configured account), and
//! the bearer tokens issued so far, which the API routes accept instead of digest answers.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::auth::header::strip_scheme;
use crate::config::Config;

/// Tokens issued so far, with when each was issued.
#[derive(Default)]
pub(crate) struct TokenBook {
    tokens: HashMap<String, Instant>,
    issued_total: usize,
}

impl TokenBook {
    pub fn issue(&mut self, now: Instant, lifetime: Duration) -> String {
        self.tokens
            .retain(|_, issued| now.saturating_duration_since(*issued) < lifetime);
        let bytes: Vec<u8> = std::iter::repeat_with(|| fastrand::u8(..))
            .take(32)
            .collect();
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        self.tokens.insert(token.clone(), now);
        self.issued_total += 1;
        token
    }

    /// A token is valid from its issue until `lifetime` has passed.
    pub fn is_valid(&self, token: &str, now: Instant, lifetime: Duration) -> bool {
        self.tokens
            .get(token)
            .is_some_and(|issued| now.saturating_duration_since(*issued) < lifetime)
    }

    pub fn issued_total(&self) -> usize {
        self.issued_total
    }

    /// Every token issued so far stops being valid, as if its lifetime had passed; clients
    /// holding one get 401 and must fetch a new token.
    pub fn expire_all(&mut self) {
        self.tokens.clear();
    }
}

/// Checks `Authorization: Basic base64(client_id:client_secret)` against the configured account.
pub(crate) fn is_known_client(config: &Config, authorization: Option<&str>) -> bool {
    let Some((id, secret)) = &config.service_account else {
        return false;
    };
    let Some(encoded) = authorization.and_then(|a| strip_scheme(a, "basic")) else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let decoded = String::from_utf8_lossy(&decoded);
    match decoded.split_once(':') {
        Some((given_id, given_secret)) => given_id == id && given_secret == secret,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_expire() {
        let mut book = TokenBook::default();
        let now = Instant::now();
        let lifetime = Duration::from_secs(60);
        let token = book.issue(now, lifetime);
        assert!(book.is_valid(&token, now, lifetime));
        assert!(!book.is_valid(&token, now + lifetime, lifetime));
        assert!(!book.is_valid("other", now, lifetime));
        assert_eq!(book.issued_total(), 1);
    }
}
