//! Importing the inventory from the spreadsheets municipalities keep: org units, förvaltningsobjekt, systems,
//! informationsmängder and their relations, from one combined *systemförteckning* sheet (a `Typ` column says what
//! each row is) or from one sheet per kind (the sheet's name says it).
//!
//! [`plan`] reads the database and the file and says, per row, what would be created, changed, left as it is or
//! refused and why (line, column, value and reason, in Swedish); it writes nothing and holds no write lock.
//! [`apply`] plans again and, when no row is refused, writes every row through the ordinary services in the
//! caller's one transaction, so the import is all or nothing and every change has its audit event.
//!
//! Matching: a row is the record with the same external id, else the record of its kind with the same name under
//! the same parent (a unit's parent unit, a förvaltningsobjekt's or informationsmängd's org unit, a system's
//! förvaltningsobjekt). Columns that are absent leave what is stored alone; a relation column that is present is
//! the row's whole list of that relation (relations not listed are removed). Columns that do not belong to a row's
//! kind are ignored, so an export, which fills in a system's org unit and objektsägare for reading, imports again
//! unchanged. References are written as a name or an external id (units also as a path `A / B / C`); people as
//! e-mail addresses.

use crate::ChangeTransaction;
use crate::database::{Backend, backend_of, refresh_statistics};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use lis_domain::inventory::{self, Field, ItemKind, RelationKind, ValueProblem};
use lis_domain::{FlatUnit, OrgUnitKind};
use lis_sheets::{Sheet, normalise_header};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::StoreError;
use crate::audit::ChangeContext;
use crate::entity::{inventory_item, inventory_relation, org_unit, person};
use crate::inventory::{self as items, ItemFields};
use crate::organisation::{self, NewOrgUnit, UnitChange};

/// A column the importer knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    /// `Typ`: what the row is.
    Kind,
    /// A property of a record.
    Field(Field),
    /// `Enhetstyp`: the kind of an org unit.
    UnitKind,
    /// A relation list.
    Relation(RelationKind),
}

impl Column {
    /// Every column, in the order of the export.
    pub fn all() -> Vec<Column> {
        // The external id comes before the name, as in the registers municipalities keep.
        let mut columns = vec![
            Column::Kind,
            Column::Field(Field::ExternalId),
            Column::Field(Field::Name),
        ];
        for &field in Field::ALL
            .iter()
            .filter(|f| !matches!(f, Field::ExternalId | Field::Name))
        {
            columns.push(Column::Field(field));
            if field == Field::OrgUnit {
                columns.push(Column::UnitKind);
            }
        }
        columns.extend([
            Column::Relation(RelationKind::RunsOn),
            Column::Relation(RelationKind::IntegratesWith),
            Column::Relation(RelationKind::HeldBy),
        ]);
        columns
    }

    /// The heading in Swedish, as the export writes it.
    pub fn swedish(self) -> &'static str {
        match self {
            Self::Kind => "Typ",
            Self::Field(field) => field.swedish(),
            Self::UnitKind => "Enhetstyp",
            Self::Relation(RelationKind::RunsOn) => "Körs på",
            Self::Relation(RelationKind::IntegratesWith) => "Integrerar med",
            Self::Relation(RelationKind::HeldBy) => "Lagras i",
        }
    }

    fn names(self) -> Vec<&'static str> {
        match self {
            Self::Kind => vec!["Typ", "Kind", "Type"],
            Self::Field(field) => vec![field.swedish(), field.english(), field.as_str()],
            Self::UnitKind => vec!["Enhetstyp", "Unit kind", "unit_kind"],
            Self::Relation(kind) => vec![self.swedish(), kind.english(), kind.as_str()],
        }
    }

    /// The column a heading names, matched without regard to case and spacing.
    pub fn from_heading(heading: &str) -> Option<Column> {
        let wanted = normalise_header(heading);
        Self::all()
            .into_iter()
            .find(|column| column.names().iter().any(|name| normalise_header(name) == wanted))
    }
}

/// What a row describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// An org unit.
    OrgUnit,
    /// A record of the inventory.
    Item(ItemKind),
}

impl RowKind {
    /// The Swedish word, as the `Typ` column holds it.
    pub fn swedish(self) -> &'static str {
        match self {
            Self::OrgUnit => "organisationsenhet",
            Self::Item(kind) => kind.swedish(),
        }
    }

    fn from_label(text: &str) -> Option<Self> {
        match text.trim().to_lowercase().as_str() {
            "organisationsenhet" | "enhet" | "org unit" | "org_unit" => Some(Self::OrgUnit),
            "informationsmängder" | "information sets" => Some(Self::Item(ItemKind::InformationSet)),
            "organisationsenheter" | "org units" => Some(Self::OrgUnit),
            "systems" => Some(Self::Item(ItemKind::System)),
            other => ItemKind::from_label(other).map(Self::Item),
        }
    }

    /// The name of this kind's sheet in a workbook.
    pub fn sheet_name(self) -> &'static str {
        match self {
            Self::OrgUnit => "Organisationsenheter",
            Self::Item(ItemKind::ManagementObject) => "Förvaltningsobjekt",
            Self::Item(ItemKind::System) => "System",
            Self::Item(ItemKind::InformationSet) => "Informationsmängder",
        }
    }

    /// The order rows are applied in: units, förvaltningsobjekt, systems, informationsmängder.
    pub const ORDER: [RowKind; 4] = [
        Self::OrgUnit,
        Self::Item(ItemKind::ManagementObject),
        Self::Item(ItemKind::System),
        Self::Item(ItemKind::InformationSet),
    ];
}

/// One problem with a row: where, what was written and why it is refused, in Swedish.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The column's heading as written in the file (empty for a problem with the whole row).
    pub column: String,
    /// The value as written.
    pub value: String,
    /// Why, in Swedish.
    pub reason: String,
}

/// What importing a row does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// A new record.
    Create,
    /// A record that changes; the headings of the columns that change.
    Update {
        /// The changed columns.
        changed: Vec<String>,
    },
    /// A record that is already as the row says.
    Unchanged,
    /// A refused row; nothing of the file is imported while one is.
    Rejected {
        /// Every problem found in the row.
        problems: Vec<RowProblem>,
    },
}

/// One row of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowReport {
    /// The sheet's name, for a workbook.
    pub sheet: Option<String>,
    /// The line (CSV) or row number (XLSX) in the file.
    pub line: u64,
    /// What the row describes, when that could be read.
    pub kind: Option<RowKind>,
    /// The name in the row.
    pub name: String,
    /// What importing it does.
    pub outcome: Outcome,
}

/// Everything an import would do, or why it cannot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Problems with the file as a whole (in Swedish): unreadable, no rows, missing or repeated columns.
    pub file_problems: Vec<String>,
    /// Headings the importer does not know; their columns are not read.
    pub unknown_columns: Vec<String>,
    /// Every data row, in file order.
    pub rows: Vec<RowReport>,
}

impl ImportReport {
    /// Whether the import can be applied: the file is readable and no row is refused.
    pub fn is_acceptable(&self) -> bool {
        self.file_problems.is_empty() && self.rejected() == 0
    }

    fn count(&self, wanted: fn(&Outcome) -> bool) -> usize {
        self.rows.iter().filter(|row| wanted(&row.outcome)).count()
    }

    /// Rows that create a record.
    pub fn created(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Create))
    }

    /// Rows that change a record.
    pub fn updated(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Update { .. }))
    }

    /// Rows that change nothing.
    pub fn unchanged(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Unchanged))
    }

    /// Refused rows.
    pub fn rejected(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Rejected { .. }))
    }

    /// The report as lines of text for the command line, in Swedish: file problems, then every refused row with
    /// each problem, then the counts.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for problem in &self.file_problems {
            out.push_str(&format!("Filen: {problem}\n"));
        }
        for column in &self.unknown_columns {
            out.push_str(&format!("Okänd kolumn (läses inte): {column}\n"));
        }
        for row in &self.rows {
            if let Outcome::Rejected { problems } = &row.outcome {
                for problem in problems {
                    let sheet = row.sheet.as_ref().map(|s| format!("blad {s}, ")).unwrap_or_default();
                    if problem.column.is_empty() {
                        out.push_str(&format!("{sheet}rad {}: {}\n", row.line, problem.reason));
                    } else {
                        out.push_str(&format!(
                            "{sheet}rad {}, kolumn {}, värde ”{}”: {}\n",
                            row.line, problem.column, problem.value, problem.reason
                        ));
                    }
                }
            }
        }
        out.push_str(&format!(
            "{} nya, {} ändrade, {} oförändrade, {} avvisade rader\n",
            self.created(),
            self.updated(),
            self.unchanged(),
            self.rejected()
        ));
        out
    }
}

/// How far an import has come: for progress shown while a large file is read, checked and written.
pub trait Progress: Send + Sync {
    /// `done` of `total` rows have passed `stage`.
    fn report(&self, stage: Stage, done: usize, total: usize);
}

/// The stages of an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Rows read from the file.
    Read,
    /// Rows checked against the database.
    Validated,
    /// Rows written.
    Written,
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn report(&self, _stage: Stage, _done: usize, _total: usize) {}
}

/// Something a row points to: a stored record or another row of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Target {
    Stored(i64),
    Row(usize),
}

/// A row as read, before it is matched against the database.
#[derive(Debug)]
struct Draft {
    report: usize,
    kind: RowKind,
    cells: BTreeMap<Column, (String, String)>,
}

impl Draft {
    /// The trimmed text of a column, when the file has that column.
    fn cell(&self, column: Column) -> Option<&str> {
        self.cells.get(&column).map(|(_, value)| value.as_str())
    }

    fn heading(&self, column: Column) -> String {
        self.cells
            .get(&column)
            .map_or_else(|| column.swedish().to_owned(), |(heading, _)| heading.clone())
    }

    fn name(&self) -> &str {
        self.cell(Column::Field(Field::Name)).unwrap_or_default()
    }

    fn external_id(&self) -> Option<&str> {
        self.cell(Column::Field(Field::ExternalId)).filter(|id| !id.is_empty())
    }
}

/// Everything stored that rows are matched against, with indices so that looking up one record or one record's
/// relations does not scan them all.
struct Stored {
    units: Vec<org_unit::Model>,
    flat_units: Vec<FlatUnit>,
    items: Vec<inventory_item::Model>,
    relations: Vec<inventory_relation::Model>,
    people_by_email: HashMap<String, i64>,
    /// Position in `units` by id.
    unit_at: HashMap<i64, usize>,
    /// Position in `items` by id.
    item_at: HashMap<i64, usize>,
    /// Positions in `relations` by kind and `from` end, in stored order.
    outgoing_at: HashMap<(RelationKind, i64), Vec<usize>>,
    /// Every relation as (kind, from, to).
    pairs: HashSet<(RelationKind, i64, i64)>,
}

impl Stored {
    async fn load(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Self, StoreError> {
        let units = organisation::units(db, organisation_id).await?;
        let flat_units = organisation::org_tree(db, organisation_id).await?.flatten();
        let items = inventory_item::Entity::find()
            .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
            .filter(inventory_item::Column::RetiredAt.is_null())
            .all(db)
            .await?;
        let relations = inventory_relation::Entity::find()
            .filter(inventory_relation::Column::OrganisationId.eq(organisation_id))
            .all(db)
            .await?;
        let people_by_email = person::Entity::find()
            .filter(person::Column::OrganisationId.eq(organisation_id))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|p| Some((p.email?.trim().to_lowercase(), p.id)))
            .collect();
        let unit_at = units.iter().enumerate().map(|(at, u)| (u.id, at)).collect();
        let item_at = items.iter().enumerate().map(|(at, i)| (i.id, at)).collect();
        let mut outgoing_at: HashMap<(RelationKind, i64), Vec<usize>> = HashMap::new();
        let mut pairs = HashSet::new();
        for (at, relation) in relations.iter().enumerate() {
            // Only LIS writes the kind; one it does not know matches no relation column.
            let Ok(kind) = relation.kind.parse::<RelationKind>() else {
                continue;
            };
            outgoing_at.entry((kind, relation.from_item_id)).or_default().push(at);
            pairs.insert((kind, relation.from_item_id, relation.to_item_id));
        }
        Ok(Self {
            units,
            flat_units,
            items,
            relations,
            people_by_email,
            unit_at,
            item_at,
            outgoing_at,
            pairs,
        })
    }

    fn unit(&self, id: i64) -> Option<&org_unit::Model> {
        self.unit_at.get(&id).map(|at| &self.units[*at])
    }

    fn item(&self, id: i64) -> Option<&inventory_item::Model> {
        self.item_at.get(&id).map(|at| &self.items[*at])
    }

    /// The stored relations of `kind` from `from`, in stored order.
    fn outgoing(&self, kind: RelationKind, from: i64) -> impl Iterator<Item = &inventory_relation::Model> + '_ {
        self.outgoing_at
            .get(&(kind, from))
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|at| &self.relations[*at])
    }

    /// Whether a relation of `kind` from `from` to `to` is stored.
    fn has_relation(&self, kind: RelationKind, from: i64, to: i64) -> bool {
        self.pairs.contains(&(kind, from, to))
    }
}

/// `text` about `sheet`, prefixed with the sheet's name when it has one (a workbook's).
pub(crate) fn in_sheet(sheet: &Sheet, text: String) -> String {
    match &sheet.name {
        Some(name) => format!("Bladet {name}: {text}"),
        None => text,
    }
}

/// Whether every sheet is a header without rows; then that is the report's file problem.
pub(crate) fn has_no_rows(sheets: &[Sheet], report: &mut ImportReport) -> bool {
    let empty = sheets.iter().all(|sheet| sheet.rows.is_empty());
    if empty {
        report
            .file_problems
            .push("Filen har en rubrikrad men inga rader med uppgifter.".to_owned());
    }
    empty
}

/// A sheet's headings matched to the columns an importer knows (`from_heading`): each heading's column, none when
/// it is empty or unknown, and the columns found. A column given twice is a file problem and an unknown heading is
/// listed, both in `report`.
pub(crate) fn match_headings<C: Copy + Ord>(
    sheet: &Sheet,
    from_heading: impl Fn(&str) -> Option<C>,
    report: &mut ImportReport,
) -> (Vec<Option<C>>, BTreeSet<C>) {
    let mut columns = Vec::new();
    let mut seen = BTreeSet::new();
    for heading in &sheet.headers {
        let column = from_heading(heading);
        match column {
            Some(column) if !seen.insert(column) => {
                let text = format!("kolumnen ”{}” finns två gånger.", heading.trim());
                report.file_problems.push(in_sheet(sheet, text));
            }
            Some(_) => {}
            None if heading.trim().is_empty() => {}
            None => report.unknown_columns.push(heading.trim().to_owned()),
        }
        columns.push(column);
    }
    (columns, seen)
}

/// The cells of `row` by column: the heading as written and the value, trimmed and as written before an export
/// neutralised it; and the problem of a row with another number of fields than the header, if it has one.
pub(crate) fn row_cells<C: Copy + Ord>(
    sheet: &Sheet,
    columns: &[Option<C>],
    row: &lis_sheets::Row,
) -> (BTreeMap<C, (String, String)>, Option<RowProblem>) {
    let mut cells = BTreeMap::new();
    for (index, column) in columns.iter().enumerate() {
        if let Some(column) = column {
            let value = row.cells.get(index).map(|c| unneutralise(c.trim())).unwrap_or_default();
            cells.insert(*column, (sheet.headers[index].trim().to_owned(), value));
        }
    }
    let problem = (row.cells.len() != sheet.headers.len()).then(|| RowProblem {
        column: String::new(),
        value: String::new(),
        reason: format!(
            "raden har {} fält men rubrikraden har {}.",
            row.cells.len(),
            sheet.headers.len()
        ),
    });
    (cells, problem)
}

/// The outcome of reading the sheets: the drafts and the report rows, or file problems.
fn read_sheets(sheets: &[Sheet], report: &mut ImportReport) -> Vec<Draft> {
    let mut drafts = Vec::new();
    if has_no_rows(sheets, report) {
        return drafts;
    }
    for sheet in sheets.iter().filter(|sheet| !sheet.rows.is_empty()) {
        let in_sheet = |text: String| in_sheet(sheet, text);
        let (columns, seen) = match_headings(sheet, Column::from_heading, report);
        let sheet_kind = sheet.name.as_deref().and_then(RowKind::from_label);
        if !seen.contains(&Column::Field(Field::Name)) {
            report
                .file_problems
                .push(in_sheet("kolumnen ”Namn” saknas.".to_owned()));
        }
        if !seen.contains(&Column::Kind) && sheet_kind.is_none() {
            report.file_problems.push(in_sheet(
                "kolumnen ”Typ” saknas; den säger om raden är en organisationsenhet, ett förvaltningsobjekt, ett \
                 system eller en informationsmängd."
                    .to_owned(),
            ));
        }
        for row in &sheet.rows {
            let (cells, problem) = row_cells(sheet, &columns, row);
            let mut problems: Vec<RowProblem> = problem.into_iter().collect();
            let kind_text = cells.get(&Column::Kind).map(|(_, v)| v.clone());
            let kind = match &kind_text {
                Some(text) if !text.is_empty() => RowKind::from_label(text),
                _ => sheet_kind,
            };
            if kind.is_none() {
                problems.push(RowProblem {
                    column: "Typ".to_owned(),
                    value: kind_text.unwrap_or_default(),
                    reason: "ska vara organisationsenhet, förvaltningsobjekt, system eller informationsmängd."
                        .to_owned(),
                });
            }
            let name = cells
                .get(&Column::Field(Field::Name))
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let index = report.rows.len();
            report.rows.push(RowReport {
                sheet: sheet.name.clone(),
                line: row.line,
                kind,
                name,
                outcome: if problems.is_empty() {
                    Outcome::Unchanged
                } else {
                    Outcome::Rejected { problems }
                },
            });
            if let Some(kind) = kind {
                drafts.push(Draft {
                    report: index,
                    kind,
                    cells,
                });
            }
        }
    }
    drafts
}

/// A cell as written before an export neutralised it against formula injection: the apostrophe that LIS puts in
/// front of `=`, `+`, `-`, `@`, tab, carriage return or another apostrophe is taken away again, so that an export
/// imports unchanged.
pub fn unneutralise(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) => rest.to_owned(),
        _ => cell.to_owned(),
    }
}

/// Collects problems per report row while planning.
#[derive(Default)]
struct Problems(BTreeMap<usize, Vec<RowProblem>>);

impl Problems {
    fn add(&mut self, draft: &Draft, column: Option<Column>, value: &str, reason: impl Into<String>) {
        self.0.entry(draft.report).or_default().push(RowProblem {
            column: column.map(|c| draft.heading(c)).unwrap_or_default(),
            value: value.to_owned(),
            reason: reason.into(),
        });
    }
}

/// A row matched and checked: what it will become.
#[derive(Debug, Clone)]
struct Resolved {
    draft: usize,
    /// The stored record it changes, if any.
    existing: Option<i64>,
    /// For units: the new name, kind, parent and external id.
    unit: Option<(String, OrgUnitKind, Option<Target>, Option<String>)>,
    /// For records: the properties, with references to rows of the file kept aside.
    fields: Option<ItemFields>,
    /// References to rows of the file, set once those rows exist.
    pending: Vec<(Field, usize)>,
    /// Relation lists given: kind → targets.
    relations: BTreeMap<RelationKind, Vec<Target>>,
    changed: Vec<String>,
}

/// One candidate of a [`Lookup`]: (external id, name key, parent, target).
type Candidate = (Option<String>, String, Option<Target>, Target);

/// Looks up what a reference names among stored records and rows of the file.
///
/// The candidates are indexed by external id and by name key (each index keeping the candidates' order), so that a
/// lookup costs the same with 100 candidates as with 100 000.
#[derive(Default)]
struct Lookup {
    candidates: Vec<Candidate>,
    /// Candidate positions by external id, in candidate order.
    by_external_id: HashMap<String, Vec<usize>>,
    /// Candidate positions by name key, in candidate order.
    by_key: HashMap<String, Vec<usize>>,
}

impl Lookup {
    fn new(candidates: impl IntoIterator<Item = Candidate>) -> Self {
        let mut lookup = Self::default();
        for candidate in candidates {
            lookup.push(candidate);
        }
        lookup
    }

    fn push(&mut self, candidate: Candidate) {
        let at = self.candidates.len();
        if let Some(external_id) = &candidate.0 {
            self.by_external_id.entry(external_id.clone()).or_default().push(at);
        }
        self.by_key.entry(candidate.1.clone()).or_default().push(at);
        self.candidates.push(candidate);
    }

    /// The candidates with this external id, in order.
    fn with_external_id<'a>(&'a self, external_id: &str) -> impl Iterator<Item = &'a Candidate> + 'a {
        self.by_external_id
            .get(external_id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|at| &self.candidates[*at])
    }

    /// The candidates with this name key, in order.
    fn with_key<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a Candidate> + 'a {
        self.by_key
            .get(key)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|at| &self.candidates[*at])
    }

    /// What `text` names; a row of the file already matched to a stored record counts as that record.
    fn find(&self, text: &str, matched: &HashMap<usize, i64>) -> Result<Target, ValueProblem> {
        let wanted = text.trim();
        let known = |target: Target| match target {
            Target::Row(row) => matched.get(&row).map_or(target, |id| Target::Stored(*id)),
            stored @ Target::Stored(_) => stored,
        };
        let by_id: BTreeSet<Target> = self.with_external_id(wanted).map(|c| known(c.3)).collect();
        let found: BTreeSet<Target> = if by_id.is_empty() {
            let key = wanted.to_lowercase();
            self.with_key(&key).map(|c| known(c.3)).collect()
        } else {
            by_id
        };
        match found.len() {
            0 => Err(ValueProblem::Unknown),
            1 => found.into_iter().next().ok_or(ValueProblem::Unknown),
            _ => Err(ValueProblem::Ambiguous),
        }
    }

    /// The stored record a row is: by external id, else by name under the same parent.
    fn matching(&self, external_id: Option<&str>, name: &str, parent: Option<Target>) -> Option<i64> {
        let stored = |c: &Candidate| match c.3 {
            Target::Stored(id) => Some(id),
            Target::Row(_) => None,
        };
        let by_id = external_id.and_then(|external_id| self.with_external_id(external_id).find_map(stored));
        let key = name.to_lowercase();
        by_id.or_else(|| self.with_key(&key).filter(|c| c.2 == parent).find_map(stored))
    }
}

fn unknown_reason(what: &str, problem: &ValueProblem) -> String {
    match problem {
        ValueProblem::Unknown => format!("{what} med det namnet eller externa id:t finns varken i LIS eller i filen."),
        other => other.swedish(),
    }
}

/// Plans an import of `sheets` into the organisation: reads the database, writes nothing.
pub async fn plan(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    sheets: &[Sheet],
    progress: &dyn Progress,
) -> Result<ImportReport, StoreError> {
    Ok(plan_inner(db, organisation_id, sheets, progress).await?.0)
}

async fn plan_inner(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    sheets: &[Sheet],
    progress: &dyn Progress,
) -> Result<Planned, StoreError> {
    let mut report = ImportReport::default();
    let drafts = read_sheets(sheets, &mut report);
    let total = report.rows.len();
    progress.report(Stage::Read, total, total);
    let stored = Stored::load(db, organisation_id).await?;
    let mut problems = Problems::default();

    // Duplicate external ids within the file (units and records are separate registers).
    let mut first_line: HashMap<(bool, String), u64> = HashMap::new();
    for draft in &drafts {
        if let Some(id) = draft.external_id() {
            let key = (draft.kind == RowKind::OrgUnit, id.to_owned());
            let line = report.rows[draft.report].line;
            if let Some(first) = first_line.get(&key) {
                problems.add(
                    draft,
                    Some(Column::Field(Field::ExternalId)),
                    id,
                    format!("samma externa id som rad {first}; varje id får förekomma en gång i filen."),
                );
            } else {
                first_line.insert(key, line);
            }
        }
    }

    // Lookups: units by external id, name or path; records of each kind by external id or name.
    let unit_path = |unit: &org_unit::Model| {
        stored
            .flat_units
            .iter()
            .find(|f| f.id == unit.id)
            .map(|f| f.path.join(" / ").to_lowercase())
    };
    let mut units = Lookup::new(stored.units.iter().flat_map(|u| {
        let mut keys = vec![(
            u.external_id.clone(),
            u.name.to_lowercase(),
            u.parent_id.map(Target::Stored),
            Target::Stored(u.id),
        )];
        if let Some(path) = unit_path(u) {
            keys.push((None, path, None, Target::Stored(u.id)));
        }
        keys
    }));
    let mut records: BTreeMap<ItemKind, Lookup> = ItemKind::ALL
        .iter()
        .map(|&kind| {
            let candidates = stored.items.iter().filter(|i| items::kind_of(i) == kind).map(|i| {
                let parent = match kind {
                    ItemKind::System => i.parent_id,
                    _ => i.org_unit_id,
                };
                (
                    i.external_id.clone(),
                    i.name_key.clone(),
                    parent.map(Target::Stored),
                    Target::Stored(i.id),
                )
            });
            (kind, Lookup::new(candidates))
        })
        .collect();
    // Rows of the file are candidates too (their parents are not needed to find them by name or id).
    for (index, draft) in drafts.iter().enumerate() {
        let candidate = (
            draft.external_id().map(str::to_owned),
            draft.name().to_lowercase(),
            None,
            Target::Row(index),
        );
        match draft.kind {
            RowKind::OrgUnit => units.push(candidate),
            RowKind::Item(kind) => {
                if let Some(lookup) = records.get_mut(&kind) {
                    lookup.push(candidate);
                }
            }
        }
    }

    let mut resolved: Vec<Option<Resolved>> = (0..drafts.len()).map(|_| None).collect();
    // Rows matched to stored records so far: parents are matched before the rows under them.
    let mut matched: HashMap<usize, i64> = HashMap::new();
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    order.sort_by_key(|&index| RowKind::ORDER.iter().position(|k| *k == drafts[index].kind));
    let mut names_in_file: HashMap<(RowKind, Option<Target>, String), u64> = HashMap::new();
    for (checked, index) in order.into_iter().enumerate() {
        if checked > 0 && checked.is_multiple_of(1000) {
            progress.report(Stage::Validated, checked, total);
            // Checking a large file takes a while: let other requests on this worker thread run in between.
            tokio::task::yield_now().await;
        }
        let draft = &drafts[index];
        let name = match inventory::name(draft.name()) {
            Ok(name) => name,
            Err(problem) => {
                problems.add(draft, Some(Column::Field(Field::Name)), draft.name(), problem.swedish());
                continue;
            }
        };
        // The parent, for matching by name.
        let parent_column = match draft.kind {
            RowKind::Item(ItemKind::System) => Column::Field(Field::ManagementObject),
            _ => Column::Field(Field::OrgUnit),
        };
        let parent_lookup = match draft.kind {
            RowKind::Item(ItemKind::System) => records.get(&ItemKind::ManagementObject),
            _ => Some(&units),
        };
        let parent_text = draft.cell(parent_column).unwrap_or_default().to_owned();
        let parent = if parent_text.is_empty() {
            None
        } else {
            match parent_lookup.map(|l| l.find(&parent_text, &matched)) {
                Some(Ok(Target::Row(row))) if row == index => {
                    problems.add(
                        draft,
                        Some(parent_column),
                        &parent_text,
                        "en post kan inte ligga under sig själv.",
                    );
                    None
                }
                Some(Ok(target)) => Some(target),
                Some(Err(problem)) => {
                    let what = if parent_column == Column::Field(Field::ManagementObject) {
                        "Inget förvaltningsobjekt"
                    } else {
                        "Ingen organisationsenhet"
                    };
                    problems.add(draft, Some(parent_column), &parent_text, unknown_reason(what, &problem));
                    None
                }
                None => None,
            }
        };
        let key = (draft.kind, parent, name.to_lowercase());
        let line = report.rows[draft.report].line;
        if let Some(first) = names_in_file.get(&key) {
            problems.add(
                draft,
                Some(Column::Field(Field::Name)),
                &name,
                format!("samma namn på samma plats som rad {first}; ge raderna olika namn eller externa id:n."),
            );
        } else {
            names_in_file.insert(key, line);
        }
        let lookup = match draft.kind {
            RowKind::OrgUnit => &units,
            RowKind::Item(kind) => match records.get(&kind) {
                Some(lookup) => lookup,
                None => continue,
            },
        };
        let existing = lookup.matching(draft.external_id(), &name, parent);
        if let Some(id) = existing {
            matched.insert(index, id);
        }
        let mut changed = Vec::new();
        let outcome = match draft.kind {
            RowKind::OrgUnit => {
                let before = existing.and_then(|id| stored.unit(id));
                let kind_text = draft.cell(Column::UnitKind).unwrap_or_default();
                let kind = if kind_text.is_empty() {
                    before.and_then(|u| u.kind.parse().ok()).unwrap_or(OrgUnitKind::Enhet)
                } else {
                    match OrgUnitKind::from_label(kind_text) {
                        Some(kind) => kind,
                        None => {
                            problems.add(
                                draft,
                                Some(Column::UnitKind),
                                kind_text,
                                "ska vara fullmäktige, nämnd, förvaltning, avdelning, enhet, bolag eller samverkan.",
                            );
                            OrgUnitKind::Enhet
                        }
                    }
                };
                let external_id = match draft.cell(Column::Field(Field::ExternalId)) {
                    None => before.and_then(|u| u.external_id.clone()),
                    Some(text) => match inventory::line(text, inventory::limits::SHORT) {
                        Ok(id) => id,
                        Err(problem) => {
                            problems.add(draft, Some(Column::Field(Field::ExternalId)), text, problem.swedish());
                            None
                        }
                    },
                };
                let parent = if draft.cells.contains_key(&parent_column) {
                    parent
                } else {
                    before.and_then(|u| u.parent_id).map(Target::Stored)
                };
                if let Some(before) = before {
                    if before.name != name {
                        changed.push(draft.heading(Column::Field(Field::Name)));
                    }
                    if before.kind != kind.as_str() {
                        changed.push(draft.heading(Column::UnitKind));
                    }
                    if before.parent_id.map(Target::Stored) != parent {
                        changed.push(draft.heading(parent_column));
                    }
                    if before.external_id != external_id {
                        changed.push(draft.heading(Column::Field(Field::ExternalId)));
                    }
                }
                Resolved {
                    draft: index,
                    existing,
                    unit: Some((name.clone(), kind, parent, external_id)),
                    fields: None,
                    pending: Vec::new(),
                    relations: BTreeMap::new(),
                    changed,
                }
            }
            RowKind::Item(kind) => {
                let before = existing.and_then(|id| stored.item(id));
                let mut fields = before.map(ItemFields::of).unwrap_or_default();
                let mut pending = Vec::new();
                for field in Field::of(kind) {
                    let column = Column::Field(field);
                    let Some(raw) = draft.cell(column) else { continue };
                    let old = fields.clone();
                    if let Some(reference) = fields.reference_mut(field) {
                        let target = if raw.is_empty() {
                            Ok(None)
                        } else {
                            match field {
                                Field::OrgUnit | Field::ManagementObject => Ok(parent),
                                _ => stored
                                    .people_by_email
                                    .get(&raw.to_lowercase())
                                    .map(|id| Some(Target::Stored(*id)))
                                    .ok_or_else(|| {
                                        "ingen person med den e-postadressen finns i LIS (personer läggs till när de \
                                         loggar in första gången)."
                                            .to_owned()
                                    }),
                            }
                        };
                        match target {
                            Ok(Some(Target::Stored(id))) => *reference = Some(id),
                            Ok(Some(Target::Row(row))) => {
                                *reference = None;
                                pending.push((field, row));
                            }
                            Ok(None) => *reference = None,
                            Err(reason) => problems.add(draft, Some(column), raw, reason),
                        }
                    } else if let Err(problem) = fields.set_text(field, raw) {
                        problems.add(draft, Some(column), raw, problem.swedish());
                    }
                    let moved_to_new_row = pending.iter().any(|(f, _)| *f == field);
                    if before.is_some() && (old != fields || moved_to_new_row) {
                        changed.push(draft.heading(column));
                    }
                }
                fields.name = name.clone();
                if before.is_some_and(|b| b.name != name)
                    && !changed.contains(&draft.heading(Column::Field(Field::Name)))
                {
                    changed.push(draft.heading(Column::Field(Field::Name)));
                }
                Resolved {
                    draft: index,
                    existing,
                    unit: None,
                    fields: Some(fields),
                    pending,
                    relations: BTreeMap::new(),
                    changed,
                }
            }
        };
        resolved[index] = Some(outcome);
    }

    // Relations: each list given is the row's whole set of that relation.
    let systems = records.get(&ItemKind::System);
    for (index, draft) in drafts.iter().enumerate() {
        if index > 0 && index.is_multiple_of(1000) {
            tokio::task::yield_now().await;
        }
        let RowKind::Item(kind) = draft.kind else { continue };
        for relation in [RelationKind::RunsOn, RelationKind::IntegratesWith, RelationKind::HeldBy] {
            let column = Column::Relation(relation);
            let Some(raw) = draft.cell(column) else { continue };
            if relation.ends().0 != kind {
                continue;
            }
            let mut targets = Vec::new();
            for name in raw.split([',', '\n']).map(str::trim).filter(|n| !n.is_empty()) {
                match systems.map(|s| s.find(name, &matched)) {
                    Some(Ok(Target::Row(row))) if row == index => {
                        problems.add(
                            draft,
                            Some(column),
                            name,
                            "ett system kan inte ha ett samband med sig självt.",
                        );
                    }
                    Some(Ok(target)) if !targets.contains(&target) => targets.push(target),
                    Some(Ok(_)) => {}
                    Some(Err(problem)) => {
                        problems.add(draft, Some(column), name, unknown_reason("Inget system", &problem))
                    }
                    None => {}
                }
            }
            if let Some(Some(row)) = resolved.get_mut(index) {
                row.relations.insert(relation, targets);
            }
        }
    }

    // Which relations change, and whether the runs-on graph stays free of cycles.
    let node = |target: Target| match target {
        Target::Stored(id) => id,
        Target::Row(row) => -(i64::try_from(row).unwrap_or(i64::MAX) + 1),
    };
    let target_of = |row: &Resolved| match row.existing {
        Some(id) => Target::Stored(id),
        None => Target::Row(row.draft),
    };
    let listed: BTreeSet<(RelationKind, i64)> = resolved
        .iter()
        .flatten()
        .filter_map(|row| row.existing.map(|id| row.relations.keys().map(move |k| (*k, id))))
        .flatten()
        .collect();
    let mut runs_on: Vec<(i64, i64)> = stored
        .relations
        .iter()
        .filter(|r| r.kind == RelationKind::RunsOn.as_str())
        .filter(|r| !listed.contains(&(RelationKind::RunsOn, r.from_item_id)))
        .map(|r| (r.from_item_id, r.to_item_id))
        .collect();
    let name_of = |target: i64| -> String {
        if target < 0 {
            let row = usize::try_from(-target - 1).unwrap_or(0);
            drafts.get(row).map(|d| d.name().to_owned()).unwrap_or_default()
        } else {
            stored.item(target).map(|i| i.name.clone()).unwrap_or_default()
        }
    };
    for row in resolved.iter_mut().flatten() {
        let from = target_of(row);
        let draft = &drafts[row.draft];
        let relations = row.relations.clone();
        for (relation, targets) in relations {
            let existing: BTreeSet<i64> = match from {
                Target::Stored(id) => stored.outgoing(relation, id).map(|r| r.to_item_id).collect(),
                Target::Row(_) => BTreeSet::new(),
            };
            let wanted: BTreeSet<i64> = targets.iter().map(|t| node(*t)).collect();
            if existing != wanted {
                let reverse_only = relation == RelationKind::IntegratesWith
                    && wanted
                        .difference(&existing)
                        .all(|to| stored.has_relation(relation, *to, node(from)))
                    && existing.is_subset(&wanted);
                if !reverse_only && row.existing.is_some() {
                    row.changed.push(draft.heading(Column::Relation(relation)));
                }
            }
            if relation == RelationKind::RunsOn {
                for to in &wanted {
                    if let Some(chain) = inventory::cycle_through(&runs_on, node(from), *to) {
                        let names: Vec<String> = chain.iter().map(|id| name_of(*id)).collect();
                        problems.add(
                            draft,
                            Some(Column::Relation(relation)),
                            &name_of(*to),
                            format!(
                                "det skulle bli en cirkel: {}. Ett system kan inte köras på sig självt.",
                                names.join(" → ")
                            ),
                        );
                    } else {
                        runs_on.push((node(from), *to));
                    }
                }
            }
        }
    }
    progress.report(Stage::Validated, total, total);

    // The report.
    let mut kept = Vec::new();
    for (draft, row) in drafts.iter().zip(resolved) {
        let report_row = &mut report.rows[draft.report];
        if let Some(found) = problems.0.remove(&draft.report) {
            let mut all = match std::mem::replace(&mut report_row.outcome, Outcome::Unchanged) {
                Outcome::Rejected { problems } => problems,
                _ => Vec::new(),
            };
            all.extend(found);
            report_row.outcome = Outcome::Rejected { problems: all };
            continue;
        }
        if matches!(report_row.outcome, Outcome::Rejected { .. }) {
            continue;
        }
        let Some(row) = row else { continue };
        report_row.outcome = match (row.existing, row.changed.is_empty()) {
            (None, _) => Outcome::Create,
            (Some(_), true) => Outcome::Unchanged,
            (Some(_), false) => {
                let mut changed = row.changed.clone();
                changed.dedup();
                Outcome::Update { changed }
            }
        };
        kept.push(row);
    }
    Ok((report, drafts, kept, stored))
}

/// What writing an import's records needs besides the records.
struct Writes<'a> {
    txn: &'a DatabaseTransaction,
    ctx: &'a ChangeContext,
    organisation_id: i64,
    progress: &'a dyn Progress,
    total: usize,
}

impl Writes<'_> {
    /// Creates the new records of `kind` waiting in `waiting` (row, properties), notes their ids in `created` and
    /// reports each row written.
    async fn create(
        &self,
        kind: ItemKind,
        waiting: &mut Vec<(usize, ItemFields)>,
        created: &mut HashMap<usize, i64>,
        written: &mut usize,
    ) -> Result<(), StoreError> {
        if waiting.is_empty() {
            return Ok(());
        }
        let (rows, fields): (Vec<usize>, Vec<ItemFields>) = std::mem::take(waiting).into_iter().unzip();
        let ids = items::create_many(self.txn, self.ctx, self.organisation_id, kind, fields).await?;
        for (row, id) in rows.into_iter().zip(ids) {
            created.insert(row, id);
            *written += 1;
            self.progress.report(Stage::Written, *written, self.total);
        }
        Ok(())
    }
}

/// Imports `sheets` in the caller's transaction: plans, and when the plan refuses no row, writes every row through
/// the ordinary services (each with its audit event). Returns the report; when it is not acceptable nothing was
/// written and the caller should roll back (nothing needs rolling back, but the transaction is theirs).
pub async fn apply(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    sheets: &[Sheet],
    progress: &dyn Progress,
) -> Result<ImportReport, StoreError> {
    let planned = plan_inner(txn, organisation_id, sheets, progress).await?;
    write(txn, ctx, organisation_id, planned, progress).await
}

/// The newest audit event's id: every change of the inventory writes one, so an unchanged value means nothing has
/// changed since a plan was made.
async fn last_change(db: &impl ConnectionTrait) -> Result<Option<i64>, StoreError> {
    use crate::entity::audit_event;
    use sea_orm::{QueryOrder, QuerySelect};
    Ok(audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::Id)
        .order_by_desc(audit_event::Column::Id)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?)
}

/// Imports `sheets` in a transaction of its own: plans first without one (so that checking a large file holds no
/// lock), then writes every row, or none when a row is refused. Should anything have changed between the plan and
/// the write, it plans again inside the transaction.
pub async fn import(
    db: &sea_orm::DatabaseConnection,
    ctx: &ChangeContext,
    organisation_id: i64,
    sheets: &[Sheet],
    progress: &dyn Progress,
) -> Result<ImportReport, StoreError> {
    let seen = last_change(db).await?;
    let planned = plan_inner(db, organisation_id, sheets, progress).await?;
    if !planned.0.is_acceptable() {
        return Ok(planned.0);
    }
    // The write looks rows up in batches; on SQLite, which keeps no statistics by itself, statistics that know how
    // many records there are choose the right indexes for that, and for the pages once the new rows are in.
    // PostgreSQL's autovacuum keeps its own; they are refreshed after the import without waiting for it.
    let large = planned.0.rows.len() >= LARGE_IMPORT_ROWS;
    let on_sqlite = backend_of(db) == Backend::Sqlite;
    if large && on_sqlite {
        refresh_statistics(db).await?;
    }
    let txn = db.begin_change().await?;
    let planned = if last_change(&txn).await? == seen {
        planned
    } else {
        plan_inner(&txn, organisation_id, sheets, progress).await?
    };
    let report = write(&txn, ctx, organisation_id, planned, progress).await?;
    if report.is_acceptable() {
        txn.commit().await?;
        if large && on_sqlite {
            refresh_statistics(db).await?;
        } else if large {
            let db = db.clone();
            tokio::spawn(async move {
                if let Err(error) = refresh_statistics(&db).await {
                    tracing::warn!(%error, "refreshing the statistics after an import failed");
                }
            });
        }
    }
    Ok(report)
}

/// From how many rows an import refreshes the planner's statistics before and after it writes.
const LARGE_IMPORT_ROWS: usize = 1000;

/// A plan: its report, the rows read, the rows resolved and what was stored when it was made.
type Planned = (ImportReport, Vec<Draft>, Vec<Resolved>, Stored);

/// Writes a plan in `txn`, when the plan refuses no row; returns its report either way.
async fn write(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    (report, drafts, rows, stored): Planned,
    progress: &dyn Progress,
) -> Result<ImportReport, StoreError> {
    if !report.is_acceptable() {
        return Ok(report);
    }
    let total = rows.len();
    let mut created: HashMap<usize, i64> = HashMap::new();
    let id_of = |target: Target, created: &HashMap<usize, i64>| match target {
        Target::Stored(id) => Some(id),
        Target::Row(row) => created.get(&row).copied(),
    };
    let mut written = 0;
    // Units first, parents before children: repeat until no unit can be placed.
    let mut units: Vec<&Resolved> = rows.iter().filter(|r| r.unit.is_some()).collect();
    while !units.is_empty() {
        let before = units.len();
        let mut waiting = Vec::new();
        for row in units {
            let Some((name, kind, parent, external_id)) = &row.unit else {
                continue;
            };
            let parent_id = match parent {
                None => None,
                Some(target) => match id_of(*target, &created) {
                    Some(id) => Some(id),
                    None => {
                        waiting.push(row);
                        continue;
                    }
                },
            };
            match row.existing {
                Some(id) => {
                    if !row.changed.is_empty() {
                        let change = UnitChange {
                            parent_id,
                            name: name.clone(),
                            kind: *kind,
                            external_id: external_id.clone(),
                        };
                        organisation::update_org_unit(txn, ctx, organisation_id, id, change).await?;
                    }
                }
                None => {
                    let new = NewOrgUnit {
                        parent_id,
                        name: name.clone(),
                        kind: *kind,
                        position: 0,
                        external_id: external_id.clone(),
                    };
                    let unit = organisation::create_org_unit(txn, ctx, organisation_id, new).await?;
                    created.insert(row.draft, unit.id);
                }
            }
            written += 1;
            progress.report(Stage::Written, written, total);
        }
        if waiting.len() == before {
            let names: Vec<String> = waiting.iter().map(|r| drafts[r.draft].name().to_owned()).collect();
            return Err(StoreError::Cycle { names });
        }
        units = waiting;
    }
    // Records, in kind order so that förvaltningsobjekt exist before their systems. New records wait to be created
    // together (`create_many`: the same checks and audit events as `create`, in far fewer statements); those waiting
    // are created before a stored record is changed, so that everything is still written in the file's order.
    let writes = Writes {
        txn,
        ctx,
        organisation_id,
        progress,
        total,
    };
    for kind in [ItemKind::ManagementObject, ItemKind::System, ItemKind::InformationSet] {
        let mut waiting: Vec<(usize, ItemFields)> = Vec::new();
        for row in rows.iter().filter(|r| drafts[r.draft].kind == RowKind::Item(kind)) {
            let Some(fields) = &row.fields else { continue };
            let mut fields = fields.clone();
            for (field, target_row) in &row.pending {
                if let Some(reference) = fields.reference_mut(*field) {
                    *reference = created.get(target_row).copied();
                }
            }
            match row.existing {
                Some(id) => {
                    writes.create(kind, &mut waiting, &mut created, &mut written).await?;
                    if !row.changed.is_empty() {
                        let version = stored.item(id).map_or(0, |i| i.version);
                        items::update(txn, ctx, organisation_id, id, fields, version).await?;
                    }
                    written += 1;
                    progress.report(Stage::Written, written, total);
                }
                None => {
                    waiting.push((row.draft, fields));
                    if waiting.len() >= items::BATCH {
                        writes.create(kind, &mut waiting, &mut created, &mut written).await?;
                    }
                }
            }
        }
        writes.create(kind, &mut waiting, &mut created, &mut written).await?;
    }
    // Relations: add what is listed and missing, remove what is stored and not listed. New relations wait to be made
    // together (`relate_many`, as `relate` would make each, in batches of its own), and are made before a stored one
    // is removed.
    let mut waiting: Vec<(RelationKind, i64, i64)> = Vec::new();
    // The records this import created (not its units, whose ids are of another table) have no relation stored
    // until it relates them.
    let mut new_records: HashSet<i64> = rows
        .iter()
        .filter(|row| row.existing.is_none() && matches!(drafts[row.draft].kind, RowKind::Item(_)))
        .filter_map(|row| created.get(&row.draft).copied())
        .collect();
    for row in &rows {
        let Some(from) = row.existing.or_else(|| created.get(&row.draft).copied()) else {
            continue;
        };
        for (relation, targets) in &row.relations {
            let wanted: BTreeSet<i64> = targets.iter().filter_map(|t| id_of(*t, &created)).collect();
            let existing: Vec<&inventory_relation::Model> = stored.outgoing(*relation, from).collect();
            for stale in existing.iter().filter(|r| !wanted.contains(&r.to_item_id)) {
                let made = std::mem::take(&mut waiting);
                items::relate_many_with_new(txn, ctx, organisation_id, &made, &new_records).await?;
                for (_, from, to) in made {
                    new_records.remove(&from);
                    new_records.remove(&to);
                }
                items::unrelate(txn, ctx, organisation_id, stale.id).await?;
            }
            for to in wanted
                .iter()
                .filter(|to| !existing.iter().any(|r| r.to_item_id == **to))
            {
                let reverse_exists =
                    *relation == RelationKind::IntegratesWith && stored.has_relation(*relation, *to, from);
                if !reverse_exists {
                    waiting.push((*relation, from, *to));
                }
            }
        }
    }
    items::relate_many_with_new(txn, ctx, organisation_id, &waiting, &new_records).await?;
    Ok(report)
}

/// How long an uploaded file is kept for its preview to be applied.
pub const UPLOAD_KEPT_HOURS: i64 = 24;

/// Keeps an uploaded file until it is applied (or a day has passed), and forgets files older than that.
pub async fn store_upload(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    person_id: i64,
    file_name: &str,
    content: Vec<u8>,
) -> Result<crate::entity::import_upload::Model, StoreError> {
    use crate::entity::import_upload;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let now = chrono::Utc::now();
    import_upload::Entity::delete_many()
        .filter(import_upload::Column::CreatedAt.lt(now - chrono::Duration::hours(UPLOAD_KEPT_HOURS)))
        .exec(db)
        .await?;
    let sha256 = crate::sessions::sha256_hex(&content);
    let name: String = file_name.chars().filter(|c| !c.is_control()).take(255).collect();
    Ok(import_upload::ActiveModel {
        organisation_id: Set(organisation_id),
        person_id: Set(person_id),
        file_name: Set(name),
        content: Set(content),
        sha256: Set(sha256),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// A file the person uploaded for import and has not applied, or [`StoreError::NotFound`].
pub async fn upload(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    person_id: i64,
    upload_id: i64,
) -> Result<crate::entity::import_upload::Model, StoreError> {
    use crate::entity::import_upload;
    import_upload::Entity::find_by_id(upload_id)
        .filter(import_upload::Column::OrganisationId.eq(organisation_id))
        .filter(import_upload::Column::PersonId.eq(person_id))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            kind: "import_upload",
            id: upload_id.to_string(),
        })
}

/// Forgets an uploaded file once it has been applied.
pub async fn forget_upload(db: &impl ConnectionTrait, upload_id: i64) -> Result<(), StoreError> {
    crate::entity::import_upload::Entity::delete_by_id(upload_id)
        .exec(db)
        .await?;
    Ok(())
}
