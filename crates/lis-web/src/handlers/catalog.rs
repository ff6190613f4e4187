//! The catalogue pages: browsing and searching the requirements, and the profile explorer that shows which
//! requirements a classification selects and why.

use axum::extract::{Query, State};
use axum::response::Html;
use lis_catalog::{Catalog, Control, Requirement, RequirementKind};
use lis_domain::aspect::{Aspect, Profile};
use lis_domain::{Action, Resource};
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::download::Format;
use crate::i18n::Lang;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

/// A requirement as the pages show it.
#[derive(Serialize)]
pub(crate) struct RequirementView {
    pub(crate) id: String,
    aspects: Vec<Aspect>,
    generell: bool,
    applies: String,
    text: String,
    procurement: String,
    msbfs_2020_7: Vec<String>,
    cybersakerhetslagen: Vec<u8>,
    reasons: Vec<String>,
    /// On a system's page: how the system meets it.
    pub(crate) status: Option<super::requirements::StatusView>,
}

/// A control with the requirements shown under it.
#[derive(Serialize)]
pub(crate) struct ControlView {
    id: String,
    title: String,
    theme: String,
    aspects: Vec<Aspect>,
    iso2013: Vec<String>,
    pub(crate) requirements: Vec<RequirementView>,
}

fn text(lang: Lang, texts: &lis_catalog::Texts) -> String {
    match lang {
        Lang::Sv => texts.sv.clone(),
        Lang::En => texts.en.clone(),
    }
}

/// Groups the chosen requirements under their controls, in catalogue order, with the reasons they apply.
pub(crate) fn grouped(
    catalog: &Catalog,
    lang: Lang,
    chosen: &[&Requirement],
    profile: Option<&Profile>,
) -> Vec<ControlView> {
    let view = |r: &Requirement| RequirementView {
        id: r.id.clone(),
        aspects: r.aspects.clone(),
        generell: r.kind == RequirementKind::Generell,
        applies: r.applies.to_string(),
        text: text(lang, &r.text),
        procurement: text(lang, &r.procurement),
        msbfs_2020_7: r.msbfs_2020_7.clone(),
        cybersakerhetslagen: r.cybersakerhetslagen.clone(),
        reasons: profile
            .map(|p| r.applies.reasons(p).iter().map(ToString::to_string).collect())
            .unwrap_or_default(),
        status: None,
    };
    catalog
        .controls
        .iter()
        .filter_map(|control: &Control| {
            let requirements: Vec<RequirementView> = chosen
                .iter()
                .filter(|r| r.control == control.id)
                .map(|r| view(r))
                .collect();
            (!requirements.is_empty()).then(|| ControlView {
                id: control.id.clone(),
                title: text(lang, &control.title),
                theme: control.theme.clone(),
                aspects: control.aspects.clone(),
                iso2013: control.iso2013.clone(),
                requirements,
            })
        })
        .collect()
}

/// The filters of the catalogue page, as sent by its form.
#[derive(Debug, Default, Deserialize)]
pub struct CatalogQuery {
    q: Option<String>,
    theme: Option<String>,
    aspect: Option<String>,
    level: Option<String>,
    reference: Option<String>,
}

#[derive(Serialize)]
struct Filters {
    q: String,
    theme: String,
    aspect: String,
    level: String,
    reference: String,
}

#[derive(Serialize)]
struct CatalogView {
    filters: Filters,
    themes: Vec<(String, String)>,
    references: Vec<(String, String)>,
    controls: Vec<ControlView>,
    requirement_count: usize,
    total: usize,
    version: String,
}

/// Whether a requirement passes the page's filters.
fn matches(catalog: &Catalog, requirement: &Requirement, query: &CatalogQuery) -> bool {
    let control = catalog.controls.iter().find(|c| c.id == requirement.control);
    let theme_ok = query
        .theme
        .as_deref()
        .filter(|t| !t.is_empty())
        .is_none_or(|t| control.is_some_and(|c| c.theme == t));
    let aspect = query.aspect.as_deref().and_then(|a| a.parse::<Aspect>().ok());
    let aspect_ok = aspect.is_none_or(|a| requirement.aspects.contains(&a));
    let level_ok = query
        .level
        .as_deref()
        .and_then(|l| l.parse::<u8>().ok())
        .is_none_or(|level| {
            let profile = match aspect {
                Some(a) => profile_with(a, level),
                None => Profile::new(level, level, level, level),
            };
            requirement.applies.applies(&profile)
        });
    let reference_ok = match query.reference.as_deref().filter(|r| !r.is_empty()) {
        None => true,
        Some(reference) => match reference.split_once(':') {
            Some(("csl", point)) => point
                .parse::<u8>()
                .is_ok_and(|p| requirement.cybersakerhetslagen.contains(&p)),
            Some(("msbfs", section)) => requirement.msbfs_2020_7.iter().any(|s| s == section),
            _ => false,
        },
    };
    let search_ok = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .is_none_or(|q| {
            let q = q.to_lowercase();
            let haystack = [
                requirement.id.as_str(),
                requirement.control.as_str(),
                &requirement.text.sv,
                &requirement.text.en,
                control.map_or("", |c| c.title.sv.as_str()),
                control.map_or("", |c| c.title.en.as_str()),
            ];
            haystack.iter().any(|h| h.to_lowercase().contains(&q))
        });
    theme_ok && aspect_ok && level_ok && reference_ok && search_ok
}

fn profile_with(aspect: Aspect, level: u8) -> Profile {
    let at = |a| if a == aspect { level } else { 0 };
    Profile::new(at(Aspect::K), at(Aspect::R), at(Aspect::T), at(Aspect::S))
}

/// `GET /catalog`: the requirements, filtered by theme, aspect, level, reference and a search term.
pub async fn catalog(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Query(query): Query<CatalogQuery>,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::Catalog).await?;
    let catalog = &state.catalog;
    let chosen: Vec<&Requirement> = catalog
        .requirements
        .iter()
        .filter(|r| matches(catalog, r, &query))
        .collect();
    let summary = catalog.summary();
    let messages = env.lang.messages();
    let mut references: Vec<(String, String)> = (1..=10u8)
        .map(|p| {
            (
                format!("csl:{p}"),
                format!("{} {p}", messages.get("catalog_csl_point").copied().unwrap_or_default()),
            )
        })
        .collect();
    references.extend(
        summary
            .per_msbfs_section
            .keys()
            .map(|s| (format!("msbfs:{s}"), format!("MSBFS 2020:7 {s}"))),
    );
    let view = CatalogView {
        themes: catalog
            .themes
            .iter()
            .map(|t| (t.id.clone(), text(env.lang, &t.name)))
            .collect(),
        references,
        requirement_count: chosen.len(),
        total: catalog.requirements.len(),
        controls: grouped(catalog, env.lang, &chosen, None),
        version: format!("{} {}", catalog.meta.id, catalog.meta.version),
        filters: Filters {
            q: query.q.clone().unwrap_or_default(),
            theme: query.theme.clone().unwrap_or_default(),
            aspect: query.aspect.clone().unwrap_or_default(),
            level: query.level.clone().unwrap_or_default(),
            reference: query.reference.clone().unwrap_or_default(),
        },
    };
    page::render(&state, &env, "catalog.html", &view)
}

/// The classification chosen in the profile explorer.
#[derive(Debug, Default, Deserialize)]
pub struct ProfileQuery {
    k: Option<String>,
    r: Option<String>,
    t: Option<String>,
    s: Option<String>,
}

#[derive(Serialize)]
struct ProfileView {
    levels: [u8; 4],
    chosen: bool,
    separate_analysis: bool,
    invalid: bool,
    requirement_count: usize,
    removed_by_soa: usize,
    controls: Vec<ControlView>,
    level_names: Vec<(u8, String)>,
}

/// The levels `query` chooses (an aspect left out is at 0), whether any was given, and whether one was outside the
/// catalogue's scale (and so read as 0).
fn chosen_profile(catalog: &lis_catalog::Catalog, query: &ProfileQuery) -> ([u8; 4], bool, bool) {
    let max = catalog
        .levels
        .iter()
        .map(|l| l.value)
        .max()
        .unwrap_or(lis_domain::aspect::MAX_LEVEL);
    let mut invalid = false;
    let mut level = |raw: &Option<String>| match raw.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => 0,
        Some(value) => match value.parse::<u8>() {
            Ok(n) if n <= max => n,
            _ => {
                invalid = true;
                0
            }
        },
    };
    let levels = [level(&query.k), level(&query.r), level(&query.t), level(&query.s)];
    let chosen = [&query.k, &query.r, &query.t, &query.s].iter().any(|v| v.is_some());
    (levels, chosen, invalid)
}

/// The procurement requirements (*upphandlingskrav*) for the profile `query` chooses, as a table in Swedish.
async fn procurement_table(
    state: &AppState,
    user: &CurrentUser,
    query: &ProfileQuery,
) -> Result<lis_reports::Table, WebError> {
    user.authorize(state, Action::View, Resource::Catalog).await?;
    let (levels, _, _) = chosen_profile(&state.catalog, query);
    let profile = Profile::new(levels[0], levels[1], levels[2], levels[3]);
    let not_in_use = lis_store::soa::controls_not_in_use(&state.db, user.0.person.organisation_id).await?;
    let applicable = state.catalog.applicable_in_use(&profile, &not_in_use);
    Ok(lis_reports::procurement_table(&state.catalog, &profile, &applicable))
}

/// `GET /catalog/procurement.csv?k=&r=&t=&s=`: what to demand of a supplier for a system at that profile.
pub async fn procurement_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ProfileQuery>,
) -> Result<axum::response::Response, WebError> {
    let table = procurement_table(&state, &user, &query).await?;
    crate::download::table_file(&state, &user, "procurement", &table, Format::Csv, "upphandlingskrav").await
}

/// `GET /catalog/procurement.xlsx?k=&r=&t=&s=`: the same as a workbook.
pub async fn procurement_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ProfileQuery>,
) -> Result<axum::response::Response, WebError> {
    let table = procurement_table(&state, &user, &query).await?;
    crate::download::table_file(&state, &user, "procurement", &table, Format::Xlsx, "upphandlingskrav").await
}

/// `GET /catalog/profile`: pick K, R, T and S levels and see which requirements apply, and why.
pub async fn profile(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Query(query): Query<ProfileQuery>,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::Catalog).await?;
    let catalog = &state.catalog;
    let (levels, chosen, invalid) = chosen_profile(catalog, &query);
    let profile = Profile::new(levels[0], levels[1], levels[2], levels[3]);
    let not_in_use = lis_store::soa::controls_not_in_use(&state.db, user.0.person.organisation_id).await?;
    let applicable = catalog.applicable_in_use(&profile, &not_in_use);
    let removed_by_soa = catalog.applicable(&profile).len() - applicable.len();
    let view = ProfileView {
        levels,
        chosen,
        separate_analysis: profile.needs_separate_analysis(),
        invalid,
        requirement_count: applicable.len(),
        removed_by_soa,
        controls: if chosen {
            grouped(catalog, env.lang, &applicable, Some(&profile))
        } else {
            Vec::new()
        },
        level_names: catalog
            .levels
            .iter()
            .map(|l| (l.value, text(env.lang, &l.name)))
            .collect(),
    };
    page::render(&state, &env, "catalog_profile.html", &view)
}
