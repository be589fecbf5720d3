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

mod compile;
use compile::compile_statement;

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

#[cfg(test)]
mod tests;
