//! What the gap analysis reads: the systems in use with their förvaltningsobjekt's org unit and objektsägare and
//! their effective levels, and the recorded statuses, a few statements for the whole organisation.

use std::collections::HashMap;

use lis_domain::aspect::{Aspect, Profile};
use lis_domain::gap::{RequirementStatus, Severity, StatusRecord, Statuses, SystemFacts};
use lis_domain::inventory::{ItemKind, Lifecycle};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::StoreError;
use crate::entity::{inventory_item, requirement_status, system_level};

/// The organisation's systems that are not retired (planned, in use or being retired), each with the org unit and
/// objektsägare of its förvaltningsobjekt and its effective levels (0 where nothing is stored), by name.
pub async fn systems_in_use(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Vec<SystemFacts>, StoreError> {
    let objects: HashMap<i64, (Option<i64>, Option<i64>)> = inventory_item::Entity::find()
        .select_only()
        .column(inventory_item::Column::Id)
        .column(inventory_item::Column::OrgUnitId)
        .column(inventory_item::Column::OwnerPersonId)
        .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
        .filter(inventory_item::Column::Kind.eq(ItemKind::ManagementObject.as_str()))
        .into_tuple::<(i64, Option<i64>, Option<i64>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, unit, owner)| (id, (unit, owner)))
        .collect();
    let systems: Vec<(i64, String, Option<i64>, Option<String>)> = inventory_item::Entity::find()
        .select_only()
        .column(inventory_item::Column::Id)
        .column(inventory_item::Column::Name)
        .column(inventory_item::Column::ParentId)
        .column(inventory_item::Column::Lifecycle)
        .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
        .filter(inventory_item::Column::Kind.eq(ItemKind::System.as_str()))
        .filter(inventory_item::Column::RetiredAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut levels: HashMap<i64, HashMap<Aspect, u8>> = HashMap::new();
    let rows: Vec<(i64, String, i16)> = system_level::Entity::find()
        .select_only()
        .column(system_level::Column::SystemId)
        .column(system_level::Column::Aspect)
        .column(system_level::Column::Effective)
        .filter(system_level::Column::OrganisationId.eq(organisation_id))
        .into_tuple()
        .all(db)
        .await?;
    for (system_id, aspect, effective) in rows {
        if let Ok(aspect) = aspect.parse::<Aspect>() {
            levels
                .entry(system_id)
                .or_default()
                .insert(aspect, u8::try_from(effective).unwrap_or(0));
        }
    }
    let retired = Lifecycle::Retired.as_str();
    let mut facts: Vec<SystemFacts> = systems
        .into_iter()
        .filter(|(_, _, _, lifecycle)| lifecycle.as_deref() != Some(retired))
        .map(|(id, name, parent, _)| {
            let (org_unit_id, owner_person_id) = parent.and_then(|p| objects.get(&p).copied()).unwrap_or_default();
            let of_system = levels.get(&id);
            let level = |aspect| of_system.and_then(|l| l.get(&aspect)).copied().unwrap_or(0);
            SystemFacts {
                id,
                name,
                org_unit_id,
                owner_person_id,
                profile: Profile::new(level(Aspect::K), level(Aspect::R), level(Aspect::T), level(Aspect::S)),
            }
        })
        .collect();
    facts.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(facts)
}

/// A stored status as the analysis reads it, with whether it is a local exception and who answers for it.
type OwnRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<chrono::NaiveDate>,
    bool,
    Option<i64>,
);

/// The statuses that count for `system_ids` (status, *brist* and due date: what the analysis counts): what a shared
/// control the system uses gives, unless the system records a local exception, else what the system records.
pub async fn statuses(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    system_ids: &[i64],
) -> Result<Statuses, StoreError> {
    let mut found = Statuses::new();
    for chunk in system_ids.chunks(crate::inventory::BATCH) {
        let rows: Vec<OwnRow> = requirement_status::Entity::find()
            .select_only()
            .column(requirement_status::Column::SystemId)
            .column(requirement_status::Column::RequirementId)
            .column(requirement_status::Column::Status)
            .column(requirement_status::Column::Severity)
            .column(requirement_status::Column::DueDate)
            .column(requirement_status::Column::LocalException)
            .column(requirement_status::Column::ResponsiblePersonId)
            .filter(requirement_status::Column::SystemId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        for (system_id, requirement_id, status, severity, due, local_exception, responsible_person_id) in rows {
            let record = StatusRecord {
                status: status.parse::<RequirementStatus>().ok(),
                severity: severity.and_then(|s| s.parse::<Severity>().ok()),
                due,
                local_exception,
                responsible_person_id,
                ..StatusRecord::default()
            };
            found.entry(system_id).or_default().insert(requirement_id, record);
        }
    }
    for (system_id, inherited) in crate::shared_controls::inherited(db, organisation_id, system_ids).await? {
        let own = found.entry(system_id).or_default();
        for (requirement_id, given) in inherited {
            if !own.get(&requirement_id).is_some_and(|record| record.local_exception) {
                own.insert(requirement_id, given.record);
            }
        }
    }
    Ok(found)
}
