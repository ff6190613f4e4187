//! The statement of applicability: reading and changing the decision for each control.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use lis_domain::soa::Justification;
use lis_domain::{AuditAction, SubjectRef};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::entity::soa_entry;

/// A decision for one control: whether it is used, why, and a free text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoaDecision {
    /// *Ska användas*.
    pub in_use: bool,
    /// *Motivering*.
    pub justification: Option<Justification>,
    /// Free text: how, why, or what instead.
    pub text: String,
}

/// The organisation's decisions, by control id. A control without a decision is in use and not yet motivated.
pub async fn entries(
    db: &impl ConnectionTrait,
    organisation_id: i64,
) -> Result<BTreeMap<String, soa_entry::Model>, StoreError> {
    Ok(soa_entry::Entity::find()
        .filter(soa_entry::Column::OrganisationId.eq(organisation_id))
        .all(db)
        .await?
        .into_iter()
        .map(|entry| (entry.control_id.clone(), entry))
        .collect())
}

/// The controls the organisation has decided not to use: their requirements apply to no system.
pub async fn controls_not_in_use(
    db: &impl ConnectionTrait,
    organisation_id: i64,
) -> Result<BTreeSet<String>, StoreError> {
    Ok(entries(db, organisation_id)
        .await?
        .into_values()
        .filter(|entry| !entry.in_use)
        .map(|entry| entry.control_id)
        .collect())
}

fn snapshot(entry: &soa_entry::Model) -> serde_json::Value {
    json!({ "in_use": entry.in_use, "justification": entry.justification, "text": entry.text, "version": entry.version })
}

/// Records a decision for a control. `seen_version` is the version the person edited (0 when there was no decision
/// yet); a decision saved by someone else since is refused as [`StoreError::Conflict`], and nothing is changed.
#[tracing::instrument(skip_all, err, fields(control = control_id))]
pub async fn save(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    control_id: &str,
    decision: &SoaDecision,
    seen_version: i32,
) -> Result<soa_entry::Model, StoreError> {
    let existing = soa_entry::Entity::find()
        .filter(soa_entry::Column::OrganisationId.eq(organisation_id))
        .filter(soa_entry::Column::ControlId.eq(control_id))
        .lock_exclusive()
        .one(txn)
        .await?;
    let current_version = existing.as_ref().map_or(0, |e| e.version);
    if current_version != seen_version {
        return Err(StoreError::Conflict {
            kind: "soa_entry",
            current_version,
        });
    }
    let now = Utc::now();
    let justification = decision.justification.map(|j| j.as_str().to_owned());
    let saved = match &existing {
        Some(entry) => {
            soa_entry::ActiveModel {
                id: Set(entry.id),
                in_use: Set(decision.in_use),
                justification: Set(justification),
                text: Set(decision.text.clone()),
                version: Set(entry.version + 1),
                updated_at: Set(now),
                updated_by: Set(ctx.actor.person_id()),
                ..Default::default()
            }
            .update(txn)
            .await?
        }
        None => soa_entry::ActiveModel {
            organisation_id: Set(organisation_id),
            control_id: Set(control_id.to_owned()),
            in_use: Set(decision.in_use),
            justification: Set(justification),
            text: Set(decision.text.clone()),
            version: Set(1),
            updated_at: Set(now),
            updated_by: Set(ctx.actor.person_id()),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(|err| StoreError::on_first_version("soa_entry", err))?,
    };
    let change = Change {
        organisation_id: Some(organisation_id),
        action: if existing.is_some() {
            AuditAction::Update
        } else {
            AuditAction::Create
        },
        subject: SubjectRef::new("soa_entry", control_id),
        before: existing.as_ref().map(snapshot),
        after: Some(snapshot(&saved)),
    };
    audit::append(txn, ctx, change).await?;
    Ok(saved)
}
