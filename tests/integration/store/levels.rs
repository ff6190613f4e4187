//! Stored levels after any sequence of changes equal the levels computed from scratch: recomputing only the affected
//! systems, with the platforms' held maximum taken from what is stored, loses nothing. Both equal what the rules of
//! `lis_domain::inheritance` give over everything read plainly. On both databases.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use lis_domain::Role;
use lis_domain::aspect::Aspect;
use lis_domain::classification::{Proposal, default_valid_until};
use lis_domain::inheritance::{Inventory, Override, OverrideReason, Source};
use lis_domain::inventory::{ItemKind, RelationKind};
use lis_store::audit::ChangeContext;
use lis_store::classification::{self, Model};
use lis_store::entity::{inventory_relation, level_override, system_level};
use lis_store::inventory::{self, ItemFields};
use lis_store::{ChangeTransaction, DatabaseConnection};
use lis_tests::{Backend, TestApp, on_both_databases};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

/// A small deterministic generator (the test must fail the same way every time).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((self.0 >> 33) % (n as u64)).unwrap_or(0)
    }
}

/// The classification model of the tests: levels 0–4, spårbarhet classified.
const MODEL: Model = Model {
    max_level: 4,
    classifies_traceability: true,
};

/// Saves `levels` for informationsmängd `set` (based on `information_type`, if any) as a draft and approves it, as
/// the pages do, in `txn`.
async fn decide(
    txn: &sea_orm::DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    set: i64,
    levels: BTreeMap<Aspect, u8>,
    information_type: Option<i64>,
) {
    let proposal = Proposal {
        proposed: levels.clone(),
        levels,
        justification: String::new(),
        valid_until: default_valid_until(Utc::now().date_naive()),
        information_type,
    };
    let draft = classification::save_draft(
        txn,
        ctx,
        organisation_id,
        set,
        MODEL,
        &proposal,
        &Default::default(),
        None,
    )
    .await
    .expect("draft");
    classification::approve(txn, ctx, organisation_id, set, draft.version, true)
        .await
        .expect("approve");
}

/// The fields of a record with only its name.
fn named(name: &str) -> ItemFields {
    ItemFields {
        name: name.to_owned(),
        ..ItemFields::default()
    }
}

/// Every stored level, without the time it was written and without the runner-up of what is held (see [`seconds`]).
async fn snapshot(
    db: &impl ConnectionTrait,
) -> Vec<(i64, String, i16, Option<i64>, i16, i16, String, Option<i64>, bool)> {
    system_level::Entity::find()
        .order_by_asc(system_level::Column::SystemId)
        .order_by_asc(system_level::Column::Aspect)
        .all(db)
        .await
        .expect("levels")
        .into_iter()
        .map(|r| {
            (
                r.system_id,
                r.aspect,
                r.held_level,
                r.held_source_id,
                r.calculated,
                r.effective,
                r.source_kind,
                r.source_id,
                r.review_override,
            )
        })
        .collect()
}

/// A stored place of a top: level and id, `None` where it is not known.
type Place = Option<(i16, Option<i64>)>;

/// The stored tops beside each level, per system and aspect: the runner-up of what it holds, the best of what runs
/// on it and the runner-up of that.
async fn seconds(db: &impl ConnectionTrait) -> BTreeMap<(i64, String), [Place; 3]> {
    system_level::Entity::find()
        .all(db)
        .await
        .expect("levels")
        .into_iter()
        .map(|r| {
            let places = [
                r.held_second_level.map(|level| (level, r.held_second_source_id)),
                r.runs_on_it_level.map(|level| (level, r.runs_on_it_source_id)),
                r.runs_on_it_second_level
                    .map(|level| (level, r.runs_on_it_second_source_id)),
            ];
            ((r.system_id, r.aspect), places)
        })
        .collect()
}

async fn incremental_recomputation_equals_a_full_one_after_any_change(backend: Backend) {
    let app = TestApp::new(backend).await;
    let organisation_id = app.organisation_id().await;
    let person = app.sign_in_as(Some(Role::Ciso)).await.person_id;
    let ctx = ChangeContext::person(person, None);
    let mut rng = Lcg(7);
    let txn = app.db.begin_change().await.expect("begin");
    let create = async |kind, name: String| {
        inventory::create(&txn, &ctx, organisation_id, kind, named(&name))
            .await
            .expect("create")
            .id
    };
    let mut platforms = Vec::new();
    for n in 0..3 {
        platforms.push(create(ItemKind::System, format!("Plattform {n}")).await);
    }
    let mut apps = Vec::new();
    for n in 0..8 {
        apps.push(create(ItemKind::System, format!("System {n}")).await);
    }
    let mut sets = Vec::new();
    for n in 0..16 {
        sets.push(create(ItemKind::InformationSet, format!("Mängd {n}")).await);
    }
    // Platform 1 and 2 run on platform 0; every application on platform 1 or 2.
    let mut relations = vec![
        (RelationKind::RunsOn, platforms[1], platforms[0]),
        (RelationKind::RunsOn, platforms[2], platforms[0]),
    ];
    for app_id in &apps {
        relations.push((RelationKind::RunsOn, *app_id, platforms[1 + rng.below(2)]));
    }
    let mut held = BTreeSet::new();
    for set in &sets {
        for _ in 0..2 {
            let holder = if rng.below(4) == 0 {
                platforms[rng.below(3)]
            } else {
                apps[rng.below(apps.len())]
            };
            held.insert((*set, holder));
        }
    }
    relations.extend(held.iter().map(|(set, system)| (RelationKind::HeldBy, *set, *system)));
    inventory::relate_many(&txn, &ctx, organisation_id, &relations)
        .await
        .expect("relate");
    txn.commit().await.expect("commit");

    // Two common information types that classifications may be based on, and that change.
    let random_levels = |rng: &mut Lcg| -> std::collections::BTreeMap<Aspect, u8> {
        Aspect::ALL
            .into_iter()
            .map(|a| (a, u8::try_from(rng.below(4)).unwrap_or(0)))
            .collect()
    };
    let mut types = Vec::new();
    let txn = app.db.begin_change().await.expect("begin");
    for n in 0..2 {
        let fields = lis_store::information_types::Fields {
            name: format!("Typ {n}"),
            levels: random_levels(&mut rng),
            ..Default::default()
        };
        let created = lis_store::information_types::create(&txn, &ctx, organisation_id, MODEL, &fields)
            .await
            .expect("type");
        types.push(created.id);
    }
    txn.commit().await.expect("commit");

    let all_systems: BTreeSet<i64> = platforms.iter().chain(&apps).copied().collect();
    let mut retired = BTreeSet::new();
    let mut runner_ups_not_known = 0;
    for step in 0..60 {
        let txn = app.db.begin_change().await.expect("begin");
        match rng.below(6) {
            0 | 1 => {
                let set = sets[rng.below(sets.len())];
                if !retired.contains(&set) {
                    let mut levels = random_levels(&mut rng);
                    // Half based on a type: mostly at or above its levels, sometimes (with the CISO's approval)
                    // below them.
                    let information_type = match rng.below(2) {
                        0 => Some(types[rng.below(types.len())]),
                        _ => None,
                    };
                    if let Some(id) = information_type.filter(|_| rng.below(4) > 0) {
                        let of_type = lis_store::information_types::get(&txn, organisation_id, id)
                            .await
                            .expect("type");
                        for (aspect, level) in lis_store::information_types::levels_of(&of_type) {
                            levels.entry(aspect).and_modify(|l| *l = (*l).max(level));
                        }
                    }
                    decide(&txn, &ctx, organisation_id, set, levels, information_type).await;
                }
            }
            2 => {
                let set = sets[rng.below(sets.len())];
                let system = apps[rng.below(apps.len())];
                if !retired.contains(&set) && held.insert((set, system)) {
                    inventory::relate(&txn, &ctx, organisation_id, RelationKind::HeldBy, set, system)
                        .await
                        .expect("relate");
                } else if let Some(relation) = inventory::relations_of(&txn, set)
                    .await
                    .expect("relations")
                    .into_iter()
                    .find(|r| r.relation.to_item_id == system && r.relation.kind == "held_by")
                {
                    inventory::unrelate(&txn, &ctx, organisation_id, relation.relation.id)
                        .await
                        .expect("unrelate");
                    held.remove(&(set, system));
                }
            }
            3 => {
                let system = platforms[rng.below(3)];
                let aspect = Aspect::ALL[rng.below(4)];
                let level = u8::try_from(rng.below(4)).unwrap_or(0);
                // Refusals (the same level as calculated) are fine: nothing changes then.
                let _ = classification::set_override(
                    &txn,
                    &ctx,
                    organisation_id,
                    system,
                    aspect,
                    level,
                    OverrideReason::Annat,
                    "Test",
                    MODEL,
                    true,
                )
                .await;
            }
            4 => {
                let id = types[rng.below(types.len())];
                let current = lis_store::information_types::get(&txn, organisation_id, id)
                    .await
                    .expect("type");
                let fields = lis_store::information_types::Fields {
                    name: current.name.clone(),
                    levels: random_levels(&mut rng),
                    ..Default::default()
                };
                lis_store::information_types::update(&txn, &ctx, organisation_id, id, current.version, MODEL, &fields)
                    .await
                    .expect("change the type");
            }
            _ => {
                let set = sets[rng.below(sets.len())];
                if retired.insert(set) {
                    let version = inventory::get(&txn, organisation_id, set).await.expect("set").version;
                    inventory::retire(&txn, &ctx, organisation_id, set, version)
                        .await
                        .expect("retire");
                }
            }
        }
        txn.commit().await.expect("commit");
        let incremental = snapshot(&app.db).await;
        let incremental_seconds = seconds(&app.db).await;
        // The full recomputation is rolled back: the changes that follow start from what the incremental ones left,
        // runner-ups not known included.
        let txn = app.db.begin_change().await.expect("begin");
        lis_store::levels::recompute(&txn, &ctx, organisation_id, &all_systems, &BTreeSet::new())
            .await
            .expect("full");
        let full = snapshot(&txn).await;
        let full_seconds = seconds(&txn).await;
        txn.rollback().await.expect("rollback");
        assert_eq!(full, incremental, "after step {step}");
        for (key, places) in &incremental_seconds {
            let full_places = full_seconds.get(key).copied().unwrap_or_default();
            for (place, full_place) in places.iter().zip(full_places) {
                assert!(full_place.is_some(), "a full recomputation knows every top: {key:?}");
                match place {
                    Some(known) => assert_eq!(Some(*known), full_place, "the tops of {key:?} after step {step}"),
                    None => runner_ups_not_known += 1,
                }
            }
        }
        assert_eq!(
            from_the_rules(&app.db, &all_systems, &sets, &retired).await,
            incremental,
            "the rules over everything read plainly, after step {step}"
        );
    }
    assert!(
        runner_ups_not_known > 0,
        "the changes should leave some runner-up not known, so that the reading it then needs is tested"
    );
}

/// The levels [`Inventory::compute`] gives over everything read plainly (every holding, every decided
/// classification lifted in Rust by `approved_levels`, every override in force), as [`snapshot`] lists them: what
/// the store, which has the database work out each system's maximum, must agree with.
async fn from_the_rules(
    db: &DatabaseConnection,
    systems: &BTreeSet<i64>,
    sets: &[i64],
    retired: &BTreeSet<i64>,
) -> Vec<(i64, String, i16, Option<i64>, i16, i16, String, Option<i64>, bool)> {
    let in_use: BTreeSet<i64> = sets.iter().copied().filter(|set| !retired.contains(set)).collect();
    let mut inventory = Inventory {
        systems: systems.clone(),
        information: lis_store::levels::approved_levels(db, &in_use).await.expect("levels"),
        ..Inventory::default()
    };
    for relation in inventory_relation::Entity::find().all(db).await.expect("relations") {
        let (from, to) = (relation.from_item_id, relation.to_item_id);
        match relation.kind.as_str() {
            "held_by" if in_use.contains(&from) => {
                inventory.holds.entry(to).or_default().insert(from);
            }
            "runs_on" => {
                inventory.runs_on.entry(from).or_default().insert(to);
            }
            _ => {}
        }
    }
    for set in level_override::Entity::find().all(db).await.expect("overrides") {
        if set.status == lis_store::levels::OVERRIDE_IN_FORCE {
            let aspect: Aspect = set.aspect.parse().expect("aspect");
            let reason: OverrideReason = set.reason.parse().expect("reason");
            let level = |stored: i16| u8::try_from(stored).expect("level");
            inventory.overrides.insert(
                (set.system_id, aspect),
                Override {
                    level: level(set.level),
                    reason,
                    calculated_when_set: level(set.calculated_when_set),
                },
            );
        }
    }
    let mut rows = Vec::new();
    for (system, derived) in inventory.compute() {
        // A system with nothing classified has no stored rows.
        if derived
            .values()
            .all(|d| d.effective == 0 && d.source == Source::Nothing)
        {
            continue;
        }
        for (aspect, d) in derived {
            let held = inventory
                .holds
                .get(&system)
                .into_iter()
                .flatten()
                .filter_map(|info| Some((*inventory.information.get(info)?.get(&aspect)?, *info)))
                .filter(|(level, _)| *level > 0)
                .max_by_key(|(level, info)| (*level, std::cmp::Reverse(*info)));
            let (kind, id) = match d.source {
                Source::Nothing => ("nothing", None),
                Source::Information { id } => ("information", Some(id)),
                Source::RunsOnIt { id } => ("runs_on_it", Some(id)),
                Source::Override { .. } => ("override", None),
            };
            rows.push((
                system,
                aspect.letter().to_string(),
                held.map_or(0, |(level, _)| i16::from(level)),
                held.map(|(_, info)| info),
                i16::from(d.calculated),
                i16::from(d.effective),
                kind.to_owned(),
                id,
                d.review_override,
            ));
        }
    }
    rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    rows
}

/// The heatmap counts alike whether it lists the ids of the systems matching (few) or reads the levels of the whole
/// organisation (many): 1 100 systems, three holding an informationsmängd at K 3, one of those retired.
async fn the_heatmap_counts_many_systems_and_few_alike(backend: Backend) {
    let app = TestApp::new(backend).await;
    let organisation_id = app.organisation_id().await;
    let person = app.sign_in_as(Some(Role::Ciso)).await.person_id;
    let ctx = ChangeContext::person(person, None);
    let txn = app.db.begin_change().await.expect("begin");
    let systems = inventory::create_many(
        &txn,
        &ctx,
        organisation_id,
        ItemKind::System,
        (0..1100).map(|n| named(&format!("System {n}"))).collect(),
    )
    .await
    .expect("systems");
    let set = inventory::create(&txn, &ctx, organisation_id, ItemKind::InformationSet, named("Mängd"))
        .await
        .expect("set")
        .id;
    let held: Vec<_> = systems[..3].iter().map(|s| (RelationKind::HeldBy, set, *s)).collect();
    inventory::relate_many(&txn, &ctx, organisation_id, &held)
        .await
        .expect("relate");
    let levels = BTreeMap::from([(Aspect::K, 3), (Aspect::R, 1), (Aspect::T, 0), (Aspect::S, 0)]);
    decide(&txn, &ctx, organisation_id, set, levels, None).await;
    let version = inventory::get(&txn, organisation_id, systems[2])
        .await
        .expect("system")
        .version;
    inventory::retire(&txn, &ctx, organisation_id, systems[2], version)
        .await
        .expect("retire");
    txn.commit().await.expect("commit");

    let whole = lis_store::levels::heatmap(&app.db, organisation_id, &inventory::ListQuery::new(ItemKind::System))
        .await
        .expect("heatmap");
    assert_eq!(whole.systems, 1099);
    assert_eq!(whole.counts.get(&(Aspect::K, 3)), Some(&2));
    assert_eq!(whole.counts.get(&(Aspect::K, 0)), Some(&1097));
    assert_eq!(whole.counts.get(&(Aspect::R, 1)), Some(&2));
    assert_eq!(whole.counts.get(&(Aspect::T, 0)), Some(&1099));
    let mut one = inventory::ListQuery::new(ItemKind::System);
    one.search = Some("System 0".into());
    let few = lis_store::levels::heatmap(&app.db, organisation_id, &one)
        .await
        .expect("heatmap");
    assert_eq!(few.systems, 1);
    assert_eq!(few.counts.get(&(Aspect::K, 3)), Some(&1));
    assert_eq!(few.counts.get(&(Aspect::K, 0)), Some(&0));
}

/// Two reclassifications of informationsmängder held by the same system, the second begun while the first is not
/// yet committed, leave the tops a full recomputation gives. Without waiting for the first, the second would follow
/// the system's row as it was before the first (on PostgreSQL; SQLite has one change at a time), and the runner-up
/// the first read (the second's informationsmängd, at its old level) would stay.
async fn changes_at_once_leave_the_tops_right(backend: Backend) {
    let app = TestApp::new(backend).await;
    let organisation_id = app.organisation_id().await;
    let person = app.sign_in_as(Some(Role::Ciso)).await.person_id;
    let ctx = ChangeContext::person(person, None);
    let k = |level: u8| {
        Aspect::ALL
            .into_iter()
            .map(|a| (a, if a == Aspect::K { level } else { 0 }))
            .collect()
    };
    let txn = app.db.begin_change().await.expect("begin");
    let system = inventory::create(&txn, &ctx, organisation_id, ItemKind::System, named("System"))
        .await
        .expect("system")
        .id;
    // Created in this order, so that y < x < w < z by id.
    let mut sets = Vec::new();
    for name in ["Y", "X", "W", "Z"] {
        sets.push(
            inventory::create(&txn, &ctx, organisation_id, ItemKind::InformationSet, named(name))
                .await
                .expect("set")
                .id,
        );
    }
    let (y, x, w, z) = (sets[0], sets[1], sets[2], sets[3]);
    let held: Vec<_> = sets.iter().map(|set| (RelationKind::HeldBy, *set, system)).collect();
    inventory::relate_many(&txn, &ctx, organisation_id, &held)
        .await
        .expect("relate");
    for (set, level) in [(y, 1), (x, 3), (w, 3), (z, 2)] {
        decide(&txn, &ctx, organisation_id, set, k(level), None).await;
    }
    // X falls: W decides and the runner-up is not known.
    decide(&txn, &ctx, organisation_id, x, k(0), None).await;
    txn.commit().await.expect("commit");

    // W falls, which reads all the system holds (Y still at 1); before that is committed, Y falls too.
    let first = app.db.begin_change().await.expect("begin");
    decide(&first, &ctx, organisation_id, w, k(0), None).await;
    let db = app.db.clone();
    let second_ctx = ctx.clone();
    let second = tokio::spawn(async move {
        let txn = db.begin_change().await.expect("begin");
        decide(&txn, &second_ctx, organisation_id, y, k(0), None).await;
        txn.commit().await.expect("commit");
    });
    // Time for the second to reach the first's records (or, without waiting, to finish).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    first.commit().await.expect("commit");
    second.await.expect("the second change");

    let stored = seconds(&app.db).await;
    let txn = app.db.begin_change().await.expect("begin");
    lis_store::levels::recompute(&txn, &ctx, organisation_id, &BTreeSet::from([system]), &BTreeSet::new())
        .await
        .expect("full");
    let full = seconds(&txn).await;
    txn.rollback().await.expect("rollback");
    let key = (system, "K".to_owned());
    let [held_second, ..] = stored[&key];
    assert!(
        held_second.is_none() || held_second == full[&key][0],
        "the runner-up stored, {held_second:?}, is not the one there is, {:?}",
        full[&key][0]
    );
    let level = lis_store::levels::of_system(&app.db, system).await.expect("levels");
    assert_eq!(level[&Aspect::K].effective, 2, "Z at 2 decides");
    assert_eq!(level[&Aspect::K].held_source_id, Some(z));
}

on_both_databases!(
    incremental_recomputation_equals_a_full_one_after_any_change,
    the_heatmap_counts_many_systems_and_few_alike,
    changes_at_once_leave_the_tops_right
);
