//! The mapping from identity-provider groups to LIS roles: seeded from `LIS_ROLE_MAP`, edited by administrators.

use chrono::Utc;
use lis_domain::{AuditAction, Role, RoleMapEntry, SubjectRef};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::entity::{org_unit, role_mapping};

/// The organisation's mapping, in the order it was written.
pub async fn entries(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Vec<RoleMapEntry>, StoreError> {
    let rows = role_mapping::Entity::find()
        .filter(role_mapping::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(role_mapping::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let org_unit_id = row.org_unit_id;
            row.role.parse::<Role>().ok().map(|role| RoleMapEntry {
                group: row.group_name,
                role,
                org_unit_id,
            })
        })
        .collect())
}

/// Replaces the whole mapping and records the old and new mapping in the audit trail.
pub async fn replace(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    new: &[RoleMapEntry],
) -> Result<(), StoreError> {
    let old = entries(txn, organisation_id).await?;
    if old == new {
        return Ok(());
    }
    role_mapping::Entity::delete_many()
        .filter(role_mapping::Column::OrganisationId.eq(organisation_id))
        .exec(txn)
        .await?;
    let now = Utc::now();
    for entry in new {
        role_mapping::ActiveModel {
            organisation_id: Set(organisation_id),
            group_name: Set(entry.group.clone()),
            role: Set(entry.role.as_str().to_owned()),
            org_unit_id: Set(entry.org_unit_id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let change = Change {
        organisation_id: Some(organisation_id),
        action: AuditAction::Update,
        subject: SubjectRef::new("role_mapping", organisation_id),
        before: Some(json!(old)),
        after: Some(json!(new)),
    };
    audit::append(txn, ctx, change).await
}

/// The org unit ids a mapping limits roles to that are not units of the organisation (or are retired).
pub async fn unknown_units(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    entries: &[RoleMapEntry],
) -> Result<Vec<i64>, StoreError> {
    let wanted: Vec<i64> = entries.iter().filter_map(|e| e.org_unit_id).collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<i64> = org_unit::Entity::find()
        .filter(org_unit::Column::OrganisationId.eq(organisation_id))
        .filter(org_unit::Column::RetiredAt.is_null())
        .filter(org_unit::Column::Id.is_in(wanted.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|unit| unit.id)
        .collect();
    Ok(wanted.into_iter().filter(|id| !found.contains(id)).collect())
}

/// Writes the mapping from configuration when the organisation has none yet; an edited mapping is left alone.
pub async fn seed_if_empty(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    configured: &[RoleMapEntry],
) -> Result<bool, StoreError> {
    let existing = role_mapping::Entity::find()
        .filter(role_mapping::Column::OrganisationId.eq(organisation_id))
        .count(txn)
        .await?;
    if existing > 0 || configured.is_empty() {
        return Ok(false);
    }
    replace(txn, ctx, organisation_id, configured).await?;
    Ok(true)
}
