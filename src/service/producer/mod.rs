//! The producer side: load balancers and target groups, endpoint services
//! with their allowed principals and private DNS names, and the public DNS
//! model private DNS names are verified against.

pub mod dns;
pub mod endpoint_service;
pub mod loadbalancer;
