//! The network model's tables: VPCs, subnets and their free address ranges,
//! network interfaces, route tables and routes, security groups and rules,
//! internet and NAT gateways, peering connections, transit gateways.
//!
//! Every query of an account's resource is scoped by `account_id`; a row of
//! another account reads as absent. Lists are keyset-paginated on
//! `(created_at, id)`.
//!
//! One file per family, as in `service::network`; every row type and query
//! is re-exported here, so `store::network::get_vpc` names them all.

pub mod gateway;
pub mod interface;
pub mod peering;
pub mod routing;
pub mod security;
pub mod transit;
pub mod vpc;

pub use gateway::*;
pub use interface::*;
pub use peering::*;
pub use routing::*;
pub use security::*;
pub use transit::*;
pub use vpc::*;
