//! The maximum principle: a system protects at least as well as the most sensitive information it holds, per aspect,
//! and a platform at least as well as the most demanding system that runs on it. An objektsägare may override a
//! system's level per aspect with a reason; the override then decides, and is flagged for review when the calculated
//! level later moves under it.
//!
//! [`Inventory`] holds what the rule needs (approved information levels, which system holds what, what runs on
//! what, overrides); [`Inventory::compute`] derives every system's levels with the reason for each, and
//! [`Inventory::affected_by`] names the systems a change can move, so that recomputation touches only those.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;

use crate::aspect::Aspect;
use crate::held::HeldTop;

crate::inventory::vocabulary! {
    /// Why an objektsägare sets a system's level other than the calculated one.
    OverrideReason {
        /// Large volumes of information make the whole more sensitive than each part.
        Ackumulation = "ackumulation", "Ackumulation", "Accumulation";
        /// Combined information reveals more than its parts.
        Aggregering = "aggregering", "Aggregering", "Aggregation";
        /// Integration with systems that need better protection.
        Integration = "integration", "Integration", "Integration";
        /// Only an unimportant part is held here, or the protection is shared out (lowering).
        Fordelning = "fordelning", "Fördelning", "Distribution";
        /// Another reason, written out in the justification.
        Annat = "annat", "Annat", "Other";
    }
}

/// A level set by hand for one aspect of one system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Override {
    /// The level that applies instead of the calculated one.
    pub level: u8,
    /// Why.
    pub reason: OverrideReason,
    /// The calculated level when the override was decided: when the calculated level moves, the override is due
    /// for review.
    pub calculated_when_set: u8,
}

/// Where a system's level for an aspect comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Source {
    /// Nothing it holds or carries is classified: level 0.
    Nothing,
    /// An informationsmängd the system holds.
    Information {
        /// The informationsmängd.
        id: i64,
    },
    /// A system that runs on this one (a platform inherits what runs on it).
    RunsOnIt {
        /// The system.
        id: i64,
    },
    /// An override.
    Override {
        /// Its reason.
        reason: OverrideReason,
    },
}

/// A system's level for one aspect, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Derived {
    /// The calculated level: the maximum over what the system holds and what runs on it.
    pub calculated: u8,
    /// The level that applies: the override's, or the calculated one.
    pub effective: u8,
    /// What decides the effective level (for the calculated part: the first record at the maximum, by id).
    pub source: Source,
    /// Whether an override is due for review because the calculated level has moved since it was set.
    pub review_override: bool,
}

/// Every system's levels, per aspect.
pub type Levels = BTreeMap<i64, BTreeMap<Aspect, Derived>>;

/// What the maximum principle works on. Systems are named by id; an informationsmängd by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    /// The systems.
    pub systems: BTreeSet<i64>,
    /// The approved levels of each classified informationsmängd.
    pub information: BTreeMap<i64, BTreeMap<Aspect, u8>>,
    /// Which informationsmängder each system holds.
    pub holds: BTreeMap<i64, BTreeSet<i64>>,
    /// The platforms each system runs on (free of cycles: the store refuses them).
    pub runs_on: BTreeMap<i64, BTreeSet<i64>>,
    /// Overrides, by system and aspect.
    pub overrides: BTreeMap<(i64, Aspect), Override>,
    /// For platforms whose tenants are not all in `runs_on`: the top of what runs on them as it stood, per aspect,
    /// followed with the new levels of the tenants that are in `runs_on` ([`HeldTop::after_change`]).
    pub runs_on_it: BTreeMap<(i64, Aspect), HeldTop>,
}

/// What runs on the systems [`Inventory::recompute`] computed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunsOnIt {
    /// The top of what runs on each system, per aspect (for a system whose top was followed but could not be, the
    /// top of the tenants in `runs_on` alone).
    pub tops: BTreeMap<(i64, Aspect), HeldTop>,
    /// The systems whose top in [`Inventory::runs_on_it`] could not be followed: a tenant that decided fell and the
    /// runner-up is not known. Their levels are not to be trusted until their tenants are given and they, and the
    /// platforms below them, are computed again.
    pub unfollowed: BTreeSet<i64>,
}

impl Inventory {
    /// For each platform, the systems that run on it: `runs_on` turned round, built once per computation.
    fn tenants(&self) -> BTreeMap<i64, Vec<i64>> {
        let mut tenants: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (system, platforms) in &self.runs_on {
            for platform in platforms {
                tenants.entry(*platform).or_default().push(*system);
            }
        }
        tenants
    }

    /// Systems in an order where every system comes after everything that runs on it (so a platform is computed
    /// after its tenants). Systems on a cycle, which the store never allows, are placed last in id order.
    fn tenants_first(&self, systems: &BTreeSet<i64>, tenants: &BTreeMap<i64, Vec<i64>>) -> Vec<i64> {
        let mut waiting: BTreeMap<i64, usize> = systems
            .iter()
            .map(|s| {
                let inside = tenants.get(s).into_iter().flatten().filter(|t| systems.contains(t));
                (*s, inside.count())
            })
            .collect();
        let mut ready: VecDeque<i64> = waiting.iter().filter(|(_, n)| **n == 0).map(|(s, _)| *s).collect();
        let mut order = Vec::with_capacity(systems.len());
        while let Some(system) = ready.pop_front() {
            waiting.remove(&system);
            order.push(system);
            for platform in self.runs_on.get(&system).into_iter().flatten() {
                if let Some(count) = waiting.get_mut(platform) {
                    *count = count.saturating_sub(1);
                    if *count == 0 {
                        ready.push_back(*platform);
                    }
                }
            }
        }
        order.extend(waiting.keys());
        order
    }

    /// The tenants of `system` given in `runs_on`, with their effective levels for `aspect`.
    fn given_tenants<'a>(
        system: i64,
        aspect: Aspect,
        levels: &'a Levels,
        tenants: &'a BTreeMap<i64, Vec<i64>>,
    ) -> impl Iterator<Item = (i64, u8)> + 'a {
        tenants.get(&system).into_iter().flatten().map(move |tenant| {
            let level = levels
                .get(tenant)
                .and_then(|l| l.get(&aspect))
                .map_or(0, |d| d.effective);
            (*tenant, level)
        })
    }

    /// The top of what runs on `system` for `aspect`: its stored top followed with the tenants given, or the top of
    /// the tenants given; `None` when the stored top cannot be followed.
    fn tenant_top(
        &self,
        system: i64,
        aspect: Aspect,
        levels: &Levels,
        tenants: &BTreeMap<i64, Vec<i64>>,
    ) -> Option<HeldTop> {
        let mut given = Self::given_tenants(system, aspect, levels, tenants);
        match self.runs_on_it.get(&(system, aspect)) {
            Some(stored) => given.try_fold(*stored, |top, (tenant, level)| top.after_change(tenant, level)),
            None => Some(HeldTop::of(given)),
        }
    }

    /// A system's level for `aspect` from what it holds, what runs on it (`runs_on_it`) and its override.
    fn derive(&self, system: i64, aspect: Aspect, runs_on_it: HeldTop) -> Derived {
        let mut calculated = 0;
        let mut source = Source::Nothing;
        for info in self.holds.get(&system).into_iter().flatten() {
            let level = self
                .information
                .get(info)
                .and_then(|l| l.get(&aspect))
                .copied()
                .unwrap_or(0);
            if level > calculated {
                calculated = level;
                source = Source::Information { id: *info };
            }
        }
        if let Some(tenant) = runs_on_it.best.id.filter(|_| runs_on_it.best.level > calculated) {
            calculated = runs_on_it.best.level;
            source = Source::RunsOnIt { id: tenant };
        }
        match self.overrides.get(&(system, aspect)) {
            Some(set) => Derived {
                calculated,
                effective: set.level,
                source: Source::Override { reason: set.reason },
                review_override: set.calculated_when_set != calculated,
            },
            None => Derived {
                calculated,
                effective: calculated,
                source,
                review_override: false,
            },
        }
    }

    /// Every system's levels, computed from scratch.
    pub fn compute(&self) -> Levels {
        let mut levels = Levels::new();
        self.recompute(&self.systems, &mut levels);
        levels
    }

    /// Recomputes `systems` in `levels`, in place, reading the others' levels as they stand, and returns what runs
    /// on them. Giving [`Inventory::affected_by`] of a change gives the same result as [`Inventory::compute`].
    pub fn recompute(&self, systems: &BTreeSet<i64>, levels: &mut Levels) -> RunsOnIt {
        let tenants = self.tenants();
        let mut found = RunsOnIt::default();
        for system in self.tenants_first(systems, &tenants) {
            let mut derived = BTreeMap::new();
            for aspect in Aspect::ALL {
                let top = self.tenant_top(system, aspect, levels, &tenants).unwrap_or_else(|| {
                    found.unfollowed.insert(system);
                    HeldTop::of(Self::given_tenants(system, aspect, levels, &tenants))
                });
                derived.insert(aspect, self.derive(system, aspect, top));
                found.tops.insert((system, aspect), top);
            }
            levels.insert(system, derived);
        }
        levels.retain(|system, _| self.systems.contains(system));
        found
    }

    /// The systems whose levels a change to `systems` (their holdings, overrides or what they run on) or to the
    /// informationsmängder `information` can move: the systems holding that information, the systems named, and
    /// every platform below them.
    pub fn affected_by(&self, systems: &BTreeSet<i64>, information: &BTreeSet<i64>) -> BTreeSet<i64> {
        let mut start: BTreeSet<i64> = systems.iter().copied().filter(|s| self.systems.contains(s)).collect();
        for (system, held) in &self.holds {
            if held.iter().any(|info| information.contains(info)) {
                start.insert(*system);
            }
        }
        let mut affected = BTreeSet::new();
        let mut queue: VecDeque<i64> = start.into_iter().collect();
        while let Some(system) = queue.pop_front() {
            if affected.insert(system) {
                queue.extend(self.runs_on.get(&system).into_iter().flatten().copied());
            }
        }
        affected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(k: u8, r: u8, t: u8) -> BTreeMap<Aspect, u8> {
        BTreeMap::from([(Aspect::K, k), (Aspect::R, r), (Aspect::T, t), (Aspect::S, 0)])
    }

    #[test]
    fn a_system_takes_the_worst_of_what_it_holds_and_a_platform_the_worst_of_what_runs_on_it() {
        let inventory = Inventory {
            systems: BTreeSet::from([1, 2, 10]),
            information: BTreeMap::from([(100, levels(3, 1, 1)), (101, levels(1, 2, 3))]),
            holds: BTreeMap::from([(1, BTreeSet::from([100, 101])), (2, BTreeSet::from([101]))]),
            runs_on: BTreeMap::from([(1, BTreeSet::from([10])), (2, BTreeSet::from([10]))]),
            overrides: BTreeMap::new(),
            runs_on_it: BTreeMap::new(),
        };
        let levels = inventory.compute();
        assert_eq!(levels[&1][&Aspect::K].effective, 3);
        assert_eq!(levels[&1][&Aspect::K].source, Source::Information { id: 100 });
        assert_eq!(levels[&1][&Aspect::T].effective, 3);
        assert_eq!(levels[&2][&Aspect::K].effective, 1);
        assert_eq!(levels[&10][&Aspect::K].effective, 3);
        assert_eq!(levels[&10][&Aspect::K].source, Source::RunsOnIt { id: 1 });
        assert_eq!(levels[&10][&Aspect::S].source, Source::Nothing);
    }

    #[test]
    fn an_override_decides_and_is_flagged_when_the_calculation_moves_under_it() {
        let mut inventory = Inventory {
            systems: BTreeSet::from([1]),
            information: BTreeMap::from([(100, levels(1, 1, 1))]),
            holds: BTreeMap::from([(1, BTreeSet::from([100]))]),
            runs_on: BTreeMap::new(),
            overrides: BTreeMap::from([(
                (1, Aspect::K),
                Override {
                    level: 3,
                    reason: OverrideReason::Aggregering,
                    calculated_when_set: 1,
                },
            )]),
            runs_on_it: BTreeMap::new(),
        };
        let derived = &inventory.compute()[&1][&Aspect::K];
        assert_eq!(
            (derived.calculated, derived.effective, derived.review_override),
            (1, 3, false)
        );
        inventory.information.insert(100, levels(2, 1, 1));
        let derived = &inventory.compute()[&1][&Aspect::K];
        assert_eq!(
            (derived.calculated, derived.effective, derived.review_override),
            (2, 3, true)
        );
    }
}
