//! The benchmarks of issues #5 (the inventory) and #6 (classification).
//!
//! A large municipality is generated ([`generate`]): 4 000 systems, 400 förvaltningsobjekt, 60 000
//! informationsmängder and about 150 000 relations, plus an import file of 60 000 new informationsmängder. For each
//! backend a fresh database is made ([`database`]) and loaded ([`load`]); then [`measure`] times the pages through
//! the real router in-process, the export, and the import planned and applied, and [`report`] writes the figures,
//! with the machine they ran on, as Markdown (`docs/performance.md`).
//!
//! Run it with `scripts/bench`. Nothing here is part of the ordinary tests' timing: the smoke test below only checks
//! that every measurement still runs, on a municipality of 1 % size.

pub mod classify;
pub mod database;
pub mod gaps;
pub mod generate;
pub mod load;
pub mod measure;
pub mod queries;
pub mod report;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow};
use lis_domain::inventory::{ItemKind, Lifecycle, RelationKind};
use lis_store::entity::{audit_event, inventory_item, inventory_relation};
use lis_store::{Backend, DatabaseConnection};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::database::{FreshDatabase, Target};
use crate::generate::{Municipality, Size};
use crate::measure::{ImportResult, PageCase, PageResult, Readers, Server};

/// Turns transparent huge pages off for this process, as `lis` does when it starts, so that the figures are those of
/// the server as it ships (see the allocator in docs/performance.md).
#[cfg(target_os = "linux")]
pub fn without_huge_pages() -> Result<()> {
    nix::sys::prctl::set_thp_disable(true).context("turning transparent huge pages off")
}

/// Other systems have no transparent huge pages to turn off.
#[cfg(not(target_os = "linux"))]
pub fn without_huge_pages() -> Result<()> {
    Ok(())
}

/// The goal for the first page of a filtered, searched list (95th percentile of server time).
pub const LIST_TARGET: Duration = Duration::from_millis(50);
/// The goal for a record's page.
pub const DETAIL_TARGET: Duration = Duration::from_millis(20);
/// Issue #6's goal for the heatmap of the whole organisation, server time.
pub const HEATMAP_TARGET: Duration = Duration::from_millis(100);
/// The goal for importing the 60 000 informationsmängder.
pub const IMPORT_TARGET: Duration = Duration::from_secs(10);

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The databases, in order.
    pub backends: Vec<Target>,
    /// How large the municipality is.
    pub size: Size,
    /// The seed of the generator.
    pub seed: u64,
    /// Timed requests per page.
    pub requests: usize,
    /// Untimed requests per page before those.
    pub warm_up: usize,
    /// Timed downloads of the export.
    pub export_requests: usize,
    /// Where to keep a copy of the import file, if anywhere.
    pub csv_out: Option<PathBuf>,
}

impl Options {
    /// The benchmark of the issue: full size, 50 requests per page after 5 untimed ones.
    pub fn full(backends: Vec<Target>) -> Self {
        Self {
            backends,
            size: Size::full(),
            seed: 5,
            requests: 50,
            warm_up: 5,
            export_requests: 5,
            csv_out: None,
        }
    }
}

/// What was generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// Org units.
    pub units: usize,
    /// People.
    pub people: usize,
    /// Förvaltningsobjekt.
    pub objects: usize,
    /// Systems, platforms included.
    pub systems: usize,
    /// Platforms among them.
    pub platforms: usize,
    /// Informationsmängder (some retired).
    pub information_sets: usize,
    /// Relations by kind: held by, runs on, integrates with.
    pub relations: [usize; 3],
    /// Rows of the import file.
    pub import_rows: usize,
    /// Relations those rows list.
    pub import_relations: usize,
    /// Rows planned while readers read.
    pub concurrent_plan_rows: usize,
    /// The import file's size in bytes.
    pub csv_bytes: usize,
    /// The unit the lists are filtered on.
    pub filter_unit: String,
    /// How many units that filter covers (the unit and those below it).
    pub filter_units: usize,
    /// The search term of the lists.
    pub search: &'static str,
}

/// Everything measured on one backend.
#[derive(Clone, Debug)]
pub struct BackendReport {
    /// Which.
    pub backend: Backend,
    /// Its name in the report ("PostgreSQL, Unix socket").
    pub label: String,
    /// The database server's version.
    pub version: String,
    /// The database's URL, without any password.
    pub url: String,
    /// Loading the municipality.
    pub setup: Duration,
    /// The database's size after loading, when known.
    pub size_bytes: Option<u64>,
    /// Lists and records' pages.
    pub pages: Vec<PageResult>,
    /// The CSV export of everything.
    pub export: PageResult,
    /// The import file planned (a dry run).
    pub plan: ImportResult,
    /// The import file imported (planned, then written and committed in one transaction).
    pub apply: ImportResult,
    /// A reader of the lists while a smaller file was planned.
    pub readers_during_plan: Readers,
    /// A reader of the lists while the import file was applied.
    pub readers_during_apply: Readers,
    /// What the database held after the import compared with what it should.
    pub verification: Verification,
    /// One statement with 150 and with 1 500 bound parameters: (parameters, p50).
    pub parameter_probe: Vec<(usize, Duration)>,
    /// Reclassifying an informationsmängd held by 200 systems (issue #6).
    pub classification: classify::ClassificationResult,
    /// The gap analysis (issue #7).
    pub gaps: gaps::GapsResult,
}

/// Counts after the import against what the import should have written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    /// Informationsmängder added.
    pub records_added: u64,
    /// Relations added.
    pub relations_added: u64,
    /// Audit events added.
    pub events_added: u64,
    /// Informationsmängder expected (the rows).
    pub records_expected: u64,
    /// Relations expected (the listed holders).
    pub relations_expected: u64,
}

impl Verification {
    /// Whether every row and relation was written, each with one audit event.
    pub fn ok(&self) -> bool {
        self.records_added == self.records_expected
            && self.relations_added == self.relations_expected
            && self.events_added == self.records_expected + self.relations_expected
    }
}

/// A whole run.
#[derive(Clone, Debug)]
pub struct Run {
    /// What was asked for.
    pub options: Options,
    /// What was generated.
    pub generated: Generated,
    /// Per backend.
    pub backends: Vec<BackendReport>,
    /// The machine.
    pub machine: report::Machine,
    /// How long everything took.
    pub took: Duration,
}

/// Prints a line of progress on standard error.
fn say(text: &str) {
    eprintln!("lis-bench: {text}");
}

/// Generates the municipality and measures it on every backend asked for.
pub async fn run(options: Options) -> Result<Run> {
    let started = Instant::now();
    let machine = report::Machine::this();
    say(&format!("generating the municipality (seed {})", options.seed));
    let m = generate::municipality(options.seed, &options.size);
    let csv = lis_web::inventory_files::csv(&[m.import_table(m.import_rows.len())])?;
    let plan_csv = lis_web::inventory_files::csv(&[m.import_table(options.size.concurrent_plan_rows)])?;
    if let Some(path) = &options.csv_out {
        std::fs::write(path, &csv).with_context(|| format!("writing {}", path.display()))?;
        say(&format!("the import file is in {}", path.display()));
    }
    let count = |kind: RelationKind| m.relations.iter().filter(|r| r.kind == kind).count();
    let generated = Generated {
        units: m.units.len(),
        people: m.people.len(),
        objects: m.objects.len(),
        systems: m.systems.len(),
        platforms: m.platforms,
        information_sets: m.information_sets.len(),
        relations: [
            count(RelationKind::HeldBy),
            count(RelationKind::RunsOn),
            count(RelationKind::IntegratesWith),
        ],
        import_rows: m.import_rows.len(),
        import_relations: m.import_rows.iter().map(|r| r.held_by.len()).sum(),
        concurrent_plan_rows: options.size.concurrent_plan_rows.min(m.import_rows.len()),
        csv_bytes: csv.len(),
        filter_unit: m.units[m.filter_unit].name.clone(),
        filter_units: m.subtree(m.filter_unit).len(),
        search: m.search,
    };
    let mut backends = Vec::new();
    for target in &options.backends {
        let label = target.label();
        say(&format!("{label}: creating a fresh database"));
        let fresh = FreshDatabase::create(target).await?;
        let measured = measure_backend(&fresh, &m, &options, &csv, &plan_csv).await;
        let removed = fresh.remove().await;
        let mut measured = measured.with_context(|| format!("measuring on {label}"))?;
        measured.label = label;
        backends.push(measured);
        removed?;
    }
    Ok(Run {
        machine,
        options,
        generated,
        backends,
        took: started.elapsed(),
    })
}

async fn database_size(fresh: &FreshDatabase) -> Option<u64> {
    use sea_orm::ConnectionTrait;
    match fresh.sqlite_file() {
        Some(file) => {
            let main = std::fs::metadata(&file).ok()?.len();
            let wal = std::fs::metadata(file.with_extension("db-wal")).map_or(0, |m| m.len());
            Some(main + wal)
        }
        None => {
            let db = &fresh.db;
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    "SELECT pg_database_size(current_database()) AS size",
                ))
                .await
                .ok()??;
            row.try_get::<i64>("", "size").ok().and_then(|s| u64::try_from(s).ok())
        }
    }
}

async fn counts(db: &DatabaseConnection, organisation_id: i64) -> Result<(u64, u64, u64)> {
    let records = inventory_item::Entity::find()
        .filter(inventory_item::Column::OrganisationId.eq(organisation_id))
        .filter(inventory_item::Column::Kind.eq(ItemKind::InformationSet.as_str()))
        .count(db)
        .await?;
    let relations = inventory_relation::Entity::find()
        .filter(inventory_relation::Column::OrganisationId.eq(organisation_id))
        .count(db)
        .await?;
    let events = audit_event::Entity::find().count(db).await?;
    Ok((records, relations, events))
}

async fn measure_backend(
    fresh: &FreshDatabase,
    m: &Municipality,
    options: &Options,
    csv: &[u8],
    plan_csv: &[u8],
) -> Result<BackendReport> {
    let db = &fresh.db;
    let queries = &fresh.queries;
    say("loading the municipality");
    let loaded = load::load(db, m).await?;
    say(&format!("loaded in {:.1} s", loaded.took.as_secs_f64()));
    let size_bytes = database_size(fresh).await;
    let organisation_id = loaded.organisation_id;
    let server = Server::new(db, loaded.signed_in_person_id).await?;
    let parameter_probe = measure::parameter_probe(db).await?;
    let unit = *loaded
        .unit_ids
        .get(m.filter_unit)
        .ok_or_else(|| anyhow!("the filter unit was not loaded"))?;
    let unit_name = &m.units[m.filter_unit].name;
    let q = m.search;

    // The pages.
    let matching = |kind, search: Option<&'static str>, unit: Option<i64>, lifecycle| async move {
        let n = measure::matches(db, organisation_id, kind, search, unit, lifecycle).await?;
        Ok::<_, anyhow::Error>(format!("{} matching", report::count(n)))
    };
    let mut cases = vec![
        PageCase {
            name: format!("Förvaltningsobjekt, search “{q}” in {unit_name}"),
            uri: format!("/inventory/forvaltningsobjekt?q={q}&unit={unit}"),
            target: Some(LIST_TARGET),
            note: matching(ItemKind::ManagementObject, Some(q), Some(unit), None).await?,
        },
        PageCase {
            name: format!("Systems, search “{q}” in {unit_name}, in use"),
            uri: format!("/inventory/system?q={q}&unit={unit}&lifecycle=in_use"),
            target: Some(LIST_TARGET),
            note: matching(ItemKind::System, Some(q), Some(unit), Some(Lifecycle::InUse)).await?,
        },
        PageCase {
            name: format!("Informationsmängder, search “{q}” in {unit_name}"),
            uri: format!("/inventory/informationsmangd?q={q}&unit={unit}"),
            target: Some(LIST_TARGET),
            note: matching(ItemKind::InformationSet, Some(q), Some(unit), None).await?,
        },
        PageCase {
            name: format!("Informationsmängder, search “{q}” in the whole municipality"),
            uri: format!("/inventory/informationsmangd?q={q}"),
            target: None,
            note: matching(ItemKind::InformationSet, Some(q), None, None).await?,
        },
        PageCase {
            name: "Informationsmängder, first page, no filter".to_owned(),
            uri: "/inventory/informationsmangd".to_owned(),
            target: None,
            note: matching(ItemKind::InformationSet, None, None, None).await?,
        },
    ];
    // Records' pages: the system with the most relations, an informationsmängd, the förvaltningsobjekt with the
    // most systems.
    let mut relations_of_system = vec![0_usize; m.systems.len()];
    for relation in &m.relations {
        for (kind, index) in [relation.from, relation.to] {
            if kind == ItemKind::System {
                relations_of_system[index] += 1;
            }
        }
    }
    let (busiest, busiest_count) = relations_of_system
        .iter()
        .enumerate()
        .max_by_key(|(index, count)| (**count, std::cmp::Reverse(*index)))
        .map(|(index, count)| (index, *count))
        .ok_or_else(|| anyhow!("no systems"))?;
    let information_set = m
        .information_sets
        .iter()
        .position(|i| !i.retired)
        .ok_or_else(|| anyhow!("no informationsmängd in use"))?;
    let held = m
        .relations
        .iter()
        .filter(|r| r.from == (ItemKind::InformationSet, information_set))
        .count();
    let mut systems_of_object = vec![0_usize; m.objects.len()];
    for system in &m.systems {
        if let Some(object) = system.parent {
            systems_of_object[object] += 1;
        }
    }
    let (object, object_systems) = systems_of_object
        .iter()
        .enumerate()
        .max_by_key(|(index, count)| (**count, std::cmp::Reverse(*index)))
        .map(|(index, count)| (index, *count))
        .ok_or_else(|| anyhow!("no förvaltningsobjekt"))?;
    let id = |kind, index| {
        loaded
            .item_id(kind, index)
            .ok_or_else(|| anyhow!("a record was not loaded"))
    };
    cases.extend([
        PageCase {
            name: "System with the most relations".to_owned(),
            uri: format!("/items/{}", id(ItemKind::System, busiest)?),
            target: Some(DETAIL_TARGET),
            note: format!("{busiest_count} relations"),
        },
        PageCase {
            name: "Informationsmängd".to_owned(),
            uri: format!("/items/{}", id(ItemKind::InformationSet, information_set)?),
            target: Some(DETAIL_TARGET),
            note: format!("held by {held} system{}", if held == 1 { "" } else { "s" }),
        },
        PageCase {
            name: "Förvaltningsobjekt with the most systems".to_owned(),
            uri: format!("/items/{}", id(ItemKind::ManagementObject, object)?),
            target: None,
            note: format!("{object_systems} systems"),
        },
    ]);
    let mut pages = Vec::new();
    for case in cases {
        say(&format!("measuring {}", case.uri));
        pages.push(measure::page(&server, queries, case, options.warm_up, options.requests).await?);
    }
    say("measuring the export");
    let export = measure::page(
        &server,
        queries,
        PageCase {
            name: "Export of everything as CSV".to_owned(),
            uri: "/inventory/export.csv".to_owned(),
            target: None,
            note: "every unit and record".to_owned(),
        },
        1,
        options.export_requests,
    )
    .await?;

    // Classification: every informationsmängd classified, then one held by 200 systems reclassified. Before the
    // import, so that the import recomputes systems with classified information, as it would in use.
    say("classifying the municipality and reclassifying an informationsmängd held by 200 systems");
    let classification = classify::measure(db, queries, m, &loaded, options.requests).await?;
    say(&format!(
        "reclassified: p95 {:.1} ms",
        classification.reclassify.p95().as_secs_f64() * 1000.0
    ));
    let rounds = classification.reclassify.0.len().max(1) as f64;
    for (statement, tally) in classification.statements.iter().take(8) {
        say(&format!(
            "  {statement}: {:.1} per round, {:.1} ms per round",
            tally.count as f64 / rounds,
            tally.time.as_secs_f64() * 1000.0 / rounds
        ));
    }
    say("measuring /classification/overview");
    pages.push(
        measure::page(
            &server,
            queries,
            PageCase {
                name: "Heatmap of the systems by aspect and level, whole organisation (issue #6)".to_owned(),
                uri: "/classification/overview".to_owned(),
                target: Some(HEATMAP_TARGET),
                note: format!("{} systems", report::count(u64::try_from(m.systems.len()).unwrap_or(0))),
            },
            options.warm_up,
            options.requests,
        )
        .await?,
    );

    // The gap analysis: statuses, shared controls and an objektsägare of 40 systems on the classified municipality;
    // before the import, which moves levels and so what applies.
    say("setting up the gap analysis and measuring Mina brister, the report and a shared control's change");
    let catalog = lis_catalog::shipped().map_err(|problems| anyhow!("the shipped catalogue: {problems:?}"))?;
    let gaps = gaps::measure(
        db,
        queries,
        &catalog,
        &server,
        &loaded,
        m.platforms,
        options.warm_up,
        options.requests,
    )
    .await?;
    say(&format!(
        "gaps: {} statuses; Mina brister p95 {:.1} ms (floor {:.1} ms), report p95 {:.1} ms (floor {:.1} ms), \
         change p95 {:.1} ms (floor {:.1} ms)",
        gaps.statuses,
        gaps.my_gaps.lis.samples.p95().as_secs_f64() * 1000.0,
        gaps.my_gaps.floor.p95().as_secs_f64() * 1000.0,
        gaps.report.lis.samples.p95().as_secs_f64() * 1000.0,
        gaps.report.floor.p95().as_secs_f64() * 1000.0,
        gaps.change.p95().as_secs_f64() * 1000.0,
        gaps.change_floor.p95().as_secs_f64() * 1000.0,
    ));

    // The import: planned, then planned (a smaller file) while a reader reads, then applied while a reader reads.
    say(&format!("planning the import of {} rows", m.import_rows.len()));
    let plan = measure::plan(db, queries, organisation_id, csv).await?;
    say(&format!("planned in {:.1} s", plan.wall.as_secs_f64()));
    let reader_uri = format!("/inventory/informationsmangd?q={q}&unit={unit}");
    say("planning a smaller import while a reader reads the lists");
    let planning = {
        let db = db.clone();
        let plan_csv = plan_csv.to_vec();
        tokio::spawn(async move {
            let unrecorded = queries::QueryLog::default();
            measure::plan(&db, &unrecorded, organisation_id, &plan_csv).await
        })
    };
    let (_, readers_during_plan) =
        measure::readers_during(&server, &reader_uri, Duration::from_millis(0), planning).await?;
    let (records_before, relations_before, events_before) = counts(db, organisation_id).await?;
    say(&format!("importing {} rows", m.import_rows.len()));
    let applying = {
        let db = db.clone();
        let csv = csv.to_vec();
        let queries = std::sync::Arc::clone(queries);
        let person = loaded.signed_in_person_id;
        tokio::spawn(async move { measure::import(&db, &queries, organisation_id, person, &csv).await })
    };
    let (apply, readers_during_apply) =
        measure::readers_during(&server, &reader_uri, Duration::from_millis(500), applying).await?;
    say(&format!("imported in {:.1} s", apply.wall.as_secs_f64()));
    let (records_after, relations_after, events_after) = counts(db, organisation_id).await?;
    let to_u64 = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    let verification = Verification {
        records_added: records_after.saturating_sub(records_before),
        relations_added: relations_after.saturating_sub(relations_before),
        events_added: events_after.saturating_sub(events_before),
        records_expected: to_u64(m.import_rows.len()),
        relations_expected: to_u64(m.import_rows.iter().map(|r| r.held_by.len()).sum()),
    };
    Ok(BackendReport {
        classification,
        gaps,
        label: String::new(),
        backend: if db.get_database_backend() == sea_orm::DbBackend::Postgres {
            Backend::Postgres
        } else {
            Backend::Sqlite
        },
        version: fresh.version.clone(),
        url: fresh.url.clone(),
        setup: loaded.took,
        size_bytes,
        pages,
        export,
        plan,
        apply,
        readers_during_plan,
        readers_during_apply,
        verification,
        parameter_probe,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every measurement runs on a municipality of 1 % size on SQLite, once each. No timing is checked: this only
    /// keeps the benchmark from rotting.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_small_municipality_is_measured_on_sqlite() {
        let options = Options {
            backends: vec![Target::sqlite()],
            size: Size::scaled(0.01),
            seed: 5,
            requests: 1,
            warm_up: 0,
            export_requests: 1,
            csv_out: None,
        };
        let run = run(options).await.expect("the benchmark runs");
        let sqlite = &run.backends[0];
        assert_eq!(sqlite.pages.len(), 9, "eight pages of the inventory and the heatmap");
        assert_eq!(sqlite.classification.reclassify.0.len(), 1);
        assert!(sqlite.classification.affected >= 1, "{:?}", sqlite.classification);
        assert!(sqlite.pages.iter().all(|p| p.samples.0.len() == 1 && p.bytes > 0));
        assert_eq!(sqlite.plan.rejected, 0, "the generated file is importable");
        assert_eq!(sqlite.plan.created, run.generated.import_rows);
        assert_eq!(sqlite.apply.created, run.generated.import_rows);
        assert!(sqlite.verification.ok(), "{:?}", sqlite.verification);
        let gaps = &sqlite.gaps;
        assert!(gaps.statuses > 0 && gaps.whole.applicable > 0, "{:?}", gaps.whole);
        assert!(
            gaps.owned > 0 && gaps.owned_gaps > 0,
            "{} systems, {} gaps",
            gaps.owned,
            gaps.owned_gaps
        );
        assert!(gaps.change_seen.0 > 0, "{:?}", gaps.change_seen);
        assert_eq!(gaps.change.0.len(), 10, "ten changes timed for each page request");
        let [read, validated, written] = sqlite.apply.stages;
        assert!(read.reports >= 1 && validated.reports >= 1 && written.reports >= 1);
        assert_eq!(written.done, run.generated.import_rows);
        let markdown = report::markdown(&run);
        assert!(markdown.contains("| System with the most relations"), "{markdown}");
        assert!(
            markdown.contains("| Reclassifying an informationsmängd held by"),
            "{markdown}"
        );
        assert!(markdown.contains("### Gap analysis (issue #7)"), "{markdown}");
    }
}
