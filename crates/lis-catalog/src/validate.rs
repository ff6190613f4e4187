//! Validation: from the files as written to a [`Catalog`], collecting every problem on the way.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use lis_domain::aspect::Aspect;
use lis_domain::rule::Rule;
use serde::de::DeserializeOwned;

use crate::model::{AspectDef, Catalog, Control, LevelDef, Meta, Moved, Requirement, RequirementKind, Texts, ThemeDef};
use crate::raw::{Extra, RawCatalog, RawControlFile, RawTexts};
use crate::{CATALOG_FILE, Problem, annex_a_2022_ids};

/// Collects the problems of one file, turning byte offsets into line numbers.
struct FileProblems<'a> {
    file: &'a str,
    text: &'a str,
    problems: &'a mut Vec<Problem>,
}

impl FileProblems<'_> {
    fn line_of(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())].matches('\n').count() + 1
    }

    fn at(&mut self, span: &Range<usize>, message: impl Into<String>) {
        let line = self.line_of(span.start);
        self.problems.push(Problem {
            file: self.file.to_owned(),
            line,
            message: message.into(),
        });
    }

    /// The line where `key` is first written at the start of a line (for top-level keys, whose spans are lost).
    fn key_line(&self, key: &str) -> usize {
        self.text
            .lines()
            .position(|line| {
                let line = line.trim_start();
                line.starts_with(&format!("{key} "))
                    || line.starts_with(&format!("{key}="))
                    || line.starts_with(&format!("[{key}]"))
                    || line.starts_with(&format!("[[{key}]]"))
            })
            .map_or(0, |index| index + 1)
    }

    fn unknown_fields(&mut self, span: &Range<usize>, what: &str, extra: &Extra) {
        for key in extra.keys() {
            self.at(span, format!("{what} has an unknown field {key:?}"));
        }
    }

    fn texts(&mut self, span: &Range<usize>, what: &str, field: &str, raw: Option<&RawTexts>) -> Texts {
        let Some(raw) = raw else {
            self.at(span, format!("{what} has no {field} (write {field}.sv and {field}.en)"));
            return Texts {
                sv: String::new(),
                en: String::new(),
            };
        };
        for key in raw.extra.keys() {
            self.at(
                span,
                format!("{what} has {field}.{key}; only {field}.sv and {field}.en are read"),
            );
        }
        let mut language = |code: &str, value: &Option<String>| match value.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => text.to_owned(),
            _ => {
                self.at(span, format!("{what} lacks the translation {field}.{code}"));
                String::new()
            }
        };
        Texts {
            sv: language("sv", &raw.sv),
            en: language("en", &raw.en),
        }
    }

    fn aspects(&mut self, span: &Range<usize>, what: &str, raw: Option<&Vec<String>>) -> Vec<Aspect> {
        let Some(raw) = raw.filter(|list| !list.is_empty()) else {
            self.at(
                span,
                format!("{what} names no aspects (write for example aspects = [\"K\", \"R\"])"),
            );
            return Vec::new();
        };
        let mut aspects = Vec::new();
        for letter in raw {
            match letter.parse::<Aspect>() {
                Ok(aspect) if !aspects.contains(&aspect) => aspects.push(aspect),
                Ok(aspect) => self.at(span, format!("{what} names aspect {aspect} twice")),
                Err(err) => self.at(span, format!("{what}: {err}")),
            }
        }
        aspects.sort();
        aspects
    }
}

/// Parses a file as `T`, or records why it is not valid TOML of that shape.
fn parse_file<T: DeserializeOwned>(file: &str, text: &str, problems: &mut Vec<Problem>) -> Option<T> {
    match toml::from_str::<T>(text) {
        Ok(value) => Some(value),
        Err(err) => {
            let line = err
                .span()
                .map_or(0, |span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            let message = err.message().trim().to_owned();
            problems.push(Problem {
                file: file.to_owned(),
                line,
                message: format!("not valid here: {message}"),
            });
            None
        }
    }
}

/// Reports top-level keys other than `allowed`.
fn unknown_top_level(file: &mut FileProblems<'_>, allowed: &[&str]) {
    let Ok(table) = toml::from_str::<toml::Table>(file.text) else {
        return;
    };
    for key in table.keys().filter(|key| !allowed.contains(&key.as_str())) {
        let line = file.key_line(key);
        file.problems.push(Problem {
            file: file.file.to_owned(),
            line,
            message: format!("unknown top-level field {key:?} (expected {})", allowed.join(", ")),
        });
    }
}

fn required(file: &mut FileProblems<'_>, span: &Range<usize>, what: &str, field: &str, value: Option<&str>) -> String {
    match value.map(str::trim) {
        Some(value) if !value.is_empty() => value.to_owned(),
        _ => {
            file.at(span, format!("{what} has no {field}"));
            String::new()
        }
    }
}

pub(crate) fn catalogue(catalog_toml: &str, control_files: &[(String, String)]) -> Result<Catalog, Vec<Problem>> {
    let mut problems = Vec::new();
    let meta_and_model = model(catalog_toml, &mut problems);
    let mut controls: BTreeMap<String, (Control, String, usize)> = BTreeMap::new();
    let mut requirements: Vec<Requirement> = Vec::new();
    let themes: BTreeSet<String> = meta_and_model
        .as_ref()
        .map(|m| m.3.iter().map(|t| t.id.clone()).collect())
        .unwrap_or_default();
    let max_level = meta_and_model
        .as_ref()
        .and_then(|m| m.2.iter().map(|l| l.value).max())
        .unwrap_or(lis_domain::aspect::MAX_LEVEL);
    let annex_a: BTreeSet<String> = annex_a_2022_ids().into_iter().collect();

    for (name, text) in control_files {
        let Some(raw) = parse_file::<RawControlFile>(name, text, &mut problems) else {
            continue;
        };
        let mut file = FileProblems {
            file: name,
            text,
            problems: &mut problems,
        };
        unknown_top_level(&mut file, &["control", "requirement"]);
        for spanned in &raw.control {
            let span = spanned.span();
            let raw = spanned.get_ref();
            let id = required(&mut file, &span, "a control", "id", raw.id.as_deref());
            let what = format!("control {id}");
            file.unknown_fields(&span, &what, &raw.extra);
            if !id.is_empty() && !annex_a.contains(&id) {
                file.at(
                    &span,
                    format!("{what} is not an ISO/IEC 27001:2022 Annex A identifier (5.1–8.34)"),
                );
            }
            if let Some((_, other_file, other_line)) = controls.get(&id) {
                file.at(
                    &span,
                    format!("{what} is defined twice (also at {other_file}:{other_line})"),
                );
                continue;
            }
            let theme = required(&mut file, &span, &what, "theme", raw.theme.as_deref());
            if !theme.is_empty() && !themes.is_empty() && !themes.contains(&theme) {
                file.at(&span, format!("{what} has the unknown theme {theme:?}"));
            }
            let expected_theme = match id.split('.').next() {
                Some("5") => Some("organisational"),
                Some("6") => Some("people"),
                Some("7") => Some("physical"),
                Some("8") => Some("technological"),
                _ => None,
            };
            if let Some(expected) = expected_theme.filter(|expected| !theme.is_empty() && theme != *expected) {
                file.at(
                    &span,
                    format!("{what} belongs to the theme {expected:?}, not {theme:?}"),
                );
            }
            let title = file.texts(&span, &what, "title", raw.title.as_ref());
            let aspects = file.aspects(&span, &what, raw.aspects.as_ref());
            let iso2013 = raw.iso2013.clone().unwrap_or_else(|| {
                file.at(
                    &span,
                    format!("{what} has no iso2013 (write [] when there is no 2013 counterpart)"),
                );
                Vec::new()
            });
            for old in &iso2013 {
                if !is_iso2013_id(old) {
                    file.at(
                        &span,
                        format!("{what}: {old:?} is not an ISO/IEC 27001:2013 identifier such as A.12.3.1"),
                    );
                }
            }
            let information_system = raw.information_system.unwrap_or_else(|| {
                file.at(
                    &span,
                    format!("{what} does not say whether it applies to an information system"),
                );
                false
            });
            let line = file.line_of(span.start);
            let control = Control {
                id: id.clone(),
                theme,
                title,
                aspects,
                iso2013,
                information_system,
            };
            controls.insert(id, (control, name.clone(), line));
        }
        for spanned in &raw.requirement {
            let span = spanned.span();
            let raw = spanned.get_ref();
            let id = required(&mut file, &span, "a requirement", "id", raw.id.as_deref());
            let what = format!("requirement {id}");
            file.unknown_fields(&span, &what, &raw.extra);
            let control = required(&mut file, &span, &what, "control", raw.control.as_deref());
            let aspects = file.aspects(&span, &what, raw.aspects.as_ref());
            let kind = match raw.kind.as_deref().map(str::trim) {
                Some("generell") => RequirementKind::Generell,
                Some("nivåberoende") => RequirementKind::Nivaberoende,
                Some(other) => {
                    file.at(
                        &span,
                        format!("{what} has the kind {other:?}; write generell or nivåberoende"),
                    );
                    RequirementKind::Generell
                }
                None => {
                    file.at(&span, format!("{what} has no kind (generell or nivåberoende)"));
                    RequirementKind::Generell
                }
            };
            let rule_text = required(&mut file, &span, &what, "applies", raw.applies.as_deref());
            let applies = match Rule::parse(&rule_text) {
                Ok(rule) => {
                    if !rule.is_satisfiable() {
                        file.at(
                            &span,
                            format!("{what}: the rule {rule_text:?} holds for no classification at levels 0–3"),
                        );
                    }
                    if let Some(level) = highest_level(&rule).filter(|level| *level > max_level) {
                        file.at(
                            &span,
                            format!("{what}: the rule names level {level}, which the catalogue does not define"),
                        );
                    }
                    rule
                }
                Err(err) if !rule_text.is_empty() => {
                    file.at(&span, format!("{what}: the rule {rule_text:?} is invalid: {err}"));
                    Rule::Always
                }
                Err(_) => Rule::Always,
            };
            let text = file.texts(&span, &what, "text", raw.text.as_ref());
            let procurement = file.texts(&span, &what, "procurement", raw.procurement.as_ref());
            for section in &raw.msbfs_2020_7 {
                if !is_statute_section(section) {
                    file.at(
                        &span,
                        format!("{what}: {section:?} is not a section such as \"4 kap. 14 §\""),
                    );
                }
            }
            let mut points = Vec::new();
            for point in &raw.cybersakerhetslagen {
                match u8::try_from(*point) {
                    Ok(p) if (1..=10).contains(&p) => points.push(p),
                    _ => file.at(
                        &span,
                        format!("{what}: cybersäkerhetslagen 2 kap. 3 § has points 1–10, not {point}"),
                    ),
                }
            }
            requirements.push(Requirement {
                id,
                control,
                aspects,
                kind,
                applies,
                text,
                procurement,
                msbfs_2020_7: raw.msbfs_2020_7.iter().map(|s| s.trim().to_owned()).collect(),
                cybersakerhetslagen: points,
                file: name.clone(),
                line: file.line_of(span.start),
            });
        }
    }

    cross_check(&controls, &requirements, &mut problems);
    let Some((meta, aspects, levels, themes, moved)) = meta_and_model else {
        return Err(problems);
    };
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        return Err(problems);
    }
    let order: BTreeMap<String, usize> = annex_a_2022_ids()
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect();
    let mut controls: Vec<Control> = controls.into_values().map(|(control, _, _)| control).collect();
    controls.sort_by_key(|c| order.get(&c.id).copied().unwrap_or(usize::MAX));
    requirements.sort_by_key(|r| order.get(&r.control).copied().unwrap_or(usize::MAX));
    Ok(Catalog {
        meta,
        aspects,
        levels,
        themes,
        controls,
        requirements,
        moved,
    })
}

/// Requirements must be unique and belong to known controls; information-system controls need requirements.
fn cross_check(
    controls: &BTreeMap<String, (Control, String, usize)>,
    requirements: &[Requirement],
    problems: &mut Vec<Problem>,
) {
    let mut seen: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    for requirement in requirements {
        let here = |message: String| Problem {
            file: requirement.file.clone(),
            line: requirement.line,
            message,
        };
        if let Some((file, line)) = seen.get(requirement.id.as_str()) {
            problems.push(here(format!(
                "requirement {} is defined twice (also at {file}:{line})",
                requirement.id
            )));
        } else if !requirement.id.is_empty() {
            seen.insert(&requirement.id, (&requirement.file, requirement.line));
        }
        if !requirement.control.is_empty() && !controls.contains_key(&requirement.control) {
            problems.push(here(format!(
                "requirement {} belongs to control {}, which the catalogue does not define",
                requirement.id, requirement.control
            )));
        }
    }
    for (id, (control, file, line)) in controls {
        if control.information_system && !requirements.iter().any(|r| &r.control == id) {
            problems.push(Problem {
                file: file.clone(),
                line: *line,
                message: format!("control {id} applies to information systems but has no requirement"),
            });
        }
    }
}

/// `A.12.3.1` and the like.
fn is_iso2013_id(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("A.") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// `4 kap. 14 §` and the like.
fn is_statute_section(text: &str) -> bool {
    let parts: Vec<&str> = text.split_whitespace().collect();
    matches!(parts.as_slice(), [chapter, "kap.", section, "§"]
        if chapter.chars().all(|c| c.is_ascii_digit()) && section.chars().all(|c| c.is_ascii_digit() || c == 'a'))
}

fn highest_level(rule: &Rule) -> Option<u8> {
    match rule {
        Rule::Always => None,
        Rule::Compare { level, .. } => Some(*level),
        Rule::And(a, b) | Rule::Or(a, b) => highest_level(a).max(highest_level(b)),
    }
}

type Model = (Meta, Vec<AspectDef>, Vec<LevelDef>, Vec<ThemeDef>, Vec<Moved>);

/// The release date, `YYYY-MM-DD`.
fn released(file: &mut FileProblems<'_>, value: Option<&str>) -> String {
    let value = value.map(str::trim).unwrap_or_default();
    let parts: Vec<&str> = value.split('-').collect();
    let valid = matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())));
    if !valid {
        file.at(
            &(0..0),
            format!("the catalogue's released date {value:?} is not written YYYY-MM-DD"),
        );
    }
    value.to_owned()
}

/// `catalog.toml`: what the catalogue is, its aspects, levels and themes.
fn model(text: &str, problems: &mut Vec<Problem>) -> Option<Model> {
    let raw = parse_file::<RawCatalog>(CATALOG_FILE, text, problems)?;
    let before = problems.len();
    let mut file = FileProblems {
        file: CATALOG_FILE,
        text,
        problems,
    };
    unknown_top_level(
        &mut file,
        &[
            "id", "version", "issuer", "licence", "released", "title", "aspect", "level", "theme", "moved",
        ],
    );
    let whole = 0..0;
    let meta = Meta {
        id: required(&mut file, &whole, "the catalogue", "id", raw.id.as_deref()),
        version: required(&mut file, &whole, "the catalogue", "version", raw.version.as_deref()),
        issuer: required(&mut file, &whole, "the catalogue", "issuer", raw.issuer.as_deref()),
        licence: required(&mut file, &whole, "the catalogue", "licence", raw.licence.as_deref()),
        released: released(&mut file, raw.released.as_deref()),
        title: file.texts(&whole, "the catalogue", "title", raw.title.as_ref()),
    };
    let mut aspects = Vec::new();
    for spanned in &raw.aspect {
        let span = spanned.span();
        let raw = spanned.get_ref();
        file.unknown_fields(&span, "an aspect", &raw.extra);
        let Some(aspect) = raw.id.as_deref().and_then(|id| id.parse::<Aspect>().ok()) else {
            file.at(
                &span,
                format!("an aspect has the id {:?}; the aspects are K, R, T and S", raw.id),
            );
            continue;
        };
        let what = format!("aspect {aspect}");
        let name = file.texts(&span, &what, "name", raw.name.as_ref());
        let definition = file.texts(&span, &what, "definition", raw.definition.as_ref());
        aspects.push(AspectDef {
            aspect,
            name,
            definition,
        });
    }
    let mut levels: Vec<LevelDef> = Vec::new();
    for spanned in &raw.level {
        let span = spanned.span();
        let raw = spanned.get_ref();
        file.unknown_fields(&span, "a level", &raw.extra);
        let Some(value) = raw.value else {
            file.at(&span, "a level has no value");
            continue;
        };
        let what = format!("level {value}");
        if levels.iter().any(|l| l.value == value) {
            file.at(&span, format!("{what} is defined twice"));
        }
        let name = file.texts(&span, &what, "name", raw.name.as_ref());
        let definition = file.texts(&span, &what, "definition", raw.definition.as_ref());
        levels.push(LevelDef {
            value,
            name,
            definition,
            separate_analysis: raw.separate_analysis,
        });
    }
    levels.sort_by_key(|l| l.value);
    if levels.iter().enumerate().any(|(i, l)| usize::from(l.value) != i) {
        file.at(&whole, "the levels must be numbered 0, 1, 2, … without gaps");
    }
    let mut themes = Vec::new();
    for spanned in &raw.theme {
        let span = spanned.span();
        let raw = spanned.get_ref();
        file.unknown_fields(&span, "a theme", &raw.extra);
        let id = required(&mut file, &span, "a theme", "id", raw.id.as_deref());
        let name = file.texts(&span, &format!("theme {id}"), "name", raw.name.as_ref());
        themes.push(ThemeDef { id, name });
    }
    for aspect in Aspect::ALL {
        if !aspects.iter().any(|a| a.aspect == aspect) {
            file.at(&whole, format!("the catalogue does not define aspect {aspect}"));
        }
    }
    let mut moved = Vec::new();
    for spanned in &raw.moved {
        let span = spanned.span();
        let raw = spanned.get_ref();
        file.unknown_fields(&span, "a [[moved]] entry", &raw.extra);
        let from = required(&mut file, &span, "a [[moved]] entry", "from", raw.from.as_deref());
        let Some(to) = raw.to.clone() else {
            file.at(
                &span,
                format!("[[moved]] {from} has no to (write to = [] if the requirement was removed)"),
            );
            continue;
        };
        moved.push(Moved { from, to });
    }
    (problems.len() == before).then_some((meta, aspects, levels, themes, moved))
}
