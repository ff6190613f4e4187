//! The handlingsplan: actions that remedy gaps, with the fields of MSB's tool (activity, linked goal, linked
//! requirements, priority, cost and resources, responsible, start, end, status), and the checks an action must pass.

use chrono::NaiveDate;
use serde::Serialize;

use crate::gap::TEXT_MAX;

crate::inventory::vocabulary! {
    /// How far an action has come.
    ActionStatus {
        /// Not started.
        EjPaborjad = "ej_paborjad", "Ej påbörjad", "Not started";
        /// Under way.
        Pagaende = "pagaende", "Pågående", "In progress";
        /// Done.
        Genomford = "genomford", "Genomförd", "Done";
        /// Called off.
        Avbruten = "avbruten", "Avbruten", "Cancelled";
    }
}

crate::inventory::vocabulary! {
    /// How urgent an action is.
    Priority {
        /// High.
        Hog = "hog", "Hög", "High";
        /// Medium.
        Medel = "medel", "Medel", "Medium";
        /// Low.
        Lag = "lag", "Låg", "Low";
    }
}

/// What an action is, as its form or the API gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ActionFields {
    /// What is to be done (*aktivitet*).
    pub activity: String,
    /// The goal it serves (*kopplat mål*).
    pub goal: String,
    /// How urgent it is.
    pub priority: Option<Priority>,
    /// Cost and resources (*kostnad och resurser*).
    pub cost: String,
    /// Who answers for it.
    pub responsible_person_id: Option<i64>,
    /// When it starts.
    pub start: Option<NaiveDate>,
    /// When it is to be done.
    pub end: Option<NaiveDate>,
    /// How far it has come (none: not started).
    pub status: Option<ActionStatus>,
}

/// What is wrong with an action, in words for the person who wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ActionProblem {
    /// No activity.
    #[error("the action has no activity")]
    ActivityMissing,
    /// It ends before it starts.
    #[error("the end date is before the start date")]
    EndBeforeStart,
    /// A text longer than [`TEXT_MAX`].
    #[error("a text is longer than {TEXT_MAX} characters")]
    TooLong,
    /// Neither a gap nor a shared control is linked.
    #[error("the action remedies nothing")]
    NothingLinked,
    /// A linked gap is not a gap of a system in use (or its requirement does not apply).
    #[error("a linked requirement is not a gap of the system")]
    NotAGap,
    /// The responsible person is not a person of the organisation.
    #[error("the responsible person is unknown")]
    UnknownPerson,
}

impl ActionProblem {
    /// The problem in Swedish.
    pub fn swedish(&self) -> String {
        match self {
            Self::ActivityMissing => "Skriv vad som ska göras.".to_owned(),
            Self::EndBeforeStart => "Slutdatum kan inte vara före startdatum.".to_owned(),
            Self::TooLong => format!("En text är längre än {TEXT_MAX} tecken."),
            Self::NothingLinked => {
                "Välj minst en brist eller gemensam skyddsåtgärd som åtgärden ska avhjälpa.".to_owned()
            }
            Self::NotAGap => "Ett av de valda kraven är inte en brist hos systemet.".to_owned(),
            Self::UnknownPerson => "Den ansvariga personen finns inte i LIS.".to_owned(),
        }
    }

    /// The problem in English.
    pub fn english(&self) -> String {
        match self {
            Self::ActivityMissing => "Write what is to be done.".to_owned(),
            Self::EndBeforeStart => "The end date cannot be before the start date.".to_owned(),
            Self::TooLong => format!("A text is longer than {TEXT_MAX} characters."),
            Self::NothingLinked => "Choose at least one gap or shared control for the action to remedy.".to_owned(),
            Self::NotAGap => "One of the chosen requirements is not a gap of the system.".to_owned(),
            Self::UnknownPerson => "The responsible person is not in LIS.".to_owned(),
        }
    }
}

impl ActionFields {
    /// Every problem with the fields of an action that links `linked` gaps and shared controls.
    pub fn check(&self, linked: usize) -> Vec<ActionProblem> {
        let mut problems = Vec::new();
        if self.activity.trim().is_empty() {
            problems.push(ActionProblem::ActivityMissing);
        }
        if let (Some(start), Some(end)) = (self.start, self.end)
            && end < start
        {
            problems.push(ActionProblem::EndBeforeStart);
        }
        if [&self.activity, &self.goal, &self.cost]
            .iter()
            .any(|text| text.chars().count() > TEXT_MAX)
        {
            problems.push(ActionProblem::TooLong);
        }
        if linked == 0 {
            problems.push(ActionProblem::NothingLinked);
        }
        problems
    }

    /// Whether the action is late on `today`: its end date has passed and it is neither done nor cancelled.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        let open = !matches!(self.status, Some(ActionStatus::Genomford | ActionStatus::Avbruten));
        open && self.end.is_some_and(|end| end < today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn an_action_needs_an_activity_a_link_and_an_end_after_its_start() {
        let mut fields = ActionFields::default();
        assert_eq!(
            fields.check(0),
            [ActionProblem::ActivityMissing, ActionProblem::NothingLinked]
        );
        fields.activity = "Inför flerfaktorsautentisering".to_owned();
        fields.start = Some(date("2026-12-01"));
        fields.end = Some(date("2026-11-30"));
        assert_eq!(fields.check(1), [ActionProblem::EndBeforeStart]);
        fields.end = Some(date("2027-03-31"));
        assert!(fields.check(2).is_empty());
    }

    #[test]
    fn only_an_open_action_past_its_end_is_overdue() {
        let mut fields = ActionFields {
            end: Some(date("2026-11-01")),
            ..ActionFields::default()
        };
        assert!(fields.is_overdue(date("2026-11-26")));
        assert!(!fields.is_overdue(date("2026-10-01")));
        fields.status = Some(ActionStatus::Genomford);
        assert!(!fields.is_overdue(date("2026-11-26")));
    }
}
