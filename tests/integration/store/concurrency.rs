//! A change being written does not stop readers: on SQLite (a database file in WAL mode, as `lis serve` opens it)
//! and on PostgreSQL, a read during a long change's transaction answers at once with what was committed before it.

use std::time::Duration;

use lis_store::audit::{self, Change, ChangeContext};
use lis_store::entity::audit_event;
use lis_store::{ChangeTransaction, DatabaseConnection, DatabaseUrl};
use lis_tests::app::migrated_connection;
use lis_tests::{Backend, on_both_databases};
use sea_orm::{EntityTrait, PaginatorTrait};

/// A migrated SQLite file in a directory of its own (removed when the guard drops), or a PostgreSQL database.
async fn database_as_served(backend: Backend) -> (DatabaseConnection, Box<dyn std::any::Any>) {
    match backend {
        Backend::Sqlite => {
            let dir = TempDir::new();
            let url =
                DatabaseUrl::parse(&format!("sqlite://{}?mode=rwc", dir.0.join("lis.db").display())).expect("url");
            let db = lis_store::connect(&url).await.expect("open the SQLite file");
            lis_store::migrate::migrate(&db).await.expect("migrate");
            (db, Box::new(dir))
        }
        Backend::Postgres => {
            let (db, guard) = migrated_connection(backend).await;
            (db, Box::new(guard))
        }
    }
}

struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .subsec_nanos();
        let dir = std::env::temp_dir().join(format!("lis-concurrency-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn events(db: &DatabaseConnection) -> u64 {
    audit_event::Entity::find().count(db).await.expect("count")
}

async fn a_reader_is_answered_while_a_change_is_being_written(backend: Backend) {
    let (db, _guard) = database_as_served(backend).await;
    let before = events(&db).await;
    let ctx = ChangeContext::system("test");
    let txn = db.begin_change().await.expect("begin");
    for n in 0..50 {
        let change = Change::created(
            None,
            lis_domain::SubjectRef::new("test", n),
            serde_json::json!({ "n": n }),
        );
        audit::append(&txn, &ctx, change).await.expect("append");
    }
    // The change holds the write lock; a reader on another connection reads what was committed.
    let read = tokio::time::timeout(Duration::from_secs(3), events(&db)).await;
    assert_eq!(
        read.ok(),
        Some(before),
        "a reader waited for the change, or saw it before its commit"
    );
    txn.commit().await.expect("commit");
    assert_eq!(events(&db).await, before + 50);
}

on_both_databases!(a_reader_is_answered_while_a_change_is_being_written);

/// Two people save the same record at once, both from the version they read: the second waits for the first's
/// transaction and is refused as a conflict, so the first's change is not overwritten unseen. On PostgreSQL the
/// change's read locks the row; on SQLite the second change's transaction cannot begin before the first ends.
async fn two_changes_of_one_record_at_once_give_a_conflict_not_a_lost_change(backend: Backend) {
    use lis_store::StoreError;
    use lis_store::inventory::{self, ItemFields};
    let (db, _guard) = database_as_served(backend).await;
    let organisation_id = lis_store::demo::load(&db, &lis_store::demo::exempelkommun())
        .await
        .expect("the demo")
        .organisation_id;
    let ctx = ChangeContext::system("test");
    let named = |name: &str| ItemFields {
        name: name.to_owned(),
        ..ItemFields::default()
    };
    let txn = db.begin_change().await.expect("begin");
    let item = inventory::create(
        &txn,
        &ctx,
        organisation_id,
        lis_domain::inventory::ItemKind::System,
        named("Samtidigt system"),
    )
    .await
    .expect("create");
    txn.commit().await.expect("commit");

    let first = db.begin_change().await.expect("begin the first change");
    inventory::update(
        &first,
        &ctx,
        organisation_id,
        item.id,
        named("Första namnet"),
        item.version,
    )
    .await
    .expect("the first change");
    let second = tokio::spawn({
        let db = db.clone();
        let ctx = ctx.clone();
        async move {
            let txn = db.begin_change().await.expect("begin the second change");
            let saved = inventory::update(
                &txn,
                &ctx,
                organisation_id,
                item.id,
                named("Andra namnet"),
                item.version,
            )
            .await;
            txn.commit().await.expect("end the second change");
            saved
        }
    });
    // The second change reads the record while the first is still open.
    tokio::time::sleep(Duration::from_millis(300)).await;
    first.commit().await.expect("commit the first change");
    let second = second.await.expect("the second change ran");
    assert!(
        matches!(second, Err(StoreError::Conflict { current_version, .. }) if current_version == item.version + 1),
        "{second:?}"
    );
    let stored = inventory::get(&db, organisation_id, item.id).await.expect("read back");
    assert_eq!(
        (stored.name.as_str(), stored.version),
        ("Första namnet", item.version + 1)
    );
}

on_both_databases!(two_changes_of_one_record_at_once_give_a_conflict_not_a_lost_change);

/// Runs the change `second` while the change `first`, which has written, is still open; commits `first` a moment
/// later and gives what `second` returned, its transaction rolled back.
async fn while_open<T: Send + 'static>(
    first: sea_orm::DatabaseTransaction,
    second: impl Future<Output = (sea_orm::DatabaseTransaction, T)> + Send + 'static,
) -> T {
    let second = tokio::spawn(second);
    tokio::time::sleep(Duration::from_millis(300)).await;
    first.commit().await.expect("commit the first");
    let (second_txn, returned) = second.await.expect("the second ran");
    drop(second_txn);
    returned
}

/// Two people record the first status of the same requirement of a system at once, neither having seen one: the
/// second is refused as a conflict with the first's version (on PostgreSQL its insert waits for the first's
/// transaction and the unique index refuses it; on SQLite its transaction begins after the first's and finds the
/// status), not failed as a database error, and the first's status stands. The same for a first SoA decision.
async fn two_first_saves_of_one_status_at_once_give_a_conflict(backend: Backend) {
    use lis_domain::gap::{RequirementStatus, StatusRecord};
    use lis_store::StoreError;
    let (db, _guard) = database_as_served(backend).await;
    let demo = lis_store::demo::load(&db, &lis_store::demo::exempelkommun())
        .await
        .expect("the demo");
    let organisation_id = demo.organisation_id;
    let person_id = lis_store::people::list(&db, organisation_id)
        .await
        .expect("people")
        .first()
        .expect("a person")
        .person
        .id;
    let ctx = ChangeContext::person(person_id, None);
    let txn = db.begin_change().await.expect("begin");
    let system_id = lis_store::inventory::create(
        &txn,
        &ctx,
        organisation_id,
        lis_domain::inventory::ItemKind::System,
        lis_store::inventory::ItemFields {
            name: "Förstagångssystem".to_owned(),
            ..lis_store::inventory::ItemFields::default()
        },
    )
    .await
    .expect("create")
    .id;
    txn.commit().await.expect("commit");
    let requirement = "LIS-5.1-01";
    let status = |status| StatusRecord {
        status: Some(status),
        ..StatusRecord::default()
    };
    let save = |db: DatabaseConnection, ctx: ChangeContext, status: StatusRecord| async move {
        let txn = db.begin_change().await.expect("begin");
        let saved = lis_store::requirement_status::record(
            &txn,
            &ctx,
            organisation_id,
            system_id,
            requirement,
            true,
            &status,
            None,
        )
        .await;
        (txn, saved)
    };
    let (first, saved) = save(db.clone(), ctx.clone(), status(RequirementStatus::Uppfyllt)).await;
    saved.expect("the first status");
    let second = while_open(
        first,
        save(db.clone(), ctx.clone(), status(RequirementStatus::EjUppfyllt)),
    )
    .await;
    assert!(
        matches!(
            second,
            Err(StoreError::Conflict {
                kind: "requirement_status",
                current_version: 1
            })
        ),
        "{second:?}"
    );
    let stored = lis_store::gaps::statuses(&db, organisation_id, &[system_id])
        .await
        .expect("statuses");
    assert_eq!(
        stored
            .get(&system_id)
            .and_then(|s| s.get(requirement))
            .and_then(|r| r.status),
        Some(RequirementStatus::Uppfyllt)
    );

    // A first SoA decision, the same way.
    let decide = |db: DatabaseConnection, ctx: ChangeContext, in_use: bool| async move {
        let txn = db.begin_change().await.expect("begin");
        let decision = lis_store::soa::SoaDecision {
            in_use,
            justification: None,
            text: String::new(),
        };
        let saved = lis_store::soa::save(&txn, &ctx, organisation_id, "5.1", &decision, 0).await;
        (txn, saved)
    };
    let (first, saved) = decide(db.clone(), ctx.clone(), true).await;
    saved.expect("the first decision");
    let second = while_open(first, decide(db.clone(), ctx.clone(), false)).await;
    assert!(
        matches!(
            second,
            Err(StoreError::Conflict {
                kind: "soa_entry",
                current_version: 1
            })
        ),
        "{second:?}"
    );
}

on_both_databases!(two_first_saves_of_one_status_at_once_give_a_conflict);
