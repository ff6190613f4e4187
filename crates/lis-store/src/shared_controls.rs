//! Shared controls (*gemensamma skyddsåtgärder*): IT describes a safeguard once (central backup, the identity
//! provider with MFA), with the requirements it meets and how well (status, *brist*, evidence), and links the systems
//! or platforms that use it. Those systems, and every system that runs on them, inherit its status for those
//! requirements, unless the system records a *local exception*. The inheritance is worked out when read, so a change
//! of the shared control changes every inheriting system's picture at once. Every change is versioned and audited.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::Utc;
use lis_domain::gap::{RequirementStatus, StatusProblem, StatusRecord};
use lis_domain::inventory::ItemKind;
use lis_domain::{AuditAction, SubjectRef};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::entity::{shared_control, shared_control_requirement, shared_control_use};

/// The longest name of a shared control.
pub const NAME_MAX: usize = 200;

/// What IT describes for a shared control.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    /// The name, unique within the organisation (case-insensitively).
    pub name: String,
    /// What the safeguard is.
    pub description: String,
    /// How well it meets its requirements: status, *brist*, how, evidence, dates.
    pub record: StatusRecord,
    /// The catalogue's requirements it meets.
    pub requirements: BTreeSet<String>,
}

/// The status a shared control gives, with where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inherited {
    /// The shared control's id.
    pub control_id: i64,
    /// Its name.
    pub control_name: String,
    /// Its status.
    pub record: StatusRecord,
}

/// A stored shared control's status as a record.
pub fn record_of(row: &shared_control::Model) -> StatusRecord {
    crate::requirement_status::record_from(
        &row.status,
        row.severity.as_deref(),
        [&row.how, &row.justification, &row.evidence_url],
        [row.due_date, row.verified_on],
        row.responsible_person_id,
    )
}

/// The organisation's shared controls in use, by name.
pub async fn list(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Vec<shared_control::Model>, StoreError> {
    Ok(shared_control::Entity::find()
        .filter(shared_control::Column::OrganisationId.eq(organisation_id))
        .filter(shared_control::Column::RetiredAt.is_null())
        .order_by_asc(shared_control::Column::NameKey)
        .all(db)
        .await?)
}

/// The shared control `id` of the organisation, in use or retired.
pub async fn get(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    id: i64,
) -> Result<shared_control::Model, StoreError> {
    let organisation = shared_control::Column::OrganisationId;
    crate::database::of_organisation::<shared_control::Entity>(
        db,
        organisation,
        organisation_id,
        id,
        "gemensam skyddsåtgärd",
    )
    .await
}

/// The requirements shared control `id` meets.
pub async fn requirements_of(db: &impl ConnectionTrait, id: i64) -> Result<BTreeSet<String>, StoreError> {
    Ok(shared_control_requirement::Entity::find()
        .select_only()
        .column(shared_control_requirement::Column::RequirementId)
        .filter(shared_control_requirement::Column::SharedControlId.eq(id))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The systems linked to shared control `id` (not those that inherit by running on them).
pub async fn users_of(db: &impl ConnectionTrait, id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(shared_control_use::Entity::find()
        .select_only()
        .column(shared_control_use::Column::SystemId)
        .filter(shared_control_use::Column::SharedControlId.eq(id))
        .order_by_asc(shared_control_use::Column::SystemId)
        .into_tuple()
        .all(db)
        .await?)
}

/// Every problem with `fields` for a new control or for the control `before`, `known` telling which requirement ids
/// the catalogue has.
async fn check(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    before: Option<&shared_control::Model>,
    fields: &Fields,
    known: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<StatusProblem>, StoreError> {
    let mut problems = fields.record.check(true);
    if !crate::people::in_organisation(db, organisation_id, fields.record.responsible_person_id).await? {
        problems.push(StatusProblem::UnknownPerson);
    }
    let name = fields.name.trim();
    if name.is_empty() {
        problems.push(StatusProblem::NameMissing);
    } else if name.chars().count() > NAME_MAX || fields.description.chars().count() > lis_domain::gap::TEXT_MAX {
        problems.push(StatusProblem::TooLong);
    } else if before.is_none_or(|b| b.name_key != name.to_lowercase()) {
        let id = before.map(|b| b.id);
        let taken = shared_control::Entity::find()
            .filter(shared_control::Column::OrganisationId.eq(organisation_id))
            .filter(shared_control::Column::NameKey.eq(name.to_lowercase()))
            .filter(shared_control::Column::RetiredAt.is_null())
            .one(db)
            .await?
            .is_some_and(|other| Some(other.id) != id);
        if taken {
            problems.push(StatusProblem::NameTaken);
        }
    }
    problems.extend(
        fields
            .requirements
            .iter()
            .filter(|requirement| !known(requirement))
            .map(|requirement| StatusProblem::UnknownRequirement {
                id: requirement.clone(),
            }),
    );
    Ok(problems)
}

fn snapshot(row: &shared_control::Model, requirements: &BTreeSet<String>) -> serde_json::Value {
    json!({
        "name": row.name,
        "description": row.description,
        "status": row.status,
        "severity": row.severity,
        "how": row.how,
        "justification": row.justification,
        "due": row.due_date.map(|d| d.to_string()),
        "verified": row.verified_on.map(|d| d.to_string()),
        "evidence_url": row.evidence_url,
        "responsible": row.responsible_person_id,
        "requirements": requirements,
        "retired": row.retired_at.is_some(),
    })
}

/// Sets the columns `fields` decides on `active`.
fn apply(active: &mut shared_control::ActiveModel, fields: &Fields, person_id: i64) {
    let record = &fields.record;
    active.name = Set(fields.name.trim().to_owned());
    active.name_key = Set(fields.name.trim().to_lowercase());
    active.description = Set(fields.description.trim().to_owned());
    active.status = Set(record.status.unwrap_or(RequirementStatus::EjBedomd).as_str().to_owned());
    active.severity = Set(record.severity.map(|s| s.as_str().to_owned()));
    active.how = Set(record.how.trim().to_owned());
    active.justification = Set(record.justification.trim().to_owned());
    active.due_date = Set(record.due);
    active.verified_on = Set(record.verified);
    active.evidence_url = Set(record.evidence_url.trim().to_owned());
    active.responsible_person_id = Set(record.responsible_person_id);
    active.updated_by_person_id = Set(person_id);
    active.updated_at = Set(Utc::now());
}

/// Replaces the requirements of shared control `id` with `requirements`.
async fn set_requirements(
    txn: &DatabaseTransaction,
    id: i64,
    requirements: &BTreeSet<String>,
) -> Result<(), StoreError> {
    shared_control_requirement::Entity::delete_many()
        .filter(shared_control_requirement::Column::SharedControlId.eq(id))
        .exec(txn)
        .await?;
    if !requirements.is_empty() {
        shared_control_requirement::Entity::insert_many(requirements.iter().map(|requirement| {
            shared_control_requirement::ActiveModel {
                shared_control_id: Set(id),
                requirement_id: Set(requirement.clone()),
            }
        }))
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

/// Creates a shared control from `fields`; `known` tells which requirement ids the catalogue has. Refused with
/// [`StoreError::Status`] listing every problem.
pub async fn create(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    fields: &Fields,
    known: &(dyn Fn(&str) -> bool + Sync),
) -> Result<shared_control::Model, StoreError> {
    let problems = check(txn, organisation_id, None, fields, known).await?;
    if !problems.is_empty() {
        return Err(StoreError::Status(problems));
    }
    let person_id = ctx.actor.person_id().ok_or(StoreError::Status(Vec::new()))?;
    let mut active = shared_control::ActiveModel {
        organisation_id: Set(organisation_id),
        version: Set(1),
        retired_at: Set(None),
        ..Default::default()
    };
    apply(&mut active, fields, person_id);
    let saved = active.insert(txn).await?;
    set_requirements(txn, saved.id, &fields.requirements).await?;
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: AuditAction::Create,
            subject: SubjectRef::new("shared_control", saved.id.to_string()),
            before: None,
            after: Some(snapshot(&saved, &fields.requirements)),
        },
    )
    .await?;
    Ok(saved)
}

/// Separates the requirement ids [`current`] reads in one text (U+001F, the unit separator: no id contains it).
const REQUIREMENT_SEPARATOR: char = '\u{1f}';

/// The shared control `id` in use, as long as nobody has saved it since `seen_version`, with the requirements it
/// meets: one statement, locked for the change on PostgreSQL (see
/// [`crate::database::of_organisation_for_change`]).
async fn current(
    txn: &DatabaseTransaction,
    organisation_id: i64,
    id: i64,
    seen_version: i32,
) -> Result<(shared_control::Model, BTreeSet<String>), StoreError> {
    use sea_orm::{DbBackend, FromQueryResult, Statement};
    let backend = txn.get_database_backend();
    let (joined, lock) = match backend {
        DbBackend::Postgres => ("string_agg(r.requirement_id, chr(31))", " FOR UPDATE"),
        _ => ("group_concat(r.requirement_id, char(31))", ""),
    };
    let sql = format!(
        "SELECT c.*, (SELECT {joined} FROM shared_control_requirement r WHERE r.shared_control_id = c.id) \
         AS requirement_ids FROM shared_control c WHERE c.id = {id} AND c.organisation_id = {organisation_id}{lock}"
    );
    let not_found = || StoreError::NotFound {
        kind: "gemensam skyddsåtgärd",
        id: id.to_string(),
    };
    let found = txn
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(not_found)?;
    let row = shared_control::Model::from_query_result(&found, "")?;
    let requirements: BTreeSet<String> = found
        .try_get::<Option<String>>("", "requirement_ids")?
        .unwrap_or_default()
        .split(REQUIREMENT_SEPARATOR)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect();
    if row.retired_at.is_some() {
        return Err(not_found());
    }
    if row.version != seen_version {
        return Err(StoreError::Conflict {
            kind: "gemensam skyddsåtgärd",
            current_version: row.version,
        });
    }
    Ok((row, requirements))
}

/// Changes shared control `id` to `fields`, read at `seen_version`: every system using it sees the new status at
/// once.
pub async fn update(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    id: i64,
    fields: &Fields,
    known: &(dyn Fn(&str) -> bool + Sync),
    seen_version: i32,
) -> Result<shared_control::Model, StoreError> {
    let (before, requirements_before) = current(txn, organisation_id, id, seen_version).await?;
    let problems = check(txn, organisation_id, Some(&before), fields, known).await?;
    if !problems.is_empty() {
        return Err(StoreError::Status(problems));
    }
    let person_id = ctx.actor.person_id().ok_or(StoreError::Status(Vec::new()))?;
    let mut active: shared_control::ActiveModel = before.clone().into();
    apply(&mut active, fields, person_id);
    active.version = Set(before.version + 1);
    let saved = active.update(txn).await?;
    if requirements_before != fields.requirements {
        set_requirements(txn, id, &fields.requirements).await?;
    }
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: AuditAction::Update,
            subject: SubjectRef::new("shared_control", id.to_string()),
            before: Some(snapshot(&before, &requirements_before)),
            after: Some(snapshot(&saved, &fields.requirements)),
        },
    )
    .await?;
    Ok(saved)
}

/// Retires shared control `id`, read at `seen_version`: its systems inherit nothing from it any more; it stays, with
/// its links, as history.
pub async fn retire(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    id: i64,
    seen_version: i32,
) -> Result<shared_control::Model, StoreError> {
    let (before, requirements) = current(txn, organisation_id, id, seen_version).await?;
    let mut active: shared_control::ActiveModel = before.clone().into();
    active.retired_at = Set(Some(Utc::now()));
    active.version = Set(before.version + 1);
    let saved = active.update(txn).await?;
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: AuditAction::Retire,
            subject: SubjectRef::new("shared_control", id.to_string()),
            before: Some(snapshot(&before, &requirements)),
            after: Some(snapshot(&saved, &requirements)),
        },
    )
    .await?;
    Ok(saved)
}

/// Links (`used` true) or unlinks the system `system_id` in use to shared control `id` in use; linking twice or
/// unlinking what is not linked changes nothing and writes no event.
pub async fn set_use(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    id: i64,
    system_id: i64,
    used: bool,
) -> Result<(), StoreError> {
    let control = get(txn, organisation_id, id).await?;
    let system = crate::inventory::get(txn, organisation_id, system_id).await?;
    if control.retired_at.is_some()
        || crate::inventory::kind_of(&system) != ItemKind::System
        || system.retired_at.is_some()
    {
        return Err(StoreError::NotFound {
            kind: "system",
            id: system_id.to_string(),
        });
    }
    let linked = shared_control_use::Entity::find()
        .filter(shared_control_use::Column::SharedControlId.eq(id))
        .filter(shared_control_use::Column::SystemId.eq(system_id))
        .count(txn)
        .await?
        > 0;
    if linked == used {
        return Ok(());
    }
    if used {
        shared_control_use::ActiveModel {
            shared_control_id: Set(id),
            system_id: Set(system_id),
        }
        .insert(txn)
        .await?;
    } else {
        shared_control_use::Entity::delete_many()
            .filter(shared_control_use::Column::SharedControlId.eq(id))
            .filter(shared_control_use::Column::SystemId.eq(system_id))
            .exec(txn)
            .await?;
    }
    let state = |used: bool| Some(json!({ "system": system_id, "system_name": system.name, "uses": used }));
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: AuditAction::Update,
            subject: SubjectRef::new("shared_control_use", format!("{id}:{system_id}")),
            before: state(linked),
            after: state(used),
        },
    )
    .await
}

/// Whether `candidate` is a better way to meet a requirement than `current`: met beats not met, then the lesser
/// shortcoming.
fn better(candidate: &StatusRecord, current: &StatusRecord) -> bool {
    (candidate.is_gap(), candidate.worst_first_rank()) < (current.is_gap(), current.worst_first_rank())
}

/// What the shared controls in use give `system_ids`: by system and requirement, the best status among the shared
/// controls linked to the system or to a platform it runs on (directly or further down).
pub async fn inherited(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    system_ids: &[i64],
) -> Result<HashMap<i64, HashMap<String, Inherited>>, StoreError> {
    let mut found: HashMap<i64, HashMap<String, Inherited>> = HashMap::new();
    let controls = list(db, organisation_id).await?;
    if controls.is_empty() || system_ids.is_empty() {
        return Ok(found);
    }
    let wanted: HashSet<i64> = system_ids.iter().copied().collect();
    let control_ids: Vec<i64> = controls.iter().map(|c| c.id).collect();
    let mut requirements: HashMap<i64, Vec<String>> = HashMap::new();
    for (control, requirement) in shared_control_requirement::Entity::find()
        .select_only()
        .column(shared_control_requirement::Column::SharedControlId)
        .column(shared_control_requirement::Column::RequirementId)
        .filter(shared_control_requirement::Column::SharedControlId.is_in(control_ids.clone()))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
    {
        requirements.entry(control).or_default().push(requirement);
    }
    let mut users: HashMap<i64, Vec<i64>> = HashMap::new();
    for (control, system) in shared_control_use::Entity::find()
        .select_only()
        .column(shared_control_use::Column::SharedControlId)
        .column(shared_control_use::Column::SystemId)
        .filter(shared_control_use::Column::SharedControlId.is_in(control_ids))
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
    {
        users.entry(control).or_default().push(system);
    }
    // What runs on each platform, as far as it passes a platform's shared controls on to the systems asked about:
    // for a few systems their runs-on chains down to the platforms below; for many, every runs-on relation of the
    // organisation, read with one statement rather than with long lists of ids.
    let runs_on: Vec<(i64, i64)> = if wanted.len() > crate::inventory::BATCH {
        crate::levels::runs_on_in(db, organisation_id).await?
    } else {
        let start: BTreeSet<i64> = wanted.iter().copied().collect();
        crate::levels::runs_on_below(db, &start).await?.1.into_iter().collect()
    };
    let mut runs_on_it: HashMap<i64, Vec<i64>> = HashMap::new();
    for (system, platform) in runs_on {
        runs_on_it.entry(platform).or_default().push(system);
    }
    for control in &controls {
        let (Some(linked), Some(met)) = (users.get(&control.id), requirements.get(&control.id)) else {
            continue;
        };
        let record = record_of(control);
        let mut reached: HashSet<i64> = linked.iter().copied().collect();
        let mut queue: Vec<i64> = linked.clone();
        while let Some(platform) = queue.pop() {
            for system in runs_on_it.get(&platform).into_iter().flatten() {
                if reached.insert(*system) {
                    queue.push(*system);
                }
            }
        }
        for system in reached.into_iter().filter(|s| wanted.contains(s)) {
            let of_system = found.entry(system).or_default();
            for requirement in met {
                let keep = of_system
                    .get(requirement)
                    .is_some_and(|current| !better(&record, &current.record));
                if !keep {
                    of_system.insert(
                        requirement.clone(),
                        Inherited {
                            control_id: control.id,
                            control_name: control.name.clone(),
                            record: record.clone(),
                        },
                    );
                }
            }
        }
    }
    Ok(found)
}
