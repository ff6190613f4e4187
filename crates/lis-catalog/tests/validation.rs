//! Validation of catalogue files fed as inline text: a small valid catalogue, and a broken one whose every planted
//! problem is reported with its file and line.

use lis_catalog::{Problem, RequirementKind, parse};
use lis_domain::aspect::Profile;

const CATALOG: &str = r#"
id = "test"
version = "1"
issuer = "MCF"
licence = "CC BY-SA 4.0"
released = "2026-11-25"
title.sv = "Test"
title.en = "Test"

[[aspect]]
id = "K"
name.sv = "Konfidentialitet"
name.en = "Confidentiality"
definition.sv = "k"
definition.en = "k"

[[aspect]]
id = "R"
name.sv = "Riktighet"
name.en = "Integrity"
definition.sv = "r"
definition.en = "r"

[[aspect]]
id = "T"
name.sv = "Tillgänglighet"
name.en = "Availability"
definition.sv = "t"
definition.en = "t"

[[aspect]]
id = "S"
name.sv = "Spårbarhet"
name.en = "Traceability"
definition.sv = "s"
definition.en = "s"

[[level]]
value = 0
name.sv = "Försumbar"
name.en = "Negligible"
definition.sv = "0"
definition.en = "0"

[[level]]
value = 1
name.sv = "Måttlig"
name.en = "Moderate"
definition.sv = "1"
definition.en = "1"

[[level]]
value = 2
name.sv = "Betydande"
name.en = "Significant"
definition.sv = "2"
definition.en = "2"

[[level]]
value = 3
name.sv = "Allvarlig"
name.en = "Serious"
definition.sv = "3"
definition.en = "3"

[[theme]]
id = "technological"
name.sv = "Tekniska åtgärder"
name.en = "Technological controls"
"#;

const CONTROLS: &str = r#"
[[control]]
id = "8.13"
theme = "technological"
title.sv = "Säkerhetskopiering"
title.en = "Backups"
aspects = ["R", "T"]
iso2013 = ["A.12.3.1"]
information_system = true

[[requirement]]
id = "LIS-8.13-01"
control = "8.13"
aspects = ["T"]
kind = "generell"
applies = "always"
text.sv = "Systemet säkerhetskopieras."
text.en = "The system is backed up."
procurement.sv = "Leverantören SKA säkerhetskopiera."
procurement.en = "The supplier SHALL back up."
msbfs_2020_7 = ["4 kap. 14 §"]
cybersakerhetslagen = [3]

[[requirement]]
id = "LIS-8.13-02"
control = "8.13"
aspects = ["T", "R"]
kind = "nivåberoende"
applies = "T>=2 OR R>=3"
text.sv = "Återläsning prövas."
text.en = "Restores are tested."
procurement.sv = "Leverantören SKA pröva återläsning."
procurement.en = "The supplier SHALL test restores."
"#;

fn files(controls: &str) -> Vec<(String, String)> {
    vec![("controls/test.toml".to_owned(), controls.to_owned())]
}

#[test]
fn a_valid_catalogue_loads_and_selects_requirements_by_level() {
    let catalog = parse(CATALOG, &files(CONTROLS)).unwrap_or_else(|problems| panic!("{problems:#?}"));
    assert_eq!(catalog.controls.len(), 1);
    assert_eq!(catalog.requirements.len(), 2);
    assert_eq!(catalog.requirements[1].kind, RequirementKind::Nivaberoende);
    assert_eq!(
        catalog.requirements[1].line, 24,
        "requirements know where they were written"
    );
    assert_eq!(catalog.applicable(&Profile::new(0, 0, 1, 0)).len(), 1);
    assert_eq!(catalog.applicable(&Profile::new(0, 0, 2, 0)).len(), 2);
    assert!(
        catalog.applicable(&Profile::new(4, 0, 0, 0)).is_empty(),
        "level 4 gives no requirements"
    );
    let summary = catalog.summary();
    assert_eq!((summary.controls, summary.requirements, summary.always), (1, 2, 1));
    assert_eq!(summary.applicable_at_level, [1, 1, 2, 2]);
    assert_eq!(summary.per_cybersakerhetslagen_point.get(&3), Some(&1));
}

/// Asserts that some problem is reported at `file:line` with `fragment` in its message.
fn assert_reported(problems: &[Problem], file: &str, line: usize, fragment: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.file == file && p.line == line && p.message.contains(fragment)),
        "no problem {fragment:?} at {file}:{line} in:\n{}",
        problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn every_planted_problem_is_reported_with_file_and_line() {
    let broken = r#"
[[control]]
id = "8.13"
theme = "technological"
title.sv = "Säkerhetskopiering"
title.en = "Backups"
aspects = ["R", "T"]
iso2013 = ["12.3.1"]
information_system = true
owner = "IT"

[[control]]
id = "8.99"
theme = "technological"
title.sv = "Påhittad"
aspects = ["X"]
iso2013 = []
information_system = true

[[requirement]]
id = "LIS-8.13-01"
control = "8.13"
aspects = ["T"]
kind = "generell"
applies = "T>=2 AND T<1"
text.sv = "Systemet säkerhetskopieras."
text.en = "The system is backed up."
procurement.sv = "Leverantören SKA säkerhetskopiera."
procurement.en = "The supplier SHALL back up."

[[requirement]]
id = "LIS-8.13-01"
control = "5.1"
aspects = ["T"]
kind = "viktig"
applies = "T>=>2"
text.sv = "Dubblett."
procurement.sv = "Dubblett."
procurement.en = "Duplicate."
msbfs_2020_7 = ["fjärde kapitlet"]
cybersakerhetslagen = [11]
"#;
    let problems = parse(CATALOG, &files(broken)).expect_err("broken");
    let file = "controls/test.toml";
    assert_reported(&problems, file, 2, "is not an ISO/IEC 27001:2013 identifier");
    assert_reported(&problems, file, 2, "unknown field \"owner\"");
    assert_reported(&problems, file, 12, "is not an ISO/IEC 27001:2022 Annex A identifier");
    assert_reported(&problems, file, 12, "lacks the translation title.en");
    assert_reported(&problems, file, 12, "unknown aspect \"X\"");
    assert_reported(
        &problems,
        file,
        12,
        "applies to information systems but has no requirement",
    );
    assert_reported(&problems, file, 20, "holds for no classification");
    assert_reported(&problems, file, 31, "is defined twice");
    assert_reported(
        &problems,
        file,
        31,
        "belongs to control 5.1, which the catalogue does not define",
    );
    assert_reported(&problems, file, 31, "has the kind \"viktig\"");
    assert_reported(&problems, file, 31, "is invalid");
    assert_reported(&problems, file, 31, "lacks the translation text.en");
    assert_reported(&problems, file, 31, "is not a section such as");
    assert_reported(&problems, file, 31, "points 1–10, not 11");
}

#[test]
fn a_rule_naming_an_undefined_level_is_reported() {
    let controls = CONTROLS.replace("T>=2 OR R>=3", "T>=2 OR R>=4");
    let problems = parse(CATALOG, &files(&controls)).expect_err("level 4 is not defined in this catalogue");
    assert_reported(
        &problems,
        "controls/test.toml",
        24,
        "names level 4, which the catalogue does not define",
    );
}

#[test]
fn malformed_toml_is_reported_at_its_line() {
    let problems = parse(CATALOG, &files("[[control]]\nid = \"8.13\nx = 1\n")).expect_err("broken quoting");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!((problems[0].file.as_str(), problems[0].line), ("controls/test.toml", 2));
    let missing = CATALOG.replace("[[aspect]]\nid = \"S\"", "[[aspect]]\nid = \"Q\"");
    let problems = parse(&missing, &files(CONTROLS)).expect_err("no S");
    assert!(
        problems
            .iter()
            .any(|p| p.file == "catalog.toml" && p.message.contains("does not define aspect S")),
        "{problems:?}"
    );
}
