//! Moving from one catalogue version to the next without losing what was recorded against the old requirements.
//!
//! A new version lists in `catalog.toml` how old requirement ids map to new ones:
//!
//! ```toml
//! [[moved]]
//! from = "LIS-8.13-01"             # renamed: one new id
//! to = ["LIS-8.13-10"]
//!
//! [[moved]]
//! from = "LIS-5.15-02"             # split: several new ids
//! to = ["LIS-5.15-05", "LIS-5.15-06"]
//!
//! [[moved]]
//! from = "LIS-7.4-01"              # removed: no new id
//! to = []
//! ```
//!
//! Two old ids pointing to the same new id are a merge. An id present in both versions carries over unchanged; an old
//! id that disappears without a `[[moved]]` entry is an error, so that nothing is dropped by accident.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::{Catalog, Problem};

/// Where each old requirement goes in the new version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UpgradePlan {
    /// Old id → the new ids it becomes (empty: removed).
    pub targets: BTreeMap<String, Vec<String>>,
}

/// What a plan does, for showing before an upgrade.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UpgradeSummary {
    /// Ids that stay the same.
    pub unchanged: usize,
    /// Old ids with one new id of another name.
    pub renamed: usize,
    /// Old ids that become several.
    pub split: usize,
    /// New ids that several old ids become.
    pub merged: usize,
    /// Old ids that go away.
    pub removed: usize,
    /// New ids no old id becomes.
    pub added: usize,
}

/// Plans the move from `old` to `new` using `new.moved`; lists every problem at once.
pub fn plan(old: &Catalog, new: &Catalog) -> Result<UpgradePlan, Vec<Problem>> {
    let old_ids: BTreeSet<&str> = old.requirements.iter().map(|r| r.id.as_str()).collect();
    let new_ids: BTreeSet<&str> = new.requirements.iter().map(|r| r.id.as_str()).collect();
    let mut problems = Vec::new();
    let problem = |message: String| Problem {
        file: crate::CATALOG_FILE.to_owned(),
        line: 0,
        message,
    };
    let mut targets = BTreeMap::new();
    for moved in &new.moved {
        if !old_ids.contains(moved.from.as_str()) {
            problems.push(problem(format!(
                "[[moved]] names {}, which version {} does not have",
                moved.from, old.meta.version
            )));
        }
        for to in &moved.to {
            if !new_ids.contains(to.as_str()) {
                problems.push(problem(format!(
                    "[[moved]] sends {} to {to}, which this version does not have",
                    moved.from
                )));
            }
        }
        if targets.insert(moved.from.clone(), moved.to.clone()).is_some() {
            problems.push(problem(format!("[[moved]] names {} twice", moved.from)));
        }
    }
    for id in &old_ids {
        if targets.contains_key(*id) {
            continue;
        }
        if new_ids.contains(id) {
            targets.insert((*id).to_owned(), vec![(*id).to_owned()]);
        } else {
            problems.push(problem(format!(
                "requirement {id} of version {} is not in this version; say where it went with [[moved]] (to = [] if it was removed)",
                old.meta.version
            )));
        }
    }
    if problems.is_empty() {
        Ok(UpgradePlan { targets })
    } else {
        Err(problems)
    }
}

impl UpgradePlan {
    /// Carries values recorded per old requirement (statuses, notes, evidence links) to the new ids. A new id that
    /// several old ids become gets `merge` of their values; values of removed ids are returned separately so that
    /// their history can be kept.
    pub fn carry_forward<S: Clone>(
        &self,
        recorded: &BTreeMap<String, S>,
        merge: impl Fn(&[&S]) -> S,
    ) -> (BTreeMap<String, S>, BTreeMap<String, S>) {
        let mut incoming: BTreeMap<&str, Vec<&S>> = BTreeMap::new();
        let mut retired = BTreeMap::new();
        for (old, value) in recorded {
            match self.targets.get(old) {
                Some(to) if !to.is_empty() => {
                    for new in to {
                        incoming.entry(new.as_str()).or_default().push(value);
                    }
                }
                _ => {
                    retired.insert(old.clone(), value.clone());
                }
            }
        }
        let carried = incoming
            .into_iter()
            .map(|(new, values)| {
                let value = if values.len() == 1 {
                    values[0].clone()
                } else {
                    merge(&values)
                };
                (new.to_owned(), value)
            })
            .collect();
        (carried, retired)
    }

    /// What the plan does, in counts.
    pub fn summary(&self, new: &Catalog) -> UpgradeSummary {
        let mut sources: BTreeMap<&str, usize> = BTreeMap::new();
        for new_id in self.targets.values().flatten() {
            *sources.entry(new_id.as_str()).or_default() += 1;
        }
        let mut summary = UpgradeSummary::default();
        for (old, to) in &self.targets {
            match to.as_slice() {
                [] => summary.removed += 1,
                [one] if sources.get(one.as_str()).is_some_and(|n| *n > 1) => {}
                [one] if one == old => summary.unchanged += 1,
                [_] => summary.renamed += 1,
                _ => summary.split += 1,
            }
        }
        summary.merged = sources.values().filter(|n| **n > 1).count();
        summary.added = new
            .requirements
            .iter()
            .filter(|r| !sources.contains_key(r.id.as_str()))
            .count();
        summary
    }
}
