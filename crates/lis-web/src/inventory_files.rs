//! The inventory as files: the combined systemförteckning CSV and the workbook with one sheet per kind, shared by
//! the pages and by `lis export inventory`.

use lis_reports::{ReportError, Table};
use lis_store::{DatabaseConnection, StoreError};

/// The inventory as one table per kind: org units, förvaltningsobjekt, systems, informationsmängder.
pub async fn tables(db: &DatabaseConnection, organisation_id: i64) -> Result<Vec<Table>, StoreError> {
    Ok(lis_store::inventory_export::sheets(db, organisation_id)
        .await?
        .into_iter()
        .map(|sheet| Table {
            sheet: sheet.kind.sheet_name().to_owned(),
            header: sheet.header,
            rows: sheet.rows,
        })
        .collect())
}

/// The combined systemförteckning: every row of every kind under one header, as CSV (semicolons, UTF-8 with BOM).
pub fn csv(tables: &[Table]) -> Result<Vec<u8>, ReportError> {
    let combined = Table {
        sheet: "Systemförteckning".to_owned(),
        header: tables.first().map(|t| t.header.clone()).unwrap_or_default(),
        rows: tables.iter().flat_map(|t| t.rows.iter().cloned()).collect(),
    };
    combined.to_csv()
}

/// The workbook: one sheet per kind.
pub fn xlsx(tables: &[Table]) -> Result<Vec<u8>, ReportError> {
    lis_reports::workbook(&tables.iter().collect::<Vec<_>>())
}
