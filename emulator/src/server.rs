//! The HTTP/1.1 server: accepts connections (keep-alive), reads each request whole, sends control
//! requests to `control` and everything else through the API pipeline, logs it, applies the
//! configured latency, and answers or drops the connection. After a request that may have changed
//! something, the state file (if any) is written.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming as HyperBody;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::api::{pipeline, routes};
use crate::control;
use crate::errors::ApiError;
use crate::http::body::ReplyBody;
use crate::http::incoming::{Incoming, header_pairs};
use crate::http::reply::{Outcome, Reply};
use crate::mutex::lock;
use crate::state::Shared;

/// Request bodies above this size are refused with 413.
const MAX_BODY_BYTES: usize = 1 << 20;

/// The error a request handler returns to make hyper close the connection without an answer.
#[derive(Debug)]
pub(crate) struct ConnectionDropped;

impl fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for ConnectionDropped {}

/// Accepts connections until `shutdown` fires (or its sender is dropped).
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let origin = listener
        .local_addr()
        .map(|addr| format!("http://{addr}"))
        .unwrap_or_else(|_| "http://127.0.0.1".to_string());
    let origin: Arc<str> = Arc::from(origin);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(serve_connection(stream, shared.clone(), origin.clone()));
                }
                // Usually out of file descriptors: wait a little instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
        }
    }
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>, origin: Arc<str>) {
    // Small answers should leave at once, not wait for Nagle.
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| handle(shared.clone(), origin.clone(), request));
    // Errors here are the peer going away or a dropped connection: nothing to report.
    let _ = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

async fn handle(
    shared: Arc<Shared>,
    origin: Arc<str>,
    request: Request<HyperBody>,
) -> Result<Response<ReplyBody>, ConnectionDropped> {
    let arrived = Instant::now();
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => {
            let error = ApiError::new(
                413,
                "PAYLOAD_TOO_LARGE",
                "The request body is larger than 1 MiB.",
            );
            return Ok(Reply::error(&error, false).into_response());
        }
        Err(_) => return Err(ConnectionDropped),
    };
    let incoming = Incoming {
        method: parts.method.as_str().to_string(),
        version: parts.version,
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts.headers,
        body,
    };
    let changes_state = !matches!(incoming.method.as_str(), "GET" | "HEAD");
    if incoming.path.starts_with(control::PREFIX) {
        let reply = control::answer(&shared, &incoming);
        if changes_state {
            shared.save_state();
        }
        return Ok(reply.into_response());
    }
    let logged = incoming.to_logged(routes::group_segment(&incoming.path), arrived);
    let key = lock(&shared.log).record(logged);
    let outcome = pipeline::answer(&shared, &incoming, &origin).await;
    // After any request that may have changed a project (a refused one writes the same state).
    if changes_state && routes::group_segment(&incoming.path).is_some() {
        shared.save_state();
    }
    if !shared.config.latency.is_zero() {
        tokio::time::sleep(shared.config.latency).await;
    }
    match outcome {
        Outcome::Reply(reply) => {
            let response = reply.into_response();
            let headers = header_pairs(response.headers());
            lock(&shared.log).set_answer(key, response.status().as_u16(), headers);
            Ok(response)
        }
        Outcome::DropConnection => Err(ConnectionDropped),
    }
}
