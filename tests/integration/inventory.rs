//! The inventory: lists, records and their relations, the forms, concurrent edits, retirement, what an objektsägare
//! may do, and the import and export of the systemförteckning, on both databases.

use axum::http::StatusCode;
use lis_domain::Role;
use lis_domain::inventory::{ItemKind, RelationKind};
use lis_store::ChangeTransaction;
use lis_store::audit::ChangeContext;
use lis_store::entity::{audit_event, inventory_item, inventory_relation, org_unit, person};
use lis_store::inventory::{self, ItemFields};
use lis_store::inventory_import::{self, NoProgress};
use lis_tests::{Backend, TestApp, TestResponse, TestSession, on_both_databases};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn item_named(app: &TestApp, name: &str) -> inventory_item::Model {
    inventory_item::Entity::find()
        .filter(inventory_item::Column::Name.eq(name))
        .one(&app.db)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("no record named {name}"))
}

async fn person_with_email(app: &TestApp, email: &str) -> i64 {
    person::Entity::find()
        .filter(person::Column::Email.eq(email))
        .one(&app.db)
        .await
        .expect("query")
        .expect("the person")
        .id
}

async fn count_items(app: &TestApp) -> u64 {
    inventory_item::Entity::find().count(&app.db).await.expect("count")
}

async fn count_relations(app: &TestApp) -> u64 {
    inventory_relation::Entity::find().count(&app.db).await.expect("count")
}

async fn count_events(app: &TestApp) -> u64 {
    audit_event::Entity::find().count(&app.db).await.expect("count")
}

/// Three systems in a row: `a` runs on `b`, `b` runs on `c`.
async fn chain_of_platforms(app: &TestApp, a: &str, b: &str, c: &str) -> [i64; 3] {
    let organisation_id = app.organisation_id().await;
    let ctx = ChangeContext::system("test");
    let txn = app.db.begin_change().await.expect("begin");
    let mut ids = [0; 3];
    for (slot, name) in ids.iter_mut().zip([a, b, c]) {
        let fields = ItemFields {
            name: name.to_owned(),
            ..ItemFields::default()
        };
        *slot = inventory::create(&txn, &ctx, organisation_id, ItemKind::System, fields)
            .await
            .expect("create")
            .id;
    }
    for pair in ids.windows(2) {
        inventory::relate(&txn, &ctx, organisation_id, RelationKind::RunsOn, pair[0], pair[1])
            .await
            .expect("relate");
    }
    txn.commit().await.expect("commit");
    ids
}

async fn lists_are_searched_filtered_sorted_and_paged(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let information_sets = inventory_item::Entity::find()
        .filter(inventory_item::Column::Kind.eq("informationsmangd"))
        .count(&app.db)
        .await
        .expect("count");
    assert!(information_sets > 150, "{information_sets}");

    let first = app.get_as(&it, "/inventory/informationsmangd").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(
        first.body.contains(&format!("Visar 1–50 av {information_sets}")),
        "{}",
        first.body
    );
    assert!(first.body.contains("rel=\"next\""));
    let last_page = information_sets.div_ceil(50);
    let last = app
        .get_as(&it, &format!("/inventory/informationsmangd?page={last_page}"))
        .await;
    let from = (last_page - 1) * 50 + 1;
    assert!(
        last.body
            .contains(&format!("Visar {from}–{information_sets} av {information_sets}")),
        "{}",
        last.body
    );
    assert!(!last.body.contains("rel=\"next\""));

    // Search is case-insensitive, on the name and the external id.
    let platform = item_named(&app, "Virtualiseringsplattform i kommunens datacenter").await;
    let found = app.get_as(&it, "/inventory/system?q=VIRTUALISERINGS").await;
    assert!(
        found.body.contains(&format!("/items/{}\"", platform.id)),
        "{}",
        found.body
    );
    assert!(found.body.contains("av 1"), "{}", found.body);
    let by_id = app.get_as(&it, "/inventory/system?q=sys-001").await;
    assert!(by_id.body.contains("SYS-001"), "{}", by_id.body);

    // Filters agree with the database.
    let planned = inventory_item::Entity::find()
        .filter(inventory_item::Column::Lifecycle.eq("planned"))
        .count(&app.db)
        .await
        .expect("count");
    let filtered = app.get_as(&it, "/inventory/system?lifecycle=planned").await;
    assert!(
        filtered.body.contains(&format!("av {planned}</p>")),
        "{}",
        filtered.body
    );
    let saas = inventory_item::Entity::find()
        .filter(inventory_item::Column::Hosting.eq("saas"))
        .count(&app.db)
        .await
        .expect("count");
    let filtered = app.get_as(&it, "/inventory/system?hosting=saas").await;
    assert!(filtered.body.contains(&format!("av {saas}</p>")), "{}", filtered.body);

    // An org unit includes the units below it.
    let organisation_id = app.organisation_id().await;
    let tree = lis_store::organisation::org_tree(&app.db, organisation_id)
        .await
        .expect("tree");
    let welfare = org_unit::Entity::find()
        .filter(org_unit::Column::Name.eq("Sektor välfärd"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("unit");
    let below = tree.subtree(welfare.id);
    assert!(below.len() > 3);
    let in_welfare = inventory_item::Entity::find()
        .filter(inventory_item::Column::Kind.eq("informationsmangd"))
        .filter(inventory_item::Column::OrgUnitId.is_in(below))
        .count(&app.db)
        .await
        .expect("count");
    let filtered = app
        .get_as(&it, &format!("/inventory/informationsmangd?unit={}", welfare.id))
        .await;
    assert!(
        filtered.body.contains(&format!("av {in_welfare}</p>")),
        "{}",
        filtered.body
    );

    // The person filter finds the systems of the förvaltningsobjekt a person owns.
    let maria = person_with_email(&app, "maria.johansson@exempelkommun.se").await;
    let social = item_named(&app, "Socialtjänst").await;
    let social_system = inventory_item::Entity::find()
        .filter(inventory_item::Column::ParentId.eq(social.id))
        .one(&app.db)
        .await
        .expect("query")
        .expect("a system of Socialtjänst");
    let hers = app.get_as(&it, &format!("/inventory/system?person={maria}")).await;
    assert!(hers.body.contains(&social_system.name), "{}", hers.body);

    // Sorting: Ö to A puts the last name first.
    let ascending = app.get_as(&it, "/inventory/forvaltningsobjekt").await;
    let descending = app.get_as(&it, "/inventory/forvaltningsobjekt?sort=name_desc").await;
    let position = |body: &str, name: &str| body.find(&format!(">{name}</a>")).expect(name);
    assert!(position(&ascending.body, "Ekonomi") < position(&ascending.body, "Vård och omsorg"));
    assert!(position(&descending.body, "Ekonomi") > position(&descending.body, "Vård och omsorg"));
}

async fn a_record_shows_its_relations_both_ways(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let auditor = app.sign_in_as(Some(Role::Auditor)).await;
    let held = inventory_relation::Entity::find()
        .filter(inventory_relation::Column::Kind.eq("held_by"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("a held_by relation");
    let information = inventory::get(&app.db, 1, held.from_item_id).await.expect("info");
    let system = inventory::get(&app.db, 1, held.to_item_id).await.expect("system");
    let page = app.get_as(&auditor, &format!("/items/{}", information.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Lagras i") && page.body.contains(&system.name),
        "{}",
        page.body
    );
    let page = app.get_as(&auditor, &format!("/items/{}", system.id)).await;
    assert!(
        page.body.contains("Lagrar") && page.body.contains(&information.name),
        "{}",
        page.body
    );
    // An auditor reads but is offered no change.
    assert!(!page.body.contains("/edit\""), "{}", page.body);

    let runs = inventory_relation::Entity::find()
        .filter(inventory_relation::Column::Kind.eq("runs_on"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("a runs_on relation");
    let platform = inventory::get(&app.db, 1, runs.to_item_id).await.expect("platform");
    let on_it = inventory::get(&app.db, 1, runs.from_item_id).await.expect("system");
    let page = app.get_as(&auditor, &format!("/items/{}", platform.id)).await;
    assert!(
        page.body.contains("Plattform för") && page.body.contains(&on_it.name),
        "{}",
        page.body
    );
}

/// A file server holding 130 informationsmängder shows them a hundred at a time, every one reachable.
async fn a_record_with_many_relations_shows_them_page_by_page(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let auditor = app.sign_in_as(Some(Role::Auditor)).await;
    let organisation_id = app.organisation_id().await;
    let ctx = ChangeContext::system("test");
    let txn = app.db.begin_change().await.expect("begin");
    let server = inventory::create(
        &txn,
        &ctx,
        organisation_id,
        ItemKind::System,
        ItemFields {
            name: "Filserver G:".to_owned(),
            ..ItemFields::default()
        },
    )
    .await
    .expect("server");
    let sets = (0..130)
        .map(|n| ItemFields {
            name: format!("Mapp {n:03}"),
            ..ItemFields::default()
        })
        .collect();
    let sets = inventory::create_many(&txn, &ctx, organisation_id, ItemKind::InformationSet, sets)
        .await
        .expect("sets");
    let held: Vec<_> = sets.iter().map(|id| (RelationKind::HeldBy, *id, server.id)).collect();
    inventory::relate_many(&txn, &ctx, organisation_id, &held)
        .await
        .expect("relate");
    txn.commit().await.expect("commit");

    let first = app.get_as(&auditor, &format!("/items/{}", server.id)).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("1–100 av 130"), "{}", first.body);
    assert!(first.body.contains("Mapp 000") && first.body.contains("Mapp 099"));
    assert!(!first.body.contains("Mapp 100"), "{}", first.body);
    // (minijinja writes the slashes of the link as &#x2f;)
    let next = format!("{}?relations=2#relations", server.id);
    assert!(first.body.contains(&next), "{}", first.body);

    let second = app.get_as(&auditor, &format!("/items/{}?relations=2", server.id)).await;
    assert!(second.body.contains("101–130 av 130"), "{}", second.body);
    assert!(second.body.contains("Mapp 100") && second.body.contains("Mapp 129"));
    assert!(!second.body.contains("Mapp 099"), "{}", second.body);
    // A page past the end, or not a number, shows a page that exists.
    let past = app.get_as(&auditor, &format!("/items/{}?relations=9", server.id)).await;
    assert!(past.body.contains("101–130 av 130"), "{}", past.body);
    let nonsense = app.get_as(&auditor, &format!("/items/{}?relations=x", server.id)).await;
    assert!(nonsense.body.contains("1–100 av 130"), "{}", nonsense.body);
}

async fn records_are_created_through_the_form_or_refused_field_by_field(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let economy = item_named(&app, "Ekonomi").await;
    let before = count_items(&app).await;
    let empty = app.post_form_as(&ciso, "/inventory/system", &[("name", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Namn: måste fyllas i"), "{}", empty.body);
    let long = "å".repeat(201);
    let too_long = app.post_form_as(&ciso, "/inventory/system", &[("name", &long)]).await;
    assert!(too_long.body.contains("högst 200 tecken"), "{}", too_long.body);
    let bad_choice = app
        .post_form_as(&ciso, "/inventory/system", &[("name", "Nytt"), ("hosting", "på taket")])
        .await;
    assert!(
        bad_choice.body.contains("inte ett av de tillåtna värdena"),
        "{}",
        bad_choice.body
    );
    assert_eq!(count_items(&app).await, before, "nothing was created");

    let object = economy.id.to_string();
    let fields = [
        ("name", "Nytt e-arkiv för räkenskaper"),
        ("management_object", object.as_str()),
        ("hosting", "SaaS"),
        ("lifecycle", "planerad"),
        ("tags", "Arkiv, kritisk"),
        ("storage_country", "Sverige"),
    ];
    let created = app.post_form_as(&ciso, "/inventory/system", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let stored = item_named(&app, "Nytt e-arkiv för räkenskaper").await;
    assert_eq!(created.header("location"), format!("/items/{}?saved=1", stored.id));
    assert_eq!(stored.parent_id, Some(economy.id));
    assert_eq!(stored.hosting.as_deref(), Some("saas"));
    assert_eq!(stored.lifecycle.as_deref(), Some("planned"));
    assert_eq!(inventory::split_tags(&stored.tags), ["arkiv", "kritisk"]);
    let event = audit_event::Entity::find()
        .filter(audit_event::Column::SubjectKind.eq("system"))
        .filter(audit_event::Column::SubjectId.eq(stored.id.to_string()))
        .one(&app.db)
        .await
        .expect("query")
        .expect("an audit event");
    assert_eq!(event.actor_person_id, Some(ciso.person_id));
    assert!(event.request_id.is_some());

    let twice = app.post_form_as(&ciso, "/inventory/system", &fields).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("används redan av en annan post"), "{}", twice.body);
}

async fn a_stale_save_is_refused_showing_what_changed_and_nothing_is_lost(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let system = item_named(&app, "Virtualiseringsplattform i kommunens datacenter").await;
    let uri = format!("/items/{}", system.id);
    let seen = system.version.to_string();
    let first = app
        .post_form_as(
            &ciso,
            &uri,
            &[
                ("name", &system.name),
                ("supplier", "Leverantör Ett AB"),
                ("version", &seen),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let second = app
        .post_form_as(
            &it,
            &uri,
            &[
                ("name", &system.name),
                ("supplier", "Leverantör Två AB"),
                ("version", &seen),
            ],
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(second.body.contains("Någon annan har sparat posten"), "{}", second.body);
    assert!(second.body.contains("Leverantör Ett AB"), "what is saved now is shown");
    assert!(
        second.body.contains("value=\"Leverantör Två AB\""),
        "what the person wrote is kept"
    );
    assert_eq!(
        item_named(&app, &system.name).await.supplier.as_deref(),
        Some("Leverantör Ett AB")
    );
    // Saving again from the form that came back is a knowing overwrite.
    let next = (system.version + 1).to_string();
    let again = app
        .post_form_as(
            &it,
            &uri,
            &[
                ("name", &system.name),
                ("supplier", "Leverantör Två AB"),
                ("version", &next),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(
        item_named(&app, &system.name).await.supplier.as_deref(),
        Some("Leverantör Två AB")
    );
}

async fn a_relation_that_would_close_a_cycle_is_refused_naming_it(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let [_, _, c] = chain_of_platforms(&app, "Appen", "Mellanlagret", "Hårdvaran").await;
    let relations = count_relations(&app).await;
    let refused = app
        .post_form_as(
            &it,
            &format!("/items/{c}/relations"),
            &[("relation", "runs_on"), ("other", "appen")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Hårdvaran → Appen → Mellanlagret → Hårdvaran"),
        "{}",
        refused.body
    );
    let unknown = app
        .post_form_as(
            &it,
            &format!("/items/{c}/relations"),
            &[("relation", "runs_on"), ("other", "Finns inte")],
        )
        .await;
    assert!(unknown.body.contains("finns inte i LIS"), "{}", unknown.body);
    assert_eq!(count_relations(&app).await, relations);
    // The same chain the other way round is fine, and shows on both records.
    let added = app
        .post_form_as(
            &it,
            &format!("/items/{c}/relations"),
            &[("relation", "integrates_with"), ("other", "Appen")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(count_relations(&app).await, relations + 1);
}

async fn retiring_keeps_the_record_and_its_history(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let admin = app.sign_in_as(Some(Role::Admin)).await;
    let social = item_named(&app, "Socialtjänst").await;
    let blocked = app
        .post_form_as(
            &admin,
            &format!("/items/{}/retire", social.id),
            &[("version", &social.version.to_string())],
        )
        .await;
    assert_eq!(blocked.status, StatusCode::CONFLICT);
    assert!(
        blocked.body.contains("Avveckla eller flytta dem först"),
        "{}",
        blocked.body
    );

    let [system, _, _] = chain_of_platforms(&app, "Gamla diariet", "Gammal server", "Gammal hall").await;
    let retired = app
        .post_form_as(&admin, &format!("/items/{system}/retire"), &[("version", "1")])
        .await;
    assert_eq!(retired.status, StatusCode::SEE_OTHER, "{}", retired.body);
    let list = app.get_as(&admin, "/inventory/system?q=gamla").await;
    assert!(!list.body.contains("Gamla diariet"), "{}", list.body);
    let with_retired = app.get_as(&admin, "/inventory/system?q=gamla&retired=1").await;
    assert!(with_retired.body.contains("Gamla diariet") && with_retired.body.contains("avvecklad"));
    let page = app.get_as(&admin, &format!("/items/{system}")).await;
    assert!(page.body.contains("Posten är avvecklad"), "{}", page.body);
    assert!(page.body.contains("Gammal server"), "its relations are kept");
    let event = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("retire"))
        .filter(audit_event::Column::SubjectId.eq(system.to_string()))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(event, 1);
    let edit = app.get_as(&admin, &format!("/items/{system}/edit")).await;
    assert_eq!(edit.status, StatusCode::NOT_FOUND, "a retired record is not edited");
}

async fn an_objektsagare_without_a_role_sees_and_changes_only_their_own(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let maria_id = person_with_email(&app, "maria.johansson@exempelkommun.se").await;
    let maria: TestSession = app.session_for(maria_id).await;
    let social = item_named(&app, "Socialtjänst").await;
    let economy = item_named(&app, "Ekonomi").await;

    let mine = app.get_as(&maria, "/mine").await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(
        mine.body.contains("Socialtjänst") && !mine.body.contains(">Ekonomi<"),
        "{}",
        mine.body
    );
    assert_eq!(
        app.get_as(&maria, &format!("/items/{}", social.id)).await.status,
        StatusCode::OK
    );
    let social_system = inventory_item::Entity::find()
        .filter(inventory_item::Column::ParentId.eq(social.id))
        .one(&app.db)
        .await
        .expect("query")
        .expect("a system");
    assert_eq!(
        app.get_as(&maria, &format!("/items/{}/edit", social_system.id))
            .await
            .status,
        StatusCode::OK,
        "the systems of her förvaltningsobjekt are hers too"
    );
    let saved = app
        .post_form_as(
            &maria,
            &format!("/items/{}", social.id),
            &[
                ("name", "Socialtjänst"),
                ("description", "Uppdaterad av objektsägaren."),
                ("org_unit", &social.org_unit_id.unwrap_or_default().to_string()),
                ("object_owner", &maria_id.to_string()),
                ("version", &social.version.to_string()),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        item_named(&app, "Socialtjänst").await.description,
        "Uppdaterad av objektsägaren."
    );

    assert_eq!(
        app.get_as(&maria, &format!("/items/{}", economy.id)).await.status,
        StatusCode::FORBIDDEN
    );
    let refused = app
        .post_form_as(
            &maria,
            &format!("/items/{}", economy.id),
            &[("name", "Mitt nu"), ("version", &economy.version.to_string())],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(item_named(&app, "Ekonomi").await, economy, "unchanged");
    assert_eq!(app.get_as(&maria, "/inventory").await.status, StatusCode::FORBIDDEN);
}

/// Sends a file as the import form does.
async fn upload(app: &TestApp, session: &TestSession, name: &str, bytes: &[u8]) -> TestResponse {
    app.post_multipart_as(session, "/inventory/import", "file", name, bytes)
        .await
}

/// Follows a redirect to an import's page and waits until the import running in the background has finished.
async fn finished_job(app: &TestApp, session: &TestSession, started: &TestResponse) -> TestResponse {
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let page = started.header("location").to_owned();
    assert!(page.starts_with("/inventory/import/jobs/"), "{page}");
    for _ in 0..500 {
        let response = app.get_as(session, &page).await;
        if !response.body.contains("data-refresh") {
            return response;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the import at {page} did not finish");
}

/// A file as a new user saves it from Swedish Excel: BOM, semicolons, headers in Swedish in their own case, åäö.
const NEW_USERS_FILE: &str = "\u{feff}TYP;namn;Organisationsenhet;Objektsägare;Förvaltningsobjekt;Driftform;Lagras i;\
                              Personuppgifter\r\n\
    Förvaltningsobjekt;Överförmyndarens ärendestöd;Överförmyndarnämnden;maria.johansson@exempelkommun.se;;;;\r\n\
    System;Ärendesystem för överförmyndare;;;Överförmyndarens ärendestöd;SaaS;;\r\n\
    Informationsmängd;Akter för ställföreträdarskap;Överförmyndarnämnden;;;;Ärendesystem för överförmyndare;ja\r\n";

async fn a_new_users_spreadsheet_imports_after_a_preview(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let items = count_items(&app).await;
    let started = upload(&app, &ciso, "förteckning.csv", NEW_USERS_FILE.as_bytes()).await;
    let preview = finished_job(&app, &ciso, &started).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.body.contains("3 nya, 0 ändrade, 0 oförändrade, 0 avvisade"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("Skapas"));
    assert_eq!(count_items(&app).await, items, "a preview writes nothing");
    let start = preview.body.find("/inventory/import/").expect("the apply form") + "/inventory/import/".len();
    let id: String = preview.body[start..].chars().take_while(char::is_ascii_digit).collect();
    let started = app
        .post_form_as(&ciso, &format!("/inventory/import/{id}/apply"), &[])
        .await;
    let applied = finished_job(&app, &ciso, &started).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    assert!(applied.body.contains("Importen är genomförd"), "{}", applied.body);
    assert_eq!(count_items(&app).await, items + 3);
    let set = item_named(&app, "Akter för ställföreträdarskap").await;
    assert_eq!(set.personal_data, Some(true));
    let system = item_named(&app, "Ärendesystem för överförmyndare").await;
    assert_eq!(system.hosting.as_deref(), Some("saas"));
    let held = inventory::relations_of(&app.db, set.id).await.expect("relations");
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].other.id, system.id);
    // The same file again changes nothing; an applied upload cannot be applied twice.
    let started = upload(&app, &ciso, "förteckning.csv", NEW_USERS_FILE.as_bytes()).await;
    let again = finished_job(&app, &ciso, &started).await;
    assert!(
        again.body.contains("0 nya, 0 ändrade, 3 oförändrade, 0 avvisade"),
        "{}",
        again.body
    );
    let twice = app
        .post_form_as(&ciso, &format!("/inventory/import/{id}/apply"), &[])
        .await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND);
    // Someone else's import is not theirs to see.
    let it = app.sign_in_as(Some(Role::It)).await;
    let job_page = started.header("location");
    assert_eq!(app.get_as(&it, job_page).await.status, StatusCode::NOT_FOUND);
}

/// The report for a file, as the command line prints it: the file's own problem, or the import's rows.
async fn report_for(app: &TestApp, bytes: &[u8]) -> String {
    let organisation_id = app.organisation_id().await;
    let sheets = match lis_sheets::read(bytes) {
        Ok(sheets) => sheets,
        Err(err) => return err.message_sv(),
    };
    let txn = app.db.begin_change().await.expect("begin");
    let ctx = ChangeContext::system("test");
    let report = inventory_import::apply(&txn, &ctx, organisation_id, &sheets, &NoProgress)
        .await
        .expect("plan");
    assert!(!report.is_acceptable(), "the file was accepted: {}", report.to_text());
    // Nothing was written; committing proves it.
    txn.commit().await.expect("commit");
    report.to_text()
}

async fn every_kind_of_bad_input_is_refused_by_row_and_column_and_nothing_changes(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let before = (
        count_items(&app).await,
        count_relations(&app).await,
        count_events(&app).await,
    );
    let long_name = "x".repeat(201);
    let too_long = format!("Typ;Namn\nsystem;{long_name}\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty file", Vec::new(), "Filen är tom."),
        (
            "header only",
            b"Typ;Namn\r\n".to_vec(),
            "Filen har en rubrikrad men inga rader",
        ),
        (
            "no kind column",
            b"Namn\nEtt system\n".to_vec(),
            "kolumnen ”Typ” saknas",
        ),
        (
            "unknown kind",
            b"Typ;Namn\nsak;A\n".to_vec(),
            "rad 2, kolumn Typ, värde ”sak”: ska vara organisationsenhet",
        ),
        (
            "duplicate external ids",
            b"Typ;Externt id;Namn\nsystem;X-1;A\nsystem;X-1;B\n".to_vec(),
            "rad 3, kolumn Externt id, värde ”X-1”: samma externa id som rad 2",
        ),
        (
            "too many fields",
            b"Typ;Namn\nsystem;A;extra\n".to_vec(),
            "rad 2: raden har 3 fält men rubrikraden har 2",
        ),
        (
            "too few fields",
            "Typ;Namn;Leverantör\nsystem;A\n".into(),
            "rad 2: raden har 2 fält men rubrikraden har 3",
        ),
        (
            "broken quoting",
            b"Typ;Namn\nsystem;\"A\nsystem;B\n".to_vec(),
            "Rad 2: citattecknet som börjar här avslutas aldrig",
        ),
        (
            "invalid UTF-8",
            b"Typ;Namn\nsystem;\xC3\xA5tta\nsystem;tr\xC3\n".to_vec(),
            "varken giltig UTF-8 eller Windows-1252",
        ),
        (
            "unknown org unit",
            "Typ;Namn;Organisationsenhet\nförvaltningsobjekt;A;Månbasen\n".into(),
            "rad 2, kolumn Organisationsenhet, värde ”Månbasen”: Ingen organisationsenhet med det namnet",
        ),
        (
            "unknown owner",
            "Typ;Namn;Objektsägare\nförvaltningsobjekt;A;okand@example.se\n".into(),
            "rad 2, kolumn Objektsägare, värde ”okand@example.se”: ingen person med den e-postadressen",
        ),
        (
            "value too long",
            too_long.into_bytes(),
            "rad 2, kolumn Namn, värde ”xxx",
        ),
        (
            "relation to nothing",
            "Typ;Namn;Körs på\nsystem;A;Finns inte\n".into(),
            "rad 2, kolumn Körs på, värde ”Finns inte”: Inget system med det namnet",
        ),
        (
            "cycle",
            "Typ;Namn;Körs på\nsystem;A;B\nsystem;B;A\n".into(),
            "det skulle bli en cirkel: B → A → B",
        ),
        (
            "a value not in the list",
            "Typ;Namn;Driftform\nsystem;A;på taket\n".into(),
            "rad 2, kolumn Driftform, värde ”på taket”: är inte ett av de tillåtna värdena (egen drift, extern drift, \
             molntjänst, SaaS)",
        ),
        (
            "repeated column",
            b"Typ;Namn;Name\nsystem;A;B\n".to_vec(),
            "kolumnen ”Name” finns två gånger",
        ),
    ];
    for (what, bytes, expected) in cases {
        let text = report_for(&app, &bytes).await;
        assert!(text.contains(expected), "{what}: expected {expected:?} in:\n{text}");
    }
    assert_eq!(
        (
            count_items(&app).await,
            count_relations(&app).await,
            count_events(&app).await
        ),
        before,
        "nothing was written"
    );
}

async fn windows_1252_and_english_headers_with_commas_are_read(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let organisation_id = app.organisation_id().await;
    // "Förskoleverksamhet i Åsen" in Windows-1252, as older Swedish Excel saves CSV.
    let bytes =
        b"Kind,Name,Org unit,External ID\r\nmanagement object,F\xF6rskoleverksamhet i \xC5sen,F\xF6rskola,W-1\r\n";
    let sheets = lis_sheets::read(bytes).expect("read");
    let report = lis_store::inventory_import::plan(&app.db, organisation_id, &sheets, &NoProgress)
        .await
        .expect("plan");
    assert!(report.is_acceptable(), "{}", report.to_text());
    assert_eq!(report.created(), 1);
    let txn = app.db.begin_change().await.expect("begin");
    inventory_import::apply(
        &txn,
        &ChangeContext::system("test"),
        organisation_id,
        &sheets,
        &NoProgress,
    )
    .await
    .expect("apply");
    txn.commit().await.expect("commit");
    let stored = item_named(&app, "Förskoleverksamhet i Åsen").await;
    assert_eq!(stored.external_id.as_deref(), Some("W-1"));
}

async fn an_export_imports_unchanged_and_exports_the_same_bytes(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let organisation_id = app.organisation_id().await;
    let tables = lis_web::inventory_files::tables(&app.db, organisation_id)
        .await
        .expect("tables");
    let rows: usize = tables.iter().map(|t| t.rows.len()).sum();
    for (format, bytes) in [
        ("csv", lis_web::inventory_files::csv(&tables).expect("csv")),
        ("xlsx", lis_web::inventory_files::xlsx(&tables).expect("xlsx")),
    ] {
        let sheets = lis_sheets::read(&bytes).expect("read");
        let report = inventory_import::plan(&app.db, organisation_id, &sheets, &NoProgress)
            .await
            .expect("plan");
        assert!(report.is_acceptable(), "{format}: {}", report.to_text());
        assert_eq!(
            (report.created(), report.updated(), report.unchanged()),
            (0, 0, rows),
            "{format}: {}",
            report.to_text()
        );
        let again = lis_web::inventory_files::tables(&app.db, organisation_id)
            .await
            .expect("tables");
        let second = match format {
            "csv" => lis_web::inventory_files::csv(&again),
            _ => lis_web::inventory_files::xlsx(&again),
        }
        .expect("export");
        assert!(second == bytes, "{format}: a second export differs from the first");
    }
    // From the page: an attachment, and the export is in the audit trail.
    let auditor = app.sign_in_as(Some(Role::Auditor)).await;
    let response = app.get_as(&auditor, "/inventory/export.csv").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.header("content-disposition").starts_with("attachment"));
    let exports = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("export"))
        .filter(audit_event::Column::SubjectId.eq("inventory"))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(exports, 1);
}

on_both_databases!(
    lists_are_searched_filtered_sorted_and_paged,
    a_record_shows_its_relations_both_ways,
    a_record_with_many_relations_shows_them_page_by_page,
    records_are_created_through_the_form_or_refused_field_by_field,
    a_stale_save_is_refused_showing_what_changed_and_nothing_is_lost,
    a_relation_that_would_close_a_cycle_is_refused_naming_it,
    retiring_keeps_the_record_and_its_history,
    an_objektsagare_without_a_role_sees_and_changes_only_their_own,
    a_new_users_spreadsheet_imports_after_a_preview,
    every_kind_of_bad_input_is_refused_by_row_and_column_and_nothing_changes,
    windows_1252_and_english_headers_with_commas_are_read,
    an_export_imports_unchanged_and_exports_the_same_bytes,
);
