//! What HTTP/1.1 itself asks of a server, checked on a raw socket so nothing fills in for the
//! client: a request without exactly one `Host` is refused with 400.

mod common;

use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use atlas_ear_emulator::Emulator;
use common::*;
use serde_json::Value;

/// A connection to `emulator` that reads answers one at a time.
fn connect(emulator: &Emulator) -> (TcpStream, BufReader<TcpStream>) {
    let stream = TcpStream::connect(emulator.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let reader = BufReader::new(stream.try_clone().unwrap());
    (stream, reader)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn an_http_1_1_request_without_exactly_one_host_is_refused_with_400() {
    let emulator = start(slow_config());
    let path = list_path(GROUP, "AWS");
    let control = "/__emulator/health";
    for (request, target) in [
        (
            format!("GET {path} HTTP/1.1\r\nAccept: {ACCEPT}\r\n\r\n"),
            &path,
        ),
        (
            format!("GET {path} HTTP/1.1\r\nHost: a\r\nHost: b\r\nAccept: {ACCEPT}\r\n\r\n"),
            &path,
        ),
        (
            format!("GET {control} HTTP/1.1\r\n\r\n"),
            &control.to_string(),
        ),
    ] {
        let (mut stream, mut reader) = connect(&emulator);
        stream.write_all(request.as_bytes()).unwrap();
        let (status, headers, body) = read_response(&mut reader);
        assert_eq!(status, 400, "{target}: {body}");
        assert!(
            header(&headers, "content-type")
                .unwrap()
                .starts_with("application/json"),
            "{headers:?}"
        );
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["errorCode"], "INVALID_HOST_HEADER", "{body}");
        assert_eq!(body["error"], 400);
    }
    let log = emulator.requests();
    assert_eq!(
        log.len(),
        2,
        "API requests are logged, control requests are not"
    );
    assert!(log.iter().all(|r| r.status == 400));

    // HTTP/1.0 has no Host requirement: the request goes on to authentication.
    let (mut stream, mut reader) = connect(&emulator);
    let request = format!("GET {path} HTTP/1.0\r\nAccept: {ACCEPT}\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let (status, _, _) = read_response(&mut reader);
    assert_eq!(status, 401);
}
