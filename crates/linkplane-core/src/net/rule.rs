//! Security group rules: protocols, port ranges and what a rule admits.

use std::fmt;

use crate::error::CoreError;

/// Security group rule protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
    Icmp,
    All,
}

impl Protocol {
    /// Accepts the names `tcp`, `udp`, `icmp`, `all` (in any case) and AWS's
    /// protocol numbers `6`, `17`, `1`, `-1`.
    pub fn parse(s: &str) -> Result<Protocol, CoreError> {
        let names = [
            ("tcp", "6", Protocol::Tcp),
            ("udp", "17", Protocol::Udp),
            ("icmp", "1", Protocol::Icmp),
            ("all", "-1", Protocol::All),
        ];
        names
            .iter()
            .find(|(name, number, _)| s.eq_ignore_ascii_case(name) || s == *number)
            .map(|(_, _, p)| *p)
            .ok_or_else(|| {
                CoreError::invalid_value(format!(
                    "Invalid value '{s}' for IP protocol. Unknown protocol; expected tcp, udp, \
                     icmp, or -1 (all), or the protocol numbers 6, 17 or 1."
                ))
            })
    }

    /// The text AWS answers for the protocol: `tcp`, `udp`, `icmp`, or `-1`
    /// for all protocols.
    pub fn as_str(&self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
            Protocol::All => "-1",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Normalised port range of a security group rule.
///
/// * `tcp`/`udp`: `from_port` and `to_port` are required (`MissingParameter`),
///   each 0 to 65535, with `from_port <= to_port`.
/// * `icmp`: `from_port` is the ICMP type and `to_port` the code, each -1 to
///   255 (-1 meaning any); both default to -1.
/// * all (`-1`): ports must be absent or -1; answers `(-1, -1)`.
pub fn rule_ports(
    protocol: Protocol,
    from_port: Option<i32>,
    to_port: Option<i32>,
) -> Result<(i32, i32), CoreError> {
    match protocol {
        Protocol::Tcp | Protocol::Udp => {
            let name = protocol.as_str();
            let require = |v: Option<i32>, param: &str| {
                v.ok_or_else(|| {
                    CoreError::invalid(
                        "MissingParameter",
                        format!(
                            "The request must contain the parameter {param} when the protocol is {name}."
                        ),
                    )
                })
            };
            let from = require(from_port, "fromPort")?;
            let to = require(to_port, "toPort")?;
            for (v, param) in [(from, "fromPort"), (to, "toPort")] {
                if !(0..=65535).contains(&v) {
                    return Err(CoreError::invalid_value(format!(
                        "Invalid value '{v}' for {param}. Ports must be between 0 and 65535."
                    )));
                }
            }
            if from > to {
                return Err(CoreError::invalid_value(format!(
                    "Invalid port range {from}-{to} for protocol {name}: fromPort ({from}) must \
                     not be greater than toPort ({to})."
                )));
            }
            Ok((from, to))
        }
        Protocol::Icmp => {
            let ty = from_port.unwrap_or(-1);
            let code = to_port.unwrap_or(-1);
            for (v, what) in [(ty, "ICMP type (fromPort)"), (code, "ICMP code (toPort)")] {
                if !(-1..=255).contains(&v) {
                    return Err(CoreError::invalid_value(format!(
                        "Invalid value '{v}' for {what}. It must be between -1 and 255, \
                         where -1 means any."
                    )));
                }
            }
            Ok((ty, code))
        }
        Protocol::All => {
            for (v, param) in [(from_port, "fromPort"), (to_port, "toPort")] {
                if let Some(v) = v.filter(|&v| v != -1) {
                    return Err(CoreError::invalid_value(format!(
                        "Invalid value '{v}' for {param}. Ports cannot be given when the \
                         protocol is -1 (all); omit them or use -1."
                    )));
                }
            }
            Ok((-1, -1))
        }
    }
}

/// Whether a rule (protocol and normalised port range from [`rule_ports`])
/// admits traffic of `protocol` to `port` (for ICMP, `port` is the ICMP
/// type). A rule for all protocols admits everything; a tcp/udp rule admits
/// the same protocol with `from <= port <= to`; an icmp rule admits icmp whose
/// type matches `from` (-1 matches any type).
pub fn rule_admits(
    rule_protocol: Protocol,
    from: i32,
    to: i32,
    protocol: Protocol,
    port: i32,
) -> bool {
    match rule_protocol {
        Protocol::All => true,
        Protocol::Tcp | Protocol::Udp => protocol == rule_protocol && from <= port && port <= to,
        Protocol::Icmp => protocol == Protocol::Icmp && (from == -1 || from == port),
    }
}
