//! What the API sends and receives for the inventory: serde types with their OpenAPI schemas (never entities), the
//! conversion from stored records, and the reading of request bodies into checked [`ItemFields`] with every refused
//! value named by its field, in Swedish and English, by the same rules as the forms.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use lis_domain::inventory::{Field, Hosting, ItemKind, Lifecycle, RelationKind, ValueProblem};
use lis_store::entity::{inventory_item, person};
use lis_store::inventory::{ItemFields, ItemLabel, RelationView};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::error::FieldError;

// --- Vocabularies ---------------------------------------------------------------------------------------------

/// A string schema whose values are a vocabulary's identifiers.
fn vocabulary(description: &str, values: impl IntoIterator<Item = &'static str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values))
        .into()
}

/// The kinds of record: `forvaltningsobjekt`, `system`, `informationsmangd`.
pub struct KindValue;

impl PartialSchema for KindValue {
    fn schema() -> RefOr<Schema> {
        vocabulary(
            "The kind of record: förvaltningsobjekt, system or informationsmängd.",
            ItemKind::ALL.iter().map(|k| k.as_str()),
        )
    }
}

impl ToSchema for KindValue {
    fn name() -> std::borrow::Cow<'static, str> {
        "Kind".into()
    }
}

/// Where a system is operated.
pub struct HostingValue;

impl PartialSchema for HostingValue {
    fn schema() -> RefOr<Schema> {
        vocabulary(
            "Driftform: where and by whom a system is operated.",
            Hosting::ALL.iter().map(|h| h.as_str()),
        )
    }
}

impl ToSchema for HostingValue {
    fn name() -> std::borrow::Cow<'static, str> {
        "Hosting".into()
    }
}

/// Where a system is in its life.
pub struct LifecycleValue;

impl PartialSchema for LifecycleValue {
    fn schema() -> RefOr<Schema> {
        vocabulary(
            "Livscykel: where a system is in its life.",
            Lifecycle::ALL.iter().map(|l| l.as_str()),
        )
    }
}

impl ToSchema for LifecycleValue {
    fn name() -> std::borrow::Cow<'static, str> {
        "Lifecycle".into()
    }
}

/// How two records relate.
pub struct RelationKindValue;

impl PartialSchema for RelationKindValue {
    fn schema() -> RefOr<Schema> {
        vocabulary(
            "How two records relate: an informationsmängd held_by a system, a system runs_on or integrates_with \
             another.",
            RelationKind::ALL.iter().map(|r| r.as_str()),
        )
    }
}

impl ToSchema for RelationKindValue {
    fn name() -> std::borrow::Cow<'static, str> {
        "RelationKind".into()
    }
}

// --- Records ----------------------------------------------------------------------------------------------------

/// The properties of a record: what is sent to create one (`POST`) or change one (`PUT`, all of them: what is left
/// out is cleared), and what is read back. References are ids; properties that do not belong to the record's kind
/// are `null` and refused when given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemProperties {
    /// Namn. Required; one line, at most 200 characters; unique among records of the kind in use within the same
    /// org unit (förvaltningsobjekt, informationsmängd) or förvaltningsobjekt (system).
    #[schema(example = "Ekonomisystem")]
    pub name: Option<String>,
    /// Externt id: the record's id in another register. Unique among records in use; at most 200 characters.
    pub external_id: Option<String>,
    /// Beskrivning: line breaks allowed, at most 4000 characters.
    pub description: Option<String>,
    /// Organisationsenhet (förvaltningsobjekt, informationsmängd): the id of an org unit in use.
    pub org_unit: Option<i64>,
    /// Förvaltningsobjekt (system): the id of the förvaltningsobjekt in use that the system belongs to.
    pub management_object: Option<i64>,
    /// Objektsägare (förvaltningsobjekt): a person's id.
    pub object_owner: Option<i64>,
    /// Förvaltningsledare verksamhet (förvaltningsobjekt): a person's id.
    pub business_manager: Option<i64>,
    /// Förvaltningsledare IT (förvaltningsobjekt): a person's id.
    pub it_manager: Option<i64>,
    /// Förvaltningsplan (förvaltningsobjekt): a reference to the yearly plan.
    pub plan_reference: Option<String>,
    /// Systemförvaltare (system): a person's id.
    pub system_manager: Option<i64>,
    /// Leverantör (system).
    pub supplier: Option<String>,
    /// Driftform (system).
    #[schema(value_type = Option<HostingValue>)]
    pub hosting: Option<String>,
    /// Lagringsland (system).
    pub storage_country: Option<String>,
    /// Livscykel (system).
    #[schema(value_type = Option<LifecycleValue>)]
    pub lifecycle: Option<String>,
    /// Taggar (system): at most 20, each one line of at most 40 characters without commas; stored in lower case.
    pub tags: Option<Vec<String>>,
    /// Informationsägare (informationsmängd): a person's id.
    pub information_owner: Option<i64>,
    /// Personuppgifter (informationsmängd): whether it holds personal data.
    pub personal_data: Option<bool>,
    /// Sekretess (informationsmängd): whether it holds information under secrecy.
    pub secrecy: Option<bool>,
    /// OSL-hänvisning (informationsmängd): the section of offentlighets- och sekretesslagen.
    pub osl_reference: Option<String>,
    /// Säkerhetsskydd (informationsmängd): concerns Sweden's security and is handled outside LIS.
    pub security_protection: Option<bool>,
}

/// An org unit a record refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct UnitRef {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// A person a record names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct PersonRef {
    /// Their id.
    pub id: i64,
    /// Their name.
    pub name: String,
    /// Their e-mail address, when known.
    pub email: Option<String>,
}

/// Another record of the inventory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ItemRef {
    /// Its id.
    pub id: i64,
    /// Its kind.
    #[schema(value_type = KindValue)]
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Whether it is retired.
    pub retired: bool,
}

/// The names of what a record's properties refer to, for reading; the ids are in `properties`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ItemReferences {
    /// The org unit of `properties.org_unit`.
    pub org_unit: Option<UnitRef>,
    /// The förvaltningsobjekt of `properties.management_object`.
    pub management_object: Option<ItemRef>,
    /// The person of `properties.object_owner`.
    pub object_owner: Option<PersonRef>,
    /// The person of `properties.business_manager`.
    pub business_manager: Option<PersonRef>,
    /// The person of `properties.it_manager`.
    pub it_manager: Option<PersonRef>,
    /// The person of `properties.system_manager`.
    pub system_manager: Option<PersonRef>,
    /// The person of `properties.information_owner`.
    pub information_owner: Option<PersonRef>,
}

/// Which end of a relation the record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The record is the relation's `from` end: it is held by, runs on or integrates with the other.
    Outgoing,
    /// The record is the relation's `to` end: the other is held by, runs on or integrates with it.
    Incoming,
}

/// A relation of a record, seen from the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ItemRelation {
    /// The relation's id.
    pub id: i64,
    /// How the records relate.
    #[schema(value_type = RelationKindValue)]
    pub kind: String,
    /// Which end the record is.
    pub direction: Direction,
    /// The record at the other end.
    pub other: ItemRef,
}

/// A record of the inventory: a förvaltningsobjekt, a system or an informationsmängd.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Item {
    /// Its id.
    pub id: i64,
    /// Its kind.
    #[schema(value_type = KindValue)]
    pub kind: String,
    /// Its version: send it back with a change, which is refused (409) when someone else saved in between.
    pub version: i32,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was retired; retired records keep their history and leave the lists.
    pub retired_at: Option<DateTime<Utc>>,
    /// Its properties.
    pub properties: ItemProperties,
    /// The names of what its properties refer to.
    pub references: ItemReferences,
    /// Its relations both ways (on `GET /api/v1/items/{item}` and the answers to changes; not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relations: Option<Vec<ItemRelation>>,
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ItemPage {
    /// The records on this page.
    pub items: Vec<Item>,
    /// How many records match in all.
    pub total: u64,
    /// This page's number, counting from 1.
    pub page: u64,
    /// Records per page.
    pub per_page: u64,
}

/// A change to a record: the version it was read at and all its properties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ItemChange {
    /// The version the change is made to.
    pub version: i32,
    /// Every property as it is to be (what is left out is cleared).
    pub properties: ItemProperties,
}

/// The version of a record an action is taken on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct VersionSeen {
    /// The version the action is taken on.
    pub version: i32,
}

// --- From stored records ------------------------------------------------------------------------------------------

/// The properties of a stored record, as the API shows them.
pub fn properties_of(item: &inventory_item::Model) -> ItemProperties {
    let kind = lis_store::inventory::kind_of(item);
    let fields = ItemFields::of(item);
    let own = |field: Field| field.applies_to(kind);
    ItemProperties {
        name: Some(fields.name),
        external_id: fields.external_id,
        description: Some(fields.description),
        org_unit: fields.org_unit_id,
        management_object: fields.parent_id,
        object_owner: fields.owner_person_id.filter(|_| own(Field::ObjectOwner)),
        business_manager: fields.business_manager_person_id,
        it_manager: fields.it_manager_person_id,
        plan_reference: fields.plan_reference,
        system_manager: fields.system_manager_person_id,
        supplier: fields.supplier,
        hosting: fields.hosting.map(|h| h.as_str().to_owned()),
        storage_country: fields.storage_country,
        lifecycle: fields.lifecycle.map(|l| l.as_str().to_owned()),
        tags: own(Field::Tags).then_some(fields.tags),
        information_owner: fields.owner_person_id.filter(|_| own(Field::InformationOwner)),
        personal_data: fields.personal_data,
        secrecy: fields.secrecy,
        osl_reference: fields.osl_reference,
        security_protection: own(Field::SecurityProtection).then_some(fields.security_protection),
    }
}

/// What the names of references are looked up in.
#[derive(Debug, Default)]
pub struct Names {
    /// Org units by id.
    pub units: BTreeMap<i64, String>,
    /// People by id.
    pub people: BTreeMap<i64, person::Model>,
    /// Förvaltningsobjekt by id.
    pub objects: BTreeMap<i64, inventory_item::Model>,
}

fn item_ref(label: &ItemLabel) -> ItemRef {
    ItemRef {
        id: label.id,
        kind: label.kind.clone(),
        name: label.name.clone(),
        retired: label.retired_at.is_some(),
    }
}

/// A stored record as the API shows it, with its relations when given.
pub fn item_of(item: &inventory_item::Model, names: &Names, relations: Option<Vec<RelationView>>) -> Item {
    let properties = properties_of(item);
    let person = |id: Option<i64>| {
        id.and_then(|id| names.people.get(&id)).map(|p| PersonRef {
            id: p.id,
            name: p.display_name.clone(),
            email: p.email.clone(),
        })
    };
    let references = ItemReferences {
        org_unit: properties
            .org_unit
            .and_then(|id| names.units.get(&id).map(|name| UnitRef { id, name: name.clone() })),
        management_object: properties
            .management_object
            .and_then(|id| names.objects.get(&id))
            .map(|object| item_ref(&object.into())),
        object_owner: person(properties.object_owner),
        business_manager: person(properties.business_manager),
        it_manager: person(properties.it_manager),
        system_manager: person(properties.system_manager),
        information_owner: person(properties.information_owner),
    };
    Item {
        id: item.id,
        kind: item.kind.clone(),
        version: item.version,
        created_at: item.created_at,
        updated_at: item.updated_at,
        retired_at: item.retired_at,
        properties,
        references,
        relations: relations.map(|views| {
            views
                .iter()
                .map(|view| ItemRelation {
                    id: view.relation.id,
                    kind: view.relation.kind.clone(),
                    direction: if view.outgoing {
                        Direction::Outgoing
                    } else {
                        Direction::Incoming
                    },
                    other: item_ref(&view.other),
                })
                .collect()
        }),
    }
}

/// The ids of units, people and förvaltningsobjekt that records refer to, for looking their names up at once.
pub fn referenced_ids(items: &[inventory_item::Model]) -> (Vec<i64>, Vec<i64>, Vec<i64>) {
    let units = items.iter().filter_map(|i| i.org_unit_id).collect();
    let people = items
        .iter()
        .flat_map(|i| {
            [
                i.owner_person_id,
                i.business_manager_person_id,
                i.it_manager_person_id,
                i.system_manager_person_id,
            ]
        })
        .flatten()
        .collect();
    let objects = items.iter().filter_map(|i| i.parent_id).collect();
    (units, people, objects)
}

// --- Reading request bodies ---------------------------------------------------------------------------------------

/// A refused value of a property, worded as a sentence about the property in both languages.
pub fn field_error(field: Field, problem: &ValueProblem) -> FieldError {
    FieldError::new(
        field.as_str(),
        format!("{} {}", field.swedish(), problem.swedish()),
        format!("{} {}", field.english(), problem.english()),
    )
}

/// Why a key of a body was refused before its value was looked at: its JSON type, or that it is no property.
fn shape_error(key: &str) -> FieldError {
    let Ok(field) = key.parse::<Field>() else {
        return FieldError::new(
            key,
            format!("{key} är ingen egenskap hos poster i LIS (se /api/openapi.json)"),
            format!("{key} is not a property of LIS's records (see /api/openapi.json)"),
        );
    };
    let (sv, en) = match field {
        Field::OrgUnit
        | Field::ManagementObject
        | Field::ObjectOwner
        | Field::BusinessManager
        | Field::ItManager
        | Field::SystemManager
        | Field::InformationOwner => (
            "ska vara ett id (ett heltal) eller null",
            "must be an id (an integer) or null",
        ),
        Field::Tags => (
            "ska vara en lista med texter eller null",
            "must be a list of texts or null",
        ),
        Field::PersonalData | Field::Secrecy | Field::SecurityProtection => {
            ("ska vara true, false eller null", "must be true, false or null")
        }
        _ => ("ska vara en text eller null", "must be a text or null"),
    };
    FieldError::new(
        key,
        format!("{} {sv}", field.swedish()),
        format!("{} {en}", field.english()),
    )
}

/// The error for a body that is not a JSON object.
fn not_an_object(field: &str) -> FieldError {
    FieldError::new(field, "ska vara ett JSON-objekt", "must be a JSON object")
}

/// Reads properties from JSON, naming every key whose value has the wrong type or that is no property.
pub fn properties_from(value: Value) -> Result<ItemProperties, Vec<FieldError>> {
    let Value::Object(map) = value else {
        return Err(vec![not_an_object("properties")]);
    };
    // Each key on its own first, so that every bad one is named (serde stops at the first).
    let errors: Vec<FieldError> = map
        .iter()
        .filter(|(key, value)| {
            let one = Map::from_iter([((*key).clone(), (*value).clone())]);
            serde_json::from_value::<ItemProperties>(Value::Object(one)).is_err()
        })
        .map(|(key, _)| shape_error(key))
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::from_value(Value::Object(map)).map_err(|err| {
        vec![FieldError::new(
            "properties",
            format!("kunde inte läsas: {err}"),
            format!("could not be read: {err}"),
        )]
    })
}

/// The version a body names.
fn version_from(value: Option<Value>) -> Result<i32, FieldError> {
    value
        .and_then(|v| v.as_i64())
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| {
            FieldError::new(
                "version",
                "Version måste anges som ett heltal: den version av posten som begäran gäller",
                "version must be given as an integer: the version of the record the request is about",
            )
        })
}

/// Refuses the keys left in a body after the known ones were taken out.
fn unknown_keys(map: &Map<String, Value>, known: &str) -> Vec<FieldError> {
    map.keys()
        .map(|key| {
            FieldError::new(
                key.as_str(),
                format!("{key} hör inte hit; begäran har {known}"),
                format!("{key} does not belong here; the request has {known}"),
            )
        })
        .collect()
}

/// Reads a change: `{"version": …, "properties": {…}}`.
pub fn change_from(value: Value) -> Result<(i32, ItemProperties), Vec<FieldError>> {
    let Value::Object(mut map) = value else {
        return Err(vec![not_an_object("body")]);
    };
    let version = version_from(map.remove("version"));
    let properties = match map.remove("properties") {
        Some(properties) => properties_from(properties),
        None => Err(vec![FieldError::new(
            "properties",
            "Egenskaperna (properties) måste anges",
            "properties must be given",
        )]),
    };
    let mut errors = unknown_keys(&map, "version och properties");
    match (version, properties) {
        (Ok(version), Ok(properties)) if errors.is_empty() => Ok((version, properties)),
        (version, properties) => {
            errors.extend(version.err());
            errors.extend(properties.err().unwrap_or_default());
            Err(errors)
        }
    }
}

/// Reads `{"version": …}`.
pub fn version_seen_from(value: Value) -> Result<i32, Vec<FieldError>> {
    let Value::Object(mut map) = value else {
        return Err(vec![not_an_object("body")]);
    };
    let version = version_from(map.remove("version"));
    let mut errors = unknown_keys(&map, "version");
    match version {
        Ok(version) if errors.is_empty() => Ok(version),
        version => {
            errors.extend(version.err());
            Err(errors)
        }
    }
}

impl ItemProperties {
    /// The text given for a property that is text.
    fn text(&self, field: Field) -> Option<&str> {
        match field {
            Field::Name => self.name.as_deref(),
            Field::ExternalId => self.external_id.as_deref(),
            Field::Description => self.description.as_deref(),
            Field::PlanReference => self.plan_reference.as_deref(),
            Field::Supplier => self.supplier.as_deref(),
            Field::Hosting => self.hosting.as_deref(),
            Field::StorageCountry => self.storage_country.as_deref(),
            Field::Lifecycle => self.lifecycle.as_deref(),
            Field::OslReference => self.osl_reference.as_deref(),
            _ => None,
        }
    }

    /// The id given for a property that is a reference.
    fn reference(&self, field: Field) -> Option<i64> {
        match field {
            Field::OrgUnit => self.org_unit,
            Field::ManagementObject => self.management_object,
            Field::ObjectOwner => self.object_owner,
            Field::BusinessManager => self.business_manager,
            Field::ItManager => self.it_manager,
            Field::SystemManager => self.system_manager,
            Field::InformationOwner => self.information_owner,
            _ => None,
        }
    }

    /// Whether a value (not `null`) was given for a property.
    fn given(&self, field: Field) -> bool {
        match field {
            Field::Tags => self.tags.is_some(),
            Field::PersonalData => self.personal_data.is_some(),
            Field::Secrecy => self.secrecy.is_some(),
            Field::SecurityProtection => self.security_protection.is_some(),
            _ => self.text(field).is_some() || self.reference(field).is_some(),
        }
    }
}

/// Reads one of a vocabulary's identifiers, or says which are allowed.
fn identifier<T: Copy + std::str::FromStr>(
    raw: Option<&str>,
    all: &[T],
    as_str: fn(T) -> &'static str,
) -> Result<Option<T>, ValueProblem> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(raw) => raw.parse::<T>().map(Some).map_err(|_| ValueProblem::NotAChoice {
            allowed: all.iter().map(|value| as_str(*value)).collect(),
        }),
    }
}

/// Checks the properties of a record of `kind` by the forms' rules, naming every refused value.
pub fn fields_from(kind: ItemKind, properties: &ItemProperties) -> Result<ItemFields, Vec<FieldError>> {
    let mut fields = ItemFields::default();
    let mut errors = Vec::new();
    for field in Field::ALL.iter().copied() {
        if !field.applies_to(kind) {
            if properties.given(field) {
                errors.push(FieldError::new(
                    field.as_str(),
                    format!("{} finns inte för {}", field.swedish(), kind.swedish()),
                    format!("{} does not apply to a {}", field.english(), kind.english()),
                ));
            }
            continue;
        }
        let outcome = match field {
            Field::Hosting => identifier(properties.text(field), Hosting::ALL, Hosting::as_str)
                .map(|hosting| fields.hosting = hosting),
            Field::Lifecycle => identifier(properties.text(field), Lifecycle::ALL, Lifecycle::as_str)
                .map(|lifecycle| fields.lifecycle = lifecycle),
            Field::Tags => {
                let tags = properties.tags.as_deref().unwrap_or_default();
                if tags.iter().any(|tag| tag.contains(',')) {
                    errors.push(FieldError::new(
                        field.as_str(),
                        "Taggar får inte innehålla kommatecken",
                        "Tags may not contain commas",
                    ));
                    continue;
                }
                fields.set_text(field, &tags.join(","))
            }
            Field::PersonalData => {
                fields.personal_data = properties.personal_data;
                Ok(())
            }
            Field::Secrecy => {
                fields.secrecy = properties.secrecy;
                Ok(())
            }
            Field::SecurityProtection => {
                fields.security_protection = properties.security_protection.unwrap_or(false);
                Ok(())
            }
            _ => match fields.reference_mut(field) {
                Some(reference) => {
                    *reference = properties.reference(field);
                    Ok(())
                }
                None => fields.set_text(field, properties.text(field).unwrap_or_default()),
            },
        };
        if let Err(problem) = outcome {
            errors.push(field_error(field, &problem));
        }
    }
    if errors.is_empty() { Ok(fields) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_properties_are_the_fields_of_the_inventory() {
        let value = serde_json::to_value(ItemProperties::default()).expect("json");
        let keys: Vec<&str> = value.as_object().expect("object").keys().map(String::as_str).collect();
        let mut fields: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
        let mut keys = keys;
        keys.sort_unstable();
        fields.sort_unstable();
        assert_eq!(keys, fields);
    }

    #[test]
    fn every_refused_value_is_named_in_swedish() {
        let body = json!({ "name": "", "hosting": "moln", "lifecycel": "in_use", "org_unit": "tre", "tags": "a" });
        let errors = properties_from(body.clone()).expect_err("bad shapes");
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["lifecycel", "org_unit", "tags"]);
        assert!(
            errors[1].message_sv.starts_with("Organisationsenhet ska vara ett id"),
            "{errors:?}"
        );
        let properties = properties_from(json!({ "name": "", "hosting": "moln", "org_unit": 3 })).expect("shapes");
        let errors = fields_from(ItemKind::ManagementObject, &properties).expect_err("bad values");
        let named: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.message_sv.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                ("name", "Namn måste fyllas i"),
                ("hosting", "Driftform finns inte för förvaltningsobjekt")
            ]
        );
        let properties = properties_from(json!({ "name": "S", "hosting": "moln" })).expect("shapes");
        let errors = fields_from(ItemKind::System, &properties).expect_err("bad values");
        assert_eq!(errors[0].field, "hosting");
        assert!(errors[0].message_sv.contains("saas"), "{errors:?}");
    }

    #[test]
    fn properties_read_back_as_they_were_written() {
        let written = ItemProperties {
            name: Some("Ekonomisystem".into()),
            external_id: Some("SYS-9".into()),
            description: Some("Rad ett\nrad två".into()),
            management_object: Some(4),
            system_manager: Some(7),
            supplier: Some("Leverantören AB".into()),
            hosting: Some("saas".into()),
            storage_country: Some("Sverige".into()),
            lifecycle: Some("in_use".into()),
            tags: Some(vec!["ekonomi".into(), "kritisk".into()]),
            ..ItemProperties::default()
        };
        let fields = fields_from(ItemKind::System, &written).expect("valid");
        assert_eq!(fields.hosting, Some(Hosting::Saas));
        assert_eq!(fields.parent_id, Some(4));
        assert_eq!(fields.tags, ["ekonomi", "kritisk"]);
    }

    #[test]
    fn changes_name_their_version_and_nothing_else() {
        let (version, properties) =
            change_from(json!({ "version": 3, "properties": { "name": "X" } })).expect("a change");
        assert_eq!((version, properties.name.as_deref()), (3, Some("X")));
        let errors = change_from(json!({ "properties": { "name": "X" }, "id": 1 })).expect_err("bad");
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["id", "version"]);
        assert_eq!(version_seen_from(json!({ "version": 2 })), Ok(2));
        assert!(version_seen_from(json!({ "version": "2" })).is_err());
    }
}
