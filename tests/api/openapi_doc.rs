//! The committed OpenAPI document matches the code, and every route is in it.

use std::path::PathBuf;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json")
}

/// Fails when `openapi/openapi.json` is stale. Regenerate it with
/// `cargo run -- openapi > openapi/openapi.json`, or run this test with
/// `LINKPLANE_UPDATE_OPENAPI=1`.
#[test]
fn committed_openapi_document_is_current() {
    let live = linkplane::api::openapi()
        .to_pretty_json()
        .expect("serialize")
        + "\n";
    let path = committed_path();
    if std::env::var("LINKPLANE_UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &live).expect("write openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == live,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json` \
         (or LINKPLANE_UPDATE_OPENAPI=1 cargo test committed_openapi) and commit it"
    );
}

/// Every operation has an id, a summary, a tag, and (under /v1) the bearer
/// security and problem+json error responses, so generated clients are usable.
#[test]
fn every_operation_is_documented() {
    let doc = serde_json::to_value(linkplane::api::openapi()).expect("json");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 10);
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("item") {
            let name = format!("{method} {path}");
            assert!(op["operationId"].is_string(), "{name} lacks operationId");
            assert!(
                op["summary"].is_string() || op["description"].is_string(),
                "{name} lacks a summary"
            );
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{name} lacks a tag"
            );
            if path.starts_with("/v1/") {
                assert!(op["security"].is_array(), "{name} lacks security");
                let responses = op["responses"].as_object().expect("responses");
                assert!(
                    responses.contains_key("401"),
                    "{name} does not document 401"
                );
                let problem = &responses["401"]["content"]["application/problem+json"];
                assert!(problem.is_object(), "{name}: 401 is not problem+json");
            }
        }
    }
}

/// Schemas are named for clients (no Rust container names such as
/// `BTreeMap`, which utoipa gives type aliases), and every `$ref` resolves:
/// scripts/ci-python-sdk.sh generates a client from the document unedited.
#[test]
fn openapi_schemas_are_named_and_refs_resolve() {
    fn refs<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                    out.push(r);
                }
                m.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let doc = serde_json::to_value(linkplane::api::openapi()).expect("json");
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for name in schemas.keys() {
        assert!(
            !["BTreeMap", "HashMap", "IndexMap", "Vec", "Option", "Value"].contains(&name.as_str()),
            "schema {name} is named after a Rust type; give it a client-facing name"
        );
    }
    assert!(schemas.contains_key("Tags"), "no Tags schema");
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(schemas.contains_key(name), "$ref {r} names no schema");
    }
}

#[test]
fn migrations_are_in_lockstep() {
    let (sqlite, postgres) = linkplane::store::migration_versions();
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must list the same versions"
    );
}
