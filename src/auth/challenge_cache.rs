//! Keeps the last digest challenge between invocations, so a fresh process answers its first
//! request pre-emptively and a call costs one round trip instead of two.
//!
//! One small JSON file per (base URL, public key) lives in the user's cache directory
//! (`$XDG_CACHE_HOME/atlas-ear/challenges/`, mode 0600, directory 0700). It holds what the server put in the
//! challenge (realm, nonce, qop, algorithm, opaque), when it arrived, and the last nonce count
//! (`nc`) any process sent with it. The private key is never written; nothing else secret is.
//!
//! Rules, in the order they matter:
//! - **No nc is ever used twice.** Every request takes its nc under an exclusive lock on a
//!   sibling `.lock` file (read the entry, write it back with `nc + 1`, then unlock and send), so
//!   two processes never answer with the same nc. If the lock cannot be had within
//!   [`LOCK_WAIT`], or the file cannot be written, the process stops using the cache and fetches
//!   a challenge of its own: one extra request instead of a risk.
//! - **A new challenge is shared only after the server accepted an answer to it**, so no other
//!   process can overtake that first answer with a higher nc (`crate::auth::challenge_slot`).
//! - **Writes are atomic**: a temporary file in the same directory, then a rename, so readers see
//!   the old entry or the new one, never half of one.
//! - **A bad file costs nothing but the cache**: unreadable, corrupt, for another key, not
//!   passing the ownership checks of `crate::auth::private_file` (another owner, open to other
//!   users, a symbolic link), or older than [`TTL`], it is treated as absent and replaced by the
//!   next challenge the server sends. A directory failing those checks is not used at all.
//! - A cached nonce the server has expired costs exactly one extra request (the 401 carries a
//!   fresh challenge, which is answered and cached). Servers that insist on strictly increasing
//!   nc may also reject a request that a concurrent process overtook; that too costs one extra
//!   request, never a failure.

use crate::auth::digest::{DigestAlgorithm, DigestChallenge};
use crate::auth::private_file::{self, unix_now};
use serde::{Deserialize, Serialize};
use std::fs::{self, File, TryLockError};
use std::io::{self, Read};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long a cached challenge is offered to new processes, counted from when the server sent
/// it. Atlas does not document its nonce lifetime; five minutes is a common choice, and a nonce
/// that dies sooner only costs the one extra request a cold start costs anyway.
pub const TTL: Duration = Duration::from_secs(5 * 60);
/// Longest wait for another process to release the lock before going without the cache. The lock
/// is normally held for the time it takes to rewrite a file of a few hundred bytes.
pub const LOCK_WAIT: Duration = Duration::from_secs(2);
/// A cache file larger than this is not ours; it is ignored without being read whole.
const MAX_FILE_BYTES: u64 = 16 * 1024;
/// Bumped whenever [`Entry`] changes meaning; older files are then ignored.
const FORMAT: u32 = 1;
/// The only qop this client answers with (the digest module refuses challenges without it).
const QOP: &str = "auth";
/// A clock that moved backwards by more than this makes an entry untrustworthy.
const CLOCK_SKEW: u64 = 60;

/// Why a cache on disk failed the ownership checks of `crate::auth::private_file`.
#[derive(Debug)]
pub enum Distrust {
    /// The directory (or the tool's folder above it): nothing is read from it or written to it.
    Directory(io::Error),
    /// The entry file: it is not read, and the next challenge the server sends replaces it.
    File(io::Error),
}

/// The cache file of one (base URL, public key).
#[derive(Debug, Clone)]
pub struct ChallengeCache {
    dir: PathBuf,
    stem: String,
    base_url: String,
    public_key: String,
    ttl: Duration,
}

/// What the file holds: the challenge as the server sent it, and the last nc sent with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    format: u32,
    base_url: String,
    public_key: String,
    /// Seconds since the Unix epoch when the server issued this challenge.
    received_at: u64,
    realm: String,
    nonce: String,
    qop: String,
    algorithm: DigestAlgorithm,
    opaque: Option<String>,
    /// The last nc any process reserved for this nonce; the next request sends `nc + 1`.
    nc: u32,
}

impl ChallengeCache {
    /// The cache for these keys in `dir` (created on first write).
    pub fn in_dir(dir: PathBuf, base_url: &url::Url, public_key: &str) -> ChallengeCache {
        let base_url = base_url.as_str().trim_end_matches('/').to_string();
        ChallengeCache {
            stem: format!("challenge-{}", key_digest(&base_url, public_key)),
            dir,
            base_url,
            public_key: public_key.to_string(),
            ttl: TTL,
        }
    }

    /// Changes how long entries stay usable (tests use a zero TTL to age an entry at once).
    pub fn with_ttl(mut self, ttl: Duration) -> ChallengeCache {
        self.ttl = ttl;
        self
    }

    /// The JSON file holding the entry.
    pub fn path(&self) -> PathBuf {
        self.dir.join(format!("{}.json", self.stem))
    }

    fn lock_path(&self) -> PathBuf {
        self.dir.join(format!("{}.lock", self.stem))
    }

    /// The cached challenge, if a usable one is there, without reserving an nc. Any problem
    /// reading it means "nothing cached".
    pub fn peek(&self) -> Option<DigestChallenge> {
        self.read_entry().map(|entry| entry.challenge())
    }

    /// Reserves the next nc of the cached challenge for one request. The returned challenge
    /// carries the last nc used before this reservation, exactly what
    /// [`DigestChallenge::authorize`] expects; the file already says the reserved one is taken.
    /// `Ok(None)` means nothing usable is cached.
    pub fn reserve_next(&self) -> io::Result<Option<DigestChallenge>> {
        // Nothing to reserve from, and no directory to create just to find that out. A directory
        // that fails the ownership checks is an error: the caller then goes without the cache.
        if !private_file::check_dir(&self.dir)? || fs::symlink_metadata(self.path()).is_err() {
            return Ok(None);
        }
        let _lock = self.lock()?;
        let Some(mut entry) = self.read_entry() else {
            return Ok(None);
        };
        let challenge = entry.challenge();
        entry.nc += 1;
        self.write_entry(&entry)?;
        Ok(Some(challenge))
    }

    /// Shares a challenge this process has used successfully, with the last nc it sent. If the
    /// file already knows the nonce, the higher of the two counts is kept.
    pub fn publish(&self, challenge: &DigestChallenge) -> io::Result<()> {
        self.ensure_dir()?;
        let _lock = self.lock()?;
        let (received_at, nc) = match self.read_entry() {
            Some(known) if known.nonce == challenge.nonce => {
                (known.received_at, known.nc.max(challenge.nc))
            }
            _ => (unix_now(), challenge.nc),
        };
        let entry = Entry::new(self, challenge, received_at, nc);
        if !entry.is_well_formed() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the challenge has characters that cannot be cached",
            ));
        }
        self.write_entry(&entry)
    }

    /// Why this cache may not be trusted, checked without following symbolic links: its
    /// directory (the cache is then not used at all) or its entry file (ignored, and replaced by
    /// the next challenge). `None` when both pass or do not exist yet.
    pub fn distrust(&self) -> Option<Distrust> {
        if let Err(e) = private_file::check_dir(&self.dir) {
            return Some(Distrust::Directory(e));
        }
        private_file::check_file(&self.path())
            .err()
            .map(Distrust::File)
    }

    /// The entry, if the file exists, parses, belongs to these keys and is young enough.
    fn read_entry(&self) -> Option<Entry> {
        // A file someone else could have written may hold a planted challenge; one others can
        // read is not ours alone. Either is treated as absent.
        if !private_file::check_dir(&self.dir).ok()? {
            return None;
        }
        let file = private_file::open_existing(&self.path()).ok()??;
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).ok()?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return None;
        }
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        let now = unix_now();
        let usable = entry.format == FORMAT
            && entry.base_url == self.base_url
            && entry.public_key == self.public_key
            && entry.is_well_formed()
            && entry.nc < u32::MAX
            && entry.received_at <= now.saturating_add(CLOCK_SKEW)
            && Duration::from_secs(now.saturating_sub(entry.received_at)) < self.ttl;
        usable.then_some(entry)
    }

    /// Temporary file, then rename: a reader sees the old entry or the new one, never half.
    fn write_entry(&self, entry: &Entry) -> io::Result<()> {
        private_file::replace(&self.path(), &serde_json::to_vec_pretty(entry)?)
    }

    fn ensure_dir(&self) -> io::Result<()> {
        private_file::ensure_dir(&self.dir)
    }

    /// An exclusive lock on the sibling lock file, released when the returned file is dropped
    /// (or the process dies). Waits at most [`LOCK_WAIT`].
    fn lock(&self) -> io::Result<File> {
        let file = private_file::open(&self.lock_path(), false)?;
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(2));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!(
                            "another process held {} for over {} s",
                            self.lock_path().display(),
                            LOCK_WAIT.as_secs()
                        ),
                    ));
                }
                Err(TryLockError::Error(e)) => return Err(e),
            }
        }
    }
}

impl Entry {
    fn new(cache: &ChallengeCache, challenge: &DigestChallenge, received_at: u64, nc: u32) -> Self {
        Entry {
            format: FORMAT,
            base_url: cache.base_url.clone(),
            public_key: cache.public_key.clone(),
            received_at,
            realm: challenge.realm.clone(),
            nonce: challenge.nonce.clone(),
            qop: QOP.to_string(),
            algorithm: challenge.algorithm,
            opaque: challenge.opaque.clone(),
            nc,
        }
    }

    fn challenge(&self) -> DigestChallenge {
        DigestChallenge {
            realm: self.realm.clone(),
            nonce: self.nonce.clone(),
            opaque: self.opaque.clone(),
            algorithm: self.algorithm,
            stale: false,
            nc: self.nc,
        }
    }

    /// Whatever is in the file ends up in an `Authorization` header: a hand-edited or damaged
    /// file must not be able to make that header invalid, so only plain quoted-string-safe text
    /// passes.
    fn is_well_formed(&self) -> bool {
        let safe = |s: &str| {
            s.len() <= 1024
                && s.bytes()
                    .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
        };
        self.qop == QOP
            && !self.nonce.is_empty()
            && safe(&self.nonce)
            && safe(&self.realm)
            && self.opaque.as_deref().is_none_or(safe)
    }
}

/// A stable file-name-safe digest of the key (FNV-1a, 64 bits). Collisions are harmless: the
/// entry records the full key and is ignored unless it matches.
fn key_digest(base_url: &str, public_key: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in base_url.bytes().chain([0]).chain(public_key.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}
