//! The requirements a system must meet: the catalogue's requirements that its effective levels select, less those of
//! measures the SoA leaves out, each with why it applies; none at level 4. On both databases.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use chrono::Utc;
use lis_domain::Role;
use lis_domain::aspect::{Aspect, Profile};
use lis_domain::classification::{Proposal, default_valid_until};
use lis_domain::inventory::{ItemKind, RelationKind};
use lis_domain::soa::Justification;
use lis_store::ChangeTransaction;
use lis_store::audit::ChangeContext;
use lis_store::inventory::{self, ItemFields};
use lis_store::soa::SoaDecision;
use lis_tests::{Backend, TestApp, on_both_databases};

/// A system holding one informationsmängd classified at `levels` (K, R, T, S), decided by `person`: the system's id.
async fn system_at(app: &TestApp, person: i64, levels: [u8; 4]) -> i64 {
    let organisation_id = app.organisation_id().await;
    let ctx = ChangeContext::person(person, None);
    let txn = app.db.begin_change().await.expect("begin");
    let create = async |kind, name: &str| {
        let fields = ItemFields {
            name: name.to_owned(),
            ..ItemFields::default()
        };
        inventory::create(&txn, &ctx, organisation_id, kind, fields)
            .await
            .expect("create")
            .id
    };
    let name = format!("Kravsystem {levels:?}");
    let system = create(ItemKind::System, &name).await;
    let information = create(ItemKind::InformationSet, &format!("Kravmängd {levels:?}")).await;
    inventory::relate(&txn, &ctx, organisation_id, RelationKind::HeldBy, information, system)
        .await
        .expect("relate");
    let levels = Aspect::ALL
        .into_iter()
        .zip(levels)
        .collect::<std::collections::BTreeMap<_, _>>();
    let proposal = Proposal {
        proposed: levels.clone(),
        levels,
        justification: String::new(),
        valid_until: default_valid_until(Utc::now().date_naive()),
        information_type: None,
    };
    let model = lis_store::classification::Model {
        max_level: 4,
        classifies_traceability: true,
    };
    let draft = lis_store::classification::save_draft(
        &txn,
        &ctx,
        organisation_id,
        information,
        model,
        &proposal,
        &Default::default(),
        None,
    )
    .await
    .expect("draft");
    lis_store::classification::approve(&txn, &ctx, organisation_id, information, draft.version, true)
        .await
        .expect("approve");
    txn.commit().await.expect("commit");
    system
}

async fn a_system_shows_the_requirements_its_levels_select_and_why(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let system = system_at(&app, ciso.person_id, [2, 1, 3, 1]).await;
    let profile = Profile::new(2, 1, 3, 1);
    let organisation_id = app.organisation_id().await;
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");
    let expected = catalog.applicable_in_use(&profile, &not_in_use);
    assert!(!expected.is_empty(), "the profile selects requirements");

    let page = app.get_as(&it, &format!("/items/{system}/requirements")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains(&format!("{} krav gäller för systemet.", expected.len())),
        "{}",
        page.body
    );
    for requirement in &expected {
        assert!(page.body.contains(&requirement.id), "{} is listed", requirement.id);
    }
    let not_selected: Vec<_> = catalog
        .requirements
        .iter()
        .filter(|r| !expected.iter().any(|e| e.id == r.id))
        .collect();
    assert!(!not_selected.is_empty());
    for requirement in &not_selected {
        assert!(
            !page.body.contains(&format!("<code>{}</code>", requirement.id)),
            "{} does not apply",
            requirement.id
        );
    }
    let item = app.get_as(&it, &format!("/items/{system}")).await;
    assert!(
        item.body
            .contains(&format!("Krav som gäller för systemet</a> ({})", expected.len())),
        "{}",
        item.body
    );

    // A measure the SoA leaves out takes its requirements with it.
    let control = expected[0].control.clone();
    let txn = app.db.begin_change().await.expect("begin");
    let decision = SoaDecision {
        in_use: false,
        justification: Some(Justification::Riskanalys),
        text: "Hanteras inte i kommunen.".to_owned(),
    };
    let version = lis_store::soa::entries(&txn, organisation_id)
        .await
        .expect("entries")
        .get(&control)
        .map_or(0, |e| e.version);
    lis_store::soa::save(
        &txn,
        &ChangeContext::person(ciso.person_id, None),
        organisation_id,
        &control,
        &decision,
        version,
    )
    .await
    .expect("soa");
    txn.commit().await.expect("commit");
    let without: BTreeSet<String> = BTreeSet::from([control.clone()]).union(&not_in_use).cloned().collect();
    let fewer = catalog.applicable_in_use(&profile, &without);
    let page = app.get_as(&it, &format!("/items/{system}/requirements")).await;
    assert!(
        page.body
            .contains(&format!("{} krav gäller för systemet.", fewer.len()))
            && fewer.len() < expected.len()
            && !page.body.contains(&format!("id=\"control-{control}\"")),
        "{}",
        page.body
    );

    // Level 4: a separate analysis, no requirements.
    let secret = system_at(&app, ciso.person_id, [4, 1, 1, 1]).await;
    let page = app.get_as(&it, &format!("/items/{secret}/requirements")).await;
    assert!(page.body.contains("Kräver separat analys"), "{}", page.body);
    assert!(!page.body.contains("krav gäller för systemet"), "{}", page.body);

    // Only systems have requirements.
    let set = inventory::relations_of(&app.db, system)
        .await
        .expect("relations")
        .into_iter()
        .find(|r| r.relation.kind == "held_by")
        .map(|r| r.relation.from_item_id)
        .expect("the informationsmängd");
    let refused = app.get_as(&it, &format!("/items/{set}/requirements")).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

on_both_databases!(a_system_shows_the_requirements_its_levels_select_and_why);
