//! LIS's reports and exports.
//!
//! A report is a [`Table`]: a sheet name, a header and rows of text. [`Table::to_csv`] writes what Swedish Excel
//! opens directly (semicolons, UTF-8 with a byte-order mark); [`Table::to_xlsx`] writes a workbook. Both neutralise
//! cells that a spreadsheet would read as a formula. Errors: [`ReportError`].

pub mod gaps;
mod procurement;
mod soa;

pub use procurement::procurement_table;
pub use soa::{SoaCell, soa_table};

/// A report as rows of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The name of the sheet in a workbook (at most 31 characters).
    pub sheet: String,
    /// The column headings.
    pub header: Vec<String>,
    /// The rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The CSV writer failed.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The workbook writer failed.
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The CSV writer could not hand over its bytes.
    #[error("cannot finish the CSV: {0}")]
    Finish(String),
}

/// The characters that make a spreadsheet treat a cell as a formula (or as the start of one).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as it may safely go into a spreadsheet: text that would start a formula gets a leading apostrophe, which
/// spreadsheets show as text and never evaluate. Text that already starts with an apostrophe gets one more, so that
/// an importer can take exactly one away and always get the original back. Other text is unchanged.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(FORMULA_STARTS) || cell.starts_with('\'') {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

impl Table {
    /// CSV with semicolons, UTF-8 with a byte-order mark so that Swedish Excel reads å, ä and ö, every cell
    /// neutralised.
    pub fn to_csv(&self) -> Result<Vec<u8>, ReportError> {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        writer.write_record(self.header.iter().map(|h| neutralise(h)))?;
        for row in &self.rows {
            writer.write_record(row.iter().map(|cell| neutralise(cell)))?;
        }
        let body = writer.into_inner().map_err(|e| ReportError::Finish(e.to_string()))?;
        let mut bytes = Vec::with_capacity(body.len() + 3);
        bytes.extend_from_slice(b"\xEF\xBB\xBF");
        bytes.extend_from_slice(&body);
        Ok(bytes)
    }

    /// An XLSX workbook with one sheet, a bold header row and every cell written as text.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, ReportError> {
        workbook(&[self])
    }
}

/// An XLSX workbook with one sheet per table (in order), each with a bold header row and every cell written as
/// text and neutralised. The same tables give the same bytes: the document's creation time is left at a fixed value
/// rather than the clock's.
pub fn workbook(tables: &[&Table]) -> Result<Vec<u8>, ReportError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let fixed = rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&fixed));
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for table in tables {
        let sheet = workbook.add_worksheet();
        let name: String = table
            .sheet
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        sheet.set_name(if name.is_empty() { "Rapport" } else { &name })?;
        for (column, heading) in table.header.iter().enumerate() {
            sheet.write_string_with_format(0, column_index(column), neutralise(heading), &bold)?;
        }
        for (row, cells) in table.rows.iter().enumerate() {
            let row = u32::try_from(row + 1).unwrap_or(u32::MAX);
            for (column, cell) in cells.iter().enumerate() {
                sheet.write_string(row, column_index(column), neutralise(cell))?;
            }
        }
        sheet.autofit();
    }
    Ok(workbook.save_to_buffer()?)
}

fn column_index(column: usize) -> u16 {
    u16::try_from(column).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            sheet: "SoA".into(),
            header: vec!["Åtgärd".into(), "Motivering".into()],
            rows: vec![
                vec!["5.1".into(), "=HYPERLINK(\"http://x\")".into()],
                vec!["8.13".into(), "Rättsligt krav; arkivlagen".into()],
            ],
        }
    }

    #[test]
    fn csv_opens_in_swedish_excel_and_formulas_stay_text() {
        let bytes = table().to_csv().expect("csv");
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark");
        let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
        assert_eq!(
            text,
            "Åtgärd;Motivering\r\n5.1;\"'=HYPERLINK(\"\"http://x\"\")\"\r\n8.13;\"Rättsligt krav; arkivlagen\"\r\n"
        );
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let bytes = table().to_xlsx().expect("xlsx");
        assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip archive");
        assert!(bytes.len() > 1000);
    }
}
