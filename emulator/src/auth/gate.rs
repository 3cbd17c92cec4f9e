//! Who may call the API routes: a digest answer to one of our challenges, or a bearer token from the
//! token endpoint. Anything else gets 401 with a fresh digest challenge, as Atlas answers.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::auth::digest::{self, DigestCredentials, Verdict};
use crate::auth::header::strip_scheme;
use crate::auth::nonces::NonceBook;
use crate::auth::tokens::TokenBook;
use crate::config::Config;
use crate::errors::ApiError;
use crate::http::incoming::Incoming;
use crate::http::reply::Reply;
use crate::mutex::lock;

/// What authentication remembers between requests: the nonces and tokens handed out, and whether
/// an accepted nonce is used up at once.
#[derive(Default)]
pub(crate) struct AuthState {
    pub nonces: Mutex<NonceBook>,
    pub tokens: Mutex<TokenBook>,
    pub rotate_nonce: AtomicBool,
}

/// Checks the `Authorization` header; `Err` holds the complete 401 answer.
pub(crate) fn authenticate(
    auth: &AuthState,
    config: &Config,
    request: &Incoming,
    pretty: bool,
) -> Result<(), Reply> {
    let refuse = |stale: bool, detail: &str| unauthorized(auth, config, stale, detail, pretty);
    let Some(header) = request.header("authorization") else {
        return Err(refuse(false, "Authentication is required."));
    };
    if let Some(token) = strip_scheme(header, "bearer") {
        let valid =
            lock(&auth.tokens).is_valid(token.trim(), Instant::now(), config.token_lifetime);
        return if valid {
            Ok(())
        } else {
            Err(refuse(false, "The access token is invalid or has expired."))
        };
    }
    let Some(answer) = strip_scheme(header, "digest") else {
        return Err(refuse(
            false,
            "Use digest authentication or a bearer token.",
        ));
    };
    match check_digest(auth, config, request, answer) {
        Verdict::Accepted { .. } => Ok(()),
        Verdict::Rejected { stale: true, .. } => Err(refuse(
            true,
            "The nonce has expired; answer the new challenge.",
        )),
        Verdict::Rejected {
            stale: false,
            reason,
        } => Err(refuse(
            false,
            &format!("Digest authentication failed: {reason}."),
        )),
    }
}

/// Verifies a digest answer against the configured key pair, using up its nonce when rotation is on.
fn check_digest(auth: &AuthState, config: &Config, request: &Incoming, answer: &str) -> Verdict {
    let credentials = DigestCredentials {
        username: &config.public_key,
        password: &config.private_key,
        algorithm: config.algorithm,
        nonce_lifetime: config.nonce_lifetime,
        strict_nc_order: config.strict_nc_order,
    };
    let uri = request.path_and_query();
    let mut nonces = lock(&auth.nonces);
    let verdict = digest::verify(
        answer,
        &request.method,
        &uri,
        &credentials,
        &mut nonces,
        Instant::now(),
    );
    if let Verdict::Accepted { nonce } = &verdict
        && auth.rotate_nonce.load(Ordering::SeqCst)
    {
        nonces.invalidate(nonce);
    }
    verdict
}

/// A 401 with a newly issued nonce in the `WWW-Authenticate` challenge.
fn unauthorized(
    auth: &AuthState,
    config: &Config,
    stale: bool,
    detail: &str,
    pretty: bool,
) -> Reply {
    let nonce = lock(&auth.nonces).issue(Instant::now(), config.nonce_lifetime);
    let error = ApiError::new(401, "UNAUTHORIZED", detail);
    Reply::error(&error, pretty).header(
        "www-authenticate",
        digest::challenge(&nonce, config.algorithm, stale),
    )
}
