//! One kept-alive connection carrying many exchanges: challenges, answers and errors on a raw
//! socket, and a pooled client making many requests in a row.

mod common;

use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use reqwest::Method;

#[test]
fn one_keep_alive_connection_carries_challenges_answers_and_errors() {
    let emulator = start(slow_config());
    let mut stream = TcpStream::connect(emulator.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let path = list_path(GROUP, "AWS");
    let body = r#"{"regionName":"EU_WEST_1"}"#;
    let request = |auth: &str, method: &str| {
        let length = if method == "POST" { body.len() } else { 0 };
        let payload = if method == "POST" { body } else { "" };
        format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAccept: {ACCEPT}\r\nContent-Type: application/json\r\n\
             {auth}Content-Length: {length}\r\n\r\n{payload}"
        )
    };
    stream.write_all(request("", "POST").as_bytes()).unwrap();
    let (status, headers, _) = read_response(&mut reader);
    assert_eq!(status, 401);
    let challenge = &headers
        .iter()
        .find(|(n, _)| n == "www-authenticate")
        .unwrap()
        .1;
    let nonce = parse_challenge(challenge)["nonce"].clone();
    for nc in 1..=3 {
        let auth = format!(
            "Authorization: {}\r\n",
            demo_answer(&nonce, nc, "POST", &path)
        );
        stream.write_all(request(&auth, "POST").as_bytes()).unwrap();
        let (status, _, text) = read_response(&mut reader);
        assert_eq!(status, if nc == 1 { 202 } else { 409 }, "{text}");
    }
    let auth = format!(
        "Authorization: {}\r\n",
        demo_answer(&nonce, 4, "GET", &path)
    );
    stream.write_all(request(&auth, "GET").as_bytes()).unwrap();
    let (status, _, text) = read_response(&mut reader);
    assert_eq!(status, 200);
    assert!(text.contains("EU_WEST_1"), "{text}");
    assert_eq!(emulator.requests().len(), 5);
}

#[tokio::test]
async fn a_pooled_client_makes_many_requests_in_a_row() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    for i in 0..40 {
        let method = if i % 2 == 0 {
            Method::GET
        } else {
            Method::DELETE
        };
        let path = if i % 2 == 0 {
            list_path(GROUP, "AWS")
        } else {
            item_path(GROUP, "AWS", GROUP)
        };
        let response = client
            .send(method, &path, &[("accept", ACCEPT)], None)
            .await;
        assert!(
            matches!(response.status().as_u16(), 200 | 404),
            "{}",
            response.status()
        );
    }
    assert_eq!(emulator.requests().len(), 41);
}
