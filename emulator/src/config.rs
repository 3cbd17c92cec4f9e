//! Settings of one emulator instance, and the demo credentials they default to. Kept apart from the
//! server so tests and the binary build the same plain struct, and so secrets get one masked
//! `Debug` in one place.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// The demo public API key (the digest username). Atlas public keys are 8 lower-case characters.
pub const DEMO_PUBLIC_KEY: &str = "demopubk";
/// The demo private API key (the digest password).
pub const DEMO_PRIVATE_KEY: &str = "8c1f3a52-6d4e-4b7a-9e20-5f3d1c7b9a64";
/// The demo service-account client id.
pub const DEMO_CLIENT_ID: &str = "mdb_sa_id_65f1c2d3e4a5b6c7d8e9f0a1";
/// The demo service-account client secret.
pub const DEMO_CLIENT_SECRET: &str = "mdb_sa_sk_Xq7Lm2Vt9Rb4Nc8Kw3Hd6Jf1Pz5Gy0Ts";

/// The project id the binary's seeding flags and `export` lines use unless told otherwise. Any
/// 24-hex id works: projects come into being on first use.
pub const DEMO_PROJECT_ID: &str = "0123456789abcdef01234567";

/// Everything that shapes how the emulator answers. `Config::default()` is what tests want:
/// an ephemeral loopback port, the demo keys and a demo service account.
#[derive(Clone)]
pub struct Config {
    /// Where to listen. Port 0 picks a free port; `Emulator::addr` tells which.
    pub listen: SocketAddr,
    /// Digest username (the Atlas public API key).
    pub public_key: String,
    /// Digest password (the Atlas private API key). Never shown by `Debug`.
    pub private_key: String,
    /// How long each transitional status (`INITIATING`, `PENDING_RECREATION`, `DELETING`) lasts.
    pub settle_after: Duration,
    /// Added before every API and token response, to rehearse a slow network.
    pub latency: Duration,
    /// How long a digest nonce stays valid; after that a correct answer gets `stale=true`.
    pub nonce_lifetime: Duration,
    /// Refuse an `nc` lower than one already accepted even if it was never used. Off by default:
    /// requests sent concurrently may arrive out of order, and RFC 7616 only forbids reuse.
    pub strict_nc_order: bool,
    /// The digest algorithm the challenge offers and the only one accepted.
    pub algorithm: DigestAlgorithm,
    /// `(client_id, client_secret)` accepted by the token endpoint; `None` disables it.
    pub service_account: Option<(String, String)>,
    /// Lifetime of the bearer tokens the token endpoint issues.
    pub token_lifetime: Duration,
    /// The token bucket every project gets for its API requests (one bucket per `groupId`);
    /// `None` leaves projects without an override unlimited.
    pub rate_limit: Option<RateLimit>,
    /// Projects (by `groupId`) with a bucket of their own instead of `rate_limit`.
    pub project_rate_limits: BTreeMap<String, RateLimit>,
    /// A JSON file that keeps endpoints, encryption configurations and clusters across restarts:
    /// read at start if it exists (a file that cannot be read or is not a state file is an
    /// error), written at start and atomically after every change. `None` keeps state in memory.
    pub state_file: Option<PathBuf>,
}

/// The hash used by digest authentication.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestAlgorithm {
    /// `algorithm=MD5`, what Atlas documents.
    Md5,
    /// `algorithm=SHA-256` (RFC 7616), supported by MongoDB's own digest transport.
    Sha256,
}

impl DigestAlgorithm {
    /// The token used for this algorithm in `WWW-Authenticate` and `Authorization` headers.
    pub fn token(self) -> &'static str {
        match self {
            DigestAlgorithm::Md5 => "MD5",
            DigestAlgorithm::Sha256 => "SHA-256",
        }
    }
}

/// A token bucket: `capacity` requests at once, refilled by `refill_per_minute` tokens a minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub capacity: u32,
    pub refill_per_minute: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            public_key: DEMO_PUBLIC_KEY.to_string(),
            private_key: DEMO_PRIVATE_KEY.to_string(),
            settle_after: Duration::from_secs(3),
            latency: Duration::ZERO,
            nonce_lifetime: Duration::from_secs(300),
            strict_nc_order: false,
            algorithm: DigestAlgorithm::Md5,
            service_account: Some((DEMO_CLIENT_ID.to_string(), DEMO_CLIENT_SECRET.to_string())),
            token_lifetime: Duration::from_secs(3600),
            rate_limit: None,
            project_rate_limits: BTreeMap::new(),
            state_file: None,
        }
    }
}

/// Masks a secret so `Debug` shows that one is set without showing it.
fn masked(secret: &str) -> &'static str {
    if secret.is_empty() {
        "<empty>"
    } else {
        "<redacted>"
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let service_account = self
            .service_account
            .as_ref()
            .map(|(id, secret)| format!("({id}, {})", masked(secret)));
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("public_key", &self.public_key)
            .field("private_key", &masked(&self.private_key))
            .field("settle_after", &self.settle_after)
            .field("latency", &self.latency)
            .field("nonce_lifetime", &self.nonce_lifetime)
            .field("strict_nc_order", &self.strict_nc_order)
            .field("algorithm", &self.algorithm)
            .field("service_account", &service_account)
            .field("token_lifetime", &self.token_lifetime)
            .field("rate_limit", &self.rate_limit)
            .field("project_rate_limits", &self.project_rate_limits)
            .field("state_file", &self.state_file)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_masks_private_key_and_client_secret() {
        let shown = format!("{:?}", Config::default());
        assert!(!shown.contains(DEMO_PRIVATE_KEY), "{shown}");
        assert!(!shown.contains(DEMO_CLIENT_SECRET), "{shown}");
        assert!(shown.contains(DEMO_PUBLIC_KEY), "{shown}");
        assert!(shown.contains(DEMO_CLIENT_ID), "{shown}");
    }
}
