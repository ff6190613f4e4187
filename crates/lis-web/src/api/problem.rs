//! Errors of the API as RFC 9457 problem documents (`application/problem+json`): a `type` per kind of error, a title
//! and a detail in Swedish (or English when asked for), the status, the request's path and id, and for refused
//! values the fields. Internal causes are logged, never sent.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, Uri, header};
use axum::response::IntoResponse;
use serde::Serialize;

use crate::error::{ErrorReport, FieldError, ProblemDetails};
use crate::i18n::Lang;

/// The media type of problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem document: what went wrong with an API request.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// What kind of problem, as a URI: `urn:lis:problem:not-found`, `…:unauthenticated`, `…:token-required`,
    /// `…:forbidden`, `…:no-role`, `…:invalid`, `…:conflict`, `…:bad-form`, `…:internal`, …
    #[serde(rename = "type")]
    #[schema(example = "urn:lis:problem:invalid")]
    pub problem_type: String,
    /// A short summary, in Swedish unless English was asked for (`?lang=en` or `Accept-Language: en`).
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened and what to do about it.
    pub detail: String,
    /// The path of the request.
    pub instance: String,
    /// The request's id, as in the `x-request-id` header and LIS's log.
    pub request_id: String,
    /// The refused values, each named by its field (`invalid` only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The record as it is now (a `conflict` over a stale version only): make the change again on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::api::dto::Item>)]
    pub current: Option<serde_json::Value>,
}

/// Whether a path belongs to the API.
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// The language of an API client: `?lang=`, then the language cookie, then `Accept-Language` (English when it
/// starts with `en`), else Swedish.
pub(crate) fn language(uri: &Uri, headers: &HeaderMap) -> Lang {
    Lang::from_query(uri)
        .or_else(|| Lang::from_cookie(headers))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().get(..2))
                .and_then(Lang::from_code)
        })
        .unwrap_or_default()
}

/// Whether a response is an error that no handler explained (axum's refusal of a method or of a body).
pub(crate) fn is_bare_error(response: &Response<Body>) -> bool {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    (status.is_client_error() || status.is_server_error()) && !is_problem
}

/// The report for an error that no handler explained.
pub(crate) fn bare_report(status: StatusCode) -> ErrorReport {
    let message_key = match status {
        StatusCode::NOT_FOUND => "error_not_found",
        StatusCode::METHOD_NOT_ALLOWED => "error_method_not_allowed",
        StatusCode::UNAUTHORIZED => "error_unauthenticated",
        StatusCode::FORBIDDEN => "error_forbidden",
        s if s.is_client_error() => "error_bad_form",
        _ => "error_internal",
    };
    ErrorReport {
        message_key,
        cause: None,
        details: ProblemDetails::None,
    }
}

/// A text of the API: its own wording (`api_<key>`) where the page's would not fit, else the page's.
fn text(lang: Lang, key: &str, part: &str) -> String {
    let messages = lang.messages();
    messages
        .get(format!("api_{key}_{part}").as_str())
        .or_else(|| messages.get(format!("{key}_{part}").as_str()))
        .copied()
        .unwrap_or_default()
        .to_owned()
}

/// The problem's `type` for a message key: `error_not_found` → `urn:lis:problem:not-found`.
fn problem_type(message_key: &str) -> String {
    let name = message_key.strip_prefix("error_").unwrap_or(message_key);
    format!("urn:lis:problem:{}", name.replace('_', "-"))
}

/// The problem document for an error response, keeping the response's headers (such as `WWW-Authenticate`).
pub(crate) fn render(
    lang: Lang,
    status: StatusCode,
    report: &ErrorReport,
    request_id: &str,
    instance: &str,
    mut headers: HeaderMap,
) -> Response<Body> {
    let mut problem = Problem {
        problem_type: problem_type(report.message_key),
        title: text(lang, report.message_key, "title"),
        status: status.as_u16(),
        detail: text(lang, report.message_key, "text"),
        instance: instance.to_owned(),
        request_id: request_id.to_owned(),
        errors: Vec::new(),
        current: None,
    };
    match &report.details {
        ProblemDetails::None => {}
        ProblemDetails::Errors(errors) => problem.errors = errors.clone(),
        ProblemDetails::Current(current) => problem.current = Some((**current).clone()),
        ProblemDetails::Detail(sv, en) => {
            problem.detail = match lang {
                Lang::Sv => sv.clone(),
                Lang::En => en.clone(),
            };
        }
    }
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    headers.remove(header::CONTENT_LENGTH);
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    let mut response = (status, body).into_response();
    for (name, value) in headers.iter() {
        response.headers_mut().insert(name.clone(), value.clone());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_types_are_urns_named_after_the_error() {
        assert_eq!(problem_type("error_not_found"), "urn:lis:problem:not-found");
        assert_eq!(problem_type("error_token_required"), "urn:lis:problem:token-required");
    }

    #[test]
    fn only_the_api_gets_problem_documents() {
        assert!(is_api_path("/api/v1/items/1"));
        assert!(is_api_path("/api/openapi.json"));
        assert!(!is_api_path("/apis"));
        assert!(!is_api_path("/inventory"));
    }

    #[test]
    fn every_problem_has_a_title_and_a_detail_in_both_languages() {
        for key in [
            "error_not_found",
            "error_unauthenticated",
            "error_token_required",
            "error_forbidden",
            "error_no_role",
            "error_invalid",
            "error_conflict",
            "error_bad_form",
            "error_method_not_allowed",
            "error_internal",
            "error_unavailable",
        ] {
            for lang in [Lang::Sv, Lang::En] {
                assert!(!text(lang, key, "title").is_empty(), "{key} title");
                assert!(!text(lang, key, "text").is_empty(), "{key} text");
            }
        }
    }

    #[test]
    fn api_clients_may_ask_for_english() {
        let uri: Uri = "/api/v1/items/1".parse().expect("uri");
        let mut headers = HeaderMap::new();
        assert_eq!(language(&uri, &headers), Lang::Sv);
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en-GB,en;q=0.8"));
        assert_eq!(language(&uri, &headers), Lang::En);
        let swedish: Uri = "/api/v1/items/1?lang=sv".parse().expect("uri");
        assert_eq!(language(&swedish, &headers), Lang::Sv);
    }
}
