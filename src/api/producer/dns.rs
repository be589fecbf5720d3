//! The public DNS model: zones and records (`service::producer::dns`).
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, list_query};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{BadListQuery, NotAdmin};
use crate::api::{created, list};
use crate::service::Created;
use crate::service::producer::dns::{
    self, CreateZoneRequest, PublicRecord, PublicZone, PutRecordRequest,
};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

/// Create a public DNS zone of the caller's. The model works as DNS and Route 53 do: several accounts may hold zones of one name, a record belongs to the zone it was written in (no other account can move, overwrite or delete it), and one zone answers for a name. At the top, the first zone of a name that no zone encloses answers (another account's zone of exactly that name is then refused with 409, as a registered domain has one holder). Below it, a zone answers only where the answering zone above delegates to it with an NS record of its name whose value is one of its `name_servers`; until then it is created with `authoritative: false` and its records answer nothing. Private DNS names of endpoint services verify only against the answering zone.
#[utoipa::path(
    post, path = "/v1/public-dns/zones", tag = "public-dns",
    request_body = CreateZoneRequest,
    responses(
        (status = 201, description = "The zone, with its name servers and whether it answers now", body = PublicZone, headers(("Location" = String))),
        (status = 400, description = "`InvalidParameterValue`: not a lowercase domain, a wildcard, or under amazonaws.com", body = Problem, content_type = "application/problem+json"),
        NotAdmin,
        (status = 409, description = "`HostedZoneAlreadyExists`: this account has a zone of that name, or another account holds the name at the top (no zone encloses it)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn create_public_zone(
    cx: Cx,
    ApiJson(req): ApiJson<CreateZoneRequest>,
) -> ApiResult<Response> {
    let z = dns::create_zone(cx.ctx(), req).await?;
    Ok(created(Created::New(z), |z| {
        format!("/v1/public-dns/zones/{}", z.zone_name)
    }))
}

list_query! {
    pub struct PageQuery {}
}

/// List the caller's public zones (never another account's, even of the same name).
#[utoipa::path(
    get, path = "/v1/public-dns/zones", tag = "public-dns",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of zones", body = Page<PublicZone>),
        BadListQuery,
        NotAdmin,
    ),
)]
pub(super) async fn list_public_zones(
    cx: Cx,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let (items, next) = dns::list_zones(cx.ctx(), q.max_results, q.next_token.as_deref()).await?;
    Ok(list(items, next))
}

/// One of the caller's public zones: its name servers and whether it answers for its name.
#[utoipa::path(
    get, path = "/v1/public-dns/zones/{zone_name}", tag = "public-dns",
    params(("zone_name" = crate::schema::PublicZoneName, Path)),
    responses(
        (status = 200, description = "The zone", body = PublicZone),
        (status = 400, description = "Invalid path", body = Problem, content_type = "application/problem+json"),
        NotAdmin,
        (status = 404, description = "`NoSuchHostedZone`: no zone of that name in this account (another account's zone of the name answers the same)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn get_public_zone(
    cx: Cx,
    ApiPath(zone_name): ApiPath<String>,
) -> ApiResult<Response> {
    let z = dns::get_zone(cx.ctx(), &zone_name).await?;
    Ok(Json(z).into_response())
}

/// Delete one of the caller's public zones with its records.
#[utoipa::path(
    delete, path = "/v1/public-dns/zones/{zone_name}", tag = "public-dns",
    params(("zone_name" = crate::schema::PublicZoneName, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Invalid path", body = Problem, content_type = "application/problem+json"),
        NotAdmin,
        (status = 404, description = "`NoSuchHostedZone`: no zone of that name in this account", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_public_zone(
    cx: Cx,
    ApiPath(zone_name): ApiPath<String>,
) -> ApiResult<StatusCode> {
    dns::delete_zone(cx.ctx(), &zone_name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Create or replace the record (name, type) in one of the caller's zones: `zone_name`, or else the caller's most specific zone that holds the name. Another account's zones and records are never touched. An NS record delegates its name (strictly below the zone's apex) to the zone whose name servers include its value.
#[utoipa::path(
    put, path = "/v1/public-dns/records", tag = "public-dns",
    request_body = PutRecordRequest,
    responses(
        (status = 200, description = "The record, with the zone it belongs to", body = PublicRecord),
        (status = 400, description = "`NoSuchHostedZone` (no zone of the caller holds the name), `InvalidParameterValue`", body = Problem, content_type = "application/problem+json"),
        NotAdmin,
        (status = 404, description = "`NoSuchHostedZone`: the `zone_name` given is not a zone of this account", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn put_public_record(
    cx: Cx,
    ApiJson(req): ApiJson<PutRecordRequest>,
) -> ApiResult<Response> {
    let r = dns::put_record(cx.ctx(), req).await?;
    Ok(Json(r).into_response())
}

list_query! {
    pub struct RecordsQuery {
        /// The zone (of the caller's) to list.
        #[param(value_type = crate::schema::PublicZoneName)]
        pub zone_name: String,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RecordKeyQuery {
    #[param(value_type = crate::schema::DnsRecordName)]
    pub name: String,
    /// `TXT`, `A` or `NS`.
    #[param(value_type = crate::schema::DnsRecordType)]
    pub r#type: String,
    /// The caller's zone to delete from; by default the caller's most specific zone that holds the name.
    #[param(value_type = Option<crate::schema::PublicZoneName>)]
    pub zone_name: Option<String>,
}

/// List the records of one of the caller's zones.
#[utoipa::path(
    get, path = "/v1/public-dns/records", tag = "public-dns",
    params(RecordsQuery),
    responses(
        (status = 200, description = "A page of the zone's records", body = Page<PublicRecord>),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json"),
        NotAdmin,
        (status = 404, description = "`NoSuchHostedZone`: no zone of that name in this account", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn list_public_records(
    cx: Cx,
    ApiQuery(q): ApiQuery<RecordsQuery>,
) -> ApiResult<Response> {
    let (items, next) = dns::list_records(
        cx.ctx(),
        &q.zone_name,
        q.max_results,
        q.next_token.as_deref(),
    )
    .await?;
    Ok(list(items, next))
}

/// Delete a record from one of the caller's zones.
#[utoipa::path(
    delete, path = "/v1/public-dns/records", tag = "public-dns",
    params(RecordKeyQuery),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "`NoSuchHostedZone` (no zone of the caller holds the name), `InvalidParameterValue`", body = Problem, content_type = "application/problem+json"),
        NotAdmin,
        (status = 404, description = "`NoSuchRecord` (the caller's zone has no such record; another account's record of the name is not the caller's), `NoSuchHostedZone` (the `zone_name` given)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_public_record(
    cx: Cx,
    ApiQuery(q): ApiQuery<RecordKeyQuery>,
) -> ApiResult<StatusCode> {
    dns::delete_record(cx.ctx(), &q.name, &q.r#type, q.zone_name.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}
