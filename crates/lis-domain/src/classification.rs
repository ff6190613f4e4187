//! The rules of an informationsmängd's classification: what a proposed classification must satisfy before it is
//! saved, and when a decided one has expired. The levels come from the catalogue's model (`max_level`); whether
//! spårbarhet is classified is the organisation's choice.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::Serialize;

use crate::aspect::Aspect;
use crate::inheritance::OverrideReason;

/// How long a decided classification holds unless the decision says otherwise: a year.
pub const DEFAULT_VALIDITY_MONTHS: u32 = 12;

/// The day a classification decided on `day` holds until by default.
pub fn default_valid_until(day: NaiveDate) -> NaiveDate {
    day.checked_add_months(Months::new(DEFAULT_VALIDITY_MONTHS))
        .unwrap_or(day)
}

/// Whether a classification valid until `valid_until` has expired on `today`.
pub fn expired(valid_until: NaiveDate, today: NaiveDate) -> bool {
    valid_until < today
}

/// What is wrong with a proposed classification or override, in words for the person who proposed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ClassificationProblem {
    /// A level above the model's highest.
    #[error("{aspect}: level {level} is outside the model (0–{max})")]
    OutsideModel {
        /// The aspect.
        aspect: Aspect,
        /// The level given.
        level: u8,
        /// The model's highest level.
        max: u8,
    },
    /// An aspect without a level.
    #[error("{aspect}: no level")]
    Missing {
        /// The aspect.
        aspect: Aspect,
    },
    /// A level for spårbarhet where the organisation does not classify it.
    #[error("the organisation does not classify spårbarhet")]
    TraceabilityOff,
    /// A level other than the questions propose, or an override, without a justification.
    #[error("a justification is needed")]
    JustificationMissing,
    /// A validity that ends before the decision.
    #[error("valid until {valid_until}, which is before {today}")]
    ValidityPast {
        /// The day given.
        valid_until: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// An override at the calculated level, which changes nothing.
    #[error("the override equals the calculated level")]
    OverrideChangesNothing,
    /// A classification below its information type's level, approved by someone other than the CISO.
    #[error("{aspect}: level {level} is below the information type's {type_level}; only the CISO may approve that")]
    BelowType {
        /// The aspect.
        aspect: Aspect,
        /// The level of the classification.
        level: u8,
        /// The information type's level.
        type_level: u8,
    },
    /// An information type without a name.
    #[error("the information type has no name")]
    NameMissing,
}

impl ClassificationProblem {
    /// The problem in Swedish.
    pub fn swedish(&self) -> String {
        match self {
            Self::OutsideModel { aspect, level, max } => {
                format!("{aspect}: nivån {level} finns inte i klassningsmodellen (0–{max}).")
            }
            Self::Missing { aspect } => format!("{aspect}: välj en nivå."),
            Self::TraceabilityOff => "Organisationen klassar inte spårbarhet (S); lämna den tom.".to_owned(),
            Self::JustificationMissing => {
                "Skriv en motivering: den behövs när nivån avviker från förslaget och för varje avsteg.".to_owned()
            }
            Self::ValidityPast { valid_until, today } => {
                format!("Giltig till {valid_until} är före dagens datum {today}.")
            }
            Self::OverrideChangesNothing => {
                "Den valda nivån är samma som den beräknade; ett avsteg behövs inte.".to_owned()
            }
            Self::BelowType {
                aspect,
                level,
                type_level,
            } => format!(
                "{aspect}: nivån {level} är lägre än informationstypens {type_level}; bara informationssäkerhetssamordnaren (CISO) kan fastställa en lägre nivå."
            ),
            Self::NameMissing => "Ge informationstypen ett namn.".to_owned(),
        }
    }

    /// The problem in English.
    pub fn english(&self) -> String {
        match self {
            Self::OutsideModel { aspect, level, max } => {
                format!("{aspect}: level {level} is not in the classification model (0–{max}).")
            }
            Self::Missing { aspect } => format!("{aspect}: choose a level."),
            Self::TraceabilityOff => "The organisation does not classify traceability (S); leave it empty.".to_owned(),
            Self::JustificationMissing => {
                "Write a justification: it is needed when a level departs from the proposal and for every override."
                    .to_owned()
            }
            Self::ValidityPast { valid_until, today } => format!("Valid until {valid_until} is before today, {today}."),
            Self::OverrideChangesNothing => "The level chosen is the calculated one; no override is needed.".to_owned(),
            Self::BelowType {
                aspect,
                level,
                type_level,
            } => format!(
                "{aspect}: level {level} is below the information type's {type_level}; only the CISO may approve a lower level."
            ),
            Self::NameMissing => "Give the information type a name.".to_owned(),
        }
    }
}

/// A classification as proposed: levels per aspect, the answers behind them, why, and until when it holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Proposal {
    /// The chosen level of each aspect (S absent when not classified).
    pub levels: BTreeMap<Aspect, u8>,
    /// The level the answers to the questions propose, per aspect.
    pub proposed: BTreeMap<Aspect, u8>,
    /// The justification.
    pub justification: String,
    /// Until when the classification holds.
    pub valid_until: NaiveDate,
    /// The common information type it is based on, if any (its id).
    pub information_type: Option<i64>,
}

impl Proposal {
    /// Checks the proposal against the model (`max_level`), the organisation's choice on spårbarhet and `today`;
    /// every problem is returned, not only the first.
    pub fn check(&self, max_level: u8, classifies_traceability: bool, today: NaiveDate) -> Vec<ClassificationProblem> {
        let mut problems = Vec::new();
        for aspect in Aspect::ALL {
            match self.levels.get(&aspect) {
                Some(_) if aspect == Aspect::S && !classifies_traceability => {
                    problems.push(ClassificationProblem::TraceabilityOff);
                }
                Some(level) if *level > max_level => problems.push(ClassificationProblem::OutsideModel {
                    aspect,
                    level: *level,
                    max: max_level,
                }),
                Some(_) => {}
                None if aspect == Aspect::S && !classifies_traceability => {}
                None => problems.push(ClassificationProblem::Missing { aspect }),
            }
        }
        let departs = self
            .levels
            .iter()
            .any(|(aspect, level)| self.proposed.get(aspect).is_some_and(|proposed| proposed != level));
        if departs && self.justification.trim().is_empty() {
            problems.push(ClassificationProblem::JustificationMissing);
        }
        if self.valid_until < today {
            problems.push(ClassificationProblem::ValidityPast {
                valid_until: self.valid_until,
                today,
            });
        }
        problems
    }
}

/// The aspects where `levels` fall below an information type's `type_levels`, with both levels.
pub fn below_type(levels: &BTreeMap<Aspect, u8>, type_levels: &BTreeMap<Aspect, u8>) -> Vec<ClassificationProblem> {
    levels
        .iter()
        .filter_map(|(aspect, level)| {
            let type_level = *type_levels.get(aspect)?;
            (*level < type_level).then_some(ClassificationProblem::BelowType {
                aspect: *aspect,
                level: *level,
                type_level,
            })
        })
        .collect()
}

/// The levels a decided classification passes on to the systems holding its informationsmängd: its own, each lifted
/// to its information type's (the type as it is now), unless the CISO approved it below the type (`lowers_type`).
pub fn in_force(
    own: &BTreeMap<Aspect, u8>,
    type_levels: Option<&BTreeMap<Aspect, u8>>,
    lowers_type: bool,
) -> BTreeMap<Aspect, u8> {
    let mut levels = own.clone();
    if let Some(type_levels) = type_levels.filter(|_| !lowers_type) {
        for (aspect, type_level) in type_levels {
            if let Some(level) = levels.get_mut(aspect) {
                *level = (*level).max(*type_level);
            }
        }
    }
    levels
}

/// Checks an override of a system's level: within the model, with a justification, and different from the
/// calculated level.
pub fn check_override(
    level: u8,
    calculated: u8,
    _reason: OverrideReason,
    justification: &str,
    max_level: u8,
) -> Vec<ClassificationProblem> {
    let mut problems = Vec::new();
    if level > max_level {
        problems.push(ClassificationProblem::OutsideModel {
            aspect: Aspect::K,
            level,
            max: max_level,
        });
    }
    if justification.trim().is_empty() {
        problems.push(ClassificationProblem::JustificationMissing);
    }
    if level == calculated {
        problems.push(ClassificationProblem::OverrideChangesNothing);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn proposal(k: u8, r: u8, t: u8, s: Option<u8>) -> Proposal {
        let mut levels = BTreeMap::from([(Aspect::K, k), (Aspect::R, r), (Aspect::T, t)]);
        if let Some(s) = s {
            levels.insert(Aspect::S, s);
        }
        Proposal {
            proposed: levels.clone(),
            levels,
            justification: String::new(),
            valid_until: day("2027-11-26"),
            information_type: None,
        }
    }

    #[test]
    fn a_year_is_the_default_validity_and_the_day_after_it_is_expired() {
        assert_eq!(default_valid_until(day("2026-02-28")), day("2027-02-28"));
        assert!(!expired(day("2026-11-26"), day("2026-11-26")));
        assert!(expired(day("2026-11-25"), day("2026-11-26")));
    }

    #[test]
    fn levels_follow_the_model_and_the_organisations_choice_on_traceability() {
        let today = day("2026-11-26");
        assert!(proposal(2, 1, 3, Some(1)).check(4, true, today).is_empty());
        assert_eq!(
            proposal(5, 1, 1, Some(1)).check(4, true, today),
            [ClassificationProblem::OutsideModel {
                aspect: Aspect::K,
                level: 5,
                max: 4
            }]
        );
        assert_eq!(
            proposal(1, 1, 1, Some(1)).check(4, false, today),
            [ClassificationProblem::TraceabilityOff]
        );
        assert!(proposal(1, 1, 1, None).check(4, false, today).is_empty());
        assert_eq!(
            proposal(1, 1, 1, None).check(4, true, today),
            [ClassificationProblem::Missing { aspect: Aspect::S }]
        );
    }

    #[test]
    fn departing_from_the_questions_needs_a_justification() {
        let today = day("2026-11-26");
        let mut lowered = proposal(1, 1, 1, Some(0));
        lowered.proposed.insert(Aspect::K, 3);
        assert_eq!(
            lowered.check(4, true, today),
            [ClassificationProblem::JustificationMissing]
        );
        lowered.justification = "Uppgifterna är avidentifierade.".to_owned();
        assert!(lowered.check(4, true, today).is_empty());
        lowered.valid_until = day("2026-11-01");
        assert!(matches!(
            lowered.check(4, true, today).as_slice(),
            [ClassificationProblem::ValidityPast { .. }]
        ));
    }

    #[test]
    fn a_type_lifts_a_classification_unless_the_ciso_approved_it_lower() {
        let own = BTreeMap::from([(Aspect::K, 1), (Aspect::R, 3), (Aspect::T, 0)]);
        let of_type = BTreeMap::from([(Aspect::K, 2), (Aspect::R, 1), (Aspect::T, 2), (Aspect::S, 4)]);
        assert_eq!(
            in_force(&own, Some(&of_type), false),
            BTreeMap::from([(Aspect::K, 2), (Aspect::R, 3), (Aspect::T, 2)])
        );
        assert_eq!(in_force(&own, Some(&of_type), true), own);
        assert_eq!(in_force(&own, None, false), own);
        assert_eq!(
            below_type(&own, &of_type),
            [
                ClassificationProblem::BelowType {
                    aspect: Aspect::K,
                    level: 1,
                    type_level: 2
                },
                ClassificationProblem::BelowType {
                    aspect: Aspect::T,
                    level: 0,
                    type_level: 2
                }
            ]
        );
    }

    #[test]
    fn an_override_needs_a_justification_and_a_different_level() {
        assert_eq!(
            check_override(3, 3, OverrideReason::Ackumulation, "", 4),
            [
                ClassificationProblem::JustificationMissing,
                ClassificationProblem::OverrideChangesNothing
            ]
        );
        assert!(check_override(3, 2, OverrideReason::Ackumulation, "Stora volymer.", 4).is_empty());
    }
}
