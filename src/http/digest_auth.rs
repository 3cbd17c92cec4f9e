//! The API-key side of [`ApiClient`]: HTTP digest authentication, answered pre-emptively once
//! a challenge is known so that each call is one round trip.
//!
//! One request at a time fetches or answers a new challenge, holding the handshake lock until
//! the server has accepted that answer; the others wait, so none pays for a 401 of its own and
//! none overtakes the answer with a later nc (which the server would take for a replay, and this
//! call for a wrong key). A 401 to an answer of a challenge issued during this very call means
//! the key is wrong.

use super::{ApiClient, RawResponse};
use crate::auth::digest::{self, DigestChallenge};
use crate::errors::{AuthRejected, UnanswerableChallenge};
use crate::secret::Secret;
use anyhow::Result;
use reqwest::header::WWW_AUTHENTICATE;
use reqwest::{Method, StatusCode, Url};

/// The key pair a digest answer is computed from.
#[derive(Clone, Copy)]
pub(super) struct ApiKey<'a> {
    pub public: &'a str,
    pub private: &'a Secret,
}

impl ApiClient {
    /// Sends the request with a digest answer, fetching or renewing the challenge as needed.
    pub(super) async fn send_with_digest(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&[u8]>,
        accept: &str,
        key: ApiKey<'_>,
    ) -> Result<RawResponse> {
        // The digest `uri` must be exactly what goes on the request line.
        let uri = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let authorize = |challenge: &mut DigestChallenge| {
            challenge.authorize(method.as_str(), &uri, key.public, key.private.expose())
        };
        let guard = self.handshake.lock().await;
        let mut authorization = self.challenge.answer_preemptively(authorize);
        let mut handshake_guard = authorization.is_none().then_some(guard);
        // The nonce of a challenge the server issued during this very call, once answered.
        let mut answered_fresh: Option<String> = None;
        loop {
            let response = self
                .send_once(method, url, body, accept, authorization.as_deref())
                .await?;
            if response.status != StatusCode::UNAUTHORIZED {
                if let Some(nonce) = &answered_fresh {
                    self.challenge.share_confirmed(nonce);
                }
                return Ok(response);
            }
            // A 401 without a usable digest challenge is an answer in itself.
            let Some(challenge) = offered_challenge(method, url, &response)? else {
                return Ok(response);
            };
            if answered_fresh.is_some() {
                return Err(AuthRejected {
                    public_key: key.public.to_string(),
                }
                .into());
            }
            if authorization.is_some() {
                let why = if challenge.stale {
                    "expired"
                } else {
                    "rejected"
                };
                self.trace(format_args!(
                    "  digest nonce {why}; answering the new challenge"
                ));
            }
            if handshake_guard.is_none() {
                handshake_guard = Some(self.handshake.lock().await);
            }
            answered_fresh = Some(challenge.nonce.clone());
            authorization = Some(self.challenge.answer_fresh(challenge, authorize));
        }
    }
}

/// The strongest digest challenge of a 401, `None` when it offers none. A digest challenge
/// this client cannot answer (an algorithm or qop it does not support, no qop, unreadable) is
/// an authentication failure naming what was offered: no retry would change it.
fn offered_challenge(
    method: &Method,
    url: &Url,
    response: &RawResponse,
) -> Result<Option<DigestChallenge>, UnanswerableChallenge> {
    let values = response.headers.get_all(WWW_AUTHENTICATE);
    match digest::parse_challenges(values.iter().filter_map(|v| v.to_str().ok())) {
        Ok(challenge) => Ok(Some(challenge)),
        Err(digest::ChallengeError::NoDigestChallenge) => Ok(None),
        Err(e) => Err(UnanswerableChallenge {
            method: method.to_string(),
            url: url.to_string(),
            reason: e.to_string(),
            offered: values
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}
