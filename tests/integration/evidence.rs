//! Evidence files for a system's requirement: taken when their kind is allowed and their content matches the
//! extension, kept under a generated name outside anything served with their SHA-256, listed on the requirements
//! page and downloaded as an attachment by those who read the system; refused in Swedish otherwise, with nothing
//! kept. On both databases.

use axum::http::StatusCode;
use lis_domain::Role;
use lis_domain::aspect::Profile;
use lis_store::inventory::ItemFields;
use lis_tests::{Backend, TestApp, on_both_databases};

use crate::requirements::system_with;

async fn stored(app: &TestApp, system: i64) -> usize {
    lis_store::evidence::of_system(&app.db, system)
        .await
        .expect("evidence")
        .values()
        .map(Vec::len)
        .sum()
}

async fn evidence_is_checked_kept_and_downloaded_as_an_attachment(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let stranger = app.sign_in_as(None).await;
    let organisation_id = app.organisation_id().await;
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let fields = ItemFields {
        name: "Bevissystem".to_owned(),
        ..ItemFields::default()
    };
    let system = system_with(&app, ciso.person_id, [1, 1, 1, 1], fields).await;
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");
    let applicable = catalog.applicable_in_use(&Profile::new(1, 1, 1, 1), &not_in_use);
    let requirement = &applicable[0].id;
    let uri = format!("/items/{system}/requirements/{requirement}/evidence");

    // Refused: a kind not taken, a disguised file, one too large; nothing is kept.
    let refusals = [
        ("virus.exe", b"MZ\x90\x00".to_vec(), "Den filtypen tas inte emot."),
        (
            "faktura.pdf",
            b"MZ\x90\x00".to_vec(),
            "Filens innehåll stämmer inte med filändelsen.",
        ),
        (
            "stor.pdf",
            [b"%PDF-".as_slice(), &vec![b'x'; lis_domain::evidence::MAX_BYTES]].concat(),
            "Filen är större än 10 MiB.",
        ),
    ];
    for (name, bytes, message) in refusals {
        let refused = app.post_multipart_as(&it, &uri, "file", name, &bytes).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            refused.body
        );
        assert!(refused.body.contains(message), "{name}: {}", refused.body);
    }
    assert_eq!(stored(&app, system).await, 0, "nothing was kept");
    let elsewhere = catalog
        .requirements
        .iter()
        .find(|r| !applicable.iter().any(|a| a.id == r.id))
        .expect("a requirement that needs a higher level");
    let not_applying = app
        .post_multipart_as(
            &it,
            &format!("/items/{system}/requirements/{}/evidence", elsewhere.id),
            "file",
            "a.pdf",
            b"%PDF-1.4",
        )
        .await;
    assert_eq!(not_applying.status, StatusCode::CONFLICT, "{}", not_applying.body);

    // Taken: kept under a generated name with its SHA-256, listed, and downloaded as an attachment.
    let content = b"%PDF-1.4\n% granskningsrapport\n".to_vec();
    let saved = app
        .post_multipart_as(&it, &uri, "file", "Granskning; slutlig åäö.pdf", &content)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let files = lis_store::evidence::of_system(&app.db, system).await.expect("evidence");
    let file = &files[requirement][0];
    assert_eq!(file.file_name, "Granskning slutlig åäö.pdf");
    assert_eq!(file.sha256, lis_store::sessions::sha256_hex(&content));
    assert_ne!(file.stored_name, file.file_name);
    let on_disk = app.config.evidence_dir.join(&file.stored_name);
    assert_eq!(std::fs::read(&on_disk).expect("the stored file"), content);
    let page = app.get_as(&it, &format!("/items/{system}/requirements")).await;
    assert!(
        page.body.contains(&format!("/evidence/{}", file.id)) && page.body.contains(&file.sha256[..12]),
        "{}",
        page.body
    );
    let download = app.get_as(&ciso, &format!("/evidence/{}", file.id)).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.header("content-type"), "application/pdf");
    assert!(
        download
            .header("content-disposition")
            .starts_with("attachment; filename=\"Granskning slutlig ___.pdf\"; filename*=UTF-8''Granskning%20slutlig%20%C3%A5%C3%A4%C3%B6.pdf"),
        "{}",
        download.header("content-disposition")
    );
    assert_eq!(download.header("x-content-type-options"), "nosniff");
    assert_eq!(
        app.get_as_bytes(&ciso, &format!("/evidence/{}", file.id)).await,
        content
    );
    assert_eq!(
        app.get_as(&stranger, &format!("/evidence/{}", file.id)).await.status,
        StatusCode::FORBIDDEN
    );
    let events = lis_store::audit::all_events(&app.db)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.subject_kind == "evidence_file")
        .count();
    assert_eq!(events, 1, "the upload is in the audit trail");
}

on_both_databases!(evidence_is_checked_kept_and_downloaded_as_an_attachment);
