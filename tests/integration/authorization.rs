//! The authorization matrix of `docs/authorization.md`, walked over every route of the router for every kind of
//! visitor, on both databases.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use lis_domain::Role;
use lis_domain::aspect::Aspect;
use lis_domain::classification::{Proposal, default_valid_until};
use lis_domain::inventory::ItemKind;
use lis_store::TransactionTrait;
use lis_store::entity::{
    api_token, audit_event, inventory_item, inventory_relation, org_unit, organisation, person, role_assignment,
    role_mapping, session,
};
use lis_tests::{Backend, TestApp, TestResponse, TestSession, on_both_databases};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

/// The kinds of visitor, in the order of the matrix's columns.
const VISITORS: [&str; 6] = ["anonymous", "no role", "admin", "ciso", "it", "auditor"];

#[derive(Debug)]
struct Row {
    method: Method,
    route: String,
    expected: Vec<String>,
}

/// The table of `docs/authorization.md`.
fn matrix() -> Vec<Row> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/authorization.md");
    let text = std::fs::read_to_string(path).expect("docs/authorization.md");
    text.lines()
        .filter(|line| {
            ["| GET", "| POST", "| PUT"]
                .iter()
                .any(|method| line.starts_with(method))
        })
        .map(|line| {
            let cells: Vec<String> = line
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_owned())
                .collect();
            assert_eq!(
                cells.len(),
                2 + VISITORS.len(),
                "a row of the matrix has the wrong number of cells: {line}"
            );
            Row {
                method: cells[0].parse().expect("a method"),
                route: cells[1].clone(),
                expected: cells[2..].to_vec(),
            }
        })
        .collect()
}

#[test]
fn the_matrix_names_every_route_and_only_routes() {
    let routes: BTreeSet<(String, String)> = lis_web::route_table(true)
        .into_iter()
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    let rows: BTreeSet<(String, String)> = matrix().into_iter().map(|r| (r.method.to_string(), r.route)).collect();
    let missing: Vec<_> = routes.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&routes).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in docs/authorization.md: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows in docs/authorization.md that name no route: {stale:?}"
    );
    for row in matrix() {
        for cell in &row.expected {
            assert!(
                ["public", "allow", "deny", "sign-in", "401"].contains(&cell.as_str()),
                "{row:?}"
            );
        }
    }
}

/// Everything a refused write must leave as it was, as text.
async fn snapshot(app: &TestApp) -> String {
    let db = &app.db;
    let organisations = organisation::Entity::find()
        .order_by_asc(organisation::Column::Id)
        .all(db)
        .await
        .expect("q");
    let units = org_unit::Entity::find().count(db).await.expect("q");
    let people = person::Entity::find()
        .order_by_asc(person::Column::Id)
        .all(db)
        .await
        .expect("q");
    let roles = role_assignment::Entity::find()
        .order_by_asc(role_assignment::Column::Id)
        .all(db)
        .await
        .expect("q");
    let mapping = role_mapping::Entity::find()
        .order_by_asc(role_mapping::Column::Id)
        .all(db)
        .await
        .expect("q");
    let sessions: Vec<(String, Option<i64>)> = session::Entity::find()
        .order_by_asc(session::Column::Id)
        .all(db)
        .await
        .expect("q")
        .into_iter()
        .map(|s| (s.id, s.person_id))
        .collect();
    let items = inventory_item::Entity::find()
        .order_by_asc(inventory_item::Column::Id)
        .all(db)
        .await
        .expect("q");
    let relations = inventory_relation::Entity::find()
        .order_by_asc(inventory_relation::Column::Id)
        .all(db)
        .await
        .expect("q");
    // Tokens as issued and revoked; the time of last use is not a change of data.
    let tokens: Vec<(i64, String, String, Option<String>)> = api_token::Entity::find()
        .order_by_asc(api_token::Column::Id)
        .all(db)
        .await
        .expect("q")
        .into_iter()
        .map(|t| (t.id, t.name, t.role, t.revoked_at.map(|at| at.to_rfc3339())))
        .collect();
    let changes = audit_event::Entity::find()
        .filter(audit_event::Column::Action.ne("access_denied"))
        .count(db)
        .await
        .expect("q");
    format!(
        "{organisations:?}\n{units}\n{people:?}\n{roles:?}\n{mapping:?}\n{sessions:?}\n{changes}\n{items:?}\n{relations:?}\n\
         {tokens:?}"
    )
}

async fn denials(app: &TestApp) -> u64 {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("access_denied"))
        .count(&app.db)
        .await
        .expect("q")
}
/// NIST's example OSCAL catalog, imported the first time a route needs it.
async fn imported_catalogue(app: &TestApp) -> i64 {
    let stored = lis_store::catalogues::list(&app.db).await.expect("list");
    if let Some(imported) = stored.iter().find(|c| c.source == "oscal") {
        return imported.id;
    }
    app.import_oscal_fixture("basic-catalog.json").await.0.id
}

/// A new system named after `n`, running on a new platform: (the system's id, the relation's id).
async fn fresh_system(app: &TestApp, n: i64) -> (i64, i64) {
    use lis_domain::inventory::RelationKind;
    use lis_store::inventory::{self, ItemFields};
    let organisation_id = app.organisation_id().await;
    let ctx = lis_store::audit::ChangeContext::system("test");
    let txn = app.db.begin().await.expect("begin");
    let mut ids = Vec::new();
    for name in [format!("Matris {n}"), format!("Matrisplattform {n}")] {
        let fields = ItemFields {
            name,
            ..ItemFields::default()
        };
        let created = inventory::create(&txn, &ctx, organisation_id, ItemKind::System, fields)
            .await
            .expect("create");
        ids.push(created.id);
    }
    let relation = inventory::relate(&txn, &ctx, organisation_id, RelationKind::RunsOn, ids[0], ids[1])
        .await
        .expect("relate");
    txn.commit().await.expect("commit");
    (ids[0], relation.id)
}

/// A new informationsmängd with a draft classification (version 1) by `target`: its id.
async fn fresh_draft(app: &TestApp, target: &TestSession) -> i64 {
    use lis_domain::inventory::ItemKind;
    use lis_store::inventory::{self, ItemFields};
    let organisation_id = app.organisation_id().await;
    let ctx = lis_store::audit::ChangeContext::person(target.person_id, None);
    let txn = app.db.begin().await.expect("begin");
    let fields = ItemFields {
        name: format!("Matrisinformation {}", target.person_id),
        ..ItemFields::default()
    };
    let information = inventory::create(&txn, &ctx, organisation_id, ItemKind::InformationSet, fields)
        .await
        .expect("create")
        .id;
    let levels = [(Aspect::K, 1), (Aspect::R, 1), (Aspect::T, 1), (Aspect::S, 1)]
        .into_iter()
        .collect();
    let proposal = Proposal {
        proposed: levels,
        levels: [(Aspect::K, 1), (Aspect::R, 1), (Aspect::T, 1), (Aspect::S, 1)]
            .into_iter()
            .collect(),
        justification: String::new(),
        valid_until: default_valid_until(chrono::Utc::now().date_naive()),
        information_type: None,
    };
    let model = lis_store::classification::Model {
        max_level: 4,
        classifies_traceability: true,
    };
    lis_store::classification::save_draft(
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
    txn.commit().await.expect("commit");
    information
}

/// A requirement of the shipped catalogue that applies at every level, so also to a fresh system with nothing
/// classified.
const GENERAL_REQUIREMENT: &str = "LIS-5.9-01";

/// A classification file for the fresh informationsmängd of `target` (see [`fresh_draft`]).
fn classification_file(target: &TestSession) -> Vec<u8> {
    format!(
        "Informationsmängd;K;R;T;S;Motivering\nMatrisinformation {};2;1;1;1;Matris\n",
        target.person_id
    )
    .into_bytes()
}

/// A new information type named after `target`: its id.
async fn fresh_type(app: &TestApp, target: &TestSession) -> i64 {
    let organisation_id = app.organisation_id().await;
    let ctx = lis_store::audit::ChangeContext::person(target.person_id, None);
    let txn = app.db.begin().await.expect("begin");
    let fields = lis_store::information_types::Fields {
        name: format!("Matristyp {}", target.person_id),
        levels: [(Aspect::K, 2), (Aspect::R, 1), (Aspect::T, 1), (Aspect::S, 1)]
            .into_iter()
            .collect(),
        ..Default::default()
    };
    let model = lis_store::classification::Model {
        max_level: 4,
        classifies_traceability: true,
    };
    let created = lis_store::information_types::create(&txn, &ctx, organisation_id, model, &fields)
        .await
        .expect("a type");
    txn.commit().await.expect("commit");
    created.id
}

/// A fresh shared control used by a fresh system, and another system not yet linked (named "Matrisskydd fri <n>"):
/// the control's id and the linked system's.
async fn fresh_shared_control(app: &TestApp, target: &TestSession) -> (i64, i64) {
    let organisation_id = app.organisation_id().await;
    let ctx = lis_store::audit::ChangeContext::person(target.person_id, None);
    let txn = app.db.begin().await.expect("begin");
    let n = target.person_id;
    let mut systems = Vec::new();
    for name in [format!("Matrisskydd använd {n}"), format!("Matrisskydd fri {n}")] {
        let fields = lis_store::inventory::ItemFields {
            name,
            ..Default::default()
        };
        let created = lis_store::inventory::create(&txn, &ctx, organisation_id, ItemKind::System, fields)
            .await
            .expect("a system");
        systems.push(created.id);
    }
    let fields = lis_store::shared_controls::Fields {
        name: format!("Matrisskydd {n}"),
        requirements: [GENERAL_REQUIREMENT.to_owned()].into_iter().collect(),
        ..Default::default()
    };
    let known = |_: &str| true;
    let control = lis_store::shared_controls::create(&txn, &ctx, organisation_id, &fields, &known)
        .await
        .expect("a shared control");
    lis_store::shared_controls::set_use(&txn, &ctx, organisation_id, control.id, systems[0], true)
        .await
        .expect("linked");
    txn.commit().await.expect("commit");
    (control.id, systems[0])
}

/// A fresh text file of evidence for a fresh system's requirement: its id.
async fn fresh_evidence(app: &TestApp, target: &TestSession) -> i64 {
    let (system, _) = fresh_system(app, target.person_id + 1_000_000).await;
    let organisation_id = app.organisation_id().await;
    let ctx = lis_store::audit::ChangeContext::person(target.person_id, None);
    let txn = app.db.begin().await.expect("begin");
    let dir = &app.config.evidence_dir;
    let file = lis_store::evidence::attach(
        &txn,
        &ctx,
        organisation_id,
        dir,
        system,
        GENERAL_REQUIREMENT,
        "bevis.txt",
        b"Matrisbevis",
    )
    .await
    .expect("an evidence file");
    txn.commit().await.expect("commit");
    file.id
}

/// A fresh action of the handlingsplan improving shared control `shared`: its id.
async fn fresh_action(app: &TestApp, target: &TestSession, shared: i64) -> i64 {
    let organisation_id = app.organisation_id().await;
    let ctx = lis_store::audit::ChangeContext::person(target.person_id, None);
    let txn = app.db.begin().await.expect("begin");
    let fields = lis_domain::action_plan::ActionFields {
        activity: format!("Matrisåtgärd {}", target.person_id),
        ..Default::default()
    };
    let links = [lis_store::action_plan::Link::SharedControl(shared)];
    let created = lis_store::action_plan::create(&txn, &ctx, organisation_id, &fields, &links)
        .await
        .expect("an action");
    txn.commit().await.expect("commit");
    created.id
}

/// How a visitor presents themselves: a browser session, and for the API an API token of their role.
struct Visitor {
    session: Option<TestSession>,
    token: Option<String>,
}

/// The JSON body an API route is sent in the walk.
fn api_body(row: &Row, target: &TestSession) -> Option<serde_json::Value> {
    let n = target.person_id;
    match (row.method.as_str(), row.route.as_str()) {
        ("POST", "/api/v1/inventory/{kind}") => Some(serde_json::json!({ "name": format!("Matrissystem API {n}") })),
        ("PUT", "/api/v1/items/{item}") => Some(serde_json::json!({
            "version": 1,
            "properties": { "name": format!("Matris {n} ändrad via API") },
        })),
        ("POST", "/api/v1/items/{item}/retire") => Some(serde_json::json!({ "version": 1 })),
        ("PUT", "/api/v1/items/{item}/classification") => Some(serde_json::json!({
            "levels": { "K": 1, "R": 2, "T": 1, "S": 0 },
            "version": 1
        })),
        ("POST", "/api/v1/items/{item}/classification/approve") => Some(serde_json::json!({ "version": 1 })),
        ("PUT", "/api/v1/items/{item}/requirements/{requirement}") => {
            Some(serde_json::json!({ "status": "ej_uppfyllt" }))
        }
        _ => None,
    }
}

async fn send(
    app: &TestApp,
    row: &Row,
    who: &Visitor,
    target: &TestSession,
    (item, relation, token, information_type, (shared, linked), action, file): (
        i64,
        i64,
        i64,
        i64,
        (i64, i64),
        i64,
        i64,
    ),
) -> TestResponse {
    let session = who.session.as_ref();
    let catalogue = if row.route.contains("{catalogue}") {
        imported_catalogue(app).await.to_string()
    } else {
        String::new()
    };
    let uri = row
        .route
        .replace("{type}", &information_type.to_string())
        .replace("{shared}", &shared.to_string())
        .replace("{system}", &linked.to_string())
        .replace("{action}", &action.to_string())
        .replace("{file}", &file.to_string())
        .replace("{requirement}", GENERAL_REQUIREMENT)
        .replace("{id}", &target.person_id.to_string())
        .replace("{kind}", "system")
        .replace("{item}", &item.to_string())
        .replace("{relation}", &relation.to_string())
        .replace("{aspect}", "T")
        .replace("{control}", "5.1")
        .replace("{catalogue}", &catalogue)
        .replace("{token}", &token.to_string());
    // An upload of the visitor's own to apply.
    let uri = match (row.route.contains("{upload}"), session) {
        (true, Some(session)) => {
            let organisation_id = app.organisation_id().await;
            let content = if row.route.starts_with("/classification/import") {
                classification_file(target)
            } else {
                format!("Typ;Namn\nsystem;Matrisimport {}\n", target.person_id).into_bytes()
            };
            let stored = lis_store::inventory_import::store_upload(
                &app.db,
                organisation_id,
                session.person_id,
                "m.csv",
                content,
            )
            .await
            .expect("store an upload");
            uri.replace("{upload}", &stored.id.to_string())
        }
        (true, None) => uri.replace("{upload}", "1"),
        (false, _) => uri,
    };
    // An import of the visitor's own to look at, started through the page when the visitor may import.
    let uri = if uri.contains("{job}") {
        let job = match session {
            Some(session) => {
                let file = format!("Typ;Namn\nsystem;Matrisjobb {}\n", target.person_id);
                let started = app
                    .post_multipart_as(session, "/inventory/import", "file", "m.csv", file.as_bytes())
                    .await;
                if started.header("location").starts_with("/inventory/import/jobs/") {
                    wait_for_import(app, session, started.header("location")).await;
                }
                started
                    .header("location")
                    .rsplit('/')
                    .next()
                    .filter(|id| !id.is_empty())
                    .unwrap_or("1")
                    .to_owned()
            }
            None => "1".to_owned(),
        };
        uri.replace("{job}", &job)
    } else {
        uri
    };
    let mut request = Request::builder().method(row.method.clone()).uri(&uri);
    if let Some(token) = &who.token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    } else if let Some(session) = session {
        request = request.header(header::COOKIE, &session.cookie);
    }
    let body = if let Some(json) = api_body(row, target) {
        request = request.header(header::CONTENT_TYPE, "application/json");
        Body::from(json.to_string())
    } else if row.method == Method::POST
        && [
            "/inventory/import",
            "/classification/import",
            "/items/{item}/requirements/{requirement}/evidence",
        ]
        .contains(&row.route.as_str())
    {
        let boundary = "matrix-boundary";
        request = request.header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        let token = session.map(|s| s.csrf_token.as_str()).unwrap_or_default();
        let file = if row.route == "/classification/import" {
            String::from_utf8(classification_file(target)).unwrap_or_default()
        } else if row.route.ends_with("/evidence") {
            "Matrisbevis".to_owned()
        } else {
            format!("Typ;Namn\nsystem;Matrisfil {}", target.person_id)
        };
        Body::from(format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--{boundary}\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"m.csv\"\r\n\r\n{file}\r\n--{boundary}--\r\n"
        ))
    } else if row.method == Method::POST {
        request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        let token = session.map(|s| s.csrf_token.as_str()).unwrap_or_default();
        let mut fields = vec![format!("csrf_token={token}")];
        match row.route.as_str() {
            "/admin/role-mapping" => fields.push("mapping=matrix-group%3Dauditor".to_owned()),
            "/admin/api-tokens" => fields.push("name=Matrisnyckel&role=auditor&validity=30".to_owned()),
            "/auth/demo" => fields.push(format!("person_id={}", target.person_id)),
            "/soa/{control}" => fields.push("in_use=nej&justification=riskanalys&version=0".to_owned()),
            "/catalogs/{catalogue}/mapping" => fields.push("mapping=s1.1.1%3D5.2".to_owned()),
            "/inventory/{kind}" => fields.push(format!("name=Matrissystem+{}", target.person_id)),
            "/items/{item}" => fields.push(format!("name=Matris+{}+%C3%A4ndrad&version=1", target.person_id)),
            "/items/{item}/retire" | "/items/{item}/relations/{relation}/remove" => fields.push("version=1".to_owned()),
            "/items/{item}/classification" => fields.push("answer.T.verksamhet=1&version=1".to_owned()),
            "/items/{item}/classification/approve" => fields.push("version=1".to_owned()),
            "/items/{item}/levels/{aspect}/override" => {
                fields.push("level=2&reason=ackumulation&justification=Matris".to_owned())
            }
            "/classification/types" | "/classification/types/{type}" => fields.push(format!(
                "name=Matristyp+{}+ny&level.K=1&level.R=2&level.T=1&level.S=0&version=1",
                target.person_id
            )),
            "/classification/types/{type}/retire" | "/shared-controls/{shared}/retire" => {
                fields.push("version=1".to_owned())
            }
            "/shared-controls" | "/shared-controls/{shared}" => fields.push(format!(
                "name=Matris%C3%A5tg%C3%A4rd+{}&status=uppfyllt&requirements={GENERAL_REQUIREMENT}&version=1",
                target.person_id
            )),
            "/gaps/bulk" => fields.push(format!("gap={item}:{GENERAL_REQUIREMENT}&status=uppfyllt")),
            "/gaps/cycles" => fields.push(format!("name=Matrisuppf%C3%B6ljning+{}", target.person_id)),
            "/actions" => fields.push(format!("activity=Matris%C3%A5tg%C3%A4rd&shared={shared}")),
            "/actions/{action}" => fields.push("activity=Matris+%C3%A4ndrad&status=pagaende&version=1".to_owned()),
            "/shared-controls/{shared}/systems" => fields.push(format!("system=Matrisskydd+fri+{}", target.person_id)),
            "/items/{item}/requirements/{requirement}" => fields.push("status=ej_uppfyllt".to_owned()),
            "/items/{item}/relations" => fields
                .push("relation=integrates_with&other=Matrisplattform+".to_owned() + &target.person_id.to_string()),
            _ => {}
        }
        Body::from(fields.join("&"))
    } else {
        Body::empty()
    };
    app.request(request.body(body).expect("request")).await
}

/// Waits until the import whose page is `page` has finished.
async fn wait_for_import(app: &TestApp, session: &TestSession, page: &str) {
    for _ in 0..500 {
        if !app.get_as(session, page).await.body.contains("data-refresh") {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the import at {page} did not finish");
}

async fn every_route_answers_every_visitor_as_the_matrix_says(backend: Backend) {
    for row in matrix() {
        let app = TestApp::demo(backend).await;
        for (column, visitor_kind) in VISITORS.iter().enumerate() {
            let expected = row.expected[column].as_str();
            let role = match *visitor_kind {
                "anonymous" | "no role" => None,
                role => Some(role.parse::<Role>().expect("a role")),
            };
            let session = match *visitor_kind {
                "anonymous" => None,
                _ => Some(app.sign_in_as(role).await),
            };
            // The API is walked with a token of the visitor's role; tokens always have a role, so the visitor
            // without one comes with their session.
            let token = match (&session, role) {
                (Some(session), Some(role)) if row.route.starts_with("/api/v1/") => {
                    Some(app.issue_token(session.person_id, role).await.1)
                }
                _ => None,
            };
            let visitor = Visitor { session, token };
            // A fresh person to act on, so that one visitor's allowed change does not hide another's refusal.
            let target = app.sign_in_as(Some(Role::It)).await;
            // A fresh system (and a platform it runs on) to act on, so that one visitor's change does not hide
            // another's refusal.
            let (item, relation) = if row.route.contains("/classification") {
                (fresh_draft(&app, &target).await, 0)
            } else if row.route.contains("{item}") || row.route == "/gaps/bulk" {
                fresh_system(&app, target.person_id).await
            } else {
                (0, 0)
            };
            // A fresh token to revoke, likewise.
            let revocable = if row.route.contains("{token}") {
                app.issue_token(target.person_id, Role::Auditor).await.0
            } else {
                0
            };
            // A fresh information type, likewise.
            let information_type = if row.route.contains("{type}") {
                fresh_type(&app, &target).await
            } else {
                0
            };
            // A fresh shared control with a system using it, likewise.
            let shared = if row.route.contains("{shared}") || row.route.starts_with("/actions") {
                fresh_shared_control(&app, &target).await
            } else {
                (0, 0)
            };
            // A fresh action of the handlingsplan improving that shared control, likewise.
            let action = if row.route.contains("{action}") {
                fresh_action(&app, &target, shared.0).await
            } else {
                0
            };
            // A fresh evidence file on a fresh system, likewise.
            let file = if row.route.contains("{file}") {
                fresh_evidence(&app, &target).await
            } else {
                0
            };
            let fixture = (item, relation, revocable, information_type, shared, action, file);
            let before = snapshot(&app).await;
            let denials_before = denials(&app).await;
            let response = send(&app, &row, &visitor, &target, fixture).await;
            // An import runs in the background: let it finish before the next visitor's snapshot.
            if let (Some(session), true) = (
                visitor.session.as_ref(),
                response.header("location").starts_with("/inventory/import/jobs/"),
            ) {
                wait_for_import(&app, session, response.header("location")).await;
            }
            let what = format!(
                "{} {} as {visitor_kind}: {} {}",
                row.method,
                row.route,
                response.status,
                response.header("location")
            );
            let to_sign_in =
                response.status == StatusCode::SEE_OTHER && response.header("location").starts_with("/auth/login");
            let denied = denials(&app).await > denials_before;
            let problem = response.header("content-type").starts_with("application/problem+json");
            match expected {
                "sign-in" => assert!(to_sign_in, "expected a redirect to sign in: {what}"),
                "401" => {
                    assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{what}");
                    assert!(response.header("www-authenticate").starts_with("Bearer"), "{what}");
                    assert!(problem, "a problem document: {what}");
                    assert!(!denied, "nobody to refuse yet: {what}");
                    assert_eq!(
                        snapshot(&app).await,
                        before,
                        "an unauthenticated request changed the database: {what}"
                    );
                }
                "deny" => {
                    assert_eq!(response.status, StatusCode::FORBIDDEN, "{what}");
                    if row.route.starts_with("/api/") {
                        assert!(problem, "the API refuses with a problem document: {what}");
                    }
                    assert!(denied, "a refusal is audited: {what}");
                    assert_eq!(
                        snapshot(&app).await,
                        before,
                        "a refused request changed the database: {what}"
                    );
                }
                "allow" | "public" => {
                    assert!(!to_sign_in, "{what}");
                    if expected == "allow" {
                        let served = response.status.is_success() || response.status.is_redirection();
                        assert!(served, "an allowed request is served: {what}");
                    }
                    assert!(!denied, "the authorization function refused: {what}");
                    assert!(
                        response.status != StatusCode::FORBIDDEN || expected == "public",
                        "{what}"
                    );
                }
                other => panic!("unknown cell {other:?} in {row:?}"),
            }
        }
    }
}

on_both_databases!(every_route_answers_every_visitor_as_the_matrix_says);
