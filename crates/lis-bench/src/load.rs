//! Loading the generated municipality into a fresh database, fast.
//!
//! The organisation, its units and its people go through LIS's services (each with its audit event). The inventory
//! itself (förvaltningsobjekt, systems, informationsmängder and their relations) is written with multi-row inserts
//! in one transaction and **without audit events**: it is set-up data for measuring reads, not a use case. The
//! import that is measured writes through LIS's own import, audit events included.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow};
use chrono::Utc;
use lis_domain::inventory::ItemKind;
use lis_domain::{Role, RoleGrant};
use lis_store::audit::ChangeContext;
use lis_store::entity::{inventory_item, inventory_relation};
use lis_store::organisation::{NewOrgUnit, NewOrganisation};
use lis_store::people::SignInIdentity;
use lis_store::{DatabaseConnection, TransactionTrait};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};

use crate::generate::{Item, Municipality};

/// Rows per multi-row insert: well under SQLite's and PostgreSQL's limits on bound values.
const CHUNK: usize = 500;

/// The database ids of what was loaded.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The organisation.
    pub organisation_id: i64,
    /// Per unit of [`Municipality::units`].
    pub unit_ids: Vec<i64>,
    /// Per person of [`Municipality::people`].
    pub person_ids: Vec<i64>,
    /// Per förvaltningsobjekt.
    pub object_ids: Vec<i64>,
    /// Per system.
    pub system_ids: Vec<i64>,
    /// Per informationsmängd.
    pub information_set_ids: Vec<i64>,
    /// The person the benchmark signs in as: a CISO, who may see and change everything.
    pub signed_in_person_id: i64,
    /// How long loading took.
    pub took: Duration,
}

impl Loaded {
    /// The id of a record of the municipality.
    pub fn item_id(&self, kind: ItemKind, index: usize) -> Option<i64> {
        match kind {
            ItemKind::ManagementObject => self.object_ids.get(index),
            ItemKind::System => self.system_ids.get(index),
            ItemKind::InformationSet => self.information_set_ids.get(index),
        }
        .copied()
    }
}

/// Loads `m` into the migrated, empty database `db`.
pub async fn load(db: &DatabaseConnection, m: &Municipality) -> Result<Loaded> {
    let started = Instant::now();
    let ctx = ChangeContext::system("bench");
    let txn = db.begin().await?;
    let organisation = lis_store::organisation::create_organisation(
        &txn,
        &ctx,
        NewOrganisation {
            name: m.name.clone(),
            municipality_code: None,
            is_demo: false,
        },
    )
    .await?;
    let organisation_id = organisation.id;
    let mut unit_ids: Vec<i64> = Vec::with_capacity(m.units.len());
    for (position, unit) in m.units.iter().enumerate() {
        let parent_id = match unit.parent {
            Some(parent) => Some(
                *unit_ids
                    .get(parent)
                    .ok_or_else(|| anyhow!("a unit comes before its parent"))?,
            ),
            None => None,
        };
        let new = NewOrgUnit {
            parent_id,
            name: unit.name.clone(),
            kind: unit.kind,
            position: i32::try_from(position).unwrap_or(i32::MAX),
            external_id: None,
        };
        unit_ids.push(
            lis_store::organisation::create_org_unit(&txn, &ctx, organisation_id, new)
                .await?
                .id,
        );
    }
    let mut person_ids = Vec::with_capacity(m.people.len());
    for (index, person) in m.people.iter().enumerate() {
        let identity = SignInIdentity {
            issuer: "urn:lis:bench".to_owned(),
            subject: format!("bench-{index}"),
            display_name: person.name.clone(),
            email: Some(person.email.clone()),
            groups: Vec::new(),
        };
        person_ids.push(
            lis_store::people::create(&txn, &ctx, organisation_id, &identity)
                .await?
                .id,
        );
    }
    let ciso = SignInIdentity {
        issuer: "urn:lis:bench".to_owned(),
        subject: "bench-ciso".to_owned(),
        display_name: "Bänk Ciso".to_owned(),
        email: Some("ciso@storkommun.se".to_owned()),
        groups: Vec::new(),
    };
    let signed_in = lis_store::people::create(&txn, &ctx, organisation_id, &ciso).await?;
    let grant = RoleGrant {
        role: Role::Ciso,
        org_unit_id: None,
    };
    lis_store::people::grant_role(&txn, &ctx, organisation_id, signed_in.id, grant).await?;
    txn.commit().await?;

    let ids = Ids {
        organisation_id,
        units: &unit_ids,
        people: &person_ids,
    };
    let txn = db.begin().await?;
    let object_ids = insert_items(&txn, &ids, ItemKind::ManagementObject, &m.objects, &[]).await?;
    let system_ids = insert_items(&txn, &ids, ItemKind::System, &m.systems, &object_ids).await?;
    let information_set_ids = insert_items(&txn, &ids, ItemKind::InformationSet, &m.information_sets, &[]).await?;
    let mut loaded = Loaded {
        organisation_id,
        unit_ids: unit_ids.clone(),
        person_ids: person_ids.clone(),
        object_ids,
        system_ids,
        information_set_ids,
        signed_in_person_id: signed_in.id,
        took: Duration::ZERO,
    };
    let now = Utc::now();
    let mut relations = Vec::with_capacity(m.relations.len());
    for relation in &m.relations {
        let end = |(kind, index): (ItemKind, usize)| {
            loaded
                .item_id(kind, index)
                .ok_or_else(|| anyhow!("a relation names a record that was not loaded"))
        };
        relations.push(inventory_relation::ActiveModel {
            organisation_id: Set(organisation_id),
            kind: Set(relation.kind.as_str().to_owned()),
            from_item_id: Set(end(relation.from)?),
            to_item_id: Set(end(relation.to)?),
            created_at: Set(now),
            ..Default::default()
        });
    }
    let mut rest = relations.into_iter().peekable();
    while rest.peek().is_some() {
        let chunk: Vec<_> = rest.by_ref().take(CHUNK * 2).collect();
        inventory_relation::Entity::insert_many(chunk)
            .exec_without_returning(&txn)
            .await
            .context("inserting relations")?;
    }
    txn.commit().await?;
    // A database in use has statistics: PostgreSQL's autovacuum gathers them, and `lis serve` runs `ANALYZE` on an
    // SQLite file when it starts; a freshly loaded one would have them only later.
    db.execute_unprepared("ANALYZE").await?;
    loaded.took = started.elapsed();
    Ok(loaded)
}

struct Ids<'a> {
    organisation_id: i64,
    units: &'a [i64],
    people: &'a [i64],
}

/// Inserts the records of one kind and returns their ids in the order given. Names are unique per kind in the
/// generated municipality, so the ids are read back by name.
async fn insert_items(
    txn: &DatabaseTransaction,
    ids: &Ids<'_>,
    kind: ItemKind,
    items: &[Item],
    object_ids: &[i64],
) -> Result<Vec<i64>> {
    let now = Utc::now();
    let lookup = |list: &[i64], index: Option<usize>| -> Result<Option<i64>> {
        index
            .map(|i| list.get(i).copied().ok_or_else(|| anyhow!("a reference to nothing")))
            .transpose()
    };
    let mut models = Vec::with_capacity(items.len());
    for item in items {
        let f = &item.fields;
        models.push(inventory_item::ActiveModel {
            organisation_id: Set(ids.organisation_id),
            kind: Set(kind.as_str().to_owned()),
            external_id: Set(f.external_id.clone()),
            name: Set(f.name.clone()),
            name_key: Set(f.name.to_lowercase()),
            description: Set(f.description.clone()),
            org_unit_id: Set(lookup(ids.units, item.org_unit)?),
            parent_id: Set(lookup(object_ids, item.parent)?),
            owner_person_id: Set(lookup(ids.people, item.owner)?),
            business_manager_person_id: Set(lookup(ids.people, item.business_manager)?),
            it_manager_person_id: Set(lookup(ids.people, item.it_manager)?),
            system_manager_person_id: Set(lookup(ids.people, item.system_manager)?),
            plan_reference: Set(f.plan_reference.clone()),
            supplier: Set(f.supplier.clone()),
            hosting: Set(f.hosting.map(|h| h.as_str().to_owned())),
            storage_country: Set(f.storage_country.clone()),
            lifecycle: Set(f.lifecycle.map(|l| l.as_str().to_owned())),
            tags: Set(f.tags.join("\n")),
            personal_data: Set(f.personal_data),
            secrecy: Set(f.secrecy),
            osl_reference: Set(f.osl_reference.clone()),
            security_protection: Set(f.security_protection),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            retired_at: Set(item.retired.then_some(now)),
            ..Default::default()
        });
    }
    let mut rest = models.into_iter().peekable();
    while rest.peek().is_some() {
        let chunk: Vec<_> = rest.by_ref().take(CHUNK).collect();
        inventory_item::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await
            .with_context(|| format!("inserting {kind} records"))?;
    }
    let stored: HashMap<String, i64> = inventory_item::Entity::find()
        .select_only()
        .column(inventory_item::Column::Name)
        .column(inventory_item::Column::Id)
        .filter(inventory_item::Column::OrganisationId.eq(ids.organisation_id))
        .filter(inventory_item::Column::Kind.eq(kind.as_str()))
        .into_tuple::<(String, i64)>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    items
        .iter()
        .map(|item| {
            stored
                .get(&item.fields.name)
                .copied()
                .ok_or_else(|| anyhow!("{kind} {:?} was not stored", item.fields.name))
        })
        .collect()
}
