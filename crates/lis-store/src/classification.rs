//! Classifications of informationsmängder: a draft (*utkast*) is saved and changed by those who may change the
//! record; the informationsägare or the CISO approves it (*fastställd*), which supersedes the previous approved
//! version (kept, *ersatt*) and brings the levels of every system holding the information up to date in the same
//! transaction. Overrides of a system's levels live here too: raising is in force at once, lowering waits for the
//! CISO.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, Utc};
use lis_domain::aspect::Aspect;
use lis_domain::classification::{ClassificationProblem, Proposal, below_type, check_override};
use lis_domain::inheritance::OverrideReason;
use lis_domain::inventory::ItemKind;
use lis_domain::{AuditAction, SubjectRef};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::entity::{classification, level_override};
use crate::levels::{self, OVERRIDE_IN_FORCE, OVERRIDE_PENDING};

/// Where a classification version stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// *Utkast*: being worked on; at most one per informationsmängd.
    Draft,
    /// *Fastställd*: decided; at most one per informationsmängd, the one the systems inherit.
    Approved,
    /// *Ersatt*: an earlier decision, kept.
    Superseded,
}

impl Status {
    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Approved => "approved",
            Self::Superseded => "superseded",
        }
    }
}

/// The levels of a stored classification, by aspect (S only when classified).
pub fn levels_of(row: &classification::Model) -> BTreeMap<Aspect, u8> {
    levels::levels_from(row.level_k, row.level_r, row.level_t, row.level_s)
}

/// What the organisation's classification model allows: the highest level and whether spårbarhet is classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Model {
    /// The highest level of the scale.
    pub max_level: u8,
    /// Whether S is classified.
    pub classifies_traceability: bool,
}

/// The versions of one informationsmängd's classification, newest first.
pub async fn versions(db: &impl ConnectionTrait, item_id: i64) -> Result<Vec<classification::Model>, StoreError> {
    Ok(classification::Entity::find()
        .filter(classification::Column::ItemId.eq(item_id))
        .order_by_desc(classification::Column::Id)
        .all(db)
        .await?)
}

/// The version of `item_id` with `status` (draft or approved), if any.
pub async fn with_status(
    db: &impl ConnectionTrait,
    item_id: i64,
    status: Status,
) -> Result<Option<classification::Model>, StoreError> {
    Ok(classification::Entity::find()
        .filter(classification::Column::ItemId.eq(item_id))
        .filter(classification::Column::Status.eq(status.as_str()))
        .one(db)
        .await?)
}

/// The stored form of the answers: aspect letter → category → level.
pub type Answers = BTreeMap<Aspect, BTreeMap<String, u8>>;

/// Saves the draft of `item_id` (an informationsmängd in use): creates it, or changes it when `seen_version` is the
/// draft's version ([`StoreError::Conflict`] otherwise). Refused with [`StoreError::Classification`] when the
/// proposal breaks the model's rules.
#[allow(clippy::too_many_arguments, reason = "one command's inputs, each checked")]
pub async fn save_draft(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    item_id: i64,
    model: Model,
    proposal: &Proposal,
    answers: &Answers,
    seen_version: Option<i32>,
) -> Result<classification::Model, StoreError> {
    // The informationsmängd is locked: its draft is read, checked against the version seen and written after.
    let item = crate::inventory::get_for_change(txn, organisation_id, item_id).await?;
    if crate::inventory::kind_of(&item) != ItemKind::InformationSet || item.retired_at.is_some() {
        return Err(StoreError::NotFound {
            kind: "informationsmangd",
            id: item_id.to_string(),
        });
    }
    let today = Utc::now().date_naive();
    let problems = proposal.check(model.max_level, model.classifies_traceability, today);
    if !problems.is_empty() {
        return Err(StoreError::Classification(problems));
    }
    if let Some(type_id) = proposal.information_type {
        let chosen = crate::information_types::get(txn, organisation_id, type_id).await?;
        if chosen.retired_at.is_some() {
            return Err(StoreError::NotFound {
                kind: "informationstyp",
                id: type_id.to_string(),
            });
        }
    }
    let person_id = ctx.actor.person_id().ok_or(StoreError::Classification(Vec::new()))?;
    let level = |aspect| i16::from(proposal.levels.get(&aspect).copied().unwrap_or(0));
    let answers_json = serde_json::to_value(
        answers
            .iter()
            .map(|(aspect, by_category)| (aspect.letter().to_string(), by_category))
            .collect::<BTreeMap<_, _>>(),
    )?;
    let now = Utc::now();
    let existing = with_status(txn, item_id, Status::Draft).await?;
    let (saved, before) = match existing {
        Some(draft) => {
            if Some(draft.version) != seen_version {
                return Err(StoreError::Conflict {
                    kind: "classification",
                    current_version: draft.version,
                });
            }
            let before = snapshot(&draft);
            let mut active: classification::ActiveModel = draft.clone().into();
            active.level_k = Set(level(Aspect::K));
            active.level_r = Set(level(Aspect::R));
            active.level_t = Set(level(Aspect::T));
            active.level_s = Set(proposal.levels.get(&Aspect::S).map(|s| i16::from(*s)));
            active.answers = Set(Some(answers_json));
            active.justification = Set(proposal.justification.trim().to_owned());
            active.valid_until = Set(proposal.valid_until);
            active.information_type_id = Set(proposal.information_type);
            active.updated_at = Set(now);
            active.version = Set(draft.version + 1);
            (active.update(txn).await?, Some(before))
        }
        None => {
            if seen_version.is_some() {
                return Err(StoreError::Conflict {
                    kind: "classification",
                    current_version: 0,
                });
            }
            let created = classification::ActiveModel {
                organisation_id: Set(organisation_id),
                item_id: Set(item_id),
                status: Set(Status::Draft.as_str().to_owned()),
                level_k: Set(level(Aspect::K)),
                level_r: Set(level(Aspect::R)),
                level_t: Set(level(Aspect::T)),
                level_s: Set(proposal.levels.get(&Aspect::S).map(|s| i16::from(*s))),
                answers: Set(Some(answers_json)),
                justification: Set(proposal.justification.trim().to_owned()),
                valid_until: Set(proposal.valid_until),
                created_by_person_id: Set(person_id),
                created_at: Set(now),
                updated_at: Set(now),
                approved_by_person_id: Set(None),
                approved_at: Set(None),
                version: Set(1),
                information_type_id: Set(proposal.information_type),
                lowers_type: Set(false),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            (created, None)
        }
    };
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: if before.is_some() {
                AuditAction::Update
            } else {
                AuditAction::Create
            },
            subject: SubjectRef::new("classification", saved.id),
            before,
            after: Some(snapshot(&saved)),
        },
    )
    .await?;
    Ok(saved)
}

/// What the audit trail keeps of a version.
fn snapshot(row: &classification::Model) -> serde_json::Value {
    json!({
        "item": row.item_id,
        "status": row.status,
        "levels": levels_of(row).into_iter().map(|(a, l)| (a.letter().to_string(), l)).collect::<BTreeMap<_, _>>(),
        "justification": row.justification,
        "valid_until": row.valid_until.to_string(),
        "information_type": row.information_type_id,
        "lowers_type": row.lowers_type,
    })
}

/// The levels of the information type `row` is based on, if it is based on one still in use.
pub async fn type_levels(
    db: &impl ConnectionTrait,
    row: &classification::Model,
) -> Result<Option<BTreeMap<Aspect, u8>>, StoreError> {
    let Some(type_id) = row.information_type_id else {
        return Ok(None);
    };
    Ok(crate::information_types::levels_in_use(db, &BTreeSet::from([type_id]))
        .await?
        .remove(&type_id))
}

/// Approves the draft of `item_id` at `seen_version`: it becomes the decided classification, the previous one is
/// kept as superseded, and every system holding the information (and the platforms below) gets its levels anew in
/// this transaction. Whether the person may approve is the caller's check (the informationsägare or the CISO); a
/// draft below its information type's levels is refused unless `may_lower` (the CISO), and is then kept as a
/// lowering the type does not lift.
pub async fn approve(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    item_id: i64,
    seen_version: i32,
    may_lower: bool,
) -> Result<classification::Model, StoreError> {
    let approved = decide(txn, ctx, organisation_id, item_id, seen_version, may_lower).await?;
    levels::recompute(txn, ctx, organisation_id, &BTreeSet::new(), &BTreeSet::from([item_id])).await?;
    Ok(approved)
}

/// [`approve`] without bringing the systems' levels up to date: for a caller that approves many and recomputes
/// once, in the same transaction.
pub(crate) async fn decide(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    item_id: i64,
    seen_version: i32,
    may_lower: bool,
) -> Result<classification::Model, StoreError> {
    crate::database::lock_for_change::<crate::entity::inventory_item::Entity>(txn, item_id).await?;
    let draft = with_status(txn, item_id, Status::Draft)
        .await?
        .filter(|d| d.organisation_id == organisation_id)
        .ok_or_else(|| StoreError::NotFound {
            kind: "classification",
            id: item_id.to_string(),
        })?;
    if draft.version != seen_version {
        return Err(StoreError::Conflict {
            kind: "classification",
            current_version: draft.version,
        });
    }
    let below = match type_levels(txn, &draft).await? {
        Some(of_type) => below_type(&levels_of(&draft), &of_type),
        None => Vec::new(),
    };
    if !below.is_empty() && !may_lower {
        return Err(StoreError::Classification(below));
    }
    let now = Utc::now();
    if let Some(previous) = with_status(txn, item_id, Status::Approved).await? {
        let mut active: classification::ActiveModel = previous.into();
        active.status = Set(Status::Superseded.as_str().to_owned());
        active.update(txn).await?;
    }
    let before = snapshot(&draft);
    let mut active: classification::ActiveModel = draft.clone().into();
    active.status = Set(Status::Approved.as_str().to_owned());
    active.approved_by_person_id = Set(ctx.actor.person_id());
    active.approved_at = Set(Some(now));
    active.lowers_type = Set(!below.is_empty());
    active.version = Set(draft.version + 1);
    let approved = active.update(txn).await?;
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: AuditAction::Update,
            subject: SubjectRef::new("classification", approved.id),
            before: Some(before),
            after: Some(snapshot(&approved)),
        },
    )
    .await?;
    Ok(approved)
}

/// The overrides of a system, in force or waiting, by aspect.
pub async fn overrides(
    db: &impl ConnectionTrait,
    system_id: i64,
) -> Result<BTreeMap<Aspect, level_override::Model>, StoreError> {
    Ok(level_override::Entity::find()
        .filter(level_override::Column::SystemId.eq(system_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| Some((row.aspect.parse::<Aspect>().ok()?, row)))
        .collect())
}

/// Whether an override set now is in force at once or waits for the CISO.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverrideOutcome {
    /// In force: the system's levels are recomputed.
    InForce,
    /// A lowering that waits for the CISO's approval.
    Pending,
}

/// Sets (or replaces) the override of one aspect of a system in use. Raising above the calculated level is in force
/// at once; lowering is in force at once only when `may_lower` (the CISO), and otherwise waits for the CISO.
#[allow(clippy::too_many_arguments, reason = "one command's inputs, each checked")]
pub async fn set_override(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    system_id: i64,
    aspect: Aspect,
    level: u8,
    reason: OverrideReason,
    justification: &str,
    model: Model,
    may_lower: bool,
) -> Result<OverrideOutcome, StoreError> {
    let system = crate::inventory::get(txn, organisation_id, system_id).await?;
    if crate::inventory::kind_of(&system) != ItemKind::System || system.retired_at.is_some() {
        return Err(StoreError::NotFound {
            kind: "system",
            id: system_id.to_string(),
        });
    }
    if aspect == Aspect::S && !model.classifies_traceability {
        return Err(StoreError::Classification(vec![ClassificationProblem::TraceabilityOff]));
    }
    let calculated = levels::of_system(txn, system_id)
        .await?
        .get(&aspect)
        .map_or(0, |row| levels::level_u8(row.calculated));
    let mut problems = check_override(level, calculated, reason, justification, model.max_level);
    for problem in &mut problems {
        if let ClassificationProblem::OutsideModel { aspect: a, .. } = problem {
            *a = aspect;
        }
    }
    if !problems.is_empty() {
        return Err(StoreError::Classification(problems));
    }
    let person_id = ctx.actor.person_id().ok_or(StoreError::Classification(Vec::new()))?;
    let outcome = if level < calculated && !may_lower {
        OverrideOutcome::Pending
    } else {
        OverrideOutcome::InForce
    };
    let now = Utc::now();
    let existing = overrides(txn, system_id).await?.remove(&aspect);
    let before = existing.as_ref().map(override_snapshot);
    if let Some(existing) = existing {
        level_override::Entity::delete_by_id(existing.id).exec(txn).await?;
    }
    let in_force = outcome == OverrideOutcome::InForce;
    let saved = level_override::ActiveModel {
        organisation_id: Set(organisation_id),
        system_id: Set(system_id),
        aspect: Set(aspect.letter().to_string()),
        level: Set(i16::from(level)),
        reason: Set(reason.as_str().to_owned()),
        justification: Set(justification.trim().to_owned()),
        calculated_when_set: Set(i16::from(calculated)),
        status: Set(if in_force { OVERRIDE_IN_FORCE } else { OVERRIDE_PENDING }.to_owned()),
        set_by_person_id: Set(person_id),
        set_at: Set(now),
        approved_by_person_id: Set(in_force.then_some(person_id)),
        approved_at: Set(in_force.then_some(now)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: AuditAction::Update,
            subject: override_subject(system_id, aspect),
            before,
            after: Some(override_snapshot(&saved)),
        },
    )
    .await?;
    levels::recompute(
        txn,
        ctx,
        organisation_id,
        &BTreeSet::from([system_id]),
        &BTreeSet::new(),
    )
    .await?;
    Ok(outcome)
}

/// How the audit trail names the override of one aspect of a system: `<system id>:<aspect>`.
fn override_subject(system_id: i64, aspect: Aspect) -> SubjectRef {
    SubjectRef::new("level_override", format!("{system_id}:{}", aspect.letter()))
}

fn override_snapshot(row: &level_override::Model) -> serde_json::Value {
    json!({
        "system": row.system_id,
        "aspect": row.aspect,
        "level": row.level,
        "reason": row.reason,
        "justification": row.justification,
        "calculated_when_set": row.calculated_when_set,
        "status": row.status,
    })
}

/// The CISO approves a waiting lowering: it comes in force and the levels are recomputed.
pub async fn approve_override(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    system_id: i64,
    aspect: Aspect,
) -> Result<(), StoreError> {
    let pending = overrides(txn, system_id)
        .await?
        .remove(&aspect)
        .filter(|o| o.organisation_id == organisation_id && o.status == OVERRIDE_PENDING)
        .ok_or_else(|| StoreError::NotFound {
            kind: "level_override",
            id: override_subject(system_id, aspect).id,
        })?;
    let before = override_snapshot(&pending);
    let mut active: level_override::ActiveModel = pending.into();
    active.status = Set(OVERRIDE_IN_FORCE.to_owned());
    active.approved_by_person_id = Set(ctx.actor.person_id());
    active.approved_at = Set(Some(Utc::now()));
    let approved = active.update(txn).await?;
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: AuditAction::Update,
            subject: override_subject(system_id, aspect),
            before: Some(before),
            after: Some(override_snapshot(&approved)),
        },
    )
    .await?;
    levels::recompute(
        txn,
        ctx,
        organisation_id,
        &BTreeSet::from([system_id]),
        &BTreeSet::new(),
    )
    .await?;
    Ok(())
}

/// Removes the override of one aspect: the calculated level applies again.
pub async fn remove_override(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    system_id: i64,
    aspect: Aspect,
) -> Result<(), StoreError> {
    let existing = overrides(txn, system_id)
        .await?
        .remove(&aspect)
        .filter(|o| o.organisation_id == organisation_id)
        .ok_or_else(|| StoreError::NotFound {
            kind: "level_override",
            id: override_subject(system_id, aspect).id,
        })?;
    level_override::Entity::delete_by_id(existing.id).exec(txn).await?;
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: AuditAction::Retire,
            subject: override_subject(system_id, aspect),
            before: Some(override_snapshot(&existing)),
            after: None,
        },
    )
    .await?;
    levels::recompute(
        txn,
        ctx,
        organisation_id,
        &BTreeSet::from([system_id]),
        &BTreeSet::new(),
    )
    .await?;
    Ok(())
}

/// Classifications decided and due for review before `until` (overdue ones included), oldest date first.
pub async fn due_before(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    until: NaiveDate,
) -> Result<Vec<classification::Model>, StoreError> {
    Ok(classification::Entity::find()
        .filter(classification::Column::OrganisationId.eq(organisation_id))
        .filter(classification::Column::Status.eq(Status::Approved.as_str()))
        .filter(classification::Column::ValidUntil.lt(until))
        .order_by_asc(classification::Column::ValidUntil)
        .all(db)
        .await?)
}

/// Whether the organisation classifies spårbarhet (S) besides K, R and T.
pub async fn classifies_traceability(db: &impl ConnectionTrait, organisation_id: i64) -> Result<bool, StoreError> {
    Ok(crate::entity::organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
        .is_none_or(|organisation| organisation.classifies_traceability))
}

/// Switches the classification of spårbarhet (S) on or off for the organisation, with an audit event. Decided
/// classifications keep the S they have; while S is off, forms, pages and the API neither ask for nor show it.
pub async fn set_classifies_traceability(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    on: bool,
) -> Result<(), StoreError> {
    use crate::entity::organisation;
    let existing = organisation::Entity::find_by_id(organisation_id)
        .one(txn)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            kind: "organisation",
            id: organisation_id.to_string(),
        })?;
    if existing.classifies_traceability == on {
        return Ok(());
    }
    let mut active: organisation::ActiveModel = existing.clone().into();
    active.classifies_traceability = Set(on);
    active.version = Set(existing.version + 1);
    active.updated_at = Set(Utc::now());
    active.update(txn).await?;
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: AuditAction::Update,
            subject: SubjectRef::new("organisation", organisation_id),
            before: Some(json!({ "classifies_traceability": existing.classifies_traceability })),
            after: Some(json!({ "classifies_traceability": on })),
        },
    )
    .await
}
