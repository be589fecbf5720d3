//! EC2's security group actions over `service::network::security`, the
//! functions REST's `/v1/security-groups` calls. AWS's `IpPermissions.N`
//! (a protocol, a port range and any number of peers) is one domain rule
//! per peer; revoking finds the rules a permission names.

use super::subnet::write_tags;
use super::{any_of, invalid_filter, is_tag_filter, response, tag_filter, tags_for};
use crate::aws::Call;
use crate::aws::xml::Xml;
use crate::error::{Error, Result};
use crate::service::network::security::{
    self, AddRuleRequest, CreateSecurityGroupRequest, Direction, ListSecurityGroups, SecurityGroup,
    SecurityGroupRule,
};
use linkplane_core::net::Protocol;

/// AWS's protocol text for a domain rule's (`-1` for all).
fn wire_protocol(p: &str) -> String {
    Protocol::parse(p).map_or_else(|_| p.to_string(), |p| p.as_str().to_string())
}

/// `IpPermission` items: rules with the same protocol and ports together.
fn write_permissions(x: &mut Xml, name: &'static str, rules: &[SecurityGroupRule]) {
    let mut keys: Vec<(String, i32, i32)> = Vec::new();
    for r in rules {
        let k = (r.protocol.clone(), r.from_port, r.to_port);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    x.items(name, &keys, |x, (proto, from, to)| {
        let wire = wire_protocol(proto);
        x.text("ipProtocol", &wire);
        if wire != "-1" {
            x.text("fromPort", &from.to_string())
                .text("toPort", &to.to_string());
        }
        let mine: Vec<&SecurityGroupRule> = rules
            .iter()
            .filter(|r| &r.protocol == proto && r.from_port == *from && r.to_port == *to)
            .collect();
        x.items(
            "groups",
            mine.iter().filter(|r| r.group_id.is_some()),
            |x, r| {
                x.opt("description", r.description.as_deref())
                    .opt("groupId", r.group_id.as_deref());
            },
        );
        x.items(
            "ipRanges",
            mine.iter().filter(|r| r.cidr.is_some()),
            |x, r| {
                x.opt("cidrIp", r.cidr.as_deref())
                    .opt("description", r.description.as_deref());
            },
        );
        x.open("ipv6Ranges").close();
        x.items(
            "prefixListIds",
            mine.iter().filter(|r| r.prefix_list_id.is_some()),
            |x, r| {
                x.opt("description", r.description.as_deref())
                    .opt("prefixListId", r.prefix_list_id.as_deref());
            },
        );
    });
}

fn write_group(x: &mut Xml, g: &SecurityGroup) {
    x.text("ownerId", &g.owner_id)
        .text("groupName", &g.group_name)
        .text("groupId", &g.group_id)
        .text("groupDescription", &g.description)
        .text("vpcId", &g.vpc_id)
        .text("securityGroupArn", &arn(g));
    write_permissions(x, "ipPermissions", &g.ingress);
    write_permissions(x, "ipPermissionsEgress", &g.egress);
    write_tags(x, &g.tags);
}

fn arn(g: &SecurityGroup) -> String {
    format!(
        "arn:aws:ec2:{}:{}:security-group/{}",
        g.region, g.owner_id, g.group_id
    )
}

/// `SecurityGroupRule` as the authorize actions answer it.
fn write_rule(x: &mut Xml, g: &SecurityGroup, r: &SecurityGroupRule) {
    x.text("securityGroupRuleId", &r.security_group_rule_id)
        .text("groupId", &g.group_id)
        .text("groupOwnerId", &g.owner_id)
        .bool("isEgress", r.direction == Direction::Egress)
        .text("ipProtocol", &wire_protocol(&r.protocol))
        .text("fromPort", &r.from_port.to_string())
        .text("toPort", &r.to_port.to_string())
        .opt("cidrIpv4", r.cidr.as_deref())
        .opt("prefixListId", r.prefix_list_id.as_deref());
    if let Some(id) = &r.group_id {
        x.open("referencedGroupInfo")
            .text("groupId", id)
            .text("userId", &g.owner_id)
            .close();
    }
    x.opt("description", r.description.as_deref());
}

pub(super) async fn create_security_group(mut c: Call) -> Result<String> {
    let group_name = c.params.required("GroupName")?;
    let description = c.params.required("GroupDescription")?;
    let vpc_id = c
        .params
        .take("VpcId")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            Error::validation(
                "VPCIdNotSpecified",
                "No default VPC for this user (linkplane has no default VPC: give VpcId)",
            )
        })?;
    let tags = tags_for(&mut c, "security-group")?;
    c.ready()?;
    let req = CreateSecurityGroupRequest {
        vpc_id,
        group_name,
        description,
        ingress: None,
        egress: None,
        tags,
    };
    let g = security::create_security_group(c.ctx(), req, None)
        .await?
        .into_inner()
        .value;
    let mut x = response(&c);
    x.text("groupId", &g.group_id);
    write_tags(&mut x, &g.tags);
    x.text("securityGroupArn", &arn(&g));
    Ok(x.finish())
}

pub(super) async fn describe_security_groups(mut c: Call) -> Result<String> {
    let ids = c.params.list("GroupId")?;
    let names = c.params.list("GroupName")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?;
    let next_token = c.params.take("NextToken");
    c.ready()?;
    let mut q = ListSecurityGroups {
        region: Some(c.region.clone()),
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    let mut by_id: Option<Vec<String>> = None;
    let mut by_name: Option<Vec<String>> = (!names.is_empty()).then_some(names);
    let mut description: Option<Vec<String>> = None;
    for f in &filters {
        match f.name.as_str() {
            "vpc-id" => q.vpc_id = any_of(f),
            "group-id" => by_id = Some(f.values.clone()),
            "group-name" => by_name = Some(f.values.clone()),
            "description" => description = Some(f.values.clone()),
            n if is_tag_filter(n) => q.tags.push(tag_filter(f)),
            n => return Err(invalid_filter(n)),
        }
    }
    let keep = |g: &SecurityGroup| {
        g.region == c.region
            && q.vpc_id.admits(&g.vpc_id)
            && by_id.as_ref().is_none_or(|v| v.contains(&g.group_id))
            && by_name.as_ref().is_none_or(|v| v.contains(&g.group_name))
            && description
                .as_ref()
                .is_none_or(|v| v.contains(&g.description))
            && q.tags.iter().all(|t| t.matches(&g.tags))
    };
    let mut x = response(&c);
    if !ids.is_empty() {
        let mut groups = Vec::new();
        for id in &ids {
            let g = security::get_security_group(c.ctx(), id).await?.value;
            if g.region != c.region {
                return Err(group_not_found(id));
            }
            groups.push(g);
        }
        groups.retain(|g| keep(g));
        x.items("securityGroupInfo", &groups, write_group);
        return Ok(x.finish());
    }
    let (mut groups, next) = security::list_security_groups(c.ctx(), q.clone()).await?;
    groups.retain(|g| keep(g));
    x.items("securityGroupInfo", &groups, write_group);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

use security::group_not_found;

/// The group a call names by `GroupId` (or, EC2-Classic's way, `GroupName`,
/// looked up in the caller's groups of the region).
async fn group_of(c: &mut Call) -> Result<SecurityGroup> {
    let id = c.params.take("GroupId").filter(|v| !v.is_empty());
    let name = c.params.take("GroupName").filter(|v| !v.is_empty());
    match (id, name) {
        (Some(id), _) => super::here::group(c, &id).await,
        (None, Some(name)) => {
            let q = ListSecurityGroups {
                region: Some(c.region.clone()),
                group_name: Some(name.clone()).into(),
                ..Default::default()
            };
            let (mut groups, _) = security::list_security_groups(c.ctx(), q).await?;
            match groups.len() {
                1 => Ok(groups.remove(0)),
                0 => Err(group_not_found(&name)),
                _ => Err(Error::validation(
                    "InvalidParameterCombination",
                    format!("more than one VPC has a group named '{name}': give GroupId"),
                )),
            }
        }
        (None, None) => Err(Error::missing(
            "The request must contain the parameter GroupId",
        )),
    }
}

pub(super) async fn delete_security_group(mut c: Call) -> Result<String> {
    let g = group_of(&mut c).await?;
    c.ready()?;
    security::delete_security_group(c.ctx(), &g.group_id).await?;
    let mut x = response(&c);
    x.bool("return", true).text("groupId", &g.group_id);
    Ok(x.finish())
}

/// One peer of a permission: a rule to add or to find.
#[derive(Debug, Clone)]
struct Wanted {
    protocol: String,
    from_port: Option<i32>,
    to_port: Option<i32>,
    cidr: Option<String>,
    prefix_list_id: Option<String>,
    group_id: Option<String>,
    description: Option<String>,
}

fn port(c: &mut Call, name: &str) -> Result<Option<i32>> {
    Ok(c.params.int(name, -1..=65535)?.map(|n| n as i32))
}

/// `IpPermissions.N` (and the flat `IpProtocol`/`FromPort`/`ToPort`/`CidrIp`
/// of the old form), one entry per peer.
fn permissions(c: &mut Call) -> Result<Vec<Wanted>> {
    let mut out = Vec::new();
    let n = c.params.indices_of("IpPermissions")?;
    for i in n {
        let p = format!("IpPermissions.{i}");
        let protocol = c.params.required(&format!("{p}.IpProtocol"))?;
        let from_port = port(c, &format!("{p}.FromPort"))?;
        let to_port = port(c, &format!("{p}.ToPort"))?;
        let base = Wanted {
            protocol,
            from_port,
            to_port,
            cidr: None,
            prefix_list_id: None,
            group_id: None,
            description: None,
        };
        let mut peers = 0;
        for j in c.params.indices_of(&format!("{p}.IpRanges"))? {
            let q = format!("{p}.IpRanges.{j}");
            out.push(Wanted {
                cidr: Some(c.params.required(&format!("{q}.CidrIp"))?),
                description: c.params.take(&format!("{q}.Description")),
                ..base.clone()
            });
            peers += 1;
        }
        for j in c.params.indices_of(&format!("{p}.Groups"))? {
            let q = format!("{p}.Groups.{j}");
            let group_id = c
                .params
                .take(&format!("{q}.GroupId"))
                .filter(|v| !v.is_empty());
            // The owner and VPC of the peer are the caller's and the group's.
            let _ = c.params.take(&format!("{q}.UserId"));
            let _ = c.params.take(&format!("{q}.VpcId"));
            let Some(group_id) = group_id else {
                return Err(Error::missing(format!(
                    "The request must contain the parameter {q}.GroupId"
                )));
            };
            out.push(Wanted {
                group_id: Some(group_id),
                description: c.params.take(&format!("{q}.Description")),
                ..base.clone()
            });
            peers += 1;
        }
        for j in c.params.indices_of(&format!("{p}.PrefixListIds"))? {
            let q = format!("{p}.PrefixListIds.{j}");
            out.push(Wanted {
                prefix_list_id: Some(c.params.required(&format!("{q}.PrefixListId"))?),
                description: c.params.take(&format!("{q}.Description")),
                ..base.clone()
            });
            peers += 1;
        }
        if !c.params.indices_of(&format!("{p}.Ipv6Ranges"))?.is_empty() {
            return Err(Error::invalid_value(
                "Ipv6Ranges: linkplane's security groups are IPv4 only",
            ));
        }
        if peers == 0 {
            return Err(Error::missing(format!(
                "{p} names no peer: give IpRanges, Groups or PrefixListIds"
            )));
        }
    }
    if let Some(protocol) = c.params.take("IpProtocol") {
        let from_port = port(c, "FromPort")?;
        let to_port = port(c, "ToPort")?;
        let cidr = c.params.required("CidrIp")?;
        out.push(Wanted {
            protocol,
            from_port,
            to_port,
            cidr: Some(cidr),
            prefix_list_id: None,
            group_id: None,
            description: None,
        });
    }
    if out.is_empty() {
        return Err(Error::missing(
            "The request must contain the parameter IpPermissions",
        ));
    }
    Ok(out)
}

async fn authorize(mut c: Call, direction: Direction) -> Result<String> {
    let g = group_of(&mut c).await?;
    let wanted = permissions(&mut c)?;
    if !c.params.tag_specifications()?.is_empty() {
        return Err(Error::invalid_value(
            "TagSpecification: linkplane does not tag security group rules",
        ));
    }
    c.ready()?;
    let before: Vec<String> = rules_of(&g, direction)
        .iter()
        .map(|r| r.security_group_rule_id.clone())
        .collect();
    let reqs = wanted
        .into_iter()
        .map(|w| AddRuleRequest {
            direction,
            protocol: w.protocol,
            from_port: w.from_port,
            to_port: w.to_port,
            cidr: w.cidr,
            prefix_list_id: w.prefix_list_id,
            group_id: w.group_id,
            description: w.description,
        })
        .collect();
    // All of IpPermissions in one transaction, as AWS applies them.
    let last = security::add_rules(c.ctx(), &g.group_id, reqs).await?.value;
    let new: Vec<&SecurityGroupRule> = rules_of(&last, direction)
        .iter()
        .filter(|r| !before.contains(&r.security_group_rule_id))
        .collect();
    let mut x = response(&c);
    x.bool("return", true);
    x.items("securityGroupRuleSet", new, |x, r| write_rule(x, &last, r));
    Ok(x.finish())
}

fn rules_of(g: &SecurityGroup, direction: Direction) -> &[SecurityGroupRule] {
    match direction {
        Direction::Ingress => &g.ingress,
        Direction::Egress => &g.egress,
    }
}

/// Does a rule match what a permission names? Protocols compare as AWS
/// reads them (`6` is `tcp`); absent ports are -1.
fn matches(r: &SecurityGroupRule, w: &Wanted) -> bool {
    let proto = |p: &str| Protocol::parse(p).map(|p| p.as_str()).ok();
    proto(&r.protocol).is_some()
        && proto(&r.protocol) == proto(&w.protocol)
        && (proto(&w.protocol) == Some("-1")
            || (r.from_port == w.from_port.unwrap_or(-1) && r.to_port == w.to_port.unwrap_or(-1)))
        && r.cidr == w.cidr
        && r.prefix_list_id == w.prefix_list_id
        && r.group_id == w.group_id
}

async fn revoke(mut c: Call, direction: Direction) -> Result<String> {
    let g = group_of(&mut c).await?;
    let rule_ids = c.params.list("SecurityGroupRuleId")?;
    let wanted = if rule_ids.is_empty() {
        permissions(&mut c)?
    } else {
        Vec::new()
    };
    c.ready()?;
    let rules = rules_of(&g, direction);
    let mut revoke: Vec<&SecurityGroupRule> = Vec::new();
    for id in &rule_ids {
        match rules.iter().find(|r| &r.security_group_rule_id == id) {
            Some(r) => revoke.push(r),
            None => {
                return Err(Error::validation(
                    "InvalidSecurityGroupRuleId.NotFound",
                    format!("The security group rule ID '{id}' does not exist"),
                ));
            }
        }
    }
    let mut unknown = Vec::new();
    for w in &wanted {
        match rules.iter().find(|r| matches(r, w)) {
            Some(r) => revoke.push(r),
            None => unknown.push(w.clone()),
        }
    }
    if revoke.is_empty() && !unknown.is_empty() {
        return Err(Error::validation(
            "InvalidPermission.NotFound",
            "The specified rule does not exist in this security group.",
        ));
    }
    let ids: Vec<String> = revoke
        .iter()
        .map(|r| r.security_group_rule_id.clone())
        .collect();
    security::delete_rules(c.ctx(), &g.group_id, &ids).await?;
    let mut x = response(&c);
    x.bool("return", true);
    if !unknown.is_empty() {
        x.items("unknownIpPermissionSet", &unknown, |x, w| {
            x.text("ipProtocol", &w.protocol);
            x.opt("fromPort", w.from_port.map(|p| p.to_string()).as_deref());
            x.opt("toPort", w.to_port.map(|p| p.to_string()).as_deref());
            if let Some(cidr) = &w.cidr {
                x.items("ipRanges", [cidr], |x, c| {
                    x.text("cidrIp", c);
                });
            }
            if let Some(id) = &w.group_id {
                x.items("groups", [id], |x, id| {
                    x.text("groupId", id);
                });
            }
            if let Some(id) = &w.prefix_list_id {
                x.items("prefixListIds", [id], |x, id| {
                    x.text("prefixListId", id);
                });
            }
        });
    }
    x.items("revokedSecurityGroupRuleSet", &revoke, |x, r| {
        x.text("securityGroupRuleId", &r.security_group_rule_id)
            .text("groupId", &g.group_id)
            .bool("isEgress", r.direction == Direction::Egress)
            .text("ipProtocol", &wire_protocol(&r.protocol))
            .text("fromPort", &r.from_port.to_string())
            .text("toPort", &r.to_port.to_string())
            .opt("cidrIpv4", r.cidr.as_deref())
            .opt("prefixListId", r.prefix_list_id.as_deref())
            .opt("referencedGroupId", r.group_id.as_deref())
            .opt("description", r.description.as_deref());
    });
    Ok(x.finish())
}

pub(super) async fn authorize_ingress(c: Call) -> Result<String> {
    authorize(c, Direction::Ingress).await
}

pub(super) async fn authorize_egress(c: Call) -> Result<String> {
    authorize(c, Direction::Egress).await
}

pub(super) async fn revoke_ingress(c: Call) -> Result<String> {
    revoke(c, Direction::Ingress).await
}

pub(super) async fn revoke_egress(c: Call) -> Result<String> {
    revoke(c, Direction::Egress).await
}
