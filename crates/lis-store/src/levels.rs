//! Systems' levels by the maximum principle ([`lis_domain::inheritance`]), kept in `system_level` and brought up to
//! date in the transaction of every change that can move them: an approved classification, a relation added or
//! removed, a record retired, an override set or removed. Only the affected systems are read and written: those
//! holding the changed information or named by the change, and every platform below them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use lis_domain::aspect::{Aspect, Profile};
use lis_domain::held::{HeldTop, Ranked};
use lis_domain::inheritance::{Derived, Inventory, Levels, Override, OverrideReason, Source};
use lis_domain::inventory::{ItemKind, RelationKind};
use lis_domain::{AuditAction, SubjectRef};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
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

/// Every runs-on relation of the organisation, as (system, platform).
pub(crate) async fn runs_on_in(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
    use inventory_relation::Column as R;
    Ok(inventory_relation::Entity::find()
        .select_only()
        .columns([R::FromItemId, R::ToItemId])
        .filter(R::OrganisationId.eq(organisation_id))
        .filter(R::Kind.eq(RelationKind::RunsOn.as_str()))
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?)
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

/// The PostgreSQL advisory lock of an organisation's levels: "LIS" and 2 in ASCII, then the organisation's id.
const LEVELS_LOCK_KEY: i64 = 0x4C49_5302_0000_0000;

/// Makes the recomputations of an organisation's levels take turns on PostgreSQL, each holding its turn until its
/// transaction ends: a change then reads the stored rows, and follows their tops, as the change before it left them
/// instead of as they were before it (a runner-up followed from a stale row would stay wrong). One advisory lock
/// rather than a lock per system: it costs one statement, and the systems a change reaches are only known after
/// reading. SQLite has one change at a time already ([`crate::ChangeTransaction`]).
async fn take_turn(txn: &DatabaseTransaction, organisation_id: i64) -> Result<(), StoreError> {
    if crate::database::backend_of(txn) != crate::database::Backend::Postgres {
        return Ok(());
    }
    let key = LEVELS_LOCK_KEY | (organisation_id & 0xFFFF_FFFF);
    txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({key})"))
        .await?;
    Ok(())
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

/// The top of what each system itself holds, per aspect.
type Held = BTreeMap<i64, BTreeMap<Aspect, HeldTop>>;

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

/// What `platforms` take from the systems running on them that are outside the recomputation (`affected`): those
/// systems, their runs-on edges to `platforms`, and their effective levels. For each platform and aspect only the
/// highest level and the first system (by id) at it matter, and that is what one grouped statement per chunk of
/// platforms returns, instead of every tenant's levels (a platform may carry thousands). When the recomputation is
/// too large to name in one statement, every tenant is read instead.
async fn outside_tenants(
    db: &impl ConnectionTrait,
    platforms: &BTreeSet<i64>,
    affected: &BTreeSet<i64>,
) -> Result<(BTreeSet<i64>, Vec<(i64, i64)>, Levels), StoreError> {
    use inventory_item::Column as I;
    use inventory_relation::Column as R;
    use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
    use system_level::Column as L;
    if platforms.is_empty() {
        return Ok((BTreeSet::new(), Vec::new(), Levels::new()));
    }
    if affected.len() > IDS_PER_STATEMENT / 2 {
        let tenant_edges = edges(db, RelationKind::RunsOn, platforms, true).await?;
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
    for chunk in id_chunks(platforms) {
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

/// A top as stored: the best's level and record, and the runner-up's when known (level NULL: not known).
fn stored_top(level: i16, id: Option<i64>, second_level: Option<i16>, second_id: Option<i64>) -> HeldTop {
    let ranked = |level: i16, id: Option<i64>| id.map_or(Ranked::NOTHING, |id| Ranked::at(id, level_u8(level)));
    HeldTop {
        best: ranked(level, id),
        second: second_level.map(|second| ranked(second, second_id)),
    }
}

/// The held part of a system's stored rows, for every aspect (no rows: nothing classified is held).
fn held_of(rows: Option<&BTreeMap<Aspect, system_level::Model>>) -> BTreeMap<Aspect, HeldTop> {
    Aspect::ALL
        .into_iter()
        .map(|aspect| {
            let top = rows.and_then(|rows| rows.get(&aspect)).map_or(HeldTop::NOTHING, |row| {
                stored_top(
                    row.held_level,
                    row.held_source_id,
                    row.held_second_level,
                    row.held_second_source_id,
                )
            });
            (aspect, top)
        })
        .collect()
}

/// The held tops of the systems holding informationsmängder whose levels changed (`holdings`: pairs of
/// informationsmängd and system), followed from what is stored to the new levels, leaving out the systems in
/// `named` (which read all they hold anyway); and the systems whose top cannot be followed so, which must read all
/// they hold: a deciding informationsmängd fell and the runner-up is not known.
async fn follow_changes(
    db: &impl ConnectionTrait,
    affected: &BTreeSet<i64>,
    named: &BTreeSet<i64>,
    holdings: &[(i64, i64)],
    stored: &StoredRows,
) -> Result<(Held, BTreeSet<i64>), StoreError> {
    let mut changed_in: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (info, system) in holdings {
        if affected.contains(system) && !named.contains(system) {
            changed_in.entry(*system).or_default().insert(*info);
        }
    }
    let mut followed = Held::new();
    let mut unfollowed = BTreeSet::new();
    if changed_in.is_empty() {
        return Ok((followed, unfollowed));
    }
    let changed: BTreeSet<i64> = changed_in.values().flatten().copied().collect();
    // A retired informationsmängd, or one without a decided classification, passes nothing on: level 0.
    let levels = approved_levels(db, &in_use(db, ItemKind::InformationSet, &changed).await?).await?;
    'systems: for (system, infos) in changed_in {
        let mut tops = held_of(stored.get(&system));
        for info in infos {
            for (aspect, top) in &mut tops {
                let level = levels.get(&info).and_then(|l| l.get(aspect)).copied().unwrap_or(0);
                match top.after_change(info, level) {
                    Some(next) => *top = next,
                    None => {
                        unfollowed.insert(system);
                        continue 'systems;
                    }
                }
            }
        }
        followed.insert(system, tops);
    }
    Ok((followed, unfollowed))
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
    take_turn(txn, organisation_id).await?;
    let holdings = edges(txn, RelationKind::HeldBy, information, false).await?;
    let mut start = systems.clone();
    start.extend(holdings.iter().map(|(_, s)| *s));
    // Down the runs-on graph: every platform below a changed system may move.
    let (seen, runs_on) = runs_on_below(txn, &start).await?;
    let affected = in_use(txn, ItemKind::System, &seen).await?;
    if affected.is_empty() {
        return Ok(0);
    }
    let before = stored_rows(txn, &affected).await?;
    // The systems holding the information the change names follow its new levels from their stored top. Those the
    // change names, and those whose top cannot be followed, read all they hold. The platforms below them hold what
    // they held: their stored top stands in.
    let (mut held_parts, mut reread) = follow_changes(txn, &affected, systems, &holdings, &before).await?;
    reread.extend(affected.intersection(systems).copied());
    let held = edges(txn, RelationKind::HeldBy, &reread, true).await?;
    let held_ids: BTreeSet<i64> = held.iter().map(|(info, _)| *info).collect();
    let information_in_use = in_use(txn, ItemKind::InformationSet, &held_ids).await?;

    let mut inventory = Inventory {
        systems: affected.clone(),
        information: approved_levels(txn, &information_in_use).await?,
        overrides: overrides_of(txn, &affected).await?,
        ..Inventory::default()
    };
    for (info, system) in held {
        if information_in_use.contains(&info) {
            inventory.holds.entry(system).or_default().insert(info);
        }
    }
    for system in affected.difference(&reread) {
        let tops = held_parts.entry(*system).or_insert_with(|| held_of(before.get(system)));
        for (aspect, top) in tops.iter() {
            if let Some(source) = top.best.id {
                inventory.holds.entry(*system).or_default().insert(source);
                if !information_in_use.contains(&source) {
                    inventory
                        .information
                        .entry(source)
                        .or_default()
                        .insert(*aspect, top.best.level);
                }
            }
        }
    }
    for system in &reread {
        held_parts.insert(*system, held_maximum(&inventory, *system));
    }
    for (from, to) in &runs_on {
        if affected.contains(from) && affected.contains(to) {
            inventory.runs_on.entry(*from).or_default().insert(*to);
        }
    }
    // The systems the change names, and the platforms they run on, read what else runs on them.
    let mut read_all: BTreeSet<i64> = affected.intersection(systems).copied().collect();
    read_all.extend(
        runs_on
            .iter()
            .filter(|(from, _)| systems.contains(from))
            .map(|(_, to)| *to),
    );
    let (levels, runs_on_it) = compute_with_tenants(txn, &mut inventory, &affected, read_all, &before).await?;
    let tops = Tops {
        held: held_parts,
        runs_on_it,
    };
    write_levels(txn, ctx, organisation_id, &affected, &before, &levels, &tops).await?;
    Ok(affected.len())
}

/// The tops a recomputation found, to be stored beside the levels.
struct Tops {
    /// What each system holds, per aspect.
    held: Held,
    /// What runs on each system, per aspect.
    runs_on_it: BTreeMap<(i64, Aspect), HeldTop>,
}

/// The stored top of what runs on each of `systems`, for those that have one for every aspect (no rows: nothing
/// runs on it with a level).
fn stored_runs_on_it(stored: &StoredRows, systems: &BTreeSet<i64>) -> BTreeMap<(i64, Aspect), HeldTop> {
    let mut tops = BTreeMap::new();
    for system in systems {
        let Some(rows) = stored.get(system) else {
            tops.extend(Aspect::ALL.map(|aspect| ((*system, aspect), HeldTop::NOTHING)));
            continue;
        };
        let of_system: Option<Vec<(Aspect, HeldTop)>> = Aspect::ALL
            .into_iter()
            .map(|aspect| {
                let row = rows.get(&aspect)?;
                let top = stored_top(
                    row.runs_on_it_level?,
                    row.runs_on_it_source_id,
                    row.runs_on_it_second_level,
                    row.runs_on_it_second_source_id,
                );
                Some((aspect, top))
            })
            .collect();
        for (aspect, top) in of_system.into_iter().flatten() {
            tops.insert((*system, aspect), top);
        }
    }
    tops
}

/// Computes the levels of `affected` in `inventory`, which gives what they hold and the runs-on relations among
/// them, with what else runs on the platforms among them: for most, their stored top, followed with the new levels
/// of their tenants in `affected`; for those in `read_all`, those without a stored top and those whose top cannot be
/// followed, the best of their other tenants, read. Returns the levels and the top of what runs on each system.
async fn compute_with_tenants(
    db: &impl ConnectionTrait,
    inventory: &mut Inventory,
    affected: &BTreeSet<i64>,
    mut read_all: BTreeSet<i64>,
    before: &StoredRows,
) -> Result<(Levels, BTreeMap<(i64, Aspect), HeldTop>), StoreError> {
    let stored = stored_runs_on_it(before, affected);
    read_all.extend(affected.iter().filter(|s| !stored.contains_key(&(**s, Aspect::K))));
    let mut read = BTreeSet::new();
    let mut outside = BTreeSet::new();
    let mut outside_levels = Levels::new();
    loop {
        let to_read: BTreeSet<i64> = read_all
            .intersection(affected)
            .filter(|s| !read.contains(*s))
            .copied()
            .collect();
        let (more, tenant_edges, levels) = outside_tenants(db, &to_read, affected).await?;
        read.extend(to_read);
        outside.extend(more.iter().copied());
        inventory.systems.extend(more);
        for (tenant, of_tenant) in levels {
            outside_levels.entry(tenant).or_default().extend(of_tenant);
        }
        for (tenant, platform) in tenant_edges {
            inventory.runs_on.entry(tenant).or_default().insert(platform);
        }
        inventory.runs_on_it = stored
            .iter()
            .filter(|((system, _), _)| !read_all.contains(system))
            .map(|(key, top)| (*key, *top))
            .collect();
        let mut levels = outside_levels.clone();
        let found = inventory.recompute(affected, &mut levels);
        if found.unfollowed.is_empty() {
            let mut tops = found.tops;
            // A platform that read only the best of its other tenants does not know the runner-up when that decides.
            for ((system, _), top) in &mut tops {
                if read_all.contains(system) && top.best.id.is_some_and(|id| outside.contains(&id)) {
                    top.second = None;
                }
            }
            return Ok((levels, tops));
        }
        read_all.extend(found.unfollowed);
    }
}

/// The top of what `system` holds in `inventory`, per aspect: the first informationsmängd at the maximum (by id, as
/// the rules pick it) and the runner-up.
fn held_maximum(inventory: &Inventory, system: i64) -> BTreeMap<Aspect, HeldTop> {
    Aspect::ALL
        .into_iter()
        .map(|aspect| {
            let held = inventory.holds.get(&system).into_iter().flatten().map(|info| {
                let level = inventory.information.get(info).and_then(|l| l.get(&aspect));
                (*info, level.copied().unwrap_or(0))
            });
            (aspect, HeldTop::of(held))
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

/// The columns of a stored level that a recomputation decides (all but the keys and the time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StoredColumns<'a> {
    held_level: i16,
    held_source_id: Option<i64>,
    held_second_level: Option<i16>,
    held_second_source_id: Option<i64>,
    runs_on_it_level: Option<i16>,
    runs_on_it_source_id: Option<i64>,
    runs_on_it_second_level: Option<i16>,
    runs_on_it_second_source_id: Option<i64>,
    calculated: i16,
    effective: i16,
    source_kind: &'a str,
    source_id: Option<i64>,
    review_override: bool,
}

impl<'a> StoredColumns<'a> {
    /// Level 0 from nothing, nothing held.
    const NOTHING: StoredColumns<'static> = StoredColumns {
        held_level: 0,
        held_source_id: None,
        held_second_level: Some(0),
        held_second_source_id: None,
        runs_on_it_level: Some(0),
        runs_on_it_source_id: None,
        runs_on_it_second_level: Some(0),
        runs_on_it_second_source_id: None,
        calculated: 0,
        effective: 0,
        source_kind: "nothing",
        source_id: None,
        review_override: false,
    };

    fn of(row: &'a system_level::Model) -> Self {
        StoredColumns {
            held_level: row.held_level,
            held_source_id: row.held_source_id,
            held_second_level: row.held_second_level,
            held_second_source_id: row.held_second_source_id,
            runs_on_it_level: row.runs_on_it_level,
            runs_on_it_source_id: row.runs_on_it_source_id,
            runs_on_it_second_level: row.runs_on_it_second_level,
            runs_on_it_second_source_id: row.runs_on_it_second_source_id,
            calculated: row.calculated,
            effective: row.effective,
            source_kind: &row.source_kind,
            source_id: row.source_id,
            review_override: row.review_override,
        }
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
    tops: &Tops,
) -> Result<(), StoreError> {
    let now = Utc::now();
    let mut rewritten = Vec::new();
    let mut rows = Vec::new();
    let mut events = Vec::new();
    for system in systems {
        let Some(new) = after.get(system) else {
            continue;
        };
        let new_held = tops.held.get(system).cloned().unwrap_or_default();
        let old = before.get(system);
        let columns = |aspect: &Aspect, d: &Derived| {
            let top = new_held.get(aspect).copied().unwrap_or_default();
            let runs_on_it = tops.runs_on_it.get(&(*system, *aspect)).copied().unwrap_or_default();
            let (source_kind, source_id) = source_columns(&d.source);
            StoredColumns {
                held_level: i16::from(top.best.level),
                held_source_id: top.best.id,
                held_second_level: top.second.map(|second| i16::from(second.level)),
                held_second_source_id: top.second.and_then(|second| second.id),
                runs_on_it_level: Some(i16::from(runs_on_it.best.level)),
                runs_on_it_source_id: runs_on_it.best.id,
                runs_on_it_second_level: runs_on_it.second.map(|second| i16::from(second.level)),
                runs_on_it_second_source_id: runs_on_it.second.and_then(|second| second.id),
                calculated: i16::from(d.calculated),
                effective: i16::from(d.effective),
                source_kind,
                source_id,
                review_override: d.review_override,
            }
        };
        // A system with nothing classified has no rows: level 0 from nothing is what no row means.
        let nothing = new
            .iter()
            .all(|(aspect, d)| columns(aspect, d) == StoredColumns::NOTHING);
        let same = match old {
            None => nothing,
            Some(old) => {
                old.len() == new.len()
                    && new.iter().all(|(aspect, d)| {
                        old.get(aspect)
                            .is_some_and(|row| columns(aspect, d) == StoredColumns::of(row))
                    })
            }
        };
        if same {
            continue;
        }
        rewritten.push(*system);
        for (aspect, derived) in new {
            let c = columns(aspect, derived);
            rows.push(system_level::ActiveModel {
                system_id: Set(*system),
                aspect: Set(aspect.letter().to_string()),
                organisation_id: Set(organisation_id),
                held_level: Set(c.held_level),
                held_source_id: Set(c.held_source_id),
                held_second_level: Set(c.held_second_level),
                held_second_source_id: Set(c.held_second_source_id),
                runs_on_it_level: Set(c.runs_on_it_level),
                runs_on_it_source_id: Set(c.runs_on_it_source_id),
                runs_on_it_second_level: Set(c.runs_on_it_second_level),
                runs_on_it_second_source_id: Set(c.runs_on_it_second_source_id),
                calculated: Set(c.calculated),
                effective: Set(c.effective),
                source_kind: Set(c.source_kind.to_owned()),
                source_id: Set(c.source_id),
                review_override: Set(c.review_override),
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
/// by aspect and effective level. Two plain reads, counted here: the ids matching, and the levels above 0 (of those
/// ids when they are few, else of the whole organisation). Joined in the database instead, the planners' choice
/// depends on statistics that a busy day of reclassifying leaves behind (tens of ms on PostgreSQL).
pub async fn heatmap(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    query: &crate::inventory::ListQuery,
) -> Result<Heatmap, StoreError> {
    use system_level::Column as L;
    let systems: std::collections::HashSet<i64> = crate::inventory::matching(db, organisation_id, query)
        .await?
        .select_only()
        .column(inventory_item::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let levels = system_level::Entity::find()
        .select_only()
        .columns([L::SystemId, L::Aspect, L::Effective])
        .filter(L::OrganisationId.eq(organisation_id))
        .filter(L::Effective.gt(0));
    let levels = if systems.len() <= crate::inventory::BATCH {
        levels.filter(L::SystemId.is_in(systems.iter().copied()))
    } else {
        levels
    };
    let mut counts = BTreeMap::new();
    for (system, aspect, effective) in levels.into_tuple::<(i64, String, i16)>().all(db).await? {
        if let (true, Ok(aspect)) = (systems.contains(&system), aspect.parse::<Aspect>()) {
            *counts.entry((aspect, level_u8(effective))).or_insert(0) += 1;
        }
    }
    let total = u64::try_from(systems.len()).unwrap_or(u64::MAX);
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
