//! Property tests: tables written by the `csv` crate read back as they were, line numbers included.

use lis_sheets::{Encoding, Row, read, read_csv};
use proptest::prelude::*;

/// A cell: a few pieces, among them delimiters, quotes, line breaks and Swedish letters.
fn cell() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("a"),
        Just("Z"),
        Just("1"),
        Just("å"),
        Just("Ä"),
        Just("ö"),
        Just(";"),
        Just(","),
        Just("\""),
        Just(" "),
        Just("\t"),
        Just("\n"),
        Just("\r\n"),
        Just("€"),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
}

/// A header: two or more plain names (the delimiter is read from the header line, so it holds no delimiters).
fn header() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[A-Za-zÅÄÖåäö][A-Za-zÅÄÖåäö0-9 ]{0,8}", 2..6)
}

fn rows() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::collection::vec(cell(), 1..7), 0..10)
}

/// Writes the table and returns the bytes and each data record's 1-based starting line.
fn write(header: &[String], rows: &[Vec<String>], delimiter: u8, crlf: bool, bom: bool) -> (Vec<u8>, Vec<u64>) {
    let terminator = if crlf {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(terminator)
        .flexible(true)
        .from_writer(if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() });
    writer.write_record(header).expect("header");
    let mut lines = Vec::new();
    for row in rows {
        writer.flush().expect("flush");
        let before = writer.get_ref();
        lines.push(1 + before.iter().filter(|&&b| b == b'\n').count() as u64);
        writer.write_record(row).expect("row");
    }
    (writer.into_inner().expect("bytes"), lines)
}

proptest! {
    #[test]
    fn written_tables_read_back_equal(
        header in header(),
        rows in rows(),
        semicolon in any::<bool>(),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let delimiter = if semicolon { b';' } else { b',' };
        let (bytes, lines) = write(&header, &rows, delimiter, crlf, bom);
        let sheet = read_csv(&bytes).expect("readable");
        let expected: Vec<Row> = rows
            .iter()
            .zip(lines)
            .filter(|(cells, _)| cells.iter().any(|cell| !cell.trim().is_empty()))
            .map(|(cells, line)| Row { line, cells: cells.clone() })
            .collect();
        prop_assert_eq!(&sheet.headers, &header);
        prop_assert_eq!(&sheet.rows, &expected);
        prop_assert_eq!(sheet.delimiter, Some(delimiter));
        prop_assert_eq!(sheet.encoding, if bom { Encoding::Utf8WithBom } else { Encoding::Utf8 });
    }

    #[test]
    fn any_bytes_read_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = read(&bytes);
    }

    #[test]
    fn any_text_reads_without_panicking(text in "[a;,\"\r\n \tåÄ\u{FEFF}]{0,60}") {
        let _ = read(text.as_bytes());
    }
}
