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
    managed_system_at(app, person, levels, None).await
}

/// [`system_at`], with `manager` as its systemförvaltare.
async fn managed_system_at(app: &TestApp, person: i64, levels: [u8; 4], manager: Option<i64>) -> i64 {
    let fields = ItemFields {
        name: format!("Kravsystem {levels:?} {manager:?}"),
        system_manager_person_id: manager,
        ..ItemFields::default()
    };
    system_with(app, person, levels, fields).await
}

/// A system with `fields` holding one informationsmängd classified at `levels` (K, R, T, S), decided by `person`:
/// the system's id.
pub(crate) async fn system_with(app: &TestApp, person: i64, levels: [u8; 4], fields: ItemFields) -> i64 {
    let organisation_id = app.organisation_id().await;
    let ctx = ChangeContext::person(person, None);
    let txn = app.db.begin_change().await.expect("begin");
    let name = format!("Kravmängd {}", fields.name);
    let system = inventory::create(&txn, &ctx, organisation_id, ItemKind::System, fields)
        .await
        .expect("create the system")
        .id;
    txn.commit().await.expect("commit");
    held_by_at(app, person, system, &name, levels).await;
    system
}

/// An informationsmängd named `name` held by `system`, classified at `levels` (K, R, T, S) and decided by `person`.
pub(crate) async fn held_by_at(app: &TestApp, person: i64, system: i64, name: &str, levels: [u8; 4]) {
    let organisation_id = app.organisation_id().await;
    let ctx = ChangeContext::person(person, None);
    let txn = app.db.begin_change().await.expect("begin");
    let information_set = ItemFields {
        name: name.to_owned(),
        ..ItemFields::default()
    };
    let information = inventory::create(&txn, &ctx, organisation_id, ItemKind::InformationSet, information_set)
        .await
        .expect("create the informationsmängd")
        .id;
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
}

/// The CISO takes `control` out of use in the SoA.
pub(crate) async fn take_out_of_use(app: &TestApp, ciso: i64, control: &str) {
    let organisation_id = app.organisation_id().await;
    let txn = app.db.begin_change().await.expect("begin");
    let decision = SoaDecision {
        in_use: false,
        justification: Some(Justification::Riskanalys),
        text: "Hanteras inte i kommunen.".to_owned(),
    };
    let version = lis_store::soa::entries(&txn, organisation_id)
        .await
        .expect("entries")
        .get(control)
        .map_or(0, |e| e.version);
    lis_store::soa::save(
        &txn,
        &ChangeContext::person(ciso, None),
        organisation_id,
        control,
        &decision,
        version,
    )
    .await
    .expect("soa");
    txn.commit().await.expect("commit");
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
    take_out_of_use(&app, ciso.person_id, &control).await;
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

async fn statuses(app: &TestApp, system: i64) -> Vec<lis_store::entity::requirement_status::Model> {
    lis_store::requirement_status::of_system(&app.db, system)
        .await
        .expect("statuses")
        .into_values()
        .collect()
}

async fn an_assessment_is_recorded_refused_when_bad_and_kept_when_the_requirement_stops_applying(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let it = app.sign_in_as(Some(Role::It)).await;
    let auditor = app.sign_in_as(Some(Role::Auditor)).await;
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let system = system_at(&app, ciso.person_id, [2, 1, 3, 1]).await;
    let organisation_id = app.organisation_id().await;
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");
    let applicable = catalog.applicable_in_use(&Profile::new(2, 1, 3, 1), &not_in_use);
    let requirement = applicable[0];
    let uri = format!("/items/{system}/requirements/{}", requirement.id);

    // Not applicable without a justification, and a link that is not a web address: refused, nothing recorded.
    let refused = app
        .post_form_as(
            &it,
            &uri,
            &[
                ("status", "ej_tillampligt"),
                ("evidence_url", "javascript:alert(1)"),
                ("responsible", "ingen.alls@exempelkommun.se"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(
        refused.body.contains("Skriv varför kravet inte är tillämpligt.")
            && refused.body.contains("Länken till beviset ska börja med")
            && refused.body.contains("Ingen person i LIS har den e-postadressen."),
        "{}",
        refused.body
    );
    assert!(statuses(&app, system).await.is_empty());

    // Recorded: partly met with a significant shortcoming.
    let recorded = app
        .post_form_as(
            &it,
            &uri,
            &[
                ("status", "delvis_uppfyllt"),
                ("severity", "betydande"),
                ("how", "Säkerhetskopior tas, men återläsning har inte provats."),
                ("due", "2027-03-31"),
                ("evidence_url", "https://intranat.exempel.se/backup"),
                ("responsible", "Leila.Haddad@exempelkommun.se"),
            ],
        )
        .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let rows = statuses(&app, system).await;
    assert_eq!(
        (
            rows.len(),
            rows[0].status.as_str(),
            rows[0].severity.as_deref(),
            rows[0].version
        ),
        (1, "delvis_uppfyllt", Some("betydande"), 1)
    );
    let page = app.get_as(&it, &format!("/items/{system}/requirements")).await;
    assert!(
        page.body.contains("Ansvarig: Leila Haddad"),
        "the responsible person by name: {}",
        page.body
    );
    assert!(
        page.body.contains("Delvis uppfyllt") && page.body.contains("Betydande"),
        "{}",
        page.body
    );

    // A stale form is refused; the version read is accepted.
    let stale = app.post_form_as(&it, &uri, &[("status", "uppfyllt")]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert_eq!(statuses(&app, system).await[0].status, "delvis_uppfyllt");
    let met = app
        .post_form_as(
            &it,
            &uri,
            &[("status", "uppfyllt"), ("version", "1"), ("verified", "2026-11-20")],
        )
        .await;
    assert_eq!(met.status, StatusCode::SEE_OTHER, "{}", met.body);
    assert_eq!(statuses(&app, system).await[0].version, 2);

    // An auditor records nothing; a requirement that does not apply takes no status.
    let by_auditor = app
        .post_form_as(&auditor, &uri, &[("status", "uppfyllt"), ("version", "2")])
        .await;
    assert_eq!(by_auditor.status, StatusCode::FORBIDDEN);
    let other = catalog
        .requirements
        .iter()
        .find(|r| !applicable.iter().any(|a| a.id == r.id))
        .expect("a requirement that does not apply");
    let not_applying = app
        .post_form_as(
            &it,
            &format!("/items/{system}/requirements/{}", other.id),
            &[("status", "uppfyllt")],
        )
        .await;
    assert!(not_applying.status.is_client_error(), "{}", not_applying.status);
    assert!(
        not_applying.body.contains("Kravet gäller inte för systemet"),
        "{}",
        not_applying.body
    );
    assert_eq!(statuses(&app, system).await.len(), 1);

    // When the requirement stops applying, its assessment is kept and shown as history.
    take_out_of_use(&app, ciso.person_id, &requirement.control).await;
    let page = app.get_as(&it, &format!("/items/{system}/requirements")).await;
    assert!(
        page.body.contains("Bedömningar av krav som inte längre gäller")
            && page
                .body
                .contains(&format!("<code>{}</code>: Uppfyllt", requirement.id))
            && page.body.contains(&format!(
                "Åtgärden {} används inte enligt uttalandet om tillämplighet.",
                requirement.control
            )),
        "the history says why: {}",
        page.body
    );
}

async fn mina_brister_lists_an_owners_gaps_worst_first(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let owner = app.sign_in_as(None).await;
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let system = managed_system_at(&app, ciso.person_id, [2, 1, 3, 1], Some(owner.person_id)).await;
    let others = system_at(&app, ciso.person_id, [1, 1, 1, 1]).await;
    let organisation_id = app.organisation_id().await;
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");
    let applicable = catalog.applicable_in_use(&Profile::new(2, 1, 3, 1), &not_in_use);
    assert!(applicable.len() > 4);
    // The systemförvaltare, without a role, records on their own system.
    let recorded = [
        (applicable[0], "delvis_uppfyllt", "betydande", "2026-01-31"),
        (applicable[1], "ej_uppfyllt", "allvarlig", ""),
        (applicable[2], "uppfyllt", "", ""),
        (applicable[3], "uppfyllt", "mattlig", ""),
    ];
    for (requirement, status, severity, due) in recorded {
        let saved = app
            .post_form_as(
                &owner,
                &format!("/items/{system}/requirements/{}", requirement.id),
                &[("status", status), ("severity", severity), ("due", due)],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    }
    let page = app.get_as(&owner, "/mine/gaps").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let gaps = applicable.len() - 1;
    assert!(
        page.body.contains(&format!("{gaps} brister i 1 system"))
            && page.body.contains("Allvarlig: 1")
            && page.body.contains("Betydande: 1")
            && page.body.contains("Måttlig: 1")
            && page.body.contains("försenade: 1"),
        "{}",
        page.body
    );
    let at = |id: &str| page.body.find(&format!("<code>{id}</code>")).expect(id);
    assert!(
        at(&applicable[1].id) < at(&applicable[0].id),
        "allvarlig before betydande"
    );
    assert!(
        at(&applicable[0].id) < at(&applicable[3].id),
        "betydande before måttlig"
    );
    assert!(
        at(&applicable[3].id) < at(&applicable[4].id),
        "måttlig before not assessed"
    );
    assert!(
        !page.body.contains(&format!("<code>{}</code>", applicable[2].id)),
        "met is no gap"
    );
    assert!(
        !page.body.contains(&format!("/items/{others}/")),
        "only the owner's systems"
    );
}

/// The gaps a page of "Mina brister" offers to choose, in the order listed (`system:requirement`).
fn gaps_listed(body: &str) -> Vec<String> {
    body.split("name=\"gap\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

async fn mina_brister_lists_many_gaps_a_page_at_a_time(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let owner = app.sign_in_as(None).await;
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let organisation_id = app.organisation_id().await;
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");
    // Systems with nothing assessed, until their gaps fill more than a page.
    let (mut systems, mut expected) = (0, 0);
    for levels in [[3, 3, 3, 3], [3, 3, 3, 2], [3, 3, 2, 3], [3, 2, 3, 3]] {
        if expected > lis_web::MY_GAPS_PER_PAGE {
            break;
        }
        managed_system_at(&app, ciso.person_id, levels, Some(owner.person_id)).await;
        let [k, r, t, s] = levels;
        expected += catalog.applicable_in_use(&Profile::new(k, r, t, s), &not_in_use).len();
        systems += 1;
    }
    assert!(expected > lis_web::MY_GAPS_PER_PAGE, "{expected} gaps");

    let first = app.get_as(&owner, "/mine/gaps").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(
        first.body.contains(&format!("{expected} brister i {systems} system"))
            && first.body.contains(&format!("visas 1–{}", lis_web::MY_GAPS_PER_PAGE))
            && first.body.contains("href=\"&#x2f;mine&#x2f;gaps?page=2\" rel=\"next\"")
            && !first.body.contains("rel=\"prev\""),
        "{}",
        first.body
    );
    // Every gap once, page after page, the counts always of the whole.
    let mut listed = gaps_listed(&first.body);
    assert_eq!(listed.len(), lis_web::MY_GAPS_PER_PAGE);
    let mut page = 2;
    loop {
        let next = app.get_as(&owner, &format!("/mine/gaps?page={page}")).await;
        assert_eq!(next.status, StatusCode::OK, "{}", next.body);
        assert!(next.body.contains(&format!("{expected} brister i {systems} system")));
        let previous = format!("href=\"&#x2f;mine&#x2f;gaps?page={}\" rel=\"prev\"", page - 1);
        assert!(next.body.contains(&previous), "{}", next.body);
        listed.extend(gaps_listed(&next.body));
        if !next.body.contains("rel=\"next\"") {
            break;
        }
        page += 1;
    }
    let distinct: BTreeSet<&String> = listed.iter().collect();
    assert_eq!((listed.len(), distinct.len()), (expected, expected));
    // A page past the last, or one that does not parse, shows the last or the first.
    let beyond = app.get_as(&owner, "/mine/gaps?page=999").await;
    assert_eq!(
        gaps_listed(&beyond.body),
        listed[(page - 1) * lis_web::MY_GAPS_PER_PAGE..].to_vec()
    );
    let garbled = app.get_as(&owner, "/mine/gaps?page=x").await;
    assert_eq!(gaps_listed(&garbled.body), listed[..lis_web::MY_GAPS_PER_PAGE].to_vec());
}

async fn many_gaps_get_one_status_at_once_or_none(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ciso = app.sign_in_as(Some(Role::Ciso)).await;
    let owner = app.sign_in_as(None).await;
    let catalog = lis_catalog::shipped().expect("the shipped catalogue");
    let system = managed_system_at(&app, ciso.person_id, [1, 1, 1, 1], Some(owner.person_id)).await;
    let others = system_at(&app, ciso.person_id, [1, 1, 1, 1]).await;
    let organisation_id = app.organisation_id().await;
    let not_in_use = lis_store::soa::controls_not_in_use(&app.db, organisation_id)
        .await
        .expect("soa");
    let applicable = catalog.applicable_in_use(&Profile::new(1, 1, 1, 1), &not_in_use);
    let chosen: Vec<(&str, String)> = applicable[..3]
        .iter()
        .map(|r| ("gap", format!("{system}:{}", r.id)))
        .collect();
    let query = chosen
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let form = app.get_as(&owner, &format!("/gaps/bulk?{query}&back=/mine/gaps")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("Valda brister (3)"), "{}", form.body);
    assert!(
        !form.body.contains("per.sandberg@exempelkommun.se"),
        "the organisation's people are not offered to a person without a role"
    );
    let recorded = async || {
        lis_store::requirement_status::of_system(&app.db, system)
            .await
            .expect("rows")
    };
    let post = async |extra: &[(&str, &str)]| {
        let mut fields: Vec<(&str, &str)> = chosen.iter().map(|(n, v)| (*n, v.as_str())).collect();
        fields.extend_from_slice(extra);
        app.post_form_as(&owner, "/gaps/bulk", &fields).await
    };
    // Not applicable without a justification: refused for each, nothing saved.
    let refused = post(&[("status", "ej_tillampligt")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(
        refused.body.matches("Skriv varför kravet inte är tillämpligt.").count(),
        1,
        "the first refusal stops it"
    );
    assert!(recorded().await.is_empty(), "nothing was saved");
    // A system that is not theirs among them: refused as a whole.
    let mut foreign = chosen.clone();
    foreign.push(("gap", format!("{others}:{}", applicable[0].id)));
    let mut fields: Vec<(&str, &str)> = foreign.iter().map(|(n, v)| (*n, v.as_str())).collect();
    fields.push(("status", "uppfyllt"));
    assert_eq!(
        app.post_form_as(&owner, "/gaps/bulk", &fields).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(recorded().await.is_empty(), "nothing was saved");
    // All three at once.
    let saved = post(&[
        ("status", "uppfyllt"),
        ("how", "Enligt kommunens riktlinje."),
        ("back", "/mine/gaps"),
    ])
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.header("location"), "/mine/gaps");
    let rows = recorded().await;
    assert_eq!(rows.len(), 3);
    assert!(
        rows.values()
            .all(|row| row.status == "uppfyllt" && row.how == "Enligt kommunens riktlinje.")
    );
    // A stale version for one of them refuses all.
    let version_key = format!("version.{system}:{}", applicable[0].id);
    let stale = post(&[("status", "ej_uppfyllt"), (version_key.as_str(), "7")]).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", stale.body);
    assert!(
        stale.body.contains("någon annan har ändrat bedömningen"),
        "{}",
        stale.body
    );
    assert!(
        recorded().await.values().all(|row| row.status == "uppfyllt"),
        "nothing changed"
    );
    // Another bulk status leaves what it does not fill in as it was.
    let again = post(&[("status", "delvis_uppfyllt"), ("severity", "mattlig")]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let rows = recorded().await;
    assert!(
        rows.values()
            .all(|row| row.status == "delvis_uppfyllt" && row.how == "Enligt kommunens riktlinje." && row.version == 2),
        "{rows:?}"
    );
}

on_both_databases!(
    many_gaps_get_one_status_at_once_or_none,
    mina_brister_lists_an_owners_gaps_worst_first,
    mina_brister_lists_many_gaps_a_page_at_a_time,
    a_system_shows_the_requirements_its_levels_select_and_why,
    an_assessment_is_recorded_refused_when_bad_and_kept_when_the_requirement_stops_applying,
);
