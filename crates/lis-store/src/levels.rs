//! Systems' levels by the maximum principle ([`lis_domain::inheritance`]), kept in `system_level` and brought up to
//! date in the transaction of every change that can move them: an approved classification, a relation added or
//! removed, a record retired, an override set or removed. Only the affected systems are read and written: those
//! holding the changed information or named by the change, and every platform below them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use lis_domain::aspect::{Aspect, Profile};
use lis_domain::inheritance::{Derived, Inventory, Levels, Override, OverrideReason, Source};
use lis_domain::inventory::{ItemKind, RelationKind};
use lis_domain::{AuditAction, SubjectRef};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::entity::{classification, inventory_item, inventory_relation, level_override, system_level};

/// The `status` of an override in force.
pub const OVERRIDE_IN_FORCE: &str = "in_force";
/// The `status` of a lowering that waits for the CISO.
pub const OVERRIDE_PENDING: &str = "pending";

/// Ids per `IN (…)` list: well under SQLite's 32 766 and PostgreSQL's 65 535 bound values, since a large
/// municipality's systems hold more informationsmängder than either allows in one statement.
const IDS_PER_STATEMENT: usize = 10_000;

/// `ids` in lists short enough for one statement each.
fn id_chunks(ids: &BTreeSet<i64>) -> Vec<Vec<i64>> {
    let all: Vec<i64> = ids.iter().copied().collect();
    all.chunks(IDS_PER_STATEMENT).map(<[i64]>::to_vec).collect()
}

/// Pairs (from, to) of relations of `kind` whose `from` (or, with `by_to`, whose `to`) is one of `ids`.
async fn edges(
    db: &impl ConnectionTrait,
    kind: RelationKind,
    ids: &BTreeSet<i64>,
    by_to: bool,
) -> Result<Vec<(i64, i64)>, StoreError> {
    use inventory_relation::Column as R;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let end = if by_to { R::ToItemId } else { R::FromItemId };
    let mut found = Vec::new();
    for chunk in id_chunks(ids) {
        found.extend(
            inventory_relation::Entity::find()
                .select_only()
                .columns([R::FromItemId, R::ToItemId])
                .filter(R::Kind.eq(kind.as_str()))
                .filter(end.is_in(chunk))
                .into_tuple::<(i64, i64)>()
                .all(db)
                .await?,
        );
    }
    Ok(found)
}

/// The runs-on graph below `start`, read a layer at a time: `start` with every platform its systems run on,
/// directly or further down, and the (system, platform) relations walked to reach them.
pub(crate) async fn runs_on_below(
    db: &impl ConnectionTrait,
    start: &BTreeSet<i64>,
) -> Result<(BTreeSet<i64>, BTreeSet<(i64, i64)>), StoreError> {
    let mut runs_on = BTreeSet::new();
    let mut seen = start.clone();
    let mut frontier = start.clone();
    while !frontier.is_empty() {
        let found = edges(db, RelationKind::RunsOn, &frontier, false).await?;
        frontier = found
            .iter()
            .map(|(_, to)| *to)
            .filter(|to| !seen.contains(to))
            .collect();
        seen.extend(frontier.iter().copied());
        runs_on.extend(found);
    }
    Ok((seen, runs_on))
}

/// Which of `ids` are records of `kind` in use.
async fn in_use(db: &impl ConnectionTrait, kind: ItemKind, ids: &BTreeSet<i64>) -> Result<BTreeSet<i64>, StoreError> {
    use inventory_item::Column as C;
    if ids.is_empty() {
        return Ok(BTreeSet::new());
    }
    let mut found = BTreeSet::new();
    for chunk in id_chunks(ids) {
        // By id alone, and the kind and retirement checked here: given more conditions, the planners may walk an
        // index of every record of the kind instead of looking the ids up.
        let rows: Vec<(i64, String, bool)> = inventory_item::Entity::find()
            .select_only()
            .columns([C::Id, C::Kind])
            .column_as(C::RetiredAt.is_not_null(), "retired")
            .filter(C::Id.is_in(chunk))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(
            rows.into_iter()
                .filter(|(_, stored, retired)| stored == kind.as_str() && !retired)
                .map(|(id, ..)| id),
        );
    }
    Ok(found)
}

/// The levels the decided classifications of the given informationsmängder pass on (those without one are left
/// out): their own, lifted to the information type each is based on ([`lis_domain::classification::in_force`]).
pub async fn approved_levels(
    db: &impl ConnectionTrait,
    information: &BTreeSet<i64>,
) -> Result<BTreeMap<i64, BTreeMap<Aspect, u8>>, StoreError> {
    use classification::Column as C;
    if information.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut levels = BTreeMap::new();
    for chunk in id_chunks(information) {
        // Only the levels: a large platform holds tens of thousands of informationsmängder.
        let rows: Vec<(i64, i16, i16, i16, Option<i16>)> = classification::Entity::find()
            .select_only()
            .columns([C::ItemId, C::LevelK, C::LevelR, C::LevelT, C::LevelS])
            .filter(C::ItemId.is_in(chunk))
            .filter(C::Status.eq(crate::classification::Status::Approved.as_str()))
            .into_tuple()
            .all(db)
            .await?;
        for (item, k, r, t, s) in rows {
            levels.insert(item, levels_from(k, r, t, s));
        }
    }
    lift_to_types(db, information, &mut levels).await?;
    Ok(levels)
}

/// Lifts `levels` of the given informationsmängder to the information types their decided classifications are based
/// on (unless the CISO approved them below). One small statement when the organisation has no types.
async fn lift_to_types(
    db: &impl ConnectionTrait,
    information: &BTreeSet<i64>,
    levels: &mut BTreeMap<i64, BTreeMap<Aspect, u8>>,
) -> Result<(), StoreError> {
    use crate::entity::information_type;
    use classification::Column as C;
    let type_ids: BTreeSet<i64> = information_type::Entity::find()
        .select_only()
        .column(information_type::Column::Id)
        .filter(information_type::Column::RetiredAt.is_null())
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    if type_ids.is_empty() {
        return Ok(());
    }
    let of_type = crate::information_types::levels_in_use(db, &type_ids).await?;
    for chunk in id_chunks(information) {
        let based: Vec<(i64, i64)> = classification::Entity::find()
            .select_only()
            .columns([C::ItemId, C::InformationTypeId])
            .filter(C::InformationTypeId.is_in(type_ids.iter().copied()))
            .filter(C::Status.eq(crate::classification::Status::Approved.as_str()))
            .filter(C::LowersType.eq(false))
            .filter(C::ItemId.is_in(chunk))
            .into_tuple()
            .all(db)
            .await?;
        for (item, type_id) in based {
            if let Some(own) = levels.get_mut(&item) {
                *own = lis_domain::classification::in_force(own, of_type.get(&type_id), false);
            }
        }
    }
    Ok(())
}

/// The overrides in force on `systems`.
async fn overrides_of(
    db: &impl ConnectionTrait,
    systems: &BTreeSet<i64>,
) -> Result<BTreeMap<(i64, Aspect), Override>, StoreError> {
    use level_override::Column as O;
    if systems.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut rows = Vec::new();
    for chunk in id_chunks(systems) {
        rows.extend(
            level_override::Entity::find()
                .filter(O::SystemId.is_in(chunk))
                .filter(O::Status.eq(OVERRIDE_IN_FORCE))
                .all(db)
                .await?,
        );
    }
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let aspect = row.aspect.parse::<Aspect>().ok()?;
            let reason = row.reason.parse::<OverrideReason>().ok()?;
            let set = Override {
                level: level_u8(row.level),
                reason,
                calculated_when_set: level_u8(row.calculated_when_set),
            };
            Some(((row.system_id, aspect), set))
        })
        .collect())
}

/// The levels of stored K, R, T and (when classified) S columns, by aspect.
pub(crate) fn levels_from(k: i16, r: i16, t: i16, s: Option<i16>) -> BTreeMap<Aspect, u8> {
    let mut levels = BTreeMap::from([
        (Aspect::K, level_u8(k)),
        (Aspect::R, level_u8(r)),
        (Aspect::T, level_u8(t)),
    ]);
    if let Some(s) = s {
        levels.insert(Aspect::S, level_u8(s));
    }
    levels
}

/// A stored level as a level of the scale (stored values are always 0–4; anything else reads as 0).
pub(crate) fn level_u8(stored: i16) -> u8 {
    u8::try_from(stored).unwrap_or(0)
}

/// The stored rows of `systems`, by system and aspect.
async fn stored_rows(db: &impl ConnectionTrait, systems: &BTreeSet<i64>) -> Result<StoredRows, StoreError> {
    let mut rows = Vec::new();
    for chunk in id_chunks(systems) {
        rows.extend(
            system_level::Entity::find()
                .filter(system_level::Column::SystemId.is_in(chunk))
                .all(db)
                .await?,
        );
    }
    let mut stored = StoredRows::new();
    for row in rows {
        if let Ok(aspect) = row.aspect.parse::<Aspect>() {
            stored.entry(row.system_id).or_default().insert(aspect, row);
        }
    }
    Ok(stored)
}

/// Stored rows by system and aspect.
type StoredRows = BTreeMap<i64, BTreeMap<Aspect, system_level::Model>>;

/// The maximum over what a system itself holds, per aspect: (level, the first informationsmängd at it).
type Held = BTreeMap<i64, BTreeMap<Aspect, (u8, Option<i64>)>>;

/// The effective levels of systems outside the recomputation, which only their platforms read: the one column
/// that matters, since a platform may carry thousands.
async fn tenant_levels(db: &impl ConnectionTrait, systems: &BTreeSet<i64>) -> Result<Levels, StoreError> {
    use system_level::Column as L;
    let mut levels = Levels::new();
    for chunk in id_chunks(systems) {
        let rows: Vec<(i64, String, i16)> = system_level::Entity::find()
            .select_only()
            .columns([L::SystemId, L::Aspect, L::Effective])
            .filter(L::SystemId.is_in(chunk))
            .filter(L::Effective.gt(0))
            .into_tuple()
            .all(db)
            .await?;
        for (system, aspect, effective) in rows {
            let Ok(aspect) = aspect.parse::<Aspect>() else {
                continue;
            };
            let effective = level_u8(effective);
            let derived = Derived {
                calculated: effective,
                effective,
                source: Source::Nothing,
                review_override: false,
            };
            levels.entry(system).or_default().insert(aspect, derived);
        }
    }
    Ok(levels)
}

/// What the platforms among `affected` take from the systems running on them that are outside the recomputation:
/// those systems, their runs-on edges to `affected`, and their effective levels. For each platform and aspect only
/// the highest level and the first system (by id) at it matter, and that is what one grouped statement per chunk
/// of platforms returns, instead of every tenant's levels (a platform may carry thousands). When the recomputation
/// is too large to name in one statement, every tenant is read instead.
async fn outside_tenants(
    db: &impl ConnectionTrait,
    affected: &BTreeSet<i64>,
) -> Result<(BTreeSet<i64>, Vec<(i64, i64)>, Levels), StoreError> {
    use inventory_item::Column as I;
    use inventory_relation::Column as R;
    use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
    use system_level::Column as L;
    if affected.len() > IDS_PER_STATEMENT / 2 {
        let tenant_edges = edges(db, RelationKind::RunsOn, affected, true).await?;
        let outside: BTreeSet<i64> = tenant_edges
            .iter()
            .map(|(tenant, _)| *tenant)
            .filter(|tenant| !affected.contains(tenant))
            .collect();
        let outside = in_use(db, ItemKind::System, &outside).await?;
        let levels = tenant_levels(db, &outside).await?;
        return Ok((outside, tenant_edges, levels));
    }
    let mut outside = BTreeSet::new();
    let mut tenant_edges = Vec::new();
    let mut levels = Levels::new();
    for chunk in id_chunks(affected) {
        let mut query = Query::select();
        query
            .column((inventory_relation::Entity, R::ToItemId))
            .column((system_level::Entity, L::Aspect))
            .column((system_level::Entity, L::Effective))
            .expr(Func::min(Expr::col((inventory_relation::Entity, R::FromItemId))))
            .from(inventory_relation::Entity)
            .inner_join(
                system_level::Entity,
                Expr::col((system_level::Entity, L::SystemId)).equals((inventory_relation::Entity, R::FromItemId)),
            )
            .inner_join(
                inventory_item::Entity,
                Expr::col((inventory_item::Entity, I::Id)).equals((inventory_relation::Entity, R::FromItemId)),
            )
            .and_where(Expr::col((inventory_relation::Entity, R::Kind)).eq(RelationKind::RunsOn.as_str()))
            .and_where(Expr::col((inventory_relation::Entity, R::ToItemId)).is_in(chunk))
            .and_where(Expr::col((inventory_relation::Entity, R::FromItemId)).is_not_in(affected.iter().copied()))
            .and_where(Expr::col((inventory_item::Entity, I::RetiredAt)).is_null())
            .and_where(Expr::col((system_level::Entity, L::Effective)).gt(0))
            .group_by_col((inventory_relation::Entity, R::ToItemId))
            .group_by_col((system_level::Entity, L::Aspect))
            .group_by_col((system_level::Entity, L::Effective));
        // Per platform and aspect: the highest level, and the first system at it.
        let mut best: BTreeMap<(i64, Aspect), (u8, i64)> = BTreeMap::new();
        for row in db.query_all(&query).await? {
            let platform: i64 = row.try_get_by_index(0)?;
            let Ok(aspect) = row.try_get_by_index::<String>(1)?.parse::<Aspect>() else {
                continue;
            };
            let level = level_u8(row.try_get_by_index(2)?);
            let tenant: i64 = row.try_get_by_index(3)?;
            let entry = best.entry((platform, aspect)).or_insert((level, tenant));
            if level > entry.0 {
                *entry = (level, tenant);
            }
        }
        for ((platform, aspect), (level, tenant)) in best {
            outside.insert(tenant);
            tenant_edges.push((tenant, platform));
            let derived = Derived {
                calculated: level,
                effective: level,
                source: Source::Nothing,
                review_override: false,
            };
            levels.entry(tenant).or_default().insert(aspect, derived);
        }
    }
    Ok((outside, tenant_edges, levels))
}

/// The held part of stored rows.
fn held_of(rows: &BTreeMap<Aspect, system_level::Model>) -> BTreeMap<Aspect, (u8, Option<i64>)> {
    rows.iter()
        .map(|(aspect, row)| (*aspect, (level_u8(row.held_level), row.held_source_id)))
        .collect()
}

/// Brings the levels of every system that a change can move up to date, in the change's transaction: the systems
/// named, those holding the informationsmängder named, and every platform below them. Appends an audit event for
/// each system whose levels changed. Returns how many systems were recomputed.
pub async fn recompute(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    systems: &BTreeSet<i64>,
    information: &BTreeSet<i64>,
) -> Result<usize, StoreError> {
    let mut start = systems.clone();
    start.extend(
        edges(txn, RelationKind::HeldBy, information, false)
            .await?
            .into_iter()
            .map(|(_, s)| s),
    );
    // Down the runs-on graph: every platform below a changed system may move.
    let (seen, runs_on) = runs_on_below(txn, &start).await?;
    let affected = in_use(txn, ItemKind::System, &seen).await?;
    if affected.is_empty() {
        return Ok(0);
    }
    // Only the systems the change names, or that hold the information it names, can hold something else now: what
    // they hold is read. The platforms below them hold what they held; their stored maximum over it stands in.
    let reread: BTreeSet<i64> = affected.intersection(&start).copied().collect();
    let held = edges(txn, RelationKind::HeldBy, &reread, true).await?;
    let held_ids: BTreeSet<i64> = held.iter().map(|(info, _)| *info).collect();
    let information_in_use = in_use(txn, ItemKind::InformationSet, &held_ids).await?;
    let (outside, tenant_edges, mut levels) = outside_tenants(txn, &affected).await?;

    let mut inventory = Inventory {
        systems: affected.union(&outside).copied().collect(),
        information: approved_levels(txn, &information_in_use).await?,
        overrides: overrides_of(txn, &affected).await?,
        ..Inventory::default()
    };
    for (info, system) in held {
        if information_in_use.contains(&info) {
            inventory.holds.entry(system).or_default().insert(info);
        }
    }
    let before = stored_rows(txn, &affected).await?;
    let mut held_parts = Held::new();
    for system in affected.difference(&reread) {
        let stored = before.get(system).map(held_of).unwrap_or_default();
        for (aspect, (level, source)) in &stored {
            if let Some(source) = source.filter(|_| *level > 0) {
                inventory.holds.entry(*system).or_default().insert(source);
                if !information_in_use.contains(&source) {
                    inventory.information.entry(source).or_default().insert(*aspect, *level);
                }
            }
        }
        held_parts.insert(*system, stored);
    }
    for system in &reread {
        held_parts.insert(*system, held_maximum(&inventory, *system));
    }
    for (from, to) in runs_on.into_iter().chain(tenant_edges) {
        if inventory.systems.contains(&from) && affected.contains(&to) {
            inventory.runs_on.entry(from).or_default().insert(to);
        }
    }
    inventory.recompute(&affected, &mut levels);
    write_levels(txn, ctx, organisation_id, &affected, &before, &levels, &held_parts).await?;
    Ok(affected.len())
}

/// The maximum over what `system` holds in `inventory`, per aspect, with the first informationsmängd at it (by id,
/// as the rules pick it).
fn held_maximum(inventory: &Inventory, system: i64) -> BTreeMap<Aspect, (u8, Option<i64>)> {
    Aspect::ALL
        .into_iter()
        .map(|aspect| {
            let mut best = (0, None);
            for info in inventory.holds.get(&system).into_iter().flatten() {
                let level = inventory
                    .information
                    .get(info)
                    .and_then(|l| l.get(&aspect))
                    .copied()
                    .unwrap_or(0);
                if level > best.0 {
                    best = (level, Some(*info));
                }
            }
            (aspect, best)
        })
        .collect()
}

/// The stored form of a level's source: (kind, id).
fn source_columns(source: &Source) -> (&'static str, Option<i64>) {
    match source {
        Source::Nothing => ("nothing", None),
        Source::Information { id } => ("information", Some(*id)),
        Source::RunsOnIt { id } => ("runs_on_it", Some(*id)),
        Source::Override { .. } => ("override", None),
    }
}

/// Replaces the stored levels of `systems` that changed, with an audit event per system whose effective levels
/// moved.
async fn write_levels(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    systems: &BTreeSet<i64>,
    before: &StoredRows,
    after: &Levels,
    held: &Held,
) -> Result<(), StoreError> {
    let now = Utc::now();
    let mut rewritten = Vec::new();
    let mut rows = Vec::new();
    let mut events = Vec::new();
    for system in systems {
        let Some(new) = after.get(system) else {
            continue;
        };
        let new_held = held.get(system).cloned().unwrap_or_default();
        let old = before.get(system);
        let columns = |aspect: &Aspect, d: &Derived| {
            let (held_level, held_source) = new_held.get(aspect).copied().unwrap_or((0, None));
            let (source_kind, source_id) = source_columns(&d.source);
            (
                i16::from(held_level),
                held_source,
                i16::from(d.calculated),
                i16::from(d.effective),
                source_kind,
                source_id,
                d.review_override,
            )
        };
        // A system with nothing classified has no rows: level 0 from nothing is what no row means.
        let nothing = new
            .iter()
            .all(|(aspect, d)| columns(aspect, d) == (0, None, 0, 0, "nothing", None, false));
        let same = match old {
            None => nothing,
            Some(old) => {
                old.len() == new.len()
                    && new.iter().all(|(aspect, d)| {
                        old.get(aspect).is_some_and(|row| {
                            columns(aspect, d)
                                == (
                                    row.held_level,
                                    row.held_source_id,
                                    row.calculated,
                                    row.effective,
                                    row.source_kind.as_str(),
                                    row.source_id,
                                    row.review_override,
                                )
                        })
                    })
            }
        };
        if same {
            continue;
        }
        rewritten.push(*system);
        for (aspect, derived) in new {
            let (held_level, held_source_id, calculated, effective, source_kind, source_id, review_override) =
                columns(aspect, derived);
            rows.push(system_level::ActiveModel {
                system_id: Set(*system),
                aspect: Set(aspect.letter().to_string()),
                organisation_id: Set(organisation_id),
                held_level: Set(held_level),
                held_source_id: Set(held_source_id),
                calculated: Set(calculated),
                effective: Set(effective),
                source_kind: Set(source_kind.to_owned()),
                source_id: Set(source_id),
                review_override: Set(review_override),
                updated_at: Set(now),
            });
        }
        let was = old.map(|l| {
            l.iter()
                .map(|(a, row)| (a.letter().to_string(), level_u8(row.effective)))
                .collect::<BTreeMap<_, _>>()
        });
        let now_levels: BTreeMap<String, u8> = new.iter().map(|(a, d)| (a.letter().to_string(), d.effective)).collect();
        let was_or_zero = was
            .clone()
            .unwrap_or_else(|| new.keys().map(|a| (a.letter().to_string(), 0)).collect());
        if was_or_zero != now_levels {
            events.push(Change {
                organisation_id: Some(organisation_id),
                action: AuditAction::Update,
                subject: SubjectRef::new("system_levels", *system),
                before: was.map(|l| json!(l)),
                after: Some(json!(now_levels)),
            });
        }
    }
    for chunk in rewritten.chunks(crate::inventory::BATCH) {
        system_level::Entity::delete_many()
            .filter(system_level::Column::SystemId.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
    }
    // Four rows per system, eleven values each: well within the limits on bound values.
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(crate::inventory::BATCH).collect();
        system_level::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    audit::append_many(txn, ctx, events).await
}

/// A system's stored levels, by aspect (empty until something it holds is classified or it is recomputed).
pub async fn of_system(
    db: &impl ConnectionTrait,
    system_id: i64,
) -> Result<BTreeMap<Aspect, system_level::Model>, StoreError> {
    Ok(system_level::Entity::find()
        .filter(system_level::Column::SystemId.eq(system_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| Some((row.aspect.parse::<Aspect>().ok()?, row)))
        .collect())
}

/// A system's effective levels as a profile (0 where nothing is stored): what selects the requirements that apply.
pub async fn profile_of(db: &impl ConnectionTrait, system_id: i64) -> Result<Profile, StoreError> {
    let stored = of_system(db, system_id).await?;
    let level = |aspect: Aspect| {
        stored
            .get(&aspect)
            .map_or(0, |row| u8::try_from(row.effective).unwrap_or(0))
    };
    Ok(Profile::new(
        level(Aspect::K),
        level(Aspect::R),
        level(Aspect::T),
        level(Aspect::S),
    ))
}

/// How many systems are at each level of each aspect: the overview's heatmap.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Heatmap {
    /// The systems counted.
    pub systems: u64,
    /// Systems per (aspect, effective level); a system with nothing classified counts at level 0.
    pub counts: BTreeMap<(Aspect, u8), u64>,
}

/// Counts the systems `query` matches (a [`crate::inventory::ListQuery`] of systems: org unit, person, lifecycle, …)
/// by aspect and effective level, with two statements whatever the size of the organisation.
pub async fn heatmap(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    query: &crate::inventory::ListQuery,
) -> Result<Heatmap, StoreError> {
    use sea_orm::PaginatorTrait;
    let systems = crate::inventory::matching(db, organisation_id, query).await?;
    let total = systems.clone().count(db).await?;
    let ids = systems.select_only().column(inventory_item::Column::Id).into_query();
    let rows: Vec<(String, i16, i64)> = system_level::Entity::find()
        .select_only()
        .column(system_level::Column::Aspect)
        .column(system_level::Column::Effective)
        .column_as(system_level::Column::SystemId.count(), "systems")
        .filter(system_level::Column::OrganisationId.eq(organisation_id))
        .filter(system_level::Column::SystemId.in_subquery(ids))
        .group_by(system_level::Column::Aspect)
        .group_by(system_level::Column::Effective)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts = BTreeMap::new();
    for (aspect, level, n) in rows {
        let (Ok(aspect), Ok(n)) = (aspect.parse::<Aspect>(), u64::try_from(n)) else {
            continue;
        };
        *counts.entry((aspect, level_u8(level))).or_insert(0) += n;
    }
    for aspect in Aspect::ALL {
        let above: u64 = counts
            .iter()
            .filter(|((a, level), _)| *a == aspect && *level > 0)
            .map(|(_, n)| *n)
            .sum();
        counts.insert((aspect, 0), total.saturating_sub(above));
    }
    Ok(Heatmap { systems: total, counts })
}
