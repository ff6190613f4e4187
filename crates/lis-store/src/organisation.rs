//! Organisations and their unit trees: reading the tree and creating units.

use chrono::Utc;
use lis_domain::{OrgTree, OrgUnitKind, OrgUnitRecord, SubjectRef, UnitName};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::entity::{org_unit, organisation};

/// What is needed to create an organisation.
#[derive(Clone, Debug)]
pub struct NewOrganisation {
    /// Its name, e.g. "Exempelkommun".
    pub name: String,
    /// SCB's four-digit kommunkod, when it is a municipality.
    pub municipality_code: Option<String>,
    /// Whether it is the fictional demo organisation.
    pub is_demo: bool,
}

/// What is needed to create a unit in an organisation's tree.
#[derive(Clone, Debug)]
pub struct NewOrgUnit {
    /// The unit above, or none for a top-level unit.
    pub parent_id: Option<i64>,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: OrgUnitKind,
    /// Its place among its siblings.
    pub position: i32,
    /// Its id in another register, for imports.
    pub external_id: Option<String>,
}

/// Creates an organisation and records it in the audit trail.
#[tracing::instrument(skip_all, err)]
pub async fn create_organisation(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    new: NewOrganisation,
) -> Result<organisation::Model, StoreError> {
    let name = UnitName::parse(&new.name).map_err(|source| StoreError::InvalidName { field: "name", source })?;
    let now = Utc::now();
    let created = organisation::ActiveModel {
        name: Set(name.as_str().to_owned()),
        municipality_code: Set(new.municipality_code),
        is_demo: Set(new.is_demo),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let after = json!({
        "name": created.name,
        "municipality_code": created.municipality_code,
        "is_demo": created.is_demo,
    });
    let change = Change::created(Some(created.id), SubjectRef::new("organisation", created.id), after);
    audit::append(txn, ctx, change).await?;
    Ok(created)
}

/// Creates a unit under `new.parent_id` (which must be a unit of the same organisation that is still in use) and
/// records it in the audit trail.
#[tracing::instrument(skip_all, err, fields(organisation.id = organisation_id))]
pub async fn create_org_unit(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    new: NewOrgUnit,
) -> Result<org_unit::Model, StoreError> {
    let name = UnitName::parse(&new.name).map_err(|source| StoreError::InvalidName { field: "name", source })?;
    if let Some(parent_id) = new.parent_id {
        let parent = org_unit::Entity::find_by_id(parent_id)
            .filter(org_unit::Column::OrganisationId.eq(organisation_id))
            .filter(org_unit::Column::RetiredAt.is_null())
            .one(txn)
            .await?;
        if parent.is_none() {
            return Err(StoreError::NotFound {
                kind: "org_unit",
                id: parent_id.to_string(),
            });
        }
    }
    let now = Utc::now();
    let created = org_unit::ActiveModel {
        organisation_id: Set(organisation_id),
        parent_id: Set(new.parent_id),
        name: Set(name.as_str().to_owned()),
        kind: Set(new.kind.as_str().to_owned()),
        position: Set(new.position),
        external_id: Set(new.external_id.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        retired_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let after = unit_snapshot(&created);
    let change = Change::created(Some(organisation_id), SubjectRef::new("org_unit", created.id), after);
    audit::append(txn, ctx, change).await?;
    Ok(created)
}

/// The organisation LIS serves: the first one created. (LIS serves one organisation per installation; the schema
/// keeps the organisation id everywhere so that shared installations remain possible.)
pub async fn primary_organisation(db: &impl ConnectionTrait) -> Result<Option<organisation::Model>, StoreError> {
    Ok(organisation::Entity::find()
        .order_by_asc(organisation::Column::Id)
        .one(db)
        .await?)
}

/// One organisation, or [`StoreError::NotFound`].
pub async fn get(db: &impl ConnectionTrait, organisation_id: i64) -> Result<organisation::Model, StoreError> {
    organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            kind: "organisation",
            id: organisation_id.to_string(),
        })
}

/// The organisation's units in use, as a tree.
pub async fn org_tree(db: &impl ConnectionTrait, organisation_id: i64) -> Result<OrgTree, StoreError> {
    let units = org_unit::Entity::find()
        .filter(org_unit::Column::OrganisationId.eq(organisation_id))
        .filter(org_unit::Column::RetiredAt.is_null())
        .all(db)
        .await?;
    let records = units
        .into_iter()
        .map(|unit| {
            let kind = unit.kind.parse::<OrgUnitKind>().unwrap_or_else(|unknown| {
                // Only LIS writes this column; an unknown value means a newer LIS wrote it. Show the unit anyway.
                tracing::warn!(org_unit.id = unit.id, error = %unknown, "unknown kind of unit");
                OrgUnitKind::Enhet
            });
            OrgUnitRecord {
                id: unit.id,
                parent_id: unit.parent_id,
                name: unit.name,
                kind,
                position: unit.position,
            }
        })
        .collect();
    Ok(OrgTree::build(records))
}

fn unit_snapshot(unit: &org_unit::Model) -> serde_json::Value {
    json!({
        "parent_id": unit.parent_id,
        "name": unit.name,
        "kind": unit.kind,
        "position": unit.position,
        "external_id": unit.external_id,
    })
}

/// A unit's new name, kind, parent and external id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitChange {
    /// The unit above, or none for a top-level unit.
    pub parent_id: Option<i64>,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: OrgUnitKind,
    /// Its id in another register.
    pub external_id: Option<String>,
}

/// Changes a unit in use: its name, kind, external id and place in the tree. A parent below the unit itself is
/// refused ([`StoreError::Cycle`]); the same values again change nothing and write no event.
#[tracing::instrument(skip_all, err, fields(org_unit.id = unit_id))]
pub async fn update_org_unit(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    unit_id: i64,
    change: UnitChange,
) -> Result<org_unit::Model, StoreError> {
    let name = UnitName::parse(&change.name).map_err(|source| StoreError::InvalidName { field: "name", source })?;
    let existing = org_unit::Entity::find_by_id(unit_id)
        .filter(org_unit::Column::OrganisationId.eq(organisation_id))
        .filter(org_unit::Column::RetiredAt.is_null())
        .one(txn)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            kind: "org_unit",
            id: unit_id.to_string(),
        })?;
    if let Some(parent_id) = change.parent_id {
        let tree = org_tree(txn, organisation_id).await?;
        let below = tree.subtree(unit_id);
        if below.contains(&parent_id) {
            let names = tree.flatten();
            let name_of = |id: i64| {
                names
                    .iter()
                    .find(|u| u.id == id)
                    .map_or_else(|| id.to_string(), |u| u.name.clone())
            };
            return Err(StoreError::Cycle {
                names: vec![name_of(unit_id), name_of(parent_id), name_of(unit_id)],
            });
        }
        if !tree.flatten().iter().any(|u| u.id == parent_id) {
            return Err(StoreError::NotFound {
                kind: "org_unit",
                id: parent_id.to_string(),
            });
        }
    }
    if existing.name == name.as_str()
        && existing.kind == change.kind.as_str()
        && existing.parent_id == change.parent_id
        && existing.external_id == change.external_id
    {
        return Ok(existing);
    }
    let updated = org_unit::ActiveModel {
        id: Set(unit_id),
        parent_id: Set(change.parent_id),
        name: Set(name.as_str().to_owned()),
        kind: Set(change.kind.as_str().to_owned()),
        external_id: Set(change.external_id),
        version: Set(existing.version + 1),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(txn)
    .await?;
    let change = Change {
        organisation_id: Some(organisation_id),
        action: lis_domain::AuditAction::Update,
        subject: SubjectRef::new("org_unit", unit_id),
        before: Some(unit_snapshot(&existing)),
        after: Some(unit_snapshot(&updated)),
    };
    audit::append(txn, ctx, change).await?;
    Ok(updated)
}

/// The organisation's units in use, as stored (with external ids), for imports and exports.
pub async fn units(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Vec<org_unit::Model>, StoreError> {
    Ok(org_unit::Entity::find()
        .filter(org_unit::Column::OrganisationId.eq(organisation_id))
        .filter(org_unit::Column::RetiredAt.is_null())
        .order_by_asc(org_unit::Column::Id)
        .all(db)
        .await?)
}

/// Units by id, retired ones too (a record may name a unit retired since), for showing names beside references.
pub async fn units_by_ids(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<org_unit::Model>, StoreError> {
    let ids: std::collections::BTreeSet<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(org_unit::Entity::find()
        .filter(org_unit::Column::OrganisationId.eq(organisation_id))
        .filter(org_unit::Column::Id.is_in(ids))
        .all(db)
        .await?)
}
