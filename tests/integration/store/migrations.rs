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

/// A database migrated up to, not including, the migration called `name`.
async fn migrated_up_to_before(db: &sea_orm::DatabaseConnection, name: &str) {
    let before = Migrator::migrations()
        .iter()
        .position(|m| m.name() == name)
        .expect("the migration is listed");
    Migrator::up(db, Some(u32::try_from(before).expect("few migrations")))
        .await
        .expect("migrate up to the one before");
}

/// Runs one SQL statement as it is written.
async fn execute(db: &sea_orm::DatabaseConnection, sql: &str) -> Result<sea_orm::ExecResult, sea_orm::DbErr> {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
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

/// Dropping the audit trail's foreign keys (on SQLite by rebuilding the table) keeps every event as it was, ids and
/// all, and new events follow the old ones (SQLite's rebuilt table keeps counting); afterwards an event may name a person who is not (or no longer) there.
async fn the_audit_trail_keeps_its_events_when_its_references_go(backend: Backend) {
    let (db, _database) = empty_connection(backend).await;
    migrated_up_to_before(&db, "m20261127_000019_audit_without_references").await;
    let run = |sql: String| {
        let db = &db;
        async move { execute(db, &sql).await }
    };
    run("INSERT INTO organisation (id, name, created_at, updated_at) VALUES (1, 'Kommunen', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')".to_owned()).await.expect("organisation");
    for n in [3, 7, 8] {
        run(format!(
            "INSERT INTO audit_event (organisation_id, occurred_at, actor, actor_person_id, action, subject_kind, \
             subject_id, before, after, request_id) VALUES (1, '2026-01-0{n}T00:00:00Z', 'system:test', NULL, \
             'create', 'org_unit', '{n}', NULL, '{{\"name\":\"Enhet {n}\"}}', 'r-{n}')"
        ))
        .await
        .expect("an event before");
    }
    let events = |db: &sea_orm::DatabaseConnection| {
        let db = db.clone();
        async move {
            lis_store::audit::all_events(&db)
                .await
                .expect("events")
                .into_iter()
                .map(|e| (e.id, e.subject_id, e.after, e.request_id))
                .collect::<Vec<_>>()
        }
    };
    let kept = events(&db).await;
    assert_eq!(kept.len(), 3);

    lis_store::migrate::migrate(&db)
        .await
        .expect("the rest of the migrations");
    assert_eq!(events(&db).await, kept, "every event kept as it was");
    run(
        "INSERT INTO audit_event (organisation_id, occurred_at, actor, actor_person_id, action, subject_kind, \
         subject_id) VALUES (1, '2026-02-01T00:00:00Z', 'person:999', 999, 'create', 'org_unit', '9')"
            .to_owned(),
    )
    .await
    .expect("an event naming a person not stored is written");
    let after = events(&db).await;
    assert_eq!(after.len(), 4);
    assert!(after[3].0 > kept[2].0, "a new event follows the old ones: {after:?}");
}

on_both_databases!(the_audit_trail_keeps_its_events_when_its_references_go);

/// Dropping the relations' foreign key to their organisation (on SQLite by rebuilding the table) keeps every relation
/// as it was, ids and all; new relations follow the old ones, and the keys that remain still refuse a relation to a
/// record that does not exist and a relation made twice.
async fn relations_keep_their_rows_and_checks_when_the_organisation_reference_goes(backend: Backend) {
    let (db, _database) = empty_connection(backend).await;
    migrated_up_to_before(&db, "m20261127_000022_relation_without_organisation_reference").await;
    execute(&db, "INSERT INTO organisation (id, name, created_at, updated_at) VALUES (1, 'Kommunen', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')").await.expect("organisation");
    for (id, kind, name) in [
        (10, "system", "Ekonomisystem"),
        (11, "system", "Plattform"),
        (12, "information_set", "Fakturor"),
    ] {
        execute(
            &db,
            &format!(
                "INSERT INTO inventory_item (id, organisation_id, kind, name, name_key, description, tags, created_at, \
             updated_at) VALUES ({id}, 1, '{kind}', '{name}', '{}', '', '', '2026-01-01T00:00:00Z', \
             '2026-01-01T00:00:00Z')",
                name.to_lowercase()
            ),
        )
        .await
        .expect("a record");
    }
    let relate = |kind: &str, from: i64, to: i64| {
        format!(
            "INSERT INTO inventory_relation (organisation_id, kind, from_item_id, to_item_id, created_at) \
             VALUES (1, '{kind}', {from}, {to}, '2026-01-02T00:00:00Z')"
        )
    };
    execute(&db, &relate("runs_on", 10, 11))
        .await
        .expect("a relation before");
    execute(&db, &relate("holds", 10, 12)).await.expect("a relation before");
    let relations = || {
        let db = db.clone();
        async move {
            let statement = Statement::from_string(
                db.get_database_backend(),
                "SELECT id, organisation_id, kind, from_item_id, to_item_id FROM inventory_relation ORDER BY id",
            );
            db.query_all_raw(statement)
                .await
                .expect("relations")
                .into_iter()
                .map(|row| {
                    let column = |name: &str| row.try_get::<i64>("", name).expect(name);
                    let kind = row.try_get::<String>("", "kind").expect("kind");
                    (
                        column("id"),
                        column("organisation_id"),
                        kind,
                        column("from_item_id"),
                        column("to_item_id"),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let kept = relations().await;
    assert_eq!(kept.len(), 2);

    lis_store::migrate::migrate(&db)
        .await
        .expect("the rest of the migrations");
    assert_eq!(relations().await, kept, "every relation kept as it was");
    execute(&db, &relate("integrates_with", 10, 99))
        .await
        .expect_err("a relation to a record that does not exist is refused");
    execute(&db, &relate("runs_on", 10, 11))
        .await
        .expect_err("the same relation twice is refused");
    execute(&db, &relate("integrates_with", 10, 11))
        .await
        .expect("a new relation is written");
    let after = relations().await;
    assert_eq!(after.len(), 3);
    assert!(after[2].0 > kept[1].0, "a new relation follows the old ones: {after:?}");
}

on_both_databases!(relations_keep_their_rows_and_checks_when_the_organisation_reference_goes);
