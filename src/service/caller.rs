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
        db::put_setting(store.writes(), ADMIN_SETTING, &hex::encode(hash)).await?;
        return Ok((hash, None));
    }
    let candidate = format!("lpadmin_{}", random_hex(24));
    let candidate_hash = sha256_hex(candidate.as_bytes());
    let stored = db::put_setting_if_absent(store.writes(), ADMIN_SETTING, &candidate_hash).await?;
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

// ---- SigV4 ----
//
// A key's access key id is its key id; its secret access key is its bearer
// secret. SigV4 needs the secret itself (the signing key is derived from it
// per day, region and service), so a key made while the server has a
// sealing key also stores the secret sealed under it
// (`crate::sealed`, AES-256-GCM bound to the key id). A front parses the
// signature from its request and builds the string to sign; the domain
// finds the key, opens its secret and checks the signature, reading one
// row by primary key: a revoked key fails on its next request on every
// replica, as a bearer secret does.

/// What a SigV4-signed request claims, as a front has parsed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub access_key_id: String,
    /// The credential scope's date, `YYYYMMDD`.
    pub date: String,
    pub region: String,
    pub service: String,
    /// `AWS4-HMAC-SHA256\n<timestamp>\n<scope>\n<hex SHA-256 of the canonical request>`.
    pub string_to_sign: String,
    /// The hex signature the client sent.
    pub signature: String,
}

/// The code of a signature that does not verify.
pub const SIGNATURE_DOES_NOT_MATCH: &str = "SignatureDoesNotMatch";

/// The message of an unknown or revoked key (EC2's wording; a front whose
/// protocol words it otherwise may replace exactly this one).
pub const UNKNOWN_KEY_MESSAGE: &str =
    "AWS was not able to validate the provided access credentials";

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    #[expect(clippy::expect_used, reason = "HMAC takes a key of any length")]
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// SigV4's signing key: `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
pub fn sigv4_signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, b"aws4_request")
}

/// The hex signature of `string_to_sign` under a signing key.
pub fn sigv4_signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(signing_key, string_to_sign.as_bytes()))
}

/// Inside the transaction that creates key `key_id`: keeps its secret
/// sealed for SigV4 when the server has a sealing key; without one the key
/// is a bearer secret only.
pub async fn seal_sigv4_secret(
    store: &Store,
    tx: &mut crate::store::Tx,
    key_id: &str,
    secret: &str,
) -> Result<(), Error> {
    let Some(key) = store.sealing_key() else {
        return Ok(());
    };
    let sealed = key.seal(key_id, secret).map_err(Error::internal)?;
    db::set_sigv4_secret(tx, key_id, &sealed).await?;
    Ok(())
}

/// Resolves a SigV4-signed request to its caller. Unknown, revoked and
/// unsealed keys answer `AuthFailure` (401); a wrong signature
/// `SignatureDoesNotMatch` (401). Fronts whose protocol names these
/// differently (STS: `InvalidClientTokenId`) rename them when rendering.
/// With an open account (the harness mode, [`crate::service::harness`]), a
/// key id the server has no row for acts as that account's root; a known
/// key, revoked or not, is checked as always.
pub async fn authenticate_signed(
    store: &Store,
    req: &SignedRequest,
    open_account: Option<&str>,
) -> Result<Caller, Error> {
    let unknown = || Error::unauthenticated(UNKNOWN_KEY_MESSAGE);
    let Some(row) = db::get_api_key_sigv4(store.pool(), &req.access_key_id).await? else {
        return match open_account {
            Some(account) => {
                crate::service::harness::open_root(store, account, &req.access_key_id).await
            }
            None => Err(unknown()),
        };
    };
    if row.revoked_at.is_some() {
        return Err(unknown());
    }
    let Some(sealed) = row.sigv4_secret_sealed else {
        return Err(Error::unauthenticated(format!(
            "the API key {} has no SigV4 secret: it was made before the server kept them, or while it had \
             no LINKPLANE_AWS_SECRETS_KEY; create a new key (POST /v1/api-keys) to use the AWS API",
            row.key_id
        )));
    };
    let Some(key) = store.sealing_key() else {
        return Err(Error::unauthenticated(
            "this server has no LINKPLANE_AWS_SECRETS_KEY, so it cannot verify SigV4 signatures",
        ));
    };
    let Some(secret) = key.open(&row.key_id, &sealed) else {
        tracing::warn!(key_id = %row.key_id, "a SigV4 secret does not open with the configured LINKPLANE_AWS_SECRETS_KEY (was the key changed?)");
        return Err(unknown());
    };
    let signing_key = sigv4_signing_key(&secret, &req.date, &req.region, &req.service);
    let expected = sigv4_signature(&signing_key, &req.string_to_sign);
    if !bool::from(expected.as_bytes().ct_eq(req.signature.as_bytes())) {
        return Err(Error::new(
            crate::error::ErrorKind::Unauthenticated,
            SIGNATURE_DOES_NOT_MATCH,
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ));
    }
    let principal = PrincipalArn::parse(&row.principal_arn).map_err(|_| unknown())?;
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

    /// AWS's worked example (General Reference, "Signing AWS requests with
    /// Signature Version 4": IAM ListUsers on 2015-08-30).
    #[test]
    fn signing_key_and_signature_match_aws_example() {
        let key = sigv4_signing_key(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20150830",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex::encode(key),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
        let sts = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n\
                   f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59";
        assert_eq!(
            sigv4_signature(&key, sts),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }

    #[test]
    fn generated_keys_carry_their_id() {
        let (id, secret) = generate_key();
        assert!(id.starts_with("LPAK") && id.len() == 20);
        assert_eq!(key_id_of(&secret), Some(id.as_str()));
        assert_eq!(key_id_of("lpadmin_abc"), None);
        assert_eq!(key_id_of("nonsense"), None);
    }
}
