//! Common information types (*informationstyper*): the CISO classifies a kind of information once for the whole
//! organisation (e.g. "personuppgifter i personalakt"), and an informationsmängd's classification can be based on
//! one. Its levels may then be raised; lowering one below the type's is the CISO's to approve. A type lifts the
//! decided classifications based on it as it is now: changing or retiring a type brings the levels of every system
//! holding such information up to date in the same transaction.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use lis_domain::aspect::Aspect;
use lis_domain::classification::{ClassificationProblem, Proposal};
use lis_domain::{AuditAction, SubjectRef};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::classification::{Model, Status};
use crate::entity::{classification, information_type};
use crate::levels;

/// The longest name of a type.
pub const NAME_MAX: usize = 200;

/// What the CISO decides for a type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    /// The name, unique within the organisation (case-insensitively).
    pub name: String,
    /// What information the type covers.
    pub description: String,
    /// The level of each aspect (S only when the organisation classifies it).
    pub levels: BTreeMap<Aspect, u8>,
    /// Why these levels.
    pub justification: String,
}

/// The levels of a stored type, by aspect (S only when classified).
pub fn levels_of(row: &information_type::Model) -> BTreeMap<Aspect, u8> {
    levels::levels_from(row.level_k, row.level_r, row.level_t, row.level_s)
}

/// The organisation's types in use (with the retired ones when `with_retired`), by name.
pub async fn list(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    with_retired: bool,
) -> Result<Vec<information_type::Model>, StoreError> {
    let mut query = information_type::Entity::find()
        .filter(information_type::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(information_type::Column::NameKey);
    if !with_retired {
        query = query.filter(information_type::Column::RetiredAt.is_null());
    }
    Ok(query.all(db).await?)
}

/// The type `id` of the organisation, in use or retired.
pub async fn get(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    id: i64,
) -> Result<information_type::Model, StoreError> {
    let organisation = information_type::Column::OrganisationId;
    crate::database::of_organisation::<information_type::Entity>(
        db,
        organisation,
        organisation_id,
        id,
        "informationstyp",
    )
    .await
}

/// The type `name` of the organisation in use, matched case-insensitively.
pub async fn by_name(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    name: &str,
) -> Result<Option<information_type::Model>, StoreError> {
    Ok(information_type::Entity::find()
        .filter(information_type::Column::OrganisationId.eq(organisation_id))
        .filter(information_type::Column::NameKey.eq(name.trim().to_lowercase()))
        .filter(information_type::Column::RetiredAt.is_null())
        .one(db)
        .await?)
}

/// The levels of the given types in use, by type (retired types lift nothing).
pub async fn levels_in_use(
    db: &impl ConnectionTrait,
    ids: &BTreeSet<i64>,
) -> Result<BTreeMap<i64, BTreeMap<Aspect, u8>>, StoreError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(information_type::Entity::find()
        .filter(information_type::Column::Id.is_in(ids.iter().copied()))
        .filter(information_type::Column::RetiredAt.is_null())
        .all(db)
        .await?
        .iter()
        .map(|row| (row.id, levels_of(row)))
        .collect())
}

/// The informationsmängder whose decided classification is based on type `id`.
pub async fn based_on(db: &impl ConnectionTrait, id: i64) -> Result<Vec<i64>, StoreError> {
    use classification::Column as C;
    Ok(classification::Entity::find()
        .select_only()
        .column(C::ItemId)
        .filter(C::InformationTypeId.eq(id))
        .filter(C::Status.eq(Status::Approved.as_str()))
        .order_by_asc(C::ItemId)
        .into_tuple()
        .all(db)
        .await?)
}

/// Checks `fields` against the model: a name, levels within the scale for the aspects classified.
fn check(fields: &Fields, model: Model) -> Vec<ClassificationProblem> {
    let today = Utc::now().date_naive();
    let proposal = Proposal {
        levels: fields.levels.clone(),
        proposed: fields.levels.clone(),
        justification: fields.justification.clone(),
        valid_until: today,
        information_type: None,
    };
    let mut problems = proposal.check(model.max_level, model.classifies_traceability, today);
    if fields.name.trim().is_empty() || fields.name.trim().chars().count() > NAME_MAX {
        problems.insert(0, ClassificationProblem::NameMissing);
    }
    problems
}

/// Refuses a name another type of the organisation (in use or retired) has, `except` the type itself.
async fn check_name_free(
    txn: &DatabaseTransaction,
    organisation_id: i64,
    name: &str,
    except: Option<i64>,
) -> Result<(), StoreError> {
    let taken = information_type::Entity::find()
        .filter(information_type::Column::OrganisationId.eq(organisation_id))
        .filter(information_type::Column::NameKey.eq(name.trim().to_lowercase()))
        .one(txn)
        .await?
        .filter(|row| Some(row.id) != except);
    match taken {
        Some(_) => Err(StoreError::AlreadyExists {
            kind: "informationstyp",
            id: name.trim().to_owned(),
        }),
        None => Ok(()),
    }
}

/// What the audit trail keeps of a type.
fn snapshot(row: &information_type::Model) -> serde_json::Value {
    json!({
        "name": row.name,
        "description": row.description,
        "levels": levels_of(row).into_iter().map(|(a, l)| (a.letter().to_string(), l)).collect::<BTreeMap<_, _>>(),
        "justification": row.justification,
        "retired": row.retired_at.is_some(),
    })
}

/// Creates a type from `fields`, checked against the model.
pub async fn create(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    model: Model,
    fields: &Fields,
) -> Result<information_type::Model, StoreError> {
    let problems = check(fields, model);
    if !problems.is_empty() {
        return Err(StoreError::Classification(problems));
    }
    check_name_free(txn, organisation_id, &fields.name, None).await?;
    let person_id = ctx.actor.person_id().ok_or(StoreError::Classification(Vec::new()))?;
    let now = Utc::now();
    let level = |aspect| i16::from(fields.levels.get(&aspect).copied().unwrap_or(0));
    let created = information_type::ActiveModel {
        organisation_id: Set(organisation_id),
        name: Set(fields.name.trim().to_owned()),
        name_key: Set(fields.name.trim().to_lowercase()),
        description: Set(fields.description.trim().to_owned()),
        level_k: Set(level(Aspect::K)),
        level_r: Set(level(Aspect::R)),
        level_t: Set(level(Aspect::T)),
        level_s: Set(fields.levels.get(&Aspect::S).map(|s| i16::from(*s))),
        justification: Set(fields.justification.trim().to_owned()),
        updated_by_person_id: Set(person_id),
        created_at: Set(now),
        updated_at: Set(now),
        retired_at: Set(None),
        version: Set(1),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: AuditAction::Create,
            subject: SubjectRef::new("information_type", created.id),
            before: None,
            after: Some(snapshot(&created)),
        },
    )
    .await?;
    Ok(created)
}

/// The type `id` at `seen_version`, or [`StoreError::Conflict`].
async fn current(
    txn: &DatabaseTransaction,
    organisation_id: i64,
    id: i64,
    seen_version: i32,
) -> Result<information_type::Model, StoreError> {
    let row = crate::database::of_organisation_for_change::<information_type::Entity>(
        txn,
        information_type::Column::OrganisationId,
        organisation_id,
        id,
        "informationstyp",
    )
    .await?;
    if row.version != seen_version {
        return Err(StoreError::Conflict {
            kind: "informationstyp",
            current_version: row.version,
        });
    }
    Ok(row)
}

/// Writes `active` (a change of the type `before`) with an audit event, and brings the levels of every system holding
/// information based on the type up to date. Returns the type as saved.
async fn save_and_recompute(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    before: information_type::Model,
    mut active: information_type::ActiveModel,
    action: AuditAction,
) -> Result<information_type::Model, StoreError> {
    active.version = Set(before.version + 1);
    active.updated_at = Set(Utc::now());
    if let Some(person_id) = ctx.actor.person_id() {
        active.updated_by_person_id = Set(person_id);
    }
    let saved = active.update(txn).await?;
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(saved.organisation_id),
            action,
            subject: SubjectRef::new("information_type", saved.id),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&saved)),
        },
    )
    .await?;
    let information: BTreeSet<i64> = based_on(txn, saved.id).await?.into_iter().collect();
    levels::recompute(txn, ctx, saved.organisation_id, &BTreeSet::new(), &information).await?;
    Ok(saved)
}

/// Changes the type `id` at `seen_version`: the classifications based on it are lifted to its new levels (those the
/// CISO approved below it keep theirs) in the same transaction.
pub async fn update(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    id: i64,
    seen_version: i32,
    model: Model,
    fields: &Fields,
) -> Result<information_type::Model, StoreError> {
    let before = current(txn, organisation_id, id, seen_version).await?;
    let problems = check(fields, model);
    if !problems.is_empty() {
        return Err(StoreError::Classification(problems));
    }
    check_name_free(txn, organisation_id, &fields.name, Some(id)).await?;
    let level = |aspect| i16::from(fields.levels.get(&aspect).copied().unwrap_or(0));
    let mut active: information_type::ActiveModel = before.clone().into();
    active.name = Set(fields.name.trim().to_owned());
    active.name_key = Set(fields.name.trim().to_lowercase());
    active.description = Set(fields.description.trim().to_owned());
    active.level_k = Set(level(Aspect::K));
    active.level_r = Set(level(Aspect::R));
    active.level_t = Set(level(Aspect::T));
    active.level_s = Set(fields.levels.get(&Aspect::S).map(|s| i16::from(*s)));
    active.justification = Set(fields.justification.trim().to_owned());
    save_and_recompute(txn, ctx, before, active, AuditAction::Update).await
}

/// Retires the type `id` at `seen_version`: it is kept (and named where classifications were based on it) but lifts
/// nothing any more and cannot be chosen.
pub async fn retire(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    id: i64,
    seen_version: i32,
) -> Result<information_type::Model, StoreError> {
    let before = current(txn, organisation_id, id, seen_version).await?;
    if before.retired_at.is_some() {
        return Ok(before);
    }
    let mut active: information_type::ActiveModel = before.clone().into();
    active.retired_at = Set(Some(Utc::now()));
    save_and_recompute(txn, ctx, before, active, AuditAction::Retire).await
}
