//! What `lis serve` makes sure of at start: an organisation to sign in to, and the role mapping from configuration.

use crate::ChangeTransaction;
use lis_domain::RoleMapEntry;
use sea_orm::DatabaseConnection;

use crate::StoreError;
use crate::audit::ChangeContext;
use crate::entity::organisation;
use crate::organisation::{NewOrganisation, create_organisation, primary_organisation};

/// Creates the organisation named `name` if the database has none, and writes `role_map` as its role mapping if it
/// has none yet (a mapping edited by an administrator is kept). One transaction; returns the organisation.
pub async fn ensure_organisation(
    db: &DatabaseConnection,
    name: &str,
    role_map: &[RoleMapEntry],
) -> Result<organisation::Model, StoreError> {
    let ctx = ChangeContext::system("setup");
    let txn = db.begin_change().await?;
    let organisation = match primary_organisation(&txn).await? {
        Some(existing) => existing,
        None => {
            let new = NewOrganisation {
                name: name.to_owned(),
                municipality_code: None,
                is_demo: false,
            };
            create_organisation(&txn, &ctx, new).await?
        }
    };
    if let Some(unit) = crate::role_mapping::unknown_units(&txn, organisation.id, role_map)
        .await?
        .first()
    {
        return Err(StoreError::NotFound {
            kind: "org_unit",
            id: unit.to_string(),
        });
    }
    crate::role_mapping::seed_if_empty(&txn, &ctx, organisation.id, role_map).await?;
    txn.commit().await?;
    Ok(organisation)
}
