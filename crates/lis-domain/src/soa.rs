//! The statement of applicability (SoA, *uttalande om tillämplighet*): for each control, whether it is to be used and
//! why, as in MSB's gap-analysis tool.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// Why a control is (or is not) used: the motivations of MSB's tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Justification {
    /// *Organisationsanalys*: the organisation's own analysis of its operations.
    Organisationsanalys,
    /// *Riskanalys*: a risk analysis.
    Riskanalys,
    /// *Omvärldsanalys*: demands from outside (contracts, partners, the world around).
    Omvarldsanalys,
    /// *Rättsligt krav*: a legal requirement.
    RattsligtKrav,
    /// *Annat skäl*: another reason, written in the text.
    AnnatSkal,
}

impl Justification {
    /// Every motivation, in the order MSB's tool lists them.
    pub const ALL: [Justification; 5] = [
        Self::Organisationsanalys,
        Self::Riskanalys,
        Self::Omvarldsanalys,
        Self::RattsligtKrav,
        Self::AnnatSkal,
    ];

    /// The identifier stored and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Organisationsanalys => "organisationsanalys",
            Self::Riskanalys => "riskanalys",
            Self::Omvarldsanalys => "omvarldsanalys",
            Self::RattsligtKrav => "rattsligt_krav",
            Self::AnnatSkal => "annat_skal",
        }
    }

    /// The Swedish name, as in MSB's tool and in exports.
    pub fn swedish(self) -> &'static str {
        match self {
            Self::Organisationsanalys => "Organisationsanalys",
            Self::Riskanalys => "Riskanalys",
            Self::Omvarldsanalys => "Omvärldsanalys",
            Self::RattsligtKrav => "Rättsligt krav",
            Self::AnnatSkal => "Annat skäl",
        }
    }
}

impl fmt::Display for Justification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A motivation LIS does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown motivation {0:?}")]
pub struct UnknownJustification(pub String);

impl FromStr for Justification {
    type Err = UnknownJustification;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|j| j.as_str() == s.trim())
            .ok_or_else(|| UnknownJustification(s.trim().to_owned()))
    }
}

/// The longest SoA text accepted, in characters.
pub const MAX_SOA_TEXT: usize = 4000;

/// What is wrong with a SoA decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum SoaProblem {
    /// A control left out of use needs a motivation, so that an auditor can see why.
    #[error("a control that is not used needs a motivation")]
    NotUsedWithoutJustification,
    /// *Annat skäl* says nothing by itself.
    #[error("the motivation 'annat skäl' needs a text that explains it")]
    OtherReasonWithoutText,
    /// The text is too long.
    #[error("the text is longer than {MAX_SOA_TEXT} characters")]
    TextTooLong,
}

/// Checks a SoA decision: every problem at once.
pub fn check_soa(in_use: bool, justification: Option<Justification>, text: &str) -> Vec<SoaProblem> {
    let mut problems = Vec::new();
    if !in_use && justification.is_none() {
        problems.push(SoaProblem::NotUsedWithoutJustification);
    }
    if justification == Some(Justification::AnnatSkal) && text.trim().is_empty() {
        problems.push(SoaProblem::OtherReasonWithoutText);
    }
    if text.chars().count() > MAX_SOA_TEXT {
        problems.push(SoaProblem::TextTooLong);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn justifications_round_trip() {
        for j in Justification::ALL {
            assert_eq!(j.as_str().parse::<Justification>(), Ok(j));
        }
        assert_eq!(Justification::RattsligtKrav.swedish(), "Rättsligt krav");
        assert!("tyckande".parse::<Justification>().is_err());
    }

    #[test]
    fn soa_decisions_are_checked() {
        assert!(
            check_soa(true, None, "").is_empty(),
            "in use needs no motivation to be valid"
        );
        assert_eq!(check_soa(false, None, ""), [SoaProblem::NotUsedWithoutJustification]);
        assert_eq!(
            check_soa(false, Some(Justification::AnnatSkal), " "),
            [SoaProblem::OtherReasonWithoutText]
        );
        assert!(check_soa(false, Some(Justification::Riskanalys), "").is_empty());
        assert_eq!(
            check_soa(true, None, &"x".repeat(MAX_SOA_TEXT + 1)),
            [SoaProblem::TextTooLong]
        );
    }
}
