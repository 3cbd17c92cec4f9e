//! Helpers shared by the integration tests: starting an emulator, and a small digest client of the
//! tests' own (on md-5 and sha2) so the server is checked against an independent implementation.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::time::Duration;

use atlas_ear_emulator::{Config, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, DigestAlgorithm, Emulator};
use md5::{Digest, Md5};
use reqwest::{Method, Response, StatusCode};
use serde_json::Value;
use sha2::Sha256;

pub const GROUP: &str = "0123456789abcdef01234567";
pub const OTHER_GROUP: &str = "abcdefabcdefabcdefabcdef";
pub const ACCEPT: &str = "application/vnd.atlas.2023-01-01+json";

/// A config whose endpoints stay in their transitional statuses until a test changes the settle time.
pub fn slow_config() -> Config {
    Config {
        settle_after: Duration::from_secs(3600),
        ..Config::default()
    }
}

pub fn start(config: Config) -> Emulator {
    Emulator::start(config).expect("emulator starts")
}

pub fn list_path(group: &str, provider: &str) -> String {
    format!("/api/atlas/v2/groups/{group}/encryptionAtRest/{provider}/privateEndpoints")
}

pub fn item_path(group: &str, provider: &str, id: &str) -> String {
    format!("{}/{id}", list_path(group, provider))
}

pub fn hex_hash(algorithm: DigestAlgorithm, data: &str) -> String {
    let bytes = match algorithm {
        DigestAlgorithm::Md5 => Md5::digest(data.as_bytes()).to_vec(),
        DigestAlgorithm::Sha256 => Sha256::digest(data.as_bytes()).to_vec(),
    };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The parameters of a `WWW-Authenticate: Digest ...` challenge (quotes removed).
pub fn parse_challenge(header: &str) -> HashMap<String, String> {
    let rest = header.strip_prefix("Digest ").expect("a digest challenge");
    rest.split(", ")
        .map(|pair| {
            let (name, value) = pair.split_once('=').expect("name=value");
            (name.to_string(), value.trim_matches('"').to_string())
        })
        .collect()
}

pub struct Answer<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub algorithm: DigestAlgorithm,
    pub method: &'a str,
    pub uri: &'a str,
    pub nonce: &'a str,
    pub nc: u32,
}

/// `Authorization: Digest ...` for one request, computed per RFC 7616 with `qop=auth`.
pub fn digest_header(a: &Answer<'_>) -> String {
    let realm = "MMS Public API";
    let nc = format!("{:08x}", a.nc);
    let cnonce = format!("c{:x}", a.nc.wrapping_mul(2_654_435_761));
    let ha1 = hex_hash(
        a.algorithm,
        &format!("{}:{realm}:{}", a.username, a.password),
    );
    let ha2 = hex_hash(a.algorithm, &format!("{}:{}", a.method, a.uri));
    let response = hex_hash(
        a.algorithm,
        &format!("{ha1}:{}:{nc}:{cnonce}:auth:{ha2}", a.nonce),
    );
    let algorithm = match a.algorithm {
        DigestAlgorithm::Md5 => "MD5",
        DigestAlgorithm::Sha256 => "SHA-256",
    };
    format!(
        "Digest username=\"{}\", realm=\"{realm}\", nonce=\"{}\", uri=\"{}\", algorithm={algorithm}, \
         qop=auth, nc={nc}, cnonce=\"{cnonce}\", response=\"{response}\"",
        a.username, a.nonce, a.uri
    )
}

/// The demo key pair's MD5 answer for one request.
pub fn demo_answer(nonce: &str, nc: u32, method: &str, uri: &str) -> String {
    digest_header(&Answer {
        username: DEMO_PUBLIC_KEY,
        password: DEMO_PRIVATE_KEY,
        algorithm: DigestAlgorithm::Md5,
        method,
        uri,
        nonce,
        nc,
    })
}

/// Reads one HTTP/1.1 response (status, headers, Content-Length body) from a kept-alive stream.
pub fn read_response(reader: &mut BufReader<TcpStream>) -> (u16, Vec<(String, String)>, String) {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status: u16 = line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed.split_once(": ").unwrap();
        headers.push((name.to_ascii_lowercase(), value.to_string()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (status, headers, String::from_utf8(body).unwrap())
}

/// A client that answers digest challenges, reusing a nonce with an increasing `nc` like real
/// clients do, and re-answering once when told the nonce is stale.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub username: String,
    pub password: String,
    pub algorithm: DigestAlgorithm,
    nonce: Option<String>,
    nc: u32,
}

impl Client {
    pub fn new(emulator: &Emulator) -> Client {
        Client::for_base(&emulator.base_url())
    }

    /// A client for an emulator started elsewhere (the binary), with the demo keys.
    pub fn for_base(base: &str) -> Client {
        Client {
            http: reqwest::Client::new(),
            base: base.to_string(),
            username: DEMO_PUBLIC_KEY.to_string(),
            password: DEMO_PRIVATE_KEY.to_string(),
            algorithm: DigestAlgorithm::Md5,
            nonce: None,
            nc: 0,
        }
    }

    pub fn with_password(mut self, password: &str) -> Client {
        self.password = password.to_string();
        self
    }

    pub fn with_algorithm(mut self, algorithm: DigestAlgorithm) -> Client {
        self.algorithm = algorithm;
        self
    }

    /// Builds a request (without authentication) to `path_and_query`.
    pub fn request(&self, method: Method, path_and_query: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path_and_query}", self.base))
    }

    pub fn authorization(&mut self, method: &str, uri: &str) -> Option<String> {
        let nonce = self.nonce.clone()?;
        self.nc += 1;
        Some(digest_header(&Answer {
            username: &self.username,
            password: &self.password,
            algorithm: self.algorithm,
            method,
            uri,
            nonce: &nonce,
            nc: self.nc,
        }))
    }

    fn learn(&mut self, response: &Response) -> bool {
        let Some(header) = response.headers().get("www-authenticate") else {
            return false;
        };
        let challenge = parse_challenge(header.to_str().unwrap());
        self.nonce = Some(challenge["nonce"].clone());
        self.nc = 0;
        challenge["stale"] == "true"
    }

    /// Sends with digest authentication: fetches a challenge first if it has no nonce yet, and
    /// answers a `stale=true` 401 once.
    pub async fn send(
        &mut self,
        method: Method,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Response {
        if self.nonce.is_none() {
            let first = self
                .build(method.clone(), path_and_query, headers, body, None)
                .send()
                .await
                .unwrap();
            assert_eq!(
                first.status(),
                StatusCode::UNAUTHORIZED,
                "an unauthenticated request is challenged"
            );
            self.learn(&first);
        }
        for _ in 0..2 {
            let auth = self.authorization(method.as_str(), path_and_query);
            let response = self
                .build(method.clone(), path_and_query, headers, body, auth)
                .send()
                .await
                .unwrap();
            if response.status() == StatusCode::UNAUTHORIZED && self.learn(&response) {
                continue;
            }
            return response;
        }
        panic!("the server kept answering stale=true");
    }

    fn build(
        &self,
        method: Method,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
        auth: Option<String>,
    ) -> reqwest::RequestBuilder {
        let mut request = self.request(method, path_and_query);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        if let Some(body) = body {
            request = request.body(body.to_string());
        }
        request
    }

    pub async fn get(&mut self, path_and_query: &str) -> Response {
        self.send(Method::GET, path_and_query, &[("accept", ACCEPT)], None)
            .await
    }

    pub async fn delete(&mut self, path_and_query: &str) -> Response {
        self.send(Method::DELETE, path_and_query, &[("accept", ACCEPT)], None)
            .await
    }

    pub async fn post(&mut self, path_and_query: &str, body: &str) -> Response {
        let headers = [("accept", ACCEPT), ("content-type", "application/json")];
        self.send(Method::POST, path_and_query, &headers, Some(body))
            .await
    }

    /// Creates an endpoint and returns its JSON view, asserting the 202.
    pub async fn create(&mut self, provider: &str, region: &str) -> Value {
        let body = format!("{{\"regionName\":\"{region}\"}}");
        let response = self.post(&list_path(GROUP, provider), &body).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        response.json().await.unwrap()
    }

    /// The status of one endpoint through GET-one, or `None` on 404.
    pub async fn status_of(&mut self, provider: &str, id: &str) -> Option<String> {
        let response = self.get(&item_path(GROUP, provider, id)).await;
        if response.status() == StatusCode::NOT_FOUND {
            return None;
        }
        assert_eq!(response.status(), StatusCode::OK);
        let view: Value = response.json().await.unwrap();
        Some(view["status"].as_str().unwrap().to_string())
    }
}

/// Sends a control request (`/__emulator/{path}`) with an optional JSON body.
pub async fn control(
    emulator: &Emulator,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}/__emulator/{path}", emulator.base_url()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

pub async fn post(emulator: &Emulator, path: &str, body: Value) -> Response {
    control(emulator, reqwest::Method::POST, path, Some(body)).await
}

/// Reads a JSON body and asserts it is an Atlas error with this status and code.
pub async fn assert_error(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], status, "{body}");
    assert_eq!(body["errorCode"], code, "{body}");
    assert!(body["detail"].is_string(), "{body}");
    assert!(body["reason"].is_string(), "{body}");
    assert!(body["parameters"].is_array(), "{body}");
    body
}

/// The emulator binary, for tests of its flags and banner.
pub const BINARY: &str = env!("CARGO_BIN_EXE_atlas-ear-emulator");

/// A child emulator process, killed when dropped so a failed assertion never leaves it running.
pub struct Child(pub std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A started binary: the process, its base URL and every line of its banner. Its stdout stays
/// open, so the lines it prints after the ones read never meet a closed pipe.
pub struct StartedBinary {
    pub child: Child,
    pub stdout: BufReader<std::process::ChildStdout>,
    pub base: String,
    pub banner: Vec<String>,
}

/// Starts the binary on a free port with `args` and reads its banner, up to and including the
/// line that starts with `last`.
pub fn start_binary(args: &[&str], last: &str) -> StartedBinary {
    let mut child = Child(
        std::process::Command::new(BINARY)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the emulator binary starts"),
    );
    let mut stdout = BufReader::new(child.0.stdout.take().expect("stdout is piped"));
    let mut banner = Vec::new();
    loop {
        let mut line = String::new();
        let read = stdout.read_line(&mut line).expect("the banner is readable");
        assert!(read > 0, "the banner ended before {last:?}: {banner:?}");
        let line = line.trim_end().to_string();
        let done = line.starts_with(last);
        banner.push(line);
        if done {
            break;
        }
    }
    let base = banner[0]
        .strip_prefix("atlas-ear-emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {:?}", banner[0]))
        .to_string();
    StartedBinary {
        child,
        stdout,
        base,
        banner,
    }
}
