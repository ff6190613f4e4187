//! Evidence files for a system's requirement: checked (size, kind, content against extension), written to the
//! evidence directory under a generated name (never the uploaded one, and outside anything served), recorded with
//! their SHA-256 and audited in the same transaction as the row.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::Utc;
use lis_domain::inventory::ItemKind;
use lis_domain::{AuditAction, SubjectRef};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::entity::evidence_file;

/// The uploaded name as LIS keeps it: no path, no control or quote characters, at most 200 characters, its
/// extension (the kind that was checked) kept when it is shortened.
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | ';' | '<' | '>'))
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        return "bevis".to_owned();
    }
    let (stem, extension) = cleaned.rsplit_once('.').unwrap_or((cleaned, ""));
    let extension: String = extension.chars().take(10).collect();
    let stem: String = stem.chars().take(200 - 1 - extension.chars().count()).collect();
    if extension.is_empty() {
        stem
    } else {
        format!("{stem}.{extension}")
    }
}

/// Stores `bytes` uploaded as `file_name` as evidence for `requirement_id` of the system `system_id` in use, in
/// `dir`. Refused with [`StoreError::Evidence`] when the file is empty, too large, of a kind not taken or not what
/// its extension says.
#[allow(clippy::too_many_arguments, reason = "one command's inputs, each checked")]
pub async fn attach(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    dir: &Path,
    system_id: i64,
    requirement_id: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<evidence_file::Model, StoreError> {
    let system = crate::inventory::get(txn, organisation_id, system_id).await?;
    if crate::inventory::kind_of(&system) != ItemKind::System || system.retired_at.is_some() {
        return Err(StoreError::NotFound {
            kind: "system",
            id: system_id.to_string(),
        });
    }
    let kind = lis_domain::evidence::check(file_name, bytes).map_err(StoreError::Evidence)?;
    let person_id = ctx
        .actor
        .person_id()
        .ok_or(StoreError::Evidence(lis_domain::evidence::EvidenceProblem::Empty))?;
    let stored_name = crate::sessions::new_token();
    let saved = evidence_file::ActiveModel {
        organisation_id: Set(organisation_id),
        system_id: Set(system_id),
        requirement_id: Set(requirement_id.to_owned()),
        file_name: Set(clean_name(file_name)),
        stored_name: Set(stored_name.clone()),
        content_type: Set(kind.content_type().to_owned()),
        size: Set(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
        sha256: Set(crate::sessions::sha256_hex(bytes)),
        uploaded_by_person_id: Set(person_id),
        uploaded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::append(
        txn,
        ctx,
        Change {
            organisation_id: Some(organisation_id),
            action: AuditAction::Create,
            subject: SubjectRef::new("evidence_file", saved.id.to_string()),
            before: None,
            after: Some(json!({
                "system": system_id,
                "requirement": requirement_id,
                "file_name": saved.file_name,
                "size": saved.size,
                "sha256": saved.sha256,
            })),
        },
    )
    .await?;
    // The file last, so that a refused row leaves none behind; only a failed commit after this can.
    tokio::fs::create_dir_all(dir).await.map_err(StoreError::Files)?;
    tokio::fs::write(dir.join(&stored_name), bytes)
        .await
        .map_err(StoreError::Files)?;
    Ok(saved)
}

/// The evidence files of system `system_id`, by requirement, the newest first.
pub async fn of_system(
    db: &impl ConnectionTrait,
    system_id: i64,
) -> Result<BTreeMap<String, Vec<evidence_file::Model>>, StoreError> {
    let mut found: BTreeMap<String, Vec<evidence_file::Model>> = BTreeMap::new();
    for row in evidence_file::Entity::find()
        .filter(evidence_file::Column::SystemId.eq(system_id))
        .order_by_desc(evidence_file::Column::UploadedAt)
        .order_by_desc(evidence_file::Column::Id)
        .all(db)
        .await?
    {
        found.entry(row.requirement_id.clone()).or_default().push(row);
    }
    Ok(found)
}

/// The evidence file `id` of the organisation.
pub async fn get(db: &impl ConnectionTrait, organisation_id: i64, id: i64) -> Result<evidence_file::Model, StoreError> {
    let organisation = evidence_file::Column::OrganisationId;
    crate::database::of_organisation::<evidence_file::Entity>(db, organisation, organisation_id, id, "bevis").await
}

/// The bytes of `file`, read from `dir`.
pub async fn read(dir: &Path, file: &evidence_file::Model) -> Result<Vec<u8>, StoreError> {
    tokio::fs::read(dir.join(&file.stored_name))
        .await
        .map_err(StoreError::Files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploaded_names_lose_paths_and_characters_that_could_break_a_header() {
        assert_eq!(
            clean_name("C:\\Users\\x\\Rapport \"slutlig\".pdf"),
            "Rapport slutlig.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd.txt"), "passwd.txt");
        assert_eq!(clean_name("\u{7}"), "bevis");
        let long = format!("{}.pdf", "a".repeat(300));
        assert!(clean_name(&long).ends_with(".pdf") && clean_name(&long).chars().count() == 200);
    }
}
