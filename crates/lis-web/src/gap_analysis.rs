//! The gap analysis of many systems, from the summaries stored per system where they still hold (see
//! [`lis_store::gap_summaries`]): only the systems whose summary is missing or stale have their statuses read and
//! counted, and their new summaries are stored for the next report.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use lis_domain::gap::{Statuses, SystemFacts};
use lis_reports::gaps::{GapAnalysis, Summariser, SummaryText, SystemSummary};
use lis_store::StoreError;
use lis_store::gap_summaries::{self, Fresh};
use lis_store::shared_controls::Inherited;
use sea_orm::ConnectionTrait;

/// What the systems of an analysis inherit from shared controls, by system and requirement.
pub type InheritedBySystem = HashMap<i64, HashMap<String, Inherited>>;

/// An analysis with what it was made from.
pub struct Analysed {
    /// The analysis.
    pub analysis: GapAnalysis,
    /// What the systems inherit from shared controls.
    pub inherited: InheritedBySystem,
    /// Each system's summary.
    pub summaries: HashMap<i64, SystemSummary>,
}

/// The analysis of `systems` of the organisation (each counted under its `org_unit_id` as given) against `catalog`
/// without the controls `not_in_use`, on `today`.
pub async fn analyse(
    db: &impl ConnectionTrait,
    catalog: &lis_catalog::Catalog,
    organisation_id: i64,
    systems: &[SystemFacts],
    not_in_use: &BTreeSet<String>,
    today: NaiveDate,
) -> Result<Analysed, StoreError> {
    let ids: Vec<i64> = systems.iter().map(|s| s.id).collect();
    let inherited = lis_store::shared_controls::inherited(db, organisation_id, &ids).await?;
    let stored = gap_summaries::of_systems(db, organisation_id, &ids).await?;
    let basis = gap_summaries::basis(catalog, not_in_use, SummaryText::FORMAT);
    let text = SummaryText::new(catalog);
    let mut summaries: HashMap<i64, SystemSummary> = HashMap::with_capacity(systems.len());
    let mut stale: Vec<Fresh> = Vec::new();
    for system in systems {
        let profile = gap_summaries::profile_key(&system.profile);
        let inherits = gap_summaries::inherited_key(inherited.get(&system.id));
        let row = stored.get(&system.id);
        let held = row
            .filter(|r| r.profile == profile && r.basis == basis && r.inherited == inherits)
            .filter(|r| r.computed_on.is_some_and(|day| day <= today) && r.valid_until.is_none_or(|d| today <= d))
            .and_then(|r| text.read(r.counts.as_deref()?, r.valid_until));
        match held {
            Some(summary) => {
                summaries.insert(system.id, summary);
            }
            None => stale.push(Fresh {
                system_id: system.id,
                seen_stamp: row.map_or(0, |r| r.stamp),
                counts: String::new(),
                profile,
                basis: basis.clone(),
                inherited: inherits,
                computed_on: today,
                valid_until: None,
            }),
        }
    }
    if !stale.is_empty() {
        let stale_ids: Vec<i64> = stale.iter().map(|f| f.system_id).collect();
        let recorded = lis_store::gaps::statuses_with(db, organisation_id, &stale_ids, &inherited).await?;
        let profiles: HashMap<i64, lis_domain::aspect::Profile> = systems.iter().map(|s| (s.id, s.profile)).collect();
        let mut summariser = Summariser::new(catalog, not_in_use, today);
        let none = HashMap::new();
        for fresh in &mut stale {
            let profile = profiles.get(&fresh.system_id).copied().unwrap_or_default();
            let summary = summariser.summarise(profile, recorded.get(&fresh.system_id).unwrap_or(&none));
            fresh.counts = text.write(&summary);
            fresh.valid_until = summary.valid_until;
            summaries.insert(fresh.system_id, summary);
        }
        // The counts are worked out either way: a summary that could not be stored is worked out again next time.
        if let Err(err) = gap_summaries::save(db, organisation_id, &stale).await {
            tracing::warn!(error = %err, "gap summaries not stored");
        }
    }
    let analysis = lis_reports::gaps::roll_up(
        catalog,
        systems
            .iter()
            .filter_map(|system| Some((system, summaries.get(&system.id)?))),
    );
    Ok(Analysed {
        analysis,
        inherited,
        summaries,
    })
}

/// The systems among `systems` (with their `summaries` and what they `inherited`, as [`analyse`] gives them) that
/// hold the `limit` worst gaps (see [`lis_reports::gaps::holding_the_worst`]), and the statuses that count for them:
/// what ranking the worst reads, instead of every status.
pub async fn holding_the_worst(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    systems: &[SystemFacts],
    summaries: &HashMap<i64, SystemSummary>,
    inherited: &InheritedBySystem,
    limit: usize,
) -> Result<(Vec<SystemFacts>, Statuses), StoreError> {
    let holding = lis_reports::gaps::holding_the_worst(systems, summaries, limit);
    let ids: Vec<i64> = holding.iter().map(|s| s.id).collect();
    let statuses = lis_store::gaps::statuses_with(db, organisation_id, &ids, inherited).await?;
    Ok((holding, statuses))
}
