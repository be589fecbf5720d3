//! Endpoints on the walk: gateway endpoints, interface endpoints over
//! PrivateLink (connection state, policy, load balancer, target) and Gateway
//! Load Balancer endpoints.

use super::*;
use crate::privatelink::listener;

impl<'s> Walk<'s, '_> {
    pub(super) fn gateway_endpoint(&mut self, ep: u32, via: Via) {
        let s = self.s;
        let e = &s.endpoints[ep as usize];
        self.push_hop(Hop::new(Component::VpcEndpoint, &e.id));
        if via == Via::TransitGateway {
            self.explain(
                Code::GatewayEndpointNotTransitive,
                &e.id,
                format!(
                    "{} is a gateway endpoint: traffic that entered the VPC through a transit gateway cannot use it",
                    e.id
                ),
            );
        }
        if !matches!(self.q.protocol, Protocol::Tcp | Protocol::Icmp) {
            self.explain(
                Code::ProtocolNotSupported,
                &e.id,
                format!(
                    "gateway endpoints carry TCP (and ICMP echo) only, not {}",
                    proto_name(self.q.protocol)
                ),
            );
        }
        self.endpoint_state(ep);
        self.policy(ep);
        self.push_hop(Hop::new(Component::AwsService, &e.service_name));
        self.delivered = true;
    }

    fn endpoint_state(&mut self, ep: u32) {
        let e = &self.s.endpoints[ep as usize];
        if e.state != VpcEndpointState::Available {
            self.explain(
                Code::EndpointNotAvailable,
                &e.id,
                format!("{} is {}, not available", e.id, e.state),
            );
        }
    }

    /// Evaluates the endpoint's policy for the query's request, if both
    /// exist; the admitting statement goes on the endpoint's hop.
    fn policy(&mut self, ep: u32) {
        let s = self.s;
        let e = &s.endpoints[ep as usize];
        let (Some(policy), Some(req)) = (&e.policy, self.q.request) else {
            return;
        };
        let policy = match policy {
            Ok(p) => p,
            Err(why) => {
                self.explain(
                    Code::EndpointPolicyDenied,
                    &e.id,
                    format!("the policy of {} does not evaluate: {why}", e.id),
                );
                return;
            }
        };
        let vpc_id = e.vpc.map_or("", |v| &*s.vpcs[v as usize].id);
        let mut ip_buf = [0u8; 15];
        let source_ip = ipv4_text(self.src_ip, &mut ip_buf);
        let ours = [
            ("aws:SourceVpce", &*e.id),
            ("aws:SourceVpc", vpc_id),
            ("aws:VpcSourceIp", source_ip),
        ];
        // Without extra keys (the usual case) the context needs no Vec.
        let extended: Vec<(&str, &str)>;
        let context: &[(&str, &str)] = if req.context.is_empty() {
            &ours
        } else {
            extended = ours.iter().chain(req.context).copied().collect();
            &extended
        };
        let decision = policy.evaluate(&Request {
            principal_arn: req.principal_arn,
            action: req.action,
            resource: req.resource,
            context,
        });
        let statement = |i: usize| -> Name<'s> {
            match policy.statement_sid(i) {
                Some(sid) if !sid.is_empty() => Cow::Borrowed(sid),
                _ => Cow::Owned(format!("Statement[{i}]")),
            }
        };
        match decision {
            Decision::Allow { statement: i, .. } => {
                if let Some(h) = self.hops.iter_mut().rev().find(|h| *h.id == *e.id) {
                    h.rule = Some(statement(i));
                }
            }
            Decision::ExplicitDeny { statement: i, .. } => self.explain(
                Code::EndpointPolicyDenied,
                &e.id,
                format!(
                    "{} denies {} on {} for {}: explicit deny in {}",
                    e.id,
                    req.action,
                    req.resource,
                    req.principal_arn,
                    statement(i)
                ),
            ),
            Decision::ImplicitDeny => {
                // Only when the policy tests aws:SourceIp is its absence the likely cause.
                let hint = if policy.uses_condition_key("aws:SourceIp")
                    && !context
                        .iter()
                        .any(|(k, _)| k.eq_ignore_ascii_case("aws:SourceIp"))
                {
                    " (aws:SourceIp is not in the request context of traffic through a VPC endpoint; conditions on the private address use aws:VpcSourceIp)"
                } else {
                    ""
                };
                self.explain(
                    Code::EndpointPolicyDenied,
                    &e.id,
                    format!(
                        "{} denies {} on {} for {}: no statement of its policy allows it{hint}",
                        e.id, req.action, req.resource, req.principal_arn
                    ),
                )
            }
        }
    }

    /// An interface endpoint's interface took the packet: on to the service.
    pub(super) fn privatelink(&mut self, ep: u32, zone: &'s str) {
        let s = self.s;
        let e = &s.endpoints[ep as usize];
        if e.kind != EndpointKind::Interface {
            self.delivered = true;
            return;
        }
        self.push_hop(Hop::new(Component::VpcEndpoint, &e.id));
        if self.q.protocol != Protocol::Tcp {
            self.explain(
                Code::ProtocolNotSupported,
                &e.id,
                format!(
                    "interface endpoints carry TCP only, not {}",
                    proto_name(self.q.protocol)
                ),
            );
        }
        self.endpoint_state(ep);
        let Some(svc) = e.service else {
            if e.service_missing {
                self.explain(
                    Code::ServiceNotAvailable,
                    &e.id,
                    format!("the endpoint service of {} no longer exists", e.id),
                );
                return;
            }
            self.policy(ep);
            self.push_hop(Hop::new(Component::AwsService, &e.service_name));
            self.delivered = true;
            return;
        };
        let service = &s.services[svc as usize];
        self.push_hop(Hop::new(Component::VpcEndpointService, &service.id));
        let cross_region = e.service_region != e.region;
        if cross_region && !service.supported_regions.contains(&e.region) {
            self.explain(
                Code::CrossRegionNotSupported,
                &service.id,
                format!(
                    "{} in {} does not list {} among its supported Regions",
                    service.id, service.region, e.region
                ),
            );
        }
        if !service.available {
            self.explain(
                Code::ServiceNotAvailable,
                &service.id,
                format!("{} is not available", service.id),
            );
        }
        // Same Region: the load balancer node in the endpoint's zone, by
        // zone ID. Across Regions zones do not correspond: a node by flow hash.
        let pick = if cross_region {
            service.lbs.iter().find_map(|&lb| {
                let nodes = &s.lbs[lb as usize].nodes;
                if nodes.is_empty() {
                    None
                } else {
                    let n = &nodes[(self.flow_hash() % nodes.len() as u64) as usize];
                    Some((lb, &*n.0, n.1))
                }
            })
        } else {
            service.lbs.iter().find_map(|&lb| {
                s.lbs[lb as usize]
                    .nodes
                    .iter()
                    .find(|n| *n.0 == *zone)
                    .map(|n| (lb, &*n.0, n.1))
            })
        };
        let Some((lb, node_zone, node_eni)) = pick else {
            self.explain(
                Code::ServiceNotAvailableInZone,
                &service.id,
                format!(
                    "no load balancer of {} has a node in zone {zone}, the zone of the endpoint's interface",
                    service.id
                ),
            );
            return;
        };
        let node_ip = node_eni.map_or(0, |n| s.enis[n as usize].ip);
        self.src_ip = node_ip;
        self.src_eni = node_eni;
        // Past the service, the provider's network: its load balancer,
        // targets and their groups.
        self.domain = self.lb_domain(lb);
        self.load_balancer(lb, node_zone, node_ip);
    }

    /// The account of the VPC a load balancer is in.
    fn lb_domain(&self, lb: u32) -> Option<&'s str> {
        let s: &'s Snapshot = self.s;
        s.lbs[lb as usize]
            .vpc
            .and_then(|v| s.vpcs.get(v as usize))
            .map(|v| &*v.account)
    }

    /// A load balancer node in `zone` forwards to a target.
    pub(super) fn load_balancer(&mut self, lb: u32, zone: &'s str, _node_ip: u32) {
        let s = self.s;
        let l = &s.lbs[lb as usize];
        let mut h = Hop::new(Component::LoadBalancer, &l.arn);
        h.zone_id = Some(Cow::Borrowed(zone));
        self.push_hop(h);
        if !l.available {
            self.explain(
                Code::ServiceNotAvailable,
                &l.arn,
                format!("{} is not active", l.arn),
            );
        }
        let flow = proto_name(self.q.protocol);
        let port = self.flow.1;
        // With listeners, the one on the flow's port forwards to its group;
        // without, every attached group takes traffic.
        let listener = l
            .listeners
            .iter()
            .find(|li| listener::takes(li.protocol, li.port, flow, port));
        if !l.listeners.is_empty() && listener.is_none() {
            self.explain(
                Code::NoListenerOnPort,
                &l.arn,
                format!("{} has no listener for {flow} port {port}", l.arn),
            );
            return;
        }
        let groups = || {
            l.target_groups.iter().filter(|tg| {
                tg.protocol.carries(flow) && listener.is_none_or(|li| li.target_group == tg.arn)
            })
        };
        if groups().next().is_none() {
            self.explain(
                Code::ProtocolNotSupported,
                &l.arn,
                format!("no target group of {} carries {flow}", l.arn),
            );
            return;
        }
        let in_scope = |t: &&crate::resolve::snapshot::TargetS2| l.cross_zone || *t.zone == *zone;
        let targets = || {
            groups().flat_map(|tg| {
                tg.targets
                    .iter()
                    .filter(in_scope)
                    .map(move |t| (tg.protocol, t))
            })
        };
        let mut any = false;
        let mut healthy = 0usize;
        for (_, t) in targets() {
            any = true;
            healthy += usize::from(t.healthy);
        }
        let scope = || {
            if l.cross_zone {
                "in any zone (cross-zone load balancing is on)".to_string()
            } else {
                format!("in zone {zone} (cross-zone load balancing is off)")
            }
        };
        if !any {
            self.explain(
                Code::NoTargetInZone,
                &l.arn,
                format!("{} has no registered target {}", l.arn, scope()),
            );
            return;
        }
        let pick = (healthy > 0)
            .then(|| (self.flow_hash() % healthy as u64) as usize)
            .and_then(|k| targets().filter(|(_, t)| t.healthy).nth(k));
        let Some((protocol, t)) = pick else {
            self.explain(
                Code::NoHealthyTargetInZone,
                &l.arn,
                format!("{} has no healthy target {}", l.arn, scope()),
            );
            return;
        };
        let mut h = Hop::new(Component::Target, &t.id);
        h.address = Some(t.ip);
        h.port = Some(t.port);
        h.zone_id = Some(Cow::Borrowed(&t.zone));
        self.push_hop(h);
        if let Some(vpc) = l.vpc
            && let Some(&e) = s.eni_by_ip.get(&(vpc, t.ip))
        {
            // The target sees the load balancer's flow: the target group's
            // port, or GENEVE (UDP 6081) from a Gateway Load Balancer.
            let before = self.flow;
            self.flow = if protocol == TargetProtocol::Geneve {
                (Protocol::Udp, GENEVE_PORT)
            } else {
                (self.q.protocol, t.port)
            };
            self.ingress(e);
            self.flow = before;
        }
        self.delivered = true;
    }

    /// Through a Gateway Load Balancer endpoint to an appliance and back:
    /// answers the endpoint's subnet, whose route table carries on.
    pub(super) fn gwlb_endpoint(&mut self, ep: u32) -> Option<u32> {
        let s = self.s;
        let e = &s.endpoints[ep as usize];
        self.push_hop(Hop::new(Component::VpcEndpoint, &e.id));
        self.endpoint_state(ep);
        // Its interface, in a subnet that still exists.
        let Some((x, sub)) = e.enis.first().and_then(|&eni| {
            let x = &s.enis[eni as usize];
            s.subnets.get(x.subnet as usize).map(|sub| (x, sub))
        }) else {
            self.explain(
                Code::BlackholeRoute,
                &e.id,
                format!("{} has no network interface", e.id),
            );
            return None;
        };
        let zone: &'s str = &sub.zone;
        if let Some(svc) = e.service {
            let service = &s.services[svc as usize];
            self.push_hop(Hop::new(Component::VpcEndpointService, &service.id));
            let pick = service.lbs.iter().find_map(|&lb| {
                s.lbs[lb as usize]
                    .nodes
                    .iter()
                    .find(|n| *n.0 == *zone)
                    .map(|n| (lb, &*n.0))
            });
            let Some((lb, node_zone)) = pick else {
                self.explain(
                    Code::ServiceNotAvailableInZone,
                    &service.id,
                    format!(
                        "no load balancer of {} has a node in zone {zone}",
                        service.id
                    ),
                );
                return None;
            };
            let (src_ip, src_eni, domain) = (self.src_ip, self.src_eni, self.domain);
            self.domain = self.lb_domain(lb);
            self.load_balancer(lb, node_zone, 0);
            self.delivered = false;
            (self.src_ip, self.src_eni, self.domain) = (src_ip, src_eni, domain);
        }
        Some(x.subnet)
    }
}
