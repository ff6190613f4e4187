//! The information asset inventory: förvaltningsobjekt, systems and informationsmängder, the words for their
//! properties, the limits on their texts, and the rule that a system cannot run on itself, however indirectly.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// A value that LIS stores as an identifier and shows in Swedish or English.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $id:literal, $sv:literal, $en:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(into = "&'static str")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in the order forms list them.
            pub const ALL: &'static [$name] = &[$(Self::$variant),+];

            /// The identifier stored in the database and used in URLs and the API.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $id,)+ }
            }

            /// The word shown in Swedish, and written in exported files.
            pub fn swedish(self) -> &'static str {
                match self { $(Self::$variant => $sv,)+ }
            }

            /// The word shown in English.
            pub fn english(self) -> &'static str {
                match self { $(Self::$variant => $en,)+ }
            }

            /// Reads a value as a person writes it in a spreadsheet: the identifier, the Swedish or the English word,
            /// in any case.
            pub fn from_label(text: &str) -> Option<Self> {
                let wanted = text.trim().to_lowercase();
                Self::ALL.iter().copied().find(|value| {
                    [value.as_str(), value.swedish(), value.english()]
                        .iter()
                        .any(|word| word.to_lowercase() == wanted)
                })
            }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> Self {
                value.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::inventory::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == s)
                    .ok_or_else(|| $crate::inventory::UnknownValue { kind: stringify!($name), value: s.to_owned() })
            }
        }
    };
}
pub(crate) use vocabulary;

/// A stored identifier that LIS does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind}: {value:?}")]
pub struct UnknownValue {
    /// Which vocabulary.
    pub kind: &'static str,
    /// The value found.
    pub value: String,
}

vocabulary! {
    /// The kinds of record in the inventory.
    ItemKind {
        /// A *förvaltningsobjekt*: what the governance model manages as one, with an objektsägare.
        ManagementObject = "forvaltningsobjekt", "förvaltningsobjekt", "management object";
        /// A system (or platform) that belongs to a förvaltningsobjekt.
        System = "system", "system", "system";
        /// An *informationsmängd*: information with an informationsägare, held by one or more systems.
        InformationSet = "informationsmangd", "informationsmängd", "information set";
    }
}

vocabulary! {
    /// Where and by whom a system is operated.
    Hosting {
        /// In the organisation's own data centre.
        OwnDataCentre = "own_data_centre", "egen drift", "own data centre";
        /// Operated by a supplier on the organisation's behalf.
        ExternalOperation = "external_operation", "extern drift", "external operation";
        /// On a cloud platform the organisation runs its own software on.
        CloudService = "cloud_service", "molntjänst", "cloud service";
        /// Software as a service.
        Saas = "saas", "SaaS", "software as a service";
    }
}

vocabulary! {
    /// Where a system is in its life.
    Lifecycle {
        /// Being procured or built.
        Planned = "planned", "planerad", "planned";
        /// In use.
        InUse = "in_use", "i drift", "in use";
        /// Being phased out.
        BeingRetired = "being_retired", "under avveckling", "being retired";
        /// No longer used (kept for its history).
        Retired = "retired", "avvecklad", "retired";
    }
}

vocabulary! {
    /// How two records of the inventory relate.
    RelationKind {
        /// An informationsmängd is held (stored, processed) by a system.
        HeldBy = "held_by", "lagras i", "held by";
        /// A system runs on a platform (another system).
        RunsOn = "runs_on", "körs på", "runs on";
        /// A system exchanges information with another system.
        IntegratesWith = "integrates_with", "integrerar med", "integrates with";
    }
}

impl RelationKind {
    /// The kinds of record the relation joins: (from, to).
    pub fn ends(self) -> (ItemKind, ItemKind) {
        match self {
            Self::HeldBy => (ItemKind::InformationSet, ItemKind::System),
            Self::RunsOn | Self::IntegratesWith => (ItemKind::System, ItemKind::System),
        }
    }
}

vocabulary! {
    /// The properties of the inventory's records: one list that forms, detail pages, the export's columns and the
    /// import's headers all follow. Swedish words are the export's column headings.
    Field {
        /// The record's name.
        Name = "name", "Namn", "Name";
        /// The record's id in another register.
        ExternalId = "external_id", "Externt id", "External id";
        /// A description.
        Description = "description", "Beskrivning", "Description";
        /// The responsible org unit.
        OrgUnit = "org_unit", "Organisationsenhet", "Org unit";
        /// The förvaltningsobjekt a system belongs to.
        ManagementObject = "management_object", "Förvaltningsobjekt", "Management object";
        /// Objektsägare of a förvaltningsobjekt.
        ObjectOwner = "object_owner", "Objektsägare", "Object owner";
        /// Förvaltningsledare for the business.
        BusinessManager = "business_manager", "Förvaltningsledare verksamhet", "Business manager";
        /// Förvaltningsledare for IT.
        ItManager = "it_manager", "Förvaltningsledare IT", "IT manager";
        /// The yearly förvaltningsplan.
        PlanReference = "plan_reference", "Förvaltningsplan", "Management plan";
        /// Systemförvaltare.
        SystemManager = "system_manager", "Systemförvaltare", "System manager";
        /// The supplier.
        Supplier = "supplier", "Leverantör", "Supplier";
        /// Where the system is operated.
        Hosting = "hosting", "Driftform", "Hosting";
        /// The country where data is stored.
        StorageCountry = "storage_country", "Lagringsland", "Storage country";
        /// Where the system is in its life.
        Lifecycle = "lifecycle", "Livscykel", "Lifecycle";
        /// Free tags.
        Tags = "tags", "Taggar", "Tags";
        /// Informationsägare.
        InformationOwner = "information_owner", "Informationsägare", "Information owner";
        /// Whether personal data is included.
        PersonalData = "personal_data", "Personuppgifter", "Personal data";
        /// Whether information under secrecy is included.
        Secrecy = "secrecy", "Sekretess", "Secrecy";
        /// The OSL section.
        OslReference = "osl_reference", "OSL-hänvisning", "OSL reference";
        /// Concerns Sweden's security: handled outside LIS.
        SecurityProtection = "security_protection", "Säkerhetsskydd", "Security protection";
    }
}

impl Field {
    /// Whether records of `kind` have this property.
    pub fn applies_to(self, kind: ItemKind) -> bool {
        use ItemKind::{InformationSet, ManagementObject, System};
        match self {
            Self::Name | Self::ExternalId | Self::Description => true,
            Self::OrgUnit => matches!(kind, ManagementObject | InformationSet),
            Self::ObjectOwner | Self::BusinessManager | Self::ItManager | Self::PlanReference => {
                kind == ManagementObject
            }
            Self::ManagementObject
            | Self::SystemManager
            | Self::Supplier
            | Self::Hosting
            | Self::StorageCountry
            | Self::Lifecycle
            | Self::Tags => kind == System,
            Self::InformationOwner
            | Self::PersonalData
            | Self::Secrecy
            | Self::OslReference
            | Self::SecurityProtection => kind == InformationSet,
        }
    }

    /// The properties of `kind`, in order.
    pub fn of(kind: ItemKind) -> impl Iterator<Item = Field> {
        Self::ALL.iter().copied().filter(move |field| field.applies_to(kind))
    }
}

/// The limits on the inventory's texts, in characters.
pub mod limits {
    /// A name.
    pub const NAME: usize = 200;
    /// A description.
    pub const DESCRIPTION: usize = 4000;
    /// An external id, a plan reference, a supplier, a country or an OSL reference.
    pub const SHORT: usize = 200;
    /// One tag.
    pub const TAG: usize = 40;
    /// Tags on one system.
    pub const TAGS: usize = 20;
}

/// Why a text was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum TextProblem {
    /// A required text is empty.
    #[error("is required")]
    Required,
    /// The text is longer than allowed.
    #[error("is {length} characters long; at most {max} are allowed")]
    TooLong {
        /// Its length in characters.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// A one-line text holds a control character such as a line break.
    #[error("contains a control character")]
    ControlCharacter,
}

impl TextProblem {
    /// The problem in Swedish, as a sentence about the value.
    pub fn swedish(self) -> String {
        match self {
            Self::Required => "måste fyllas i".to_owned(),
            Self::TooLong { length, max } => format!("är {length} tecken lång; högst {max} tecken är tillåtna"),
            Self::ControlCharacter => "innehåller ett styrtecken, till exempel en radbrytning".to_owned(),
        }
    }
}

/// Why a value given for a property (in a form, an import or the API) was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ValueProblem {
    /// The text is empty, too long or holds a control character.
    Text(TextProblem),
    /// The value is not one of the allowed words.
    NotAChoice {
        /// The allowed words, in Swedish.
        allowed: Vec<&'static str>,
    },
    /// Nothing of the right kind has this name, id or e-mail address.
    Unknown,
    /// Several records match; the value must say which (by external id).
    Ambiguous,
    /// The name or external id is taken by another record in use.
    Taken,
}

impl ValueProblem {
    /// The problem in Swedish, as a sentence about the value.
    pub fn swedish(&self) -> String {
        match self {
            Self::Text(problem) => problem.swedish(),
            Self::NotAChoice { allowed } => format!("är inte ett av de tillåtna värdena ({})", allowed.join(", ")),
            Self::Unknown => "finns inte i LIS".to_owned(),
            Self::Ambiguous => "matchar flera poster; ange det externa id:t".to_owned(),
            Self::Taken => "används redan av en annan post".to_owned(),
        }
    }

    /// The problem in English.
    pub fn english(&self) -> String {
        match self {
            Self::Text(problem) => problem.to_string(),
            Self::NotAChoice { allowed } => format!("is not one of the allowed values ({})", allowed.join(", ")),
            Self::Unknown => "does not exist in LIS".to_owned(),
            Self::Ambiguous => "matches several records; give the external id".to_owned(),
            Self::Taken => "is already used by another record".to_owned(),
        }
    }
}

impl From<TextProblem> for ValueProblem {
    fn from(problem: TextProblem) -> Self {
        Self::Text(problem)
    }
}

/// Reads one of a vocabulary's words, or says which words are allowed.
pub fn choice<T: Copy>(
    raw: &str,
    from_label: fn(&str) -> Option<T>,
    all: &[T],
    swedish: fn(T) -> &'static str,
) -> Result<Option<T>, ValueProblem> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    from_label(raw).map(Some).ok_or_else(|| ValueProblem::NotAChoice {
        allowed: all.iter().map(|value| swedish(*value)).collect(),
    })
}

/// Checks a one-line text: trimmed, at most `max` characters, no control characters. Empty gives `None`.
pub fn line(raw: &str, max: usize) -> Result<Option<String>, TextProblem> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let length = trimmed.chars().count();
    if length > max {
        return Err(TextProblem::TooLong { length, max });
    }
    if trimmed.chars().any(char::is_control) {
        return Err(TextProblem::ControlCharacter);
    }
    Ok(Some(trimmed.to_owned()))
}

/// Checks a name: a one-line text that must be given.
pub fn name(raw: &str) -> Result<String, TextProblem> {
    line(raw, limits::NAME)?.ok_or(TextProblem::Required)
}

/// Checks a description: trimmed, line breaks allowed, at most [`limits::DESCRIPTION`] characters.
pub fn description(raw: &str) -> Result<String, TextProblem> {
    let trimmed = raw.trim();
    let length = trimmed.chars().count();
    if length > limits::DESCRIPTION {
        return Err(TextProblem::TooLong {
            length,
            max: limits::DESCRIPTION,
        });
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(TextProblem::ControlCharacter);
    }
    Ok(trimmed.replace("\r\n", "\n"))
}

/// Reads tags written as a comma-separated list: trimmed, lower-case, without duplicates, in the order given.
pub fn tags(raw: &str) -> Result<Vec<String>, TextProblem> {
    let mut seen = BTreeSet::new();
    let mut tags = Vec::new();
    for piece in raw.split([',', '\n']) {
        let Some(tag) = line(piece, limits::TAG)? else {
            continue;
        };
        let tag = tag.to_lowercase();
        if seen.insert(tag.clone()) {
            tags.push(tag);
        }
    }
    if tags.len() > limits::TAGS {
        return Err(TextProblem::TooLong {
            length: tags.len(),
            max: limits::TAGS,
        });
    }
    Ok(tags)
}

/// Reads a yes/no value: `ja`, `nej`, `yes`, `no`, `true`, `false`, `x`, `1`, `0`; empty is `None`.
pub fn yes_no(raw: &str) -> Result<Option<bool>, ValueProblem> {
    match raw.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "ja" | "j" | "yes" | "y" | "true" | "sant" | "x" | "1" => Ok(Some(true)),
        "nej" | "n" | "no" | "false" | "falskt" | "0" => Ok(Some(false)),
        _ => Err(ValueProblem::NotAChoice {
            allowed: vec!["ja", "nej"],
        }),
    }
}

/// The chain of systems that adding `from → to` to `edges` would close, starting and ending with `from`; `None` when
/// the edge keeps the graph free of cycles. A system on itself is a cycle of one.
pub fn cycle_through(edges: &[(i64, i64)], from: i64, to: i64) -> Option<Vec<i64>> {
    if from == to {
        return Some(vec![from, from]);
    }
    let mut next: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for &(a, b) in edges {
        next.entry(a).or_default().push(b);
    }
    // Breadth-first search from `to` back to `from`, remembering how each node was reached.
    let mut came_from: BTreeMap<i64, i64> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([to]);
    let mut seen = BTreeSet::from([to]);
    while let Some(node) = queue.pop_front() {
        if node == from {
            let mut path = vec![from];
            let mut at = from;
            while let Some(&before) = came_from.get(&at) {
                path.push(before);
                at = before;
            }
            path.push(from);
            path.reverse();
            // path is now: from, to, …, from
            return Some(path);
        }
        for &after in next.get(&node).map(Vec::as_slice).unwrap_or_default() {
            if seen.insert(after) {
                came_from.insert(after, node);
                queue.push_back(after);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_reads_swedish_english_and_identifiers() {
        assert_eq!(Hosting::from_label("SaaS"), Some(Hosting::Saas));
        assert_eq!(Hosting::from_label(" Egen drift "), Some(Hosting::OwnDataCentre));
        assert_eq!(Lifecycle::from_label("I DRIFT"), Some(Lifecycle::InUse));
        assert_eq!(Lifecycle::from_label("being_retired"), Some(Lifecycle::BeingRetired));
        assert_eq!(Lifecycle::from_label("snart"), None);
        assert_eq!("system".parse::<ItemKind>(), Ok(ItemKind::System));
        assert!("System".parse::<ItemKind>().is_err());
    }

    #[test]
    fn texts_are_trimmed_and_limited() {
        assert_eq!(name("  Ekonomisystem "), Ok("Ekonomisystem".to_owned()));
        assert_eq!(name("   "), Err(TextProblem::Required));
        assert_eq!(name("a\tb"), Err(TextProblem::ControlCharacter));
        let long = "å".repeat(201);
        assert_eq!(name(&long), Err(TextProblem::TooLong { length: 201, max: 200 }));
        assert_eq!(description("rad ett\r\nrad två"), Ok("rad ett\nrad två".to_owned()));
        assert_eq!(line("", 10), Ok(None));
    }

    #[test]
    fn tags_are_lower_case_and_unique() {
        assert_eq!(
            tags("Kritisk, plattform,kritisk,, e-tjänst"),
            Ok(vec![
                "kritisk".to_owned(),
                "plattform".to_owned(),
                "e-tjänst".to_owned()
            ])
        );
        let many = (0..21).map(|i| format!("t{i}")).collect::<Vec<_>>().join(",");
        assert!(tags(&many).is_err());
    }

    #[test]
    fn yes_no_cells() {
        assert_eq!(yes_no("Ja"), Ok(Some(true)));
        assert_eq!(yes_no("nej"), Ok(Some(false)));
        assert_eq!(yes_no(""), Ok(None));
        assert!(yes_no("kanske").is_err());
    }

    #[test]
    fn a_cycle_is_named_from_the_new_edge_round() {
        let edges = [(1, 2), (2, 3), (3, 4)];
        assert_eq!(cycle_through(&edges, 4, 1), Some(vec![4, 1, 2, 3, 4]));
        assert_eq!(cycle_through(&edges, 1, 4), None);
        assert_eq!(cycle_through(&edges, 5, 5), Some(vec![5, 5]));
        assert_eq!(cycle_through(&[], 1, 2), None);
    }
}
