//! The organisation tree: kommunfullmäktige → kommunstyrelse and nämnder → sektorer / förvaltningar → enheter.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// The kind of an organisational unit, in the words municipalities use.
///
/// The kind does not constrain where a unit may sit in the tree: municipalities organise themselves differently,
/// and a bolag may sit under kommunstyrelsen or directly under fullmäktige.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgUnitKind {
    /// Kommunfullmäktige or regionfullmäktige: the elected assembly at the top.
    Fullmaktige,
    /// Kommunstyrelsen or a nämnd: a political board that answers for its information.
    Namnd,
    /// A sektor or förvaltning: the administration that serves one or more nämnder.
    Forvaltning,
    /// An avdelning within a förvaltning.
    Avdelning,
    /// An enhet: the smallest unit, such as a school or a unit of home care.
    Enhet,
    /// A kommunalt bolag: a municipal company with its own board.
    Bolag,
    /// A shared service or kommunalförbund used with other municipalities.
    Samverkan,
}

impl OrgUnitKind {
    /// Every kind, in the order a form lists them.
    pub const ALL: [OrgUnitKind; 7] = [
        Self::Fullmaktige,
        Self::Namnd,
        Self::Forvaltning,
        Self::Avdelning,
        Self::Enhet,
        Self::Bolag,
        Self::Samverkan,
    ];

    /// The identifier stored in the database and used in URLs and files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fullmaktige => "fullmaktige",
            Self::Namnd => "namnd",
            Self::Forvaltning => "forvaltning",
            Self::Avdelning => "avdelning",
            Self::Enhet => "enhet",
            Self::Bolag => "bolag",
            Self::Samverkan => "samverkan",
        }
    }
}

impl OrgUnitKind {
    /// The kind in Swedish, as files and forms write it.
    pub fn swedish(self) -> &'static str {
        match self {
            Self::Fullmaktige => "fullmäktige",
            Self::Namnd => "nämnd",
            Self::Forvaltning => "förvaltning",
            Self::Avdelning => "avdelning",
            Self::Enhet => "enhet",
            Self::Bolag => "bolag",
            Self::Samverkan => "samverkan",
        }
    }

    /// Reads a kind as a person writes it: the identifier or the Swedish word (also `sektor` for a förvaltning and
    /// `kommunalt bolag`, `kommunalförbund`), in any case.
    pub fn from_label(text: &str) -> Option<Self> {
        let wanted = text.trim().to_lowercase();
        match wanted.as_str() {
            "sektor" => return Some(Self::Forvaltning),
            "kommunalt bolag" => return Some(Self::Bolag),
            "kommunalförbund" => return Some(Self::Samverkan),
            "styrelse" => return Some(Self::Namnd),
            _ => {}
        }
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == wanted || kind.swedish() == wanted)
    }
}

impl fmt::Display for OrgUnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored kind identifier that LIS does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown kind of organisational unit: {0:?}")]
pub struct UnknownOrgUnitKind(pub String);

impl FromStr for OrgUnitKind {
    type Err = UnknownOrgUnitKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| UnknownOrgUnitKind(s.to_owned()))
    }
}

/// The name of an organisation or a unit: trimmed, not empty, at most [`UnitName::MAX_CHARS`] characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitName(String);

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitNameError {
    /// Nothing but white space was given.
    #[error("the name is empty")]
    Empty,
    /// The name is longer than the limit.
    #[error("the name is {0} characters long; at most {max} are allowed", max = UnitName::MAX_CHARS)]
    TooLong(usize),
    /// The name holds a control character such as a line break.
    #[error("the name contains a control character")]
    ControlCharacter,
}

impl UnitName {
    /// The longest name accepted, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Checks and trims a name.
    pub fn parse(raw: &str) -> Result<Self, UnitNameError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(UnitNameError::Empty);
        }
        let chars = trimmed.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(UnitNameError::TooLong(chars));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(UnitNameError::ControlCharacter);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One unit as stored: what the tree builder needs to know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgUnitRecord {
    /// The unit's id.
    pub id: i64,
    /// The unit above it, if any.
    pub parent_id: Option<i64>,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: OrgUnitKind,
    /// Its place among its siblings; ties are broken by name.
    pub position: i32,
}

/// A unit with the units below it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrgTreeNode {
    /// The unit's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: OrgUnitKind,
    /// The units directly below it, in order.
    pub children: Vec<OrgTreeNode>,
}

/// An organisation's units as a forest of trees, ordered by position and then by name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OrgTree {
    /// The units without a parent.
    pub roots: Vec<OrgTreeNode>,
}

impl OrgTree {
    /// Builds the tree from a flat list.
    ///
    /// A unit whose parent is not in the list (for instance because the parent was retired) is shown as a root
    /// rather than hidden, so that nothing disappears from view. Parent links that form a cycle cannot come from the
    /// store, which refuses them; if they appear anyway the units of the cycle are shown as roots.
    pub fn build(records: Vec<OrgUnitRecord>) -> Self {
        let known: HashMap<i64, Option<i64>> = records.iter().map(|r| (r.id, r.parent_id)).collect();
        let in_cycle = |start: i64| {
            let mut current = known.get(&start).copied().flatten();
            let mut steps = 0;
            while let Some(id) = current {
                if id == start || steps > known.len() {
                    return true;
                }
                steps += 1;
                current = known.get(&id).copied().flatten();
            }
            false
        };
        let mut children: BTreeMap<Option<i64>, Vec<OrgUnitRecord>> = BTreeMap::new();
        for record in records {
            let parent = record
                .parent_id
                .filter(|p| known.contains_key(p) && !in_cycle(record.id));
            children.entry(parent).or_default().push(record);
        }
        for siblings in children.values_mut() {
            siblings.sort_by(|a, b| (a.position, &a.name, a.id).cmp(&(b.position, &b.name, b.id)));
        }
        let roots = Self::attach(&mut children, None);
        Self { roots }
    }

    fn attach(children: &mut BTreeMap<Option<i64>, Vec<OrgUnitRecord>>, parent: Option<i64>) -> Vec<OrgTreeNode> {
        let siblings = children.remove(&parent).unwrap_or_default();
        siblings
            .into_iter()
            .map(|record| OrgTreeNode {
                id: record.id,
                children: Self::attach(children, Some(record.id)),
                name: record.name,
                kind: record.kind,
            })
            .collect()
    }

    /// How many units the tree holds.
    pub fn len(&self) -> usize {
        fn count(nodes: &[OrgTreeNode]) -> usize {
            nodes.iter().map(|n| 1 + count(&n.children)).sum()
        }
        count(&self.roots)
    }

    /// Whether the tree has no units.
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// Every unit in tree order (depth first, siblings in order), with its depth (0 for a root) and its path from
    /// the root.
    pub fn flatten(&self) -> Vec<FlatUnit> {
        fn walk(nodes: &[OrgTreeNode], path: &[String], out: &mut Vec<FlatUnit>) {
            for node in nodes {
                let mut own = path.to_vec();
                own.push(node.name.clone());
                out.push(FlatUnit {
                    id: node.id,
                    name: node.name.clone(),
                    kind: node.kind,
                    depth: path.len(),
                    path: own.clone(),
                });
                walk(&node.children, &own, out);
            }
        }
        let mut out = Vec::with_capacity(self.len());
        walk(&self.roots, &[], &mut out);
        out
    }

    /// The unit `id` with the units below it, if the tree has it.
    pub fn node(&self, id: i64) -> Option<&OrgTreeNode> {
        fn find(nodes: &[OrgTreeNode], id: i64) -> Option<&OrgTreeNode> {
            nodes.iter().find_map(|node| {
                if node.id == id {
                    Some(node)
                } else {
                    find(&node.children, id)
                }
            })
        }
        find(&self.roots, id)
    }

    /// The unit `id` and every unit below it; empty when the tree has no such unit.
    pub fn subtree(&self, id: i64) -> Vec<i64> {
        fn collect(node: &OrgTreeNode, out: &mut Vec<i64>) {
            out.push(node.id);
            for child in &node.children {
                collect(child, out);
            }
        }
        let mut out = Vec::new();
        if let Some(node) = self.node(id) {
            collect(node, &mut out);
        }
        out
    }
}

/// A unit of a flattened tree: for lists and choices that show the tree by indentation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FlatUnit {
    /// The unit's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: OrgUnitKind,
    /// How far below a root it sits (0 for a root).
    pub depth: usize,
    /// The names from the root down to the unit itself.
    pub path: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, parent_id: Option<i64>, name: &str, position: i32) -> OrgUnitRecord {
        OrgUnitRecord {
            id,
            parent_id,
            name: name.to_owned(),
            kind: OrgUnitKind::Enhet,
            position,
        }
    }

    fn names(nodes: &[OrgTreeNode]) -> Vec<&str> {
        nodes.iter().map(|n| n.name.as_str()).collect()
    }

    #[test]
    fn builds_nested_tree_ordered_by_position_then_name() {
        let tree = OrgTree::build(vec![
            unit(3, Some(1), "Socialnämnden", 2),
            unit(1, None, "Kommunfullmäktige", 0),
            unit(2, Some(1), "Barn- och utbildningsnämnden", 2),
            unit(4, Some(1), "Kommunstyrelsen", 1),
            unit(5, Some(3), "Individ- och familjeomsorg", 0),
        ]);
        assert_eq!(names(&tree.roots), ["Kommunfullmäktige"]);
        let top = &tree.roots[0];
        assert_eq!(
            names(&top.children),
            ["Kommunstyrelsen", "Barn- och utbildningsnämnden", "Socialnämnden"]
        );
        assert_eq!(names(&top.children[2].children), ["Individ- och familjeomsorg"]);
        assert_eq!(tree.len(), 5);
    }

    #[test]
    fn orphans_and_cycles_become_roots_instead_of_vanishing() {
        let tree = OrgTree::build(vec![
            unit(1, Some(99), "Föräldralös", 0),
            unit(2, Some(3), "A", 0),
            unit(3, Some(2), "B", 0),
        ]);
        assert_eq!(tree.len(), 3);
        assert_eq!(names(&tree.roots), ["A", "B", "Föräldralös"]);
    }

    #[test]
    fn empty_tree() {
        let tree = OrgTree::build(Vec::new());
        assert!(tree.is_empty());
        assert_eq!(tree.len(), 0);
    }

    #[test]
    fn unit_names_are_trimmed_and_checked() {
        assert_eq!(
            UnitName::parse("  Miljönämnden ").map(|n| n.as_str().to_owned()),
            Ok("Miljönämnden".into())
        );
        assert_eq!(UnitName::parse("   "), Err(UnitNameError::Empty));
        assert_eq!(UnitName::parse("a\nb"), Err(UnitNameError::ControlCharacter));
        let long = "å".repeat(UnitName::MAX_CHARS + 1);
        assert_eq!(
            UnitName::parse(&long),
            Err(UnitNameError::TooLong(UnitName::MAX_CHARS + 1))
        );
        assert!(UnitName::parse(&"å".repeat(UnitName::MAX_CHARS)).is_ok());
    }

    #[test]
    fn kinds_round_trip_through_their_identifiers() {
        for kind in OrgUnitKind::ALL {
            assert_eq!(kind.as_str().parse::<OrgUnitKind>(), Ok(kind));
        }
        assert!("kommun".parse::<OrgUnitKind>().is_err());
    }
}
