//! Appending to the audit trail, inside the transaction of the change it records.

use chrono::Utc;
use lis_domain::{Actor, AuditAction, SubjectRef};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryOrder};
use serde_json::Value;

use crate::StoreError;
use crate::entity::audit_event;

/// Who is changing data, and through which request: passed to every service that writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeContext {
    /// The person or part of LIS that acts.
    pub actor: Actor,
    /// The HTTP request id, when the change comes through the web.
    pub request_id: Option<String>,
}

impl ChangeContext {
    /// A change made by a person, through the request with `request_id` when there is one.
    pub fn person(person_id: i64, request_id: Option<String>) -> Self {
        Self {
            actor: Actor::Person(person_id),
            request_id,
        }
    }

    /// A change made through the API with a token, through the request with `request_id` when there is one. The
    /// trail names the token (`token:<id>`) and, as the person accountable, the administrator who issued it.
    pub fn token(token_id: i64, issued_by: i64, request_id: Option<String>) -> Self {
        Self {
            actor: Actor::Token {
                id: token_id,
                issued_by,
            },
            request_id,
        }
    }

    /// A change made by LIS itself, such as the demo loader.
    pub fn system(part: &'static str) -> Self {
        Self {
            actor: Actor::System(part),
            request_id: None,
        }
    }
}

/// One change to record: what happened to which record, with its state before and after.
#[derive(Clone, Debug)]
pub struct Change {
    /// The organisation the record belongs to, when it belongs to one.
    pub organisation_id: Option<i64>,
    /// What was done.
    pub action: AuditAction,
    /// The record.
    pub subject: SubjectRef,
    /// The record's state before the change (none for a creation).
    pub before: Option<Value>,
    /// The record's state after the change.
    pub after: Option<Value>,
}

impl Change {
    /// The creation of `subject`, with its state after.
    pub fn created(organisation_id: Option<i64>, subject: SubjectRef, after: Value) -> Self {
        Self {
            organisation_id,
            action: AuditAction::Create,
            subject,
            before: None,
            after: Some(after),
        }
    }
}

/// Appends one event to the audit trail in the given transaction.
///
/// Taking a transaction, not a connection, is deliberate: the event must commit or roll back with its change.
pub async fn append(txn: &DatabaseTransaction, ctx: &ChangeContext, change: Change) -> Result<(), StoreError> {
    event(ctx, change, Utc::now()).insert(txn).await?;
    Ok(())
}

/// Appends the events of many changes made by one command, in order, with multi-row inserts: what an import or a
/// recomputation of levels writes.
pub async fn append_many(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    changes: Vec<Change>,
) -> Result<(), StoreError> {
    let backend = txn.get_database_backend();
    let occurred_at = Utc::now();
    let actor = ctx.actor.to_string();
    let actor_person_id = ctx.actor.person_id();
    // A snapshot goes as text, serialised once (see `rows::insert`).
    let snapshot = |value: Option<Value>| -> Result<sea_orm::Value, StoreError> {
        let text = value.map(|value| serde_json::to_string(&value)).transpose();
        Ok(text.map_err(|error| sea_orm::DbErr::Custom(error.to_string()))?.into())
    };
    let mut changes = changes.into_iter().peekable();
    while changes.peek().is_some() {
        let batch: Vec<Change> = changes.by_ref().take(EVENTS_PER_INSERT).collect();
        let mut values = Vec::with_capacity(batch.len() * EVENT_COLUMNS.len());
        for change in batch {
            values.extend([
                change.organisation_id.into(),
                occurred_at.into(),
                actor.clone().into(),
                actor_person_id.into(),
                change.action.as_str().into(),
                change.subject.kind.into(),
                change.subject.id.into(),
                snapshot(change.before)?,
                snapshot(change.after)?,
                ctx.request_id.clone().into(),
            ]);
        }
        let statement = crate::rows::insert(
            backend,
            "audit_event",
            &EVENT_COLUMNS,
            &["before", "after"],
            values,
            &[],
        );
        txn.execute_raw(statement).await?;
    }
    Ok(())
}

/// Events per statement: ten values each, well under the databases' limits on bound values.
const EVENTS_PER_INSERT: usize = 2000;

/// The columns [`append_many`] writes, in the order of its values.
const EVENT_COLUMNS: [&str; 10] = [
    "organisation_id",
    "occurred_at",
    "actor",
    "actor_person_id",
    "action",
    "subject_kind",
    "subject_id",
    "before",
    "after",
    "request_id",
];

/// The row of one change's event.
fn event(ctx: &ChangeContext, change: Change, occurred_at: chrono::DateTime<Utc>) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        organisation_id: Set(change.organisation_id),
        occurred_at: Set(occurred_at),
        actor: Set(ctx.actor.to_string()),
        actor_person_id: Set(ctx.actor.person_id()),
        action: Set(change.action.as_str().to_owned()),
        subject_kind: Set(change.subject.kind.to_owned()),
        subject_id: Set(change.subject.id),
        before: Set(change.before),
        after: Set(change.after),
        request_id: Set(ctx.request_id.clone()),
        ..Default::default()
    }
}

/// The whole trail, oldest first: for tests and the coming audit views, which will page it.
pub async fn all_events(db: &impl sea_orm::ConnectionTrait) -> Result<Vec<audit_event::Model>, StoreError> {
    Ok(audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await?)
}
