//! Common information types (*informationstyper*): the CISO classifies a kind of information once for the whole
//! organisation; everyone with a role reads them, and an informationsmängd's classification can be based on one.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use lis_domain::aspect::Aspect;
use lis_domain::classification::ClassificationProblem;
use lis_domain::{Action, Resource};
use lis_store::entity::information_type;
use lis_store::information_types::{self as store, Fields};
use lis_store::{ChangeTransaction, StoreError};
use serde::Serialize;

use super::classification::{LevelOption, aspect_name, aspects, level_options, message, model_of, type_label};
use super::inventory::word;
use crate::auth::CurrentUser;
use crate::form::Form;
use crate::i18n::Lang;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

/// What a form sent, as given.
type Sent = BTreeMap<String, String>;

/// One aspect's level field of the form.
#[derive(Serialize)]
struct LevelField {
    letter: char,
    aspect: String,
    name: String,
    options: Vec<LevelOption>,
}

/// The form of a type: to create one, or to change one.
#[derive(Serialize)]
struct TypeForm {
    action: String,
    version: Option<i32>,
    name: String,
    description: String,
    justification: String,
    levels: Vec<LevelField>,
    problems: Vec<String>,
}

/// A type in the list.
#[derive(Serialize)]
struct TypeRow {
    id: i64,
    label: String,
    description: String,
    retired: bool,
}

#[derive(Serialize)]
struct ListView {
    types: Vec<TypeRow>,
    retired: Vec<TypeRow>,
    may_change: bool,
    form: Option<TypeForm>,
    saved: bool,
}

/// An informationsmängd based on a type.
#[derive(Serialize)]
struct BasedOn {
    id: i64,
    name: String,
}

#[derive(Serialize)]
struct TypeView {
    id: i64,
    label: String,
    name: String,
    description: String,
    justification: String,
    retired: bool,
    version: i32,
    based_on: Vec<BasedOn>,
    may_change: bool,
    form: Option<TypeForm>,
    saved: bool,
}

/// `?saved=1` after a change.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SavedParam {
    #[serde(default)]
    saved: String,
}

fn row_of(row: &information_type::Model) -> TypeRow {
    TypeRow {
        id: row.id,
        label: type_label(row),
        description: row.description.clone(),
        retired: row.retired_at.is_some(),
    }
}

/// The form filled from `fields` (or empty), for the aspects the organisation classifies.
fn type_form(
    state: &AppState,
    lang: Lang,
    model: lis_store::classification::Model,
    action: String,
    version: Option<i32>,
    fields: &Fields,
    problems: &[ClassificationProblem],
) -> TypeForm {
    TypeForm {
        action,
        version,
        name: fields.name.clone(),
        description: fields.description.clone(),
        justification: fields.justification.clone(),
        levels: aspects(model)
            .into_iter()
            .map(|aspect| LevelField {
                letter: aspect.letter(),
                aspect: aspect_name(state, lang, aspect),
                name: format!("level.{}", aspect.letter()),
                options: level_options(state, lang, model, fields.levels.get(&aspect).copied()),
            })
            .collect(),
        problems: problems.iter().map(|p| message(lang, p)).collect(),
    }
}

/// The fields a form sent; a level that cannot be read is left out (and so reported missing).
fn read_fields(sent: &Sent) -> Fields {
    Fields {
        name: sent.get("name").cloned().unwrap_or_default(),
        description: sent.get("description").cloned().unwrap_or_default(),
        justification: sent.get("justification").cloned().unwrap_or_default(),
        levels: Aspect::ALL
            .into_iter()
            .filter_map(|aspect| {
                let level = sent
                    .get(&format!("level.{}", aspect.letter()))?
                    .trim()
                    .parse::<u8>()
                    .ok()?;
                Some((aspect, level))
            })
            .collect(),
    }
}

fn fields_of(row: &information_type::Model) -> Fields {
    Fields {
        name: row.name.clone(),
        description: row.description.clone(),
        justification: row.justification.clone(),
        levels: store::levels_of(row),
    }
}

/// The problems of a refused save as the form shows them; a taken name is one of them.
fn refusal(lang: Lang, err: StoreError) -> Result<(StatusCode, Vec<String>), WebError> {
    match err {
        StoreError::Classification(problems) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            problems.iter().map(|p| message(lang, p)).collect(),
        )),
        StoreError::AlreadyExists { id, .. } => Ok((
            StatusCode::CONFLICT,
            vec![match lang {
                Lang::Sv => format!("Det finns redan en informationstyp som heter {id}."),
                Lang::En => format!("There is already an information type called {id}."),
            }],
        )),
        StoreError::Conflict { .. } => Ok((
            StatusCode::CONFLICT,
            vec![
                word(
                    lang,
                    "Någon annan har ändrat informationstypen sedan du öppnade den. Det du skrev står kvar; öppna typen igen för att se den som den är nu.",
                    "Someone else changed the information type since you opened it. What you wrote is kept; open the type again to see it as it is now.",
                )
                .to_owned(),
            ],
        )),
        other => Err(other.into()),
    }
}

async fn list_view(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    form: Option<TypeForm>,
    saved: bool,
) -> Result<ListView, WebError> {
    let organisation_id = user.0.person.organisation_id;
    let all = store::list(&state.db, organisation_id, true).await?;
    let may_change = lis_domain::authorize(&user.0.principal, Action::Change, Resource::InformationTypes).is_ok();
    let model = model_of(state, organisation_id).await?;
    Ok(ListView {
        types: all.iter().filter(|t| t.retired_at.is_none()).map(row_of).collect(),
        retired: all.iter().filter(|t| t.retired_at.is_some()).map(row_of).collect(),
        may_change,
        form: match form {
            Some(form) => Some(form),
            None if may_change => Some(type_form(
                state,
                lang,
                model,
                "/classification/types".to_owned(),
                None,
                &Fields::default(),
                &[],
            )),
            None => None,
        },
        saved,
    })
}

/// `GET /classification/types`: the organisation's information types, and the CISO's form for a new one.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Query(params): Query<SavedParam>,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::InformationTypes).await?;
    let view = list_view(&state, &user, env.lang, None, params.saved == "1").await?;
    page::render(&state, &env, "information_types.html", &view)
}

/// `POST /classification/types`: the CISO creates a type.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Form(sent): Form<Sent>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::InformationTypes)
        .await?;
    user.1.check_csrf(sent.get("csrf_token").map_or("", String::as_str))?;
    let organisation_id = user.0.person.organisation_id;
    let model = model_of(&state, organisation_id).await?;
    let fields = read_fields(&sent);
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    let err = match store::create(&txn, &user.change_context(), organisation_id, model, &fields).await {
        Ok(created) => {
            txn.commit().await.map_err(StoreError::from)?;
            return Ok(Redirect::to(&format!("/classification/types/{}?saved=1", created.id)).into_response());
        }
        Err(err) => err,
    };
    drop(txn);
    let (status, problems) = refusal(env.lang, err)?;
    let mut form = type_form(
        &state,
        env.lang,
        model,
        "/classification/types".to_owned(),
        None,
        &fields,
        &[],
    );
    form.problems = problems;
    let view = list_view(&state, &user, env.lang, Some(form), false).await?;
    Ok((status, page::render(&state, &env, "information_types.html", &view)?).into_response())
}

async fn type_view(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    row: &information_type::Model,
    form: Option<TypeForm>,
    saved: bool,
) -> Result<TypeView, WebError> {
    let may_change = lis_domain::authorize(&user.0.principal, Action::Change, Resource::InformationTypes).is_ok();
    let based = store::based_on(&state.db, row.id).await?;
    let labels = lis_store::inventory::labels_by_ids(&state.db, based.iter().copied()).await?;
    let model = model_of(state, row.organisation_id).await?;
    let form = match form {
        Some(form) => Some(form),
        None if may_change && row.retired_at.is_none() => Some(type_form(
            state,
            lang,
            model,
            format!("/classification/types/{}", row.id),
            Some(row.version),
            &fields_of(row),
            &[],
        )),
        None => None,
    };
    Ok(TypeView {
        id: row.id,
        label: type_label(row),
        name: row.name.clone(),
        description: row.description.clone(),
        justification: row.justification.clone(),
        retired: row.retired_at.is_some(),
        version: row.version,
        based_on: based
            .iter()
            .filter_map(|id| labels.get(id))
            .map(|label| BasedOn {
                id: label.id,
                name: label.name.clone(),
            })
            .collect(),
        may_change,
        form,
        saved,
    })
}

/// `GET /classification/types/{type}`: a type, the informationsmängder based on it, and the CISO's form.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(type_id): Path<i64>,
    Query(params): Query<SavedParam>,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::InformationTypes).await?;
    let row = store::get(&state.db, user.0.person.organisation_id, type_id).await?;
    let view = type_view(&state, &user, env.lang, &row, None, params.saved == "1").await?;
    page::render(&state, &env, "information_type.html", &view)
}

/// `POST /classification/types/{type}`: the CISO changes a type; the informationsmängder based on it and the
/// systems holding them follow in the same transaction.
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(type_id): Path<i64>,
    Form(sent): Form<Sent>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::InformationTypes)
        .await?;
    user.1.check_csrf(sent.get("csrf_token").map_or("", String::as_str))?;
    let organisation_id = user.0.person.organisation_id;
    let row = store::get(&state.db, organisation_id, type_id).await?;
    let model = model_of(&state, organisation_id).await?;
    let fields = read_fields(&sent);
    let seen = sent.get("version").and_then(|v| v.parse::<i32>().ok()).unwrap_or(0);
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    let err = match store::update(
        &txn,
        &user.change_context(),
        organisation_id,
        type_id,
        seen,
        model,
        &fields,
    )
    .await
    {
        Ok(_) => {
            txn.commit().await.map_err(StoreError::from)?;
            return Ok(Redirect::to(&format!("/classification/types/{type_id}?saved=1")).into_response());
        }
        Err(err) => err,
    };
    drop(txn);
    let (status, problems) = refusal(env.lang, err)?;
    let current = store::get(&state.db, organisation_id, type_id).await?;
    let mut form = type_form(
        &state,
        env.lang,
        model,
        format!("/classification/types/{type_id}"),
        Some(current.version),
        &fields,
        &[],
    );
    form.problems = problems;
    let view = type_view(&state, &user, env.lang, &row, Some(form), false).await?;
    Ok((status, page::render(&state, &env, "information_type.html", &view)?).into_response())
}

/// `POST /classification/types/{type}/retire`: the CISO retires a type; it lifts nothing any more.
pub async fn retire(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(type_id): Path<i64>,
    Form(form): Form<super::classification::VersionForm>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::InformationTypes)
        .await?;
    user.1.check_csrf(&form.csrf_token)?;
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    store::retire(
        &txn,
        &user.change_context(),
        user.0.person.organisation_id,
        type_id,
        form.version,
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(Redirect::to(&format!("/classification/types/{type_id}?saved=1")).into_response())
}
