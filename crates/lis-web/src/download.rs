//! Files LIS hands out: sent as attachments, and recorded in the audit trail.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use lis_domain::{AuditAction, SubjectRef};
use lis_store::ChangeTransaction;
use lis_store::audit::Change;

use crate::auth::CurrentUser;
use crate::{AppState, WebError};

/// The content type of the CSV exports.
pub(crate) const CSV: &str = "text/csv; charset=utf-8";

/// The content type of the XLSX exports.
pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Records in the audit trail that `user` exported `report` in `format`.
pub(crate) async fn audit_export(
    state: &AppState,
    user: &CurrentUser,
    report: &str,
    format: &str,
) -> Result<(), WebError> {
    let ctx = user.change_context();
    let change = Change {
        organisation_id: Some(user.0.person.organisation_id),
        action: AuditAction::Export,
        subject: SubjectRef::new("report", report),
        before: None,
        after: Some(serde_json::json!({ "format": format })),
    };
    let txn = state.db.begin_change().await.map_err(lis_store::StoreError::from)?;
    lis_store::audit::append(&txn, &ctx, change).await?;
    txn.commit().await.map_err(lis_store::StoreError::from)?;
    Ok(())
}

/// The formats a table is exported in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// Semicolon-separated, UTF-8 with BOM.
    Csv,
    /// An Excel workbook of one sheet.
    Xlsx,
}

/// `table` as a file named `<name>.csv` or `<name>.xlsx`, its export as `report` recorded in the audit trail.
pub(crate) async fn table_file(
    state: &AppState,
    user: &CurrentUser,
    report: &str,
    table: &lis_reports::Table,
    format: Format,
    name: &str,
) -> Result<Response, WebError> {
    let (bytes, content_type, extension) = match format {
        Format::Csv => (table.to_csv(), CSV, "csv"),
        Format::Xlsx => (table.to_xlsx(), XLSX, "xlsx"),
    };
    let bytes = bytes.map_err(|e| WebError::Internal(e.to_string()))?;
    audit_export(state, user, report, extension).await?;
    Ok(attachment(bytes, content_type, &format!("{name}.{extension}")))
}

/// A file the browser saves rather than shows.
pub(crate) fn attachment(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// A file the browser saves under `file_name` (any characters, sent as RFC 6266 `filename*` with an ASCII
/// fallback), with the content type it was stored with; never shown inline.
pub(crate) fn attachment_named(bytes: Vec<u8>, content_type: &str, file_name: &str) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let content_type =
        HeaderValue::from_str(content_type).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}
