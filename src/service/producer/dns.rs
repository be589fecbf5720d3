//! A small public DNS model: zones owned by one account each, and TXT or A
//! records in them. Endpoint services verify their private DNS names here.

use crate::error::{ApiError, ApiResult};
use crate::pagination;
use crate::service::network::Ctx;
use crate::store::producer::{self as db, RecordRow, ZoneRow};
use crate::store::{StoreError, now_ms};
use crate::util::timestamp;
use linkplane_core::net::parse_ipv4;
use linkplane_core::privatelink as pl;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A public hosted zone.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicZone {
    #[schema(example = "example.com")]
    pub zone_name: String,
    pub owner_id: String,
    pub creation_timestamp: String,
}

/// `POST /v1/public-dns/zones`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateZoneRequest {
    /// A lowercase domain name; one account owns it.
    #[schema(example = "example.com")]
    pub name: String,
}

/// A record: `TXT` or `A`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicRecord {
    #[schema(example = "_6e86v84tqgqubxbwii1m.example.com")]
    pub name: String,
    #[schema(example = "TXT")]
    pub r#type: String,
    /// TXT: the text, stored exactly (case-sensitive); A: an IPv4 address.
    #[schema(example = "vpce:l6p0ERxlTt45jevFwOCp")]
    pub value: String,
}

fn zone_of(r: ZoneRow) -> PublicZone {
    PublicZone {
        zone_name: r.zone_name,
        owner_id: r.account_id,
        creation_timestamp: timestamp(r.created_at),
    }
}

fn no_zone(name: &str) -> ApiError {
    ApiError::validation(
        "NoSuchHostedZone",
        format!(
            "no public zone of this account holds '{name}'; create it with POST /v1/public-dns/zones"
        ),
    )
}

pub async fn create_zone(ctx: Ctx<'_>, req: CreateZoneRequest) -> ApiResult<PublicZone> {
    let account = ctx.account()?;
    let name = req.name.trim_end_matches('.').to_string();
    pl::validate_private_dns_name(&name)?;
    if name.starts_with("*.") {
        return Err(ApiError::invalid_value(
            "name: a zone name cannot be a wildcard",
        ));
    }
    if name == "amazonaws.com" || name.ends_with(".amazonaws.com") {
        return Err(ApiError::invalid_value(
            "name: amazonaws.com belongs to AWS and cannot be a customer zone",
        ));
    }
    let mut tx = ctx.store.begin().await?;
    let row = ZoneRow {
        zone_name: name.clone(),
        account_id: account.to_string(),
        created_at: now_ms(),
    };
    match db::insert_zone(&mut tx, &row).await {
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::conflict(
                "HostedZoneAlreadyExists",
                format!("the public zone '{name}' already exists and belongs to an account"),
            ));
        }
        other => other?,
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(zone_of(row))
}

pub async fn list_zones(
    ctx: Ctx<'_>,
    max_results: Option<u32>,
    next_token: Option<&str>,
) -> ApiResult<(Vec<PublicZone>, Option<String>)> {
    let account = ctx.account()?;
    let spec = pagination::page_spec("public-dns-zones", max_results, next_token)?;
    let page = db::list_zones(ctx.store.pool(), account, &spec).await?;
    let next = pagination::next_token("public-dns-zones", &page);
    Ok((page.items.into_iter().map(zone_of).collect(), next))
}

/// The caller's zone named exactly `zone_name`.
async fn own_zone(ctx: Ctx<'_>, account: &str, zone_name: &str) -> ApiResult<ZoneRow> {
    db::zones_named(ctx.store.pool(), &[zone_name])
        .await?
        .into_iter()
        .find(|z| z.account_id == account)
        .ok_or_else(|| {
            ApiError::not_found(
                "NoSuchHostedZone",
                format!("no public zone '{zone_name}' in this account"),
            )
        })
}

pub async fn delete_zone(ctx: Ctx<'_>, zone_name: &str) -> ApiResult<()> {
    let account = ctx.account()?;
    own_zone(ctx, account, zone_name).await?;
    let mut tx = ctx.store.begin().await?;
    db::delete_zone(&mut tx, zone_name).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

pub async fn list_records(ctx: Ctx<'_>, zone_name: &str) -> ApiResult<Vec<PublicRecord>> {
    let account = ctx.account()?;
    own_zone(ctx, account, zone_name).await?;
    Ok(db::records_of_zone(ctx.store.pool(), zone_name)
        .await?
        .into_iter()
        .map(|r| PublicRecord {
            name: r.record_name,
            r#type: r.record_type,
            value: r.value,
        })
        .collect())
}

/// The most specific zone of the caller that holds `name`.
async fn zone_for(ctx: Ctx<'_>, account: &str, name: &str) -> ApiResult<ZoneRow> {
    let labels: Vec<&str> = name.split('.').collect();
    let candidates: Vec<String> = (0..labels.len().saturating_sub(1))
        .map(|i| labels[i..].join("."))
        .collect();
    let refs: Vec<&str> = candidates.iter().map(String::as_str).collect();
    let zones = db::zones_named(ctx.store.pool(), &refs).await?;
    candidates
        .iter()
        .find_map(|c| zones.iter().find(|z| &z.zone_name == c))
        .filter(|z| z.account_id == account)
        .cloned()
        .ok_or_else(|| no_zone(name))
}

fn check_record(rec: &PublicRecord) -> ApiResult<String> {
    let name = rec.name.trim_end_matches('.').to_ascii_lowercase();
    let labels_ok = name.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    if !labels_ok || name.len() > 255 || !name.contains('.') {
        return Err(ApiError::invalid_value(format!(
            "name: '{}' is not a valid DNS name",
            rec.name
        )));
    }
    match rec.r#type.as_str() {
        "TXT" if rec.value.len() <= 255 && !rec.value.is_empty() => {}
        "TXT" => {
            return Err(ApiError::invalid_value(
                "value: a TXT value is 1 to 255 characters",
            ));
        }
        "A" => {
            parse_ipv4(&rec.value)?;
        }
        other => {
            return Err(ApiError::invalid_value(format!(
                "type: '{other}' is not supported; use TXT or A"
            )));
        }
    }
    Ok(name)
}

/// Creates or replaces the record (name, type) in the caller's zone that
/// holds the name.
pub async fn put_record(ctx: Ctx<'_>, rec: PublicRecord) -> ApiResult<PublicRecord> {
    let account = ctx.account()?;
    let name = check_record(&rec)?;
    let zone = zone_for(ctx, account, &name).await?;
    let mut tx = ctx.store.begin().await?;
    db::put_record(
        &mut tx,
        &RecordRow {
            zone_name: zone.zone_name,
            record_name: name.clone(),
            record_type: rec.r#type.clone(),
            value: rec.value.clone(),
            created_at: now_ms(),
        },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(PublicRecord {
        name,
        r#type: rec.r#type,
        value: rec.value,
    })
}

pub async fn delete_record(ctx: Ctx<'_>, name: &str, record_type: &str) -> ApiResult<()> {
    let account = ctx.account()?;
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    zone_for(ctx, account, &name).await?;
    let mut tx = ctx.store.begin().await?;
    if !db::delete_record(&mut tx, &name, record_type).await? {
        return Err(ApiError::not_found(
            "NoSuchRecord",
            format!("no {record_type} record '{name}'"),
        ));
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}
