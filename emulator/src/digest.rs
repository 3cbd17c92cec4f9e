//! HTTP digest authentication as Atlas offers it (RFC 7616 with `qop=auth`): the challenge, the
//! nonces the emulator issued, and the verification of an `Authorization: Digest` answer. Written
//! from the RFC on top of the md-5 and sha2 crates, independently of any client code.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::Engine as _;
use md5::{Digest as _, Md5};
use sha2::Sha256;

use crate::REALM;
use crate::config::DigestAlgorithm;

/// Nonces forgotten entirely this long after they expired (until then they earn `stale=true`).
const FORGET_AFTER_EXPIRY: Duration = Duration::from_secs(600);
/// Pruning only starts past this many nonces, to keep issuing cheap.
const PRUNE_ABOVE: usize = 1024;

/// The `WWW-Authenticate` value, in the exact form Atlas sends.
pub(crate) fn challenge(nonce: &str, algorithm: DigestAlgorithm, stale: bool) -> String {
    format!(
        "Digest realm=\"{REALM}\", domain=\"\", nonce=\"{nonce}\", algorithm={}, qop=\"auth\", stale={stale}",
        algorithm.token()
    )
}

/// How far below the highest accepted `nc` an unseen `nc` is still accepted (in-order mode off).
/// A client with several requests in flight on separate connections numbers them in order, but
/// they may arrive out of order; RFC 7616 asks only that the same `nc` is never accepted twice.
pub(crate) const NC_WINDOW: u32 = 64;

/// Every nonce issued, with the `nc` values accepted for it.
#[derive(Default)]
pub(crate) struct NonceBook {
    nonces: HashMap<String, NonceState>,
}

struct NonceState {
    issued: Instant,
    /// Highest `nc` accepted so far (0: none yet).
    last_nc: u32,
    /// Bit `i` set: `last_nc - i` was accepted. Remembers the last [`NC_WINDOW`] values.
    seen: u64,
    /// Set by `expire_all` and by nonce rotation.
    invalidated: bool,
}

/// What the book says about a nonce and `nc` pair.
#[derive(Debug, PartialEq, Eq)]
enum NonceCheck {
    Unknown,
    Stale,
    Replayed,
    Fresh,
}

impl NonceBook {
    pub fn issue(&mut self, now: Instant, lifetime: Duration) -> String {
        if self.nonces.len() > PRUNE_ABOVE {
            let keep_for = lifetime.saturating_add(FORGET_AFTER_EXPIRY);
            self.nonces
                .retain(|_, state| now.saturating_duration_since(state.issued) < keep_for);
        }
        let bytes: Vec<u8> = std::iter::repeat_with(|| fastrand::u8(..))
            .take(24)
            .collect();
        let nonce = base64::engine::general_purpose::STANDARD.encode(bytes);
        self.nonces.insert(
            nonce.clone(),
            NonceState {
                issued: now,
                last_nc: 0,
                seen: 0,
                invalidated: false,
            },
        );
        nonce
    }

    /// Makes every nonce issued so far stale.
    pub fn expire_all(&mut self) {
        self.nonces
            .values_mut()
            .for_each(|state| state.invalidated = true);
    }

    /// Makes one nonce stale (nonce rotation).
    pub fn invalidate(&mut self, nonce: &str) {
        if let Some(state) = self.nonces.get_mut(nonce) {
            state.invalidated = true;
        }
    }

    /// Checks a nonce and records `nc` when it is accepted. With `in_order`, `nc` must exceed
    /// every `nc` accepted before; otherwise an unseen `nc` within [`NC_WINDOW`] of the highest is
    /// accepted too. Either way a replayed `nc` is refused.
    fn check(
        &mut self,
        nonce: &str,
        nc: u32,
        now: Instant,
        lifetime: Duration,
        in_order: bool,
    ) -> NonceCheck {
        let Some(state) = self.nonces.get_mut(nonce) else {
            return NonceCheck::Unknown;
        };
        if state.invalidated || now.saturating_duration_since(state.issued) >= lifetime {
            return NonceCheck::Stale;
        }
        if nc == 0 {
            return NonceCheck::Replayed;
        }
        if nc > state.last_nc {
            let shift = nc - state.last_nc;
            state.seen = if shift >= 64 { 0 } else { state.seen << shift };
            state.seen |= 1;
            state.last_nc = nc;
            return NonceCheck::Fresh;
        }
        let behind = state.last_nc - nc;
        if in_order || behind >= NC_WINDOW || state.seen & (1u64 << behind) != 0 {
            return NonceCheck::Replayed;
        }
        state.seen |= 1u64 << behind;
        NonceCheck::Fresh
    }
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
/// raw path and query.
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
    let get = |name: &str| params.get(name).map(String::as_str);
    let (Some(username), Some(realm), Some(nonce), Some(uri), Some(response)) = (
        get("username"),
        get("realm"),
        get("nonce"),
        get("uri"),
        get("response"),
    ) else {
        return reject("a digest parameter is missing");
    };
    if username != credentials.username {
        return reject("unknown username");
    }
    if realm != REALM {
        return reject("wrong realm");
    }
    if uri != request_uri {
        return reject("uri does not match the request");
    }
    let algorithm_ok = match get("algorithm") {
        Some(given) => given.eq_ignore_ascii_case(credentials.algorithm.token()),
        None => credentials.algorithm == DigestAlgorithm::Md5,
    };
    if !algorithm_ok {
        return reject("unsupported algorithm");
    }
    if get("qop") != Some("auth") {
        return reject("qop must be auth");
    }
    let (Some(nc_text), Some(cnonce)) = (get("nc"), get("cnonce")) else {
        return reject("nc and cnonce are required");
    };
    let nc = match parse_nc(nc_text) {
        Some(nc) if !cnonce.is_empty() => nc,
        _ => return reject("malformed nc or empty cnonce"),
    };
    let hash = |data: String| hex_hash(credentials.algorithm, &data);
    let ha1 = hash(format!("{username}:{realm}:{}", credentials.password));
    let ha2 = hash(format!("{method}:{uri}"));
    let expected = hash(format!("{ha1}:{nonce}:{nc_text}:{cnonce}:auth:{ha2}"));
    if !constant_time_eq(
        expected.as_bytes(),
        response.to_ascii_lowercase().as_bytes(),
    ) {
        return reject("wrong response (key or method)");
    }
    match book.check(
        nonce,
        nc,
        now,
        credentials.nonce_lifetime,
        credentials.strict_nc_order,
    ) {
        NonceCheck::Fresh => Verdict::Accepted {
            nonce: nonce.to_string(),
        },
        NonceCheck::Stale => Verdict::Rejected {
            stale: true,
            reason: "stale nonce",
        },
        NonceCheck::Replayed => reject("nc already used (replayed request)"),
        NonceCheck::Unknown => reject("unknown nonce"),
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

/// Parses `name=value, name="quoted \"value\""` pairs. Names are lower-cased; a later duplicate
/// makes the header malformed.
pub(crate) fn parse_params(text: &str) -> Option<HashMap<String, String>> {
    let mut params = HashMap::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace() || *c == ',').is_some() {}
        if chars.peek().is_none() {
            return Some(params);
        }
        let mut name = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && *c != ',' && !c.is_whitespace()) {
            name.push(c.to_ascii_lowercase());
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') || name.is_empty() {
            return None;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => value.push(chars.next()?),
                    c => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| *c != ',' && !c.is_whitespace()) {
                value.push(c);
            }
        }
        if params.insert(name, value).is_some() {
            return None;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.peek() {
            None | Some(',') => {}
            Some(_) => return None,
        }
    }
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
    fn parses_quoted_and_bare_values() {
        let params = parse_params(r#"Username="a\"b", qop=auth ,nc=00000001,empty="""#).unwrap();
        assert_eq!(params["username"], "a\"b");
        assert_eq!(params["qop"], "auth");
        assert_eq!(params["nc"], "00000001");
        assert_eq!(params["empty"], "");
        assert!(parse_params("a=1, a=2").is_none());
        assert!(parse_params("a=\"unterminated").is_none());
        assert!(parse_params("a b").is_none());
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
