//! Rendering a page: the layout's data (language, the signed-in person, the CSRF token, the menu) and the page's.

use std::collections::BTreeMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Html;
use lis_domain::{Action, Resource, Role};
use serde::Serialize;

use crate::auth::Visitor;
use crate::i18n::Lang;
use crate::{AppState, WebError};

/// The language and the visitor of a request: what every page needs to render its frame.
#[derive(Clone, Debug)]
pub struct PageEnv {
    /// The language to render in.
    pub lang: Lang,
    /// Who is asking.
    pub visitor: Visitor,
}

impl<S: Send + Sync> FromRequestParts<S> for PageEnv {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = Lang::from_request_parts(parts, state).await?;
        let visitor = Visitor::from_request_parts(parts, state).await?;
        Ok(Self { lang, visitor })
    }
}

#[derive(Serialize)]
struct UserView<'a> {
    id: i64,
    name: &'a str,
    roles: Vec<Role>,
}

#[derive(Serialize)]
struct MenuView {
    catalog: bool,
    inventory: bool,
    mine: bool,
    gaps: bool,
    people: bool,
    role_mapping: bool,
    api_tokens: bool,
}

#[derive(Serialize)]
struct Layout<'a> {
    lang: Lang,
    other_lang: Lang,
    demo: bool,
    user: Option<UserView<'a>>,
    csrf_token: Option<&'a str>,
    menu: MenuView,
}

#[derive(Serialize)]
struct PageContext<'a, P: Serialize> {
    layout: Layout<'a>,
    page: &'a P,
    t: &'static BTreeMap<&'static str, &'static str>,
}

/// Renders `template` with the layout's data as `layout`, the page's as `page` and the texts as `t`.
pub fn render(
    state: &AppState,
    env: &PageEnv,
    template: &str,
    page: &impl Serialize,
) -> Result<Html<String>, WebError> {
    let signed_in = env.visitor.signed_in.as_ref();
    let may_view =
        |resource| signed_in.is_some_and(|s| lis_domain::authorize(&s.principal, Action::View, resource).is_ok());
    let layout = Layout {
        lang: env.lang,
        other_lang: env.lang.other(),
        demo: state.config.demo,
        user: signed_in.map(|s| {
            let mut roles: Vec<Role> = s.principal.grants.iter().map(|g| g.role).collect();
            roles.sort();
            roles.dedup();
            UserView {
                id: s.person.id,
                name: &s.person.display_name,
                roles,
            }
        }),
        csrf_token: env.visitor.csrf_token(),
        menu: MenuView {
            catalog: may_view(Resource::Catalog),
            inventory: may_view(Resource::Inventory),
            mine: signed_in.is_some(),
            gaps: may_view(Resource::WHOLE_GAP_REPORT)
                || may_view(Resource::GapReport {
                    own: false,
                    in_role_unit: true,
                }),
            people: may_view(Resource::People),
            role_mapping: may_view(Resource::RoleMapping),
            api_tokens: may_view(Resource::ApiTokens),
        },
    };
    let context = PageContext {
        layout,
        page,
        t: env.lang.messages(),
    };
    state
        .templates
        .render(template, &context)
        .map(Html)
        .map_err(|e| WebError::Internal(format!("rendering {template}: {e:#}")))
}
