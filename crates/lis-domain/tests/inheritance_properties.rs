//! Properties of the maximum principle over random inventories: effective levels are the maximum over held
//! information and what runs on a system, or the override; recomputing only the systems a change affects gives the
//! same levels as computing everything again; and the runs-on relation the store builds has no cycles.

use std::collections::{BTreeMap, BTreeSet};

use lis_domain::aspect::Aspect;
use lis_domain::inheritance::{Inventory, Levels, Override, OverrideReason};
use lis_domain::inventory::cycle_through;
use proptest::prelude::*;

const SYSTEMS: i64 = 12;
const INFORMATION: i64 = 15;

fn level() -> impl Strategy<Value = u8> {
    0u8..=4
}

fn profile() -> impl Strategy<Value = BTreeMap<Aspect, u8>> {
    (level(), level(), level(), level())
        .prop_map(|(k, r, t, s)| BTreeMap::from([(Aspect::K, k), (Aspect::R, r), (Aspect::T, t), (Aspect::S, s)]))
}

fn aspect() -> impl Strategy<Value = Aspect> {
    prop::sample::select(Aspect::ALL.to_vec())
}

/// A random inventory whose runs-on edges are added as the store adds them: refused when they close a cycle.
fn inventory() -> impl Strategy<Value = Inventory> {
    (
        prop::collection::btree_map(100..100 + INFORMATION, profile(), 0..INFORMATION as usize),
        prop::collection::vec((1..=SYSTEMS, 100..100 + INFORMATION), 0..30),
        prop::collection::vec((1..=SYSTEMS, 1..=SYSTEMS), 0..25),
        prop::collection::vec((1..=SYSTEMS, aspect(), level(), level()), 0..6),
    )
        .prop_map(|(information, holds, edges, overrides)| {
            let mut inventory = Inventory {
                systems: (1..=SYSTEMS).collect(),
                information,
                ..Inventory::default()
            };
            for (system, info) in holds {
                inventory.holds.entry(system).or_default().insert(info);
            }
            for (from, to) in edges {
                add_runs_on(&mut inventory, from, to);
            }
            for (system, aspect, level, when) in overrides {
                inventory.overrides.insert(
                    (system, aspect),
                    Override {
                        level,
                        reason: OverrideReason::Aggregering,
                        calculated_when_set: when,
                    },
                );
            }
            inventory
        })
}

fn edges(inventory: &Inventory) -> Vec<(i64, i64)> {
    inventory
        .runs_on
        .iter()
        .flat_map(|(from, tos)| tos.iter().map(move |to| (*from, *to)))
        .collect()
}

/// Adds `from` runs on `to` unless that would close a cycle; returns whether it was added.
fn add_runs_on(inventory: &mut Inventory, from: i64, to: i64) -> bool {
    if cycle_through(&edges(inventory), from, to).is_some() {
        return false;
    }
    inventory.runs_on.entry(from).or_default().insert(to)
}

/// One change of the kinds the store makes, with the systems and informationsmängder it touches.
#[derive(Clone, Debug)]
enum Change {
    Reclassify(i64, BTreeMap<Aspect, u8>),
    Hold(i64, i64),
    Release(i64, i64),
    RunOn(i64, i64),
    StopRunningOn(i64, i64),
    SetOverride(i64, Aspect, u8),
    RemoveOverride(i64, Aspect),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (100..100 + INFORMATION, profile()).prop_map(|(i, p)| Change::Reclassify(i, p)),
        (1..=SYSTEMS, 100..100 + INFORMATION).prop_map(|(s, i)| Change::Hold(s, i)),
        (1..=SYSTEMS, 100..100 + INFORMATION).prop_map(|(s, i)| Change::Release(s, i)),
        (1..=SYSTEMS, 1..=SYSTEMS).prop_map(|(a, b)| Change::RunOn(a, b)),
        (1..=SYSTEMS, 1..=SYSTEMS).prop_map(|(a, b)| Change::StopRunningOn(a, b)),
        (1..=SYSTEMS, aspect(), level()).prop_map(|(s, a, l)| Change::SetOverride(s, a, l)),
        (1..=SYSTEMS, aspect()).prop_map(|(s, a)| Change::RemoveOverride(s, a)),
    ]
}

/// Applies a change; returns the systems and informationsmängder it touched.
fn apply(inventory: &mut Inventory, change: &Change) -> (BTreeSet<i64>, BTreeSet<i64>) {
    match change.clone() {
        Change::Reclassify(info, profile) => {
            inventory.information.insert(info, profile);
            (BTreeSet::new(), BTreeSet::from([info]))
        }
        Change::Hold(system, info) => {
            inventory.holds.entry(system).or_default().insert(info);
            (BTreeSet::from([system]), BTreeSet::new())
        }
        Change::Release(system, info) => {
            inventory.holds.entry(system).or_default().remove(&info);
            (BTreeSet::from([system]), BTreeSet::new())
        }
        Change::RunOn(from, to) => {
            add_runs_on(inventory, from, to);
            (BTreeSet::from([from]), BTreeSet::new())
        }
        Change::StopRunningOn(from, to) => {
            inventory.runs_on.entry(from).or_default().remove(&to);
            // The platform it ran on loses a tenant: it is touched too.
            (BTreeSet::from([from, to]), BTreeSet::new())
        }
        Change::SetOverride(system, aspect, level) => {
            inventory.overrides.insert(
                (system, aspect),
                Override {
                    level,
                    reason: OverrideReason::Annat,
                    calculated_when_set: 0,
                },
            );
            (BTreeSet::from([system]), BTreeSet::new())
        }
        Change::RemoveOverride(system, aspect) => {
            inventory.overrides.remove(&(system, aspect));
            (BTreeSet::from([system]), BTreeSet::new())
        }
    }
}

proptest! {
    #[test]
    fn effective_levels_are_the_maximum_or_the_override(inventory in inventory()) {
        let levels = inventory.compute();
        for system in &inventory.systems {
            for aspect in Aspect::ALL {
                let held = inventory.holds.get(system).into_iter().flatten()
                    .map(|info| inventory.information.get(info).and_then(|p| p.get(&aspect)).copied().unwrap_or(0));
                let tenants = inventory.runs_on.iter()
                    .filter(|(_, platforms)| platforms.contains(system))
                    .map(|(tenant, _)| levels[tenant][&aspect].effective);
                let maximum = held.chain(tenants).max().unwrap_or(0);
                let derived = &levels[system][&aspect];
                prop_assert_eq!(derived.calculated, maximum);
                match inventory.overrides.get(&(*system, aspect)) {
                    Some(set) => {
                        prop_assert_eq!(derived.effective, set.level);
                        prop_assert_eq!(derived.review_override, set.calculated_when_set != maximum);
                    }
                    None => prop_assert_eq!(derived.effective, maximum),
                }
            }
        }
    }

    #[test]
    fn recomputing_what_a_change_affects_equals_computing_everything(
        mut inventory in inventory(),
        changes in prop::collection::vec(change(), 1..8),
    ) {
        let mut levels = inventory.compute();
        for change in &changes {
            let (systems, information) = apply(&mut inventory, change);
            let affected = inventory.affected_by(&systems, &information);
            inventory.recompute(&affected, &mut levels);
            prop_assert_eq!(&levels, &inventory.compute(), "after {:?}", change);
        }
    }

    #[test]
    fn following_what_runs_on_platforms_equals_computing_everything(
        mut inventory in inventory(),
        changes in prop::collection::vec(change(), 1..8),
    ) {
        let mut levels = Levels::new();
        let mut tops = inventory.recompute(&inventory.systems.clone(), &mut levels).tops;
        for change in &changes {
            let (systems, information) = apply(&mut inventory, change);
            let affected = inventory.affected_by(&systems, &information);
            // As the store does it: the tenants outside `affected` are not given; a platform's stored top stands in
            // for them, except on the systems named, the platforms they run on, and any whose top cannot be followed.
            let mut read_all: BTreeSet<i64> = systems.clone();
            for system in &systems {
                read_all.extend(inventory.runs_on.get(system).into_iter().flatten().copied());
            }
            let found = loop {
                let mut partial = inventory.clone();
                partial.runs_on = BTreeMap::new();
                for (tenant, platform) in edges(&inventory) {
                    if affected.contains(&tenant) || read_all.contains(&platform) {
                        partial.runs_on.entry(tenant).or_default().insert(platform);
                    }
                }
                partial.runs_on_it = tops
                    .iter()
                    .filter(|((system, _), _)| affected.contains(system) && !read_all.contains(system))
                    .map(|(key, top)| (*key, *top))
                    .collect();
                let mut next = levels.clone();
                let found = partial.recompute(&affected, &mut next);
                if found.unfollowed.is_empty() {
                    levels = next;
                    break found;
                }
                read_all.extend(found.unfollowed);
            };
            tops.extend(found.tops);
            let mut everything = Levels::new();
            let full = inventory.recompute(&inventory.systems.clone(), &mut everything).tops;
            prop_assert_eq!(&levels, &everything, "after {:?}", change);
            for (key, top) in &tops {
                prop_assert_eq!(top.best, full[key].best, "the best on {:?} after {:?}", key, change);
                if let Some(second) = top.second {
                    prop_assert_eq!(Some(second), full[key].second, "the runner-up on {:?} after {:?}", key, change);
                }
            }
        }
    }

    #[test]
    fn the_runs_on_relation_never_has_a_cycle(inventory in inventory()) {
        // Kahn's algorithm empties the graph exactly when it has no cycle.
        let mut edges = edges(&inventory);
        let mut nodes: BTreeSet<i64> = edges.iter().flat_map(|(a, b)| [*a, *b]).collect();
        loop {
            let sources: Vec<i64> = nodes.iter().copied().filter(|n| !edges.iter().any(|(_, to)| to == n)).collect();
            if sources.is_empty() {
                break;
            }
            for source in sources {
                nodes.remove(&source);
                edges.retain(|(from, _)| *from != source);
            }
        }
        prop_assert!(nodes.is_empty(), "a cycle among {:?}", nodes);
    }
}
