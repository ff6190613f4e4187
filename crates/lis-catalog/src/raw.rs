//! The files as written: every field optional and unknown fields kept, so that validation can name each problem
//! instead of stopping at the first. (Top-level keys are checked separately: `flatten` would hide the spans.)

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// Fields that were not expected, by name.
pub type Extra = BTreeMap<String, toml::Value>;

/// A text in Swedish and English.
#[derive(Debug, Default, Deserialize)]
pub struct RawTexts {
    pub sv: Option<String>,
    pub en: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `catalog.toml`.
#[derive(Debug, Deserialize)]
pub struct RawCatalog {
    pub id: Option<String>,
    pub version: Option<String>,
    pub issuer: Option<String>,
    pub licence: Option<String>,
    pub released: Option<String>,
    pub title: Option<RawTexts>,
    #[serde(default)]
    pub aspect: Vec<Spanned<RawAspect>>,
    #[serde(default)]
    pub level: Vec<Spanned<RawLevel>>,
    #[serde(default)]
    pub theme: Vec<Spanned<RawTheme>>,
    #[serde(default)]
    pub moved: Vec<Spanned<RawMoved>>,
}

/// A `[[moved]]` of `catalog.toml`.
#[derive(Debug, Deserialize)]
pub struct RawMoved {
    pub from: Option<String>,
    pub to: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An `[[aspect]]` of `catalog.toml`.
#[derive(Debug, Deserialize)]
pub struct RawAspect {
    pub id: Option<String>,
    pub name: Option<RawTexts>,
    pub definition: Option<RawTexts>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A `[[level]]` of `catalog.toml`.
#[derive(Debug, Deserialize)]
pub struct RawLevel {
    pub value: Option<u8>,
    pub name: Option<RawTexts>,
    pub definition: Option<RawTexts>,
    #[serde(default)]
    pub separate_analysis: bool,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A `[[theme]]` of `catalog.toml`.
#[derive(Debug, Deserialize)]
pub struct RawTheme {
    pub id: Option<String>,
    pub name: Option<RawTexts>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A control file.
#[derive(Debug, Deserialize)]
pub struct RawControlFile {
    #[serde(default)]
    pub control: Vec<Spanned<RawControl>>,
    #[serde(default)]
    pub requirement: Vec<Spanned<RawRequirement>>,
}

/// A `[[control]]`.
#[derive(Debug, Deserialize)]
pub struct RawControl {
    pub id: Option<String>,
    pub theme: Option<String>,
    pub title: Option<RawTexts>,
    pub aspects: Option<Vec<String>>,
    pub iso2013: Option<Vec<String>>,
    pub information_system: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A `[[requirement]]`.
#[derive(Debug, Deserialize)]
pub struct RawRequirement {
    pub id: Option<String>,
    pub control: Option<String>,
    pub aspects: Option<Vec<String>>,
    pub kind: Option<String>,
    pub applies: Option<String>,
    pub text: Option<RawTexts>,
    pub procurement: Option<RawTexts>,
    #[serde(default)]
    pub msbfs_2020_7: Vec<String>,
    #[serde(default)]
    pub cybersakerhetslagen: Vec<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}
