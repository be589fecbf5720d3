//! Accounts and principals: 12-digit account ids and IAM-style ARNs.

use crate::error::CoreError;
use serde::Serialize;

/// True when `id` is a 12-digit AWS-style account id.
pub fn is_valid_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// Formats a 12-digit account id from random bits. The first digit is never
/// zero, so the id survives a trip through tools that read it as a number.
pub fn format_account_id(random: u64) -> String {
    let n = 100_000_000_000 + random % 900_000_000_000;
    format!("{n:012}")
}

/// Kinds of principal a key can belong to, or a permission can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalType {
    Root,
    User,
    Role,
}

impl PrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Root => "root",
            PrincipalType::User => "user",
            PrincipalType::Role => "role",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "root" => Some(PrincipalType::Root),
            "user" => Some(PrincipalType::User),
            "role" => Some(PrincipalType::Role),
            _ => None,
        }
    }
}

/// A principal of an account, parsed from its ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalArn {
    pub account_id: String,
    pub kind: PrincipalType,
    /// The user or role name (with its path, if any); empty for root.
    pub name: String,
}

impl PrincipalArn {
    /// Builds a principal after checking the account id and the IAM name.
    pub fn new(account_id: &str, kind: PrincipalType, name: &str) -> Result<Self, CoreError> {
        if !is_valid_account_id(account_id) {
            return Err(CoreError::invalid_value(format!(
                "account id '{account_id}' is not 12 digits"
            )));
        }
        match kind {
            PrincipalType::Root if !name.is_empty() && name != "root" => {
                return Err(CoreError::invalid_value(
                    "a root principal has no name".to_string(),
                ));
            }
            PrincipalType::Root => {}
            PrincipalType::User | PrincipalType::Role => validate_iam_name(kind, name)?,
        }
        Ok(PrincipalArn {
            account_id: account_id.to_string(),
            kind,
            name: if kind == PrincipalType::Root {
                String::new()
            } else {
                name.to_string()
            },
        })
    }

    /// Parses `arn:aws:iam::<acct>:root`, `...:user/<name>`, `...:role/<path/><name>`.
    pub fn parse(arn: &str) -> Result<Self, CoreError> {
        let malformed = || {
            CoreError::invalid_value(format!(
                "'{arn}' is not a valid IAM principal ARN (expected arn:aws:iam::<12-digit account>:root, :user/<name> or :role/<name>)"
            ))
        };
        let rest = arn.strip_prefix("arn:aws:iam::").ok_or_else(malformed)?;
        let (account, resource) = rest.split_once(':').ok_or_else(malformed)?;
        if !is_valid_account_id(account) {
            return Err(malformed());
        }
        if resource == "root" {
            return PrincipalArn::new(account, PrincipalType::Root, "");
        }
        let (kind, name) = if let Some(n) = resource.strip_prefix("user/") {
            (PrincipalType::User, n)
        } else if let Some(n) = resource.strip_prefix("role/") {
            (PrincipalType::Role, n)
        } else {
            return Err(malformed());
        };
        PrincipalArn::new(account, kind, name).map_err(|_| malformed())
    }

    /// The principal's ARN.
    pub fn arn(&self) -> String {
        match self.kind {
            PrincipalType::Root => format!("arn:aws:iam::{}:root", self.account_id),
            PrincipalType::User => format!("arn:aws:iam::{}:user/{}", self.account_id, self.name),
            PrincipalType::Role => format!("arn:aws:iam::{}:role/{}", self.account_id, self.name),
        }
    }
}

/// IAM user and role names: 1..=64 characters of `[A-Za-z0-9+=,.@_-]`, with
/// an optional path (`team/app/name`); the whole ARN resource stays short.
fn validate_iam_name(kind: PrincipalType, name: &str) -> Result<(), CoreError> {
    let max = 64;
    let (path, base) = match name.rsplit_once('/') {
        Some((p, b)) => (p, b),
        None => ("", name),
    };
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    if base.is_empty() || base.len() > max || !base.chars().all(ok_char) {
        return Err(CoreError::invalid_value(format!(
            "'{name}' is not a valid {} name: 1 to {max} characters of letters, digits and +=,.@_-",
            kind.as_str()
        )));
    }
    let bad_path = name.contains('/')
        && (path.is_empty()
            || path.len() > 512
            || path
                .split('/')
                .any(|seg| seg.is_empty() || !seg.chars().all(ok_char)));
    if bad_path {
        return Err(CoreError::invalid_value(format!(
            "'{name}' has an invalid path"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn account_ids() {
        assert!(is_valid_account_id("111122223333"));
        assert!(!is_valid_account_id("11112222333"));
        assert!(!is_valid_account_id("1111222233334"));
        assert!(!is_valid_account_id("11112222333a"));
        assert_eq!(format_account_id(0), "100000000000");
        assert_eq!(format_account_id(u64::MAX).len(), 12);
    }

    #[test]
    fn parses_principal_arns() {
        let ok = [
            ("arn:aws:iam::111122223333:root", PrincipalType::Root, ""),
            (
                "arn:aws:iam::111122223333:user/alice",
                PrincipalType::User,
                "alice",
            ),
            (
                "arn:aws:iam::111122223333:role/app",
                PrincipalType::Role,
                "app",
            ),
            (
                "arn:aws:iam::111122223333:role/team/app",
                PrincipalType::Role,
                "team/app",
            ),
            (
                "arn:aws:iam::111122223333:user/a+b=c,d.e@f_g-h",
                PrincipalType::User,
                "a+b=c,d.e@f_g-h",
            ),
        ];
        for (arn, kind, name) in ok {
            let p = PrincipalArn::parse(arn).unwrap_or_else(|e| panic!("{arn}: {e}"));
            assert_eq!(p.kind, kind);
            assert_eq!(p.name, name);
            assert_eq!(p.account_id, "111122223333");
            assert_eq!(p.arn(), arn);
        }
        let bad = [
            "",
            "*",
            "arn:aws:iam::111122223333",
            "arn:aws:iam::11112222333:root",
            "arn:aws:iam::111122223333:group/devs",
            "arn:aws:iam::111122223333:user/",
            "arn:aws:iam::111122223333:user/has space",
            "arn:aws:iam::111122223333:role//x",
            "arn:aws:s3:::bucket",
            "arn:aws:iam:us-east-1:111122223333:root",
        ];
        for arn in bad {
            assert!(
                PrincipalArn::parse(arn).is_err(),
                "{arn} should be rejected"
            );
        }
        let long = format!("arn:aws:iam::111122223333:user/{}", "a".repeat(65));
        assert!(PrincipalArn::parse(&long).is_err());
    }

    proptest! {
        #[test]
        fn arn_round_trips(acct in 0u64.., kind in 0..3u8, name in "[A-Za-z0-9+=,.@_-]{1,64}") {
            let acct = format_account_id(acct);
            let kind = [PrincipalType::Root, PrincipalType::User, PrincipalType::Role][kind as usize];
            let p = PrincipalArn::new(&acct, kind, if kind == PrincipalType::Root { "" } else { &name }).unwrap();
            prop_assert_eq!(PrincipalArn::parse(&p.arn()).unwrap(), p);
        }
    }
}
