//! Security groups and their rules.

use super::vpc::vpc_in_body;
use super::{Ctx, check_tags, dependency, not_found, tagged, tags_of, unknown};
use crate::create_once;
use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::service::{Created, Idempotency, Versioned, render_one, values};
use crate::store::filter::AnyOf;
use crate::store::network::{self as db, RuleRow, SecurityGroupRow};
use crate::store::tags::{self, TagFilter, Tags};
use crate::store::{StoreError, Tx, now_ms};
use crate::transaction;
use crate::util::{new_id, timestamp};
use linkplane_core::catalog;
use linkplane_core::net::{self, Ipv4Cidr, Protocol};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Ingress or egress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
}

/// A rule of a security group (`SecurityGroupRule`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SecurityGroupRule {
    #[schema(example = "sgr-0a1b2c3d4e5f67890")]
    pub security_group_rule_id: String,
    pub direction: Direction,
    /// `tcp`, `udp`, `icmp` or `all`.
    #[schema(example = "tcp")]
    pub protocol: String,
    /// First port (ICMP: the type; -1 for all).
    #[schema(example = 443)]
    pub from_port: i32,
    /// Last port (ICMP: the code; -1 for all).
    #[schema(example = 443)]
    pub to_port: i32,
    /// The peer, exactly one of: an IPv4 CIDR block...
    #[schema(example = "10.0.0.0/16")]
    pub cidr: Option<String>,
    /// ...an AWS-managed prefix list...
    pub prefix_list_id: Option<String>,
    /// ...or another security group of the VPC (its members' addresses).
    pub group_id: Option<String>,
    pub description: Option<String>,
}

/// A rule to add: `protocol`, the ports, and exactly one peer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// `tcp`, `udp`, `icmp` or `all`, in any case (AWS's `6`, `17`, `1`, `-1` too).
    #[schema(
        example = "tcp",
        pattern = "^([tT][cC][pP]|[uU][dD][pP]|[iI][cC][mM][pP]|[aA][lL][lL]|6|17|1|-1)$"
    )]
    pub protocol: String,
    /// tcp and udp: required, 0 to 65535, at most `to_port`; icmp: the ICMP
    /// type, -1 (any) to 255; all: absent or -1.
    #[schema(example = 443, minimum = -1, maximum = 65535)]
    pub from_port: Option<i32>,
    /// tcp and udp: required, 0 to 65535; icmp: the ICMP code, -1 (any) to
    /// 255; all: absent or -1.
    #[schema(example = 443, minimum = -1, maximum = 65535)]
    pub to_port: Option<i32>,
    /// The peer: exactly one of `cidr`, `prefix_list_id` and `group_id`.
    #[schema(value_type = Option<schema::Ipv4Cidr>)]
    pub cidr: Option<String>,
    /// An AWS-managed prefix list of the group's region.
    #[schema(value_type = Option<schema::PrefixListId>)]
    pub prefix_list_id: Option<String>,
    /// A group of the same VPC (or this group itself).
    #[schema(value_type = Option<schema::SecurityGroupId>)]
    pub group_id: Option<String>,
    #[schema(max_length = 255)]
    pub description: Option<String>,
}

/// `POST /v1/security-groups/{group_id}/rules`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddRuleRequest {
    pub direction: Direction,
    /// `tcp`, `udp`, `icmp` or `all`, in any case (AWS's `6`, `17`, `1`, `-1` too).
    #[schema(
        example = "tcp",
        pattern = "^([tT][cC][pP]|[uU][dD][pP]|[iI][cC][mM][pP]|[aA][lL][lL]|6|17|1|-1)$"
    )]
    pub protocol: String,
    /// tcp and udp: required, 0 to 65535, at most `to_port`; icmp: the ICMP
    /// type, -1 (any) to 255; all: absent or -1.
    #[schema(example = 443, minimum = -1, maximum = 65535)]
    pub from_port: Option<i32>,
    /// tcp and udp: required, 0 to 65535; icmp: the ICMP code, -1 (any) to
    /// 255; all: absent or -1.
    #[schema(example = 443, minimum = -1, maximum = 65535)]
    pub to_port: Option<i32>,
    /// The peer: exactly one of `cidr`, `prefix_list_id` and `group_id`.
    #[schema(value_type = Option<schema::Ipv4Cidr>)]
    pub cidr: Option<String>,
    /// An AWS-managed prefix list of the group's region.
    #[schema(value_type = Option<schema::PrefixListId>)]
    pub prefix_list_id: Option<String>,
    /// A group of the same VPC (or this group itself).
    #[schema(value_type = Option<schema::SecurityGroupId>)]
    pub group_id: Option<String>,
    #[schema(max_length = 255)]
    pub description: Option<String>,
}

/// A security group (`SecurityGroup`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SecurityGroup {
    #[schema(example = "sg-0a1b2c3d4e5f67890")]
    pub group_id: String,
    #[schema(example = "web")]
    pub group_name: String,
    #[schema(example = "web servers")]
    pub description: String,
    pub vpc_id: String,
    pub owner_id: String,
    pub region: String,
    pub ingress: Vec<SecurityGroupRule>,
    pub egress: Vec<SecurityGroupRule>,
    pub creation_timestamp: String,
    pub tags: Tags,
}

/// `POST /v1/security-groups`. Without `egress` the group allows all
/// traffic out, as on AWS; an explicit `egress` list (even empty) replaces
/// that default.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSecurityGroupRequest {
    #[schema(value_type = schema::VpcId)]
    pub vpc_id: String,
    /// 1 to 255 characters, unique in the VPC; not `default` (in any case),
    /// not starting with `sg-`.
    #[schema(
        example = "web",
        min_length = 1,
        max_length = 255,
        pattern = "^(?![dD][eE][fF][aA][uU][lL][tT]$)(?!sg-)[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]*$"
    )]
    pub group_name: String,
    /// 1 to 255 characters.
    #[schema(example = "web servers", min_length = 1, max_length = 255)]
    pub description: String,
    pub ingress: Option<Vec<RuleSpec>>,
    pub egress: Option<Vec<RuleSpec>>,
    pub tags: Option<Tags>,
}

/// The peer of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    Cidr(String),
    PrefixList(String),
    Group(String),
}

impl Peer {
    fn key(&self) -> String {
        match self {
            Peer::Cidr(c) => format!("cidr:{c}"),
            Peer::PrefixList(p) => format!("pl:{p}"),
            Peer::Group(g) => format!("sg:{g}"),
        }
    }
}

/// A rule row; `rule_key` makes duplicates collide on a unique index.
#[allow(clippy::too_many_arguments)]
pub fn rule_row(
    group_id: &str,
    account_id: &str,
    direction: &str,
    protocol: &str,
    (from, to): (i32, i32),
    peer: Peer,
    description: Option<String>,
    now: i64,
) -> RuleRow {
    let rule_key = format!("{direction}|{protocol}|{from}|{to}|{}", peer.key());
    let (cidr, prefix_list_id, ref_group_id) = match peer {
        Peer::Cidr(c) => (Some(c), None, None),
        Peer::PrefixList(p) => (None, Some(p), None),
        Peer::Group(g) => (None, None, Some(g)),
    };
    RuleRow {
        rule_id: new_id("sgr"),
        group_id: group_id.to_string(),
        account_id: account_id.to_string(),
        direction: direction.to_string(),
        protocol: protocol.to_string(),
        from_port: i64::from(from),
        to_port: i64::from(to),
        cidr,
        prefix_list_id,
        ref_group_id,
        description,
        rule_key,
        created_at: now,
    }
}

/// The default egress rule: everything to 0.0.0.0/0.
pub fn allow_all_egress(group_id: &str, account_id: &str, now: i64) -> RuleRow {
    rule_row(
        group_id,
        account_id,
        "egress",
        "all",
        (-1, -1),
        Peer::Cidr("0.0.0.0/0".to_string()),
        None,
        now,
    )
}

fn protocol_name(p: Protocol) -> &'static str {
    match p {
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Icmp => "icmp",
        Protocol::All => "all",
    }
}

fn rule_of(r: RuleRow) -> SecurityGroupRule {
    SecurityGroupRule {
        security_group_rule_id: r.rule_id,
        direction: if r.direction == "ingress" {
            Direction::Ingress
        } else {
            Direction::Egress
        },
        protocol: r.protocol,
        from_port: r.from_port as i32,
        to_port: r.to_port as i32,
        cidr: r.cidr,
        prefix_list_id: r.prefix_list_id,
        group_id: r.ref_group_id,
        description: r.description,
    }
}

pub fn group_not_found(id: &str) -> Error {
    not_found("InvalidGroup.NotFound", "security group", id)
}

/// Validates one rule of group `group` (in `vpc_id`, `region`) and builds its row.
#[allow(clippy::too_many_arguments)]
async fn checked_rule(
    tx: &mut Tx,
    account: &str,
    group: &str,
    vpc_id: &str,
    region: &str,
    direction: Direction,
    spec: &RuleSpec,
    now: i64,
) -> Result<RuleRow> {
    let protocol = Protocol::parse(&spec.protocol)?;
    let ports = net::rule_ports(protocol, spec.from_port, spec.to_port)?;
    let peer = match (&spec.cidr, &spec.prefix_list_id, &spec.group_id) {
        (Some(c), None, None) => Peer::Cidr(Ipv4Cidr::parse_param("cidr", c)?.to_string()),
        (None, Some(p), None) => {
            let pl = catalog::catalog()
                .prefix_list(p)
                .filter(|pl| pl.region == region)
                .ok_or_else(|| unknown("InvalidPrefixListID.NotFound", "prefix list", p))?;
            Peer::PrefixList(pl.prefix_list_id.clone())
        }
        (None, None, Some(g)) => {
            if g != group {
                let other = db::get_security_group(&mut **tx, account, g)
                    .await?
                    .ok_or_else(|| unknown("InvalidGroup.NotFound", "security group", g))?;
                if other.vpc_id != vpc_id {
                    return Err(Error::invalid_value(format!(
                        "group_id: security group {g} is in {}, not in this group's VPC {vpc_id}",
                        other.vpc_id
                    )));
                }
            }
            Peer::Group(g.clone())
        }
        (None, None, None) => {
            return Err(Error::missing(
                "a rule needs a peer: one of cidr, prefix_list_id or group_id",
            ));
        }
        _ => {
            return Err(Error::validation(
                "InvalidParameterCombination",
                "a rule has exactly one peer: cidr, prefix_list_id or group_id",
            ));
        }
    };
    if let Some(d) = &spec.description
        && d.chars().count() > 255
    {
        return Err(Error::invalid_value("description: at most 255 characters"));
    }
    Ok(rule_row(
        group,
        account,
        direction.as_str(),
        protocol_name(protocol),
        ports,
        peer,
        spec.description.clone(),
        now,
    ))
}

async fn insert_rule(tx: &mut Tx, row: &RuleRow) -> Result<()> {
    match db::insert_rule(tx, row).await {
        Err(StoreError::Conflict(_)) => Err(Error::conflict(
            "InvalidPermission.Duplicate",
            format!(
                "the specified rule ({} {} {}..{} {}) already exists in {}",
                row.direction,
                row.protocol,
                row.from_port,
                row.to_port,
                row.cidr
                    .as_deref()
                    .or(row.prefix_list_id.as_deref())
                    .or(row.ref_group_id.as_deref())
                    .unwrap_or_default(),
                row.group_id
            ),
        )),
        other => Ok(other?),
    }
}

fn check_group_name(name: &str, description: &str) -> Result<()> {
    let n = name.chars().count();
    if n == 0 || n > 255 {
        return Err(Error::invalid_value("group_name: 1 to 255 characters"));
    }
    if name.eq_ignore_ascii_case("default") {
        return Err(Error::invalid_value(
            "group_name: cannot use reserved security group name: default",
        ));
    }
    if name.starts_with("sg-") {
        return Err(Error::invalid_value(
            "group_name: group names may not be in the format sg-*",
        ));
    }
    let d = description.chars().count();
    if d == 0 || d > 255 {
        return Err(Error::invalid_value("description: 1 to 255 characters"));
    }
    Ok(())
}

pub async fn create_security_group(
    ctx: Ctx<'_>,
    req: CreateSecurityGroupRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<SecurityGroup>>> {
    let idem = Idempotency::new(ctx.caller, idempotency_key, "CreateSecurityGroup", &req);
    let account = ctx.account()?;
    check_group_name(&req.group_name, &req.description)?;
    let tags = check_tags(&req.tags)?;
    let req = &req;
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let vpc = vpc_in_body(tx, account, &req.vpc_id).await?;
        let now = now_ms();
        let row = SecurityGroupRow {
            group_id: new_id("sg"),
            account_id: account.to_string(),
            vpc_id: vpc.vpc_id.clone(),
            region: vpc.region.clone(),
            group_name: req.group_name.clone(),
            description: req.description.clone(),
            is_default: false,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        match db::insert_security_group(tx, &row).await {
            Err(StoreError::Conflict(_)) => {
                return Err(Error::conflict(
                    "InvalidGroup.Duplicate",
                    format!(
                        "The security group '{}' already exists for VPC '{}'",
                        req.group_name, vpc.vpc_id
                    ),
                ));
            }
            other => other?,
        }
        let dirs = [
            (
                Direction::Ingress,
                req.ingress.as_deref().unwrap_or_default(),
            ),
            (Direction::Egress, req.egress.as_deref().unwrap_or_default()),
        ];
        for (dir, specs) in dirs {
            for spec in specs {
                let rule = checked_rule(
                    tx,
                    account,
                    &row.group_id,
                    &vpc.vpc_id,
                    &vpc.region,
                    dir,
                    spec,
                    now,
                )
                .await?;
                insert_rule(tx, &rule).await?;
            }
        }
        if req.egress.is_none() {
            db::insert_rule(tx, &allow_all_egress(&row.group_id, account, now)).await?;
        }
        tags::add(tx, account, &row.group_id, &tags).await?;
        Ok(row.group_id)
    })?;
    created
        .load(|id| async move { get_security_group(ctx, &id).await })
        .await
}

async fn groups_of(
    ctx: Ctx<'_>,
    rows: Vec<SecurityGroupRow>,
) -> Result<Vec<Versioned<SecurityGroup>>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.group_id.as_str()).collect();
    let mut tags = tags_of(ctx.store, &ids).await?;
    let rules = db::rules_of(ctx.store.pool(), &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mine: Vec<SecurityGroupRule> = rules
                .iter()
                .filter(|x| x.group_id == r.group_id)
                .cloned()
                .map(rule_of)
                .collect();
            let (ingress, egress) = mine
                .into_iter()
                .partition(|x| x.direction == Direction::Ingress);
            Versioned {
                version: r.version,
                value: SecurityGroup {
                    tags: tags.remove(&r.group_id).unwrap_or_default(),
                    group_id: r.group_id,
                    group_name: r.group_name,
                    description: r.description,
                    vpc_id: r.vpc_id,
                    owner_id: r.account_id,
                    region: r.region,
                    ingress,
                    egress,
                    creation_timestamp: timestamp(r.created_at),
                },
            }
        })
        .collect())
}

pub async fn get_security_group(ctx: Ctx<'_>, group_id: &str) -> Result<Versioned<SecurityGroup>> {
    let account = ctx.account()?;
    let row = db::get_security_group(ctx.store.pool(), account, group_id).await?;
    render_one(
        row,
        |rows| groups_of(ctx, rows),
        || group_not_found(group_id),
    )
    .await
}

/// Filters of `GET /v1/security-groups`.
#[derive(Debug, Clone, Default)]
pub struct ListSecurityGroups {
    pub vpc_id: AnyOf<String>,
    pub region: Option<String>,
    pub group_name: AnyOf<String>,
    pub tags: Vec<TagFilter>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_security_groups(
    ctx: Ctx<'_>,
    q: ListSecurityGroups,
) -> Result<(Vec<SecurityGroup>, Option<String>)> {
    let account = ctx.account()?;
    let filter = tagged(q.tags)
        .eq("vpc_id", q.vpc_id)
        .eq("group_name", q.group_name)
        .eq("region", q.region);
    pagination::list(
        "security-groups",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move { db::list_security_groups(ctx.store.pool(), account, &filter, &spec).await },
        |rows| values(groups_of(ctx, rows)),
    )
    .await
}

/// Adds one rule; answers the group with it.
pub async fn add_rule(
    ctx: Ctx<'_>,
    group_id: &str,
    req: AddRuleRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<SecurityGroup>>> {
    let idem = Idempotency::new(
        ctx.caller,
        idempotency_key,
        "AddSecurityGroupRule",
        &(group_id, &req),
    );
    let account = ctx.account()?;
    let (spec, direction) = spec_of(req);
    let spec = &spec;
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let group = db::get_security_group(&mut **tx, account, group_id)
            .await?
            .ok_or_else(|| group_not_found(group_id))?;
        let now = now_ms();
        let rule = checked_rule(
            tx,
            account,
            group_id,
            &group.vpc_id,
            &group.region,
            direction,
            spec,
            now,
        )
        .await?;
        insert_rule(tx, &rule).await?;
        db::touch_security_group(tx, group_id, now).await?;
        Ok(group_id.to_string())
    })?;
    let group = get_security_group(ctx, group_id).await?;
    Ok(created.with(group))
}

fn spec_of(req: AddRuleRequest) -> (RuleSpec, Direction) {
    let spec = RuleSpec {
        protocol: req.protocol,
        from_port: req.from_port,
        to_port: req.to_port,
        cidr: req.cidr,
        prefix_list_id: req.prefix_list_id,
        group_id: req.group_id,
        description: req.description,
    };
    (spec, req.direction)
}

/// Adds several rules to a group in one transaction: all of them, or none
/// when one is refused (a duplicate among them or of an existing rule, a
/// bad peer). The AWS front's `AuthorizeSecurityGroupIngress`/`Egress`,
/// whose `IpPermissions` may name several.
pub async fn add_rules(
    ctx: Ctx<'_>,
    group_id: &str,
    reqs: Vec<AddRuleRequest>,
) -> Result<Versioned<SecurityGroup>> {
    let account = ctx.account()?;
    let specs: Vec<(RuleSpec, Direction)> = reqs.into_iter().map(spec_of).collect();
    let specs = &specs;
    transaction!(ctx.store, |tx| {
        let group = db::get_security_group(&mut **tx, account, group_id)
            .await?
            .ok_or_else(|| group_not_found(group_id))?;
        let now = now_ms();
        for (spec, direction) in specs {
            let rule = checked_rule(
                tx,
                account,
                group_id,
                &group.vpc_id,
                &group.region,
                *direction,
                spec,
                now,
            )
            .await?;
            insert_rule(tx, &rule).await?;
        }
        db::touch_security_group(tx, group_id, now).await?;
        Ok(())
    })?;
    get_security_group(ctx, group_id).await
}

/// Deletes several rules of a group in one transaction; a rule already
/// gone is skipped (it is gone, as asked). The AWS front's
/// `RevokeSecurityGroupIngress`/`Egress`.
pub async fn delete_rules(ctx: Ctx<'_>, group_id: &str, rule_ids: &[String]) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        db::get_security_group(&mut **tx, account, group_id)
            .await?
            .ok_or_else(|| group_not_found(group_id))?;
        for rule_id in rule_ids {
            db::delete_rule(tx, group_id, rule_id).await?;
        }
        db::touch_security_group(tx, group_id, now_ms()).await?;
        Ok(())
    })?;
    Ok(())
}

pub async fn delete_rule(ctx: Ctx<'_>, group_id: &str, rule_id: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        db::get_security_group(&mut **tx, account, group_id)
            .await?
            .ok_or_else(|| group_not_found(group_id))?;
        if !db::delete_rule(tx, group_id, rule_id).await? {
            return Err(not_found(
                "InvalidSecurityGroupRuleId.NotFound",
                "security group rule",
                rule_id,
            ));
        }
        db::touch_security_group(tx, group_id, now_ms()).await?;
        Ok(())
    })?;
    Ok(())
}

/// Deletes a group: never the VPC's default one (`CannotDelete`), and not
/// while interfaces use it or other groups' rules reference it.
pub async fn delete_security_group(ctx: Ctx<'_>, group_id: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        let g = db::get_security_group(&mut **tx, account, group_id)
            .await?
            .ok_or_else(|| group_not_found(group_id))?;
        if g.is_default {
            return Err(Error::validation(
                "CannotDelete",
                format!(
                    "the default security group {group_id} of {} cannot be deleted; it goes with its VPC",
                    g.vpc_id
                ),
            ));
        }
        let holders = db::security_group_dependents(tx, group_id).await?;
        if !holders.is_empty() {
            return Err(dependency(group_id, &holders));
        }
        db::delete_security_group(tx, group_id).await?;
        tags::replace(tx, account, group_id, &Tags::new()).await?;
        Ok(())
    })?;
    Ok(())
}
