//! Every write leaves an audit event in its own transaction; a failure halfway leaves neither change nor event.

use lis_store::entity::{
    audit_event, inventory_item, inventory_relation, org_unit, organisation, person, role_assignment,
};
use lis_tests::{Backend, TestApp, on_both_databases};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

async fn the_demo_loader_audits_every_write(backend: Backend) {
    let app = TestApp::new(backend).await;
    let summary = lis_store::demo::load(&app.db, &lis_store::demo::exempelkommun())
        .await
        .expect("load");

    let units = org_unit::Entity::find().all(&app.db).await.expect("units");
    let people = person::Entity::find().all(&app.db).await.expect("people");
    let grants = role_assignment::Entity::find().all(&app.db).await.expect("grants");
    // The application registered the built-in catalogue when it started; the loader's events are the rest.
    let events: Vec<_> = lis_store::audit::all_events(&app.db)
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.subject_kind != "catalogue_version")
        .collect();
    let items = inventory_item::Entity::find().count(&app.db).await.expect("items");
    let relations = inventory_relation::Entity::find()
        .count(&app.db)
        .await
        .expect("relations");
    let owners = lis_store::demo::DEMO_OWNERS.lines().skip(1).count();
    assert_eq!(units.len(), summary.units);
    assert_eq!(people.len(), lis_store::demo::DEMO_PEOPLE.len() + owners);
    assert_eq!(grants.len(), 4, "one role for each demo person but the one without");
    assert!(items > 250 && relations > 250, "{items} records, {relations} relations");
    assert_eq!(
        events.len() as u64,
        1 + (units.len() + people.len() + grants.len()) as u64 + items + relations,
        "one event per written row"
    );
    assert!(
        events
            .iter()
            .all(|e| e.actor == "system:demo" && e.action == "create" && e.before.is_none())
    );
    assert!(
        events
            .iter()
            .all(|e| e.organisation_id == Some(summary.organisation_id))
    );

    let event_for = |kind: &str, id: i64| {
        events
            .iter()
            .find(|e| e.subject_kind == kind && e.subject_id == id.to_string())
            .unwrap_or_else(|| panic!("no audit event for {kind} {id}"))
    };
    assert_eq!(
        event_for("organisation", summary.organisation_id)
            .after
            .as_ref()
            .expect("after")["name"],
        "Exempelkommun"
    );
    for unit in &units {
        let after = event_for("org_unit", unit.id).after.clone().expect("state after");
        assert_eq!(after["name"], unit.name.as_str());
        assert_eq!(after["parent_id"], serde_json::json!(unit.parent_id));
    }
    for person in &people {
        assert_eq!(
            event_for("person", person.id).after.as_ref().expect("after")["display_name"],
            person.display_name.as_str()
        );
    }
    for grant in &grants {
        assert_eq!(
            event_for("person_roles", grant.person_id)
                .after
                .as_ref()
                .expect("after")["role"],
            grant.role.as_str()
        );
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
    let events_at_start = audit_event::Entity::find().count(&app.db).await.expect("count");
    // Socialnämnden comes after Kommunfullmäktige, Kommunstyrelsen and its whole subtree, and more.
    plant_failing_insert(&app.db, backend, "Socialnämnden").await;

    let err = lis_store::demo::load(&app.db, &lis_store::demo::exempelkommun())
        .await
        .expect_err("fails halfway");
    assert!(err.to_string().contains("planted failure"), "{err}");

    assert_eq!(organisation::Entity::find().count(&app.db).await.expect("count"), 0);
    assert_eq!(org_unit::Entity::find().count(&app.db).await.expect("count"), 0);
    assert_eq!(
        audit_event::Entity::find().count(&app.db).await.expect("count"),
        events_at_start
    );

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
    let events_at_start = audit_event::Entity::find().count(&app.db).await.expect("count");
    let mut plan = lis_store::demo::exempelkommun();
    plan.units[0].children[2].name = "   ".to_owned();
    let err = lis_store::demo::load(&app.db, &plan).await.expect_err("refused");
    assert!(matches!(err, lis_store::StoreError::InvalidName { .. }), "{err}");
    assert_eq!(org_unit::Entity::find().count(&app.db).await.expect("count"), 0);
    assert_eq!(
        audit_event::Entity::find().count(&app.db).await.expect("count"),
        events_at_start
    );
}

on_both_databases!(
    the_demo_loader_audits_every_write,
    a_write_failing_halfway_leaves_neither_change_nor_event,
    a_refused_name_halfway_leaves_nothing,
);
