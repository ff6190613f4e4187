//! Shared controls (*gemensamma skyddsåtgärder*): the list, one control's page with its status, the requirements it
//! meets and the systems that use it, and the forms IT and the CISO change them with. Systems that use a shared
//! control (or run on one that does) inherit its status on their requirements page.

use std::collections::BTreeSet;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lis_domain::{Action, Resource};
use lis_store::entity::shared_control;
use lis_store::shared_controls::{self as store, Fields};
use lis_store::{ChangeTransaction, StoreError};
use serde::Serialize;

use super::inventory::word;
use super::requirements::{Choice, Directory, PersonChoice, SavedParam, Sent, StatusView, read_record, record_view};
use crate::auth::CurrentUser;
use crate::form::Form;
use crate::i18n::Lang;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

/// A shared control as the list shows it.
#[derive(Serialize)]
struct ControlRow {
    id: i64,
    name: String,
    status: StatusView,
    requirements: usize,
    systems: usize,
}

/// The form for a shared control: what it holds now or what was sent, with any problems.
#[derive(Default, Serialize)]
struct ControlForm {
    action: String,
    version: Option<i32>,
    name: String,
    description: String,
    requirements: String,
    status: StatusView,
    problems: Vec<String>,
}

impl ControlForm {
    fn new(lang: Lang, action: String, version: Option<i32>, fields: &Fields, people: &Directory) -> Self {
        Self {
            action,
            version,
            name: fields.name.clone(),
            description: fields.description.clone(),
            requirements: fields.requirements.iter().cloned().collect::<Vec<_>>().join("\n"),
            status: record_view(lang, &fields.record, people),
            problems: Vec::new(),
        }
    }
}

#[derive(Serialize)]
struct ListView {
    controls: Vec<ControlRow>,
    people: Vec<PersonChoice>,
    may_change: bool,
    form: Option<ControlForm>,
    statuses: Vec<Choice>,
    severities: Vec<Choice>,
}

fn may_change(user: &CurrentUser) -> bool {
    lis_domain::authorize(&user.0.principal, Action::Change, Resource::SharedControls).is_ok()
}

async fn list_view(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    form: Option<ControlForm>,
) -> Result<ListView, WebError> {
    let people = Directory::load(state, user.0.person.organisation_id).await?;
    let mut controls = Vec::new();
    for row in store::list(&state.db, user.0.person.organisation_id).await? {
        controls.push(ControlRow {
            id: row.id,
            name: row.name.clone(),
            status: record_view(lang, &store::record_of(&row), &people),
            requirements: store::requirements_of(&state.db, row.id).await?.len(),
            systems: store::users_of(&state.db, row.id).await?.len(),
        });
    }
    let may_change = may_change(user);
    Ok(ListView {
        controls,
        may_change,
        form: form.or_else(|| {
            may_change.then(|| ControlForm::new(lang, "/shared-controls".to_owned(), None, &Fields::default(), &people))
        }),
        people: people.offered_to(user),
        statuses: super::requirements::status_choices(lang),
        severities: super::requirements::severity_choices(lang),
    })
}

/// `GET /shared-controls`: the organisation's shared controls, and the form for a new one.
pub async fn list(State(state): State<AppState>, user: CurrentUser, env: PageEnv) -> Result<Response, WebError> {
    user.authorize(&state, Action::View, Resource::SharedControls).await?;
    let view = list_view(&state, &user, env.lang, None).await?;
    Ok(page::render(&state, &env, "shared_controls.html", &view)?.into_response())
}

/// What a shared control's form sent, with a problem when it names a responsible person nobody is.
fn read_fields(sent: &Sent, people: &Directory) -> (Fields, Option<lis_domain::gap::StatusProblem>) {
    let text = |name: &str| sent.get(name).cloned().unwrap_or_default();
    let (record, unknown_person) = read_record(sent, people);
    let fields = Fields {
        name: text("name"),
        description: text("description"),
        record,
        requirements: text("requirements")
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    (fields, unknown_person)
}

/// The status and words for a refused command: problems are shown in the form, a stale version too; anything else
/// is an error page.
fn refusal(lang: Lang, err: StoreError) -> Result<(StatusCode, Vec<String>), WebError> {
    match err {
        StoreError::Status(problems) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            problems
                .iter()
                .map(|p| match lang {
                    Lang::Sv => p.swedish(),
                    Lang::En => p.english(),
                })
                .collect(),
        )),
        StoreError::Conflict { .. } => Ok((
            StatusCode::CONFLICT,
            vec![
                word(
                    lang,
                    "Någon annan har ändrat skyddsåtgärden sedan du öppnade sidan. Det du skrev står kvar nedan; jämför med hur den är nu och spara igen.",
                    "Someone else changed the safeguard since you opened the page. What you wrote is kept below; compare it with how it is now and save again.",
                )
                .to_owned(),
            ],
        )),
        other => Err(other.into()),
    }
}

/// Whether the catalogue has requirement `id`.
fn known(state: &AppState) -> impl Fn(&str) -> bool + Sync + '_ {
    |id: &str| state.catalog.requirements.iter().any(|r| r.id == id)
}

/// `POST /shared-controls`: IT or the CISO describes a new shared control.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Form(sent): Form<Sent>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::SharedControls).await?;
    user.1.check_csrf(sent.get("csrf_token").map_or("", String::as_str))?;
    let organisation_id = user.0.person.organisation_id;
    let people = Directory::load(&state, organisation_id).await?;
    let (fields, unknown_person) = read_fields(&sent, &people);
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    let outcome = match unknown_person {
        Some(problem) => Err(StoreError::Status(vec![problem])),
        None => store::create(&txn, &user.change_context(), organisation_id, &fields, &known(&state)).await,
    };
    let err = match outcome {
        Ok(created) => {
            txn.commit().await.map_err(StoreError::from)?;
            return Ok(Redirect::to(&format!("/shared-controls/{}?saved=1", created.id)).into_response());
        }
        Err(err) => err,
    };
    drop(txn);
    let (status, problems) = refusal(env.lang, err)?;
    let mut form = ControlForm::new(env.lang, "/shared-controls".to_owned(), None, &fields, &people);
    form.problems = problems;
    let view = list_view(&state, &user, env.lang, Some(form)).await?;
    Ok((status, page::render(&state, &env, "shared_controls.html", &view)?).into_response())
}

/// A requirement a shared control meets, with its text.
#[derive(Serialize)]
struct MetRequirement {
    id: String,
    text: String,
}

/// A system that uses a shared control.
#[derive(Serialize)]
struct User {
    id: i64,
    name: String,
}

#[derive(Serialize)]
struct ControlView {
    id: i64,
    name: String,
    description: String,
    version: i32,
    retired: bool,
    status: StatusView,
    requirements: Vec<MetRequirement>,
    systems: Vec<User>,
    may_change: bool,
    form: Option<ControlForm>,
    link_problem: String,
    statuses: Vec<Choice>,
    severities: Vec<Choice>,
    people: Vec<PersonChoice>,
    saved: bool,
}

fn fields_of(row: &shared_control::Model, requirements: BTreeSet<String>) -> Fields {
    Fields {
        name: row.name.clone(),
        description: row.description.clone(),
        record: store::record_of(row),
        requirements,
    }
}

async fn control_view(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    row: &shared_control::Model,
    form: Option<ControlForm>,
    link_problem: String,
    saved: bool,
) -> Result<ControlView, WebError> {
    let may_change = may_change(user) && row.retired_at.is_none();
    let requirements = store::requirements_of(&state.db, row.id).await?;
    let users = store::users_of(&state.db, row.id).await?;
    let labels = lis_store::inventory::labels_by_ids(&state.db, users.iter().copied()).await?;
    let mut systems: Vec<User> = users
        .iter()
        .filter_map(|id| labels.get(id))
        .map(|label| User {
            id: label.id,
            name: label.name.clone(),
        })
        .collect();
    systems.sort_by(|a, b| a.name.cmp(&b.name));
    let people = Directory::load(state, row.organisation_id).await?;
    let form = form.or_else(|| {
        may_change.then(|| {
            ControlForm::new(
                lang,
                format!("/shared-controls/{}", row.id),
                Some(row.version),
                &fields_of(row, requirements.clone()),
                &people,
            )
        })
    });
    Ok(ControlView {
        id: row.id,
        name: row.name.clone(),
        description: row.description.clone(),
        version: row.version,
        retired: row.retired_at.is_some(),
        status: record_view(lang, &store::record_of(row), &people),
        requirements: requirements
            .iter()
            .map(|id| MetRequirement {
                id: id.clone(),
                text: state
                    .catalog
                    .requirements
                    .iter()
                    .find(|r| r.id == *id)
                    .map(|r| match lang {
                        Lang::Sv => r.text.sv.clone(),
                        Lang::En => r.text.en.clone(),
                    })
                    .unwrap_or_default(),
            })
            .collect(),
        systems,
        may_change,
        form,
        link_problem,
        statuses: super::requirements::status_choices(lang),
        severities: super::requirements::severity_choices(lang),
        people: people.offered_to(user),
        saved,
    })
}

/// `GET /shared-controls/{control}`: a shared control, the requirements it meets, the systems that use it.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(control_id): Path<i64>,
    Query(params): Query<SavedParam>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::View, Resource::SharedControls).await?;
    let row = store::get(&state.db, user.0.person.organisation_id, control_id).await?;
    let view = control_view(&state, &user, env.lang, &row, None, String::new(), params.saved == "1").await?;
    Ok(page::render(&state, &env, "shared_control.html", &view)?.into_response())
}

/// `POST /shared-controls/{control}`: changes a shared control; every system using it sees the change at once.
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(control_id): Path<i64>,
    Form(sent): Form<Sent>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::SharedControls).await?;
    user.1.check_csrf(sent.get("csrf_token").map_or("", String::as_str))?;
    let organisation_id = user.0.person.organisation_id;
    let row = store::get(&state.db, organisation_id, control_id).await?;
    let people = Directory::load(&state, organisation_id).await?;
    let (fields, unknown_person) = read_fields(&sent, &people);
    let seen = sent.get("version").and_then(|v| v.parse::<i32>().ok()).unwrap_or(0);
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    let ctx = user.change_context();
    let outcome = match unknown_person {
        Some(problem) => Err(StoreError::Status(vec![problem])),
        None => store::update(&txn, &ctx, organisation_id, control_id, &fields, &known(&state), seen).await,
    };
    let err = match outcome {
        Ok(_) => {
            txn.commit().await.map_err(StoreError::from)?;
            return Ok(Redirect::to(&format!("/shared-controls/{control_id}?saved=1")).into_response());
        }
        Err(err) => err,
    };
    drop(txn);
    let (status, problems) = refusal(env.lang, err)?;
    let mut form = ControlForm::new(
        env.lang,
        format!("/shared-controls/{control_id}"),
        Some(row.version),
        &fields,
        &people,
    );
    form.problems = problems;
    let view = control_view(&state, &user, env.lang, &row, Some(form), String::new(), false).await?;
    Ok((status, page::render(&state, &env, "shared_control.html", &view)?).into_response())
}

/// `POST /shared-controls/{control}/retire`: retires a shared control; its systems inherit nothing from it any more.
pub async fn retire(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(control_id): Path<i64>,
    Form(form): Form<super::classification::VersionForm>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::SharedControls).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    let ctx = user.change_context();
    store::retire(&txn, &ctx, user.0.person.organisation_id, control_id, form.version).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(Redirect::to(&format!("/shared-controls/{control_id}?saved=1")).into_response())
}

/// `POST /shared-controls/{control}/systems`: links the system named `system` (its name or external id) to the shared
/// control.
pub async fn link(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(control_id): Path<i64>,
    Form(sent): Form<Sent>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::SharedControls).await?;
    user.1.check_csrf(sent.get("csrf_token").map_or("", String::as_str))?;
    let organisation_id = user.0.person.organisation_id;
    let row = store::get(&state.db, organisation_id, control_id).await?;
    let wanted = sent.get("system").map_or("", String::as_str);
    let found = lis_store::inventory::find_by_reference(
        &state.db,
        organisation_id,
        lis_domain::inventory::ItemKind::System,
        wanted,
    )
    .await;
    let system = match found {
        Ok(system) => system,
        Err(problem) => {
            let said = match env.lang {
                Lang::Sv => problem.swedish(),
                Lang::En => problem.english(),
            };
            let view = control_view(&state, &user, env.lang, &row, None, said, false).await?;
            let page = page::render(&state, &env, "shared_control.html", &view)?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    set_use(&state, &user, control_id, system.id, true).await
}

/// `POST /shared-controls/{control}/systems/{system}/remove`: the system no longer uses the shared control.
pub async fn unlink(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((control_id, system_id)): Path<(i64, i64)>,
    Form(form): Form<super::classification::VersionForm>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::SharedControls).await?;
    user.1.check_csrf(&form.csrf_token)?;
    set_use(&state, &user, control_id, system_id, false).await
}

async fn set_use(
    state: &AppState,
    user: &CurrentUser,
    control_id: i64,
    system_id: i64,
    used: bool,
) -> Result<Response, WebError> {
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    let ctx = user.change_context();
    store::set_use(&txn, &ctx, user.0.person.organisation_id, control_id, system_id, used).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(Redirect::to(&format!("/shared-controls/{control_id}?saved=1#systems")).into_response())
}
