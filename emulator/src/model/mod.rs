//! The domain: the private endpoints of every project, their status lifecycle, and the regions each
//! cloud provider accepts. Pure data and rules with an explicit clock, so every status can be
//! tested without HTTP or waiting.
//!
//! May use: nothing else in the crate (only std, serde_json and fastrand).

pub(crate) mod endpoint;
pub(crate) mod ids;
pub(crate) mod regions;
pub(crate) mod store;
