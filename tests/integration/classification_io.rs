//! Classifications in and out of spreadsheets: a KLASSA-style file imports after a preview and moves the systems'
//! levels; an export imports unchanged and exports the same bytes again; every kind of bad row is refused by line
//! and column in Swedish and nothing changes. On both databases.

use axum::http::StatusCode;
use lis_domain::Role;
use lis_domain::inventory::{ItemKind, RelationKind};
use lis_store::ChangeTransaction;
use lis_store::audit::ChangeContext;
use lis_store::entity::{audit_event, classification, system_level};
use lis_store::inventory::{self, ItemFields};
use lis_tests::{Backend, TestApp, TestResponse, TestSession, on_both_databases};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// Two informationsmängder (one with an external id) held by one system: (the system's id, the ids of the sets).
async fn inventory(app: &TestApp) -> (i64, [i64; 2]) {
    let organisation_id = app.organisation_id().await;
    let ctx = ChangeContext::system("test");
    let txn = app.db.begin_change().await.expect("begin");
    let create = async |kind, name: &str, external_id: Option<&str>| {
        let fields = ItemFields {
            name: name.to_owned(),
            external_id: external_id.map(str::to_owned),
            ..ItemFields::default()
        };
        inventory::create(&txn, &ctx, organisation_id, kind, fields)
            .await
            .expect("create")
            .id
    };
    let system = create(ItemKind::System, "Elevregister", None).await;
    let grades = create(ItemKind::InformationSet, "Betyg och omdömen", None).await;
    let health = create(ItemKind::InformationSet, "Elevhälsans journaler", Some("KL-4711")).await;
    for set in [grades, health] {
        inventory::relate(&txn, &ctx, organisation_id, RelationKind::HeldBy, set, system)
            .await
            .expect("relate");
    }
    txn.commit().await.expect("commit");
    (system, [grades, health])
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

async fn classification_rows(app: &TestApp) -> u64 {
    classification::Entity::find().count(&app.db).await.expect("count")
}

async fn preview(app: &TestApp, session: &TestSession, name: &str, file: &[u8]) -> TestResponse {
    app.post_multipart_as(session, "/classification/import", "file", name, file)
        .await
}

/// Applies the upload the preview page offers to import.
async fn apply(app: &TestApp, session: &TestSession, previewed: &TestResponse) -> TestResponse {
    let action = previewed
        .body
        .split("action=\"/classification/import/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an import button");
    app.post_form_as(session, &format!("/classification/import/{action}"), &[])
        .await
}

/// A semicolon CSV with a byte-order mark, as Swedish Excel saves it.
fn csv(text: &str) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
    bytes
}

async fn a_klassa_file_imports_after_a_preview_and_an_export_round_trips(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let (system, _) = inventory(&app).await;
    let file = csv(
        "Objekt;Externt id;Konfidentialitet;Riktighet;Tillgänglighet;Spårbarhet;Motivering;Giltig till\n\
         Betyg och omdömen;;2 Måttlig;3;1;1;Betyg är myndighetsutövning;2027-06-30\n\
         ;KL-4711;3;2;2;2;Uppgifter om elevers hälsa;\n",
    );
    let previewed = preview(&app, &ciso, "klassa.csv", &file).await;
    assert_eq!(previewed.status, StatusCode::OK, "{}", previewed.body);
    assert!(previewed.body.contains("2 nya"), "{}", previewed.body);
    assert_eq!(classification_rows(&app).await, 0, "a preview writes nothing");
    let applied = apply(&app, &ciso, &previewed).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    assert!(applied.body.contains("Importen är genomförd"), "{}", applied.body);
    assert_eq!(
        (
            effective(&app, system, "K").await,
            effective(&app, system, "R").await,
            effective(&app, system, "T").await
        ),
        (Some(3), Some(3), Some(2)),
        "the system holds the maximum at once"
    );
    let decided = classification::Entity::find()
        .filter(classification::Column::Status.eq("approved"))
        .all(&app.db)
        .await
        .expect("rows");
    assert_eq!(decided.len(), 2);
    assert!(decided.iter().all(|d| d.approved_by_person_id == Some(ciso.person_id)));
    assert!(decided.iter().any(|d| d.valid_until.to_string() == "2027-06-30"));

    // The export, imported again, changes nothing; a second export is the same bytes.
    let exported = app.get_as_bytes(&ciso, "/classification/export.csv").await;
    let text = String::from_utf8(exported[3..].to_vec()).expect("utf-8");
    assert!(
        text.starts_with("Externt id;Informationsmängd;Informationsägare;K;R;T;S;Motivering;Giltig till"),
        "{text}"
    );
    let again = preview(&app, &ciso, "klassningar.csv", &exported).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert!(again.body.contains("0 nya, 0 ändrade"), "{}", again.body);
    let before = classification_rows(&app).await;
    let reapplied = apply(&app, &ciso, &again).await;
    assert_eq!(reapplied.status, StatusCode::OK, "{}", reapplied.body);
    assert_eq!(classification_rows(&app).await, before, "nothing was decided again");
    assert_eq!(app.get_as_bytes(&ciso, "/classification/export.csv").await, exported);
    let workbook = app.get_as_bytes(&ciso, "/classification/export.xlsx").await;
    let from_workbook = preview(&app, &ciso, "klassningar.xlsx", &workbook).await;
    assert!(
        from_workbook.body.contains("0 nya, 0 ändrade"),
        "{}",
        from_workbook.body
    );
    assert_eq!(app.get_as_bytes(&ciso, "/classification/export.xlsx").await, workbook);

    // A changed level is an update; the exports are in the audit trail.
    let changed = text.replace("Betyg är myndighetsutövning", "Betyg, omprövat");
    let previewed = preview(&app, &ciso, "ändrad.csv", &csv(&changed)).await;
    assert!(previewed.body.contains("1 ändrade"), "{}", previewed.body);
    let exports = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("export"))
        .filter(audit_event::Column::SubjectId.eq("classifications"))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(exports, 4);
}

async fn bad_rows_are_refused_by_line_and_column_and_nothing_changes(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let (system, _) = inventory(&app).await;
    let file = csv(
        "Informationsmängd;Externt id;K;R;T;S;Motivering;Giltig till;Informationstyp\n\
         Betyg och omdömen;;7;1;1;1;;;\n\
         Finns inte;;1;1;1;1;;;\n\
         ;KL-4711;1;x;1;1;;31/12/2027;\n\
         Betyg och omdömen;;1;1;1;1;;;\n\
         Orosanmälningar om barn;;1;1;1;1;;;Okänd typ\n\
         Elevhälsans journaler;;1;1;1\n",
    );
    let refused = preview(&app, &ciso, "fel.csv", &file).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    for expected in [
        "nivån 7 finns inte i klassningsmodellen",
        "ingen informationsmängd i bruk i LIS har det namnet",
        "ska vara en nivå, ett tal 0–4",
        "ska vara ett datum, ÅÅÅÅ-MM-DD",
        "samma informationsmängd som rad 2",
        "ingen informationstyp i bruk heter så",
        "raden har 5 fält men rubrikraden har 9",
        "kolumn R, ”x”: ska vara en nivå",
    ] {
        assert!(refused.body.contains(expected), "{expected}: {}", refused.body);
    }
    assert!(!refused.body.contains("/apply"), "no import button");

    // Refused files: header only, no level columns.
    let header_only = preview(&app, &ciso, "tom.csv", &csv("Informationsmängd;K;R;T\n")).await;
    assert_eq!(header_only.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        header_only.body.contains("inga rader med uppgifter"),
        "{}",
        header_only.body
    );
    let no_levels = preview(
        &app,
        &ciso,
        "x.csv",
        &csv("Informationsmängd;Motivering\nBetyg och omdömen;x\n"),
    )
    .await;
    assert!(no_levels.body.contains("kolumnen ”K” saknas"), "{}", no_levels.body);

    // Applying a bad file that was stored anyway writes nothing.
    let organisation_id = app.organisation_id().await;
    let stored = lis_store::inventory_import::store_upload(&app.db, organisation_id, ciso.person_id, "fel.csv", file)
        .await
        .expect("store");
    let forced = app
        .post_form_as(&ciso, &format!("/classification/import/{}/apply", stored.id), &[])
        .await;
    assert_eq!(forced.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", forced.body);
    assert_eq!(classification_rows(&app).await, 0);
    assert_eq!(effective(&app, system, "K").await, None);

    // Only the CISO imports.
    let by_it = preview(
        &app,
        &it,
        "ok.csv",
        &csv("Informationsmängd;K;R;T;S\nBetyg och omdömen;1;1;1;1\n"),
    )
    .await;
    assert_eq!(by_it.status, StatusCode::FORBIDDEN);
    assert_eq!(classification_rows(&app).await, 0);
}

on_both_databases!(
    a_klassa_file_imports_after_a_preview_and_an_export_round_trips,
    bad_rows_are_refused_by_line_and_column_and_nothing_changes,
);
