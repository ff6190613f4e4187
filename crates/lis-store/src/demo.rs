//! The fictional demo municipality that `lis demo` loads: Exempelkommun, a kommun of about 30 000 inhabitants.
//!
//! The plan is plain data so that tests can load a variant of it; [`load`] writes a plan through the ordinary
//! services in one transaction, so every row it writes has its audit event and a failure leaves nothing behind.

use crate::ChangeTransaction;
use lis_domain::OrgUnitKind::{self, Avdelning, Bolag, Enhet, Forvaltning, Fullmaktige, Namnd, Samverkan};
use lis_domain::{Role, RoleGrant};
use sea_orm::{DatabaseConnection, DatabaseTransaction};

use crate::StoreError;
use crate::audit::ChangeContext;
use crate::inventory_import::{self, NoProgress};
use crate::organisation::{self, NewOrgUnit, NewOrganisation};
use crate::people::{self, SignInIdentity};

/// A municipality to load: its name and its unit tree.
#[derive(Clone, Debug)]
pub struct DemoPlan {
    /// The organisation's name.
    pub name: String,
    /// The top-level units with everything below them.
    pub units: Vec<DemoUnit>,
    /// Whether to import the demo inventory (which names the demo's units and people).
    pub with_inventory: bool,
    /// Whether to add the security work under way on that inventory: classifications, shared controls, statuses
    /// and a handlingsplan ([`crate::demo_assessment`]). `lis demo` does; the tests start from the bare inventory.
    pub with_assessment: bool,
}

/// One unit of a plan and the units below it.
#[derive(Clone, Debug)]
pub struct DemoUnit {
    /// The unit's name.
    pub name: String,
    /// Its kind.
    pub kind: OrgUnitKind,
    /// The units below it, in order.
    pub children: Vec<DemoUnit>,
}

/// What [`load`] wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoSummary {
    /// The new organisation's id.
    pub organisation_id: i64,
    /// How many units were created.
    pub units: usize,
}

fn unit(name: &str, kind: OrgUnitKind, children: Vec<DemoUnit>) -> DemoUnit {
    DemoUnit {
        name: name.to_owned(),
        kind,
        children,
    }
}

fn leaf(name: &str, kind: OrgUnitKind) -> DemoUnit {
    unit(name, kind, Vec::new())
}

fn leaves(names: &[&str], kind: OrgUnitKind) -> Vec<DemoUnit> {
    names.iter().map(|name| leaf(name, kind)).collect()
}

/// Exempelkommun: fullmäktige, kommunstyrelsen and the nämnder of a typical kommun of 30 000 inhabitants, the
/// sektorer that serve them, their avdelningar and some enheter, two municipal companies and a kommunalförbund.
pub fn exempelkommun() -> DemoPlan {
    let kommunstyrelsen = unit(
        "Kommunstyrelsen",
        Namnd,
        vec![
            unit(
                "Kommunledningsförvaltningen",
                Forvaltning,
                leaves(
                    &[
                        "Ekonomiavdelningen",
                        "HR-avdelningen",
                        "IT-avdelningen",
                        "Kommunikationsavdelningen",
                        "Kansli- och säkerhetsavdelningen",
                    ],
                    Avdelning,
                ),
            ),
            leaf("Exempelkommuns Bostäder AB", Bolag),
            leaf("Exempelkommuns Energi och Vatten AB", Bolag),
        ],
    );
    let utbildning = unit(
        "Barn- och utbildningsnämnden",
        Namnd,
        vec![unit(
            "Sektor utbildning",
            Forvaltning,
            vec![
                unit(
                    "Förskola",
                    Avdelning,
                    leaves(&["Solrosens förskola", "Ekbackens förskola"], Enhet),
                ),
                unit(
                    "Grundskola",
                    Avdelning,
                    leaves(&["Centralskolan F–6", "Åsenskolan 7–9"], Enhet),
                ),
                unit(
                    "Gymnasie- och vuxenutbildning",
                    Avdelning,
                    leaves(&["Exempelgymnasiet", "Komvux"], Enhet),
                ),
                leaf("Elevhälsan", Enhet),
            ],
        )],
    );
    let social = unit(
        "Socialnämnden",
        Namnd,
        vec![unit(
            "Sektor välfärd",
            Forvaltning,
            vec![
                unit(
                    "Individ- och familjeomsorg",
                    Avdelning,
                    leaves(&["Barn och unga", "Ekonomiskt bistånd"], Enhet),
                ),
                unit(
                    "Vård och omsorg",
                    Avdelning,
                    leaves(&["Hemtjänsten", "Lindgårdens särskilda boende"], Enhet),
                ),
                unit(
                    "Funktionsstöd",
                    Avdelning,
                    leaves(&["Daglig verksamhet", "Personlig assistans"], Enhet),
                ),
            ],
        )],
    );
    let samhallsbyggnad = unit(
        "Samhällsbyggnadsnämnden",
        Namnd,
        vec![unit(
            "Sektor samhällsbyggnad",
            Forvaltning,
            leaves(
                &[
                    "Plan och bygg",
                    "Gata och park",
                    "Miljö- och hälsoskydd",
                    "Kart och mät",
                ],
                Avdelning,
            ),
        )],
    );
    let kultur = unit(
        "Kultur- och fritidsnämnden",
        Namnd,
        vec![unit(
            "Sektor kultur och fritid",
            Forvaltning,
            leaves(&["Biblioteken", "Fritidsgårdarna"], Avdelning),
        )],
    );
    DemoPlan {
        name: "Exempelkommun".to_owned(),
        with_inventory: true,
        with_assessment: false,
        units: vec![
            unit(
                "Kommunfullmäktige",
                Fullmaktige,
                vec![
                    kommunstyrelsen,
                    utbildning,
                    social,
                    samhallsbyggnad,
                    kultur,
                    leaf("Valnämnden", Namnd),
                    leaf("Överförmyndarnämnden", Namnd),
                    leaf("Revisionen", Namnd),
                ],
            ),
            leaf("Räddningstjänsten Exempeldalen (kommunalförbund)", Samverkan),
        ],
    }
}

/// The issuer recorded for the demo's people, who sign in without an identity provider.
pub const DEMO_ISSUER: &str = "urn:lis:demo";

/// The demo's people: one per role, and one without a role. (Name, e-mail, role.)
pub const DEMO_PEOPLE: [(&str, &str, Option<Role>); 5] = [
    ("Karin Lindqvist", "karin.lindqvist@exempelkommun.se", Some(Role::Admin)),
    ("Per Sandberg", "per.sandberg@exempelkommun.se", Some(Role::Ciso)),
    ("Leila Haddad", "leila.haddad@exempelkommun.se", Some(Role::It)),
    ("Gunnar Ek", "gunnar.ek@exempelkommun.se", Some(Role::Auditor)),
    ("Maria Johansson", "maria.johansson@exempelkommun.se", None),
];

/// The demo's objektsägare, förvaltningsledare, systemförvaltare and informationsägare, who hold no role
/// (`Namn;E-post`, one per line after a header).
pub const DEMO_OWNERS: &str = include_str!("../demo/people.csv");

/// The demo's inventory as a systemförteckning: 15 förvaltningsobjekt, about 40 systems and 200 informationsmängder,
/// imported through the ordinary importer.
pub const DEMO_INVENTORY: &[u8] = include_bytes!("../demo/systemforteckning.csv");

/// Loads a plan as a new demo organisation in one transaction: all of it, with an audit event per row, or nothing.
#[tracing::instrument(skip_all, err)]
pub async fn load(db: &DatabaseConnection, plan: &DemoPlan) -> Result<DemoSummary, StoreError> {
    let ctx = ChangeContext::system("demo");
    let txn = db.begin_change().await?;
    let new = NewOrganisation {
        name: plan.name.clone(),
        municipality_code: None,
        is_demo: true,
    };
    let organisation = organisation::create_organisation(&txn, &ctx, new).await?;
    let mut units = 0;
    // Depth-first with an explicit stack: (parent id, position, unit).
    let mut pending: Vec<(Option<i64>, i32, &DemoUnit)> = Vec::new();
    push_children(&mut pending, None, &plan.units);
    while let Some((parent_id, position, planned)) = pending.pop() {
        let created = create_unit(&txn, &ctx, organisation.id, parent_id, position, planned).await?;
        units += 1;
        push_children(&mut pending, Some(created), &planned.children);
    }
    for (index, (name, email, role)) in DEMO_PEOPLE.iter().enumerate() {
        let identity = SignInIdentity {
            issuer: DEMO_ISSUER.to_owned(),
            subject: format!("demo-{}", index + 1),
            display_name: (*name).to_owned(),
            email: Some((*email).to_owned()),
            groups: Vec::new(),
        };
        let person = people::create(&txn, &ctx, organisation.id, &identity).await?;
        if let Some(role) = role {
            let grant = RoleGrant {
                role: *role,
                org_unit_id: None,
            };
            people::grant_role(&txn, &ctx, organisation.id, person.id, grant).await?;
        }
    }
    let owners = DEMO_OWNERS.lines().skip(1).filter_map(|line| line.split_once(';'));
    for (index, (name, email)) in owners.enumerate() {
        let identity = SignInIdentity {
            issuer: DEMO_ISSUER.to_owned(),
            subject: format!("demo-owner-{}", index + 1),
            display_name: name.trim().to_owned(),
            email: Some(email.trim().to_owned()),
            groups: Vec::new(),
        };
        people::create(&txn, &ctx, organisation.id, &identity).await?;
    }
    if plan.with_inventory {
        let sheets = lis_sheets::read(DEMO_INVENTORY).map_err(|err| StoreError::Import(err.to_string()))?;
        let report = inventory_import::apply(&txn, &ctx, organisation.id, &sheets, &NoProgress).await?;
        if !report.is_acceptable() {
            return Err(StoreError::Import(report.to_text()));
        }
        if plan.with_assessment {
            crate::demo_assessment::assess(&txn, organisation.id).await?;
        }
    }
    txn.commit().await?;
    Ok(DemoSummary {
        organisation_id: organisation.id,
        units,
    })
}

fn push_children<'a>(pending: &mut Vec<(Option<i64>, i32, &'a DemoUnit)>, parent: Option<i64>, units: &'a [DemoUnit]) {
    // Reversed so that the stack creates siblings in their planned order.
    for (position, unit) in units.iter().enumerate().rev() {
        pending.push((parent, i32::try_from(position).unwrap_or(i32::MAX), unit));
    }
}

async fn create_unit(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    parent_id: Option<i64>,
    position: i32,
    planned: &DemoUnit,
) -> Result<i64, StoreError> {
    let new = NewOrgUnit {
        parent_id,
        name: planned.name.clone(),
        kind: planned.kind,
        position,
        external_id: None,
    };
    Ok(organisation::create_org_unit(txn, ctx, organisation_id, new).await?.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(units: &[DemoUnit]) -> usize {
        units.iter().map(|u| 1 + count(&u.children)).sum()
    }

    #[test]
    fn exempelkommun_has_the_shape_of_a_typical_kommun() {
        let plan = exempelkommun();
        assert_eq!(plan.name, "Exempelkommun");
        let fullmaktige = &plan.units[0];
        assert_eq!(fullmaktige.kind, Fullmaktige);
        let namnder: Vec<&str> = fullmaktige.children.iter().map(|u| u.name.as_str()).collect();
        assert!(
            namnder.contains(&"Kommunstyrelsen") && namnder.contains(&"Socialnämnden"),
            "{namnder:?}"
        );
        assert!(count(&plan.units) > 40, "{}", count(&plan.units));
    }
}
