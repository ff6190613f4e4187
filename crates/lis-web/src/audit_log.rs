//! Audit events that the web layer writes on its own: refused requests and failed sign-ins. Each is its own small
//! transaction, since there is no change for it to join.

use lis_domain::{Action, AuditAction, Resource, SubjectRef};
use lis_store::ChangeTransaction;
use lis_store::audit::{self, Change, ChangeContext};
use serde_json::json;

use crate::AppState;

/// Records that the authorization function refused a person (`ctx` names them and the request).
pub async fn access_denied(
    state: &AppState,
    ctx: &ChangeContext,
    organisation_id: i64,
    action: Action,
    resource: Resource,
) {
    let change = Change {
        organisation_id: Some(organisation_id),
        action: AuditAction::AccessDenied,
        subject: SubjectRef::new("resource", resource_name(resource)),
        before: None,
        after: Some(json!({ "action": action, "resource": resource })),
    };
    write(state, ctx, change).await;
}

/// Records a failed sign-in with its reason (never a token or code).
pub async fn sign_in_failed(state: &AppState, reason: &str) {
    let ctx = ChangeContext::system("sign-in");
    let change = Change {
        organisation_id: None,
        action: AuditAction::SignInFailed,
        subject: SubjectRef::new("sign_in", "-"),
        before: None,
        after: Some(json!({ "reason": reason })),
    };
    write(state, &ctx, change).await;
}

fn resource_name(resource: Resource) -> &'static str {
    match resource {
        Resource::Organisation => "organisation",
        Resource::People => "people",
        Resource::RoleMapping => "role_mapping",
        Resource::ApiTokens => "api_tokens",
        Resource::OwnAccount => "own_account",
        Resource::Catalog => "catalog",
        Resource::Soa => "soa",
        Resource::Inventory => "inventory",
        Resource::InventoryItem { .. } => "inventory_item",
        Resource::ClassificationDecision { .. } => "classification_decision",
        Resource::LevelLowering => "level_lowering",
        Resource::InformationTypes => "information_types",
        Resource::SharedControls => "shared_controls",
        Resource::PlanAction { .. } => "plan_action",
        Resource::AssessmentCycles => "assessment_cycles",
        Resource::GapReport { .. } => "gap_report",
    }
}

async fn write(state: &AppState, ctx: &ChangeContext, change: Change) {
    let result = async {
        let txn = state.db.begin_change().await?;
        audit::append(&txn, ctx, change).await?;
        txn.commit().await?;
        Ok::<(), lis_store::StoreError>(())
    }
    .await;
    if let Err(err) = result {
        tracing::error!(error = %err, "could not write an audit event");
    }
}
