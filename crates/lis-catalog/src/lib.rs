//! Reads and validates LIS's control catalogue: `catalog.toml` (the classification model and themes) and
//! `controls/*.toml` (controls and requirements), in the format `msb-catalog/README.md` describes.
//!
//! Parsing is pure: [`parse`] takes file names and contents, so tests feed inline text; [`load_dir`] reads a
//! directory and calls it. Every problem is reported at once, with its file and line, as a [`Problem`].

pub mod import;
mod model;
pub mod oscal;
pub mod questionnaire;
mod raw;
pub mod upgrade;
mod validate;

use std::path::Path;

pub use model::{
    AspectDef, Catalog, Control, LevelDef, Meta, Moved, Requirement, RequirementKind, Summary, Texts, ThemeDef,
    annex_a_2022_ids,
};

/// One problem in the catalogue, where it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct Problem {
    /// The file, relative to the catalogue directory.
    pub file: String,
    /// The line, counting from 1 (0 when the problem concerns the whole file).
    pub line: usize,
    /// What is wrong, in a plain sentence.
    pub message: String,
}

/// The name of the catalogue's metadata file.
pub const CATALOG_FILE: &str = "catalog.toml";

/// The directory of the control files, inside the catalogue directory.
pub const CONTROLS_DIR: &str = "controls";

/// Parses and validates a catalogue from its files: `catalog.toml` and any number of control files, as
/// `(name, contents)` pairs.
pub fn parse(catalog_toml: &str, control_files: &[(String, String)]) -> Result<Catalog, Vec<Problem>> {
    validate::catalogue(catalog_toml, control_files)
}

/// The files of the shipped catalogue, compiled into the binary by `build.rs`.
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The catalogue LIS ships (`msb-catalog/`), as compiled into the binary.
pub fn shipped() -> Result<Catalog, Vec<Problem>> {
    let files: Vec<(String, String)> = embedded::CONTROL_FILES
        .iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect();
    parse(embedded::CATALOG_TOML, &files)
}

/// The shipped catalogue together with a municipality's own requirements: every `*.toml` file directly in
/// `extra_dir`, in the format of the control files (usually only `[[requirement]]` tables for existing controls).
/// Shipped files are never edited; a problem anywhere means no catalogue, with every problem listed.
pub fn shipped_with_extensions(extra_dir: &Path) -> Result<Catalog, Vec<Problem>> {
    let mut files: Vec<(String, String)> = embedded::CONTROL_FILES
        .iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect();
    files.extend(read_toml_files(extra_dir, "extra")?);
    parse(embedded::CATALOG_TOML, &files)
}

fn unreadable(file: &str, err: &std::io::Error) -> Problem {
    Problem {
        file: file.to_owned(),
        line: 0,
        message: format!("cannot be read ({err})"),
    }
}

/// Every `*.toml` file directly in `dir`, named `<prefix>/<file name>`, in name order.
fn read_toml_files(dir: &Path, prefix: &str) -> Result<Vec<(String, String)>, Vec<Problem>> {
    let entries = std::fs::read_dir(dir).map_err(|e| vec![unreadable(&dir.display().to_string(), &e)])?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".toml"))
        .collect();
    names.sort();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for name in names {
        let relative = format!("{prefix}/{name}");
        match std::fs::read_to_string(dir.join(&name)) {
            Ok(contents) => files.push((relative, contents)),
            Err(err) => problems.push(unreadable(&relative, &err)),
        }
    }
    if problems.is_empty() { Ok(files) } else { Err(problems) }
}

/// Reads the catalogue in `dir` (`catalog.toml` and `controls/*.toml`) and validates it.
pub fn load_dir(dir: &Path) -> Result<Catalog, Vec<Problem>> {
    let catalog_toml =
        std::fs::read_to_string(dir.join(CATALOG_FILE)).map_err(|e| vec![unreadable(CATALOG_FILE, &e)])?;
    let files = read_toml_files(&dir.join(CONTROLS_DIR), CONTROLS_DIR)?;
    parse(&catalog_toml, &files)
}
