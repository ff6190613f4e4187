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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn one_cell(cell: &str) -> Vec<Table> {
        vec![Table {
            sheet: "System".to_owned(),
            header: vec!["Typ".to_owned(), "Namn".to_owned()],
            rows: vec![vec!["system".to_owned(), cell.to_owned()]],
        }]
    }

    /// A cell as people write them, often starting with what a spreadsheet reads as a formula.
    fn cell() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec!["=", "+", "-", "@", "'", "a", "Å", "1", "\"", ";", "=HYPERLINK("]),
            "[ -~åäöÅÄÖ\t\r\n;,\"=+@-]{0,30}",
            prop::sample::select(vec!["x", "ö", ")", "1", "\""]),
        )
            .prop_map(|(start, middle, end)| format!("{start}{middle}{end}"))
    }

    proptest! {
        /// No cell of the export starts with a formula character, and every cell imports as it was written.
        #[test]
        fn exports_are_formula_safe_and_import_as_written(text in cell()) {
            let tables = one_cell(&text);
            for bytes in [csv(&tables).expect("csv"), xlsx(&tables).expect("xlsx")] {
                let sheets = lis_sheets::read(&bytes).expect("read back");
                let written = &sheets[0].rows[0].cells[1];
                prop_assert!(!written.starts_with(['=', '+', '-', '@', '\t', '\r']), "{written:?}");
                prop_assert_eq!(lis_store::inventory_import::unneutralise(written.trim()), text.trim());
            }
        }
    }
}
