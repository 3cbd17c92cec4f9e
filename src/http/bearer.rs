//! The service-account side of [`ApiClient`]: `Authorization: Bearer` with a token from memory,
//! the disk cache or the token endpoint.
//!
//! A token is fetched at most once per call: a 401 answered to a token that was not fetched
//! for this very call (it came from the cache, or from earlier in the process) throws that
//! token away, fetches one new token and repeats the request once. A 401 to a token fetched
//! just now is the answer. The digest path in `client.rs` is untouched by all of this.

use super::retry_after;
use super::{ApiClient, BodyError, RawResponse, api_error};
use crate::auth::token::{AccessToken, TOKEN_PATH, TokenCache, unix_now};
use crate::errors::{NetworkError, TransportError};
use crate::http::retry::{Attempt, Failure, RetryPolicy, retrying};
use crate::secret::Secret;
use crate::settings::{Credentials, Settings};
use anyhow::Result;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};
use std::sync::Mutex;
use std::time::Instant;

/// Why a token request failed, and whether the retry policy may look at it.
enum TokenFailure {
    /// The policy decides (it still refuses statuses such as 401).
    Retryable(anyhow::Error, Failure),
    Final(anyhow::Error),
}

impl TokenFailure {
    fn network(error: NetworkError) -> TokenFailure {
        TokenFailure::Retryable(error.into(), Failure::Network)
    }
}

/// The token endpoint answers a few hundred bytes; anything far larger is not a token answer.
const MAX_TOKEN_BODY_BYTES: usize = 64 * 1024;

/// Everything a service account needs across the calls of one process.
pub(super) struct BearerState {
    client_id: String,
    client_secret: Secret,
    token_url: Url,
    cache: Option<TokenCache>,
    current: Mutex<Option<AccessToken>>,
    /// Held while a token is looked up or fetched, so concurrent calls share one fetch.
    renewing: tokio::sync::Mutex<()>,
}

impl BearerState {
    /// State for a service account; `None` for an API key.
    pub(super) fn for_credentials(
        settings: &Settings,
        credentials: &Credentials,
    ) -> Result<Option<BearerState>, TransportError> {
        let Credentials::ServiceAccount {
            client_id,
            client_secret,
        } = credentials
        else {
            return Ok(None);
        };
        let base = settings.base_url.as_str().trim_end_matches('/');
        let token_url = Url::parse(&format!("{base}{TOKEN_PATH}")).map_err(|e| {
            TransportError(format!(
                "cannot build the token endpoint URL from {base}: {e}"
            ))
        })?;
        let cache = settings
            .token_cache_dir
            .as_deref()
            .map(|dir| TokenCache::new(dir, base, client_id, client_secret));
        Ok(Some(BearerState {
            client_id: client_id.clone(),
            client_secret: client_secret.clone(),
            token_url,
            cache,
            current: Mutex::new(None),
            renewing: tokio::sync::Mutex::new(()),
        }))
    }

    fn current_if_fresh(&self, now: u64) -> Option<AccessToken> {
        let guard = self.current.lock().unwrap_or_else(|p| p.into_inner());
        guard.as_ref().filter(|t| t.is_fresh(now)).cloned()
    }

    fn set_current(&self, token: &AccessToken) {
        let mut guard = self.current.lock().unwrap_or_else(|p| p.into_inner());
        *guard = Some(token.clone());
    }
}

impl ApiClient {
    /// Sends the request with a bearer token, renewing a rejected older token once.
    pub(super) async fn send_with_bearer(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&[u8]>,
        accept: &str,
    ) -> Result<RawResponse> {
        let state = self.bearer.as_ref().ok_or_else(|| {
            TransportError("service-account credentials without token state".into())
        })?;
        let (token, fetched_for_this_call) =
            self.bearer_token(state).await.map_err(already_retried)?;
        let response = self
            .send_once(method, url, body, accept, Some(&token.authorization()))
            .await?;
        if response.status != StatusCode::UNAUTHORIZED || fetched_for_this_call {
            return Ok(response);
        }
        self.trace(format_args!(
            "  the bearer token was rejected (HTTP 401); requesting a new one"
        ));
        let token = self
            .renew_rejected(state, &token)
            .await
            .map_err(already_retried)?;
        self.send_once(method, url, body, accept, Some(&token.authorization()))
            .await
    }

    /// A usable token and whether it was fetched by this call.
    async fn bearer_token(&self, state: &BearerState) -> Result<(AccessToken, bool)> {
        if let Some(token) = state.current_if_fresh(unix_now()) {
            return Ok((token, false));
        }
        let _renewing = state.renewing.lock().await;
        let now = unix_now();
        if let Some(token) = state.current_if_fresh(now) {
            return Ok((token, false));
        }
        if let Some(cache) = &state.cache {
            match cache.load() {
                Ok(token) if token.is_fresh(now) => {
                    self.trace(format_args!(
                        "  using the cached service-account token from {} (valid for {} s more)",
                        cache.path().display(),
                        token.seconds_left(now)
                    ));
                    state.set_current(&token);
                    return Ok((token, false));
                }
                Ok(token) => self.trace(format_args!(
                    "  the cached service-account token is due for renewal ({} s left)",
                    token.seconds_left(now)
                )),
                Err(why) => self.trace(format_args!("  token cache: {why}")),
            }
        }
        let token = self.fetch_and_keep(state).await?;
        Ok((token, true))
    }

    /// Replaces a token the API rejected, unless a concurrent call already did.
    async fn renew_rejected(
        &self,
        state: &BearerState,
        rejected: &AccessToken,
    ) -> Result<AccessToken> {
        let _renewing = state.renewing.lock().await;
        if let Some(token) = state.current_if_fresh(unix_now())
            && token.value != rejected.value
        {
            return Ok(token);
        }
        if let Some(cache) = &state.cache {
            cache.remove();
        }
        self.fetch_and_keep(state).await
    }

    async fn fetch_and_keep(&self, state: &BearerState) -> Result<AccessToken> {
        let token = self.fetch_token_with_retries(state).await?;
        state.set_current(&token);
        if let Some(cache) = &state.cache {
            match cache.store(&token) {
                Ok(()) => self.trace(format_args!(
                    "  cached the token in {} (mode 0600)",
                    cache.path().display()
                )),
                Err(e) => self.trace(format_args!(
                    "  could not cache the token in {}: {e}",
                    cache.path().display()
                )),
            }
        }
        Ok(token)
    }

    /// Fetches a token under the same retry policy as API calls. Asking for a token changes
    /// nothing on the server, so 5xx and network failures are retried like a GET.
    async fn fetch_token_with_retries(&self, state: &BearerState) -> Result<AccessToken> {
        let policy = RetryPolicy::new(self.retries);
        let trace = |line: std::fmt::Arguments<'_>| self.trace(line);
        retrying(policy, true, "the token request", &trace, || async {
            match self.fetch_token(state).await {
                Ok(token) => Attempt::Done(Ok(token)),
                Err(TokenFailure::Final(error)) => Attempt::Done(Err(error)),
                Err(TokenFailure::Retryable(error, failure)) => Attempt::Failed(error, failure),
            }
        })
        .await
    }

    /// `POST {base}/api/oauth/token` with HTTP Basic client credentials.
    async fn fetch_token(&self, state: &BearerState) -> Result<AccessToken, TokenFailure> {
        let url = &state.token_url;
        let requested_at = unix_now();
        let started = Instant::now();
        let request = self
            .http
            .post(url.clone())
            .basic_auth(&state.client_id, Some(state.client_secret.expose()))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials");
        let mut response = request.send().await.map_err(|e| {
            if let Some(refused) = super::response::header_too_large(&Method::POST, url, &e) {
                self.trace(format_args!("{refused}"));
                return TokenFailure::Final(refused.into());
            }
            let what = self.describe_reqwest_error(&e);
            self.trace(format_args!("POST {url} -> {what}"));
            TokenFailure::network(NetworkError(format!("POST {url} failed: {what}")))
        })?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = match self.read_body(&mut response, MAX_TOKEN_BODY_BYTES).await {
            Ok(bytes) => bytes,
            Err(BodyError::TooLarge) => {
                return Err(TokenFailure::Final(
                    TransportError(format!(
                        "POST {url}: the token endpoint's answer is larger than {} KiB",
                        MAX_TOKEN_BODY_BYTES / 1024
                    ))
                    .into(),
                ));
            }
            Err(BodyError::Network(what)) => {
                return Err(TokenFailure::network(NetworkError(format!(
                    "POST {url}: reading the HTTP {status} response failed: {what}"
                ))));
            }
        };
        self.trace(format_args!(
            "POST {url} -> {} {} ({} ms)",
            status.as_u16(),
            status.canonical_reason().unwrap_or(""),
            started.elapsed().as_millis()
        ));
        if !status.is_success() {
            let content_type = headers
                .get(CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            let error = anyhow::Error::new(api_error(
                "POST",
                url.as_str(),
                status.as_u16(),
                content_type.as_deref(),
                &bytes,
            ));
            let error = token_refusal(error, status, &state.client_id);
            let failure = Failure::Status {
                status: status.as_u16(),
                retry_after: retry_after(&headers),
            };
            return Err(TokenFailure::Retryable(error, failure));
        }
        AccessToken::from_response(&bytes, requested_at)
            .map_err(|e| TokenFailure::Final(TransportError(format!("POST {url}: {e}")).into()))
    }
}

/// A token request that failed on the wire has had its own retries; the API call around it must
/// not retry it again (that would multiply the token requests), so it ends the call.
fn already_retried(error: anyhow::Error) -> anyhow::Error {
    if error.is::<NetworkError>() {
        TransportError(format!("{error:#}")).into()
    } else {
        error
    }
}

/// What a refused token request says: for 400, 401 and 403 the credentials are the likely
/// cause, so the message names where they come from.
fn token_refusal(error: anyhow::Error, status: StatusCode, client_id: &str) -> anyhow::Error {
    if matches!(status.as_u16(), 400 | 401 | 403) {
        error.context(format!(
            "service account {client_id} could not get an access token; check the client id and secret (--client-id/--client-secret or MONGODB_ATLAS_CLIENT_ID/MONGODB_ATLAS_CLIENT_SECRET)"
        ))
    } else {
        error.context(format!(
            "service account {client_id} could not get an access token"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use crate::settings::sources::Env;
    use clap::Parser;

    fn state_for(args: &[&str]) -> BearerState {
        let cli = Cli::try_parse_from(args).unwrap();
        let env = Env::from_pairs([
            ("HOME", "/home/u"),
            ("MONGODB_ATLAS_CLIENT_ID", "mdb_sa_id_1"),
            ("MONGODB_ATLAS_CLIENT_SECRET", "mdb_sa_sk_1"),
        ]);
        let settings = Settings::resolve_in(&cli.global, &env, Vec::new()).unwrap();
        let credentials = settings.credentials().unwrap().clone();
        BearerState::for_credentials(&settings, &credentials)
            .unwrap()
            .unwrap()
    }

    #[test]
    fn the_token_endpoint_is_on_the_api_host() {
        let gov = state_for(&["atlas-ear", "--gov", "list"]);
        assert_eq!(
            gov.token_url.as_str(),
            "https://cloud.mongodbgov.com/api/oauth/token"
        );
        let commercial = state_for(&["atlas-ear", "list"]);
        assert_eq!(
            commercial.token_url.as_str(),
            "https://cloud.mongodb.com/api/oauth/token"
        );
        let prefixed = state_for(&[
            "atlas-ear",
            "--base-url",
            "https://h.example/atlas/",
            "list",
        ]);
        assert_eq!(
            prefixed.token_url.as_str(),
            "https://h.example/atlas/api/oauth/token"
        );
    }
}
