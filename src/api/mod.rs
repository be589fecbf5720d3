//! The REST front: one module per resource family. Handlers parse, call a
//! domain service, and render; the OpenAPI document is collected from them.
//! [`auth`] reads the caller's credentials into [`auth::Cx`], every `/v1`
//! handler's first argument; [`problem`] renders every error.

pub mod auth;
pub mod catalog;
pub mod consumer;
pub mod cost;
pub mod extract;
pub mod identity;
pub mod network;
pub mod problem;
pub mod producer;
pub mod resolve;
pub mod responses;
pub mod system;

use crate::service::{Created, Versioned};
use crate::state::AppState;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "linkplane",
        description = "A control plane for private service connectivity in the style of AWS PrivateLink and VPC endpoints.\n\n\
Conventions: JSON over HTTP, paths under `/v1`, AWS EC2 field names in snake_case. Every `/v1` call needs `Authorization: Bearer <secret>`. \
Errors are `application/problem+json` with an AWS-style `code`. Lists answer `{items, next_token}` and take `max_results` (1..1000, default 100) and `next_token` \
(opaque, keyset-based: stable under concurrent inserts). Creates answer 201 with `Location` and honour `Idempotency-Key` \
(same key and body: the same resource with 200; same key, different body: 409 `IdempotentParameterMismatch`; \
the same key and body after the resource was deleted: 409 `IdempotentResourceDeleted`, and a create under a resource in the path \
(a route, a rule, an attachment) replayed after that resource was deleted: its 404; keys are kept 24 hours). \
Updates are PATCH with only the fields to change; responses carry `ETag` and `If-Match` makes an update conditional (412). \
Request bodies are parsed as JSON whatever their Content-Type (curl's `-d` sends a form type), must be exactly one JSON object \
(nothing after it; objects, never arrays, where an object is expected, at every depth) and may be at most 1 MiB (413); \
a body that has not arrived within `LINKPLANE_BODY_TIMEOUT_MS` (30 s) answers 408 `RequestTimeout`. \
No string of a request (body, path or query) may hold a control character (U+0000 to U+001F, U+007F to U+009F; \
tab, line feed and carriage return are allowed in body strings such as policy documents): 400 `InvalidParameterValue` naming the field. \
A transaction the database aborts to break a deadlock with a concurrent one is run again by the server; 503 `ServiceUnavailable` \
means the database is unreachable or stayed contended through every retry. Every error, including 400, 414 and 431 answered \
before a request is routed, is problem+json. \
Every response carries `x-request-id` (a client's own is echoed back).",
        license(name = "Apache-2.0")
    ),
    modifiers(&SecurityAddon),
    tags(
        (name = "identity", description = "Accounts, principals and API keys"),
        (name = "catalog", description = "Regions, zones, AWS-managed prefix lists and AWS services compiled into the binary"),
        (name = "network", description = "The VPC networking endpoints live in: VPCs, subnets, network interfaces, route tables, security groups, internet and NAT gateways, VPC peering and transit gateways. Resources belong to the caller's account; another account's read as 404 (except a peering connection, visible to both sides)."),
        (name = "producer", description = "The producer side: load balancers and target groups, endpoint services, who may use them, private DNS names"),
        (name = "consumer", description = "The consumer side: VPC endpoints (interface, gateway, gateway load balancer) to AWS services and to endpoint services"),
        (name = "resolution", description = "Where traffic from an interface to a name or an address goes, and why it is blocked when it is: DNS as the VPC's resolver answers it, routes, security groups, peering, transit gateways, gateway endpoints, and the PrivateLink leg to a load balancer's targets"),
        (name = "cost", description = "Monthly cost of endpoints beside the NAT-gateway alternative, from a dated price table in the binary"),
        (name = "public-dns", description = "A public DNS model that works as DNS and Route 53 do: zones belong to the account that made them, records to the zone they were written in (no other account can move, overwrite or delete them), and one zone answers for a name, the first of a name no zone encloses, then down NS delegations; TXT, A and NS records; private DNS names of endpoint services are verified against the answering zone only"),
        (name = "system", description = "Health, readiness and metrics")
    )
)]
struct ApiDoc;

struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API key secret (`lp_...`) or the admin secret (`LINKPLANE_ADMIN_TOKEN`).",
                    ))
                    .build(),
            ),
        );
    }
}

/// Every documented route, with its OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    let mut router = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(system::router())
        .merge(identity::router())
        .merge(catalog::router())
        .merge(network::router())
        .merge(producer::router())
        .merge(consumer::router())
        .merge(resolve::router())
        .merge(cost::router());
    name_tags_schema(router.get_openapi_mut());
    document_too_large(router.get_openapi_mut());
    distinct_lists(router.get_openapi_mut());
    no_control_characters(router.get_openapi_mut());
    document_bad_path(router.get_openapi_mut());
    document_bearer(router.get_openapi_mut());
    // The string formats parameters name (`#[param(value_type = ...)]`);
    // those of request bodies arrive with the bodies' schemas.
    let components = router
        .get_openapi_mut()
        .components
        .get_or_insert_with(Default::default);
    for (name, format) in crate::schema::all() {
        components.schemas.entry(name).or_insert(format);
    }
    router
}

/// Every operation of the document.
fn operations(
    doc: &mut utoipa::openapi::OpenApi,
) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    doc.paths.paths.values_mut().flat_map(path_operations)
}

/// Every operation of one path.
fn path_operations(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    [
        &mut item.get,
        &mut item.post,
        &mut item.put,
        &mut item.patch,
        &mut item.delete,
    ]
    .into_iter()
    .flatten()
}

/// Tag maps are `store::tags::Tags`, an alias of `BTreeMap<String, String>`
/// that utoipa names after the map type (`BTreeMap`); generated clients
/// should get a `Tags` model instead. Renames the component and every
/// reference to it among the component schemas (no operation names the
/// map directly).
fn name_tags_schema(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema};

    const FROM: &str = "#/components/schemas/BTreeMap";
    const TO: &str = "#/components/schemas/Tags";
    fn walk(s: &mut RefOr<Schema>) {
        match s {
            RefOr::Ref(r) => {
                if r.ref_location == FROM {
                    r.ref_location = TO.to_string();
                }
            }
            RefOr::T(Schema::Object(o)) => {
                o.properties.values_mut().for_each(walk);
                if let Some(AdditionalProperties::RefOr(a)) = o.additional_properties.as_deref_mut()
                {
                    walk(a);
                }
            }
            RefOr::T(Schema::Array(a)) => {
                if let ArrayItems::RefOrSchema(i) = &mut a.items {
                    walk(i);
                }
            }
            RefOr::T(Schema::OneOf(c)) => c.items.iter_mut().for_each(walk),
            RefOr::T(Schema::AllOf(c)) => c.items.iter_mut().for_each(walk),
            RefOr::T(Schema::AnyOf(c)) => c.items.iter_mut().for_each(walk),
            RefOr::T(_) => {}
        }
    }
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let Some(mut tags) = components.schemas.remove("BTreeMap") else {
        return;
    };
    if let RefOr::T(Schema::Object(o)) = &mut tags {
        use linkplane_core::tags::{MAX_KEY_CHARS, MAX_TAGS, MAX_VALUE_CHARS};
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        o.description = Some(format!(
            "Tags: `{{\"Key\": \"Value\"}}`. At most {MAX_TAGS}; keys of 1 to {MAX_KEY_CHARS} \
             characters, not starting with `aws:` (in any case); values of at most \
             {MAX_VALUE_CHARS}."
        ));
        o.max_properties = Some(MAX_TAGS);
        o.property_names = Some(Box::new(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(MAX_KEY_CHARS))
                .pattern(Some(format!("^(?![aA][wW][sS]:){TAG_TEXT}*$")))
                .into(),
        ));
        o.additional_properties = Some(Box::new(AdditionalProperties::RefOr(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(MAX_VALUE_CHARS))
                .pattern(Some(format!("^{TAG_TEXT}*$")))
                .into(),
        )));
    }
    components.schemas.insert("Tags".to_string(), tags);
    components.schemas.values_mut().for_each(walk);
}

/// A character of a body string the edge lets through
/// (`linkplane_core::text::forbidden_char` with whitespace allowed): no C0
/// control but tab, line feed and carriage return, no DEL, no C1 control.
pub(crate) const BODY_TEXT: &str = "[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]";

/// A character of a query or path parameter, or of a tag (no control
/// character at all).
pub(crate) const TAG_TEXT: &str = "[^\\x00-\\x1F\\x7F-\\x9F]";

/// The edge refuses control characters in every string of a request; says
/// so on every string of a request body (reached from an operation's body,
/// through references) and every string parameter that has no pattern of
/// its own, so that a generated client, and the fuzzer, know it.
fn no_control_characters(doc: &mut utoipa::openapi::OpenApi) {
    use std::collections::BTreeSet;
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaType, Type};

    fn is_string(t: &SchemaType) -> bool {
        match t {
            SchemaType::Type(Type::String) => true,
            SchemaType::Array(ts) => ts.contains(&Type::String),
            _ => false,
        }
    }
    /// Sets `pattern` on free strings below `s`; collects the components
    /// it refers to.
    fn walk(s: &mut RefOr<Schema>, pattern: &str, refs: &mut BTreeSet<String>) {
        match s {
            RefOr::Ref(r) => {
                if let Some(name) = r.ref_location.strip_prefix("#/components/schemas/") {
                    refs.insert(name.to_string());
                }
            }
            RefOr::T(Schema::Object(o)) => {
                if is_string(&o.schema_type)
                    && o.pattern.is_none()
                    && o.enum_values.is_none()
                    && o.format.is_none()
                {
                    o.pattern = Some(format!("^{pattern}*$"));
                }
                for p in o.properties.values_mut() {
                    walk(p, pattern, refs);
                }
                if let Some(AdditionalProperties::RefOr(a)) = o.additional_properties.as_deref_mut()
                {
                    walk(a, pattern, refs);
                }
            }
            RefOr::T(Schema::Array(a)) => {
                if let ArrayItems::RefOrSchema(i) = &mut a.items {
                    walk(i, pattern, refs);
                }
            }
            RefOr::T(Schema::OneOf(c)) => c.items.iter_mut().for_each(|i| walk(i, pattern, refs)),
            RefOr::T(Schema::AllOf(c)) => c.items.iter_mut().for_each(|i| walk(i, pattern, refs)),
            RefOr::T(Schema::AnyOf(c)) => c.items.iter_mut().for_each(|i| walk(i, pattern, refs)),
            RefOr::T(_) => {}
        }
    }
    let mut pending: BTreeSet<String> = BTreeSet::new();
    for op in operations(doc) {
        for param in op.parameters.iter_mut().flatten() {
            if let RefOr::T(param) = param
                && let Some(schema) = param.schema.as_mut()
            {
                walk(schema, TAG_TEXT, &mut BTreeSet::new());
            }
        }
        if let Some(RefOr::T(body)) = op.request_body.as_mut() {
            for content in body.content.values_mut() {
                if let RefOr::T(content) = content
                    && let Some(schema) = content.schema.as_mut()
                {
                    walk(schema, BODY_TEXT, &mut pending);
                }
            }
        }
    }
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let mut done: BTreeSet<String> = BTreeSet::new();
    while let Some(name) = pending.pop_first() {
        if !done.insert(name.clone()) || name == "Tags" {
            continue;
        }
        if let Some(schema) = components.schemas.get_mut(&name) {
            walk(schema, BODY_TEXT, &mut pending);
        }
    }
}

/// Lists whose items the server refuses to see twice (`subnet-... is listed
/// twice`), as (schema, property).
pub(crate) const DISTINCT_LISTS: &[(&str, &str)] = &[
    ("CreateLoadBalancerRequest", "subnet_ids"),
    ("CreateAttachmentRequest", "subnet_ids"),
    ("CreateVpcEndpointRequest", "subnet_ids"),
    ("UpdateVpcEndpointRequest", "add_subnet_ids"),
];

/// Marks [`DISTINCT_LISTS`] `uniqueItems`, which utoipa's attributes cannot say.
fn distinct_lists(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for (schema, property) in DISTINCT_LISTS {
        let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(*schema) else {
            continue;
        };
        match o.properties.get_mut(*property) {
            Some(RefOr::T(Schema::Array(a))) => a.unique_items = true,
            // An optional list: `oneOf: [array, null]`.
            Some(RefOr::T(Schema::OneOf(one))) => {
                for item in &mut one.items {
                    if let RefOr::T(Schema::Array(a)) = item {
                        a.unique_items = true;
                    }
                }
            }
            _ => {}
        }
    }
}

/// Every operation with a path parameter may answer 400 before it looks
/// anything up: a parameter that is not UTF-8 once percent-decoded, or that
/// holds a control character (`extract::ApiPath`); adds that response where
/// a handler's annotation leaves it out.
fn document_bad_path(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::path::ParameterIn;
    for op in operations(doc) {
        let has_path_param = op
            .parameters
            .iter()
            .flatten()
            .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Path));
        if !has_path_param || op.responses.responses.contains_key("400") {
            continue;
        }
        let response = responses::problem(
            "`InvalidParameterValue`: a path parameter that is not UTF-8 once \
             percent-decoded, or that holds a control character",
        );
        op.responses.responses.insert("400".to_string(), response);
    }
}

/// Every `/v1` operation needs the bearer: its handler takes
/// [`auth::Cx`] first, which answers 401 (in each operation's responses,
/// through `responses::Unauthenticated`, `ForAccounts` or `NotAdmin`)
/// without valid credentials. Said here once rather than on every handler.
fn document_bearer(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::security::SecurityRequirement;
    let v1 = doc
        .paths
        .paths
        .iter_mut()
        .filter(|(path, _)| path.starts_with("/v1/"));
    for op in v1.flat_map(|(_, item)| path_operations(item)) {
        op.security = Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

/// Every operation that takes a body may answer 413 (the body is over
/// [`crate::api::extract::MAX_BODY_BYTES`]); adds that response where a handler's
/// annotation leaves it out.
fn document_too_large(doc: &mut utoipa::openapi::OpenApi) {
    for op in operations(doc) {
        if op.request_body.is_none() || op.responses.responses.contains_key("413") {
            continue;
        }
        let response = responses::problem("The body is larger than 1 MiB");
        op.responses.responses.insert("413".to_string(), response);
    }
}

/// The OpenAPI document, as `linkplane openapi` prints it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

/// A page of a list, as every list answers it and as the document
/// describes it (`body = Page<Vpc>`): `{items, next_token}`.
///
/// Its schema is written here rather than derived: utoipa's derive inlines
/// a type parameter's whole schema (juhaku/utoipa#1586), where the
/// document should refer to the item's component. A page of `Vpc` is
/// the component `Page_Vpc`.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

impl<T: utoipa::ToSchema> utoipa::__dev::ComposeSchema for Page<T> {
    fn compose(
        _: Vec<utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>>,
    ) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::Ref;
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .description(Some(format!("A page of `{}` items.", T::name())))
            .property(
                "items",
                ArrayBuilder::new().items(Ref::from_schema_name(T::name())),
            )
            .required("items")
            .property(
                "next_token",
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .description(Some(
                        "Pass as `next_token` for the next page; absent on the last page.",
                    )),
            )
            .into()
    }
}

impl<T: utoipa::ToSchema> utoipa::ToSchema for Page<T> {
    fn name() -> std::borrow::Cow<'static, str> {
        // utoipa names `Page<Vpc>` `Page_Vpc` (the names joined by `_`).
        std::borrow::Cow::Borrowed("Page")
    }

    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(schemas);
    }
}

/// Renders a list.
pub fn list<T: Serialize>(items: Vec<T>, next_token: Option<String>) -> Response {
    Json(Page { items, next_token }).into_response()
}

/// Renders a create: 201 with `Location`, or 200 for an idempotent replay.
pub fn created<T: Serialize>(out: Created<T>, location: impl FnOnce(&T) -> String) -> Response {
    let replayed = matches!(out, Created::Replayed(_));
    let value = out.into_inner();
    render_created(replayed, location(&value), None, &value)
}

/// Renders a create of a versioned resource (201, or 200 for an idempotent
/// replay) with `Location` and `ETag`.
pub fn created_versioned<T: Serialize>(
    out: Created<Versioned<T>>,
    location: impl FnOnce(&T) -> String,
) -> Response {
    let replayed = matches!(out, Created::Replayed(_));
    let v = out.into_inner();
    render_created(replayed, location(&v.value), Some(v.etag()), &v.value)
}

fn render_created<T: Serialize>(
    replayed: bool,
    location: String,
    etag: Option<String>,
    body: &T,
) -> Response {
    let status = if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let mut res = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    if let Some(Ok(v)) = etag.map(|e| HeaderValue::from_str(&e)) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// Renders a single resource with its `ETag`.
pub fn with_etag<T: Serialize>(etag: String, body: &T) -> Response {
    let mut res = Json(body).into_response();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// Percent-encodes one path segment (for `Location` headers with ARNs).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The document as built against the formats and rules it describes
/// (moved here from `schema.rs` with the document they read).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_is_in_the_document_as_built() {
        let doc = openapi();
        let components = doc.components.expect("components");
        for (name, format) in crate::schema::all() {
            let served = components
                .schemas
                .get(&name)
                .unwrap_or_else(|| panic!("{name} is not a component"));
            assert_eq!(
                serde_json::to_value(served).ok(),
                serde_json::to_value(&format).ok(),
                "another schema is named {name}"
            );
        }
    }

    /// The bearer every `/v1` handler's `Cx` asks for is in the document,
    /// with its 401, and nowhere else.
    #[test]
    fn v1_operations_need_the_bearer() {
        let doc = serde_json::to_value(openapi()).unwrap_or_default();
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        assert!(paths.len() > 50, "{} paths", paths.len());
        for (path, item) in paths {
            for (method, op) in item.as_object().cloned().unwrap_or_default() {
                let v1 = path.starts_with("/v1/");
                let bearer = op["security"] == serde_json::json!([{"bearer": []}]);
                assert_eq!(bearer, v1, "{method} {path}: {}", op["security"]);
                assert_eq!(op["responses"]["401"].is_object(), v1, "{method} {path}");
            }
        }
    }

    #[test]
    fn distinct_lists_are_marked() {
        let doc = serde_json::to_value(openapi()).unwrap_or_default();
        for (schema, property) in DISTINCT_LISTS {
            let p = &doc["components"]["schemas"][schema]["properties"][property];
            assert_eq!(p["uniqueItems"], true, "{schema}.{property}: {p}");
        }
    }

    #[test]
    fn webhook_urls() {
        let doc = serde_json::to_value(openapi()).unwrap_or_default();
        let p =
            doc["components"]["schemas"]["CreateNotificationRequest"]["properties"]["webhook_url"]
                ["pattern"]
                .as_str()
                .unwrap_or_default()
                .to_string();
        let re = fancy_regex::Regex::new(&p).unwrap_or_else(|e| panic!("{e}"));
        // The edge refuses control characters before check_url runs.
        let accepts = |u: &str| {
            crate::service::notification::check_url(u, &[]).is_ok()
                && linkplane_core::text::forbidden_char(u, true).is_none()
        };
        for u in [
            "https://hooks.example.com/linkplane",
            "http://127.0.0.1:8080",
            "http://a?x=1",
            "http://a#f",
            "http://",
            "http:///path",
            "ftp://a",
            "HTTP://a",
            "http://a@b/",
            "http://a b/",
            "http://a\u{85}b/",
            "http://a\u{3000}b",
            "http://a/ b",
            "http://a\u{11}b/",
            "http://a/\u{11}",
            "http://a/\u{9f}",
        ] {
            let matched = re.is_match(u).unwrap_or(false);
            assert_eq!(matched, accepts(u), "{u:?}: pattern {matched}");
        }
    }
}
