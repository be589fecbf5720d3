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
    /// The IAM path of a user or role: `/` (the default) or `/division/`;
    /// `/` for root.
    pub path: String,
    /// The user or role name, without its path; empty for root.
    pub name: String,
}

/// IAM's default path.
pub const ROOT_PATH: &str = "/";

impl PrincipalArn {
    /// Builds a principal at the default path `/` after checking the
    /// account id and the IAM name.
    pub fn new(account_id: &str, kind: PrincipalType, name: &str) -> Result<Self, CoreError> {
        PrincipalArn::with_path(account_id, kind, ROOT_PATH, name)
    }

    /// Builds a principal at `path` (`/` or `/division/team/`), checking the
    /// account id, the name (no `/`: the path is separate, as in IAM) and
    /// the path.
    pub fn with_path(
        account_id: &str,
        kind: PrincipalType,
        path: &str,
        name: &str,
    ) -> Result<Self, CoreError> {
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
            PrincipalType::Root if path != ROOT_PATH => {
                return Err(CoreError::invalid_value(
                    "a root principal has no path".to_string(),
                ));
            }
            PrincipalType::Root => {}
            PrincipalType::User | PrincipalType::Role => {
                validate_iam_name(kind, name)?;
                validate_iam_path(path)?;
            }
        }
        let root = kind == PrincipalType::Root;
        Ok(PrincipalArn {
            account_id: account_id.to_string(),
            kind,
            path: if root {
                ROOT_PATH.to_string()
            } else {
                path.to_string()
            },
            name: if root {
                String::new()
            } else {
                name.to_string()
            },
        })
    }

    /// Parses `arn:aws:iam::<acct>:root`, `...:user/<name>`,
    /// `...:role/<path/><name>` (`role/division/app` is the role `app` at
    /// the path `/division/`).
    pub fn parse(arn: &str) -> Result<Self, CoreError> {
        let malformed = || {
            CoreError::invalid_value(format!(
                "'{arn}' is not a valid IAM principal ARN (expected arn:aws:iam::<12-digit account>:root, :user/<name> or :role/<name>, optionally with a path: :user/<path>/<name>)"
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
        let (kind, rest) = if let Some(n) = resource.strip_prefix("user/") {
            (PrincipalType::User, n)
        } else if let Some(n) = resource.strip_prefix("role/") {
            (PrincipalType::Role, n)
        } else {
            return Err(malformed());
        };
        let (path, name) = match rest.rsplit_once('/') {
            Some((p, n)) => (format!("/{p}/"), n),
            None => (ROOT_PATH.to_string(), rest),
        };
        PrincipalArn::with_path(account, kind, &path, name).map_err(|_| malformed())
    }

    /// The principal's ARN: `...:user/alice`, `...:role/division/app`.
    pub fn arn(&self) -> String {
        match self.kind {
            PrincipalType::Root => format!("arn:aws:iam::{}:root", self.account_id),
            PrincipalType::User => format!(
                "arn:aws:iam::{}:user{}{}",
                self.account_id, self.path, self.name
            ),
            PrincipalType::Role => format!(
                "arn:aws:iam::{}:role{}{}",
                self.account_id, self.path, self.name
            ),
        }
    }

    /// The same user or role at the default path `/`: as IAM names are
    /// unique in an account whatever the path, it names the same entity.
    pub fn without_path(&self) -> PrincipalArn {
        PrincipalArn {
            path: ROOT_PATH.to_string(),
            ..self.clone()
        }
    }
}

/// Characters of IAM user and role names.
fn iam_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}

/// IAM user and role names: 1 to 64 characters of `[A-Za-z0-9+=,.@_-]`;
/// no `/` (a path is given separately, as IAM's `Path`).
fn validate_iam_name(kind: PrincipalType, name: &str) -> Result<(), CoreError> {
    let max = 64;
    if name.is_empty() || name.len() > max || !name.chars().all(iam_name_char) {
        return Err(CoreError::invalid_value(format!(
            "name: '{name}' is not a valid {} name: 1 to {max} characters of letters, digits and +=,.@_- (a path such as /division/ is given separately)",
            kind.as_str()
        )));
    }
    Ok(())
}

/// IAM paths: `/`, or `/` + 1 to 510 printable ASCII characters + `/`
/// (IAM's `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`, at most 512).
pub fn validate_iam_path(path: &str) -> Result<(), CoreError> {
    let ok = path == ROOT_PATH
        || (path.len() >= 3
            && path.len() <= 512
            && path.starts_with('/')
            && path.ends_with('/')
            && path.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    if !ok {
        return Err(CoreError::invalid_value(format!(
            "path: '{path}' is not a valid IAM path: '/' or '/' and 1 to 510 printable characters and '/', like /division/"
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
                "app",
            ),
            (
                "arn:aws:iam::111122223333:user/division/ops/alice",
                PrincipalType::User,
                "alice",
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
        let p = PrincipalArn::parse("arn:aws:iam::111122223333:user/division/ops/alice")
            .expect("path ARN");
        assert_eq!(p.path, "/division/ops/");
        let plain = PrincipalArn::parse("arn:aws:iam::111122223333:user/alice").expect("plain");
        assert_eq!(plain.path, "/");
        assert_eq!(p.without_path(), plain);
    }

    #[test]
    fn names_and_paths_are_separate() {
        let acct = "111122223333";
        assert!(PrincipalArn::new(acct, PrincipalType::User, "a/b").is_err());
        let p = PrincipalArn::with_path(acct, PrincipalType::User, "/division/", "alice")
            .expect("path");
        assert_eq!(p.arn(), "arn:aws:iam::111122223333:user/division/alice");
        for bad in ["", "division", "/division", "division/", "//", "/a b/"] {
            assert!(validate_iam_path(bad).is_err(), "{bad:?}");
        }
        for ok in ["/", "/a/", "/a/b/", "/a+b=c/"] {
            assert!(validate_iam_path(ok).is_ok(), "{ok:?}");
        }
        assert!(validate_iam_path(&format!("/{}/", "a".repeat(511))).is_err());
        assert!(
            PrincipalArn::with_path(acct, PrincipalType::Root, "/x/", "").is_err(),
            "root has no path"
        );
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
