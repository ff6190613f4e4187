//! The demo's security work under way: most informationsmängder classified, statuses recorded for most of what
//! applies to the systems, two shared controls and a handlingsplan, so that the demo's levels, gap analysis and
//! reports show something to read. Everything is written through LIS's own services, as the demo's CISO, with the
//! audit events they write.
//!
//! What is chosen is fixed by the names (a hash of system and requirement), so every demo looks the same; dates are
//! counted from today, so some gaps are always overdue. The informationsmängder of *Verksamhetssystem för
//! socialtjänsten* are left unclassified: the demo's walk-through classifies one of them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate, Utc};
use lis_domain::action_plan::{ActionFields, ActionStatus, Priority};
use lis_domain::aspect::{Aspect, Profile};
use lis_domain::gap::{RequirementStatus, Severity, StatusRecord};
use lis_domain::inventory::{ItemKind, Lifecycle, RelationKind};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};

use crate::StoreError;
use crate::action_plan::Link;
use crate::audit::ChangeContext;
use crate::entity::{inventory_item, inventory_relation};

/// The system whose informationsmängder stay unclassified, for the walk-through.
const LEFT_FOR_THE_WALK_THROUGH: &str = "Verksamhetssystem för socialtjänsten";

/// The demo's CISO, who decides and records it all.
const CISO_EMAIL: &str = "per.sandberg@exempelkommun.se";

/// A shared control of the demo: name, description, the catalogue control whose requirements it meets, its status
/// and *brist*, and the platforms linked to it.
struct DemoControl {
    name: &'static str,
    description: &'static str,
    control: &'static str,
    status: RequirementStatus,
    severity: Option<Severity>,
    platforms: &'static [&'static str],
}

const CONTROLS: [DemoControl; 2] = [
    DemoControl {
        name: "Säkerhetskopiering i kommunens datacenter",
        description: "Nattlig kopiering av alla servrar på virtualiseringsplattformen till ett andra datacenter, \
                      med återläsningsprov varje kvartal.",
        control: "8.13",
        status: RequirementStatus::Uppfyllt,
        severity: None,
        platforms: &["Virtualiseringsplattform i kommunens datacenter", "Databasplattform"],
    },
    DemoControl {
        name: "Central logginsamling och övervakning",
        description: "Loggar från plattformarna samlas centralt och larmar IT:s jour; verksamhetssystemen är ännu \
                      inte alla anslutna.",
        control: "8.15",
        status: RequirementStatus::DelvisUppfyllt,
        severity: Some(Severity::Mattlig),
        platforms: &["Virtualiseringsplattform i kommunens datacenter"],
    },
];

/// Writes the demo's classifications, shared controls, statuses and actions for organisation `organisation_id`, in
/// the caller's transaction.
pub async fn assess(txn: &DatabaseTransaction, organisation_id: i64) -> Result<(), StoreError> {
    let catalog = lis_catalog::shipped().map_err(|_| StoreError::Import("the shipped catalogue".to_owned()))?;
    let ciso = crate::people::by_email(txn, organisation_id, CISO_EMAIL)
        .await?
        .ok_or_else(|| StoreError::Import(format!("the demo has no {CISO_EMAIL}")))?;
    let ctx = ChangeContext::person(ciso.id, Some("demo".to_owned()));
    let today = Utc::now().date_naive();
    classify(txn, &ctx, organisation_id).await?;

    let systems = systems_in_use(txn, organisation_id).await?;
    let by_name: BTreeMap<&str, i64> = systems.iter().map(|s| (s.name.as_str(), s.id)).collect();
    let mut shared = BTreeSet::new();
    let mut control_ids = Vec::new();
    for control in &CONTROLS {
        let requirements: BTreeSet<String> = catalog
            .requirements
            .iter()
            .filter(|r| r.control == control.control)
            .map(|r| r.id.clone())
            .collect();
        shared.extend(requirements.iter().cloned());
        let fields = crate::shared_controls::Fields {
            name: control.name.to_owned(),
            description: control.description.to_owned(),
            record: StatusRecord {
                status: Some(control.status),
                severity: control.severity,
                verified: today.checked_sub_days(Days::new(40)),
                responsible_person_id: Some(ciso.id),
                due: control.severity.and_then(|_| today.checked_add_days(Days::new(120))),
                ..StatusRecord::default()
            },
            requirements,
        };
        let known = |id: &str| catalog.requirements.iter().any(|r| r.id == id);
        let created = crate::shared_controls::create(txn, &ctx, organisation_id, &fields, &known).await?;
        for platform in control.platforms {
            if let Some(system) = by_name.get(platform) {
                crate::shared_controls::set_use(txn, &ctx, organisation_id, created.id, *system, true).await?;
            }
        }
        control_ids.push(created.id);
    }

    let not_in_use = crate::soa::controls_not_in_use(txn, organisation_id).await?;
    let mut worst: Vec<(i64, String)> = Vec::new();
    for system in &systems {
        let levels = crate::levels::of_system(txn, system.id).await?;
        let level = |aspect| {
            levels
                .get(&aspect)
                .map_or(0, |row| u8::try_from(row.effective).unwrap_or(0))
        };
        let profile = Profile::new(level(Aspect::K), level(Aspect::R), level(Aspect::T), level(Aspect::S));
        if Aspect::ALL.iter().any(|aspect| level(*aspect) >= 4) {
            continue;
        }
        for requirement in catalog.applicable_in_use(&profile, &not_in_use) {
            if shared.contains(&requirement.id) {
                continue;
            }
            let Some(record) = status_for(&system.name, &requirement.id, today, system.owner) else {
                continue;
            };
            if record.severity == Some(Severity::Allvarlig) {
                worst.push((system.id, requirement.id.clone()));
            }
            crate::requirement_status::record(
                txn,
                &ctx,
                organisation_id,
                system.id,
                &requirement.id,
                true,
                &record,
                None,
            )
            .await?;
        }
    }

    plan_actions(
        txn,
        &ctx,
        organisation_id,
        today,
        &worst,
        &systems,
        control_ids.get(1).copied(),
    )
    .await
}

/// A system in use: its id, name and objektsägare (through its förvaltningsobjekt).
struct DemoSystem {
    id: i64,
    name: String,
    owner: Option<i64>,
}

/// The systems in use, with the objektsägare of their förvaltningsobjekt.
async fn systems_in_use(txn: &DatabaseTransaction, organisation_id: i64) -> Result<Vec<DemoSystem>, StoreError> {
    use inventory_item::Column as C;
    let items = inventory_item::Entity::find()
        .filter(C::OrganisationId.eq(organisation_id))
        .filter(C::RetiredAt.is_null())
        .order_by_asc(C::Id)
        .all(txn)
        .await?;
    let owners: BTreeMap<i64, Option<i64>> = items
        .iter()
        .filter(|item| item.kind == ItemKind::ManagementObject.as_str())
        .map(|item| (item.id, item.owner_person_id))
        .collect();
    Ok(items
        .iter()
        .filter(|item| item.kind == ItemKind::System.as_str())
        .filter(|item| item.lifecycle.as_deref() == Some(Lifecycle::InUse.as_str()))
        .map(|item| DemoSystem {
            id: item.id,
            name: item.name.clone(),
            owner: item.parent_id.and_then(|parent| owners.get(&parent).copied().flatten()),
        })
        .collect())
}

/// Classifies the informationsmängder through the ordinary import of classifications: levels from what each holds
/// (secrecy, personal data), varied by name; one in seven is left for later.
async fn classify(txn: &DatabaseTransaction, ctx: &ChangeContext, organisation_id: i64) -> Result<(), StoreError> {
    use inventory_item::Column as C;
    let information = inventory_item::Entity::find()
        .filter(C::OrganisationId.eq(organisation_id))
        .filter(C::Kind.eq(ItemKind::InformationSet.as_str()))
        .filter(C::RetiredAt.is_null())
        .filter(C::SecurityProtection.eq(false))
        .order_by_asc(C::Id)
        .all(txn)
        .await?;
    let walk_through = inventory_item::Entity::find()
        .filter(C::OrganisationId.eq(organisation_id))
        .filter(C::Name.eq(LEFT_FOR_THE_WALK_THROUGH))
        .one(txn)
        .await?;
    let left: BTreeSet<i64> = match walk_through {
        Some(system) => inventory_relation::Entity::find()
            .filter(inventory_relation::Column::Kind.eq(RelationKind::HeldBy.as_str()))
            .filter(inventory_relation::Column::ToItemId.eq(system.id))
            .all(txn)
            .await?
            .into_iter()
            .map(|relation| relation.from_item_id)
            .collect(),
        None => BTreeSet::new(),
    };
    let traceability = crate::classification::classifies_traceability(txn, organisation_id).await?;
    let mut csv = String::from(if traceability {
        "Informationsmängd;K;R;T;S;Motivering\n"
    } else {
        "Informationsmängd;K;R;T;Motivering\n"
    });
    for item in information.iter().filter(|item| !left.contains(&item.id)) {
        let spread = fnv(&item.name);
        if spread.is_multiple_of(7) {
            continue;
        }
        let secret = item.secrecy == Some(true);
        let personal = item.personal_data == Some(true);
        let k = if secret {
            3
        } else if personal {
            2
        } else {
            1
        };
        let r = (if secret || personal { 2 } else { 1 }) + u8::from(spread.is_multiple_of(5));
        let t = if spread % 4 == 1 || spread % 4 == 2 { 2 } else { 1 };
        let why = match (secret, personal) {
            (true, _) => "Omfattas av sekretess: ett röjande kan skada enskilda allvarligt.",
            (false, true) => "Innehåller personuppgifter: fel eller röjande skadar enskilda och förtroendet.",
            (false, false) => "Allmän verksamhetsinformation: ett avbrott under en dag försvårar arbetet.",
        };
        let s = if traceability { format!("{r};") } else { String::new() };
        csv.push_str(&format!("{};{k};{r};{t};{s}{why}\n", item.name.replace(';', ",")));
    }
    let sheets = lis_sheets::read(csv.as_bytes()).map_err(|err| StoreError::Import(err.to_string()))?;
    let model = crate::classification::Model {
        max_level: lis_domain::aspect::MAX_LEVEL,
        classifies_traceability: traceability,
    };
    let report = crate::classification_import::import(txn, ctx, organisation_id, model, &sheets).await?;
    if report.is_acceptable() {
        Ok(())
    } else {
        Err(StoreError::Import(report.to_text()))
    }
}

/// The status the demo records for `requirement` of `system`, or none (*ej bedömd*): half met, the rest partly
/// met, not met (some seriously, some overdue) or not applicable.
fn status_for(system: &str, requirement: &str, today: NaiveDate, owner: Option<i64>) -> Option<StatusRecord> {
    let spread = fnv(&format!("{system}|{requirement}")) % 100;
    let days = |n: u64| today.checked_add_days(Days::new(n));
    let ago = |n: u64| today.checked_sub_days(Days::new(n));
    let (status, severity, due, how, justification) = match spread {
        0..=49 => (
            RequirementStatus::Uppfyllt,
            None,
            None,
            "Ingår i förvaltningens rutiner och följs upp i den årliga förvaltningsplanen.",
            "",
        ),
        50..=61 => (
            RequirementStatus::DelvisUppfyllt,
            Some(Severity::Mattlig),
            days(90),
            "Rutin finns men tillämpas inte i hela verksamheten.",
            "",
        ),
        62..=69 => (
            RequirementStatus::EjUppfyllt,
            Some(Severity::Betydande),
            if spread.is_multiple_of(2) { ago(30) } else { days(150) },
            "",
            "",
        ),
        70..=72 => (
            RequirementStatus::EjUppfyllt,
            Some(Severity::Allvarlig),
            ago(10),
            "",
            "",
        ),
        73..=77 => (
            RequirementStatus::EjTillampligt,
            None,
            None,
            "",
            "Systemet saknar den funktion som kravet gäller.",
        ),
        _ => return None,
    };
    Some(StatusRecord {
        status: Some(status),
        severity,
        how: how.to_owned(),
        justification: justification.to_owned(),
        due,
        verified: (status == RequirementStatus::Uppfyllt).then(|| ago(60)).flatten(),
        responsible_person_id: severity.and(owner),
        ..StatusRecord::default()
    })
}

/// Two actions of the handlingsplan: the serious gaps of the first system that has some, and connecting the
/// systems to the central logging.
async fn plan_actions(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    today: NaiveDate,
    worst: &[(i64, String)],
    systems: &[DemoSystem],
    logging: Option<i64>,
) -> Result<(), StoreError> {
    if let Some((first, _)) = worst.first() {
        let links: Vec<Link> = worst
            .iter()
            .filter(|(system, _)| system == first)
            .map(|(system_id, requirement_id)| Link::Gap {
                system_id: *system_id,
                requirement_id: requirement_id.clone(),
            })
            .collect();
        let fields = ActionFields {
            activity: "Åtgärda de allvarliga bristerna efter genomgång med leverantören".to_owned(),
            goal: "Inga allvarliga brister i verksamhetskritiska system".to_owned(),
            priority: Some(Priority::Hog),
            cost: "Cirka 40 timmar för förvaltningen och leverantörens konsulttid".to_owned(),
            responsible_person_id: systems.iter().find(|s| s.id == *first).and_then(|s| s.owner),
            start: today.checked_sub_days(Days::new(14)),
            end: today.checked_add_days(Days::new(75)),
            status: Some(ActionStatus::Pagaende),
        };
        crate::action_plan::create(txn, ctx, organisation_id, &fields, &links).await?;
    }
    if let Some(control) = logging {
        let fields = ActionFields {
            activity: "Anslut verksamhetssystemen till den centrala logginsamlingen".to_owned(),
            goal: "Spårbarhet i alla system med skyddsnivå 2 eller högre".to_owned(),
            priority: Some(Priority::Medel),
            cost: "Ingår i IT-avdelningens budget för året".to_owned(),
            responsible_person_id: None,
            start: today.checked_add_days(Days::new(30)),
            end: today.checked_add_days(Days::new(240)),
            status: Some(ActionStatus::EjPaborjad),
        };
        crate::action_plan::create(txn, ctx, organisation_id, &fields, &[Link::SharedControl(control)]).await?;
    }
    Ok(())
}

/// FNV-1a of `text`: a spread that is the same on every run.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
