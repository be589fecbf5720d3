//! EC2's VPC peering actions over `service::network::peering`, the
//! functions REST's `/v1/vpc-peering-connections` calls. Who may accept,
//! reject or delete is the domain's rule (`peering::transition`); the front
//! only adds AWS's regional view: a connection is seen from the region of
//! the caller's own side (`here::peering`).

use super::subnet::write_tags;
use super::{here, invalid_filter, is_tag_filter, response, returned_true, tag_filter};
use super::{snake, tags_for};
use crate::aws::Call;
use crate::aws::params::Filter;
use crate::aws::xml::Xml;
use crate::error::{Error, ErrorKind, Result};
use crate::service::network::peering::{
    self, CreateVpcPeeringConnectionRequest, ListPeerings, PeeringVpcInfo, Transition,
    VpcPeeringConnection,
};

/// AWS's `VpcPeeringConnectionStateReasonCode` for the domain's state
/// (`pending_acceptance` -> `pending-acceptance`).
fn status_code(domain: &str) -> String {
    domain.replace('_', "-")
}

fn write_info(x: &mut Xml, v: &PeeringVpcInfo) {
    x.text("cidrBlock", &v.cidr_block);
    x.items("cidrBlockSet", [v], |x, v| {
        x.text("cidrBlock", &v.cidr_block);
    });
    x.text("ownerId", &v.owner_id)
        .open("peeringOptions")
        .bool("allowDnsResolutionFromRemoteVpc", false)
        .bool("allowEgressFromLocalClassicLinkToRemoteVpc", false)
        .bool("allowEgressFromLocalVpcToRemoteClassicLink", false)
        .close()
        .text("vpcId", &v.vpc_id)
        .text("region", &v.region);
}

fn write_pcx(x: &mut Xml, p: &VpcPeeringConnection) {
    x.open("accepterVpcInfo");
    write_info(x, &p.accepter_vpc_info);
    x.close().open("requesterVpcInfo");
    write_info(x, &p.requester_vpc_info);
    x.close()
        .open("status")
        .text("code", &status_code(&p.status.code))
        .text("message", &p.status.message)
        .close();
    write_tags(x, &p.tags);
    x.text("vpcPeeringConnectionId", &p.vpc_peering_connection_id);
}

fn answer(c: &Call, p: &VpcPeeringConnection) -> String {
    let mut x = response(c);
    x.open("vpcPeeringConnection");
    write_pcx(&mut x, p);
    x.close();
    x.finish()
}

pub(super) async fn create_vpc_peering_connection(mut c: Call) -> Result<String> {
    let vpc_id = c.params.required("VpcId")?;
    let peer_vpc_id = c.params.required("PeerVpcId")?;
    let peer_owner_id = c.params.take("PeerOwnerId").filter(|v| !v.is_empty());
    let peer_region = c.params.take("PeerRegion").filter(|v| !v.is_empty());
    let tags = tags_for(&mut c, "vpc-peering-connection")?;
    c.ready()?;
    // The requester VPC is one of the signing region's.
    here::vpc(&c, &vpc_id).await?;
    let req = CreateVpcPeeringConnectionRequest {
        requester_vpc_id: vpc_id,
        accepter_vpc_id: peer_vpc_id,
        peer_owner_id,
        peer_region,
        tags,
    };
    let p = peering::create_peering(c.ctx(), req, None)
        .await?
        .into_inner()
        .value;
    Ok(answer(&c, &p))
}

/// The filters DescribeVpcPeeringConnections documents (and `tag:<key>`,
/// `tag-key`).
const FILTERS: &[&str] = &[
    "vpc-peering-connection-id",
    "status-code",
    "status-message",
    "requester-vpc-info.vpc-id",
    "accepter-vpc-info.vpc-id",
    "requester-vpc-info.owner-id",
    "accepter-vpc-info.owner-id",
    "requester-vpc-info.cidr-block",
    "accepter-vpc-info.cidr-block",
    "expiration-time",
];

/// The filters of [`FILTERS`] over one connection.
fn matches(p: &VpcPeeringConnection, f: &Filter) -> Result<bool> {
    let (r, a) = (&p.requester_vpc_info, &p.accepter_vpc_info);
    let have: Vec<String> = match f.name.as_str() {
        "vpc-peering-connection-id" => vec![p.vpc_peering_connection_id.clone()],
        "status-code" => vec![status_code(&p.status.code)],
        "status-message" => vec![p.status.message.clone()],
        "requester-vpc-info.vpc-id" => vec![r.vpc_id.clone()],
        "accepter-vpc-info.vpc-id" => vec![a.vpc_id.clone()],
        "requester-vpc-info.owner-id" => vec![r.owner_id.clone()],
        "accepter-vpc-info.owner-id" => vec![a.owner_id.clone()],
        "requester-vpc-info.cidr-block" => vec![r.cidr_block.clone()],
        "accepter-vpc-info.cidr-block" => vec![a.cidr_block.clone()],
        // linkplane's pending connections do not expire.
        "expiration-time" => vec![],
        n if n.starts_with("tag:") && n.len() > 4 => {
            p.tags.get(&n[4..]).cloned().into_iter().collect()
        }
        "tag-key" => p.tags.keys().cloned().collect(),
        n => return Err(invalid_filter(n)),
    };
    Ok(f.values.iter().any(|v| have.contains(v)))
}

fn keep_all(p: &VpcPeeringConnection, filters: &[Filter]) -> Result<bool> {
    for f in filters {
        if !matches(p, f)? {
            return Ok(false);
        }
    }
    Ok(true)
}

pub(super) async fn describe_vpc_peering_connections(mut c: Call) -> Result<String> {
    let ids = c.params.list("VpcPeeringConnectionId")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?;
    let next_token = c.params.take("NextToken");
    // Every filter name is checked before anything is read.
    if let Some(f) = filters
        .iter()
        .find(|f| !FILTERS.contains(&f.name.as_str()) && !is_tag_filter(&f.name))
    {
        return Err(invalid_filter(&f.name));
    }
    c.ready()?;
    let mut x = response(&c);
    if !ids.is_empty() {
        let mut found = Vec::new();
        for id in &ids {
            let p = here::peering(&c, id).await?;
            if keep_all(&p, &filters)? {
                found.push(p);
            }
        }
        x.items("vpcPeeringConnectionSet", &found, write_pcx);
        return Ok(x.finish());
    }
    // The domain narrows by status, either side's VPC and tags (one value
    // each); every filter is then applied to the page it answers.
    let mut q = ListPeerings {
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    for f in &filters {
        match f.name.as_str() {
            "status-code" if f.values.len() == 1 => q.status = Some(snake_status(&f.values[0])),
            "requester-vpc-info.vpc-id" | "accepter-vpc-info.vpc-id"
                if f.values.len() == 1 && q.vpc_id.is_none() =>
            {
                q.vpc_id = Some(f.values[0].clone())
            }
            n if is_tag_filter(n) && f.values.len() == 1 => q.tags.push(tag_filter(f)),
            _ => {}
        }
    }
    let (mut found, next) = peering::list_peerings_in(c.ctx(), Some(&c.region), q).await?;
    found.retain(|p| keep_all(p, &filters).unwrap_or(false));
    x.items("vpcPeeringConnectionSet", &found, write_pcx);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

/// `pending-acceptance` as the domain stores it.
fn snake_status(aws: &str) -> String {
    snake(&aws.replace('-', "_"))
}

/// Accept and reject happen in the accepter's region, as on AWS; whether
/// the caller may is the domain's rule.
async fn accepter_side(c: &Call, id: &str) -> Result<()> {
    let p = here::peering(c, id).await?;
    let account = c.ctx().account()?;
    let a = &p.accepter_vpc_info;
    if a.owner_id == account && a.region != c.region {
        return Err(Error::new(
            ErrorKind::Forbidden,
            "OperationNotPermitted",
            format!(
                "Incorrect region ({}) specified for this request. VPC peering connection {id} must be accepted or rejected in region {}",
                c.region, a.region
            ),
        ));
    }
    Ok(())
}

pub(super) async fn accept_vpc_peering_connection(mut c: Call) -> Result<String> {
    let id = c.params.required("VpcPeeringConnectionId")?;
    c.ready()?;
    accepter_side(&c, &id).await?;
    let p = peering::transition(c.ctx(), &id, Transition::Accept)
        .await?
        .value;
    Ok(answer(&c, &p))
}

pub(super) async fn reject_vpc_peering_connection(mut c: Call) -> Result<String> {
    let id = c.params.required("VpcPeeringConnectionId")?;
    c.ready()?;
    accepter_side(&c, &id).await?;
    peering::transition(c.ctx(), &id, Transition::Reject).await?;
    returned_true(&c)
}

pub(super) async fn delete_vpc_peering_connection(mut c: Call) -> Result<String> {
    let id = c.params.required("VpcPeeringConnectionId")?;
    c.ready()?;
    here::peering(&c, &id).await?;
    peering::transition(c.ctx(), &id, Transition::Delete).await?;
    returned_true(&c)
}

#[cfg(test)]
mod tests {
    use super::{snake_status, status_code};

    #[test]
    fn status_codes_as_aws_spells_them() {
        assert_eq!(status_code("pending_acceptance"), "pending-acceptance");
        assert_eq!(snake_status("pending-acceptance"), "pending_acceptance");
        assert_eq!(snake_status("active"), "active");
    }
}
