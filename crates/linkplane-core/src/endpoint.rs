//! VPC endpoint facts: the default policy and policy limits, and the DNS
//! names AWS gives interface endpoints.

use crate::error::CoreError;

/// The policy an endpoint gets when none is given: everything allowed.
pub const DEFAULT_POLICY: &str = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

/// An endpoint policy is at most this many characters, whitespace included.
pub const MAX_POLICY_CHARS: usize = 20_480;

/// Interface and GWLB endpoints per VPC, together (default quota).
pub const MAX_INTERFACE_ENDPOINTS_PER_VPC: i64 = 50;

/// Gateway endpoints per Region (default quota).
pub const MAX_GATEWAY_ENDPOINTS_PER_REGION: i64 = 20;

/// A policy document must be JSON text of at most 20,480 characters: an
/// object with a `Statement` (an object or a non-empty array of objects).
pub fn check_policy(doc: &str) -> Result<(), CoreError> {
    let bad = |why: &str| {
        CoreError::invalid(
            "InvalidPolicyDocument",
            format!("the policy document is not a valid policy: {why}"),
        )
    };
    let chars = doc.chars().count();
    if chars > MAX_POLICY_CHARS {
        return Err(bad(&format!(
            "it has {chars} characters; at most {MAX_POLICY_CHARS} are allowed"
        )));
    }
    let v: serde_json::Value =
        serde_json::from_str(doc).map_err(|e| bad(&format!("it is not JSON ({e})")))?;
    let statement = v
        .as_object()
        .ok_or_else(|| bad("it is not a JSON object"))?
        .get("Statement")
        .ok_or_else(|| bad("it has no Statement"))?;
    let ok = match statement {
        serde_json::Value::Object(_) => true,
        serde_json::Value::Array(a) => !a.is_empty() && a.iter().all(|s| s.is_object()),
        _ => false,
    };
    if !ok {
        return Err(bad(
            "Statement must be an object or a non-empty array of objects",
        ));
    }
    Ok(())
}

/// The public hosted zone of `vpce.amazonaws.com` names in a region. The
/// ids of us-east-1 and us-east-2 are AWS's real ones (seen in published
/// samples); for other regions a stable id is derived from the region name.
pub fn vpce_hosted_zone_id(region: &str) -> String {
    match region {
        "us-east-1" => "Z7HUB22UULQXV".to_string(),
        "us-east-2" => "ZC8PG0KIFKBRI".to_string(),
        _ => derived_zone_id(region),
    }
}

/// A stable, AWS-shaped hosted zone id (`Z` + 13 uppercase alphanumerics)
/// derived from `seed` (FNV-1a); used for the hidden private hosted zones.
pub fn derived_zone_id(seed: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = String::from("Z");
    for _ in 0..13 {
        out.push(ALPHABET[(h % 36) as usize] as char);
        h /= 36;
        if h == 0 {
            h = 0x9e37_79b9_7f4a_7c15;
        }
    }
    out
}

/// One DNS name of an endpoint and the hosted zone holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsEntry {
    pub dns_name: String,
    pub hosted_zone_id: String,
}

/// What an interface endpoint's DNS names are made of.
#[derive(Debug, Clone)]
pub struct EndpointNames<'a> {
    /// `vpce-<17 hex>`.
    pub endpoint_id: &'a str,
    /// The 8-character lowercase token.
    pub token: &'a str,
    /// The service part: an AWS service code (`s3`, `ecr.api`) or an
    /// endpoint service id (`vpce-svc-...`).
    pub service_part: &'a str,
    /// The region of the service.
    pub service_region: &'a str,
    /// S3 names are wildcards (`*.vpce-...`).
    pub wildcard: bool,
    /// The endpoint's zones, in the endpoint owner's names, in order.
    pub zone_names: &'a [String],
    /// Private DNS names the endpoint answers (empty without private DNS).
    pub private_names: &'a [String],
}

/// The DNS entries of an interface endpoint, as AWS orders them: the
/// regional name, then one zonal name per zone, then the private names.
pub fn dns_entries(n: &EndpointNames<'_>) -> Vec<DnsEntry> {
    let star = if n.wildcard { "*." } else { "" };
    let suffix = format!("{}.{}.vpce.amazonaws.com", n.service_part, n.service_region);
    let public_zone = vpce_hosted_zone_id(n.service_region);
    let mut out = vec![DnsEntry {
        dns_name: format!("{star}{}-{}.{suffix}", n.endpoint_id, n.token),
        hosted_zone_id: public_zone.clone(),
    }];
    for z in n.zone_names {
        out.push(DnsEntry {
            dns_name: format!("{star}{}-{}-{z}.{suffix}", n.endpoint_id, n.token),
            hosted_zone_id: public_zone.clone(),
        });
    }
    let private_zone = derived_zone_id(n.endpoint_id);
    for p in n.private_names {
        out.push(DnsEntry {
            dns_name: p.clone(),
            hosted_zone_id: private_zone.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_must_parse_and_state_something() {
        assert!(check_policy(DEFAULT_POLICY).is_ok());
        assert!(check_policy(r#"{"Statement":{"Effect":"Deny"}}"#).is_ok());
        for bad in [
            "",
            "not json",
            "[]",
            r#"{"Version":"2012-10-17"}"#,
            r#"{"Statement":[]}"#,
            r#"{"Statement":"Allow"}"#,
        ] {
            let e = check_policy(bad).unwrap_err();
            assert_eq!(e.code, "InvalidPolicyDocument", "{bad}");
        }
        let padded = format!(
            r#"{{"Statement":{{"Effect":"Allow"}},"Pad":"{}"}}"#,
            " ".repeat(MAX_POLICY_CHARS)
        );
        assert!(check_policy(&padded).unwrap_err().message.contains("20480"));
    }

    #[test]
    fn dns_entries_are_regional_then_zonal_then_private() {
        let zones = vec!["us-east-1a".to_string(), "us-east-1c".to_string()];
        let private = vec!["monitoring.us-east-1.amazonaws.com".to_string()];
        let e = dns_entries(&EndpointNames {
            endpoint_id: "vpce-0f89a33420c1931d7",
            token: "bluzidnv",
            service_part: "monitoring",
            service_region: "us-east-1",
            wildcard: false,
            zone_names: &zones,
            private_names: &private,
        });
        let names: Vec<&str> = e.iter().map(|d| d.dns_name.as_str()).collect();
        assert_eq!(
            names,
            [
                "vpce-0f89a33420c1931d7-bluzidnv.monitoring.us-east-1.vpce.amazonaws.com",
                "vpce-0f89a33420c1931d7-bluzidnv-us-east-1a.monitoring.us-east-1.vpce.amazonaws.com",
                "vpce-0f89a33420c1931d7-bluzidnv-us-east-1c.monitoring.us-east-1.vpce.amazonaws.com",
                "monitoring.us-east-1.amazonaws.com",
            ]
        );
        assert_eq!(e[0].hosted_zone_id, "Z7HUB22UULQXV");
        assert_ne!(e[3].hosted_zone_id, "Z7HUB22UULQXV");
        let s3 = dns_entries(&EndpointNames {
            endpoint_id: "vpce-1a2b3c4d5e6f1a2b3",
            token: "9hnenorg",
            service_part: "s3",
            service_region: "us-east-1",
            wildcard: true,
            zone_names: &zones[1..],
            private_names: &[],
        });
        assert_eq!(
            s3[1].dns_name,
            "*.vpce-1a2b3c4d5e6f1a2b3-9hnenorg-us-east-1c.s3.us-east-1.vpce.amazonaws.com"
        );
    }

    #[test]
    fn derived_zone_ids_are_stable_and_aws_shaped() {
        let a = derived_zone_id("eu-west-2");
        assert_eq!(a, derived_zone_id("eu-west-2"));
        assert_ne!(a, derived_zone_id("eu-west-1"));
        assert_eq!(a.len(), 14);
        assert!(
            a.starts_with('Z')
                && a.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        );
        assert_eq!(vpce_hosted_zone_id("us-east-2"), "ZC8PG0KIFKBRI");
    }
}
