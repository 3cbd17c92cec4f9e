//! The nonces this emulator issued in digest challenges, and the `nc` values accepted for each, so a
//! replayed answer is refused and an expired nonce earns `stale=true`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::Engine as _;

/// Nonces forgotten entirely this long after they expired (until then they earn `stale=true`).
const FORGET_AFTER_EXPIRY: Duration = Duration::from_secs(600);
/// Pruning only starts past this many nonces, to keep issuing cheap.
const PRUNE_ABOVE: usize = 1024;

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
pub(crate) enum NonceCheck {
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
    pub fn check(
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
