//! The one HTTP client of a process: versioned headers, authentication, traces, bounded reads
//! and decoding of Atlas error bodies.
//!
//! The API layer hands it a method, a path and an optional JSON body and gets back the status
//! and bytes of a 2xx answer, or a typed error. Authentication is answered pre-emptively once a
//! digest challenge is known, so each call is one round trip.
//!
//! `digest_auth.rs` and `bearer.rs` are the two ways of proving who calls, `response.rs` reads
//! and judges answers, `retry.rs` is the policy and its one loop, `trace.rs` the `-v` lines,
//! `tls.rs` the certificate verifier and refusals in words. This layer may use `auth/`,
//! `settings/` and the floor.

pub mod retry;
pub mod throttle;
pub mod tls;
pub mod trace;

mod bearer;
mod digest_auth;
mod response;

pub use response::api_error;
use response::{BodyError, RawResponse, body_too_large};

use crate::auth::challenge_cache::ChallengeCache;
use crate::auth::challenge_slot::ChallengeSlot;
use crate::errors::{NetworkError, TransportError};
use crate::http::retry::{Attempt, Failure, RetryPolicy, parse_retry_after, retrying};
use crate::settings::proxy::Route;
use crate::settings::{Credentials, Settings};
use anyhow::Result;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap};
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
    /// When each project may be sent its next request (rate limits are per project).
    throttle: throttle::Throttle,
    /// Direct or through a proxy, so a failure can say which.
    route: Route,
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
        let route = settings.route()?.clone();
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(settings.request_timeout)
            // A redirect would re-send credentials somewhere the user did not name.
            .redirect(reqwest::redirect::Policy::none());
        // The proxy is decided in settings/proxy.rs, never by reqwest reading the environment.
        builder = match &route {
            Route::Proxy(proxy) => {
                builder.proxy(reqwest::Proxy::all(proxy.expose()).map_err(|_| {
                    TransportError(format!(
                        "cannot use the proxy {} (from {})",
                        proxy.shown(),
                        proxy.variable
                    ))
                })?)
            }
            Route::Direct(_) => builder.no_proxy(),
        };
        let https = settings.base_url.scheme() == "https";
        if https {
            builder = builder.use_preconfigured_tls(tls::client_config(&settings.trust)?);
        }
        let http = builder
            .build()
            .map_err(|e| TransportError(format!("cannot set up the HTTP client: {e}")))?;
        let bearer = bearer::BearerState::for_credentials(settings, &credentials)?;
        let client = ApiClient {
            http,
            base_url: settings.base_url.clone(),
            credentials,
            accept: media_type(&settings.api_version),
            verbose: settings.verbose,
            retries: settings.retries,
            request_timeout: settings.request_timeout,
            challenge: ChallengeSlot::new(cache, settings.verbose > 0),
            handshake: tokio::sync::Mutex::new(()),
            bearer,
            throttle: throttle::Throttle::default(),
            route,
        };
        client.trace(format_args!("{}", settings.auth_summary()?));
        if https {
            client.trace(format_args!("{}", settings.trust.describe()));
        }
        let host = settings.base_url.host_str().unwrap_or("");
        if let Some(line) = client.route.describe(host) {
            client.trace(format_args!("{line}"));
        }
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
        self.call_as(method, path_and_query, json_body, None).await
    }

    /// [`ApiClient::call`] with the media type of API version `api_version` (`None`: the
    /// configured `--api-version`) for `Accept` and, with a body, `Content-Type`.
    pub async fn call_as(
        &self,
        method: Method,
        path_and_query: &str,
        json_body: Option<&serde_json::Value>,
        api_version: Option<&str>,
    ) -> Result<ApiResponse> {
        let accept = match api_version {
            Some(version) => media_type(version),
            None => self.accept.clone(),
        };
        let accept = accept.as_str();
        let url = Url::parse(&self.url(path_and_query))
            .map_err(|e| TransportError(format!("cannot build a URL for {path_and_query}: {e}")))?;
        let body = match json_body {
            Some(value) => Some(serde_json::to_vec(value)?),
            None => None,
        };
        let idempotent = method == Method::GET || method == Method::DELETE;
        let policy = RetryPolicy::new(self.retries);
        let trace = |line: std::fmt::Arguments<'_>| self.trace(line);
        let project = throttle::project_of(path_and_query);
        retrying(policy, idempotent, method.as_str(), &trace, || async {
            if let Some(project) = project {
                self.hold_for(project).await;
            }
            let response = match self
                .send_authenticated(&method, &url, body.as_deref(), accept)
                .await
            {
                Ok(response) => response,
                Err(e) if e.is::<NetworkError>() => return Attempt::Failed(e, Failure::Network),
                // Rejected keys, a refused body or redirect: retrying cannot change them.
                Err(e) => return Attempt::Done(Err(e)),
            };
            if let Some(project) = project {
                let retry_after = retry_after(&response.headers);
                let status = response.status;
                if let Some(hold) =
                    self.throttle
                        .observe(project, status, &response.headers, retry_after)
                {
                    self.trace(format_args!(
                        "  rate limit: requests to project {project} wait {} ms",
                        hold.as_millis()
                    ));
                }
            }
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

    /// Waits while the project is held back by a rate limit.
    async fn hold_for(&self, project: &str) {
        loop {
            let wait = self.throttle.wait_for(project);
            if wait.is_zero() {
                return;
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// Sends the request with the configured credentials: digest answers for an API key
    /// (`digest_auth.rs`), a bearer token for a service account (`bearer.rs`). Returns whatever
    /// final answer the server gave, success or not.
    async fn send_authenticated(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&[u8]>,
        accept: &str,
    ) -> Result<RawResponse> {
        match &self.credentials {
            Credentials::ApiKey {
                public_key,
                private_key,
            } => {
                let key = digest_auth::ApiKey {
                    public: public_key,
                    private: private_key,
                };
                self.send_with_digest(method, url, body, accept, key).await
            }
            Credentials::ServiceAccount { .. } => {
                self.send_with_bearer(method, url, body, accept).await
            }
        }
    }

    /// Exactly one HTTP exchange, with the body read under [`MAX_BODY_BYTES`].
    async fn send_once(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&[u8]>,
        accept: &str,
        authorization: Option<&str>,
    ) -> Result<RawResponse> {
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .header(ACCEPT, accept);
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, accept).body(body.to_vec());
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
                if let Some(final_error) = self.final_failure(method, url, &e) {
                    return Err(final_error);
                }
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
        response::refuse_redirect(method, url, status, &headers)?;
        Ok(RawResponse {
            status,
            content_type: headers
                .get(CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
            headers,
            body: bytes,
        })
    }

    /// A failed exchange that no retry can change, as its own error (not a `NetworkError`, so
    /// the retry loop gives up at once): an oversized header, a refused certificate (the same
    /// one comes back every time), or a proxy that refused its login.
    fn final_failure(
        &self,
        method: &Method,
        url: &Url,
        e: &reqwest::Error,
    ) -> Option<anyhow::Error> {
        if let Some(refused) = response::header_too_large(method, url, e) {
            self.trace(format_args!("{refused}"));
            return Some(refused.into());
        }
        if let Some(rejected) = tls::certificate_rejected(e) {
            self.trace(format_args!("{method} {url} -> certificate refused"));
            return Some(rejected.into());
        }
        if let Route::Proxy(proxy) = &self.route
            && proxy_refused_login(e)
        {
            self.trace(format_args!(
                "{method} {url} -> the proxy refused its login"
            ));
            return Some(
                TransportError(format!(
                    "{method} {url} failed: the proxy {} (from {}) answered 407 Proxy Authentication Required\nhint: check the user and password in {} (written http://USER:PASSWORD@HOST:PORT, with special characters percent-encoded)",
                    proxy.shown(),
                    proxy.variable,
                    proxy.variable
                ))
                .into(),
            );
        }
        None
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
            format!("cannot connect: {root}{}", self.through_proxy())
        } else {
            format!("connection failed: {root}{}", self.through_proxy())
        }
    }

    /// ` (through the proxy http://********@host:port from HTTPS_PROXY)`, or nothing.
    fn through_proxy(&self) -> String {
        match &self.route {
            Route::Proxy(proxy) => format!(
                " (through the proxy {} from {})",
                proxy.shown(),
                proxy.variable
            ),
            Route::Direct(_) => String::new(),
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

/// `application/vnd.atlas.<date>+json`, the versioned media type of the Atlas API (also what
/// `--dry-run` prints, so the two cannot differ).
pub fn media_type(api_version: &str) -> String {
    format!("application/vnd.atlas.{api_version}+json")
}

/// Whether the proxy answered CONNECT with 407. hyper-util does not export its tunnel error
/// type, so its message (`tunnel error: proxy authorization required`) is the only sign.
fn proxy_refused_login(e: &reqwest::Error) -> bool {
    error_links(e)
        .iter()
        .any(|link| link.to_string().ends_with("proxy authorization required"))
}

/// Every error in a chain, looking into the payload of each `io::Error` too: its `source()`
/// skips the payload, and the HTTP stack nests one `io::Error` in another.
fn error_links<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut links = Vec::new();
    let mut link: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = link {
        links.push(current);
        link = match current.downcast_ref::<std::io::Error>() {
            Some(io) => match io.get_ref() {
                Some(payload) => Some(payload as &(dyn std::error::Error + 'static)),
                None => std::error::Error::source(io),
            },
            None => current.source(),
        };
    }
    links
}

/// The `Retry-After` of an answer, in seconds as Atlas sends it.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
}
