//! Regions, zones per account, prefix lists.

use crate::support::{ADMIN, Db, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};

const REQUIRED: [&str; 8] = [
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "ap-southeast-1",
    "ap-northeast-1",
];

/// The zone ids of a region of `/v1/regions`.
fn zone_ids(region: &Value) -> HashSet<&str> {
    region["zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["zone_id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn regions_carry_their_real_zone_ids() {
    let s = TestServer::start(Db::Sqlite).await;
    let a = s.account("a").await;
    let items = s.items("/v1/regions", &a.token).await;
    let names: HashSet<&str> = items
        .iter()
        .map(|r| r["region"].as_str().unwrap())
        .collect();
    for region in REQUIRED {
        assert!(names.contains(region), "missing {region}");
    }
    let use1 = items.iter().find(|r| r["region"] == "us-east-1").unwrap();
    let ids = zone_ids(use1);
    let expected: HashSet<&str> = (1..=6)
        .map(|i| {
            [
                "use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6",
            ][i - 1]
        })
        .collect();
    assert_eq!(ids, expected);
    let apne1 = items
        .iter()
        .find(|r| r["region"] == "ap-northeast-1")
        .unwrap();
    let ids = zone_ids(apne1);
    assert_eq!(ids, HashSet::from(["apne1-az1", "apne1-az2", "apne1-az4"]));
    let one = s.get("/v1/regions?region=eu-west-2", &a.token).await;
    assert_eq!(one.body["items"].as_array().unwrap().len(), 1);
    s.stop().await;
}

/// Zone names map to zone ids per account: stable for one account, and
/// different between some accounts; the set of zone ids never changes.
#[tokio::test]
async fn zone_names_are_a_stable_per_account_permutation() {
    let s = TestServer::start(Db::Sqlite).await;
    let mut mappings: Vec<BTreeMap<String, String>> = Vec::new();
    for i in 0..6 {
        let acct = s.account(&format!("acct{i}")).await;
        let z = s
            .get("/v1/regions/us-east-1/availability-zones", &acct.token)
            .await;
        assert_eq!(z.status, StatusCode::OK);
        let map: BTreeMap<String, String> = z.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| {
                assert_eq!(z["region"], "us-east-1");
                (
                    z["zone_name"].as_str().unwrap().to_string(),
                    z["zone_id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let names: Vec<&String> = map.keys().collect();
        assert_eq!(
            names,
            [
                "us-east-1a",
                "us-east-1b",
                "us-east-1c",
                "us-east-1d",
                "us-east-1e",
                "us-east-1f"
            ]
        );
        let ids: HashSet<&String> = map.values().collect();
        assert_eq!(ids.len(), 6, "a permutation: every zone id once");
        // Asking again gives the same answer.
        let again = s
            .get("/v1/regions/us-east-1/availability-zones", &acct.token)
            .await;
        assert_eq!(again.body, z.body);
        mappings.push(map);
    }
    let distinct: HashSet<&BTreeMap<String, String>> = mappings.iter().collect();
    assert!(
        distinct.len() > 1,
        "six accounts all share one zone mapping"
    );
    s.stop().await;
}

#[tokio::test]
async fn aws_managed_prefix_lists() {
    let s = TestServer::start(Db::Sqlite).await;
    let r = s.get("/v1/prefix-lists?region=us-east-1", ADMIN).await;
    assert_eq!(r.status, StatusCode::OK);
    let items = r.body["items"].as_array().unwrap();
    let s3 = items
        .iter()
        .find(|p| p["prefix_list_name"] == "com.amazonaws.us-east-1.s3")
        .unwrap();
    assert_eq!(s3["prefix_list_id"], "pl-63a5400a");
    assert!(!s3["cidrs"].as_array().unwrap().is_empty());
    assert!(
        items
            .iter()
            .any(|p| p["prefix_list_name"] == "com.amazonaws.us-east-1.dynamodb")
    );
    let all = s.get("/v1/prefix-lists", ADMIN).await;
    let all = all.body["items"].as_array().unwrap();
    let ids: HashSet<&str> = all
        .iter()
        .map(|p| p["prefix_list_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), all.len(), "prefix list ids are unique");
    for region in REQUIRED {
        for svc in ["s3", "dynamodb"] {
            let name = format!("com.amazonaws.{region}.{svc}");
            assert!(
                all.iter().any(|p| p["prefix_list_name"] == name.as_str()),
                "missing {name}"
            );
        }
    }
    let by_id = s
        .get("/v1/prefix-lists?prefix_list_id=pl-63a5400a", ADMIN)
        .await;
    assert_eq!(by_id.body["items"].as_array().unwrap().len(), 1);
    s.stop().await;
}

/// Discovery lists the region's AWS services, S3 and DynamoDB once per type.
#[tokio::test]
async fn aws_services_are_discoverable() {
    let s = TestServer::start(Db::Sqlite).await;
    let a = s.account("a").await;
    let items = s.items("/v1/services?region=eu-west-1", &a.token).await;
    let s3: Vec<&serde_json::Value> = items
        .iter()
        .filter(|x| x["service_name"] == "com.amazonaws.eu-west-1.s3")
        .collect();
    let types: HashSet<&str> = s3
        .iter()
        .map(|x| x["service_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, HashSet::from(["gateway", "interface"]));
    let names: HashSet<&str> = items
        .iter()
        .map(|x| x["service_name"].as_str().unwrap())
        .collect();
    for code in [
        "sqs",
        "sns",
        "kms",
        "sts",
        "ec2",
        "ssm",
        "logs",
        "ecr.api",
        "ecr.dkr",
        "secretsmanager",
        "execute-api",
        "lambda",
        "monitoring",
        "elasticloadbalancing",
        "dynamodb",
    ] {
        assert!(
            names.contains(format!("com.amazonaws.eu-west-1.{code}").as_str()),
            "missing {code}"
        );
    }
    let ec2 = items
        .iter()
        .find(|x| x["service_name"] == "com.amazonaws.eu-west-1.ec2")
        .unwrap();
    assert_eq!(ec2["private_dns_name"], "ec2.eu-west-1.amazonaws.com");
    assert_eq!(ec2["owner"], "amazon");
    assert_eq!(
        ec2["availability_zones"],
        json!(["eu-west-1a", "eu-west-1b", "eu-west-1c"])
    );
    let gateways = "/v1/services?region=eu-west-1&service_type=gateway";
    assert_eq!(s.items(gateways, &a.token).await.len(), 2);
    // Paging visits every service once.
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let q = match &token {
            Some(t) => format!("/v1/services?region=eu-west-1&max_results=4&next_token={t}"),
            None => "/v1/services?region=eu-west-1&max_results=4".to_string(),
        };
        let page = s.get(&q, &a.token).await;
        for x in page.body["items"].as_array().unwrap() {
            seen.push(format!("{}|{}", x["service_name"], x["service_type"]));
        }
        token = page.body["next_token"].as_str().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), items.len());
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len());
    s.get("/v1/services?region=mars-1", &a.token)
        .await
        .assert_problem(400, "InvalidParameterValue");
    s.stop().await;
}
