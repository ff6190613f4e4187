//! The catalogue pages: browsing with filters and search, and the profile explorer.

use axum::http::StatusCode;
use lis_domain::Role;
use lis_domain::aspect::Profile;
use lis_tests::{Backend, TestApp, on_both_databases};

fn shipped() -> lis_catalog::Catalog {
    lis_catalog::shipped().expect("the shipped catalogue")
}

/// How many requirement articles a page shows.
fn shown(body: &str) -> usize {
    body.matches(r#"<article class="requirement">"#).count()
}

async fn the_catalogue_is_browsed_and_filtered(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let catalog = shipped();

    let all = app.get_as(&it, "/catalog").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(shown(&all.body), catalog.requirements.len());
    assert!(
        all.body.contains("Säkerhetskopiering") || all.body.contains("säkerhetskopi"),
        "Swedish texts"
    );

    let point_8 = app.get_as(&it, "/catalog?reference=csl%3A8").await;
    let expected = catalog
        .requirements
        .iter()
        .filter(|r| r.cybersakerhetslagen.contains(&8))
        .count();
    assert!(expected > 0);
    assert_eq!(
        shown(&point_8.body),
        expected,
        "everything for cybersäkerhetslagen point 8"
    );

    let backups = app.get_as(&it, "/catalog?q=LIS-8.13").await;
    let expected = catalog
        .requirements
        .iter()
        .filter(|r| r.id.starts_with("LIS-8.13"))
        .count();
    assert_eq!(shown(&backups.body), expected);

    let physical = app.get_as(&it, "/catalog?theme=physical&aspect=T").await;
    let expected = catalog
        .requirements
        .iter()
        .filter(|r| r.control.starts_with("7.") && r.aspects.contains(&lis_domain::aspect::Aspect::T))
        .count();
    assert_eq!(shown(&physical.body), expected);

    let level_0 = app.get_as(&it, "/catalog?level=0").await;
    assert_eq!(
        shown(&level_0.body),
        catalog.summary().always,
        "level 0 shows grundskydd"
    );

    let english = app.get_as(&it, "/catalog?q=LIS-8.13-01&lang=en").await;
    let requirement = catalog
        .requirements
        .iter()
        .find(|r| r.id == "LIS-8.13-01")
        .expect("LIS-8.13-01");
    assert!(
        english.body.contains(&requirement.text.en.replace('\'', "&#x27;")),
        "{}",
        english.body
    );
}

async fn the_profile_explorer_shows_which_requirements_apply_and_why(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let catalog = shipped();

    let blank = app.get_as(&ciso, "/catalog/profile").await;
    assert_eq!(blank.status, StatusCode::OK);
    assert_eq!(shown(&blank.body), 0, "nothing until a classification is chosen");

    let response = app.get_as(&ciso, "/catalog/profile?k=2&r=1&t=3&s=0").await;
    let expected = catalog.applicable(&Profile::new(2, 1, 3, 0)).len();
    assert_eq!(shown(&response.body), expected);
    assert!(
        response.body.contains(&format!("{expected} krav gäller")),
        "{}",
        response.body
    );
    assert!(
        response.body.contains("gäller eftersom <code>K&gt;=2</code>")
            || response.body.contains("gäller eftersom <code>T&gt;=2"),
        "reasons are shown"
    );

    let top = app.get_as(&ciso, "/catalog/profile?k=4&r=0&t=0&s=0").await;
    assert_eq!(shown(&top.body), 0, "level 4 gives no requirements");
    assert!(
        top.body.contains("Kräver separat analys") && top.body.contains("säkerhetsskyddslagen"),
        "{}",
        top.body
    );

    let invalid = app.get_as(&ciso, "/catalog/profile?k=9").await;
    assert_eq!(invalid.status, StatusCode::OK);
    assert!(invalid.body.contains("utanför skalan"), "{}", invalid.body);
}

on_both_databases!(
    the_catalogue_is_browsed_and_filtered,
    the_profile_explorer_shows_which_requirements_apply_and_why
);

async fn imported_catalogues_are_listed_and_shown_read_only(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let auditor = app.sign_in_as(Some(Role::Auditor)).await;
    let (stored, imported) = app
        .import_oscal_fixture("NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json")
        .await;
    let ctx = lis_store::audit::ChangeContext::system("test");
    let again = lis_store::catalogues::import_oscal(&app.db, &ctx, &imported).await;
    assert!(
        matches!(again, Err(lis_store::StoreError::AlreadyExists { .. })),
        "{again:?}"
    );

    let list = app.get_as(&auditor, "/catalogs").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("LOW IMPACT BASELINE") && list.body.contains("<td>149</td>"),
        "{}",
        list.body
    );
    assert!(
        list.body.contains("<td>93</td>"),
        "the built-in catalogue, registered at start: {}",
        list.body
    );

    let shown = app.get_as(&auditor, &format!("/catalogs/{}", stored.id)).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown.body.contains("Access Control") && shown.body.contains("Account Management"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("skrivskyddad"));
    let shipped_id = lis_store::catalogues::list(&app.db)
        .await
        .expect("list")
        .into_iter()
        .find(|c| c.source == "shipped")
        .expect("shipped")
        .id;
    assert_eq!(
        app.get_as(&auditor, &format!("/catalogs/{shipped_id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get_as(&auditor, "/catalogs/x").await.status, StatusCode::NOT_FOUND);
}

on_both_databases!(imported_catalogues_are_listed_and_shown_read_only);

async fn the_ciso_maps_an_imported_catalogue_to_lis(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let (stored, _) = app
        .import_oscal_fixture("NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json")
        .await;
    let uri = format!("/catalogs/{}/mapping", stored.id);

    let bad = app
        .post_form_as(
            &ciso,
            &uri,
            &[("mapping", "ac-2 = 5.16\nzz-9 = 5.1\nac-3 = 9.9\nbara text")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for fragment in [
        "Rad 2",
        "katalogen har ingen åtgärd med det id:t",
        "Rad 3",
        "LIS katalog har ingen sådan åtgärd",
        "Rad 4",
        "skriv som id = LIS-åtgärd",
    ] {
        assert!(bad.body.contains(fragment), "{fragment}: {}", bad.body);
    }
    assert!(
        lis_store::catalogues::mapping(&app.db, stored.id)
            .await
            .expect("mapping")
            .is_empty(),
        "nothing saved"
    );

    let good = app
        .post_form_as(&ciso, &uri, &[("mapping", "ac-2 = 5.16, 5.18\nia-2 = 5.17")])
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    let pairs = lis_store::catalogues::mapping(&app.db, stored.id)
        .await
        .expect("mapping");
    let written: Vec<(String, String)> = pairs.into_iter().map(|p| (p.external, p.lis)).collect();
    let expected = [("ac-2", "5.16"), ("ac-2", "5.18"), ("ia-2", "5.17")].map(|(a, b)| (a.to_owned(), b.to_owned()));
    assert_eq!(written, expected);
    let page = app.get_as(&ciso, &format!("/catalogs/{}?saved=1", stored.id)).await;
    assert!(
        page.body.contains("LIS 5.16, 5.18") && page.body.contains("Kopplingen är sparad"),
        "{}",
        page.body
    );
}

on_both_databases!(the_ciso_maps_an_imported_catalogue_to_lis);

async fn the_procurement_list_for_a_profile_downloads_as_csv_and_xlsx(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let auditor = app.sign_in_as(Some(Role::Auditor)).await;
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, app.organisation_id().await)
        .await
        .expect("soa");
    let applicable = catalog.applicable_in_use(&Profile::new(2, 1, 3, 0), &not_in_use);
    let page = app.get_as(&auditor, "/catalog/profile?k=2&r=1&t=3&s=0").await;
    assert!(
        page.body
            .contains("/catalog/procurement.csv?k=2&amp;r=1&amp;t=3&amp;s=0"),
        "{}",
        page.body
    );
    let csv = app.get_as(&auditor, "/catalog/procurement.csv?k=2&r=1&t=3&s=0").await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0].starts_with("Skyddsnivå;Krav;Åtgärd (ISO/IEC 27001:2022);"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 1 + applicable.len(), "a row per applicable requirement");
    assert!(
        lines[1].starts_with(&format!("K2 R1 T3 S0;{};", applicable[0].id)),
        "{}",
        lines[1]
    );
    let xlsx = app
        .get_as_bytes(&auditor, "/catalog/procurement.xlsx?k=2&r=1&t=3&s=0")
        .await;
    assert!(xlsx.starts_with(b"PK"), "a workbook");
}

on_both_databases!(the_procurement_list_for_a_profile_downloads_as_csv_and_xlsx);
