//! The service-account token endpoint (`POST /api/oauth/token`, NOTES.md section 2) and the bearer
//! tokens it hands out, which the API routes accept instead of digest answers.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::json;

use crate::REALM;
use crate::errors::ApiError;
use crate::faults::{self, Consumed, Route};
use crate::incoming::Incoming;
use crate::reply::{Outcome, Reply};
use crate::state::{Shared, lock};

/// Tokens issued so far, with when each was issued.
#[derive(Default)]
pub(crate) struct TokenBook {
    tokens: HashMap<String, Instant>,
    issued_total: usize,
}

impl TokenBook {
    fn issue(&mut self, now: Instant, lifetime: Duration) -> String {
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

/// Answers the token endpoint. Order: Basic credentials (401), `Content-Type` (415), form body
/// (400), faults, then a new token.
pub(crate) async fn answer(shared: &Shared, request: &Incoming) -> Outcome {
    if !client_is_known(shared, request.header("authorization")) {
        let error = ApiError::new(
            401,
            "UNAUTHORIZED",
            "Invalid service account client id or secret.",
        );
        return Reply::error(&error, false)
            .header("www-authenticate", format!("Basic realm=\"{REALM}\""))
            .into();
    }
    let essence = request.header("content-type").map(|ct| {
        ct.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    if essence.as_deref() != Some("application/x-www-form-urlencoded") {
        let error = ApiError::new(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "The token request must be sent as application/x-www-form-urlencoded.",
        );
        return Reply::error(&error, false).into();
    }
    let grant_type = form_value(&String::from_utf8_lossy(&request.body), "grant_type");
    if grant_type.as_deref() != Some("client_credentials") {
        let error = ApiError::new(
            400,
            "UNSUPPORTED_GRANT_TYPE",
            "grant_type must be client_credentials.",
        )
        .with_field("grant_type", "must be client_credentials");
        return Reply::error(&error, false).into();
    }
    let fault = faults::consume(&shared.faults, Route::Token).await;
    if let Consumed::Replace(outcome) = fault {
        return outcome;
    }
    let lifetime = shared.config.token_lifetime;
    let token = lock(&shared.tokens).issue(Instant::now(), lifetime);
    if let Consumed::DropAfterHandling = fault {
        return Outcome::DropConnection;
    }
    let body =
        json!({"access_token": token, "token_type": "Bearer", "expires_in": lifetime.as_secs()});
    Reply::json(200, "application/json;charset=utf-8", &body, false)
        .header("cache-control", "no-store")
        .into()
}

/// Checks `Authorization: Basic base64(client_id:client_secret)` against the configured account.
fn client_is_known(shared: &Shared, authorization: Option<&str>) -> bool {
    let Some((id, secret)) = &shared.config.service_account else {
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

/// `Scheme rest` -> `rest`, with the scheme matched case-insensitively.
pub(crate) fn strip_scheme<'a>(header: &'a str, scheme: &str) -> Option<&'a str> {
    let (given, rest) = header.trim_start().split_once(' ')?;
    given
        .eq_ignore_ascii_case(scheme)
        .then_some(rest.trim_start())
}

/// The first value of `name` in an `application/x-www-form-urlencoded` body.
fn form_value(body: &str, name: &str) -> Option<String> {
    body.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (form_decode(key)? == name)
            .then(|| form_decode(value))
            .flatten()
    })
}

/// Decodes `+` and `%XX`; `None` for a broken escape.
fn form_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut input = text.bytes();
    while let Some(b) = input.next() {
        match b {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = [input.next()?, input.next()?];
                let hex = std::str::from_utf8(&hex).ok()?;
                bytes.push(u8::from_str_radix(hex, 16).ok()?);
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_decoded() {
        assert_eq!(
            form_value("a=1&grant_type=client_credentials", "grant_type").as_deref(),
            Some("client_credentials")
        );
        assert_eq!(
            form_value("grant%5Ftype=client%5fcredentials", "grant_type").as_deref(),
            Some("client_credentials")
        );
        assert_eq!(form_value("x=a+b", "x").as_deref(), Some("a b"));
        assert_eq!(form_value("x=%zz", "x"), None);
        assert_eq!(form_value("", "x"), None);
    }

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

    #[test]
    fn schemes_are_case_insensitive() {
        assert_eq!(strip_scheme("BEARER abc", "bearer"), Some("abc"));
        assert_eq!(strip_scheme("Digest a=b", "bearer"), None);
        assert_eq!(strip_scheme("Bearer", "bearer"), None);
    }
}
