//! The statement of applicability: the CISO's decisions, their checks, concurrent edits, the exports, and their
//! effect on which requirements apply.

use axum::http::StatusCode;
use lis_domain::Role;
use lis_domain::aspect::Profile;
use lis_store::entity::soa_entry;
use lis_tests::{Backend, TestApp, on_both_databases};
use sea_orm::{EntityTrait, PaginatorTrait};

async fn the_ciso_takes_a_control_out_of_use_and_its_requirements_go(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let form = [
        ("in_use", "nej"),
        ("justification", "riskanalys"),
        ("text", "Ingen egen övervakning; regionens larmcentral."),
        ("version", "0"),
    ];
    let saved = app.post_form_as(&ciso, "/soa/7.4", &form).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.header("location"), "/soa?saved=7.4#control-7.4");

    let list = app.get_as(&ciso, "/soa").await;
    assert!(
        list.body.contains("regionens larmcentral") && list.body.contains("Riskanalys"),
        "{}",
        list.body
    );
    assert!(list.body.contains("1 åtgärder används inte"), "{}", list.body);

    let catalog = lis_catalog::shipped().expect("catalogue");
    let profile = Profile::new(3, 3, 3, 3);
    let of_7_4 = catalog
        .applicable(&profile)
        .iter()
        .filter(|r| r.control == "7.4")
        .count();
    assert!(of_7_4 > 0);
    let explorer = app.get_as(&ciso, "/catalog/profile?k=3&r=3&t=3&s=3").await;
    let expected = catalog.applicable(&profile).len() - of_7_4;
    assert!(
        explorer.body.contains(&format!("{expected} krav gäller")),
        "{}",
        explorer.body
    );
    assert!(
        explorer
            .body
            .contains(&format!("{of_7_4} krav hör till åtgärder som inte används")),
        "{}",
        explorer.body
    );

    let events = lis_store::audit::all_events(&app.db).await.expect("events");
    let event = events
        .iter()
        .find(|e| e.subject_kind == "soa_entry")
        .expect("an audit event");
    assert_eq!(event.subject_id, "7.4");
    assert_eq!(
        event.request_id.as_deref(),
        Some(saved.header("x-request-id")),
        "the request is named in the trail"
    );
    assert_eq!(event.after.as_ref().expect("after")["in_use"], false);
}

async fn a_decision_without_what_it_needs_is_refused(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let no_reason = app
        .post_form_as(&ciso, "/soa/5.7", &[("in_use", "nej"), ("version", "0")])
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason
            .body
            .contains("En åtgärd som inte används måste ha en motivering"),
        "{}",
        no_reason.body
    );
    let other = app
        .post_form_as(
            &ciso,
            "/soa/5.7",
            &[("in_use", "ja"), ("justification", "annat_skal"), ("version", "0")],
        )
        .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(other.body.contains("Annat skäl behöver en kommentar"), "{}", other.body);
    assert_eq!(
        soa_entry::Entity::find().count(&app.db).await.expect("count"),
        0,
        "nothing was saved"
    );
    assert_eq!(app.get_as(&ciso, "/soa/9.9").await.status, StatusCode::NOT_FOUND);
}

async fn a_stale_edit_is_refused_and_shows_what_changed(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let first = app.sign_in_as(Some(Role::Ciso)).await;
    let second = app.sign_in_as(Some(Role::Ciso)).await;
    let mine = [
        ("in_use", "ja"),
        ("justification", "rattsligt_krav"),
        ("text", "Arkivlagen."),
        ("version", "0"),
    ];
    assert_eq!(
        app.post_form_as(&first, "/soa/5.33", &mine).await.status,
        StatusCode::SEE_OTHER
    );
    let theirs = [
        ("in_use", "ja"),
        ("justification", "organisationsanalys"),
        ("text", "Vår analys."),
        ("version", "0"),
    ];
    let stale = app.post_form_as(&second, "/soa/5.33", &theirs).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale.body.contains("Någon annan har ändrat beslutet") && stale.body.contains("Arkivlagen."),
        "{}",
        stale.body
    );
    assert!(
        stale.body.contains("Vår analys."),
        "the second person's text is kept in the form"
    );
    assert!(
        stale.body.contains(r#"name="version" value="1""#),
        "saving again is possible: {}",
        stale.body
    );
    let stored = soa_entry::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("entry");
    assert_eq!((stored.text.as_str(), stored.version), ("Arkivlagen.", 1));
}

async fn the_soa_exports_open_in_a_spreadsheet(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let form = [
        ("in_use", "nej"),
        ("justification", "annat_skal"),
        ("text", "=HYPERLINK(\"http://x\") åäö"),
        ("version", "0"),
    ];
    assert_eq!(
        app.post_form_as(&ciso, "/soa/7.4", &form).await.status,
        StatusCode::SEE_OTHER
    );
    let auditor = app.sign_in_as(Some(Role::Auditor)).await;

    let csv = app.get_as(&auditor, "/soa.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-disposition").starts_with("attachment"));
    assert!(csv.body.starts_with('\u{feff}'), "UTF-8 with a byte-order mark");
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    let plain =
        "Åtgärd (ISO/IEC 27001:2022);Benämning;Tema;ISO/IEC 27001:2013;Ska användas;Motivering;Kommentar;Antal krav";
    // Those who read the whole gap analysis get each control's gap state over all systems too.
    assert_eq!(
        lines[0],
        format!("{plain};Tillämpliga krav i systemen;Uppfyllda;Täckning (%);Brister;Allvarliga brister")
    );
    let organisation_id = app.organisation_id().await;
    let systems = lis_store::gaps::systems_in_use(&app.db, organisation_id)
        .await
        .expect("systems");
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let of_5_9: usize = systems
        .iter()
        .map(|s| {
            catalog
                .applicable_in_use(&s.profile, &not_in_use)
                .iter()
                .filter(|r| r.control == "5.9")
                .count()
        })
        .sum();
    assert!(of_5_9 > 0);
    let row_5_9 = lines.iter().find(|l| l.starts_with("5.9;")).expect("the row of 5.9");
    assert!(row_5_9.ends_with(&format!(";{of_5_9};0;0;{of_5_9};0")), "{row_5_9}");
    let admin = app.sign_in_as(Some(Role::Admin)).await;
    let for_admin = app.get_as(&admin, "/soa.csv").await;
    assert_eq!(
        for_admin.body.trim_start_matches('\u{feff}').lines().next(),
        Some(plain)
    );
    assert_eq!(lines.len(), 1 + 93, "a row for every control");
    let row = lines.iter().find(|l| l.starts_with("7.4;")).expect("the row of 7.4");
    assert!(
        row.contains(";Nej;Annat skäl;\"'=HYPERLINK(\"\"http://x\"\") åäö\";"),
        "neutralised and quoted: {row}"
    );

    let xlsx = app.get_as_bytes(&auditor, "/soa.xlsx").await;
    assert!(xlsx.starts_with(b"PK"), "a workbook");
    let exports = lis_store::audit::all_events(&app.db)
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.action == "export")
        .count();
    assert_eq!(
        exports, 3,
        "every export (the auditor's two, the administrator's one) is in the audit trail"
    );
}

on_both_databases!(
    the_ciso_takes_a_control_out_of_use_and_its_requirements_go,
    a_decision_without_what_it_needs_is_refused,
    a_stale_edit_is_refused_and_shows_what_changed,
    the_soa_exports_open_in_a_spreadsheet,
);
