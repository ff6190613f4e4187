//! The gap analysis through the API: a system's requirements and recording a status (with the same rules and
//! refusals as the page, field by field), the gap counts, and the handlingsplan; tokens by role. On both databases.

use axum::http::{Method, StatusCode};
use lis_domain::Role;
use lis_domain::aspect::Profile;
use lis_store::inventory::ItemFields;
use lis_tests::{Backend, TestApp, on_both_databases};
use serde_json::{Value, json};

use crate::gap_report::{object_of, unit_named};
use crate::requirements::system_with;

fn fields_of(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn requirements_and_gaps_are_read_and_recorded_through_the_api(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let owner = app.sign_in_as(None).await;
    let (_, it) = app.issue_token(ciso.person_id, Role::It).await;
    let (_, auditor) = app.issue_token(ciso.person_id, Role::Auditor).await;
    let (_, admin) = app.issue_token(ciso.person_id, Role::Admin).await;
    let organisation_id = app.organisation_id().await;
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let unit = unit_named(&app, "Barn och unga").await;
    let object = object_of(&app, ciso.person_id, "API-objekt", unit, owner.person_id).await;
    let fields = ItemFields {
        name: "API-system".to_owned(),
        parent_id: Some(object),
        ..ItemFields::default()
    };
    let system = system_with(&app, ciso.person_id, [1, 1, 1, 1], fields).await;
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");
    let applicable = catalog.applicable_in_use(&Profile::new(1, 1, 1, 1), &not_in_use);
    let not_applying = catalog
        .requirements
        .iter()
        .find(|r| !applicable.iter().any(|a| a.id == r.id))
        .expect("a requirement that needs a higher level");

    // Every applicable requirement, not assessed yet.
    let listed = app
        .api(
            Method::GET,
            &format!("/api/v1/items/{system}/requirements"),
            Some(&auditor),
            None,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let states = listed.json();
    let ids: Vec<&str> = states
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|s| s["requirement"].as_str())
        .collect();
    assert_eq!(ids, applicable.iter().map(|r| r.id.as_str()).collect::<Vec<_>>());
    assert!(
        states
            .as_array()
            .expect("a list")
            .iter()
            .all(|s| s["status"] == "ej_bedomd" && s["gap"] == true)
    );

    // Bad input is refused field by field and nothing is written.
    let uri = format!("/api/v1/items/{system}/requirements/{}", applicable[0].id);
    let put = async |token: &str, uri: &str, body: Value| app.api(Method::PUT, uri, Some(token), Some(body)).await;
    let unknown = put(&it, &uri, json!({ "status": "klart", "severity": "lite" })).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.body);
    assert_eq!(fields_of(&unknown.json()), ["status", "severity"]);
    let unjustified = put(
        &it,
        &uri,
        json!({ "status": "ej_tillampligt", "evidence_url": "ftp://x" }),
    )
    .await;
    assert_eq!(fields_of(&unjustified.json()), ["justification", "evidence_url"]);
    let elsewhere = format!("/api/v1/items/{system}/requirements/{}", not_applying.id);
    let not_applies = put(&it, &elsewhere, json!({ "status": "uppfyllt" })).await;
    assert_eq!(fields_of(&not_applies.json()), ["requirement"]);
    assert!(
        lis_store::requirement_status::of_system(&app.db, system)
            .await
            .expect("rows")
            .is_empty(),
        "nothing was written"
    );
    let refused = put(&auditor, &uri, json!({ "status": "uppfyllt" })).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // A good status, then a stale one.
    let saved = put(
        &it,
        &uri,
        json!({ "status": "uppfyllt", "severity": "mattlig", "how": "Granskas kvartalsvis.", "due": "2026-01-31" }),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let state = saved.json();
    assert_eq!(
        (
            state["status"].as_str(),
            state["gap"].as_bool(),
            state["version"].as_i64()
        ),
        (Some("uppfyllt"), Some(true), Some(1))
    );
    let stale = put(&it, &uri, json!({ "status": "ej_uppfyllt" })).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let second = format!("/api/v1/items/{system}/requirements/{}", applicable[1].id);
    assert_eq!(
        put(&it, &second, json!({ "status": "uppfyllt" })).await.status,
        StatusCode::OK
    );

    // The gap counts for the objektsägare's objects, and who may read them.
    let summary = app
        .api(
            Method::GET,
            &format!("/api/v1/gaps?owner={}", owner.person_id),
            Some(&auditor),
            None,
        )
        .await;
    assert_eq!(summary.status, StatusCode::OK, "{}", summary.body);
    let summary = summary.json();
    assert_eq!(summary["systems"], 1);
    assert_eq!(summary["whole"]["applicable"], applicable.len());
    assert_eq!(summary["whole"]["met"], 1);
    assert_eq!(summary["whole"]["by_severity"], json!([0, 1, 0, 0]));
    assert_eq!(summary["whole"]["overdue"], 1);
    assert_eq!(summary["by_unit"][0]["name"], "Socialnämnden");
    assert_eq!(summary["by_measure"].as_array().map(Vec::len), Some(10));
    assert_eq!(
        app.api(Method::GET, "/api/v1/gaps", Some(&admin), None).await.status,
        StatusCode::FORBIDDEN
    );
    let own = app
        .request(
            axum::http::Request::builder()
                .uri(format!("/api/v1/gaps?owner={}", owner.person_id))
                .header(axum::http::header::COOKIE, &owner.cookie)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(
        own.status,
        StatusCode::OK,
        "the objektsägare reads their own: {}",
        own.body
    );

    // The handlingsplan.
    let created = app
        .post_form_as(
            &owner,
            "/actions",
            &[
                ("gap", &format!("{system}:{}", applicable[0].id)),
                ("activity", "Åtgärda bristen"),
                ("end", "2026-02-01"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let plan = app.api(Method::GET, "/api/v1/actions", Some(&it), None).await;
    assert_eq!(plan.status, StatusCode::OK, "{}", plan.body);
    let plan = plan.json();
    assert_eq!(plan[0]["activity"], "Åtgärda bristen");
    assert_eq!(plan[0]["overdue"], true);
    assert_eq!(
        plan[0]["gaps"],
        json!([{ "system": system, "requirement": applicable[0].id }])
    );
}

on_both_databases!(requirements_and_gaps_are_read_and_recorded_through_the_api);
