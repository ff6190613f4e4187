//! The requirements a system must meet: those of the catalogue that its effective levels select, less those of the
//! measures the organisation does not use (its statement of applicability), each with why it applies and how the
//! system meets it (the gap analysis: status, *brist*, how, evidence), recorded by those who may change the system.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use lis_domain::Action;
use lis_domain::aspect::Profile;
use lis_domain::evidence::EvidenceProblem;
use lis_domain::gap::{RequirementStatus, Severity, StatusRecord};
use lis_domain::inventory::ItemKind;
use lis_store::entity::{inventory_item, requirement_status};
use lis_store::{ChangeTransaction, StoreError};
use serde::Serialize;

use super::catalog::{ControlView, grouped};
use super::inventory::{authorized_item, word};
use crate::auth::CurrentUser;
use crate::form::Form;
use crate::i18n::Lang;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

/// A system's effective levels as a profile of the catalogue (an aspect without a level is at 0).
pub(crate) async fn system_profile(state: &AppState, system_id: i64) -> Result<Profile, WebError> {
    Ok(lis_store::levels::profile_of(&state.db, system_id).await?)
}

/// How many requirements apply to `profile` in the organisation, the SoA's measures not in use left out.
pub(crate) async fn applicable_count(
    state: &AppState,
    organisation_id: i64,
    profile: &Profile,
) -> Result<usize, WebError> {
    let not_in_use = lis_store::soa::controls_not_in_use(&state.db, organisation_id).await?;
    Ok(state.catalog.applicable_in_use(profile, &not_in_use).len())
}

/// How a system meets one requirement, as its page shows it and its form edits it.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct StatusView {
    status: String,
    status_label: String,
    severity: String,
    severity_label: String,
    how: String,
    justification: String,
    due: String,
    verified: String,
    evidence_url: String,
    version: Option<i32>,
    gap: bool,
    problems: Vec<String>,
    /// The shared control whose status counts here (none: the system's own).
    inherited_id: Option<i64>,
    inherited_name: String,
    /// The system's own status counts in place of a shared control's.
    local_exception: bool,
    /// The evidence files uploaded for the requirement, the newest first.
    evidence: Vec<EvidenceView>,
    /// Who answers for it: their e-mail address (what the form takes) and name.
    responsible: String,
    responsible_name: String,
}

/// The organisation's people, for naming the responsible person of a status and reading the one a form names.
pub(crate) struct Directory {
    by_id: HashMap<i64, (String, String)>,
    by_email: HashMap<String, i64>,
    /// Everyone with an e-mail address, by name: the choices a form offers those who may see the people.
    choices: Vec<PersonChoice>,
}

/// A person a form offers as responsible.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PersonChoice {
    name: String,
    email: String,
}

impl Directory {
    /// The people of `organisation_id`.
    pub(crate) async fn load(state: &AppState, organisation_id: i64) -> Result<Self, WebError> {
        let people = lis_store::people::names(&state.db, organisation_id).await?;
        let mut directory = Self {
            by_id: HashMap::new(),
            by_email: HashMap::new(),
            choices: Vec::new(),
        };
        for (id, name, email) in people {
            let email = email.unwrap_or_default();
            if !email.is_empty() {
                directory.by_email.insert(email.trim().to_lowercase(), id);
                directory.choices.push(PersonChoice {
                    name: name.clone(),
                    email: email.clone(),
                });
            }
            directory.by_id.insert(id, (name, email));
        }
        Ok(directory)
    }

    /// The people a form suggests to `asker`: everyone, for those who may see the organisation's people; nobody
    /// otherwise (they type the address).
    pub(crate) fn offered_to(self, asker: &impl crate::auth::Asker) -> Vec<PersonChoice> {
        if asker.may(Action::View, lis_domain::Resource::People) {
            self.choices
        } else {
            Vec::new()
        }
    }

    /// The person a form names by `email`: none when blank; `Err` when nobody has that address.
    fn person(&self, email: &str) -> Result<Option<i64>, lis_domain::gap::StatusProblem> {
        let wanted = email.trim().to_lowercase();
        if wanted.is_empty() {
            return Ok(None);
        }
        self.by_email
            .get(&wanted)
            .map(|id| Some(*id))
            .ok_or(lis_domain::gap::StatusProblem::UnknownPerson)
    }
}

/// An evidence file as a requirement's status lists it.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct EvidenceView {
    id: i64,
    name: String,
    size: String,
    sha256: String,
    uploaded: String,
}

fn evidence_view(file: &lis_store::entity::evidence_file::Model) -> EvidenceView {
    let size = u64::try_from(file.size).unwrap_or(0);
    EvidenceView {
        id: file.id,
        name: file.file_name.clone(),
        size: if size >= 1024 * 1024 {
            format!("{:.1} MiB", size as f64 / (1024.0 * 1024.0))
        } else {
            format!("{} KiB", size.div_ceil(1024))
        },
        sha256: file.sha256.clone(),
        uploaded: crate::time::local(file.uploaded_at),
    }
}

/// How a system meets a requirement: its own `row`, unless `inherited` from a shared control (and not a local
/// exception).
fn status_view(
    lang: Lang,
    row: Option<&requirement_status::Model>,
    inherited: Option<&lis_store::shared_controls::Inherited>,
    people: &Directory,
) -> StatusView {
    let own = row.map(lis_store::requirement_status::record_of).unwrap_or_default();
    let (record, from) = match inherited {
        Some(given) if !own.local_exception => (given.record.clone(), Some(given)),
        _ => (own, None),
    };
    let mut view = record_view(lang, &record, people);
    view.version = row.map(|r| r.version);
    view.inherited_id = from.map(|given| given.control_id);
    view.inherited_name = from.map(|given| given.control_name.clone()).unwrap_or_default();
    view.local_exception = inherited.is_some() && record.local_exception;
    view
}

/// A status record as a page shows it and a form edits it.
pub(crate) fn record_view(lang: Lang, record: &StatusRecord, people: &Directory) -> StatusView {
    let status = record.status.unwrap_or(RequirementStatus::EjBedomd);
    let (responsible_name, responsible) = record
        .responsible_person_id
        .and_then(|id| people.by_id.get(&id).cloned())
        .unwrap_or_default();
    StatusView {
        responsible,
        responsible_name,
        status: status.as_str().to_owned(),
        status_label: word(lang, status.swedish(), status.english()).to_owned(),
        severity: record.severity.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        severity_label: record
            .severity
            .map(|s| word(lang, s.swedish(), s.english()).to_owned())
            .unwrap_or_default(),
        how: record.how.clone(),
        justification: record.justification.clone(),
        due: record.due.map(|d| d.to_string()).unwrap_or_default(),
        verified: record.verified.map(|d| d.to_string()).unwrap_or_default(),
        evidence_url: record.evidence_url.clone(),
        gap: record.is_gap(),
        ..StatusView::default()
    }
}

/// A value of a list a form offers.
#[derive(Serialize)]
pub(crate) struct Choice {
    value: &'static str,
    label: &'static str,
}

/// The statuses a status form offers.
pub(crate) fn status_choices(lang: Lang) -> Vec<Choice> {
    RequirementStatus::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str(),
            label: word(lang, s.swedish(), s.english()),
        })
        .collect()
}

/// The *brist* severities a status form offers.
pub(crate) fn severity_choices(lang: Lang) -> Vec<Choice> {
    Severity::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str(),
            label: word(lang, s.swedish(), s.english()),
        })
        .collect()
}

/// A recorded status of a requirement that no longer applies to the system: kept as history.
#[derive(Serialize)]
struct NoLongerApplies {
    id: String,
    /// Why it no longer applies: the SoA, level 4, or the rule the levels no longer meet.
    why: String,
    status_label: String,
    updated: String,
}

#[derive(Serialize)]
struct RequirementsView {
    id: i64,
    name: String,
    levels: Vec<(char, u8)>,
    separate_analysis: bool,
    requirement_count: usize,
    removed_by_soa: usize,
    gaps: usize,
    controls: Vec<ControlView>,
    no_longer: Vec<NoLongerApplies>,
    may_record: bool,
    statuses: Vec<Choice>,
    severities: Vec<Choice>,
    people: Vec<PersonChoice>,
    saved: bool,
}

/// The system `item_id` in use, once `action` on it is allowed.
async fn system_for(
    state: &AppState,
    user: &CurrentUser,
    action: Action,
    item_id: i64,
) -> Result<inventory_item::Model, WebError> {
    let item = authorized_item(state, user, action, item_id).await?;
    if lis_store::inventory::kind_of(&item) != ItemKind::System || item.retired_at.is_some() {
        return Err(StoreError::NotFound {
            kind: "system",
            id: item_id.to_string(),
        }
        .into());
    }
    Ok(item)
}

/// The requirements page of `item`, with `refused` (a requirement id and what was sent, with its problems) shown
/// in that requirement's form.
async fn requirements_view(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    item: &inventory_item::Model,
    refused: Option<(String, StatusView)>,
    saved: bool,
) -> Result<RequirementsView, WebError> {
    let profile = system_profile(state, item.id).await?;
    let not_in_use = lis_store::soa::controls_not_in_use(&state.db, item.organisation_id).await?;
    let applicable = state.catalog.applicable_in_use(&profile, &not_in_use);
    let model = super::classification::model_of(state, item.organisation_id).await?;
    let mut recorded = lis_store::requirement_status::of_system(&state.db, item.id).await?;
    let mut inherited = lis_store::shared_controls::inherited(&state.db, item.organisation_id, &[item.id])
        .await?
        .remove(&item.id)
        .unwrap_or_default();
    let mut evidence = lis_store::evidence::of_system(&state.db, item.id).await?;
    let people = Directory::load(state, item.organisation_id).await?;
    let mut controls = grouped(&state.catalog, lang, &applicable, Some(&profile));
    let mut gaps = 0;
    for control in &mut controls {
        for requirement in &mut control.requirements {
            let mut view = status_view(
                lang,
                recorded.remove(&requirement.id).as_ref(),
                inherited.remove(&requirement.id).as_ref(),
                &people,
            );
            if let Some((id, sent)) = &refused
                && *id == requirement.id
            {
                view = StatusView {
                    inherited_id: view.inherited_id,
                    inherited_name: view.inherited_name.clone(),
                    ..sent.clone()
                };
            }
            view.evidence = evidence
                .remove(&requirement.id)
                .unwrap_or_default()
                .iter()
                .map(evidence_view)
                .collect();
            gaps += usize::from(view.gap);
            requirement.status = Some(view);
        }
    }
    let may_record = lis_domain::authorize(
        &user.0.principal,
        Action::Change,
        super::inventory::item_resource(state, user, item).await?,
    )
    .is_ok();
    Ok(RequirementsView {
        id: item.id,
        name: item.name.clone(),
        levels: super::classification::aspects(model)
            .into_iter()
            .map(|aspect| (aspect.letter(), profile.level(aspect)))
            .collect(),
        separate_analysis: profile.needs_separate_analysis(),
        requirement_count: applicable.len(),
        removed_by_soa: state.catalog.applicable(&profile).len() - applicable.len(),
        gaps,
        controls,
        // What is left was recorded for requirements that no longer apply.
        no_longer: recorded
            .values()
            .map(|row| NoLongerApplies {
                id: row.requirement_id.clone(),
                why: why_not(state, lang, &profile, &not_in_use, &row.requirement_id),
                status_label: status_view(lang, Some(row), None, &people).status_label,
                updated: row.updated_at.date_naive().to_string(),
            })
            .collect(),
        may_record,
        statuses: status_choices(lang),
        severities: severity_choices(lang),
        people: people.offered_to(user),
        saved,
    })
}

/// Why the requirement `id` does not apply to a system at `profile` with the controls `not_in_use`, in words.
fn why_not(
    state: &AppState,
    lang: Lang,
    profile: &Profile,
    not_in_use: &std::collections::BTreeSet<String>,
    id: &str,
) -> String {
    let Some(requirement) = state.catalog.requirements.iter().find(|r| r.id == id) else {
        return word(
            lang,
            "Kravet finns inte längre i katalogen.",
            "The requirement is no longer in the catalogue.",
        )
        .to_owned();
    };
    if not_in_use.contains(&requirement.control) {
        return match lang {
            Lang::Sv => format!(
                "Åtgärden {} används inte enligt uttalandet om tillämplighet.",
                requirement.control
            ),
            Lang::En => format!(
                "Control {} is not in use according to the statement of applicability.",
                requirement.control
            ),
        };
    }
    if profile.needs_separate_analysis() {
        return word(
            lang,
            "Systemet har nivå 4 och kräver en separat analys i stället för krav.",
            "The system is at level 4 and needs a separate analysis instead of requirements.",
        )
        .to_owned();
    }
    match lang {
        Lang::Sv => format!(
            "Gäller inte på systemets nuvarande skyddsnivå ({profile}); kravet gäller när {}.",
            requirement.applies
        ),
        Lang::En => format!(
            "Does not apply at the system's current protection level ({profile}); it applies when {}.",
            requirement.applies
        ),
    }
}

/// `?saved=1` after a status is recorded.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SavedParam {
    #[serde(default)]
    pub(crate) saved: String,
}

/// `GET /items/{item}/requirements`: the requirements a system in use must meet, why each applies, and how the
/// system meets it.
pub async fn of_system(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(item_id): Path<i64>,
    Query(params): Query<SavedParam>,
) -> Result<Response, WebError> {
    let item = system_for(&state, &user, Action::View, item_id).await?;
    let view = requirements_view(&state, &user, env.lang, &item, None, params.saved == "1").await?;
    Ok(page::render(&state, &env, "system_requirements.html", &view)?.into_response())
}

/// What a status form sent, as given.
pub(crate) type Sent = HashMap<String, String>;

/// The record a status form sent, its responsible person looked up in `people` by e-mail (an address nobody has is
/// the problem returned beside the record); a date or choice that cannot be read is left out.
pub(crate) fn read_record(sent: &Sent, people: &Directory) -> (StatusRecord, Option<lis_domain::gap::StatusProblem>) {
    let mut record = read_fields(sent);
    let problem = match people.person(sent.get("responsible").map_or("", String::as_str)) {
        Ok(person) => {
            record.responsible_person_id = person;
            None
        }
        Err(problem) => Some(problem),
    };
    (record, problem)
}

/// The record a status form sent, without its responsible person.
fn read_fields(sent: &Sent) -> StatusRecord {
    let text = |name: &str| sent.get(name).cloned().unwrap_or_default();
    let date = |name: &str| sent.get(name).and_then(|v| v.trim().parse::<NaiveDate>().ok());
    StatusRecord {
        status: sent.get("status").and_then(|v| v.parse::<RequirementStatus>().ok()),
        severity: sent.get("severity").and_then(|v| v.parse::<Severity>().ok()),
        how: text("how"),
        justification: text("justification"),
        due: date("due"),
        verified: date("verified"),
        evidence_url: text("evidence_url"),
        local_exception: sent.get("local_exception").is_some_and(|v| v == "1"),
        responsible_person_id: None,
    }
}

/// `POST /items/{item}/requirements/{requirement}`: records how the system meets the requirement; problems come back
/// in the requirement's form with what was sent.
pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path((item_id, requirement_id)): Path<(i64, String)>,
    Form(sent): Form<Sent>,
) -> Result<Response, WebError> {
    let item = system_for(&state, &user, Action::Change, item_id).await?;
    user.1.check_csrf(sent.get("csrf_token").map_or("", String::as_str))?;
    if !state.catalog.requirements.iter().any(|r| r.id == requirement_id) {
        return Err(WebError::NotFound);
    }
    let applies = applies_to(&state, &item, &requirement_id).await?;
    let people = Directory::load(&state, item.organisation_id).await?;
    let (record, unknown_person) = read_record(&sent, &people);
    let seen_version = sent.get("version").and_then(|v| v.parse::<i32>().ok());
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    let outcome = match unknown_person {
        Some(problem) => Err(StoreError::Status([record.check(applies), vec![problem]].concat())),
        None => {
            lis_store::requirement_status::record(
                &txn,
                &user.change_context(),
                item.organisation_id,
                item.id,
                &requirement_id,
                applies,
                &record,
                seen_version,
            )
            .await
        }
    };
    let (status, problems) = match outcome {
        Ok(_) => {
            txn.commit().await.map_err(StoreError::from)?;
            let to = format!("/items/{item_id}/requirements?saved=1#req-{requirement_id}");
            return Ok(Redirect::to(&to).into_response());
        }
        Err(StoreError::Status(problems)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            problems
                .iter()
                .map(|p| match env.lang {
                    Lang::Sv => p.swedish(),
                    Lang::En => p.english(),
                })
                .collect::<Vec<_>>(),
        ),
        Err(StoreError::Conflict { .. }) => (
            StatusCode::CONFLICT,
            vec![
                word(
                    env.lang,
                    "Någon annan har ändrat bedömningen sedan du öppnade sidan. Det du skrev står kvar; öppna sidan igen för att se bedömningen som den är nu.",
                    "Someone else changed the assessment since you opened the page. What you wrote is kept; open the page again to see it as it is now.",
                )
                .to_owned(),
            ],
        ),
        Err(err) => return Err(err.into()),
    };
    drop(txn);
    if !applies {
        return Err(WebError::Refused {
            sv: problems.join(" "),
            en: problems.join(" "),
        });
    }
    let mut shown = StatusView {
        status: record.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        severity: record.severity.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        how: record.how.clone(),
        justification: record.justification.clone(),
        due: sent.get("due").cloned().unwrap_or_default(),
        verified: sent.get("verified").cloned().unwrap_or_default(),
        evidence_url: record.evidence_url.clone(),
        version: seen_version,
        gap: record.is_gap(),
        problems,
        local_exception: record.local_exception,
        responsible: sent.get("responsible").cloned().unwrap_or_default(),
        ..StatusView::default()
    };
    shown.status_label = record
        .status
        .map(|s| word(env.lang, s.swedish(), s.english()).to_owned())
        .unwrap_or_default();
    let view = requirements_view(&state, &user, env.lang, &item, Some((requirement_id, shown)), false).await?;
    Ok((status, page::render(&state, &env, "system_requirements.html", &view)?).into_response())
}

/// The requirements that apply to the system `system_id` of organisation `organisation_id` now: those its effective
/// levels select, less those of the controls the SoA leaves out.
pub(crate) async fn applicable_to(
    state: &AppState,
    organisation_id: i64,
    system_id: i64,
) -> Result<Vec<&lis_catalog::Requirement>, WebError> {
    let profile = system_profile(state, system_id).await?;
    let not_in_use = lis_store::soa::controls_not_in_use(&state.db, organisation_id).await?;
    Ok(state.catalog.applicable_in_use(&profile, &not_in_use))
}

/// Whether `requirement_id` applies to the system `item` now (its levels and the SoA).
pub(crate) async fn applies_to(
    state: &AppState,
    item: &inventory_item::Model,
    requirement_id: &str,
) -> Result<bool, WebError> {
    let applicable = applicable_to(state, item.organisation_id, item.id).await?;
    Ok(applicable.iter().any(|r| r.id == requirement_id))
}

/// The file and CSRF token of an evidence upload; a file over the size limit is [`EvidenceProblem::TooLarge`].
async fn evidence_upload(
    state: &AppState,
    user: &CurrentUser,
    request: axum::extract::Request,
) -> Result<Result<(String, Vec<u8>), EvidenceProblem>, WebError> {
    use axum::extract::FromRequest;
    let mut multipart = axum::extract::Multipart::from_request(request, state)
        .await
        .map_err(|e| WebError::BadForm(e.body_text()))?;
    let mut csrf = String::new();
    let mut file = Err(EvidenceProblem::Empty);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(Err(EvidenceProblem::TooLarge)),
            Err(err) => return Err(WebError::BadForm(err.body_text())),
        };
        match field.name() {
            Some("csrf_token") => csrf = field.text().await.map_err(|e| WebError::BadForm(e.body_text()))?,
            Some("file") => {
                let name = field.file_name().unwrap_or("bevis").to_owned();
                file = match field.bytes().await {
                    Ok(bytes) => Ok((name, bytes.to_vec())),
                    Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(EvidenceProblem::TooLarge),
                    Err(err) => return Err(WebError::BadForm(err.body_text())),
                };
            }
            _ => {}
        }
    }
    user.1.check_csrf(&csrf)?;
    Ok(file)
}

/// The most an evidence upload's body may hold: twice the file limit, so that a file somewhat too large is read
/// and refused by name; a body larger still is cut off and refused the same way.
pub const MAX_EVIDENCE_BODY: usize = 2 * lis_domain::evidence::MAX_BYTES;

/// `POST /items/{item}/requirements/{requirement}/evidence`: uploads an evidence file for a requirement that applies
/// to the system; a file that is too large, of a kind not taken, or not what its extension says is refused in words.
pub async fn upload_evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path((item_id, requirement_id)): Path<(i64, String)>,
    request: axum::extract::Request,
) -> Result<Response, WebError> {
    let item = system_for(&state, &user, Action::Change, item_id).await?;
    // Read only once the person may change the system.
    let upload = evidence_upload(&state, &user, request).await?;
    if !applies_to(&state, &item, &requirement_id).await? {
        let problem = lis_domain::gap::StatusProblem::RequirementDoesNotApply;
        return Err(WebError::Refused {
            sv: problem.swedish(),
            en: problem.english(),
        });
    }
    let refusal = match upload {
        Ok((name, bytes)) => {
            let txn = state.db.begin_change().await.map_err(StoreError::from)?;
            let ctx = user.change_context();
            let dir = &state.config.evidence_dir;
            match lis_store::evidence::attach(
                &txn,
                &ctx,
                item.organisation_id,
                dir,
                item.id,
                &requirement_id,
                &name,
                &bytes,
            )
            .await
            {
                Ok(_) => {
                    txn.commit().await.map_err(StoreError::from)?;
                    let to = format!("/items/{item_id}/requirements?saved=1#req-{requirement_id}");
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(StoreError::Evidence(problem)) => problem,
                Err(err) => return Err(err.into()),
            }
        }
        Err(problem) => problem,
    };
    let said = match env.lang {
        Lang::Sv => refusal.swedish(),
        Lang::En => refusal.english(),
    };
    let mut view = requirements_view(&state, &user, env.lang, &item, None, false).await?;
    for control in &mut view.controls {
        for requirement in &mut control.requirements {
            if requirement.id == requirement_id
                && let Some(status) = requirement.status.as_mut()
            {
                status.problems.push(said.clone());
            }
        }
    }
    let page = page::render(&state, &env, "system_requirements.html", &view)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// `GET /evidence/{file}`: an evidence file, as an attachment, for whoever may read its system.
pub async fn download_evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(file_id): Path<i64>,
) -> Result<Response, WebError> {
    let file = lis_store::evidence::get(&state.db, user.0.person.organisation_id, file_id).await?;
    authorized_item(&state, &user, Action::View, file.system_id).await?;
    let bytes = lis_store::evidence::read(&state.config.evidence_dir, &file).await?;
    Ok(crate::download::attachment_named(
        bytes,
        &file.content_type,
        &file.file_name,
    ))
}

/// A gap chosen for a bulk update: the system, the requirement, and the version of its status when chosen.
#[derive(Clone, Debug, Serialize)]
struct BulkGap {
    system_id: i64,
    system: String,
    requirement: String,
    version: Option<i32>,
}

#[derive(Serialize)]
struct BulkView {
    /// Where to go back to: the page the gaps were chosen on.
    back: String,
    gaps: Vec<BulkGap>,
    people: Vec<PersonChoice>,
    status: StatusView,
    statuses: Vec<Choice>,
    severities: Vec<Choice>,
    problems: Vec<String>,
}

/// The gaps `pairs` name (`gap=<system>:<requirement>`, with `version.<system>:<requirement>` when sent), each
/// on a system in use the visitor may change: refused as a whole otherwise.
async fn bulk_gaps(state: &AppState, user: &CurrentUser, pairs: &[(String, String)]) -> Result<Vec<BulkGap>, WebError> {
    let mut chosen = std::collections::BTreeSet::new();
    for (name, value) in pairs {
        if name == "gap"
            && let Some((system, requirement)) = value.split_once(':')
            && let Ok(system_id) = system.trim().parse::<i64>()
        {
            chosen.insert((system_id, requirement.trim().to_owned()));
        }
    }
    let mut gaps = Vec::new();
    for (system_id, requirement) in chosen {
        let item = system_for(state, user, Action::Change, system_id).await?;
        // The version the form was made at ("0": nothing recorded then); without one, the version now.
        let sent_version = pairs
            .iter()
            .find(|(name, _)| *name == format!("version.{system_id}:{requirement}"))
            .map(|(_, v)| v.parse::<i32>().ok().filter(|v| *v > 0));
        let version = match sent_version {
            Some(version) => version,
            None => lis_store::requirement_status::of_system(&state.db, system_id)
                .await?
                .get(&requirement)
                .map(|row| row.version),
        };
        gaps.push(BulkGap {
            system_id,
            system: item.name,
            requirement,
            version,
        });
    }
    if gaps.is_empty() {
        // Nothing chosen: the form is for those who may change systems at all.
        user.authorize(
            state,
            Action::Change,
            lis_domain::Resource::InventoryItem { responsible: false },
        )
        .await?;
    }
    Ok(gaps)
}

/// `own` (what a system records for a requirement) with the bulk form's `sent` on it: status and brist always, the
/// other fields where the form fills them in, and a local exception kept or (when the system inherits the
/// requirement) made.
fn merged(own: StatusRecord, sent: &StatusRecord, inherited: bool) -> StatusRecord {
    let text = |sent: &String, own: String| if sent.trim().is_empty() { own } else { sent.clone() };
    StatusRecord {
        status: sent.status,
        severity: sent.severity,
        how: text(&sent.how, own.how),
        justification: text(&sent.justification, own.justification),
        evidence_url: text(&sent.evidence_url, own.evidence_url),
        due: sent.due.or(own.due),
        verified: sent.verified.or(own.verified),
        responsible_person_id: sent.responsible_person_id.or(own.responsible_person_id),
        local_exception: own.local_exception || inherited,
    }
}

/// The page to go back to that `pairs` name (`back`), if it is a page of LIS; else "Mina brister".
fn bulk_back(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .find(|(name, _)| name == "back")
        .map(|(_, v)| crate::auth::safe_return_to(v))
        .filter(|back| back != "/")
        .unwrap_or_else(|| "/mine/gaps".to_owned())
}

fn bulk_view(
    (lang, user): (Lang, &CurrentUser),
    back: String,
    gaps: Vec<BulkGap>,
    (record, people): (&StatusRecord, Directory),
    problems: Vec<String>,
) -> BulkView {
    BulkView {
        back,
        gaps,
        status: record_view(lang, record, &people),
        people: people.offered_to(user),
        statuses: status_choices(lang),
        severities: severity_choices(lang),
        problems,
    }
}

/// `GET /gaps/bulk?gap=<system>:<requirement>…`: one status form for many chosen gaps (from "Mina brister" or the
/// gap report), for whoever may change every system among them.
pub async fn bulk_form(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Response, WebError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    let gaps = bulk_gaps(&state, &user, &pairs).await?;
    let problems = if gaps.is_empty() {
        vec![word(env.lang, "Välj minst en brist.", "Choose at least one gap.").to_owned()]
    } else {
        Vec::new()
    };
    let people = Directory::load(&state, user.0.person.organisation_id).await?;
    let view = bulk_view(
        (env.lang, &user),
        bulk_back(&pairs),
        gaps,
        (&StatusRecord::default(), people),
        problems,
    );
    Ok(page::render(&state, &env, "bulk_status.html", &view)?.into_response())
}

/// `POST /gaps/bulk`: records one status for every chosen gap in one transaction: all of them, or (with a
/// refusal for any) none.
pub async fn bulk_record(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let gaps = bulk_gaps(&state, &user, &pairs).await?;
    let token = pairs
        .iter()
        .find(|(n, _)| n == "csrf_token")
        .map_or("", |(_, v)| v.as_str());
    user.1.check_csrf(token)?;
    let sent: Sent = pairs.iter().cloned().collect();
    let people = Directory::load(&state, user.0.person.organisation_id).await?;
    let (record, unknown_person) = read_record(&sent, &people);
    let say = |problem: &lis_domain::gap::StatusProblem| match env.lang {
        Lang::Sv => problem.swedish(),
        Lang::En => problem.english(),
    };
    let mut problems: Vec<String> = unknown_person.iter().map(say).collect();
    if gaps.is_empty() {
        problems.push(word(env.lang, "Välj minst en brist.", "Choose at least one gap.").to_owned());
    }
    // Read before the transaction: on SQLite it holds the only connection that writes. Each gap gets the status and
    // brist sent; its other fields change only where the form fills them in; a requirement the system inherits from
    // a shared control gets a local exception.
    let organisation_id = user.0.person.organisation_id;
    let ids: Vec<i64> = gaps.iter().map(|g| g.system_id).collect();
    let inherited = lis_store::shared_controls::inherited(&state.db, organisation_id, &ids).await?;
    let mut planned = Vec::with_capacity(gaps.len());
    for gap in &gaps {
        let item = lis_store::inventory::get(&state.db, organisation_id, gap.system_id).await?;
        let applies = applies_to(&state, &item, &gap.requirement).await?;
        let own = lis_store::requirement_status::of_system(&state.db, gap.system_id)
            .await?
            .remove(&gap.requirement)
            .map(|row| lis_store::requirement_status::record_of(&row))
            .unwrap_or_default();
        let is_inherited = inherited
            .get(&gap.system_id)
            .is_some_and(|given| given.contains_key(&gap.requirement));
        planned.push((applies, merged(own, &record, is_inherited)));
    }
    let txn = state.db.begin_change().await.map_err(StoreError::from)?;
    let ctx = user.change_context();
    for (gap, (applies, record)) in gaps.iter().zip(planned) {
        if !problems.is_empty() {
            break;
        }
        let outcome = lis_store::requirement_status::record(
            &txn,
            &ctx,
            organisation_id,
            gap.system_id,
            &gap.requirement,
            applies,
            &record,
            gap.version,
        )
        .await;
        match outcome {
            Ok(_) => {}
            Err(StoreError::Status(found)) => {
                problems.extend(
                    found
                        .iter()
                        .map(|p| format!("{} {}: {}", gap.system, gap.requirement, say(p))),
                );
            }
            Err(StoreError::Conflict { .. }) => problems.push(format!(
                "{} {}: {}",
                gap.system,
                gap.requirement,
                word(
                    env.lang,
                    "någon annan har ändrat bedömningen sedan listan öppnades.",
                    "someone else changed the assessment since the list was opened."
                )
            )),
            Err(err) => return Err(err.into()),
        }
    }
    if problems.is_empty() {
        txn.commit().await.map_err(StoreError::from)?;
        return Ok(Redirect::to(&bulk_back(&pairs)).into_response());
    }
    drop(txn);
    let view = bulk_view((env.lang, &user), bulk_back(&pairs), gaps, (&record, people), problems);
    let page = page::render(&state, &env, "bulk_status.html", &view)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
