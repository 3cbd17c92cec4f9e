//! How many create requests are in flight at once. The emulator answers too fast to tell, so
//! this test runs a tiny stand-in server that holds every create for a while and counts how
//! many it holds at the same time.

use crate::common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const HOLD: Duration = Duration::from_millis(500);

#[derive(Default)]
struct Counters {
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    challenges: AtomicUsize,
    creates: AtomicUsize,
}

/// Serves until the test process ends: a 401 digest challenge for anything unauthenticated,
/// and 202 with an endpoint for every authenticated POST, after holding it for [`HOLD`].
fn start_stand_in() -> (String, Arc<Counters>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let counters = Arc::new(Counters::default());
    let shared = counters.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let counters = shared.clone();
            std::thread::spawn(move || serve_connection(stream, &counters));
        }
    });
    (base, counters)
}

fn serve_connection(stream: TcpStream, counters: &Counters) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line == "\r\n" => break,
                Ok(_) => head.push(line.trim_end().to_ascii_lowercase()),
            }
        }
        let length: usize = head
            .iter()
            .find_map(|h| h.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().unwrap());
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let authorized = head.iter().any(|h| h.starts_with("authorization:"));
        let response = if !authorized {
            counters.challenges.fetch_add(1, Ordering::SeqCst);
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"MMS Public API\", domain=\"\", nonce=\"c3RhbmQtaW4\", algorithm=MD5, qop=\"auth\", stale=false\r\ncontent-length: 0\r\n\r\n".to_string()
        } else {
            let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            counters.most_in_flight.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(HOLD);
            counters.in_flight.fetch_sub(1, Ordering::SeqCst);
            let n = counters.creates.fetch_add(1, Ordering::SeqCst);
            let region: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let endpoint = serde_json::json!({
                "cloudProvider": "AWS",
                "id": format!("{n:024x}"),
                "regionName": region["regionName"],
                "status": "INITIATING",
            })
            .to_string();
            format!(
                "HTTP/1.1 202 Accepted\r\ncontent-type: application/vnd.atlas.2023-01-01+json\r\ncontent-length: {}\r\n\r\n{endpoint}",
                endpoint.len()
            )
        };
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

#[test]
fn creates_run_concurrently_but_never_more_than_four_at_once() {
    let (base, counters) = start_stand_in();
    let home = scratch_home();
    let emu = emulator(); // only for the credentials `atlas` sets; its URL is replaced
    let regions =
        "US_EAST_1,US_EAST_2,US_WEST_1,US_WEST_2,EU_WEST_1,EU_WEST_2,EU_CENTRAL_1,AP_SOUTH_1";
    let out = run(atlas(&emu, &home)
        .env("MONGODB_ATLAS_BASE_URL", &base)
        .args(["create", "--region", regions, "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["results"].as_array().unwrap().len(), 8);
    assert_eq!(
        counters.challenges.load(Ordering::SeqCst),
        1,
        "one challenge in all"
    );
    assert_eq!(counters.creates.load(Ordering::SeqCst), 8);
    let most = counters.most_in_flight.load(Ordering::SeqCst);
    assert!(most <= 4, "at most four creates in flight, saw {most}");
    assert!(most >= 2, "creates are sent concurrently, saw {most}");
    assert!(api_requests(&emu).is_empty());
}
