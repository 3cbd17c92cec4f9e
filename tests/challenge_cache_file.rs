//! The challenge cache as a library: nc reservation, expiry, keys, locking between threads, and
//! the fallbacks of `ChallengeSlot` when the cache cannot be used.

use atlas_ear::challenge_cache::{ChallengeCache, ChallengeSlot};
use atlas_ear::digest::{DigestAlgorithm, DigestChallenge};
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

fn cache_in(dir: &tempfile::TempDir) -> ChallengeCache {
    ChallengeCache::in_dir(dir.path().join("atlas-ear"), &base(), "pubkey01")
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

#[test]
fn adopt_then_reserve_counts_up_from_the_first_nc() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(&dir);
    let adopted = cache.adopt(challenge("n1")).unwrap();
    assert_eq!(next_nc(&adopted), 1);
    assert!(!adopted.stale, "a cached challenge is never marked stale");
    for expected in 2..=5 {
        let reserved = cache.reserve_next().unwrap().unwrap();
        assert_eq!(reserved.nonce, "n1");
        assert_eq!(next_nc(&reserved), expected);
    }
    assert_eq!(
        cache.peek().unwrap().nc,
        5,
        "the file records the last nc taken"
    );

    let repeated = cache.adopt(challenge("n1")).unwrap();
    assert_eq!(next_nc(&repeated), 6, "a repeated nonce keeps counting");
    let replaced = cache.adopt(challenge("n2")).unwrap();
    assert_eq!(next_nc(&replaced), 1);
    assert_eq!(next_nc(&cache.reserve_next().unwrap().unwrap()), 2);
}

#[test]
fn entries_expire_and_belong_to_one_key() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(&dir);
    cache.adopt(challenge("n1")).unwrap();
    let aged = cache.clone().with_ttl(Duration::ZERO);
    assert_eq!(aged.peek(), None);
    assert_eq!(aged.reserve_next().unwrap(), None);

    let other_key = ChallengeCache::in_dir(dir.path().join("atlas-ear"), &base(), "pubkey02");
    let other_host = ChallengeCache::in_dir(
        dir.path().join("atlas-ear"),
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
    cache_in(&dir).adopt(challenge("n1")).unwrap();
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
    let second = slot.answer_preemptively(answer);
    assert_eq!(second.as_deref(), Some("n1#2"));
}

#[test]
fn a_slot_that_cannot_lock_drops_the_shared_challenge() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(&dir);
    cache.adopt(challenge("n1")).unwrap();
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
    assert_eq!(
        slot.answer_preemptively(answer).as_deref(),
        Some("private#2")
    );
    assert_eq!(cache.peek().unwrap().nonce, "n1");
}

#[test]
fn slots_share_through_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let first = ChallengeSlot::new(Some(cache_in(&dir)), false);
    assert_eq!(first.answer_fresh(challenge("n1"), answer), "n1#1");
    // A later process starts with the challenge and continues the count.
    let second = ChallengeSlot::new(Some(cache_in(&dir)), false);
    assert!(!second.is_empty());
    assert_eq!(second.answer_preemptively(answer).as_deref(), Some("n1#2"));
    assert_eq!(first.answer_preemptively(answer).as_deref(), Some("n1#3"));
    // A slot without a cache never looks at the file.
    let private = ChallengeSlot::new(None, false);
    assert!(private.is_empty());
    assert_eq!(private.answer_preemptively(answer), None);
}
