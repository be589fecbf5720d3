use super::*;
use crate::error::ErrorKind;

/// Every state's text parses back to it, `Display` and serde agree with
/// `as_str`, and anything else is refused.
fn round_trips<S>(wire: &[&str])
where
    S: Lifecycle + serde::Serialize + serde::de::DeserializeOwned,
{
    let texts: Vec<&str> = S::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(texts, wire, "{}", S::WHAT);
    for &s in S::ALL {
        assert_eq!(s.as_str().parse::<S>(), Ok(s));
        assert_eq!(s.to_string(), s.as_str());
        let json = serde_json::to_value(s).unwrap();
        assert_eq!(json, serde_json::json!(s.as_str()));
        assert_eq!(serde_json::from_value::<S>(json).unwrap(), s);
    }
    for bad in [
        "",
        "unknown",
        "Available",
        "AVAILABLE",
        " available",
        "available ",
        "pendingAcceptance",
        "pending-acceptance",
        "PendingAcceptance",
        "expired",
        "null",
    ] {
        let e = bad.parse::<S>().unwrap_err();
        assert_eq!(e.code, "InvalidParameterValue", "{} {bad:?}", S::WHAT);
        assert!(e.message.contains(S::WHAT), "{}", e.message);
        assert!(serde_json::from_value::<S>(serde_json::json!(bad)).is_err());
    }
}

/// `act` on every state: the listed states move where the table says, every
/// other state is refused with `code` (a 409).
fn transitions<S: Lifecycle>(
    name: &str,
    act: impl Fn(S) -> Result<S, CoreError>,
    allowed: &[(S, S)],
    code: &str,
) {
    for &s in S::ALL {
        match (allowed.iter().find(|(from, _)| *from == s), act(s)) {
            (Some((_, to)), Ok(got)) => assert_eq!(got, *to, "{name} from {s}"),
            (Some(_), Err(e)) => panic!("{name} from {s} was refused: {e}"),
            (None, Ok(got)) => panic!("{name} from {s} was allowed (to {got})"),
            (None, Err(e)) => {
                assert_eq!(e.code, code, "{name} from {s}");
                assert_eq!(e.kind, ErrorKind::Conflict, "{name} from {s}");
            }
        }
    }
}

/// The settling table: exactly these transitional states settle, into these.
fn settles<S: Lifecycle>(table: &[(S, S)]) {
    for &s in S::ALL {
        let want = table.iter().find(|(from, _)| *from == s).map(|(_, to)| *to);
        assert_eq!(s.settles_to(), want, "{s} settles");
    }
}

// ---- VPC endpoints ----

use VpcEndpointState as E;

#[test]
fn endpoint_states_round_trip() {
    round_trips::<E>(&[
        "pending_acceptance",
        "pending",
        "available",
        "deleting",
        "deleted",
        "rejected",
        "failed",
    ]);
}

#[test]
fn endpoints_start_by_type_and_acceptance() {
    use EndpointType as T;
    let cases = [
        (T::Gateway, false, E::Available),
        (T::Gateway, true, E::Available),
        (T::Interface, true, E::PendingAcceptance),
        (T::Interface, false, E::Pending),
        (T::GatewayLoadBalancer, true, E::PendingAcceptance),
        (T::GatewayLoadBalancer, false, E::Pending),
    ];
    for (kind, acceptance, want) in cases {
        assert_eq!(
            E::on_create(kind, acceptance),
            want,
            "{kind:?} {acceptance}"
        );
    }
}

#[test]
fn only_pending_acceptance_connections_are_accepted() {
    transitions(
        "accept",
        |s: E| s.accept("vpce-1"),
        &[(E::PendingAcceptance, E::Pending)],
        "IncorrectState",
    );
    assert_eq!(
        E::Available.accept("vpce-1").unwrap_err().message,
        "endpoint vpce-1 is available; it cannot be accepted"
    );
}

#[test]
fn undecided_and_accepted_connections_are_rejected() {
    transitions(
        "reject",
        |s: E| s.reject("vpce-1"),
        &[
            (E::PendingAcceptance, E::Rejected),
            (E::Pending, E::Rejected),
            (E::Available, E::Rejected),
        ],
        "IncorrectState",
    );
    assert_eq!(
        E::Deleted.reject("vpce-1").unwrap_err().message,
        "endpoint vpce-1 is deleted; it cannot be rejected"
    );
}

#[test]
fn deleting_an_endpoint_is_idempotent() {
    for &s in E::ALL {
        let want = match s {
            E::Deleting | E::Deleted => None,
            _ => Some(E::Deleting),
        };
        assert_eq!(s.delete(), want, "delete from {s}");
        assert_eq!(s.is_deleting_or_deleted(), want.is_none(), "{s}");
    }
}

#[test]
fn endpoints_change_unless_gone_rejected_or_failed() {
    transitions(
        "modify",
        |s: E| s.modify("vpce-1"),
        &[
            (E::Available, E::Pending),
            (E::Pending, E::Pending),
            (E::PendingAcceptance, E::PendingAcceptance),
        ],
        "IncorrectState",
    );
    assert_eq!(
        E::Rejected.modify("vpce-1").unwrap_err().message,
        "endpoint vpce-1 is rejected; it cannot be changed"
    );
}

#[test]
fn endpoints_settle_and_hold_capacity() {
    settles(&[(E::Pending, E::Available), (E::Deleting, E::Deleted)]);
    for &s in E::ALL {
        let live = matches!(s, E::Available | E::PendingAcceptance | E::Pending);
        assert_eq!(s.is_live(), live, "{s}");
    }
}

#[test]
fn endpoint_names_answer_until_deleted_rejected_or_failed() {
    for &s in E::ALL {
        let gone = matches!(s, E::Deleted | E::Rejected | E::Failed);
        assert_eq!(s.keeps_dns_records(), !gone, "{s}");
    }
}

// ---- endpoint services ----

use EndpointServiceState as S;

#[test]
fn service_states_round_trip() {
    round_trips::<S>(&["pending", "available", "deleting"]);
    round_trips::<ServiceRegionState>(&["available"]);
    settles::<ServiceRegionState>(&[]);
}

#[test]
fn services_start_pending_and_settle_available() {
    assert_eq!(S::ON_CREATE, S::Pending);
    settles(&[(S::Pending, S::Available)]);
    for &s in S::ALL {
        assert_eq!(s.accepts_endpoints(), s == S::Available, "{s}");
    }
}

#[test]
fn services_change_unless_deleting() {
    transitions(
        "modify",
        |s: S| s.modify("vpce-svc-1"),
        &[(S::Pending, S::Pending), (S::Available, S::Available)],
        "IncorrectState",
    );
    assert_eq!(
        S::Deleting.modify("vpce-svc-1").unwrap_err().message,
        "endpoint service vpce-svc-1 is being deleted"
    );
}

#[test]
fn deleting_a_service_is_idempotent() {
    assert_eq!(S::Pending.delete(), Some(S::Deleting));
    assert_eq!(S::Available.delete(), Some(S::Deleting));
    assert_eq!(S::Deleting.delete(), None);
}

#[test]
fn private_dns_names_verify_from_any_state() {
    use PrivateDnsState as P;
    round_trips::<P>(&["pending_verification", "verified", "failed"]);
    settles::<P>(&[]);
    assert_eq!(P::ON_NAME_SET, P::PendingVerification);
    assert_eq!(P::verify(true), P::Verified);
    assert_eq!(P::verify(false), P::Failed);
    for &s in P::ALL {
        assert_eq!(s.is_verified(), s == P::Verified, "{s}");
    }
}

// ---- load balancers ----

#[test]
fn load_balancers_provision_then_are_active() {
    use LoadBalancerState as L;
    round_trips::<L>(&["provisioning", "active"]);
    assert_eq!(L::ON_CREATE, L::Provisioning);
    settles(&[(L::Provisioning, L::Active)]);
}

// ---- VPC peering ----

use PeeringState as X;

#[test]
fn peering_states_round_trip() {
    round_trips::<X>(&["pending_acceptance", "active", "rejected", "deleted"]);
    settles::<X>(&[]);
    assert_eq!(X::ON_CREATE, X::PendingAcceptance);
    for &s in X::ALL {
        assert_eq!(
            X::LIVE.contains(&s),
            matches!(s, X::PendingAcceptance | X::Active)
        );
        assert_eq!(s.is_active(), s == X::Active, "{s}");
    }
}

#[test]
fn only_pending_peerings_are_accepted_or_rejected() {
    transitions(
        "accept",
        |s: X| s.accept("pcx-1"),
        &[(X::PendingAcceptance, X::Active)],
        "InvalidStateTransition",
    );
    transitions(
        "reject",
        |s: X| s.reject("pcx-1"),
        &[(X::PendingAcceptance, X::Rejected)],
        "InvalidStateTransition",
    );
    assert_eq!(
        X::Active.accept("pcx-1").unwrap_err().message,
        "peering connection pcx-1 is active; it cannot be accepted"
    );
    assert_eq!(
        X::Deleted.reject("pcx-1").unwrap_err().message,
        "peering connection pcx-1 is deleted; it cannot be rejected"
    );
}

#[test]
fn peerings_are_deleted_by_either_side_when_active_by_the_requester_when_pending() {
    transitions(
        "delete by the requester",
        |s: X| s.delete("pcx-1", true),
        &[(X::Active, X::Deleted), (X::PendingAcceptance, X::Deleted)],
        "InvalidStateTransition",
    );
    transitions(
        "delete by the accepter",
        |s: X| s.delete("pcx-1", false),
        &[(X::Active, X::Deleted)],
        "InvalidStateTransition",
    );
    assert_eq!(
        X::PendingAcceptance
            .delete("pcx-1", false)
            .unwrap_err()
            .message,
        "peering connection pcx-1 is pending your acceptance: reject it instead"
    );
    assert_eq!(
        X::Rejected.delete("pcx-1", true).unwrap_err().message,
        "peering connection pcx-1 is rejected; it cannot be deleted"
    );
}

// ---- VPCs, subnets, NAT and transit gateways, routes ----

#[test]
fn gateway_states_round_trip() {
    round_trips::<VpcState>(&["available"]);
    round_trips::<SubnetState>(&["available"]);
    settles::<VpcState>(&[]);
    settles::<SubnetState>(&[]);
    round_trips::<NatGatewayState>(&["available"]);
    round_trips::<TransitGatewayState>(&["available"]);
    round_trips::<TransitGatewayAttachmentState>(&["available"]);
    settles::<NatGatewayState>(&[]);
    settles::<TransitGatewayState>(&[]);
    settles::<TransitGatewayAttachmentState>(&[]);
}

#[test]
fn routes_are_active_or_blackholes() {
    round_trips::<RouteState>(&["active", "blackhole"]);
    settles::<RouteState>(&[]);
    assert_eq!(RouteState::of(true), RouteState::Active);
    assert_eq!(RouteState::of(false), RouteState::Blackhole);
}

#[test]
fn unknown_states_say_what_they_are_not() {
    let e = VpcEndpointState::parse("expired").unwrap_err();
    assert_eq!(
        e.message,
        "'expired' is not a VPC endpoint state; it is one of pending_acceptance, pending, \
         available, deleting, deleted, rejected, failed"
    );
    assert_eq!(e.kind, ErrorKind::Invalid);
}
