//! ELB listeners of network and gateway load balancers: the ARN, which
//! protocols a load balancer of each kind listens on, and which target
//! groups a listener may forward to.

use super::{LoadBalancerArn, LoadBalancerKind, TargetProtocol};
use crate::error::CoreError;

/// A listener's ARN: the load balancer's with `loadbalancer/` made
/// `listener/` and the listener's own 16 hex digits after it.
pub fn listener_arn(lb: &LoadBalancerArn, id16: &str) -> String {
    let lb = lb.arn();
    let lb = lb.replacen(":loadbalancer/", ":listener/", 1);
    format!("{lb}/{id16}")
}

/// The load balancer ARN a listener ARN is under, or `ValidationError`.
pub fn load_balancer_of_listener(arn: &str) -> Result<LoadBalancerArn, CoreError> {
    let bad = || {
        CoreError::invalid(
            "ValidationError",
            format!(
                "'{arn}' is not a valid listener ARN: expected arn:aws:elasticloadbalancing:region:account-id:listener/net|gwy/load-balancer-name/load-balancer-id/listener-id"
            ),
        )
    };
    let (lb, id) = arn.rsplit_once('/').ok_or_else(bad)?;
    if !super::is_valid_elb_id(id) || !lb.contains(":listener/") {
        return Err(bad());
    }
    LoadBalancerArn::parse_any(&lb.replacen(":listener/", ":loadbalancer/", 1)).map_err(|_| bad())
}

/// What a listener is: its protocol and port, checked for the load
/// balancer's kind. A network load balancer listens on TCP, UDP or
/// TCP_UDP on a port of 1 to 65535 (TLS needs a certificate, and linkplane
/// has none); a gateway load balancer's listener has neither protocol nor
/// port (it takes all IP traffic, GENEVE to its targets). Violations are
/// `ValidationError`, an unsupported protocol `UnsupportedProtocol`.
pub fn check_listener(
    kind: LoadBalancerKind,
    protocol: Option<&str>,
    port: Option<u16>,
) -> Result<Option<(TargetProtocol, u16)>, CoreError> {
    let invalid = |m: String| Err(CoreError::invalid("ValidationError", m));
    match kind {
        LoadBalancerKind::Gateway => match (protocol, port) {
            (None, None) => Ok(None),
            _ => invalid("A gateway load balancer's listener takes no protocol and no port".into()),
        },
        LoadBalancerKind::Network => {
            let (Some(protocol), Some(port)) = (protocol, port) else {
                return invalid(
                    "A network load balancer's listener needs a protocol and a port".into(),
                );
            };
            if port == 0 {
                return invalid(
                    "Port 0 is out of range: a listener port must be between 1 and 65535".into(),
                );
            }
            match TargetProtocol::parse(protocol) {
                Ok(p @ (TargetProtocol::Tcp | TargetProtocol::Udp | TargetProtocol::TcpUdp)) => {
                    Ok(Some((p, port)))
                }
                Ok(TargetProtocol::Tls) => Err(CoreError::invalid(
                    "UnsupportedProtocol",
                    "TLS listeners need a certificate, and linkplane has no certificates; use TCP",
                )),
                _ => Err(CoreError::invalid(
                    "UnsupportedProtocol",
                    format!(
                        "Protocol '{protocol}' is not supported by a network load balancer's listener: TCP, UDP or TCP_UDP"
                    ),
                )),
            }
        }
    }
}

/// Whether a listener of `listener` protocol (None: a gateway load
/// balancer's) may forward to a target group of `group`: TCP to TCP or
/// TCP_UDP, UDP to UDP or TCP_UDP, TCP_UDP to TCP_UDP, a gateway listener
/// to GENEVE, as on AWS. Otherwise `ValidationError`.
pub fn check_forward(
    listener: Option<TargetProtocol>,
    group: TargetProtocol,
) -> Result<(), CoreError> {
    use TargetProtocol::{Geneve, Tcp, TcpUdp, Udp};
    let fits = match listener {
        None => group == Geneve,
        Some(Tcp) => matches!(group, Tcp | TcpUdp),
        Some(Udp) => matches!(group, Udp | TcpUdp),
        Some(TcpUdp) => group == TcpUdp,
        Some(_) => false,
    };
    if fits {
        Ok(())
    } else {
        let l = listener.map_or("a gateway load balancer's", |p| p.as_str());
        Err(CoreError::invalid(
            "ValidationError",
            format!(
                "A {} listener cannot forward to a target group of protocol {}",
                l.to_ascii_uppercase(),
                group.as_str().to_ascii_uppercase()
            ),
        ))
    }
}

/// Whether a listener of `protocol` on `port` (both `None`: a gateway load
/// balancer's, which takes all IP traffic) takes a flow of `flow` (`tcp`,
/// `udp`) to `flow_port`: its port, and a protocol it carries (TCP_UDP both).
pub fn takes(
    protocol: Option<TargetProtocol>,
    port: Option<u16>,
    flow: &str,
    flow_port: u16,
) -> bool {
    port.is_none_or(|p| p == flow_port) && protocol.is_none_or(|p| p.carries(flow))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listener_takes_its_port_and_protocol_and_a_gateways_takes_all() {
        use TargetProtocol::{Tcp, TcpUdp, Udp};
        assert!(takes(Some(Tcp), Some(443), "tcp", 443));
        assert!(!takes(Some(Tcp), Some(443), "tcp", 80));
        assert!(!takes(Some(Tcp), Some(53), "udp", 53));
        assert!(takes(Some(Udp), Some(53), "udp", 53));
        assert!(
            takes(Some(TcpUdp), Some(53), "tcp", 53) && takes(Some(TcpUdp), Some(53), "udp", 53)
        );
        assert!(takes(None, None, "tcp", 1) && takes(None, None, "udp", 65535));
    }

    fn lb(kind: LoadBalancerKind) -> LoadBalancerArn {
        LoadBalancerArn {
            region: "us-east-1".into(),
            account_id: "111122223333".into(),
            kind,
            name: "api".into(),
            id: "0123456789abcdef".into(),
        }
    }

    #[test]
    fn listener_arns_are_under_their_load_balancer() {
        let arn = listener_arn(&lb(LoadBalancerKind::Network), "fedcba9876543210");
        assert_eq!(
            arn,
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/api/0123456789abcdef/fedcba9876543210"
        );
        assert_eq!(
            load_balancer_of_listener(&arn).unwrap(),
            lb(LoadBalancerKind::Network)
        );
        let gwy = listener_arn(&lb(LoadBalancerKind::Gateway), "fedcba9876543210");
        assert!(gwy.contains(":listener/gwy/api/"));
        for bad in [
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/api/0123456789abcdef",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/api/0123456789abcdef/xyz",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/api/fedcba9876543210",
            "listener",
        ] {
            assert_eq!(
                load_balancer_of_listener(bad).unwrap_err().code,
                "ValidationError",
                "{bad}"
            );
        }
    }

    #[test]
    fn each_kind_listens_as_on_aws() {
        use LoadBalancerKind::{Gateway, Network};
        assert_eq!(
            check_listener(Network, Some("tcp"), Some(443)).unwrap(),
            Some((TargetProtocol::Tcp, 443))
        );
        assert_eq!(
            check_listener(Network, Some("TCP_UDP"), Some(53)).unwrap(),
            Some((TargetProtocol::TcpUdp, 53))
        );
        assert_eq!(check_listener(Gateway, None, None).unwrap(), None);
        for (kind, p, port, code) in [
            (Network, None, Some(80), "ValidationError"),
            (Network, Some("TCP"), None, "ValidationError"),
            (Network, Some("TCP"), Some(0), "ValidationError"),
            (Network, Some("TLS"), Some(443), "UnsupportedProtocol"),
            (Network, Some("GENEVE"), Some(6081), "UnsupportedProtocol"),
            (Network, Some("HTTP"), Some(80), "UnsupportedProtocol"),
            (Gateway, Some("GENEVE"), Some(6081), "ValidationError"),
            (Gateway, None, Some(6081), "ValidationError"),
        ] {
            assert_eq!(
                check_listener(kind, p, port).unwrap_err().code,
                code,
                "{kind:?} {p:?} {port:?}"
            );
        }
    }

    #[test]
    fn listeners_forward_to_the_target_groups_aws_allows() {
        use TargetProtocol::{Geneve, Tcp, TcpUdp, Tls, Udp};
        let all = [Tcp, Udp, TcpUdp, Tls, Geneve];
        let allowed = [
            (Some(Tcp), vec![Tcp, TcpUdp]),
            (Some(Udp), vec![Udp, TcpUdp]),
            (Some(TcpUdp), vec![TcpUdp]),
            (None, vec![Geneve]),
        ];
        for (listener, ok) in allowed {
            for g in all {
                assert_eq!(
                    check_forward(listener, g).is_ok(),
                    ok.contains(&g),
                    "{listener:?} -> {g:?}"
                );
            }
        }
    }
}
