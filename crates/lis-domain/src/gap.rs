//! How a system meets a requirement (the gap analysis of the MSB method): a status, a *brist* severity (also allowed
//! on *uppfyllt*: a measure that works badly is a gap), how it is met, and the checks a recorded status must pass.

use chrono::NaiveDate;
use serde::Serialize;

crate::inventory::vocabulary! {
    /// Where a system stands with one requirement.
    RequirementStatus {
        /// Not yet assessed: every newly applicable requirement starts here.
        EjBedomd = "ej_bedomd", "Ej bedömd", "Not assessed";
        /// Not met.
        EjUppfyllt = "ej_uppfyllt", "Ej uppfyllt", "Not met";
        /// Partly met.
        DelvisUppfyllt = "delvis_uppfyllt", "Delvis uppfyllt", "Partly met";
        /// Met.
        Uppfyllt = "uppfyllt", "Uppfyllt", "Met";
        /// Does not apply here, with a justification.
        EjTillampligt = "ej_tillampligt", "Ej tillämpligt", "Not applicable";
    }
}

crate::inventory::vocabulary! {
    /// How serious a shortcoming (*brist*) is, as in MSB's gap-analysis tool.
    Severity {
        /// Negligible.
        Forsumbar = "forsumbar", "Försumbar", "Negligible";
        /// Moderate.
        Mattlig = "mattlig", "Måttlig", "Moderate";
        /// Significant.
        Betydande = "betydande", "Betydande", "Significant";
        /// Serious.
        Allvarlig = "allvarlig", "Allvarlig", "Serious";
    }
}

/// The longest free text of a status (how, justification).
pub const TEXT_MAX: usize = 4000;

/// A status as recorded for one requirement of one system.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StatusRecord {
    /// The status; none is *ej bedömd*.
    pub status: Option<RequirementStatus>,
    /// The shortcoming's severity, if there is one.
    pub severity: Option<Severity>,
    /// How the requirement is met here (*hur*).
    pub how: String,
    /// Why it does not apply, or other reasoning.
    pub justification: String,
    /// When the shortcoming is to be remedied.
    pub due: Option<NaiveDate>,
    /// When it was last verified.
    pub verified: Option<NaiveDate>,
    /// A link to the evidence.
    pub evidence_url: String,
    /// Who answers for it (a person of the organisation).
    pub responsible_person_id: Option<i64>,
    /// Recorded on a system for a requirement that a shared control it uses meets: this counts instead of the
    /// shared control's status (a *local exception*).
    pub local_exception: bool,
}

/// What is wrong with a recorded status or a shared control, in words for the person who recorded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum StatusProblem {
    /// *Ej tillämpligt* without a justification.
    #[error("not applicable needs a justification")]
    JustificationMissing,
    /// A status for a requirement that does not apply to the system.
    #[error("the requirement does not apply to the system")]
    RequirementDoesNotApply,
    /// A text longer than [`TEXT_MAX`].
    #[error("a text is longer than {TEXT_MAX} characters")]
    TooLong,
    /// An evidence link that is not an http(s) address.
    #[error("the evidence link is not an http(s) address")]
    EvidenceUrl,
    /// A shared control or assessment cycle without a name.
    #[error("the name is missing")]
    NameMissing,
    /// A shared control or assessment cycle named like another of the organisation.
    #[error("the name is taken")]
    NameTaken,
    /// A responsible person LIS does not know (by the e-mail address given).
    #[error("no person has that e-mail address")]
    UnknownPerson,
    /// A requirement id the catalogue does not have.
    #[error("the catalogue has no requirement {id}")]
    UnknownRequirement {
        /// The id as given.
        id: String,
    },
}

impl StatusProblem {
    /// The problem in Swedish.
    pub fn swedish(&self) -> String {
        match self {
            Self::JustificationMissing => "Skriv varför kravet inte är tillämpligt.".to_owned(),
            Self::RequirementDoesNotApply => {
                "Kravet gäller inte för systemet med dess skyddsnivå och uttalandet om tillämplighet.".to_owned()
            }
            Self::TooLong => format!("En text är längre än {TEXT_MAX} tecken."),
            Self::EvidenceUrl => "Länken till beviset ska börja med https:// eller http://.".to_owned(),
            Self::NameMissing => "Skriv ett namn.".to_owned(),
            Self::NameTaken => "Namnet används redan; välj ett annat.".to_owned(),
            Self::UnknownRequirement { id } => format!("Katalogen har inget krav {id}."),
            Self::UnknownPerson => {
                "Ingen person i LIS har den e-postadressen. Ange den ansvariges e-postadress så som den står i LIS."
                    .to_owned()
            }
        }
    }

    /// The problem in English.
    pub fn english(&self) -> String {
        match self {
            Self::JustificationMissing => "Write why the requirement does not apply.".to_owned(),
            Self::RequirementDoesNotApply => {
                "The requirement does not apply to the system at its protection level and statement of applicability."
                    .to_owned()
            }
            Self::TooLong => format!("A text is longer than {TEXT_MAX} characters."),
            Self::EvidenceUrl => "The evidence link must start with https:// or http://.".to_owned(),
            Self::NameMissing => "Write a name.".to_owned(),
            Self::NameTaken => "The name is taken already; choose another.".to_owned(),
            Self::UnknownRequirement { id } => format!("The catalogue has no requirement {id}."),
            Self::UnknownPerson => {
                "No person in LIS has that e-mail address. Give the responsible person's address as LIS has it."
                    .to_owned()
            }
        }
    }
}

impl StatusRecord {
    /// Checks the record for a requirement that `applies` (or not) to the system; every problem is returned.
    pub fn check(&self, applies: bool) -> Vec<StatusProblem> {
        let mut problems = Vec::new();
        if !applies {
            problems.push(StatusProblem::RequirementDoesNotApply);
        }
        if self.status == Some(RequirementStatus::EjTillampligt) && self.justification.trim().is_empty() {
            problems.push(StatusProblem::JustificationMissing);
        }
        if [&self.how, &self.justification, &self.evidence_url]
            .iter()
            .any(|text| text.chars().count() > TEXT_MAX)
        {
            problems.push(StatusProblem::TooLong);
        }
        let url = self.evidence_url.trim();
        if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
            problems.push(StatusProblem::EvidenceUrl);
        }
        problems
    }

    /// How bad a gap is, for listing the worst first: the shortcoming's severity, then how far from met.
    pub fn worst_first_rank(&self) -> (u8, u8) {
        let severity = match self.severity {
            Some(Severity::Allvarlig) => 4,
            Some(Severity::Betydande) => 3,
            Some(Severity::Mattlig) => 2,
            Some(Severity::Forsumbar) => 1,
            None => 0,
        };
        let status = match self.status {
            Some(RequirementStatus::EjUppfyllt) => 3,
            Some(RequirementStatus::DelvisUppfyllt) => 2,
            None | Some(RequirementStatus::EjBedomd) => 1,
            Some(RequirementStatus::Uppfyllt | RequirementStatus::EjTillampligt) => 0,
        };
        (severity, status)
    }

    /// Whether this is a gap: an applicable requirement not met, or met with a shortcoming.
    pub fn is_gap(&self) -> bool {
        match self.status {
            Some(RequirementStatus::Uppfyllt) => self.severity.is_some(),
            Some(RequirementStatus::EjTillampligt) => false,
            _ => true,
        }
    }
}

/// The recorded statuses of systems: by system id, then by requirement id. A pair with none is *ej bedömd*.
pub type Statuses = std::collections::HashMap<i64, std::collections::HashMap<String, StatusRecord>>;

/// What the gap analysis needs to know of one system in use: where it belongs and the levels it protects at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SystemFacts {
    /// The system's id.
    pub id: i64,
    /// The system's name.
    pub name: String,
    /// The org unit of its förvaltningsobjekt, if any.
    pub org_unit_id: Option<i64>,
    /// The objektsägare of its förvaltningsobjekt, if any.
    pub owner_person_id: Option<i64>,
    /// Its effective levels.
    pub profile: crate::aspect::Profile,
}

/// Counts over a set of (system, applicable requirement) pairs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Pairs counted.
    pub applicable: u64,
    /// Pairs met: *uppfyllt* without a *brist*, or *ej tillämpligt*.
    pub met: u64,
    /// The pairs' total weight: each weighs the system's highest level among the aspects the requirement protects
    /// (at least 1), so a requirement of a system at level 3 counts three times one at level 1.
    pub weight: u64,
    /// The weight of the pairs met.
    pub weighted_met: u64,
    /// Pairs not yet assessed (*ej bedömd*).
    pub not_assessed: u64,
    /// Gaps by *brist*, in the order of [`Severity::ALL`] (försumbar first); gaps without one are not counted here.
    pub by_severity: [u64; 4],
    /// Gaps whose due date has passed.
    pub overdue: u64,
}

impl Tally {
    /// Counts one pair: `record` is what is recorded (none: not assessed), `weight` its weight, `today` decides
    /// what is overdue.
    pub fn count(&mut self, record: Option<&StatusRecord>, weight: u64, today: NaiveDate) {
        self.applicable += 1;
        self.weight += weight;
        let Some(record) = record else {
            self.not_assessed += 1;
            return;
        };
        if !record.is_gap() {
            self.met += 1;
            self.weighted_met += weight;
            return;
        }
        if matches!(record.status, None | Some(RequirementStatus::EjBedomd)) {
            self.not_assessed += 1;
        }
        if let Some(severity) = record.severity {
            self.by_severity[Severity::ALL.iter().position(|s| *s == severity).unwrap_or(0)] += 1;
        }
        if record.due.is_some_and(|due| due < today) {
            self.overdue += 1;
        }
    }

    /// Adds another tally's counts to this one.
    pub fn merge(&mut self, other: &Tally) {
        self.applicable += other.applicable;
        self.met += other.met;
        self.weight += other.weight;
        self.weighted_met += other.weighted_met;
        self.not_assessed += other.not_assessed;
        for (mine, theirs) in self.by_severity.iter_mut().zip(other.by_severity) {
            *mine += theirs;
        }
        self.overdue += other.overdue;
    }

    /// The gaps: pairs not met.
    pub fn gaps(&self) -> u64 {
        self.applicable - self.met
    }

    /// The share of pairs met in whole percent, rounded down so that 100 means nothing is left; none when nothing
    /// applies.
    pub fn percent_met(&self) -> Option<u64> {
        percent(self.met, self.applicable)
    }

    /// The share of the weight met in whole percent, rounded down; none when nothing applies.
    pub fn weighted_percent_met(&self) -> Option<u64> {
        percent(self.weighted_met, self.weight)
    }
}

fn percent(part: u64, whole: u64) -> Option<u64> {
    (whole > 0).then(|| part * 100 / whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_applicable_needs_a_justification_and_links_are_web_addresses() {
        let mut record = StatusRecord {
            status: Some(RequirementStatus::EjTillampligt),
            ..StatusRecord::default()
        };
        assert_eq!(record.check(true), [StatusProblem::JustificationMissing]);
        record.justification = "Systemet har inga användarkonton.".to_owned();
        assert!(record.check(true).is_empty());
        assert_eq!(record.check(false), [StatusProblem::RequirementDoesNotApply]);
        record.evidence_url = "javascript:alert(1)".to_owned();
        assert_eq!(record.check(true), [StatusProblem::EvidenceUrl]);
        record.evidence_url = "https://intranat.exempel.se/bevis".to_owned();
        record.how = "x".repeat(TEXT_MAX + 1);
        assert_eq!(record.check(true), [StatusProblem::TooLong]);
    }

    #[test]
    fn a_gap_is_anything_but_met_without_a_shortcoming_or_not_applicable() {
        let record = |status, severity| StatusRecord {
            status,
            severity,
            ..StatusRecord::default()
        };
        assert!(record(None, None).is_gap(), "not assessed is a gap");
        assert!(record(Some(RequirementStatus::DelvisUppfyllt), None).is_gap());
        assert!(!record(Some(RequirementStatus::Uppfyllt), None).is_gap());
        assert!(record(Some(RequirementStatus::Uppfyllt), Some(Severity::Mattlig)).is_gap());
        assert!(!record(Some(RequirementStatus::EjTillampligt), None).is_gap());
    }
}
