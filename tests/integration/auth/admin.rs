//! Administration of people, sessions and the role mapping.

use axum::http::StatusCode;
use lis_domain::{Role, RoleMapEntry};
use lis_store::entity::{org_unit, session};
use lis_tests::{Backend, TestApp, on_both_databases};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn sessions_of(app: &TestApp, person_id: i64) -> u64 {
    session::Entity::find()
        .filter(session::Column::PersonId.eq(person_id))
        .count(&app.db)
        .await
        .expect("count")
}

async fn an_administrator_lists_people_and_ends_their_sessions(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let admin = app.sign_in_as(Some(Role::Admin)).await;
    let other = app.sign_in_as(Some(Role::It)).await;
    app.session_for(other.person_id).await;
    let list = app.get_as(&admin, "/admin/people").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("Test it") && list.body.contains("Karin Lindqvist"),
        "{}",
        list.body
    );
    let detail = app.get_as(&admin, &format!("/admin/people/{}", other.person_id)).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.body.contains("Avsluta alla sessioner"), "{}", detail.body);
    assert_eq!(sessions_of(&app, other.person_id).await, 2);

    let ended = app
        .post_form_as(&admin, &format!("/admin/people/{}/sessions/end", other.person_id), &[])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert_eq!(sessions_of(&app, other.person_id).await, 0);
    assert_eq!(
        app.get_as(&other, "/").await.status,
        StatusCode::SEE_OTHER,
        "their cookie no longer works"
    );
    assert_eq!(
        app.get_as(&admin, "/").await.status,
        StatusCode::OK,
        "the administrator's own session lives on"
    );
}

async fn disabling_a_person_ends_their_sessions_and_refuses_them(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let admin = app.sign_in_as(Some(Role::Admin)).await;
    let other = app.sign_in_as(Some(Role::Ciso)).await;
    let disabled = app
        .post_form_as(&admin, &format!("/admin/people/{}/disable", other.person_id), &[])
        .await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    assert_eq!(sessions_of(&app, other.person_id).await, 0);
    assert_eq!(app.get_as(&other, "/").await.status, StatusCode::SEE_OTHER);
    let again = app.session_for(other.person_id).await;
    assert_eq!(
        app.get_as(&again, "/").await.status,
        StatusCode::SEE_OTHER,
        "a disabled person's session is refused"
    );

    let own = app
        .post_form_as(&admin, &format!("/admin/people/{}/disable", admin.person_id), &[])
        .await;
    assert_eq!(
        own.status,
        StatusCode::CONFLICT,
        "an administrator cannot lock themselves out"
    );
    assert_eq!(app.get_as(&admin, "/").await.status, StatusCode::OK);

    let enabled = app
        .post_form_as(&admin, &format!("/admin/people/{}/enable", other.person_id), &[])
        .await;
    assert_eq!(enabled.status, StatusCode::SEE_OTHER);
    let back = app.session_for(other.person_id).await;
    assert_eq!(app.get_as(&back, "/").await.status, StatusCode::OK);
}

async fn the_role_mapping_is_edited_with_every_problem_named(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let admin = app.sign_in_as(Some(Role::Admin)).await;
    let organisation = app.organisation_id().await;

    let bad = app
        .post_form_as(
            &admin,
            "/admin/role-mapping",
            &[("mapping", "lis-admins=admin\nlis-x=root\nnoequals")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Rollmappningen sparades inte"), "{}", bad.body);
    assert!(
        bad.body.contains("Rad 2") && bad.body.contains("okänd roll"),
        "{}",
        bad.body
    );
    assert!(
        bad.body.contains("Rad 3") && bad.body.contains("skriv som grupp=roll"),
        "{}",
        bad.body
    );
    assert!(
        bad.body.contains("lis-x=root"),
        "the text is kept in the form: {}",
        bad.body
    );
    assert!(
        lis_store::role_mapping::entries(&app.db, organisation)
            .await
            .expect("entries")
            .is_empty()
    );

    let good = app
        .post_form_as(
            &admin,
            "/admin/role-mapping",
            &[("mapping", "lis-admins=admin\nlis-ciso=ciso")],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let saved = lis_store::role_mapping::entries(&app.db, organisation)
        .await
        .expect("entries");
    let expected = vec![
        RoleMapEntry {
            group: "lis-admins".into(),
            role: Role::Admin,
            org_unit_id: None,
        },
        RoleMapEntry {
            group: "lis-ciso".into(),
            role: Role::Ciso,
            org_unit_id: None,
        },
    ];
    assert_eq!(saved, expected);
    let page = app.get_as(&admin, "/admin/role-mapping?saved=1").await;
    assert!(
        page.body.contains("Rollmappningen är sparad") && page.body.contains("lis-ciso=ciso"),
        "{}",
        page.body
    );
}

async fn denied_requests_are_audited(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let response = app.get_as(&it, "/admin/people").await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert!(response.body.contains("Du saknar behörighet"), "{}", response.body);
    let events = lis_store::audit::all_events(&app.db).await.expect("events");
    let denied = events
        .iter()
        .find(|e| e.action == "access_denied")
        .expect("an access_denied event");
    assert_eq!(denied.actor_person_id, Some(it.person_id));
    assert_eq!(denied.subject_id, "people");
    assert_eq!(denied.request_id.as_deref(), Some(response.header("x-request-id")));
}

async fn a_role_can_be_limited_to_an_org_unit(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let admin = app.sign_in_as(Some(Role::Admin)).await;
    let organisation = app.organisation_id().await;
    let sektor = org_unit::Entity::find()
        .filter(org_unit::Column::Name.eq("Sektor utbildning"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("the unit");
    let page = app.get_as(&admin, "/admin/role-mapping").await;
    assert!(
        page.body.contains(&format!("<code>{}</code>", sektor.id)),
        "the page lists the units' ids"
    );

    let unknown = app
        .post_form_as(&admin, "/admin/role-mapping", &[("mapping", "it-skola=it@999999")])
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown
            .body
            .contains("det finns ingen organisatorisk enhet med det id:t"),
        "{}",
        unknown.body
    );

    let scoped = format!("it-skola=it@{}\nalla-it=it", sektor.id);
    let saved = app
        .post_form_as(&admin, "/admin/role-mapping", &[("mapping", scoped.as_str())])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let entries = lis_store::role_mapping::entries(&app.db, organisation)
        .await
        .expect("entries");
    assert_eq!(
        entries[0],
        RoleMapEntry {
            group: "it-skola".into(),
            role: Role::It,
            org_unit_id: Some(sektor.id)
        }
    );
    let page = app.get_as(&admin, "/admin/role-mapping").await;
    assert!(
        page.body.contains(&format!("it-skola=it@{}", sektor.id)),
        "{}",
        page.body
    );
}

on_both_databases!(
    a_role_can_be_limited_to_an_org_unit,
    an_administrator_lists_people_and_ends_their_sessions,
    disabling_a_person_ends_their_sessions_and_refuses_them,
    the_role_mapping_is_edited_with_every_problem_named,
    denied_requests_are_audited,
);
