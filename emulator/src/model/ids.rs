//! Ids shaped like MongoDB ObjectIds (24 lower-case hex digits), as Atlas uses for projects and
//! endpoints: checking one that came from outside, and making a new one.

use std::time::{SystemTime, UNIX_EPOCH};

/// `groupId` and `endpointId` values: 24 lower-case hex digits.
pub(crate) fn is_object_id(text: &str) -> bool {
    text.len() == 24
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A fresh 24-hex id shaped like a MongoDB ObjectId: seconds since the epoch, then random bits.
pub(crate) fn new_object_id() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("{:08x}{:016x}", seconds & 0xffff_ffff, fastrand::u64(..))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_ids() {
        assert!(is_object_id("0123456789abcdef01234567"));
        assert!(!is_object_id("0123456789ABCDEF01234567"));
        assert!(!is_object_id("0123456789abcdef0123456"));
        assert!(!is_object_id("0123456789abcdef0123456g"));
        assert!(is_object_id(&new_object_id()));
    }
}
