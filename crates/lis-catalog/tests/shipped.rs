//! The catalogue LIS ships in `msb-catalog/`: complete, valid, and covering the law it cites.

use std::collections::BTreeSet;
use std::path::Path;

use lis_catalog::{Catalog, annex_a_2022_ids, load_dir};

fn shipped() -> Catalog {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../msb-catalog");
    load_dir(&dir).unwrap_or_else(|problems| {
        panic!(
            "{}",
            problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
        )
    })
}

#[test]
fn every_annex_a_control_is_there_once() {
    let catalog = shipped();
    let ids: Vec<String> = catalog.controls.iter().map(|c| c.id.clone()).collect();
    assert_eq!(
        ids,
        annex_a_2022_ids(),
        "the 93 controls of ISO/IEC 27001:2022 Annex A, in order"
    );
}

#[test]
fn at_least_150_requirements_and_every_information_system_control_has_one() {
    let catalog = shipped();
    assert!(catalog.requirements.len() >= 150, "{}", catalog.requirements.len());
    for control in catalog.controls.iter().filter(|c| c.information_system) {
        assert!(
            catalog.requirements.iter().any(|r| r.control == control.id),
            "control {}",
            control.id
        );
    }
}

#[test]
fn every_point_of_cybersakerhetslagen_2_kap_3_is_covered() {
    let summary = shipped().summary();
    for point in 1..=10u8 {
        assert!(
            summary
                .per_cybersakerhetslagen_point
                .get(&point)
                .is_some_and(|n| *n > 0),
            "point {point}"
        );
    }
}

#[test]
fn every_msbfs_2020_7_topic_is_covered() {
    let summary = shipped().summary();
    let topics = [
        "2 kap. 4 §",
        "3 kap. 1 §",
        "3 kap. 2 §",
        "4 kap. 1 §",
        "4 kap. 2 §",
        "4 kap. 3 §",
        "4 kap. 4 §",
        "4 kap. 5 §",
        "4 kap. 7 §",
        "4 kap. 9 §",
        "4 kap. 12 §",
        "4 kap. 13 §",
        "4 kap. 14 §",
        "4 kap. 15 §",
        "4 kap. 16 §",
        "4 kap. 17 §",
        "4 kap. 18 §",
        "4 kap. 20 §",
        "4 kap. 22 §",
    ];
    for topic in topics {
        assert!(summary.per_msbfs_section.contains_key(topic), "MSBFS 2020:7 {topic}");
    }
}

#[test]
fn requirements_protect_only_what_their_control_protects_and_rules_name_their_aspects() {
    let catalog = shipped();
    for requirement in &catalog.requirements {
        let control = catalog
            .controls
            .iter()
            .find(|c| c.id == requirement.control)
            .expect("control");
        let protected: BTreeSet<_> = control.aspects.iter().collect();
        for aspect in &requirement.aspects {
            assert!(
                protected.contains(aspect),
                "{} protects {aspect}, its control does not",
                requirement.id
            );
        }
        for aspect in requirement.applies.aspects() {
            assert!(
                requirement.aspects.contains(&aspect),
                "{}: the rule names {aspect}",
                requirement.id
            );
        }
    }
}

#[test]
fn grundskydd_grows_with_the_levels() {
    let summary = shipped().summary();
    assert_eq!(
        summary.applicable_at_level.first(),
        Some(&summary.always),
        "level 0 gives exactly grundskydd"
    );
    assert!(
        summary.applicable_at_level.windows(2).all(|w| w[0] <= w[1]),
        "{:?}",
        summary.applicable_at_level
    );
    assert_eq!(
        summary.applicable_at_level.last(),
        Some(&summary.requirements),
        "level 3 everywhere gives all"
    );
}

#[test]
fn the_embedded_catalogue_is_the_one_on_disk() {
    let embedded = lis_catalog::shipped().expect("the embedded catalogue is valid");
    let on_disk = shipped();
    assert_eq!(embedded.controls, on_disk.controls);
    assert_eq!(embedded.requirements.len(), on_disk.requirements.len());
}

#[test]
fn the_oscal_catalog_is_complete_and_reproducible() {
    let catalog = shipped();
    let document = lis_catalog::oscal::catalog_document(&catalog);
    assert_eq!(
        document,
        lis_catalog::oscal::catalog_document(&catalog),
        "the same catalogue gives the same document"
    );
    let groups = document["catalog"]["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 4, "one group per theme");
    let controls: Vec<&serde_json::Value> = groups
        .iter()
        .flat_map(|g| g["controls"].as_array().expect("controls"))
        .collect();
    assert_eq!(controls.len(), 93);
    let items = controls
        .iter()
        .flat_map(|c| c["parts"].as_array().expect("parts"))
        .filter(|p| p["name"] == "statement")
        .flat_map(|s| s["parts"].as_array().expect("items"))
        .count();
    assert_eq!(
        items,
        catalog.requirements.len(),
        "every requirement is a part of its control"
    );
}

#[test]
fn each_protection_level_has_a_profile_of_exactly_its_requirements() {
    let catalog = shipped();
    for level in 0..=3u8 {
        let profile = lis_catalog::oscal::profile_document(&catalog, level).expect("a profile");
        let chosen = profile["profile"]["imports"][0]["include-controls"][0]["with-ids"]
            .as_array()
            .expect("ids")
            .len();
        let removed: usize = profile["profile"]["modify"]["alters"]
            .as_array()
            .map(|alters| alters.iter().map(|a| a["removes"].as_array().map_or(0, Vec::len)).sum())
            .unwrap_or(0);
        let applicable = catalog.applicable(&lis_domain::aspect::Profile::new(level, level, level, level));
        let controls_with_applicable: BTreeSet<&str> = applicable.iter().map(|r| r.control.as_str()).collect();
        assert_eq!(chosen, controls_with_applicable.len(), "level {level}");
        let in_chosen_controls = catalog
            .requirements
            .iter()
            .filter(|r| controls_with_applicable.contains(r.control.as_str()))
            .count();
        assert_eq!(
            in_chosen_controls - removed,
            applicable.len(),
            "level {level}: the profile keeps exactly the applicable ones"
        );
    }
    assert!(
        lis_catalog::oscal::profile_document(&catalog, 4).is_none(),
        "level 4 has no profile"
    );
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/oscal")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn oscal_catalogs_written_by_others_import() {
    let basic =
        lis_catalog::import::import_oscal_catalog("basic", &fixture("basic-catalog.json")).expect("NIST's example");
    assert_eq!(basic.control_count(), 4);
    assert_eq!(
        basic.groups.iter().map(|g| g.depth).collect::<Vec<_>>(),
        [0, 1, 0, 1],
        "nested groups keep their depth"
    );
    let low = lis_catalog::import::import_oscal_catalog(
        "low",
        &fixture("NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json"),
    )
    .expect("the SP 800-53 LOW baseline");
    assert_eq!(low.control_count(), 149);
    let ac2 = low
        .groups
        .iter()
        .flat_map(|g| &g.controls)
        .find(|c| c.id == "ac-2")
        .expect("AC-2");
    assert!(
        ac2.label.as_deref().is_some_and(|l| l.starts_with("AC-")),
        "{:?}",
        ac2.label
    );
    assert!(!ac2.statement.is_empty());
    // LIS's own export imports too.
    let ours = lis_catalog::oscal::catalog_document(&shipped()).to_string();
    assert_eq!(
        lis_catalog::import::import_oscal_catalog("ours", &ours)
            .expect("our export")
            .control_count(),
        93
    );
}

#[test]
fn a_broken_oscal_file_is_refused_with_its_line() {
    let problems = lis_catalog::import::import_oscal_catalog("x.json", "{\n  \"catalog\": {\n    \"uuid\": 1,,\n")
        .expect_err("broken");
    assert_eq!(
        (problems[0].file.as_str(), problems[0].line),
        ("x.json", 3),
        "{problems:?}"
    );
    let problems =
        lis_catalog::import::import_oscal_catalog("p.json", r#"{"profile": {}}"#).expect_err("not a catalog");
    assert!(problems[0].message.contains("not an OSCAL catalog"));
    let empty =
        r#"{"catalog": {"uuid": "u", "metadata": {"title": "T"}, "groups": [{"id": "g", "controls": [{"id": "c"}]}]}}"#;
    let problems = lis_catalog::import::import_oscal_catalog("e.json", empty).expect_err("incomplete");
    assert!(
        problems.iter().any(|p| p.message.contains("has no title")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.message.contains("lacks an id or a title")),
        "{problems:?}"
    );
}

/// A fresh directory for extension files.
fn extension_dir(files: &[(&str, &str)]) -> std::path::PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("lis-extra-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write");
    }
    dir
}

const LOCAL: &str = r#"
[[requirement]]
id = "EXK-8.13-01"
control = "8.13"
aspects = ["T"]
kind = "nivåberoende"
applies = "T>=2"
text.sv = "Säkerhetskopiorna förvaras i två av kommunens anläggningar."
text.en = "Backups are kept in two of the municipality's sites."
procurement.sv = "Leverantören SKA förvara säkerhetskopior i två åtskilda anläggningar."
procurement.en = "The supplier SHALL keep backups in two separate sites."
"#;

#[test]
fn local_requirements_extend_the_catalogue_without_editing_it() {
    let dir = extension_dir(&[("kommun.toml", LOCAL)]);
    let catalog = lis_catalog::shipped_with_extensions(&dir).expect("valid extension");
    assert_eq!(catalog.requirements.len(), shipped().requirements.len() + 1);
    let local = catalog
        .requirements
        .iter()
        .find(|r| r.id == "EXK-8.13-01")
        .expect("the local requirement");
    assert_eq!((local.file.as_str(), local.line), ("extra/kommun.toml", 2));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_broken_extension_gives_no_catalogue_and_names_every_problem() {
    let duplicate = LOCAL.replace("EXK-8.13-01", "LIS-8.13-01");
    let broken = "[[requirement]]\nid = \"EXK-1\"\ncontrol = \"5.1\n";
    let dir = extension_dir(&[("a.toml", &duplicate), ("b.toml", broken)]);
    let problems = lis_catalog::shipped_with_extensions(&dir).expect_err("broken");
    assert!(
        problems
            .iter()
            .any(|p| p.file == "extra/a.toml" && p.message.contains("defined twice")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.file == "extra/b.toml" && p.line == 3),
        "{problems:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
