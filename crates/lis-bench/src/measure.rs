//! The measurements: pages through the real router in-process (server time: from handing the request to the router
//! until the last byte of the body), the export, and the import planned and applied through LIS's importer, with
//! readers sent to the lists while an import is planned and while one is applied.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use lis_domain::inventory::{ItemKind, Lifecycle};
use lis_store::DatabaseConnection;
use lis_store::audit::ChangeContext;
use lis_store::inventory::ListQuery;
use lis_store::inventory_import::{Progress, Stage};
use lis_store::sessions::SessionData;
use lis_web::{App, AppState, Templates, WebConfig};
use tower::ServiceExt;

use crate::queries::{QueryLog, Tally};

/// Durations of repeated requests.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Samples(pub Vec<Duration>);

impl Samples {
    /// The value at `fraction` (0 to 1) by the nearest-rank method; zero when there are no samples.
    pub fn percentile(&self, fraction: f64) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = (fraction * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    /// The median.
    pub fn p50(&self) -> Duration {
        self.percentile(0.5)
    }

    /// The 95th percentile.
    pub fn p95(&self) -> Duration {
        self.percentile(0.95)
    }

    /// The longest.
    pub fn max(&self) -> Duration {
        self.0.iter().max().copied().unwrap_or_default()
    }
}

/// The router over a database, with a signed-in session.
#[derive(Clone)]
pub struct Server {
    router: Router,
    cookie: String,
}

/// One response: status, size and server time.
#[derive(Clone, Copy, Debug)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The body's length.
    pub bytes: usize,
    /// From handing over the request until the whole body was read.
    pub took: Duration,
}

impl Server {
    /// The router as `lis serve` builds it over `db`, and a session for `person_id` made in the database.
    pub async fn new(db: &DatabaseConnection, person_id: i64) -> Result<Self> {
        let catalog = lis_catalog::shipped().map_err(|problems| anyhow!("the shipped catalogue: {problems:?}"))?;
        lis_store::catalogues::register_shipped(db, &catalog).await?;
        let config = WebConfig::new("http://127.0.0.1:8080");
        let data = SessionData {
            csrf_token: lis_store::sessions::new_token(),
            ..SessionData::default()
        };
        let token = lis_store::sessions::create(db, &config.session_policy, Some(person_id), &data).await?;
        let questionnaire = lis_catalog::questionnaire::shipped().map_err(|problems| anyhow!("{problems:?}"))?;
        let app = App::new(
            db.clone(),
            Templates::for_this_build(),
            config,
            None,
            Arc::new(catalog),
            Arc::new(questionnaire),
        );
        Ok(Self {
            router: lis_web::router(AppState::new(app)),
            cookie: format!("lis_session={token}"),
        })
    }

    /// GETs `uri` as the signed-in person.
    pub async fn get(&self, uri: &str) -> Result<Answer> {
        let request = Request::get(uri)
            .header(header::COOKIE, &self.cookie)
            .body(Body::empty())?;
        let started = Instant::now();
        let response = self.router.clone().oneshot(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer {
            status,
            bytes: body.len(),
            took: started.elapsed(),
        })
    }

    /// GETs `uri` and insists on 200 OK.
    pub async fn get_ok(&self, uri: &str) -> Result<Answer> {
        let answer = self.get(uri).await?;
        if answer.status != StatusCode::OK {
            bail!("GET {uri} answered {}", answer.status);
        }
        Ok(answer)
    }
}

/// A page measured: requests after a warm-up.
#[derive(Clone, Debug)]
pub struct PageResult {
    /// What it is.
    pub name: String,
    /// The request.
    pub uri: String,
    /// The goal for the 95th percentile, when the issue sets one.
    pub target: Option<Duration>,
    /// The timed requests.
    pub samples: Samples,
    /// Statements per request.
    pub statements: f64,
    /// The statements of the timed requests, the most time first.
    pub breakdown: Vec<(String, Tally)>,
    /// The body's size.
    pub bytes: usize,
    /// What the page shows, e.g. how many records match.
    pub note: String,
}

impl PageResult {
    /// Whether the 95th percentile is within the target (`None` without a target).
    pub fn met(&self) -> Option<bool> {
        self.target.map(|target| self.samples.p95() < target)
    }
}

/// Requests `uri` `warm_up` times untimed, then `count` times timed, counting statements.
pub async fn page(
    server: &Server,
    queries: &QueryLog,
    case: PageCase,
    warm_up: usize,
    count: usize,
) -> Result<PageResult> {
    let mut bytes = 0;
    for _ in 0..warm_up {
        bytes = server.get_ok(&case.uri).await?.bytes;
    }
    let mut samples = Vec::with_capacity(count);
    queries.start();
    for _ in 0..count {
        let answer = server.get_ok(&case.uri).await?;
        bytes = answer.bytes;
        samples.push(answer.took);
    }
    let seen = queries.stop();
    let statements = crate::queries::total(&seen).count as f64 / count.max(1) as f64;
    Ok(PageResult {
        name: case.name,
        uri: case.uri,
        target: case.target,
        samples: Samples(samples),
        statements,
        breakdown: seen,
        bytes,
        note: case.note,
    })
}

/// What to request and how to describe it.
#[derive(Clone, Debug)]
pub struct PageCase {
    /// What it is.
    pub name: String,
    /// The request.
    pub uri: String,
    /// The goal for the 95th percentile.
    pub target: Option<Duration>,
    /// What the page shows.
    pub note: String,
}

/// How many records a list request matches, asked of the store directly.
pub async fn matches(
    db: &DatabaseConnection,
    organisation_id: i64,
    kind: ItemKind,
    search: Option<&str>,
    unit: Option<i64>,
    lifecycle: Option<Lifecycle>,
) -> Result<u64> {
    let mut query = ListQuery::new(kind);
    query.search = search.map(str::to_owned);
    if let Some(unit) = unit {
        let tree = lis_store::organisation::org_tree(db, organisation_id).await?;
        query.org_units = Some(tree.subtree(unit));
    }
    query.lifecycle = lifecycle;
    Ok(lis_store::inventory::list(db, organisation_id, &query).await?.total)
}

/// One stage's progress reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StageLog {
    /// How many reports came.
    pub reports: usize,
    /// When the first came, from the start of the import.
    pub first: Duration,
    /// When the last came.
    pub last: Duration,
    /// The last report's count of rows done.
    pub done: usize,
    /// The last report's total.
    pub total: usize,
}

/// The import's progress reports, per stage, with when they came.
#[derive(Debug)]
pub struct ProgressLog {
    started: Instant,
    stages: Mutex<[StageLog; 3]>,
}

impl ProgressLog {
    /// A log whose clock starts now.
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            stages: Mutex::new([StageLog::default(); 3]),
        }
    }

    /// What came, per stage: read, validated, written.
    pub fn stages(&self) -> [StageLog; 3] {
        *self.stages.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for ProgressLog {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress for ProgressLog {
    fn report(&self, stage: Stage, done: usize, total: usize) {
        let at = self.started.elapsed();
        let mut stages = self.stages.lock().unwrap_or_else(PoisonError::into_inner);
        let log = &mut stages[match stage {
            Stage::Read => 0,
            Stage::Validated => 1,
            Stage::Written => 2,
        }];
        if log.reports == 0 {
            log.first = at;
        }
        log.reports += 1;
        log.last = at;
        log.done = done;
        log.total = total;
    }
}

/// An import measured.
#[derive(Clone, Debug)]
pub struct ImportResult {
    /// Data rows in the file.
    pub rows: usize,
    /// Reading the CSV into sheets.
    pub parse: Duration,
    /// Everything: reading, planning, writing and committing.
    pub wall: Duration,
    /// The progress reports: read, validated, written; times from the start of planning.
    pub stages: [StageLog; 3],
    /// Rows the report says are new.
    pub created: usize,
    /// Rows refused (should be none).
    pub rejected: usize,
    /// The statements run, the most time first.
    pub statements: Vec<(String, Tally)>,
}

impl ImportResult {
    /// Rows per second over the whole wall time.
    pub fn rows_per_second(&self) -> f64 {
        let rows = self.rows as f64;
        rows / self.wall.as_secs_f64().max(1e-9)
    }
}

/// Plans (a dry run) the import of `csv`.
pub async fn plan(
    db: &DatabaseConnection,
    queries: &QueryLog,
    organisation_id: i64,
    csv: &[u8],
) -> Result<ImportResult> {
    let started = Instant::now();
    let sheets = lis_sheets::read(csv).map_err(|e| anyhow!("{}", e.message_sv()))?;
    let parse = started.elapsed();
    let progress = ProgressLog::new();
    queries.start();
    let report = lis_store::inventory_import::plan(db, organisation_id, &sheets, &progress).await;
    let statements = queries.stop();
    let report = report?;
    let wall = started.elapsed();
    Ok(ImportResult {
        rows: report.rows.len(),
        parse,
        wall,
        stages: progress.stages(),
        created: report.created(),
        rejected: report.rejected(),
        statements,
    })
}

/// Imports `csv` as the import page does (`lis_store::inventory_import::import`): planned without a transaction,
/// then written and committed in one.
pub async fn import(
    db: &DatabaseConnection,
    queries: &QueryLog,
    organisation_id: i64,
    person_id: i64,
    csv: &[u8],
) -> Result<ImportResult> {
    let started = Instant::now();
    let sheets = lis_sheets::read(csv).map_err(|e| anyhow!("{}", e.message_sv()))?;
    let parse = started.elapsed();
    let progress = ProgressLog::new();
    let ctx = ChangeContext::person(person_id, Some("lis-bench".to_owned()));
    queries.start();
    let report = lis_store::inventory_import::import(db, &ctx, organisation_id, &sheets, &progress).await;
    let statements = queries.stop();
    let report = report?;
    if !report.is_acceptable() {
        bail!("the import was refused: {}", report.to_text());
    }
    Ok(ImportResult {
        rows: report.rows.len(),
        parse,
        wall: started.elapsed(),
        stages: progress.stages(),
        created: report.created(),
        rejected: report.rejected(),
        statements,
    })
}

/// How long one statement takes through the pool with few and with many bound parameters: `(parameters, p50)` for
/// 150 and 1 500 (what listing 1 500 people's roles sends). Large messages show transport stalls: on PostgreSQL over
/// TCP without `TCP_NODELAY`, a message larger than the socket's first send buffer (some 16 kB) waits for the
/// server's delayed acknowledgement.
pub async fn parameter_probe(db: &DatabaseConnection) -> Result<Vec<(usize, Duration)>> {
    use lis_store::entity::person;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let mut probes = Vec::new();
    for parameters in [150_i64, 1_500] {
        let mut samples = Vec::new();
        for round in 0..22 {
            let started = Instant::now();
            person::Entity::find()
                .select_only()
                .column(person::Column::Id)
                .filter(person::Column::Id.is_in(1..=parameters))
                .into_tuple::<i64>()
                .all(db)
                .await?;
            // The first two prepare the statement and warm the connection.
            if round >= 2 {
                samples.push(started.elapsed());
            }
        }
        probes.push((usize::try_from(parameters).unwrap_or_default(), Samples(samples).p50()));
    }
    Ok(probes)
}

/// List requests made by another reader while an import ran.
#[derive(Clone, Debug)]
pub struct Readers {
    /// The request.
    pub uri: String,
    /// How long the import took with the readers running.
    pub work: Duration,
    /// The requests that got 200 OK, with their times.
    pub answered: Samples,
    /// The requests that failed, with their status and time.
    pub failed: Vec<(StatusCode, Duration)>,
}

/// Sends `uri` again and again (pausing `pause` between requests) while `work` runs; returns the work's outcome and
/// what the reader saw.
pub async fn readers_during<T: Send + 'static>(
    server: &Server,
    uri: &str,
    pause: Duration,
    work: tokio::task::JoinHandle<Result<T>>,
) -> Result<(T, Readers)> {
    let started = Instant::now();
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let server = server.clone();
        let uri = uri.to_owned();
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            let mut answered = Vec::new();
            let mut failed = Vec::new();
            while !done.load(Ordering::SeqCst) {
                // Every request that starts while the work runs counts, however long after it ends.
                let answer = server.get(&uri).await?;
                if answer.status == StatusCode::OK {
                    answered.push(answer.took);
                } else {
                    failed.push((answer.status, answer.took));
                }
                tokio::time::sleep(pause).await;
            }
            Ok::<_, anyhow::Error>((answered, failed))
        })
    };
    let outcome = work.await;
    let took = started.elapsed();
    done.store(true, Ordering::SeqCst);
    let (answered, failed) = reader.await??;
    let value = outcome??;
    Ok((
        value,
        Readers {
            uri: uri.to_owned(),
            work: took,
            answered: Samples(answered),
            failed,
        },
    ))
}
