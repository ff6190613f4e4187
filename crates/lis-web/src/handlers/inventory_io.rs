//! The inventory's import and export pages: download the systemförteckning as CSV or XLSX; upload a CSV or XLSX
//! file, see per row what importing it would do, and apply it (all rows or none).

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use lis_domain::{Action, Resource};
use lis_store::inventory_import::{self, ImportReport, NoProgress};
use lis_store::{StoreError, TransactionTrait};
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::download;
use crate::form::Form;
use crate::inventory_files;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

/// The largest file accepted for import.
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// `GET /inventory/export.csv`: the combined systemförteckning.
pub async fn export_csv(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    user.authorize(&state, Action::View, Resource::Inventory).await?;
    let tables = inventory_files::tables(&state.db, user.0.person.organisation_id).await?;
    let bytes = inventory_files::csv(&tables).map_err(|e| WebError::Internal(e.to_string()))?;
    download::audit_export(&state, &user, "inventory", "csv").await?;
    Ok(download::attachment(bytes, download::CSV, "systemforteckning.csv"))
}

/// `GET /inventory/export.xlsx`: the workbook with one sheet per kind.
pub async fn export_xlsx(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    user.authorize(&state, Action::View, Resource::Inventory).await?;
    let tables = inventory_files::tables(&state.db, user.0.person.organisation_id).await?;
    let bytes = inventory_files::xlsx(&tables).map_err(|e| WebError::Internal(e.to_string()))?;
    download::audit_export(&state, &user, "inventory", "xlsx").await?;
    Ok(download::attachment(bytes, download::XLSX, "systemforteckning.xlsx"))
}

#[derive(Serialize)]
struct ImportView {
    upload_id: Option<i64>,
    file_name: String,
    report: Option<ImportReport>,
    created: usize,
    updated: usize,
    unchanged: usize,
    rejected: usize,
    acceptable: bool,
    applied: bool,
}

impl ImportView {
    fn empty() -> Self {
        Self {
            upload_id: None,
            file_name: String::new(),
            report: None,
            created: 0,
            updated: 0,
            unchanged: 0,
            rejected: 0,
            acceptable: false,
            applied: false,
        }
    }

    fn of(upload_id: Option<i64>, file_name: String, report: ImportReport, applied: bool) -> Self {
        Self {
            upload_id,
            file_name,
            created: report.created(),
            updated: report.updated(),
            unchanged: report.unchanged(),
            rejected: report.rejected(),
            acceptable: report.is_acceptable(),
            report: Some(report),
            applied,
        }
    }
}

/// `GET /inventory/import`: the upload form, with the layout the importer reads.
pub async fn import_form(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::Change, Resource::Inventory).await?;
    page::render(&state, &env, "inventory_import.html", &ImportView::empty())
}

/// Reads a file as sheets, or the report that says why it cannot be read.
fn sheets_or_report(bytes: &[u8]) -> Result<Vec<lis_sheets::Sheet>, ImportReport> {
    lis_sheets::read(bytes).map_err(|err| ImportReport {
        file_problems: vec![err.message_sv()],
        ..ImportReport::default()
    })
}

/// `POST /inventory/import`: keeps the uploaded file and shows what importing it would do (a dry run).
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    request: Request,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::Inventory).await?;
    // Read only once the person may import.
    let mut multipart = Multipart::from_request(request, &state)
        .await
        .map_err(|e| WebError::BadForm(e.body_text()))?;
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| WebError::BadForm(e.body_text()))?
    {
        match field.name() {
            Some("csrf_token") => csrf = field.text().await.map_err(|e| WebError::BadForm(e.body_text()))?,
            Some("file") => {
                let name = field.file_name().unwrap_or("fil").to_owned();
                let bytes = field.bytes().await.map_err(|e| WebError::BadForm(e.body_text()))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    user.1.check_csrf(&csrf)?;
    let organisation_id = user.0.person.organisation_id;
    let Some((file_name, bytes)) = file.filter(|(_, bytes)| !bytes.is_empty()) else {
        let report = ImportReport {
            file_problems: vec!["Ingen fil valdes, eller filen är tom.".to_owned()],
            ..ImportReport::default()
        };
        let html = page::render(
            &state,
            &env,
            "inventory_import.html",
            &ImportView::of(None, String::new(), report, false),
        )?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    };
    let report = match sheets_or_report(&bytes) {
        Ok(sheets) => inventory_import::plan(&state.db, organisation_id, &sheets, &NoProgress).await?,
        Err(report) => report,
    };
    let upload_id = if report.is_acceptable() {
        let stored =
            inventory_import::store_upload(&state.db, organisation_id, user.0.person.id, &file_name, bytes).await?;
        Some(stored.id)
    } else {
        None
    };
    let status = if report.is_acceptable() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = page::render(
        &state,
        &env,
        "inventory_import.html",
        &ImportView::of(upload_id, file_name, report, false),
    )?;
    Ok((status, html).into_response())
}

/// The apply button's form.
#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    csrf_token: String,
}

/// `POST /inventory/import/{upload}/apply`: imports the previewed file in one transaction: every row or none.
pub async fn apply(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(upload_id): Path<i64>,
    Form(form): Form<ApplyForm>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::Inventory).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let organisation_id = user.0.person.organisation_id;
    let stored = inventory_import::upload(&state.db, organisation_id, user.0.person.id, upload_id).await?;
    let sheets = match sheets_or_report(&stored.content) {
        Ok(sheets) => sheets,
        Err(report) => {
            let html = page::render(
                &state,
                &env,
                "inventory_import.html",
                &ImportView::of(None, stored.file_name, report, false),
            )?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
        }
    };
    let txn = state.db.begin().await.map_err(StoreError::from)?;
    let report = inventory_import::apply(&txn, &user.change_context(), organisation_id, &sheets, &NoProgress).await?;
    if !report.is_acceptable() {
        // Something changed in LIS since the preview; nothing is written.
        drop(txn);
        let html = page::render(
            &state,
            &env,
            "inventory_import.html",
            &ImportView::of(None, stored.file_name, report, false),
        )?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    }
    txn.commit().await.map_err(StoreError::from)?;
    inventory_import::forget_upload(&state.db, upload_id).await?;
    let html = page::render(
        &state,
        &env,
        "inventory_import.html",
        &ImportView::of(None, stored.file_name, report, true),
    )?;
    Ok(html.into_response())
}
