//! TLS for the one HTTP client: which verifier judges server certificates, and a refused
//! certificate said in words.
//!
//! Without `SSL_CERT_FILE` / `SSL_CERT_DIR`, certificates are judged by the operating system's
//! own verifier (`rustls-platform-verifier`: Security.framework on macOS, CryptoAPI on Windows,
//! the system's CA bundle with webpki on Linux), with `--ca-cert`'s root added. With either
//! variable set, exactly the roots they name (plus `--ca-cert`'s) are used with webpki, on
//! every system alike, as curl and OpenSSL read them. Nothing here can switch verification off.

use crate::errors::{CertificateRejected, UsageError};
use crate::escape::printable_snippet;
use crate::settings::trust::{Trust, TrustStore};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::UnixTime;
use rustls::{CertificateError, ClientConfig, RootCertStore};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The rustls configuration for `trust`. Roots that cannot be had (a bundle that cannot be read,
/// a system without any root) are a usage error naming what to set, before any request.
pub fn client_config(trust: &Trust) -> Result<ClientConfig, UsageError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier: Arc<dyn ServerCertVerifier> = match &trust.store {
        TrustStore::System => Arc::new(
            rustls_platform_verifier::Verifier::new_with_extra_roots(
                trust.extra_certificates(),
                provider.clone(),
            )
            .map_err(|e| no_roots(&e.to_string()))?,
        ),
        TrustStore::Variables { .. } => {
            let mut roots = RootCertStore::empty();
            roots.add_parsable_certificates(trust.store.load_variables()?);
            roots.add_parsable_certificates(trust.extra_certificates());
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| no_roots(&e.to_string()))?
        }
    };
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| UsageError(format!("cannot set up TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn no_roots(why: &str) -> UsageError {
    UsageError(format!(
        "no trusted root certificate is available ({why}): install the system's CA certificates (the ca-certificates package), set SSL_CERT_FILE to a PEM bundle, or pass --ca-cert FILE (MONGODB_ATLAS_CA_CERT)"
    ))
}

/// The certificate refusal inside a failed request, if that is what failed.
pub fn certificate_rejected(error: &reqwest::Error) -> Option<CertificateRejected> {
    let tls = rustls_error_in(error)?;
    let rustls::Error::InvalidCertificate(problem) = tls else {
        return None;
    };
    let host = error
        .url()
        .and_then(|u| u.host_str())
        .unwrap_or("the server")
        .to_string();
    Some(CertificateRejected {
        host,
        reason: in_words(problem),
    })
}

/// rustls's error anywhere in the chain.
fn rustls_error_in<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    super::error_links(error)
        .into_iter()
        .find_map(|link| link.downcast_ref::<rustls::Error>())
}

/// Why a certificate was refused, for a person.
pub fn in_words(problem: &CertificateError) -> String {
    match problem {
        CertificateError::UnknownIssuer => {
            "it is signed by an unknown issuer (no trusted root certificate vouches for it)".into()
        }
        CertificateError::Expired => "it has expired".into(),
        CertificateError::ExpiredContext { time, not_after } => format!(
            "it expired on {} (this machine's clock says {})",
            date(not_after),
            date(time)
        ),
        CertificateError::NotValidYet => "it is not valid yet (check this machine's clock)".into(),
        CertificateError::NotValidYetContext { time, not_before } => format!(
            "it is not valid before {} (this machine's clock says {})",
            date(not_before),
            date(time)
        ),
        CertificateError::NotValidForName => "it is not valid for this name".into(),
        CertificateError::NotValidForNameContext {
            expected,
            presented,
        } => {
            let names: Vec<String> = presented.iter().map(|n| plain_name(n)).collect();
            let expected = printable_snippet(expected.to_str().as_bytes(), 255);
            if names.is_empty() {
                format!("it is not valid for the name {expected} (it names no host)")
            } else {
                format!(
                    "it is not valid for the name {expected} (it is for {})",
                    names.join(", ")
                )
            }
        }
        CertificateError::Revoked => "it has been revoked".into(),
        CertificateError::BadSignature => "its signature does not verify".into(),
        CertificateError::BadEncoding => "it cannot be decoded".into(),
        CertificateError::UnhandledCriticalExtension => {
            "it carries a critical extension this client does not understand".into()
        }
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "it is not meant for a TLS server (its extended key usage lacks server authentication)"
                .into()
        }
        CertificateError::Other(other) => match other.0.downcast_ref::<webpki::Error>() {
            Some(webpki) => webpki_in_words(webpki),
            // The platform verifiers (macOS, Windows) explain in their own words.
            None => format!(
                "the system's verifier refused it: {}",
                printable_snippet(other.0.to_string().as_bytes(), 300)
            ),
        },
        other => {
            unsupported_algorithm(other).unwrap_or_else(|| format!("it was refused ({other:?})"))
        }
    }
}

#[allow(deprecated)] // the context-free variant is still produced by some verifiers
fn unsupported_algorithm(problem: &CertificateError) -> Option<String> {
    matches!(
        problem,
        CertificateError::UnsupportedSignatureAlgorithm
            | CertificateError::UnsupportedSignatureAlgorithmContext { .. }
            | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. }
    )
    .then(|| "it is signed with an algorithm this client does not accept".into())
}

/// The webpki errors that rustls passes on without a variant of its own.
fn webpki_in_words(error: &webpki::Error) -> String {
    match error {
        webpki::Error::CaUsedAsEndEntity => {
            "it is a CA certificate used as a server certificate".into()
        }
        webpki::Error::EndEntityUsedAsCa => {
            "a server certificate in its chain signs other certificates".into()
        }
        webpki::Error::CertDistrusted => "its issuer is no longer trusted".into(),
        webpki::Error::PathLenConstraintViolated => {
            "its chain is longer than a CA in it allows".into()
        }
        webpki::Error::NameConstraintViolation => {
            "a CA in its chain may not vouch for this name".into()
        }
        webpki::Error::MaximumPathDepthExceeded
        | webpki::Error::MaximumPathBuildCallsExceeded
        | webpki::Error::MaximumSignatureChecksExceeded => "its chain is too long".into(),
        other => format!("it was refused ({other:?})"),
    }
}

/// `DnsName("atlas.example.test")`, webpki's form of a name in the certificate, as
/// `atlas.example.test`, escaped: the certificate came from the server.
fn plain_name(presented: &str) -> String {
    let inner = match (presented.find('"'), presented.rfind('"')) {
        (Some(start), Some(end)) if end > start => &presented[start + 1..end],
        _ => presented,
    };
    printable_snippet(inner.as_bytes(), 255)
}

fn date(time: &UnixTime) -> String {
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(time.as_secs());
    humantime::format_rfc3339_seconds(at).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::ServerName;

    #[test]
    fn refusals_are_said_in_words() {
        let words = |p: CertificateError| in_words(&p);
        assert!(words(CertificateError::UnknownIssuer).contains("unknown issuer"));
        let expired = words(CertificateError::ExpiredContext {
            time: UnixTime::since_unix_epoch(Duration::from_secs(1_000_000_000)),
            not_after: UnixTime::since_unix_epoch(Duration::from_secs(978_307_200)),
        });
        assert_eq!(
            expired,
            "it expired on 2001-01-01T00:00:00Z (this machine's clock says 2001-09-09T01:46:40Z)"
        );
        let name = words(CertificateError::NotValidForNameContext {
            expected: ServerName::try_from("atlas.example.test").unwrap(),
            presented: vec![
                "DnsName(\"other.example.test\")".into(),
                "DnsName(\"evil\u{1b}[2J\")".into(),
            ],
        });
        assert_eq!(
            name,
            "it is not valid for the name atlas.example.test (it is for other.example.test, evil\\u{1b}[2J)"
        );
        let ca = words(CertificateError::Other(rustls::OtherError(Arc::new(
            webpki::Error::CaUsedAsEndEntity,
        ))));
        assert_eq!(ca, "it is a CA certificate used as a server certificate");
        assert!(!ca.contains("Other("));
    }

    #[test]
    fn an_error_without_a_refused_certificate_is_not_one() {
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls::Error::DecryptError);
        let wrapped = std::io::Error::other(io);
        assert!(matches!(
            rustls_error_in(&wrapped),
            Some(rustls::Error::DecryptError)
        ));
        let plain = std::io::Error::other("reset");
        assert!(rustls_error_in(&plain).is_none());
    }
}
