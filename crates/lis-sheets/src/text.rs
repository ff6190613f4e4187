//! Text: deciding a CSV file's encoding, decoding it, and counting its lines.
//!
//! A line ends at `\n`, `\r\n` or a lone `\r`, the same three endings the CSV reader accepts between records.

use std::borrow::Cow;

use crate::{Encoding, SheetError};

/// The UTF-8 byte-order mark.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The byte-order marks of UTF-16, little- and big-endian.
const UTF16_BOMS: [&[u8]; 2] = [b"\xFF\xFE", b"\xFE\xFF"];

/// The bytes that Windows-1252 leaves undefined.
const UNDEFINED_IN_1252: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

/// Windows-1252 for 0x80–0x9F, per the WHATWG windows-1252 index (the five undefined bytes map to the C1 controls of
/// the same value, as WHATWG does, but [`decode`] never gets that far with them). 0xA0–0xFF are Latin-1.
const WINDOWS_1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', // 0x80
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}', // 0x88
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', // 0x90
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}', // 0x98
];

/// Whether a byte is a control character that does not belong in a text file: C0 controls other than tab, line
/// feed and carriage return (so NUL among them).
fn is_binary(byte: u8) -> bool {
    byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r')
}

/// Decodes a CSV file's bytes: UTF-8 (a leading byte-order mark stripped) or, when the bytes are not UTF-8 but look
/// like Windows-1252, Windows-1252.
pub(crate) fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), SheetError> {
    if UTF16_BOMS.iter().any(|bom| bytes.starts_with(bom)) {
        return Err(SheetError::Utf16);
    }
    let (body, has_bom) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    if let Some(at) = body.iter().position(|&b| is_binary(b)) {
        return Err(SheetError::Binary {
            line: line_at(body, at),
        });
    }
    match std::str::from_utf8(body) {
        Ok(text) => Ok((
            Cow::Borrowed(text),
            if has_bom { Encoding::Utf8WithBom } else { Encoding::Utf8 },
        )),
        Err(error) => {
            let invalid = SheetError::InvalidUtf8 {
                line: line_at(body, error.valid_up_to()),
            };
            // A byte-order mark promises UTF-8; undefined bytes rule Windows-1252 out; and a file with valid
            // multi-byte UTF-8 characters as well as bad bytes is broken UTF-8, not Windows-1252.
            let has_utf8_characters = body.utf8_chunks().any(|chunk| !chunk.valid().is_ascii());
            if has_bom || has_utf8_characters || body.iter().any(|b| UNDEFINED_IN_1252.contains(b)) {
                Err(invalid)
            } else {
                Ok((Cow::Owned(decode_windows_1252(body)), Encoding::Windows1252))
            }
        }
    }
}

/// Decodes Windows-1252 bytes.
fn decode_windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => WINDOWS_1252_HIGH
                .get(usize::from(b - 0x80))
                .copied()
                .unwrap_or('\u{FFFD}'),
            _ => char::from(b),
        })
        .collect()
}

/// The 1-based line of a byte offset.
pub(crate) fn line_at(bytes: &[u8], offset: usize) -> u64 {
    LineCounter::new(bytes).line_at(offset)
}

/// Counts lines up to byte offsets that mostly grow, as records are read in order.
pub(crate) struct LineCounter<'a> {
    /// The whole text.
    bytes: &'a [u8],
    /// The offset counted up to.
    offset: usize,
    /// The line at `offset`.
    line: u64,
}

impl<'a> LineCounter<'a> {
    /// A counter at the start of the text, line 1.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of a byte offset (an offset past the end counts as the end). Cheap when offsets grow.
    pub(crate) fn line_at(&mut self, offset: usize) -> u64 {
        let offset = offset.min(self.bytes.len());
        if offset < self.offset {
            *self = Self::new(self.bytes);
        }
        let skipped = self.bytes.get(self.offset..offset).unwrap_or_default();
        for (i, &byte) in skipped.iter().enumerate() {
            let ends_line = match byte {
                b'\n' => true,
                // A `\r` ends a line unless a `\n` follows it; then the `\n` does.
                b'\r' => self.bytes.get(self.offset + i + 1) != Some(&b'\n'),
                _ => false,
            };
            if ends_line {
                self.line = self.line.saturating_add(1);
            }
        }
        self.offset = offset;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let text = b"a\nb\r\nc\rd";
        assert_eq!(line_at(text, 0), 1);
        assert_eq!(line_at(text, 2), 2);
        assert_eq!(line_at(text, 3), 2, "the \\r of \\r\\n is still on line 2");
        assert_eq!(line_at(text, 4), 2, "so is its \\n");
        assert_eq!(line_at(text, 5), 3);
        assert_eq!(line_at(text, 7), 4);
        assert_eq!(line_at(text, 100), 4);
        let mut counter = LineCounter::new(text);
        assert_eq!(counter.line_at(7), 4);
        assert_eq!(counter.line_at(2), 2, "going back recounts");
    }

    #[test]
    fn the_whole_windows_1252_range_decodes() {
        let all: Vec<u8> = (0x20..=0xFF).filter(|b| !UNDEFINED_IN_1252.contains(b)).collect();
        let text = decode_windows_1252(&all);
        assert_eq!(text.chars().count(), all.len());
        assert!(text.contains('€') && text.contains('Ÿ') && text.contains('ÿ') && text.contains('“'));
        assert_eq!(decode_windows_1252(b"\xC5\xC4\xD6\xE5\xE4\xF6\xE9"), "ÅÄÖåäöé");
    }

    #[test]
    fn undefined_1252_bytes_are_invalid() {
        assert_eq!(
            decode(b"a;b\n\x81\n").map(|(_, e)| e),
            Err(SheetError::InvalidUtf8 { line: 2 })
        );
    }

    #[test]
    fn a_bom_promises_utf_8() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFa;b\n\xE4\n").map(|(_, e)| e),
            Err(SheetError::InvalidUtf8 { line: 2 })
        );
    }

    #[test]
    fn utf_16_is_named() {
        assert_eq!(decode(b"\xFF\xFEa\0;\0").map(|(_, e)| e), Err(SheetError::Utf16));
    }

    #[test]
    fn control_bytes_mean_binary_even_when_not_utf_8() {
        assert_eq!(
            decode(b"\x89PNG\r\n\x1A\n\0\0").map(|(_, e)| e),
            Err(SheetError::Binary { line: 2 })
        );
    }
}
