//! Service-account access tokens: reading the token endpoint's answer, deciding when a token is
//! due for renewal, and keeping it on disk between runs.
//!
//! Atlas limits the token endpoint to about ten requests a minute, and a script may call this
//! tool many times a minute, so a token is cached in the user's cache directory until shortly
//! before it expires. The cache file is written with mode 0600 in a 0700 directory, is keyed
//! by base URL and client id, and remembers a SHA-256 fingerprint of the client secret, so a
//! token is only reused with the secret that obtained it. A directory or file that fails the
//! ownership checks of `crate::auth::private_file` is not trusted: the run fetches its own token.

use crate::auth::private_file;
use crate::secret::Secret;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Path of the token endpoint, below the base URL.
pub const TOKEN_PATH: &str = "/api/oauth/token";
/// A token is renewed this long before it expires (or after three quarters of its lifetime,
/// for short-lived tokens), so it never expires in the middle of a command.
pub const REFRESH_MARGIN_SECS: u64 = 60;
/// Atlas documents one hour; assumed when an answer carries no `expires_in`.
const DEFAULT_LIFETIME_SECS: u64 = 3600;

/// A bearer token and when it stops being usable, in Unix seconds.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub value: Secret,
    pub obtained_at: u64,
    pub expires_at: u64,
}

impl AccessToken {
    /// Reads `{"access_token", "token_type", "expires_in"}`; `now` is when the request was sent.
    pub fn from_response(body: &[u8], now: u64) -> Result<AccessToken, String> {
        #[derive(serde::Deserialize)]
        struct TokenAnswer {
            access_token: Option<String>,
            token_type: Option<String>,
            expires_in: Option<u64>,
        }
        let answer: TokenAnswer = serde_json::from_slice(body)
            .map_err(|e| format!("the token endpoint's answer is not the promised JSON ({e})"))?;
        let value = answer
            .access_token
            .filter(|t| !t.is_empty())
            .ok_or("the token endpoint's answer has no access_token")?;
        if !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("the token endpoint's access_token is not a printable token".into());
        }
        if let Some(kind) = answer
            .token_type
            .filter(|k| !k.eq_ignore_ascii_case("bearer"))
        {
            return Err(format!(
                "the token endpoint answered token_type '{}', not Bearer",
                crate::escape::printable_snippet(kind.as_bytes(), 20)
            ));
        }
        let lifetime = answer.expires_in.unwrap_or(DEFAULT_LIFETIME_SECS);
        Ok(AccessToken {
            value: Secret::new(value),
            obtained_at: now,
            expires_at: now.saturating_add(lifetime),
        })
    }

    /// True while the token is outside its renewal margin.
    pub fn is_fresh(&self, now: u64) -> bool {
        let lifetime = self.expires_at.saturating_sub(self.obtained_at);
        let margin = REFRESH_MARGIN_SECS.min(lifetime / 4);
        now.saturating_add(margin) < self.expires_at
    }

    /// Seconds of validity left, for traces.
    pub fn seconds_left(&self, now: u64) -> u64 {
        self.expires_at.saturating_sub(now)
    }

    /// The `Authorization` header value.
    pub fn authorization(&self) -> String {
        format!("Bearer {}", self.value.expose())
    }
}

pub use crate::auth::private_file::unix_now;

/// One cache file: the token for one base URL and client id.
pub struct TokenCache {
    path: PathBuf,
    base_url: String,
    client_id: String,
    secret_fingerprint: String,
}

/// What is written to disk. Deliberately without `Debug`: it holds the token.
#[derive(serde::Serialize, serde::Deserialize)]
struct CacheEntry {
    base_url: String,
    client_id: String,
    secret_sha256: String,
    access_token: String,
    obtained_at: u64,
    expires_at: u64,
}

impl TokenCache {
    pub fn new(dir: &Path, base_url: &str, client_id: &str, secret: &Secret) -> TokenCache {
        let base_url = base_url.trim_end_matches('/').to_string();
        let key = sha256_hex(format!("{base_url}\n{client_id}").as_bytes());
        TokenCache {
            path: dir.join(format!("{}.json", &key[..32])),
            base_url,
            client_id: client_id.to_string(),
            secret_fingerprint: sha256_hex(secret.expose().as_bytes()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The cached token, or why there is none usable. Expiry is the caller's business. The
    /// directory and the file must pass the ownership checks of `crate::auth::private_file`.
    pub fn load(&self) -> Result<AccessToken, String> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        match private_file::check_dir(dir) {
            Ok(true) => {}
            Ok(false) => return Err("no cached token".into()),
            Err(e) => return Err(format!("not used ({e})")),
        }
        let file = match private_file::open_existing(&self.path) {
            Ok(Some(f)) => f,
            Ok(None) => return Err("no cached token".into()),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                return Err(format!("{e}; ignoring it"));
            }
            Err(e) => return Err(format!("cannot read {}: {e}", self.path.display())),
        };
        let metadata = file
            .metadata()
            .map_err(|e| format!("cannot read {}: {e}", self.path.display()))?;
        if metadata.len() > 64 * 1024 {
            return Err(format!("{} is not a token cache file", self.path.display()));
        }
        let entry: CacheEntry = serde_json::from_reader(std::io::BufReader::new(file))
            .map_err(|_| format!("{} is not a valid token cache file", self.path.display()))?;
        if entry.base_url != self.base_url || entry.client_id != self.client_id {
            return Err("the cached token belongs to another base URL or client id".into());
        }
        if entry.secret_sha256 != self.secret_fingerprint {
            return Err("the cached token was obtained with a different client secret".into());
        }
        if entry.access_token.is_empty()
            || !entry.access_token.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(format!("{} holds no usable token", self.path.display()));
        }
        Ok(AccessToken {
            value: Secret::new(entry.access_token),
            obtained_at: entry.obtained_at,
            expires_at: entry.expires_at,
        })
    }

    /// Writes the token atomically: a new 0600 file renamed over the old one, so a reader
    /// never sees half a file and a file that failed the checks is replaced, not reused. A
    /// directory that fails them is not written to.
    pub fn store(&self, token: &AccessToken) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        private_file::ensure_dir(dir)?;
        let entry = CacheEntry {
            base_url: self.base_url.clone(),
            client_id: self.client_id.clone(),
            secret_sha256: self.secret_fingerprint.clone(),
            access_token: token.value.expose().to_string(),
            obtained_at: token.obtained_at,
            expires_at: token.expires_at,
        };
        let text = serde_json::to_vec_pretty(&entry).map_err(std::io::Error::other)?;
        private_file::replace(&self.path, &text)
    }

    /// Forgets the cached token (after Atlas rejected it), unless the directory is not one to
    /// touch at all.
    pub fn remove(&self) {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        if matches!(private_file::check_dir(dir), Ok(true)) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(value: &str, obtained_at: u64, expires_at: u64) -> AccessToken {
        AccessToken {
            value: Secret::new(value),
            obtained_at,
            expires_at,
        }
    }

    #[test]
    fn answers_are_read_and_checked() {
        let t = AccessToken::from_response(
            br#"{"access_token":"abc.def","token_type":"Bearer","expires_in":3600}"#,
            1000,
        )
        .unwrap();
        assert_eq!((t.obtained_at, t.expires_at), (1000, 4600));
        assert_eq!(t.authorization(), "Bearer abc.def");
        assert!(!format!("{t:?}").contains("abc.def"));
        let t = AccessToken::from_response(br#"{"access_token":"x"}"#, 0).unwrap();
        assert_eq!(t.expires_at, 3600);
        for bad in [
            &b"<html>"[..],
            br#"{"token_type":"Bearer"}"#,
            br#"{"access_token":"a b"}"#,
            br#"{"access_token":"a","token_type":"mac"}"#,
        ] {
            assert!(AccessToken::from_response(bad, 0).is_err());
        }
    }

    #[test]
    fn renewal_happens_shortly_before_expiry() {
        let hour = token("t", 0, 3600);
        assert!(hour.is_fresh(0));
        assert!(hour.is_fresh(3539));
        assert!(!hour.is_fresh(3540));
        assert!(!hour.is_fresh(5000));
        let short = token("t", 0, 8);
        assert!(short.is_fresh(5));
        assert!(!short.is_fresh(6));
        assert!(!token("t", 10, 10).is_fresh(10));
    }

    #[test]
    fn cache_round_trip_is_private_and_keyed() {
        let dir = tempfile::tempdir().unwrap();
        let tokens = dir.path().join("atlas-ear").join("tokens");
        let secret = Secret::new("s3cret");
        let cache = TokenCache::new(&tokens, "http://127.0.0.1:1/", "id", &secret);
        assert_eq!(cache.load().unwrap_err(), "no cached token");
        cache.store(&token("tok", 5, 3605)).unwrap();
        let loaded = cache.load().unwrap();
        assert_eq!(loaded.value.expose(), "tok");
        assert_eq!((loaded.obtained_at, loaded.expires_at), (5, 3605));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(cache.path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
            let mode = std::fs::metadata(&tokens).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let text = std::fs::read_to_string(cache.path()).unwrap();
        assert!(
            !text.contains("s3cret"),
            "the secret itself is never stored"
        );

        let other_secret = TokenCache::new(&tokens, "http://127.0.0.1:1", "id", &Secret::new("x"));
        assert_eq!(
            other_secret.path(),
            cache.path(),
            "keyed by URL and id only"
        );
        assert!(
            other_secret
                .load()
                .unwrap_err()
                .contains("different client secret")
        );
        let other_id = TokenCache::new(&tokens, "http://127.0.0.1:1", "id2", &secret);
        assert_ne!(other_id.path(), cache.path());
        cache.remove();
        assert!(cache.load().is_err());
    }

    #[cfg(unix)]
    #[test]
    fn files_readable_by_others_are_ignored_and_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let secret = Secret::new("s");
        let cache = TokenCache::new(
            &dir.path().join("atlas-ear").join("tokens"),
            "https://h",
            "id",
            &secret,
        );
        cache.store(&token("tok", 0, 3600)).unwrap();
        std::fs::set_permissions(cache.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        let why = cache.load().unwrap_err();
        assert!(
            why.contains("group and others must have no access"),
            "{why}"
        );
        cache.store(&token("tok2", 0, 3600)).unwrap();
        let mode = std::fs::metadata(cache.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(cache.load().unwrap().value.expose(), "tok2");
    }
}
