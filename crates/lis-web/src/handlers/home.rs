//! The start page: the organisation and its tree.

use axum::extract::State;
use axum::response::Html;
use lis_domain::OrgTree;
use serde::Serialize;

use crate::i18n::Lang;
use crate::{AppState, WebError};

#[derive(Serialize)]
struct HomeView {
    organisation: Option<String>,
    unit_count: usize,
    tree: OrgTree,
}

/// `GET /`: the organisation's name and unit tree.
pub async fn home(State(state): State<AppState>, lang: Lang) -> Result<Html<String>, WebError> {
    let view = match lis_store::organisation::primary_organisation(&state.db).await? {
        Some(org) => {
            let tree = lis_store::organisation::org_tree(&state.db, org.id).await?;
            HomeView {
                organisation: Some(org.name),
                unit_count: tree.len(),
                tree,
            }
        }
        None => HomeView {
            organisation: None,
            unit_count: 0,
            tree: OrgTree::default(),
        },
    };
    super::render_page(&state, lang, "home.html", &view).map_err(|e| WebError::Internal(format!("{e:#}")))
}
