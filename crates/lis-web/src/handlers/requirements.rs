//! The requirements a system must meet: those of the catalogue that its effective levels select, less those of the
//! measures the organisation does not use (its statement of applicability), each with why it applies. The ground of
//! the gap analysis (issue #7); recording how each is met comes next.

use axum::extract::{Path, State};
use axum::response::Html;
use lis_domain::Action;
use lis_domain::aspect::{Aspect, Profile};
use lis_domain::inventory::ItemKind;
use lis_store::StoreError;
use serde::Serialize;

use super::catalog::{ControlView, grouped};
use super::inventory::authorized_item;
use crate::auth::CurrentUser;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

/// A system's effective levels as a profile of the catalogue (an aspect without a level is at 0).
pub(crate) async fn system_profile(state: &AppState, system_id: i64) -> Result<Profile, WebError> {
    let stored = lis_store::levels::of_system(&state.db, system_id).await?;
    let level = |aspect: Aspect| {
        stored
            .get(&aspect)
            .map_or(0, |row| u8::try_from(row.effective).unwrap_or(0))
    };
    Ok(Profile::new(
        level(Aspect::K),
        level(Aspect::R),
        level(Aspect::T),
        level(Aspect::S),
    ))
}

/// How many requirements apply to `profile` in the organisation, and how many more the SoA leaves out.
pub(crate) async fn applicable_count(
    state: &AppState,
    organisation_id: i64,
    profile: &Profile,
) -> Result<(usize, usize), WebError> {
    let not_in_use = lis_store::soa::controls_not_in_use(&state.db, organisation_id).await?;
    let applicable = state.catalog.applicable_in_use(profile, &not_in_use).len();
    Ok((applicable, state.catalog.applicable(profile).len() - applicable))
}

#[derive(Serialize)]
struct RequirementsView {
    id: i64,
    name: String,
    levels: Vec<(char, u8)>,
    separate_analysis: bool,
    requirement_count: usize,
    removed_by_soa: usize,
    controls: Vec<ControlView>,
}

/// `GET /items/{item}/requirements`: the requirements a system in use must meet, and why each applies.
pub async fn of_system(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(item_id): Path<i64>,
) -> Result<Html<String>, WebError> {
    let item = authorized_item(&state, &user, Action::View, item_id).await?;
    if lis_store::inventory::kind_of(&item) != ItemKind::System || item.retired_at.is_some() {
        return Err(StoreError::NotFound {
            kind: "system",
            id: item_id.to_string(),
        }
        .into());
    }
    let profile = system_profile(&state, item.id).await?;
    let not_in_use = lis_store::soa::controls_not_in_use(&state.db, item.organisation_id).await?;
    let applicable = state.catalog.applicable_in_use(&profile, &not_in_use);
    let model = super::classification::model_of(&state, item.organisation_id).await?;
    let view = RequirementsView {
        id: item.id,
        name: item.name.clone(),
        levels: super::classification::aspects(model)
            .into_iter()
            .map(|aspect| (aspect.letter(), profile.level(aspect)))
            .collect(),
        separate_analysis: profile.needs_separate_analysis(),
        requirement_count: applicable.len(),
        removed_by_soa: state.catalog.applicable(&profile).len() - applicable.len(),
        controls: grouped(&state.catalog, env.lang, &applicable, Some(&profile)),
    };
    page::render(&state, &env, "system_requirements.html", &view)
}
