//! Stored gap summaries: per system, the counts a report last worked out (as text, see
//! `lis_reports::gaps::SummaryText`) and what they were worked out from, so that the next report over thousands of
//! systems reads a few numbers per system instead of every requirement status.
//!
//! A summary is derived data, not a record: it is written outside any change and is not audited. It holds while
//! - no status of the system was saved since (saving one bumps the row's `stamp` and clears its counts, in the same
//!   transaction; a summary is only written over the stamp it was read with, so one worked out from statuses read
//!   before a save never replaces the save's mark);
//! - the system's levels ([`profile_key`]), the catalogue and the SoA ([`basis`]) and what it inherits from shared
//!   controls ([`inherited_key`]) are what they were;
//! - no gap has fallen overdue since (`valid_until`).

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use lis_domain::aspect::{Aspect, Profile};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement, Value};
use sha2::{Digest, Sha256};

use crate::StoreError;
use crate::entity::gap_summary;
use crate::shared_controls::Inherited;

/// The stored summaries of the organisation's systems `ids`, by system (those never summarised are missing).
pub async fn of_systems(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    ids: &[i64],
) -> Result<HashMap<i64, gap_summary::Model>, StoreError> {
    let query = || gap_summary::Entity::find().filter(gap_summary::Column::OrganisationId.eq(organisation_id));
    let mut found = HashMap::with_capacity(ids.len());
    // Many systems are read with one statement over the organisation rather than with long lists of ids.
    if ids.len() > crate::inventory::BATCH {
        let wanted: std::collections::HashSet<i64> = ids.iter().copied().collect();
        for row in query().all(db).await? {
            if wanted.contains(&row.system_id) {
                found.insert(row.system_id, row);
            }
        }
        return Ok(found);
    }
    for chunk in ids.chunks(crate::inventory::BATCH) {
        let rows = query()
            .filter(gap_summary::Column::SystemId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|row| (row.system_id, row)));
    }
    Ok(found)
}

/// Marks the summary of the system `system_id` stale: its counts no longer hold. Called in the transaction that
/// saves one of its statuses.
pub(crate) async fn mark_stale(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    system_id: i64,
) -> Result<(), StoreError> {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "INSERT INTO gap_summary (system_id, organisation_id, stamp) VALUES ($1, $2, 1) ON CONFLICT (system_id) \
             DO UPDATE SET stamp = gap_summary.stamp + 1, counts = NULL"
        }
        _ => {
            "INSERT INTO gap_summary (system_id, organisation_id, stamp) VALUES (?, ?, 1) ON CONFLICT (system_id) \
             DO UPDATE SET stamp = gap_summary.stamp + 1, counts = NULL"
        }
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [Value::from(system_id), Value::from(organisation_id)],
    ))
    .await?;
    Ok(())
}

/// A summary worked out by a report, to be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fresh {
    /// The system.
    pub system_id: i64,
    /// The stamp of its stored row when the report read it (0 when there was none).
    pub seen_stamp: i64,
    /// The counts as text.
    pub counts: String,
    /// The [`profile_key`] of the levels they were worked out at.
    pub profile: String,
    /// The [`basis`] they were worked out on.
    pub basis: String,
    /// The [`inherited_key`] of what the system inherited.
    pub inherited: String,
    /// The day they were worked out.
    pub computed_on: NaiveDate,
    /// The last day they hold.
    pub valid_until: Option<NaiveDate>,
}

/// The columns [`save`] writes, in the order of its values.
const COLUMNS: [&str; 9] = [
    "system_id",
    "organisation_id",
    "stamp",
    "counts",
    "profile",
    "basis",
    "inherited",
    "computed_on",
    "valid_until",
];

/// Summaries written per statement.
const SAVED_PER_STATEMENT: usize = 500;

/// Stores `fresh` summaries of the organisation's systems, each only over the stamp it was read with: a summary whose
/// system had a status saved since is dropped (the save's mark stays). Outside any transaction of a change.
pub async fn save(db: &impl ConnectionTrait, organisation_id: i64, fresh: &[Fresh]) -> Result<(), StoreError> {
    let backend = db.get_database_backend();
    let updated: Vec<String> = COLUMNS[3..]
        .iter()
        .map(|column| format!("\"{column}\" = excluded.\"{column}\""))
        .collect();
    let on_conflict = format!(
        " ON CONFLICT (\"system_id\") DO UPDATE SET {} WHERE \"gap_summary\".\"stamp\" = excluded.\"stamp\"",
        updated.join(", ")
    );
    for chunk in fresh.chunks(SAVED_PER_STATEMENT) {
        let mut values = Vec::with_capacity(chunk.len() * COLUMNS.len());
        for summary in chunk {
            values.extend([
                Value::from(summary.system_id),
                Value::from(organisation_id),
                Value::from(summary.seen_stamp),
                Value::from(summary.counts.clone()),
                Value::from(summary.profile.clone()),
                Value::from(summary.basis.clone()),
                Value::from(summary.inherited.clone()),
                Value::from(summary.computed_on),
                Value::from(summary.valid_until),
            ]);
        }
        let insert = crate::rows::insert(backend, "gap_summary", &COLUMNS, &[], values, &[]);
        let statement = Statement::from_sql_and_values(
            backend,
            format!("{}{on_conflict}", insert.sql),
            insert.values.map(|v| v.0).unwrap_or_default(),
        );
        db.execute_raw(statement).await?;
    }
    Ok(())
}

/// A system's levels as a summary records them: `K2R1T3S0`.
pub fn profile_key(profile: &Profile) -> String {
    Aspect::ALL
        .iter()
        .map(|aspect| format!("{}{}", aspect.letter(), profile.level(*aspect)))
        .collect()
}

/// What every summary of the organisation rests on: the `format` of its text, the catalogue (every requirement, its
/// control and rule) and the controls the SoA leaves out, as a SHA-256 of their debug form (a new version of LIS may
/// write it differently: its reports then work every summary out once more).
pub fn basis(catalog: &lis_catalog::Catalog, not_in_use: &BTreeSet<String>, format: &str) -> String {
    crate::sessions::sha256_hex(format!("{format}\n{catalog:?}\n{not_in_use:?}").as_bytes())
}

/// What a system inherits from shared controls, as far as the counts use it (status, *brist*, due date per
/// requirement), as a SHA-256; empty when it inherits nothing.
pub fn inherited_key(inherited: Option<&HashMap<String, Inherited>>) -> String {
    let Some(inherited) = inherited.filter(|i| !i.is_empty()) else {
        return String::new();
    };
    // One line per requirement, in order, its fields apart by U+001F; hashed as written, without a string per line.
    let mut entries: Vec<(&String, &Inherited)> = inherited.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut hasher = Sha256::new();
    for (line, (requirement, given)) in entries.into_iter().enumerate() {
        let record = &given.record;
        if line > 0 {
            hasher.update(b"\n");
        }
        hasher.update(requirement.as_bytes());
        hasher.update(b"\x1f");
        hasher.update(record.status.map_or("", |s| s.as_str()).as_bytes());
        hasher.update(b"\x1f");
        hasher.update(record.severity.map_or("", |s| s.as_str()).as_bytes());
        hasher.update(b"\x1f");
        if let Some(due) = record.due {
            hasher.update(due.to_string().as_bytes());
        }
    }
    crate::sessions::hex(&hasher.finalize())
}
