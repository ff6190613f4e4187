//! Classification through the pages: an informationsägare answers the questions, saves a draft and approves it; the
//! systems holding the information, and the platform they run on, show the new levels and why; overrides, level 4,
//! the history, and every refusal of bad input, on both databases.

use axum::http::StatusCode;
use lis_domain::Role;
use lis_domain::inventory::{ItemKind, RelationKind};
use lis_store::ChangeTransaction;
use lis_store::audit::ChangeContext;
use lis_store::entity::{classification, organisation, system_level};
use lis_store::inventory::{self, ItemFields};
use lis_tests::{Backend, TestApp, TestSession, on_both_databases};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// An informationsmängd owned by `owner`, held by a system that runs on a platform: (information, system, platform).
async fn holding(app: &TestApp, owner: i64) -> (i64, i64, i64) {
    let organisation_id = app.organisation_id().await;
    let ctx = ChangeContext::system("test");
    let txn = app.db.begin_change().await.expect("begin");
    let create = async |kind, name: &str, owner_person_id| {
        let fields = ItemFields {
            name: name.to_owned(),
            owner_person_id,
            ..ItemFields::default()
        };
        inventory::create(&txn, &ctx, organisation_id, kind, fields)
            .await
            .expect("create")
            .id
    };
    let information = create(ItemKind::InformationSet, "Barnavårdsutredningar", Some(owner)).await;
    let system = create(ItemKind::System, "Procapita", None).await;
    let platform = create(ItemKind::System, "Citrixmiljön", None).await;
    for (kind, from, to) in [
        (RelationKind::HeldBy, information, system),
        (RelationKind::RunsOn, system, platform),
    ] {
        inventory::relate(&txn, &ctx, organisation_id, kind, from, to)
            .await
            .expect("relate");
    }
    txn.commit().await.expect("commit");
    (information, system, platform)
}

/// The answers of the form: `answer.<aspect>.<category>` = level.
fn answers(given: &[(&'static str, &'static str)]) -> Vec<(String, String)> {
    given.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

async fn post(app: &TestApp, session: &TestSession, uri: &str, fields: &[(String, String)]) -> lis_tests::TestResponse {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_form_as(session, uri, &borrowed).await
}

async fn effective(app: &TestApp, system: i64, aspect: &str) -> Option<i16> {
    system_level::Entity::find()
        .filter(system_level::Column::SystemId.eq(system))
        .filter(system_level::Column::Aspect.eq(aspect))
        .one(&app.db)
        .await
        .expect("query")
        .map(|row| row.effective)
}

async fn draft_version(app: &TestApp, information: i64) -> String {
    classification::Entity::find()
        .filter(classification::Column::ItemId.eq(information))
        .filter(classification::Column::Status.eq("draft"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("a draft")
        .version
        .to_string()
}

/// Saves a draft with `fields` as `session` and approves it, as the pages do.
async fn classify_and_approve(app: &TestApp, session: &TestSession, information: i64, fields: &[(String, String)]) {
    let saved = post(app, session, &format!("/items/{information}/classification"), fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let version = draft_version(app, information).await;
    let approved = post(
        app,
        session,
        &format!("/items/{information}/classification/approve"),
        &[("version".to_owned(), version)],
    )
    .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
}

async fn an_owner_classifies_through_the_questions_and_the_systems_show_why(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let owner = app.sign_in_as(None).await;
    let (information, system, platform) = holding(&app, owner.person_id).await;

    let form = app
        .get_as(&owner, &format!("/items/{information}/classification"))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    for question in [
        "Vad händer om informationen kommer till någon som inte har rätt att ta del av den?",
        "Liv och hälsa",
        "answer.K.enskilda",
        "level.S",
    ] {
        assert!(form.body.contains(question), "{question}: {}", form.body);
    }
    let saved = post(
        &app,
        &owner,
        &format!("/items/{information}/classification"),
        &answers(&[
            ("answer.K.enskilda", "3"),
            ("answer.K.ekonomi", "1"),
            ("answer.R.verksamhet", "2"),
            ("answer.T.verksamhet", "1"),
            ("answer.S.lag", "2"),
        ]),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // A draft moves no system.
    assert_eq!(effective(&app, system, "K").await, None);
    let page = app.get_as(&owner, &format!("/items/{information}")).await;
    assert!(
        page.body.contains("Utkast") && page.body.contains("K = 3 Allvarlig"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Fastställ klassningen"), "{}", page.body);

    let version = draft_version(&app, information).await;
    let approved = post(
        &app,
        &owner,
        &format!("/items/{information}/classification/approve"),
        &[("version".to_owned(), version)],
    )
    .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    assert_eq!(effective(&app, system, "K").await, Some(3));
    assert_eq!(effective(&app, system, "R").await, Some(2));
    assert_eq!(
        effective(&app, platform, "K").await,
        Some(3),
        "the platform carries the system"
    );

    let it = app.sign_in_as(Some(Role::It)).await;
    let system_page = app.get_as(&it, &format!("/items/{system}")).await;
    assert!(
        system_page
            .body
            .contains("K = 3 eftersom det lagrar informationsmängden")
            && system_page.body.contains("Barnavårdsutredningar"),
        "{}",
        system_page.body
    );
    let today = chrono::Utc::now().date_naive().to_string();
    assert!(
        system_page.body.contains(&format!("sedan {today}")),
        "{}",
        system_page.body
    );
    let platform_page = app.get_as(&it, &format!("/items/{platform}")).await;
    assert!(
        platform_page.body.contains("systemet som körs på det har den nivån")
            && platform_page.body.contains("Procapita"),
        "{}",
        platform_page.body
    );
    // The decision and the systems' new levels are in the audit trail.
    let events = lis_store::entity::audit_event::Entity::find()
        .filter(lis_store::entity::audit_event::Column::SubjectKind.eq("system_levels"))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(events, 2, "the system and its platform");
}

async fn bad_input_is_refused_with_a_swedish_message_and_nothing_changes(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let owner = app.sign_in_as(None).await;
    let (information, system, _) = holding(&app, owner.person_id).await;
    let uri = format!("/items/{information}/classification");
    let count = async || classification::Entity::find().count(&app.db).await.expect("count");
    let before = count().await;

    let outside = post(&app, &owner, &uri, &answers(&[("level.K", "7")])).await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        outside.body.contains("nivån 7 finns inte i klassningsmodellen"),
        "{}",
        outside.body
    );

    let departing = post(
        &app,
        &owner,
        &uri,
        &answers(&[("answer.K.enskilda", "3"), ("level.K", "1")]),
    )
    .await;
    assert_eq!(departing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(departing.body.contains("Skriv en motivering"), "{}", departing.body);
    assert!(
        departing.body.contains("selected"),
        "what was sent is kept: {}",
        departing.body
    );

    let past = post(&app, &owner, &uri, &answers(&[("valid_until", "2020-01-01")])).await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past.body.contains("före dagens datum"), "{}", past.body);
    assert_eq!(count().await, before, "nothing saved");

    // S when the organisation does not classify it.
    let organisation_id = app.organisation_id().await;
    organisation::ActiveModel {
        id: Set(organisation_id),
        classifies_traceability: Set(false),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .expect("switch S off");
    let with_s = post(&app, &owner, &uri, &answers(&[("level.S", "2")])).await;
    assert_eq!(with_s.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(with_s.body.contains("klassar inte spårbarhet"), "{}", with_s.body);
    let form = app.get_as(&owner, &uri).await;
    assert!(!form.body.contains("level.S"), "no S on the form: {}", form.body);
    assert_eq!(count().await, before);

    // A draft, then a stale save of it, and approval by someone who is neither the owner nor the CISO.
    let saved = post(&app, &owner, &uri, &answers(&[("answer.T.verksamhet", "2")])).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stale = post(
        &app,
        &owner,
        &uri,
        &answers(&[("answer.T.verksamhet", "3"), ("version", "0")]),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains("Någon annan har sparat utkastet"), "{}", stale.body);
    let it = app.sign_in_as(Some(Role::It)).await;
    let version = draft_version(&app, information).await;
    let refused = post(
        &app,
        &it,
        &format!("/items/{information}/classification/approve"),
        &[("version".to_owned(), version.clone())],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(effective(&app, system, "T").await, None, "nothing approved");
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let by_ciso = post(
        &app,
        &ciso,
        &format!("/items/{information}/classification/approve"),
        &[("version".to_owned(), version)],
    )
    .await;
    assert_eq!(
        by_ciso.status,
        StatusCode::SEE_OTHER,
        "the CISO may approve: {}",
        by_ciso.body
    );
    assert_eq!(effective(&app, system, "T").await, Some(2));
}

async fn overrides_raise_at_once_lower_with_the_ciso_and_are_flagged_when_the_calculation_moves(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let owner = app.sign_in_as(None).await;
    let (information, system, platform) = holding(&app, owner.person_id).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let classify = async |level: &'static str| {
        classify_and_approve(&app, &ciso, information, &answers(&[("answer.T.verksamhet", level)])).await;
    };
    classify("2").await;
    assert_eq!(effective(&app, system, "T").await, Some(2));

    let it = app.sign_in_as(Some(Role::It)).await;
    let override_uri = format!("/items/{system}/levels/T/override");
    let without_reason = post(
        &app,
        &it,
        &override_uri,
        &answers(&[("level", "3"), ("reason", "ackumulation")]),
    )
    .await;
    assert_eq!(without_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        without_reason.body.contains("Skriv en motivering"),
        "{}",
        without_reason.body
    );
    let raised = post(
        &app,
        &it,
        &override_uri,
        &answers(&[
            ("level", "3"),
            ("reason", "ackumulation"),
            ("justification", "Hela kommunens ärenden."),
        ]),
    )
    .await;
    assert_eq!(raised.status, StatusCode::SEE_OTHER, "{}", raised.body);
    assert_eq!(
        effective(&app, system, "T").await,
        Some(3),
        "raising is in force at once"
    );
    assert_eq!(
        effective(&app, platform, "T").await,
        Some(3),
        "and reaches the platform"
    );

    // IT lowers the platform's T below its calculated level: that waits for the CISO.
    let lowering = post(
        &app,
        &it,
        &format!("/items/{platform}/levels/T/override"),
        &answers(&[
            ("level", "1"),
            ("reason", "fordelning"),
            ("justification", "Redundant i två hallar."),
        ]),
    )
    .await;
    assert_eq!(lowering.status, StatusCode::SEE_OTHER, "{}", lowering.body);
    assert!(
        lowering.header("location").contains("saved=pending"),
        "{}",
        lowering.header("location")
    );
    assert_eq!(
        effective(&app, platform, "T").await,
        Some(3),
        "a lowering waits for the CISO"
    );
    let waiting = app.get_as(&ciso, &format!("/items/{platform}")).await;
    assert!(waiting.body.contains("väntar på godkännande"), "{}", waiting.body);
    let confirmed = post(
        &app,
        &ciso,
        &format!("/items/{platform}/levels/T/override"),
        &answers(&[
            ("level", "1"),
            ("reason", "fordelning"),
            ("justification", "Redundant i två hallar."),
        ]),
    )
    .await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER, "{}", confirmed.body);
    assert_eq!(
        effective(&app, platform, "T").await,
        Some(1),
        "the CISO's approval puts it in force"
    );

    // The information is reclassified: the system's calculated T moves under its override, which is flagged.
    classify("3").await;
    assert_eq!(effective(&app, system, "T").await, Some(3));
    let page = app.get_as(&it, &format!("/items/{system}")).await;
    assert!(page.body.contains("se över avsteget"), "{}", page.body);
    let removed = post(&app, &it, &format!("/items/{system}/levels/T/override/remove"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let page = app.get_as(&it, &format!("/items/{system}")).await;
    assert!(!page.body.contains("se över avsteget"), "{}", page.body);
}

async fn level_four_warns_of_the_separate_analysis_and_history_compares_decisions(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let owner = app.sign_in_as(None).await;
    let (information, system, _) = holding(&app, owner.person_id).await;
    for level in ["2", "4"] {
        classify_and_approve(&app, &owner, information, &answers(&[("answer.K.samhalle", level)])).await;
    }
    // (The informationsägare is not named on the system: an auditor looks.)
    let auditor = app.sign_in_as(Some(Role::Auditor)).await;
    let page = app.get_as(&auditor, &format!("/items/{system}")).await;
    assert!(page.body.contains("säkerhetsskyddsanalys"), "{}", page.body);
    let history = app
        .get_as(&owner, &format!("/items/{information}/classification/history"))
        .await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(
        history.body.contains("4 Synnerligen allvarlig") && history.body.contains("2 Betydande"),
        "{}",
        history.body
    );
    assert!(history.body.contains("ändrad"), "{}", history.body);
    let kept = classification::Entity::find()
        .filter(classification::Column::ItemId.eq(information))
        .filter(classification::Column::Status.eq("superseded"))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(kept, 1, "the earlier decision is kept");
}

async fn classifications_due_for_review_are_listed_and_an_expired_one_is_marked(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let owner = app.sign_in_as(None).await;
    let (information, system, _) = holding(&app, owner.person_id).await;
    let soon = (chrono::Utc::now().date_naive() + chrono::Duration::days(10)).to_string();
    let fields = [
        ("answer.K.ekonomi".to_owned(), "1".to_owned()),
        ("valid_until".to_owned(), soon.clone()),
    ];
    classify_and_approve(&app, &owner, information, &fields).await;
    let own = app.get_as(&owner, "/classification/review").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(
        own.body.contains("Barnavårdsutredningar") && own.body.contains(&soon),
        "{}",
        own.body
    );
    // Someone else's list (without a role) does not show it; the CISO's shows the whole organisation.
    let other = app.sign_in_as(None).await;
    assert!(
        !app.get_as(&other, "/classification/review")
            .await
            .body
            .contains("Barnavårdsutredningar")
    );
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    assert!(
        app.get_as(&ciso, "/classification/review")
            .await
            .body
            .contains("Barnavårdsutredningar")
    );

    // Past its date, it is expired on the list and on the record.
    let approved = classification::Entity::find()
        .filter(classification::Column::ItemId.eq(information))
        .filter(classification::Column::Status.eq("approved"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("approved");
    let mut past: classification::ActiveModel = approved.into();
    past.valid_until = Set(chrono::Utc::now().date_naive() - chrono::Duration::days(1));
    past.update(&app.db).await.expect("backdate");
    let list = app.get_as(&ciso, "/classification/review").await;
    assert!(list.body.contains("utgången"), "{}", list.body);
    let page = app.get_as(&owner, &format!("/items/{information}")).await;
    assert!(page.body.contains("Klassningen gällde till"), "{}", page.body);
    // And where it is used: the system whose level it decides says so.
    let system_page = app.get_as(&ciso, &format!("/items/{system}")).await;
    assert!(
        system_page.body.contains("informationsmängdens klassning har gått ut"),
        "{}",
        system_page.body
    );
}

async fn the_overview_counts_systems_by_aspect_and_level(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let owner = app.sign_in_as(None).await;
    let (information, _, _) = holding(&app, owner.person_id).await;
    let auditor = app.sign_in_as(Some(Role::Auditor)).await;
    let systems = lis_store::entity::inventory_item::Entity::find()
        .filter(lis_store::entity::inventory_item::Column::Kind.eq("system"))
        .filter(lis_store::entity::inventory_item::Column::RetiredAt.is_null())
        .count(&app.db)
        .await
        .expect("count");
    let before = app.get_as(&auditor, "/classification/overview").await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert!(
        before.body.contains(&format!("{systems} system i drift räknade")),
        "{}",
        before.body
    );
    assert!(
        before.body.contains("<svg") && before.body.contains("role=\"img\""),
        "{}",
        before.body
    );
    // Every system at level 0 on K before anything is classified: the row's first cell holds them all.
    assert!(
        before.body.contains(&format!(
            "<tr><th scope=\"row\">K Konfidentialitet</th><td>{systems}</td><td>0</td>"
        )),
        "{}",
        before.body
    );
    classify_and_approve(&app, &owner, information, &answers(&[("answer.K.enskilda", "3")])).await;
    let after = app.get_as(&auditor, "/classification/overview").await;
    let expected = format!(
        "<tr><th scope=\"row\">K Konfidentialitet</th><td>{}</td><td>0</td><td>0</td><td>2</td><td>0</td></tr>",
        systems - 2
    );
    assert!(
        after.body.contains(&expected),
        "the system and its platform at 3: {}",
        after.body
    );
    // Filtered on a person named on nothing, nothing is counted.
    let nobody = app
        .get_as(
            &auditor,
            &format!("/classification/overview?person={}", owner.person_id),
        )
        .await;
    assert!(nobody.body.contains("0 system i drift räknade"), "{}", nobody.body);
}

async fn the_api_reads_and_writes_classifications_under_the_same_rules(backend: Backend) {
    use axum::http::Method;
    let app = TestApp::demo(backend).await;
    let owner = app.sign_in_as(None).await;
    let (information, system, _) = holding(&app, owner.person_id).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let (_, it_token) = app.issue_token(it.person_id, Role::It).await;
    let (_, ciso_token) = app.issue_token(ciso.person_id, Role::Ciso).await;
    let uri = format!("/api/v1/items/{information}/classification");

    let empty = app.api(Method::GET, &uri, Some(&it_token), None).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert_eq!(empty.json()["approved"], serde_json::Value::Null);

    let bad = serde_json::json!({ "levels": { "K": 9, "R": 1, "T": 1, "S": 1 } });
    let refused = app.api(Method::PUT, &uri, Some(&it_token), Some(bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(refused.json()["errors"][0]["field"], "levels.K", "{}", refused.body);
    let unknown = serde_json::json!({ "levels": { "X": 1 } });
    let refused = app.api(Method::PUT, &uri, Some(&it_token), Some(unknown)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);

    let draft = serde_json::json!({ "levels": { "K": 2, "R": 1, "T": 3, "S": 1 }, "justification": "Via API" });
    let saved = app.api(Method::PUT, &uri, Some(&it_token), Some(draft)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let version = saved.json()["draft"]["version"].as_i64().expect("a version");
    let approve = format!("{uri}/approve");
    let body = serde_json::json!({ "version": version });
    let by_it = app
        .api(Method::POST, &approve, Some(&it_token), Some(body.clone()))
        .await;
    assert_eq!(
        by_it.status,
        StatusCode::FORBIDDEN,
        "IT does not approve: {}",
        by_it.body
    );
    let by_ciso = app.api(Method::POST, &approve, Some(&ciso_token), Some(body)).await;
    assert_eq!(by_ciso.status, StatusCode::OK, "{}", by_ciso.body);
    assert_eq!(by_ciso.json()["approved"]["levels"]["T"], 3);

    let levels = app
        .api(
            Method::GET,
            &format!("/api/v1/items/{system}/levels"),
            Some(&it_token),
            None,
        )
        .await;
    assert_eq!(levels.status, StatusCode::OK, "{}", levels.body);
    let t = levels
        .json()
        .as_array()
        .expect("a list")
        .iter()
        .find(|l| l["aspect"] == "T")
        .cloned()
        .expect("T");
    assert_eq!(
        (t["effective"].as_i64(), t["source"].as_str(), t["source_id"].as_i64()),
        (Some(3), Some("information"), Some(information))
    );
}

async fn the_ciso_switches_traceability_off_on_the_model_page(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let owner = app.sign_in_as(None).await;
    let (information, _, _) = holding(&app, owner.person_id).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let page = app.get_as(&ciso, "/classification/model").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Synnerligen allvarlig") && page.body.contains("Liv och hälsa"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("name=\"traceability\" value=\"1\" checked"),
        "{}",
        page.body
    );
    let off = app.post_form_as(&ciso, "/classification/model", &[]).await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    let form = app
        .get_as(&owner, &format!("/items/{information}/classification"))
        .await;
    assert!(!form.body.contains("level.S"), "{}", form.body);
    let on = app
        .post_form_as(&ciso, "/classification/model", &[("traceability", "1")])
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    let form = app
        .get_as(&owner, &format!("/items/{information}/classification"))
        .await;
    assert!(form.body.contains("level.S"), "{}", form.body);
    let switched = lis_store::entity::audit_event::Entity::find()
        .filter(lis_store::entity::audit_event::Column::SubjectKind.eq("organisation"))
        .filter(lis_store::entity::audit_event::Column::Action.eq("update"))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(switched, 2, "both switches are in the audit trail");
}

/// The id of the information type `name`.
async fn type_id(app: &TestApp, name: &str) -> Option<i64> {
    lis_store::information_types::by_name(&app.db, app.organisation_id().await, name)
        .await
        .expect("query")
        .map(|t| t.id)
}

async fn information_types_lift_what_is_based_on_them_and_lowering_is_the_cisos(backend: Backend) {
    use axum::http::Method;
    let app = TestApp::demo(backend).await;
    let owner = app.sign_in_as(None).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let (information, system, platform) = holding(&app, owner.person_id).await;
    let type_fields = |name: &str, t: &str| {
        answers(&[("level.K", "3"), ("level.R", "2"), ("level.S", "1")])
            .into_iter()
            .chain([
                ("name".to_owned(), name.to_owned()),
                ("level.T".to_owned(), t.to_owned()),
                ("justification".to_owned(), "Känsliga personuppgifter.".to_owned()),
            ])
            .collect::<Vec<_>>()
    };

    // Only the CISO creates types; a missing name and a taken one are refused in Swedish.
    let by_it = post(&app, &it, "/classification/types", &type_fields("Personalakter", "1")).await;
    assert_eq!(by_it.status, StatusCode::FORBIDDEN);
    let nameless = post(&app, &ciso, "/classification/types", &type_fields(" ", "1")).await;
    assert_eq!(nameless.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        nameless.body.contains("Ge informationstypen ett namn."),
        "{}",
        nameless.body
    );
    assert_eq!(type_id(&app, "Personalakter").await, None);
    let created = post(&app, &ciso, "/classification/types", &type_fields("Personalakter", "1")).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id = type_id(&app, "personalakter").await.expect("the type");
    let taken = post(&app, &ciso, "/classification/types", &type_fields("PERSONALAKTER", "2")).await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert!(
        taken.body.contains("Det finns redan en informationstyp"),
        "{}",
        taken.body
    );

    // The owner bases the classification on the type: unanswered, the type's levels are the proposal.
    let form = app
        .get_as(&owner, &format!("/items/{information}/classification"))
        .await;
    assert!(
        form.body.contains("Personalakter (K 3, R 2, T 1, S 1)"),
        "{}",
        form.body
    );
    let based = [("information_type".to_owned(), id.to_string())];
    classify_and_approve(&app, &owner, information, &based).await;
    assert_eq!(effective(&app, system, "K").await, Some(3));
    assert_eq!(effective(&app, platform, "R").await, Some(2));

    // The CISO raises the type: the decided classification is lifted, and the systems follow at once.
    let version = lis_store::information_types::get(&app.db, app.organisation_id().await, id)
        .await
        .expect("type")
        .version;
    let mut raised = type_fields("Personalakter", "3");
    raised.push(("version".to_owned(), version.to_string()));
    let changed = post(&app, &ciso, &format!("/classification/types/{id}"), &raised).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(effective(&app, system, "T").await, Some(3));
    assert_eq!(effective(&app, platform, "T").await, Some(3));
    let page = app.get_as(&owner, &format!("/items/{information}")).await;
    assert!(
        page.body.contains("Bygger på informationstyp: Personalakter") && page.body.contains("T = 3"),
        "{}",
        page.body
    );
    let stale = post(&app, &ciso, &format!("/classification/types/{id}"), &raised).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "a stale version is refused");

    // Below the type: a justification is needed, and the owner's approval waits for the CISO.
    let mut lower = vec![
        ("information_type".to_owned(), id.to_string()),
        ("level.K".to_owned(), "1".to_owned()),
    ];
    let unjustified = post(&app, &owner, &format!("/items/{information}/classification"), &lower).await;
    assert_eq!(unjustified.status, StatusCode::UNPROCESSABLE_ENTITY);
    lower.push((
        "justification".to_owned(),
        "Endast namn och anställningsnummer.".to_owned(),
    ));
    let saved = post(&app, &owner, &format!("/items/{information}/classification"), &lower).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get_as(&owner, &format!("/items/{information}")).await;
    assert!(
        page.body.contains("väntar på att informationssäkerhetssamordnaren")
            && !page.body.contains("Fastställ klassningen"),
        "{}",
        page.body
    );
    let version = draft_version(&app, information).await;
    let by_owner = post(
        &app,
        &owner,
        &format!("/items/{information}/classification/approve"),
        &[("version".to_owned(), version.clone())],
    )
    .await;
    assert!(by_owner.status.is_client_error(), "{}", by_owner.status);
    assert!(
        by_owner.body.contains("lägre än informationstypens 3"),
        "{}",
        by_owner.body
    );
    assert_eq!(effective(&app, system, "K").await, Some(3), "nothing changed");
    let by_ciso = post(
        &app,
        &ciso,
        &format!("/items/{information}/classification/approve"),
        &[("version".to_owned(), version)],
    )
    .await;
    assert_eq!(by_ciso.status, StatusCode::SEE_OTHER, "{}", by_ciso.body);
    assert_eq!(
        (effective(&app, system, "K").await, effective(&app, system, "T").await),
        (Some(1), Some(3)),
        "the CISO's lowering holds; T was decided at the type's 3"
    );

    // The API lists the types and takes a draft based on one under the same rules.
    let (_, token) = app.issue_token(it.person_id, Role::It).await;
    let listed = app
        .api(Method::GET, "/api/v1/information-types", Some(&token), None)
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.json()[0]["levels"]["T"], 3, "{}", listed.body);
    let below = serde_json::json!({ "levels": { "K": 0, "R": 2, "T": 3, "S": 1 }, "information_type": id });
    let refused = app
        .api(
            Method::PUT,
            &format!("/api/v1/items/{information}/classification"),
            Some(&token),
            Some(below),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(
        refused.json()["errors"][0]["field"],
        "justification",
        "{}",
        refused.body
    );

    // Retired, the type is kept but offered no more.
    let version = lis_store::information_types::get(&app.db, app.organisation_id().await, id)
        .await
        .expect("type")
        .version;
    let retired = post(
        &app,
        &ciso,
        &format!("/classification/types/{id}/retire"),
        &[("version".to_owned(), version.to_string())],
    )
    .await;
    assert_eq!(retired.status, StatusCode::SEE_OTHER, "{}", retired.body);
    let form = app
        .get_as(&owner, &format!("/items/{information}/classification"))
        .await;
    assert!(!form.body.contains("Personalakter (K"), "{}", form.body);
    let list = app.get_as(&it, "/classification/types").await;
    assert!(list.body.contains("Avvecklade informationstyper"), "{}", list.body);
}

on_both_databases!(
    information_types_lift_what_is_based_on_them_and_lowering_is_the_cisos,
    the_ciso_switches_traceability_off_on_the_model_page,
    the_api_reads_and_writes_classifications_under_the_same_rules,
    the_overview_counts_systems_by_aspect_and_level,
    classifications_due_for_review_are_listed_and_an_expired_one_is_marked,
    an_owner_classifies_through_the_questions_and_the_systems_show_why,
    bad_input_is_refused_with_a_swedish_message_and_nothing_changes,
    overrides_raise_at_once_lower_with_the_ciso_and_are_flagged_when_the_calculation_moves,
    level_four_warns_of_the_separate_analysis_and_history_compares_decisions,
);
