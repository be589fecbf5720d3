//! Who is calling: API keys to principals, and the admin.
//!
//! A key's secret is `lp_<key_id>_<40 hex>`; the key id names the row, the
//! SHA-256 of the whole secret is stored and compared in constant time. The
//! secrets are 160 random bits, so a fast hash is enough (no password
//! stretching). Authentication reads one row by primary key and writes
//! nothing; a revoked key fails on its next request on every replica,
//! because every request reads the row. A front reads the secret from its
//! request (REST: `Authorization: Bearer`, in `api::auth`) and calls
//! [`authenticate`].

use crate::error::Error;
use crate::store::{Store, StoreError, identity as db};
use crate::util::{random_hex, sha256, sha256_hex};
use linkplane_core::identity::{PrincipalArn, PrincipalType};
use subtle::ConstantTimeEq;

const ADMIN_SETTING: &str = "admin_token_sha256";

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The holder of the admin secret: may create accounts and act on any.
    Admin,
    Principal(PrincipalCaller),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalCaller {
    pub account_id: String,
    pub arn: String,
    pub kind: PrincipalType,
    pub key_id: String,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        matches!(self, Caller::Admin)
    }

    pub fn account_id(&self) -> Option<&str> {
        match self {
            Caller::Admin => None,
            Caller::Principal(p) => Some(&p.account_id),
        }
    }

    /// May see the account's things: admin, or any principal of it.
    pub fn is_member_of(&self, account_id: &str) -> bool {
        match self {
            Caller::Admin => true,
            Caller::Principal(p) => p.account_id == account_id,
        }
    }

    /// May administer the account (principals, keys): admin or its root.
    /// Another principal of the account gets 403; anyone else 404, so that
    /// an account's existence does not leak.
    pub fn require_account_admin(&self, account_id: &str, not_found: Error) -> Result<(), Error> {
        match self {
            Caller::Admin => Ok(()),
            Caller::Principal(p) if p.account_id != account_id => Err(not_found),
            Caller::Principal(p) if p.kind == PrincipalType::Root => Ok(()),
            Caller::Principal(p) => Err(Error::forbidden(format!(
                "{} is not the root of account {account_id}; only the account's root or the admin may do this",
                p.arn
            ))),
        }
    }

    /// A stable scope for idempotency keys: the account, or `admin`.
    pub fn scope(&self) -> String {
        match self {
            Caller::Admin => "admin".to_string(),
            Caller::Principal(p) => p.account_id.clone(),
        }
    }
}

/// A new key id (`LPAK` + 16 characters, shaped like an AWS access key id)
/// and its secret.
pub fn generate_key() -> (String, String) {
    const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let id: String = (0..16)
        .map(|_| B32[rand::random::<u8>() as usize % 32] as char)
        .collect();
    let key_id = format!("LPAK{id}");
    let secret = format!("lp_{key_id}_{}", random_hex(20));
    (key_id, secret)
}

fn key_id_of(secret: &str) -> Option<&str> {
    let rest = secret.strip_prefix("lp_")?;
    let (key_id, _) = rest.split_once('_')?;
    Some(key_id)
}

/// Settles the admin secret at start. With `LINKPLANE_ADMIN_TOKEN` set, its
/// hash is stored and used. Without it, the first start generates a secret,
/// stores its hash and returns the secret so it can be printed once; later
/// starts use the stored hash.
pub async fn init_admin(
    store: &Store,
    configured: Option<&str>,
) -> Result<([u8; 32], Option<String>), StoreError> {
    if let Some(token) = configured {
        let hash = sha256(token.as_bytes());
        db::put_setting(store.pool(), ADMIN_SETTING, &hex::encode(hash)).await?;
        return Ok((hash, None));
    }
    let candidate = format!("lpadmin_{}", random_hex(24));
    let candidate_hash = sha256_hex(candidate.as_bytes());
    let stored = db::put_setting_if_absent(store.pool(), ADMIN_SETTING, &candidate_hash).await?;
    let mut hash = [0u8; 32];
    hex::decode_to_slice(&stored, &mut hash)
        .map_err(|_| StoreError::Other("stored admin token hash is not hex".to_string()))?;
    let generated = (stored == candidate_hash).then_some(candidate);
    Ok((hash, generated))
}

/// Resolves a bearer secret to its caller.
pub async fn authenticate(
    store: &Store,
    admin_sha256: &[u8; 32],
    secret: &str,
) -> Result<Caller, Error> {
    let invalid = || Error::unauthenticated("the bearer token is not valid");
    let presented = sha256(secret.as_bytes());
    if bool::from(presented.ct_eq(admin_sha256)) {
        return Ok(Caller::Admin);
    }
    let key_id = key_id_of(secret).ok_or_else(invalid)?;
    let row = db::get_api_key(store.pool(), key_id)
        .await?
        .ok_or_else(invalid)?;
    let mut stored = [0u8; 32];
    hex::decode_to_slice(&row.secret_sha256, &mut stored).map_err(|_| invalid())?;
    if !bool::from(presented.ct_eq(&stored)) {
        return Err(invalid());
    }
    if row.revoked_at.is_some() {
        return Err(Error::unauthenticated("the API key has been revoked"));
    }
    let principal = PrincipalArn::parse(&row.principal_arn).map_err(|_| invalid())?;
    Ok(Caller::Principal(PrincipalCaller {
        account_id: row.account_id,
        arn: row.principal_arn,
        kind: principal.kind,
        key_id: row.key_id,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_carry_their_id() {
        let (id, secret) = generate_key();
        assert!(id.starts_with("LPAK") && id.len() == 20);
        assert_eq!(key_id_of(&secret), Some(id.as_str()));
        assert_eq!(key_id_of("lpadmin_abc"), None);
        assert_eq!(key_id_of("nonsense"), None);
    }
}
