//! Classification pages: an informationsmängd classified through the guided questions (a draft, approved by the
//! informationsägare or the CISO, every approved version kept and comparable), and a system's levels by the maximum
//! principle with the reason for each, and the objektsägare's overrides.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use lis_domain::aspect::{Aspect, SEPARATE_ANALYSIS_LEVEL};
use lis_domain::classification::{ClassificationProblem, Proposal, below_type, default_valid_until, expired};
use lis_domain::inheritance::OverrideReason;
use lis_domain::inventory::{ItemKind, RelationKind};
use lis_domain::{Action, Resource};
use lis_store::classification::{self as store, Answers, OverrideOutcome, Status};
use lis_store::entity::{classification, information_type, inventory_item, inventory_relation};
use lis_store::{ChangeTransaction, StoreError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::inventory::{authorized_item, word};
use crate::auth::CurrentUser;
use crate::form::Form;
use crate::i18n::Lang;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

/// The organisation's classification model: the catalogue's scale and its choice on spårbarhet.
pub(crate) async fn model_of(state: &AppState, organisation_id: i64) -> Result<store::Model, WebError> {
    Ok(store::Model {
        max_level: state
            .catalog
            .levels
            .iter()
            .map(|l| l.value)
            .max()
            .unwrap_or(lis_domain::aspect::MAX_LEVEL),
        classifies_traceability: store::classifies_traceability(&state.db, organisation_id).await?,
    })
}

/// The aspects the organisation classifies, in order.
pub(crate) fn aspects(model: store::Model) -> Vec<Aspect> {
    Aspect::ALL
        .into_iter()
        .filter(|a| *a != Aspect::S || model.classifies_traceability)
        .collect()
}

/// A catalogue text in the page's language.
fn in_lang(lang: Lang, text: &lis_catalog::Texts) -> String {
    match lang {
        Lang::Sv => text.sv.clone(),
        Lang::En => text.en.clone(),
    }
}

/// The name of a level in the page's language.
fn level_name(state: &AppState, lang: Lang, level: u8) -> String {
    state
        .catalog
        .levels
        .iter()
        .find(|l| l.value == level)
        .map(|l| in_lang(lang, &l.name))
        .unwrap_or_else(|| level.to_string())
}

/// The name of an aspect in the page's language.
pub(crate) fn aspect_name(state: &AppState, lang: Lang, aspect: Aspect) -> String {
    state
        .catalog
        .aspects
        .iter()
        .find(|a| a.aspect == aspect)
        .map(|a| in_lang(lang, &a.name))
        .unwrap_or_else(|| aspect.to_string())
}

/// An option of a level list.
#[derive(Serialize)]
pub(crate) struct LevelOption {
    value: u8,
    label: String,
    selected: bool,
}

pub(crate) fn level_options(
    state: &AppState,
    lang: Lang,
    model: store::Model,
    selected: Option<u8>,
) -> Vec<LevelOption> {
    (0..=model.max_level)
        .map(|value| LevelOption {
            value,
            label: format!("{value} {}", level_name(state, lang, value)),
            selected: selected == Some(value),
        })
        .collect()
}

// --- An informationsmängd's classification on its page -------------------------------------------------------------

/// One aspect's level as a page shows it.
#[derive(Serialize)]
struct AspectLevel {
    letter: char,
    aspect: String,
    level: u8,
    level_name: String,
}

/// A version of a classification as a page shows it.
#[derive(Serialize)]
struct VersionView {
    id: i64,
    version: i32,
    status: &'static str,
    levels: Vec<AspectLevel>,
    justification: String,
    created_by: String,
    approved_by: String,
    approved_at: String,
    valid_until: String,
    expired: bool,
    separate_analysis: bool,
    /// The information type it is based on ("" when none).
    information_type: String,
    lowers_type: bool,
}

/// The names of the organisation's information types, retired ones too, by id.
async fn type_names(state: &AppState, organisation_id: i64) -> Result<BTreeMap<i64, String>, WebError> {
    Ok(lis_store::information_types::list(&state.db, organisation_id, true)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

fn version_view(
    state: &AppState,
    lang: Lang,
    row: &classification::Model,
    people: &BTreeMap<i64, String>,
    today: NaiveDate,
    types: &BTreeMap<i64, String>,
) -> VersionView {
    let levels = store::levels_of(row);
    VersionView {
        id: row.id,
        version: row.version,
        status: match row.status.as_str() {
            "draft" => word(lang, "Utkast", "Draft"),
            "approved" => word(lang, "Fastställd", "Approved"),
            _ => word(lang, "Ersatt", "Superseded"),
        },
        levels: levels
            .iter()
            .map(|(aspect, level)| AspectLevel {
                letter: aspect.letter(),
                aspect: aspect_name(state, lang, *aspect),
                level: *level,
                level_name: level_name(state, lang, *level),
            })
            .collect(),
        justification: row.justification.clone(),
        created_by: people.get(&row.created_by_person_id).cloned().unwrap_or_default(),
        approved_by: row
            .approved_by_person_id
            .and_then(|id| people.get(&id).cloned())
            .unwrap_or_default(),
        approved_at: row
            .approved_at
            .map(|at| at.date_naive().to_string())
            .unwrap_or_default(),
        valid_until: row.valid_until.to_string(),
        expired: row.status == Status::Approved.as_str() && expired(row.valid_until, today),
        separate_analysis: levels.values().any(|l| *l >= SEPARATE_ANALYSIS_LEVEL),
        information_type: row
            .information_type_id
            .and_then(|id| types.get(&id).cloned())
            .unwrap_or_default(),
        lowers_type: row.lowers_type,
    }
}

/// Who created or approved `rows`: their ids, for [`people_named`].
fn people_on<'a>(rows: impl IntoIterator<Item = &'a classification::Model>) -> Vec<i64> {
    rows.into_iter()
        .flat_map(|r| [Some(r.created_by_person_id), r.approved_by_person_id])
        .flatten()
        .collect()
}

/// The names of the people `ids`.
async fn people_named(state: &AppState, ids: Vec<i64>) -> Result<BTreeMap<i64, String>, WebError> {
    Ok(lis_store::people::by_ids(&state.db, ids)
        .await?
        .into_values()
        .map(|p| (p.id, p.display_name))
        .collect())
}

/// The classification part of a record's page: an informationsmängd's decided and draft classification, or a
/// system's levels with the reason for each.
#[derive(Serialize)]
pub struct SectionView {
    information: bool,
    approved: Option<VersionView>,
    draft: Option<VersionView>,
    may_classify: bool,
    may_approve: bool,
    levels: Vec<SystemLevelView>,
    separate_analysis: bool,
    may_override: bool,
    may_lower: bool,
    level_options: Vec<LevelOption>,
    reasons: Vec<ReasonOption>,
    /// How the draft falls below its information type's levels.
    below_type: Vec<String>,
    /// The draft is below its type and the visitor is not the CISO: it waits for the CISO's approval.
    below_type_waits: bool,
    /// The levels the systems inherit, when the information type lifts them above the decided ones.
    in_force: Vec<AspectLevel>,
    /// For a system: how many of the catalogue's requirements its levels select (after the SoA).
    requirement_count: Option<usize>,
}

/// An override reason as a form offers it.
#[derive(Serialize)]
struct ReasonOption {
    value: &'static str,
    label: &'static str,
}

/// One aspect of a system's levels.
#[derive(Serialize)]
struct SystemLevelView {
    letter: char,
    aspect: String,
    effective: u8,
    level_name: String,
    calculated: u8,
    calculated_name: String,
    because: String,
    because_href: Option<String>,
    because_name: String,
    because_since: String,
    /// The informationsmängd deciding the level has a classification past its date.
    because_expired: bool,
    override_level: Option<String>,
    override_reason: String,
    override_justification: String,
    override_pending: bool,
    review_override: bool,
}

/// The section of the classification on the page of `item` (an informationsmängd or a system); none for a
/// förvaltningsobjekt.
pub async fn section(
    state: &AppState,
    user: &CurrentUser,
    env: &PageEnv,
    item: &inventory_item::Model,
    may_change: bool,
) -> Result<Option<SectionView>, WebError> {
    let model = model_of(state, item.organisation_id).await?;
    let today = Utc::now().date_naive();
    let kind = lis_store::inventory::kind_of(item);
    let mut view = SectionView {
        information: kind == ItemKind::InformationSet,
        approved: None,
        draft: None,
        may_classify: may_change,
        may_approve: false,
        levels: Vec::new(),
        separate_analysis: false,
        may_override: may_change,
        may_lower: false,
        level_options: level_options(state, env.lang, model, None),
        reasons: OverrideReason::ALL
            .iter()
            .map(|r| ReasonOption {
                value: r.as_str(),
                label: word(env.lang, r.swedish(), r.english()),
            })
            .collect(),
        below_type: Vec::new(),
        below_type_waits: false,
        in_force: Vec::new(),
        requirement_count: None,
    };
    match kind {
        ItemKind::ManagementObject => return Ok(None),
        ItemKind::InformationSet => {
            let versions = store::versions(&state.db, item.id).await?;
            let approved = versions.iter().find(|v| v.status == Status::Approved.as_str());
            let draft = versions.iter().find(|v| v.status == Status::Draft.as_str());
            let people = people_named(state, people_on([approved, draft].into_iter().flatten())).await?;
            let types = type_names(state, item.organisation_id).await?;
            view.approved = approved.map(|v| version_view(state, env.lang, v, &people, today, &types));
            view.draft = draft.map(|v| version_view(state, env.lang, v, &people, today, &types));
            let may_lower = lis_domain::authorize(&user.0.principal, Action::Change, Resource::LevelLowering).is_ok();
            if let Some(draft) = draft
                && let Some(of_type) = store::type_levels(&state.db, draft).await?
            {
                let below = below_type(&store::levels_of(draft), &of_type);
                view.below_type = below.iter().map(|p| message(env.lang, p)).collect();
                view.below_type_waits = !below.is_empty() && !may_lower;
            }
            view.may_approve = may_change
                && draft.is_some()
                && !view.below_type_waits
                && lis_domain::authorize(&user.0.principal, Action::Change, decision(user, item)).is_ok();
            if let Some(approved) = approved {
                let own = store::levels_of(approved);
                let passed_on = lis_store::levels::approved_levels(&state.db, &BTreeSet::from([item.id]))
                    .await?
                    .remove(&item.id)
                    .unwrap_or_default();
                if passed_on != own {
                    view.in_force = passed_on
                        .iter()
                        .map(|(aspect, level)| AspectLevel {
                            letter: aspect.letter(),
                            aspect: aspect_name(state, env.lang, *aspect),
                            level: *level,
                            level_name: level_name(state, env.lang, *level),
                        })
                        .collect();
                }
            }
            view.separate_analysis = view.approved.as_ref().is_some_and(|a| a.separate_analysis);
        }
        ItemKind::System => {
            view.may_lower =
                may_change && lis_domain::authorize(&user.0.principal, Action::Change, Resource::LevelLowering).is_ok();
            view.levels = system_levels(state, env.lang, model, item.id).await?;
            view.separate_analysis = view.levels.iter().any(|l| l.effective >= SEPARATE_ANALYSIS_LEVEL);
            let profile = super::requirements::system_profile(state, item.id).await?;
            view.requirement_count =
                Some(super::requirements::applicable_count(state, item.organisation_id, &profile).await?);
        }
    }
    Ok(Some(view))
}

/// The resource of deciding `item`'s classification: the informationsägare's or the CISO's.
fn decision(user: &CurrentUser, item: &inventory_item::Model) -> Resource {
    Resource::ClassificationDecision {
        information_owner: item.owner_person_id == Some(user.0.person.id),
    }
}

/// A system's levels with the reason for each.
async fn system_levels(
    state: &AppState,
    lang: Lang,
    model: store::Model,
    system_id: i64,
) -> Result<Vec<SystemLevelView>, WebError> {
    let stored = lis_store::levels::of_system(&state.db, system_id).await?;
    let overrides = store::overrides(&state.db, system_id).await?;
    let sources: Vec<i64> = stored.values().filter_map(|row| row.source_id).collect();
    let labels = lis_store::inventory::labels_by_ids(&state.db, sources.iter().copied()).await?;
    let today = Utc::now().date_naive();
    let mut expired_sources = BTreeSet::new();
    for source in &sources {
        if let Some(decided) = store::with_status(&state.db, *source, Status::Approved).await?
            && expired(decided.valid_until, today)
        {
            expired_sources.insert(*source);
        }
    }
    let mut views = Vec::new();
    for aspect in aspects(model) {
        let row = stored.get(&aspect);
        let calculated = row.map_or(0, |r| u8::try_from(r.calculated).unwrap_or(0));
        let effective = row.map_or(0, |r| u8::try_from(r.effective).unwrap_or(0));
        let source_label = row.and_then(|r| r.source_id).and_then(|id| labels.get(&id));
        let mut because_since = String::new();
        let (because, because_name) = match (row.map(|r| r.source_kind.as_str()), source_label) {
            (Some("information"), Some(label)) => {
                because_since = held_since(state, label.id, system_id).await?;
                (
                    word(lang, "det lagrar informationsmängden", "it holds the informationsmängd").to_owned(),
                    label.name.clone(),
                )
            }
            (Some("runs_on_it"), Some(label)) => (
                word(
                    lang,
                    "systemet som körs på det har den nivån:",
                    "the system running on it has that level:",
                )
                .to_owned(),
                label.name.clone(),
            ),
            (Some("override"), _) => (
                word(lang, "ett avsteg gäller", "an override applies").to_owned(),
                String::new(),
            ),
            _ => (
                word(
                    lang,
                    "inget som systemet lagrar eller bär är klassat",
                    "nothing the system holds or carries is classified",
                )
                .to_owned(),
                String::new(),
            ),
        };
        let set = overrides.get(&aspect);
        views.push(SystemLevelView {
            letter: aspect.letter(),
            aspect: aspect_name(state, lang, aspect),
            effective,
            level_name: level_name(state, lang, effective),
            calculated,
            calculated_name: level_name(state, lang, calculated),
            because,
            because_href: source_label
                .filter(|_| row.is_some_and(|r| r.source_kind != "override"))
                .map(|l| format!("/items/{}", l.id)),
            because_name,
            because_since,
            because_expired: row.is_some_and(|r| r.source_kind == "information")
                && source_label.is_some_and(|l| expired_sources.contains(&l.id)),
            override_level: set.map(|o| {
                format!(
                    "{} {}",
                    o.level,
                    level_name(state, lang, u8::try_from(o.level).unwrap_or(0))
                )
            }),
            override_reason: set
                .and_then(|o| o.reason.parse::<OverrideReason>().ok())
                .map(|r| word(lang, r.swedish(), r.english()).to_owned())
                .unwrap_or_default(),
            override_justification: set.map(|o| o.justification.clone()).unwrap_or_default(),
            override_pending: set.is_some_and(|o| o.status == lis_store::levels::OVERRIDE_PENDING),
            review_override: row.is_some_and(|r| r.review_override),
        });
    }
    Ok(views)
}

/// The day the system began holding the informationsmängd.
async fn held_since(state: &AppState, information_id: i64, system_id: i64) -> Result<String, WebError> {
    let relation = inventory_relation::Entity::find()
        .filter(inventory_relation::Column::Kind.eq(RelationKind::HeldBy.as_str()))
        .filter(inventory_relation::Column::FromItemId.eq(information_id))
        .filter(inventory_relation::Column::ToItemId.eq(system_id))
        .one(&state.db)
        .await
        .map_err(StoreError::from)?;
    Ok(relation
        .map(|r| r.created_at.date_naive().to_string())
        .unwrap_or_default())
}

// --- The questions -----------------------------------------------------------------------------------------------

/// One consequence category's answer in the form.
#[derive(Serialize)]
struct AnswerView {
    name: String,
    category: String,
    prompt: String,
    options: Vec<LevelOption>,
}

/// One aspect's question in the form.
#[derive(Serialize)]
struct QuestionView {
    letter: char,
    aspect: String,
    text: String,
    hint: String,
    answers: Vec<AnswerView>,
    proposed: String,
    level_field: String,
    options: Vec<LevelOption>,
    problem: Option<String>,
}

#[derive(Serialize)]
struct FormView {
    id: i64,
    name: String,
    version: Option<i32>,
    questions: Vec<QuestionView>,
    justification: String,
    valid_until: String,
    problems: Vec<String>,
    types: Vec<TypeOption>,
}

/// An information type as the form offers it.
#[derive(Serialize)]
struct TypeOption {
    value: i64,
    label: String,
    selected: bool,
}

/// A type's name with its levels, e.g. "Personuppgifter i personalakt (K 3, R 2, T 1)".
pub(crate) fn type_label(row: &information_type::Model) -> String {
    let levels: Vec<String> = lis_store::information_types::levels_of(row)
        .iter()
        .map(|(aspect, level)| format!("{aspect} {level}"))
        .collect();
    format!("{} ({})", row.name, levels.join(", "))
}

/// What the form sent, as given.
type Sent = HashMap<String, String>;

/// The information type a form chose (`information_type` = id), among the organisation's `types` in use.
fn chosen_type<'a>(sent: &Sent, types: &'a [information_type::Model]) -> Option<&'a information_type::Model> {
    let id = sent.get("information_type")?.trim().parse::<i64>().ok()?;
    types.iter().find(|t| t.id == id)
}

/// Reads the answers (`answer.K.ekonomi` = level) and chosen levels (`level.K`) of a form; what cannot be read is
/// left out (an empty choice means "as proposed": by the answers, and at least the chosen information type's level).
fn read_form(
    state: &AppState,
    model: store::Model,
    sent: &Sent,
    types: &[information_type::Model],
) -> (Answers, BTreeMap<Aspect, u8>, BTreeMap<Aspect, u8>) {
    let type_levels = chosen_type(sent, types)
        .map(lis_store::information_types::levels_of)
        .unwrap_or_default();
    let mut answers = Answers::new();
    let mut proposed = BTreeMap::new();
    let mut chosen = BTreeMap::new();
    for aspect in aspects(model) {
        let by_category: BTreeMap<String, u8> = state
            .questionnaire
            .consequences
            .iter()
            .filter_map(|c| {
                let value = sent.get(&format!("answer.{}.{}", aspect.letter(), c.id))?;
                Some((c.id.clone(), value.parse::<u8>().ok()?))
            })
            .collect();
        let by_type = type_levels.get(&aspect).copied().unwrap_or(0);
        proposed.insert(aspect, state.questionnaire.proposal(&by_category).max(by_type));
        answers.insert(aspect, by_category);
        if let Some(level) = sent
            .get(&format!("level.{}", aspect.letter()))
            .and_then(|v| v.trim().parse::<u8>().ok())
        {
            chosen.insert(aspect, level);
        }
    }
    (answers, proposed, chosen)
}

/// The form's view: from what was sent, or else from the draft, the decided version or nothing.
#[allow(clippy::too_many_arguments, reason = "the form's parts, each needed")]
fn form_view(
    state: &AppState,
    lang: Lang,
    model: store::Model,
    item: &inventory_item::Model,
    start: Option<&classification::Model>,
    sent: Option<&Sent>,
    problems: &[ClassificationProblem],
    types: &[information_type::Model],
) -> FormView {
    let stored_answers: Answers = start
        .and_then(|row| row.answers.clone())
        .and_then(|json| serde_json::from_value::<BTreeMap<String, BTreeMap<String, u8>>>(json).ok())
        .map(|by_letter| {
            by_letter
                .into_iter()
                .filter_map(|(letter, answers)| Some((letter.parse::<Aspect>().ok()?, answers)))
                .collect()
        })
        .unwrap_or_default();
    let stored_levels = start.map(store::levels_of).unwrap_or_default();
    let (answers, proposed, chosen) = match sent {
        Some(sent) => read_form(state, model, sent, types),
        None => {
            let type_levels = start
                .and_then(|row| types.iter().find(|t| Some(t.id) == row.information_type_id))
                .map(lis_store::information_types::levels_of)
                .unwrap_or_default();
            let proposed = stored_answers
                .iter()
                .map(|(a, by)| {
                    let by_type = type_levels.get(a).copied().unwrap_or(0);
                    (*a, state.questionnaire.proposal(by).max(by_type))
                })
                .collect();
            (stored_answers, proposed, stored_levels)
        }
    };
    let text = |t: &lis_catalog::Texts| in_lang(lang, t);
    let questions = aspects(model)
        .into_iter()
        .filter_map(|aspect| {
            let question = state.questionnaire.question(aspect)?;
            let given = answers.get(&aspect);
            Some(QuestionView {
                letter: aspect.letter(),
                aspect: aspect_name(state, lang, aspect),
                text: text(&question.text),
                hint: text(&question.hint),
                answers: state
                    .questionnaire
                    .consequences
                    .iter()
                    .map(|c| AnswerView {
                        name: format!("answer.{}.{}", aspect.letter(), c.id),
                        category: text(&c.name),
                        prompt: text(&c.prompt),
                        options: level_options(state, lang, model, given.and_then(|g| g.get(&c.id)).copied()),
                    })
                    .collect(),
                proposed: proposed
                    .get(&aspect)
                    .map(|l| format!("{l} {}", level_name(state, lang, *l)))
                    .unwrap_or_default(),
                level_field: format!("level.{}", aspect.letter()),
                options: level_options(state, lang, model, chosen.get(&aspect).copied()),
                problem: problems
                    .iter()
                    .find(|p| matches!(p, ClassificationProblem::OutsideModel { aspect: a, .. } | ClassificationProblem::Missing { aspect: a } if *a == aspect))
                    .map(|p| message(lang, p)),
            })
        })
        .collect();
    FormView {
        id: item.id,
        name: item.name.clone(),
        version: start
            .filter(|row| row.status == Status::Draft.as_str())
            .map(|row| row.version),
        questions,
        justification: sent
            .and_then(|s| s.get("justification").cloned())
            .or_else(|| start.map(|row| row.justification.clone()))
            .unwrap_or_default(),
        valid_until: sent
            .and_then(|s| s.get("valid_until").cloned())
            .unwrap_or_else(|| default_valid_until(Utc::now().date_naive()).to_string()),
        problems: problems.iter().map(|p| message(lang, p)).collect(),
        types: {
            let selected = match sent {
                Some(sent) => chosen_type(sent, types).map(|t| t.id),
                None => start.and_then(|row| row.information_type_id),
            };
            types
                .iter()
                .map(|t| TypeOption {
                    value: t.id,
                    label: type_label(t),
                    selected: Some(t.id) == selected,
                })
                .collect()
        },
    }
}

pub(crate) fn message(lang: Lang, problem: &ClassificationProblem) -> String {
    match lang {
        Lang::Sv => problem.swedish(),
        Lang::En => problem.english(),
    }
}

/// The informationsmängd `item_id`, once the person may change it (and so classify it).
async fn information_to_classify(
    state: &AppState,
    user: &CurrentUser,
    item_id: i64,
) -> Result<inventory_item::Model, WebError> {
    let item = authorized_item(state, user, Action::Change, item_id).await?;
    if lis_store::inventory::kind_of(&item) != ItemKind::InformationSet || item.retired_at.is_some() {
        return Err(StoreError::NotFound {
            kind: "informationsmangd",
            id: item_id.to_string(),
        }
        .into());
    }
    Ok(item)
}

/// `GET /items/{item}/classification`: the guided questions for an informationsmängd.
pub async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(item_id): Path<i64>,
) -> Result<Html<String>, WebError> {
    let item = information_to_classify(&state, &user, item_id).await?;
    let model = model_of(&state, item.organisation_id).await?;
    let start = match store::with_status(&state.db, item_id, Status::Draft).await? {
        Some(draft) => Some(draft),
        None => store::with_status(&state.db, item_id, Status::Approved).await?,
    };
    let types = lis_store::information_types::list(&state.db, item.organisation_id, false).await?;
    let view = form_view(&state, env.lang, model, &item, start.as_ref(), None, &[], &types);
    page::render(&state, &env, "classification_form.html", &view)
}

/// `POST /items/{item}/classification`: saves the draft; problems come back on the form with what was sent.
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(item_id): Path<i64>,
    Form(sent): Form<Sent>,
) -> Result<Response, WebError> {
    let item = information_to_classify(&state, &user, item_id).await?;
    user.1.check_csrf(sent.get("csrf_token").map_or("", String::as_str))?;
    let model = model_of(&state, item.organisation_id).await?;
    let types = lis_store::information_types::list(&state.db, item.organisation_id, false).await?;
    let (answers, proposed, chosen) = read_form(&state, model, &sent, &types);
    let mut levels = proposed.clone();
    levels.extend(chosen);
    // A level sent for an aspect the organisation does not classify is refused, not dropped.
    if !model.classifies_traceability && sent.get("level.S").is_some_and(|v| !v.trim().is_empty()) {
        levels.insert(Aspect::S, 0);
    }
    let today = Utc::now().date_naive();
    let valid_until = sent
        .get("valid_until")
        .and_then(|v| v.trim().parse::<NaiveDate>().ok())
        .unwrap_or_else(|| default_valid_until(today));
    let proposal = Proposal {
        levels,
        proposed,
        justification: sent.get("justification").cloned().unwrap_or_default(),
        valid_until,
        information_type: chosen_type(&sent, &types).map(|t| t.id),
    };
    let seen_version = sent.get("version").and_then(|v| v.parse::<i32>().ok());
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    let problems = match store::save_draft(
        &txn,
        &user.change_context(),
        item.organisation_id,
        item_id,
        model,
        &proposal,
        &answers,
        seen_version,
    )
    .await
    {
        Ok(_) => {
            txn.commit().await.map_err(StoreError::from)?;
            return Ok(Redirect::to(&format!("/items/{item_id}?saved=1#classification")).into_response());
        }
        Err(StoreError::Classification(problems)) => (StatusCode::UNPROCESSABLE_ENTITY, problems),
        Err(StoreError::Conflict { .. }) => (StatusCode::CONFLICT, Vec::new()),
        Err(err) => return Err(err.into()),
    };
    drop(txn);
    let mut view = form_view(&state, env.lang, model, &item, None, Some(&sent), &problems.1, &types);
    if problems.0 == StatusCode::CONFLICT {
        view.problems.push(
            word(
                env.lang,
                "Någon annan har sparat utkastet sedan du öppnade det. Dina svar står kvar; öppna klassningen igen för att se utkastet som det är nu.",
                "Someone else saved the draft since you opened it. Your answers are kept; open the classification again to see the draft as it is now.",
            )
            .to_owned(),
        );
        view.version = store::with_status(&state.db, item_id, Status::Draft)
            .await?
            .map(|d| d.version);
    }
    let html = page::render(&state, &env, "classification_form.html", &view)?;
    Ok((problems.0, html).into_response())
}

/// The version field of a form.
#[derive(Debug, serde::Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    pub(crate) csrf_token: String,
    #[serde(default)]
    pub(crate) version: i32,
}

/// `POST /items/{item}/classification/approve`: the informationsägare or the CISO approves the draft.
pub async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(item_id): Path<i64>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    let item = information_to_classify(&state, &user, item_id).await?;
    user.authorize(&state, Action::Change, decision(&user, &item)).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let may_lower = lis_domain::authorize(&user.0.principal, Action::Change, Resource::LevelLowering).is_ok();
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    store::approve(
        &txn,
        &user.change_context(),
        item.organisation_id,
        item_id,
        form.version,
        may_lower,
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(Redirect::to(&format!("/items/{item_id}?saved=1#classification")).into_response())
}

/// Two versions side by side.
#[derive(Serialize)]
struct CompareView {
    newer: VersionView,
    older: Option<VersionView>,
}

#[derive(Serialize)]
struct HistoryView {
    id: i64,
    name: String,
    decisions: Vec<CompareView>,
}

/// `GET /items/{item}/classification/history`: every approved version beside the one before it.
pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(item_id): Path<i64>,
) -> Result<Html<String>, WebError> {
    let item = authorized_item(&state, &user, Action::View, item_id).await?;
    let today = Utc::now().date_naive();
    let decided: Vec<classification::Model> = store::versions(&state.db, item_id)
        .await?
        .into_iter()
        .filter(|v| v.status != Status::Draft.as_str())
        .collect();
    let people = people_named(&state, people_on(&decided)).await?;
    let types = type_names(&state, item.organisation_id).await?;
    let decisions = decided
        .iter()
        .enumerate()
        .map(|(i, row)| CompareView {
            newer: version_view(&state, env.lang, row, &people, today, &types),
            older: decided
                .get(i + 1)
                .map(|older| version_view(&state, env.lang, older, &people, today, &types)),
        })
        .collect();
    let view = HistoryView {
        id: item.id,
        name: item.name,
        decisions,
    };
    page::render(&state, &env, "classification_history.html", &view)
}

// --- Overrides ---------------------------------------------------------------------------------------------------

/// `POST /items/{item}/levels/{aspect}/override`: an objektsägare's level for one aspect of a system.
pub async fn set_override(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path((item_id, letter)): Path<(i64, String)>,
    Form(sent): Form<Sent>,
) -> Result<Response, WebError> {
    let item = authorized_item(&state, &user, Action::Change, item_id).await?;
    user.1.check_csrf(sent.get("csrf_token").map_or("", String::as_str))?;
    let aspect = letter.parse::<Aspect>().map_err(|_| StoreError::NotFound {
        kind: "aspect",
        id: letter.clone(),
    })?;
    let model = model_of(&state, item.organisation_id).await?;
    let level = sent.get("level").and_then(|v| v.parse::<u8>().ok());
    let reason = sent.get("reason").and_then(|v| v.parse::<OverrideReason>().ok());
    let (Some(level), Some(reason)) = (level, reason) else {
        let text = word(
            env.lang,
            "Välj en nivå och ett skäl för avsteget.",
            "Choose a level and a reason for the override.",
        );
        return super::inventory::show_with_problem(
            &state,
            &user,
            &env,
            &item,
            StatusCode::UNPROCESSABLE_ENTITY,
            text.to_owned(),
        )
        .await;
    };
    let may_lower = lis_domain::authorize(&user.0.principal, Action::Change, Resource::LevelLowering).is_ok();
    let justification = sent.get("justification").cloned().unwrap_or_default();
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    // The CISO confirming a waiting lowering approves it (who asked for it stays on record).
    let waiting = store::overrides(&txn, item_id).await?.remove(&aspect).filter(|o| {
        o.status == lis_store::levels::OVERRIDE_PENDING && o.level == i16::from(level) && o.reason == reason.as_str()
    });
    if may_lower && waiting.is_some() {
        store::approve_override(&txn, &user.change_context(), item.organisation_id, item_id, aspect).await?;
        txn.commit().await.map_err(StoreError::from)?;
        return Ok(Redirect::to(&format!("/items/{item_id}?saved=1#levels")).into_response());
    }
    let outcome = store::set_override(
        &txn,
        &user.change_context(),
        item.organisation_id,
        item_id,
        aspect,
        level,
        reason,
        &justification,
        model,
        may_lower,
    )
    .await;
    match outcome {
        Ok(outcome) => {
            txn.commit().await.map_err(StoreError::from)?;
            let saved = if outcome == OverrideOutcome::Pending {
                "pending"
            } else {
                "1"
            };
            Ok(Redirect::to(&format!("/items/{item_id}?saved={saved}#levels")).into_response())
        }
        Err(StoreError::Classification(problems)) => {
            drop(txn);
            let text = problems
                .iter()
                .map(|p| message(env.lang, p))
                .collect::<Vec<_>>()
                .join(" ");
            super::inventory::show_with_problem(&state, &user, &env, &item, StatusCode::UNPROCESSABLE_ENTITY, text)
                .await
        }
        Err(err) => Err(err.into()),
    }
}

/// `POST /items/{item}/levels/{aspect}/override/remove`: the calculated level applies again (nothing to remove is
/// no error: the page shows the level as it is).
pub async fn remove_override(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((item_id, letter)): Path<(i64, String)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    let item = authorized_item(&state, &user, Action::Change, item_id).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let aspect = letter.parse::<Aspect>().map_err(|_| StoreError::NotFound {
        kind: "aspect",
        id: letter.clone(),
    })?;
    if !store::overrides(&state.db, item_id).await?.contains_key(&aspect) {
        return Ok(Redirect::to(&format!("/items/{item_id}#levels")).into_response());
    }
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    store::remove_override(&txn, &user.change_context(), item.organisation_id, item_id, aspect).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(Redirect::to(&format!("/items/{item_id}?saved=1#levels")).into_response())
}

// --- Review -------------------------------------------------------------------------------------------------------

/// How far ahead the review list looks.
const REVIEW_WITHIN_DAYS: i64 = 30;

/// A decided classification due for review.
#[derive(Serialize)]
struct DueView {
    item_id: i64,
    name: String,
    owner: String,
    valid_until: String,
    overdue: bool,
}

#[derive(Serialize)]
struct ReviewView {
    whole_organisation: bool,
    within_days: i64,
    overdue: Vec<DueView>,
    due: Vec<DueView>,
}

/// `GET /classification/review`: decided classifications past their date, and those due within 30 days; the whole
/// organisation for those who read the inventory, otherwise the informationsmängder the person owns.
pub async fn review(State(state): State<AppState>, user: CurrentUser, env: PageEnv) -> Result<Html<String>, WebError> {
    let organisation_id = user.0.person.organisation_id;
    let whole_organisation = lis_domain::authorize(&user.0.principal, Action::View, Resource::Inventory).is_ok();
    let today = Utc::now().date_naive();
    let until = today + chrono::Duration::days(REVIEW_WITHIN_DAYS + 1);
    let due = store::due_before(&state.db, organisation_id, until).await?;
    let items = lis_store::inventory::by_ids(&state.db, due.iter().map(|d| d.item_id)).await?;
    let owners = lis_store::people::by_ids(&state.db, items.values().filter_map(|i| i.owner_person_id)).await?;
    let mut view = ReviewView {
        whole_organisation,
        within_days: REVIEW_WITHIN_DAYS,
        overdue: Vec::new(),
        due: Vec::new(),
    };
    for row in due {
        let Some(item) = items.get(&row.item_id).filter(|i| i.retired_at.is_none()) else {
            continue;
        };
        if !whole_organisation && item.owner_person_id != Some(user.0.person.id) {
            continue;
        }
        let overdue = expired(row.valid_until, today);
        let entry = DueView {
            item_id: item.id,
            name: item.name.clone(),
            owner: item
                .owner_person_id
                .and_then(|id| owners.get(&id))
                .map(|p| p.display_name.clone())
                .unwrap_or_default(),
            valid_until: row.valid_until.to_string(),
            overdue,
        };
        if overdue {
            view.overdue.push(entry);
        } else {
            view.due.push(entry);
        }
    }
    page::render(&state, &env, "classification_review.html", &view)
}

// --- Overview ---------------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct OverviewView {
    systems: u64,
    heatmap: crate::heatmap::Heatmap,
    units: Vec<super::inventory::ChoiceView>,
    people: Vec<super::inventory::ChoiceView>,
}

/// `GET /classification/overview`: systems by aspect and level as a server-drawn heatmap with the numbers written
/// in every cell (and the same as a table), filtered by org unit and person.
pub async fn overview(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    axum::extract::Query(params): axum::extract::Query<super::inventory::ListParams>,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::Inventory).await?;
    let organisation_id = user.0.person.organisation_id;
    let model = model_of(&state, organisation_id).await?;
    let tree = lis_store::organisation::org_tree(&state.db, organisation_id).await?;
    let names = super::inventory::Names::load(&state, organisation_id).await?;
    let mut query = params.query(ItemKind::System, &names.units, &tree);
    query.search = None;
    let heatmap = lis_store::levels::heatmap(&state.db, organisation_id, &query).await?;
    let count = |aspect: Aspect, level: u8| heatmap.counts.get(&(aspect, level)).copied().unwrap_or(0);
    let rows = aspects(model)
        .into_iter()
        .map(|aspect| {
            let row_max = (0..=model.max_level)
                .map(|level| count(aspect, level))
                .max()
                .unwrap_or(0);
            let cells = (0..=model.max_level)
                .map(|level| {
                    (
                        count(aspect, level).to_string(),
                        crate::heatmap::shade(count(aspect, level), row_max),
                    )
                })
                .collect();
            (
                format!("{} {}", aspect.letter(), aspect_name(&state, env.lang, aspect)),
                cells,
            )
        })
        .collect();
    let columns = level_options(&state, env.lang, model, None)
        .into_iter()
        .map(|level| level.label)
        .collect();
    let view = OverviewView {
        systems: heatmap.systems,
        heatmap: crate::heatmap::Heatmap::new(columns, rows),
        units: super::inventory::unit_choices(&names.units, query.org_units.as_ref().and_then(|u| u.first().copied())),
        people: super::inventory::person_choices(&names.people, query.person_id),
    };
    page::render(&state, &env, "classification_overview.html", &view)
}

// --- The model ----------------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct ModelLevel {
    value: u8,
    name: String,
    definition: String,
    separate_analysis: bool,
}

#[derive(Serialize)]
struct ModelView {
    levels: Vec<ModelLevel>,
    aspects: Vec<AspectLevel>,
    consequences: Vec<(String, String)>,
    classifies_traceability: bool,
    may_change: bool,
    saved: bool,
}

/// The query of the model's page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ModelParams {
    #[serde(default)]
    saved: String,
}

/// `GET /classification/model`: the scale, the aspects and the consequence categories the questions use, and
/// whether the organisation classifies spårbarhet.
pub async fn model(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    axum::extract::Query(params): axum::extract::Query<ModelParams>,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::Catalog).await?;
    let text = |t: &lis_catalog::Texts| in_lang(env.lang, t);
    let model = model_of(&state, user.0.person.organisation_id).await?;
    let view = ModelView {
        levels: state
            .catalog
            .levels
            .iter()
            .map(|l| ModelLevel {
                value: l.value,
                name: text(&l.name),
                definition: text(&l.definition),
                separate_analysis: l.separate_analysis,
            })
            .collect(),
        aspects: state
            .catalog
            .aspects
            .iter()
            .map(|a| AspectLevel {
                letter: a.aspect.letter(),
                aspect: text(&a.name),
                level: 0,
                level_name: text(&a.definition),
            })
            .collect(),
        consequences: state
            .questionnaire
            .consequences
            .iter()
            .map(|c| (text(&c.name), text(&c.prompt)))
            .collect(),
        classifies_traceability: model.classifies_traceability,
        may_change: lis_domain::authorize(&user.0.principal, Action::Change, Resource::Catalog).is_ok(),
        saved: params.saved == "1",
    };
    page::render(&state, &env, "classification_model.html", &view)
}

/// `POST /classification/model`: the CISO switches the classification of spårbarhet on or off.
pub async fn save_model(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(sent): Form<Sent>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::Catalog).await?;
    user.1.check_csrf(sent.get("csrf_token").map_or("", String::as_str))?;
    let on = sent.get("traceability").is_some_and(|v| v == "1");
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    store::set_classifies_traceability(&txn, &user.change_context(), user.0.person.organisation_id, on).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(Redirect::to("/classification/model?saved=1").into_response())
}
