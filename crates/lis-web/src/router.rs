//! Every route of LIS in one place, and the layers around them.

use axum::Router;
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get, post, put};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::api;
use crate::handlers::{
    account, action_plan, admin, api_tokens, auth, catalog, catalogues, classification, classification_io, gaps,
    health, home, information_types, inventory, inventory_io, requirements, shared_controls, soa, statics,
};
use crate::middleware::{self, REQUEST_ID_HEADER};
use crate::{AppState, WebError};

/// One route: its method and path pattern, as the authorization matrix names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteEntry {
    /// The HTTP method.
    pub method: Method,
    /// The path pattern, e.g. `/admin/people/{id}`.
    pub path: &'static str,
}

/// Builds the router and the list of its routes together, so that the list cannot miss a route.
struct Routes {
    router: Router<AppState>,
    entries: Vec<RouteEntry>,
}

impl Routes {
    fn new() -> Self {
        Self {
            router: Router::new(),
            entries: Vec::new(),
        }
    }

    fn add(mut self, method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        self.entries.push(RouteEntry { method, path });
        self.router = self.router.route(path, handler);
        self
    }
}

fn routes(demo: bool) -> Routes {
    let routes = Routes::new()
        // Pages
        .add(Method::GET, "/", get(home::home))
        .add(Method::GET, "/me", get(account::me))
        .add(Method::GET, "/mine", get(inventory::mine))
        .add(Method::GET, "/mine/gaps", get(gaps::my_gaps))
        // The gap analysis
        .add(Method::GET, "/gaps", get(gaps::report_page))
        .add(Method::GET, "/gaps/report.csv", get(gaps::report_csv))
        .add(Method::GET, "/gaps/report.xlsx", get(gaps::report_xlsx))
        .add(Method::GET, "/gaps/bulk", get(requirements::bulk_form))
        .add(Method::POST, "/gaps/bulk", post(requirements::bulk_record))
        .add(Method::GET, "/gaps/cycles", get(gaps::cycles))
        .add(Method::POST, "/gaps/cycles", post(gaps::close_cycle))
        // The handlingsplan
        .add(Method::GET, "/actions", get(action_plan::list))
        .add(Method::POST, "/actions", post(action_plan::create))
        .add(Method::GET, "/actions/new", get(action_plan::new))
        .add(Method::GET, "/actions/{action}", get(action_plan::show))
        .add(Method::POST, "/actions/{action}", post(action_plan::update))
        // Shared controls
        .add(Method::GET, "/shared-controls", get(shared_controls::list))
        .add(Method::POST, "/shared-controls", post(shared_controls::create))
        .add(Method::GET, "/shared-controls/{shared}", get(shared_controls::show))
        .add(Method::POST, "/shared-controls/{shared}", post(shared_controls::update))
        .add(
            Method::POST,
            "/shared-controls/{shared}/retire",
            post(shared_controls::retire),
        )
        .add(
            Method::POST,
            "/shared-controls/{shared}/systems",
            post(shared_controls::link),
        )
        .add(
            Method::POST,
            "/shared-controls/{shared}/systems/{system}/remove",
            post(shared_controls::unlink),
        )
        // The inventory
        .add(Method::GET, "/inventory", get(inventory::overview))
        .add(Method::GET, "/inventory/export.csv", get(inventory_io::export_csv))
        .add(Method::GET, "/inventory/export.xlsx", get(inventory_io::export_xlsx))
        .add(Method::GET, "/inventory/import", get(inventory_io::import_form))
        .add(
            Method::POST,
            "/inventory/import",
            post(inventory_io::upload).layer(axum::extract::DefaultBodyLimit::max(inventory_io::MAX_UPLOAD_BYTES)),
        )
        .add(
            Method::POST,
            "/inventory/import/{upload}/apply",
            post(inventory_io::apply),
        )
        .add(Method::GET, "/inventory/import/jobs/{job}", get(inventory_io::job))
        .add(Method::GET, "/inventory/{kind}", get(inventory::list))
        .add(Method::POST, "/inventory/{kind}", post(inventory::create))
        .add(Method::GET, "/inventory/{kind}/new", get(inventory::new_form))
        .add(Method::GET, "/items/{item}", get(inventory::show))
        .add(Method::POST, "/items/{item}", post(inventory::save))
        .add(Method::GET, "/items/{item}/edit", get(inventory::edit_form))
        .add(Method::POST, "/items/{item}/retire", post(inventory::retire))
        .add(Method::POST, "/items/{item}/relations", post(inventory::relate))
        .add(
            Method::POST,
            "/items/{item}/relations/{relation}/remove",
            post(inventory::unrelate),
        )
        // Classification
        .add(Method::GET, "/classification/review", get(classification::review))
        .add(Method::GET, "/classification/overview", get(classification::overview))
        .add(Method::GET, "/classification/model", get(classification::model))
        .add(Method::POST, "/classification/model", post(classification::save_model))
        .add(
            Method::GET,
            "/classification/export.csv",
            get(classification_io::export_csv),
        )
        .add(
            Method::GET,
            "/classification/export.xlsx",
            get(classification_io::export_xlsx),
        )
        .add(
            Method::GET,
            "/classification/import",
            get(classification_io::import_form),
        )
        .add(
            Method::POST,
            "/classification/import",
            post(classification_io::upload).layer(axum::extract::DefaultBodyLimit::max(inventory_io::MAX_UPLOAD_BYTES)),
        )
        .add(
            Method::POST,
            "/classification/import/{upload}/apply",
            post(classification_io::apply),
        )
        .add(Method::GET, "/classification/types", get(information_types::list))
        .add(Method::POST, "/classification/types", post(information_types::create))
        .add(
            Method::GET,
            "/classification/types/{type}",
            get(information_types::show),
        )
        .add(
            Method::POST,
            "/classification/types/{type}",
            post(information_types::update),
        )
        .add(
            Method::POST,
            "/classification/types/{type}/retire",
            post(information_types::retire),
        )
        .add(Method::GET, "/items/{item}/requirements", get(requirements::of_system))
        .add(
            Method::POST,
            "/items/{item}/requirements/{requirement}/evidence",
            post(requirements::upload_evidence)
                .layer(axum::extract::DefaultBodyLimit::max(requirements::MAX_EVIDENCE_BODY)),
        )
        .add(Method::GET, "/evidence/{file}", get(requirements::download_evidence))
        .add(
            Method::POST,
            "/items/{item}/requirements/{requirement}",
            post(requirements::record),
        )
        .add(Method::GET, "/items/{item}/classification", get(classification::form))
        .add(Method::POST, "/items/{item}/classification", post(classification::save))
        .add(
            Method::POST,
            "/items/{item}/classification/approve",
            post(classification::approve),
        )
        .add(
            Method::GET,
            "/items/{item}/classification/history",
            get(classification::history),
        )
        .add(
            Method::POST,
            "/items/{item}/levels/{aspect}/override",
            post(classification::set_override),
        )
        .add(
            Method::POST,
            "/items/{item}/levels/{aspect}/override/remove",
            post(classification::remove_override),
        )
        // The catalogue
        .add(Method::GET, "/catalog", get(catalog::catalog))
        .add(Method::GET, "/catalog/profile", get(catalog::profile))
        .add(Method::GET, "/catalog/procurement.csv", get(catalog::procurement_csv))
        .add(Method::GET, "/catalog/procurement.xlsx", get(catalog::procurement_xlsx))
        .add(Method::GET, "/catalogs", get(catalogues::list))
        .add(Method::GET, "/catalogs/{catalogue}", get(catalogues::show))
        .add(
            Method::POST,
            "/catalogs/{catalogue}/mapping",
            post(catalogues::save_mapping),
        )
        // The statement of applicability
        .add(Method::GET, "/soa", get(soa::list))
        .add(Method::GET, "/soa.csv", get(soa::csv))
        .add(Method::GET, "/soa.xlsx", get(soa::xlsx))
        .add(Method::GET, "/soa/{control}", get(soa::edit))
        .add(Method::POST, "/soa/{control}", post(soa::save))
        // Administration
        .add(Method::GET, "/admin/people", get(admin::people))
        .add(Method::GET, "/admin/people/{id}", get(admin::person))
        .add(Method::POST, "/admin/people/{id}/disable", post(admin::disable))
        .add(Method::POST, "/admin/people/{id}/enable", post(admin::enable))
        .add(
            Method::POST,
            "/admin/people/{id}/sessions/end",
            post(admin::end_sessions),
        )
        .add(Method::GET, "/admin/role-mapping", get(admin::role_mapping))
        .add(Method::POST, "/admin/role-mapping", post(admin::save_role_mapping))
        .add(Method::GET, "/admin/api-tokens", get(api_tokens::list))
        .add(Method::POST, "/admin/api-tokens", post(api_tokens::issue))
        .add(
            Method::POST,
            "/admin/api-tokens/{token}/revoke",
            post(api_tokens::revoke),
        )
        // The JSON API (authenticated by API tokens; see docs/authorization.md) and its OpenAPI document
        .add(Method::GET, "/api/openapi.json", get(api::openapi::serve))
        .add(Method::GET, "/api/v1/gaps", get(api::gaps::summary))
        .add(Method::GET, "/api/v1/actions", get(api::gaps::actions))
        .add(
            Method::GET,
            "/api/v1/items/{item}/requirements",
            get(api::gaps::requirements),
        )
        .add(
            Method::PUT,
            "/api/v1/items/{item}/requirements/{requirement}",
            put(api::gaps::record),
        )
        .add(Method::GET, "/api/v1/inventory/{kind}", get(api::inventory::list))
        .add(Method::POST, "/api/v1/inventory/{kind}", post(api::inventory::create))
        .add(Method::GET, "/api/v1/items/{item}", get(api::inventory::get))
        .add(Method::PUT, "/api/v1/items/{item}", put(api::inventory::update))
        .add(
            Method::POST,
            "/api/v1/items/{item}/retire",
            post(api::inventory::retire),
        )
        .add(
            Method::GET,
            "/api/v1/information-types",
            get(api::classification::information_types),
        )
        .add(
            Method::GET,
            "/api/v1/items/{item}/classification",
            get(api::classification::get),
        )
        .add(
            Method::PUT,
            "/api/v1/items/{item}/classification",
            put(api::classification::save),
        )
        .add(
            Method::POST,
            "/api/v1/items/{item}/classification/approve",
            post(api::classification::approve),
        )
        .add(
            Method::GET,
            "/api/v1/items/{item}/levels",
            get(api::classification::levels),
        )
        // Sign-in
        .add(Method::GET, "/auth/login", get(auth::login))
        .add(Method::GET, "/auth/callback", get(auth::callback))
        .add(Method::POST, "/auth/logout", post(auth::logout))
        // Probes and static files
        .add(Method::GET, "/healthz", get(health::healthz))
        .add(Method::GET, "/readyz", get(health::readyz))
        .add(Method::GET, "/static/lis.css", get(statics::stylesheet))
        .add(Method::GET, "/static/favicon.svg", get(statics::icon))
        .add(Method::GET, "/static/progress.js", get(statics::progress_script))
        .add(Method::GET, "/favicon.ico", get(statics::icon));
    if demo {
        // The demo sign-in exists only in `lis demo`: under `lis serve` these paths are not found.
        routes.add(Method::GET, "/auth/demo", get(auth::demo_page)).add(
            Method::POST,
            "/auth/demo",
            post(auth::demo_sign_in),
        )
    } else {
        routes
    }
}

/// Every route the router has for this configuration (with the demo's routes when `demo` is set).
pub fn route_table(demo: bool) -> Vec<RouteEntry> {
    routes(demo).entries
}

/// Builds the whole application: pages, administration, sign-in, probes and static files, wrapped in request ids,
/// tracing, security headers, the cross-origin check, the language cookie, the visitor and error pages.
pub fn router(state: AppState) -> Router {
    let csrf = match CsrfLayer::new().add_trusted_origin(&state.config.base_url) {
        Ok(layer) => layer,
        Err(err) => {
            tracing::warn!(error = %err, base_url = %state.config.base_url, "LIS_BASE_URL is not a usable origin");
            CsrfLayer::new()
        }
    };
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(middleware::request_span))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
        .layer(CatchPanicLayer::new())
        .layer(from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(csrf)
        .layer(from_fn_with_state(state.clone(), middleware::remember_language))
        .layer(from_fn_with_state(state.clone(), middleware::error_pages))
        .layer(from_fn_with_state(state.clone(), crate::auth::load_visitor));

    routes(state.config.demo)
        .router
        .fallback(not_found)
        .layer(layers)
        .with_state(state)
}

async fn not_found() -> WebError {
    WebError::NotFound
}
