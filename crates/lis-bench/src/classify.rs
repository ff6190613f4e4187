//! The classification benchmark of issue #6: on the loaded municipality with every informationsmängd classified
//! (most at levels 1–2, a tenth at 3), one informationsmängd held by 200 systems is reclassified as the pages do it
//! (a draft saved, then approved) and every effective level that moves is committed, in one transaction each time.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow};
use chrono::Utc;
use lis_domain::aspect::Aspect;
use lis_domain::classification::{Proposal, default_valid_until};
use lis_domain::inventory::{ItemKind, RelationKind};
use lis_store::audit::ChangeContext;
use lis_store::classification::{self, Status};
use lis_store::entity::{classification as classification_row, inventory_relation};
use lis_store::{ChangeTransaction, DatabaseConnection, TransactionTrait};
use sea_orm::ActiveValue::Set;
use sea_orm::EntityTrait;

use crate::generate::Municipality;
use crate::load::Loaded;
use crate::measure::Samples;

/// The goal for reclassifying an informationsmängd held by 200 systems.
pub const RECLASSIFY_TARGET: Duration = Duration::from_millis(100);

/// How many systems hold the reclassified informationsmängd.
pub const HOLDERS: usize = 200;

/// What was measured.
#[derive(Clone, Debug)]
pub struct ClassificationResult {
    /// Informationsmängder classified for the set-up.
    pub classified: usize,
    /// Computing every system's levels from scratch once, for the set-up.
    pub full_recompute: Duration,
    /// Systems recomputed by one reclassification (the holders and the platforms below them).
    pub affected: usize,
    /// Each reclassification: draft saved, approved, levels recomputed and committed.
    pub reclassify: Samples,
    /// The statements of all the reclassifications, the most time first.
    pub statements: Vec<(String, crate::queries::Tally)>,
}

/// The level of informationsmängd `index` on `aspect`: most 1–2, a tenth at 3, some 0 (deterministic).
fn generated_level(index: usize, aspect: Aspect) -> i16 {
    let n = index
        .wrapping_mul(2_654_435_761)
        .wrapping_add(aspect.letter() as usize * 97)
        % 100;
    match n {
        0..=9 => 3,
        10..=44 => 2,
        45..=89 => 1,
        _ => 0,
    }
}

/// Classifies every informationsmängd in use (approved, without audit events: set-up), computes every system's
/// levels, then reclassifies one informationsmängd held by [`HOLDERS`] systems `repeats` times.
pub async fn measure(
    db: &DatabaseConnection,
    queries: &crate::queries::QueryLog,
    m: &Municipality,
    loaded: &Loaded,
    repeats: usize,
) -> Result<ClassificationResult> {
    let organisation_id = loaded.organisation_id;
    let person = loaded.signed_in_person_id;
    let now = Utc::now();
    let valid_until = default_valid_until(now.date_naive());
    let rows: Vec<classification_row::ActiveModel> = m
        .information_sets
        .iter()
        .enumerate()
        .filter(|(_, set)| !set.retired)
        .filter_map(|(index, _)| {
            let id = loaded.item_id(ItemKind::InformationSet, index)?;
            Some(classification_row::ActiveModel {
                organisation_id: Set(organisation_id),
                item_id: Set(id),
                status: Set(Status::Approved.as_str().to_owned()),
                level_k: Set(generated_level(index, Aspect::K)),
                level_r: Set(generated_level(index, Aspect::R)),
                level_t: Set(generated_level(index, Aspect::T)),
                level_s: Set(Some(generated_level(index, Aspect::S))),
                answers: Set(None),
                justification: Set(String::new()),
                valid_until: Set(valid_until),
                created_by_person_id: Set(person),
                created_at: Set(now),
                updated_at: Set(now),
                approved_by_person_id: Set(Some(person)),
                approved_at: Set(Some(now)),
                version: Set(1),
                ..Default::default()
            })
        })
        .collect();
    let classified = rows.len();
    let txn = db.begin().await?;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(1000).collect();
        classification_row::Entity::insert_many(chunk)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;

    // Every system's levels from scratch: the holdings of all systems read at once.
    let systems: BTreeSet<i64> = loaded.system_ids.iter().copied().collect();
    let ctx = ChangeContext::system("lis-bench");
    let started = Instant::now();
    let txn = db.begin_change().await?;
    lis_store::levels::recompute(&txn, &ctx, organisation_id, &systems, &BTreeSet::new()).await?;
    txn.commit().await?;
    let full_recompute = started.elapsed();

    // One informationsmängd comes to be held by 200 application systems (set-up, written directly).
    let information = m
        .information_sets
        .iter()
        .position(|i| !i.retired)
        .and_then(|index| loaded.item_id(ItemKind::InformationSet, index))
        .ok_or_else(|| anyhow!("no informationsmängd in use"))?;
    let holders: Vec<i64> = loaded.system_ids[m.platforms..].iter().copied().take(HOLDERS).collect();
    let existing: BTreeSet<i64> = m
        .relations
        .iter()
        .filter(|r| r.kind == RelationKind::HeldBy && r.from.0 == ItemKind::InformationSet)
        .filter(|r| loaded.item_id(ItemKind::InformationSet, r.from.1) == Some(information))
        .filter_map(|r| loaded.item_id(ItemKind::System, r.to.1))
        .collect();
    let relations: Vec<inventory_relation::ActiveModel> = holders
        .iter()
        .filter(|system| !existing.contains(system))
        .map(|system| inventory_relation::ActiveModel {
            organisation_id: Set(organisation_id),
            kind: Set(RelationKind::HeldBy.as_str().to_owned()),
            from_item_id: Set(information),
            to_item_id: Set(*system),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    if !relations.is_empty() {
        inventory_relation::Entity::insert_many(relations)
            .exec_without_returning(db)
            .await?;
    }

    // How many systems one reclassification recomputes (counted in a transaction that is rolled back).
    let txn = db.begin_change().await?;
    let affected = lis_store::levels::recompute(
        &txn,
        &ctx,
        organisation_id,
        &BTreeSet::new(),
        &BTreeSet::from([information]),
    )
    .await?;
    txn.rollback().await?;

    let model = classification::Model {
        max_level: 4,
        classifies_traceability: true,
    };
    let person_ctx = ChangeContext::person(person, None);
    let mut samples = Vec::with_capacity(repeats);
    queries.start();
    for round in 0..repeats {
        // Alternating between 3 and 1 on every aspect moves the holders' levels each time.
        let level = if round % 2 == 0 { 3 } else { 1 };
        let levels = Aspect::ALL.into_iter().map(|a| (a, level)).collect();
        let proposal = Proposal {
            proposed: Aspect::ALL.into_iter().map(|a| (a, level)).collect(),
            levels,
            justification: format!("Omklassning {round}"),
            valid_until,
            information_type: None,
        };
        let started = Instant::now();
        let txn = db.begin_change().await?;
        let draft = classification::save_draft(
            &txn,
            &person_ctx,
            organisation_id,
            information,
            model,
            &proposal,
            &Default::default(),
            None,
        )
        .await
        .context("saving the draft")?;
        classification::approve(&txn, &person_ctx, organisation_id, information, draft.version, true)
            .await
            .context("approving")?;
        txn.commit().await?;
        samples.push(started.elapsed());
    }
    let statements = queries.stop();
    Ok(ClassificationResult {
        classified,
        full_recompute,
        affected,
        reclassify: Samples(samples),
        statements,
    })
}
