//! What HTTP/1.1 itself asks of a server, checked on a raw socket so nothing fills in for the
//! client: a request without exactly one `Host` is refused with 400, and HEAD is answered like GET
//! without the body.

mod common;

use std::io::{BufRead, BufReader, Write};
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

/// Reads the status line and headers of an answer that has no body (the answer to a HEAD).
fn read_head(reader: &mut BufReader<TcpStream>) -> (u16, Vec<(String, String)>) {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 "), "not a status line: {line:?}");
    let status = line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let Some((name, value)) = line.trim_end().split_once(": ") else {
            break;
        };
        headers.push((name.to_ascii_lowercase(), value.to_string()));
    }
    (status, headers)
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

#[test]
fn head_answers_like_get_without_the_body() {
    let emulator = start(slow_config());
    let id = emulator.seed_endpoint(GROUP, "AWS", "US_EAST_1", "ACTIVE");
    let (mut stream, mut reader) = connect(&emulator);
    let list = list_path(GROUP, "AWS");
    let request = |method: &str, path: &str, auth: &str| {
        format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nAccept: {ACCEPT}\r\n{auth}\r\n")
    };
    // The challenge to a HEAD is the 401 a GET gets, without its body.
    stream
        .write_all(request("HEAD", &list, "").as_bytes())
        .unwrap();
    let (status, headers) = read_head(&mut reader);
    assert_eq!(status, 401);
    let challenge = header(&headers, "www-authenticate").unwrap();
    let nonce = parse_challenge(challenge)["nonce"].clone();
    assert!(header(&headers, "content-length").is_some_and(|n| n != "0"));

    let mut nc = 0;
    for path in [list.clone(), item_path(GROUP, "AWS", &id)] {
        let mut auth = |method: &str| {
            nc += 1;
            format!(
                "Authorization: {}\r\n",
                demo_answer(&nonce, nc, method, &path)
            )
        };
        let head_request = request("HEAD", &path, &auth("HEAD"));
        let get_request = request("GET", &path, &auth("GET"));
        stream.write_all(head_request.as_bytes()).unwrap();
        let (head_status, head_headers) = read_head(&mut reader);
        // Were a body sent after the HEAD answer, this would read it as the next status line.
        stream.write_all(get_request.as_bytes()).unwrap();
        let (get_status, get_headers, get_body) = read_response(&mut reader);
        assert_eq!((head_status, get_status), (200, 200), "{path}");
        for name in ["content-type", "content-length", "ratelimit-limit"] {
            assert_eq!(
                header(&head_headers, name),
                header(&get_headers, name),
                "{path}: {name}"
            );
        }
        assert_eq!(
            header(&head_headers, "content-length").unwrap(),
            get_body.len().to_string()
        );
        assert!(get_body.contains(&id), "{get_body}");
    }
    let methods: Vec<(String, u16)> = emulator
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.status))
        .collect();
    let expected = [
        ("HEAD", 401),
        ("HEAD", 200),
        ("GET", 200),
        ("HEAD", 200),
        ("GET", 200),
    ];
    let expected: Vec<(String, u16)> = expected.iter().map(|(m, s)| (m.to_string(), *s)).collect();
    assert_eq!(methods, expected);
}
