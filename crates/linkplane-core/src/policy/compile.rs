//! Compiling a policy document: each statement's JSON checked and turned
//! into the matchers [`super::CompiledPolicy::evaluate`] runs.

use serde_json::{Map, Value};

use super::*;

/// A string, or a non-empty array of strings.
fn strings<'v>(v: &'v Value, what: &str) -> Result<Vec<&'v str>, String> {
    let not = || format!("{what} must be a string or a non-empty array of strings");
    match v {
        Value::String(s) => Ok(vec![s.as_str()]),
        Value::Array(a) if !a.is_empty() => a.iter().map(|x| x.as_str().ok_or_else(not)).collect(),
        _ => Err(not()),
    }
}

pub(super) fn compile_statement(m: &Map<String, Value>) -> Result<Statement, String> {
    for k in m.keys() {
        if !matches!(
            k.as_str(),
            "Sid"
                | "Effect"
                | "Principal"
                | "NotPrincipal"
                | "Action"
                | "NotAction"
                | "Resource"
                | "NotResource"
                | "Condition"
        ) {
            return Err(format!("unsupported element {k}"));
        }
    }
    let sid = match m.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(Arc::from(s.as_str())),
        Some(_) => return Err("Sid must be a string".into()),
    };
    let deny = match m.get("Effect").and_then(Value::as_str) {
        Some("Allow") => false,
        Some("Deny") => true,
        _ => return Err("Effect must be \"Allow\" or \"Deny\"".into()),
    };
    if m.contains_key("NotPrincipal") {
        return Err("NotPrincipal is not supported in endpoint policies; use Principal".into());
    }
    let principals = compile_principals(
        m.get("Principal")
            .ok_or("Principal is required in endpoint policies")?,
    )?;
    let actions = compile_patterns(m, "Action", "NotAction", |a| {
        a == "*" || a.split_once(':').is_some_and(|(svc, _)| !svc.is_empty())
    })?;
    let resources = compile_patterns(m, "Resource", "NotResource", |r| {
        r == "*" || r.starts_with("arn:")
    })?;
    let conditions = match m.get("Condition") {
        None => Vec::new(),
        Some(Value::Object(ops)) => compile_conditions(ops)?,
        Some(_) => return Err("Condition must be an object".into()),
    };
    Ok(Statement {
        sid,
        deny,
        principals,
        actions,
        resources,
        conditions: conditions.into(),
    })
}

fn compile_principals(v: &Value) -> Result<Principals, String> {
    let aws = match v {
        Value::String(s) if s == "*" => return Ok(Principals::Anyone),
        Value::Object(m) => {
            if let Some(k) = m.keys().find(|k| *k != "AWS") {
                return Err(format!(
                    "principal type {k} is not supported; endpoint policies name AWS principals"
                ));
            }
            m.get("AWS").ok_or("Principal must name AWS principals")?
        }
        _ => return Err("Principal must be \"*\" or an object such as {\"AWS\": ...}".into()),
    };
    let mut anyone = false;
    let mut list = Vec::new();
    for p in strings(aws, "Principal AWS")? {
        if p == "*" {
            anyone = true;
        } else {
            list.push(compile_principal(p)?);
        }
    }
    Ok(if anyone {
        Principals::Anyone
    } else {
        Principals::Listed(list.into())
    })
}

fn compile_principal(p: &str) -> Result<Principal, String> {
    if is_account_id(p) {
        return Ok(Principal::Account(p.into()));
    }
    let why = || format!("principal {p} is not \"*\", a 12-digit account id or an ARN");
    let mut f = p.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(_), Some(account), Some(res)) =
        (f.next(), f.next(), f.next(), f.next(), f.next(), f.next())
    else {
        return Err(why());
    };
    if partition.is_empty() || res.is_empty() {
        return Err(why());
    }
    if service == "iam" && res == "root" {
        if !is_account_id(account) {
            return Err(why());
        }
        return Ok(Principal::Account(account.into()));
    }
    if service == "iam"
        && let Some(path_name) = res.strip_prefix("role/")
        && let Some(name) = path_name.rsplit('/').next()
        && !name.is_empty()
    {
        return Ok(Principal::Role {
            arn: p.into(),
            partition: partition.into(),
            account: account.into(),
            name: name.into(),
        });
    }
    Ok(Principal::Arn(p.into()))
}

fn compile_patterns(
    m: &Map<String, Value>,
    yes: &str,
    not: &str,
    valid: impl Fn(&str) -> bool,
) -> Result<Patterns, String> {
    let (negated, v) = match (m.get(yes), m.get(not)) {
        (Some(v), None) => (false, v),
        (None, Some(v)) => (true, v),
        (Some(_), Some(_)) => return Err(format!("it has both {yes} and {not}")),
        (None, None) => return Err(format!("it needs {yes} or {not}")),
    };
    let what = if negated { not } else { yes };
    let list = strings(v, what)?
        .into_iter()
        .map(|s| {
            if valid(s) {
                Ok(Pattern::new(s))
            } else {
                Err(format!("{what} value {s:?} is not valid"))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Patterns {
        not: negated,
        list: list.into(),
    })
}

#[derive(Clone, Copy)]
enum Kind {
    Equals,
    EqualsIgnoreCase,
    Like,
    Arn,
    Ip,
    Bool,
    Null,
}

/// The kind of an operator, whether it is negated, and whether it is an
/// `IfExists` form.
fn operator(op: &str) -> Option<(Kind, bool, bool)> {
    let (base, if_exists) = match op.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (op, false),
    };
    let (kind, negated) = match base {
        "StringEquals" => (Kind::Equals, false),
        "StringNotEquals" => (Kind::Equals, true),
        "StringEqualsIgnoreCase" => (Kind::EqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase" => (Kind::EqualsIgnoreCase, true),
        "StringLike" => (Kind::Like, false),
        "StringNotLike" => (Kind::Like, true),
        "ArnEquals" | "ArnLike" => (Kind::Arn, false),
        "ArnNotEquals" | "ArnNotLike" => (Kind::Arn, true),
        "IpAddress" => (Kind::Ip, false),
        "NotIpAddress" => (Kind::Ip, true),
        "Bool" => (Kind::Bool, false),
        "Null" if !if_exists => (Kind::Null, false),
        _ => return None,
    };
    Some((kind, negated, if_exists))
}

fn compile_conditions(ops: &Map<String, Value>) -> Result<Vec<Condition>, String> {
    let mut out = Vec::new();
    for (op, keys) in ops {
        let (kind, negated, if_exists) =
            operator(op).ok_or_else(|| format!("unsupported condition operator {op}"))?;
        let keys = keys
            .as_object()
            .ok_or_else(|| format!("condition operator {op} must map keys to values"))?;
        for (key, vals) in keys {
            if key.is_empty() {
                return Err(format!("condition operator {op} has an empty key"));
            }
            let vals = condition_values(vals)
                .ok_or_else(|| format!("values of {op} {key} must be strings, numbers or booleans, or a non-empty array of them"))?;
            let test = compile_test(kind, &vals).map_err(|why| format!("{op} {key}: {why}"))?;
            let derived = if key.eq_ignore_ascii_case("aws:PrincipalArn") {
                Some(Derived::PrincipalArn)
            } else if key.eq_ignore_ascii_case("aws:PrincipalAccount") {
                Some(Derived::PrincipalAccount)
            } else {
                None
            };
            out.push(Condition {
                key: key.as_str().into(),
                derived,
                test,
                negated,
                if_exists,
            });
        }
    }
    Ok(out)
}

/// Condition values as text: one scalar or a non-empty array of scalars.
fn condition_values(v: &Value) -> Option<Vec<String>> {
    fn scalar(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
    match v {
        Value::Array(a) if !a.is_empty() => a.iter().map(scalar).collect(),
        Value::Array(_) => None,
        v => scalar(v).map(|s| vec![s]),
    }
}

fn compile_test(kind: Kind, vals: &[String]) -> Result<Test, String> {
    let boxed = || vals.iter().map(|s| s.as_str().into()).collect();
    let bools = || {
        vals.iter()
            .map(|s| parse_bool(s).ok_or_else(|| format!("{s} is not true or false")))
            .collect::<Result<Box<[bool]>, _>>()
    };
    Ok(match kind {
        Kind::Equals => Test::Equals(boxed()),
        Kind::EqualsIgnoreCase => Test::EqualsIgnoreCase(boxed()),
        Kind::Like => Test::Like(vals.iter().map(|s| Pattern::new(s)).collect()),
        Kind::Arn => Test::Arn(vals.iter().map(|s| ArnPattern::new(s)).collect()),
        Kind::Ip => Test::Ip(
            vals.iter()
                .map(|s| IpNet::parse(s))
                .collect::<Result<_, _>>()?,
        ),
        Kind::Bool => Test::Bool(bools()?),
        Kind::Null => Test::Null(bools()?),
    })
}
