//! Lifecycles: the states of each stateful resource, spelt as the API
//! answers them and the database stores them, and the transitions between
//! them.
//!
//! Every state enum has `as_str` (the wire and stored text), `Display`
//! (the same text), `FromStr`/`parse` (which refuses any other text, never
//! defaulting) and serde as that text. The transitions a caller asks for
//! (accept, reject, delete, modify) are methods returning the next state or
//! the [`CoreError`] the API answers; the transitions time makes (a
//! `pending` endpoint becoming `available`) are [`Lifecycle::settles_to`].

use crate::catalog::EndpointType;
use crate::error::CoreError;
use std::fmt;
use std::str::FromStr;

#[cfg(test)]
mod tests;

/// What every state enum offers, for code generic over lifecycles (the
/// store reads any of them; the service starts any of them).
pub trait Lifecycle:
    Copy + Eq + fmt::Debug + fmt::Display + FromStr<Err = CoreError> + 'static
{
    /// What the values are states of, for messages: `VPC endpoint state`.
    const WHAT: &'static str;
    /// Every state, in declaration order.
    const ALL: &'static [Self];
    /// The wire and stored text.
    fn as_str(self) -> &'static str;
    /// The state a transitional state settles into once its work is done
    /// (the background workflow moves rows there when their time comes, or
    /// at once without a provisioning delay); `None` for a state that stays
    /// until someone acts.
    fn settles_to(self) -> Option<Self>;
}

/// Declares a state enum: variants with their wire text, and which
/// transitional states settle into which.
macro_rules! lifecycle {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+
        }
        settles { $($from:ident => $to:ident,)* }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant,)+
        }

        impl $name {
            /// Every state, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire and stored text.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)+
                }
            }

            /// The state spelt `s`; any other text is an error.
            pub fn parse(s: &str) -> Result<Self, CoreError> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    other => Err(unknown_state(other, $what, &[$($wire),+])),
                }
            }
        }

        impl Lifecycle for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = $name::ALL;

            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }

            #[allow(unreachable_patterns)]
            fn settles_to(self) -> Option<Self> {
                match self {
                    $($name::$from => Some($name::$to),)*
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = CoreError;

            fn from_str(s: &str) -> Result<Self, CoreError> {
                $name::parse(s)
            }
        }
    };
}

fn unknown_state(value: &str, what: &str, known: &[&str]) -> CoreError {
    CoreError::invalid_value(format!(
        "'{value}' is not a {what}; it is one of {}",
        known.join(", ")
    ))
}

/// `IncorrectState` (409): the endpoint's state does not allow the action.
fn incorrect_state(message: String) -> CoreError {
    CoreError::conflict("IncorrectState", message)
}

/// `InvalidStateTransition` (409): the peering's state does not allow the action.
fn invalid_transition(message: String) -> CoreError {
    CoreError::conflict("InvalidStateTransition", message)
}

// ---- VPC endpoints (and their connections, the provider's view) ----

lifecycle! {
    /// A VPC endpoint's state, which is also its connection's state as the
    /// service's owner sees it (`VpcEndpointState`).
    ///
    /// ```text
    /// create --(gateway)------------------------> available
    ///        --(acceptance required)-> pending_acceptance --accept--> pending --> available
    ///        --(auto-accept)-------------------------------------> pending --> available
    /// pending_acceptance | pending | available --reject--> rejected
    /// available --modify--> pending --> available
    /// anything but deleting/deleted --delete--> deleting --> deleted
    /// ```
    VpcEndpointState, "VPC endpoint state" {
        PendingAcceptance = "pending_acceptance",
        Pending = "pending",
        Available = "available",
        Deleting = "deleting",
        Deleted = "deleted",
        Rejected = "rejected",
        /// Provisioning failed. Nothing produces it yet; it is part of the
        /// documented set and refused by every transition.
        Failed = "failed",
    }
    settles {
        Pending => Available,
        Deleting => Deleted,
    }
}

impl VpcEndpointState {
    /// The states that hold a service's capacity: they block deleting the
    /// service or changing its load balancers.
    pub const LIVE: [VpcEndpointState; 3] = [
        VpcEndpointState::Available,
        VpcEndpointState::PendingAcceptance,
        VpcEndpointState::Pending,
    ];

    /// Whether the endpoint's DNS names still answer: until it is deleted,
    /// rejected or failed (a pending one's names exist and explain why
    /// traffic does not flow).
    pub fn keeps_dns_records(self) -> bool {
        !matches!(
            self,
            VpcEndpointState::Deleted | VpcEndpointState::Rejected | VpcEndpointState::Failed
        )
    }

    /// Where a new endpoint starts: gateway endpoints are available at
    /// once; others wait for the service owner when the service requires
    /// acceptance, and are provisioned (`pending`) otherwise.
    pub fn on_create(kind: EndpointType, acceptance_required: bool) -> VpcEndpointState {
        match kind {
            EndpointType::Gateway => VpcEndpointState::Available,
            _ if acceptance_required => VpcEndpointState::PendingAcceptance,
            _ => VpcEndpointState::Pending,
        }
    }

    /// `AcceptVpcEndpointConnections`: `pending_acceptance` -> `pending`.
    /// Anything else is `IncorrectState` (an item of the batch's
    /// `unsuccessful`).
    pub fn accept(self, endpoint_id: &str) -> Result<VpcEndpointState, CoreError> {
        match self {
            VpcEndpointState::PendingAcceptance => Ok(VpcEndpointState::Pending),
            _ => Err(self.cannot(endpoint_id, "accepted")),
        }
    }

    /// `RejectVpcEndpointConnections`: `pending_acceptance`, `pending` or
    /// `available` -> `rejected`, for good. Anything else is `IncorrectState`.
    pub fn reject(self, endpoint_id: &str) -> Result<VpcEndpointState, CoreError> {
        match self {
            VpcEndpointState::PendingAcceptance
            | VpcEndpointState::Pending
            | VpcEndpointState::Available => Ok(VpcEndpointState::Rejected),
            _ => Err(self.cannot(endpoint_id, "rejected")),
        }
    }

    /// `DeleteVpcEndpoints` (the consumer): `deleting`, then `deleted`.
    /// `None` when the endpoint is already deleting or deleted: deleting is
    /// idempotent, there is nothing to do.
    pub fn delete(self) -> Option<VpcEndpointState> {
        match self {
            VpcEndpointState::Deleting | VpcEndpointState::Deleted => None,
            _ => Some(VpcEndpointState::Deleting),
        }
    }

    /// `ModifyVpcEndpoint`: an available endpoint goes back to `pending`
    /// until the change is done; a pending one stays where it is. Deleting,
    /// deleted, rejected and failed endpoints cannot change (`IncorrectState`).
    pub fn modify(self, endpoint_id: &str) -> Result<VpcEndpointState, CoreError> {
        match self {
            VpcEndpointState::Available => Ok(VpcEndpointState::Pending),
            VpcEndpointState::PendingAcceptance | VpcEndpointState::Pending => Ok(self),
            VpcEndpointState::Deleting
            | VpcEndpointState::Deleted
            | VpcEndpointState::Rejected
            | VpcEndpointState::Failed => Err(self.cannot(endpoint_id, "changed")),
        }
    }

    /// Deleting or deleted: the endpoint's interfaces, routes and names are
    /// released, so it has no DNS names and cannot be a route target.
    pub fn is_deleting_or_deleted(self) -> bool {
        matches!(self, VpcEndpointState::Deleting | VpcEndpointState::Deleted)
    }

    /// Whether the endpoint holds its service's capacity (see [`Self::LIVE`]).
    pub fn is_live(self) -> bool {
        Self::LIVE.contains(&self)
    }

    fn cannot(self, endpoint_id: &str, verb: &str) -> CoreError {
        incorrect_state(format!(
            "endpoint {endpoint_id} is {self}; it cannot be {verb}"
        ))
    }
}

// ---- endpoint services ----

lifecycle! {
    /// An endpoint service's state (`ServiceState`, lower case on this API).
    ///
    /// ```text
    /// create --> pending --> available --delete--> deleting --> (removed)
    /// ```
    EndpointServiceState, "endpoint service state" {
        Pending = "pending",
        Available = "available",
        /// Being deleted; the row is removed when its time comes, so it
        /// settles into no state.
        Deleting = "deleting",
    }
    settles {
        Pending => Available,
    }
}

impl EndpointServiceState {
    /// Where a new service starts: provisioned (`pending`), then available.
    pub const ON_CREATE: EndpointServiceState = EndpointServiceState::Pending;

    /// Whether consumers may find the service and connect to it.
    pub fn accepts_endpoints(self) -> bool {
        self == EndpointServiceState::Available
    }

    /// Modifying a service (its settings, permissions, private DNS name
    /// verification): refused with `IncorrectState` while it is being deleted.
    pub fn modify(self, service_id: &str) -> Result<EndpointServiceState, CoreError> {
        match self {
            EndpointServiceState::Deleting => Err(incorrect_state(format!(
                "endpoint service {service_id} is being deleted"
            ))),
            _ => Ok(self),
        }
    }

    /// `DeleteVpcEndpointServiceConfigurations`: `deleting`, then removed.
    /// `None` when it is already deleting: nothing to do. (Live connections
    /// refuse the delete too; that needs the store and is checked there.)
    pub fn delete(self) -> Option<EndpointServiceState> {
        match self {
            EndpointServiceState::Deleting => None,
            _ => Some(EndpointServiceState::Deleting),
        }
    }
}

lifecycle! {
    /// The state of an endpoint service in one of its supported regions.
    /// Regions are added available and removed outright.
    ServiceRegionState, "service region state" {
        Available = "available",
    }
    settles {}
}

lifecycle! {
    /// The state of a service's private DNS name verification
    /// (`PrivateDnsNameConfiguration.State`).
    ///
    /// ```text
    /// set a name --> pending_verification
    /// any --verify (TXT record found)--> verified
    /// any --verify (not found)--------> failed
    /// ```
    PrivateDnsState, "private DNS name verification state" {
        PendingVerification = "pending_verification",
        Verified = "verified",
        Failed = "failed",
    }
    settles {}
}

impl PrivateDnsState {
    /// A name just set (at create or modify) waits for verification.
    pub const ON_NAME_SET: PrivateDnsState = PrivateDnsState::PendingVerification;

    /// `StartVpcEndpointServicePrivateDnsVerification`, from any state (a
    /// verified name is checked again): `verified` when the TXT record was
    /// found, `failed` otherwise.
    pub fn verify(record_found: bool) -> PrivateDnsState {
        if record_found {
            PrivateDnsState::Verified
        } else {
            PrivateDnsState::Failed
        }
    }

    /// Consumers may use the name (private DNS on their endpoints) only
    /// while it is verified.
    pub fn is_verified(self) -> bool {
        self == PrivateDnsState::Verified
    }
}

// ---- load balancers ----

lifecycle! {
    /// A load balancer's state.
    ///
    /// ```text
    /// create --> provisioning --> active
    /// ```
    LoadBalancerState, "load balancer state" {
        Provisioning = "provisioning",
        Active = "active",
    }
    settles {
        Provisioning => Active,
    }
}

impl LoadBalancerState {
    /// Where a new load balancer starts.
    pub const ON_CREATE: LoadBalancerState = LoadBalancerState::Provisioning;
}

// ---- VPC peering ----

lifecycle! {
    /// A VPC peering connection's status code.
    ///
    /// ```text
    /// create --> pending_acceptance --accept (accepter)--> active
    ///                               --reject (accepter)--> rejected
    ///                               --delete (requester)-> deleted
    /// active --delete (either side)--> deleted
    /// ```
    PeeringState, "VPC peering connection state" {
        PendingAcceptance = "pending_acceptance",
        Active = "active",
        Rejected = "rejected",
        Deleted = "deleted",
    }
    settles {}
}

impl PeeringState {
    /// Where a new peering connection starts.
    pub const ON_CREATE: PeeringState = PeeringState::PendingAcceptance;

    /// The states that count as peered (or waiting to be): one such
    /// connection per pair of VPCs; deleting a VPC deletes them.
    pub const LIVE: [PeeringState; 2] = [PeeringState::PendingAcceptance, PeeringState::Active];

    /// Accept (the accepter account; the caller checks who asks):
    /// `pending_acceptance` -> `active`, else `InvalidStateTransition`.
    pub fn accept(self, peering_id: &str) -> Result<PeeringState, CoreError> {
        match self {
            PeeringState::PendingAcceptance => Ok(PeeringState::Active),
            _ => Err(self.cannot(peering_id, "accepted")),
        }
    }

    /// Reject (the accepter account): `pending_acceptance` -> `rejected`,
    /// else `InvalidStateTransition`.
    pub fn reject(self, peering_id: &str) -> Result<PeeringState, CoreError> {
        match self {
            PeeringState::PendingAcceptance => Ok(PeeringState::Rejected),
            _ => Err(self.cannot(peering_id, "rejected")),
        }
    }

    /// Delete: either side while active; while pending only the requester
    /// (the accepter rejects instead). Anything else is
    /// `InvalidStateTransition`.
    pub fn delete(self, peering_id: &str, by_requester: bool) -> Result<PeeringState, CoreError> {
        match self {
            PeeringState::Active => Ok(PeeringState::Deleted),
            PeeringState::PendingAcceptance if by_requester => Ok(PeeringState::Deleted),
            PeeringState::PendingAcceptance => Err(invalid_transition(format!(
                "peering connection {peering_id} is pending your acceptance: reject it instead"
            ))),
            _ => Err(self.cannot(peering_id, "deleted")),
        }
    }

    /// Whether traffic flows (routes to it are usable).
    pub fn is_active(self) -> bool {
        self == PeeringState::Active
    }

    fn cannot(self, peering_id: &str, verb: &str) -> CoreError {
        invalid_transition(format!(
            "peering connection {peering_id} is {self}; it cannot be {verb}"
        ))
    }
}

// ---- VPCs and subnets ----

lifecycle! {
    /// A VPC's state: created available (AWS's `pending` is instant here),
    /// deleted outright. Not stored.
    VpcState, "VPC state" {
        Available = "available",
    }
    settles {}
}

lifecycle! {
    /// A subnet's state: created available, deleted outright. Not stored.
    SubnetState, "subnet state" {
        Available = "available",
    }
    settles {}
}

// ---- NAT and transit gateways ----

lifecycle! {
    /// A NAT gateway's state: created available, deleted outright.
    NatGatewayState, "NAT gateway state" {
        Available = "available",
    }
    settles {}
}

lifecycle! {
    /// A transit gateway's state: created available, deleted outright.
    TransitGatewayState, "transit gateway state" {
        Available = "available",
    }
    settles {}
}

lifecycle! {
    /// A transit gateway attachment's state: created available, deleted outright.
    TransitGatewayAttachmentState, "transit gateway attachment state" {
        Available = "available",
    }
    settles {}
}

// ---- routes ----

lifecycle! {
    /// A route's state (VPC route tables and transit gateway routes): computed
    /// from its target, never stored.
    RouteState, "route state" {
        Active = "active",
        /// The target is gone or unusable, or the route is an explicit blackhole.
        Blackhole = "blackhole",
    }
    settles {}
}

impl RouteState {
    /// `active` when the route's target can carry traffic, `blackhole` otherwise.
    pub fn of(usable: bool) -> RouteState {
        if usable {
            RouteState::Active
        } else {
            RouteState::Blackhole
        }
    }
}
