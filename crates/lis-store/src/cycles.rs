//! Assessment cycles (*uppföljningar*): closing one freezes every system's gap counts (with its org unit and
//! objektsägare then) in one transaction with an audit event; reports compare the current state with any of them.

use chrono::Utc;
use lis_domain::gap::{StatusProblem, SystemFacts, Tally};
use lis_domain::{AuditAction, SubjectRef};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::entity::{assessment_cycle, cycle_tally};

/// The organisation's closed cycles, the latest first.
pub async fn list(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Vec<assessment_cycle::Model>, StoreError> {
    Ok(assessment_cycle::Entity::find()
        .filter(assessment_cycle::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(assessment_cycle::Column::ClosedAt)
        .order_by_desc(assessment_cycle::Column::Id)
        .all(db)
        .await?)
}

/// The cycle `id` of the organisation.
pub async fn get(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    id: i64,
) -> Result<assessment_cycle::Model, StoreError> {
    let organisation = assessment_cycle::Column::OrganisationId;
    crate::database::of_organisation::<assessment_cycle::Entity>(db, organisation, organisation_id, id, "uppföljning")
        .await
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn back(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Closes a cycle named `name` with each system's counts as `tallies` gives them, counted from `counted_at` on: that
/// is when the cycle is closed, so that whatever is saved while the counting runs is later listed as changed since.
/// Refused with [`StoreError::Status`] when the name is missing or taken.
pub async fn close(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    name: &str,
    tallies: &[(&SystemFacts, Tally)],
    counted_at: chrono::DateTime<Utc>,
) -> Result<assessment_cycle::Model, StoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::Status(vec![StatusProblem::NameMissing]));
    }
    if name.chars().count() > crate::shared_controls::NAME_MAX {
        return Err(StoreError::Status(vec![StatusProblem::TooLong]));
    }
    let taken = assessment_cycle::Entity::find()
        .filter(assessment_cycle::Column::OrganisationId.eq(organisation_id))
        .filter(assessment_cycle::Column::NameKey.eq(name.to_lowercase()))
        .one(txn)
        .await?
        .is_some();
    if taken {
        return Err(StoreError::Status(vec![StatusProblem::NameTaken]));
    }
    let person_id = ctx.actor.person_id().ok_or(StoreError::Status(Vec::new()))?;
    let cycle = assessment_cycle::ActiveModel {
        organisation_id: Set(organisation_id),
        name: Set(name.to_owned()),
        name_key: Set(name.to_lowercase()),
        closed_at: Set(counted_at),
        closed_by_person_id: Set(person_id),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let mut rows = tallies.iter().map(|(system, tally)| cycle_tally::ActiveModel {
        cycle_id: Set(cycle.id),
        system_id: Set(system.id),
        org_unit_id: Set(system.org_unit_id),
        owner_person_id: Set(system.owner_person_id),
        applicable: Set(count(tally.applicable)),
        met: Set(count(tally.met)),
        weight: Set(count(tally.weight)),
        weighted_met: Set(count(tally.weighted_met)),
        not_assessed: Set(count(tally.not_assessed)),
        negligible: Set(count(tally.by_severity[0])),
        moderate: Set(count(tally.by_severity[1])),
        significant: Set(count(tally.by_severity[2])),
        serious: Set(count(tally.by_severity[3])),
        overdue: Set(count(tally.overdue)),
    });
    loop {
        let chunk: Vec<_> = rows.by_ref().take(crate::inventory::BATCH).collect();
        if chunk.is_empty() {
            break;
        }
        cycle_tally::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    let mut whole = Tally::default();
    for (_, tally) in tallies {
        whole.merge(tally);
    }
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: AuditAction::Create,
            subject: SubjectRef::new("assessment_cycle", cycle.id.to_string()),
            before: None,
            after: Some(json!({
                "name": cycle.name,
                "systems": tallies.len(),
                "applicable": whole.applicable,
                "met": whole.met,
            })),
        },
    )
    .await?;
    Ok(cycle)
}

/// A system's counts in a closed cycle, with its org unit and objektsägare then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frozen {
    /// The system.
    pub system_id: i64,
    /// Its förvaltningsobjekt's org unit then.
    pub org_unit_id: Option<i64>,
    /// Its objektsägare then.
    pub owner_person_id: Option<i64>,
    /// Its counts then.
    pub tally: Tally,
}

/// The counts frozen in cycle `cycle_id`.
pub async fn frozen(db: &impl ConnectionTrait, cycle_id: i64) -> Result<Vec<Frozen>, StoreError> {
    Ok(cycle_tally::Entity::find()
        .filter(cycle_tally::Column::CycleId.eq(cycle_id))
        .all(db)
        .await?
        .into_iter()
        .map(|row| Frozen {
            system_id: row.system_id,
            org_unit_id: row.org_unit_id,
            owner_person_id: row.owner_person_id,
            tally: Tally {
                applicable: back(row.applicable),
                met: back(row.met),
                weight: back(row.weight),
                weighted_met: back(row.weighted_met),
                not_assessed: back(row.not_assessed),
                by_severity: [
                    back(row.negligible),
                    back(row.moderate),
                    back(row.significant),
                    back(row.serious),
                ],
                overdue: back(row.overdue),
            },
        })
        .collect())
}
