//! The one HTTP client of a process: versioned headers, authentication, traces, bounded reads
//! and decoding of Atlas error bodies.
//!
//! The API layer hands it a method, a path and an optional JSON body and gets back the status
//! and bytes of a 2xx answer, or a typed error. Authentication is answered pre-emptively once a
//! digest challenge is known, so each call is one round trip.
pub mod retry;
pub mod trace;

mod bearer;

use crate::auth::challenge_cache::ChallengeCache;
use crate::auth::challenge_slot::ChallengeSlot;
use crate::auth::digest::{self, DigestChallenge};
use crate::errors::{ApiError, AuthRejected, NetworkError, TransportError};
use crate::escape::printable_snippet;
use crate::http::retry::{Attempt, Failure, RetryPolicy, parse_retry_after, retrying};
use crate::settings::{Credentials, Settings};
use anyhow::Result;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode, Url};
use std::time::{Duration, Instant};

/// Largest response body read into memory; a hostile or broken server cannot make us grow past it.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Sent with every request (set on the HTTP client, so traces name it explicitly).
pub const USER_AGENT: &str = concat!("atlas-ear/", env!("CARGO_PKG_VERSION"));

/// A successful (2xx) answer.
#[derive(Debug)]
pub struct ApiResponse {
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

pub struct ApiClient {
    http: reqwest::Client,
    base_url: Url,
    credentials: Credentials,
    accept: String,
    verbose: u8,
    retries: u32,
    request_timeout: Duration,
    /// The digest challenge answered pre-emptively: empty until the first 401 unless an earlier
    /// run left one in the challenge cache.
    challenge: ChallengeSlot,
    /// Held by the one request that is fetching a challenge, so concurrent requests wait for
    /// it instead of each paying for a 401 of their own.
    handshake: tokio::sync::Mutex<()>,
    /// Token state for a service account; `None` with an API key.
    bearer: Option<bearer::BearerState>,
}

impl ApiClient {
    pub fn new(settings: &Settings) -> Result<ApiClient> {
        let credentials = settings.credentials()?.clone();
        let cache =
            match (&credentials, &settings.challenge_cache_dir) {
                (Credentials::ApiKey { public_key, .. }, Some(dir)) => Some(
                    ChallengeCache::in_dir(dir.clone(), &settings.base_url, public_key),
                ),
                _ => None,
            };
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(settings.request_timeout)
            // A redirect would re-send credentials somewhere the user did not name.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| TransportError(format!("cannot set up the HTTP client: {e}")))?;
        let bearer = bearer::BearerState::for_credentials(settings, &credentials)?;
        let client = ApiClient {
            http,
            base_url: settings.base_url.clone(),
            credentials,
            accept: format!("application/vnd.atlas.{}+json", settings.api_version),
            verbose: settings.verbose,
            retries: settings.retries,
            request_timeout: settings.request_timeout,
            challenge: ChallengeSlot::new(cache, settings.verbose > 0),
            handshake: tokio::sync::Mutex::new(()),
            bearer,
        };
        client.trace(format_args!("{}", settings.auth_summary()?));
        Ok(client)
    }

    /// The full URL for an API path such as `/api/atlas/v2/groups/...`, keeping any path prefix
    /// of the base URL.
    pub fn url(&self, path_and_query: &str) -> String {
        let base = self.base_url.as_str().trim_end_matches('/');
        format!("{base}{path_and_query}")
    }

    /// Sends one API call and returns its 2xx answer; any other outcome is a typed error.
    /// Retries follow the README's policy: 429 for any method; 5xx and network failures only
    /// for GET and DELETE, because a POST with an unknown outcome may already have created
    /// something (the `create` command finds out by listing instead).
    pub async fn call(
        &self,
        method: Method,
        path_and_query: &str,
        json_body: Option<&serde_json::Value>,
    ) -> Result<ApiResponse> {
        let url = Url::parse(&self.url(path_and_query))
            .map_err(|e| TransportError(format!("cannot build a URL for {path_and_query}: {e}")))?;
        let body = match json_body {
            Some(value) => Some(serde_json::to_vec(value)?),
            None => None,
        };
        let idempotent = method == Method::GET || method == Method::DELETE;
        let policy = RetryPolicy::new(self.retries);
        let trace = |line: std::fmt::Arguments<'_>| self.trace(line);
        retrying(policy, idempotent, method.as_str(), &trace, || async {
            let response = match self
                .send_authenticated(&method, &url, body.as_deref())
                .await
            {
                Ok(response) => response,
                Err(e) if e.is::<NetworkError>() => return Attempt::Failed(e, Failure::Network),
                // Rejected keys, a refused body or redirect: retrying cannot change them.
                Err(e) => return Attempt::Done(Err(e)),
            };
            if response.status.is_success() {
                return Attempt::Done(Ok(ApiResponse::from(response)));
            }
            let failure = Failure::Status {
                status: response.status.as_u16(),
                retry_after: retry_after(&response.headers),
            };
            let error = api_error(
                method.as_str(),
                url.as_str(),
                response.status.as_u16(),
                response.content_type.as_deref(),
                &response.body,
            );
            Attempt::Failed(error.into(), failure)
        })
        .await
    }

    /// Sends the request with authentication, answering digest challenges. Returns whatever
    /// final answer the server gave, success or not.
    async fn send_authenticated(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&[u8]>,
    ) -> Result<RawResponse> {
        let (public_key, private_key) = match &self.credentials {
            Credentials::ApiKey {
                public_key,
                private_key,
            } => (public_key, private_key),
            Credentials::ServiceAccount { .. } => {
                return self.send_with_bearer(method, url, body).await;
            }
        };
        // The digest `uri` must be exactly what goes on the request line.
        let uri = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let authorize = |challenge: &mut DigestChallenge| {
            challenge.authorize(method.as_str(), &uri, public_key, private_key.expose())
        };

        // One request at a time fetches or answers a new challenge, holding `handshake` until
        // the server has accepted that answer; the others wait, so none pays for a 401 of its
        // own and none overtakes the answer with a later nc (which the server would take for a
        // replay, and this call for a wrong key).
        let guard = self.handshake.lock().await;
        let mut authorization = self.challenge.answer_preemptively(authorize);
        let mut handshake_guard = authorization.is_none().then_some(guard);
        // The nonce of a challenge the server issued during this very call, once answered.
        let mut answered_fresh: Option<String> = None;
        loop {
            let response = self
                .send_once(method, url, body, authorization.as_deref())
                .await?;
            if response.status != StatusCode::UNAUTHORIZED {
                if let Some(nonce) = &answered_fresh {
                    self.challenge.share_confirmed(nonce);
                }
                return Ok(response);
            }
            let offered = response
                .headers
                .get_all(WWW_AUTHENTICATE)
                .iter()
                .filter_map(|v| v.to_str().ok());
            let challenge = match digest::parse_challenges(offered) {
                Ok(challenge) => challenge,
                // A 401 without a usable digest challenge is an answer in itself.
                Err(digest::ChallengeError::NoDigestChallenge) => return Ok(response),
                Err(e) => {
                    return Err(TransportError(format!(
                        "cannot answer the server's authentication challenge: {e}"
                    ))
                    .into());
                }
            };
            if answered_fresh.is_some() {
                return Err(AuthRejected {
                    public_key: public_key.clone(),
                }
                .into());
            }
            if self.verbose > 0 && authorization.is_some() {
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

    /// Exactly one HTTP exchange, with the body read under [`MAX_BODY_BYTES`].
    async fn send_once(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&[u8]>,
        authorization: Option<&str>,
    ) -> Result<RawResponse> {
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .header(ACCEPT, &self.accept);
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, &self.accept)
                .body(body.to_vec());
        }
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value);
        }
        let request = request
            .build()
            .map_err(|e| TransportError(format!("cannot build the request to {url}: {e}")))?;
        self.tracer()
            .request(&request, &[("user-agent", USER_AGENT)]);
        let started = Instant::now();
        let result = self.http.execute(request).await;
        let mut response = match result {
            Ok(r) => r,
            Err(e) => {
                let what = self.describe_reqwest_error(&e);
                self.trace(format_args!("{method} {url} -> {what}"));
                return Err(NetworkError(format!("{method} {url} failed: {what}")).into());
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = match self.read_body(&mut response, MAX_BODY_BYTES).await {
            Ok(bytes) => bytes,
            Err(BodyError::TooLarge) => return Err(body_too_large(method, url).into()),
            Err(BodyError::Network(what)) => {
                return Err(NetworkError(format!(
                    "{method} {url}: reading the HTTP {status} response failed: {what}"
                ))
                .into());
            }
        };
        self.tracer()
            .response((method, url), status, started.elapsed(), &headers, &bytes);
        if status.is_redirection() {
            let location = headers
                .get(reqwest::header::LOCATION)
                .map(|v| printable_snippet(v.as_bytes(), 200))
                .unwrap_or_else(|| "(no Location header)".into());
            return Err(TransportError(format!(
                "{method} {url}: the server answered HTTP {} with a redirect to {location}; redirects are not followed (check --base-url)",
                status.as_u16()
            ))
            .into());
        }
        Ok(RawResponse {
            status,
            content_type: headers
                .get(CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
            headers,
            body: bytes,
        })
    }

    /// Names what went wrong on the wire in words a user can act on, including which timeout.
    fn describe_reqwest_error(&self, e: &reqwest::Error) -> String {
        use std::error::Error as _;
        let mut root = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            root = s.to_string();
            source = s.source();
        }
        if e.is_timeout() {
            if e.is_connect() {
                format!(
                    "connect timeout: no connection within {} s",
                    CONNECT_TIMEOUT.as_secs()
                )
            } else {
                format!(
                    "request timeout: no complete answer within {} (--request-timeout)",
                    humantime::format_duration(self.request_timeout)
                )
            }
        } else if e.is_connect() {
            format!("cannot connect: {root}")
        } else {
            format!("connection failed: {root}")
        }
    }

    /// One line on stderr with `-v`. Tracing never includes the Authorization header.
    fn trace(&self, line: std::fmt::Arguments<'_>) {
        self.tracer().line(line);
    }

    fn tracer(&self) -> crate::http::trace::Tracer {
        crate::http::trace::Tracer::new(self.verbose)
    }
}

/// The `Retry-After` of an answer, in seconds as Atlas sends it.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
}

/// A response before it has been judged.
struct RawResponse {
    status: StatusCode,
    content_type: Option<String>,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl From<RawResponse> for ApiResponse {
    fn from(r: RawResponse) -> Self {
        ApiResponse {
            status: r.status,
            content_type: r.content_type,
            body: r.body,
        }
    }
}

/// Why a response body could not be read whole.
enum BodyError {
    /// Longer than the cap the caller gave; nothing past the cap was kept.
    TooLarge,
    /// The connection failed mid-body; the text says how.
    Network(String),
}

impl ApiClient {
    /// Reads a response body, refusing it as soon as it is announced or grows past `cap`, so a
    /// hostile or broken server cannot make the process grow.
    async fn read_body(
        &self,
        response: &mut reqwest::Response,
        cap: usize,
    ) -> Result<Vec<u8>, BodyError> {
        if response
            .content_length()
            .is_some_and(|len| len > cap as u64)
        {
            return Err(BodyError::TooLarge);
        }
        let mut bytes = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) if bytes.len() + chunk.len() > cap => {
                    return Err(BodyError::TooLarge);
                }
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                Ok(None) => return Ok(bytes),
                Err(e) => return Err(BodyError::Network(self.describe_reqwest_error(&e))),
            }
        }
    }
}

fn body_too_large(method: &Method, url: &Url) -> TransportError {
    TransportError(format!(
        "{method} {url}: the response body is larger than {} MiB; refusing to read it",
        MAX_BODY_BYTES / (1024 * 1024)
    ))
}

/// Decodes a non-2xx answer into an [`ApiError`], whether or not its body is Atlas error JSON.
/// Public so the property tests and fuzz targets can feed it arbitrary bodies.
pub fn api_error(
    method: &str,
    url: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> ApiError {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct AtlasErrorBody {
        error_code: Option<String>,
        detail: Option<String>,
    }
    let parsed: Option<AtlasErrorBody> = serde_json::from_slice(body).ok();
    let (error_code, detail, body_snippet) = match parsed {
        Some(b) if b.error_code.is_some() || b.detail.is_some() => (b.error_code, b.detail, None),
        _ if body.is_empty() => (None, None, None),
        _ => (
            None,
            None,
            Some(format!(
                "{} bytes of {}: {}",
                body.len(),
                printable_snippet(content_type.unwrap_or("no content type").as_bytes(), 80),
                printable_snippet(body, 120)
            )),
        ),
    };
    ApiError {
        status,
        method: method.to_string(),
        url: url.to_string(),
        error_code,
        detail,
        body_snippet,
    }
}
