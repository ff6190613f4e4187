//! Shared controls (*gemensamma skyddsåtgärder*): IT describes one with the requirements it meets and links a
//! platform; the platform and the systems running on it inherit its status, marked as inherited, a local exception
//! counts instead, a change of the shared control moves every inheriting system's picture at once, and unlinking or
//! retiring ends the inheritance. Bad input is refused with Swedish messages and nothing changed. On both databases.

use axum::http::StatusCode;
use lis_domain::Role;
use lis_domain::aspect::Profile;
use lis_domain::gap::{RequirementStatus, Severity};
use lis_domain::inventory::{ItemKind, RelationKind};
use lis_store::ChangeTransaction;
use lis_store::audit::ChangeContext;
use lis_store::inventory::{self, ItemFields};
use lis_tests::{Backend, TestApp, on_both_databases};

use crate::requirements::system_with;

async fn count_controls(app: &TestApp) -> usize {
    lis_store::shared_controls::list(&app.db, app.organisation_id().await)
        .await
        .expect("list")
        .len()
}

async fn a_shared_control_passes_its_status_to_the_systems_that_use_it(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let organisation_id = app.organisation_id().await;
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let platform = system_with(
        &app,
        ciso.person_id,
        [1, 1, 1, 1],
        ItemFields {
            name: "Skyddsplattform".to_owned(),
            ..ItemFields::default()
        },
    )
    .await;
    let system = system_with(
        &app,
        ciso.person_id,
        [2, 2, 2, 1],
        ItemFields {
            name: "Skyddssystem".to_owned(),
            ..ItemFields::default()
        },
    )
    .await;
    let txn = app.db.begin_change().await.expect("begin");
    inventory::relate(
        &txn,
        &ChangeContext::person(ciso.person_id, None),
        organisation_id,
        RelationKind::RunsOn,
        system,
        platform,
    )
    .await
    .expect("the system runs on the platform");
    txn.commit().await.expect("commit");
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");
    let both = catalog.applicable_in_use(&Profile::new(1, 1, 1, 1), &not_in_use);
    let met = [both[0].id.clone(), both[1].id.clone()];

    // Bad input: no name, an unknown requirement and "not applicable" without a justification.
    let refused = app
        .post_form_as(
            &it,
            "/shared-controls",
            &[
                ("name", " "),
                ("requirements", "LIS-9.99-99"),
                ("status", "ej_tillampligt"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    for message in [
        "Skriv ett namn.",
        "Katalogen har inget krav LIS-9.99-99.",
        "Skriv varför kravet inte är tillämpligt.",
    ] {
        assert!(refused.body.contains(message), "{message}: {}", refused.body);
    }
    assert_eq!(count_controls(&app).await, 0, "nothing was created");

    // IT describes central backup as met for two requirements and links the platform.
    let created = app
        .post_form_as(
            &it,
            "/shared-controls",
            &[
                ("name", "Central säkerhetskopiering"),
                ("requirements", &format!("{}\n{}", met[0], met[1])),
                ("status", "uppfyllt"),
                ("how", "Nattlig kopiering till det andra datacentret."),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page = created.header("location").split('?').next().expect("a page").to_owned();
    let duplicate = app
        .post_form_as(
            &it,
            "/shared-controls",
            &[("name", "central säkerhetskopiering"), ("status", "uppfyllt")],
        )
        .await;
    assert!(duplicate.body.contains("Namnet används redan; välj ett annat."));
    let linked = app
        .post_form_as(&it, &format!("{page}/systems"), &[("system", "Skyddsplattform")])
        .await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.body);
    let unknown = app
        .post_form_as(&it, &format!("{page}/systems"), &[("system", "Finns inte")])
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The platform and the system on it inherit: met, marked as inherited.
    let effective = async |system_id: i64| {
        lis_store::gaps::statuses(&app.db, organisation_id, &[system_id])
            .await
            .expect("statuses")
            .remove(&system_id)
            .unwrap_or_default()
    };
    for id in [platform, system] {
        let statuses = effective(id).await;
        assert_eq!(
            statuses[&met[0]].status,
            Some(RequirementStatus::Uppfyllt),
            "system {id}"
        );
    }
    let requirements = app.get_as(&ciso, &format!("/items/{system}/requirements")).await;
    assert!(
        requirements.body.contains("Ärvs från den gemensamma skyddsåtgärden")
            && requirements.body.contains("Central säkerhetskopiering"),
        "{}",
        requirements.body
    );

    // The system records a local exception for the first requirement: its own status counts there.
    let exception = app
        .post_form_as(
            &ciso,
            &format!("/items/{system}/requirements/{}", met[0]),
            &[
                ("status", "delvis_uppfyllt"),
                ("severity", "mattlig"),
                ("local_exception", "1"),
            ],
        )
        .await;
    assert_eq!(exception.status, StatusCode::SEE_OTHER, "{}", exception.body);
    assert_eq!(
        effective(system).await[&met[0]].status,
        Some(RequirementStatus::DelvisUppfyllt)
    );
    assert_eq!(
        effective(platform).await[&met[0]].status,
        Some(RequirementStatus::Uppfyllt)
    );

    // IT finds the backup failing: every inheriting system's picture changes at once; a stale form is refused.
    let changed = app
        .post_form_as(
            &it,
            &page,
            &[
                ("name", "Central säkerhetskopiering"),
                ("requirements", &format!("{}, {}", met[0], met[1])),
                ("status", "ej_uppfyllt"),
                ("severity", "allvarlig"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    for id in [platform, system] {
        let statuses = effective(id).await;
        assert_eq!(statuses[&met[1]].severity, Some(Severity::Allvarlig), "system {id}");
    }
    assert_eq!(
        effective(system).await[&met[0]].status,
        Some(RequirementStatus::DelvisUppfyllt),
        "the exception stays"
    );
    let stale = app
        .post_form_as(
            &it,
            &page,
            &[("name", "Gammal"), ("status", "uppfyllt"), ("version", "1")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains("Någon annan har ändrat skyddsåtgärden"));

    // Unlinking the platform ends the inheritance for it and what runs on it; retiring ends it for all.
    let unlinked = app
        .post_form_as(&it, &format!("{page}/systems/{platform}/remove"), &[])
        .await;
    assert_eq!(unlinked.status, StatusCode::SEE_OTHER, "{}", unlinked.body);
    assert!(!effective(system).await.contains_key(&met[1]));
    assert!(!effective(platform).await.contains_key(&met[1]));
    app.post_form_as(&it, &format!("{page}/systems"), &[("system", "Skyddssystem")])
        .await;
    assert!(effective(system).await.contains_key(&met[1]));
    let retired = app
        .post_form_as(&it, &format!("{page}/retire"), &[("version", "2")])
        .await;
    assert_eq!(retired.status, StatusCode::SEE_OTHER, "{}", retired.body);
    assert!(!effective(system).await.contains_key(&met[1]));

    // Every change is in the audit trail.
    let events = lis_store::audit::all_events(&app.db)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.subject_kind.starts_with("shared_control"))
        .count();
    assert_eq!(
        events,
        1 + 1 + 1 + 1 + 1 + 1,
        "create, link, update, unlink, link, retire"
    );
    // An auditor reads but cannot change.
    let auditor = app.sign_in_as(Some(Role::Auditor)).await;
    assert_eq!(app.get_as(&auditor, &page).await.status, StatusCode::OK);
}

on_both_databases!(a_shared_control_passes_its_status_to_the_systems_that_use_it);

async fn the_audit_trail_records_a_shared_controls_requirements_before_and_after(backend: Backend) {
    use lis_store::entity::audit_event;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let organisation_id = app.organisation_id().await;
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let known = |id: &str| catalog.requirements.iter().any(|r| r.id == id);
    let ids = |n: &[usize]| -> std::collections::BTreeSet<String> {
        n.iter().map(|i| catalog.requirements[*i].id.clone()).collect()
    };
    let ctx = ChangeContext::person(ciso.person_id, None);
    let mut fields = lis_store::shared_controls::Fields {
        name: "Granskad skyddsåtgärd".to_owned(),
        description: String::new(),
        record: lis_domain::gap::StatusRecord {
            status: Some(RequirementStatus::Uppfyllt),
            ..Default::default()
        },
        requirements: ids(&[0, 1]),
    };
    let txn = app.db.begin_change().await.expect("begin");
    let created = lis_store::shared_controls::create(&txn, &ctx, organisation_id, &fields, &known)
        .await
        .expect("create");
    txn.commit().await.expect("commit");
    fields.requirements = ids(&[0, 2]);
    let txn = app.db.begin_change().await.expect("begin");
    let updated = lis_store::shared_controls::update(
        &txn,
        &ctx,
        organisation_id,
        created.id,
        &fields,
        &known,
        created.version,
    )
    .await
    .expect("update");
    txn.commit().await.expect("commit");
    let txn = app.db.begin_change().await.expect("begin");
    lis_store::shared_controls::retire(&txn, &ctx, organisation_id, created.id, updated.version)
        .await
        .expect("retire");
    txn.commit().await.expect("commit");
    assert_eq!(
        lis_store::shared_controls::requirements_of(&app.db, created.id)
            .await
            .expect("requirements"),
        ids(&[0, 2])
    );
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::SubjectKind.eq("shared_control"))
        .filter(audit_event::Column::SubjectId.eq(created.id.to_string()))
        .order_by_asc(audit_event::Column::Id)
        .all(&app.db)
        .await
        .expect("events");
    let listed = |snapshot: &Option<serde_json::Value>| -> Vec<String> {
        snapshot
            .as_ref()
            .and_then(|s| s.get("requirements"))
            .and_then(|r| r.as_array())
            .map_or_else(Vec::new, |r| {
                r.iter().filter_map(|id| id.as_str().map(str::to_owned)).collect()
            })
    };
    let as_list = |set: std::collections::BTreeSet<String>| set.into_iter().collect::<Vec<_>>();
    assert_eq!(events.len(), 3, "created, changed, retired");
    assert_eq!(listed(&events[1].before), as_list(ids(&[0, 1])), "the change: before");
    assert_eq!(listed(&events[1].after), as_list(ids(&[0, 2])), "the change: after");
    assert_eq!(
        listed(&events[2].before),
        as_list(ids(&[0, 2])),
        "the retirement: before"
    );
}

on_both_databases!(the_audit_trail_records_a_shared_controls_requirements_before_and_after);

/// What many systems inherit, asked about at once (more than a batch of ids: LIS then reads every runs-on relation
/// of the organisation instead of walking down from the systems), is what each inherits asked about alone: through
/// a platform, through a system on a platform, and nothing for a system on no platform.
async fn many_systems_inherit_at_once_what_each_inherits_alone(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let organisation_id = app.organisation_id().await;
    let ctx = ChangeContext::person(it.person_id, None);
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");
    let requirement = catalog.applicable_in_use(&Profile::new(1, 1, 1, 1), &not_in_use)[0]
        .id
        .clone();
    let named = |name: String| ItemFields {
        name,
        ..ItemFields::default()
    };
    let txn = app.db.begin_change().await.expect("begin");
    let platform = inventory::create(
        &txn,
        &ctx,
        organisation_id,
        ItemKind::System,
        named("Massplattform".into()),
    )
    .await
    .expect("the platform")
    .id;
    let systems = inventory::create_many(
        &txn,
        &ctx,
        organisation_id,
        ItemKind::System,
        (0..inventory::BATCH + 10)
            .map(|n| named(format!("Massystem {n}")))
            .collect(),
    )
    .await
    .expect("the systems");
    let (on_platform, on_nothing) = systems.split_at(systems.len() - 5);
    let mut runs_on: Vec<_> = on_platform
        .iter()
        .map(|system| (RelationKind::RunsOn, *system, platform))
        .collect();
    // One system runs on a system that runs on the platform.
    let (above, below) = (on_nothing[0], on_platform[0]);
    runs_on.push((RelationKind::RunsOn, above, below));
    inventory::relate_many(&txn, &ctx, organisation_id, &runs_on)
        .await
        .expect("relate");
    txn.commit().await.expect("commit");
    let created = app
        .post_form_as(
            &it,
            "/shared-controls",
            &[
                ("name", "Gemensam drift"),
                ("requirements", requirement.as_str()),
                ("status", "uppfyllt"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page = created.header("location").split('?').next().expect("a page").to_owned();
    let linked = app
        .post_form_as(&it, &format!("{page}/systems"), &[("system", "Massplattform")])
        .await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.body);

    let mut asked: Vec<i64> = systems.clone();
    asked.push(platform);
    assert!(asked.len() > inventory::BATCH);
    let at_once = lis_store::shared_controls::inherited(&app.db, organisation_id, &asked)
        .await
        .expect("inherited at once");
    let inheriting: std::collections::BTreeSet<i64> = at_once.keys().copied().collect();
    let expected: std::collections::BTreeSet<i64> = on_platform.iter().copied().chain([platform, above]).collect();
    assert_eq!(inheriting, expected);
    for system in [platform, on_platform[0], on_platform[700], above, on_nothing[1]] {
        let alone = lis_store::shared_controls::inherited(&app.db, organisation_id, &[system])
            .await
            .expect("inherited alone");
        let inherits = |found: &std::collections::HashMap<i64, _>| {
            found.get(&system).map(
                |by_requirement: &std::collections::HashMap<String, lis_store::shared_controls::Inherited>| {
                    by_requirement
                        .iter()
                        .map(|(r, i)| (r.clone(), i.control_id, i.record.status))
                        .collect::<Vec<_>>()
                },
            )
        };
        assert_eq!(inherits(&at_once), inherits(&alone), "system {system}");
        assert_eq!(inherits(&alone).is_some(), system != on_nothing[1], "system {system}");
    }
}
on_both_databases!(many_systems_inherit_at_once_what_each_inherits_alone);

/// Two people create shared controls of the same name at once: the later is refused (on PostgreSQL the unique index
/// refuses its insert after its own check found the name free: a conflict, 409; on SQLite its change begins after
/// the first's and its check finds the name: 422), never failed as an internal error, and one control is stored.
async fn two_shared_controls_of_one_name_at_once_give_one_and_a_refusal(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let organisation_id = app.organisation_id().await;
    let ctx = ChangeContext::person(it.person_id, None);
    let fields = lis_store::shared_controls::Fields {
        name: "Samtidig skyddsåtgärd".to_owned(),
        record: lis_domain::gap::StatusRecord {
            status: Some(RequirementStatus::Uppfyllt),
            ..Default::default()
        },
        ..Default::default()
    };
    let known = |_: &str| true;
    let first = app.db.begin_change().await.expect("begin the first");
    lis_store::shared_controls::create(&first, &ctx, organisation_id, &fields, &known)
        .await
        .expect("the first");
    let (second, committed) = tokio::join!(
        app.post_form_as(
            &it,
            "/shared-controls",
            &[("name", "samtidig skyddsåtgärd"), ("status", "uppfyllt")],
        ),
        async {
            // The second request checks the name and writes while the first is still open.
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            first.commit().await
        }
    );
    committed.expect("commit the first");
    let expected = match backend {
        Backend::Postgres => StatusCode::CONFLICT,
        Backend::Sqlite => StatusCode::UNPROCESSABLE_ENTITY,
    };
    assert_eq!(second.status, expected, "{}", second.body);
    assert_eq!(count_controls(&app).await, 1);
}
on_both_databases!(two_shared_controls_of_one_name_at_once_give_one_and_a_refusal);
