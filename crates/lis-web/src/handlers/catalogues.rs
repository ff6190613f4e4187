//! The catalogues LIS holds: its own (as loaded at start) and those imported from OSCAL, read-only.

use lis_store::ChangeTransaction;
use std::collections::{BTreeMap, BTreeSet};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use lis_catalog::import::{ImportedCatalog, MappingError, parse_mapping};
use lis_domain::{Action, Resource};
use serde::{Deserialize, Serialize};

use crate::form::Form;

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
    /// External control id → the LIS controls it is mapped to.
    mapped: BTreeMap<String, Vec<String>>,
    mapping_text: String,
    may_map: bool,
    errors: Vec<MappingError>,
    saved: bool,
}

/// The query of an imported catalogue's page.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// The stored imported catalogue with this path id, or "not found" (LIS's own catalogue is shown at `/catalog`).
async fn imported(state: &AppState, raw: &str) -> Result<(i64, ImportedCatalog, String), WebError> {
    let id = raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or(WebError::NotFound)?;
    let stored = lis_store::catalogues::get(&state.db, id).await?;
    if stored.source != "oscal" {
        return Err(WebError::NotFound);
    }
    let catalogue: ImportedCatalog =
        serde_json::from_str(&stored.content).map_err(|e| WebError::Internal(format!("stored catalogue {id}: {e}")))?;
    Ok((id, catalogue, crate::time::local(stored.loaded_at)))
}

/// Renders an imported catalogue with its mapping, the mapping form holding `text`, and `errors` above it.
async fn render_imported(
    state: &AppState,
    env: &PageEnv,
    user: &CurrentUser,
    raw: &str,
    text: Option<String>,
    errors: Vec<MappingError>,
    saved: bool,
) -> Result<Html<String>, WebError> {
    let (id, mut catalogue, loaded_at) = imported(state, raw).await?;
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
    let pairs = lis_store::catalogues::mapping(&state.db, id).await?;
    let mut mapped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pair in &pairs {
        mapped.entry(pair.external.clone()).or_default().push(pair.lis.clone());
    }
    let mapping_text = text.unwrap_or_else(|| {
        mapped
            .iter()
            .map(|(ext, lis)| format!("{ext} = {}", lis.join(", ")))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let view = ImportedView {
        id,
        catalogue,
        loaded_at,
        mapped,
        mapping_text,
        may_map: lis_domain::authorize(&user.0.principal, Action::Change, Resource::Catalog).is_ok(),
        errors,
        saved,
    };
    page::render(state, env, "catalogue_imported.html", &view)
}

/// `GET /catalogs/{id}`: an imported catalogue's groups and controls, with the LIS controls they are mapped to.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(raw): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::Catalog).await?;
    render_imported(&state, &env, &user, &raw, None, Vec::new(), query.saved.is_some()).await
}

/// The mapping form.
#[derive(Debug, Deserialize)]
pub struct MappingForm {
    csrf_token: String,
    mapping: String,
}

/// `POST /catalogs/{id}/mapping`: replaces the mapping, or shows the form again with every bad line named.
pub async fn save_mapping(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(raw): Path<String>,
    Form(form): Form<MappingForm>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::Catalog).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let (id, catalogue, _) = imported(&state, &raw).await?;
    let lis_ids: BTreeSet<String> = state.catalog.controls.iter().map(|c| c.id.clone()).collect();
    match parse_mapping(&form.mapping, &catalogue.control_ids(), &lis_ids) {
        Ok(pairs) => {
            let ctx = user.change_context();
            let txn = state.db.begin_change().await.map_err(lis_store::StoreError::from)?;
            lis_store::catalogues::replace_mapping(&txn, &ctx, id, &pairs).await?;
            txn.commit().await.map_err(lis_store::StoreError::from)?;
            Ok(Redirect::to(&format!("/catalogs/{id}?saved=1")).into_response())
        }
        Err(errors) => {
            let html = render_imported(&state, &env, &user, &raw, Some(form.mapping), errors, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}
