//! The challenge cache as a library: nc reservation, expiry, keys, locking between threads, and
//! the fallbacks of `ChallengeSlot` when the cache cannot be used.

use atlas_ear::ChallengeCache;
use atlas_ear::ChallengeSlot;
use atlas_ear::{DigestAlgorithm, DigestChallenge};
use std::collections::HashSet;
use std::time::Duration;
use url::Url;

fn challenge(nonce: &str) -> DigestChallenge {
    DigestChallenge {
        realm: "MMS Public API".into(),
        nonce: nonce.into(),
        opaque: None,
        algorithm: DigestAlgorithm::Md5,
        stale: true,
        nc: 0,
    }
}

fn base() -> Url {
    Url::parse("http://127.0.0.1:9/").unwrap()
}

/// Where the tool keeps challenges below a cache home: the cache directory and the tool's
/// folder above it are both checked, so neither may be the (world-readable) temporary directory.
fn cache_dir_in(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("atlas-ear").join("challenges")
}

fn cache_in(dir: &tempfile::TempDir) -> ChallengeCache {
    ChallengeCache::in_dir(cache_dir_in(dir), &base(), "pubkey01")
}

/// What `DigestChallenge::authorize` would send next.
fn next_nc(c: &DigestChallenge) -> u32 {
    c.nc + 1
}

/// Stands in for `DigestChallenge::authorize`: takes the next nc and names what it answered.
fn answer(c: &mut DigestChallenge) -> String {
    c.nc += 1;
    format!("{}#{}", c.nonce, c.nc)
}

#[test]
fn nothing_cached_reserves_nothing_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(&dir);
    assert_eq!(cache.peek(), None);
    assert_eq!(cache.reserve_next().unwrap(), None);
    assert!(!dir.path().join("atlas-ear").exists());
}

/// A challenge this process has answered `nc` times.
fn used(nonce: &str, nc: u32) -> DigestChallenge {
    DigestChallenge {
        nc,
        stale: false,
        ..challenge(nonce)
    }
}

#[test]
fn publish_then_reserve_counts_up_after_the_published_nc() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(&dir);
    cache.publish(&used("n1", 1)).unwrap();
    for expected in 2..=5 {
        let reserved = cache.reserve_next().unwrap().unwrap();
        assert_eq!(reserved.nonce, "n1");
        assert!(!reserved.stale);
        assert_eq!(next_nc(&reserved), expected);
    }
    assert_eq!(
        cache.peek().unwrap().nc,
        5,
        "the file records the last nc taken"
    );

    cache.publish(&used("n1", 3)).unwrap();
    assert_eq!(
        cache.peek().unwrap().nc,
        5,
        "a lower count never winds the file back"
    );
    cache.publish(&used("n1", 9)).unwrap();
    assert_eq!(cache.peek().unwrap().nc, 9);
    cache.publish(&used("n2", 1)).unwrap();
    assert_eq!(next_nc(&cache.reserve_next().unwrap().unwrap()), 2);
    assert_eq!(cache.peek().unwrap().nonce, "n2");
}

#[test]
fn a_challenge_that_cannot_go_in_a_header_is_not_published() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(&dir);
    assert!(cache.publish(&used("bad\"quote", 1)).is_err());
    assert!(cache.publish(&used("", 1)).is_err());
    assert_eq!(cache.peek(), None);
}

#[test]
fn entries_expire_and_belong_to_one_key() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(&dir);
    cache.publish(&used("n1", 1)).unwrap();
    let aged = cache.clone().with_ttl(Duration::ZERO);
    assert_eq!(aged.peek(), None);
    assert_eq!(aged.reserve_next().unwrap(), None);

    let other_key = ChallengeCache::in_dir(cache_dir_in(&dir), &base(), "pubkey02");
    let other_host = ChallengeCache::in_dir(
        cache_dir_in(&dir),
        &Url::parse("http://127.0.0.1:10").unwrap(),
        "pubkey01",
    );
    assert_ne!(other_key.path(), cache.path());
    assert_ne!(other_host.path(), cache.path());
    assert_eq!(other_key.peek(), None);

    // Even planted under its name, another key's entry is not used.
    std::fs::copy(cache.path(), other_key.path()).unwrap();
    assert_eq!(other_key.peek(), None);
    assert_eq!(other_key.reserve_next().unwrap(), None);
    assert_eq!(cache.peek().unwrap().nonce, "n1");
}

#[test]
fn threads_reserving_at_once_never_share_an_nc() {
    const THREADS: u32 = 8;
    const EACH: u32 = 40;
    let dir = tempfile::tempdir().unwrap();
    cache_in(&dir).publish(&used("n1", 1)).unwrap();
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            // Each thread opens the files itself, as separate processes would.
            let cache = cache_in(&dir);
            std::thread::spawn(move || {
                (0..EACH)
                    .map(|_| next_nc(&cache.reserve_next().unwrap().unwrap()))
                    .collect::<Vec<u32>>()
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for handle in handles {
        for nc in handle.join().unwrap() {
            assert!(seen.insert(nc), "nc {nc} handed out twice");
        }
    }
    let expected: HashSet<u32> = (2..2 + THREADS * EACH).collect();
    assert_eq!(seen, expected);
}

#[test]
fn a_slot_without_a_writable_cache_works_from_memory() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the directory should be: nothing can be written there.
    std::fs::write(dir.path().join("atlas-ear"), b"in the way").unwrap();
    let slot = ChallengeSlot::new(Some(cache_in(&dir)), false);
    assert!(slot.is_empty());
    assert_eq!(slot.answer_preemptively(|c| c.nonce.clone()), None);
    let first = slot.answer_fresh(challenge("n1"), answer);
    assert_eq!(first, "n1#1");
    // Sharing fails (nowhere to write): the slot carries on without the cache.
    slot.share_confirmed("n1");
    let second = slot.answer_preemptively(answer);
    assert_eq!(second.as_deref(), Some("n1#2"));
}

#[test]
fn a_slot_that_cannot_lock_drops_the_shared_challenge() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(&dir);
    cache.publish(&used("n1", 1)).unwrap();
    let slot = ChallengeSlot::new(Some(cache.clone()), false);
    assert!(!slot.is_empty(), "loaded from the cache at start");

    let lock = std::fs::File::open(cache.path().with_extension("lock")).unwrap();
    lock.lock().unwrap();
    // Another holder keeps the lock: the slot must not guess an nc.
    assert_eq!(slot.answer_preemptively(|c| c.nonce.clone()), None);
    assert!(slot.is_empty());
    drop(lock);
    assert_eq!(cache.peek().unwrap().nc, 1, "nothing was reserved");

    // From then on this process keeps its own challenges and leaves the file alone.
    assert_eq!(slot.answer_fresh(challenge("private"), answer), "private#1");
    slot.share_confirmed("private");
    assert_eq!(
        slot.answer_preemptively(answer).as_deref(),
        Some("private#2")
    );
    assert_eq!(cache.peek().unwrap().nonce, "n1");
}

#[test]
fn a_fresh_challenge_is_shared_only_once_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(&dir);
    let first = ChallengeSlot::new(Some(cache.clone()), false);
    assert_eq!(first.answer_fresh(challenge("n1"), answer), "n1#1");
    assert_eq!(
        cache.peek(),
        None,
        "not shared while its first answer is in flight"
    );
    // Until then this process counts on its own.
    assert_eq!(first.answer_preemptively(answer).as_deref(), Some("n1#2"));
    first.share_confirmed("other-nonce");
    assert_eq!(
        cache.peek(),
        None,
        "only the answered challenge is confirmed"
    );
    first.share_confirmed("n1");
    assert_eq!(
        cache.peek().unwrap().nc,
        2,
        "shared with the highest nc taken"
    );

    // A later process starts with the challenge and continues the count; so does the first.
    let second = ChallengeSlot::new(Some(cache_in(&dir)), false);
    assert!(!second.is_empty());
    assert_eq!(second.answer_preemptively(answer).as_deref(), Some("n1#3"));
    assert_eq!(first.answer_preemptively(answer).as_deref(), Some("n1#4"));

    // A newer challenge replaces it in the file only when confirmed in turn.
    assert_eq!(second.answer_fresh(challenge("n2"), answer), "n2#1");
    assert_eq!(first.answer_preemptively(answer).as_deref(), Some("n1#5"));
    second.share_confirmed("n2");
    assert_eq!(first.answer_preemptively(answer).as_deref(), Some("n2#2"));
}

#[test]
fn a_slot_without_a_cache_never_touches_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(&dir);
    cache.publish(&used("n1", 1)).unwrap();
    let private = ChallengeSlot::new(None, false);
    assert!(private.is_empty());
    assert_eq!(private.answer_preemptively(answer), None);
    assert_eq!(private.answer_fresh(challenge("mine"), answer), "mine#1");
    private.share_confirmed("mine");
    assert_eq!(
        private.answer_preemptively(answer).as_deref(),
        Some("mine#2")
    );
    let on_disk = cache.peek().unwrap();
    assert_eq!((on_disk.nonce.as_str(), on_disk.nc), ("n1", 1));
}

#[test]
fn the_cache_sits_next_to_the_token_cache_unless_turned_off() {
    use atlas_ear::Env;
    use atlas_ear::challenge_cache_dir as cache_dir;
    let env = Env::from_pairs([("XDG_CACHE_HOME", "/c"), ("HOME", "/h")]);
    if cfg!(not(any(target_os = "macos", windows))) {
        assert_eq!(
            cache_dir(&env, false),
            Some(std::path::PathBuf::from("/c/atlas-ear/challenges"))
        );
    }
    assert_eq!(cache_dir(&env, true), None);
}
