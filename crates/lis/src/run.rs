//! What each command does.

use lis_store::ChangeTransaction;
use std::path::Path;

use anyhow::{Result, anyhow};
use lis_store::{DatabaseConnection, DatabaseUrl};
use lis_web::{App, AppState, Templates, WebConfig};
use tracing_subscriber::EnvFilter;

use crate::cli::{
    ApiCommand, CatalogCommand, Command, DemoArgs, ExportCommand, ExportFormat, HttpArgs, ImportCommand,
    InventoryFormat, MigrateArgs, ServeArgs,
};
use crate::config;

/// Sets up logging to standard error with the given filter.
pub fn init_tracing(filter: &str) -> Result<()> {
    let filter = EnvFilter::try_new(filter).map_err(|err| {
        anyhow!("LIS_LOG {filter:?} is not a valid log filter ({err}); use for example info or debug")
    })?;
    let colours = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colours)
        .init();
    Ok(())
}

/// Runs one command to its end.
pub async fn run(command: Command) -> Result<()> {
    match command {
        Command::Serve(args) => serve(*args).await,
        Command::Demo(args) => demo(args).await,
        Command::Migrate(args) => migrate(args).await,
        Command::Catalog(CatalogCommand::Check { dir, extra }) => check_catalog(&dir, extra.as_deref()),
        Command::Import(ImportCommand::Inventory { file, dry_run, storage }) => {
            import_inventory(&file, dry_run, &storage).await
        }
        Command::Import(ImportCommand::Classifications {
            file,
            dry_run,
            decided_by,
            storage,
        }) => import_classifications(&file, dry_run, decided_by.as_deref(), &storage).await,
        Command::Export(ExportCommand::Inventory { format, out, storage }) => {
            export_inventory(format, &out, &storage).await
        }
        Command::Catalog(CatalogCommand::ImportOscal { file, storage }) => import_oscal(&file, &storage).await,
        Command::Api(ApiCommand::Openapi { out }) => write_openapi(out.as_deref()),
        Command::Catalog(CatalogCommand::Export {
            format,
            level,
            out,
            dir,
        }) => export_catalog(format, level, out.as_deref(), dir.as_deref()),
    }
}

async fn serve(args: ServeArgs) -> Result<()> {
    let url = config::database_url(args.storage.database_url.as_deref(), &args.storage.data_dir)?;
    config::prepare_data_dir(&args.storage.data_dir)?;
    let base_url = config::base_url(args.http.base_url.as_deref(), &args.http.listen)?;
    let oidc = config::oidc(&args.sign_in, &base_url)?;
    let role_map = config::role_map(&args.sign_in.role_map)?;
    let mut web = WebConfig::new(base_url);
    web.session_policy = config::session_policy(&args.sign_in)?;
    web.evidence_dir = args.storage.data_dir.join("evidence");
    let listener = config::bind(&args.http.listen).await?;
    let db = connect_and_migrate(&url).await?;
    lis_store::setup::ensure_organisation(&db, &args.sign_in.organisation_name, &role_map)
        .await
        .map_err(|err| anyhow!("cannot prepare the organisation: {err}"))?;
    if oidc.is_none() {
        tracing::warn!("LIS_OIDC_ISSUER is not set: nobody can sign in until it is");
    }
    serve_until_stopped(listener, db, web, oidc, args.catalog_extra_dir.as_deref()).await
}

async fn demo(args: DemoArgs) -> Result<()> {
    let HttpArgs { listen, base_url } = args.http;
    config::require_loopback(&listen).await?;
    let data_dir = config::prepare_data_dir(&args.data_dir)?;
    let base_url = config::base_url(base_url.as_deref(), &listen)?;
    let listener = config::bind(&listen).await?;
    let file = data_dir.join("demo.db");
    remove_sqlite_file(&file)?;
    let url = DatabaseUrl::parse(&config::sqlite_url(&file)).map_err(|err| anyhow!("{err}"))?;
    let db = connect_and_migrate(&url).await?;
    let plan = lis_store::demo::DemoPlan {
        with_assessment: true,
        ..lis_store::demo::exempelkommun()
    };
    let summary = lis_store::demo::load(&db, &plan)
        .await
        .map_err(|err| anyhow!("cannot load the demo municipality: {err}"))?;
    tracing::info!(units = summary.units, "loaded the demo municipality Exempelkommun");
    eprintln!("LIS demo: open {base_url} in a browser (Ctrl-C stops it)");
    let mut web = WebConfig::new(base_url);
    web.demo = true;
    web.evidence_dir = data_dir.join("demo-evidence");
    // The demo's database starts anew, so its evidence files do too.
    match std::fs::remove_dir_all(&web.evidence_dir) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(anyhow!("cannot clear {}: {err}", web.evidence_dir.display())),
    }
    serve_until_stopped(listener, db, web, None, None).await
}

async fn migrate(args: MigrateArgs) -> Result<()> {
    let url = config::database_url(args.storage.database_url.as_deref(), &args.storage.data_dir)?;
    if url.sqlite_file().is_some() {
        config::prepare_data_dir(&args.storage.data_dir)?;
    }
    let db = lis_store::connect(&url).await.map_err(unreachable)?;
    if args.status {
        let states = lis_store::migrate::status(&db)
            .await
            .map_err(|err| anyhow!("cannot read the migrations: {err}"))?;
        print_status(&states);
    } else {
        let applied = lis_store::migrate::migrate(&db)
            .await
            .map_err(|err| anyhow!("migration failed: {err}"))?;
        eprintln!(
            "applied {} migration(s); the database at {url} is up to date",
            applied.len()
        );
    }
    db.close()
        .await
        .map_err(|err| anyhow!("cannot close the database connection: {err}"))
}

/// `lis catalog import-oscal FILE`: stores an OSCAL catalog as a read-only catalogue; nothing is stored unless the
/// whole file is valid.
async fn import_oscal(file: &Path, storage: &crate::cli::StorageArgs) -> Result<()> {
    let text = std::fs::read_to_string(file).map_err(|e| anyhow!("cannot read {} ({e})", file.display()))?;
    let name = file.display().to_string();
    let imported = lis_catalog::import::import_oscal_catalog(&name, &text).map_err(|problems| {
        let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow!(
            "{} is not an OSCAL catalog LIS can import: {}",
            file.display(),
            listed.join("; ")
        )
    })?;
    let url = config::database_url(storage.database_url.as_deref(), &storage.data_dir)?;
    if url.sqlite_file().is_some() {
        config::prepare_data_dir(&storage.data_dir)?;
    }
    let db = connect_and_migrate(&url).await?;
    let ctx = lis_store::audit::ChangeContext::system("import-oscal");
    let stored = lis_store::catalogues::import_oscal(&db, &ctx, &imported)
        .await
        .map_err(|err| anyhow!("cannot import {}: {err}", file.display()))?;
    eprintln!(
        "imported {:?} version {} with {} controls as catalogue {}",
        stored.title, stored.version, stored.control_count, stored.id
    );
    db.close()
        .await
        .map_err(|err| anyhow!("cannot close the database connection: {err}"))
}

/// Connects to the database of `storage`, migrating it, and finds (or on a new installation creates) the
/// organisation LIS serves.
async fn open_organisation(storage: &crate::cli::StorageArgs) -> Result<(DatabaseConnection, i64)> {
    let url = config::database_url(storage.database_url.as_deref(), &storage.data_dir)?;
    if url.sqlite_file().is_some() {
        config::prepare_data_dir(&storage.data_dir)?;
    }
    let db = connect_and_migrate(&url).await?;
    // On a new installation the organisation is created as `lis serve` would, so that a municipality can bring
    // its spreadsheets in before anyone signs in.
    let name = std::env::var("LIS_ORGANISATION_NAME").unwrap_or_else(|_| "Organisationen".to_owned());
    let organisation = lis_store::setup::ensure_organisation(&db, &name, &[])
        .await
        .map_err(|err| anyhow!("cannot prepare the organisation: {err}"))?;
    Ok((db, organisation.id))
}

/// Progress of an import, on standard error.
struct StderrProgress;

impl lis_store::inventory_import::Progress for StderrProgress {
    fn report(&self, stage: lis_store::inventory_import::Stage, done: usize, total: usize) {
        use lis_store::inventory_import::Stage;
        let every = (total / 10).max(1000);
        if done == total || done.is_multiple_of(every) {
            let what = match stage {
                Stage::Read => "lästa",
                Stage::Validated => "kontrollerade",
                Stage::Written => "skrivna",
            };
            eprintln!("{done} av {total} rader {what}");
        }
    }
}

/// The sheets of a CSV or XLSX file, or why it cannot be read.
fn read_sheets(file: &Path) -> Result<Vec<lis_sheets::Sheet>> {
    let bytes = std::fs::read(file).map_err(|e| anyhow!("cannot read {} ({e})", file.display()))?;
    lis_sheets::read(&bytes).map_err(|e| anyhow!("{}: {}", file.display(), e.message_sv()))
}

/// `lis import inventory FILE [--dry-run]`: the import's report on standard output; exit 1 when a row is refused.
async fn import_inventory(file: &Path, dry_run: bool, storage: &crate::cli::StorageArgs) -> Result<()> {
    let sheets = read_sheets(file)?;
    let (db, organisation_id) = open_organisation(storage).await?;
    let report = if dry_run {
        lis_store::inventory_import::plan(&db, organisation_id, &sheets, &StderrProgress)
            .await
            .map_err(unreachable)?
    } else {
        let txn = db.begin_change().await.map_err(|e| unreachable(e.into()))?;
        let ctx = lis_store::audit::ChangeContext::system("import");
        let report = lis_store::inventory_import::apply(&txn, &ctx, organisation_id, &sheets, &StderrProgress)
            .await
            .map_err(|e| anyhow!("the import failed and nothing was written: {e}"))?;
        if report.is_acceptable() {
            txn.commit().await.map_err(|e| unreachable(e.into()))?;
        }
        report
    };
    db.close()
        .await
        .map_err(|err| anyhow!("cannot close the database connection: {err}"))?;
    finish_import(file, dry_run, &report)
}

/// Prints an import's report and says how it ended: an error (exit code 1) when a row was refused.
fn finish_import(file: &Path, dry_run: bool, report: &lis_store::inventory_import::ImportReport) -> Result<()> {
    use std::io::Write as _;
    std::io::stdout()
        .write_all(report.to_text().as_bytes())
        .map_err(|e| anyhow!("cannot write the report ({e})"))?;
    if report.is_acceptable() {
        if dry_run {
            eprintln!("provkörning: inget sparades");
        }
        Ok(())
    } else {
        Err(anyhow!(
            "{}: inget importerades ({} rader avvisade)",
            file.display(),
            report.rejected()
        ))
    }
}

/// `lis import classifications FILE [--dry-run] --decided-by EMAIL`.
async fn import_classifications(
    file: &Path,
    dry_run: bool,
    decided_by: Option<&str>,
    storage: &crate::cli::StorageArgs,
) -> Result<()> {
    let sheets = read_sheets(file)?;
    let (db, organisation_id) = open_organisation(storage).await?;
    let catalog = lis_catalog::shipped().map_err(|_| anyhow!("the shipped catalogue has problems"))?;
    let model = lis_store::classification::Model {
        max_level: catalog
            .levels
            .iter()
            .map(|l| l.value)
            .max()
            .unwrap_or(lis_domain::aspect::MAX_LEVEL),
        classifies_traceability: lis_store::classification::classifies_traceability(&db, organisation_id)
            .await
            .map_err(unreachable)?,
    };
    let report = match decided_by.filter(|_| !dry_run) {
        None => lis_store::classification_import::plan(&db, organisation_id, model, &sheets)
            .await
            .map_err(unreachable)?,
        Some(email) => {
            let person = lis_store::people::by_email(&db, organisation_id, email)
                .await
                .map_err(unreachable)?
                .ok_or_else(|| anyhow!("no person in LIS has the e-mail address {email}"))?;
            let principal = lis_store::people::principal(&db, person.id)
                .await
                .map_err(unreachable)?;
            let decide_any = lis_domain::Resource::ClassificationDecision {
                information_owner: false,
            };
            lis_domain::authorize(&principal, lis_domain::Action::Change, decide_any)
                .map_err(|_| anyhow!("{email} may not decide classifications: that is the CISO's"))?;
            let txn = db.begin_change().await.map_err(|e| unreachable(e.into()))?;
            let ctx = lis_store::audit::ChangeContext::person(person.id, Some("import".to_owned()));
            let report = lis_store::classification_import::import(&txn, &ctx, organisation_id, model, &sheets)
                .await
                .map_err(|e| anyhow!("the import failed and nothing was written: {e}"))?;
            if report.is_acceptable() {
                txn.commit().await.map_err(|e| unreachable(e.into()))?;
            }
            report
        }
    };
    db.close()
        .await
        .map_err(|err| anyhow!("cannot close the database connection: {err}"))?;
    finish_import(file, dry_run, &report)
}

/// `lis export inventory --format csv|xlsx --out FILE`.
async fn export_inventory(format: InventoryFormat, out: &Path, storage: &crate::cli::StorageArgs) -> Result<()> {
    let (db, organisation_id) = open_organisation(storage).await?;
    let tables = lis_web::inventory_files::tables(&db, organisation_id)
        .await
        .map_err(unreachable)?;
    let bytes = match format {
        InventoryFormat::Csv => lis_web::inventory_files::csv(&tables),
        InventoryFormat::Xlsx => lis_web::inventory_files::xlsx(&tables),
    }
    .map_err(|e| anyhow!("cannot write the export: {e}"))?;
    let txn = db.begin_change().await.map_err(|e| unreachable(e.into()))?;
    let change = lis_store::audit::Change {
        organisation_id: Some(organisation_id),
        action: lis_domain::AuditAction::Export,
        subject: lis_domain::SubjectRef::new("report", "inventory"),
        before: None,
        after: Some(
            serde_json::json!({ "format": format!("{format:?}").to_lowercase(), "file": out.display().to_string() }),
        ),
    };
    lis_store::audit::append(&txn, &lis_store::audit::ChangeContext::system("export"), change)
        .await
        .map_err(unreachable)?;
    std::fs::write(out, bytes).map_err(|e| anyhow!("cannot write {} ({e})", out.display()))?;
    txn.commit().await.map_err(|e| unreachable(e.into()))?;
    db.close()
        .await
        .map_err(|err| anyhow!("cannot close the database connection: {err}"))
}

/// `lis catalog export`: an OSCAL document to a file or standard output.
fn export_catalog(format: ExportFormat, level: Option<u8>, out: Option<&Path>, dir: Option<&Path>) -> Result<()> {
    let catalog = match dir {
        Some(dir) => lis_catalog::load_dir(dir),
        None => lis_catalog::shipped(),
    }
    .map_err(|problems| {
        let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow!(
            "the catalogue has problems; run lis catalog check first: {}",
            listed.join("; ")
        )
    })?;
    let document = match (format, level) {
        (ExportFormat::OscalCatalog, _) => lis_catalog::oscal::catalog_document(&catalog),
        (ExportFormat::OscalProfile, Some(level)) => lis_catalog::oscal::profile_document(&catalog, level)
            .ok_or_else(|| anyhow!("level {level} gives no requirements; choose a protection level from 0 to 3"))?,
        (ExportFormat::OscalProfile, None) => return Err(anyhow!("--format oscal-profile needs --level N")),
    };
    let mut text = serde_json::to_string_pretty(&document).map_err(|e| anyhow!("cannot write JSON: {e}"))?;
    text.push('\n');
    match out {
        Some(path) => std::fs::write(path, text).map_err(|e| anyhow!("cannot write {} ({e})", path.display())),
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(text.as_bytes())
                .map_err(|e| anyhow!("cannot write to standard output ({e})"))
        }
    }
}

/// `lis api openapi`: the API's OpenAPI document, to a file or standard output.
fn write_openapi(out: Option<&Path>) -> Result<()> {
    let mut text = lis_web::openapi_json();
    text.push('\n');
    match out {
        Some(path) => std::fs::write(path, text).map_err(|e| anyhow!("cannot write {} ({e})", path.display())),
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(text.as_bytes())
                .map_err(|e| anyhow!("cannot write to standard output ({e})"))
        }
    }
}

/// `lis catalog check DIR`: every problem on its own line, or a one-line summary.
#[expect(
    clippy::print_stdout,
    reason = "the problems or the summary are the command's output"
)]
fn check_catalog(dir: &Path, extra: Option<&Path>) -> Result<()> {
    let (dir, loaded) = match extra {
        Some(extra) => (extra, lis_catalog::shipped_with_extensions(extra)),
        None => (dir, lis_catalog::load_dir(dir)),
    };
    match loaded {
        Ok(catalog) => {
            let s = catalog.summary();
            let at_levels: Vec<String> = s.applicable_at_level.iter().map(ToString::to_string).collect();
            let aspects: Vec<String> = s.per_aspect.iter().map(|(a, n)| format!("{a} {n}")).collect();
            let points: Vec<String> = (1..=10u8)
                .map(|p| format!("{p}:{}", s.per_cybersakerhetslagen_point.get(&p).unwrap_or(&0)))
                .collect();
            println!(
                "{}: {} controls, {} requirements ({} grundskydd); applicable with every aspect at level 0/1/2/3: {}; \
                 per aspect: {}; cybersäkerhetslagen 2 kap. 3 § points: {}",
                dir.display(),
                s.controls,
                s.requirements,
                s.always,
                at_levels.join("/"),
                aspects.join(", "),
                points.join(" ")
            );
            Ok(())
        }
        Err(problems) => {
            for problem in &problems {
                match extra {
                    Some(_) => println!("{problem}"),
                    None => println!("{}/{problem}", dir.display()),
                }
            }
            Err(anyhow!(
                "the catalogue in {} has {} problem(s), listed above",
                dir.display(),
                problems.len()
            ))
        }
    }
}

#[expect(clippy::print_stdout, reason = "the status list is the command's output")]
fn print_status(states: &[lis_store::migrate::MigrationState]) {
    for state in states {
        println!("{}\t{}", if state.applied { "applied" } else { "pending" }, state.name);
    }
}

/// Deletes a SQLite database file and its WAL companions, if they exist.
fn remove_sqlite_file(file: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", file.display());
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(anyhow!("cannot remove the old demo database {path} ({err})")),
        }
    }
    Ok(())
}

fn unreachable(err: lis_store::StoreError) -> anyhow::Error {
    anyhow!("{err}; check LIS_DATABASE_URL and that the database server is running and accepts connections")
}

async fn connect_and_migrate(url: &DatabaseUrl) -> Result<DatabaseConnection> {
    let db = lis_store::connect(url).await.map_err(unreachable)?;
    lis_store::migrate::migrate(&db)
        .await
        .map_err(|err| anyhow!("cannot migrate the database at {url}: {err}"))?;
    Ok(db)
}

async fn serve_until_stopped(
    listener: tokio::net::TcpListener,
    db: DatabaseConnection,
    config: WebConfig,
    oidc: Option<lis_web::auth::oidc::Oidc>,
    extra_dir: Option<&Path>,
) -> Result<()> {
    let address = listener
        .local_addr()
        .map_err(|err| anyhow!("cannot read the listening address: {err}"))?;
    let catalog = load_catalog(extra_dir)?;
    lis_store::catalogues::register_shipped(&db, &catalog)
        .await
        .map_err(|err| anyhow!("cannot register the built-in catalogue in the database: {err}"))?;
    let questionnaire = lis_catalog::questionnaire::shipped().map_err(|problems| {
        let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow!(
            "the built-in classification questions are invalid: {}",
            listed.join("; ")
        )
    })?;
    let app = App::new(
        db.clone(),
        Templates::for_this_build(),
        config,
        oidc,
        std::sync::Arc::new(catalog),
        std::sync::Arc::new(questionnaire),
    );
    let state = AppState::new(app);
    let app = lis_web::router(state);
    let stop = shutdown_signal()?;
    tracing::info!(%address, "LIS is listening");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(stop)
    .await
    .map_err(|err| anyhow!("the server stopped: {err}"))?;
    tracing::info!("stopped; closing the database");
    db.close()
        .await
        .map_err(|err| anyhow!("cannot close the database connection: {err}"))
}

/// The catalogue to serve: the built-in one, with the municipality's own requirements from `extra_dir` when they are
/// valid. Broken extensions never half-load: every problem is logged and LIS runs on the built-in catalogue.
fn load_catalog(extra_dir: Option<&Path>) -> Result<lis_catalog::Catalog> {
    let listed =
        |problems: Vec<lis_catalog::Problem>| problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
    let shipped = || {
        lis_catalog::shipped().map_err(|problems| anyhow!("the built-in catalogue is invalid: {}", listed(problems)))
    };
    let Some(dir) = extra_dir else { return shipped() };
    match lis_catalog::shipped_with_extensions(dir) {
        Ok(catalog) => {
            tracing::info!(dir = %dir.display(), requirements = catalog.requirements.len(), "loaded the catalogue with local requirements");
            Ok(catalog)
        }
        Err(problems) => {
            for problem in &problems {
                tracing::error!(%problem, "LIS_CATALOG_EXTRA_DIR has a problem");
            }
            tracing::error!(
                dir = %dir.display(),
                "the local requirements were not loaded ({} problems, listed above); LIS runs on the built-in catalogue",
                problems.len()
            );
            shipped()
        }
    }
}

/// Installs the handlers for Ctrl-C (SIGINT) and SIGTERM now, before the server accepts its first request, and
/// returns a future that resolves when either arrives. (Installing them lazily inside the future would leave a window
/// after start-up in which SIGTERM kills the process instead of stopping it gracefully.)
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).map_err(|e| anyhow!("cannot listen for Ctrl-C: {e}"))?;
    let mut terminate = signal(SignalKind::terminate()).map_err(|e| anyhow!("cannot listen for SIGTERM: {e}"))?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!("shutting down");
    })
}
