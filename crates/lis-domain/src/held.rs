//! The top of what a system holds, for one aspect: the informationsmängd that decides its held level (the highest
//! level, the first by id among equals) and the runner-up among the others, when known. With both kept, one
//! informationsmängd's change of level moves the top without reading everything the system holds, except when the
//! deciding informationsmängd falls and the runner-up is not known ([`HeldTop::after_change`]).

use std::cmp::{Ordering, Reverse};

/// An informationsmängd at a level, or nothing (level 0, no informationsmängd): what a place in [`HeldTop`] holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ranked {
    /// The level; 0 for nothing.
    pub level: u8,
    /// The informationsmängd, `None` for nothing.
    pub id: Option<i64>,
}

impl Ranked {
    /// Nothing classified.
    pub const NOTHING: Ranked = Ranked { level: 0, id: None };

    /// `id` at `level`, or nothing when the level is 0 (only levels above 0 are passed on).
    pub fn at(id: i64, level: u8) -> Ranked {
        if level == 0 {
            Ranked::NOTHING
        } else {
            Ranked { level, id: Some(id) }
        }
    }

    /// The order of the rule: a higher level first, among equal levels the smaller id; nothing last.
    fn key(self) -> (u8, Reverse<i64>) {
        (self.level, Reverse(self.id.unwrap_or(i64::MAX)))
    }

    fn beats(self, other: Ranked) -> bool {
        self.id.is_some() && self.key().cmp(&other.key()) == Ordering::Greater
    }
}

/// The best of what a system holds for one aspect and, when known, the best among the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeldTop {
    /// What decides the held level.
    pub best: Ranked,
    /// The best of the others; `None` when it is not known (it was not read since the best last changed).
    pub second: Option<Ranked>,
}

impl Default for HeldTop {
    fn default() -> Self {
        HeldTop::NOTHING
    }
}

impl HeldTop {
    /// A system that holds nothing classified.
    pub const NOTHING: HeldTop = HeldTop {
        best: Ranked::NOTHING,
        second: Some(Ranked::NOTHING),
    };

    /// The top of `held`, (informationsmängd, level) pairs read in full.
    pub fn of(held: impl IntoIterator<Item = (i64, u8)>) -> HeldTop {
        let mut top = HeldTop::NOTHING;
        for (id, level) in held {
            let entry = Ranked::at(id, level);
            if entry.beats(top.best) {
                top.second = Some(top.best);
                top.best = entry;
            } else if top.second.is_some_and(|second| entry.beats(second)) {
                top.second = Some(entry);
            }
        }
        top
    }

    /// The top once informationsmängd `id`, which the system holds, is at `level` (0: it passes nothing on, as when
    /// it is retired), or `None` when that cannot be known without reading all the system holds: `id` decided, has
    /// fallen, and the runner-up is not known.
    pub fn after_change(self, id: i64, level: u8) -> Option<HeldTop> {
        let changed = Ranked::at(id, level);
        let top = if self.best.id == Some(id) {
            match self.second {
                Some(second) if changed.beats(second) => HeldTop {
                    best: changed,
                    second: Some(second),
                },
                // The runner-up decides now; the best of the rest is the changed one or one never read.
                Some(second) => HeldTop {
                    best: second,
                    second: None,
                },
                None if level >= self.best.level => HeldTop {
                    best: changed,
                    second: None,
                },
                None => return None,
            }
        } else if changed.beats(self.best) {
            HeldTop {
                best: changed,
                second: Some(self.best),
            }
        } else {
            let second = match self.second {
                Some(second) if second.id == Some(id) => {
                    // The runner-up itself moved: still the runner-up unless it fell below one never read.
                    (level >= second.level).then_some(changed)
                }
                Some(second) if changed.beats(second) => Some(changed),
                other => other,
            };
            HeldTop {
                best: self.best,
                second,
            }
        };
        Some(top.normalised())
    }

    /// With nothing at the top, nothing is held at all, so the runner-up is known to be nothing too.
    fn normalised(self) -> HeldTop {
        if self.best.id.is_none() { HeldTop::NOTHING } else { self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runner_up_takes_over_when_the_best_falls() {
        let top = HeldTop::of([(7, 3), (5, 2), (9, 3)]);
        assert_eq!(top.best, Ranked::at(7, 3));
        assert_eq!(top.second, Some(Ranked::at(9, 3)));
        let fallen = top.after_change(7, 1).expect("the runner-up is known");
        assert_eq!(fallen.best, Ranked::at(9, 3));
        assert_eq!(fallen.second, None);
        // Raised again: the best once more, with the one that took over as the runner-up.
        let raised = fallen.after_change(7, 3).expect("a rise needs no reading");
        assert_eq!(raised, top);
        // With the runner-up unknown, the best falling needs everything read.
        assert_eq!(fallen.after_change(9, 2), None);
    }

    #[test]
    fn the_last_classified_informationsmangd_retired_leaves_nothing() {
        let top = HeldTop::of([(4, 2)]);
        assert_eq!(top.after_change(4, 0), Some(HeldTop::NOTHING));
        assert_eq!(HeldTop::of([(4, 0)]), HeldTop::NOTHING);
    }
}
