//! People: signing in (creating or updating the person, refreshing their roles from their groups), their roles as a
//! [`Principal`], and administration (listing, disabling, ending sessions).

use std::collections::BTreeMap;

use chrono::Utc;
use lis_domain::{AuditAction, Principal, Role, RoleGrant, SubjectRef, roles_for_groups};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Change, ChangeContext};
use crate::entity::{person, role_assignment, session};
use crate::role_mapping;

/// Who the identity provider says signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInIdentity {
    /// The provider's issuer URL.
    pub issuer: String,
    /// The provider's subject identifier: with the issuer, the person's identity. Never the e-mail address.
    pub subject: String,
    /// The name to show.
    pub display_name: String,
    /// The e-mail address, if the provider gave one.
    pub email: Option<String>,
    /// The groups claim.
    pub groups: Vec<String>,
}

/// The source of role assignments that come from the provider's groups and are replaced at every sign-in.
const FROM_PROVIDER: &str = "idp";

/// Records a sign-in: creates the person on first sign-in, updates name and e-mail, replaces the roles that come
/// from groups, and writes the audit events, all in the caller's transaction. A disabled person is refused.
#[tracing::instrument(skip_all, err)]
pub async fn sign_in(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    identity: &SignInIdentity,
) -> Result<person::Model, StoreError> {
    let now = Utc::now();
    let existing = person::Entity::find()
        .filter(person::Column::OidcIssuer.eq(&identity.issuer))
        .filter(person::Column::OidcSubject.eq(&identity.subject))
        .one(txn)
        .await?;
    let display_name = clip(&identity.display_name, 200);
    let email = identity.email.as_deref().map(|e| clip(e, 320));
    let person = match existing {
        Some(found) if found.disabled => return Err(StoreError::PersonDisabled { person_id: found.id }),
        Some(found) if found.display_name == display_name && found.email == email => found,
        Some(found) => {
            let before = json!({ "display_name": found.display_name, "email": found.email });
            let updated = person::ActiveModel {
                id: Set(found.id),
                display_name: Set(display_name),
                email: Set(email),
                updated_at: Set(now),
                ..Default::default()
            }
            .update(txn)
            .await?;
            let after = json!({ "display_name": updated.display_name, "email": updated.email });
            let change = Change {
                organisation_id: Some(organisation_id),
                action: AuditAction::Update,
                subject: SubjectRef::new("person", updated.id),
                before: Some(before),
                after: Some(after),
            };
            audit::append(txn, ctx, change).await?;
            updated
        }
        None => create(txn, ctx, organisation_id, identity).await?,
    };
    let mapping = role_mapping::entries(txn, organisation_id).await?;
    let roles = roles_for_groups(&mapping, &identity.groups);
    replace_provider_roles(txn, ctx, organisation_id, person.id, &roles).await?;
    let change = Change {
        organisation_id: Some(organisation_id),
        action: AuditAction::SignIn,
        subject: SubjectRef::new("person", person.id),
        before: None,
        after: Some(json!({ "roles": roles })),
    };
    audit::append(txn, ctx, change).await?;
    Ok(person)
}

/// Creates a person (the first sign-in does, and the demo loader) and records it in the audit trail.
pub async fn create(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    identity: &SignInIdentity,
) -> Result<person::Model, StoreError> {
    let now = Utc::now();
    let created = person::ActiveModel {
        organisation_id: Set(organisation_id),
        oidc_issuer: Set(identity.issuer.clone()),
        oidc_subject: Set(identity.subject.clone()),
        display_name: Set(clip(&identity.display_name, 200)),
        email: Set(identity.email.as_deref().map(|e| clip(e, 320))),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let after = json!({
        "issuer": created.oidc_issuer,
        "subject": created.oidc_subject,
        "display_name": created.display_name,
        "email": created.email,
    });
    audit::append(
        txn,
        ctx,
        Change::created(Some(organisation_id), SubjectRef::new("person", created.id), after),
    )
    .await?;
    Ok(created)
}

/// Text cut to at most `max` characters, for values from outside that must fit their column.
fn clip(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

async fn replace_provider_roles(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    person_id: i64,
    grants: &[RoleGrant],
) -> Result<(), StoreError> {
    let mut current: Vec<RoleGrant> = role_assignment::Entity::find()
        .filter(role_assignment::Column::PersonId.eq(person_id))
        .filter(role_assignment::Column::Source.eq(FROM_PROVIDER))
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|a| {
            a.role.parse::<Role>().ok().map(|role| RoleGrant {
                role,
                org_unit_id: a.org_unit_id,
            })
        })
        .collect();
    current.sort_by_key(|grant| (grant.role, grant.org_unit_id));
    if current == grants {
        return Ok(());
    }
    role_assignment::Entity::delete_many()
        .filter(role_assignment::Column::PersonId.eq(person_id))
        .filter(role_assignment::Column::Source.eq(FROM_PROVIDER))
        .exec(txn)
        .await?;
    let now = Utc::now();
    for grant in grants {
        role_assignment::ActiveModel {
            person_id: Set(person_id),
            role: Set(grant.role.as_str().to_owned()),
            org_unit_id: Set(grant.org_unit_id),
            source: Set(FROM_PROVIDER.to_owned()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let change = Change {
        organisation_id: Some(organisation_id),
        action: AuditAction::Update,
        subject: SubjectRef::new("person_roles", person_id),
        before: Some(json!(current)),
        after: Some(json!(grants)),
    };
    audit::append(txn, ctx, change).await
}

/// Grants a role by hand (not from groups), e.g. to the demo's people; it survives sign-ins.
pub async fn grant_role(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    person_id: i64,
    grant: RoleGrant,
) -> Result<(), StoreError> {
    role_assignment::ActiveModel {
        person_id: Set(person_id),
        role: Set(grant.role.as_str().to_owned()),
        org_unit_id: Set(grant.org_unit_id),
        source: Set("manual".to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let after = json!({ "role": grant.role, "org_unit_id": grant.org_unit_id });
    audit::append(
        txn,
        ctx,
        Change::created(Some(organisation_id), SubjectRef::new("person_roles", person_id), after),
    )
    .await
}

/// The person's roles as the authorization function needs them.
pub async fn principal(db: &impl ConnectionTrait, person_id: i64) -> Result<Principal, StoreError> {
    let grants = role_assignment::Entity::find()
        .filter(role_assignment::Column::PersonId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|a| match a.role.parse::<Role>() {
            Ok(role) => Some(RoleGrant {
                role,
                org_unit_id: a.org_unit_id,
            }),
            Err(unknown) => {
                tracing::warn!(person.id = person_id, error = %unknown, "ignoring an unknown stored role");
                None
            }
        })
        .collect();
    Ok(Principal { person_id, grants })
}

/// One person in the administration list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonSummary {
    /// The person.
    pub person: person::Model,
    /// Their roles, each once.
    pub roles: Vec<Role>,
    /// How many sessions they have that have not expired.
    pub active_sessions: usize,
}

/// Everyone in the organisation with their roles and session counts, by name.
pub async fn list(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Vec<PersonSummary>, StoreError> {
    let people = person::Entity::find()
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(person::Column::DisplayName)
        .all(db)
        .await?;
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let mut roles: BTreeMap<i64, Vec<Role>> = BTreeMap::new();
    for assignment in role_assignment::Entity::find()
        .filter(role_assignment::Column::PersonId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        if let Ok(role) = assignment.role.parse::<Role>() {
            let held = roles.entry(assignment.person_id).or_default();
            if !held.contains(&role) {
                held.push(role);
            }
        }
    }
    let mut sessions: BTreeMap<i64, usize> = BTreeMap::new();
    let live = session::Entity::find()
        .filter(session::Column::PersonId.is_in(ids))
        .filter(session::Column::ExpiresAt.gt(Utc::now()))
        .all(db)
        .await?;
    for s in live {
        if let Some(id) = s.person_id {
            *sessions.entry(id).or_default() += 1;
        }
    }
    Ok(people
        .into_iter()
        .map(|person| {
            let mut held = roles.remove(&person.id).unwrap_or_default();
            held.sort();
            PersonSummary {
                active_sessions: sessions.get(&person.id).copied().unwrap_or_default(),
                roles: held,
                person,
            }
        })
        .collect())
}

/// Everyone in the organisation as (id, name, e-mail), by name: for showing and choosing people, without the roles
/// and sessions [`list`] also reads.
pub async fn names(
    db: &impl ConnectionTrait,
    organisation_id: i64,
) -> Result<Vec<(i64, String, Option<String>)>, StoreError> {
    Ok(person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::DisplayName)
        .column(person::Column::Email)
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(person::Column::DisplayName)
        .into_tuple()
        .all(db)
        .await?)
}

/// Whether `person_id` (none counts as known) is a person of organisation `organisation_id`.
pub async fn in_organisation(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    person_id: Option<i64>,
) -> Result<bool, StoreError> {
    match person_id {
        None => Ok(true),
        Some(id) => match get(db, organisation_id, id).await {
            Ok(_) => Ok(true),
            Err(StoreError::NotFound { .. }) => Ok(false),
            Err(err) => Err(err),
        },
    }
}

/// One person of the organisation, or [`StoreError::NotFound`].
pub async fn get(db: &impl ConnectionTrait, organisation_id: i64, person_id: i64) -> Result<person::Model, StoreError> {
    person::Entity::find_by_id(person_id)
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            kind: "person",
            id: person_id.to_string(),
        })
}

/// Disables or enables a person. Disabling ends all their sessions at once.
#[tracing::instrument(skip_all, err, fields(person.id = person_id))]
pub async fn set_disabled(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    person_id: i64,
    disabled: bool,
) -> Result<(), StoreError> {
    let found = get(txn, organisation_id, person_id).await?;
    if found.disabled == disabled {
        return Ok(());
    }
    person::ActiveModel {
        id: Set(person_id),
        disabled: Set(disabled),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(txn)
    .await?;
    let change = Change {
        organisation_id: Some(organisation_id),
        action: AuditAction::Update,
        subject: SubjectRef::new("person", person_id),
        before: Some(json!({ "disabled": found.disabled })),
        after: Some(json!({ "disabled": disabled })),
    };
    audit::append(txn, ctx, change).await?;
    if disabled {
        end_sessions(txn, ctx, organisation_id, person_id).await?;
    }
    Ok(())
}

/// Ends every session of a person and records how many were ended.
pub async fn end_sessions(
    txn: &DatabaseTransaction,
    ctx: &ChangeContext,
    organisation_id: i64,
    person_id: i64,
) -> Result<u64, StoreError> {
    get(txn, organisation_id, person_id).await?;
    let ended = crate::sessions::delete_for_person(txn, person_id).await?;
    let change = Change {
        organisation_id: Some(organisation_id),
        action: AuditAction::EndSessions,
        subject: SubjectRef::new("person", person_id),
        before: None,
        after: Some(json!({ "sessions_ended": ended })),
    };
    audit::append(txn, ctx, change).await?;
    Ok(ended)
}

/// The names of the organisation's administrators, for telling a person without roles whom to ask.
pub async fn administrators(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Vec<String>, StoreError> {
    let admins = role_assignment::Entity::find()
        .filter(role_assignment::Column::Role.eq(Role::Admin.as_str()))
        .find_also_related(person::Entity)
        .all(db)
        .await?;
    let mut names: Vec<String> = admins
        .into_iter()
        .filter_map(|(_, person)| person)
        .filter(|p| p.organisation_id == organisation_id && !p.disabled)
        .map(|p| p.display_name)
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// People by id (of any organisation: the caller asks only for ids its records hold), for showing names beside
/// references.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<BTreeMap<i64, person::Model>, StoreError> {
    let ids: std::collections::BTreeSet<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// The person of the organisation with `email`, matched case-insensitively.
pub async fn by_email(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    email: &str,
) -> Result<Option<person::Model>, StoreError> {
    let wanted = email.trim().to_lowercase();
    Ok(person::Entity::find()
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .all(db)
        .await?
        .into_iter()
        .find(|p| p.email.as_deref().is_some_and(|e| e.trim().to_lowercase() == wanted)))
}
