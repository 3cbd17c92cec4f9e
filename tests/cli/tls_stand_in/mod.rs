//! Loopback TLS for the tests, made at test time: a test certificate authority and the server
//! certificates it signs, a TLS front that forwards the decrypted bytes to the in-process
//! emulator (so real API calls succeed over https), and a CONNECT proxy that counts tunnels and
//! records the `Proxy-Authorization` it was sent. Nothing depends on the machine's trust store:
//! the tests hand the binary their own bundles.
#![allow(dead_code)]

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, date_time_ymd,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A certificate authority that exists only for one test.
pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
    key_der: Vec<u8>,
}

/// What a TLS server presents: its chain and the key of its first certificate.
pub struct ServerIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let key = KeyPair::generate().expect("CA key");
        let key_der = key.serialize_der();
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let issuer = CertifiedIssuer::self_signed(params, key).expect("self-signed CA");
        TestCa { issuer, key_der }
    }

    /// The CA certificate in PEM, as a bundle or `--ca-cert` file holds it.
    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// Writes the CA certificate to `dir/file` and returns the path.
    pub fn write_pem(&self, dir: &Path, file: &str) -> PathBuf {
        let path = dir.join(file);
        std::fs::write(&path, self.pem()).expect("write the CA file");
        path
    }

    /// A server certificate for `names`, signed by this CA, valid from the start of last year to
    /// the start of the next (731 days: macOS accepts no more than 825 for a server certificate).
    pub fn server(&self, names: &[&str]) -> ServerIdentity {
        let year = this_year();
        self.server_with(names, |params| {
            params.not_before = date_time_ymd(year - 1, 1, 1);
            params.not_after = date_time_ymd(year + 1, 1, 1);
        })
    }

    /// A server certificate for `names` that expired on 2001-01-01.
    pub fn expired_server(&self, names: &[&str]) -> ServerIdentity {
        self.server_with(names, |params| {
            params.not_before = date_time_ymd(2000, 1, 1);
            params.not_after = date_time_ymd(2001, 1, 1);
        })
    }

    /// The CA's own certificate and key, served as if it were a server certificate.
    pub fn itself_as_server(&self) -> ServerIdentity {
        ServerIdentity {
            chain: vec![self.issuer.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone())),
        }
    }

    fn server_with(
        &self,
        names: &[&str],
        adjust: impl FnOnce(&mut CertificateParams),
    ) -> ServerIdentity {
        let key = KeyPair::generate().expect("server key");
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).expect("server params");
        params
            .distinguished_name
            .push(DnType::CommonName, "atlas-ear test server");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        adjust(&mut params);
        let cert = params.signed_by(&key, &self.issuer).expect("signed");
        ServerIdentity {
            chain: vec![cert.der().clone(), self.issuer.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }
}

/// The current year by the system clock, give or take a day around New Year (which the
/// validity above allows for).
fn this_year() -> i32 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs();
    1970 + i32::try_from(seconds / 31_556_952).expect("a plausible year")
}

/// A TLS server on 127.0.0.1 that forwards each connection's plaintext to `backend`.
pub struct TlsFront {
    pub port: u16,
    connections: Arc<AtomicUsize>,
}

impl TlsFront {
    /// Presents `identity`; forwards to the emulator at `backend_url` (`http://127.0.0.1:PORT`).
    pub fn start(identity: ServerIdentity, backend_url: &str) -> TlsFront {
        let backend: SocketAddr = backend_url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("the emulator listens on an IP address");
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(identity.chain, identity.key)
        .expect("server certificate");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let port = listener.local_addr().expect("local address").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                while let Ok((stream, _)) = listener.accept().await {
                    counted.fetch_add(1, Ordering::SeqCst);
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        // A client that refuses the certificate ends the handshake: nothing to do.
                        let Ok(mut tls) = acceptor.accept(stream).await else {
                            return;
                        };
                        let Ok(mut upstream) = tokio::net::TcpStream::connect(backend).await else {
                            return;
                        };
                        let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
                    });
                }
            });
        });
        TlsFront { port, connections }
    }

    /// `https://HOST:PORT`, a base URL for this front under the name `host`.
    pub fn base_url(&self, host: &str) -> String {
        format!("https://{host}:{}", self.port)
    }

    /// TCP connections accepted so far (each one is a TLS handshake attempt).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// An HTTP proxy on 127.0.0.1 that only tunnels (CONNECT), and only to one host name, which it
/// maps to a loopback port as a real proxy would resolve it.
pub struct ConnectProxy {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    tunnels: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
    authorizations: Arc<Mutex<Vec<Option<String>>>>,
}

impl ConnectProxy {
    /// Tunnels `CONNECT host:any-port` to `127.0.0.1:port`; with `required`, only when the
    /// request carries exactly that `Proxy-Authorization` value (else 407).
    pub fn start(host: &str, port: u16, required: Option<&str>) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let proxy = ConnectProxy {
            url,
            tunnels: Arc::new(AtomicUsize::new(0)),
            connections: Arc::new(AtomicUsize::new(0)),
            authorizations: Arc::new(Mutex::new(Vec::new())),
        };
        let rule = Arc::new(Rule {
            host: host.to_ascii_lowercase(),
            to: SocketAddr::from(([127, 0, 0, 1], port)),
            required: required.map(str::to_string),
            tunnels: proxy.tunnels.clone(),
            authorizations: proxy.authorizations.clone(),
        });
        let connections = proxy.connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                connections.fetch_add(1, Ordering::SeqCst);
                let rule = rule.clone();
                std::thread::spawn(move || rule.serve(stream));
            }
        });
        proxy
    }

    /// Tunnels opened so far.
    pub fn tunnels(&self) -> usize {
        self.tunnels.load(Ordering::SeqCst)
    }

    /// Connections accepted so far, tunnelled or not.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// The `Proxy-Authorization` of each CONNECT, in order (`None` where there was none).
    pub fn authorizations(&self) -> Vec<Option<String>> {
        self.authorizations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

struct Rule {
    host: String,
    to: SocketAddr,
    required: Option<String>,
    tunnels: Arc<AtomicUsize>,
    authorizations: Arc<Mutex<Vec<Option<String>>>>,
}

impl Rule {
    fn serve(&self, mut client: TcpStream) {
        let Ok(reading) = client.try_clone() else {
            return;
        };
        let mut reader = BufReader::new(reading);
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).is_err() {
            return;
        }
        let mut authorization = None;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line.trim_end().is_empty() => break,
                Ok(_) => {
                    if let Some((name, value)) = line.split_once(':')
                        && name.eq_ignore_ascii_case("proxy-authorization")
                    {
                        authorization = Some(value.trim().to_string());
                    }
                }
            }
        }
        self.authorizations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(authorization.clone());
        let mut parts = request_line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let host = target.rsplit_once(':').map_or(target, |(h, _)| h);
        let answer = |client: &mut TcpStream, status: &str| {
            let _ = client.write_all(
                format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .as_bytes(),
            );
        };
        if method != "CONNECT" || !host.eq_ignore_ascii_case(&self.host) {
            return answer(&mut client, "502 Bad Gateway");
        }
        if self.required.is_some() && authorization != self.required {
            return answer(
                &mut client,
                "407 Proxy Authentication Required\r\nproxy-authenticate: Basic realm=\"test\"",
            );
        }
        let Ok(upstream) = TcpStream::connect(self.to) else {
            return answer(&mut client, "502 Bad Gateway");
        };
        if client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .is_err()
        {
            return;
        }
        self.tunnels.fetch_add(1, Ordering::SeqCst);
        relay(reader, client, upstream);
    }
}

/// Copies both ways until each side closes (bytes already buffered from the client first).
fn relay(mut from_client: BufReader<TcpStream>, client: TcpStream, upstream: TcpStream) {
    let (Ok(mut to_upstream), Ok(mut from_upstream)) = (upstream.try_clone(), upstream.try_clone())
    else {
        return;
    };
    let Ok(mut to_client) = client.try_clone() else {
        return;
    };
    let forward = std::thread::spawn(move || {
        let buffered = from_client.buffer().to_vec();
        let _ = to_upstream.write_all(&buffered);
        from_client.consume(buffered.len());
        let _ = std::io::copy(&mut from_client, &mut to_upstream);
        let _ = to_upstream.shutdown(Shutdown::Write);
    });
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match from_upstream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to_client.write_all(&chunk[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = client.shutdown(Shutdown::Write);
    let _ = forward.join();
}
