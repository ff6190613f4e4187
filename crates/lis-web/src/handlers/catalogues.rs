//! The catalogues LIS holds: its own (as loaded at start) and those imported from OSCAL, read-only.

use axum::extract::{Path, State};
use axum::response::Html;
use lis_catalog::import::ImportedCatalog;
use lis_domain::{Action, Resource};
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

#[derive(Serialize)]
struct CatalogueRow {
    id: i64,
    title: String,
    version: String,
    source: String,
    read_only: bool,
    control_count: i32,
    loaded_at: String,
}

#[derive(Serialize)]
struct CataloguesView {
    catalogues: Vec<CatalogueRow>,
}

/// `GET /catalogs`: every catalogue version.
pub async fn list(State(state): State<AppState>, user: CurrentUser, env: PageEnv) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::Catalog).await?;
    let catalogues = lis_store::catalogues::list(&state.db)
        .await?
        .into_iter()
        .map(|c| CatalogueRow {
            id: c.id,
            title: c.title,
            version: c.version,
            source: c.source,
            read_only: c.read_only,
            control_count: c.control_count,
            loaded_at: crate::time::local(c.loaded_at),
        })
        .collect();
    page::render(&state, &env, "catalogues.html", &CataloguesView { catalogues })
}

#[derive(Serialize)]
struct ImportedView {
    id: i64,
    catalogue: ImportedCatalog,
    loaded_at: String,
}

/// `GET /catalogs/{id}`: an imported catalogue's groups and controls. LIS's own catalogue is shown at `/catalog`.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(raw): Path<String>,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::Catalog).await?;
    let id = raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or(WebError::NotFound)?;
    let stored = lis_store::catalogues::get(&state.db, id).await?;
    if stored.source != "oscal" {
        return Err(WebError::NotFound);
    }
    let mut catalogue: ImportedCatalog =
        serde_json::from_str(&stored.content).map_err(|e| WebError::Internal(format!("stored catalogue {id}: {e}")))?;
    // The page is an overview: each statement is cut to its first 300 characters.
    for control in catalogue
        .controls
        .iter_mut()
        .chain(catalogue.groups.iter_mut().flat_map(|g| g.controls.iter_mut()))
    {
        if control.statement.chars().count() > 300 {
            control.statement = control.statement.chars().take(300).collect::<String>() + "…";
        }
    }
    let view = ImportedView {
        id,
        catalogue,
        loaded_at: crate::time::local(stored.loaded_at),
    };
    page::render(&state, &env, "catalogue_imported.html", &view)
}
