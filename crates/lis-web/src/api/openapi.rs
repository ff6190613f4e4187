//! The API's OpenAPI document, generated from the handlers' and types' annotations (utoipa) and served at
//! `GET /api/openapi.json`. A test checks that its paths are exactly the router's `/api/v1` routes.

use std::sync::OnceLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::dto;
use super::problem::Problem;
use super::{classification, gaps, inventory};
use crate::error::FieldError;

/// The description at the top of the document.
const DESCRIPTION: &str =
    "LIS's JSON API for the inventory of förvaltningsobjekt, systems and informationsmängder, their
classification, and the gap analysis.

Authenticate with an API token that an administrator issues under Administration › API tokens
(`Authorization: Bearer lis_…`). A token holds one role for the whole organisation and is asked the same
authorization function as the pages: `auditor` reads, `admin`, `ciso` and `it` also change. A signed-in browser
session may read through the API but not change data.

Errors are RFC 9457 problem documents (`application/problem+json`), in Swedish unless `?lang=en` or
`Accept-Language: en` asks for English. Refused values are listed in `errors`, each with its field.
Changes name the version they were made to; a newer version saved in between gives 409 with the record as it is now.";

/// Adds the bearer-token scheme the operations name.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("lis_ followed by 43 base64url characters")
                    .description(Some("An API token issued by an administrator of LIS."))
                    .build(),
            ),
        );
    }
}

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "LIS API", description = DESCRIPTION),
    paths(
        inventory::list,
        inventory::create,
        inventory::get,
        inventory::update,
        inventory::retire,
        classification::get,
        classification::save,
        classification::approve,
        classification::levels,
        classification::information_types,
        gaps::summary,
        gaps::requirements,
        gaps::record,
        gaps::actions,
    ),
    components(schemas(
        dto::Item,
        dto::ItemPage,
        dto::ItemProperties,
        dto::ItemReferences,
        dto::ItemRelation,
        dto::ItemRef,
        dto::UnitRef,
        dto::PersonRef,
        dto::Direction,
        dto::ItemChange,
        dto::VersionSeen,
        dto::KindValue,
        dto::HostingValue,
        dto::LifecycleValue,
        dto::RelationKindValue,
        classification::ItemClassification,
        classification::ClassificationVersion,
        classification::DraftInput,
        classification::SystemLevel,
        classification::InformationType,
        gaps::GapCounts,
        gaps::GapChange,
        gaps::GapPart,
        gaps::GapSummary,
        gaps::RequirementState,
        gaps::StatusInput,
        gaps::GapRef,
        gaps::PlanAction,
        Problem,
        FieldError,
    )),
    modifiers(&BearerToken),
    tags(
        (name = "inventory", description = "Förvaltningsobjekt, systems and informationsmängder, and their relations."),
        (name = "classification", description = "Informationsmängder's classifications and systems' levels by the maximum principle."),
        (name = "gaps", description = "Requirements per system and how they are met, the gap analysis, and the handlingsplan.")
    )
)]
pub struct ApiDoc;

/// The document as pretty-printed JSON.
pub fn document_json() -> String {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT
        .get_or_init(|| {
            ApiDoc::openapi().to_pretty_json().unwrap_or_else(|err| {
                tracing::error!(error = %err, "could not write the OpenAPI document");
                String::from("{}")
            })
        })
        .clone()
}

/// `GET /api/openapi.json`: the OpenAPI document (public: it describes the API, not the data).
pub async fn serve() -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        document_json(),
    )
        .into_response()
}
