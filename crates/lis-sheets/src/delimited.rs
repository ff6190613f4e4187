//! CSV: the delimiter read from the header line, quotes checked, records read with the `csv` crate.
//!
//! Quoting follows the `csv` crate (and Excel): a field that starts with `"` is quoted, `""` inside it is one quote,
//! and a quote anywhere else is an ordinary character (`ab"c` is the cell `ab"c`). The one thing the `csv` crate lets
//! pass is a quote that is never closed, which swallows the rest of the file into one cell; [`check_quotes`] finds it
//! first and names its line.
//!
//! Line numbers come from each record's byte offset, not from `csv::Position::line()`: the `csv` crate gives a record
//! the position where it started reading it, which is before any blank lines it skipped and, with CRLF endings,
//! before the `\n` of the previous record's `\r\n`, and it counts only `\n` as a line break.

use crate::text::{self, LineCounter};
use crate::{Row, Sheet, SheetError};

/// The delimiters looked for, in the order that breaks ties: `;` first, as Swedish Excel writes it.
const DELIMITERS: [u8; 3] = [b';', b',', b'\t'];

/// Reads CSV: the encoding and the delimiter are detected, the first non-empty record is the header, the rest are
/// rows (entirely empty ones left out) with as many cells as they really have.
pub fn read_csv(bytes: &[u8]) -> Result<Sheet, SheetError> {
    let (text, encoding) = text::decode(bytes)?;
    if text.trim().is_empty() {
        return Err(SheetError::Empty);
    }
    let text = text.as_bytes();
    let delimiter = detect_delimiter(text);
    check_quotes(text, delimiter)?;

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text);
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(text);
    let mut headers = None;
    let mut rows = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => return Err(SheetError::Csv(error.to_string())),
        }
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        if headers.is_none() {
            headers = Some(cells);
            continue;
        }
        let line = lines.line_at(record_start(text, &record));
        rows.push(Row { line, cells });
    }
    let headers = headers.ok_or(SheetError::Empty)?;
    Ok(Sheet {
        name: None,
        headers,
        rows,
        encoding,
        delimiter: Some(delimiter),
    })
}

/// The byte offset where a record's first field starts: the `csv` crate's position skips no line breaks, so the
/// blank lines and the `\n` of a `\r\n` before the record are skipped here.
fn record_start(text: &[u8], record: &csv::StringRecord) -> usize {
    let from = record
        .position()
        .and_then(|position| usize::try_from(position.byte()).ok())
        .unwrap_or(text.len());
    let skipped = text
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    from.saturating_add(skipped)
}

/// Where a reader is within a record, as far as quotes go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field (or of a record).
    FieldStart,
    /// In a field that did not start with a quote.
    Unquoted,
    /// In a quoted field.
    Quoted,
    /// Just after a quote in a quoted field: either the first of `""` or the closing quote.
    QuoteInQuoted,
}

/// What a byte did.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Event {
    /// Nothing to note.
    Other,
    /// It separated two fields.
    Delimiter,
    /// It ended the record (or is a blank line's break).
    LineEnd,
    /// It opened a quoted field.
    OpenQuote,
}

impl State {
    /// The state after one byte, and what the byte did, as the `csv` crate reads it.
    fn step(self, byte: u8, is_delimiter: impl Fn(u8) -> bool) -> (Self, Event) {
        let line_break = byte == b'\r' || byte == b'\n';
        match self {
            Self::Quoted if byte == b'"' => (Self::QuoteInQuoted, Event::Other),
            Self::Quoted => (Self::Quoted, Event::Other),
            Self::QuoteInQuoted if byte == b'"' => (Self::Quoted, Event::Other),
            Self::FieldStart if byte == b'"' => (Self::Quoted, Event::OpenQuote),
            _ if is_delimiter(byte) => (Self::FieldStart, Event::Delimiter),
            _ if line_break => (Self::FieldStart, Event::LineEnd),
            _ => (Self::Unquoted, Event::Other),
        }
    }
}

/// The delimiter of the first line with content (something other than whitespace, quotes and delimiters): the most
/// frequent of `;`, `,` and tab outside quotes; ties, and a line with none of them, give `;`.
fn detect_delimiter(text: &[u8]) -> u8 {
    let mut counts = [0_usize; DELIMITERS.len()];
    let mut has_content = false;
    let mut state = State::FieldStart;
    for &byte in text {
        let (next, event) = state.step(byte, |b| DELIMITERS.contains(&b));
        state = next;
        match event {
            Event::Delimiter => {
                if let Some(count) = DELIMITERS
                    .iter()
                    .position(|&d| d == byte)
                    .and_then(|i| counts.get_mut(i))
                {
                    *count += 1;
                }
            }
            Event::LineEnd if has_content => break,
            Event::LineEnd => counts = [0; DELIMITERS.len()],
            Event::Other | Event::OpenQuote => {
                has_content |= !(byte.is_ascii_whitespace() || byte == b'"');
            }
        }
    }
    let most = counts.iter().copied().max().unwrap_or(0);
    DELIMITERS
        .iter()
        .zip(counts)
        .find(|&(_, count)| count == most)
        .map_or(b';', |(&delimiter, _)| delimiter)
}

/// Fails on a quoted field that is never closed, naming the line of its opening quote.
fn check_quotes(text: &[u8], delimiter: u8) -> Result<(), SheetError> {
    let mut state = State::FieldStart;
    let mut opened_at = 0;
    for (offset, &byte) in text.iter().enumerate() {
        let (next, event) = state.step(byte, |b| b == delimiter);
        state = next;
        if event == Event::OpenQuote {
            opened_at = offset;
        }
    }
    if state == State::Quoted {
        Err(SheetError::UnterminatedQuote {
            line: text::line_at(text, opened_at),
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Encoding;

    fn read(text: &str) -> Sheet {
        read_csv(text.as_bytes()).expect("readable CSV")
    }

    fn lines(sheet: &Sheet) -> Vec<u64> {
        sheet.rows.iter().map(|row| row.line).collect()
    }

    fn cells(sheet: &Sheet) -> Vec<Vec<&str>> {
        sheet
            .rows
            .iter()
            .map(|row| row.cells.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn bom_semicolons_and_swedish_letters() {
        let sheet =
            read_csv("\u{FEFF}System;Ägare;Åtgärd\nLönesystem;Håkan Öberg;Kryptera\n".as_bytes()).expect("readable");
        assert_eq!(sheet.encoding, Encoding::Utf8WithBom);
        assert_eq!(sheet.delimiter, Some(b';'));
        assert_eq!(sheet.headers, ["System", "Ägare", "Åtgärd"]);
        assert_eq!(cells(&sheet), [["Lönesystem", "Håkan Öberg", "Kryptera"]]);
        assert_eq!(lines(&sheet), [2]);
        assert_eq!(sheet.name, None);
    }

    #[test]
    fn no_bom_and_commas() {
        let sheet = read("Name,Owner\n\"Payroll, new\",Anna\nMail,Bo\n");
        assert_eq!(sheet.encoding, Encoding::Utf8);
        assert_eq!(sheet.delimiter, Some(b','));
        assert_eq!(cells(&sheet), [["Payroll, new", "Anna"], ["Mail", "Bo"]]);
    }

    #[test]
    fn windows_1252_is_decoded() {
        let sheet = read_csv(b"Socialtj\xe4nst;\xc4rende\n\xd6vrigt;\x80 12\n").expect("readable");
        assert_eq!(sheet.encoding, Encoding::Windows1252);
        assert_eq!(sheet.headers, ["Socialtjänst", "Ärende"]);
        assert_eq!(cells(&sheet), [["Övrigt", "€ 12"]]);
    }

    #[test]
    fn broken_utf_8_is_not_taken_for_windows_1252() {
        let bytes = "Namn;Ägare\nA;B\nC;\u{e4}\n"
            .as_bytes()
            .iter()
            .copied()
            .chain(*b"D;\xe4\n")
            .collect::<Vec<_>>();
        assert_eq!(read_csv(&bytes), Err(SheetError::InvalidUtf8 { line: 4 }));
    }

    #[test]
    fn nul_means_binary() {
        assert_eq!(read_csv(b"a;b\n1;2\n3;\0\n"), Err(SheetError::Binary { line: 3 }));
        assert_eq!(read_csv(b"\0"), Err(SheetError::Binary { line: 1 }));
    }

    #[test]
    fn empty_files() {
        assert_eq!(read_csv(b""), Err(SheetError::Empty));
        assert_eq!(read_csv(b"\xEF\xBB\xBF"), Err(SheetError::Empty));
        assert_eq!(read_csv(b" \r\n\t\n"), Err(SheetError::Empty));
        assert_eq!(read_csv(b"\xEF\xBB\xBF\r\n"), Err(SheetError::Empty));
        assert_eq!(read_csv(b";;;\r\n;;;\r\n"), Err(SheetError::Empty), "only empty rows");
    }

    #[test]
    fn a_header_alone_has_no_rows() {
        let sheet = read("Namn;Ägare\r\n");
        assert_eq!(sheet.headers, ["Namn", "Ägare"]);
        assert!(sheet.rows.is_empty());
        assert_eq!(
            read("Namn;Ägare").headers,
            ["Namn", "Ägare"],
            "without a final line break"
        );
    }

    #[test]
    fn empty_header_names_are_kept() {
        assert_eq!(read("Namn;;Ägare;\n1;2;3;4\n").headers, ["Namn", "", "Ägare", ""]);
    }

    #[test]
    fn blank_lines_are_skipped_and_still_counted() {
        let sheet = read("\n\nNamn;Ägare\n\nA;B\n \n;  ;\n\n\nC;D\n\n");
        assert_eq!(sheet.headers, ["Namn", "Ägare"]);
        assert_eq!(cells(&sheet), [["A", "B"], ["C", "D"]]);
        assert_eq!(lines(&sheet), [5, 10]);
    }

    #[test]
    fn a_record_with_line_breaks_in_quotes_has_the_line_it_starts_on() {
        let sheet = read("Namn;Text\nA;ett\nB;två\nC;tre\nD;\"fyra\nfem\nsex\"\nE;sju\n");
        assert_eq!(lines(&sheet), [2, 3, 4, 5, 8]);
        assert_eq!(sheet.rows[3].cells, ["D", "fyra\nfem\nsex"]);
    }

    #[test]
    fn a_header_with_line_breaks_in_quotes() {
        let sheet = read("\"Namn\r\n(fullständigt)\";Ägare\r\nA;B\r\n");
        assert_eq!(sheet.headers, ["Namn\r\n(fullständigt)", "Ägare"]);
        assert_eq!(lines(&sheet), [3]);
    }

    #[test]
    fn crlf_line_endings() {
        let sheet = read("Namn;Ägare\r\nA;B\r\n\r\n\"C\";\"D\"\r\nE ;F \r\n");
        assert_eq!(cells(&sheet), [["A", "B"], ["C", "D"], ["E ", "F "]]);
        assert_eq!(lines(&sheet), [2, 4, 5]);
    }

    #[test]
    fn old_mac_line_endings() {
        let sheet = read("Namn;Ägare\rA;B\r\rC;D\r");
        assert_eq!(cells(&sheet), [["A", "B"], ["C", "D"]]);
        assert_eq!(lines(&sheet), [2, 4]);
    }

    #[test]
    fn an_unterminated_quote_names_its_line() {
        let text = "Namn;Text\nA;ett\nB;två\nC;tre\nD;\"fyra\nE;fem\nF;sex\n";
        assert_eq!(
            read_csv(text.as_bytes()),
            Err(SheetError::UnterminatedQuote { line: 5 })
        );
        assert_eq!(
            read_csv(b"\"Namn;Text\n"),
            Err(SheetError::UnterminatedQuote { line: 1 })
        );
        assert_eq!(
            read_csv(b"a;b\r\n1;\"x\"\"\r\n"),
            Err(SheetError::UnterminatedQuote { line: 2 }),
            "an escaped quote"
        );
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_an_ordinary_character() {
        let sheet = read("Namn;Mått\nA;12\"\nB;ab\"c;d\n\"C\"x;y\n");
        assert_eq!(
            cells(&sheet),
            [vec!["A", "12\""], vec!["B", "ab\"c", "d"], vec!["Cx", "y"]]
        );
        let sheet = read("a;b\n1;x\"\n2;\"ok\"\n");
        assert_eq!(
            cells(&sheet),
            [["1", "x\""], ["2", "ok"]],
            "a stray quote opens nothing"
        );
    }

    #[test]
    fn rows_keep_their_real_number_of_cells() {
        let sheet = read("a;b;c\n1;2;3;4;5\n1\n1;2;\n\n");
        assert_eq!(
            cells(&sheet),
            [vec!["1", "2", "3", "4", "5"], vec!["1"], vec!["1", "2", ""]]
        );
    }

    #[test]
    fn cells_are_not_trimmed() {
        let sheet = read(" Namn ;\tÄgare\n  A ;\" B \"\n");
        assert_eq!(sheet.headers, [" Namn ", "\tÄgare"]);
        assert_eq!(cells(&sheet), [["  A ", " B "]]);
    }

    #[test]
    fn the_delimiter_is_the_most_frequent_outside_quotes() {
        assert_eq!(detect_delimiter(b"a;b;c,d"), b';');
        assert_eq!(detect_delimiter(b"a,b,c;d"), b',');
        assert_eq!(detect_delimiter(b"a\tb\tc,d;e"), b'\t');
        assert_eq!(
            detect_delimiter(b"\"a;b;c\",d"),
            b',',
            "delimiters in quotes do not count"
        );
        assert_eq!(
            detect_delimiter(b"\"a\"\";\"\";b\",d"),
            b',',
            "nor do they after an escaped quote"
        );
        assert_eq!(
            detect_delimiter(b"\n \r\n;;\na,b\nc;d;e;f"),
            b',',
            "the first line with content decides"
        );
    }

    #[test]
    fn delimiter_ties_go_to_semicolon() {
        assert_eq!(detect_delimiter(b"a;b,c"), b';');
        assert_eq!(detect_delimiter(b"a;b\tc"), b';');
        assert_eq!(detect_delimiter(b"Namn"), b';');
        assert_eq!(detect_delimiter(b""), b';');
        assert_eq!(
            detect_delimiter(b"a,b\tc"),
            b',',
            "without a semicolon, comma before tab"
        );
        let sheet = read("Namn\nA,B;C\n");
        assert_eq!(sheet.delimiter, Some(b';'));
        assert_eq!(cells(&sheet), [["A,B", "C"]]);
    }

    #[test]
    fn tab_separated() {
        let sheet = read("Namn\tÄgare\nA\tB;C\n");
        assert_eq!(sheet.delimiter, Some(b'\t'));
        assert_eq!(cells(&sheet), [["A", "B;C"]]);
    }

    #[test]
    fn csv_position_line_is_not_the_line_a_record_starts_on() {
        // Why `record_start` exists: the `csv` crate's own line for the record after a blank line, and for any
        // record after a CRLF, is the line before.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&b"a\n\nb\r\nc\r\n"[..]);
        let positions: Vec<u64> = reader
            .records()
            .map(|record| record.expect("record").position().map_or(0, csv::Position::line))
            .collect();
        assert_eq!(positions, [1, 2, 3]);
        let sheet = read("a\n\nb\r\nc\r\n");
        assert_eq!(lines(&sheet), [3, 4]);
    }
}
