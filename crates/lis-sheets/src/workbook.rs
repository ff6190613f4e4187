//! XLSX: every worksheet read with calamine's streaming cell reader into rows of text.
//!
//! Cells are read one at a time and kept sparsely, so a workbook that claims a huge used range, or has one cell far
//! out at XFD1048576, costs only the cells it really has; the rows built from them are capped at [`MAX_CELLS`].
//!
//! One thing calamine trusts that it should not: it reserves memory for as many shared strings as the workbook's
//! `uniqueCount` attribute claims, so a 2 KB file claiming 10¹² strings aborts the process (allocation failure) and
//! one claiming more than `usize::MAX / 24` panics. [`check_shared_strings`] reads that number first and refuses
//! anything above [`MAX_CELLS`].
//!
//! And calamine can panic on a malformed workbook (0.38 multiplies a column reference like `AAAAAAAAA1` without
//! checking for overflow, which panics in builds with overflow checks), so every call into it goes through
//! [`guarded`], which turns a panic into [`SheetError::Xlsx`].

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{DataRef, ExcelDateTime, Reader, SheetType, Xlsx, XlsxError};

use crate::{Encoding, OLE_SIGNATURE, Row, Sheet, SheetError};

/// The most cells a workbook may give, counting the empty cells that fill out rows to the header's width.
const MAX_CELLS: u64 = 5_000_000;

/// Reads every worksheet of an XLSX workbook, in order, each named by its sheet name. In each, the first row with a
/// non-empty cell is the header and the rows after it are data rows numbered as in Excel; rows without text are left
/// out, and so are worksheets without any. Columns start at the leftmost column used anywhere in the sheet. A row
/// has its cells up to its last non-empty one, and at least as many as the header.
///
/// A workbook with no worksheet that has content is [`SheetError::Empty`]; an OLE compound file (an old .xls, or a
/// password-protected workbook) is [`SheetError::OldExcelOrProtected`].
pub fn read_xlsx(bytes: &[u8]) -> Result<Vec<Sheet>, SheetError> {
    if bytes.starts_with(OLE_SIGNATURE) {
        return Err(SheetError::OldExcelOrProtected);
    }
    check_shared_strings(bytes)?;
    let mut workbook = guarded(|| Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error))?;
    let names: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|sheet| sheet.typ == SheetType::WorkSheet)
        .map(|sheet| sheet.name.clone())
        .collect();
    let mut budget = MAX_CELLS;
    let mut sheets = Vec::new();
    for name in names {
        let cells = read_cells(&mut workbook, &name, &mut budget)?;
        if let Some(sheet) = build_sheet(name, cells, &mut budget)? {
            sheets.push(sheet);
        }
    }
    if sheets.is_empty() {
        return Err(SheetError::Empty);
    }
    Ok(sheets)
}

/// Fails when a shared-strings part (`…sharedStrings.xml`, in any folder and case, as calamine looks it up) claims
/// more strings than [`MAX_CELLS`] in a `uniqueCount` attribute. Errors in the archive are left for calamine to
/// report.
fn check_shared_strings(bytes: &[u8]) -> Result<(), SheetError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .filter(|name| {
            name.replace('\\', "/")
                .to_ascii_lowercase()
                .ends_with("sharedstrings.xml")
        })
        .map(|name| name.into_owned())
        .collect();
    for name in names {
        if let Ok(part) = archive.by_name(&name)
            && largest_unique_count(part) > MAX_CELLS
        {
            return Err(SheetError::TooLarge { limit: MAX_CELLS });
        }
    }
    Ok(())
}

/// The largest number written as `uniqueCount = "digits"` (or with single quotes) anywhere in an XML part, read as a
/// stream; saturating, so any number too long to hold is `u64::MAX`. Reading stops at the first error.
fn largest_unique_count(mut part: impl Read) -> u64 {
    const NAME: &[u8] = b"uniqueCount";
    /// Where the scan is.
    enum Scan {
        /// Matching the attribute name, this many bytes of it so far.
        Name(usize),
        /// After the name, before `=`.
        Equals,
        /// After `=`, before the opening quote.
        Quote,
        /// In the digits, the value so far.
        Digits(u64),
    }
    let mut largest = 0;
    let mut scan = Scan::Name(0);
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let read = match part.read(&mut buffer) {
            Ok(0) | Err(_) => {
                // A number cut off by the end counts too.
                return if let Scan::Digits(value) = scan {
                    largest.max(value)
                } else {
                    largest
                };
            }
            Ok(read) => read,
        };
        for &byte in buffer.get(..read).unwrap_or_default() {
            scan = match scan {
                Scan::Name(matched) if NAME.get(matched) == Some(&byte) => {
                    if matched + 1 == NAME.len() {
                        Scan::Equals
                    } else {
                        Scan::Name(matched + 1)
                    }
                }
                Scan::Equals | Scan::Quote if byte.is_ascii_whitespace() => scan,
                Scan::Equals if byte == b'=' => Scan::Quote,
                Scan::Quote if byte == b'"' || byte == b'\'' => Scan::Digits(0),
                Scan::Digits(value) if byte.is_ascii_digit() => {
                    Scan::Digits(value.saturating_mul(10).saturating_add(u64::from(byte - b'0')))
                }
                Scan::Digits(value) => {
                    largest = largest.max(value);
                    Scan::Name(usize::from(byte == b'u'))
                }
                // No proper suffix of a partial match starts the name again, except a new `u`.
                _ => Scan::Name(usize::from(byte == b'u')),
            };
        }
    }
}

/// A worksheet's cells that have text: row → column → text, both 0-based.
type Cells = BTreeMap<u32, BTreeMap<u32, String>>;

/// Reads the cells with text of one worksheet, each costing one from the budget.
fn read_cells(workbook: &mut Xlsx<Cursor<&[u8]>>, name: &str, budget: &mut u64) -> Result<Cells, SheetError> {
    let mut reader = guarded(|| workbook.worksheet_cells_reader(name).map_err(xlsx_error))?;
    let mut cells = Cells::new();
    while let Some((position, text)) = guarded(|| {
        let cell = reader.next_cell().map_err(xlsx_error)?;
        Ok(cell.map(|cell| (cell.get_position(), cell_text(cell.get_value()))))
    })? {
        if text.is_empty() {
            continue;
        }
        *budget = budget.checked_sub(1).ok_or(SheetError::TooLarge { limit: MAX_CELLS })?;
        let (row, column) = position;
        cells.entry(row).or_default().insert(column, text);
    }
    Ok(cells)
}

/// Runs a call into calamine, turning a panic into [`SheetError::Xlsx`]. (The panic hook still reports the panic,
/// on standard error by default.)
fn guarded<T>(call: impl FnOnce() -> Result<T, SheetError>) -> Result<T, SheetError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call))
        .unwrap_or_else(|_| Err(SheetError::Xlsx("the workbook reader failed on this file".to_owned())))
}

/// Builds a sheet from its cells; `None` when no cell has more than whitespace.
fn build_sheet(name: String, cells: Cells, budget: &mut u64) -> Result<Option<Sheet>, SheetError> {
    let first_column = cells
        .values()
        .filter_map(|row| row.keys().next().copied())
        .min()
        .unwrap_or(0);
    let mut rows = cells
        .into_iter()
        .filter(|(_, row)| row.values().any(|text| !text.trim().is_empty()));
    let Some((_, header)) = rows.next() else {
        return Ok(None);
    };
    let headers = dense(header, first_column, 0, budget)?;
    let mut data = Vec::new();
    for (row, cells) in rows {
        let cells = dense(cells, first_column, headers.len(), budget)?;
        data.push(Row {
            line: u64::from(row) + 1,
            cells,
        });
    }
    Ok(Some(Sheet {
        name: Some(name),
        headers,
        rows: data,
        encoding: Encoding::Xlsx,
        delimiter: None,
    }))
}

/// A row's cells from `first_column` up to its last non-empty cell, filled out with empty cells to at least `width`.
/// The cells beyond the ones with text cost the budget too.
fn dense(
    row: BTreeMap<u32, String>,
    first_column: u32,
    width: usize,
    budget: &mut u64,
) -> Result<Vec<String>, SheetError> {
    let used = row
        .keys()
        .next_back()
        .map_or(0, |&last| u64::from(last.saturating_sub(first_column)) + 1);
    let width_u64 = u64::try_from(width).unwrap_or(u64::MAX);
    let len = used.max(width_u64);
    let filled = len.saturating_sub(u64::try_from(row.len()).unwrap_or(u64::MAX));
    *budget = budget
        .checked_sub(filled)
        .ok_or(SheetError::TooLarge { limit: MAX_CELLS })?;
    let len = usize::try_from(len).map_err(|_| SheetError::TooLarge { limit: MAX_CELLS })?;
    let mut cells = vec![String::new(); len];
    for (column, text) in row {
        let index = usize::try_from(column.saturating_sub(first_column)).unwrap_or(usize::MAX);
        if let Some(cell) = cells.get_mut(index) {
            *cell = text;
        }
    }
    Ok(cells)
}

/// A cell as text: strings as they are, whole numbers without a decimal point, other numbers in Rust's shortest
/// form, booleans as `true`/`false`, dates and times in ISO 8601, errors as Excel shows them (`#N/A`).
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(number) => number.to_string(),
        DataRef::Float(number) => float_text(*number),
        DataRef::String(text) => text.clone(),
        DataRef::SharedString(text) => (*text).to_owned(),
        DataRef::Bool(value) => value.to_string(),
        DataRef::DateTime(datetime) => datetime_text(datetime),
        DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => text.clone(),
        DataRef::Error(error) => error.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// A number as text: Rust's shortest round-tripping form, which writes `2024.0` as `2024`; `-0` as `0`.
fn float_text(number: f64) -> String {
    if number == 0.0 {
        "0".to_owned()
    } else {
        number.to_string()
    }
}

/// A date, time or date and time in ISO 8601: `2026-03-02`, `08:30:00`, `2026-03-02T08:30:00` (with milliseconds
/// when there are any); a duration as `PT36H0M0S`.
fn datetime_text(datetime: &ExcelDateTime) -> String {
    let serial = datetime.as_f64();
    if datetime.is_duration() {
        // Saturating: NaN and out-of-range values cannot overflow.
        let seconds = (serial * 86_400.0).round() as i64;
        let sign = if seconds < 0 { "-" } else { "" };
        let seconds = seconds.unsigned_abs();
        return format!("{sign}PT{}H{}M{}S", seconds / 3600, seconds % 3600 / 60, seconds % 60);
    }
    let (year, month, day, hour, minute, second, milli) = datetime.to_ymd_hms_milli();
    let date = format!("{year:04}-{month:02}-{day:02}");
    let time = if milli == 0 {
        format!("{hour:02}:{minute:02}:{second:02}")
    } else {
        format!("{hour:02}:{minute:02}:{second:02}.{milli:03}")
    };
    if (0.0..1.0).contains(&serial) {
        time
    } else if (hour, minute, second, milli) == (0, 0, 0, 0) {
        date
    } else {
        format!("{date}T{time}")
    }
}

/// A calamine error as ours: a password-protected workbook by name, anything else with calamine's description.
fn xlsx_error(error: XlsxError) -> SheetError {
    match error {
        XlsxError::Password => SheetError::OldExcelOrProtected,
        other => SheetError::Xlsx(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use calamine::ExcelDateTimeType;

    use super::*;

    fn date(serial: f64) -> String {
        datetime_text(&ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false))
    }

    #[test]
    fn dates_and_times_in_iso_8601() {
        assert_eq!(date(46_083.0), "2026-03-02");
        assert_eq!(date(46_083.5), "2026-03-02T12:00:00");
        assert_eq!(date(0.25), "06:00:00");
        assert_eq!(date(46_083.000_5), "2026-03-02T00:00:43.200");
        assert_eq!(
            datetime_text(&ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false)),
            "PT36H0M0S"
        );
        assert_eq!(
            datetime_text(&ExcelDateTime::new(f64::NAN, ExcelDateTimeType::TimeDelta, false)),
            "PT0H0M0S"
        );
        for odd in [f64::NAN, f64::INFINITY, -1.0, 1e300, -1e300] {
            assert!(!date(odd).is_empty());
        }
    }

    #[test]
    fn numbers_in_their_shortest_form() {
        assert_eq!(float_text(2024.0), "2024");
        assert_eq!(float_text(-0.0), "0");
        assert_eq!(float_text(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(float_text(12.5), "12.5");
        assert_eq!(float_text(1e21), "1000000000000000000000");
    }

    #[test]
    fn values_as_text() {
        assert_eq!(cell_text(&DataRef::Bool(true)), "true");
        assert_eq!(cell_text(&DataRef::Int(-7)), "-7");
        assert_eq!(cell_text(&DataRef::Error(calamine::CellErrorType::NA)), "#N/A");
        assert_eq!(cell_text(&DataRef::SharedString("Åtgärd")), "Åtgärd");
        assert_eq!(cell_text(&DataRef::Empty), "");
    }

    #[test]
    fn unique_counts_are_found_in_any_spacing_and_across_reads() {
        let xml = b"<?xml?><sst xmlns=\"x\" count=\"5\" uniqueCount = '00012'><si><t>uniqueCount=\"7\"</t></si></sst>";
        assert_eq!(largest_unique_count(&xml[..]), 12);
        assert_eq!(
            largest_unique_count(&b"<x:sst x:uniqueCount=\"99999999999999999999999\">"[..]),
            u64::MAX
        );
        assert_eq!(
            largest_unique_count(&b"uuniqueCount=\"3\" uniqueCount\"4\" uniqueCount="[..]),
            3
        );
        // Split over two reads: the scan carries its state from one to the next.
        let slow = std::io::Read::chain(&b"<sst uniqueC"[..], &b"ount=\"42\"/>"[..]);
        assert_eq!(largest_unique_count(slow), 42);
    }

    #[test]
    fn a_panic_in_calamine_is_an_error() {
        let result: Result<(), SheetError> = guarded(|| panic!("calamine"));
        assert!(matches!(result, Err(SheetError::Xlsx(_))));
        assert_eq!(guarded(|| Ok(7)), Ok(7));
    }

    #[test]
    fn rows_are_filled_out_to_the_header_and_not_cut() {
        let mut budget = 100;
        let row = BTreeMap::from([(3, "a".to_owned()), (5, "b".to_owned())]);
        assert_eq!(
            dense(row.clone(), 2, 6, &mut budget),
            Ok(vec!["".into(), "a".into(), "".into(), "b".into(), "".into(), "".into()])
        );
        assert_eq!(
            dense(row, 3, 1, &mut budget),
            Ok(vec!["a".into(), "".into(), "b".into()])
        );
        assert_eq!(budget, 100 - 4 - 1);
        let far = BTreeMap::from([(16_383, "x".to_owned())]);
        assert_eq!(
            dense(far, 0, 0, &mut budget),
            Err(SheetError::TooLarge { limit: MAX_CELLS })
        );
    }
}
