//! OSCAL import: reads an OSCAL catalog that someone else wrote (such as NIST SP 800-53) into a read-only catalogue
//! that LIS can show beside its own. Groups may nest, and controls may hold enhancements; both are flattened into
//! lists with their depth. Every problem is reported with its line, and nothing is returned unless all is well.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Problem;

/// An imported OSCAL catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedCatalog {
    /// The document's UUID.
    pub uuid: String,
    /// Its title.
    pub title: String,
    /// Its version.
    pub version: String,
    /// The OSCAL version it follows.
    pub oscal_version: String,
    /// The groups, in document order, nested groups after their parent.
    pub groups: Vec<ImportedGroup>,
    /// Controls outside any group.
    pub controls: Vec<ImportedControl>,
}

/// A group of an imported catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedGroup {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// How deep it is nested (0 at the top).
    pub depth: usize,
    /// Its controls and their enhancements, in document order.
    pub controls: Vec<ImportedControl>,
}

/// A control (or enhancement) of an imported catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedControl {
    /// Its id, e.g. `ac-2.1`.
    pub id: String,
    /// Its label, e.g. `AC-2(1)`, when it has one.
    pub label: Option<String>,
    /// Its title.
    pub title: String,
    /// The prose of its statement, parts joined by line breaks.
    pub statement: String,
    /// 0 for a control, 1 for an enhancement, and so on.
    pub depth: usize,
}

impl ImportedCatalog {
    /// How many controls and enhancements it holds.
    pub fn control_count(&self) -> usize {
        self.controls.len() + self.groups.iter().map(|g| g.controls.len()).sum::<usize>()
    }
}

/// Reads an OSCAL catalog (JSON). `file` names it in problems.
pub fn import_oscal_catalog(file: &str, text: &str) -> Result<ImportedCatalog, Vec<Problem>> {
    let problem = |line: usize, message: String| Problem {
        file: file.to_owned(),
        line,
        message,
    };
    let document: Value =
        serde_json::from_str(text).map_err(|e| vec![problem(e.line(), format!("not valid JSON: {e}"))])?;
    let Some(catalog) = document.get("catalog") else {
        return Err(vec![problem(
            0,
            "not an OSCAL catalog: there is no \"catalog\" object".to_owned(),
        )]);
    };
    let mut problems = Vec::new();
    let text_of = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
    let metadata = catalog.get("metadata");
    let uuid = text_of(catalog.get("uuid")).unwrap_or_default();
    if uuid.is_empty() {
        problems.push(problem(0, "the catalog has no uuid".to_owned()));
    }
    let title = text_of(metadata.and_then(|m| m.get("title"))).unwrap_or_default();
    if title.is_empty() {
        problems.push(problem(0, "the catalog's metadata has no title".to_owned()));
    }
    let version = text_of(metadata.and_then(|m| m.get("version"))).unwrap_or_default();
    let oscal_version = text_of(metadata.and_then(|m| m.get("oscal-version"))).unwrap_or_default();
    let mut groups = Vec::new();
    collect_groups(catalog.get("groups"), 0, &mut groups, &mut problems, &problem);
    let mut controls = Vec::new();
    collect_controls(catalog.get("controls"), 0, &mut controls, &mut problems, &problem);
    if groups.is_empty() && controls.is_empty() {
        problems.push(problem(0, "the catalog holds no groups and no controls".to_owned()));
    }
    if problems.is_empty() {
        Ok(ImportedCatalog {
            uuid,
            title,
            version,
            oscal_version,
            groups,
            controls,
        })
    } else {
        Err(problems)
    }
}

fn collect_groups(
    value: Option<&Value>,
    depth: usize,
    out: &mut Vec<ImportedGroup>,
    problems: &mut Vec<Problem>,
    problem: &dyn Fn(usize, String) -> Problem,
) {
    for group in value.and_then(Value::as_array).into_iter().flatten() {
        let id = group.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
        let title = group
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if title.is_empty() {
            problems.push(problem(0, format!("group {id:?} has no title")));
        }
        let mut controls = Vec::new();
        collect_controls(group.get("controls"), 0, &mut controls, problems, problem);
        out.push(ImportedGroup {
            id,
            title,
            depth,
            controls,
        });
        if depth < 16 {
            collect_groups(group.get("groups"), depth + 1, out, problems, problem);
        }
    }
}

fn collect_controls(
    value: Option<&Value>,
    depth: usize,
    out: &mut Vec<ImportedControl>,
    problems: &mut Vec<Problem>,
    problem: &dyn Fn(usize, String) -> Problem,
) {
    for control in value.and_then(Value::as_array).into_iter().flatten() {
        let id = control.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
        let title = control
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if id.is_empty() || title.is_empty() {
            problems.push(problem(0, format!("a control ({id:?}) lacks an id or a title")));
            continue;
        }
        let label = control
            .get("props")
            .and_then(Value::as_array)
            .and_then(|props| {
                props
                    .iter()
                    .find(|p| p.get("name").and_then(Value::as_str) == Some("label"))
            })
            .and_then(|p| p.get("value").and_then(Value::as_str))
            .map(str::to_owned);
        let mut statement = Vec::new();
        if let Some(parts) = control.get("parts").and_then(Value::as_array) {
            for part in parts
                .iter()
                .filter(|p| p.get("name").and_then(Value::as_str) == Some("statement"))
            {
                prose(part, &mut statement, 0);
            }
        }
        out.push(ImportedControl {
            id,
            label,
            title,
            statement: statement.join("\n"),
            depth,
        });
        if depth < 8 {
            collect_controls(control.get("controls"), depth + 1, out, problems, problem);
        }
    }
}

/// The prose of a part and its sub-parts, in order.
fn prose(part: &Value, out: &mut Vec<String>, depth: usize) {
    if let Some(text) = part.get("prose").and_then(Value::as_str) {
        out.push(text.trim().to_owned());
    }
    if depth < 8 {
        for sub in part.get("parts").and_then(Value::as_array).into_iter().flatten() {
            prose(sub, out, depth + 1);
        }
    }
}

/// One line of a mapping from an imported catalogue's controls to LIS's: `ac-2 = 5.16, 5.18`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MappingPair {
    /// The imported control's id.
    pub external: String,
    /// The LIS (ISO/IEC 27001:2022 Annex A) control it corresponds to.
    pub lis: String,
}

/// A problem in a mapping, with its line (counting from 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MappingError {
    /// The line.
    pub line: usize,
    /// The line as written.
    pub text: String,
    /// What is wrong: `format` (not `id = id, id`), `unknown_external` or `unknown_lis`.
    pub problem: &'static str,
}

/// Parses a mapping written one imported control per line, `external = lis, lis`, checking every id against the
/// imported catalogue and LIS's controls. Empty lines are skipped; every problem is reported.
pub fn parse_mapping(
    text: &str,
    external_ids: &std::collections::BTreeSet<String>,
    lis_ids: &std::collections::BTreeSet<String>,
) -> Result<Vec<MappingPair>, Vec<MappingError>> {
    let mut pairs: Vec<MappingPair> = Vec::new();
    let mut errors = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let error = |problem| MappingError {
            line: index + 1,
            text: line.to_owned(),
            problem,
        };
        let Some((external, targets)) = line.split_once('=') else {
            errors.push(error("format"));
            continue;
        };
        let external = external.trim();
        let targets: Vec<&str> = targets.split(',').map(str::trim).filter(|t| !t.is_empty()).collect();
        if external.is_empty() || targets.is_empty() {
            errors.push(error("format"));
            continue;
        }
        if !external_ids.contains(external) {
            errors.push(error("unknown_external"));
            continue;
        }
        if targets.iter().any(|t| !lis_ids.contains(*t)) {
            errors.push(error("unknown_lis"));
            continue;
        }
        for target in targets {
            let pair = MappingPair {
                external: external.to_owned(),
                lis: target.to_owned(),
            };
            if !pairs.contains(&pair) {
                pairs.push(pair);
            }
        }
    }
    if errors.is_empty() { Ok(pairs) } else { Err(errors) }
}

impl ImportedCatalog {
    /// Every control id of the catalogue, enhancements included.
    pub fn control_ids(&self) -> std::collections::BTreeSet<String> {
        self.controls
            .iter()
            .chain(self.groups.iter().flat_map(|g| &g.controls))
            .map(|c| c.id.clone())
            .collect()
    }
}
