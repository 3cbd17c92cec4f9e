//! The service-account token endpoint (`POST /api/oauth/token`, NOTES.md section 2): checks the
//! request the way Atlas documents it, then hands out a bearer token.

use std::time::Instant;

use serde_json::json;

use crate::auth::digest::REALM;
use crate::auth::tokens::is_known_client;
use crate::errors::ApiError;
use crate::faults::kinds::Route;
use crate::faults::queue::{self, Consumed};
use crate::http::incoming::Incoming;
use crate::http::reply::{Outcome, Reply};
use crate::mutex::lock;
use crate::state::Shared;

/// Answers the token endpoint. Order: Basic credentials (401), `Content-Type` (415), form body
/// (400), faults, then a new token.
pub(crate) async fn answer(shared: &Shared, request: &Incoming) -> Outcome {
    if !is_known_client(&shared.config, request.header("authorization")) {
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
    let fault = queue::consume(&shared.faults, Route::Token).await;
    if let Consumed::Replace(outcome) = fault {
        return outcome;
    }
    let lifetime = shared.config.token_lifetime;
    let token = lock(&shared.auth.tokens).issue(Instant::now(), lifetime);
    if let Consumed::DropAfterHandling = fault {
        return Outcome::DropConnection;
    }
    let body =
        json!({"access_token": token, "token_type": "Bearer", "expires_in": lifetime.as_secs()});
    Reply::json(200, "application/json;charset=utf-8", &body, false)
        .header("cache-control", "no-store")
        .into()
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
}
