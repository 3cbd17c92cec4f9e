//! `WWW-Authenticate` values from a hostile server: parsing, and answering whatever parses.
#![no_main]

use atlas_ear::{parse_challenge, parse_challenges};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(mut challenge) = parse_challenge(&text) {
        assert!(!challenge.nonce.is_empty());
        let answer = challenge.authorize("GET", "/api/atlas/v2/x", "user", "pass");
        assert!(answer.starts_with("Digest"));
    }
    // The same bytes split into several header values, as a server may send them.
    let _ = parse_challenges(text.split('\n'));
});
