//! The store's error type.

use lis_domain::UnitNameError;

/// Everything that can go wrong in the store, with enough context to tell the user what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `LIS_DATABASE_URL` (or the value given in its place) is not a database URL LIS can use.
    #[error("the database URL {url:?} is not valid: {reason}")]
    InvalidDatabaseUrl {
        /// The URL with any password hidden.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database did not accept a connection.
    #[error("cannot connect to the database at {url}: {cause}")]
    Unreachable {
        /// The URL with any password hidden.
        url: String,
        /// What the driver said.
        cause: String,
    },
    /// A name given for a unit or organisation is not acceptable.
    #[error("invalid {field}: {source}")]
    InvalidName {
        /// The field that holds the name.
        field: &'static str,
        /// Why it was refused.
        source: UnitNameError,
    },
    /// A record that a command refers to does not exist.
    #[error("{kind} {id} does not exist")]
    NotFound {
        /// The kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// A disabled person tried to sign in.
    #[error("person {person_id} is disabled")]
    PersonDisabled {
        /// The person's id.
        person_id: i64,
    },
    /// Someone else saved the record since it was read; nothing was changed.
    #[error("{kind} was changed by someone else (now at version {current_version})")]
    Conflict {
        /// The kind of record.
        kind: &'static str,
        /// Its version now.
        current_version: i32,
    },
    /// The record exists already.
    #[error("{kind} {id} exists already")]
    AlreadyExists {
        /// The kind of record.
        kind: &'static str,
        /// Which one.
        id: String,
    },
    /// A förvaltningsobjekt still has systems in use and cannot be retired.
    #[error("retire or move these systems first: {}", names.join(", "))]
    RetireBlocked {
        /// The systems' names.
        names: Vec<String>,
    },
    /// A relation would make a system run on itself.
    #[error("this would make a cycle: {}", names.join(" → "))]
    Cycle {
        /// The names along the cycle, starting and ending with the same record.
        names: Vec<String>,
    },
    /// An import was refused; the text says why, row by row.
    #[error("the import was refused:\n{0}")]
    Import(String),
    /// A classification or override that breaks the model's rules; every problem is listed.
    #[error("the classification is refused: {0:?}")]
    Classification(Vec<lis_domain::classification::ClassificationProblem>),
    /// A requirement status that breaks the rules; every problem is listed.
    #[error("the status is refused: {0:?}")]
    Status(Vec<lis_domain::gap::StatusProblem>),
    /// An action of the handlingsplan that breaks the rules; every problem is listed.
    #[error("the action is refused: {0:?}")]
    Action(Vec<lis_domain::action_plan::ActionProblem>),
    /// An evidence file that cannot be taken.
    #[error("the evidence file is refused: {0}")]
    Evidence(lis_domain::evidence::EvidenceProblem),
    /// A file could not be written or read in the data directory.
    #[error("file error: {0}")]
    Files(std::io::Error),
    /// The database refused or failed a statement.
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// A value could not be turned into JSON for the audit trail.
    #[error("could not record the change: {0}")]
    Serialize(#[from] serde_json::Error),
}

impl StoreError {
    /// What inserting the first version of a record of `kind` failed with: when someone else created the record
    /// at the same moment (the unique index refuses the second), a [`StoreError::Conflict`] with their version 1,
    /// as when the record existed when it was read; any other failure as it is.
    pub(crate) fn on_first_version(kind: &'static str, err: sea_orm::DbErr) -> Self {
        match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => StoreError::Conflict {
                kind,
                current_version: 1,
            },
            _ => StoreError::Database(err),
        }
    }
}
