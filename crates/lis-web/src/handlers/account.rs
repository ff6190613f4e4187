//! `GET /me`: the signed-in person's own account, reachable with or without a role.

use axum::extract::State;
use axum::response::Html;
use lis_domain::{Action, Resource, Role};
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

#[derive(Serialize)]
struct AccountView {
    name: String,
    email: Option<String>,
    issuer: String,
    roles: Vec<Role>,
    administrators: Vec<String>,
}

/// `GET /me`.
pub async fn me(State(state): State<AppState>, user: CurrentUser, env: PageEnv) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::OwnAccount).await?;
    let person = &user.0.person;
    let mut roles: Vec<Role> = user.0.principal.grants.iter().map(|g| g.role).collect();
    roles.sort();
    roles.dedup();
    let view = AccountView {
        name: person.display_name.clone(),
        email: person.email.clone(),
        issuer: person.oidc_issuer.clone(),
        administrators: lis_store::people::administrators(&state.db, person.organisation_id).await?,
        roles,
    };
    page::render(&state, &env, "account.html", &view)
}
