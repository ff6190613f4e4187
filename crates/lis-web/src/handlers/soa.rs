//! The statement of applicability (SoA): the list, the CISO's decision per control, and the CSV and XLSX exports.

use lis_store::ChangeTransaction;
use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use lis_domain::soa::{Justification, SoaProblem, check_soa};
use lis_domain::{Action, Resource};
use lis_reports::{SoaCell, soa_table};
use lis_store::entity::soa_entry;
use lis_store::soa::SoaDecision;
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::download::Format;
use crate::form::Form;
use crate::i18n::Lang;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

fn title(lang: Lang, texts: &lis_catalog::Texts) -> String {
    match lang {
        Lang::Sv => texts.sv.clone(),
        Lang::En => texts.en.clone(),
    }
}

#[derive(Serialize)]
struct SoaRowView {
    id: String,
    title: String,
    in_use: bool,
    decided: bool,
    justification: Option<Justification>,
    text: String,
    requirements: usize,
}

#[derive(Serialize)]
struct SoaThemeView {
    id: String,
    name: String,
    rows: Vec<SoaRowView>,
}

#[derive(Serialize)]
struct SoaView {
    themes: Vec<SoaThemeView>,
    may_change: bool,
    saved: Option<String>,
    not_in_use: usize,
    undecided: usize,
}

/// The query of the SoA page.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `GET /soa`: every control with whether it is used and why.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Query(query): Query<SavedQuery>,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::Soa).await?;
    let entries = lis_store::soa::entries(&state.db, user.0.person.organisation_id).await?;
    let catalog = &state.catalog;
    let themes = catalog
        .themes
        .iter()
        .map(|theme| SoaThemeView {
            id: theme.id.clone(),
            name: title(env.lang, &theme.name),
            rows: catalog
                .controls
                .iter()
                .filter(|c| c.theme == theme.id)
                .map(|control| {
                    let entry = entries.get(&control.id);
                    SoaRowView {
                        id: control.id.clone(),
                        title: title(env.lang, &control.title),
                        in_use: entry.is_none_or(|e| e.in_use),
                        decided: entry.is_some(),
                        justification: entry
                            .and_then(|e| e.justification.as_deref())
                            .and_then(|j| j.parse().ok()),
                        text: entry.map(|e| e.text.clone()).unwrap_or_default(),
                        requirements: catalog.requirements.iter().filter(|r| r.control == control.id).count(),
                    }
                })
                .collect(),
        })
        .collect();
    let view = SoaView {
        themes,
        may_change: lis_domain::authorize(&user.0.principal, Action::Change, Resource::Soa).is_ok(),
        saved: query.saved.filter(|id| catalog.controls.iter().any(|c| &c.id == id)),
        not_in_use: entries.values().filter(|e| !e.in_use).count(),
        undecided: catalog.controls.len().saturating_sub(entries.len()),
    };
    page::render(&state, &env, "soa.html", &view)
}

#[derive(Serialize)]
struct EditView {
    id: String,
    title: String,
    in_use: bool,
    justification: String,
    text: String,
    version: i32,
    justifications: Vec<Justification>,
    problems: Vec<SoaProblem>,
    conflict: Option<CurrentDecision>,
}

#[derive(Serialize)]
struct CurrentDecision {
    in_use: bool,
    justification: String,
    text: String,
}

/// The control named in the path, if the catalogue has it.
fn control<'a>(state: &'a AppState, raw: &str) -> Result<&'a lis_catalog::Control, WebError> {
    state
        .catalog
        .controls
        .iter()
        .find(|c| c.id == raw)
        .ok_or(WebError::NotFound)
}

/// `GET /soa/{control}`: the CISO's form for one control.
pub async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(raw): Path<String>,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::Change, Resource::Soa).await?;
    let control = control(&state, &raw)?;
    let entries = lis_store::soa::entries(&state.db, user.0.person.organisation_id).await?;
    let entry = entries.get(&control.id);
    let view = EditView {
        id: control.id.clone(),
        title: title(env.lang, &control.title),
        in_use: entry.is_none_or(|e| e.in_use),
        justification: entry.and_then(|e| e.justification.clone()).unwrap_or_default(),
        text: entry.map(|e| e.text.clone()).unwrap_or_default(),
        version: entry.map_or(0, |e| e.version),
        justifications: Justification::ALL.to_vec(),
        problems: Vec::new(),
        conflict: None,
    };
    page::render(&state, &env, "soa_edit.html", &view)
}

/// The SoA form.
#[derive(Debug, Deserialize)]
pub struct SoaForm {
    csrf_token: String,
    in_use: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    text: String,
    version: i32,
}

/// `POST /soa/{control}`: saves the decision, or shows the form again with every problem named.
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(raw): Path<String>,
    Form(form): Form<SoaForm>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::Soa).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let control = control(&state, &raw)?;
    let in_use = form.in_use != "nej";
    let justification = form.justification.parse::<Justification>().ok();
    let text = form.text.trim().to_owned();
    let problems = check_soa(in_use, justification, &text);
    let organisation_id = user.0.person.organisation_id;
    let again = |problems: Vec<SoaProblem>, conflict: Option<CurrentDecision>, version: i32| EditView {
        id: control.id.clone(),
        title: title(env.lang, &control.title),
        in_use,
        justification: form.justification.clone(),
        text: text.clone(),
        version,
        justifications: Justification::ALL.to_vec(),
        problems,
        conflict,
    };
    if !problems.is_empty() {
        let html = page::render(&state, &env, "soa_edit.html", &again(problems, None, form.version))?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    }
    let decision = SoaDecision {
        in_use,
        justification,
        text: text.clone(),
    };
    let ctx = user.change_context();
    let txn = state.db.begin_change().await.map_err(lis_store::StoreError::from)?;
    match lis_store::soa::save(&txn, &ctx, organisation_id, &control.id, &decision, form.version).await {
        Ok(_) => {
            txn.commit().await.map_err(lis_store::StoreError::from)?;
            Ok(Redirect::to(&format!("/soa?saved={}#control-{}", control.id, control.id)).into_response())
        }
        Err(lis_store::StoreError::Conflict { current_version, .. }) => {
            drop(txn);
            let entries = lis_store::soa::entries(&state.db, organisation_id).await?;
            let current = entries.get(&control.id).map(|e: &soa_entry::Model| CurrentDecision {
                in_use: e.in_use,
                justification: e.justification.clone().unwrap_or_default(),
                text: e.text.clone(),
            });
            let html = page::render(
                &state,
                &env,
                "soa_edit.html",
                &again(Vec::new(), current, current_version),
            )?;
            Ok((StatusCode::CONFLICT, html).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// The SoA as a table, for the exports; for those who read the whole gap analysis, with each control's gap state.
async fn table(state: &AppState, user: &CurrentUser) -> Result<lis_reports::Table, WebError> {
    let organisation_id = user.0.person.organisation_id;
    let entries = lis_store::soa::entries(&state.db, organisation_id).await?;
    let cells: BTreeMap<String, SoaCell> = entries
        .into_iter()
        .map(|(id, e)| {
            let cell = SoaCell {
                in_use: e.in_use,
                justification: e.justification.as_deref().and_then(|j| j.parse().ok()),
                text: e.text,
            };
            (id, cell)
        })
        .collect();
    let reads_gaps = lis_domain::authorize(&user.0.principal, Action::View, Resource::WHOLE_GAP_REPORT).is_ok();
    let by_control = if reads_gaps {
        Some(super::gaps::whole_analysis(state, organisation_id).await?.1.by_control)
    } else {
        None
    };
    Ok(soa_table(&state.catalog, &cells, by_control.as_ref()))
}

/// `GET /soa.csv`: the SoA for Excel (semicolons, UTF-8 with BOM).
pub async fn csv(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    user.authorize(&state, Action::View, Resource::Soa).await?;
    let table = table(&state, &user).await?;
    crate::download::table_file(&state, &user, "soa", &table, Format::Csv, "soa").await
}

/// `GET /soa.xlsx`: the SoA as a workbook.
pub async fn xlsx(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    user.authorize(&state, Action::View, Resource::Soa).await?;
    let table = table(&state, &user).await?;
    crate::download::table_file(&state, &user, "soa", &table, Format::Xlsx, "soa").await
}
