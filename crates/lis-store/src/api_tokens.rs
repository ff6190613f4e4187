//! API tokens: an administrator issues a token for one role; the secret (`lis_` and 32 random bytes, base64url) is
//! shown once and only its SHA-256 is stored, so a copy of the database lets nobody use the API. A request is
//! authenticated by looking the hash up, so no secret is ever compared. Tokens can be revoked, may expire, and stop
//! working when the administrator who issued them is disabled. Issuing and revoking are audited in their
//! transaction.

use chrono::{DateTime, Duration, Utc};
use lis_domain::{AuditAction, Principal, Role, SubjectRef};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::entity::{api_token, person};
use crate::sessions;

/// What every secret starts with, so that it can be recognised (by people and by secret scanners).
pub const SECRET_PREFIX: &str = "lis_";

/// How many characters of the secret are kept to recognise it: `lis_` and the first eight random characters.
const SHOWN_PREFIX_CHARS: usize = 12;

/// How often the time of last use is written: more often would make every API request a write.
const LAST_USED_PRECISION: Duration = Duration::minutes(1);

/// A token to issue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewToken {
    /// What it is for, as the administrator names it (checked by the caller).
    pub name: String,
    /// The one role it holds, for the whole organisation.
    pub role: Role,
    /// When it stops working by itself, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A token just issued: the stored record and the secret, which exists nowhere else and is never shown again.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// The stored token.
    pub token: api_token::Model,
    /// The secret to give to the API client.
    pub secret: String,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("token", &self.token)
            .field("secret", &"<hidden>")
            .finish()
    }
}

/// A request's token, found valid: the token and how the authorization function sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authenticated {
    /// The token.
    pub token: api_token::Model,
    /// Its one role, organisation-wide, issued by `token.created_by`.
    pub principal: Principal,
}

/// The stored form of a secret: its SHA-256, hex-encoded.
pub fn hash(secret: &str) -> String {
    sessions::id_for_token(secret)
}

/// Issues a token and records it in the audit trail (never the secret or its hash).
#[tracing::instrument(skip_all, err, fields(role = %new.role))]
pub async fn issue(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    issued_by: i64,
    new: NewToken,
) -> Result<IssuedToken, StoreError> {
    let secret = format!("{SECRET_PREFIX}{}", sessions::new_token());
    let now = Utc::now();
    let token = api_token::ActiveModel {
        organisation_id: Set(organisation_id),
        name: Set(new.name),
        role: Set(new.role.as_str().to_owned()),
        token_hash: Set(hash(&secret)),
        token_prefix: Set(secret.chars().take(SHOWN_PREFIX_CHARS).collect()),
        created_by: Set(issued_by),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
        expires_at: Set(new.expires_at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let after = json!({
        "name": token.name,
        "role": token.role,
        "prefix": token.token_prefix,
        "expires_at": token.expires_at,
    });
    audit::append(
        txn,
        ctx,
        Change::created(Some(organisation_id), SubjectRef::new("api_token", token.id), after),
    )
    .await?;
    Ok(IssuedToken { token, secret })
}

/// Every token of the organisation, newest first.
pub async fn list(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Vec<api_token::Model>, StoreError> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?)
}

/// One token of the organisation, or [`StoreError::NotFound`].
pub async fn get(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    token_id: i64,
) -> Result<api_token::Model, StoreError> {
    api_token::Entity::find_by_id(token_id)
        .filter(api_token::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            kind: "api_token",
            id: token_id.to_string(),
        })
}

/// Revokes a token: it stops working at once and stays in the list. Revoking it again changes nothing.
#[tracing::instrument(skip_all, err, fields(token.id = token_id))]
pub async fn revoke(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    token_id: i64,
) -> Result<api_token::Model, StoreError> {
    let existing = get(txn, organisation_id, token_id).await?;
    if existing.revoked_at.is_some() {
        return Ok(existing);
    }
    let now = Utc::now();
    let revoked = api_token::ActiveModel {
        id: Set(token_id),
        revoked_at: Set(Some(now)),
        ..Default::default()
    }
    .update(txn)
    .await?;
    let change = Change {
        organisation_id: Some(organisation_id),
        action: AuditAction::Retire,
        subject: SubjectRef::new("api_token", token_id),
        before: Some(json!({ "name": existing.name, "revoked_at": null })),
        after: Some(json!({ "name": existing.name, "revoked_at": now })),
    };
    audit::append(txn, ctx, change).await?;
    Ok(revoked)
}

/// The token a request presents, if it is valid at `now`: known, not revoked, not expired, of a known role, and
/// issued by a person of its organisation who is not disabled. Notes the time of use (to the minute).
pub async fn authenticate(
    db: &impl ConnectionTrait,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<Authenticated>, StoreError> {
    // Anything that cannot be a secret of ours is not looked up (and long junk is not hashed).
    if !secret.starts_with(SECRET_PREFIX) || secret.len() > 100 {
        return Ok(None);
    }
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash(secret)))
        .find_also_related(person::Entity)
        .one(db)
        .await?;
    let Some((token, Some(issuer))) = found else {
        return Ok(None);
    };
    let usable = token.revoked_at.is_none()
        && token.expires_at.is_none_or(|expires| expires > now)
        && !issuer.disabled
        && issuer.organisation_id == token.organisation_id;
    if !usable {
        return Ok(None);
    }
    let Ok(role) = token.role.parse::<Role>() else {
        tracing::warn!(token.id = token.id, "ignoring a token with an unknown stored role");
        return Ok(None);
    };
    if token.last_used_at.is_none_or(|used| now - used >= LAST_USED_PRECISION) {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(token.id))
            .exec(db)
            .await?;
    }
    let principal = Principal::for_token(token.created_by, role);
    Ok(Some(Authenticated { token, principal }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_hex_sha256() {
        let hashed = hash("lis_abc");
        assert_eq!(hashed.len(), 64);
        assert!(hashed.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(hashed, hash("lis_abd"));
    }

    #[test]
    fn issued_tokens_do_not_show_their_secret_in_debug_output() {
        let issued = IssuedToken {
            token: api_token::Model {
                id: 1,
                organisation_id: 1,
                name: "n".into(),
                role: "it".into(),
                token_hash: String::new(),
                token_prefix: "lis_abcdefgh".into(),
                created_by: 1,
                created_at: Utc::now(),
                last_used_at: None,
                revoked_at: None,
                expires_at: None,
            },
            secret: "lis_very-secret".into(),
        };
        assert!(!format!("{issued:?}").contains("very-secret"));
    }
}
