//! Replays the fuzz target's seed corpus (`fuzz/seeds/`) on every build: every seed, and every crash the fuzzer
//! ever found (copied there once fixed), reads without panicking, and the named seeds read as they should.
//!
//! `workbook.xlsx` is written by the ignored test `write_workbook_seed` in `tests/xlsx.rs`; `stored.xlsx` is a
//! minimal workbook made by hand with uncompressed parts, so that the fuzzer's mutations reach calamine's XML.

use std::path::PathBuf;

use lis_sheets::{Encoding, Sheet, SheetError, read};

fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz").join("seeds")
}

fn seed(name: &str) -> Result<Vec<Sheet>, SheetError> {
    let bytes = std::fs::read(seeds_dir().join(name)).expect("seed file");
    read(&bytes)
}

fn one(name: &str) -> Sheet {
    let mut sheets = seed(name).expect("readable seed");
    assert_eq!(sheets.len(), 1, "{name}");
    sheets.remove(0)
}

fn lines(sheet: &Sheet) -> Vec<u64> {
    sheet.rows.iter().map(|row| row.line).collect()
}

#[test]
fn every_seed_reads_without_panicking() {
    let mut count = 0;
    for entry in std::fs::read_dir(seeds_dir()).expect("seeds directory") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("seed file");
        let sheets = read(&bytes);
        let _ = lis_sheets::read_csv(&bytes);
        let _ = lis_sheets::read_xlsx(&bytes);
        if let Ok(sheets) = sheets {
            assert!(!sheets.is_empty(), "{}: sheets or an error", path.display());
        }
        count += 1;
    }
    assert!(count >= 12, "the seed corpus is there ({count} files)");
}

#[test]
fn semicolons_with_a_bom() {
    let sheet = one("semicolon_bom.csv");
    assert_eq!(sheet.encoding, Encoding::Utf8WithBom);
    assert_eq!(sheet.delimiter, Some(b';'));
    assert_eq!(sheet.headers, ["System", "Ägare", "Åtgärd"]);
    assert_eq!(sheet.rows[1].cells, ["E-post", "Bo", "Logga; granska"]);
    assert_eq!(lines(&sheet), [2, 3]);
}

#[test]
fn commas() {
    let sheet = one("comma.csv");
    assert_eq!((sheet.encoding, sheet.delimiter), (Encoding::Utf8, Some(b',')));
    assert_eq!(sheet.rows[0].cells, ["Payroll, new", "Anna", "3"]);
}

#[test]
fn windows_1252() {
    let sheet = one("windows1252.csv");
    assert_eq!(sheet.encoding, Encoding::Windows1252);
    assert_eq!(sheet.headers, ["Socialtjänst", "Ärende"]);
    assert_eq!(sheet.rows[0].cells, ["Övrigt", "€ 12"]);
}

#[test]
fn broken_files() {
    assert_eq!(seed("broken_quote.csv"), Err(SheetError::UnterminatedQuote { line: 3 }));
    assert_eq!(seed("empty.csv"), Err(SheetError::Empty));
    assert_eq!(seed("bom_only.csv"), Err(SheetError::Empty));
    assert_eq!(seed("nul.csv"), Err(SheetError::Binary { line: 2 }));
    assert_eq!(seed("mixed_utf8.csv"), Err(SheetError::InvalidUtf8 { line: 2 }));
    assert_eq!(seed("utf16.csv"), Err(SheetError::Utf16));
    assert!(seed("garbage.bin").is_err());
}

#[test]
fn line_numbers() {
    let sheet = one("multiline.csv");
    assert_eq!(sheet.rows[0].cells, ["A", "rad ett\nrad två\nrad tre"]);
    assert_eq!(lines(&sheet), [2, 5]);

    let sheet = one("blank_lines_crlf.csv");
    assert_eq!(sheet.headers, ["Namn", "Antal"]);
    let cells: Vec<usize> = sheet.rows.iter().map(|row| row.cells.len()).collect();
    assert_eq!(cells, [2, 3, 1], "real cell counts");
    assert_eq!(lines(&sheet), [4, 6, 7]);

    assert_eq!(lines(&one("old_mac.csv")), [2, 4]);
}

#[test]
fn tabs_and_stray_quotes() {
    let sheet = one("tab.tsv");
    assert_eq!(sheet.delimiter, Some(b'\t'));
    assert_eq!(sheet.rows[0].cells, ["A", "B;C"]);

    let sheet = one("stray_quote.csv");
    assert_eq!(sheet.rows[0].cells, ["A", "12\""]);
    assert_eq!(sheet.rows[1].cells, ["Bx", "y"]);
}

#[test]
fn crashes_the_fuzzer_found() {
    // calamine reserved memory for the number of shared strings a workbook claims: 10^12 (aborts) and 2^64 - 1
    // (panics); both are refused before calamine sees them.
    assert_eq!(
        seed("shared_strings_huge.xlsx"),
        Err(SheetError::TooLarge { limit: 5_000_000 })
    );
    assert_eq!(
        seed("shared_strings_overflow.xlsx"),
        Err(SheetError::TooLarge { limit: 5_000_000 })
    );
    // A cell reference with a very long column (`AAAAAAAA…1`): calamine's column arithmetic overflows, which
    // panics where overflow is checked (test and debug builds) and is caught; elsewhere it wraps. (The fuzzer had
    // mangled the ZIP signature too, so only `read_xlsx` takes it for a workbook.)
    let bytes = std::fs::read(seeds_dir().join("crash-column-overflow.xlsx")).expect("seed file");
    let result = lis_sheets::read_xlsx(&bytes);
    if cfg!(debug_assertions) {
        assert!(matches!(result, Err(SheetError::Xlsx(_))), "{result:?}");
    }
}

#[test]
fn workbooks() {
    let sheets = seed("workbook.xlsx").expect("readable workbook");
    let names: Vec<_> = sheets.iter().map(|sheet| sheet.name.as_deref()).collect();
    assert_eq!(names, [Some("System"), Some("Åtgärder")]);
    assert_eq!(sheets[0].rows[0].cells[3], "2026-03-02");

    let sheet = one("stored.xlsx");
    assert_eq!(sheet.encoding, Encoding::Xlsx);
    assert_eq!(sheet.name.as_deref(), Some("Blad1"));
    assert_eq!(sheet.headers, ["Namn", "Ägare"]);
    assert_eq!(sheet.rows.len(), 1);
    assert_eq!(sheet.rows[0].line, 3);
    assert_eq!(sheet.rows[0].cells, ["Lönesystem", "2024", "", "true"]);
}
