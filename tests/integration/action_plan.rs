//! The handlingsplan: an objektsägare turns gaps into an action, bad input is refused in Swedish with nothing
//! written, the action is listed for them and the organisation with overdue ones marked, others cannot see it, and
//! marking it done closes its gaps; an action for a shared control closes the gap on every system inheriting from
//! it. On both databases.

use axum::http::StatusCode;
use lis_domain::Role;
use lis_domain::aspect::Profile;
use lis_domain::gap::RequirementStatus;
use lis_store::TransactionTrait;
use lis_store::inventory::ItemFields;
use lis_tests::{Backend, TestApp, on_both_databases};

use crate::gap_report::{object_of, unit_named};
use crate::requirements::system_with;

async fn actions(app: &TestApp) -> usize {
    lis_store::action_plan::list(&app.db, app.organisation_id().await)
        .await
        .expect("actions")
        .len()
}

async fn an_owner_plans_actions_for_their_gaps_and_done_closes_them(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let owner = app.sign_in_as(None).await;
    let stranger = app.sign_in_as(None).await;
    let organisation_id = app.organisation_id().await;
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let unit = unit_named(&app, "Barn och unga").await;
    let object = object_of(&app, ciso.person_id, "Planobjekt", unit, owner.person_id).await;
    let fields = ItemFields {
        name: "Plansystem".to_owned(),
        parent_id: Some(object),
        ..ItemFields::default()
    };
    let system = system_with(&app, ciso.person_id, [1, 1, 1, 1], fields).await;
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");
    let reqs = catalog.applicable_in_use(&Profile::new(1, 1, 1, 1), &not_in_use);
    let (first, met) = (&reqs[0].id, &reqs[2].id);
    // The second gap belongs to another control, which the SoA will leave out before the action is done.
    let second_requirement = reqs[1..]
        .iter()
        .find(|r| r.control != reqs[0].control && r.id != *met)
        .expect("a requirement of another control");
    let second = &second_requirement.id;
    let recorded = app
        .post_form_as(
            &owner,
            &format!("/items/{system}/requirements/{met}"),
            &[("status", "uppfyllt")],
        )
        .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER);

    // From "Mina brister": the chosen gaps open the form.
    let mine = app.get_as(&owner, "/mine/gaps").await;
    assert!(
        mine.body.contains(&format!("value=\"{system}:{first}\"")),
        "{}",
        mine.body
    );
    let form = app
        .get_as(
            &owner,
            &format!("/actions/new?gap={system}:{first}&gap={system}:{second}"),
        )
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains(&format!("Plansystem: {first}")), "{}", form.body);

    // A system that is not the organisation's (here: none) is not found.
    let foreign = app.get_as(&ciso, "/actions/new?gap=987654321:LIS-5.9-01").await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);

    // Bad input: no activity and an end before the start; a requirement that is met is no gap.
    let gaps = [
        ("gap", format!("{system}:{first}")),
        ("gap", format!("{system}:{second}")),
    ];
    fn with(gaps: &[(&'static str, String)], extra: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        let mut fields = gaps.to_vec();
        fields.extend(extra.iter().map(|(n, v)| (*n, (*v).to_owned())));
        fields
    }
    let post = async |fields: Vec<(&str, String)>| {
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
        app.post_form_as(&owner, "/actions", &borrowed).await
    };
    let refused = post(with(
        &gaps,
        &[("activity", " "), ("start", "2026-12-01"), ("end", "2026-11-01")],
    ))
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(
        refused.body.contains("Skriv vad som ska göras.")
            && refused.body.contains("Slutdatum kan inte vara före startdatum."),
        "{}",
        refused.body
    );
    let not_a_gap = post(vec![
        ("gap", format!("{system}:{met}")),
        ("activity", "Inget".to_owned()),
    ])
    .await;
    assert!(
        not_a_gap
            .body
            .contains("Ett av de valda kraven är inte en brist hos systemet.")
    );
    assert_eq!(actions(&app).await, 0, "nothing was written");

    // A good action, late already.
    let created = post(with(
        &gaps,
        &[
            ("activity", "Inför behörighetsgranskning"),
            ("priority", "hog"),
            ("start", "2026-01-01"),
            ("end", "2026-02-01"),
            ("status", "pagaende"),
            ("responsible", &owner.person_id.to_string()),
        ],
    ))
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page = created.header("location").split('?').next().expect("a page").to_owned();
    let own_plan = app.get_as(&owner, &format!("/actions?owner={}", owner.person_id)).await;
    assert_eq!(own_plan.status, StatusCode::OK, "{}", own_plan.body);
    assert!(
        own_plan.body.contains("Inför behörighetsgranskning") && own_plan.body.contains("försenad"),
        "{}",
        own_plan.body
    );
    assert_eq!(app.get_as(&owner, "/actions").await.status, StatusCode::FORBIDDEN);
    assert!(
        app.get_as(&ciso, "/actions")
            .await
            .body
            .contains("Inför behörighetsgranskning")
    );
    assert_eq!(app.get_as(&stranger, &page).await.status, StatusCode::FORBIDDEN);

    // The SoA leaves the second gap's control out: that requirement no longer applies, so it is no gap to close.
    let txn = app.db.begin().await.expect("a transaction");
    let decision = lis_store::soa::SoaDecision {
        in_use: false,
        justification: None,
        text: "Används inte här.".to_owned(),
    };
    let ctx = lis_store::audit::ChangeContext::person(ciso.person_id, None);
    lis_store::soa::save(&txn, &ctx, organisation_id, &second_requirement.control, &decision, 0)
        .await
        .expect("the SoA decision");
    txn.commit().await.expect("committed");

    // A stale save is refused; marking it done closes the gap that still applies.
    let update = |version: &'static str| {
        vec![
            ("activity", "Inför behörighetsgranskning"),
            ("status", "genomford"),
            ("close", "1"),
            ("version", version),
        ]
    };
    let stale = app.post_form_as(&owner, &page, &update("7")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let done = app.post_form_as(&owner, &page, &update("1")).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let statuses = lis_store::gaps::statuses(&app.db, organisation_id, &[system])
        .await
        .expect("statuses");
    assert_eq!(statuses[&system][first].status, Some(RequirementStatus::Uppfyllt));
    assert!(
        !statuses[&system].contains_key(second),
        "nothing recorded for a requirement that no longer applies"
    );

    // An action for a shared control: done, it closes the gap on the system inheriting from it.
    let third = &reqs
        .iter()
        .find(|r| r.control != second_requirement.control && r.id != *first && r.id != *met)
        .expect("a requirement still in use")
        .id;
    let control = app
        .post_form_as(
            &it,
            "/shared-controls",
            &[("name", "Loggning"), ("requirements", third), ("status", "ej_uppfyllt")],
        )
        .await;
    let control_page = control.header("location").split('?').next().expect("a page").to_owned();
    let control_id = control_page.rsplit('/').next().expect("an id").to_owned();
    app.post_form_as(&it, &format!("{control_page}/systems"), &[("system", "Plansystem")])
        .await;
    let statuses = lis_store::gaps::statuses(&app.db, organisation_id, &[system])
        .await
        .expect("statuses");
    assert_eq!(statuses[&system][third].status, Some(RequirementStatus::EjUppfyllt));
    let shared_action = app
        .post_form_as(
            &it,
            "/actions",
            &[("shared", &control_id), ("activity", "Central logginsamling")],
        )
        .await;
    assert_eq!(shared_action.status, StatusCode::SEE_OTHER, "{}", shared_action.body);
    let shared_page = shared_action
        .header("location")
        .split('?')
        .next()
        .expect("a page")
        .to_owned();
    // An action the CISO makes for a gap of the owner's system and one of another: not wholly the owner's.
    let other_fields = ItemFields {
        name: "Annat plansystem".to_owned(),
        ..ItemFields::default()
    };
    let other = system_with(&app, ciso.person_id, [1, 1, 1, 1], other_fields).await;
    let mixed = app
        .post_form_as(
            &ciso,
            "/actions",
            &[
                ("gap", &format!("{system}:{}", reqs[4].id)),
                ("gap", &format!("{other}:{}", reqs[4].id)),
                ("activity", "Gemensam granskning"),
            ],
        )
        .await;
    assert_eq!(mixed.status, StatusCode::SEE_OTHER, "{}", mixed.body);
    let own_plan = app.get_as(&owner, &format!("/actions?owner={}", owner.person_id)).await;
    assert!(
        own_plan.body.contains("Inför behörighetsgranskning")
            && !own_plan.body.contains("Central logginsamling")
            && !own_plan.body.contains("Gemensam granskning"),
        "an objektsägare's own plan lists what is wholly theirs: {}",
        own_plan.body
    );
    let for_owner = app.get_as(&ciso, &format!("/actions?owner={}", owner.person_id)).await;
    assert!(for_owner.body.contains("Gemensam granskning"), "{}", for_owner.body);
    assert_eq!(
        app.post_form_as(&owner, &shared_page, &update("1")).await.status,
        StatusCode::FORBIDDEN,
        "a shared control's action is IT's"
    );
    let closed = app.post_form_as(&it, &shared_page, &update("1")).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let statuses = lis_store::gaps::statuses(&app.db, organisation_id, &[system])
        .await
        .expect("statuses");
    assert_eq!(statuses[&system][third].status, Some(RequirementStatus::Uppfyllt));

    // A bulk status on a requirement the system inherits is a local exception: it counts instead of the control's.
    let gap = format!("{system}:{third}");
    let bulk = app
        .post_form_as(&owner, "/gaps/bulk", &[("gap", &gap), ("status", "ej_uppfyllt")])
        .await;
    assert_eq!(bulk.status, StatusCode::SEE_OTHER, "{}", bulk.body);
    let statuses = lis_store::gaps::statuses(&app.db, organisation_id, &[system])
        .await
        .expect("statuses");
    assert_eq!(statuses[&system][third].status, Some(RequirementStatus::EjUppfyllt));
    assert!(statuses[&system][third].local_exception);
}

on_both_databases!(an_owner_plans_actions_for_their_gaps_and_done_closes_them);
