//! The vocabulary of HTTP that handlers speak: a request after its body was read (`Incoming`), an
//! answer under construction (`Reply`, `Outcome`), the streamed body hyper sends, and version
//! negotiation of `Accept` and `Content-Type`. Nothing here knows the emulated routes.
//!
//! May use: the foundations (`errors`, `log`).

pub(crate) mod body;
pub(crate) mod incoming;
pub(crate) mod reply;
pub(crate) mod version;
