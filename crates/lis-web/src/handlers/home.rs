//! The start page: the organisation and its tree.

use axum::extract::State;
use axum::response::Html;
use lis_domain::{Action, OrgTree, Resource};
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

#[derive(Serialize)]
struct HomeView {
    organisation: String,
    unit_count: usize,
    tree: OrgTree,
}

/// `GET /`: the organisation's name and unit tree.
pub async fn home(State(state): State<AppState>, user: CurrentUser, env: PageEnv) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::Organisation).await?;
    let organisation = lis_store::organisation::get(&state.db, user.0.person.organisation_id).await?;
    let tree = lis_store::organisation::org_tree(&state.db, organisation.id).await?;
    let view = HomeView {
        organisation: organisation.name,
        unit_count: tree.len(),
        tree,
    };
    page::render(&state, &env, "home.html", &view)
}
