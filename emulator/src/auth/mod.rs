//! Who may call: digest authentication as Atlas offers it (challenges, nonces, verification), the
//! service-account credentials and the bearer tokens issued for them, and the gate every API
//! request passes before anything else is looked at.
//!
//! May use: the foundations (`config`, `errors`, `mutex`) and `http`.

pub(crate) mod digest;
pub(crate) mod gate;
pub(crate) mod header;
pub(crate) mod nonces;
pub(crate) mod tokens;
