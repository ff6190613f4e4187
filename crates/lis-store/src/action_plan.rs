//! The handlingsplan: actions that remedy gaps (a requirement of a system) or improve shared controls. Creating and
//! changing one is versioned and audited. Marking an action done can close what it links in the same transaction:
//! its gaps are recorded as met, and its shared controls as met, which closes the gap on every system inheriting
//! from them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, Utc};
use lis_domain::action_plan::{ActionFields, ActionProblem, ActionStatus, Priority};
use lis_domain::gap::RequirementStatus;
use lis_domain::inventory::ItemKind;
use lis_domain::{AuditAction, SubjectRef};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::entity::{plan_action, plan_action_link, shared_control};

/// What an action remedies.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Link {
    /// A gap: a requirement of a system.
    Gap {
        /// The system.
        system_id: i64,
        /// The requirement.
        requirement_id: String,
    },
    /// A shared control to improve.
    SharedControl(i64),
}

impl Link {
    fn of(row: &plan_action_link::Model) -> Option<Self> {
        match (row.system_id, &row.requirement_id, row.shared_control_id) {
            (Some(system_id), Some(requirement_id), _) => Some(Self::Gap {
                system_id,
                requirement_id: requirement_id.clone(),
            }),
            (_, _, Some(control)) => Some(Self::SharedControl(control)),
            _ => None,
        }
    }

    fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Gap {
                system_id,
                requirement_id,
            } => json!({ "system": system_id, "requirement": requirement_id }),
            Self::SharedControl(id) => json!({ "shared_control": id }),
        }
    }
}

/// A stored action as its fields.
pub fn fields_of(row: &plan_action::Model) -> ActionFields {
    ActionFields {
        activity: row.activity.clone(),
        goal: row.goal.clone(),
        priority: row.priority.as_deref().and_then(|p| p.parse::<Priority>().ok()),
        cost: row.cost.clone(),
        responsible_person_id: row.responsible_person_id,
        start: row.start_date,
        end: row.end_date,
        status: row.status.parse::<ActionStatus>().ok(),
    }
}

/// The organisation's actions, the latest end date last and those without one at the end, each with its links.
pub async fn list(
    db: &impl ConnectionTrait,
    organisation_id: i64,
) -> Result<Vec<(plan_action::Model, Vec<Link>)>, StoreError> {
    let actions = plan_action::Entity::find()
        .filter(plan_action::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(plan_action::Column::Id)
        .all(db)
        .await?;
    let mut links: BTreeMap<i64, Vec<Link>> = BTreeMap::new();
    for chunk in actions.chunks(crate::inventory::BATCH) {
        for row in plan_action_link::Entity::find()
            .filter(plan_action_link::Column::ActionId.is_in(chunk.iter().map(|a| a.id)))
            .all(db)
            .await?
        {
            links.entry(row.action_id).or_default().extend(Link::of(&row));
        }
    }
    let mut listed: Vec<_> = actions
        .into_iter()
        .map(|action| {
            let linked = links.remove(&action.id).unwrap_or_default();
            (action, linked)
        })
        .collect();
    listed.sort_by_key(|(action, _)| (action.end_date.is_none(), action.end_date, action.id));
    Ok(listed)
}

/// The action `id` of the organisation, with its links.
pub async fn get(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    id: i64,
) -> Result<(plan_action::Model, Vec<Link>), StoreError> {
    let organisation = plan_action::Column::OrganisationId;
    let action =
        crate::database::of_organisation::<plan_action::Entity>(db, organisation, organisation_id, id, "åtgärd")
            .await?;
    let mut links: Vec<Link> = plan_action_link::Entity::find()
        .filter(plan_action_link::Column::ActionId.eq(id))
        .all(db)
        .await?
        .iter()
        .filter_map(Link::of)
        .collect();
    links.sort();
    Ok((action, links))
}

fn snapshot(row: &plan_action::Model, links: &[Link]) -> serde_json::Value {
    json!({
        "activity": row.activity,
        "goal": row.goal,
        "priority": row.priority,
        "cost": row.cost,
        "responsible": row.responsible_person_id,
        "start": row.start_date.map(|d| d.to_string()),
        "end": row.end_date.map(|d| d.to_string()),
        "status": row.status,
        "links": links.iter().map(Link::to_json).collect::<Vec<_>>(),
    })
}

fn apply(active: &mut plan_action::ActiveModel, fields: &ActionFields) {
    active.activity = Set(fields.activity.trim().to_owned());
    active.goal = Set(fields.goal.trim().to_owned());
    active.priority = Set(fields.priority.map(|p| p.as_str().to_owned()));
    active.cost = Set(fields.cost.trim().to_owned());
    active.responsible_person_id = Set(fields.responsible_person_id);
    active.start_date = Set(fields.start);
    active.end_date = Set(fields.end);
    active.status = Set(fields.status.unwrap_or(ActionStatus::EjPaborjad).as_str().to_owned());
    active.updated_at = Set(Utc::now());
}

/// Every problem with `fields` of an action linking `linked` things, its responsible person checked too.
async fn problems_of(
    txn: &DatabaseTransaction,
    organisation_id: i64,
    fields: &ActionFields,
    linked: usize,
) -> Result<Vec<ActionProblem>, StoreError> {
    let mut problems = fields.check(linked);
    if !crate::people::in_organisation(txn, organisation_id, fields.responsible_person_id).await? {
        problems.push(ActionProblem::UnknownPerson);
    }
    Ok(problems)
}

/// Checks that every link names a system in use or a shared control in use of the organisation.
async fn check_links(txn: &DatabaseTransaction, organisation_id: i64, links: &[Link]) -> Result<(), StoreError> {
    for link in links {
        match link {
            Link::Gap { system_id, .. } => {
                let system = crate::inventory::get(txn, organisation_id, *system_id).await?;
                if crate::inventory::kind_of(&system) != ItemKind::System || system.retired_at.is_some() {
                    return Err(StoreError::Action(vec![ActionProblem::NotAGap]));
                }
            }
            Link::SharedControl(id) => {
                let control = crate::shared_controls::get(txn, organisation_id, *id).await?;
                if control.retired_at.is_some() {
                    return Err(StoreError::NotFound {
                        kind: "gemensam skyddsåtgärd",
                        id: id.to_string(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// Creates an action remedying `links` (each checked by the caller to be a gap now; here only that they exist).
/// Refused with [`StoreError::Action`] listing every problem.
pub async fn create(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    fields: &ActionFields,
    links: &[Link],
) -> Result<plan_action::Model, StoreError> {
    let problems = problems_of(txn, organisation_id, fields, links.len()).await?;
    if !problems.is_empty() {
        return Err(StoreError::Action(problems));
    }
    check_links(txn, organisation_id, links).await?;
    let person_id = ctx.actor.person_id().ok_or(StoreError::Action(Vec::new()))?;
    let now = Utc::now();
    let mut active = plan_action::ActiveModel {
        organisation_id: Set(organisation_id),
        created_by_person_id: Set(person_id),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    apply(&mut active, fields);
    let saved = active.insert(txn).await?;
    plan_action_link::Entity::insert_many(links.iter().map(|link| {
        let (system, requirement, control) = match link {
            Link::Gap {
                system_id,
                requirement_id,
            } => (Some(*system_id), Some(requirement_id.clone()), None),
            Link::SharedControl(id) => (None, None, Some(*id)),
        };
        plan_action_link::ActiveModel {
            action_id: Set(saved.id),
            system_id: Set(system),
            requirement_id: Set(requirement),
            shared_control_id: Set(control),
            ..Default::default()
        }
    }))
    .exec_without_returning(txn)
    .await?;
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: AuditAction::Create,
            subject: SubjectRef::new("plan_action", saved.id.to_string()),
            before: None,
            after: Some(snapshot(&saved, links)),
        },
    )
    .await?;
    Ok(saved)
}

/// Changes action `id`, read at `seen_version`, to `fields`. When it becomes done and `close` is given, what it links
/// is recorded as met in the same transaction: each gap on its system that is in `close` (the (system, requirement)
/// pairs that still apply: a requirement that stopped applying is no gap to close), and each shared control (and so
/// every system inheriting from it).
pub async fn update(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    id: i64,
    fields: &ActionFields,
    seen_version: i32,
    close: Option<&BTreeSet<(i64, String)>>,
) -> Result<plan_action::Model, StoreError> {
    crate::database::lock_for_change::<plan_action::Entity>(txn, id).await?;
    let (before, links) = get(txn, organisation_id, id).await?;
    if before.version != seen_version {
        return Err(StoreError::Conflict {
            kind: "åtgärd",
            current_version: before.version,
        });
    }
    let problems = problems_of(txn, organisation_id, fields, links.len()).await?;
    if !problems.is_empty() {
        return Err(StoreError::Action(problems));
    }
    let becomes_done =
        fields.status == Some(ActionStatus::Genomford) && before.status != ActionStatus::Genomford.as_str();
    let mut active: plan_action::ActiveModel = before.clone().into();
    apply(&mut active, fields);
    active.version = Set(before.version + 1);
    let saved = active.update(txn).await?;
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: AuditAction::Update,
            subject: SubjectRef::new("plan_action", id.to_string()),
            before: Some(snapshot(&before, &links)),
            after: Some(snapshot(&saved, &links)),
        },
    )
    .await?;
    if let Some(applying) = close.filter(|_| becomes_done) {
        let note = format!("Åtgärdat enligt handlingsplanen: {}", saved.activity);
        let today = Utc::now().date_naive();
        for link in &links {
            match link {
                Link::Gap {
                    system_id,
                    requirement_id,
                } => {
                    if applying.contains(&(*system_id, requirement_id.clone())) {
                        close_gap(txn, ctx, organisation_id, *system_id, requirement_id, &note, today).await?;
                    }
                }
                Link::SharedControl(control) => {
                    close_shared_control(txn, ctx, organisation_id, *control, &note, today).await?;
                }
            }
        }
    }
    Ok(saved)
}

/// Records the gap `requirement_id` of `system_id` as met, noting how and when.
async fn close_gap(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    system_id: i64,
    requirement_id: &str,
    note: &str,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let existing = crate::requirement_status::of_system(txn, system_id)
        .await?
        .remove(requirement_id);
    let mut record = existing
        .as_ref()
        .map(crate::requirement_status::record_of)
        .unwrap_or_default();
    record.status = Some(RequirementStatus::Uppfyllt);
    record.severity = None;
    record.how = note.chars().take(lis_domain::gap::TEXT_MAX).collect();
    record.verified = Some(today);
    // A requirement the system inherits from a shared control is closed for this system alone: a local exception.
    let inherited = crate::shared_controls::inherited(txn, organisation_id, &[system_id])
        .await?
        .get(&system_id)
        .is_some_and(|given| given.contains_key(requirement_id));
    record.local_exception |= inherited;
    let version = existing.map(|row| row.version);
    crate::requirement_status::record(
        txn,
        ctx,
        organisation_id,
        system_id,
        requirement_id,
        true,
        &record,
        version,
    )
    .await
    .map(|_| ())
}

/// Records shared control `id` as met, noting how and when.
async fn close_shared_control(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    id: i64,
    note: &str,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let row: shared_control::Model = crate::shared_controls::get(txn, organisation_id, id).await?;
    if row.retired_at.is_some() {
        return Ok(());
    }
    let requirements = crate::shared_controls::requirements_of(txn, id).await?;
    let mut fields = crate::shared_controls::Fields {
        name: row.name.clone(),
        description: row.description.clone(),
        record: crate::shared_controls::record_of(&row),
        requirements,
    };
    fields.record.status = Some(RequirementStatus::Uppfyllt);
    fields.record.severity = None;
    fields.record.how = note.chars().take(lis_domain::gap::TEXT_MAX).collect();
    fields.record.verified = Some(today);
    let known = |_: &str| true;
    crate::shared_controls::update(txn, ctx, organisation_id, id, &fields, &known, row.version)
        .await
        .map(|_| ())
}

/// The systems whose gaps `links` name.
pub fn systems_of(links: &[Link]) -> Vec<i64> {
    links
        .iter()
        .filter_map(|link| match link {
            Link::Gap { system_id, .. } => Some(*system_id),
            Link::SharedControl(_) => None,
        })
        .collect()
}
