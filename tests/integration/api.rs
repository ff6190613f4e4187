//! The JSON API under `/api/v1` and its tokens: issuing (shown once, stored hashed), revoking, reading, creating,
//! changing and retiring records with a token, paging and filters, stale versions, refused values named in Swedish,
//! refusals audited and attributed, the cross-origin check, and the OpenAPI document against the router; on both
//! databases.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use lis_domain::Role;
use lis_domain::inventory::ItemKind;
use lis_store::TransactionTrait;
use lis_store::audit::ChangeContext;
use lis_store::entity::{api_token, audit_event, inventory_item, inventory_relation, org_unit, person};
use lis_store::inventory::{self, ItemFields};
use lis_tests::{Backend, TestApp, TestResponse, on_both_databases};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

async fn count_items(app: &TestApp) -> u64 {
    inventory_item::Entity::find().count(&app.db).await.expect("count")
}

async fn count_kind(app: &TestApp, kind: &str) -> u64 {
    inventory_item::Entity::find()
        .filter(inventory_item::Column::Kind.eq(kind))
        .filter(inventory_item::Column::RetiredAt.is_null())
        .count(&app.db)
        .await
        .expect("count")
}

async fn item_named(app: &TestApp, name: &str) -> inventory_item::Model {
    inventory_item::Entity::find()
        .filter(inventory_item::Column::Name.eq(name))
        .one(&app.db)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("no record named {name}"))
}

/// A system created through the store, for tests that start from one: its id.
async fn system(app: &TestApp, name: &str) -> i64 {
    let organisation_id = app.organisation_id().await;
    let txn = app.db.begin().await.expect("begin");
    let fields = ItemFields {
        name: name.to_owned(),
        ..ItemFields::default()
    };
    let created = inventory::create(
        &txn,
        &ChangeContext::system("test"),
        organisation_id,
        ItemKind::System,
        fields,
    )
    .await
    .expect("create");
    txn.commit().await.expect("commit");
    created.id
}

/// Checks that a response is a problem document of `kind` with `status`, and returns it.
fn problem(response: &TestResponse, status: StatusCode, kind: &str) -> Value {
    assert_eq!(response.status, status, "{}", response.body);
    assert_eq!(
        response.header("content-type"),
        "application/problem+json",
        "{}",
        response.body
    );
    let problem = response.json();
    assert_eq!(problem["type"], format!("urn:lis:problem:{kind}"), "{problem}");
    assert_eq!(problem["status"], status.as_u16(), "{problem}");
    for member in ["title", "detail", "instance", "request_id"] {
        assert!(
            problem[member].as_str().is_some_and(|text| !text.is_empty()),
            "{member} in {problem}"
        );
    }
    problem
}

/// The fields a problem document's `errors` name, in order.
fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field").to_owned())
        .collect()
}

/// The Swedish message for `field` in a problem document's `errors`.
fn swedish<'a>(problem: &'a Value, field: &str) -> &'a str {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .find(|e| e["field"] == field)
        .and_then(|e| e["message_sv"].as_str())
        .unwrap_or_else(|| panic!("no error for {field} in {problem}"))
}

async fn tokens_are_shown_once_and_stored_only_as_a_hash(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.sign_in_as(Some(Role::Admin)).await;
    let refused = app
        .post_form_as(
            &admin,
            "/admin/api-tokens",
            &[("name", " "), ("role", "root"), ("validity", "30")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Namn: skriv vad nyckeln används till"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Roll: välj en av rollerna"), "{}", refused.body);
    assert_eq!(api_token::Entity::find().count(&app.db).await.expect("count"), 0);

    let page = app
        .post_form_as(
            &admin,
            "/admin/api-tokens",
            &[("name", "Ärendesystemet"), ("role", "it"), ("validity", "90")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Nyckeln visas bara den här gången"), "{}", page.body);
    assert_eq!(page.header("cache-control"), "no-store");
    let secret = page
        .body
        .split("value=\"lis_")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|rest| format!("lis_{rest}"))
        .expect("the secret on the page");
    assert_eq!(secret.len(), 4 + 43, "lis_ and 32 bytes in base64url: {secret}");

    let stored = api_token::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("a token");
    let sha256: String = Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(stored.token_hash, sha256);
    assert_eq!(stored.token_prefix, secret[..12]);
    assert_eq!((stored.name.as_str(), stored.role.as_str()), ("Ärendesystemet", "it"));
    assert_eq!(stored.created_by, admin.person_id);
    let expires = stored.expires_at.expect("an end") - stored.created_at;
    assert!(
        (expires - chrono::Duration::days(90)).num_seconds().abs() < 60,
        "{expires}"
    );
    // The secret is nowhere else: not in the audit trail (which names the token), not on the list.
    let events = lis_store::audit::all_events(&app.db).await.expect("events");
    let issued = events
        .iter()
        .find(|e| e.subject_kind == "api_token" && e.action == "create")
        .expect("the issue is audited");
    assert_eq!(issued.actor, format!("person:{}", admin.person_id));
    for event in &events {
        let text = format!("{event:?}");
        assert!(!text.contains(&secret[4..]) && !text.contains(&sha256), "{text}");
    }
    let list = app.get_as(&admin, "/admin/api-tokens").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains(&secret), "shown once only");
    assert!(list.body.contains(&stored.token_prefix), "{}", list.body);
    assert!(list.body.contains("Ärendesystemet"), "{}", list.body);

    // The secret works; its use is noted.
    let used = app
        .api(Method::GET, "/api/v1/inventory/system", Some(&secret), None)
        .await;
    assert_eq!(used.status, StatusCode::OK, "{}", used.body);
    let stored = api_token::Entity::find_by_id(stored.id)
        .one(&app.db)
        .await
        .expect("q")
        .expect("token");
    assert!(stored.last_used_at.is_some());
}

async fn records_are_read_created_changed_and_retired_with_a_token(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let (_, token) = app.issue_token(it.person_id, Role::It).await;
    let object = item_named(&app, "Ekonomi").await;
    let manager = person::Entity::find()
        .filter(person::Column::Email.is_not_null())
        .order_by_asc(person::Column::Id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("a person with an e-mail address");

    let body = json!({
        "name": "Nytt ekonomisystem via API",
        "external_id": "API-1",
        "management_object": object.id,
        "system_manager": manager.id,
        "supplier": "Leverantören AB",
        "hosting": "saas",
        "lifecycle": "planned",
        "tags": ["Ekonomi", "kritisk"],
    });
    let created = app
        .api(Method::POST, "/api/v1/inventory/system", Some(&token), Some(body))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let stored = item_named(&app, "Nytt ekonomisystem via API").await;
    assert_eq!(created.header("location"), format!("/api/v1/items/{}", stored.id));
    assert_eq!(stored.parent_id, Some(object.id));
    assert_eq!(stored.hosting.as_deref(), Some("saas"));
    assert_eq!(inventory::split_tags(&stored.tags), ["ekonomi", "kritisk"]);
    let item = created.json();
    assert_eq!(item["kind"], "system");
    assert_eq!(item["version"], 1);
    assert_eq!(item["properties"]["tags"], json!(["ekonomi", "kritisk"]));
    assert_eq!(item["properties"]["org_unit"], Value::Null, "not a system's property");

    let read = app
        .api(Method::GET, created.header("location"), Some(&token), None)
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    let read = read.json();
    assert_eq!(read["properties"], item["properties"]);
    assert_eq!(read["references"]["management_object"]["name"], "Ekonomi");
    assert_eq!(read["references"]["system_manager"]["id"], manager.id);
    assert_eq!(read["references"]["system_manager"]["email"], json!(manager.email));
    assert_eq!(read["relations"], json!([]));

    // A change sends every property back with the version read.
    let mut properties = read["properties"].clone();
    properties["lifecycle"] = json!("in_use");
    properties["supplier"] = Value::Null;
    let uri = format!("/api/v1/items/{}", stored.id);
    let change = json!({ "version": 1, "properties": properties });
    let changed = app.api(Method::PUT, &uri, Some(&token), Some(change)).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let changed = changed.json();
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["properties"]["lifecycle"], "in_use");
    assert_eq!(changed["properties"]["supplier"], Value::Null);
    let stored = item_named(&app, "Nytt ekonomisystem via API").await;
    assert_eq!((stored.version, stored.supplier), (2, None));

    let retire = format!("/api/v1/items/{}/retire", stored.id);
    let retired = app
        .api(Method::POST, &retire, Some(&token), Some(json!({ "version": 2 })))
        .await;
    assert_eq!(retired.status, StatusCode::OK, "{}", retired.body);
    assert!(retired.json()["retired_at"].is_string());
    assert!(
        item_named(&app, "Nytt ekonomisystem via API")
            .await
            .retired_at
            .is_some()
    );
    let again = app
        .api(Method::POST, &retire, Some(&token), Some(json!({ "version": 3 })))
        .await;
    problem(&again, StatusCode::CONFLICT, "conflict");
    let in_use = app
        .api(Method::GET, "/api/v1/inventory/system?q=API-1", Some(&token), None)
        .await;
    assert_eq!(in_use.json()["total"], 0, "a retired record leaves the list");
    let all = app
        .api(
            Method::GET,
            "/api/v1/inventory/system?q=API-1&retired=true",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(all.json()["total"], 1);

    // Relations read both ways.
    let held = inventory_relation::Entity::find()
        .filter(inventory_relation::Column::Kind.eq("held_by"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("a held_by relation");
    let from = app
        .api(
            Method::GET,
            &format!("/api/v1/items/{}", held.from_item_id),
            Some(&token),
            None,
        )
        .await
        .json();
    let relation = from["relations"]
        .as_array()
        .expect("relations")
        .iter()
        .find(|r| r["id"] == held.id)
        .cloned()
        .expect("the relation");
    assert_eq!(relation["kind"], "held_by");
    assert_eq!(relation["direction"], "outgoing");
    assert_eq!(relation["other"]["id"], held.to_item_id);
    assert_eq!(relation["other"]["kind"], "system");
    let to = app
        .api(
            Method::GET,
            &format!("/api/v1/items/{}", held.to_item_id),
            Some(&token),
            None,
        )
        .await
        .json();
    assert!(
        to["relations"]
            .as_array()
            .expect("relations")
            .iter()
            .any(|r| r["id"] == held.id && r["direction"] == "incoming" && r["other"]["id"] == held.from_item_id),
        "{to}"
    );
}

async fn lists_are_paged_and_filtered_on_the_server(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let auditor = app.sign_in_as(Some(Role::Auditor)).await;
    let (_, token) = app.issue_token(auditor.person_id, Role::Auditor).await;
    let get = |uri: String| {
        let app = &app;
        let token = token.clone();
        async move { app.api(Method::GET, &uri, Some(&token), None).await }
    };

    let sets = count_kind(&app, "informationsmangd").await;
    assert!(sets > 150, "{sets}");
    let first = get("/api/v1/inventory/informationsmangd".into()).await.json();
    assert_eq!((first["total"].as_u64(), first["page"].as_u64()), (Some(sets), Some(1)));
    assert_eq!(first["per_page"], 50);
    assert_eq!(first["items"].as_array().expect("items").len(), 50);
    assert!(first["items"][0].get("relations").is_none(), "lists carry no relations");
    let last_page = sets.div_ceil(50);
    let last = get(format!("/api/v1/inventory/informationsmangd?page={last_page}"))
        .await
        .json();
    let on_last = usize::try_from(sets - (last_page - 1) * 50).expect("small");
    assert_eq!(last["items"].as_array().expect("items").len(), on_last);
    let beyond = get(format!("/api/v1/inventory/informationsmangd?page={}", last_page + 1))
        .await
        .json();
    assert_eq!(beyond["items"], json!([]));
    let big = get("/api/v1/inventory/informationsmangd?per_page=500".into())
        .await
        .json();
    let all = usize::try_from(sets.min(500)).expect("small");
    assert_eq!(big["items"].as_array().expect("items").len(), all);
    let ids: BTreeSet<i64> = big["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids.len(), all, "no record twice");

    // Filters agree with the database.
    for (filter, column, value) in [
        ("lifecycle=planned", inventory_item::Column::Lifecycle, "planned"),
        ("hosting=saas", inventory_item::Column::Hosting, "saas"),
    ] {
        let expected = inventory_item::Entity::find()
            .filter(column.eq(value))
            .filter(inventory_item::Column::RetiredAt.is_null())
            .count(&app.db)
            .await
            .expect("count");
        let found = get(format!("/api/v1/inventory/system?{filter}&per_page=500"))
            .await
            .json();
        assert_eq!(found["total"].as_u64(), Some(expected), "{filter}");
        for item in found["items"].as_array().expect("items") {
            assert_eq!(item["properties"][filter.split('=').next().expect("name")], value);
        }
    }
    let platform = item_named(&app, "Virtualiseringsplattform i kommunens datacenter").await;
    let found = get("/api/v1/inventory/system?q=VIRTUALISERINGS".into()).await.json();
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["id"], platform.id);
    let welfare = org_unit::Entity::find()
        .filter(org_unit::Column::Name.eq("Sektor välfärd"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("unit");
    let tree = lis_store::organisation::org_tree(&app.db, app.organisation_id().await)
        .await
        .expect("tree");
    let in_welfare = inventory_item::Entity::find()
        .filter(inventory_item::Column::Kind.eq("informationsmangd"))
        .filter(inventory_item::Column::OrgUnitId.is_in(tree.subtree(welfare.id)))
        .count(&app.db)
        .await
        .expect("count");
    let found = get(format!("/api/v1/inventory/informationsmangd?unit={}", welfare.id))
        .await
        .json();
    assert_eq!(found["total"].as_u64(), Some(in_welfare));
    // The person filter gives what the page gives.
    let maria = person::Entity::find()
        .filter(person::Column::Email.eq("maria.johansson@exempelkommun.se"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("Maria");
    let found = get(format!("/api/v1/inventory/system?person={}", maria.id))
        .await
        .json();
    let total = found["total"].as_u64().expect("total");
    assert!(total > 0);
    let page = app
        .get_as(&auditor, &format!("/inventory/system?person={}", maria.id))
        .await;
    assert!(page.body.contains(&format!("av {total}</p>")), "{}", page.body);
    // Sorting.
    let descending = get("/api/v1/inventory/forvaltningsobjekt?sort=name_desc&per_page=500".into())
        .await
        .json();
    let names: Vec<String> = descending["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["properties"]["name"].as_str().expect("name").to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(names, sorted);

    // Parameters that do not parse are refused by name.
    let refused = problem(
        &get("/api/v1/inventory/system?per_page=501".into()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    );
    assert_eq!(fields(&refused), ["per_page"]);
    assert!(swedish(&refused, "per_page").contains("från 1 till 500"), "{refused}");
    let refused = problem(
        &get("/api/v1/inventory/system?lifecycle=snart&page=0&unit=99999999".into()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    );
    assert_eq!(fields(&refused), ["unit", "lifecycle", "page"]);
    assert!(swedish(&refused, "lifecycle").contains("in_use"), "{refused}");
    problem(
        &get("/api/v1/inventory/apparater".into()).await,
        StatusCode::NOT_FOUND,
        "not-found",
    );
}

async fn a_stale_version_is_refused_with_the_record_as_it_is_now(backend: Backend) {
    let app = TestApp::new(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let (_, token) = app.issue_token(ciso.person_id, Role::Ciso).await;
    let id = system(&app, "Diariet").await;
    let uri = format!("/api/v1/items/{id}");
    let first = json!({ "version": 1, "properties": { "name": "Diariet", "supplier": "Ett AB" } });
    let saved = app.api(Method::PUT, &uri, Some(&token), Some(first)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let events = audit_event::Entity::find().count(&app.db).await.expect("count");

    let late = json!({ "version": 1, "properties": { "name": "Diariet", "supplier": "Två AB" } });
    let refused = problem(
        &app.api(Method::PUT, &uri, Some(&token), Some(late)).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert_eq!(refused["current"]["version"], 2);
    assert_eq!(refused["current"]["properties"]["supplier"], "Ett AB");
    assert_eq!(refused["current"]["id"], id);
    let retire = format!("{uri}/retire");
    let refused = problem(
        &app.api(Method::POST, &retire, Some(&token), Some(json!({ "version": 1 })))
            .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert_eq!(refused["current"]["version"], 2);
    let stored = inventory_item::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("q")
        .expect("item");
    assert_eq!((stored.version, stored.supplier.as_deref()), (2, Some("Ett AB")));
    assert!(stored.retired_at.is_none());
    assert_eq!(audit_event::Entity::find().count(&app.db).await.expect("count"), events);
}

async fn refused_values_are_named_by_field_in_swedish_and_nothing_changes(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let (_, token) = app.issue_token(ciso.person_id, Role::Ciso).await;
    let before = count_items(&app).await;
    let post = |uri: &'static str, body: Value| {
        let app = &app;
        let token = token.clone();
        async move { app.api(Method::POST, uri, Some(&token), Some(body)).await }
    };

    let shapes = post(
        "/api/v1/inventory/system",
        json!({ "lifecycel": "in_use", "system_manager": "Maria" }),
    )
    .await;
    let shapes = problem(&shapes, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(shapes["title"], "Uppgifterna godtogs inte");
    assert_eq!(fields(&shapes), ["lifecycel", "system_manager"]);
    assert!(swedish(&shapes, "lifecycel").contains("ingen egenskap"), "{shapes}");
    assert_eq!(
        swedish(&shapes, "system_manager"),
        "Systemförvaltare ska vara ett id (ett heltal) eller null"
    );

    let values = post(
        "/api/v1/inventory/forvaltningsobjekt",
        json!({ "name": " ", "hosting": "saas", "external_id": "x".repeat(201) }),
    )
    .await;
    let values = problem(&values, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(fields(&values), ["name", "external_id", "hosting"]);
    assert_eq!(swedish(&values, "name"), "Namn måste fyllas i");
    assert!(swedish(&values, "external_id").contains("högst 200 tecken"), "{values}");
    assert_eq!(
        swedish(&values, "hosting"),
        "Driftform finns inte för förvaltningsobjekt"
    );

    let choice = post(
        "/api/v1/inventory/system",
        json!({ "name": "Nytt", "hosting": "på taket" }),
    )
    .await;
    let choice = problem(&choice, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert!(swedish(&choice, "hosting").contains("own_data_centre"), "{choice}");

    let unknown = post(
        "/api/v1/inventory/system",
        json!({ "name": "Nytt", "management_object": 99_999_999 }),
    )
    .await;
    let unknown = problem(&unknown, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(
        swedish(&unknown, "management_object"),
        "Förvaltningsobjekt finns inte i LIS"
    );
    let nobody = post(
        "/api/v1/inventory/system",
        json!({ "name": "Nytt", "system_manager": 99_999_999 }),
    )
    .await;
    let nobody = problem(&nobody, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(fields(&nobody), ["system_manager"]);

    let taken = item_named(&app, "Virtualiseringsplattform i kommunens datacenter").await;
    let twice = post(
        "/api/v1/inventory/system",
        json!({ "name": "Något nytt", "external_id": taken.external_id }),
    )
    .await;
    let twice = problem(&twice, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(
        swedish(&twice, "external_id"),
        "Externt id används redan av en annan post"
    );

    // English on request.
    let mut request = Request::post("/api/v1/inventory/system")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT_LANGUAGE, "en")
        .body(Body::from(json!({ "name": "" }).to_string()))
        .expect("request");
    request
        .headers_mut()
        .insert("x-request-id", "engelska".parse().expect("header"));
    let english = problem(&app.request(request).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(english["title"], "The values were refused");
    assert_eq!(english["request_id"], "engelska");
    assert_eq!(english["errors"][0]["message_en"], "Name is required");

    // What is not JSON is refused whole.
    let not_json = Request::post("/api/v1/inventory/system")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{name: Nytt"))
        .expect("request");
    problem(&app.request(not_json).await, StatusCode::BAD_REQUEST, "bad-form");
    let a_form = Request::post("/api/v1/inventory/system")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("name=Nytt"))
        .expect("request");
    problem(&app.request(a_form).await, StatusCode::BAD_REQUEST, "bad-form");
    let method = app
        .api(
            Method::DELETE,
            &format!("/api/v1/items/{}", taken.id),
            Some(&token),
            None,
        )
        .await;
    problem(&method, StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed");

    assert_eq!(count_items(&app).await, before, "nothing was created");
}

async fn revoked_expired_and_unknown_tokens_are_refused(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.sign_in_as(Some(Role::Admin)).await;
    let (id, token) = app.issue_token(admin.person_id, Role::It).await;
    let list = "/api/v1/inventory/system";
    assert_eq!(
        app.api(Method::GET, list, Some(&token), None).await.status,
        StatusCode::OK
    );

    let anonymous = problem(
        &app.api(Method::GET, list, None, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    assert_eq!(anonymous["title"], "API-nyckel saknas eller gäller inte");
    let challenge = app.api(Method::GET, list, None, None).await;
    assert_eq!(challenge.header("www-authenticate"), "Bearer realm=\"LIS\"");
    for wrong in ["lis_inte-en-riktig-nyckel", "någonting", &token[..20]] {
        let refused = app.api(Method::GET, list, Some(wrong), None).await;
        problem(&refused, StatusCode::UNAUTHORIZED, "unauthenticated");
        assert!(refused.header("www-authenticate").contains("error=\"invalid_token\""));
    }
    let basic = Request::get(list)
        .header(header::AUTHORIZATION, "Basic YWRtaW46YWRtaW4=")
        .body(Body::empty())
        .expect("request");
    problem(&app.request(basic).await, StatusCode::UNAUTHORIZED, "unauthenticated");

    // Revoked through the administration page: refused from the next request on, and audited.
    let revoked = app
        .post_form_as(&admin, &format!("/admin/api-tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    let refused = app.api(Method::GET, list, Some(&token), None).await;
    problem(&refused, StatusCode::UNAUTHORIZED, "unauthenticated");
    let event = audit_event::Entity::find()
        .filter(audit_event::Column::SubjectKind.eq("api_token"))
        .filter(audit_event::Column::Action.eq("retire"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("the revocation is audited");
    assert_eq!(event.subject_id, id.to_string());
    let page = app.get_as(&admin, "/admin/api-tokens").await;
    assert!(page.body.contains("Återkallad"), "{}", page.body);

    // Expired.
    let organisation_id = app.organisation_id().await;
    let txn = app.db.begin().await.expect("begin");
    let new = lis_store::api_tokens::NewToken {
        name: "Gammal".into(),
        role: Role::It,
        expires_at: Some(chrono::Utc::now() - chrono::Duration::minutes(1)),
    };
    let expired = lis_store::api_tokens::issue(
        &txn,
        &ChangeContext::system("test"),
        organisation_id,
        admin.person_id,
        new,
    )
    .await
    .expect("issue");
    txn.commit().await.expect("commit");
    problem(
        &app.api(Method::GET, list, Some(&expired.secret), None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );

    // The tokens of a disabled administrator stop working.
    let other_admin = app.sign_in_as(Some(Role::Admin)).await;
    let (_, theirs) = app.issue_token(other_admin.person_id, Role::Ciso).await;
    assert_eq!(
        app.api(Method::GET, list, Some(&theirs), None).await.status,
        StatusCode::OK
    );
    let disabled = app
        .post_form_as(&admin, &format!("/admin/people/{}/disable", other_admin.person_id), &[])
        .await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    problem(
        &app.api(Method::GET, list, Some(&theirs), None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
}

async fn an_auditor_token_reads_but_its_changes_are_refused_and_audited(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let auditor = app.sign_in_as(Some(Role::Auditor)).await;
    let (token_id, token) = app.issue_token(auditor.person_id, Role::Auditor).await;
    let target = item_named(&app, "Virtualiseringsplattform i kommunens datacenter").await;
    let uri = format!("/api/v1/items/{}", target.id);
    assert_eq!(
        app.api(Method::GET, &uri, Some(&token), None).await.status,
        StatusCode::OK
    );
    let items = count_items(&app).await;
    let denials = || async {
        audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("access_denied"))
            .filter(audit_event::Column::Actor.eq(format!("token:{token_id}")))
            .all(&app.db)
            .await
            .expect("query")
    };

    let create = app
        .api(
            Method::POST,
            "/api/v1/inventory/system",
            Some(&token),
            Some(json!({ "name": "Granskarens system" })),
        )
        .await;
    let refused = problem(&create, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(refused["title"], "Du saknar behörighet");
    let change = json!({ "version": target.version, "properties": { "name": "Omdöpt av granskaren" } });
    problem(
        &app.api(Method::PUT, &uri, Some(&token), Some(change)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let retire = json!({ "version": target.version });
    problem(
        &app.api(Method::POST, &format!("{uri}/retire"), Some(&token), Some(retire))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );

    assert_eq!(count_items(&app).await, items, "nothing was created");
    let after = item_named(&app, &target.name).await;
    assert_eq!(after, target, "nothing was changed");
    let refusals = denials().await;
    assert_eq!(refusals.len(), 3, "every refusal is audited: {refusals:?}");
    assert!(refusals.iter().all(|e| e.actor_person_id == Some(auditor.person_id)));
    assert_eq!(refusals[0].subject_id, "inventory");
    assert_eq!(refusals[1].subject_id, "inventory_item");
}

async fn changes_made_with_a_token_are_attributed_to_the_token(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.sign_in_as(Some(Role::Admin)).await;
    let (token_id, token) = app.issue_token(admin.person_id, Role::It).await;
    let created = app
        .api(
            Method::POST,
            "/api/v1/inventory/forvaltningsobjekt",
            Some(&token),
            Some(json!({ "name": "Skola" })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().expect("id");
    let event = audit_event::Entity::find()
        .filter(audit_event::Column::SubjectKind.eq("forvaltningsobjekt"))
        .filter(audit_event::Column::SubjectId.eq(id.to_string()))
        .one(&app.db)
        .await
        .expect("query")
        .expect("the creation is audited");
    assert_eq!(event.action, "create");
    assert_eq!(event.actor, format!("token:{token_id}"));
    assert_eq!(
        event.actor_person_id,
        Some(admin.person_id),
        "the issuer is accountable"
    );
    assert_eq!(event.request_id.as_deref(), Some(created.header("x-request-id")));
    assert_eq!(event.after.expect("after")["name"], "Skola");
}

async fn a_browser_session_reads_through_the_api_but_changes_only_on_the_pages(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let with_cookie = |method: Method, uri: &str, body: Option<Value>| {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::COOKIE, &it.cookie);
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        request.body(body).expect("request")
    };
    let read = app
        .request(with_cookie(Method::GET, "/api/v1/inventory/system", None))
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    let items = count_items(&app).await;
    let write = app
        .request(with_cookie(
            Method::POST,
            "/api/v1/inventory/system",
            Some(json!({ "name": "Via kakan" })),
        ))
        .await;
    let refused = problem(&write, StatusCode::UNAUTHORIZED, "token-required");
    assert!(
        refused["detail"].as_str().expect("detail").contains("API-nyckel"),
        "{refused}"
    );
    assert_eq!(count_items(&app).await, items);

    // A person without a role reads, through the API too, only what they are named on.
    let owner_email = "maria.johansson@exempelkommun.se";
    let owner = person::Entity::find()
        .filter(person::Column::Email.eq(owner_email))
        .one(&app.db)
        .await
        .expect("query")
        .expect("Maria");
    let theirs = inventory_item::Entity::find()
        .filter(inventory_item::Column::OwnerPersonId.eq(owner.id))
        .one(&app.db)
        .await
        .expect("query")
        .expect("something Maria owns");
    let other = item_named(&app, "Virtualiseringsplattform i kommunens datacenter").await;
    let session = app.session_for(owner.id).await;
    let get = |id: i64| {
        Request::get(format!("/api/v1/items/{id}"))
            .header(header::COOKIE, &session.cookie)
            .body(Body::empty())
            .expect("request")
    };
    let roles = lis_store::people::principal(&app.db, owner.id).await.expect("roles");
    assert!(!roles.has_any_role(), "Maria holds no role in the demo");
    let own = app.request(get(theirs.id)).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert_eq!(own.json()["id"], theirs.id);
    problem(&app.request(get(other.id)).await, StatusCode::FORBIDDEN, "no-role");
}

async fn token_clients_pass_the_cross_origin_check_and_other_sites_do_not(backend: Backend) {
    let app = TestApp::new(backend).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let (_, token) = app.issue_token(it.person_id, Role::It).await;
    let post = |name: &str, header: Option<(&str, &str)>| {
        let mut request = Request::post("/api/v1/inventory/system")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json");
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        request
            .body(Body::from(json!({ "name": name }).to_string()))
            .expect("request")
    };
    // A script sends neither Origin nor Sec-Fetch-Site: the cross-origin check lets it through.
    let script = app.request(post("Från skript", None)).await;
    assert_eq!(script.status, StatusCode::CREATED, "{}", script.body);
    // A page of another site that got hold of a token is still refused by the browser's own headers.
    for header in [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")] {
        let refused = app.request(post("Från annan webbplats", Some(header))).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{header:?}");
    }
    assert_eq!(count_items(&app).await, 1, "only the script's record exists");
}

async fn the_openapi_document_describes_exactly_the_api_routes(backend: Backend) {
    let app = TestApp::new(backend).await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-type"), "application/json");
    let document = response.json();
    assert_eq!(
        document,
        serde_json::from_str::<Value>(&lis_web::openapi_json()).expect("json")
    );
    let version = document["openapi"].as_str().expect("openapi");
    assert!(version.starts_with("3."), "{version}");
    assert_eq!(
        document["components"]["securitySchemes"]["api_token"]["scheme"],
        "bearer"
    );

    let routes: BTreeSet<(String, String)> = lis_web::route_table(false)
        .into_iter()
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    let mut documented = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let method = method.to_uppercase();
            assert!(
                routes.contains(&(method.clone(), path.clone())),
                "{method} {path} is documented but is no route"
            );
            assert_eq!(operation["security"], json!([{ "api_token": [] }]), "{method} {path}");
            for (status, answer) in operation["responses"].as_object().expect("responses") {
                if status.starts_with('4') {
                    assert!(
                        answer["content"].get("application/problem+json").is_some(),
                        "{method} {path} {status}"
                    );
                }
            }
            documented.insert((method, path.clone()));
        }
    }
    let api_routes: BTreeSet<(String, String)> = routes
        .into_iter()
        .filter(|(_, path)| path.starts_with("/api/v1/"))
        .collect();
    assert_eq!(
        documented, api_routes,
        "the document and the router name the same API routes"
    );
}

on_both_databases!(
    tokens_are_shown_once_and_stored_only_as_a_hash,
    records_are_read_created_changed_and_retired_with_a_token,
    lists_are_paged_and_filtered_on_the_server,
    a_stale_version_is_refused_with_the_record_as_it_is_now,
    refused_values_are_named_by_field_in_swedish_and_nothing_changes,
    revoked_expired_and_unknown_tokens_are_refused,
    an_auditor_token_reads_but_its_changes_are_refused_and_audited,
    changes_made_with_a_token_are_attributed_to_the_token,
    a_browser_session_reads_through_the_api_but_changes_only_on_the_pages,
    token_clients_pass_the_cross_origin_check_and_other_sites_do_not,
    the_openapi_document_describes_exactly_the_api_routes,
);
