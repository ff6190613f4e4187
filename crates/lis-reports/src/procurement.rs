//! The procurement list (*upphandlingskrav*): what to demand of a supplier of a system at a chosen K/R/T/S profile,
//! in the catalogue's SKA phrasing.

use lis_catalog::{Catalog, Requirement};
use lis_domain::aspect::Profile;

use crate::Table;

/// The `applicable` requirements of `profile` as a table in Swedish: one row per requirement, its procurement text
/// first.
pub fn procurement_table(catalog: &Catalog, profile: &Profile, applicable: &[&Requirement]) -> Table {
    let header = [
        "Skyddsnivå",
        "Krav",
        "Åtgärd (ISO/IEC 27001:2022)",
        "Benämning",
        "Aspekter",
        "Upphandlingskrav",
        "Kravtext",
    ];
    let rows = applicable
        .iter()
        .map(|requirement| {
            let title = catalog
                .controls
                .iter()
                .find(|c| c.id == requirement.control)
                .map(|c| c.title.sv.clone())
                .unwrap_or_default();
            vec![
                profile.to_string(),
                requirement.id.clone(),
                requirement.control.clone(),
                title,
                requirement
                    .aspects
                    .iter()
                    .map(|a| a.letter().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                requirement.procurement.sv.clone(),
                requirement.text.sv.clone(),
            ]
        })
        .collect();
    Table {
        sheet: "Upphandlingskrav".to_owned(),
        header: header.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_applicable_requirement_gives_a_row_with_its_procurement_text() {
        let catalog = lis_catalog::shipped().expect("the shipped catalogue");
        let profile = Profile::new(2, 1, 1, 0);
        let applicable = catalog.applicable(&profile);
        let table = procurement_table(&catalog, &profile, &applicable);
        assert_eq!(table.rows.len(), applicable.len());
        assert_eq!(table.rows[0][0], "K2 R1 T1 S0");
        assert_eq!(table.rows[0][5], applicable[0].procurement.sv);
        assert!(table.rows.iter().all(|row| row.len() == table.header.len()));
    }
}
