//! Endpoint policies, compiled: a policy document is parsed and checked once
//! (when a snapshot is built) into a [`CompiledPolicy`], which then answers
//! [`CompiledPolicy::evaluate`] for each request without allocating.
//!
//! Evaluation is IAM's, as AWS applies it to VPC endpoint policies: a
//! matching `Deny` statement wins over any `Allow`, and a request that no
//! statement allows is implicitly denied.
//!
//! # What is supported, and what is refused
//!
//! * `Principal` is required: `"*"`, or `{"AWS": ...}` holding `"*"`, a
//!   12-digit account id or an ARN (or an array of those). An account id and
//!   `arn:PARTITION:iam::ACCOUNT:root` both mean every principal of that
//!   account. Any other ARN matches exactly (case-sensitive), except that an
//!   IAM role ARN `arn:P:iam::A:role/PATH/NAME` also matches its sessions,
//!   `arn:P:sts::A:assumed-role/NAME/SESSION`, as AWS does. Other principal
//!   types (`Service`, `Federated`, `CanonicalUser`) are refused.
//! * `NotPrincipal` is refused: AWS does not support it in endpoint
//!   policies, and inverted principal logic is rarely what is meant.
//! * Condition operators: `StringEquals`, `StringNotEquals`,
//!   `StringEqualsIgnoreCase`, `StringNotEqualsIgnoreCase`, `StringLike`,
//!   `StringNotLike`, `ArnEquals`, `ArnLike`, `ArnNotEquals`, `ArnNotLike`,
//!   `IpAddress`, `NotIpAddress`, `Bool`, each also with `IfExists`, and
//!   `Null`. Numeric, date and binary operators and the `ForAnyValue:` /
//!   `ForAllValues:` qualifiers are refused as unsupported.
//! * Policy variables (`${aws:username}`) are not expanded: they are
//!   compared literally.
//! * Wildcards in `StringLike` values are accepted for every key, including
//!   `aws:PrincipalAccount`, `aws:SourceVpc` and `aws:SourceVpce`: no such
//!   restriction is enforced.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::endpoint::check_policy;
use crate::error::CoreError;
use crate::net::parse_ipv4;

/// An `InvalidPolicyDocument` error saying why.
fn bad(why: impl fmt::Display) -> CoreError {
    CoreError::invalid(
        "InvalidPolicyDocument",
        format!("the policy document is not a valid policy: {why}"),
    )
}

/// A policy compiled once (at snapshot build), evaluated many times.
/// Cloning is cheap: the compiled statements are shared.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    statements: Arc<[Statement]>,
}

/// One request to decide: who calls, what action on which resource, and the
/// request context.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The calling principal, such as `arn:aws:iam::111122223333:role/app`
    /// or `arn:aws:sts::111122223333:assumed-role/app/session`.
    pub principal_arn: &'a str,
    /// The action, such as `s3:GetObject`.
    pub action: &'a str,
    /// The resource ARN, such as `arn:aws:s3:::my-bucket/key`.
    pub resource: &'a str,
    /// Context keys and values (key matching case-insensitive, e.g.
    /// `"aws:SourceVpce"` -> `"vpce-..."`). Keys absent here are absent from
    /// the request, except `aws:PrincipalArn` (then `principal_arn`) and
    /// `aws:PrincipalAccount` (then the account field of `principal_arn`).
    /// When a key appears twice, the first value counts.
    pub context: &'a [(&'a str, &'a str)],
}

/// What a policy says about a request. Statement indexes are 0-based, in
/// document order; `sid` is that statement's `Sid`, shared, not copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// No statement denies the request and statement `statement` is the
    /// first that allows it.
    Allow {
        statement: usize,
        sid: Option<Arc<str>>,
    },
    /// Statement `statement` is the first `Deny` statement matching the
    /// request; it wins over any `Allow`.
    ExplicitDeny {
        statement: usize,
        sid: Option<Arc<str>>,
    },
    /// No statement matches the request.
    ImplicitDeny,
}

impl Decision {
    /// Whether the request is allowed.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allow { .. })
    }
}

#[derive(Debug)]
struct Statement {
    sid: Option<Arc<str>>,
    deny: bool,
    principals: Principals,
    /// Matched case-insensitively.
    actions: Patterns,
    /// Matched case-sensitively.
    resources: Patterns,
    /// All must hold.
    conditions: Box<[Condition]>,
}

#[derive(Debug)]
enum Principals {
    Anyone,
    /// Any one of them.
    Listed(Box<[Principal]>),
}

#[derive(Debug)]
enum Principal {
    /// Every principal of the account.
    Account(Box<str>),
    /// Exactly this ARN.
    Arn(Box<str>),
    /// An IAM role: its ARN exactly, or any session of the role.
    Role {
        arn: Box<str>,
        partition: Box<str>,
        account: Box<str>,
        name: Box<str>,
    },
}

/// `Action`/`Resource` (any pattern matches) or `NotAction`/`NotResource`
/// (no pattern matches).
#[derive(Debug)]
struct Patterns {
    not: bool,
    list: Box<[Pattern]>,
}

/// A pattern where `*` matches any run of characters and `?` exactly one.
#[derive(Debug)]
enum Pattern {
    Any,
    Exact(Box<str>),
    Prefix(Box<str>),
    Glob(Box<str>),
}

/// An `Arn*` operator value: six `:`-separated segments, matched one by one
/// (wildcards do not cross segments, except inside the last).
#[derive(Debug)]
struct ArnPattern(Box<[Pattern]>);

#[derive(Debug)]
enum IpNet {
    V4 { net: u32, mask: u32 },
    V6 { net: u128, mask: u128 },
}

#[derive(Debug)]
enum Derived {
    PrincipalArn,
    PrincipalAccount,
}

/// One `operator: { key: values }` pair.
#[derive(Debug)]
struct Condition {
    key: Box<str>,
    derived: Option<Derived>,
    test: Test,
    negated: bool,
    if_exists: bool,
}

/// The values of a condition, compiled for their operator; any one
/// matching is a match.
#[derive(Debug)]
enum Test {
    Equals(Box<[Box<str>]>),
    EqualsIgnoreCase(Box<[Box<str>]>),
    Like(Box<[Pattern]>),
    /// `None` for a value that is not ARN-shaped: it matches nothing.
    Arn(Box<[Option<ArnPattern>]>),
    Ip(Box<[IpNet]>),
    Bool(Box<[bool]>),
    /// `true`: the key must be absent; `false`: present.
    Null(Box<[bool]>),
}

/// The calling principal, taken apart once per evaluation.
struct Caller<'a> {
    arn: &'a str,
    account: Option<&'a str>,
    /// `(partition, account, role name)` of an `assumed-role` session.
    session: Option<(&'a str, &'a str, &'a str)>,
}

impl<'a> Caller<'a> {
    fn parse(arn: &'a str) -> Caller<'a> {
        let mut caller = Caller {
            arn,
            account: None,
            session: None,
        };
        if is_account_id(arn) {
            caller.account = Some(arn);
            return caller;
        }
        let mut f = arn.splitn(6, ':');
        let (Some("arn"), Some(partition), Some(service), Some(_), Some(account), Some(res)) =
            (f.next(), f.next(), f.next(), f.next(), f.next(), f.next())
        else {
            return caller;
        };
        if !account.is_empty() {
            caller.account = Some(account);
        }
        if service == "sts"
            && let Some(rest) = res.strip_prefix("assumed-role/")
            && let Some((role, _session)) = rest.split_once('/')
        {
            caller.session = Some((partition, account, role));
        }
        caller
    }
}

impl CompiledPolicy {
    /// Parses an endpoint policy document (JSON text). The text must first
    /// pass [`check_policy`] (at most [`crate::endpoint::MAX_POLICY_CHARS`]
    /// characters); every error is `InvalidPolicyDocument`.
    pub fn compile(doc: &str) -> Result<CompiledPolicy, CoreError> {
        check_policy(doc)?;
        let v: Value = serde_json::from_str(doc).map_err(|e| bad(format!("not JSON ({e})")))?;
        let top = v
            .as_object()
            .ok_or_else(|| bad("it is not a JSON object"))?;
        for (k, val) in top {
            match k.as_str() {
                "Version" => match val.as_str() {
                    Some("2012-10-17" | "2008-10-17") => {}
                    _ => return Err(bad("Version must be \"2012-10-17\" or \"2008-10-17\"")),
                },
                "Id" if val.is_string() => {}
                "Id" => return Err(bad("Id must be a string")),
                "Statement" => {}
                other => return Err(bad(format!("unsupported element {other}"))),
            }
        }
        let raw: Vec<&Map<String, Value>> = match top.get("Statement") {
            Some(Value::Object(m)) => vec![m],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_object).collect(),
            _ => Vec::new(),
        };
        let statements = raw
            .into_iter()
            .enumerate()
            .map(|(i, m)| compile_statement(m).map_err(|why| bad(format!("Statement {i}: {why}"))))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CompiledPolicy {
            statements: statements.into(),
        })
    }

    /// The full-access default policy (Allow `*` to `*` on `*`), the
    /// compiled form of [`crate::endpoint::DEFAULT_POLICY`].
    pub fn allow_all() -> CompiledPolicy {
        let stmt = Statement {
            sid: None,
            deny: false,
            principals: Principals::Anyone,
            actions: Patterns {
                not: false,
                list: Box::new([Pattern::Any]),
            },
            resources: Patterns {
                not: false,
                list: Box::new([Pattern::Any]),
            },
            conditions: Box::new([]),
        };
        CompiledPolicy {
            statements: Arc::new([stmt]),
        }
    }

    /// The `Sid` of statement `i` (0-based, document order), if it has one.
    pub fn statement_sid(&self, i: usize) -> Option<&str> {
        self.statements.get(i)?.sid.as_deref()
    }

    /// Whether any statement has a condition on `key` (case-insensitive),
    /// such as `aws:SourceIp`: explanations use it to say why a condition
    /// on a key the request context lacks cannot match.
    pub fn uses_condition_key(&self, key: &str) -> bool {
        self.statements
            .iter()
            .flat_map(|s| s.conditions.iter())
            .any(|c| c.key.eq_ignore_ascii_case(key))
    }

    /// Decides a request: the first matching `Deny` statement if any, else
    /// the first matching `Allow` statement, else [`Decision::ImplicitDeny`].
    /// Does not allocate.
    pub fn evaluate(&self, req: &Request<'_>) -> Decision {
        let caller = Caller::parse(req.principal_arn);
        let mut allow: Option<(usize, &Statement)> = None;
        for (i, s) in self.statements.iter().enumerate() {
            if !s.deny && allow.is_some() {
                continue;
            }
            if s.matches(req, &caller) {
                if s.deny {
                    return Decision::ExplicitDeny {
                        statement: i,
                        sid: s.sid.clone(),
                    };
                }
                allow = Some((i, s));
            }
        }
        match allow {
            Some((statement, s)) => Decision::Allow {
                statement,
                sid: s.sid.clone(),
            },
            None => Decision::ImplicitDeny,
        }
    }
}

impl Statement {
    fn matches(&self, req: &Request<'_>, caller: &Caller<'_>) -> bool {
        self.actions.matches(req.action, true)
            && self.resources.matches(req.resource, false)
            && self.principals.matches(caller)
            && self.conditions.iter().all(|c| c.holds(req, caller))
    }
}

impl Principals {
    fn matches(&self, c: &Caller<'_>) -> bool {
        match self {
            Principals::Anyone => true,
            Principals::Listed(list) => list.iter().any(|p| p.matches(c)),
        }
    }
}

impl Principal {
    fn matches(&self, c: &Caller<'_>) -> bool {
        match self {
            Principal::Account(a) => c.account == Some(&**a),
            Principal::Arn(arn) => c.arn == &**arn,
            Principal::Role {
                arn,
                partition,
                account,
                name,
            } => {
                c.arn == &**arn
                    || c.session.is_some_and(|(p, a, n)| {
                        p == &**partition && a == &**account && n == &**name
                    })
            }
        }
    }
}

impl Patterns {
    fn matches(&self, s: &str, fold: bool) -> bool {
        self.list.iter().any(|p| p.matches(s, fold)) != self.not
    }
}

impl Pattern {
    fn new(p: &str) -> Pattern {
        let wild = |s: &str| s.contains(['*', '?']);
        if p == "*" {
            Pattern::Any
        } else if !wild(p) {
            Pattern::Exact(p.into())
        } else if let Some(pre) = p.strip_suffix('*')
            && !wild(pre)
        {
            Pattern::Prefix(pre.into())
        } else {
            Pattern::Glob(p.into())
        }
    }

    /// Whether `s` matches; `fold` compares ASCII letters case-insensitively.
    fn matches(&self, s: &str, fold: bool) -> bool {
        match self {
            Pattern::Any => true,
            Pattern::Exact(e) if fold => e.eq_ignore_ascii_case(s),
            Pattern::Exact(e) => **e == *s,
            Pattern::Prefix(pre) => s
                .as_bytes()
                .get(..pre.len())
                .is_some_and(|head| eq_bytes(head, pre.as_bytes(), fold)),
            Pattern::Glob(g) => glob(g.as_bytes(), s.as_bytes(), fold),
        }
    }
}

fn eq_bytes(a: &[u8], b: &[u8], fold: bool) -> bool {
    if fold {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

/// The length of the UTF-8 sequence starting with `lead`.
fn char_len(lead: u8) -> usize {
    match lead {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    }
}

/// Wildcard match of UTF-8 text: `*` matches any run of characters (`/`
/// and `:` included), `?` exactly one character. Greedy with backtracking
/// to the last `*`: O(len(pat) * len(s)) at worst, no allocation. Both
/// cursors stay on character boundaries, because literal bytes advance them
/// together and UTF-8 lead bytes fix the sequence length.
fn glob(pat: &[u8], s: &[u8], fold: bool) -> bool {
    let same = |a: u8, b: u8| a == b || (fold && a.eq_ignore_ascii_case(&b));
    let (mut p, mut i) = (0, 0);
    // Where to resume after the last `*`: pattern index past it, text index.
    let mut resume: Option<(usize, usize)> = None;
    while let Some(&c) = s.get(i) {
        match pat.get(p) {
            Some(b'*') => {
                p += 1;
                resume = Some((p, i));
                continue;
            }
            Some(b'?') => {
                p += 1;
                i += char_len(c);
                continue;
            }
            Some(&q) if same(q, c) => {
                p += 1;
                i += 1;
                continue;
            }
            _ => {}
        }
        let Some((rp, ri)) = resume else {
            return false;
        };
        let next = ri + s.get(ri).map_or(1, |&b| char_len(b));
        resume = Some((rp, next));
        p = rp;
        i = next;
    }
    pat.get(p..)
        .is_some_and(|rest| rest.iter().all(|&b| b == b'*'))
}

impl ArnPattern {
    fn new(v: &str) -> Option<ArnPattern> {
        let parts: Vec<Pattern> = v.splitn(6, ':').map(Pattern::new).collect();
        (parts.len() == 6).then(|| ArnPattern(parts.into()))
    }

    fn matches(&self, v: &str) -> bool {
        let mut segs = v.splitn(6, ':');
        self.0
            .iter()
            .all(|p| segs.next().is_some_and(|seg| p.matches(seg, false)))
    }
}

impl IpNet {
    /// `a.b.c.d`, `a.b.c.d/n` or the IPv6 forms; host bits are ignored.
    fn parse(s: &str) -> Result<IpNet, String> {
        let why = || format!("{s} is not an IP address or CIDR block");
        let (addr, len) = match s.split_once('/') {
            Some((a, l))
                if !l.is_empty() && l.len() <= 3 && l.bytes().all(|b| b.is_ascii_digit()) =>
            {
                (a, Some(l.parse::<u32>().map_err(|_| why())?))
            }
            Some(_) => return Err(why()),
            None => (s, None),
        };
        if addr.contains(':') {
            let ip: std::net::Ipv6Addr = addr.parse().map_err(|_| why())?;
            let len = len.unwrap_or(128);
            if len > 128 {
                return Err(why());
            }
            let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
            Ok(IpNet::V6 {
                net: u128::from(ip) & mask,
                mask,
            })
        } else {
            let ip = parse_ipv4(addr).map_err(|_| why())?;
            let len = len.unwrap_or(32);
            if len > 32 {
                return Err(why());
            }
            let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
            Ok(IpNet::V4 {
                net: ip & mask,
                mask,
            })
        }
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self, ip) {
            (IpNet::V4 { net, mask }, IpAddr::V4(a)) => u32::from(a) & mask == *net,
            (IpNet::V6 { net, mask }, IpAddr::V6(a)) => u128::from(a) & mask == *net,
            _ => false,
        }
    }
}

impl Condition {
    fn lookup<'a>(&self, req: &Request<'a>, caller: &Caller<'a>) -> Option<&'a str> {
        let given = req
            .context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&self.key))
            .map(|&(_, v)| v);
        given.or(match self.derived {
            Some(Derived::PrincipalArn) => Some(req.principal_arn).filter(|a| !a.is_empty()),
            Some(Derived::PrincipalAccount) => caller.account,
            None => None,
        })
    }

    /// A missing key holds for `IfExists` and negated operators only (and
    /// for `Null` when it asks for absence).
    fn holds(&self, req: &Request<'_>, caller: &Caller<'_>) -> bool {
        let value = self.lookup(req, caller);
        match (&self.test, value) {
            (Test::Null(want), v) => want.iter().any(|&absent| absent == v.is_none()),
            (_, None) => self.if_exists || self.negated,
            (test, Some(v)) => test.any(v) != self.negated,
        }
    }
}

impl Test {
    fn any(&self, v: &str) -> bool {
        match self {
            Test::Equals(vs) => vs.iter().any(|x| **x == *v),
            Test::EqualsIgnoreCase(vs) => vs.iter().any(|x| eq_ignore_case(x, v)),
            Test::Like(ps) => ps.iter().any(|p| p.matches(v, false)),
            Test::Arn(ps) => ps.iter().flatten().any(|p| p.matches(v)),
            Test::Ip(nets) => v
                .parse::<IpAddr>()
                .is_ok_and(|ip| nets.iter().any(|n| n.contains(ip))),
            Test::Bool(bs) => parse_bool(v).is_some_and(|b| bs.contains(&b)),
            Test::Null(_) => false,
        }
    }
}

/// Unicode case-insensitive equality, without allocating.
fn eq_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A string, or a non-empty array of strings.
fn strings<'v>(v: &'v Value, what: &str) -> Result<Vec<&'v str>, String> {
    let not = || format!("{what} must be a string or a non-empty array of strings");
    match v {
        Value::String(s) => Ok(vec![s.as_str()]),
        Value::Array(a) if !a.is_empty() => a.iter().map(|x| x.as_str().ok_or_else(not)).collect(),
        _ => Err(not()),
    }
}

fn compile_statement(m: &Map<String, Value>) -> Result<Statement, String> {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::endpoint::{DEFAULT_POLICY, MAX_POLICY_CHARS};
    use proptest::prelude::*;

    const ROLE: &str = "arn:aws:iam::111122223333:role/app";

    fn req<'a>(
        action: &'a str,
        resource: &'a str,
        context: &'a [(&'a str, &'a str)],
    ) -> Request<'a> {
        Request {
            principal_arn: ROLE,
            action,
            resource,
            context,
        }
    }

    fn policy(statements: &str) -> CompiledPolicy {
        CompiledPolicy::compile(&format!(
            r#"{{"Version":"2012-10-17","Statement":{statements}}}"#
        ))
        .unwrap()
    }

    fn compile_err(statements: &str) -> CoreError {
        CompiledPolicy::compile(&format!(r#"{{"Statement":{statements}}}"#)).unwrap_err()
    }

    /// One Allow statement with a condition block, for operator tests.
    fn cond(condition: &str) -> CompiledPolicy {
        policy(&format!(
            r#"{{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{condition}}}"#
        ))
    }

    fn allows(p: &CompiledPolicy, context: &[(&str, &str)]) -> bool {
        p.evaluate(&req("s3:GetObject", "arn:aws:s3:::b/k", context))
            .is_allowed()
    }

    #[test]
    fn compiled_policies_are_send_sync_clone() {
        fn check<T: Send + Sync + Clone + fmt::Debug>() {}
        check::<CompiledPolicy>();
        check::<Decision>();
    }

    #[test]
    fn the_default_policy_allows_anything() {
        for p in [
            CompiledPolicy::compile(DEFAULT_POLICY).unwrap(),
            CompiledPolicy::allow_all(),
        ] {
            for (who, action, resource) in [
                (ROLE, "s3:GetObject", "arn:aws:s3:::b/k"),
                ("arn:aws:iam::999988887777:user/x", "ec2:RunInstances", "*"),
                ("", "", ""),
            ] {
                let d = p.evaluate(&Request {
                    principal_arn: who,
                    action,
                    resource,
                    context: &[],
                });
                assert_eq!(
                    d,
                    Decision::Allow {
                        statement: 0,
                        sid: None
                    }
                );
            }
        }
    }

    #[test]
    fn explicit_deny_beats_allow_and_names_the_statement() {
        let p = policy(
            r#"[
            {"Sid":"All","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
            {"Sid":"Reads","Effect":"Allow","Principal":"*","Action":"s3:Get*","Resource":"*"},
            {"Sid":"NoSecrets","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::secret/*"},
            {"Effect":"Deny","Principal":"*","Action":"*","Resource":"arn:aws:s3:::secret/*"}
        ]"#,
        );
        assert_eq!(
            p.evaluate(&req("s3:GetObject", "arn:aws:s3:::secret/k", &[])),
            Decision::ExplicitDeny {
                statement: 2,
                sid: Some("NoSecrets".into())
            }
        );
        assert_eq!(
            p.evaluate(&req("s3:GetObject", "arn:aws:s3:::open/k", &[])),
            Decision::Allow {
                statement: 0,
                sid: Some("All".into())
            }
        );
        assert_eq!(
            p.evaluate(&req("ec2:RunInstances", "arn:aws:s3:::secret/k", &[])),
            Decision::ExplicitDeny {
                statement: 3,
                sid: None
            }
        );
    }

    #[test]
    fn nothing_matching_is_an_implicit_deny() {
        let p = policy(
            r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(
            p.evaluate(&req("s3:PutObject", "arn:aws:s3:::b/k", &[])),
            Decision::ImplicitDeny
        );
        assert_eq!(
            p.evaluate(&req("s3:GetObject", "arn:aws:s3:::c/k", &[])),
            Decision::ImplicitDeny
        );
        assert!(!Decision::ImplicitDeny.is_allowed());
    }

    #[test]
    fn actions_match_case_insensitively_with_wildcards() {
        let p = policy(
            r#"{"Effect":"Allow","Principal":"*","Action":["s3:Get*","sqs:SendMessage","ec2:Describe?pcs","dynamodb:*Item"],"Resource":"*"}"#,
        );
        let ok = |a: &str| p.evaluate(&req(a, "arn:aws:s3:::b/k", &[])).is_allowed();
        for a in [
            "s3:GetObject",
            "S3:getobject",
            "s3:get",
            "SQS:sendmessage",
            "ec2:DescribeVpcs",
            "ec2:describevpcs",
            "dynamodb:GetItem",
            "DynamoDB:PUTITEM",
        ] {
            assert!(ok(a), "{a}");
        }
        for a in [
            "s3:PutObject",
            "sqs:SendMessageBatch",
            "ec2:DescribeVpcsX",
            "ec2:DescribeSubnets",
            "dynamodb:GetItems",
        ] {
            assert!(!ok(a), "{a}");
        }
    }

    #[test]
    fn resources_match_case_sensitively_with_wildcards() {
        let p = policy(
            r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":["arn:aws:s3:::logs-?/*","arn:aws:s3:::exact","arn:aws:*:us-east-1:*:table/t*"]}"#,
        );
        let ok = |r: &str| p.evaluate(&req("s3:GetObject", r, &[])).is_allowed();
        for r in [
            "arn:aws:s3:::logs-a/x",
            "arn:aws:s3:::logs-1/a/b/c",
            "arn:aws:s3:::logs-é/",
            "arn:aws:s3:::exact",
            "arn:aws:dynamodb:us-east-1:111122223333:table/t1",
            "arn:aws:x:y:z:us-east-1:1:table/t",
        ] {
            assert!(ok(r), "{r}");
        }
        for r in [
            "arn:aws:s3:::logs-ab/x",
            "arn:aws:s3:::logs-/x",
            "arn:aws:s3:::logs-a",
            "arn:aws:s3:::Exact",
            "arn:aws:s3:::exact/",
            "arn:aws:dynamodb:us-east-2:1:table/t",
        ] {
            assert!(!ok(r), "{r}");
        }
    }

    #[test]
    fn not_action_and_not_resource_invert_the_match() {
        let p = policy(
            r#"[{"Effect":"Allow","Principal":"*","NotAction":["s3:Delete*","iam:*"],"Resource":"*"},
                {"Effect":"Deny","Principal":"*","Action":"*","NotResource":"arn:aws:s3:::ok/*"}]"#,
        );
        let d = |a: &str, r: &str| p.evaluate(&req(a, r, &[]));
        assert_eq!(
            d("s3:GetObject", "arn:aws:s3:::ok/k"),
            Decision::Allow {
                statement: 0,
                sid: None
            }
        );
        assert_eq!(
            d("s3:deleteobject", "arn:aws:s3:::ok/k"),
            Decision::ImplicitDeny
        );
        assert_eq!(
            d("IAM:PassRole", "arn:aws:s3:::ok/k"),
            Decision::ImplicitDeny
        );
        assert_eq!(
            d("s3:GetObject", "arn:aws:s3:::other/k"),
            Decision::ExplicitDeny {
                statement: 1,
                sid: None
            }
        );
    }

    #[test]
    fn string_operators() {
        let eq = cond(r#"{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}"#);
        assert!(allows(&eq, &[("aws:SourceVpce", "vpce-2")]));
        assert!(
            allows(&eq, &[("AWS:SOURCEVPCE", "vpce-1")]),
            "keys are case-insensitive"
        );
        assert!(
            !allows(&eq, &[("aws:SourceVpce", "VPCE-1")]),
            "values are not"
        );
        assert!(!allows(&eq, &[]), "missing key: no match");

        let ne = cond(r#"{"StringNotEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}"#);
        assert!(allows(&ne, &[("aws:SourceVpce", "vpce-3")]));
        assert!(!allows(&ne, &[("aws:SourceVpce", "vpce-1")]));
        assert!(allows(&ne, &[]), "negated, missing key: match");

        let ieq = cond(r#"{"StringEqualsIgnoreCase":{"s3:prefix":"Home/ÄBC"}}"#);
        assert!(allows(&ieq, &[("s3:prefix", "home/äbc")]));
        assert!(!allows(&ieq, &[("s3:prefix", "home/abc")]));
        assert!(!allows(&ieq, &[]));

        let ine = cond(r#"{"StringNotEqualsIgnoreCase":{"s3:prefix":"Home"}}"#);
        assert!(!allows(&ine, &[("s3:prefix", "HOME")]));
        assert!(allows(&ine, &[("s3:prefix", "away")]));
        assert!(allows(&ine, &[]));

        let like = cond(r#"{"StringLike":{"aws:userid":["AROA*:alice","x?z"]}}"#);
        assert!(allows(&like, &[("aws:userid", "AROAEXAMPLE:alice")]));
        assert!(allows(&like, &[("aws:userid", "xyz")]));
        assert!(!allows(&like, &[("aws:userid", "aroaexample:alice")]));
        assert!(!allows(&like, &[]));

        let nlike = cond(r#"{"StringNotLike":{"aws:userid":"AROA*"}}"#);
        assert!(!allows(&nlike, &[("aws:userid", "AROAX")]));
        assert!(allows(&nlike, &[("aws:userid", "AIDAX")]));
        assert!(allows(&nlike, &[]));
    }

    #[test]
    fn arn_operators_match_segment_by_segment() {
        for op in ["ArnLike", "ArnEquals"] {
            let p = cond(&format!(
                r#"{{"{op}":{{"aws:SourceArn":["arn:aws:sns:*:111122223333:topic-?","arn:aws:s3:::b/*"]}}}}"#
            ));
            assert!(
                allows(
                    &p,
                    &[(
                        "aws:SourceArn",
                        "arn:aws:sns:us-east-1:111122223333:topic-a"
                    )]
                ),
                "{op}"
            );
            assert!(
                allows(&p, &[("aws:SourceArn", "arn:aws:s3:::b/c:d")]),
                "{op}"
            );
            assert!(
                !allows(
                    &p,
                    &[(
                        "aws:SourceArn",
                        "arn:aws:sns:us-east-1:999988887777:topic-a"
                    )]
                ),
                "{op}"
            );
            assert!(
                !allows(
                    &p,
                    &[(
                        "aws:SourceArn",
                        "arn:aws:sns:us-east-1:x:111122223333:topic-a"
                    )]
                ),
                "{op}: * does not cross segments"
            );
            assert!(!allows(&p, &[("aws:SourceArn", "not-an-arn")]), "{op}");
            assert!(!allows(&p, &[]), "{op}");
        }
        for op in ["ArnNotLike", "ArnNotEquals"] {
            let p = cond(&format!(
                r#"{{"{op}":{{"aws:PrincipalArn":"arn:aws:iam::*:role/admin-*"}}}}"#
            ));
            assert!(
                allows(&p, &[]),
                "{op}: derived from principal_arn, not an admin"
            );
            assert!(
                !allows(&p, &[("aws:PrincipalArn", "arn:aws:iam::1:role/admin-x")]),
                "{op}"
            );
            assert!(allows(&p, &[("aws:SomethingElse", "x")]), "{op}");
        }
        let missing = cond(r#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}"#);
        assert!(allows(&missing, &[]), "negated, missing key: match");
        let not_arn = cond(r#"{"ArnLike":{"aws:SourceArn":"*"}}"#);
        assert!(
            !allows(&not_arn, &[("aws:SourceArn", "arn:aws:s3:::b")]),
            "values need six segments"
        );
    }

    #[test]
    fn ip_operators_take_cidrs_and_bare_addresses() {
        let p =
            cond(r#"{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.7","2001:db8::/32"]}}"#);
        for ip in ["10.1.2.3", "10.255.255.255", "192.0.2.7", "2001:db8::1"] {
            assert!(allows(&p, &[("aws:SourceIp", ip)]), "{ip}");
        }
        for ip in ["11.0.0.1", "192.0.2.8", "2001:db9::1", "garbage"] {
            assert!(!allows(&p, &[("aws:SourceIp", ip)]), "{ip}");
        }
        assert!(!allows(&p, &[]));
        let host_bits = cond(r#"{"IpAddress":{"aws:SourceIp":"203.0.113.77/24"}}"#);
        assert!(allows(&host_bits, &[("aws:SourceIp", "203.0.113.1")]));
        let zero = cond(r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#);
        assert!(allows(&zero, &[("aws:SourceIp", "8.8.8.8")]));

        let not = cond(r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#);
        assert!(!allows(&not, &[("aws:SourceIp", "10.0.0.1")]));
        assert!(allows(&not, &[("aws:SourceIp", "172.16.0.1")]));
        assert!(allows(&not, &[]), "negated, missing key: match");
    }

    #[test]
    fn bool_and_null_operators() {
        let p = cond(r#"{"Bool":{"aws:SecureTransport":"true"}}"#);
        assert!(allows(&p, &[("aws:SecureTransport", "true")]));
        assert!(allows(&p, &[("aws:SecureTransport", "TRUE")]));
        assert!(!allows(&p, &[("aws:SecureTransport", "false")]));
        assert!(!allows(&p, &[("aws:SecureTransport", "yes")]));
        assert!(!allows(&p, &[]));
        let json_bool = cond(r#"{"Bool":{"aws:SecureTransport":false}}"#);
        assert!(allows(&json_bool, &[("aws:SecureTransport", "False")]));

        let absent = cond(r#"{"Null":{"aws:SourceVpce":"true"}}"#);
        assert!(allows(&absent, &[]));
        assert!(!allows(&absent, &[("aws:SourceVpce", "vpce-1")]));
        let present = cond(r#"{"Null":{"aws:SourceVpce":false}}"#);
        assert!(!allows(&present, &[]));
        assert!(allows(&present, &[("aws:SourceVpce", "vpce-1")]));
    }

    #[test]
    fn if_exists_matches_missing_keys_and_tests_present_ones() {
        for (op, value, yes, no) in [
            ("StringEqualsIfExists", "\"vpce-1\"", "vpce-1", "vpce-2"),
            ("StringNotEqualsIfExists", "\"vpce-1\"", "vpce-2", "vpce-1"),
            (
                "StringEqualsIgnoreCaseIfExists",
                "\"VPCE-1\"",
                "vpce-1",
                "vpce-2",
            ),
            (
                "StringNotEqualsIgnoreCaseIfExists",
                "\"VPCE-1\"",
                "vpce-2",
                "vpce-1",
            ),
            ("StringLikeIfExists", "\"vpce-*\"", "vpce-1", "vpc-1"),
            ("StringNotLikeIfExists", "\"vpce-*\"", "vpc-1", "vpce-1"),
            (
                "ArnLikeIfExists",
                "\"arn:aws:*:*:*:*\"",
                "arn:aws:s3:::b",
                "arn:aws",
            ),
            (
                "ArnEqualsIfExists",
                "\"arn:aws:s3:::b\"",
                "arn:aws:s3:::b",
                "arn:aws:s3:::c",
            ),
            (
                "ArnNotLikeIfExists",
                "\"arn:aws:s3:::*\"",
                "arn:aws:sns:x:1:t",
                "arn:aws:s3:::b",
            ),
            (
                "ArnNotEqualsIfExists",
                "\"arn:aws:s3:::b\"",
                "arn:aws:s3:::c",
                "arn:aws:s3:::b",
            ),
            (
                "IpAddressIfExists",
                "\"10.0.0.0/8\"",
                "10.0.0.1",
                "11.0.0.1",
            ),
            (
                "NotIpAddressIfExists",
                "\"10.0.0.0/8\"",
                "11.0.0.1",
                "10.0.0.1",
            ),
            ("BoolIfExists", "\"true\"", "true", "false"),
        ] {
            let p = cond(&format!(r#"{{"{op}":{{"k:Key":{value}}}}}"#));
            assert!(allows(&p, &[]), "{op}: missing key matches");
            assert!(allows(&p, &[("k:key", yes)]), "{op} {yes}");
            assert!(!allows(&p, &[("k:key", no)]), "{op} {no}");
        }
    }

    #[test]
    fn conditions_and_between_keys_and_operators_or_within_values() {
        let p = cond(
            r#"{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"],"aws:PrincipalAccount":"111122223333"},
                "Bool":{"aws:SecureTransport":"true"}}"#,
        );
        let ctx = |vpce, tls| [("aws:SourceVpce", vpce), ("aws:SecureTransport", tls)];
        assert!(
            allows(&p, &ctx("vpce-2", "true")),
            "account derived from principal_arn"
        );
        assert!(!allows(&p, &ctx("vpce-3", "true")));
        assert!(!allows(&p, &ctx("vpce-1", "false")));
        let given = [
            ("aws:PrincipalAccount", "999988887777"),
            ("aws:SourceVpce", "vpce-1"),
            ("aws:SecureTransport", "true"),
        ];
        assert!(!allows(&p, &given), "context overrides the derived value");
    }

    #[test]
    fn principal_forms() {
        let d = |principal: &str, who: &str| {
            let p = policy(&format!(
                r#"{{"Effect":"Allow","Principal":{principal},"Action":"*","Resource":"*"}}"#
            ));
            p.evaluate(&Request {
                principal_arn: who,
                action: "s3:GetObject",
                resource: "arn:aws:s3:::b/k",
                context: &[],
            })
            .is_allowed()
        };
        let user = "arn:aws:iam::111122223333:user/alice";
        let session = "arn:aws:sts::111122223333:assumed-role/app/i-0123";
        let other = "arn:aws:iam::999988887777:role/app";
        for p in [
            r#""*""#,
            r#"{"AWS":"*"}"#,
            r#"{"AWS":["111122223333","*"]}"#,
        ] {
            assert!(d(p, other), "{p}");
        }
        for p in [
            r#"{"AWS":"111122223333"}"#,
            r#"{"AWS":"arn:aws:iam::111122223333:root"}"#,
        ] {
            assert!(d(p, ROLE) && d(p, user) && d(p, session), "{p}");
            assert!(!d(p, other), "{p}");
        }
        let exact = r#"{"AWS":"arn:aws:iam::111122223333:role/app"}"#;
        assert!(d(exact, ROLE));
        assert!(d(exact, session), "a role names its sessions");
        assert!(
            !d(exact, "arn:aws:iam::111122223333:role/App"),
            "case-sensitive"
        );
        assert!(!d(
            exact,
            "arn:aws:sts::111122223333:assumed-role/other/app"
        ));
        assert!(!d(exact, "arn:aws:sts::999988887777:assumed-role/app/s"));
        assert!(!d(exact, user));
        let with_path = r#"{"AWS":["arn:aws:iam::111122223333:role/team/app","arn:aws:iam::111122223333:user/alice"]}"#;
        assert!(
            d(with_path, session),
            "sessions carry the role name, not its path"
        );
        assert!(d(with_path, user));
        assert!(!d(with_path, ROLE), "a different role ARN");
        let session_exact = r#"{"AWS":"arn:aws:sts::111122223333:assumed-role/app/i-0123"}"#;
        assert!(d(session_exact, session));
        assert!(!d(session_exact, ROLE));
    }

    #[test]
    fn compile_errors() {
        let base = r#""Principal":"*","Action":"*","Resource":"*""#;
        for (doc, needle) in [
            (format!(r#"{{"Effect":"allow",{base}}}"#), "Effect"),
            (format!(r#"{{"Effect":"Permit",{base}}}"#), "Effect"),
            (format!(r#"{{{base}}}"#), "Effect"),
            (r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#.to_string(), "Principal is required"),
            (
                r#"{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}"#.to_string(),
                "NotPrincipal",
            ),
            (
                r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"*","Resource":"*"}"#.to_string(),
                "Service",
            ),
            (
                r#"{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"*","Resource":"*"}"#.to_string(),
                "alice",
            ),
            (format!(r#"{{"Effect":"Allow",{base},"NotAction":"s3:*"}}"#), "both Action and NotAction"),
            (r#"{"Effect":"Allow","Principal":"*","Resource":"*"}"#.to_string(), "Action or NotAction"),
            (
                r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","NotResource":"*"}"#.to_string(),
                "both Resource and NotResource",
            ),
            (r#"{"Effect":"Allow","Principal":"*","Action":"s3","Resource":"*"}"#.to_string(), "\"s3\""),
            (r#"{"Effect":"Allow","Principal":"*","Action":[],"Resource":"*"}"#.to_string(), "Action"),
            (r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"bucket"}"#.to_string(), "bucket"),
            (
                format!(r#"{{"Effect":"Allow",{base},"Condition":{{"NumericLessThan":{{"k":"1"}}}}}}"#),
                "unsupported condition operator NumericLessThan",
            ),
            (
                format!(r#"{{"Effect":"Allow",{base},"Condition":{{"ForAnyValue:StringLike":{{"k":"1"}}}}}}"#),
                "ForAnyValue:StringLike",
            ),
            (
                format!(r#"{{"Effect":"Allow",{base},"Condition":{{"NullIfExists":{{"k":"true"}}}}}}"#),
                "NullIfExists",
            ),
            (
                format!(r#"{{"Effect":"Allow",{base},"Condition":{{"IpAddress":{{"aws:SourceIp":"10.0.0.0/33"}}}}}}"#),
                "10.0.0.0/33",
            ),
            (
                format!(r#"{{"Effect":"Allow",{base},"Condition":{{"IpAddress":{{"aws:SourceIp":["10.0.0.0/8","10.0.0/8"]}}}}}}"#),
                "10.0.0/8",
            ),
            (
                format!(r#"{{"Effect":"Allow",{base},"Condition":{{"IpAddress":{{"aws:SourceIp":"10.0.0.0/"}}}}}}"#),
                "10.0.0.0/",
            ),
            (
                format!(r#"{{"Effect":"Allow",{base},"Condition":{{"Bool":{{"aws:SecureTransport":"yes"}}}}}}"#),
                "yes",
            ),
            (
                format!(r#"{{"Effect":"Allow",{base},"Condition":{{"StringEquals":{{"k":[]}}}}}}"#),
                "non-empty array",
            ),
            (format!(r#"{{"Effect":"Allow",{base},"Condition":{{"StringEquals":{{"k":{{}}}}}}}}"#), "values of"),
            (format!(r#"{{"Effect":"Allow",{base},"Action2":"*"}}"#), "unsupported element Action2"),
            (format!(r#"{{"Effect":"Allow",{base},"Sid":1}}"#), "Sid"),
        ] {
            let e = compile_err(&doc);
            assert_eq!(e.code, "InvalidPolicyDocument", "{doc}");
            assert!(e.message.contains(needle), "{doc}: {}", e.message);
        }
        let second = compile_err(&format!(
            r#"[{{"Effect":"Allow",{base}}},{{"Effect":"Nope",{base}}}]"#
        ));
        assert!(second.message.contains("Statement 1"), "{}", second.message);
        let version = CompiledPolicy::compile(&format!(
            r#"{{"Version":"2020-01-01","Statement":{{"Effect":"Allow",{base}}}}}"#
        ))
        .unwrap_err();
        assert!(version.message.contains("Version"));
    }

    #[test]
    fn oversize_and_malformed_text_is_refused() {
        let stmt = r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}"#;
        let fits = format!(r#"{{"Statement":{stmt}}}"#);
        let pad = " ".repeat(MAX_POLICY_CHARS - fits.chars().count());
        assert!(CompiledPolicy::compile(&format!("{fits}{pad}")).is_ok());
        let e = CompiledPolicy::compile(&format!("{fits}{pad} ")).unwrap_err();
        assert_eq!(e.code, "InvalidPolicyDocument");
        assert!(e.message.contains("20480"), "{}", e.message);
        for doc in ["", "{", "[]", r#"{"Statement":[]}"#, r#"{"Statement":"x"}"#] {
            assert_eq!(
                CompiledPolicy::compile(doc).unwrap_err().code,
                "InvalidPolicyDocument"
            );
        }
    }

    /// The reference: plain recursion over characters.
    fn naive(p: &[char], s: &[char]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some(('*', rest)) => (0..=s.len()).any(|k| naive(rest, &s[k..])),
            Some(('?', rest)) => !s.is_empty() && naive(rest, &s[1..]),
            Some((c, rest)) => s.first() == Some(c) && naive(rest, &s[1..]),
        }
    }

    fn kind(d: &Decision) -> u8 {
        match d {
            Decision::Allow { .. } => 0,
            Decision::ExplicitDeny { .. } => 1,
            Decision::ImplicitDeny => 2,
        }
    }

    fn statement_json() -> impl Strategy<Value = String> {
        (
            prop::bool::ANY,
            prop::sample::select(vec!["*", "s3:*", "s3:Get*", "s3:PutObject", "ec2:*"]),
            prop::bool::ANY,
            prop::sample::select(vec!["*", "arn:aws:s3:::a/*", "arn:aws:s3:::?/k", "arn:aws:s3:::b/k"]),
            prop::sample::select(vec![
                r#""*""#,
                r#"{"AWS":"111122223333"}"#,
                r#"{"AWS":"arn:aws:iam::999988887777:role/x"}"#,
            ]),
            prop::sample::select(vec![
                "",
                r#","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}"#,
                r#","Condition":{"StringNotLike":{"aws:SourceVpce":"vpce-*"}}"#,
                r#","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
            ]),
        )
            .prop_map(|(deny, action, not_action, resource, principal, condition)| {
                let effect = if deny { "Deny" } else { "Allow" };
                let a = if not_action { "NotAction" } else { "Action" };
                format!(
                    r#"{{"Effect":"{effect}","Principal":{principal},"{a}":"{action}","Resource":"{resource}"{condition}}}"#
                )
            })
    }

    proptest! {
        #[test]
        fn glob_agrees_with_the_naive_matcher(p in "[ab*?/é]{0,8}", s in "[ab*?/é]{0,10}") {
            let pc: Vec<char> = p.chars().collect();
            let sc: Vec<char> = s.chars().collect();
            let want = naive(&pc, &sc);
            prop_assert_eq!(glob(p.as_bytes(), s.as_bytes(), false), want);
            prop_assert_eq!(Pattern::new(&p).matches(&s, false), want);
            prop_assert_eq!(Pattern::new(&p).matches(&s.to_ascii_uppercase(), true), want);
            prop_assert_eq!(Pattern::new(&p.to_ascii_uppercase()).matches(&s, true), want);
        }

        #[test]
        fn statement_order_never_changes_the_kind_of_decision(
            (stmts, shuffled) in prop::collection::vec(statement_json(), 1..6)
                .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
            action in prop::sample::select(vec!["s3:GetObject", "s3:PutObject", "ec2:RunInstances"]),
            resource in prop::sample::select(vec!["arn:aws:s3:::a/k", "arn:aws:s3:::b/k", "arn:aws:s3:::c/k"]),
            who in prop::sample::select(vec![ROLE, "arn:aws:iam::999988887777:role/x"]),
            vpce in prop::option::of(prop::sample::select(vec!["vpce-1", "vpce-2"])),
            ip in prop::option::of(prop::sample::select(vec!["10.0.0.1", "192.0.2.1"])),
        ) {
            let a = policy(&format!("[{}]", stmts.join(",")));
            let b = policy(&format!("[{}]", shuffled.join(",")));
            let mut ctx = Vec::new();
            if let Some(v) = vpce { ctx.push(("aws:SourceVpce", v)); }
            if let Some(v) = ip { ctx.push(("aws:SourceIp", v)); }
            let r = Request { principal_arn: who, action, resource, context: &ctx };
            prop_assert_eq!(kind(&a.evaluate(&r)), kind(&b.evaluate(&r)));
        }
    }
    #[test]
    fn uses_condition_key_sees_keys_in_any_statement() {
        let p = CompiledPolicy::compile(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
               {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"NotIpAddress":{"AWS:SourceIP":"10.0.0.0/8"}}}]}"#,
        )
        .expect("valid");
        assert!(p.uses_condition_key("aws:SourceIp"));
        assert!(!p.uses_condition_key("aws:SourceVpce"));
        assert!(!CompiledPolicy::allow_all().uses_condition_key("aws:SourceIp"));
    }
}
