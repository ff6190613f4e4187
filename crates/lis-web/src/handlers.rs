//! The handlers, one module per area, and the page frame they share.

use axum::response::Html;
use serde::Serialize;

use crate::AppState;
use crate::i18n::Lang;

pub mod health;
pub mod home;
pub mod statics;

/// What every page's layout needs besides the page's own data.
#[derive(Serialize)]
struct Layout {
    lang: Lang,
    other_lang: Lang,
    t: &'static std::collections::BTreeMap<&'static str, &'static str>,
    demo: bool,
}

/// The context of a page template: `layout`, `page` and, for brevity in templates, the texts as `t`.
#[derive(Serialize)]
struct PageContext<'a, P: Serialize> {
    layout: &'a Layout,
    page: &'a P,
    t: &'static std::collections::BTreeMap<&'static str, &'static str>,
}

/// Renders a page template with the layout's data as `layout` and the page's as `page`.
pub fn render_page(
    state: &AppState,
    lang: Lang,
    template: &str,
    page: &impl Serialize,
) -> Result<Html<String>, minijinja::Error> {
    let layout = Layout {
        lang,
        other_lang: lang.other(),
        t: lang.messages(),
        demo: state.config.demo,
    };
    let context = PageContext {
        t: layout.t,
        layout: &layout,
        page,
    };
    let html = state.templates.render(template, &context)?;
    Ok(Html(html))
}
