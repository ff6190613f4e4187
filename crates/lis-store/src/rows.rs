//! Multi-row inserts written as text, for the writes of an import: built as an expression per value, an import's
//! statements cost the server less to run than LIS took to build them.

use sea_orm::{
    ActiveModelTrait, ActiveValue, DatabaseBackend, DbErr, EntityTrait, IdenStatic, Iterable, Statement, Value,
};

/// One `INSERT INTO table (columns) VALUES (…), … [RETURNING …]` with a row for every `columns.len()` values, in
/// column order. Identifiers are quoted; on PostgreSQL the `json_columns` are cast from text, so that the server only
/// checks them (bound as JSON, the driver would send `jsonb`, which the server parses and prints again).
pub(crate) fn insert(
    backend: DatabaseBackend,
    table: &str,
    columns: &[&str],
    json_columns: &[&str],
    values: Vec<Value>,
    returning: &[&str],
) -> Statement {
    use std::fmt::Write;
    let quoted = |names: &[&str]| {
        names
            .iter()
            .map(|name| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows = values.len() / columns.len().max(1);
    let mut sql = String::with_capacity(rows * columns.len() * 8 + 200);
    // Writing to a String cannot fail.
    let _ = write!(sql, "INSERT INTO \"{table}\" ({}) VALUES ", quoted(columns));
    let mut number = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for (index, column) in columns.iter().enumerate() {
            number += 1;
            if index > 0 {
                sql.push_str(", ");
            }
            let _ = match backend {
                DatabaseBackend::Postgres if json_columns.contains(column) => {
                    write!(sql, "CAST(${number} AS json)")
                }
                DatabaseBackend::Postgres => write!(sql, "${number}"),
                _ => write!(sql, "?"),
            };
        }
        sql.push(')');
    }
    if !returning.is_empty() {
        let _ = write!(sql, " RETURNING {}", quoted(returning));
    }
    Statement::from_sql_and_values(backend, sql, values)
}

/// The columns set in `first` (which every model of a batch sets alike) and the values of every model in `models`
/// for them, in that order: what [`insert`] takes. A model that leaves one of them unset is refused.
pub(crate) fn of_models<A: ActiveModelTrait>(models: Vec<A>) -> Result<(Vec<&'static str>, Vec<Value>), DbErr> {
    let columns: Vec<<A::Entity as EntityTrait>::Column> = match models.first() {
        Some(first) => <A::Entity as EntityTrait>::Column::iter()
            .filter(|column| first.get(*column).is_set() || first.get(*column).is_unchanged())
            .collect(),
        None => Vec::new(),
    };
    let mut values = Vec::with_capacity(models.len() * columns.len());
    for mut model in models {
        for column in &columns {
            match model.take(*column) {
                ActiveValue::Set(value) | ActiveValue::Unchanged(value) => values.push(value),
                ActiveValue::NotSet => {
                    return Err(DbErr::Custom(format!(
                        "a row of the batch leaves {} unset",
                        column.as_str()
                    )));
                }
            }
        }
    }
    Ok((columns.iter().map(IdenStatic::as_str).collect(), values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_numbers_the_values_and_casts_the_json_columns() {
        let values = vec![
            Value::from(1_i64),
            Value::from("{}"),
            Value::from(2_i64),
            Value::from("[]"),
        ];
        let statement = insert(
            DatabaseBackend::Postgres,
            "t",
            &["a", "b"],
            &["b"],
            values,
            &["id", "a"],
        );
        assert_eq!(
            statement.sql,
            r#"INSERT INTO "t" ("a", "b") VALUES ($1, CAST($2 AS json)), ($3, CAST($4 AS json)) RETURNING "id", "a""#
        );
        assert_eq!(statement.values.map(|values| values.0.len()), Some(4));
    }

    #[test]
    fn sqlite_takes_the_values_in_order_and_json_as_text() {
        let values = vec![Value::from(1_i64), Value::from("{}")];
        let statement = insert(DatabaseBackend::Sqlite, "t", &["a", "b"], &["b"], values, &[]);
        assert_eq!(statement.sql, r#"INSERT INTO "t" ("a", "b") VALUES (?, ?)"#);
    }
}
