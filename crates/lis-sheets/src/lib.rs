//! Reads the spreadsheets people upload, CSV or XLSX, into rows of text.
//!
//! Reading is pure: bytes in, [`Sheet`]s out, no I/O. [`read`] looks at the content (a ZIP archive is a workbook,
//! anything else is CSV) and calls [`read_csv`] or [`read_xlsx`]. A CSV file may be UTF-8, with or without a
//! byte-order mark, or Windows-1252 (what older Swedish Excel saves); its delimiter, `;`, `,` or tab, is read from
//! the header line. Cells come back exactly as written: trimming and checking them against what an import expects
//! (missing columns, duplicate headers, too many fields) is the importer's work. Rows that are entirely empty are
//! skipped.
//!
//! Every problem is a [`SheetError`], with an English [`Display`](std::fmt::Display) for logs and a Swedish
//! [`SheetError::message_sv`] for the person who uploaded the file. Nothing here panics, whatever the input; a fuzz
//! target in `fuzz/` keeps it so.

mod delimited;
mod text;
mod workbook;

pub use delimited::read_csv;
pub use workbook::read_xlsx;

/// One sheet read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    /// The worksheet's name in a workbook; `None` for CSV.
    pub name: Option<String>,
    /// The header: the first row that is not empty, its cells exactly as written.
    pub headers: Vec<String>,
    /// The data rows after the header, empty rows left out.
    pub rows: Vec<Row>,
    /// How the file was encoded ([`Encoding::Xlsx`] for a workbook).
    pub encoding: Encoding,
    /// The CSV delimiter (`;`, `,` or tab); `None` for a workbook.
    pub delimiter: Option<u8>,
}

/// One data row and where it is in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// CSV: the 1-based physical line on which the record starts (the header is line 1 when it is the first line).
    /// XLSX: Excel's 1-based row number.
    pub line: u64,
    /// The cells as text, as many as the row really has (CSV) or up to the last non-empty cell but at least as many
    /// as the header (XLSX).
    pub cells: Vec<String>,
}

/// How a sheet's text was encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (what Excel's "CSV UTF-8" writes).
    Utf8WithBom,
    /// Windows-1252 (what Excel's plain "CSV" writes on Swedish Windows).
    Windows1252,
    /// An XLSX workbook, which has no text encoding of its own to report.
    Xlsx,
}

/// Why a file could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// The file is empty, or holds only whitespace, a byte-order mark or empty rows.
    #[error("the file is empty")]
    Empty,
    /// A quoted field is never closed before the end of the file.
    #[error("line {line}: the quote that starts here is never closed")]
    UnterminatedQuote {
        /// The line of the opening quote.
        line: u64,
    },
    /// Bytes that are neither UTF-8 nor Windows-1252.
    #[error("line {line}: the text is neither valid UTF-8 nor Windows-1252")]
    InvalidUtf8 {
        /// The line of the first bad byte.
        line: u64,
    },
    /// NUL or other control bytes: the file looks like a binary file, not text.
    #[error("line {line}: the file looks like a binary file, not CSV")]
    Binary {
        /// The line of the first such byte.
        line: u64,
    },
    /// Text in UTF-16 (what Excel's "Unicode text" writes), which is not read.
    #[error("the file is UTF-16 text; save it as CSV UTF-8 or as an XLSX workbook")]
    Utf16,
    /// An OLE compound file: an old Excel workbook (.xls) or a password-protected workbook.
    #[error("the file is an old Excel workbook (.xls) or a password-protected workbook")]
    OldExcelOrProtected,
    /// A ZIP archive that is not a readable XLSX workbook.
    #[error("not a readable XLSX workbook: {0}")]
    Xlsx(String),
    /// A workbook with more cells than this crate will hold in memory.
    #[error("the workbook has more than {limit} cells")]
    TooLarge {
        /// The largest number of cells read.
        limit: u64,
    },
    /// The CSV reader failed (it does not, on text this crate has decoded; kept so that nothing panics).
    #[error("cannot read the CSV: {0}")]
    Csv(String),
}

impl SheetError {
    /// The problem as a plain Swedish sentence for the person who uploaded the file.
    pub fn message_sv(&self) -> String {
        match self {
            Self::Empty => "Filen är tom.".to_owned(),
            Self::UnterminatedQuote { line } => format!("Rad {line}: citattecknet som börjar här avslutas aldrig."),
            Self::InvalidUtf8 { line } => format!("Rad {line}: tecknen är varken giltig UTF-8 eller Windows-1252."),
            Self::Binary { line } => {
                format!(
                    "Rad {line}: filen innehåller tecken som inte hör hemma i text; den ser ut att vara en binärfil."
                )
            }
            Self::Utf16 => "Filen är sparad som UTF-16 (”Unicode-text”). Spara den som ”CSV UTF-8” eller som \
                            Excel-arbetsbok (.xlsx) och försök igen."
                .to_owned(),
            Self::OldExcelOrProtected => "Filen är en äldre Excel-fil (.xls) eller en lösenordsskyddad arbetsbok. \
                                          Spara den som Excel-arbetsbok (.xlsx) utan lösenord, eller som CSV."
                .to_owned(),
            Self::Xlsx(_) => "Filen kunde inte läsas som en Excel-arbetsbok (.xlsx); den kan vara skadad.".to_owned(),
            Self::TooLarge { limit } => {
                format!("Arbetsboken har fler än {} celler och kan inte läsas.", grouped(*limit))
            }
            Self::Csv(_) => "Filen kunde inte läsas som CSV.".to_owned(),
        }
    }
}

/// A number with its digits in groups of three, as Swedish writes it: `5 000 000` (with no-break spaces).
fn grouped(number: u64) -> String {
    let digits = number.to_string();
    let mut text = String::with_capacity(digits.len() * 2);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push('\u{a0}');
        }
        text.push(digit);
    }
    text
}

/// The signature at the start of every ZIP archive with content, and so of every XLSX workbook.
const ZIP_SIGNATURE: &[u8] = b"PK\x03\x04";

/// The signature of an OLE compound file: an old .xls workbook, or an encrypted (password-protected) XLSX.
pub(crate) const OLE_SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Reads a file of either kind, deciding by its content: a ZIP signature (`PK\x03\x04`) means XLSX, anything else
/// CSV. Returns one sheet for CSV and one per non-empty worksheet for XLSX. An OLE compound file (old .xls or a
/// password-protected workbook) and UTF-16 text are recognised and refused with their own errors.
pub fn read(bytes: &[u8]) -> Result<Vec<Sheet>, SheetError> {
    if bytes.starts_with(ZIP_SIGNATURE) {
        read_xlsx(bytes)
    } else if bytes.starts_with(OLE_SIGNATURE) {
        Err(SheetError::OldExcelOrProtected)
    } else {
        read_csv(bytes).map(|sheet| vec![sheet])
    }
}

/// A header as it is compared: a leading byte-order mark removed, trimmed, lower-case (Unicode), inner whitespace
/// collapsed to one space.
pub fn normalise_header(text: &str) -> String {
    text.trim_start_matches(|c: char| c == '\u{FEFF}' || c.is_whitespace())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_compare_without_case_whitespace_or_bom() {
        assert_eq!(normalise_header("\u{FEFF}  Ärende\u{a0} \t Nummer "), "ärende nummer");
        assert_eq!(normalise_header("SYSTEMÄGARE"), "systemägare");
        assert_eq!(normalise_header(" \u{FEFF}Namn"), "namn");
        assert_eq!(normalise_header(""), "");
    }

    #[test]
    fn read_dispatches_on_content() {
        let sheets = read("Namn;Ägare\nA;B\n".as_bytes()).expect("csv");
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].delimiter, Some(b';'));
        assert!(matches!(read(b"PK\x03\x04garbage"), Err(SheetError::Xlsx(_))));
        let ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0";
        assert_eq!(read(ole), Err(SheetError::OldExcelOrProtected));
        assert_eq!(
            read_xlsx(ole),
            Err(SheetError::OldExcelOrProtected),
            "calamine never sees it"
        );
        assert_eq!(read(b""), Err(SheetError::Empty));
    }

    #[test]
    fn every_error_has_a_swedish_sentence() {
        let errors = [
            SheetError::Empty,
            SheetError::UnterminatedQuote { line: 7 },
            SheetError::InvalidUtf8 { line: 3 },
            SheetError::Binary { line: 1 },
            SheetError::Utf16,
            SheetError::OldExcelOrProtected,
            SheetError::Xlsx("bad zip".into()),
            SheetError::TooLarge { limit: 10 },
            SheetError::Csv("x".into()),
        ];
        for error in errors {
            let message = error.message_sv();
            assert!(message.ends_with('.'), "{message}");
            assert!(!error.to_string().is_empty());
        }
        assert_eq!(
            SheetError::UnterminatedQuote { line: 7 }.message_sv(),
            "Rad 7: citattecknet som börjar här avslutas aldrig."
        );
        assert_eq!(
            SheetError::TooLarge { limit: 5_000_000 }.message_sv(),
            "Arbetsboken har fler än 5\u{a0}000\u{a0}000 celler och kan inte läsas."
        );
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1\u{a0}000");
        assert_eq!(
            SheetError::InvalidUtf8 { line: 3 }.message_sv(),
            "Rad 3: tecknen är varken giltig UTF-8 eller Windows-1252."
        );
    }
}
