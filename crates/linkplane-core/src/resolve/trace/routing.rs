//! Routing on the walk: route tables by longest prefix match, the internet,
//! NAT gateways, delivery to an interface, peering and transit gateways.

use super::*;

impl<'s> Walk<'s, '_> {
    pub(super) fn route_from(&mut self, start: u32) {
        let s = self.s;
        let mut subnet = start;
        let mut via = Via::Source;
        for _ in 0..MAX_ROUTE_LOOKUPS {
            let sub = &s.subnets[subnet as usize];
            let vpc = sub.vpc;
            let Some(t) = sub.table else {
                self.explain(
                    Code::NoRouteToDestination,
                    &sub.id,
                    format!("{} has no route table", sub.id),
                );
                return;
            };
            let table = &s.tables[t as usize];
            let Some(entry) = table.lpm.lookup(self.dst) else {
                self.push_hop(Hop::new(Component::RouteTable, &table.id));
                self.explain(
                    Code::NoRouteToDestination,
                    &table.id,
                    format!("no route in {} covers {}", table.id, Ip(self.dst)),
                );
                return;
            };
            let route = &table.entries[entry as usize];
            let mut hop = Hop::new(Component::RouteTable, &table.id);
            hop.route = Some(HopRoute {
                destination: Cow::Borrowed(&route.destination),
                target: Cow::Borrowed(&route.target_id),
                matched_cidr: route.block.as_deref().map(Cow::Borrowed),
            });
            self.push_hop(hop);
            let blackhole = |w: &mut Self, why: &str| {
                w.explain(
                    Code::BlackholeRoute,
                    &table.id,
                    format!(
                        "the route {} -> {} in {} is a blackhole: {why}",
                        route.destination, route.target_id, table.id
                    ),
                );
            };
            match route.target {
                TargetS::Local => {
                    self.deliver(vpc);
                    return;
                }
                TargetS::Igw(None) => {
                    return blackhole(
                        self,
                        "the internet gateway is deleted or not attached to the VPC",
                    );
                }
                TargetS::Nat(None)
                | TargetS::Pcx(None)
                | TargetS::Tgw(None)
                | TargetS::Eni(None)
                | TargetS::Endpoint(None) => {
                    return blackhole(self, "the target no longer exists");
                }
                TargetS::Igw(Some(g)) => {
                    let gid: &'s str = &s.igw_ids[g as usize];
                    self.push_hop(Hop::new(Component::InternetGateway, gid));
                    self.internet(gid);
                    return;
                }
                TargetS::Nat(Some(n)) => {
                    let nat = &s.nats[n as usize];
                    if !nat.available || nat.subnet as usize >= s.subnets.len() {
                        return blackhole(self, "the NAT gateway is not available");
                    }
                    let mut h = Hop::new(Component::NatGateway, &nat.id);
                    h.address = Some(nat.ip);
                    self.push_hop(h);
                    self.src_ip = nat.ip;
                    self.src_eni = None;
                    self.private_nat |= !nat.public;
                    subnet = nat.subnet;
                    via = Via::NatGateway;
                }
                TargetS::Pcx(Some(p)) => {
                    self.peering(p, vpc);
                    return;
                }
                TargetS::Tgw(Some(g)) => match self.transit(g, vpc, &sub.zone) {
                    Some(next) => {
                        subnet = next;
                        via = Via::TransitGateway;
                    }
                    None => return,
                },
                TargetS::Eni(Some(e)) => {
                    // A middlebox: the appliance's interface takes the packet.
                    let x = &s.enis[e as usize];
                    let mut h = Hop::new(Component::NetworkInterface, &x.id);
                    h.zone_id = s
                        .subnets
                        .get(x.subnet as usize)
                        .map(|sn| Cow::Borrowed(&*sn.zone));
                    h.address = Some(x.ip);
                    self.push_hop(h);
                    self.ingress(e);
                    self.delivered = true;
                    return;
                }
                TargetS::Endpoint(Some(ep)) => {
                    let e = &s.endpoints[ep as usize];
                    match e.kind {
                        EndpointKind::Gateway => {
                            self.gateway_endpoint(ep, via);
                            return;
                        }
                        EndpointKind::GatewayLoadBalancer => match self.gwlb_endpoint(ep) {
                            Some(next) => {
                                subnet = next;
                                via = Via::GatewayLoadBalancer;
                            }
                            None => return,
                        },
                        EndpointKind::Interface => {
                            return blackhole(self, "an interface endpoint is not a route target");
                        }
                    }
                }
            }
            let _ = via;
        }
        let last = self
            .hops
            .last()
            .map_or(Cow::Borrowed("route"), |h| h.id.clone());
        self.explain_name(
            Code::MaxHopsExceeded,
            last,
            format!("the path loops: more than {MAX_ROUTE_LOOKUPS} route lookups"),
        );
    }

    /// Leaving through an internet gateway: an AWS service's address (by
    /// its published ranges, or the service a public DNS answer named) or
    /// the internet.
    fn internet(&mut self, igw: &'s str) {
        let s = self.s;
        if self.private_nat {
            self.explain(
                Code::NoRouteToDestination,
                igw,
                "the traffic passed a private NAT gateway, whose addresses the internet gateway does not carry".to_string(),
            );
            return;
        }
        if let Some(i) = s.aws_ranges.lookup(self.dst) {
            self.push_hop(Hop::new(
                Component::AwsService,
                &s.aws_range_names[i as usize],
            ));
        } else if let Some(name) = self.dns_service.clone() {
            let mut h = Hop::new(Component::AwsService, "");
            h.id = name;
            self.push_hop(h);
        } else if is_private(self.dst) {
            self.explain(
                Code::NoRouteToDestination,
                igw,
                format!(
                    "{} is a private address: the internet does not route it",
                    Ip(self.dst)
                ),
            );
            return;
        } else {
            self.push_hop(Hop::new(Component::Internet, "internet"));
        }
        self.delivered = true;
    }

    /// The packet is in `vpc` for an address of the VPC: the interface
    /// holding it takes it.
    fn deliver(&mut self, vpc: u32) {
        let s = self.s;
        let Some(&e) = s.eni_by_ip.get(&(vpc, self.dst)) else {
            let vid = &s.vpcs[vpc as usize].id;
            self.explain(
                Code::UnknownDestination,
                vid,
                format!(
                    "no network interface in {vid} has the address {}",
                    Ip(self.dst)
                ),
            );
            return;
        };
        let x = &s.enis[e as usize];
        if self.dst_eni.is_none() {
            self.dst_eni = Some(e);
        }
        let zone: &'s str = &x.zone;
        let mut h = Hop::new(Component::NetworkInterface, &x.id);
        h.zone_id = Some(Cow::Borrowed(zone));
        h.address = Some(x.ip);
        self.push_hop(h);
        self.ingress(e);
        match x.owner {
            OwnerS::Endpoint(ep) => self.privatelink(ep, zone),
            OwnerS::LoadBalancer(lb) => self.load_balancer(lb, zone, x.ip),
            OwnerS::User | OwnerS::Nat(_) | OwnerS::Orphan => self.delivered = true,
        }
    }

    fn peering(&mut self, p: u32, vpc: u32) {
        let s = self.s;
        let pcx = &s.pcxs[p as usize];
        self.push_hop(Hop::new(Component::VpcPeeringConnection, &pcx.id));
        if pcx.status != PeeringState::Active {
            self.explain(
                Code::PeeringNotActive,
                &pcx.id,
                format!("{} is {}, not active", pcx.id, pcx.status),
            );
        }
        let other = if pcx.requester == Some(vpc) {
            pcx.accepter
        } else {
            pcx.requester
        };
        let Some(peer) = other else {
            self.explain(
                Code::BlackholeRoute,
                &pcx.id,
                format!("the other VPC of {} no longer exists", pcx.id),
            );
            return;
        };
        let pv = &s.vpcs[peer as usize];
        if pv.cidr.contains_addr(self.dst) {
            self.domain = Some(&pv.account);
            self.deliver(peer);
            return;
        }
        // Edge-to-edge routing is not supported: note a gateway endpoint of
        // the peer VPC the packet may have been meant for.
        if let Some(ep) = self.gateway_endpoint_covering(peer) {
            self.domain = Some(&pv.account);
            let eid = &s.endpoints[ep as usize].id;
            self.explain(
                Code::GatewayEndpointNotTransitive,
                eid,
                format!(
                    "{} is reachable from {} only through its gateway endpoint {eid}, which cannot be used over the peering connection {}",
                    Ip(self.dst),
                    pv.id,
                    pcx.id
                ),
            );
        } else {
            self.explain(
                Code::PeeringDestinationNotInPeerVpc,
                &pcx.id,
                format!(
                    "{} carries traffic only for {} ({}), not {}",
                    pcx.id,
                    pv.id,
                    pv.cidr,
                    Ip(self.dst)
                ),
            );
        }
    }

    /// A gateway endpoint of `vpc` whose prefix list holds the destination.
    fn gateway_endpoint_covering(&self, vpc: u32) -> Option<u32> {
        let s = self.s;
        s.vpcs[vpc as usize]
            .gateway_endpoints
            .iter()
            .copied()
            .find(|&ep| {
                s.endpoints[ep as usize]
                    .prefix_list
                    .is_some_and(|pl| s.pl_contains(pl, self.dst))
            })
    }

    /// Through a transit gateway: its route table, then the attachment's
    /// subnet in `vpc2` whose route table carries on. Answers that subnet.
    /// Into transit gateway `g` from `vpc`, from a subnet in `zone`: answers
    /// the subnet of the destination attachment the packet continues from.
    fn transit(&mut self, g: u32, vpc: u32, zone: &'s str) -> Option<u32> {
        let s = self.s;
        let tgw = &s.tgws[g as usize];
        let Some(src_att) = tgw
            .attachment_of
            .get(&vpc)
            .map(|&a| &tgw.attachments[a as usize])
        else {
            self.explain(
                Code::BlackholeRoute,
                &tgw.id,
                format!(
                    "{} has no attachment in {}",
                    tgw.id, s.vpcs[vpc as usize].id
                ),
            );
            return None;
        };
        self.push_hop(Hop::new(Component::TransitGatewayAttachment, &src_att.id));
        // AWS: traffic from a zone in which the attachment has no subnet
        // cannot reach the transit gateway (Reachability Analyzer's
        // TGW_ATTACH_VPC_AZ_RESTRICTION).
        if !src_att
            .subnets
            .iter()
            .any(|&sn| s.subnets.get(sn as usize).is_some_and(|x| *x.zone == *zone))
        {
            self.explain(
                Code::TransitGatewayAttachmentNotInZone,
                &src_att.id,
                format!(
                    "the attachment {} of {} has no subnet in zone {zone}: traffic from that zone cannot reach the transit gateway",
                    src_att.id, tgw.id
                ),
            );
            return None;
        }
        let mut hop = Hop::new(Component::TransitGateway, &tgw.id);
        let found = tgw.lpm.lookup(self.dst);
        if let Some(r) = found {
            let route = &tgw.routes[r as usize];
            hop.route = Some(HopRoute {
                destination: Cow::Borrowed(&route.destination),
                target: Cow::Borrowed(
                    route
                        .attachment
                        .map_or("blackhole", |a| &tgw.attachments[a as usize].id),
                ),
                matched_cidr: None,
            });
        }
        self.push_hop(hop);
        if !tgw.available || !src_att.available {
            self.explain(
                Code::BlackholeRoute,
                &tgw.id,
                format!(
                    "{} or its attachment {} is not available",
                    tgw.id, src_att.id
                ),
            );
            return None;
        }
        let Some(r) = found else {
            self.explain(
                Code::NoRouteToDestination,
                &tgw.id,
                format!("no route of {} covers {}", tgw.id, Ip(self.dst)),
            );
            return None;
        };
        let route = &tgw.routes[r as usize];
        let Some(a) = route.attachment else {
            self.explain(
                Code::BlackholeRoute,
                &tgw.id,
                format!(
                    "the route {} of {} is a blackhole",
                    route.destination, tgw.id
                ),
            );
            return None;
        };
        let att = &tgw.attachments[a as usize];
        self.push_hop(Hop::new(Component::TransitGatewayAttachment, &att.id));
        if !att.available || att.vpc.is_none() {
            self.explain(
                Code::BlackholeRoute,
                &tgw.id,
                format!("the attachment {} is not available", att.id),
            );
            return None;
        }
        let next = att
            .subnets
            .iter()
            .copied()
            .find(|&sn| *s.subnets[sn as usize].zone == *zone)
            .or_else(|| att.subnets.first().copied());
        if next.is_none() {
            self.explain(
                Code::BlackholeRoute,
                &att.id,
                format!("the attachment {} has no subnet", att.id),
            );
        }
        // On, in the attachment VPC's network.
        if let Some(v) = att.vpc.and_then(|v| s.vpcs.get(v as usize)) {
            self.domain = Some(&v.account);
        }
        next
    }
}
