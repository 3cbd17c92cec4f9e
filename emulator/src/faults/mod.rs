//! Misbehaviour on request: injected faults (the public `Fault`, `FaultKind` and `Route`, the queue
//! they wait in, and the answers they give instead of the real one) and the token-bucket rate
//! limiter behind 429s and the `RateLimit-*` headers.
//!
//! May use: the foundations (`config`, `errors`, `mutex`) and `http`.

pub(crate) mod answers;
pub(crate) mod kinds;
pub(crate) mod queue;
pub(crate) mod ratelimit;
