//! A public DNS model that works as DNS and Route 53 do: zones belong to
//! the account that made them, records to the zone they were written in,
//! and one zone answers for a name: the first at the top, then down the
//! chain of NS delegations (see `linkplane_core::public_dns`). Endpoint
//! services verify their private DNS names against the answering zone only.

use crate::error::{Error, Result};
use crate::pagination;
use crate::service::network::Ctx;
use crate::service::{render_one, retry_tx};
use crate::store::producer::{self as db, RecordRow, ZoneRow};
use crate::store::{StoreError, now_ms};
use crate::transaction;
use crate::util::timestamp;
use linkplane_core::public_dns::{self as pdns, Authority, Delegation, ZoneKey};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::ToSchema;

/// A public hosted zone of the caller's.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicZone {
    #[schema(example = "example.com")]
    pub zone_name: String,
    pub owner_id: String,
    /// The zone's four name servers. To make a zone inside another zone
    /// answer, the enclosing zone's owner writes an NS record of this
    /// zone's name there whose value is one of these.
    #[schema(example = json!(["ns-1536.awsdns-00.com", "ns-2048.awsdns-16.net", "ns-512.awsdns-32.org", "ns-1024.awsdns-48.co.uk"]))]
    pub name_servers: Vec<String>,
    /// Whether this zone answers for its name now: true for the first zone
    /// of a name that no other zone encloses, and for a zone the answering
    /// zone above delegates to with an NS record. Records of a zone that is
    /// not authoritative are kept but answer nothing (a private DNS name
    /// does not verify against them).
    pub authoritative: bool,
    pub creation_timestamp: String,
}

/// `POST /v1/public-dns/zones`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateZoneRequest {
    /// A domain name of at least two labels (read lowercase).
    #[schema(value_type = crate::schema::PublicZoneName)]
    pub name: String,
}

/// `PUT /v1/public-dns/records`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutRecordRequest {
    #[schema(value_type = crate::schema::DnsRecordName)]
    pub name: String,
    /// `TXT`, `A` or `NS`.
    #[schema(value_type = crate::schema::DnsRecordType)]
    pub r#type: String,
    /// TXT: the text, stored exactly (case-sensitive), 1 to 255
    /// characters; A: an IPv4 address; NS: a name server of the zone the
    /// name is delegated to (one of its `name_servers`; case and a final
    /// `.` do not matter).
    #[schema(
        example = "vpce:l6p0ERxlTt45jevFwOCp",
        min_length = 1,
        max_length = 255
    )]
    pub value: String,
    /// The caller's zone to write in; by default the caller's most specific
    /// zone that holds the name (for an NS record, the most specific one
    /// strictly above it).
    #[schema(value_type = Option<crate::schema::PublicZoneName>)]
    pub zone_name: Option<String>,
}

/// A record of one of the caller's zones.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicRecord {
    /// The zone the record belongs to.
    #[schema(example = "example.com")]
    pub zone_name: String,
    #[schema(example = "_6e86v84tqgqubxbwii1m.example.com")]
    pub name: String,
    #[schema(example = "TXT")]
    pub r#type: String,
    #[schema(example = "vpce:l6p0ERxlTt45jevFwOCp")]
    pub value: String,
}

fn record_of(r: RecordRow) -> PublicRecord {
    PublicRecord {
        zone_name: r.zone_name,
        name: r.record_name,
        r#type: r.record_type,
        value: r.value,
    }
}

fn no_zone_holding(name: &str) -> Error {
    Error::validation(
        "NoSuchHostedZone",
        format!(
            "no public zone of this account holds '{name}'; create it with POST /v1/public-dns/zones"
        ),
    )
}

fn no_such_zone(zone_name: &str) -> Error {
    Error::not_found(
        "NoSuchHostedZone",
        format!("no public zone '{zone_name}' in this account"),
    )
}

/// The zones and NS records that decide who answers for `name`, and who
/// does: the answering zone's row, if one of the model answers.
pub async fn authoritative_zone(
    conn: &mut AnyConnection,
    name: &str,
) -> Result<Option<ZoneRow>, StoreError> {
    let names = pdns::enclosing_names(name);
    let zones = db::zones_named(&mut *conn, &names).await?;
    let ns = db::delegations_at(&mut *conn, &names).await?;
    Ok(match decide(name, &zones, &ns) {
        Authority::Zone(i) => Some(zones[i].clone()),
        Authority::NoZone | Authority::Outside { .. } => None,
    })
}

/// Stored zones and NS records as the core's authority walk takes them.
fn walk_inputs<'a>(
    zones: &'a [ZoneRow],
    ns: &'a [RecordRow],
) -> (Vec<ZoneKey<'a>>, Vec<Delegation<'a>>) {
    let keys = zones
        .iter()
        .map(|z| ZoneKey {
            account_id: &z.account_id,
            zone_name: &z.zone_name,
            created_at: z.created_at,
        })
        .collect();
    let delegations = ns
        .iter()
        .map(|r| Delegation {
            account_id: &r.account_id,
            zone_name: &r.zone_name,
            record_name: &r.record_name,
            name_server: &r.value,
        })
        .collect();
    (keys, delegations)
}

fn decide(name: &str, zones: &[ZoneRow], ns: &[RecordRow]) -> Authority {
    let (keys, delegations) = walk_inputs(zones, ns);
    pdns::authority(name, &keys, &delegations)
}

/// The caller's zones as answered: name servers and whether each answers,
/// decided for the whole page with two queries.
async fn zones_of(ctx: Ctx<'_>, rows: Vec<ZoneRow>) -> Result<Vec<PublicZone>> {
    let mut names: Vec<&str> = rows
        .iter()
        .flat_map(|z| pdns::enclosing_names(&z.zone_name))
        .collect();
    names.sort_unstable();
    names.dedup();
    let zones = db::zones_named(ctx.store.pool(), &names).await?;
    let ns = db::delegations_at(ctx.store.pool(), &names).await?;
    Ok(rows
        .iter()
        .map(|z| {
            let authoritative = match decide(&z.zone_name, &zones, &ns) {
                Authority::Zone(i) => {
                    zones[i].account_id == z.account_id && zones[i].zone_name == z.zone_name
                }
                _ => false,
            };
            PublicZone {
                zone_name: z.zone_name.clone(),
                owner_id: z.account_id.clone(),
                name_servers: pdns::name_servers(&z.account_id, &z.zone_name).to_vec(),
                authoritative,
                creation_timestamp: timestamp(z.created_at),
            }
        })
        .collect())
}

/// Creates a zone of the caller's. Another account's zone of the same name
/// does not stop it unless that one holds the name at the top (no zone
/// encloses it): then 409, as a registered domain has one holder.
pub async fn create_zone(ctx: Ctx<'_>, req: CreateZoneRequest) -> Result<PublicZone> {
    let account = ctx.account()?;
    let name = pdns::normalise_zone_name(&req.name)?;
    let name = &name;
    let row = retry_tx(|| async move {
        // Serializable: two accounts creating the same name at once must
        // not both see it free (there is no unique index on the name, as
        // several accounts may hold zones of one name).
        let mut tx = ctx.store.begin_serializable().await?;
        let names = pdns::enclosing_names(name);
        let enclosing = db::zones_named(&mut *tx, &names).await?;
        let ns = db::delegations_at(&mut *tx, &names).await?;
        let (keys, delegations) = walk_inputs(&enclosing, &ns);
        if pdns::name_is_held_by_another(account, name, &keys, &delegations) {
            return Err(Error::conflict(
                "HostedZoneAlreadyExists",
                format!("the public zone '{name}' is held by another account"),
            ));
        }
        let row = ZoneRow {
            account_id: account.to_string(),
            zone_name: name.clone(),
            created_at: now_ms(),
        };
        match db::insert_zone(&mut tx, &row).await {
            Err(StoreError::Conflict(_)) => {
                return Err(Error::conflict(
                    "HostedZoneAlreadyExists",
                    format!("this account already has the public zone '{name}'"),
                ));
            }
            other => other?,
        }
        ctx.store.commit(tx).await?;
        Ok(row)
    })
    .await?;
    let mut out = zones_of(ctx, vec![row]).await?;
    out.pop()
        .ok_or_else(|| Error::internal("a created zone vanished"))
}

pub async fn get_zone(ctx: Ctx<'_>, zone_name: &str) -> Result<PublicZone> {
    let account = ctx.account()?;
    let zone_name = &pdns::normalise_zone_name(zone_name)?;
    let row = db::get_zone(ctx.store.pool(), account, zone_name).await?;
    render_one(row, |rows| zones_of(ctx, rows), || no_such_zone(zone_name)).await
}

pub async fn list_zones(
    ctx: Ctx<'_>,
    max_results: Option<u32>,
    next_token: Option<&str>,
) -> Result<(Vec<PublicZone>, Option<String>)> {
    let account = ctx.account()?;
    pagination::list(
        "public-dns-zones",
        max_results,
        next_token,
        |spec| async move { db::list_zones(ctx.store.pool(), account, &spec).await },
        |rows| zones_of(ctx, rows),
    )
    .await
}

/// Deletes one of the caller's zones with its records.
pub async fn delete_zone(ctx: Ctx<'_>, zone_name: &str) -> Result<()> {
    let account = ctx.account()?;
    let zone_name = &pdns::normalise_zone_name(zone_name)?;
    transaction!(ctx.store, |tx| {
        if !db::delete_zone(tx, account, zone_name).await? {
            return Err(no_such_zone(zone_name));
        }
        Ok(())
    })
}

pub async fn list_records(
    ctx: Ctx<'_>,
    zone_name: &str,
    max_results: Option<u32>,
    next_token: Option<&str>,
) -> Result<(Vec<PublicRecord>, Option<String>)> {
    let account = ctx.account()?;
    let zone_name = &pdns::normalise_zone_name(zone_name)?;
    pagination::list(
        "public-dns-records",
        max_results,
        next_token,
        |spec| async move {
            let pool = ctx.store.pool();
            db::get_zone(pool, account, zone_name)
                .await?
                .ok_or_else(|| no_such_zone(zone_name))?;
            Ok::<_, Error>(db::list_records(pool, account, zone_name, &spec).await?)
        },
        pagination::each(record_of),
    )
    .await
}

/// The caller's zone a record of `name` goes in: `zone_name` when given
/// (it must hold the name), else the most specific of the caller's zones
/// that holds it; for an NS record, the most specific one strictly above
/// the name (a delegation of `team.example.com` is written in
/// `example.com`, even when the caller also holds the child zone).
async fn own_zone_for(
    conn: &mut AnyConnection,
    account: &str,
    name: &str,
    record_type: &str,
    zone_name: Option<&str>,
) -> Result<ZoneRow> {
    if let Some(z) = zone_name {
        let z = pdns::normalise_zone_name(z)?;
        let row = db::get_zone(&mut *conn, account, &z)
            .await?
            .ok_or_else(|| no_such_zone(&z))?;
        if !pdns::encloses(&row.zone_name, name) {
            return Err(Error::invalid_value(format!(
                "name: '{name}' is not in the zone {z}"
            )));
        }
        return Ok(row);
    }
    let zones = db::zones_named(&mut *conn, &pdns::enclosing_names(name)).await?;
    let delegation = record_type == pdns::RecordType::Ns.as_str();
    let own: Vec<ZoneRow> = zones
        .into_iter()
        .filter(|z| z.account_id == account)
        .collect();
    let apex = own.iter().any(|z| z.zone_name == name);
    match own
        .into_iter()
        .filter(|z| !(delegation && z.zone_name == name))
        .max_by_key(|z| z.zone_name.len())
    {
        Some(z) => Ok(z),
        None if apex => Err(Error::invalid_value(format!(
            "name: an NS record delegates a name below a zone; '{name}' is the apex of your zone {name}"
        ))),
        None => Err(no_zone_holding(name)),
    }
}

/// Creates or replaces the record (name, type) in one of the caller's
/// zones. It never touches another account's zone or record.
pub async fn put_record(ctx: Ctx<'_>, req: PutRecordRequest) -> Result<PublicRecord> {
    let account = ctx.account()?;
    let name = pdns::normalise_name(&req.name)?;
    let req = &req;
    let name = &name;
    transaction!(ctx.store, |tx| {
        let zone = own_zone_for(tx, account, name, &req.r#type, req.zone_name.as_deref()).await?;
        let checked = pdns::validate_record(&zone.zone_name, name, &req.r#type, &req.value)?;
        let row = RecordRow {
            account_id: account.to_string(),
            zone_name: zone.zone_name,
            record_name: checked.name,
            record_type: checked.kind.as_str().to_string(),
            value: checked.value,
            created_at: now_ms(),
        };
        db::put_record(tx, &row).await?;
        Ok(record_of(row))
    })
}

/// Deletes the record (name, type) from one of the caller's zones.
pub async fn delete_record(
    ctx: Ctx<'_>,
    name: &str,
    record_type: &str,
    zone_name: Option<&str>,
) -> Result<()> {
    let account = ctx.account()?;
    let name = pdns::normalise_name(name)?;
    let name = &name;
    transaction!(ctx.store, |tx| {
        let zone = own_zone_for(tx, account, name, record_type, zone_name).await?;
        if !db::delete_record(tx, account, &zone.zone_name, name, record_type).await? {
            return Err(Error::not_found(
                "NoSuchRecord",
                format!(
                    "no {record_type} record '{name}' in the zone {}",
                    zone.zone_name
                ),
            ));
        }
        Ok(())
    })
}

/// The TXT record at `name` as DNS answers it: from the authoritative
/// zone, whoever owns it; None when no zone of the model answers or the
/// answering zone has no such record.
pub async fn answered_txt(
    conn: &mut AnyConnection,
    name: &str,
) -> Result<Option<String>, StoreError> {
    let Some(zone) = authoritative_zone(&mut *conn, name).await? else {
        return Ok(None);
    };
    Ok(
        db::get_record(&mut *conn, &zone.account_id, &zone.zone_name, name, "TXT")
            .await?
            .map(|r| r.value),
    )
}
