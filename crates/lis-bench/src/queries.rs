//! Counting the statements a piece of work runs, by kind and table, with the time the database driver reported for
//! them: the timing breakdown behind the figures.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// How many statements of one kind ran, and how long they took together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Statements.
    pub count: u64,
    /// Their time, as measured around each statement by sea-orm.
    pub time: Duration,
}

/// The statements of a connection pool, recorded between [`QueryLog::start`] and [`QueryLog::stop`].
#[derive(Debug, Default)]
pub struct QueryLog {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    recording: bool,
    by_statement: BTreeMap<String, Tally>,
}

/// What a statement is: its verb and its first table, e.g. `SELECT inventory_item` or `INSERT audit_event`.
pub fn statement_key(sql: &str) -> String {
    let verb = sql.split_whitespace().next().unwrap_or_default().to_uppercase();
    let after = match verb.as_str() {
        "INSERT" => "INTO ",
        "UPDATE" => "UPDATE ",
        _ => "FROM ",
    };
    let table = sql
        .find(&format!("{after}\""))
        .or_else(|| sql.find(&format!("{after}`")))
        .map(|at| {
            sql[at + after.len() + 1..]
                .chars()
                .take_while(|c| *c != '"' && *c != '`')
                .collect::<String>()
        })
        .or_else(|| {
            // A hand-written statement names its tables without quotes.
            let at = sql.find(after)?;
            let name: String = sql[at + after.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .unwrap_or_default();
    let counted = sql.contains("COUNT(");
    match (table.is_empty(), counted) {
        (true, _) => verb,
        (false, true) => format!("{verb} COUNT {table}"),
        (false, false) => format!("{verb} {table}"),
    }
}

/// With `LIS_BENCH_SLOW_SQL` set, statements that take longer than its value in milliseconds (20 when it is not a
/// number) are printed.
fn slow_sql_threshold() -> Option<std::time::Duration> {
    let set = std::env::var("LIS_BENCH_SLOW_SQL").ok()?;
    Some(std::time::Duration::from_millis(set.trim().parse().unwrap_or(20)))
}

impl QueryLog {
    /// Records one statement, when recording.
    pub fn record(&self, info: &sea_orm::metric::Info<'_>) {
        if slow_sql_threshold().is_some_and(|threshold| info.elapsed > threshold) {
            let sql: String = info.statement.sql.chars().take(300).collect();
            let values = info.statement.values.as_ref().map_or(0, |v| v.0.len());
            eprintln!("slow statement ({:?}, {values} values): {sql}", info.elapsed);
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if !inner.recording {
            return;
        }
        let tally = inner
            .by_statement
            .entry(statement_key(&info.statement.sql))
            .or_default();
        tally.count += 1;
        tally.time += info.elapsed;
    }

    /// Forgets what was recorded and starts recording.
    pub fn start(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.by_statement.clear();
        inner.recording = true;
    }

    /// Stops recording and returns the statements seen, the most time first.
    pub fn stop(&self) -> Vec<(String, Tally)> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.recording = false;
        let mut seen: Vec<(String, Tally)> = std::mem::take(&mut inner.by_statement).into_iter().collect();
        seen.sort_by(|a, b| b.1.time.cmp(&a.1.time).then_with(|| a.0.cmp(&b.0)));
        seen
    }
}

/// The total of several tallies.
pub fn total(seen: &[(String, Tally)]) -> Tally {
    seen.iter().fold(Tally::default(), |sum, (_, t)| Tally {
        count: sum.count + t.count,
        time: sum.time + t.time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_named_by_verb_and_table() {
        assert_eq!(
            statement_key(r#"SELECT "inventory_item"."id" FROM "inventory_item" WHERE 1"#),
            "SELECT inventory_item"
        );
        assert_eq!(
            statement_key(r#"INSERT INTO "audit_event" ("a") VALUES ($1)"#),
            "INSERT audit_event"
        );
        assert_eq!(statement_key(r#"UPDATE "session" SET "x" = 1"#), "UPDATE session");
        assert_eq!(
            statement_key(r#"SELECT COUNT(*) AS num_items FROM (SELECT 1 FROM "inventory_item") AS sub"#),
            "SELECT COUNT inventory_item"
        );
        assert_eq!(statement_key("BEGIN"), "BEGIN");
        assert_eq!(
            statement_key("SELECT system_id, group_concat(x) FROM requirement_status WHERE 1"),
            "SELECT requirement_status"
        );
    }
}
