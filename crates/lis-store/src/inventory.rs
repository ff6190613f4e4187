//! The information asset inventory: creating, changing and retiring förvaltningsobjekt, systems and
//! informationsmängder, their relations, and the lists and searches over them.
//!
//! Every write checks the version the person saw ([`StoreError::Conflict`] when someone else saved in between),
//! that every referenced unit, person and record belongs to the organisation and is in use, and appends its audit
//! event in the caller's transaction. Nothing is deleted: records are retired, relations removed with an audit event.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::Utc;
use lis_domain::inventory::{self, Field, Hosting, ItemKind, Lifecycle, RelationKind, ValueProblem};
use lis_domain::{AuditAction, SubjectRef};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IdenStatic, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::entity::{inventory_item, inventory_relation, org_unit, person};
use crate::rows;

/// The properties of a record, checked and with references resolved to ids. Properties that do not belong to the
/// record's kind are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemFields {
    /// The name.
    pub name: String,
    /// The id in another register.
    pub external_id: Option<String>,
    /// The description.
    pub description: String,
    /// The responsible org unit (förvaltningsobjekt, informationsmängd).
    pub org_unit_id: Option<i64>,
    /// The förvaltningsobjekt (system).
    pub parent_id: Option<i64>,
    /// Objektsägare (förvaltningsobjekt) or informationsägare (informationsmängd).
    pub owner_person_id: Option<i64>,
    /// Förvaltningsledare verksamhet.
    pub business_manager_person_id: Option<i64>,
    /// Förvaltningsledare IT.
    pub it_manager_person_id: Option<i64>,
    /// Systemförvaltare.
    pub system_manager_person_id: Option<i64>,
    /// Förvaltningsplan.
    pub plan_reference: Option<String>,
    /// Supplier.
    pub supplier: Option<String>,
    /// Driftform.
    pub hosting: Option<Hosting>,
    /// Lagringsland.
    pub storage_country: Option<String>,
    /// Livscykel.
    pub lifecycle: Option<Lifecycle>,
    /// Tags, lower case.
    pub tags: Vec<String>,
    /// Contains personal data.
    pub personal_data: Option<bool>,
    /// Contains information under secrecy.
    pub secrecy: Option<bool>,
    /// OSL reference.
    pub osl_reference: Option<String>,
    /// Concerns Sweden's security; handled outside LIS.
    pub security_protection: bool,
}

impl ItemFields {
    /// The fields as stored in `item`.
    pub fn of(item: &inventory_item::Model) -> Self {
        Self {
            name: item.name.clone(),
            external_id: item.external_id.clone(),
            description: item.description.clone(),
            org_unit_id: item.org_unit_id,
            parent_id: item.parent_id,
            owner_person_id: item.owner_person_id,
            business_manager_person_id: item.business_manager_person_id,
            it_manager_person_id: item.it_manager_person_id,
            system_manager_person_id: item.system_manager_person_id,
            plan_reference: item.plan_reference.clone(),
            supplier: item.supplier.clone(),
            hosting: item.hosting.as_deref().and_then(|h| h.parse().ok()),
            storage_country: item.storage_country.clone(),
            lifecycle: item.lifecycle.as_deref().and_then(|l| l.parse().ok()),
            tags: split_tags(&item.tags),
            personal_data: item.personal_data,
            secrecy: item.secrecy,
            osl_reference: item.osl_reference.clone(),
            security_protection: item.security_protection,
        }
    }

    /// The same fields with everything that does not belong to `kind` cleared, so that stored records hold only
    /// their own kind's properties.
    pub fn for_kind(mut self, kind: ItemKind) -> Self {
        use lis_domain::inventory::Field as F;
        let keeps = |field: F| field.applies_to(kind);
        if !keeps(F::OrgUnit) {
            self.org_unit_id = None;
        }
        if !keeps(F::ManagementObject) {
            self.parent_id = None;
        }
        if !keeps(F::ObjectOwner) && !keeps(F::InformationOwner) {
            self.owner_person_id = None;
        }
        if !keeps(F::BusinessManager) {
            self.business_manager_person_id = None;
        }
        if !keeps(F::ItManager) {
            self.it_manager_person_id = None;
        }
        if !keeps(F::PlanReference) {
            self.plan_reference = None;
        }
        if !keeps(F::SystemManager) {
            self.system_manager_person_id = None;
        }
        if !keeps(F::Supplier) {
            self.supplier = None;
        }
        if !keeps(F::Hosting) {
            self.hosting = None;
        }
        if !keeps(F::StorageCountry) {
            self.storage_country = None;
        }
        if !keeps(F::Lifecycle) {
            self.lifecycle = None;
        }
        if !keeps(F::Tags) {
            self.tags.clear();
        }
        if !keeps(F::PersonalData) {
            self.personal_data = None;
        }
        if !keeps(F::Secrecy) {
            self.secrecy = None;
        }
        if !keeps(F::OslReference) {
            self.osl_reference = None;
        }
        if !keeps(F::SecurityProtection) {
            self.security_protection = false;
        }
        self
    }

    fn snapshot(&self) -> serde_json::Value {
        json!({
            "name": self.name,
            "external_id": self.external_id,
            "description": self.description,
            "org_unit_id": self.org_unit_id,
            "parent_id": self.parent_id,
            "owner_person_id": self.owner_person_id,
            "business_manager_person_id": self.business_manager_person_id,
            "it_manager_person_id": self.it_manager_person_id,
            "system_manager_person_id": self.system_manager_person_id,
            "plan_reference": self.plan_reference,
            "supplier": self.supplier,
            "hosting": self.hosting,
            "storage_country": self.storage_country,
            "lifecycle": self.lifecycle,
            "tags": self.tags,
            "personal_data": self.personal_data,
            "secrecy": self.secrecy,
            "osl_reference": self.osl_reference,
            "security_protection": self.security_protection,
        })
    }
}

/// Tags as stored: one per line.
fn join_tags(tags: &[String]) -> String {
    tags.join("\n")
}

/// Tags as stored, read back.
pub fn split_tags(stored: &str) -> Vec<String> {
    stored.lines().filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// The kind of a stored record.
pub fn kind_of(item: &inventory_item::Model) -> ItemKind {
    kind_from(item.id, &item.kind)
}

/// The kind of the record `id` as stored in its `kind` column.
fn kind_from(id: i64, stored: &str) -> ItemKind {
    stored.parse().unwrap_or_else(|unknown| {
        // Only LIS writes this column; an unknown value means a newer LIS wrote it.
        tracing::warn!(item.id = id, error = %unknown, "unknown kind of inventory record");
        ItemKind::System
    })
}

fn not_found(kind: &'static str, id: i64) -> StoreError {
    StoreError::NotFound {
        kind,
        id: id.to_string(),
    }
}

/// One record of the organisation, retired or not, or [`StoreError::NotFound`].
pub async fn get(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    item_id: i64,
) -> Result<inventory_item::Model, StoreError> {
    inventory_item::Entity::find_by_id(item_id)
        .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?
        .ok_or_else(|| not_found("inventory_item", item_id))
}

/// Like [`get`], read for a change in `txn`: locked until it ends (see
/// [`crate::database::of_organisation_for_change`]).
pub(crate) async fn get_for_change(
    txn: &DatabaseTransaction,
    organisation_id: i64,
    item_id: i64,
) -> Result<inventory_item::Model, StoreError> {
    crate::database::of_organisation_for_change::<inventory_item::Entity>(
        txn,
        inventory_item::Column::OrganisationId,
        organisation_id,
        item_id,
        "inventory_item",
    )
    .await
}

/// Checks that every reference in `fields` points to something of the organisation that is in use, and that the
/// name and external id are not taken by another record in use.
async fn check_references(
    txn: &DatabaseTransaction,
    organisation_id: i64,
    kind: ItemKind,
    fields: &ItemFields,
    this_item: Option<i64>,
) -> Result<(), StoreError> {
    if let Some(unit_id) = fields.org_unit_id {
        let unit = org_unit::Entity::find_by_id(unit_id)
            .filter(org_unit::Column::OrganisationId.eq(organisation_id))
            .filter(org_unit::Column::RetiredAt.is_null())
            .one(txn)
            .await?;
        if unit.is_none() {
            return Err(not_found("org_unit", unit_id));
        }
    }
    if let Some(parent_id) = fields.parent_id {
        let parent = get(txn, organisation_id, parent_id).await?;
        if kind_of(&parent) != ItemKind::ManagementObject || parent.retired_at.is_some() {
            return Err(not_found("forvaltningsobjekt", parent_id));
        }
    }
    let people: BTreeSet<i64> = [
        fields.owner_person_id,
        fields.business_manager_person_id,
        fields.it_manager_person_id,
        fields.system_manager_person_id,
    ]
    .into_iter()
    .flatten()
    .collect();
    for person_id in people {
        let found = person::Entity::find_by_id(person_id)
            .filter(person::Column::OrganisationId.eq(organisation_id))
            .one(txn)
            .await?;
        if found.is_none() {
            return Err(not_found("person", person_id));
        }
    }
    let mut same_name = inventory_item::Entity::find()
        .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
        .filter(inventory_item::Column::Kind.eq(kind.as_str()))
        .filter(inventory_item::Column::NameKey.eq(fields.name.to_lowercase()))
        .filter(inventory_item::Column::RetiredAt.is_null());
    same_name = match kind {
        ItemKind::System => same_name.filter(nullable_eq(inventory_item::Column::ParentId, fields.parent_id)),
        ItemKind::ManagementObject | ItemKind::InformationSet => {
            same_name.filter(nullable_eq(inventory_item::Column::OrgUnitId, fields.org_unit_id))
        }
    };
    if let Some(id) = this_item {
        same_name = same_name.filter(inventory_item::Column::Id.ne(id));
    }
    if same_name.one(txn).await?.is_some() {
        return Err(StoreError::AlreadyExists {
            kind: "inventory_item",
            id: fields.name.clone(),
        });
    }
    if let Some(external_id) = &fields.external_id {
        let mut same_id = inventory_item::Entity::find()
            .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
            .filter(inventory_item::Column::ExternalId.eq(external_id.as_str()))
            .filter(inventory_item::Column::RetiredAt.is_null());
        if let Some(id) = this_item {
            same_id = same_id.filter(inventory_item::Column::Id.ne(id));
        }
        if same_id.one(txn).await?.is_some() {
            return Err(StoreError::AlreadyExists {
                kind: "external_id",
                id: external_id.clone(),
            });
        }
    }
    Ok(())
}

fn nullable_eq(column: inventory_item::Column, value: Option<i64>) -> Condition {
    match value {
        Some(value) => Condition::all().add(column.eq(value)),
        None => Condition::all().add(column.is_null()),
    }
}

fn active_model(fields: &ItemFields) -> inventory_item::ActiveModel {
    inventory_item::ActiveModel {
        external_id: Set(fields.external_id.clone()),
        name: Set(fields.name.clone()),
        name_key: Set(fields.name.to_lowercase()),
        description: Set(fields.description.clone()),
        org_unit_id: Set(fields.org_unit_id),
        parent_id: Set(fields.parent_id),
        owner_person_id: Set(fields.owner_person_id),
        business_manager_person_id: Set(fields.business_manager_person_id),
        it_manager_person_id: Set(fields.it_manager_person_id),
        system_manager_person_id: Set(fields.system_manager_person_id),
        plan_reference: Set(fields.plan_reference.clone()),
        supplier: Set(fields.supplier.clone()),
        hosting: Set(fields.hosting.map(|h| h.as_str().to_owned())),
        storage_country: Set(fields.storage_country.clone()),
        lifecycle: Set(fields.lifecycle.map(|l| l.as_str().to_owned())),
        tags: Set(join_tags(&fields.tags)),
        personal_data: Set(fields.personal_data),
        secrecy: Set(fields.secrecy),
        osl_reference: Set(fields.osl_reference.clone()),
        security_protection: Set(fields.security_protection),
        ..Default::default()
    }
}

/// Creates a record of `kind` and records it in the audit trail.
#[tracing::instrument(skip_all, err, fields(kind = %kind))]
pub async fn create(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    kind: ItemKind,
    fields: ItemFields,
) -> Result<inventory_item::Model, StoreError> {
    let fields = fields.for_kind(kind);
    check_references(txn, organisation_id, kind, &fields, None).await?;
    let now = Utc::now();
    let mut model = active_model(&fields);
    model.organisation_id = Set(organisation_id);
    model.kind = Set(kind.as_str().to_owned());
    model.version = Set(1);
    model.created_at = Set(now);
    model.updated_at = Set(now);
    model.retired_at = Set(None);
    let created = model.insert(txn).await?;
    let change = Change::created(
        Some(organisation_id),
        SubjectRef::new(kind.as_str(), created.id),
        fields.snapshot(),
    );
    audit::append(txn, ctx, change).await?;
    Ok(created)
}

/// How many records [`create_many`] checks and writes with one set of statements, and twice as many relations for
/// [`relate_many`]: well under SQLite's and PostgreSQL's limits on bound values (a record has 27 columns, an audit event 10).
pub const BATCH: usize = 1000;

/// [`check_references`] for a batch of new records of `kind`, in order, each seeing the records before it in the
/// batch as stored (as it would if they were created one by one): the first problem is the error `create` would
/// give. The database is asked once per kind of reference for the whole batch.
async fn check_new_references(
    txn: &DatabaseTransaction,
    organisation_id: i64,
    kind: ItemKind,
    batch: &[ItemFields],
) -> Result<(), StoreError> {
    let unit_ids: BTreeSet<i64> = batch.iter().filter_map(|f| f.org_unit_id).collect();
    let units_in_use: HashSet<i64> = if unit_ids.is_empty() {
        HashSet::new()
    } else {
        org_unit::Entity::find()
            .select_only()
            .column(org_unit::Column::Id)
            .filter(org_unit::Column::Id.is_in(unit_ids))
            .filter(org_unit::Column::OrganisationId.eq(organisation_id))
            .filter(org_unit::Column::RetiredAt.is_null())
            .into_tuple::<i64>()
            .all(txn)
            .await?
            .into_iter()
            .collect()
    };
    let parent_ids: BTreeSet<i64> = batch.iter().filter_map(|f| f.parent_id).collect();
    let parents: HashMap<i64, inventory_item::Model> = if parent_ids.is_empty() {
        HashMap::new()
    } else {
        inventory_item::Entity::find()
            .filter(inventory_item::Column::Id.is_in(parent_ids))
            .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
            .all(txn)
            .await?
            .into_iter()
            .map(|parent| (parent.id, parent))
            .collect()
    };
    let people_of = |fields: &ItemFields| -> BTreeSet<i64> {
        [
            fields.owner_person_id,
            fields.business_manager_person_id,
            fields.it_manager_person_id,
            fields.system_manager_person_id,
        ]
        .into_iter()
        .flatten()
        .collect()
    };
    let person_ids: BTreeSet<i64> = batch.iter().flat_map(people_of).collect();
    let people: HashSet<i64> = if person_ids.is_empty() {
        HashSet::new()
    } else {
        person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .filter(person::Column::Id.is_in(person_ids))
            .filter(person::Column::OrganisationId.eq(organisation_id))
            .into_tuple::<i64>()
            .all(txn)
            .await?
            .into_iter()
            .collect()
    };
    // A name is taken by a record in use of the same kind under the same förvaltningsobjekt (systems) or unit.
    let scope = |parent_id: Option<i64>, org_unit_id: Option<i64>| match kind {
        ItemKind::System => parent_id,
        ItemKind::ManagementObject | ItemKind::InformationSet => org_unit_id,
    };
    let keys: BTreeSet<String> = batch.iter().map(|f| f.name.to_lowercase()).collect();
    let mut names_taken: HashSet<(String, Option<i64>)> = inventory_item::Entity::find()
        .select_only()
        .column(inventory_item::Column::NameKey)
        .column(inventory_item::Column::ParentId)
        .column(inventory_item::Column::OrgUnitId)
        .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
        .filter(inventory_item::Column::Kind.eq(kind.as_str()))
        .filter(inventory_item::Column::NameKey.is_in(keys))
        .filter(inventory_item::Column::RetiredAt.is_null())
        .into_tuple::<(String, Option<i64>, Option<i64>)>()
        .all(txn)
        .await?
        .into_iter()
        .map(|(key, parent_id, org_unit_id)| (key, scope(parent_id, org_unit_id)))
        .collect();
    let external_ids: BTreeSet<&str> = batch.iter().filter_map(|f| f.external_id.as_deref()).collect();
    let mut ids_taken: HashSet<String> = if external_ids.is_empty() {
        HashSet::new()
    } else {
        inventory_item::Entity::find()
            .select_only()
            .column(inventory_item::Column::ExternalId)
            .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
            .filter(inventory_item::Column::ExternalId.is_in(external_ids))
            .filter(inventory_item::Column::RetiredAt.is_null())
            .into_tuple::<Option<String>>()
            .all(txn)
            .await?
            .into_iter()
            .flatten()
            .collect()
    };
    for fields in batch {
        if let Some(unit_id) = fields.org_unit_id
            && !units_in_use.contains(&unit_id)
        {
            return Err(not_found("org_unit", unit_id));
        }
        if let Some(parent_id) = fields.parent_id {
            let parent = parents
                .get(&parent_id)
                .ok_or_else(|| not_found("inventory_item", parent_id))?;
            if kind_of(parent) != ItemKind::ManagementObject || parent.retired_at.is_some() {
                return Err(not_found("forvaltningsobjekt", parent_id));
            }
        }
        if let Some(person_id) = people_of(fields).into_iter().find(|id| !people.contains(id)) {
            return Err(not_found("person", person_id));
        }
        if !names_taken.insert((fields.name.to_lowercase(), scope(fields.parent_id, fields.org_unit_id))) {
            return Err(StoreError::AlreadyExists {
                kind: "inventory_item",
                id: fields.name.clone(),
            });
        }
        if let Some(external_id) = &fields.external_id
            && !ids_taken.insert(external_id.clone())
        {
            return Err(StoreError::AlreadyExists {
                kind: "external_id",
                id: external_id.clone(),
            });
        }
    }
    Ok(())
}

/// Creates records of `kind`, each as [`create`] would: the same checks in the same order (the first record that
/// fails them fails the call with the error `create` gives it), the same stored values, and one audit event per
/// record, in order. For imports: up to [`BATCH`] records are checked with a handful of statements and written,
/// with their events, with two multi-row inserts, instead of some eight statements per record. Returns the new
/// records' ids in the order given.
#[tracing::instrument(skip_all, err, fields(kind = %kind, records = all_fields.len()))]
pub async fn create_many(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    kind: ItemKind,
    all_fields: Vec<ItemFields>,
) -> Result<Vec<i64>, StoreError> {
    use inventory_item::Column as C;
    let mut created = Vec::with_capacity(all_fields.len());
    let mut rest = all_fields.into_iter().map(|fields| fields.for_kind(kind)).peekable();
    while rest.peek().is_some() {
        let batch: Vec<ItemFields> = rest.by_ref().take(BATCH).collect();
        check_new_references(txn, organisation_id, kind, &batch).await?;
        let now = Utc::now();
        let models = batch.iter().map(|fields| {
            let mut model = active_model(fields);
            model.organisation_id = Set(organisation_id);
            model.kind = Set(kind.as_str().to_owned());
            model.version = Set(1);
            model.created_at = Set(now);
            model.updated_at = Set(now);
            model.retired_at = Set(None);
            model
        });
        // Only the id and what tells the rows apart come back: every name is unique in its place within the batch
        // (the checks saw to it), and RETURNING gives the rows in no promised order.
        let (columns, values) = rows::of_models(models.collect())?;
        let returning = [C::Id, C::NameKey, C::ParentId, C::OrgUnitId].map(|column| column.as_str());
        let insert = rows::insert(
            txn.get_database_backend(),
            "inventory_item",
            &columns,
            &[],
            values,
            &returning,
        );
        let mut inserted: HashMap<(String, Option<i64>, Option<i64>), i64> = HashMap::new();
        for row in txn.query_all_raw(insert).await? {
            let key = (
                row.try_get::<String>("", "name_key")?,
                row.try_get::<Option<i64>>("", "parent_id")?,
                row.try_get::<Option<i64>>("", "org_unit_id")?,
            );
            inserted.insert(key, row.try_get::<i64>("", "id")?);
        }
        let mut changes = Vec::with_capacity(batch.len());
        for fields in &batch {
            let key = (fields.name.to_lowercase(), fields.parent_id, fields.org_unit_id);
            let id = inserted.remove(&key).ok_or(sea_orm::DbErr::RecordNotInserted)?;
            changes.push(Change::created(
                Some(organisation_id),
                SubjectRef::new(kind.as_str(), id),
                fields.snapshot(),
            ));
            created.push(id);
        }
        audit::append_many(txn, ctx, changes).await?;
    }
    Ok(created)
}

/// The record to change: in use, and still at the version the person saw ([`StoreError::Conflict`] otherwise).
async fn in_use_at(
    txn: &DatabaseTransaction,
    organisation_id: i64,
    item_id: i64,
    seen_version: i32,
) -> Result<inventory_item::Model, StoreError> {
    let existing = get_for_change(txn, organisation_id, item_id).await?;
    if existing.retired_at.is_some() {
        return Err(not_found("inventory_item", item_id));
    }
    if existing.version != seen_version {
        return Err(StoreError::Conflict {
            kind: "inventory_item",
            current_version: existing.version,
        });
    }
    Ok(existing)
}

/// Changes a record that is in use. `seen_version` is the version the person edited; a newer one is refused as
/// [`StoreError::Conflict`] and nothing changes. Saving the same values again changes nothing and writes no event.
#[tracing::instrument(skip_all, err, fields(item.id = item_id))]
pub async fn update(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    item_id: i64,
    fields: ItemFields,
    seen_version: i32,
) -> Result<inventory_item::Model, StoreError> {
    let existing = in_use_at(txn, organisation_id, item_id, seen_version).await?;
    let kind = kind_of(&existing);
    let fields = fields.for_kind(kind);
    let before = ItemFields::of(&existing);
    if before == fields {
        return Ok(existing);
    }
    check_references(txn, organisation_id, kind, &fields, Some(item_id)).await?;
    let mut model = active_model(&fields);
    model.id = Set(item_id);
    model.version = Set(existing.version + 1);
    model.updated_at = Set(Utc::now());
    let updated = model.update(txn).await?;
    let change = Change {
        organisation_id: Some(organisation_id),
        action: AuditAction::Update,
        subject: SubjectRef::new(kind.as_str(), item_id),
        before: Some(before.snapshot()),
        after: Some(fields.snapshot()),
    };
    audit::append(txn, ctx, change).await?;
    Ok(updated)
}

/// Retires a record: it leaves the lists and can no longer be chosen, but keeps its history and its relations.
/// A förvaltningsobjekt with systems in use is not retired ([`StoreError::RetireBlocked`]).
#[tracing::instrument(skip_all, err, fields(item.id = item_id))]
pub async fn retire(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    item_id: i64,
    seen_version: i32,
) -> Result<inventory_item::Model, StoreError> {
    let existing = in_use_at(txn, organisation_id, item_id, seen_version).await?;
    let kind = kind_of(&existing);
    if kind == ItemKind::ManagementObject {
        let systems: Vec<String> = inventory_item::Entity::find()
            .filter(inventory_item::Column::ParentId.eq(item_id))
            .filter(inventory_item::Column::RetiredAt.is_null())
            .order_by_asc(inventory_item::Column::NameKey)
            .all(txn)
            .await?
            .into_iter()
            .map(|system| system.name)
            .collect();
        if !systems.is_empty() {
            return Err(StoreError::RetireBlocked { names: systems });
        }
    }
    let now = Utc::now();
    let retired = inventory_item::ActiveModel {
        id: Set(item_id),
        retired_at: Set(Some(now)),
        version: Set(existing.version + 1),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(txn)
    .await?;
    let change = Change {
        organisation_id: Some(organisation_id),
        action: AuditAction::Retire,
        subject: SubjectRef::new(kind.as_str(), item_id),
        before: Some(json!({ "version": existing.version })),
        after: Some(json!({ "retired_at": now, "version": retired.version })),
    };
    audit::append(txn, ctx, change).await?;
    // What a retired record held or carried no longer counts: the systems holding it, or the platforms below it.
    let (systems, information) = match kind {
        ItemKind::System => (BTreeSet::from([item_id]), BTreeSet::new()),
        ItemKind::InformationSet => (BTreeSet::new(), BTreeSet::from([item_id])),
        ItemKind::ManagementObject => (BTreeSet::new(), BTreeSet::new()),
    };
    crate::levels::recompute(txn, ctx, organisation_id, &systems, &information).await?;
    Ok(retired)
}

/// The systems whose levels relations made or removed, each (kind, from, to), can move: the platform a system runs
/// on, and the holder of an informationsmängd that passes a level on. One without a decided classification above
/// level 0 passes nothing on, so holding it or ceasing to moves no level: an import of new, unclassified
/// informationsmängder recomputes no system. An integration moves nothing.
async fn systems_moved(
    db: &impl ConnectionTrait,
    relations: &[(RelationKind, i64, i64)],
) -> Result<BTreeSet<i64>, StoreError> {
    let held: BTreeSet<i64> = relations
        .iter()
        .filter(|(kind, ..)| *kind == RelationKind::HeldBy)
        .map(|(_, information, _)| *information)
        .collect();
    let passing: BTreeSet<i64> = crate::levels::approved_levels(db, &held)
        .await?
        .into_iter()
        .filter(|(_, levels)| levels.values().any(|level| *level > 0))
        .map(|(information, _)| information)
        .collect();
    Ok(relations
        .iter()
        .filter_map(|&(kind, from, to)| match kind {
            RelationKind::RunsOn => Some(to),
            RelationKind::HeldBy => passing.contains(&from).then_some(to),
            RelationKind::IntegratesWith => None,
        })
        .collect())
}

/// Whether `person_id` is named on `item`: objektsägare or förvaltningsledare of the förvaltningsobjekt (or of the
/// one a system belongs to), systemförvaltare of the system, informationsägare of the informationsmängd.
pub async fn is_responsible(
    db: &impl ConnectionTrait,
    person_id: i64,
    item: &inventory_item::Model,
) -> Result<bool, StoreError> {
    let names = |model: &inventory_item::Model| {
        [
            model.owner_person_id,
            model.business_manager_person_id,
            model.it_manager_person_id,
            model.system_manager_person_id,
        ]
        .contains(&Some(person_id))
    };
    if names(item) {
        return Ok(true);
    }
    if let Some(parent_id) = item.parent_id {
        let parent = get(db, item.organisation_id, parent_id).await?;
        return Ok(names(&parent));
    }
    Ok(false)
}

/// The records `person_id` is named on, in use, by kind and name: what "Mina objekt" lists.
pub async fn mine(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    person_id: i64,
) -> Result<Vec<inventory_item::Model>, StoreError> {
    // One lookup per column, each through its own index: asked with OR in one statement, SQLite at times chose to
    // scan every record of the organisation instead (50-100 ms in the benchmark, against 1 ms).
    let mut named: BTreeSet<i64> = BTreeSet::new();
    for column in [
        inventory_item::Column::OwnerPersonId,
        inventory_item::Column::BusinessManagerPersonId,
        inventory_item::Column::ItManagerPersonId,
        inventory_item::Column::SystemManagerPersonId,
    ] {
        named.extend(
            inventory_item::Entity::find()
                .select_only()
                .column(inventory_item::Column::Id)
                .filter(column.eq(person_id))
                .into_tuple::<i64>()
                .all(db)
                .await?,
        );
    }
    let named: Vec<i64> = named.into_iter().collect();
    let mut direct = Vec::with_capacity(named.len());
    for chunk in named.chunks(BATCH) {
        direct.extend(
            inventory_item::Entity::find()
                .filter(inventory_item::Column::Id.is_in(chunk.iter().copied()))
                .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
                .filter(inventory_item::Column::RetiredAt.is_null())
                .all(db)
                .await?,
        );
    }
    let objects: Vec<i64> = direct
        .iter()
        .filter(|item| kind_of(item) == ItemKind::ManagementObject)
        .map(|item| item.id)
        .collect();
    let mut all = direct;
    if !objects.is_empty() {
        let known: BTreeSet<i64> = all.iter().map(|item| item.id).collect();
        let systems = inventory_item::Entity::find()
            .filter(inventory_item::Column::ParentId.is_in(objects))
            .filter(inventory_item::Column::RetiredAt.is_null())
            .all(db)
            .await?;
        all.extend(systems.into_iter().filter(|system| !known.contains(&system.id)));
    }
    all.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.name_key.cmp(&b.name_key)));
    Ok(all)
}

/// How a list is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// By name, A to Ö.
    #[default]
    NameAscending,
    /// By name, Ö to A.
    NameDescending,
    /// Most recently changed first.
    RecentlyChanged,
}

/// What a list shows: one kind, filtered, searched, sorted and paged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery {
    /// The kind listed.
    pub kind: ItemKind,
    /// Words to find in the name or external id.
    pub search: Option<String>,
    /// Only records of these units (a unit and the units below it, as the caller expands it).
    pub org_units: Option<Vec<i64>>,
    /// Only records this person is named on (for systems: also through their förvaltningsobjekt).
    pub person_id: Option<i64>,
    /// Only systems in this stage of life.
    pub lifecycle: Option<Lifecycle>,
    /// Only systems operated this way.
    pub hosting: Option<Hosting>,
    /// Only systems with this tag.
    pub tag: Option<String>,
    /// Only systems of this förvaltningsobjekt.
    pub parent_id: Option<i64>,
    /// Include retired records.
    pub include_retired: bool,
    /// The order.
    pub sort: SortOrder,
    /// The page, counting from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}

impl ListQuery {
    /// The first page of every record of `kind` in use, by name, 50 to a page.
    pub fn new(kind: ItemKind) -> Self {
        Self {
            kind,
            search: None,
            org_units: None,
            person_id: None,
            lifecycle: None,
            hosting: None,
            tag: None,
            parent_id: None,
            include_retired: false,
            sort: SortOrder::default(),
            page: 1,
            per_page: 50,
        }
    }
}

/// One page of a list and how many records match in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListPage {
    /// The records on this page.
    pub items: Vec<inventory_item::Model>,
    /// How many records match.
    pub total: u64,
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// One page of records matching `query`.
pub async fn list(db: &impl ConnectionTrait, organisation_id: i64, query: &ListQuery) -> Result<ListPage, StoreError> {
    use inventory_item::Column as C;
    let select = matching(db, organisation_id, query).await?;
    let select = match query.sort {
        SortOrder::NameAscending => select.order_by_asc(C::NameKey),
        SortOrder::NameDescending => select.order_by_desc(C::NameKey),
        SortOrder::RecentlyChanged => select.order_by_desc(C::UpdatedAt),
    }
    .order_by_asc(C::Id);
    let per_page = query.per_page.clamp(1, 500);
    let paginator = select.paginate(db, per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(query.page.saturating_sub(1)).await?;
    Ok(ListPage { items, total })
}

/// The records `query` matches (its filters and search, not its order or page), as a query to run, count or use as
/// a subquery.
pub async fn matching(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    query: &ListQuery,
) -> Result<sea_orm::Select<inventory_item::Entity>, StoreError> {
    use inventory_item::Column as C;
    let mut select = inventory_item::Entity::find()
        .filter(C::OrganisationId.eq(organisation_id))
        .filter(C::Kind.eq(query.kind.as_str()));
    if !query.include_retired {
        select = select.filter(C::RetiredAt.is_null());
    }
    if let Some(units) = &query.org_units {
        select = match query.kind {
            ItemKind::System => {
                // A system's parent is always a förvaltningsobjekt: only those are looked for, not every record of
                // the units (informationsmängder are many).
                let objects = inventory_item::Entity::find()
                    .select_only()
                    .column(C::Id)
                    .filter(C::OrganisationId.eq(organisation_id))
                    .filter(C::Kind.eq(ItemKind::ManagementObject.as_str()))
                    .filter(C::OrgUnitId.is_in(units.iter().copied()))
                    .into_tuple::<i64>()
                    .all(db)
                    .await?;
                select.filter(C::ParentId.is_in(objects))
            }
            ItemKind::ManagementObject | ItemKind::InformationSet => {
                select.filter(C::OrgUnitId.is_in(units.iter().copied()))
            }
        };
    }
    if let Some(person_id) = query.person_id {
        let mut named = Condition::any()
            .add(C::OwnerPersonId.eq(person_id))
            .add(C::BusinessManagerPersonId.eq(person_id))
            .add(C::ItManagerPersonId.eq(person_id))
            .add(C::SystemManagerPersonId.eq(person_id));
        if query.kind == ItemKind::System {
            let objects = inventory_item::Entity::find()
                .select_only()
                .column(C::Id)
                .filter(C::OrganisationId.eq(organisation_id))
                .filter(C::Kind.eq(ItemKind::ManagementObject.as_str()))
                .filter(
                    Condition::any()
                        .add(C::OwnerPersonId.eq(person_id))
                        .add(C::BusinessManagerPersonId.eq(person_id))
                        .add(C::ItManagerPersonId.eq(person_id)),
                )
                .into_tuple::<i64>()
                .all(db)
                .await?;
            named = named.add(C::ParentId.is_in(objects));
        }
        select = select.filter(named);
    }
    if let Some(lifecycle) = query.lifecycle {
        select = select.filter(C::Lifecycle.eq(lifecycle.as_str()));
    }
    if let Some(hosting) = query.hosting {
        select = select.filter(C::Hosting.eq(hosting.as_str()));
    }
    if let Some(parent_id) = query.parent_id {
        select = select.filter(C::ParentId.eq(parent_id));
    }
    if let Some(tag) = query.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // Tags are stored one per line: match a whole line.
        let tag = escape_like(&tag.to_lowercase());
        select = select.filter(
            Condition::any()
                .add(C::Tags.eq(tag.replace('\\', "")))
                .add(Expr::col(C::Tags).like(LikeExpr::new(format!("{tag}\n%")).escape('\\')))
                .add(Expr::col(C::Tags).like(LikeExpr::new(format!("%\n{tag}")).escape('\\')))
                .add(Expr::col(C::Tags).like(LikeExpr::new(format!("%\n{tag}\n%")).escape('\\'))),
        );
    }
    // The search comes last: the conditions before it are cheaper, and SQLite tests them in the order given.
    if let Some(search) = query.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = format!("%{}%", escape_like(&search.to_lowercase()));
        select = select.filter(
            Condition::any()
                .add(Expr::col(C::NameKey).like(LikeExpr::new(pattern.clone()).escape('\\')))
                .add(Expr::expr(Func::lower(Expr::col(C::ExternalId))).like(LikeExpr::new(pattern).escape('\\'))),
        );
    }
    Ok(select)
}

/// Records by id (retired ones too), for showing names next to references.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<BTreeMap<i64, inventory_item::Model>, StoreError> {
    let ids: BTreeSet<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(inventory_item::Entity::find()
        .filter(inventory_item::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|item| (item.id, item))
        .collect())
}

/// The förvaltningsobjekt in use, by name: the choices for a system's förvaltningsobjekt.
pub async fn management_objects(
    db: &impl ConnectionTrait,
    organisation_id: i64,
) -> Result<Vec<inventory_item::Model>, StoreError> {
    Ok(inventory_item::Entity::find()
        .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
        .filter(inventory_item::Column::Kind.eq(ItemKind::ManagementObject.as_str()))
        .filter(inventory_item::Column::RetiredAt.is_null())
        .order_by_asc(inventory_item::Column::NameKey)
        .all(db)
        .await?)
}

/// Every tag used on systems in use, sorted: the choices of the tag filter.
pub async fn tags_in_use(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Vec<String>, StoreError> {
    let stored: Vec<String> = inventory_item::Entity::find()
        .select_only()
        .column(inventory_item::Column::Tags)
        .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
        .filter(inventory_item::Column::Kind.eq(ItemKind::System.as_str()))
        .filter(inventory_item::Column::RetiredAt.is_null())
        .filter(inventory_item::Column::Tags.ne(""))
        .distinct()
        .into_tuple::<String>()
        .all(db)
        .await?;
    let tags: BTreeSet<String> = stored.iter().flat_map(|tags| split_tags(tags)).collect();
    Ok(tags.into_iter().collect())
}

/// A relation seen from one of its ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationView {
    /// The relation.
    pub relation: inventory_relation::Model,
    /// Whether the record looked at is the relation's `from` end.
    pub outgoing: bool,
    /// The record at the other end.
    pub other: ItemLabel,
}

/// What a link to a record needs: its id, kind, name and whether it is retired.
#[derive(Clone, Debug, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct ItemLabel {
    /// Its id.
    pub id: i64,
    /// Its kind (an [`ItemKind`] value).
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Its name folded for sorting and matching.
    pub name_key: String,
    /// When it was retired.
    pub retired_at: Option<chrono::DateTime<Utc>>,
}

impl From<&inventory_item::Model> for ItemLabel {
    fn from(item: &inventory_item::Model) -> Self {
        Self {
            id: item.id,
            kind: item.kind.clone(),
            name: item.name.clone(),
            name_key: item.name_key.clone(),
            retired_at: item.retired_at,
        }
    }
}

impl ItemLabel {
    /// Its kind.
    pub fn kind(&self) -> ItemKind {
        kind_from(self.id, &self.kind)
    }
}

/// The labels of the given records, by id; ids that do not exist are left out. Reads only the columns a link shows,
/// so a record with hundreds of relations does not load hundreds of descriptions.
pub async fn labels_by_ids(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<BTreeMap<i64, ItemLabel>, StoreError> {
    use inventory_item::Column as C;
    let ids: BTreeSet<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(inventory_item::Entity::find()
        .select_only()
        .columns([C::Id, C::Kind, C::Name, C::NameKey, C::RetiredAt])
        .filter(C::Id.is_in(ids))
        .into_model::<ItemLabel>()
        .all(db)
        .await?
        .into_iter()
        .map(|label| (label.id, label))
        .collect())
}

/// Every relation of a record, both ways, with the record at the other end. (Outgoing relations of a kind this LIS
/// does not know, which only a newer LIS could have written and no page could show, are left out.)
pub async fn relations_of(db: &impl ConnectionTrait, item_id: i64) -> Result<Vec<RelationView>, StoreError> {
    use inventory_relation::Column as R;
    let kinds = RelationKind::ALL.iter().map(|k| k.as_str());
    let relations = inventory_relation::Entity::find()
        .filter(
            // Naming the kinds lets the `from` end be found through the (kind, from, to) index; the `to` end has an
            // index of its own. Without them both databases read every relation.
            Condition::any()
                .add(
                    Condition::all()
                        .add(R::Kind.is_in(kinds))
                        .add(R::FromItemId.eq(item_id)),
                )
                .add(R::ToItemId.eq(item_id)),
        )
        .order_by_asc(inventory_relation::Column::Id)
        .all(db)
        .await?;
    let others = labels_by_ids(
        db,
        relations.iter().map(|r| {
            if r.from_item_id == item_id {
                r.to_item_id
            } else {
                r.from_item_id
            }
        }),
    )
    .await?;
    let mut views: Vec<RelationView> = relations
        .into_iter()
        .filter_map(|relation| {
            let outgoing = relation.from_item_id == item_id;
            let other_id = if outgoing {
                relation.to_item_id
            } else {
                relation.from_item_id
            };
            let other = others.get(&other_id)?.clone();
            Some(RelationView {
                relation,
                outgoing,
                other,
            })
        })
        .collect();
    views.sort_by(|a, b| {
        (a.relation.kind.as_str(), !a.outgoing, a.other.name_key.as_str()).cmp(&(
            b.relation.kind.as_str(),
            !b.outgoing,
            b.other.name_key.as_str(),
        ))
    });
    Ok(views)
}

/// Every `runs_on` edge of the organisation, for cycle checks.
async fn runs_on_edges(txn: &DatabaseTransaction, organisation_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(inventory_relation::Entity::find()
        .select_only()
        .column(inventory_relation::Column::FromItemId)
        .column(inventory_relation::Column::ToItemId)
        .filter(inventory_relation::Column::OrganisationId.eq(organisation_id))
        .filter(inventory_relation::Column::Kind.eq(RelationKind::RunsOn.as_str()))
        .into_tuple::<(i64, i64)>()
        .all(txn)
        .await?)
}

/// Relates two records: an informationsmängd held by a system, or a system that runs on or integrates with another.
/// Refused when the ends are of the wrong kinds or retired, when the relation exists (an integration counts both
/// ways), or when a system would run on itself, however indirectly ([`StoreError::Cycle`] names the chain).
#[tracing::instrument(skip_all, err, fields(kind = %kind, from = from_id, to = to_id))]
pub async fn relate(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    kind: RelationKind,
    from_id: i64,
    to_id: i64,
) -> Result<inventory_relation::Model, StoreError> {
    let (from_kind, to_kind) = kind.ends();
    let from = get(txn, organisation_id, from_id).await?;
    let to = get(txn, organisation_id, to_id).await?;
    if kind_of(&from) != from_kind || from.retired_at.is_some() {
        return Err(not_found(from_kind.as_str(), from_id));
    }
    if kind_of(&to) != to_kind || to.retired_at.is_some() {
        return Err(not_found(to_kind.as_str(), to_id));
    }
    let mut existing = Condition::any().add(
        Condition::all()
            .add(inventory_relation::Column::FromItemId.eq(from_id))
            .add(inventory_relation::Column::ToItemId.eq(to_id)),
    );
    if kind == RelationKind::IntegratesWith {
        existing = existing.add(
            Condition::all()
                .add(inventory_relation::Column::FromItemId.eq(to_id))
                .add(inventory_relation::Column::ToItemId.eq(from_id)),
        );
    }
    let duplicate = inventory_relation::Entity::find()
        .filter(inventory_relation::Column::Kind.eq(kind.as_str()))
        .filter(existing)
        .one(txn)
        .await?;
    if duplicate.is_some() {
        return Err(StoreError::AlreadyExists {
            kind: "inventory_relation",
            id: format!("{from_id} {kind} {to_id}"),
        });
    }
    if from_id == to_id || kind == RelationKind::RunsOn {
        let edges = if kind == RelationKind::RunsOn {
            runs_on_edges(txn, organisation_id).await?
        } else {
            Vec::new()
        };
        if let Some(chain) = inventory::cycle_through(&edges, from_id, to_id) {
            let names = by_ids(txn, chain.iter().copied()).await?;
            return Err(StoreError::Cycle {
                names: chain
                    .iter()
                    .map(|id| names.get(id).map_or_else(|| id.to_string(), |item| item.name.clone()))
                    .collect(),
            });
        }
    }
    let created = inventory_relation::ActiveModel {
        organisation_id: Set(organisation_id),
        kind: Set(kind.as_str().to_owned()),
        from_item_id: Set(from_id),
        to_item_id: Set(to_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let change = Change::created(
        Some(organisation_id),
        SubjectRef::new("inventory_relation", created.id),
        json!({ "kind": kind, "from": from_id, "from_name": from.name, "to": to_id, "to_name": to.name }),
    );
    audit::append(txn, ctx, change).await?;
    let moved = systems_moved(txn, &[(kind, from_id, to_id)]).await?;
    crate::levels::recompute(txn, ctx, organisation_id, &moved, &BTreeSet::new()).await?;
    Ok(created)
}

/// Relates pairs of records, each (kind, from, to) as [`relate`] would: the same checks in the same order, each
/// relation seeing those before it as made (the first that fails them fails the call with the error `relate` gives
/// it), and one audit event per relation, in order. For imports: up to twice [`BATCH`] relations are checked with a
/// few statements and written, with their events, with two multi-row inserts. Returns the new relations' ids in the
/// order given.
pub async fn relate_many(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    wanted: &[(RelationKind, i64, i64)],
) -> Result<Vec<i64>, StoreError> {
    relate_many_with_new(txn, ctx, organisation_id, wanted, &HashSet::new()).await
}

/// [`relate_many`], told which records are new: created in this transaction and not related since, so that no
/// relation of theirs is stored yet. The check for relations already made does not look those up, which for an
/// import, whose new records are at most of the relations' ends, is most of the lookups.
#[tracing::instrument(skip_all, err, fields(relations = wanted.len(), new_records = new_records.len()))]
pub async fn relate_many_with_new(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    wanted: &[(RelationKind, i64, i64)],
    new_records: &HashSet<i64>,
) -> Result<Vec<i64>, StoreError> {
    use inventory_item::Column as C;
    use inventory_relation::Column as R;
    /// What the checks need of a record at either end: its kind, its name and whether it is retired.
    struct End {
        kind: ItemKind,
        name: String,
        retired: bool,
    }
    let mut made = Vec::with_capacity(wanted.len());
    // The runs-on graph, read when first needed and grown with every runs-on relation made (relate reads it anew).
    let mut runs_on: Option<Vec<(i64, i64)>> = None;
    let mut added: HashSet<(RelationKind, i64, i64)> = HashSet::new();
    // The records at the ends, read once per call: relating changes no record.
    let mut records: HashMap<i64, End> = HashMap::new();
    for batch in wanted.chunks(BATCH * 2) {
        let unread: BTreeSet<i64> = batch
            .iter()
            .flat_map(|(_, from, to)| [*from, *to])
            .filter(|id| !records.contains_key(id))
            .collect();
        if !unread.is_empty() {
            let read = inventory_item::Entity::find()
                .select_only()
                .columns([C::Id, C::Kind, C::Name])
                .column_as(C::RetiredAt.is_not_null(), "retired")
                .filter(C::Id.is_in(unread))
                .filter(C::OrganisationId.eq(organisation_id))
                .into_tuple::<(i64, String, String, bool)>()
                .all(txn)
                .await?;
            records.extend(read.into_iter().map(|(id, kind, name, retired)| {
                let kind = kind_from(id, &kind);
                (id, End { kind, name, retired })
            }));
        }
        // Stored relations that one of the batch would repeat: of its kind, from its `from` end (or, for an
        // integration, which counts both ways, from either end). A new record has none to look up.
        let mut stored: HashSet<(RelationKind, i64, i64)> = HashSet::new();
        for kind in RelationKind::ALL.iter().copied() {
            let starts: BTreeSet<i64> = batch
                .iter()
                .filter(|(k, ..)| *k == kind)
                .flat_map(|(_, from, to)| {
                    let both = kind == RelationKind::IntegratesWith;
                    [Some(*from), both.then_some(*to)]
                })
                .flatten()
                .filter(|id| !new_records.contains(id))
                .collect();
            if starts.is_empty() {
                continue;
            }
            let pairs = inventory_relation::Entity::find()
                .select_only()
                .columns([R::FromItemId, R::ToItemId])
                .filter(R::Kind.eq(kind.as_str()))
                .filter(R::FromItemId.is_in(starts))
                .into_tuple::<(i64, i64)>()
                .all(txn)
                .await?;
            stored.extend(pairs.into_iter().map(|(from, to)| (kind, from, to)));
        }
        let now = Utc::now();
        let mut models = Vec::with_capacity(batch.len());
        let mut snapshots = Vec::with_capacity(batch.len());
        for &(kind, from_id, to_id) in batch {
            let (from_kind, to_kind) = kind.ends();
            let from = records
                .get(&from_id)
                .ok_or_else(|| not_found("inventory_item", from_id))?;
            let to = records.get(&to_id).ok_or_else(|| not_found("inventory_item", to_id))?;
            if from.kind != from_kind || from.retired {
                return Err(not_found(from_kind.as_str(), from_id));
            }
            if to.kind != to_kind || to.retired {
                return Err(not_found(to_kind.as_str(), to_id));
            }
            let exists = |a: i64, b: i64| stored.contains(&(kind, a, b)) || added.contains(&(kind, a, b));
            if exists(from_id, to_id) || (kind == RelationKind::IntegratesWith && exists(to_id, from_id)) {
                return Err(StoreError::AlreadyExists {
                    kind: "inventory_relation",
                    id: format!("{from_id} {kind} {to_id}"),
                });
            }
            if from_id == to_id || kind == RelationKind::RunsOn {
                if kind == RelationKind::RunsOn && runs_on.is_none() {
                    runs_on = Some(runs_on_edges(txn, organisation_id).await?);
                }
                let edges = match (&runs_on, kind) {
                    (Some(edges), RelationKind::RunsOn) => edges.as_slice(),
                    _ => &[],
                };
                if let Some(chain) = inventory::cycle_through(edges, from_id, to_id) {
                    let names = by_ids(txn, chain.iter().copied()).await?;
                    return Err(StoreError::Cycle {
                        names: chain
                            .iter()
                            .map(|id| names.get(id).map_or_else(|| id.to_string(), |item| item.name.clone()))
                            .collect(),
                    });
                }
            }
            if kind == RelationKind::RunsOn
                && let Some(edges) = runs_on.as_mut()
            {
                edges.push((from_id, to_id));
            }
            added.insert((kind, from_id, to_id));
            models.push(inventory_relation::ActiveModel {
                organisation_id: Set(organisation_id),
                kind: Set(kind.as_str().to_owned()),
                from_item_id: Set(from_id),
                to_item_id: Set(to_id),
                created_at: Set(now),
                ..Default::default()
            });
            snapshots.push(json!({
                "kind": kind, "from": from_id, "from_name": from.name, "to": to_id, "to_name": to.name
            }));
        }
        // Each (kind, from, to) is made once, so that is how the inserted rows (in no promised order) are told apart.
        let (columns, values) = rows::of_models(models)?;
        let returning = [R::Id, R::Kind, R::FromItemId, R::ToItemId].map(|column| column.as_str());
        let insert = rows::insert(
            txn.get_database_backend(),
            "inventory_relation",
            &columns,
            &[],
            values,
            &returning,
        );
        let mut inserted: HashMap<(String, i64, i64), i64> = HashMap::new();
        for row in txn.query_all_raw(insert).await? {
            let key = (
                row.try_get::<String>("", "kind")?,
                row.try_get::<i64>("", "from_item_id")?,
                row.try_get::<i64>("", "to_item_id")?,
            );
            inserted.insert(key, row.try_get::<i64>("", "id")?);
        }
        let mut changes = Vec::with_capacity(batch.len());
        for (&(kind, from_id, to_id), snapshot) in batch.iter().zip(snapshots) {
            let id = inserted
                .remove(&(kind.as_str().to_owned(), from_id, to_id))
                .ok_or(sea_orm::DbErr::RecordNotInserted)?;
            changes.push(Change::created(
                Some(organisation_id),
                SubjectRef::new("inventory_relation", id),
                snapshot,
            ));
            made.push(id);
        }
        audit::append_many(txn, ctx, changes).await?;
    }
    let moved = systems_moved(txn, wanted).await?;
    crate::levels::recompute(txn, ctx, organisation_id, &moved, &BTreeSet::new()).await?;
    Ok(made)
}

/// One relation of the organisation, or [`StoreError::NotFound`].
pub async fn relation(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    relation_id: i64,
) -> Result<inventory_relation::Model, StoreError> {
    inventory_relation::Entity::find_by_id(relation_id)
        .filter(inventory_relation::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?
        .ok_or_else(|| not_found("inventory_relation", relation_id))
}

/// Removes a relation, keeping what it was in the audit trail.
#[tracing::instrument(skip_all, err, fields(relation.id = relation_id))]
pub async fn unrelate(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    relation_id: i64,
) -> Result<(), StoreError> {
    let existing = relation(txn, organisation_id, relation_id).await?;
    inventory_relation::Entity::delete_by_id(relation_id).exec(txn).await?;
    let change = Change {
        organisation_id: Some(organisation_id),
        action: AuditAction::Retire,
        subject: SubjectRef::new("inventory_relation", relation_id),
        before: Some(json!({
            "kind": existing.kind,
            "from": existing.from_item_id,
            "to": existing.to_item_id,
        })),
        after: None,
    };
    audit::append(txn, ctx, change).await?;
    let moved = match existing.kind.parse::<RelationKind>() {
        Ok(kind) => systems_moved(txn, &[(kind, existing.from_item_id, existing.to_item_id)]).await?,
        Err(_) => BTreeSet::new(),
    };
    crate::levels::recompute(txn, ctx, organisation_id, &moved, &BTreeSet::new()).await?;
    Ok(())
}

/// How many records of each kind are in use, for the overview.
pub async fn counts(db: &impl ConnectionTrait, organisation_id: i64) -> Result<BTreeMap<String, u64>, StoreError> {
    let rows: Vec<(String, i64)> = inventory_item::Entity::find()
        .select_only()
        .column(inventory_item::Column::Kind)
        .column_as(inventory_item::Column::Id.count(), "count")
        .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
        .filter(inventory_item::Column::RetiredAt.is_null())
        .group_by(inventory_item::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, count)| (kind, u64::try_from(count).unwrap_or(0)))
        .collect())
}

impl ItemFields {
    /// Sets a property that is given as text (everything but the references to units, people and records) from
    /// what a person wrote, checked. References are resolved by the caller, which knows whether they came as ids or
    /// as names.
    pub fn set_text(&mut self, field: Field, raw: &str) -> Result<(), ValueProblem> {
        let short = |raw: &str| inventory::line(raw, inventory::limits::SHORT);
        match field {
            Field::Name => self.name = inventory::name(raw)?,
            Field::ExternalId => self.external_id = short(raw)?,
            Field::Description => self.description = inventory::description(raw)?,
            Field::PlanReference => self.plan_reference = short(raw)?,
            Field::Supplier => self.supplier = short(raw)?,
            Field::StorageCountry => self.storage_country = short(raw)?,
            Field::OslReference => self.osl_reference = short(raw)?,
            Field::Tags => self.tags = inventory::tags(raw)?,
            Field::Hosting => {
                self.hosting = inventory::choice(raw, Hosting::from_label, Hosting::ALL, Hosting::swedish)?;
            }
            Field::Lifecycle => {
                self.lifecycle = inventory::choice(raw, Lifecycle::from_label, Lifecycle::ALL, Lifecycle::swedish)?;
            }
            Field::PersonalData => self.personal_data = inventory::yes_no(raw)?,
            Field::Secrecy => self.secrecy = inventory::yes_no(raw)?,
            Field::SecurityProtection => self.security_protection = inventory::yes_no(raw)?.unwrap_or(false),
            Field::OrgUnit
            | Field::ManagementObject
            | Field::ObjectOwner
            | Field::BusinessManager
            | Field::ItManager
            | Field::SystemManager
            | Field::InformationOwner => {}
        }
        Ok(())
    }

    /// The reference a property holds (an org unit, a förvaltningsobjekt or a person), if it is a reference.
    pub fn reference_mut(&mut self, field: Field) -> Option<&mut Option<i64>> {
        match field {
            Field::OrgUnit => Some(&mut self.org_unit_id),
            Field::ManagementObject => Some(&mut self.parent_id),
            Field::ObjectOwner | Field::InformationOwner => Some(&mut self.owner_person_id),
            Field::BusinessManager => Some(&mut self.business_manager_person_id),
            Field::ItManager => Some(&mut self.it_manager_person_id),
            Field::SystemManager => Some(&mut self.system_manager_person_id),
            _ => None,
        }
    }

    /// The reference a property holds, read.
    pub fn reference(&self, field: Field) -> Option<Option<i64>> {
        let mut copy = self.clone();
        copy.reference_mut(field).map(|r| *r)
    }

    /// A property that is given as text, as text again (the Swedish words for choices), for forms and exports.
    pub fn text(&self, field: Field) -> String {
        let yes_no = |value: Option<bool>| match value {
            Some(true) => "ja".to_owned(),
            Some(false) => "nej".to_owned(),
            None => String::new(),
        };
        match field {
            Field::Name => self.name.clone(),
            Field::ExternalId => self.external_id.clone().unwrap_or_default(),
            Field::Description => self.description.clone(),
            Field::PlanReference => self.plan_reference.clone().unwrap_or_default(),
            Field::Supplier => self.supplier.clone().unwrap_or_default(),
            Field::StorageCountry => self.storage_country.clone().unwrap_or_default(),
            Field::OslReference => self.osl_reference.clone().unwrap_or_default(),
            Field::Tags => self.tags.join(", "),
            Field::Hosting => self.hosting.map(Hosting::swedish).unwrap_or_default().to_owned(),
            Field::Lifecycle => self.lifecycle.map(Lifecycle::swedish).unwrap_or_default().to_owned(),
            Field::PersonalData => yes_no(self.personal_data),
            Field::Secrecy => yes_no(self.secrecy),
            Field::SecurityProtection => yes_no(Some(self.security_protection)),
            Field::OrgUnit
            | Field::ManagementObject
            | Field::ObjectOwner
            | Field::BusinessManager
            | Field::ItManager
            | Field::SystemManager
            | Field::InformationOwner => String::new(),
        }
    }
}

/// The record in use of `kind` that a person means by `text`: its external id, else its name (in any case).
/// No match is [`ValueProblem::Unknown`], several are [`ValueProblem::Ambiguous`].
pub async fn find_by_reference(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    kind: ItemKind,
    text: &str,
) -> Result<inventory_item::Model, ValueProblem> {
    let wanted = text.trim();
    if wanted.is_empty() {
        return Err(ValueProblem::Text(inventory::TextProblem::Required));
    }
    let in_use = || {
        inventory_item::Entity::find()
            .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
            .filter(inventory_item::Column::Kind.eq(kind.as_str()))
            .filter(inventory_item::Column::RetiredAt.is_null())
            .limit(2)
    };
    let failed = |err: sea_orm::DbErr| {
        tracing::error!(error = %err, "looking up an inventory record");
        ValueProblem::Unknown
    };
    let by_id = in_use()
        .filter(inventory_item::Column::ExternalId.eq(wanted))
        .all(db)
        .await
        .map_err(failed)?;
    let mut found = if by_id.is_empty() {
        in_use()
            .filter(inventory_item::Column::NameKey.eq(wanted.to_lowercase()))
            .all(db)
            .await
            .map_err(failed)?
    } else {
        by_id
    };
    match found.len() {
        0 => Err(ValueProblem::Unknown),
        1 => Ok(found.remove(0)),
        _ => Err(ValueProblem::Ambiguous),
    }
}
