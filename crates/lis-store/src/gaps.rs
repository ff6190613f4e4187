//! What the gap analysis reads: the systems in use with their förvaltningsobjekt's org unit and objektsägare and
//! their effective levels, and the recorded statuses, a few statements for the whole organisation.

use std::collections::{HashMap, HashSet};

use lis_domain::aspect::{Aspect, Profile};
use lis_domain::gap::{RequirementStatus, Severity, StatusRecord, Statuses, SystemFacts};
use lis_domain::inventory::{ItemKind, Lifecycle};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Statement};

use crate::StoreError;
use crate::entity::{inventory_item, system_level};

/// The organisation's systems that are not retired (planned, in use or being retired), each with the org unit and
/// objektsägare of its förvaltningsobjekt and its effective levels (0 where nothing is stored), by name.
pub async fn systems_in_use(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Vec<SystemFacts>, StoreError> {
    systems_in_use_among(db, organisation_id, None).await
}

/// Like [`systems_in_use`], limited to the systems `ids` when given: what a page about a few systems reads.
pub async fn systems_in_use_among(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    ids: Option<&[i64]>,
) -> Result<Vec<SystemFacts>, StoreError> {
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
    let mut systems: Vec<(i64, String, Option<i64>, Option<String>)> = Vec::new();
    let mut rows: Vec<(i64, String, i16)> = Vec::new();
    let chunks: Vec<Option<&[i64]>> = match ids {
        Some(ids) => ids.chunks(crate::inventory::BATCH).map(Some).collect(),
        None => vec![None],
    };
    for chunk in chunks {
        let mut items = inventory_item::Entity::find()
            .select_only()
            .column(inventory_item::Column::Id)
            .column(inventory_item::Column::Name)
            .column(inventory_item::Column::ParentId)
            .column(inventory_item::Column::Lifecycle)
            .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
            .filter(inventory_item::Column::Kind.eq(ItemKind::System.as_str()))
            .filter(inventory_item::Column::RetiredAt.is_null());
        let mut levels = system_level::Entity::find()
            .select_only()
            .column(system_level::Column::SystemId)
            .column(system_level::Column::Aspect)
            .column(system_level::Column::Effective)
            .filter(system_level::Column::OrganisationId.eq(organisation_id));
        if let Some(ids) = chunk {
            items = items.filter(inventory_item::Column::Id.is_in(ids.iter().copied()));
            levels = levels.filter(system_level::Column::SystemId.is_in(ids.iter().copied()));
        }
        systems.extend(
            items
                .into_tuple::<(i64, String, Option<i64>, Option<String>)>()
                .all(db)
                .await?,
        );
        rows.extend(levels.into_tuple::<(i64, String, i16)>().all(db).await?);
    }
    let mut levels: HashMap<i64, HashMap<Aspect, u8>> = HashMap::new();
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

/// Separates the fields of one packed status (U+001F, the unit separator): no requirement id, status or date
/// contains it.
const FIELD: char = '\u{1f}';
/// Separates the packed statuses of one system (U+001E, the record separator).
const RECORD: char = '\u{1e}';

/// The statement reading the statuses of the organisation's systems (of `ids` only, when given), packed: one row per
/// system with its statuses joined into one text. Half a million statuses read row by row cost the drivers far more
/// than the database's own work; a few thousand rows of packed text cost little.
fn packed_statuses(backend: DbBackend, organisation_id: i64, ids: Option<&[i64]>) -> Statement {
    let (join, char_fn, due, exception, responsible) = match backend {
        DbBackend::Postgres => (
            "string_agg",
            "chr",
            "to_char(due_date, 'YYYY-MM-DD')",
            "CASE WHEN local_exception THEN '1' ELSE '0' END",
            "responsible_person_id::text",
        ),
        _ => (
            "group_concat",
            "char",
            "due_date",
            "CASE WHEN local_exception THEN '1' ELSE '0' END",
            "responsible_person_id",
        ),
    };
    let field = format!("{char_fn}(31)");
    let only = ids.map_or_else(String::new, |ids| {
        let listed: Vec<String> = ids.iter().map(i64::to_string).collect();
        format!(" AND system_id IN ({})", listed.join(", "))
    });
    let sql = format!(
        "SELECT system_id, {join}(requirement_id || {field} || status || {field} || COALESCE(severity, '') || \
         {field} || COALESCE({due}, '') || {field} || {exception} || {field} || COALESCE({responsible}, ''), \
         {char_fn}(30)) AS packed FROM requirement_status WHERE organisation_id = {organisation_id}{only} \
         GROUP BY system_id"
    );
    Statement::from_string(backend, sql)
}

/// A date written `YYYY-MM-DD`, read without the general parser: half a million of them are read at a time.
fn iso_date(text: &str) -> Option<chrono::NaiveDate> {
    let (year, rest) = text.split_once('-')?;
    let (month, day) = rest.split_once('-')?;
    chrono::NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// One packed status: requirement id and its record; none if the text is not what [`packed_statuses`] writes.
fn unpack(text: &str) -> Option<(String, StatusRecord)> {
    let mut fields = text.split(FIELD);
    let requirement_id = fields.next()?.to_owned();
    let status = fields.next()?.parse::<RequirementStatus>().ok();
    let severity = fields.next()?.parse::<Severity>().ok();
    let due = iso_date(fields.next()?);
    let local_exception = fields.next()? == "1";
    let responsible_person_id = fields.next()?.parse::<i64>().ok();
    let record = StatusRecord {
        status,
        severity,
        due,
        local_exception,
        responsible_person_id,
        ..StatusRecord::default()
    };
    Some((requirement_id, record))
}

/// The statuses that count for `system_ids` (status, *brist* and due date: what the analysis counts): what a shared
/// control the system uses gives, unless the system records a local exception, else what the system records.
pub async fn statuses(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    system_ids: &[i64],
) -> Result<Statuses, StoreError> {
    let inherited = crate::shared_controls::inherited(db, organisation_id, system_ids).await?;
    statuses_with(db, organisation_id, system_ids, &inherited).await
}

/// Like [`statuses`], with what the systems inherit from shared controls read already (for them or for more
/// systems): what a caller that reads it once for several uses takes.
pub async fn statuses_with(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    system_ids: &[i64],
    inherited: &HashMap<i64, HashMap<String, crate::shared_controls::Inherited>>,
) -> Result<Statuses, StoreError> {
    let mut found = recorded(db, organisation_id, system_ids).await?;
    with_inherited(
        &mut found,
        system_ids.iter().filter_map(|id| inherited.get_key_value(id)),
    );
    Ok(found)
}

/// What the systems `system_ids` record themselves, whether or not a shared control overrides it.
async fn recorded(db: &impl ConnectionTrait, organisation_id: i64, system_ids: &[i64]) -> Result<Statuses, StoreError> {
    let mut found = Statuses::new();
    let wanted: HashSet<i64> = system_ids.iter().copied().collect();
    // Many systems are read with one statement over the organisation rather than with long lists of ids.
    let chunks: Vec<Option<&[i64]>> = if system_ids.len() > crate::inventory::BATCH {
        vec![None]
    } else {
        system_ids.chunks(crate::inventory::BATCH).map(Some).collect()
    };
    for chunk in chunks {
        let statement = packed_statuses(db.get_database_backend(), organisation_id, chunk);
        for row in db.query_all_raw(statement).await? {
            let system_id: i64 = row.try_get("", "system_id")?;
            let packed: String = row.try_get("", "packed")?;
            if !wanted.contains(&system_id) {
                continue;
            }
            let of_system = found
                .entry(system_id)
                .or_insert_with(|| HashMap::with_capacity(packed.matches(RECORD).count() + 1));
            of_system.extend(packed.split(RECORD).filter_map(unpack));
        }
    }
    Ok(found)
}

/// Lays what the systems `inherited` from shared controls over what they record: a system's own status stands only
/// where it records a local exception.
fn with_inherited<'a>(
    found: &mut Statuses,
    inherited: impl IntoIterator<Item = (&'a i64, &'a HashMap<String, crate::shared_controls::Inherited>)>,
) {
    for (system_id, given) in inherited {
        let own = found.entry(*system_id).or_default();
        for (requirement_id, given) in given {
            if !own.get(requirement_id).is_some_and(|record| record.local_exception) {
                own.insert(requirement_id.clone(), given.record.clone());
            }
        }
    }
}

/// One change of a system's status or *brist* on a requirement, as the audit trail recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusChange {
    /// When it was saved.
    pub when: chrono::DateTime<chrono::Utc>,
    /// Who saved it, as the audit trail names the actor (`person:<id>`, `token:<id>`, …).
    pub actor: String,
    /// The person who saved it (for a token, the administrator who issued it).
    pub by: Option<i64>,
    /// The system.
    pub system_id: i64,
    /// The requirement.
    pub requirement_id: String,
    /// The status and *brist* before (*ej bedömd* when nothing was recorded).
    pub before: (RequirementStatus, Option<Severity>),
    /// The status and *brist* after.
    pub after: (RequirementStatus, Option<Severity>),
}

/// Events of the audit trail read per statement by [`status_changes_since`].
const CHANGES_PER_READ: u64 = 1_000;

/// The changes of status or *brist* saved on the systems `in_scope` of organisation `organisation_id` after `since`,
/// newest first (changes of other fields are left out), reading at most `most` events of the audit trail, and
/// whether older events were left unread. A shared control's changes are not among them: its users inherit them
/// without a saved status.
pub async fn status_changes_since(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    since: chrono::DateTime<chrono::Utc>,
    in_scope: &(dyn Fn(i64) -> bool + Sync),
    most: u64,
) -> Result<(Vec<StatusChange>, bool), StoreError> {
    use crate::entity::audit_event::{Column as E, Entity as Events};
    use sea_orm::QueryOrder;
    let events_before = |last: Option<i64>, limit: u64| {
        let mut query = Events::find()
            .filter(E::OrganisationId.eq(organisation_id))
            .filter(E::SubjectKind.eq("requirement_status"))
            .filter(E::OccurredAt.gt(since));
        if let Some(last) = last {
            query = query.filter(E::Id.lt(last));
        }
        query.order_by_desc(E::Id).limit(limit)
    };
    let mut changes = Vec::new();
    let mut read = 0;
    let mut last = None;
    loop {
        let limit = CHANGES_PER_READ.min(most - read);
        if limit == 0 {
            // Whether anything older is left unread.
            let more = events_before(last, 1).one(db).await?.is_some();
            return Ok((changes, more));
        }
        let events = events_before(last, limit).all(db).await?;
        read += events.len() as u64;
        last = events.last().map(|event| event.id);
        let done = (events.len() as u64) < limit;
        changes.extend(events.into_iter().filter_map(|event| {
            let change = status_change(event)?;
            in_scope(change.system_id).then_some(change)
        }));
        if done {
            return Ok((changes, false));
        }
    }
}

/// The change an audit event of a requirement status records, unless it changed neither status nor *brist*.
fn status_change(event: crate::entity::audit_event::Model) -> Option<StatusChange> {
    let state = |json: &serde_json::Value| {
        let status = json.get("status")?.as_str()?.parse::<RequirementStatus>().ok()?;
        let severity = json
            .get("severity")
            .and_then(serde_json::Value::as_str)
            .and_then(|s| s.parse::<Severity>().ok());
        Some((status, severity))
    };
    let after_json = event.after.as_ref()?;
    let after = state(after_json)?;
    let before = event
        .before
        .as_ref()
        .and_then(state)
        .unwrap_or((RequirementStatus::EjBedomd, None));
    if before == after {
        return None;
    }
    Some(StatusChange {
        when: event.occurred_at,
        system_id: after_json.get("system")?.as_i64()?,
        requirement_id: after_json.get("requirement")?.as_str()?.to_owned(),
        actor: event.actor,
        by: event.actor_person_id,
        before,
        after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_status_is_read_back_whole() {
        let packed = "LIS-8.13-01\u{1f}delvis_uppfyllt\u{1f}mattlig\u{1f}2026-03-09\u{1f}1\u{1f}42";
        let (id, record) = unpack(packed).expect("a status");
        assert_eq!(id, "LIS-8.13-01");
        assert_eq!(record.status, Some(RequirementStatus::DelvisUppfyllt));
        assert_eq!(record.severity, Some(Severity::Mattlig));
        assert_eq!(record.due, chrono::NaiveDate::from_ymd_opt(2026, 3, 9));
        assert!(record.local_exception);
        assert_eq!(record.responsible_person_id, Some(42));
        let (_, bare) = unpack("LIS-5.1-01\u{1f}uppfyllt\u{1f}\u{1f}\u{1f}0\u{1f}").expect("a status");
        assert_eq!((bare.severity, bare.due, bare.local_exception), (None, None, false));
        assert_eq!(bare.responsible_person_id, None);
        assert!(unpack("LIS-5.1-01\u{1f}uppfyllt").is_none(), "too few fields");
        assert_eq!(iso_date("2026-13-01"), None);
    }
}
