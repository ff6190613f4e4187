//! Classifications in and out of spreadsheets, so that a municipality can bring its KLASSA results along: one row per
//! informationsmängd with its levels (K, R, T and, when classified, S), justification, validity and the information
//! type it is based on.
//!
//! [`plan`] says per row what importing would do (a new decided classification, a changed one, nothing, or refused
//! and why: line, column, value and reason in Swedish) and writes nothing. [`import`] plans again in the caller's
//! transaction and, when no row is refused, saves and approves every changed row as decided by the importing person,
//! then brings the levels of every system holding the information up to date once: all rows or none. The informations-
//! mängd is matched by external id, else by name. [`export_rows`] writes the same layout; an export imported again
//! changes nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use lis_domain::aspect::Aspect;
use lis_domain::classification::{ClassificationProblem, Proposal, default_valid_until};
use lis_domain::inventory::ItemKind;
use lis_sheets::{Sheet, normalise_header};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};

use crate::StoreError;
use crate::audit::ChangeContext;
use crate::classification::{self, Model, Status};
use crate::entity::{classification as classification_row, information_type, inventory_item};
use crate::inventory_import::{
    ImportReport, Outcome, RowKind, RowProblem, RowReport, has_no_rows, in_sheet, match_headings, row_cells,
};

/// A column of the classification layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    /// The informationsmängd's external id.
    ExternalId,
    /// The informationsmängd's name.
    Name,
    /// The level of one aspect.
    Level(Aspect),
    /// Why these levels.
    Justification,
    /// Until when the classification holds.
    ValidUntil,
    /// The common information type it is based on.
    InformationType,
    /// Written by the export for reading; not imported.
    Owner,
    /// Written by the export for reading; not imported.
    ApprovedAt,
}

impl Column {
    /// The columns of the export, in order (S only when the organisation classifies it).
    pub fn all(classifies_traceability: bool) -> Vec<Column> {
        let mut columns = vec![Self::ExternalId, Self::Name, Self::Owner];
        columns.extend(
            Aspect::ALL
                .into_iter()
                .filter(|a| *a != Aspect::S || classifies_traceability)
                .map(Self::Level),
        );
        columns.extend([
            Self::Justification,
            Self::ValidUntil,
            Self::InformationType,
            Self::ApprovedAt,
        ]);
        columns
    }

    /// The heading in Swedish, as the export writes it.
    pub fn swedish(self) -> &'static str {
        self.names()[0]
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            Self::ExternalId => &["Externt id", "External id", "external_id", "Id"],
            Self::Name => &[
                "Informationsmängd",
                "Information set",
                "Objekt",
                "Object",
                "Namn",
                "Name",
            ],
            Self::Level(Aspect::K) => &["K", "Konfidentialitet", "Confidentiality"],
            Self::Level(Aspect::R) => &["R", "Riktighet", "Integrity"],
            Self::Level(Aspect::T) => &["T", "Tillgänglighet", "Availability"],
            Self::Level(Aspect::S) => &["S", "Spårbarhet", "Traceability"],
            Self::Justification => &["Motivering", "Justification", "Kommentar", "Comment"],
            Self::ValidUntil => &["Giltig till", "Valid until", "Giltig t.o.m.", "Omprövas"],
            Self::InformationType => &["Informationstyp", "Information type"],
            Self::Owner => &["Informationsägare", "Information owner"],
            Self::ApprovedAt => &["Fastställd", "Approved"],
        }
    }

    /// The column a heading names, matched without regard to case and spacing.
    pub fn from_heading(heading: &str) -> Option<Column> {
        let wanted = normalise_header(heading);
        Self::all(true)
            .into_iter()
            .find(|column| column.names().iter().any(|name| normalise_header(name) == wanted))
    }
}

/// A row that changes a classification: what [`import`] saves and approves.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Change {
    item_id: i64,
    proposal: Proposal,
}

/// What the database holds that rows are matched against.
struct Stored {
    /// Informationsmängder in use by external id and by name key.
    by_external_id: HashMap<String, Vec<i64>>,
    by_name: HashMap<String, Vec<i64>>,
    /// The decided classification of each informationsmängd that has one.
    approved: HashMap<i64, classification_row::Model>,
    /// Types by name key (retired ones too: a classification keeps the type it was based on).
    types: HashMap<String, information_type::Model>,
    /// Every type's name (retired ones too) by id, for the export.
    type_names: HashMap<i64, String>,
}

impl Stored {
    async fn load(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Self, StoreError> {
        let items = inventory_item::Entity::find()
            .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
            .filter(inventory_item::Column::Kind.eq(ItemKind::InformationSet.as_str()))
            .filter(inventory_item::Column::RetiredAt.is_null())
            .all(db)
            .await?;
        let mut by_external_id: HashMap<String, Vec<i64>> = HashMap::new();
        let mut by_name: HashMap<String, Vec<i64>> = HashMap::new();
        for item in &items {
            if let Some(id) = &item.external_id {
                by_external_id.entry(id.trim().to_owned()).or_default().push(item.id);
            }
            by_name.entry(item.name_key.clone()).or_default().push(item.id);
        }
        let approved = classification_row::Entity::find()
            .filter(classification_row::Column::OrganisationId.eq(organisation_id))
            .filter(classification_row::Column::Status.eq(Status::Approved.as_str()))
            .all(db)
            .await?
            .into_iter()
            .map(|row| (row.item_id, row))
            .collect();
        let all_types = crate::information_types::list(db, organisation_id, true).await?;
        let type_names = all_types.iter().map(|t| (t.id, t.name.clone())).collect();
        let types = all_types.into_iter().map(|t| (t.name_key.clone(), t)).collect();
        Ok(Self {
            by_external_id,
            by_name,
            approved,
            types,
            type_names,
        })
    }
}

/// One row as read: its report position and its cells by column (heading as written, trimmed value).
struct Read {
    report: usize,
    cells: BTreeMap<Column, (String, String)>,
}

impl Read {
    fn cell(&self, column: Column) -> Option<&str> {
        self.cells.get(&column).map(|(_, value)| value.as_str())
    }

    fn heading(&self, column: Column) -> String {
        self.cells
            .get(&column)
            .map_or_else(|| column.swedish().to_owned(), |(heading, _)| heading.clone())
    }

    fn problem(&self, column: Column, reason: impl Into<String>) -> RowProblem {
        RowProblem {
            column: self.heading(column),
            value: self.cell(column).unwrap_or_default().to_owned(),
            reason: reason.into(),
        }
    }
}

/// Reads the sheets' rows into the report (every row starts as unchanged) and returns them; file problems go to the
/// report.
fn read_sheets(sheets: &[Sheet], report: &mut ImportReport) -> Vec<Read> {
    let mut rows = Vec::new();
    if has_no_rows(sheets, report) {
        return rows;
    }
    for sheet in sheets.iter().filter(|sheet| !sheet.rows.is_empty()) {
        let (columns, seen) = match_headings(sheet, Column::from_heading, report);
        if !seen.contains(&Column::Name) && !seen.contains(&Column::ExternalId) {
            let text = "kolumnen ”Informationsmängd” (eller ”Externt id”) saknas; den säger vilken informationsmängd \
                        raden klassar.";
            report.file_problems.push(in_sheet(sheet, text.to_owned()));
        }
        for aspect in [Aspect::K, Aspect::R, Aspect::T] {
            if !seen.contains(&Column::Level(aspect)) {
                let text = format!("kolumnen ”{aspect}” saknas.");
                report.file_problems.push(in_sheet(sheet, text));
            }
        }
        for row in &sheet.rows {
            let (cells, problem) = row_cells(sheet, &columns, row);
            let name = cells
                .get(&Column::Name)
                .or_else(|| cells.get(&Column::ExternalId))
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let outcome = match problem {
                None => Outcome::Unchanged,
                Some(problem) => Outcome::Rejected {
                    problems: vec![problem],
                },
            };
            rows.push(Read {
                report: report.rows.len(),
                cells,
            });
            report.rows.push(RowReport {
                sheet: sheet.name.clone(),
                line: row.line,
                kind: Some(RowKind::Item(ItemKind::InformationSet)),
                name,
                outcome,
            });
        }
    }
    rows
}

/// A level as written: a number of the scale, possibly followed by its name ("3 Allvarlig"); empty is none.
fn parse_level(text: &str) -> Result<Option<u8>, ()> {
    let first = text.split_whitespace().next().unwrap_or_default();
    if first.is_empty() {
        return Ok(None);
    }
    first.parse::<u8>().map(Some).map_err(|_| ())
}

/// The column a classification problem concerns.
fn column_of(problem: &ClassificationProblem) -> Column {
    match problem {
        ClassificationProblem::OutsideModel { aspect, .. }
        | ClassificationProblem::Missing { aspect }
        | ClassificationProblem::BelowType { aspect, .. } => Column::Level(*aspect),
        ClassificationProblem::TraceabilityOff => Column::Level(Aspect::S),
        ClassificationProblem::ValidityPast { .. } => Column::ValidUntil,
        ClassificationProblem::JustificationMissing
        | ClassificationProblem::OverrideChangesNothing
        | ClassificationProblem::NameMissing => Column::Justification,
    }
}

/// Checks one row against the stored data and the model: the change it makes and its outcome (none when it changes
/// nothing), or its problems. `claimed`
/// holds the informationsmängder earlier rows named, with their lines.
fn check_row(
    row: &Read,
    stored: &Stored,
    model: Model,
    today: NaiveDate,
    claimed: &mut HashMap<i64, u64>,
    line: u64,
) -> Result<Option<(Change, Outcome)>, Vec<RowProblem>> {
    let mut problems = Vec::new();
    // Which informationsmängd.
    let external_id = row.cell(Column::ExternalId).filter(|id| !id.is_empty());
    let name = row.cell(Column::Name).filter(|name| !name.is_empty());
    let (found, column) = match (external_id, name) {
        (Some(id), _) => (stored.by_external_id.get(id), Column::ExternalId),
        (None, Some(name)) => (stored.by_name.get(&name.to_lowercase()), Column::Name),
        (None, None) => {
            return Err(vec![
                row.problem(Column::Name, "ange informationsmängdens namn eller externa id."),
            ]);
        }
    };
    let item_id = match found.map(Vec::as_slice) {
        Some([one]) => *one,
        Some([_, _, ..]) => {
            return Err(vec![row.problem(
                column,
                "flera informationsmängder i bruk heter så; ange det externa id:t i stället.",
            )]);
        }
        _ => {
            return Err(vec![row.problem(
                column,
                "ingen informationsmängd i bruk i LIS har det namnet eller externa id:t.",
            )]);
        }
    };
    if let Some(first) = claimed.insert(item_id, line) {
        return Err(vec![row.problem(
            column,
            format!("samma informationsmängd som rad {first}; varje informationsmängd får klassas en gång i filen."),
        )]);
    }
    // Its levels.
    let mut levels = BTreeMap::new();
    for aspect in Aspect::ALL {
        let text = row.cell(Column::Level(aspect)).unwrap_or_default();
        match parse_level(text) {
            Ok(Some(level)) => {
                levels.insert(aspect, level);
            }
            Ok(None) => {}
            Err(()) => problems.push(row.problem(
                Column::Level(aspect),
                format!("ska vara en nivå, ett tal 0–{}.", model.max_level),
            )),
        }
    }
    let justification = row.cell(Column::Justification).unwrap_or_default().to_owned();
    if levels.is_empty() && justification.is_empty() && problems.is_empty() {
        // Not classified in the file: left as it is.
        return Ok(None);
    }
    let current = stored.approved.get(&item_id);
    let information_type = match row.cell(Column::InformationType).filter(|t| !t.is_empty()) {
        None => None,
        // A retired type only where the decided classification is based on it already.
        Some(name) => match stored.types.get(&name.to_lowercase()) {
            Some(found)
                if found.retired_at.is_none() || current.and_then(|c| c.information_type_id) == Some(found.id) =>
            {
                Some(found)
            }
            _ => {
                problems.push(row.problem(Column::InformationType, "ingen informationstyp i bruk heter så."));
                None
            }
        },
    };
    let valid_until = match row.cell(Column::ValidUntil).filter(|v| !v.is_empty()) {
        Some(text) => match text.parse::<NaiveDate>() {
            Ok(day) => day,
            Err(_) => {
                problems.push(row.problem(Column::ValidUntil, "ska vara ett datum, ÅÅÅÅ-MM-DD."));
                default_valid_until(today)
            }
        },
        None => current.map_or_else(|| default_valid_until(today), |c| c.valid_until),
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut proposed = levels.clone();
    if let Some(of_type) = information_type {
        for (aspect, level) in crate::information_types::levels_of(of_type) {
            proposed.entry(aspect).and_modify(|p| *p = (*p).max(level));
        }
    }
    let proposal = Proposal {
        proposed,
        levels,
        justification,
        valid_until,
        information_type: information_type.map(|t| t.id),
    };
    // What changes against the decided classification.
    let changed = match current {
        None => Vec::new(),
        Some(current) => {
            let own = classification::levels_of(current);
            let mut changed: Vec<String> = Aspect::ALL
                .into_iter()
                .filter(|a| *a != Aspect::S || model.classifies_traceability)
                .filter(|a| own.get(a) != proposal.levels.get(a))
                .map(|a| row.heading(Column::Level(a)))
                .collect();
            if current.justification.trim() != proposal.justification.trim() {
                changed.push(row.heading(Column::Justification));
            }
            if current.valid_until != proposal.valid_until {
                changed.push(row.heading(Column::ValidUntil));
            }
            if current.information_type_id != proposal.information_type {
                changed.push(row.heading(Column::InformationType));
            }
            if changed.is_empty() {
                return Ok(None);
            }
            changed
        }
    };
    let problems: Vec<RowProblem> = proposal
        .check(model.max_level, model.classifies_traceability, today)
        .iter()
        .map(|p| row.problem(column_of(p), p.swedish()))
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let outcome = match current {
        None => Outcome::Create,
        Some(_) => Outcome::Update { changed },
    };
    Ok(Some((Change { item_id, proposal }, outcome)))
}

/// Plans the rows of `sheets` against the database: the report, and the changes to make when it is acceptable.
async fn plan_changes(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    model: Model,
    sheets: &[Sheet],
) -> Result<(ImportReport, Vec<Change>), StoreError> {
    let mut report = ImportReport::default();
    let rows = read_sheets(sheets, &mut report);
    let stored = Stored::load(db, organisation_id).await?;
    let today = Utc::now().date_naive();
    let mut claimed = HashMap::new();
    let mut changes = Vec::new();
    for row in &rows {
        let entry = &mut report.rows[row.report];
        if matches!(entry.outcome, Outcome::Rejected { .. }) {
            continue;
        }
        match check_row(row, &stored, model, today, &mut claimed, entry.line) {
            Ok(None) => {}
            Ok(Some((change, outcome))) => {
                entry.outcome = outcome;
                changes.push(change);
            }
            Err(problems) => entry.outcome = Outcome::Rejected { problems },
        }
    }
    Ok((report, changes))
}

/// Plans an import of classifications from `sheets`: reads the database, writes nothing.
pub async fn plan(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    model: Model,
    sheets: &[Sheet],
) -> Result<ImportReport, StoreError> {
    Ok(plan_changes(db, organisation_id, model, sheets).await?.0)
}

/// Imports classifications from `sheets` in `txn`: when no row is refused, every changed row is saved and approved
/// as decided by the importing person (replacing a draft the informationsmängd had), and the systems holding the
/// information get their levels anew, once. A refused row leaves everything as it was; the report says why.
/// Whether the person may decide every classification (the CISO) is the caller's check.
pub async fn import(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    model: Model,
    sheets: &[Sheet],
) -> Result<ImportReport, StoreError> {
    let (report, changes) = plan_changes(txn, organisation_id, model, sheets).await?;
    if !report.is_acceptable() {
        return Ok(report);
    }
    let mut decided = BTreeSet::new();
    for change in &changes {
        let draft_version = classification::with_status(txn, change.item_id, Status::Draft)
            .await?
            .map(|d| d.version);
        let draft = classification::save_draft(
            txn,
            ctx,
            organisation_id,
            change.item_id,
            model,
            &change.proposal,
            &classification::Answers::new(),
            draft_version,
        )
        .await?;
        classification::decide(txn, ctx, organisation_id, change.item_id, draft.version, true).await?;
        decided.insert(change.item_id);
    }
    crate::levels::recompute(txn, ctx, organisation_id, &BTreeSet::new(), &decided).await?;
    Ok(report)
}

/// The header and rows of the export: every informationsmängd in use, by name, with its decided classification
/// (empty levels when it has none), in the layout [`import`] reads.
pub async fn export_rows(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    model: Model,
) -> Result<(Vec<String>, Vec<Vec<String>>), StoreError> {
    let columns = Column::all(model.classifies_traceability);
    let header = columns.iter().map(|c| c.swedish().to_owned()).collect();
    let stored = Stored::load(db, organisation_id).await?;
    let items = inventory_item::Entity::find()
        .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
        .filter(inventory_item::Column::Kind.eq(ItemKind::InformationSet.as_str()))
        .filter(inventory_item::Column::RetiredAt.is_null())
        .order_by_asc(inventory_item::Column::NameKey)
        .order_by_asc(inventory_item::Column::Id)
        .all(db)
        .await?;
    let owners = crate::people::by_ids(db, items.iter().filter_map(|i| i.owner_person_id).collect::<Vec<_>>()).await?;
    let rows = items
        .iter()
        .map(|item| {
            let decided = stored.approved.get(&item.id);
            let levels = decided.map(classification::levels_of).unwrap_or_default();
            columns
                .iter()
                .map(|column| match column {
                    Column::ExternalId => item.external_id.clone().unwrap_or_default(),
                    Column::Name => item.name.clone(),
                    Column::Owner => item
                        .owner_person_id
                        .and_then(|id| owners.get(&id))
                        .and_then(|p| p.email.clone())
                        .unwrap_or_default(),
                    Column::Level(aspect) => levels.get(aspect).map(u8::to_string).unwrap_or_default(),
                    Column::Justification => decided.map(|d| d.justification.clone()).unwrap_or_default(),
                    Column::ValidUntil => decided.map(|d| d.valid_until.to_string()).unwrap_or_default(),
                    Column::InformationType => decided
                        .and_then(|d| d.information_type_id)
                        .and_then(|id| stored.type_names.get(&id).cloned())
                        .unwrap_or_default(),
                    Column::ApprovedAt => decided
                        .and_then(|d| d.approved_at)
                        .map(|at| at.date_naive().to_string())
                        .unwrap_or_default(),
                })
                .collect()
        })
        .collect();
    Ok((header, rows))
}
