//! Catalogue versions in the database: registering the shipped catalogue at start when it is new, and storing
//! catalogues imported from OSCAL.

use crate::ChangeTransaction;
use chrono::Utc;
use lis_domain::SubjectRef;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::entity::{catalogue_mapping, catalogue_version};

/// A catalogue to store.
#[derive(Clone, Debug)]
pub struct NewCatalogueVersion {
    /// Its identifier.
    pub key: String,
    /// Its version.
    pub version: String,
    /// `shipped` or `oscal`.
    pub source: &'static str,
    /// Its title.
    pub title: String,
    /// Whether it is read-only.
    pub read_only: bool,
    /// How many controls it holds.
    pub control_count: usize,
    /// Its content as JSON.
    pub content: String,
}

/// Stores a catalogue version unless one with the same key and version exists; says whether it was new. One
/// transaction, with its audit event.
pub async fn register(
    db: &DatabaseConnection,
    ctx: &ChangeContext,
    new: NewCatalogueVersion,
) -> Result<(catalogue_version::Model, bool), StoreError> {
    let txn = db.begin_change().await?;
    let existing = catalogue_version::Entity::find()
        .filter(catalogue_version::Column::Key.eq(&new.key))
        .filter(catalogue_version::Column::Version.eq(&new.version))
        .one(&txn)
        .await?;
    if let Some(existing) = existing {
        return Ok((existing, false));
    }
    let saved = catalogue_version::ActiveModel {
        key: Set(new.key),
        version: Set(new.version),
        source: Set(new.source.to_owned()),
        title: Set(new.title.chars().take(500).collect()),
        read_only: Set(new.read_only),
        control_count: Set(i32::try_from(new.control_count).unwrap_or(i32::MAX)),
        content: Set(new.content),
        loaded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let after = json!({ "key": saved.key, "version": saved.version, "source": saved.source, "title": saved.title });
    audit::append(
        &txn,
        ctx,
        Change::created(None, SubjectRef::new("catalogue_version", saved.id), after),
    )
    .await?;
    txn.commit().await?;
    Ok((saved, true))
}

/// Every catalogue version, newest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<catalogue_version::Model>, StoreError> {
    Ok(catalogue_version::Entity::find()
        .order_by_desc(catalogue_version::Column::Id)
        .all(db)
        .await?)
}

/// One catalogue version, or [`StoreError::NotFound`].
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<catalogue_version::Model, StoreError> {
    catalogue_version::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            kind: "catalogue_version",
            id: id.to_string(),
        })
}

/// Registers LIS's shipped catalogue at start, when this version is new to the database.
pub async fn register_shipped(db: &DatabaseConnection, catalog: &lis_catalog::Catalog) -> Result<bool, StoreError> {
    let new = NewCatalogueVersion {
        key: catalog.meta.id.clone(),
        version: catalog.meta.version.clone(),
        source: "shipped",
        title: catalog.meta.title.sv.clone(),
        read_only: false,
        control_count: catalog.controls.len(),
        content: serde_json::to_string(catalog)?,
    };
    Ok(register(db, &ChangeContext::system("catalogue"), new).await?.1)
}

/// Stores a catalogue imported from OSCAL as a read-only catalogue version; an import of the same document and
/// version again is refused as [`StoreError::AlreadyExists`].
pub async fn import_oscal(
    db: &DatabaseConnection,
    ctx: &ChangeContext,
    imported: &lis_catalog::import::ImportedCatalog,
) -> Result<catalogue_version::Model, StoreError> {
    let new = NewCatalogueVersion {
        key: imported.uuid.clone(),
        version: imported.version.clone(),
        source: "oscal",
        title: imported.title.clone(),
        read_only: true,
        control_count: imported.control_count(),
        content: serde_json::to_string(imported)?,
    };
    match register(db, ctx, new).await? {
        (saved, true) => Ok(saved),
        (existing, false) => Err(StoreError::AlreadyExists {
            kind: "catalogue_version",
            id: format!(
                "{} {} (stored as catalogue {})",
                existing.key, existing.version, existing.id
            ),
        }),
    }
}

/// The mapping of an imported catalogue's controls to LIS's, in the order written.
pub async fn mapping(
    db: &impl ConnectionTrait,
    catalogue_version_id: i64,
) -> Result<Vec<lis_catalog::import::MappingPair>, StoreError> {
    Ok(catalogue_mapping::Entity::find()
        .filter(catalogue_mapping::Column::CatalogueVersionId.eq(catalogue_version_id))
        .order_by_asc(catalogue_mapping::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|row| lis_catalog::import::MappingPair {
            external: row.external_control_id,
            lis: row.lis_control_id,
        })
        .collect())
}

/// Replaces the mapping of an imported catalogue, with the old and new mapping in the audit trail.
pub async fn replace_mapping(
    txn: &sea_orm::DatabaseTransaction,
    ctx: &ChangeContext,
    catalogue_version_id: i64,
    pairs: &[lis_catalog::import::MappingPair],
) -> Result<(), StoreError> {
    let old = mapping(txn, catalogue_version_id).await?;
    if old == pairs {
        return Ok(());
    }
    catalogue_mapping::Entity::delete_many()
        .filter(catalogue_mapping::Column::CatalogueVersionId.eq(catalogue_version_id))
        .exec(txn)
        .await?;
    let now = Utc::now();
    for pair in pairs {
        catalogue_mapping::ActiveModel {
            catalogue_version_id: Set(catalogue_version_id),
            external_control_id: Set(pair.external.clone()),
            lis_control_id: Set(pair.lis.clone()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let change = Change {
        organisation_id: None,
        action: lis_domain::AuditAction::Update,
        subject: SubjectRef::new("catalogue_mapping", catalogue_version_id),
        before: Some(json!(old)),
        after: Some(json!(pairs)),
    };
    audit::append(txn, ctx, change).await
}
