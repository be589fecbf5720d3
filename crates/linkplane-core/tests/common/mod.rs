//! A small builder for hand-written networks in resolver tests.
#![allow(dead_code, clippy::unwrap_used)]

use linkplane_core::net::{Ipv4Cidr, Protocol, parse_ipv4};
use linkplane_core::privatelink::{LoadBalancerKind, TargetProtocol};
use linkplane_core::resolve::model::*;
use linkplane_core::resolve::{
    Answer, Code, Component, Destination, PolicyRequest, Query, Snapshot, Source,
    catalog_prefix_lists,
};

pub fn c(s: &str) -> Ipv4Cidr {
    Ipv4Cidr::parse(s).unwrap()
}

pub fn ip(s: &str) -> u32 {
    parse_ipv4(s).unwrap()
}

/// A security group rule `id`: protocol `p`, ports `from..=to`, and its peer.
pub fn rule(id: &str, p: Protocol, from: i32, to: i32, peer: SgPeer) -> SgRule {
    SgRule {
        id: id.into(),
        protocol: p,
        from_port: from,
        to_port: to,
        peer,
    }
}

pub fn s3_pl(region: &str) -> String {
    linkplane_core::catalog::catalog()
        .prefix_list_for(region, "s3")
        .unwrap()
        .prefix_list_id
        .clone()
}

pub fn ddb_pl(region: &str) -> String {
    linkplane_core::catalog::catalog()
        .prefix_list_for(region, "dynamodb")
        .unwrap()
        .prefix_list_id
        .clone()
}

pub struct B {
    pub net: Network,
}

impl Default for B {
    fn default() -> Self {
        B::new()
    }
}

impl B {
    pub fn new() -> B {
        B {
            net: Network {
                prefix_lists: catalog_prefix_lists(),
                ..Network::default()
            },
        }
    }

    /// A VPC with its main table `rtb-<id>` (local route) and default group
    /// `sg-<id>` (all from itself in, all out).
    pub fn vpc(&mut self, id: &str, account: &str, region: &str, cidr: &str) -> &mut Self {
        self.net.vpcs.push(Vpc {
            id: id.into(),
            account_id: account.into(),
            region: region.into(),
            cidr: c(cidr),
            dns_support: true,
            dns_hostnames: true,
            main_route_table_id: format!("rtb-{id}"),
        });
        self.net.route_tables.push(RouteTable {
            id: format!("rtb-{id}"),
            vpc_id: id.into(),
            routes: vec![Route {
                destination: RouteDest::Cidr(c(cidr)),
                target: RouteTarget::Local,
            }],
        });
        let sg = format!("sg-{id}");
        self.group(&sg, id);
        self.ingress(
            &sg,
            rule(
                "sgr-self-in",
                Protocol::All,
                -1,
                -1,
                SgPeer::Group(sg.clone()),
            ),
        );
        self.egress(
            &sg,
            rule(
                "sgr-all-out",
                Protocol::All,
                -1,
                -1,
                SgPeer::Cidr(c("0.0.0.0/0")),
            ),
        );
        self
    }

    pub fn vpc_mut(&mut self, id: &str) -> &mut Vpc {
        self.net.vpcs.iter_mut().find(|v| v.id == id).unwrap()
    }

    pub fn subnet(&mut self, id: &str, vpc: &str, zone_id: &str, cidr: &str) -> &mut Self {
        self.net.subnets.push(Subnet {
            id: id.into(),
            vpc_id: vpc.into(),
            zone_id: zone_id.into(),
            cidr: c(cidr),
            route_table_id: None,
        });
        self
    }

    pub fn table(&mut self, id: &str, vpc: &str) -> &mut Self {
        let cidr = self.vpc_by_id(vpc).cidr;
        self.net.route_tables.push(RouteTable {
            id: id.into(),
            vpc_id: vpc.into(),
            routes: vec![Route {
                destination: RouteDest::Cidr(cidr),
                target: RouteTarget::Local,
            }],
        });
        self
    }

    pub fn associate(&mut self, subnet: &str, table: &str) -> &mut Self {
        self.net
            .subnets
            .iter_mut()
            .find(|s| s.id == subnet)
            .unwrap()
            .route_table_id = Some(table.into());
        self
    }

    pub fn route(&mut self, table: &str, dest: &str, target: RouteTarget) -> &mut Self {
        let destination = if dest.starts_with("pl-") {
            RouteDest::PrefixList(dest.into())
        } else {
            RouteDest::Cidr(c(dest))
        };
        self.net
            .route_tables
            .iter_mut()
            .find(|t| t.id == table)
            .unwrap()
            .routes
            .push(Route {
                destination,
                target,
            });
        self
    }

    pub fn group(&mut self, id: &str, vpc: &str) -> &mut Self {
        self.net.security_groups.push(SecurityGroup {
            id: id.into(),
            vpc_id: vpc.into(),
            ingress: vec![],
            egress: vec![],
        });
        self
    }

    fn subnet_by_id(&self, id: &str) -> &Subnet {
        self.net.subnets.iter().find(|s| s.id == id).unwrap()
    }

    fn vpc_by_id(&self, id: &str) -> &Vpc {
        self.net.vpcs.iter().find(|v| v.id == id).unwrap()
    }

    fn group_mut(&mut self, id: &str) -> &mut SecurityGroup {
        self.net
            .security_groups
            .iter_mut()
            .find(|g| g.id == id)
            .unwrap()
    }

    /// Adds `rule` to the ingress rules of group `g`.
    pub fn ingress(&mut self, g: &str, rule: SgRule) -> &mut Self {
        self.group_mut(g).ingress.push(rule);
        self
    }

    /// Adds `rule` to the egress rules of group `g`.
    pub fn egress(&mut self, g: &str, rule: SgRule) -> &mut Self {
        self.group_mut(g).egress.push(rule);
        self
    }

    pub fn clear_egress(&mut self, g: &str) -> &mut Self {
        self.group_mut(g).egress.clear();
        self
    }

    pub fn eni(&mut self, id: &str, subnet: &str, addr: &str, groups: &[&str]) -> &mut Self {
        self.eni_owned(id, subnet, addr, groups, InterfaceOwner::User)
    }

    pub fn eni_owned(
        &mut self,
        id: &str,
        subnet: &str,
        addr: &str,
        groups: &[&str],
        owner: InterfaceOwner,
    ) -> &mut Self {
        let vpc = &self.subnet_by_id(subnet).vpc_id;
        let account = self.vpc_by_id(vpc).account_id.clone();
        self.net.interfaces.push(Interface {
            id: id.into(),
            account_id: account,
            subnet_id: subnet.into(),
            private_ip: ip(addr),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            owner,
        });
        self
    }

    pub fn igw(&mut self, id: &str, vpc: &str) -> &mut Self {
        self.net.internet_gateways.push(InternetGateway {
            id: id.into(),
            vpc_id: Some(vpc.into()),
        });
        self
    }

    pub fn nat(&mut self, id: &str, subnet: &str, addr: &str) -> &mut Self {
        self.eni_owned(
            &format!("eni-{id}"),
            subnet,
            addr,
            &[],
            InterfaceOwner::NatGateway(id.into()),
        );
        self.net.nat_gateways.push(NatGateway {
            id: id.into(),
            subnet_id: subnet.into(),
            private_ip: ip(addr),
            public: true,
            available: true,
        });
        self
    }

    pub fn peering(&mut self, id: &str, a: &str, b: &str, status: PeeringState) -> &mut Self {
        self.net.peerings.push(Peering {
            id: id.into(),
            requester_vpc_id: a.into(),
            accepter_vpc_id: b.into(),
            status,
        });
        self
    }

    /// A gateway endpoint for `service` (`s3`, `dynamodb`) with its route in
    /// each table.
    pub fn gateway_endpoint(
        &mut self,
        id: &str,
        vpc: &str,
        service: &str,
        tables: &[&str],
        policy: Option<&str>,
    ) -> &mut Self {
        let v = self.vpc_by_id(vpc).clone();
        let pl = linkplane_core::catalog::catalog()
            .prefix_list_for(&v.region, service)
            .unwrap()
            .prefix_list_id
            .clone();
        for t in tables {
            self.route(t, &pl, RouteTarget::VpcEndpoint(id.into()));
        }
        self.net.endpoints.push(Endpoint {
            id: id.into(),
            account_id: v.account_id.clone(),
            vpc_id: vpc.into(),
            region: v.region.clone(),
            kind: EndpointKind::Gateway,
            service_name: format!("com.amazonaws.{}.{service}", v.region),
            service_id: None,
            service_region: v.region.clone(),
            state: VpcEndpointState::Available,
            policy: policy.map(str::to_string),
            policy_enforced: true,
            private_dns_enabled: false,
            interfaces: vec![],
            dns_names: vec![],
            private_dns_names: vec![],
        });
        self
    }

    /// An interface endpoint with one interface per `(subnet, zone, address)`,
    /// named `<id>-tok.<part>.<service region>.vpce.amazonaws.com`.
    #[allow(clippy::too_many_arguments)]
    pub fn interface_endpoint(
        &mut self,
        id: &str,
        vpc: &str,
        service_name: &str,
        service_id: Option<&str>,
        service_region: &str,
        subnets: &[(&str, &str, &str)],
        groups: &[&str],
        private_names: &[&str],
    ) -> &mut Self {
        let v = self.vpc_by_id(vpc).clone();
        let part = service_id
            .map(str::to_string)
            .unwrap_or_else(|| service_name.rsplit('.').next().unwrap().to_string());
        let mut interfaces = vec![];
        let mut dns_names = vec![(
            format!("{id}-tok.{part}.{service_region}.vpce.amazonaws.com"),
            None,
        )];
        let owner = InterfaceOwner::Endpoint(id.into());
        let enis = self.owned_enis(id, subnets, groups, owner);
        for ((subnet, zone, _), eni) in subnets.iter().zip(enis) {
            interfaces.push((subnet.to_string(), eni));
            dns_names.push((
                format!("{id}-tok-{zone}.{part}.{service_region}.vpce.amazonaws.com"),
                Some(zone.to_string()),
            ));
        }
        self.net.endpoints.push(Endpoint {
            id: id.into(),
            account_id: v.account_id.clone(),
            vpc_id: vpc.into(),
            region: v.region.clone(),
            kind: EndpointKind::Interface,
            service_name: service_name.into(),
            service_id: service_id.map(str::to_string),
            service_region: service_region.into(),
            state: VpcEndpointState::Available,
            policy: None,
            policy_enforced: service_id.is_none(),
            private_dns_enabled: !private_names.is_empty(),
            interfaces,
            dns_names,
            private_dns_names: private_names.iter().map(|s| s.to_string()).collect(),
        });
        self
    }

    /// An interface `eni-<prefix>-<i>` of `owner` at the i-th `(subnet,
    /// zone, address)`; answers their ids.
    fn owned_enis(
        &mut self,
        prefix: &str,
        at: &[(&str, &str, &str)],
        groups: &[&str],
        owner: InterfaceOwner,
    ) -> Vec<String> {
        let mut ids = vec![];
        for (i, (subnet, _, addr)) in at.iter().enumerate() {
            let eni = format!("eni-{prefix}-{i}");
            self.eni_owned(&eni, subnet, addr, groups, owner.clone());
            ids.push(eni);
        }
        ids
    }

    pub fn endpoint_mut(&mut self, id: &str) -> &mut Endpoint {
        self.net.endpoints.iter_mut().find(|e| e.id == id).unwrap()
    }

    /// A network load balancer with a node per `(subnet, zone, address)`, a
    /// TCP target group with `targets` `(id, address, zone, healthy)`, and
    /// the endpoint service `svc` in front of it.
    #[allow(clippy::too_many_arguments)]
    pub fn service(
        &mut self,
        svc: &str,
        lb: &str,
        vpc: &str,
        nodes: &[(&str, &str, &str)],
        targets: &[(&str, &str, &str, bool)],
        cross_zone: bool,
        supported_regions: &[&str],
    ) -> &mut Self {
        let v = self.vpc_by_id(vpc).clone();
        let owner = InterfaceOwner::LoadBalancer(lb.into());
        let enis = self.owned_enis(lb, nodes, &[], owner);
        let node_list = nodes
            .iter()
            .zip(enis)
            .map(|((_, zone, _), eni)| (zone.to_string(), eni))
            .collect();
        self.net.load_balancers.push(LoadBalancer {
            arn: lb.into(),
            kind: LoadBalancerKind::Network,
            vpc_id: vpc.into(),
            cross_zone,
            available: true,
            nodes: node_list,
            listeners: Vec::new(),
        });
        self.net.target_groups.push(TargetGroup {
            arn: format!("{lb}-tg"),
            load_balancer_arn: Some(lb.into()),
            protocol: TargetProtocol::Tcp,
            port: 443,
            targets: targets
                .iter()
                .map(|(id, addr, zone, healthy)| Target {
                    id: id.to_string(),
                    ip: ip(addr),
                    port: 443,
                    zone_id: zone.to_string(),
                    healthy: *healthy,
                })
                .collect(),
        });
        self.net.services.push(EndpointService {
            id: svc.into(),
            account_id: v.account_id.clone(),
            region: v.region.clone(),
            available: true,
            load_balancer_arns: vec![lb.into()],
            supported_regions: supported_regions.iter().map(|s| s.to_string()).collect(),
        });
        self
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot::build(&self.net)
    }
}

/// The answer, owned (it may outlive a temporary snapshot).
pub fn to_ip(snap: &Snapshot, eni: &str, dst: &str, port: u16) -> Answer<'static> {
    snap.resolve(&Query {
        source: Source::Interface(eni),
        destination: Destination::Ip(ip(dst)),
        port,
        protocol: Protocol::Tcp,
        request: None,
    })
    .unwrap()
    .into_owned()
}

pub fn to_host(snap: &Snapshot, eni: &str, host: &str, port: u16) -> Answer<'static> {
    snap.resolve(&Query {
        source: Source::Interface(eni),
        destination: Destination::Host(host),
        port,
        protocol: Protocol::Tcp,
        request: None,
    })
    .unwrap()
    .into_owned()
}

pub fn with_request(
    snap: &Snapshot,
    eni: &str,
    host: &str,
    principal: &str,
    action: &str,
    resource: &str,
) -> Answer<'static> {
    snap.resolve(&Query {
        source: Source::Interface(eni),
        destination: Destination::Host(host),
        port: 443,
        protocol: Protocol::Tcp,
        request: Some(PolicyRequest {
            principal_arn: principal,
            action,
            resource,
            context: &[],
        }),
    })
    .unwrap()
    .into_owned()
}

pub fn codes(a: &Answer) -> Vec<Code> {
    a.explanations.iter().map(|e| e.code).collect()
}

pub fn path(a: &Answer) -> Vec<(Component, String)> {
    a.hops
        .iter()
        .map(|h| (h.component, h.id.to_string()))
        .collect()
}

pub fn has_hop(a: &Answer, component: Component, id: &str) -> bool {
    a.hops
        .iter()
        .any(|h| h.component == component && &*h.id == id)
}
