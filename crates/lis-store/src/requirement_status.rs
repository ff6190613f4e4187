//! Recording how a system meets a requirement (the gap analysis): one row per system and requirement, created the
//! first time a status is recorded (until then the requirement is *ej bedömd*) and changed at the version last
//! read, each change in the audit trail. Rows stay when their requirement stops applying, as history.

use std::collections::BTreeMap;

use chrono::Utc;
use lis_domain::gap::{RequirementStatus, Severity, StatusProblem, StatusRecord};
use lis_domain::inventory::ItemKind;
use lis_domain::{AuditAction, SubjectRef};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::entity::requirement_status;

/// A stored row as a record.
pub fn record_of(row: &requirement_status::Model) -> StatusRecord {
    StatusRecord {
        local_exception: row.local_exception,
        ..record_from(
            &row.status,
            row.severity.as_deref(),
            [&row.how, &row.justification, &row.evidence_url],
            [row.due_date, row.verified_on],
            row.responsible_person_id,
        )
    }
}

/// A record from stored columns: status, *brist*, [how, justification, evidence link], [due, verified] and the
/// responsible person.
pub(crate) fn record_from(
    status: &str,
    severity: Option<&str>,
    [how, justification, evidence_url]: [&String; 3],
    [due, verified]: [Option<chrono::NaiveDate>; 2],
    responsible_person_id: Option<i64>,
) -> StatusRecord {
    StatusRecord {
        status: status.parse::<RequirementStatus>().ok(),
        severity: severity.and_then(|s| s.parse::<Severity>().ok()),
        how: how.clone(),
        justification: justification.clone(),
        due,
        verified,
        evidence_url: evidence_url.clone(),
        responsible_person_id,
        local_exception: false,
    }
}

/// The recorded statuses of a system, by requirement id.
pub async fn of_system(
    db: &impl ConnectionTrait,
    system_id: i64,
) -> Result<BTreeMap<String, requirement_status::Model>, StoreError> {
    Ok(requirement_status::Entity::find()
        .filter(requirement_status::Column::SystemId.eq(system_id))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.requirement_id.clone(), row))
        .collect())
}

/// The recorded statuses of several systems, by system and requirement id.
pub async fn of_systems(
    db: &impl ConnectionTrait,
    system_ids: &[i64],
) -> Result<BTreeMap<(i64, String), requirement_status::Model>, StoreError> {
    let mut found = BTreeMap::new();
    for chunk in system_ids.chunks(crate::inventory::BATCH) {
        for row in requirement_status::Entity::find()
            .filter(requirement_status::Column::SystemId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            found.insert((row.system_id, row.requirement_id.clone()), row);
        }
    }
    Ok(found)
}

fn snapshot(row: &requirement_status::Model) -> serde_json::Value {
    json!({
        "system": row.system_id,
        "requirement": row.requirement_id,
        "status": row.status,
        "severity": row.severity,
        "how": row.how,
        "justification": row.justification,
        "due": row.due_date.map(|d| d.to_string()),
        "verified": row.verified_on.map(|d| d.to_string()),
        "evidence_url": row.evidence_url,
        "local_exception": row.local_exception,
        "responsible": row.responsible_person_id,
    })
}

/// Records `record` for `requirement_id` of the system `system_id` in use, which the requirement `applies` to (the
/// caller's reading of the catalogue, the system's levels and the SoA). `seen_version` is the version read (none
/// when nothing was recorded yet); a status saved by someone else since is [`StoreError::Conflict`]. Refused with
/// [`StoreError::Status`] when the record breaks the rules.
#[allow(clippy::too_many_arguments, reason = "one command's inputs, each checked")]
pub async fn record(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    system_id: i64,
    requirement_id: &str,
    applies: bool,
    record: &StatusRecord,
    seen_version: Option<i32>,
) -> Result<requirement_status::Model, StoreError> {
    let system = crate::inventory::get(txn, organisation_id, system_id).await?;
    if crate::inventory::kind_of(&system) != ItemKind::System || system.retired_at.is_some() {
        return Err(StoreError::NotFound {
            kind: "system",
            id: system_id.to_string(),
        });
    }
    let mut problems = record.check(applies);
    if !crate::people::in_organisation(txn, organisation_id, record.responsible_person_id).await? {
        problems.push(StatusProblem::UnknownPerson);
    }
    if !problems.is_empty() {
        return Err(StoreError::Status(problems));
    }
    let person_id = ctx.actor.person_id().ok_or(StoreError::Status(Vec::new()))?;
    let existing = requirement_status::Entity::find()
        .filter(requirement_status::Column::SystemId.eq(system_id))
        .filter(requirement_status::Column::RequirementId.eq(requirement_id))
        .lock_exclusive()
        .one(txn)
        .await?;
    let current_version = existing.as_ref().map(|row| row.version);
    if current_version != seen_version {
        return Err(StoreError::Conflict {
            kind: "requirement_status",
            current_version: current_version.unwrap_or(0),
        });
    }
    let mut active = match &existing {
        Some(row) => row.clone().into(),
        None => requirement_status::ActiveModel {
            organisation_id: Set(organisation_id),
            system_id: Set(system_id),
            requirement_id: Set(requirement_id.to_owned()),
            ..Default::default()
        },
    };
    active.status = Set(record.status.unwrap_or(RequirementStatus::EjBedomd).as_str().to_owned());
    active.severity = Set(record.severity.map(|s| s.as_str().to_owned()));
    active.how = Set(record.how.trim().to_owned());
    active.justification = Set(record.justification.trim().to_owned());
    active.due_date = Set(record.due);
    active.verified_on = Set(record.verified);
    active.evidence_url = Set(record.evidence_url.trim().to_owned());
    active.local_exception = Set(record.local_exception);
    active.responsible_person_id = Set(record.responsible_person_id);
    active.updated_by_person_id = Set(person_id);
    active.updated_at = Set(Utc::now());
    active.version = Set(current_version.unwrap_or(0) + 1);
    let saved = match &existing {
        Some(_) => active.update(txn).await?,
        None => active
            .insert(txn)
            .await
            .map_err(|err| StoreError::on_first_version("requirement_status", err))?,
    };
    crate::gap_summaries::mark_stale(txn, organisation_id, system_id).await?;
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: if current_version.is_some() {
                AuditAction::Update
            } else {
                AuditAction::Create
            },
            subject: SubjectRef::new("requirement_status", format!("{system_id}:{requirement_id}")),
            before: existing.as_ref().map(snapshot),
            after: Some(snapshot(&saved)),
        },
    )
    .await?;
    Ok(saved)
}
