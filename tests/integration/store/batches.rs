//! The import's batched writes (`inventory::create_many`, `inventory::relate_many`) store, audit and refuse exactly
//! what `create` and `relate` do one by one.

use lis_domain::inventory::{ItemKind, RelationKind};
use lis_store::audit::ChangeContext;
use lis_store::entity::{audit_event, inventory_item, inventory_relation};
use lis_store::inventory::{self, ItemFields};
use lis_store::organisation::NewOrgUnit;
use lis_store::people::SignInIdentity;
use lis_store::{DatabaseTransaction, StoreError, TransactionTrait};
use lis_tests::{Backend, TestApp, on_both_databases};
use sea_orm::{EntityTrait, QueryOrder};

/// What the cases refer to: a unit, a person, a förvaltningsobjekt, three systems in use and a retired one.
struct Arranged {
    organisation_id: i64,
    unit: i64,
    person: i64,
    object: i64,
    systems: [i64; 3],
    retired_system: i64,
}

async fn arrange(app: &TestApp) -> Arranged {
    let organisation_id = app.organisation_id().await;
    let ctx = ChangeContext::system("test");
    let txn = app.db.begin().await.expect("begin");
    let unit = lis_store::organisation::create_org_unit(
        &txn,
        &ctx,
        organisation_id,
        NewOrgUnit {
            parent_id: None,
            name: "Socialförvaltningen".to_owned(),
            kind: lis_domain::OrgUnitKind::Forvaltning,
            position: 0,
            external_id: None,
        },
    )
    .await
    .expect("unit")
    .id;
    let identity = SignInIdentity {
        issuer: "urn:lis:test".to_owned(),
        subject: "owner".to_owned(),
        display_name: "Ägare Ägarsson".to_owned(),
        email: Some("agare@example.se".to_owned()),
        groups: Vec::new(),
    };
    let person = lis_store::people::create(&txn, &ctx, organisation_id, &identity)
        .await
        .expect("person")
        .id;
    let object = inventory::create(
        &txn,
        &ctx,
        organisation_id,
        ItemKind::ManagementObject,
        ItemFields {
            name: "Socialtjänst".to_owned(),
            org_unit_id: Some(unit),
            owner_person_id: Some(person),
            ..ItemFields::default()
        },
    )
    .await
    .expect("object")
    .id;
    let mut ids = Vec::new();
    for name in ["Procapita", "Lifecare", "Plattform", "Gamla systemet"] {
        let system = inventory::create(
            &txn,
            &ctx,
            organisation_id,
            ItemKind::System,
            ItemFields {
                name: name.to_owned(),
                external_id: Some(format!("SYS-{name}")),
                parent_id: Some(object),
                ..ItemFields::default()
            },
        )
        .await
        .expect("system");
        ids.push(system);
    }
    let retired = ids.pop().expect("four systems");
    inventory::retire(&txn, &ctx, organisation_id, retired.id, retired.version)
        .await
        .expect("retire");
    // A relation stored before the writes under test, which they must find to refuse making it again.
    inventory::relate(
        &txn,
        &ctx,
        organisation_id,
        RelationKind::IntegratesWith,
        ids[1].id,
        ids[2].id,
    )
    .await
    .expect("an integration");
    txn.commit().await.expect("commit");
    Arranged {
        organisation_id,
        unit,
        person,
        object,
        systems: [ids[0].id, ids[1].id, ids[2].id],
        retired_system: retired.id,
    }
}

fn information_set(name: &str, a: &Arranged) -> ItemFields {
    ItemFields {
        name: name.to_owned(),
        external_id: Some(format!("IM-{name}")),
        description: format!("Uppgifter om {name}"),
        org_unit_id: Some(a.unit),
        owner_person_id: Some(a.person),
        personal_data: Some(true),
        secrecy: Some(name.len().is_multiple_of(2)),
        // A property of another kind, which both ways must leave out.
        supplier: Some("Leverantör AB".to_owned()),
        ..ItemFields::default()
    }
}

/// The relations to make, given the ids of the records just created.
type Relations<'a> = dyn Fn(&[i64]) -> Vec<(RelationKind, i64, i64)> + 'a;

/// Creates and relates one by one, or in batches; returns the first refusal, if any.
async fn write(
    txn: &DatabaseTransaction,
    organisation_id: i64,
    batched: bool,
    kind: ItemKind,
    records: Vec<ItemFields>,
    relations: &Relations<'_>,
) -> Result<(), StoreError> {
    let ctx = ChangeContext::system("import");
    let ids = if batched {
        inventory::create_many(txn, &ctx, organisation_id, kind, records).await?
    } else {
        let mut ids = Vec::new();
        for fields in records {
            ids.push(inventory::create(txn, &ctx, organisation_id, kind, fields).await?.id);
        }
        ids
    };
    let wanted = relations(&ids);
    if batched {
        // As an import relates them: the records just created are new, with no relation stored to look up.
        let new_records = ids.iter().copied().collect();
        inventory::relate_many_with_new(txn, &ctx, organisation_id, &wanted, &new_records).await?;
    } else {
        for (kind, from, to) in wanted {
            inventory::relate(txn, &ctx, organisation_id, kind, from, to).await?;
        }
    }
    Ok(())
}

/// Everything the writes under test wrote (the set-up's events aside), without the times.
async fn written(app: &TestApp) -> (Vec<String>, Vec<String>, Vec<String>) {
    let items = inventory_item::Entity::find()
        .order_by_asc(inventory_item::Column::Id)
        .all(&app.db)
        .await
        .expect("items")
        .into_iter()
        .map(|mut i| {
            i.created_at = chrono::DateTime::UNIX_EPOCH;
            i.updated_at = chrono::DateTime::UNIX_EPOCH;
            i.retired_at = i.retired_at.map(|_| chrono::DateTime::UNIX_EPOCH);
            format!("{i:?}")
        })
        .collect();
    let relations = inventory_relation::Entity::find()
        .order_by_asc(inventory_relation::Column::Id)
        .all(&app.db)
        .await
        .expect("relations")
        .into_iter()
        .map(|mut r| {
            r.created_at = chrono::DateTime::UNIX_EPOCH;
            format!("{r:?}")
        })
        .collect();
    let events = audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Id)
        .all(&app.db)
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.actor == "system:import")
        .map(|mut e| {
            e.occurred_at = chrono::DateTime::UNIX_EPOCH;
            format!("{e:?}")
        })
        .collect();
    (items, relations, events)
}

async fn batches_write_what_one_by_one_writes(backend: Backend) {
    let one_by_one = TestApp::new(backend).await;
    let batched = TestApp::new(backend).await;
    let mut seen = Vec::new();
    for (app, in_batches) in [(&one_by_one, false), (&batched, true)] {
        let a = arrange(app).await;
        let [x, y, platform] = a.systems;
        let txn = app.db.begin().await.expect("begin");
        let systems = |new: &[i64]| {
            vec![
                (RelationKind::RunsOn, x, platform),
                (RelationKind::RunsOn, new[0], platform),
                (RelationKind::IntegratesWith, x, y),
                (RelationKind::IntegratesWith, new[1], x),
            ]
        };
        let new_systems = vec![
            ItemFields {
                name: "Nytt system".to_owned(),
                parent_id: Some(a.object),
                tags: vec!["kritisk".to_owned(), "nis2".to_owned()],
                ..ItemFields::default()
            },
            ItemFields {
                name: "Nyare system".to_owned(),
                external_id: Some("SYS-ny".to_owned()),
                parent_id: Some(a.object),
                ..ItemFields::default()
            },
        ];
        write(
            &txn,
            a.organisation_id,
            in_batches,
            ItemKind::System,
            new_systems,
            &systems,
        )
        .await
        .expect("systems");
        let held = |new: &[i64]| {
            new.iter()
                .enumerate()
                .flat_map(|(n, id)| {
                    let mut to = vec![(RelationKind::HeldBy, *id, x)];
                    if n % 2 == 0 {
                        to.push((RelationKind::HeldBy, *id, platform));
                    }
                    to
                })
                .collect()
        };
        let sets = ["Journaler", "Beslut", "Ärenden", "Avtal", "Fakturor"]
            .iter()
            .map(|name| information_set(name, &a))
            .collect();
        write(
            &txn,
            a.organisation_id,
            in_batches,
            ItemKind::InformationSet,
            sets,
            &held,
        )
        .await
        .expect("informationsmängder");
        txn.commit().await.expect("commit");
        seen.push(written(app).await);
    }
    let (items, relations, events) = &seen[0];
    assert_eq!(items.len(), 4 + 2 + 1 + 5);
    assert_eq!(relations.len(), 1 + 4 + 8);
    assert_eq!(events.len(), 2 + 4 + 5 + 8, "one event per record and relation");
    assert_eq!(items, &seen[1].0, "the same records");
    assert_eq!(relations, &seen[1].1, "the same relations");
    assert_eq!(events, &seen[1].2, "the same audit events, in the same order");
}

async fn batches_refuse_what_one_by_one_refuses(backend: Backend) {
    // Ids are compared too, and PostgreSQL does not give back the ids of rolled-back rows: each attempt gets a
    // database of its own, arranged alike.
    let a = arrange(&TestApp::new(backend).await).await;
    let [x, y, platform] = a.systems;
    let none = |_: &[i64]| Vec::new();
    let set = |name: &str| information_set(name, &a);
    // (what, kind, records, relations)
    let cases: Vec<(&str, ItemKind, Vec<ItemFields>, Box<Relations<'_>>)> = vec![
        (
            "the same name twice in a unit",
            ItemKind::InformationSet,
            vec![
                set("Journaler"),
                ItemFields {
                    external_id: None,
                    ..set("journaler")
                },
            ],
            Box::new(none),
        ),
        (
            "an external id a system has",
            ItemKind::InformationSet,
            vec![
                set("Journaler"),
                ItemFields {
                    external_id: Some("SYS-Lifecare".to_owned()),
                    ..set("Beslut")
                },
            ],
            Box::new(none),
        ),
        (
            "an unknown person",
            ItemKind::InformationSet,
            vec![
                set("Journaler"),
                ItemFields {
                    owner_person_id: Some(a.person + 1000),
                    ..set("Beslut")
                },
            ],
            Box::new(none),
        ),
        (
            "an unknown unit",
            ItemKind::InformationSet,
            vec![ItemFields {
                org_unit_id: Some(a.unit + 1000),
                ..set("Journaler")
            }],
            Box::new(none),
        ),
        (
            "a system under a system",
            ItemKind::System,
            vec![ItemFields {
                name: "Under".to_owned(),
                parent_id: Some(x),
                ..ItemFields::default()
            }],
            Box::new(none),
        ),
        (
            "a system under nothing that exists",
            ItemKind::System,
            vec![ItemFields {
                name: "Under".to_owned(),
                parent_id: Some(a.object + 1000),
                ..ItemFields::default()
            }],
            Box::new(none),
        ),
        (
            "an integration both ways",
            ItemKind::InformationSet,
            vec![],
            Box::new(move |_: &[i64]| {
                vec![
                    (RelationKind::IntegratesWith, x, y),
                    (RelationKind::IntegratesWith, y, x),
                ]
            }),
        ),
        (
            "an integration stored, again",
            ItemKind::InformationSet,
            vec![set("Journaler")],
            Box::new(move |new: &[i64]| {
                vec![
                    (RelationKind::HeldBy, new[0], x),
                    (RelationKind::IntegratesWith, y, platform),
                ]
            }),
        ),
        (
            "an integration stored, the other way",
            ItemKind::InformationSet,
            vec![],
            Box::new(move |_: &[i64]| vec![(RelationKind::IntegratesWith, platform, y)]),
        ),
        (
            "a runs-on cycle",
            ItemKind::InformationSet,
            vec![],
            Box::new(move |_: &[i64]| {
                vec![
                    (RelationKind::RunsOn, x, y),
                    (RelationKind::RunsOn, y, platform),
                    (RelationKind::RunsOn, platform, x),
                ]
            }),
        ),
        (
            "a system integrating with itself",
            ItemKind::InformationSet,
            vec![],
            Box::new(move |_: &[i64]| vec![(RelationKind::IntegratesWith, y, y)]),
        ),
        (
            "held by a retired system",
            ItemKind::InformationSet,
            vec![set("Journaler")],
            Box::new(move |new: &[i64]| {
                vec![
                    (RelationKind::HeldBy, new[0], x),
                    (RelationKind::HeldBy, new[0], a.retired_system),
                ]
            }),
        ),
        (
            "held by an informationsmängd",
            ItemKind::InformationSet,
            vec![set("Journaler"), set("Beslut")],
            Box::new(move |new: &[i64]| vec![(RelationKind::HeldBy, new[0], new[1])]),
        ),
        (
            "a relation from nothing that exists",
            ItemKind::InformationSet,
            vec![],
            Box::new(move |_: &[i64]| vec![(RelationKind::RunsOn, x + 1000, y)]),
        ),
    ];
    for (what, kind, records, relations) in cases {
        let mut refusals = Vec::new();
        for batched in [false, true] {
            let app = TestApp::new(backend).await;
            let arranged = arrange(&app).await;
            assert_eq!(arranged.systems, a.systems, "arranged alike");
            let txn = app.db.begin().await.expect("begin");
            let outcome = write(&txn, a.organisation_id, batched, kind, records.clone(), &*relations).await;
            drop(txn);
            refusals.push(format!("{:?}", outcome.expect_err(what)));
        }
        assert_eq!(refusals[0], refusals[1], "{what}");
    }
}

on_both_databases!(
    batches_write_what_one_by_one_writes,
    batches_refuse_what_one_by_one_refuses
);
