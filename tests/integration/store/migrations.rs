//! Every migration applies from empty, once, and reverts, on both databases.

use lis_migrations::{Migrator, MigratorTrait};
use lis_tests::app::empty_connection;
use lis_tests::{Backend, on_both_databases};
use sea_orm::{ConnectionTrait, Statement};

const TABLES: [&str; 10] = [
    "organisation",
    "org_unit",
    "person",
    "session",
    "audit_event",
    "role_assignment",
    "role_mapping",
    "soa_entry",
    "catalogue_version",
    "catalogue_mapping",
];

async fn count_rows(db: &impl ConnectionTrait, table: &str) -> Result<i64, sea_orm::DbErr> {
    let statement = Statement::from_string(db.get_database_backend(), format!("SELECT COUNT(*) AS n FROM {table}"));
    let row = db.query_one_raw(statement).await?.expect("a count row");
    row.try_get::<i64>("", "n")
}

async fn migrations_apply_from_empty_once_and_revert(backend: Backend) {
    let (db, _database) = empty_connection(backend).await;
    let known: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();

    let before = lis_store::migrate::status(&db).await.expect("status before");
    assert!(before.iter().all(|m| !m.applied), "{before:?}");
    assert_eq!(before.len(), known.len());
    for table in TABLES {
        assert!(count_rows(&db, table).await.is_err(), "{table} exists before migrating");
    }

    let applied = lis_store::migrate::migrate(&db).await.expect("migrate");
    assert_eq!(applied, known);
    let after = lis_store::migrate::status(&db).await.expect("status after");
    assert!(after.iter().all(|m| m.applied), "{after:?}");
    for table in TABLES {
        assert_eq!(count_rows(&db, table).await.expect(table), 0, "{table}");
    }

    let again = lis_store::migrate::migrate(&db).await.expect("migrate again");
    assert!(again.is_empty(), "a second run applies nothing: {again:?}");

    Migrator::down(&db, None).await.expect("revert every migration");
    for table in TABLES {
        assert!(
            count_rows(&db, table).await.is_err(),
            "{table} still exists after reverting"
        );
    }
    assert_eq!(
        lis_store::migrate::migrate(&db).await.expect("migrate after revert"),
        known
    );
}

on_both_databases!(migrations_apply_from_empty_once_and_revert);
