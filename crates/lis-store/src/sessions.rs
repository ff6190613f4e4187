//! Server-side sessions: the cookie holds a random token, the database holds only its SHA-256 hash, so a copy of
//! the database does not let anyone take over a session.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::StoreError;
use crate::entity::{person, session};

/// How long sessions last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused for this long ends.
    pub idle: Duration,
    /// A session ends this long after sign-in, however busy.
    pub absolute: Duration,
    /// A session that only carries a sign-in in progress ends after this long.
    pub sign_in: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(30),
            absolute: Duration::hours(10),
            sign_in: Duration::minutes(10),
        }
    }
}

/// What a session carries besides its person.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionData {
    /// The token every form of this session must send back (CSRF protection).
    pub csrf_token: String,
    /// A sign-in in progress: what the callback must find again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_sign_in: Option<PendingSignIn>,
    /// The ID token of the sign-in, for the provider's end-session endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

/// The secrets of an authorization-code flow under way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSignIn {
    /// The `state` sent to the provider.
    pub state: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier.
    pub pkce_verifier: String,
    /// Where to go after signing in (a path on LIS).
    pub return_to: String,
}

/// A valid session, read from the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveSession {
    /// The hash of the token: the session's id.
    pub id: String,
    /// The signed-in person, or none during a sign-in.
    pub person: Option<person::Model>,
    /// The session's data.
    pub data: SessionData,
    /// When it was last used.
    pub last_seen_at: DateTime<Utc>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A new random token for a cookie: 32 bytes from the operating system, base64url without padding.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The session id for a token: its SHA-256, hex-encoded.
pub fn id_for_token(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// The SHA-256 of `bytes`, hex-encoded.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// `bytes` in lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a session and returns the token for the cookie. Anonymous sessions (a sign-in in progress) last
/// `policy.sign_in`; a person's session lasts `policy.absolute` at most.
pub async fn create(
    db: &impl ConnectionTrait,
    policy: &SessionPolicy,
    person_id: Option<i64>,
    data: &SessionData,
) -> Result<String, StoreError> {
    let token = new_token();
    let now = Utc::now();
    let lifetime = if person_id.is_some() {
        policy.absolute
    } else {
        policy.sign_in
    };
    session::ActiveModel {
        id: Set(id_for_token(&token)),
        person_id: Set(person_id),
        data: Set(serde_json::to_value(data)?),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + lifetime),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The session for a cookie's token, if it exists, has not expired or idled out, and its person is not disabled.
/// A session found expired is deleted.
pub async fn find(
    db: &impl ConnectionTrait,
    policy: &SessionPolicy,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<ActiveSession>, StoreError> {
    let id = id_for_token(token);
    let Some((found, person)) = session::Entity::find_by_id(id.clone())
        .find_also_related(person::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let idle_limit = if found.person_id.is_some() {
        policy.idle
    } else {
        policy.sign_in
    };
    let expired = now >= found.expires_at || now >= found.last_seen_at + idle_limit;
    if expired || person.as_ref().is_some_and(|p| p.disabled) {
        session::Entity::delete_by_id(id).exec(db).await?;
        return Ok(None);
    }
    let data = serde_json::from_value(found.data).unwrap_or_default();
    Ok(Some(ActiveSession {
        id: found.id,
        person,
        data,
        last_seen_at: found.last_seen_at,
        created_at: found.created_at,
    }))
}

/// Records that a session was used, at most once a minute, so that idle time counts from the last use.
pub async fn touch(db: &impl ConnectionTrait, session: &ActiveSession, now: DateTime<Utc>) -> Result<(), StoreError> {
    if now - session.last_seen_at < Duration::minutes(1) {
        return Ok(());
    }
    session::ActiveModel {
        id: Set(session.id.clone()),
        last_seen_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Replaces a session's data.
pub async fn save_data(db: &impl ConnectionTrait, id: &str, data: &SessionData) -> Result<(), StoreError> {
    session::ActiveModel {
        id: Set(id.to_owned()),
        data: Set(serde_json::to_value(data)?),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Deletes one session.
pub async fn delete(db: &impl ConnectionTrait, id: &str) -> Result<(), StoreError> {
    session::Entity::delete_by_id(id.to_owned()).exec(db).await?;
    Ok(())
}

/// Deletes every session of a person and says how many there were.
pub async fn delete_for_person(db: &impl ConnectionTrait, person_id: i64) -> Result<u64, StoreError> {
    let result = session::Entity::delete_many()
        .filter(session::Column::PersonId.eq(person_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// A person's sessions that have not expired, newest first.
pub async fn list_for_person(
    db: &impl ConnectionTrait,
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<session::Model>, StoreError> {
    Ok(session::Entity::find()
        .filter(session::Column::PersonId.eq(person_id))
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::CreatedAt)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_hash_is_stored() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43, "32 bytes in base64url");
        let id = id_for_token(&a);
        assert_eq!(id.len(), 64);
        assert_ne!(id, a);
        assert_eq!(id, id_for_token(&a));
    }
}
