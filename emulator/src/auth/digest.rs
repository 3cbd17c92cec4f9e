//! HTTP digest authentication as Atlas offers it (RFC 7616 with `qop=auth`): the challenge, and the
//! verification of an `Authorization: Digest` answer against the key pair and the nonces issued.
//! Written from the RFC on top of the md-5 and sha2 crates, independently of any client code.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use md5::{Digest as _, Md5};
use sha2::Sha256;

use crate::auth::header::parse_params;
use crate::auth::nonces::{NonceBook, NonceCheck};
use crate::config::DigestAlgorithm;

/// The digest realm Atlas uses.
pub const REALM: &str = "MMS Public API";

/// The `WWW-Authenticate` value, in the exact form Atlas sends.
pub(crate) fn challenge(nonce: &str, algorithm: DigestAlgorithm, stale: bool) -> String {
    format!(
        "Digest realm=\"{REALM}\", domain=\"\", nonce=\"{nonce}\", algorithm={}, qop=\"auth\", stale={stale}",
        algorithm.token()
    )
}

/// The key pair and algorithm answers are checked against.
pub(crate) struct DigestCredentials<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub algorithm: DigestAlgorithm,
    pub nonce_lifetime: Duration,
    /// Require `nc` to increase strictly, refusing out-of-order arrivals too.
    pub strict_nc_order: bool,
}

/// The outcome of checking one `Authorization: Digest` header.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Accepted {
        nonce: String,
    },
    /// `stale` is true only when the answer was right but the nonce had expired.
    Rejected {
        stale: bool,
        reason: &'static str,
    },
}

fn reject(reason: &'static str) -> Verdict {
    Verdict::Rejected {
        stale: false,
        reason,
    }
}

/// Verifies a digest answer (the header value after `Digest `) for `method` and the request's
/// raw path and query. The nonce is consulted last, so a wrong answer never uses up an `nc`.
pub(crate) fn verify(
    answer: &str,
    method: &str,
    request_uri: &str,
    credentials: &DigestCredentials<'_>,
    book: &mut NonceBook,
    now: Instant,
) -> Verdict {
    let Some(params) = parse_params(answer) else {
        return reject("malformed digest header");
    };
    let answer = match Answer::check(&params, request_uri, credentials) {
        Ok(answer) => answer,
        Err(reason) => return reject(reason),
    };
    if !answer.response_matches(method, credentials) {
        return reject("wrong response (key or method)");
    }
    match book.check(
        answer.nonce,
        answer.nc,
        now,
        credentials.nonce_lifetime,
        credentials.strict_nc_order,
    ) {
        NonceCheck::Fresh => Verdict::Accepted {
            nonce: answer.nonce.to_string(),
        },
        NonceCheck::Stale => Verdict::Rejected {
            stale: true,
            reason: "stale nonce",
        },
        NonceCheck::Replayed => reject("nc already used (replayed request)"),
        NonceCheck::Unknown => reject("unknown nonce"),
    }
}

/// The parameters of a digest answer that passed every check short of the hash and the nonce.
struct Answer<'a> {
    username: &'a str,
    realm: &'a str,
    nonce: &'a str,
    uri: &'a str,
    response: &'a str,
    nc_text: &'a str,
    nc: u32,
    cnonce: &'a str,
}

impl<'a> Answer<'a> {
    /// Checks that every parameter is present and names what this emulator expects; `Err` says
    /// which was not.
    fn check(
        params: &'a HashMap<String, String>,
        request_uri: &str,
        credentials: &DigestCredentials<'_>,
    ) -> Result<Answer<'a>, &'static str> {
        let get = |name: &str| params.get(name).map(String::as_str);
        let (Some(username), Some(realm), Some(nonce), Some(uri), Some(response)) = (
            get("username"),
            get("realm"),
            get("nonce"),
            get("uri"),
            get("response"),
        ) else {
            return Err("a digest parameter is missing");
        };
        if username != credentials.username {
            return Err("unknown username");
        }
        if realm != REALM {
            return Err("wrong realm");
        }
        if uri != request_uri {
            return Err("uri does not match the request");
        }
        let algorithm_ok = match get("algorithm") {
            Some(given) => given.eq_ignore_ascii_case(credentials.algorithm.token()),
            None => credentials.algorithm == DigestAlgorithm::Md5,
        };
        if !algorithm_ok {
            return Err("unsupported algorithm");
        }
        if get("qop") != Some("auth") {
            return Err("qop must be auth");
        }
        let (Some(nc_text), Some(cnonce)) = (get("nc"), get("cnonce")) else {
            return Err("nc and cnonce are required");
        };
        match parse_nc(nc_text) {
            Some(nc) if !cnonce.is_empty() => Ok(Answer {
                username,
                realm,
                nonce,
                uri,
                response,
                nc_text,
                nc,
                cnonce,
            }),
            _ => Err("malformed nc or empty cnonce"),
        }
    }

    /// Whether `response` is the hash RFC 7616 prescribes for this method and the private key.
    fn response_matches(&self, method: &str, credentials: &DigestCredentials<'_>) -> bool {
        let hash = |data: String| hex_hash(credentials.algorithm, &data);
        let ha1 = hash(format!(
            "{}:{}:{}",
            self.username, self.realm, credentials.password
        ));
        let ha2 = hash(format!("{method}:{}", self.uri));
        let expected = hash(format!(
            "{ha1}:{}:{}:{}:auth:{ha2}",
            self.nonce, self.nc_text, self.cnonce
        ));
        constant_time_eq(
            expected.as_bytes(),
            self.response.to_ascii_lowercase().as_bytes(),
        )
    }
}

/// `nc` is exactly eight hex digits and never zero.
fn parse_nc(text: &str) -> Option<u32> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(text, 16).ok().filter(|nc| *nc > 0)
}

/// Lower-case hex of the chosen hash.
pub(crate) fn hex_hash(algorithm: DigestAlgorithm, data: &str) -> String {
    let bytes: Vec<u8> = match algorithm {
        DigestAlgorithm::Md5 => Md5::digest(data.as_bytes()).to_vec(),
        DigestAlgorithm::Sha256 => Sha256::digest(data.as_bytes()).to_vec(),
    };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIFETIME: Duration = Duration::from_secs(300);

    fn credentials() -> DigestCredentials<'static> {
        DigestCredentials {
            username: "user",
            password: "pass",
            algorithm: DigestAlgorithm::Md5,
            nonce_lifetime: LIFETIME,
            strict_nc_order: false,
        }
    }

    fn answer(nonce: &str, nc: &str, uri: &str, password: &str) -> String {
        let ha1 = hex_hash(DigestAlgorithm::Md5, &format!("user:{REALM}:{password}"));
        let ha2 = hex_hash(DigestAlgorithm::Md5, &format!("GET:{uri}"));
        let response = hex_hash(
            DigestAlgorithm::Md5,
            &format!("{ha1}:{nonce}:{nc}:abc:auth:{ha2}"),
        );
        format!(
            "username=\"user\", realm=\"{REALM}\", nonce=\"{nonce}\", uri=\"{uri}\", \
             algorithm=MD5, qop=auth, nc={nc}, cnonce=\"abc\", response=\"{response}\""
        )
    }

    #[test]
    fn md5_matches_the_rfc_2617_example() {
        let ha1 = hex_hash(
            DigestAlgorithm::Md5,
            "Mufasa:testrealm@host.com:Circle Of Life",
        );
        let ha2 = hex_hash(DigestAlgorithm::Md5, "GET:/dir/index.html");
        let response = hex_hash(
            DigestAlgorithm::Md5,
            &format!("{ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:0a4f113b:auth:{ha2}"),
        );
        assert_eq!(response, "6629fae49393a05397450978507c4ef1");
    }

    #[test]
    fn accepts_once_per_nc_and_spots_staleness() {
        let mut book = NonceBook::default();
        let now = Instant::now();
        let nonce = book.issue(now, LIFETIME);
        let first = answer(&nonce, "00000001", "/a?b=1", "pass");
        let ok = verify(&first, "GET", "/a?b=1", &credentials(), &mut book, now);
        assert_eq!(
            ok,
            Verdict::Accepted {
                nonce: nonce.clone()
            }
        );
        let again = verify(&first, "GET", "/a?b=1", &credentials(), &mut book, now);
        assert!(matches!(again, Verdict::Rejected { stale: false, .. }));
        let wrong_uri = verify(
            &answer(&nonce, "00000002", "/a", "pass"),
            "GET",
            "/a?b=1",
            &credentials(),
            &mut book,
            now,
        );
        assert!(matches!(wrong_uri, Verdict::Rejected { stale: false, .. }));
        let wrong_key = answer(&nonce, "00000003", "/a", "nope");
        assert!(matches!(
            verify(&wrong_key, "GET", "/a", &credentials(), &mut book, now),
            Verdict::Rejected { stale: false, .. }
        ));
        let later = now + LIFETIME;
        let expired = verify(
            &answer(&nonce, "00000004", "/a", "pass"),
            "GET",
            "/a",
            &credentials(),
            &mut book,
            later,
        );
        assert!(matches!(expired, Verdict::Rejected { stale: true, .. }));
    }

    #[test]
    fn challenge_has_the_atlas_form() {
        assert_eq!(
            challenge("N", DigestAlgorithm::Md5, false),
            "Digest realm=\"MMS Public API\", domain=\"\", nonce=\"N\", algorithm=MD5, qop=\"auth\", stale=false"
        );
        assert!(
            challenge("N", DigestAlgorithm::Sha256, true)
                .contains("algorithm=SHA-256, qop=\"auth\", stale=true")
        );
    }
}
