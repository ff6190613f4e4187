//! XLSX workbooks written with rust_xlsxwriter, as Excel would, and read back.

use lis_sheets::{Encoding, Row, SheetError, read, read_xlsx};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, XlsxError};

/// Two sheets with content and one without: åäö, numbers, a date, a date and time, a boolean, an error, a gap
/// row, a short row and a long one; the second sheet starts at B3.
fn workbook() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm");

    let sheet = workbook.add_worksheet().set_name("System")?;
    sheet.write_row(0, 0, ["Namn", "Ägare", "Antal", "Datum", "Aktiv", "Ändrad"])?;
    sheet.write_string(1, 0, "Lönesystem")?;
    sheet.write_string(1, 1, "Åsa Öström")?;
    sheet.write_number(1, 2, 2024)?;
    sheet.write_datetime_with_format(1, 3, ExcelDateTime::from_ymd(2026, 3, 2)?, &date)?;
    sheet.write_boolean(1, 4, true)?;
    sheet.write_datetime_with_format(1, 5, ExcelDateTime::from_ymd(2026, 3, 2)?.and_hms(8, 30, 0)?, &datetime)?;
    sheet.write_string(3, 0, "Ärende")?;
    sheet.write_number(3, 2, 12.5)?;
    sheet.write_string(4, 0, "   ")?;
    sheet.write_string(5, 0, "Lång")?;
    sheet.write_formula(5, 1, Formula::new("=NA()").set_result("#N/A"))?;
    sheet.write_boolean(5, 4, false)?;
    sheet.write_string(5, 7, "extra")?;

    workbook.add_worksheet().set_name("Tom")?;

    let sheet = workbook.add_worksheet().set_name("Åtgärder")?;
    sheet.write_row(2, 1, ["Åtgärd", "Klar"])?;
    sheet.write_row(3, 1, ["Kryptera", "nej"])?;
    workbook.save_to_buffer()
}

fn row(line: u64, cells: &[&str]) -> Row {
    Row {
        line,
        cells: cells.iter().map(|&c| c.to_owned()).collect(),
    }
}

#[test]
fn a_workbook_reads_back_sheet_by_sheet() {
    let bytes = workbook().expect("workbook");
    let sheets = read_xlsx(&bytes).expect("readable");
    assert_eq!(sheets.len(), 2, "the empty sheet is skipped");

    let system = &sheets[0];
    assert_eq!(system.name.as_deref(), Some("System"));
    assert_eq!(system.encoding, Encoding::Xlsx);
    assert_eq!(system.delimiter, None);
    assert_eq!(system.headers, ["Namn", "Ägare", "Antal", "Datum", "Aktiv", "Ändrad"]);
    assert_eq!(
        system.rows,
        [
            row(
                2,
                &[
                    "Lönesystem",
                    "Åsa Öström",
                    "2024",
                    "2026-03-02",
                    "true",
                    "2026-03-02T08:30:00"
                ]
            ),
            row(4, &["Ärende", "", "12.5", "", "", ""]),
            row(6, &["Lång", "#N/A", "", "", "false", "", "", "extra"]),
        ]
    );

    let actions = &sheets[1];
    assert_eq!(actions.name.as_deref(), Some("Åtgärder"));
    assert_eq!(actions.headers, ["Åtgärd", "Klar"]);
    assert_eq!(actions.rows, [row(4, &["Kryptera", "nej"])]);

    assert_eq!(read(&bytes), Ok(sheets), "read sees a workbook");
}

#[test]
fn a_workbook_without_content_is_empty() {
    let mut workbook = Workbook::new();
    workbook.add_worksheet();
    let bytes = workbook.save_to_buffer().expect("workbook");
    assert_eq!(read_xlsx(&bytes), Err(SheetError::Empty));
}

#[test]
fn a_zip_that_is_not_a_workbook() {
    // An empty ZIP archive: just the end-of-central-directory record.
    let empty_zip = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    assert!(matches!(read_xlsx(empty_zip), Err(SheetError::Xlsx(_))));
    let bytes = workbook().expect("workbook");
    let cut = bytes.get(..bytes.len() / 2).expect("half");
    assert!(matches!(read(cut), Err(SheetError::Xlsx(_))), "a truncated workbook");
    assert!(matches!(read_xlsx("Namn;Ägare\n".as_bytes()), Err(SheetError::Xlsx(_))));
}

#[test]
#[ignore = "run by hand to regenerate the fuzz seed fuzz/seeds/workbook.xlsx"]
fn write_workbook_seed() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/workbook.xlsx");
    std::fs::write(path, workbook().expect("workbook")).expect("written");
}
