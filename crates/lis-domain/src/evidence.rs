//! Evidence files for the gap analysis: which kinds are taken (by extension), how large, and whether the content is
//! what the extension says.

use serde::Serialize;

/// The largest evidence file: 10 MiB.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// A kind of evidence file LIS takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum EvidenceKind {
    /// A PDF document.
    Pdf,
    /// A PNG image.
    Png,
    /// A JPEG image.
    Jpeg,
    /// Plain text (also CSV and log extracts).
    Text,
    /// An Office Open XML or OpenDocument file (docx, xlsx, pptx, odt, ods): a zip archive.
    OfficeDocument,
}

impl EvidenceKind {
    /// The kind a file name's extension claims, if LIS takes it.
    pub fn from_name(name: &str) -> Option<Self> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match extension.as_str() {
            "pdf" => Self::Pdf,
            "png" => Self::Png,
            "jpg" | "jpeg" => Self::Jpeg,
            "txt" | "csv" | "log" => Self::Text,
            "docx" | "xlsx" | "pptx" | "odt" | "ods" | "odp" => Self::OfficeDocument,
            _ => return None,
        })
    }

    /// The content type a download is sent with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Text => "text/plain; charset=utf-8",
            Self::OfficeDocument => "application/octet-stream",
        }
    }

    /// Whether `bytes` look like this kind: the format's signature, or for text valid UTF-8 without NUL bytes.
    pub fn matches(self, bytes: &[u8]) -> bool {
        match self {
            Self::Pdf => bytes.starts_with(b"%PDF-"),
            Self::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            Self::Jpeg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            Self::Text => !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok(),
            Self::OfficeDocument => bytes.starts_with(b"PK\x03\x04"),
        }
    }
}

/// Why an evidence file is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum EvidenceProblem {
    /// Nothing was sent.
    #[error("the file is empty")]
    Empty,
    /// Larger than [`MAX_BYTES`].
    #[error("the file is larger than {MAX_BYTES} bytes")]
    TooLarge,
    /// An extension LIS does not take.
    #[error("files of this type are not taken")]
    TypeNotAllowed,
    /// The content is not what the extension says.
    #[error("the content does not match the file's extension")]
    ContentMismatch,
}

impl EvidenceProblem {
    /// The problem in Swedish.
    pub fn swedish(&self) -> String {
        match self {
            Self::Empty => "Ingen fil valdes, eller filen är tom.".to_owned(),
            Self::TooLarge => format!("Filen är större än {} MiB.", MAX_BYTES / (1024 * 1024)),
            Self::TypeNotAllowed => {
                "Den filtypen tas inte emot. Ladda upp PDF, PNG, JPEG, text (txt, csv, log) eller ett Office- eller OpenDocument-dokument.".to_owned()
            }
            Self::ContentMismatch => "Filens innehåll stämmer inte med filändelsen.".to_owned(),
        }
    }

    /// The problem in English.
    pub fn english(&self) -> String {
        match self {
            Self::Empty => "No file was chosen, or the file is empty.".to_owned(),
            Self::TooLarge => format!("The file is larger than {} MiB.", MAX_BYTES / (1024 * 1024)),
            Self::TypeNotAllowed => {
                "Files of that type are not taken. Upload PDF, PNG, JPEG, text (txt, csv, log) or an Office or OpenDocument document.".to_owned()
            }
            Self::ContentMismatch => "The file's content does not match its extension.".to_owned(),
        }
    }
}

/// Checks an evidence file named `name` with content `bytes`: its kind, or why it is refused.
pub fn check(name: &str, bytes: &[u8]) -> Result<EvidenceKind, EvidenceProblem> {
    if bytes.is_empty() {
        return Err(EvidenceProblem::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(EvidenceProblem::TooLarge);
    }
    let kind = EvidenceKind::from_name(name).ok_or(EvidenceProblem::TypeNotAllowed)?;
    if !kind.matches(bytes) {
        return Err(EvidenceProblem::ContentMismatch);
    }
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_taken_by_its_extension_when_its_content_matches() {
        assert_eq!(check("Rapport.PDF", b"%PDF-1.7 ..."), Ok(EvidenceKind::Pdf));
        assert_eq!(
            check("logg.txt", "Inloggning lyckades för åäö".as_bytes()),
            Ok(EvidenceKind::Text)
        );
        assert_eq!(check("plan.xlsx", b"PK\x03\x04rest"), Ok(EvidenceKind::OfficeDocument));
        assert_eq!(check("skärm.png", b"\x89PNG\r\n\x1a\n...."), Ok(EvidenceKind::Png));
    }

    #[test]
    fn empty_large_unknown_and_disguised_files_are_refused() {
        assert_eq!(check("a.pdf", b""), Err(EvidenceProblem::Empty));
        assert_eq!(
            check("a.pdf", &vec![b'%'; MAX_BYTES + 1]),
            Err(EvidenceProblem::TooLarge)
        );
        assert_eq!(check("program.exe", b"MZ...."), Err(EvidenceProblem::TypeNotAllowed));
        assert_eq!(check("utan-filandelse", b"%PDF-"), Err(EvidenceProblem::TypeNotAllowed));
        assert_eq!(
            check("faktura.pdf", b"MZ\x90\x00"),
            Err(EvidenceProblem::ContentMismatch)
        );
        assert_eq!(
            check("text.txt", b"binary\x00data"),
            Err(EvidenceProblem::ContentMismatch)
        );
        assert_eq!(
            check("bild.jpg", b"<html><script>"),
            Err(EvidenceProblem::ContentMismatch)
        );
    }
}
