//! A tiny loopback HTTP server for answers the emulator will not give (endless pages, a
//! challenge nobody can answer, a header of a megabyte, a proxy that should never be asked). It
//! answers each request with what the test says, keeps connections alive as clients expect, and
//! counts connections and requests, so a test can assert what a run cost.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One request as the stand-in saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The request target: path and query.
    pub target: String,
}

/// What a handler wants sent back: status, extra header lines and body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    fn into_bytes(self) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} Stand-in\r\n", self.status);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", self.body.len()));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

#[derive(Default)]
struct Counters {
    connections: AtomicUsize,
    requests: AtomicUsize,
}

type Responder = dyn Fn(&Seen) -> Vec<u8> + Send + Sync;

/// A server on 127.0.0.1 that serves until the test process ends.
pub struct StandIn {
    /// `http://127.0.0.1:PORT`, usable as a base URL or a proxy URL.
    pub url: String,
    counters: Arc<Counters>,
}

/// Serves `handler`'s answer to every request.
pub fn serve(handler: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> StandIn {
    StandIn::start(Arc::new(move |seen: &Seen| handler(seen).into_bytes()))
}

impl StandIn {
    /// Answers every request on every connection with `response`, a whole HTTP/1.1 answer.
    pub fn answering(response: impl Into<Vec<u8>>) -> StandIn {
        let response: Arc<[u8]> = response.into().into();
        StandIn::start(Arc::new(move |_: &Seen| response.to_vec()))
    }

    /// A `401` carrying `www_authenticate` as its only challenge.
    pub fn challenging(www_authenticate: &str) -> StandIn {
        StandIn::answering(format!(
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: {www_authenticate}\r\ncontent-length: 0\r\n\r\n"
        ))
    }

    fn start(responder: Arc<Responder>) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let counters = Arc::new(Counters::default());
        let shared = counters.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                shared.connections.fetch_add(1, Ordering::SeqCst);
                let (counters, responder) = (shared.clone(), responder.clone());
                std::thread::spawn(move || serve_connection(stream, &counters, &*responder));
            }
        });
        StandIn { url, counters }
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.counters.connections.load(Ordering::SeqCst)
    }

    /// Request heads received so far (a proxy's CONNECT counts as one).
    pub fn requests(&self) -> usize {
        self.counters.requests.load(Ordering::SeqCst)
    }
}

/// Reads requests (head, then a body of `content-length` bytes) and answers each, until the
/// client closes the connection or a write fails.
fn serve_connection(stream: TcpStream, counters: &Counters, responder: &Responder) {
    let Ok(reading) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reading);
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        match reader.read_line(&mut request_line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let mut length = 0;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line == "\r\n" || line == "\n" => break,
                Ok(_) => {
                    let line = line.trim_end().to_ascii_lowercase();
                    if let Some(value) = line.strip_prefix("content-length:") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
            }
        }
        counters.requests.fetch_add(1, Ordering::SeqCst);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let seen = Seen {
            target: request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_string(),
        };
        if writer.write_all(&responder(&seen)).is_err() || writer.flush().is_err() {
            return;
        }
    }
}
