//! The vocabulary of the audit trail: who did what to which record.
//!
//! The store writes one event for every change, in the same transaction as the change; this module only names the
//! parts so that every writer spells them the same way.

use std::fmt;

use serde::Serialize;

/// Who caused a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Actor {
    /// LIS itself, named by the part that acted, such as `demo` for the demo loader or `catalog` for the catalogue
    /// loader.
    System(&'static str),
    /// A signed-in person, by their id.
    Person(i64),
    /// An API token, by its id; the administrator who issued it is accountable for it.
    Token {
        /// The token's id.
        id: i64,
        /// The person who issued it.
        issued_by: i64,
    },
}

impl Actor {
    /// The person accountable for the change: the person who acted, or the one who issued the token that did.
    pub fn person_id(&self) -> Option<i64> {
        match self {
            Self::System(_) => None,
            Self::Person(id) => Some(*id),
            Self::Token { issued_by, .. } => Some(*issued_by),
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::System(part) => write!(f, "system:{part}"),
            Self::Person(id) => write!(f, "person:{id}"),
            Self::Token { id, .. } => write!(f, "token:{id}"),
        }
    }
}

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// A record was created.
    Create,
    /// A record was changed.
    Update,
    /// A record was retired: kept with its history, no longer in use.
    Retire,
    /// A person signed in.
    SignIn,
    /// A sign-in attempt failed (bad state, bad token, unknown or disabled person, provider down).
    SignInFailed,
    /// A person signed out.
    SignOut,
    /// A request was refused by the authorization function.
    AccessDenied,
    /// Sessions were ended by an administrator.
    EndSessions,
    /// A report or export was downloaded.
    Export,
}

impl AuditAction {
    /// The identifier stored in the audit trail.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Retire => "retire",
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignOut => "sign_out",
            Self::AccessDenied => "access_denied",
            Self::EndSessions => "end_sessions",
            Self::Export => "export",
        }
    }
}

/// The record an event is about: its kind (the table's name in the singular) and its id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubjectRef {
    /// The kind of record, such as `organisation` or `org_unit`.
    pub kind: &'static str,
    /// The record's id as text, so that any kind of key fits.
    pub id: String,
}

impl SubjectRef {
    /// Names a record by its kind and id.
    pub fn new(kind: &'static str, id: impl fmt::Display) -> Self {
        Self {
            kind,
            id: id.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_are_labelled_for_the_trail() {
        assert_eq!(Actor::System("demo").to_string(), "system:demo");
        assert_eq!(Actor::Person(7).to_string(), "person:7");
        assert_eq!(Actor::Person(7).person_id(), Some(7));
        assert_eq!(Actor::System("demo").person_id(), None);
        let token = Actor::Token { id: 3, issued_by: 7 };
        assert_eq!(token.to_string(), "token:3");
        assert_eq!(token.person_id(), Some(7));
    }

    #[test]
    fn subjects_carry_kind_and_id() {
        let subject = SubjectRef::new("org_unit", 42);
        assert_eq!((subject.kind, subject.id.as_str()), ("org_unit", "42"));
        assert_eq!(AuditAction::Retire.as_str(), "retire");
    }
}
