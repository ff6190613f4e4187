//! Every write leaves an audit event in its own transaction; a failure halfway leaves neither change nor event.

use lis_store::entity::{audit_event, org_unit, organisation};
use lis_tests::{Backend, TestApp, on_both_databases};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

async fn the_demo_loader_audits_every_write(backend: Backend) {
    let app = TestApp::new(backend).await;
    let summary = lis_store::demo::load(&app.db, &lis_store::demo::exempelkommun())
        .await
        .expect("load");

    let units = org_unit::Entity::find().all(&app.db).await.expect("units");
    let events = lis_store::audit::all_events(&app.db).await.expect("events");
    assert_eq!(units.len(), summary.units);
    assert_eq!(
        events.len(),
        1 + units.len(),
        "one event for the organisation and one per unit"
    );

    let org_event = &events[0];
    assert_eq!(
        (org_event.subject_kind.as_str(), org_event.subject_id.clone()),
        ("organisation", summary.organisation_id.to_string())
    );
    for unit in &units {
        let event = events
            .iter()
            .find(|e| e.subject_kind == "org_unit" && e.subject_id == unit.id.to_string())
            .unwrap_or_else(|| panic!("no audit event for unit {} {}", unit.id, unit.name));
        assert_eq!(event.action, "create");
        assert_eq!(event.actor, "system:demo");
        assert_eq!(event.actor_person_id, None);
        assert_eq!(event.organisation_id, Some(summary.organisation_id));
        assert!(event.before.is_none());
        let after = event.after.as_ref().expect("state after");
        assert_eq!(after["name"], unit.name.as_str());
        assert_eq!(after["parent_id"], serde_json::json!(unit.parent_id));
    }
}

/// Plants a trigger that makes inserting the unit named `name` fail inside the database.
async fn plant_failing_insert(db: &impl ConnectionTrait, backend: Backend, name: &str) {
    let statements = match backend {
        Backend::Sqlite => vec![format!(
            "CREATE TRIGGER planted_failure BEFORE INSERT ON org_unit WHEN NEW.name = '{name}' \
             BEGIN SELECT RAISE(ABORT, 'planted failure'); END"
        )],
        Backend::Postgres => vec![
            format!(
                "CREATE FUNCTION planted_failure() RETURNS trigger AS $$ BEGIN \
                 IF NEW.name = '{name}' THEN RAISE EXCEPTION 'planted failure'; END IF; RETURN NEW; END $$ \
                 LANGUAGE plpgsql"
            ),
            "CREATE TRIGGER planted_failure BEFORE INSERT ON org_unit FOR EACH ROW EXECUTE FUNCTION planted_failure()"
                .to_owned(),
        ],
    };
    for sql in statements {
        db.execute_unprepared(&sql).await.expect("plant the failure");
    }
}

async fn a_write_failing_halfway_leaves_neither_change_nor_event(backend: Backend) {
    let app = TestApp::new(backend).await;
    // Socialnämnden comes after Kommunfullmäktige, Kommunstyrelsen and its whole subtree, and more.
    plant_failing_insert(&app.db, backend, "Socialnämnden").await;

    let err = lis_store::demo::load(&app.db, &lis_store::demo::exempelkommun())
        .await
        .expect_err("fails halfway");
    assert!(err.to_string().contains("planted failure"), "{err}");

    assert_eq!(organisation::Entity::find().count(&app.db).await.expect("count"), 0);
    assert_eq!(org_unit::Entity::find().count(&app.db).await.expect("count"), 0);
    assert_eq!(audit_event::Entity::find().count(&app.db).await.expect("count"), 0);

    // The failure was real and halfway: without the trigger the same plan loads, with units before Socialnämnden.
    let remove = match backend {
        Backend::Sqlite => "DROP TRIGGER planted_failure",
        Backend::Postgres => "DROP TRIGGER planted_failure ON org_unit",
    };
    app.db
        .execute_unprepared(remove)
        .await
        .expect("remove the planted failure");
    let summary = lis_store::demo::load(&app.db, &lis_store::demo::exempelkommun())
        .await
        .expect("loads");
    assert!(summary.units > 20);
}

async fn a_refused_name_halfway_leaves_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut plan = lis_store::demo::exempelkommun();
    plan.units[0].children[2].name = "   ".to_owned();
    let err = lis_store::demo::load(&app.db, &plan).await.expect_err("refused");
    assert!(matches!(err, lis_store::StoreError::InvalidName { .. }), "{err}");
    assert_eq!(org_unit::Entity::find().count(&app.db).await.expect("count"), 0);
    assert_eq!(audit_event::Entity::find().count(&app.db).await.expect("count"), 0);
}

on_both_databases!(
    the_demo_loader_audits_every_write,
    a_write_failing_halfway_leaves_neither_change_nor_event,
    a_refused_name_halfway_leaves_nothing,
);
