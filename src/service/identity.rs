//! Accounts, principals and API keys.

use super::caller::{Caller, generate_key};
use super::{
    Created, Idempotency, Precondition, render_one, render_tagged, unknown_stored, values,
};
use crate::create_once;
use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::store::identity::{
    self as db, AccountFilter, AccountRow, ApiKeyFilter, ApiKeyRow, PrincipalRow,
};
use crate::store::tags::{self, TagFilter, Tags};
use crate::store::{Store, StoreError, now_ms};
use crate::transaction;
use crate::util::{sha256_hex, timestamp};
use linkplane_core::identity::{
    PrincipalArn, PrincipalType, format_account_id, is_valid_account_id,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// ---- wire types ----

/// An account: the unit of tenancy, like an AWS account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Account {
    /// 12-digit account id.
    #[schema(example = "111122223333")]
    pub account_id: String,
    #[schema(example = "producer")]
    pub name: String,
    /// The ARN of the account's root principal, created with the account.
    #[schema(example = "arn:aws:iam::111122223333:root")]
    pub root_principal_arn: String,
    #[schema(example = "2026-11-22T10:00:00.000Z")]
    pub creation_timestamp: String,
    pub tags: Tags,
}

/// `POST /v1/accounts`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccountRequest {
    /// A 12-digit id to use; one is generated when absent.
    #[schema(value_type = Option<schema::AccountId>)]
    pub account_id: Option<String>,
    /// A display name: 1 to 128 characters, no control characters.
    #[schema(
        example = "producer",
        min_length = 1,
        max_length = 128,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub name: String,
    pub tags: Option<Tags>,
}

/// `PATCH /v1/accounts/{account_id}`: only the fields to change.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccountRequest {
    /// 1 to 128 characters, no control characters.
    #[schema(
        min_length = 1,
        max_length = 128,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub name: Option<String>,
    /// Replaces every tag of the account.
    pub tags: Option<Tags>,
}

/// A principal: an account's root, an IAM user or an IAM role.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Principal {
    #[schema(example = "arn:aws:iam::111122223333:user/alice")]
    pub arn: String,
    #[schema(example = "111122223333")]
    pub account_id: String,
    pub principal_type: PrincipalKind,
    /// The user or role name, without its path; `root` for the root.
    #[schema(example = "alice")]
    pub name: String,
    /// The IAM path: `/` unless one was given, like `/division/`.
    #[schema(example = "/")]
    pub path: String,
    pub creation_timestamp: String,
}

/// The kind of a principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    Root,
    User,
    Role,
}

impl From<PrincipalType> for PrincipalKind {
    fn from(t: PrincipalType) -> Self {
        match t {
            PrincipalType::Root => PrincipalKind::Root,
            PrincipalType::User => PrincipalKind::User,
            PrincipalType::Role => PrincipalKind::Role,
        }
    }
}

impl From<PrincipalKind> for PrincipalType {
    fn from(t: PrincipalKind) -> Self {
        match t {
            PrincipalKind::Root => PrincipalType::Root,
            PrincipalKind::User => PrincipalType::User,
            PrincipalKind::Role => PrincipalType::Role,
        }
    }
}

/// The kinds of principal `POST /v1/accounts/{account_id}/principals` makes
/// (the schema of [`CreatePrincipalRequest::type`]; it parses as a
/// [`PrincipalKind`] and refuses `root`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NewPrincipalKind {
    User,
    Role,
}

/// `POST /v1/accounts/{account_id}/principals`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePrincipalRequest {
    /// `user` or `role` (an account has exactly one root, made with it).
    #[schema(value_type = NewPrincipalKind)]
    pub r#type: PrincipalKind,
    /// The IAM name: 1 to 64 characters of letters, digits and `+=,.@_-`
    /// (no `/`: a path is given in `path`). Unique in the account among
    /// principals of its type, whatever their paths.
    #[schema(value_type = schema::IamName)]
    pub name: String,
    /// The IAM path, `/` (the default) or `/` + printable characters + `/`
    /// (`/division/`): the ARN becomes `...:user/division/alice`.
    #[schema(value_type = Option<schema::IamPath>)]
    pub path: Option<String>,
}

/// `POST /v1/api-keys`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    /// The principal the key acts as.
    #[schema(value_type = schema::PrincipalArn)]
    pub principal_arn: String,
}

/// An API key as listed: never its secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiKey {
    #[schema(example = "LPAKQ2ZKX7NWJ4M5T6R3")]
    pub key_id: String,
    pub principal_arn: String,
    pub account_id: String,
    pub creation_timestamp: String,
}

/// A new API key with its secret, shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiKeyWithSecret {
    /// The key's id; also its AWS access key id (SigV4, the AWS front).
    #[schema(example = "LPAKQ2ZKX7NWJ4M5T6R3")]
    pub key_id: String,
    pub principal_arn: String,
    pub account_id: String,
    pub creation_timestamp: String,
    /// The bearer secret. It is stored only as a hash and never shown again;
    /// an idempotent replay of the create answers `null` here. It is also
    /// the AWS secret access key (with `key_id` as the access key id) when
    /// the server has `LINKPLANE_AWS_SECRETS_KEY`: SigV4 needs the secret
    /// itself, so it is then also kept encrypted (AES-256-GCM) under that key.
    #[schema(example = "lp_LPAKQ2ZKX7NWJ4M5T6R3_0123456789abcdef0123456789abcdef01234567")]
    pub secret: Option<String>,
    /// The AWS access key id of SigV4 on the AWS front (the key id), or
    /// `null` when the key has no SigV4 secret (made while the server had no
    /// `LINKPLANE_AWS_SECRETS_KEY`: a bearer secret only).
    #[schema(example = "LPAKQ2ZKX7NWJ4M5T6R3")]
    pub aws_access_key_id: Option<String>,
    /// The AWS secret access key (the bearer secret itself), shown this
    /// once beside it; `null` on a replay, or when the key has no SigV4 secret.
    #[schema(example = "lp_LPAKQ2ZKX7NWJ4M5T6R3_0123456789abcdef0123456789abcdef01234567")]
    pub aws_secret_access_key: Option<String>,
}

/// `GET /v1/whoami`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WhoAmI {
    /// The caller's account; `null` for the admin.
    #[schema(example = "111122223333")]
    pub account_id: Option<String>,
    /// The caller's principal ARN; `null` for the admin.
    #[schema(example = "arn:aws:iam::111122223333:user/alice")]
    pub principal_arn: Option<String>,
    /// `root`, `user`, `role`, or `admin`.
    #[schema(example = "user")]
    pub principal_type: String,
    /// The API key in use; `null` for the admin secret.
    pub key_id: Option<String>,
}

pub use super::Versioned;

fn account_not_found(id: &str) -> Error {
    Error::not_found(
        "InvalidAccountID.NotFound",
        format!("The account '{id}' does not exist"),
    )
}

pub(crate) fn root_arn(account_id: &str) -> String {
    format!("arn:aws:iam::{account_id}:root")
}

async fn accounts_of(store: &Store, rows: Vec<AccountRow>) -> Result<Vec<Versioned<Account>>> {
    render_tagged(store, rows, |r| r.account_id.as_str(), account_of).await
}

fn account_of(row: AccountRow, tags: Tags) -> Versioned<Account> {
    Versioned {
        version: row.version,
        value: Account {
            root_principal_arn: root_arn(&row.account_id),
            account_id: row.account_id,
            name: row.name,
            creation_timestamp: timestamp(row.created_at),
            tags,
        },
    }
}

/// A stored principal; a `principals.principal_type` other than root, user
/// or role is an internal error naming the column, never a user.
fn principal_of(row: PrincipalRow) -> Result<Principal> {
    let kind = PrincipalType::parse(&row.principal_type).ok_or_else(|| {
        unknown_stored(
            "principals.principal_type",
            "a principal type",
            &row.principal_type,
        )
    })?;
    // The ARN carries the path (and, for principals made before names and
    // paths were separate, the name after the last `/`).
    let (path, name) = match PrincipalArn::parse(&row.arn) {
        Ok(p) => (p.path, p.name),
        Err(_) => (linkplane_core::identity::ROOT_PATH.to_string(), row.name),
    };
    Ok(Principal {
        arn: row.arn,
        account_id: row.account_id,
        principal_type: kind.into(),
        name: if kind == PrincipalType::Root {
            "root".to_string()
        } else {
            name
        },
        path,
        creation_timestamp: timestamp(row.created_at),
    })
}

fn api_key_of(row: ApiKeyRow) -> ApiKey {
    ApiKey {
        key_id: row.key_id,
        principal_arn: row.principal_arn,
        account_id: row.account_id,
        creation_timestamp: timestamp(row.created_at),
    }
}

fn validate_name(name: &str) -> Result<()> {
    let n = name.chars().count();
    if n == 0 || n > 128 || linkplane_core::text::forbidden_char(name, false).is_some() {
        return Err(Error::invalid_value(
            "name: must be 1 to 128 characters without control characters",
        ));
    }
    Ok(())
}

// ---- accounts ----

pub async fn create_account(
    store: &Store,
    caller: &Caller,
    req: CreateAccountRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<Account>>> {
    let idem = Idempotency::new(caller, idempotency_key, "CreateAccount", &req);
    if !caller.is_admin() {
        return Err(Error::forbidden("only the admin may create accounts"));
    }
    validate_name(&req.name)?;
    if let Some(id) = &req.account_id
        && !is_valid_account_id(id)
    {
        return Err(Error::validation(
            "InvalidAccountID.Malformed",
            format!("account_id: '{id}' is not a 12-digit account id"),
        ));
    }
    let tags = req.tags.clone().unwrap_or_default();
    linkplane_core::tags::validate_tags(&tags)?;
    let account_id = &req
        .account_id
        .clone()
        .unwrap_or_else(|| format_account_id(rand::random()));
    let (req, tags) = (&req, &tags);
    let created = create_once!(store, idem.as_ref(), key_first = account_id, |tx| {
        let now = now_ms();
        let row = AccountRow {
            account_id: account_id.clone(),
            name: req.name.clone(),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        match db::insert_account(tx, &row).await {
            Err(StoreError::Conflict(_)) => {
                return Err(Error::conflict(
                    "AccountAlreadyExists",
                    format!("an account with id '{account_id}' already exists"),
                ));
            }
            other => other?,
        }
        db::insert_principal(
            tx,
            &PrincipalRow {
                arn: root_arn(account_id),
                account_id: account_id.clone(),
                principal_type: "root".to_string(),
                name: String::new(),
                created_at: now,
            },
        )
        .await?;
        tags::replace(tx, account_id, account_id, tags).await?;
        Ok(account_id.clone())
    })?;
    created
        .load(|id| async move { get_account(store, caller, &id).await })
        .await
}

pub async fn get_account(
    store: &Store,
    caller: &Caller,
    account_id: &str,
) -> Result<Versioned<Account>> {
    if !caller.is_member_of(account_id) {
        return Err(account_not_found(account_id));
    }
    let row = db::get_account(store.pool(), account_id).await?;
    render_one(
        row,
        |rows| accounts_of(store, rows),
        || account_not_found(account_id),
    )
    .await
}

/// Filters of `GET /v1/accounts`.
#[derive(Debug, Default, Clone)]
pub struct ListAccounts {
    pub name: Option<String>,
    pub tags: Vec<TagFilter>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_accounts(
    store: &Store,
    caller: &Caller,
    q: ListAccounts,
) -> Result<(Vec<Account>, Option<String>)> {
    let filter = AccountFilter {
        account_id: caller.account_id().map(str::to_string),
        name: q.name,
        tags: q.tags,
    };
    pagination::list(
        "accounts",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move { db::list_accounts(store.pool(), &filter, &spec).await },
        |rows| values(accounts_of(store, rows)),
    )
    .await
}

/// Renames or retags an account: the admin or the account's root. With
/// `precondition`, only if the account is still at that version.
pub async fn update_account(
    store: &Store,
    caller: &Caller,
    account_id: &str,
    req: UpdateAccountRequest,
    precondition: &Precondition,
) -> Result<Versioned<Account>> {
    caller.require_account_admin(account_id, account_not_found(account_id))?;
    if let Some(n) = &req.name {
        validate_name(n)?;
    }
    if let Some(t) = &req.tags {
        linkplane_core::tags::validate_tags(t)?;
    }
    let req = &req;
    transaction!(store, |tx| {
        let row = db::get_account(&mut **tx, account_id)
            .await?
            .ok_or_else(|| account_not_found(account_id))?;
        precondition.check_version(row.version)?;
        let now = now_ms();
        let name = req.name.clone().unwrap_or(row.name);
        if !db::update_account(tx, account_id, &name, row.version, now).await? {
            return Err(Error::contention(
                "the account changed while this update ran".to_string(),
            ));
        }
        if let Some(t) = &req.tags {
            tags::replace(tx, account_id, account_id, t).await?;
        }
        Ok(())
    })?;
    get_account(store, caller, account_id).await
}

// ---- principals ----

pub async fn create_principal(
    store: &Store,
    caller: &Caller,
    account_id: &str,
    req: CreatePrincipalRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Principal>> {
    let idem = Idempotency::new(
        caller,
        idempotency_key,
        "CreatePrincipal",
        &(account_id, &req),
    );
    caller.require_account_admin(account_id, account_not_found(account_id))?;
    if req.r#type == PrincipalKind::Root {
        return Err(Error::invalid_value(
            "type: an account has exactly one root, created with the account; use user or role",
        ));
    }
    let path = req
        .path
        .as_deref()
        .unwrap_or(linkplane_core::identity::ROOT_PATH);
    let principal = PrincipalArn::with_path(account_id, req.r#type.into(), path, &req.name)?;
    let arn = principal.arn();
    let (arn, principal) = (&arn, &principal);
    let created = create_once!(store, idem.as_ref(), key_first = arn, |tx| {
        if db::get_account(&mut **tx, account_id).await?.is_none() {
            return Err(account_not_found(account_id));
        }
        let row = PrincipalRow {
            arn: arn.to_string(),
            account_id: account_id.to_string(),
            principal_type: principal.kind.as_str().to_string(),
            name: principal.name.clone(),
            created_at: now_ms(),
        };
        match db::insert_principal(tx, &row).await {
            Err(StoreError::Conflict(_)) => {
                return Err(Error::conflict(
                    "EntityAlreadyExists",
                    format!(
                        "a {} named {} already exists in account {account_id} (IAM names are unique whatever the path)",
                        principal.kind.as_str(),
                        principal.name
                    ),
                ));
            }
            other => other?,
        }
        Ok(arn.to_string())
    })?;
    created
        .load(|arn| async move {
            let row = db::get_principal(store.pool(), &arn)
                .await?
                .ok_or(StoreError::NotFound)?;
            principal_of(row)
        })
        .await
}

pub async fn list_principals(
    store: &Store,
    caller: &Caller,
    account_id: &str,
    principal_type: Option<PrincipalKind>,
    max_results: Option<u32>,
    next_token: Option<&str>,
) -> Result<(Vec<Principal>, Option<String>)> {
    if !caller.is_member_of(account_id) {
        return Err(account_not_found(account_id));
    }
    let kind = principal_type.map(|k| PrincipalType::from(k).as_str());
    pagination::list(
        "principals",
        max_results,
        next_token,
        |spec| async move {
            if db::get_account(store.pool(), account_id).await?.is_none() {
                return Err(account_not_found(account_id));
            }
            Ok(db::list_principals(store.pool(), account_id, kind, &spec).await?)
        },
        |rows| async { rows.into_iter().map(principal_of).collect() },
    )
    .await
}

// ---- API keys ----

/// Makes a key for a principal: the admin for anyone, an account's root for
/// its own account's principals.
pub async fn create_api_key(
    store: &Store,
    caller: &Caller,
    req: CreateApiKeyRequest,
    idempotency_key: Option<String>,
) -> Result<Created<ApiKeyWithSecret>> {
    let idem = Idempotency::new(caller, idempotency_key, "CreateApiKey", &req);
    let principal = PrincipalArn::parse(&req.principal_arn).map_err(|e| {
        Error::validation(
            "InvalidParameterValue",
            format!("principal_arn: {}", e.message),
        )
    })?;
    match caller {
        Caller::Admin => {}
        Caller::Principal(p)
            if p.kind == PrincipalType::Root && p.account_id == principal.account_id => {}
        Caller::Principal(p) => {
            return Err(Error::forbidden(format!(
                "{} may not create keys for {}: only the admin, or the root of the principal's account, may",
                p.arn, req.principal_arn
            )));
        }
    }
    let (key_id, secret) = generate_key();
    let (req, principal, key_id) = (&req, &principal, &key_id);
    let created = create_once!(store, idem.as_ref(), key_first = key_id, |tx| {
        if db::get_principal(&mut **tx, &req.principal_arn)
            .await?
            .is_none()
        {
            return Err(Error::validation(
                "InvalidPrincipal.NotFound",
                format!(
                    "principal_arn: the principal {} does not exist",
                    req.principal_arn
                ),
            ));
        }
        let row = ApiKeyRow {
            key_id: key_id.clone(),
            principal_arn: req.principal_arn.clone(),
            account_id: principal.account_id.clone(),
            secret_sha256: sha256_hex(secret.as_bytes()),
            created_at: now_ms(),
            revoked_at: None,
        };
        db::insert_api_key(tx, &row).await?;
        super::caller::seal_sigv4_secret(store, tx, key_id, &secret).await?;
        Ok(key_id.clone())
    })?;
    // The secret is shown once, by the request that made the key.
    let secret = matches!(created, Created::New(_)).then_some(secret);
    created
        .load(|key_id| async move {
            let row = db::get_api_key(store.pool(), &key_id)
                .await?
                .ok_or(StoreError::NotFound)?;
            let sigv4 = db::get_api_key_sigv4(store.pool(), &key_id)
                .await?
                .is_some_and(|r| r.sigv4_secret_sealed.is_some());
            let k = api_key_of(row);
            Ok(ApiKeyWithSecret {
                aws_access_key_id: sigv4.then(|| k.key_id.clone()),
                aws_secret_access_key: secret.clone().filter(|_| sigv4),
                key_id: k.key_id,
                principal_arn: k.principal_arn,
                account_id: k.account_id,
                creation_timestamp: k.creation_timestamp,
                secret,
            })
        })
        .await
}

fn key_not_found(key_id: &str) -> Error {
    Error::not_found(
        "InvalidApiKeyID.NotFound",
        format!("The API key '{key_id}' does not exist"),
    )
}

/// Revokes a key: the admin, the root of the key's account, or the key's
/// own principal. It stops working on the next request, on every replica.
pub async fn revoke_api_key(store: &Store, caller: &Caller, key_id: &str) -> Result<()> {
    transaction!(store, |tx| {
        let row = db::get_api_key(&mut **tx, key_id)
            .await?
            .filter(|r| r.revoked_at.is_none())
            .ok_or_else(|| key_not_found(key_id))?;
        match caller {
            Caller::Admin => {}
            Caller::Principal(p) if p.account_id != row.account_id => {
                return Err(key_not_found(key_id));
            }
            Caller::Principal(p) if p.kind == PrincipalType::Root || p.arn == row.principal_arn => {
            }
            Caller::Principal(p) => {
                return Err(Error::forbidden(format!(
                    "{} may not revoke keys of {}",
                    p.arn, row.principal_arn
                )));
            }
        }
        db::revoke_api_key(tx, key_id, now_ms()).await?;
        Ok(())
    })?;
    Ok(())
}

/// Active keys the caller may see: all for the admin (optionally one
/// account's), the account's for its root, a user's or role's own.
pub async fn list_api_keys(
    store: &Store,
    caller: &Caller,
    account_id: Option<String>,
    max_results: Option<u32>,
    next_token: Option<&str>,
) -> Result<(Vec<ApiKey>, Option<String>)> {
    let filter = match caller {
        Caller::Admin => ApiKeyFilter {
            account_id,
            principal_arn: None,
        },
        Caller::Principal(p) => ApiKeyFilter {
            account_id: Some(p.account_id.clone()),
            principal_arn: (p.kind != PrincipalType::Root).then(|| p.arn.clone()),
        },
    };
    pagination::list(
        "api-keys",
        max_results,
        next_token,
        |spec| async move { db::list_api_keys(store.pool(), &filter, &spec).await },
        pagination::each(api_key_of),
    )
    .await
}

pub fn whoami(caller: &Caller) -> WhoAmI {
    match caller {
        Caller::Admin => WhoAmI {
            account_id: None,
            principal_arn: None,
            principal_type: "admin".to_string(),
            key_id: None,
        },
        Caller::Principal(p) => WhoAmI {
            account_id: Some(p.account_id.clone()),
            principal_arn: Some(p.arn.clone()),
            principal_type: p.kind.as_str().to_string(),
            key_id: Some(p.key_id.clone()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn a_stored_principal_type_is_read_typed_and_unknown_text_is_an_error() {
        let row = |t: &str| PrincipalRow {
            arn: "arn:aws:iam::111122223333:role/app".to_string(),
            account_id: "111122223333".to_string(),
            principal_type: t.to_string(),
            name: "app".to_string(),
            created_at: 0,
        };
        let p = principal_of(row("role")).ok();
        assert_eq!(
            p.map(|p| (p.principal_type, p.name)),
            Some((PrincipalKind::Role, "app".to_string()))
        );
        let e = principal_of(row("group")).err();
        assert_eq!(
            e.as_ref().map(|e| (e.kind, &*e.message)),
            Some((
                ErrorKind::Internal,
                "principals.principal_type: 'group' is not a principal type"
            ))
        );
    }
}
