//! Exporting the inventory in the *systemförteckning* layout that [`crate::inventory_import`] reads: one row per org
//! unit, förvaltningsobjekt, system and informationsmängd in use, with references written as names (a unit's path,
//! or an external id, where a name is not unique) and people as e-mail addresses. Rows come in a fixed order, so two
//! exports of the same data are identical, and an export imported again changes nothing.

use std::collections::{BTreeMap, HashMap};

use lis_domain::inventory::{Field, ItemKind, RelationKind};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::StoreError;
use crate::entity::{inventory_item, inventory_relation, person};
use crate::inventory::{self as items, ItemFields};
use crate::inventory_import::{Column, RowKind};
use crate::organisation;

/// The rows of one kind, under the export's header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportSheet {
    /// What the rows are.
    pub kind: RowKind,
    /// The column headings (the same for every kind).
    pub header: Vec<String>,
    /// The rows, one per record, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

/// How each record is written where another row refers to it: its name, unless that is not unique among its kind
/// (or holds a comma, which separates names in a list), then its external id, else its name anyway.
fn reference_names(records: &[&inventory_item::Model]) -> HashMap<i64, String> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for record in records {
        *count.entry(record.name_key.as_str()).or_default() += 1;
    }
    records
        .iter()
        .map(|record| {
            let unique = count.get(record.name_key.as_str()) == Some(&1) && !record.name.contains(',');
            let written = match (&record.external_id, unique) {
                (Some(id), false) => id.clone(),
                _ => record.name.clone(),
            };
            (record.id, written)
        })
        .collect()
}

/// The inventory of the organisation as export sheets: org units, förvaltningsobjekt, systems, informationsmängder.
pub async fn sheets(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Vec<ExportSheet>, StoreError> {
    let header: Vec<String> = Column::all().into_iter().map(|c| c.swedish().to_owned()).collect();
    let columns = Column::all();
    let position = |column: Column| columns.iter().position(|c| *c == column).unwrap_or(0);
    let blank = || vec![String::new(); columns.len()];

    let units = organisation::units(db, organisation_id).await?;
    let flat = organisation::org_tree(db, organisation_id).await?.flatten();
    let mut unit_name_count: HashMap<String, usize> = HashMap::new();
    for unit in &flat {
        *unit_name_count.entry(unit.name.to_lowercase()).or_default() += 1;
    }
    let unit_reference: HashMap<i64, String> = flat
        .iter()
        .map(|unit| {
            let written = if unit_name_count.get(&unit.name.to_lowercase()) == Some(&1) {
                unit.name.clone()
            } else {
                unit.path.join(" / ")
            };
            (unit.id, written)
        })
        .collect();
    let emails: HashMap<i64, String> = person::Entity::find()
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.email.unwrap_or(p.display_name)))
        .collect();
    let all_items = inventory_item::Entity::find()
        .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
        .filter(inventory_item::Column::RetiredAt.is_null())
        .all(db)
        .await?;
    let mut by_kind: BTreeMap<ItemKind, Vec<&inventory_item::Model>> = BTreeMap::new();
    for item in &all_items {
        by_kind.entry(items::kind_of(item)).or_default().push(item);
    }
    for records in by_kind.values_mut() {
        records.sort_by(|a, b| (a.name_key.as_str(), a.id).cmp(&(b.name_key.as_str(), b.id)));
    }
    let references: HashMap<ItemKind, HashMap<i64, String>> = by_kind
        .iter()
        .map(|(kind, records)| (*kind, reference_names(records)))
        .collect();
    let item_by_id: HashMap<i64, &inventory_item::Model> = all_items.iter().map(|i| (i.id, i)).collect();
    let relations = inventory_relation::Entity::find()
        .filter(inventory_relation::Column::OrganisationId.eq(organisation_id))
        .all(db)
        .await?;
    let mut outgoing: HashMap<(i64, &str), Vec<i64>> = HashMap::new();
    for relation in &relations {
        if item_by_id.contains_key(&relation.to_item_id) {
            outgoing
                .entry((relation.from_item_id, relation.kind.as_str()))
                .or_default()
                .push(relation.to_item_id);
        }
    }
    let systems = references.get(&ItemKind::System);

    let mut sheets = Vec::new();

    // Org units, in tree order.
    let mut unit_rows = Vec::new();
    for unit in &flat {
        let Some(stored) = units.iter().find(|u| u.id == unit.id) else {
            continue;
        };
        let mut row = blank();
        row[position(Column::Kind)] = RowKind::OrgUnit.swedish().to_owned();
        row[position(Column::Field(Field::Name))] = unit.name.clone();
        row[position(Column::Field(Field::ExternalId))] = stored.external_id.clone().unwrap_or_default();
        row[position(Column::Field(Field::OrgUnit))] = stored
            .parent_id
            .and_then(|p| unit_reference.get(&p).cloned())
            .unwrap_or_default();
        row[position(Column::UnitKind)] = unit.kind.swedish().to_owned();
        unit_rows.push(row);
    }
    sheets.push(ExportSheet {
        kind: RowKind::OrgUnit,
        header: header.clone(),
        rows: unit_rows,
    });

    for kind in [ItemKind::ManagementObject, ItemKind::System, ItemKind::InformationSet] {
        let mut rows = Vec::new();
        for item in by_kind.get(&kind).map(Vec::as_slice).unwrap_or_default() {
            let fields = ItemFields::of(item);
            let mut row = blank();
            row[position(Column::Kind)] = kind.swedish().to_owned();
            for field in Field::of(kind) {
                let value = match fields.reference(field) {
                    Some(reference) => match field {
                        Field::OrgUnit => reference.and_then(|id| unit_reference.get(&id).cloned()),
                        Field::ManagementObject => reference.and_then(|id| {
                            references
                                .get(&ItemKind::ManagementObject)
                                .and_then(|r| r.get(&id).cloned())
                        }),
                        _ => reference.and_then(|id| emails.get(&id).cloned()),
                    }
                    .unwrap_or_default(),
                    None => fields.text(field),
                };
                row[position(Column::Field(field))] = value;
            }
            if kind == ItemKind::System {
                // For reading: the org unit and objektsägare of the system's förvaltningsobjekt.
                if let Some(object) = item.parent_id.and_then(|id| item_by_id.get(&id)) {
                    row[position(Column::Field(Field::OrgUnit))] = object
                        .org_unit_id
                        .and_then(|id| unit_reference.get(&id).cloned())
                        .unwrap_or_default();
                    row[position(Column::Field(Field::ObjectOwner))] = object
                        .owner_person_id
                        .and_then(|id| emails.get(&id).cloned())
                        .unwrap_or_default();
                }
            }
            for relation in [RelationKind::RunsOn, RelationKind::IntegratesWith, RelationKind::HeldBy] {
                if relation.ends().0 != kind {
                    continue;
                }
                let mut names: Vec<String> = outgoing
                    .get(&(item.id, relation.as_str()))
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|id| systems.and_then(|s| s.get(id)).cloned())
                    .collect();
                names.sort_by_key(|name| name.to_lowercase());
                row[position(Column::Relation(relation))] = names.join(", ");
            }
            rows.push(row);
        }
        sheets.push(ExportSheet {
            kind: RowKind::Item(kind),
            header: header.clone(),
            rows,
        });
    }
    Ok(sheets)
}
