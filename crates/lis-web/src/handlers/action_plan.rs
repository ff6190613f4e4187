//! The handlingsplan: actions created from one or many gaps (on "Mina brister", the gap report or a system's
//! requirements page) or for a shared control, with MSB's fields; the list for the organisation or one objektsägare
//! with overdue actions marked; one action's page and form.

use std::collections::{BTreeSet, HashMap};

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use lis_domain::action_plan::{ActionFields, ActionProblem, ActionStatus, Priority};
use lis_domain::{Action, Resource};
use lis_store::action_plan::{self as store, Link};
use lis_store::entity::plan_action;
use lis_store::{ChangeTransaction, StoreError};
use serde::Serialize;

use super::gaps::ReportParams;
use super::inventory::{ChoiceView, word};
use crate::auth::{Asker, CurrentUser};
use crate::form::Form;
use crate::i18n::Lang;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

/// What a form or query sent, in order, repeated names kept.
type Pairs = Vec<(String, String)>;

fn value<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
}

/// The links a form or query names: `gap=<system>:<requirement>` and `shared=<id>`, repeated.
fn read_links(pairs: &Pairs) -> Vec<Link> {
    let mut links: BTreeSet<Link> = BTreeSet::new();
    for (name, raw) in pairs {
        match name.as_str() {
            "gap" => {
                if let Some((system, requirement)) = raw.split_once(':')
                    && let Ok(system_id) = system.trim().parse()
                {
                    links.insert(Link::Gap {
                        system_id,
                        requirement_id: requirement.trim().to_owned(),
                    });
                }
            }
            "shared" => links.extend(raw.trim().parse().ok().map(Link::SharedControl)),
            _ => {}
        }
    }
    links.into_iter().collect()
}

fn read_fields(pairs: &Pairs) -> ActionFields {
    let date = |name: &str| value(pairs, name).trim().parse::<NaiveDate>().ok();
    ActionFields {
        activity: value(pairs, "activity").to_owned(),
        goal: value(pairs, "goal").to_owned(),
        priority: value(pairs, "priority").parse::<Priority>().ok(),
        cost: value(pairs, "cost").to_owned(),
        responsible_person_id: value(pairs, "responsible").trim().parse().ok(),
        start: date("start"),
        end: date("end"),
        status: value(pairs, "status").parse::<ActionStatus>().ok(),
    }
}

/// `links` as far as they name systems in use and shared controls of the organisation: anything else is not found.
async fn own_links(state: &AppState, organisation_id: i64, links: Vec<Link>) -> Result<Vec<Link>, WebError> {
    for link in &links {
        let found = match link {
            Link::Gap { system_id, .. } => lis_store::inventory::get(&state.db, organisation_id, *system_id)
                .await
                .is_ok_and(|item| item.retired_at.is_none()),
            Link::SharedControl(id) => lis_store::shared_controls::get(&state.db, organisation_id, *id)
                .await
                .is_ok_and(|control| control.retired_at.is_none()),
        };
        if !found {
            return Err(WebError::NotFound);
        }
    }
    Ok(links)
}

/// Whether the visitor is named on every system `links` remedy gaps of (and they name no shared control).
async fn responsible_for(state: &AppState, user: &CurrentUser, links: &[Link]) -> Result<bool, WebError> {
    if links.is_empty() {
        return Ok(false);
    }
    for link in links {
        let Link::Gap { system_id, .. } = link else {
            return Ok(false);
        };
        let Ok(system) = lis_store::inventory::get(&state.db, user.0.person.organisation_id, *system_id).await else {
            return Ok(false);
        };
        if !lis_store::inventory::is_responsible(&state.db, user.0.person.id, &system).await? {
            return Ok(false);
        }
    }
    Ok(true)
}

async fn authorize(state: &AppState, user: &CurrentUser, action: Action, links: &[Link]) -> Result<(), WebError> {
    let responsible = responsible_for(state, user, links).await?;
    user.authorize(state, action, Resource::PlanAction { responsible })
        .await
}

/// Whether every gap `links` name is a gap of its system now: the requirement applies and is not met.
async fn all_gaps(state: &AppState, organisation_id: i64, links: &[Link]) -> Result<bool, WebError> {
    let systems: Vec<i64> = store::systems_of(links);
    if systems.is_empty() {
        return Ok(true);
    }
    let statuses = lis_store::gaps::statuses(&state.db, organisation_id, &systems).await?;
    for link in links {
        let Link::Gap {
            system_id,
            requirement_id,
        } = link
        else {
            continue;
        };
        let applies = super::requirements::applicable_to(state, organisation_id, *system_id)
            .await?
            .iter()
            .any(|r| r.id == *requirement_id);
        let record = statuses.get(system_id).and_then(|s| s.get(requirement_id));
        if !applies || record.is_some_and(|r| !r.is_gap()) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// What an action links, as its page lists it.
#[derive(Serialize)]
struct LinkView {
    name: &'static str,
    value: String,
    label: String,
    href: String,
}

async fn link_views(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    links: &[Link],
) -> Result<Vec<LinkView>, WebError> {
    let organisation_id = user.0.person.organisation_id;
    let labels = lis_store::inventory::labels_by_ids(&state.db, store::systems_of(links)).await?;
    let mut views = Vec::new();
    for link in links {
        views.push(match link {
            Link::Gap {
                system_id,
                requirement_id,
            } => LinkView {
                name: "gap",
                value: format!("{system_id}:{requirement_id}"),
                label: format!(
                    "{}: {requirement_id}",
                    labels.get(system_id).map_or_else(String::new, |l| l.name.clone())
                ),
                href: format!("/items/{system_id}/requirements#req-{requirement_id}"),
            },
            Link::SharedControl(id) => {
                let name = lis_store::shared_controls::get(&state.db, organisation_id, *id)
                    .await
                    .map(|c| c.name)
                    .unwrap_or_default();
                LinkView {
                    name: "shared",
                    value: id.to_string(),
                    label: format!("{}: {name}", word(lang, "Gemensam skyddsåtgärd", "Shared control")),
                    href: format!("/shared-controls/{id}"),
                }
            }
        });
    }
    Ok(views)
}

/// The action form: what it holds or what was sent, with problems.
#[derive(Serialize)]
struct ActionForm {
    action: String,
    version: Option<i32>,
    fields: FieldsView,
    priorities: Vec<ChoiceView>,
    statuses: Vec<ChoiceView>,
    people: Vec<ChoiceView>,
    links: Vec<LinkView>,
    problems: Vec<String>,
}

#[derive(Serialize)]
struct FieldsView {
    activity: String,
    goal: String,
    cost: String,
    start: String,
    end: String,
}

async fn action_form(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    (action, version): (String, Option<i32>),
    fields: &ActionFields,
    links: &[Link],
) -> Result<ActionForm, WebError> {
    let people = lis_store::people::names(&state.db, user.0.person.organisation_id).await?;
    let choices = |all: &[(&'static str, &'static str, &'static str)], chosen: &str| {
        all.iter()
            .map(|(value, sv, en)| {
                ChoiceView::new((*value).to_owned(), word(lang, sv, en).to_owned(), *value == chosen)
            })
            .collect::<Vec<_>>()
    };
    let priorities: Vec<_> = Priority::ALL
        .iter()
        .map(|p| (p.as_str(), p.swedish(), p.english()))
        .collect();
    let statuses: Vec<_> = ActionStatus::ALL
        .iter()
        .map(|s| (s.as_str(), s.swedish(), s.english()))
        .collect();
    Ok(ActionForm {
        action,
        version,
        fields: FieldsView {
            activity: fields.activity.clone(),
            goal: fields.goal.clone(),
            cost: fields.cost.clone(),
            start: fields.start.map(|d| d.to_string()).unwrap_or_default(),
            end: fields.end.map(|d| d.to_string()).unwrap_or_default(),
        },
        priorities: choices(&priorities, fields.priority.map_or("", |p| p.as_str())),
        statuses: choices(&statuses, fields.status.unwrap_or(ActionStatus::EjPaborjad).as_str()),
        people: super::inventory::person_choices(&people, fields.responsible_person_id),
        links: link_views(state, user, lang, links).await?,
        problems: Vec::new(),
    })
}

fn problems_in(lang: Lang, problems: &[ActionProblem]) -> Vec<String> {
    problems
        .iter()
        .map(|p| match lang {
            Lang::Sv => p.swedish(),
            Lang::En => p.english(),
        })
        .collect()
}

/// `GET /actions/new?gap=<system>:<requirement>&shared=<id>…`: the form for an action remedying the chosen gaps.
pub async fn new(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let pairs: Pairs = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    let links = own_links(&state, user.0.person.organisation_id, read_links(&pairs)).await?;
    authorize(&state, &user, Action::Change, &links).await?;
    let fields = ActionFields::default();
    let mut form = action_form(&state, &user, env.lang, ("/actions".to_owned(), None), &fields, &links).await?;
    if links.is_empty() {
        form.problems = problems_in(env.lang, &[ActionProblem::NothingLinked]);
    }
    Ok(page::render(&state, &env, "plan_action_new.html", &form)?.into_response())
}

/// `POST /actions`: creates the action; problems come back in the form with what was sent.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let links = own_links(&state, user.0.person.organisation_id, read_links(&pairs)).await?;
    authorize(&state, &user, Action::Change, &links).await?;
    user.1.check_csrf(value(&pairs, "csrf_token"))?;
    let organisation_id = user.0.person.organisation_id;
    let fields = read_fields(&pairs);
    let outcome = if all_gaps(&state, organisation_id, &links).await? {
        let txn = state.db.begin_change().await.map_err(StoreError::from)?;
        match store::create(&txn, &user.change_context(), organisation_id, &fields, &links).await {
            Ok(created) => {
                txn.commit().await.map_err(StoreError::from)?;
                return Ok(Redirect::to(&format!("/actions/{}?saved=1", created.id)).into_response());
            }
            Err(err) => err,
        }
    } else {
        StoreError::Action(vec![ActionProblem::NotAGap])
    };
    let StoreError::Action(problems) = outcome else {
        return Err(outcome.into());
    };
    let mut form = action_form(&state, &user, env.lang, ("/actions".to_owned(), None), &fields, &links).await?;
    form.problems = problems_in(env.lang, &problems);
    let page = page::render(&state, &env, "plan_action_new.html", &form)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The people of the organisation's names (for showing who is responsible).
type People = Vec<(i64, String, Option<String>)>;

/// The handlingsplan `params` asks for, once `asker` may read it: the objektsägare asked for (if any), the
/// organisation's people, and the actions, those remedying gaps of that objektsägare's systems when one is asked for.
pub(crate) async fn plan_of(
    state: &AppState,
    asker: &impl Asker,
    params: &ReportParams,
) -> Result<(Option<i64>, People, Vec<(plan_action::Model, Vec<Link>)>), WebError> {
    let organisation_id = asker.organisation_id();
    let people = lis_store::people::names(&state.db, organisation_id).await?;
    let owner = params.owner().filter(|id| people.iter().any(|p| p.0 == *id));
    let own = owner.is_some() && owner == asker.person_id();
    asker
        .authorize(
            state,
            Action::View,
            Resource::GapReport {
                own,
                in_role_unit: false,
            },
        )
        .await?;
    let owned: Option<BTreeSet<i64>> = match owner {
        Some(owner) => Some(
            lis_store::gaps::systems_in_use(&state.db, organisation_id)
                .await?
                .into_iter()
                .filter(|s| s.owner_person_id == Some(owner))
                .map(|s| s.id)
                .collect(),
        ),
        None => None,
    };
    // Those who read the whole plan see every action touching the objektsägare's systems; an objektsägare reading
    // their own sees the actions whose every system is theirs, as an action's own page requires.
    let whole = asker.may(Action::View, Resource::WHOLE_GAP_REPORT);
    let actions = store::list(&state.db, organisation_id)
        .await?
        .into_iter()
        .filter(|(_, links)| {
            owned.as_ref().is_none_or(|systems| {
                let linked = store::systems_of(links);
                if whole {
                    linked.iter().any(|s| systems.contains(s))
                } else {
                    !linked.is_empty() && linked.len() == links.len() && linked.iter().all(|s| systems.contains(s))
                }
            })
        })
        .collect();
    Ok((owner, people, actions))
}

/// One row of the handlingsplan.
#[derive(Serialize)]
struct ActionRow {
    id: i64,
    activity: String,
    priority: String,
    responsible: String,
    start: String,
    end: String,
    overdue: bool,
    status: String,
    gaps: usize,
    shared: usize,
}

#[derive(Serialize)]
struct PlanView {
    scope_label: String,
    rows: Vec<ActionRow>,
    overdue: usize,
    open: usize,
    people: Vec<ChoiceView>,
}

/// `GET /actions`: the handlingsplan of the organisation, or of one objektsägare (`?owner=`): the actions remedying
/// gaps of their systems; overdue actions marked.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Query(params): Query<ReportParams>,
) -> Result<Response, WebError> {
    let lang = env.lang;
    let (owner, people, actions) = plan_of(&state, &user, &params).await?;
    let names: HashMap<i64, String> = people.iter().map(|(id, name, _)| (*id, name.clone())).collect();
    let today = crate::time::today();
    let rows: Vec<ActionRow> = actions
        .iter()
        .map(|(action, links)| row_of(lang, action, links, &names, today))
        .collect();
    let scope_label = match owner {
        Some(id) => format!(
            "{} {}",
            word(lang, "objektsägare", "object owner"),
            names.get(&id).cloned().unwrap_or_default()
        ),
        None => word(lang, "hela organisationen", "the whole organisation").to_owned(),
    };
    let view = PlanView {
        scope_label,
        overdue: rows.iter().filter(|r| r.overdue).count(),
        open: rows.len(),
        rows,
        people: super::inventory::person_choices(&super::gaps::offered_owners(&user, &people), owner),
    };
    Ok(page::render(&state, &env, "plan_actions.html", &view)?.into_response())
}

fn row_of(
    lang: Lang,
    action: &plan_action::Model,
    links: &[Link],
    names: &HashMap<i64, String>,
    today: NaiveDate,
) -> ActionRow {
    let fields = store::fields_of(action);
    let status = fields.status.unwrap_or(ActionStatus::EjPaborjad);
    ActionRow {
        id: action.id,
        activity: action.activity.clone(),
        priority: fields
            .priority
            .map(|p| word(lang, p.swedish(), p.english()).to_owned())
            .unwrap_or_default(),
        responsible: fields
            .responsible_person_id
            .and_then(|id| names.get(&id).cloned())
            .unwrap_or_default(),
        start: fields.start.map(|d| d.to_string()).unwrap_or_default(),
        end: fields.end.map(|d| d.to_string()).unwrap_or_default(),
        overdue: fields.is_overdue(today),
        status: word(lang, status.swedish(), status.english()).to_owned(),
        gaps: store::systems_of(links).len(),
        shared: links.iter().filter(|l| matches!(l, Link::SharedControl(_))).count(),
    }
}

#[derive(Serialize)]
struct ActionView {
    id: i64,
    row: ActionRow,
    goal: String,
    cost: String,
    links: Vec<LinkView>,
    form: Option<ActionForm>,
    saved: bool,
}

async fn action_view(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    (action, links): &(plan_action::Model, Vec<Link>),
    form: Option<ActionForm>,
    saved: bool,
) -> Result<ActionView, WebError> {
    let people = lis_store::people::names(&state.db, user.0.person.organisation_id).await?;
    let names: HashMap<i64, String> = people.into_iter().map(|(id, name, _)| (id, name)).collect();
    let may_change = lis_domain::authorize(
        &user.0.principal,
        Action::Change,
        Resource::PlanAction {
            responsible: responsible_for(state, user, links).await?,
        },
    )
    .is_ok();
    let form = match form {
        Some(form) => Some(form),
        None if may_change => Some(
            action_form(
                state,
                user,
                lang,
                (format!("/actions/{}", action.id), Some(action.version)),
                &store::fields_of(action),
                links,
            )
            .await?,
        ),
        None => None,
    };
    Ok(ActionView {
        id: action.id,
        row: row_of(lang, action, links, &names, crate::time::today()),
        goal: action.goal.clone(),
        cost: action.cost.clone(),
        links: link_views(state, user, lang, links).await?,
        form,
        saved,
    })
}

/// `GET /actions/{action}`: one action, what it remedies, and its form for those who may change it.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(action_id): Path<i64>,
    Query(params): Query<super::requirements::SavedParam>,
) -> Result<Response, WebError> {
    let found = store::get(&state.db, user.0.person.organisation_id, action_id).await?;
    authorize(&state, &user, Action::View, &found.1).await?;
    let view = action_view(&state, &user, env.lang, &found, None, params.saved == "1").await?;
    Ok(page::render(&state, &env, "plan_action.html", &view)?.into_response())
}

/// `POST /actions/{action}`: changes the action; marking it done with `close=1` records what it links as met.
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(action_id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let organisation_id = user.0.person.organisation_id;
    let found = store::get(&state.db, organisation_id, action_id).await?;
    authorize(&state, &user, Action::Change, &found.1).await?;
    user.1.check_csrf(value(&pairs, "csrf_token"))?;
    let fields = read_fields(&pairs);
    let seen = value(&pairs, "version").parse::<i32>().unwrap_or(0);
    // The gaps that still apply, read before the change begins: only those are closed when the action is done.
    let mut applying = BTreeSet::new();
    for link in &found.1 {
        if let store::Link::Gap {
            system_id,
            requirement_id,
        } = link
        {
            let applicable = super::requirements::applicable_to(&state, organisation_id, *system_id).await?;
            if applicable.iter().any(|r| r.id == *requirement_id) {
                applying.insert((*system_id, requirement_id.clone()));
            }
        }
    }
    let close = (value(&pairs, "close") == "1").then_some(&applying);
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    let ctx = user.change_context();
    let (status, problems) = match store::update(&txn, &ctx, organisation_id, action_id, &fields, seen, close).await {
        Ok(_) => {
            txn.commit().await.map_err(StoreError::from)?;
            return Ok(Redirect::to(&format!("/actions/{action_id}?saved=1")).into_response());
        }
        Err(StoreError::Action(problems)) => (StatusCode::UNPROCESSABLE_ENTITY, problems_in(env.lang, &problems)),
        Err(StoreError::Conflict { .. }) => (
            StatusCode::CONFLICT,
            vec![
                word(
                    env.lang,
                    "Någon annan har ändrat åtgärden sedan du öppnade den. Det du skrev står kvar nedan; jämför med hur den är nu och spara igen.",
                    "Someone else changed the action since you opened it. What you wrote is kept below; compare it with how it is now and save again.",
                )
                .to_owned(),
            ],
        ),
        Err(err) => return Err(err.into()),
    };
    drop(txn);
    let mut form = action_form(
        &state,
        &user,
        env.lang,
        (format!("/actions/{action_id}"), Some(found.0.version)),
        &fields,
        &found.1,
    )
    .await?;
    form.problems = problems;
    let view = action_view(&state, &user, env.lang, &found, Some(form), false).await?;
    Ok((status, page::render(&state, &env, "plan_action.html", &view)?).into_response())
}
