//! The producer side: load balancers and target groups, endpoint services
//! with their allowed principals and private DNS names, the connections
//! consumers' endpoints make to them (accepted or rejected here), and the
//! public DNS model private DNS names are verified against.

pub mod connections;
pub mod dns;
pub mod endpoint_service;
pub mod listener;
pub mod loadbalancer;
pub mod principals;
pub mod target_group;
