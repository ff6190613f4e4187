//! The gap report (`/gaps`): coverage, counts by *brist*, overdue items, per org unit (rolled up to the rows of the
//! scope), per theme, per measure of cybersäkerhetslagen and per objektsägare, for the CISO, IT and auditors, and
//! for an objektsägare over their own objects; its CSV and XLSX. On both databases.

use axum::http::StatusCode;
use lis_domain::Role;
use lis_domain::aspect::Profile;
use lis_store::ChangeTransaction;
use lis_store::audit::ChangeContext;
use lis_store::inventory::{self, ItemFields};
use lis_tests::{Backend, TestApp, on_both_databases};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::requirements::system_with;

/// The id of the demo's org unit named `name`.
pub(crate) async fn unit_named(app: &TestApp, name: &str) -> i64 {
    let organisation_id = app.organisation_id().await;
    lis_store::organisation::units(&app.db, organisation_id)
        .await
        .expect("units")
        .into_iter()
        .find(|unit| unit.name == name)
        .unwrap_or_else(|| panic!("the demo has {name}"))
        .id
}

/// A förvaltningsobjekt of `unit` with `owner` as objektsägare: its id.
pub(crate) async fn object_of(app: &TestApp, by: i64, name: &str, unit: i64, owner: i64) -> i64 {
    let organisation_id = app.organisation_id().await;
    let ctx = ChangeContext::person(by, None);
    let txn = app.db.begin_change().await.expect("begin");
    let fields = ItemFields {
        name: name.to_owned(),
        org_unit_id: Some(unit),
        owner_person_id: Some(owner),
        ..ItemFields::default()
    };
    let id = inventory::create(
        &txn,
        &ctx,
        organisation_id,
        lis_domain::inventory::ItemKind::ManagementObject,
        fields,
    )
    .await
    .expect("create the förvaltningsobjekt")
    .id;
    txn.commit().await.expect("commit");
    id
}

async fn the_report_counts_coverage_gaps_and_overdue_per_unit_measure_and_owner(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let owner = app.sign_in_as(None).await;
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let welfare = unit_named(&app, "Barn och unga").await;
    let school = unit_named(&app, "Sektor utbildning").await;
    let social_object = object_of(&app, ciso.person_id, "Gapobjekt välfärd", welfare, owner.person_id).await;
    let school_object = object_of(&app, ciso.person_id, "Gapobjekt skola", school, owner.person_id).await;
    let system_in = |name: &str, object: i64| ItemFields {
        name: name.to_owned(),
        parent_id: Some(object),
        ..ItemFields::default()
    };
    let social = system_with(
        &app,
        ciso.person_id,
        [2, 1, 3, 1],
        system_in("Gapsystem välfärd", social_object),
    )
    .await;
    let schooling = system_with(
        &app,
        ciso.person_id,
        [1, 1, 1, 1],
        system_in("Gapsystem skola", school_object),
    )
    .await;
    let organisation_id = app.organisation_id().await;
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");
    let social_reqs = catalog.applicable_in_use(&Profile::new(2, 1, 3, 1), &not_in_use);
    let school_reqs = catalog.applicable_in_use(&Profile::new(1, 1, 1, 1), &not_in_use);
    // The objektsägare, without a role, records on their systems: two met (one by not applying), one serious and
    // overdue.
    let recorded = [
        (social, &social_reqs[0].id, "uppfyllt", "", "", ""),
        (social, &social_reqs[1].id, "ej_uppfyllt", "allvarlig", "2026-01-31", ""),
        (
            schooling,
            &school_reqs[0].id,
            "ej_tillampligt",
            "",
            "",
            "Ingen sådan funktion i systemet.",
        ),
    ];
    for (system, requirement, status, severity, due, justification) in recorded {
        let saved = app
            .post_form_as(
                &owner,
                &format!("/items/{system}/requirements/{requirement}"),
                &[
                    ("status", status),
                    ("severity", severity),
                    ("due", due),
                    ("justification", justification),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    }
    let applicable = social_reqs.len() + school_reqs.len();
    let percent = 2 * 100 / applicable;

    // The objektsägare reads the report over their own objects, rolled up to the nämnder.
    let mine = format!("/gaps?owner={}", owner.person_id);
    let page = app.get_as(&owner, &mine).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for expected in [
        "2 system räknade".to_owned(),
        format!("{applicable} tillämpliga krav"),
        format!("Täckning {percent} %"),
        "Socialnämnden".to_owned(),
        "Barn- och utbildningsnämnden".to_owned(),
        "Hantering av incidenter".to_owned(),
        "Gapsystem välfärd".to_owned(),
    ] {
        assert!(page.body.contains(&expected), "{expected}: {}", page.body);
    }
    // The per-unit rows: the welfare nämnd has the one serious, overdue gap.
    let row = |body: &str, label: &str| {
        let start = body
            .find(&format!(">{label}</a></th>"))
            .unwrap_or_else(|| panic!("a row for {label}"));
        let end = start + body[start..].find("</tr>").expect("the row ends");
        body[start..end]
            .split("<td>")
            .skip(1)
            .map(|cell| cell.split("</td>").next().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
    };
    let social_row = row(&page.body, "Socialnämnden");
    assert_eq!(
        social_row,
        [
            social_reqs.len().to_string(),
            "1".to_owned(),
            format!("{} %", 100 / social_reqs.len()),
            social_row[3].clone(),
            (social_reqs.len() - 2).to_string(),
            "0".to_owned(),
            "0".to_owned(),
            "0".to_owned(),
            "1".to_owned(),
            "1".to_owned(),
        ]
    );
    // The most serious gap is listed first.
    let first_gap = page.body.find("<code>").expect("gaps are listed");
    assert!(
        page.body[first_gap..].starts_with(&format!("<code>{}</code>", social_reqs[1].id)),
        "{}",
        &page.body[first_gap..first_gap + 200]
    );

    // A unit as scope: only what lies under it, with its children as rows.
    let scoped = app
        .get_as(
            &owner,
            &format!(
                "/gaps?owner={}&unit={}",
                owner.person_id,
                unit_named(&app, "Socialnämnden").await
            ),
        )
        .await;
    assert_eq!(scoped.status, StatusCode::OK, "{}", scoped.body);
    assert!(
        scoped.body.contains("1 system räknade") && scoped.body.contains("Sektor välfärd"),
        "{}",
        scoped.body
    );
    assert!(!scoped.body.contains("Gapsystem skola"));

    // Who may read what.
    assert_eq!(app.get_as(&owner, "/gaps").await.status, StatusCode::FORBIDDEN);
    let other = format!("/gaps?owner={}", ciso.person_id);
    assert_eq!(app.get_as(&owner, &other).await.status, StatusCode::FORBIDDEN);
    for role in [Role::Ciso, Role::It, Role::Auditor] {
        let reader = app.sign_in_as(Some(role)).await;
        let whole = app.get_as(&reader, "/gaps").await;
        assert_eq!(whole.status, StatusCode::OK, "{role}: {}", whole.body);
        assert!(whole.body.contains("Hela organisationen"));
    }
    let admin = app.sign_in_as(Some(Role::Admin)).await;
    assert_eq!(app.get_as(&admin, "/gaps").await.status, StatusCode::FORBIDDEN);

    // IT limited to Socialnämnden reads that nämnd's report (its scope when none is asked for) and what lies below
    // it, is offered only those units, and is refused the rest; an administrator of the nämnd reads none of it.
    let nämnd = unit_named(&app, "Socialnämnden").await;
    let limited = |role: Role| {
        let app = &app;
        async move {
            let person = app.sign_in_as(None).await.person_id;
            let txn = app.db.begin_change().await.expect("begin");
            let grant = lis_domain::RoleGrant {
                role,
                org_unit_id: Some(nämnd),
            };
            lis_store::people::grant_role(&txn, &ChangeContext::system("test"), organisation_id, person, grant)
                .await
                .expect("grant");
            txn.commit().await.expect("commit");
            app.session_for(person).await
        }
    };
    let unit_it = limited(Role::It).await;
    let own_unit = app.get_as(&unit_it, "/gaps").await;
    assert_eq!(own_unit.status, StatusCode::OK, "{}", own_unit.body);
    assert!(
        own_unit.body.contains(&format!("<option value=\"{nämnd}\" selected>"))
            && own_unit.body.contains("Gapsystem välfärd")
            && !own_unit.body.contains("Gapsystem skola"),
        "{}",
        own_unit.body
    );
    assert!(own_unit.body.contains(&format!("<option value=\"{welfare}\"")));
    assert!(
        !own_unit
            .body
            .contains("<option value=\"\">Hela organisationen</option>")
    );
    assert!(!own_unit.body.contains(&format!("<option value=\"{school}\"")));
    let below = app.get_as(&unit_it, &format!("/gaps?unit={welfare}")).await;
    assert_eq!(below.status, StatusCode::OK, "{}", below.body);
    assert!(below.body.contains("Gapsystem välfärd"), "{}", below.body);
    for refused in [
        format!("/gaps?unit={school}"),
        format!("/gaps/report.csv?unit={school}"),
    ] {
        assert_eq!(
            app.get_as(&unit_it, &refused).await.status,
            StatusCode::FORBIDDEN,
            "{refused}"
        );
    }
    // The API reads through the same report: the unit by default, the rest refused.
    let api = app.get_as(&unit_it, "/api/v1/gaps").await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    assert!(
        api.body.contains("\"Sektor välfärd\"") && !api.body.contains("Sektor utbildning"),
        "{}",
        api.body
    );
    let api_elsewhere = app.get_as(&unit_it, &format!("/api/v1/gaps?unit={school}")).await;
    assert_eq!(api_elsewhere.status, StatusCode::FORBIDDEN, "{}", api_elsewhere.body);
    let unit_csv = app.get_as_bytes(&unit_it, "/gaps/report.csv").await;
    let unit_text = String::from_utf8(unit_csv[3..].to_vec()).expect("utf-8");
    let tree = lis_store::organisation::org_tree(&app.db, organisation_id)
        .await
        .expect("tree");
    let inside: Vec<String> = tree
        .flatten()
        .into_iter()
        .filter(|unit| tree.subtree(nämnd).contains(&unit.id))
        .map(|unit| unit.name)
        .collect();
    let rows: Vec<&str> = unit_text.lines().skip(1).collect();
    let ours = rows.iter().filter(|line| line.contains(";Gapsystem välfärd;")).count();
    assert_eq!(ours, social_reqs.len() - 1, "{unit_text}");
    assert!(
        rows.iter()
            .all(|line| inside.iter().any(|unit| line.starts_with(&format!("{unit};")))),
        "{unit_text}"
    );
    let unit_admin = limited(Role::Admin).await;
    assert_eq!(app.get_as(&unit_admin, "/gaps").await.status, StatusCode::FORBIDDEN);

    // The files: every gap in the CSV, the worst first; the summary and the gaps in the workbook.
    let csv = app
        .get_as_bytes(&ciso, &format!("/gaps/report.csv?owner={}", owner.person_id))
        .await;
    let text = String::from_utf8(csv[3..].to_vec()).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("Organisationsenhet;Objektsägare;System;Krav;"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 1 + applicable - 2, "a row per gap");
    assert!(
        lines[1].starts_with("Barn och unga;Utan Roll;Gapsystem välfärd;")
            && lines[1].contains(";Allvarlig;2026-01-31;Ja;"),
        "{}",
        lines[1]
    );
    let workbook = app.get_as_bytes(&ciso, "/gaps/report.xlsx").await;
    assert!(workbook.starts_with(b"PK"), "a zip workbook");
    let exports = lis_store::audit::all_events(&app.db)
        .await
        .expect("audit")
        .into_iter()
        .filter(|event| event.subject_id == "gap_report" && event.action == "export")
        .count();
    assert_eq!(
        exports, 3,
        "the unit's export and both of the CISO's are in the audit trail"
    );

    // The CISO closes a cycle; a name is needed and must be new. Later work shows as a change since the cycle.
    let nameless = app.post_form_as(&ciso, "/gaps/cycles", &[("name", " ")]).await;
    assert_eq!(nameless.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", nameless.body);
    assert!(nameless.body.contains("Skriv ett namn."));
    let closed = app
        .post_form_as(&ciso, "/gaps/cycles", &[("name", "Uppföljning 2026")])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let cycle = closed
        .header("location")
        .rsplit('=')
        .next()
        .expect("the cycle")
        .to_owned();
    let again = app
        .post_form_as(&ciso, "/gaps/cycles", &[("name", "uppföljning 2026")])
        .await;
    assert!(again.body.contains("Namnet används redan"), "{}", again.body);
    assert_eq!(
        app.post_form_as(&owner, "/gaps/cycles", &[("name", "Egen")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    for requirement in &social_reqs[2..6] {
        let saved = app
            .post_form_as(
                &owner,
                &format!("/items/{social}/requirements/{}", requirement.id),
                &[("status", "uppfyllt")],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    }
    // Saving the same status again with only a note changes no status, so it is no change since the cycle.
    let noted = app
        .post_form_as(
            &owner,
            &format!("/items/{social}/requirements/{}", social_reqs[2].id),
            &[("status", "uppfyllt"), ("version", "1"), ("how", "Rutinen följs.")],
        )
        .await;
    assert_eq!(noted.status, StatusCode::SEE_OTHER, "{}", noted.body);
    // The CISO assesses a demo system of someone else's after the cycle too.
    let elsewhere = lis_store::entity::inventory_item::Entity::find()
        .filter(lis_store::entity::inventory_item::Column::Name.eq("Digitala signeringslistor för läkemedel"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("the demo's system")
        .id;
    let assessed = app
        .post_form_as(
            &ciso,
            &format!("/items/{elsewhere}/requirements/LIS-5.1-01"),
            &[("status", "delvis_uppfyllt"), ("severity", "mattlig")],
        )
        .await;
    assert_eq!(assessed.status, StatusCode::SEE_OTHER, "{}", assessed.body);
    // Six events since the cycle, five of them changes of status: reading six sees all, reading five leaves one.
    let closed_at = lis_store::cycles::list(&app.db, organisation_id)
        .await
        .expect("cycles")
        .into_iter()
        .find(|c| c.id.to_string() == cycle)
        .expect("the cycle")
        .closed_at;
    let everywhere = |_: i64| true;
    let (all, more) = lis_store::gaps::status_changes_since(&app.db, organisation_id, closed_at, &everywhere, 6)
        .await
        .expect("changes");
    assert_eq!((all.len(), more), (5, false));
    assert_eq!(all[0].system_id, elsewhere, "the newest first");
    let (latest, more) = lis_store::gaps::status_changes_since(&app.db, organisation_id, closed_at, &everywhere, 5)
        .await
        .expect("changes");
    assert_eq!((latest.len(), more), (4, true));
    let whole = app.get_as(&ciso, &format!("/gaps?compare={cycle}")).await;
    assert!(
        whole.body.contains("Visar 5 av 5.") && whole.body.contains(">Digitala signeringslistor för läkemedel</a>"),
        "{}",
        whole.body
    );
    let compared = app
        .get_as(&owner, &format!("/gaps?owner={}&compare={cycle}", owner.person_id))
        .await;
    let changes = &compared.body[compared
        .body
        .find("<h2 id=\"changes\">Ändrat sedan Uppföljning 2026")
        .unwrap_or_else(|| panic!("the changes since the cycle: {}", compared.body))..];
    assert!(changes.contains("Visar 4 av 4."), "{changes}");
    assert!(
        !changes.contains("Digitala signeringslistor"),
        "only the objektsägare's systems: {changes}"
    );
    // The API gives the same changes.
    let api = app
        .get_as(
            &owner,
            &format!("/api/v1/gaps?owner={}&compare={cycle}", owner.person_id),
        )
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let summary: serde_json::Value = serde_json::from_str(&api.body).expect("json");
    let listed = summary["changes"].as_array().expect("changes");
    assert_eq!(listed.len(), 4, "{}", api.body);
    assert_eq!(summary["changes_more"], false);
    for change in listed {
        assert_eq!(change["system"], social);
        assert_eq!(change["status_before"], "ej_bedomd");
        assert_eq!(change["status_after"], "uppfyllt");
        assert_eq!(change["saved_by"], format!("person:{}", owner.person_id));
    }
    for requirement in &social_reqs[2..6] {
        let row = changes
            .split("<tr>")
            .find(|row| row.contains(&format!("<code>{}</code>", requirement.id)))
            .unwrap_or_else(|| panic!("{} is listed: {changes}", requirement.id));
        assert!(
            row.contains("Gapsystem välfärd") && row.contains("<td>Ej bedömd</td><td>Uppfyllt</td><td>Utan Roll</td>"),
            "{row}"
        );
    }
    assert_eq!(compared.status, StatusCode::OK, "{}", compared.body);
    let now = 6 * 100 / applicable;
    let points = now - percent;
    assert!(
        compared.body.contains("Jämförs med Uppföljning 2026")
            && compared.body.contains(&format!("Täckning {now} %"))
            && compared.body.contains(&format!("+{points} procentenheter")),
        "then {percent} %, now {now} %: {}",
        compared.body
    );
    let social_then = row(&compared.body, "Socialnämnden");
    assert_eq!(
        social_then[social_then.len() - 2..],
        [
            format!("{} %", 100 / social_reqs.len()),
            format!(
                "+{} procentenheter",
                5 * 100 / social_reqs.len() - 100 / social_reqs.len()
            )
        ]
    );
}

on_both_databases!(the_report_counts_coverage_gaps_and_overdue_per_unit_measure_and_owner);

/// The report's analysis from the stored summaries on `today`, and the same worked out from every status.
async fn stored_and_recounted(
    app: &TestApp,
    catalog: &lis_catalog::Catalog,
    today: chrono::NaiveDate,
) -> (lis_reports::gaps::GapAnalysis, lis_reports::gaps::GapAnalysis) {
    let organisation_id = app.organisation_id().await;
    let systems = lis_store::gaps::systems_in_use(&app.db, organisation_id)
        .await
        .expect("systems");
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");
    let stored = lis_web::gap_analysis::analyse(&app.db, catalog, organisation_id, &systems, &not_in_use, today)
        .await
        .expect("the analysis from summaries");
    let ids: Vec<i64> = systems.iter().map(|s| s.id).collect();
    let statuses = lis_store::gaps::statuses(&app.db, organisation_id, &ids)
        .await
        .expect("statuses");
    let recounted = lis_reports::gaps::analyse(catalog, &not_in_use, &systems, &statuses, today);
    // The worst gaps, ranked from the statuses of the systems that hold them, are the worst of all.
    let (holding, of_holding) = lis_web::gap_analysis::holding_the_worst(
        &app.db,
        organisation_id,
        &systems,
        &stored.summaries,
        &stored.inherited,
        50,
    )
    .await
    .expect("the systems holding the worst gaps");
    assert!(holding.len() < systems.len());
    let (worst, _) = lis_reports::gaps::worst_gaps(catalog, &not_in_use, &holding, &of_holding, 50);
    let (worst_of_all, _) = lis_reports::gaps::worst_gaps(catalog, &not_in_use, &systems, &statuses, 50);
    assert_eq!(worst, worst_of_all);
    (stored.analysis, recounted)
}

async fn the_stored_summaries_follow_every_change_that_moves_the_counts(backend: Backend) {
    use lis_store::entity::gap_summary;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let organisation_id = app.organisation_id().await;
    // The demo's classifications, shared controls and statuses.
    let txn = app.db.begin_change().await.expect("begin");
    lis_store::demo_assessment::assess(&txn, organisation_id)
        .await
        .expect("assess the demo");
    txn.commit().await.expect("commit");
    let today = chrono::Utc::now().date_naive();
    let same = |step: &str, (stored, recounted): (lis_reports::gaps::GapAnalysis, lis_reports::gaps::GapAnalysis)| {
        assert_eq!(stored, recounted, "{step}");
        stored
    };
    // The first report works every summary out and stores it.
    let first = same("no summary stored", stored_and_recounted(&app, &catalog, today).await);
    assert!(first.whole.applicable > 0 && first.whole.gaps() > 0 && first.whole.by_severity[3] > 0);
    let stored = gap_summary::Entity::find()
        .filter(gap_summary::Column::OrganisationId.eq(organisation_id))
        .all(&app.db)
        .await
        .expect("summaries");
    assert_eq!(stored.len(), first.systems, "one summary per system");
    assert!(
        stored
            .iter()
            .all(|s| s.counts.is_some() && s.computed_on == Some(today))
    );

    // The next reads them: a summary altered in the database shows in the analysis.
    let system = *first
        .by_system
        .iter()
        .find(|(_, tally)| tally.applicable > 0)
        .expect("a system with requirements")
        .0;
    let row = stored
        .iter()
        .find(|s| s.system_id == system)
        .expect("its summary")
        .clone();
    let mut altered: gap_summary::ActiveModel = row.clone().into();
    altered.counts = Set(Some(String::new()));
    altered.update(&app.db).await.expect("alter the summary");
    let (read, _) = stored_and_recounted(&app, &catalog, today).await;
    assert_eq!(
        read.by_system[&system],
        lis_reports::gaps::Tally::default(),
        "the stored summary is read"
    );

    // A status saved marks the system's summary stale: the next report works it out again.
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");
    let facts = lis_store::gaps::systems_in_use_among(&app.db, organisation_id, Some(&[system]))
        .await
        .expect("the system")
        .remove(0);
    let requirement = catalog.applicable_in_use(&facts.profile, &not_in_use)[0].id.clone();
    let seen = lis_store::requirement_status::of_system(&app.db, system)
        .await
        .expect("statuses")
        .get(&requirement)
        .map(|r| r.version);
    let txn = app.db.begin_change().await.expect("begin");
    let record = lis_domain::gap::StatusRecord {
        status: Some(lis_domain::gap::RequirementStatus::EjUppfyllt),
        severity: Some(lis_domain::gap::Severity::Allvarlig),
        due: today.checked_add_days(chrono::Days::new(10)),
        ..Default::default()
    };
    lis_store::requirement_status::record(
        &txn,
        &ChangeContext::person(ciso.person_id, None),
        organisation_id,
        system,
        &requirement,
        true,
        &record,
        seen,
    )
    .await
    .expect("record a status");
    txn.commit().await.expect("commit");
    let marked = gap_summary::Entity::find_by_id(system)
        .one(&app.db)
        .await
        .expect("read")
        .expect("the summary row");
    assert_eq!((marked.stamp, marked.counts), (row.stamp + 1, None), "marked stale");
    let after_status = same("a status saved", stored_and_recounted(&app, &catalog, today).await);
    assert_ne!(after_status.by_system[&system], first.by_system[&system]);

    // A summary worked out from statuses read before a save does not replace the save's mark.
    let late = lis_store::gap_summaries::Fresh {
        system_id: system,
        seen_stamp: row.stamp,
        counts: String::new(),
        profile: String::new(),
        basis: String::new(),
        inherited: String::new(),
        computed_on: today,
        valid_until: None,
    };
    lis_store::gap_summaries::save(&app.db, organisation_id, &[late])
        .await
        .expect("save");
    let kept = gap_summary::Entity::find_by_id(system)
        .one(&app.db)
        .await
        .expect("read")
        .expect("the summary row");
    assert_ne!(
        kept.counts.as_deref(),
        Some(""),
        "a summary read before the save is dropped"
    );

    // A shared control's status changes what its users inherit.
    let control = lis_store::shared_controls::list(&app.db, organisation_id)
        .await
        .expect("shared controls")
        .into_iter()
        .find(|c| c.status == "uppfyllt")
        .expect("a shared control met");
    let users = lis_store::shared_controls::users_of(&app.db, control.id)
        .await
        .expect("users");
    assert!(!users.is_empty());
    let fields = lis_store::shared_controls::Fields {
        name: control.name.clone(),
        description: control.description.clone(),
        record: lis_domain::gap::StatusRecord {
            status: Some(lis_domain::gap::RequirementStatus::DelvisUppfyllt),
            severity: Some(lis_domain::gap::Severity::Betydande),
            ..lis_store::shared_controls::record_of(&control)
        },
        requirements: lis_store::shared_controls::requirements_of(&app.db, control.id)
            .await
            .expect("its requirements"),
    };
    let txn = app.db.begin_change().await.expect("begin");
    let known = |id: &str| catalog.requirements.iter().any(|r| r.id == id);
    lis_store::shared_controls::update(
        &txn,
        &ChangeContext::person(ciso.person_id, None),
        organisation_id,
        control.id,
        &fields,
        &known,
        control.version,
    )
    .await
    .expect("change the shared control");
    txn.commit().await.expect("commit");
    let after_control = same(
        "a shared control changed",
        stored_and_recounted(&app, &catalog, today).await,
    );
    assert!(after_control.whole.by_severity[2] > after_status.whole.by_severity[2]);

    // A new system (no summary yet) and one classified anew count at their levels.
    let new_system = system_with(
        &app,
        ciso.person_id,
        [3, 2, 2, 1],
        ItemFields {
            name: "Sammanfattat system".to_owned(),
            ..ItemFields::default()
        },
    )
    .await;
    let after_new = same("a new system", stored_and_recounted(&app, &catalog, today).await);
    assert!(after_new.by_system[&new_system].applicable > 0);
    crate::requirements::held_by_at(&app, ciso.person_id, new_system, "Känsligare mängd", [3, 3, 3, 2]).await;
    let after_levels = same("levels raised", stored_and_recounted(&app, &catalog, today).await);
    assert!(after_levels.by_system[&new_system].weight > after_new.by_system[&new_system].weight);

    // The SoA takes a control out of use: every summary rests on another basis.
    crate::requirements::take_out_of_use(&app, ciso.person_id, &catalog.requirements[0].control).await;
    let after_soa = same(
        "a control out of use",
        stored_and_recounted(&app, &catalog, today).await,
    );
    assert!(after_soa.whole.applicable < after_levels.whole.applicable);

    // Time passes: a gap falling due is overdue after its date, and a summary of a later day is not used earlier.
    let later = today.checked_add_days(chrono::Days::new(400)).expect("a date");
    let after_due = same("a year on", stored_and_recounted(&app, &catalog, later).await);
    assert!(after_due.whole.overdue > after_soa.whole.overdue);
    same("back to today", stored_and_recounted(&app, &catalog, today).await);
}

on_both_databases!(the_stored_summaries_follow_every_change_that_moves_the_counts);
