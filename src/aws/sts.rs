//! STS `2011-06-15`: who is calling.

use crate::aws::{Action, Call, Service, query_response};
use crate::service::caller::Caller;
use linkplane_core::identity::PrincipalType;

pub const ACTIONS: &[Action] = &[Action {
    name: "GetCallerIdentity",
    handler: |c| Box::pin(get_caller_identity(c)),
}];

/// A stable IAM-style unique id for a principal (`AIDA...` for users,
/// `AROA...` for roles; the account id for a root, as AWS answers).
fn user_id(p: &crate::service::caller::PrincipalCaller) -> String {
    const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let prefix = match p.kind {
        PrincipalType::Root => return p.account_id.clone(),
        PrincipalType::User => "AIDA",
        PrincipalType::Role => "AROA",
    };
    let h = crate::util::sha256(p.arn.as_bytes());
    let tail: String = h
        .iter()
        .take(17)
        .map(|b| B32[(*b % 32) as usize] as char)
        .collect();
    format!("{prefix}{tail}")
}

async fn get_caller_identity(c: Call) -> crate::error::Result<String> {
    // STS has no DryRun: every parameter but Action and Version is unknown.
    c.params.finish()?;
    let Caller::Principal(p) = &c.caller else {
        return Err(crate::error::Error::forbidden(
            "the admin has no AWS identity; sign with an API key of a principal",
        ));
    };
    let (arn, account, uid) = (p.arn.clone(), p.account_id.clone(), user_id(p));
    Ok(query_response(Service::Sts, &c, |x| {
        x.text("Arn", &arn)
            .text("UserId", &uid)
            .text("Account", &account);
    }))
}
