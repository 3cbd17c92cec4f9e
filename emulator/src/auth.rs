//! Who may call the API routes: a digest answer to one of our challenges, or a bearer token from the
//! token endpoint. Anything else gets 401 with a fresh digest challenge, as Atlas answers.

use std::sync::atomic::Ordering;
use std::time::Instant;

use crate::digest::{self, DigestCredentials, Verdict};
use crate::errors::ApiError;
use crate::incoming::Incoming;
use crate::reply::Reply;
use crate::state::{Shared, lock};
use crate::token::strip_scheme;

/// Checks the `Authorization` header; `Err` holds the complete 401 answer.
pub(crate) fn authenticate(shared: &Shared, request: &Incoming, pretty: bool) -> Result<(), Reply> {
    let now = Instant::now();
    let Some(header) = request.header("authorization") else {
        return Err(unauthorized(
            shared,
            false,
            "Authentication is required.",
            pretty,
        ));
    };
    if let Some(token) = strip_scheme(header, "bearer") {
        let valid = lock(&shared.tokens).is_valid(token.trim(), now, shared.config.token_lifetime);
        return if valid {
            Ok(())
        } else {
            Err(unauthorized(
                shared,
                false,
                "The access token is invalid or has expired.",
                pretty,
            ))
        };
    }
    let Some(answer) = strip_scheme(header, "digest") else {
        return Err(unauthorized(
            shared,
            false,
            "Use digest authentication or a bearer token.",
            pretty,
        ));
    };
    let credentials = DigestCredentials {
        username: &shared.config.public_key,
        password: &shared.config.private_key,
        algorithm: shared.config.algorithm,
        nonce_lifetime: shared.config.nonce_lifetime,
        strict_nc_order: shared.config.strict_nc_order,
    };
    let uri = request.path_and_query();
    let verdict = {
        let mut nonces = lock(&shared.nonces);
        let verdict = digest::verify(
            answer,
            &request.method,
            &uri,
            &credentials,
            &mut nonces,
            now,
        );
        if let Verdict::Accepted { nonce } = &verdict
            && shared.rotate_nonce.load(Ordering::SeqCst)
        {
            nonces.invalidate(nonce);
        }
        verdict
    };
    match verdict {
        Verdict::Accepted { .. } => Ok(()),
        Verdict::Rejected { stale: true, .. } => Err(unauthorized(
            shared,
            true,
            "The nonce has expired; answer the new challenge.",
            pretty,
        )),
        Verdict::Rejected {
            stale: false,
            reason,
        } => Err(unauthorized(
            shared,
            false,
            &format!("Digest authentication failed: {reason}."),
            pretty,
        )),
    }
}

/// A 401 with a newly issued nonce in the `WWW-Authenticate` challenge.
fn unauthorized(shared: &Shared, stale: bool, detail: &str, pretty: bool) -> Reply {
    let nonce = lock(&shared.nonces).issue(Instant::now(), shared.config.nonce_lifetime);
    let error = ApiError::new(401, "UNAUTHORIZED", detail);
    Reply::error(&error, pretty).header(
        "www-authenticate",
        digest::challenge(&nonce, shared.config.algorithm, stale),
    )
}
