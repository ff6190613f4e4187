//! The statement of applicability as a table, with the columns of MSB's gap-analysis tool.

use std::collections::BTreeMap;

use lis_catalog::Catalog;
use lis_domain::gap::Tally;
use lis_domain::soa::Justification;

use crate::Table;

/// One control's decision, as the report needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoaCell {
    /// *Ska användas*.
    pub in_use: bool,
    /// *Motivering*.
    pub justification: Option<Justification>,
    /// The free text.
    pub text: String,
}

/// The SoA: every control of the catalogue with its decision (a control without one is in use and not yet
/// motivated), in Swedish, as MSB's tool has it; with `gaps` (the gap analysis per control), also the current gap
/// state of each control over all systems.
pub fn soa_table(
    catalog: &Catalog,
    decisions: &BTreeMap<String, SoaCell>,
    gaps: Option<&BTreeMap<String, Tally>>,
) -> Table {
    let mut header: Vec<String> = [
        "Åtgärd (ISO/IEC 27001:2022)",
        "Benämning",
        "Tema",
        "ISO/IEC 27001:2013",
        "Ska användas",
        "Motivering",
        "Kommentar",
        "Antal krav",
    ]
    .map(str::to_owned)
    .to_vec();
    if gaps.is_some() {
        header.extend(
            [
                "Tillämpliga krav i systemen",
                "Uppfyllda",
                "Täckning (%)",
                "Brister",
                "Allvarliga brister",
            ]
            .map(str::to_owned),
        );
    }
    let rows = catalog
        .controls
        .iter()
        .map(|control| {
            let decision = decisions.get(&control.id);
            let theme = catalog
                .themes
                .iter()
                .find(|t| t.id == control.theme)
                .map_or(control.theme.clone(), |t| t.name.sv.clone());
            let requirements = catalog.requirements.iter().filter(|r| r.control == control.id).count();
            let mut row = vec![
                control.id.clone(),
                control.title.sv.clone(),
                theme,
                control.iso2013.join(", "),
                if decision.is_none_or(|d| d.in_use) { "Ja" } else { "Nej" }.to_owned(),
                decision
                    .and_then(|d| d.justification)
                    .map(|j| j.swedish().to_owned())
                    .unwrap_or_default(),
                decision.map(|d| d.text.clone()).unwrap_or_default(),
                requirements.to_string(),
            ];
            if let Some(gaps) = gaps {
                let tally = gaps.get(&control.id).copied().unwrap_or_default();
                row.extend([
                    tally.applicable.to_string(),
                    tally.met.to_string(),
                    tally.percent_met().map(|p| p.to_string()).unwrap_or_default(),
                    tally.gaps().to_string(),
                    tally.by_severity[3].to_string(),
                ]);
            }
            row
        })
        .collect();
    Table {
        sheet: "Valda säkerhetsåtgärder".to_owned(),
        header,
        rows,
    }
}
