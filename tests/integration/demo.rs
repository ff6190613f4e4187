//! The municipality of `lis demo`, with its security work under way: classifications, shared controls, statuses and
//! a handlingsplan written through LIS's services, each with its audit event, so that the demo's gap analysis has
//! something to show. On both databases.

use std::collections::BTreeSet;

use lis_store::demo::{DemoPlan, exempelkommun};
use lis_store::entity::{classification, inventory_item, person, plan_action, requirement_status, shared_control};
use lis_tests::{Backend, TestApp, on_both_databases};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn the_demo_has_classifications_statuses_shared_controls_and_actions(backend: Backend) {
    let app = TestApp::new(backend).await;
    let plan = DemoPlan {
        with_assessment: true,
        ..exempelkommun()
    };
    let summary = lis_store::demo::load(&app.db, &plan).await.expect("load the demo");
    let organisation_id = summary.organisation_id;
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");

    // Every status is for a requirement that applies to its system, and has its audit event.
    let statuses = requirement_status::Entity::find().all(&app.db).await.expect("statuses");
    assert!(statuses.len() > 1000, "{} statuses", statuses.len());
    let systems: BTreeSet<i64> = statuses.iter().map(|s| s.system_id).collect();
    assert!(systems.len() > 20, "statuses on {} systems", systems.len());
    for system in &systems {
        // The one reading of a system's levels that the requirements pages use too.
        let profile = lis_store::levels::profile_of(&app.db, *system).await.expect("levels");
        let applicable: BTreeSet<&str> = catalog
            .applicable_in_use(&profile, &not_in_use)
            .into_iter()
            .map(|r| r.id.as_str())
            .collect();
        for status in statuses.iter().filter(|s| s.system_id == *system) {
            assert!(
                applicable.contains(status.requirement_id.as_str()),
                "{} does not apply to system {system}",
                status.requirement_id
            );
        }
    }
    let events = lis_store::audit::all_events(&app.db).await.expect("events");
    let events_of = |kind: &str| events.iter().filter(|e| e.subject_kind == kind).count();
    assert_eq!(events_of("requirement_status"), statuses.len());
    assert_eq!(events_of("shared_control"), 2);
    assert_eq!(events_of("plan_action"), 2);
    let every_kind = ["ej_uppfyllt", "delvis_uppfyllt", "uppfyllt", "ej_tillampligt"];
    for kind in every_kind {
        assert!(statuses.iter().any(|s| s.status == kind), "no status {kind}");
    }

    // Most informationsmängder are decided; those of the walk-through's system are left for it.
    let decided = classification::Entity::find()
        .filter(classification::Column::Status.eq("approved"))
        .all(&app.db)
        .await
        .expect("classifications");
    assert!(decided.len() > 100, "{} decided", decided.len());
    let walk_through = inventory_item::Entity::find()
        .filter(inventory_item::Column::Name.eq("Orosanmälningar om barn"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("the demo's informationsmängd");
    assert!(decided.iter().all(|c| c.item_id != walk_through.id));

    // The demo's CISO sees it all: coverage between none and all, both shared controls, both actions, and a system
    // on the virtualisation platform inheriting the backup.
    let ciso = person::Entity::find()
        .filter(person::Column::Email.eq("per.sandberg@exempelkommun.se"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("the demo's CISO");
    let session = app.session_for(ciso.id).await;
    let report = app.get_as(&session, "/gaps").await;
    let coverage: u32 = report
        .body
        .split("Täckning ")
        .filter_map(|rest| rest.split(" %").next()?.trim().parse().ok())
        .next()
        .unwrap_or_else(|| panic!("no coverage on the report: {}", report.body));
    assert!(coverage > 20 && coverage < 90, "coverage {coverage} %");
    let controls = shared_control::Entity::find().all(&app.db).await.expect("controls");
    let backup = controls
        .iter()
        .find(|c| c.name == "Säkerhetskopiering i kommunens datacenter")
        .expect("the backup control");
    let listed = app.get_as(&session, "/shared-controls").await;
    for control in &controls {
        assert!(listed.body.contains(&control.name), "{}", control.name);
    }
    let actions = plan_action::Entity::find().all(&app.db).await.expect("actions");
    let plan_page = app.get_as(&session, "/actions").await;
    for action in &actions {
        assert!(plan_page.body.contains(&action.activity), "{}", action.activity);
    }
    let tenant = inventory_item::Entity::find()
        .filter(inventory_item::Column::Name.eq("Ärendehanterings- och diariesystem"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("the demo's system");
    let requirements = app
        .get_as(&session, &format!("/items/{}/requirements", tenant.id))
        .await;
    assert!(
        requirements.body.contains(&format!(
            "Ärvs från den gemensamma skyddsåtgärden <a href=\"/shared-controls/{}\">{}</a>",
            backup.id, backup.name
        )),
        "{}",
        requirements.body
    );
}

on_both_databases!(the_demo_has_classifications_statuses_shared_controls_and_actions);
