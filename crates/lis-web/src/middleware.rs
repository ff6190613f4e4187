//! The layers every request passes through: request ids and tracing, security headers, the language cookie and
//! error pages.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Response, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse};
use serde::Serialize;
use tracing::Span;

use crate::AppState;
use crate::auth::Visitor;
use crate::error::ErrorReport;
use crate::i18n::{LANG_COOKIE, Lang};
use crate::page::PageEnv;

/// The header that carries the request id, set on the way in and returned on the way out.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The Content Security Policy: everything from LIS's own origin, no inline script or style, no framing. Forms may
/// also lead to the identity provider's origin, since signing out continues at its end-session endpoint.
pub fn content_security_policy(identity_provider_origin: Option<&str>) -> HeaderValue {
    let form_action = match identity_provider_origin {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".to_owned(),
    };
    let policy = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; \
         base-uri 'none'; form-action {form_action}; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy).unwrap_or_else(|_| {
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        )
    })
}

/// The span of one request: method, path (never the query string, which may carry codes or tokens) and request id.
pub fn request_span(request: &Request) -> Span {
    let request_id = request
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %request_id)
}

/// Adds the security headers to every response and, unless a handler chose otherwise, forbids caching: pages of
/// LIS hold information that must not linger in shared caches.
pub async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response<Body> {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, state.content_security_policy.clone());
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if state.config.is_https() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Keeps a language chosen with `?lang=` in a cookie for a year.
pub async fn remember_language(State(state): State<AppState>, request: Request, next: Next) -> Response<Body> {
    let chosen = Lang::from_query(request.uri());
    let mut response = next.run(request).await;
    if let Some(lang) = chosen {
        let secure = if state.config.is_https() { "; Secure" } else { "" };
        let cookie = format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
            lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[derive(Serialize)]
struct ErrorView<'a> {
    status: u16,
    title: &'a str,
    text: &'a str,
    request_id: &'a str,
    administrators: Vec<String>,
    /// Why a command was refused, in the page's language, when the refusal says.
    detail: Option<&'a str>,
}

/// Turns an error response from a handler into a page in the person's language that names the request id (under
/// `/api`: a problem document), and logs the cause once, here.
pub async fn error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response<Body> {
    let lang = Lang::of_request(request.uri(), request.headers());
    let request_id = request
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let api = crate::api::problem::is_api_path(request.uri().path()).then(|| {
        (
            crate::api::problem::language(request.uri(), request.headers()),
            request.uri().path().to_owned(),
        )
    });
    let response = next.run(request).await;
    let report = match response.extensions().get::<ErrorReport>().cloned() {
        Some(report) => report,
        // Under /api even axum's own refusals (a method the route lacks, a body too large) are problem documents.
        None if api.is_some() && crate::api::problem::is_bare_error(&response) => {
            crate::api::problem::bare_report(response.status())
        }
        None => return response,
    };
    let status = response.status();
    let env = PageEnv {
        lang,
        visitor: response.extensions().get::<Visitor>().cloned().unwrap_or_default(),
    };
    match &report.cause {
        Some(cause) if status.is_server_error() => tracing::error!(%status, %cause, "request failed"),
        Some(cause) => tracing::warn!(%status, %cause, "request refused"),
        None => tracing::debug!(%status, "request refused"),
    }
    if let Some((lang, instance)) = api {
        let (parts, _) = response.into_parts();
        return crate::api::problem::render(lang, status, &report, &request_id, &instance, parts.headers);
    }
    let messages = env.lang.messages();
    // A refusal that says why is titled as one, not as someone else's change.
    let title_key = match report.details {
        crate::error::ProblemDetails::Detail(..) => "error_refused_title".to_owned(),
        _ => format!("{}_title", report.message_key),
    };
    let title = messages.get(title_key.as_str()).copied().unwrap_or_default();
    let text = messages
        .get(format!("{}_text", report.message_key).as_str())
        .copied()
        .unwrap_or_default();
    // A person without a role is told whom to ask.
    let administrators = match (&env.visitor.signed_in, report.message_key) {
        (Some(signed_in), "error_no_role") => {
            lis_store::people::administrators(&state.db, signed_in.person.organisation_id)
                .await
                .unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let view = ErrorView {
        status: status.as_u16(),
        title,
        text,
        request_id: &request_id,
        administrators,
        detail: match (&report.details, env.lang) {
            (crate::error::ProblemDetails::Detail(sv, _), crate::i18n::Lang::Sv) => Some(sv.as_str()),
            (crate::error::ProblemDetails::Detail(_, en), crate::i18n::Lang::En) => Some(en.as_str()),
            _ => None,
        },
    };
    match crate::page::render(&state, &env, "error.html", &view) {
        Ok(html) => (status, html).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "could not render the error page");
            (
                status,
                Html(format!("<!doctype html><title>{status}</title><p>{status}</p>")),
            )
                .into_response()
        }
    }
}
