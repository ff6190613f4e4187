//! The validated catalogue.

use std::collections::BTreeMap;

use lis_domain::aspect::{Aspect, Profile};
use lis_domain::rule::Rule;
use serde::Serialize;

/// A text in Swedish and English.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Texts {
    /// Swedish.
    pub sv: String,
    /// English.
    pub en: String,
}

/// What the catalogue is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Meta {
    /// Its identifier, e.g. `lis-msb`.
    pub id: String,
    /// Its version, e.g. `2026.1`.
    pub version: String,
    /// Who issues the method it follows.
    pub issuer: String,
    /// Its licence.
    pub licence: String,
    /// The day this version was released (`YYYY-MM-DD`).
    pub released: String,
    /// Its title.
    pub title: Texts,
}

/// An aspect as the catalogue defines it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AspectDef {
    /// K, R, T or S.
    pub aspect: Aspect,
    /// Its name.
    pub name: Texts,
    /// What it means.
    pub definition: Texts,
}

/// A level of the classification scale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LevelDef {
    /// Its value, 0 upwards.
    pub value: u8,
    /// Its name, e.g. *Betydande*.
    pub name: Texts,
    /// What a loss at this level means.
    pub definition: Texts,
    /// Whether the level routes to a separate analysis instead of giving requirements.
    pub separate_analysis: bool,
}

/// A theme of Annex A.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ThemeDef {
    /// `organisational`, `people`, `physical` or `technological`.
    pub id: String,
    /// Its name.
    pub name: Texts,
}

/// A control of ISO/IEC 27001:2022 Annex A, in LIS's words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Control {
    /// The 2022 identifier, e.g. `8.13`.
    pub id: String,
    /// Its theme.
    pub theme: String,
    /// Our short title.
    pub title: Texts,
    /// The aspects it protects.
    pub aspects: Vec<Aspect>,
    /// The corresponding ISO/IEC 27001:2013 identifiers.
    pub iso2013: Vec<String>,
    /// Whether it applies to an individual information system.
    pub information_system: bool,
}

/// Whether a requirement is the same at every level or stronger at higher ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementKind {
    /// *Generell*: the same at every level.
    Generell,
    /// *Nivåberoende*: stronger at higher levels.
    Nivaberoende,
}

/// A concrete, checkable requirement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// Its identifier, e.g. `LIS-8.13-01`.
    pub id: String,
    /// The control it belongs to.
    pub control: String,
    /// The aspects it protects.
    pub aspects: Vec<Aspect>,
    /// Generell or nivåberoende.
    pub kind: RequirementKind,
    /// When it applies.
    pub applies: Rule,
    /// What holds when it is met (ÄR).
    pub text: Texts,
    /// The same as a demand on a supplier (SKA).
    pub procurement: Texts,
    /// Sections of MSBFS 2020:7 it implements.
    pub msbfs_2020_7: Vec<String>,
    /// Points of cybersäkerhetslagen 2 kap. 3 § it implements.
    pub cybersakerhetslagen: Vec<u8>,
    /// The file it was read from.
    pub file: String,
    /// The line it starts at.
    pub line: usize,
}

/// A validated catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Catalog {
    /// What it is.
    pub meta: Meta,
    /// The aspects.
    pub aspects: Vec<AspectDef>,
    /// The levels, lowest first.
    pub levels: Vec<LevelDef>,
    /// The themes.
    pub themes: Vec<ThemeDef>,
    /// The controls, in identifier order.
    pub controls: Vec<Control>,
    /// The requirements, in the order of their controls and then as written.
    pub requirements: Vec<Requirement>,
    /// How requirement ids of the previous version map to this one's (see [`crate::upgrade`]).
    pub moved: Vec<Moved>,
}

/// One `[[moved]]` entry: an old requirement id and the new ids it becomes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Moved {
    /// The id in the previous version.
    pub from: String,
    /// The ids in this version (empty when the requirement was removed).
    pub to: Vec<String>,
}

/// Counts that describe a catalogue, for `lis catalog check`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// How many controls.
    pub controls: usize,
    /// How many requirements.
    pub requirements: usize,
    /// How many requirements apply at every level (grundskydd).
    pub always: usize,
    /// How many requirements protect each aspect.
    pub per_aspect: BTreeMap<char, usize>,
    /// How many requirements apply when every aspect is at level `n` (index `n`).
    pub applicable_at_level: Vec<usize>,
    /// How many requirements cite each point of cybersäkerhetslagen 2 kap. 3 §.
    pub per_cybersakerhetslagen_point: BTreeMap<u8, usize>,
    /// How many requirements cite each section of MSBFS 2020:7.
    pub per_msbfs_section: BTreeMap<String, usize>,
}

impl Catalog {
    /// The requirements that apply to a classification: none when any aspect routes to a separate analysis.
    pub fn applicable(&self, profile: &Profile) -> Vec<&Requirement> {
        if profile.needs_separate_analysis() {
            return Vec::new();
        }
        self.requirements
            .iter()
            .filter(|r| r.applies.applies(profile))
            .collect()
    }

    /// The requirements that apply to a classification, leaving out those of controls the organisation does not
    /// use (its statement of applicability).
    pub fn applicable_in_use(
        &self,
        profile: &Profile,
        not_in_use: &std::collections::BTreeSet<String>,
    ) -> Vec<&Requirement> {
        self.applicable(profile)
            .into_iter()
            .filter(|r| !not_in_use.contains(&r.control))
            .collect()
    }

    /// Counts for a one-line summary.
    pub fn summary(&self) -> Summary {
        let mut per_aspect = BTreeMap::new();
        let mut per_point = BTreeMap::new();
        let mut per_section = BTreeMap::new();
        for requirement in &self.requirements {
            for aspect in &requirement.aspects {
                *per_aspect.entry(aspect.letter()).or_default() += 1;
            }
            for point in &requirement.cybersakerhetslagen {
                *per_point.entry(*point).or_default() += 1;
            }
            for section in &requirement.msbfs_2020_7 {
                *per_section.entry(section.clone()).or_default() += 1;
            }
        }
        let levels = self.levels.iter().filter(|l| !l.separate_analysis).map(|l| l.value);
        let applicable_at_level = levels
            .map(|n| self.applicable(&Profile::new(n, n, n, n)).len())
            .collect();
        Summary {
            controls: self.controls.len(),
            requirements: self.requirements.len(),
            always: self.requirements.iter().filter(|r| r.applies == Rule::Always).count(),
            per_aspect,
            applicable_at_level,
            per_cybersakerhetslagen_point: per_point,
            per_msbfs_section: per_section,
        }
    }
}

/// The 93 control identifiers of ISO/IEC 27001:2022 Annex A: 5.1–5.37, 6.1–6.8, 7.1–7.14, 8.1–8.34.
pub fn annex_a_2022_ids() -> Vec<String> {
    [(5, 37), (6, 8), (7, 14), (8, 34)]
        .into_iter()
        .flat_map(|(clause, count)| (1..=count).map(move |n| format!("{clause}.{n}")))
        .collect()
}
