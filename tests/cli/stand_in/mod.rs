//! A hostile (or merely odd) HTTP server on loopback for the cases the emulator will not
//! produce: it answers every request with whatever the test's handler returns, keeps
//! connections alive as reqwest expects, and counts the requests it received.

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

/// What the handler wants sent back: status, extra header lines and body.
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
}

/// A running stand-in; it stops with the test process.
pub struct StandIn {
    pub base_url: String,
    requests: Arc<AtomicUsize>,
}

impl StandIn {
    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Serves `handler` on a free loopback port.
pub fn serve(handler: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> StandIn {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let base_url = format!("http://{}", listener.local_addr().expect("local address"));
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    let handler = Arc::new(handler);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (counter, handler) = (Arc::clone(&counter), Arc::clone(&handler));
            std::thread::spawn(move || serve_connection(stream, &counter, &*handler));
        }
    });
    StandIn { base_url, requests }
}

fn serve_connection(stream: TcpStream, counter: &AtomicUsize, handler: &dyn Fn(&Seen) -> Answer) {
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut writer = write_half;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut content_length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" || line == "\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                content_length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; content_length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        counter.fetch_add(1, Ordering::SeqCst);
        let seen = Seen {
            target: request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_string(),
        };
        let answer = handler(&seen);
        let mut head = format!("HTTP/1.1 {} Stand-in\r\n", answer.status);
        for (name, value) in &answer.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", answer.body.len()));
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(&answer.body).is_err() {
            return;
        }
    }
}
