//! Two small catalogue versions (`tests/fixtures/upgrade/v1` and `v2`): the plan between them, and statuses carried
//! forward instead of lost.

use std::collections::BTreeMap;
use std::path::Path;

use lis_catalog::upgrade::{UpgradeSummary, plan};
use lis_catalog::{Catalog, load_dir};

fn version(name: &str) -> Catalog {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/upgrade")
        .join(name);
    load_dir(&dir).unwrap_or_else(|problems| panic!("{problems:#?}"))
}

#[test]
fn renamed_split_merged_and_removed_requirements_keep_their_statuses() {
    let (v1, v2) = (version("v1"), version("v2"));
    let plan = plan(&v1, &v2).unwrap_or_else(|problems| panic!("{problems:#?}"));
    assert_eq!(
        plan.summary(&v2),
        UpgradeSummary {
            unchanged: 1,
            renamed: 1,
            split: 1,
            merged: 1,
            removed: 1,
            added: 1
        }
    );

    let statuses: BTreeMap<String, &str> = [
        ("T-01", "uppfyllt"),
        ("T-02", "delvis uppfyllt"),
        ("T-03", "ej uppfyllt"),
        ("T-04", "uppfyllt"),
        ("T-05", "uppfyllt"),
        ("T-06", "ej uppfyllt"),
    ]
    .into_iter()
    .map(|(id, status)| (id.to_owned(), status))
    .collect();
    // Merging keeps the weakest status, so that a merged requirement is not reported as met too early.
    fn weakest<'a>(values: &[&&'a str]) -> &'a str {
        let order = ["ej uppfyllt", "delvis uppfyllt", "uppfyllt"];
        values
            .iter()
            .map(|v| **v)
            .min_by_key(|v| order.iter().position(|o| o == v))
            .unwrap_or("ej uppfyllt")
    }
    let (carried, retired) = plan.carry_forward(&statuses, weakest);
    let expected: BTreeMap<String, &str> = [
        ("T-01", "uppfyllt"),
        ("T-02b", "delvis uppfyllt"),
        ("T-03a", "ej uppfyllt"),
        ("T-03b", "ej uppfyllt"),
        ("T-56", "ej uppfyllt"),
    ]
    .into_iter()
    .map(|(id, status)| (id.to_owned(), status))
    .collect();
    assert_eq!(carried, expected);
    assert_eq!(
        retired.into_iter().collect::<Vec<_>>(),
        [("T-04".to_owned(), "uppfyllt")],
        "kept for the history"
    );
}

#[test]
fn a_requirement_that_vanishes_without_a_mapping_is_an_error() {
    let (v1, mut v2) = (version("v1"), version("v2"));
    v2.moved.retain(|m| m.from != "T-04");
    v2.moved.push(lis_catalog::Moved {
        from: "T-99".into(),
        to: vec!["T-nowhere".into()],
    });
    let problems = plan(&v1, &v2).expect_err("incomplete mapping");
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("requirement T-04 of version 1 is not in this version")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("names T-99, which version 1 does not have")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("sends T-99 to T-nowhere")),
        "{messages:?}"
    );
}
