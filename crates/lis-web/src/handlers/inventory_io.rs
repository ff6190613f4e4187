//! The inventory's import and export pages: download the systemförteckning as CSV or XLSX; upload a CSV or XLSX
//! file, see per row what importing it would do, and apply it (all rows or none).

use std::sync::Arc;

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use lis_domain::{Action, Resource};
use lis_store::StoreError;
use lis_store::audit::ChangeContext;
use lis_store::inventory_import::{self, ImportReport};
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::download;
use crate::form::Form;
use crate::import_jobs::{Job, JobKind, JobStatus};
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
    job: Option<u64>,
    kind: Option<JobKind>,
    running: bool,
    status: Option<JobStatus>,
    upload_id: Option<i64>,
    file_name: String,
    report: Option<ImportReport>,
    created: usize,
    updated: usize,
    unchanged: usize,
    rejected: usize,
    acceptable: bool,
    applied: bool,
    failed: bool,
}

impl ImportView {
    fn empty() -> Self {
        Self {
            job: None,
            kind: None,
            running: false,
            status: None,
            upload_id: None,
            file_name: String::new(),
            report: None,
            created: 0,
            updated: 0,
            unchanged: 0,
            rejected: 0,
            acceptable: false,
            applied: false,
            failed: false,
        }
    }

    fn of(job: &Job) -> Self {
        let status = job.status();
        let mut view = Self::empty();
        view.job = Some(job.id);
        view.kind = Some(job.kind);
        view.running = !status.finished;
        view.file_name = job.file_name.clone();
        view.failed = status.failed;
        if let Some(report) = &status.report {
            view.created = report.created();
            view.updated = report.updated();
            view.unchanged = report.unchanged();
            view.rejected = report.rejected();
            view.acceptable = report.is_acceptable();
            view.applied = job.kind == JobKind::Apply && report.is_acceptable();
            view.upload_id = (job.kind == JobKind::Preview && report.is_acceptable()).then_some(job.upload_id);
            view.report = Some(report.clone());
        }
        view.status = Some(status);
        view
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
pub(crate) fn sheets_or_report(bytes: &[u8]) -> Result<Vec<lis_sheets::Sheet>, ImportReport> {
    lis_sheets::read(bytes).map_err(|err| ImportReport {
        file_problems: vec![err.message_sv()],
        ..ImportReport::default()
    })
}

/// Runs a job in the background: reads the uploaded file, then previews or applies it, and records the outcome.
fn spawn(state: &AppState, job: Arc<Job>, ctx: ChangeContext) {
    let state = state.clone();
    tokio::spawn(async move {
        let outcome = run(&state, &job, &ctx).await;
        match outcome {
            Ok(report) => job.finish(Some(report)),
            Err(err) => {
                tracing::error!(job = job.id, error = %err, "an import failed");
                job.finish(None);
            }
        }
    });
}

async fn run(state: &AppState, job: &Job, ctx: &ChangeContext) -> Result<ImportReport, StoreError> {
    let stored = inventory_import::upload(&state.db, job.organisation_id, job.person_id, job.upload_id).await?;
    let sheets = match sheets_or_report(&stored.content) {
        Ok(sheets) => sheets,
        Err(report) => return Ok(report),
    };
    drop(stored);
    match job.kind {
        JobKind::Preview => inventory_import::plan(&state.db, job.organisation_id, &sheets, job).await,
        JobKind::Apply => {
            let report = inventory_import::import(&state.db, ctx, job.organisation_id, &sheets, job).await?;
            if report.is_acceptable() {
                inventory_import::forget_upload(&state.db, job.upload_id).await?;
            }
            Ok(report)
        }
    }
}

fn to_job(job: &Job) -> Response {
    Redirect::to(&format!("/inventory/import/jobs/{}", job.id)).into_response()
}

/// The file of an upload form (`file`, with its name), once its CSRF token (`csrf_token`) is checked; none when no
/// file was chosen or it is empty.
pub(crate) async fn uploaded_file(
    state: &AppState,
    user: &CurrentUser,
    request: Request,
) -> Result<Option<(String, Vec<u8>)>, WebError> {
    let mut multipart = Multipart::from_request(request, state)
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
    Ok(file.filter(|(_, bytes)| !bytes.is_empty()))
}

/// The report of an upload without a file.
pub(crate) fn no_file() -> ImportReport {
    ImportReport {
        file_problems: vec!["Ingen fil valdes, eller filen är tom.".to_owned()],
        ..ImportReport::default()
    }
}

/// `POST /inventory/import`: keeps the uploaded file and starts its preview (a dry run) in the background.
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    request: Request,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::Inventory).await?;
    // Read only once the person may import.
    let file = uploaded_file(&state, &user, request).await?;
    let organisation_id = user.0.person.organisation_id;
    let Some((file_name, bytes)) = file else {
        let mut view = ImportView::empty();
        view.report = Some(no_file());
        let html = page::render(&state, &env, "inventory_import.html", &view)?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    };
    let stored =
        inventory_import::store_upload(&state.db, organisation_id, user.0.person.id, &file_name, bytes).await?;
    let job = state.import_jobs.start(
        organisation_id,
        user.0.person.id,
        stored.id,
        file_name,
        JobKind::Preview,
    );
    spawn(&state, Arc::clone(&job), user.change_context());
    Ok(to_job(&job))
}

/// `GET /inventory/import/jobs/{job}`: how far an import has come, then its report.
pub async fn job(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(job_id): Path<u64>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::Inventory).await?;
    let job = state
        .import_jobs
        .get(job_id, user.0.person.id)
        .ok_or(WebError::NotFound)?;
    let view = ImportView::of(&job);
    let status = if view.report.as_ref().is_some_and(|r| !r.is_acceptable()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = page::render(&state, &env, "inventory_import.html", &view)?;
    Ok((status, html).into_response())
}

/// The apply button's form.
#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    csrf_token: String,
}

/// `POST /inventory/import/{upload}/apply`: imports the previewed file in the background, in one transaction:
/// every row or none.
pub async fn apply(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(upload_id): Path<i64>,
    Form(form): Form<ApplyForm>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::Inventory).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let organisation_id = user.0.person.organisation_id;
    let stored = inventory_import::upload(&state.db, organisation_id, user.0.person.id, upload_id).await?;
    let job = state.import_jobs.start(
        organisation_id,
        user.0.person.id,
        stored.id,
        stored.file_name,
        JobKind::Apply,
    );
    spawn(&state, Arc::clone(&job), user.change_context());
    Ok(to_job(&job))
}
