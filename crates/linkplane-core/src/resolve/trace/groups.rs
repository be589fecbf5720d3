//! Security groups on the walk: which rule admits the packet out of an
//! interface and into one.

use super::*;

impl<'s> Walk<'s, '_> {
    /// Whether a rule's peer holds `ip` (and, for a group reference, whether
    /// interface `eni` is a member of the group).
    fn peer_matches(&self, rule: &RuleS, ip: u32, eni: Option<u32>) -> bool {
        match &rule.peer {
            PeerS::Cidr(c) => c.contains_addr(ip),
            PeerS::PrefixList(Some(pl)) => self.s.pl_contains(*pl, ip),
            PeerS::PrefixList(None) | PeerS::Group(None) => false,
            PeerS::Group(Some(g)) => {
                eni.is_some_and(|e| self.s.enis[e as usize].groups.contains(g))
            }
        }
    }

    /// The first `(group, rule)` admitting `flow` (protocol, port), if any.
    fn admitting_rule(
        &self,
        x: &EniS,
        egress: bool,
        flow: (Protocol, u16),
        peer_ip: u32,
        peer_eni: Option<u32>,
    ) -> Option<(&'s str, &'s str)> {
        let s: &'s Snapshot = self.s;
        for &g in &x.groups {
            let group = &s.groups[g as usize];
            let rules = if egress {
                &group.egress
            } else {
                &group.ingress
            };
            for r in rules {
                if rule_admits(r.protocol, r.from, r.to, flow.0, i32::from(flow.1))
                    && self.peer_matches(r, peer_ip, peer_eni)
                {
                    return Some((&group.id, &r.id));
                }
            }
        }
        None
    }

    pub(super) fn egress(&mut self, e: u32, hop_at: usize, ex_at: usize) {
        let s = self.s;
        let x = &s.enis[e as usize];
        if x.groups.is_empty() {
            return;
        }
        let flow = (self.q.protocol, self.q.port);
        match self.admitting_rule(x, true, flow, self.dst, self.dst_eni) {
            Some((group, rule)) => {
                let mut h = Hop::new(Component::SecurityGroup, group);
                h.rule = Some(Cow::Borrowed(rule));
                h.direction = Some("egress");
                h.owner = Some(Cow::Borrowed(&x.account));
                self.hops.insert(hop_at, h);
            }
            None => {
                self.ex.insert(
                    ex_at,
                    Explanation {
                        code: Code::SecurityGroupEgressDenied,
                        component_id: Cow::Borrowed(&s.groups[x.groups[0] as usize].id),
                        message: format!(
                            "no outbound rule of {} on {} admits {} port {} to {}",
                            GroupList(s, &x.groups),
                            x.id,
                            proto_name(self.q.protocol),
                            self.q.port,
                            Ip(self.dst)
                        ),
                        owner: Some(Cow::Borrowed(&x.account)),
                    },
                );
            }
        }
    }

    /// Checks the inbound rules of `x` for the current source; records the
    /// admitting rule as a hop or the denial.
    pub(super) fn ingress(&mut self, xi: u32) {
        let s = self.s;
        let x = &s.enis[xi as usize];
        if x.groups.is_empty() {
            return;
        }
        let flow = self.flow;
        match self.admitting_rule(x, false, flow, self.src_ip, self.src_eni) {
            Some((group, rule)) => {
                let mut h = Hop::new(Component::SecurityGroup, group);
                h.rule = Some(Cow::Borrowed(rule));
                h.direction = Some("ingress");
                self.push_hop(h);
            }
            None => {
                self.explain(
                    Code::SecurityGroupIngressDenied,
                    &s.groups[x.groups[0] as usize].id,
                    format!(
                        "no inbound rule of {} on {} admits {} port {} from {}",
                        GroupList(s, &x.groups),
                        x.id,
                        proto_name(flow.0),
                        flow.1,
                        Ip(self.src_ip)
                    ),
                );
            }
        }
    }
}
