//! linkplane-core: the pure domain rules of linkplane.
//!
//! No I/O, no async, no clock, no randomness: callers pass in whatever the
//! outside world provides (random bits, the time, stored rows) and get
//! answers back. The HTTP service and the route resolver both depend on this
//! crate, so that they can never disagree about a rule.

pub mod catalog;
pub mod cost;
pub mod endpoint;
pub mod error;
pub mod identity;
pub mod ids;
pub mod lifecycle;
pub mod net;
pub mod policy;
pub mod privatelink;
pub mod public_dns;
pub mod resolve;
pub mod tags;
pub mod text;
pub mod topic;

pub use error::CoreError;
