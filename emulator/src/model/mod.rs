//! The domain: the private endpoints of every project, their status lifecycle, and the regions each
//! cloud provider accepts; each project's encryption-at-rest configuration (`encryption`, with the
//! fields of its provider objects in `key_fields`) and its seeded clusters (`clusters`); and the state file's document (`snapshot`). Pure data
//! and rules with an explicit clock, so every status can be tested without HTTP or waiting.
//!
//! May use: nothing else in the crate (only std, serde, serde_json and fastrand).

pub(crate) mod clusters;
pub(crate) mod encryption;
pub(crate) mod endpoint;
pub(crate) mod ids;
pub(crate) mod key_fields;
pub(crate) mod regions;
pub(crate) mod snapshot;
pub(crate) mod store;
