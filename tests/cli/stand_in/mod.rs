//! A tiny loopback HTTP server for answers the emulator will not give (a challenge nobody can
//! answer, a header of a megabyte, a proxy that should never be asked): it gives every request
//! the same bytes and counts connections and requests, so a test can assert what a run cost.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Default)]
struct Counters {
    connections: AtomicUsize,
    requests: AtomicUsize,
}

/// A server on 127.0.0.1 that serves until the test process ends.
pub struct StandIn {
    /// `http://127.0.0.1:PORT`, usable as a base URL or a proxy URL.
    pub url: String,
    counters: Arc<Counters>,
}

impl StandIn {
    /// Answers every request on every connection with `response`, a whole HTTP/1.1 answer.
    pub fn answering(response: impl Into<Vec<u8>>) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let counters = Arc::new(Counters::default());
        let shared = counters.clone();
        let response: Arc<[u8]> = response.into().into();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                shared.connections.fetch_add(1, Ordering::SeqCst);
                let (counters, response) = (shared.clone(), response.clone());
                std::thread::spawn(move || serve(stream, &counters, &response));
            }
        });
        StandIn { url, counters }
    }

    /// A `401` carrying `www_authenticate` as its only challenge.
    pub fn challenging(www_authenticate: &str) -> StandIn {
        StandIn::answering(format!(
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: {www_authenticate}\r\ncontent-length: 0\r\n\r\n"
        ))
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
fn serve(stream: TcpStream, counters: &Counters, response: &[u8]) {
    let Ok(reading) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reading);
    let mut writer = stream;
    loop {
        let mut length = 0;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line == "\r\n" => break,
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
        if reader.read_exact(&mut body).is_err()
            || writer.write_all(response).is_err()
            || writer.flush().is_err()
        {
            return;
        }
    }
}
