//! Imports that run in the background, so that a large file shows how far it has come (rows read, validated,
//! written) while the person waits on a page that works with or without JavaScript.
//!
//! A job's progress lives in this instance's memory: it is a view of work this instance is doing, not state another
//! instance needs (the file waits in the database, and the import itself is one transaction). A finished job is
//! kept for an hour so that its page can show the report.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use lis_store::inventory_import::{ImportReport, Progress, Stage};
use serde::Serialize;

/// How long a finished job's report stays available.
const KEPT: Duration = Duration::from_secs(3600);

/// What a job does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Reads and checks the file: the preview.
    Preview,
    /// Imports it.
    Apply,
}

/// How far a job has come, and its outcome once it has one.
#[derive(Clone, Debug, Default, Serialize)]
pub struct JobStatus {
    /// Rows read from the file.
    pub read: usize,
    /// Rows checked against the database.
    pub validated: usize,
    /// Rows written.
    pub written: usize,
    /// Rows in the file.
    pub total: usize,
    /// Whether the job has ended.
    pub finished: bool,
    /// The report, once there is one.
    pub report: Option<ImportReport>,
    /// Whether the job ended without a report: a fault in LIS, logged, shown to the person without internals.
    pub failed: bool,
}

/// One import running in the background.
#[derive(Debug)]
pub struct Job {
    /// The job's number in this instance.
    pub id: u64,
    /// The organisation imported into.
    pub organisation_id: i64,
    /// Who started it; only they see it.
    pub person_id: i64,
    /// The uploaded file.
    pub upload_id: i64,
    /// The file's name.
    pub file_name: String,
    /// What it does.
    pub kind: JobKind,
    status: Mutex<JobStatus>,
    finished_at: Mutex<Option<Instant>>,
}

impl Job {
    fn lock(&self) -> MutexGuard<'_, JobStatus> {
        // A poisoned lock only means a panic elsewhere while it was held; the counts are still usable.
        self.status.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The job's status now.
    pub fn status(&self) -> JobStatus {
        self.lock().clone()
    }

    /// Ends the job with its report, or as failed.
    pub fn finish(&self, report: Option<ImportReport>) {
        let mut status = self.lock();
        status.failed = report.is_none();
        status.report = report;
        status.finished = true;
        *self
            .finished_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Instant::now());
    }
}

impl Progress for Job {
    fn report(&self, stage: Stage, done: usize, total: usize) {
        let mut status = self.lock();
        status.total = status.total.max(total);
        match stage {
            Stage::Read => status.read = done,
            Stage::Validated => status.validated = done,
            Stage::Written => status.written = done,
        }
    }
}

/// The jobs of this instance.
#[derive(Debug, Default)]
pub struct ImportJobs {
    next: AtomicU64,
    jobs: Mutex<HashMap<u64, Arc<Job>>>,
}

impl ImportJobs {
    fn jobs(&self) -> MutexGuard<'_, HashMap<u64, Arc<Job>>> {
        self.jobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a new job (and forgets jobs that finished more than an hour ago).
    pub fn start(
        &self,
        organisation_id: i64,
        person_id: i64,
        upload_id: i64,
        file_name: String,
        kind: JobKind,
    ) -> Arc<Job> {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let job = Arc::new(Job {
            id,
            organisation_id,
            person_id,
            upload_id,
            file_name,
            kind,
            status: Mutex::new(JobStatus::default()),
            finished_at: Mutex::new(None),
        });
        let mut jobs = self.jobs();
        jobs.retain(|_, old| {
            old.finished_at
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .is_none_or(|at| at.elapsed() < KEPT)
        });
        jobs.insert(id, Arc::clone(&job));
        job
    }

    /// A job of `person_id`'s, if this instance has it.
    pub fn get(&self, id: u64, person_id: i64) -> Option<Arc<Job>> {
        self.jobs().get(&id).filter(|job| job.person_id == person_id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_counts_each_stage_and_is_only_its_starters() {
        let jobs = ImportJobs::default();
        let job = jobs.start(1, 7, 3, "fil.csv".to_owned(), JobKind::Apply);
        job.report(Stage::Read, 50_000, 50_000);
        job.report(Stage::Validated, 20_000, 50_000);
        job.report(Stage::Written, 0, 50_000);
        let status = job.status();
        assert_eq!(
            (status.read, status.validated, status.written, status.total),
            (50_000, 20_000, 0, 50_000)
        );
        assert!(!status.finished);
        assert!(jobs.get(job.id, 7).is_some());
        assert!(jobs.get(job.id, 8).is_none(), "another person does not see it");
        job.finish(None);
        assert!(job.status().finished && job.status().failed);
        let second = jobs.start(1, 7, 4, "b.csv".to_owned(), JobKind::Preview);
        assert_ne!(second.id, job.id);
    }
}
