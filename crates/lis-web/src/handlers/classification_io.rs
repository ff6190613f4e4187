//! Classifications as spreadsheets: download every informationsmängd's decided classification as CSV or XLSX, and
//! import one (from LIS or KLASSA): upload, see per row what importing would do, and apply all rows or none. Importing
//! decides classifications, so it is the CISO's.

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use lis_domain::{Action, Resource};
use lis_reports::Table;
use lis_store::inventory_import::{self as uploads, ImportReport};
use lis_store::{ChangeTransaction, StoreError, classification_import};
use serde::{Deserialize, Serialize};

use super::classification::model_of;
use super::inventory_io::{no_file, sheets_or_report, uploaded_file};
use crate::auth::CurrentUser;
use crate::download;
use crate::download::Format;
use crate::form::Form;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

/// Deciding every classification: what importing them takes.
const DECIDE_ANY: Resource = Resource::ClassificationDecision {
    information_owner: false,
};

/// The organisation's classifications as one table.
async fn table(state: &AppState, user: &CurrentUser) -> Result<Table, WebError> {
    let organisation_id = user.0.person.organisation_id;
    let model = model_of(state, organisation_id).await?;
    let (header, rows) = classification_import::export_rows(&state.db, organisation_id, model).await?;
    Ok(Table {
        sheet: "Klassningar".to_owned(),
        header,
        rows,
    })
}

/// `GET /classification/export.csv`: every informationsmängd with its decided classification.
pub async fn export_csv(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    user.authorize(&state, Action::View, Resource::Inventory).await?;
    let table = table(&state, &user).await?;
    download::table_file(&state, &user, "classifications", &table, Format::Csv, "klassningar").await
}

/// `GET /classification/export.xlsx`: the same as a workbook.
pub async fn export_xlsx(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    user.authorize(&state, Action::View, Resource::Inventory).await?;
    let table = table(&state, &user).await?;
    download::table_file(&state, &user, "classifications", &table, Format::Xlsx, "klassningar").await
}

/// The import page: the upload form, and a preview or result.
#[derive(Default, Serialize)]
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
    fn of(report: ImportReport, file_name: String, upload_id: Option<i64>, applied: bool) -> Self {
        Self {
            upload_id: upload_id.filter(|_| report.is_acceptable() && !applied),
            file_name,
            created: report.created(),
            updated: report.updated(),
            unchanged: report.unchanged(),
            rejected: report.rejected(),
            acceptable: report.is_acceptable(),
            applied: applied && report.is_acceptable(),
            report: Some(report),
        }
    }

    /// The page, refused (422) when the report refuses the file.
    fn render(self, state: &AppState, env: &PageEnv) -> Result<Response, WebError> {
        let status = if self.report.as_ref().is_some_and(|r| !r.is_acceptable()) {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        Ok((status, page::render(state, env, "classification_import.html", &self)?).into_response())
    }
}

/// `GET /classification/import`: the upload form with the layout the importer reads.
pub async fn import_form(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::Change, DECIDE_ANY).await?;
    page::render(&state, &env, "classification_import.html", &ImportView::default())
}

/// `POST /classification/import`: keeps the uploaded file and shows what importing it would do (a dry run).
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    request: Request,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, DECIDE_ANY).await?;
    let Some((file_name, bytes)) = uploaded_file(&state, &user, request).await? else {
        return ImportView::of(no_file(), String::new(), None, false).render(&state, &env);
    };
    let organisation_id = user.0.person.organisation_id;
    let report = match sheets_or_report(&bytes) {
        Ok(sheets) => {
            let model = model_of(&state, organisation_id).await?;
            classification_import::plan(&state.db, organisation_id, model, &sheets).await?
        }
        Err(report) => report,
    };
    let upload_id = if report.is_acceptable() {
        let stored = uploads::store_upload(&state.db, organisation_id, user.0.person.id, &file_name, bytes).await?;
        Some(stored.id)
    } else {
        None
    };
    ImportView::of(report, file_name, upload_id, false).render(&state, &env)
}

/// The apply button's form.
#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    csrf_token: String,
}

/// `POST /classification/import/{upload}/apply`: imports the previewed file in one transaction, every row or none.
pub async fn apply(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(upload_id): Path<i64>,
    Form(form): Form<ApplyForm>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, DECIDE_ANY).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let organisation_id = user.0.person.organisation_id;
    let stored = uploads::upload(&state.db, organisation_id, user.0.person.id, upload_id).await?;
    let report = match sheets_or_report(&stored.content) {
        Ok(sheets) => {
            let model = model_of(&state, organisation_id).await?;
            let txn = state.db.begin_change().await.map_err(StoreError::from)?;
            let report =
                classification_import::import(&txn, &user.change_context(), organisation_id, model, &sheets).await?;
            if report.is_acceptable() {
                txn.commit().await.map_err(StoreError::from)?;
                uploads::forget_upload(&state.db, upload_id).await?;
            }
            report
        }
        Err(report) => report,
    };
    ImportView::of(report, stored.file_name, Some(upload_id), true).render(&state, &env)
}
