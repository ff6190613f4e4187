//! Who may do what: the one authorization function of LIS.
//!
//! Every handler, HTML and API alike, asks [`authorize`] before it reads or changes anything; nothing is protected
//! only by hiding a button. `docs/authorization.md` holds the same rules as a table, and a test walks every route of
//! the router against that table.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// A role granted to a person, by their identity provider's groups or by an administrator.
///
/// *Objektsägare* is not among them: a person is objektsägare of what the inventory says they own, not by group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Administers LIS: the organisation, people, sessions and the role mapping.
    Admin,
    /// The informationssäkerhetssamordnare / CISO: sees everything, owns the catalogue, the classification model,
    /// the SoA and the reports.
    Ciso,
    /// The IT department: records how requirements are met and manages shared safeguards in its scope.
    It,
    /// Reads everything and changes nothing (revisor, internrevision, ledningsgrupp).
    Auditor,
}

impl Role {
    /// Every role, in the order the interface lists them.
    pub const ALL: [Role; 4] = [Self::Admin, Self::Ciso, Self::It, Self::Auditor];

    /// The identifier used in the database, in `LIS_ROLE_MAP` and in the role mapping page.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Ciso => "ciso",
            Self::It => "it",
            Self::Auditor => "auditor",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name LIS does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}; the roles are admin, ciso, it and auditor")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == wanted)
            .ok_or_else(|| UnknownRole(s.trim().to_owned()))
    }
}

/// One role held, for the whole organisation or for one org unit and everything below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RoleGrant {
    /// The role.
    pub role: Role,
    /// The org unit it is limited to, or none for the whole organisation.
    pub org_unit_id: Option<i64>,
}

/// A signed-in person as the authorization function sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// The person's id.
    pub person_id: i64,
    /// The roles they hold.
    pub grants: Vec<RoleGrant>,
}

impl Principal {
    /// Whether the person holds `role` anywhere.
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|grant| grant.role == role)
    }

    /// Whether the person holds `role` for the whole organisation.
    pub fn has_organisation_wide(&self, role: Role) -> bool {
        self.grants
            .iter()
            .any(|grant| grant.role == role && grant.org_unit_id.is_none())
    }

    /// The org units for which the person holds the CISO, IT or auditor role limited to that unit: the units (with
    /// everything below them) whose gap report they read.
    pub fn report_units(&self) -> Vec<i64> {
        let mut units: Vec<i64> = self
            .grants
            .iter()
            .filter(|grant| matches!(grant.role, Role::Ciso | Role::It | Role::Auditor))
            .filter_map(|grant| grant.org_unit_id)
            .collect();
        units.sort_unstable();
        units.dedup();
        units
    }

    /// Whether the person holds any role at all.
    pub fn has_any_role(&self) -> bool {
        !self.grants.is_empty()
    }

    /// An API token as the authorization function sees it: exactly its one role, for the whole organisation.
    /// `issued_by` is the administrator who issued it; a token is never named on an inventory record, so what the
    /// issuer owns is not the token's.
    pub fn for_token(issued_by: i64, role: Role) -> Self {
        Self {
            person_id: issued_by,
            grants: vec![RoleGrant {
                role,
                org_unit_id: None,
            }],
        }
    }
}

/// What someone wants to do with a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read it.
    View,
    /// Create, change, retire or end it.
    Change,
}

/// What is being read or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resource {
    /// The organisation and its unit tree.
    Organisation,
    /// The people of LIS, their roles and their sessions.
    People,
    /// The mapping from identity-provider groups to roles.
    RoleMapping,
    /// The API tokens: administrators issue and revoke them; the CISO and auditors see that they exist.
    ApiTokens,
    /// The person's own profile and sign-out.
    OwnAccount,
    /// The control catalogue and the profile explorer (changing it is the CISO's).
    Catalog,
    /// The statement of applicability: everyone with a role reads it, the CISO decides it.
    Soa,
    /// The inventory as a whole: its lists, creating records, importing and exporting.
    Inventory,
    /// One record of the inventory (förvaltningsobjekt, system or informationsmängd).
    InventoryItem {
        /// Whether the person is named on it: objektsägare or förvaltningsledare of the förvaltningsobjekt (or of
        /// the one a system belongs to), systemförvaltare of the system, informationsägare of the informationsmängd.
        responsible: bool,
    },
    /// Deciding (approving) an informationsmängd's classification: its informationsägare or the CISO.
    ClassificationDecision {
        /// Whether the person is the informationsägare of the informationsmängd.
        information_owner: bool,
    },
    /// Putting a system's level below the calculated one in force: the CISO's decision.
    LevelLowering,
    /// The common information types: everyone with a role reads them, the CISO decides them.
    InformationTypes,
    /// The shared controls (*gemensamma skyddsåtgärder*): everyone with a role reads them, IT and the CISO describe
    /// them and link the systems that use them.
    SharedControls,
    /// One action of the handlingsplan: those named on every system whose gaps it remedies see and change it; the
    /// CISO and IT change any, auditors read any.
    PlanAction {
        /// Whether the person is named on every system the action links (and it links no shared control).
        responsible: bool,
    },
    /// Assessment cycles (*uppföljningar*): the CISO closes one, freezing the gap counts; those who read the gap
    /// report read them.
    AssessmentCycles,
    /// The gap analysis of many systems (per org unit, per objektsägare, the whole organisation) and its reports:
    /// the CISO, IT and auditors read it for the whole organisation, and those roles limited to an org unit read it
    /// for that unit and what lies below it; anyone reads it for their own objects.
    GapReport {
        /// Whether the report is limited to the objects of the person reading it (as objektsägare).
        own: bool,
        /// Whether the report is limited to an org unit at or below one of the person's
        /// [`Principal::report_units`].
        in_role_unit: bool,
    },
}

impl Resource {
    /// The gap report of the whole organisation.
    pub const WHOLE_GAP_REPORT: Resource = Resource::GapReport {
        own: false,
        in_role_unit: false,
    };
}

/// Why a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The person holds no role at all and should be told whom to ask.
    #[error("the person holds no role in LIS")]
    NoRole,
    /// The person's roles do not allow this.
    #[error("the person's roles do not allow {action:?} on {resource:?}")]
    NotAllowed {
        /// What they tried.
        action: Action,
        /// On what.
        resource: Resource,
    },
}

/// Decides whether `principal` may perform `action` on `resource`.
pub fn authorize(principal: &Principal, action: Action, resource: Resource) -> Result<(), Denied> {
    use Action::{Change, View};
    use Role::{Admin, Auditor, Ciso, It};

    if resource == Resource::OwnAccount {
        return Ok(());
    }
    // Those named on a record see and change it, with or without a role: that is what being objektsägare means.
    if resource == (Resource::InventoryItem { responsible: true })
        || matches!(resource, Resource::GapReport { own: true, .. })
        || resource == (Resource::PlanAction { responsible: true })
        || resource
            == (Resource::ClassificationDecision {
                information_owner: true,
            })
    {
        return Ok(());
    }
    if !principal.has_any_role() {
        return Err(Denied::NoRole);
    }
    let wide = |role| principal.has_organisation_wide(role);
    let allowed = match (resource, action) {
        (Resource::Organisation | Resource::Catalog | Resource::InformationTypes, View) => true,
        (Resource::Catalog | Resource::Soa | Resource::InformationTypes, Change) => wide(Ciso),
        (Resource::Soa, View) => true,
        (Resource::Organisation, Change) => wide(Admin),
        (Resource::People | Resource::RoleMapping | Resource::ApiTokens, View) => {
            wide(Admin) || wide(Ciso) || wide(Auditor)
        }
        (Resource::People | Resource::RoleMapping | Resource::ApiTokens, Change) => wide(Admin),
        (Resource::OwnAccount, View | Change) => true,
        (Resource::Inventory | Resource::InventoryItem { .. }, View) => true,
        (Resource::Inventory | Resource::InventoryItem { .. }, Change) => wide(Admin) || wide(Ciso) || wide(It),
        (Resource::ClassificationDecision { .. } | Resource::LevelLowering, View) => true,
        (Resource::ClassificationDecision { .. } | Resource::LevelLowering, Change) => wide(Ciso),
        (Resource::SharedControls, View) => true,
        (Resource::SharedControls, Change) => wide(Ciso) || wide(It),
        (Resource::PlanAction { .. }, View) => wide(Ciso) || wide(It) || wide(Auditor),
        (Resource::PlanAction { .. }, Change) => wide(Ciso) || wide(It),
        (Resource::AssessmentCycles, View) => wide(Ciso) || wide(It) || wide(Auditor),
        (Resource::AssessmentCycles, Change) => wide(Ciso),
        (Resource::GapReport { in_role_unit, .. }, View) => {
            wide(Ciso) || wide(It) || wide(Auditor) || (in_role_unit && !principal.report_units().is_empty())
        }
        (Resource::GapReport { .. }, Change) => false,
    };
    // A role limited to an org unit reads the inventory but changes only what its holder is named on; limiting
    // changes to a unit's subtree comes with the classification work, where IT's scope matters.
    if allowed {
        Ok(())
    } else {
        Err(Denied::NotAllowed { action, resource })
    }
}

/// One rule of the role mapping: members of the identity provider's group `group` hold `role`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoleMapEntry {
    /// The group's name (or id) exactly as the provider sends it in the groups claim.
    pub group: String,
    /// The role its members hold.
    pub role: Role,
    /// The org unit the role is limited to (written `role@<unit id>`), or none for the whole organisation.
    pub org_unit_id: Option<i64>,
}

impl std::fmt::Display for RoleMapEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.org_unit_id {
            Some(unit) => write!(f, "{}={}@{unit}", self.group, self.role),
            None => write!(f, "{}={}", self.group, self.role),
        }
    }
}

/// A problem in a role mapping, with the number of the entry (1-based) it was found in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("entry {entry} ({text:?}): {problem}")]
pub struct RoleMapError {
    /// The entry's number, counting from 1.
    pub entry: usize,
    /// The entry as written.
    pub text: String,
    /// What is wrong with it.
    pub problem: RoleMapProblem,
}

/// What can be wrong with an entry of a role mapping. The interface words each in Swedish and English.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum RoleMapProblem {
    /// No `=` between group and role.
    #[error("write it as group=role")]
    NotGroupEqualsRole,
    /// Nothing before the `=`.
    #[error("the group name is empty")]
    EmptyGroup,
    /// The group name is too long or holds a control character.
    #[error("the group name is longer than 255 characters or holds a control character")]
    UnusableGroup,
    /// The role is not one of LIS's roles.
    #[error("unknown role; the roles are admin, ciso, it and auditor")]
    UnknownRole,
    /// The same group and role twice.
    #[error("this group is already mapped to this role")]
    Duplicate,
    /// What follows `@` is not an org unit's id.
    #[error("after @ comes the id of an org unit")]
    BadScope,
    /// The org unit after `@` does not exist in the organisation.
    #[error("there is no org unit with that id")]
    UnknownUnit,
}

/// Parses a role mapping written as `group=role` entries separated by commas or line breaks, as in `LIS_ROLE_MAP`
/// (`lis-admins=admin,lis-ciso=ciso`) or the role mapping page (one entry per line). Empty entries are skipped.
/// Returns every problem at once.
pub fn parse_role_map(text: &str) -> Result<Vec<RoleMapEntry>, Vec<RoleMapError>> {
    let mut entries: Vec<RoleMapEntry> = Vec::new();
    let mut errors = Vec::new();
    let pieces = text.split(['\n', ',']).map(str::trim).filter(|piece| !piece.is_empty());
    for (index, piece) in pieces.enumerate() {
        let problem = |problem| RoleMapError {
            entry: index + 1,
            text: piece.to_owned(),
            problem,
        };
        let Some((group, role)) = piece.split_once('=') else {
            errors.push(problem(RoleMapProblem::NotGroupEqualsRole));
            continue;
        };
        let group = group.trim();
        if group.is_empty() {
            errors.push(problem(RoleMapProblem::EmptyGroup));
            continue;
        }
        if group.chars().count() > 255 || group.chars().any(char::is_control) {
            errors.push(problem(RoleMapProblem::UnusableGroup));
            continue;
        }
        let (role, scope) = match role.split_once('@') {
            Some((role, unit)) => match unit.trim().parse::<i64>() {
                Ok(unit) if unit > 0 => (role, Some(unit)),
                _ => {
                    errors.push(problem(RoleMapProblem::BadScope));
                    continue;
                }
            },
            None => (role, None),
        };
        match role.parse::<Role>() {
            Ok(role)
                if entries
                    .iter()
                    .any(|e| e.group == group && e.role == role && e.org_unit_id == scope) =>
            {
                errors.push(problem(RoleMapProblem::Duplicate));
            }
            Ok(role) => entries.push(RoleMapEntry {
                group: group.to_owned(),
                role,
                org_unit_id: scope,
            }),
            Err(_) => errors.push(problem(RoleMapProblem::UnknownRole)),
        }
    }
    if errors.is_empty() { Ok(entries) } else { Err(errors) }
}

/// The roles a person holds through their groups, each grant once, ordered by role and then scope.
pub fn roles_for_groups(map: &[RoleMapEntry], groups: &[String]) -> Vec<RoleGrant> {
    let mut grants: Vec<RoleGrant> = map
        .iter()
        .filter(|entry| groups.contains(&entry.group))
        .map(|entry| RoleGrant {
            role: entry.role,
            org_unit_id: entry.org_unit_id,
        })
        .collect();
    grants.sort_by_key(|grant| (grant.role, grant.org_unit_id));
    grants.dedup();
    grants
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(grants: &[(Role, Option<i64>)]) -> Principal {
        Principal {
            person_id: 1,
            grants: grants
                .iter()
                .map(|&(role, org_unit_id)| RoleGrant { role, org_unit_id })
                .collect(),
        }
    }

    #[test]
    fn the_whole_gap_analysis_is_for_the_ciso_it_and_auditors_and_ones_own_for_anyone() {
        let whole = Resource::GapReport {
            own: false,
            in_role_unit: false,
        };
        for role in [Role::Ciso, Role::It, Role::Auditor] {
            assert!(authorize(&person(&[(role, None)]), Action::View, whole).is_ok());
            assert!(authorize(&person(&[(role, None)]), Action::Change, whole).is_err());
        }
        assert!(authorize(&person(&[(Role::Admin, None)]), Action::View, whole).is_err());
        assert!(authorize(&person(&[(Role::Ciso, Some(3))]), Action::View, whole).is_err());
        assert_eq!(authorize(&person(&[]), Action::View, whole), Err(Denied::NoRole));
        let own = Resource::GapReport {
            own: true,
            in_role_unit: false,
        };
        assert!(authorize(&person(&[]), Action::View, own).is_ok());
        // A role limited to an org unit reads the report of that unit (and below), not the whole organisation's;
        // the administrator's role does not count.
        let unit = Resource::GapReport {
            own: false,
            in_role_unit: true,
        };
        for role in [Role::Ciso, Role::It, Role::Auditor] {
            let limited = person(&[(role, Some(3))]);
            assert_eq!(limited.report_units(), [3]);
            assert!(authorize(&limited, Action::View, unit).is_ok());
            assert!(authorize(&limited, Action::View, whole).is_err());
            assert!(authorize(&limited, Action::Change, unit).is_err());
        }
        let admin_of_unit = person(&[(Role::Admin, Some(3)), (Role::It, None)]);
        assert!(admin_of_unit.report_units().is_empty());
        assert!(authorize(&person(&[(Role::Admin, Some(3))]), Action::View, unit).is_err());
        for role in [Role::Ciso, Role::It] {
            assert!(authorize(&person(&[(role, None)]), Action::Change, Resource::SharedControls).is_ok());
            assert!(
                authorize(
                    &person(&[(role, None)]),
                    Action::Change,
                    Resource::PlanAction { responsible: false }
                )
                .is_ok()
            );
        }
        let owners_action = Resource::PlanAction { responsible: true };
        assert!(authorize(&person(&[]), Action::Change, owners_action).is_ok());
        let others_action = Resource::PlanAction { responsible: false };
        assert!(authorize(&person(&[(Role::Auditor, None)]), Action::View, others_action).is_ok());
        assert!(authorize(&person(&[(Role::Auditor, None)]), Action::Change, others_action).is_err());
        assert!(authorize(&person(&[(Role::Admin, None)]), Action::View, others_action).is_err());
        assert!(
            authorize(
                &person(&[(Role::Ciso, None)]),
                Action::Change,
                Resource::AssessmentCycles
            )
            .is_ok()
        );
        assert!(authorize(&person(&[(Role::It, None)]), Action::Change, Resource::AssessmentCycles).is_err());
        assert!(
            authorize(
                &person(&[(Role::Auditor, None)]),
                Action::View,
                Resource::AssessmentCycles
            )
            .is_ok()
        );
        for role in [Role::Admin, Role::Auditor] {
            assert!(authorize(&person(&[(role, None)]), Action::View, Resource::SharedControls).is_ok());
            assert!(authorize(&person(&[(role, None)]), Action::Change, Resource::SharedControls).is_err());
        }
    }

    #[test]
    fn a_person_without_roles_is_told_so_but_may_see_their_own_account() {
        let nobody = person(&[]);
        assert_eq!(
            authorize(&nobody, Action::View, Resource::Organisation),
            Err(Denied::NoRole)
        );
        assert_eq!(authorize(&nobody, Action::View, Resource::OwnAccount), Ok(()));
        assert_eq!(authorize(&nobody, Action::Change, Resource::OwnAccount), Ok(()));
    }

    #[test]
    fn those_named_on_a_record_change_it_and_auditors_never_do() {
        let own = Resource::InventoryItem { responsible: true };
        let other = Resource::InventoryItem { responsible: false };
        let owner = person(&[]);
        assert_eq!(authorize(&owner, Action::Change, own), Ok(()));
        assert_eq!(authorize(&owner, Action::View, other), Err(Denied::NoRole));
        assert_eq!(
            authorize(&owner, Action::View, Resource::Inventory),
            Err(Denied::NoRole)
        );
        for role in [Role::Admin, Role::Ciso, Role::It] {
            assert!(authorize(&person(&[(role, None)]), Action::Change, other).is_ok());
            assert!(authorize(&person(&[(role, None)]), Action::Change, Resource::Inventory).is_ok());
            // Limited to a unit: reads, but changes only what the person is named on.
            assert!(authorize(&person(&[(role, Some(7))]), Action::View, other).is_ok());
            assert!(authorize(&person(&[(role, Some(7))]), Action::Change, other).is_err());
        }
        let auditor = person(&[(Role::Auditor, None)]);
        assert!(authorize(&auditor, Action::View, other).is_ok());
        assert!(authorize(&auditor, Action::Change, other).is_err());
        assert!(authorize(&auditor, Action::Change, Resource::Inventory).is_err());
    }

    #[test]
    fn only_organisation_wide_admins_change_people_the_role_mapping_and_api_tokens() {
        for resource in [Resource::People, Resource::RoleMapping, Resource::ApiTokens] {
            assert!(authorize(&person(&[(Role::Admin, None)]), Action::Change, resource).is_ok());
            for role in [Role::Ciso, Role::It, Role::Auditor] {
                let denied = authorize(&person(&[(role, None)]), Action::Change, resource);
                assert_eq!(
                    denied,
                    Err(Denied::NotAllowed {
                        action: Action::Change,
                        resource
                    })
                );
            }
            let scoped_admin = person(&[(Role::Admin, Some(7))]);
            assert!(
                authorize(&scoped_admin, Action::Change, resource).is_err(),
                "a scoped admin is not global"
            );
        }
    }

    #[test]
    fn ciso_and_auditor_read_people_it_does_not() {
        for role in [Role::Admin, Role::Ciso, Role::Auditor] {
            assert!(
                authorize(&person(&[(role, None)]), Action::View, Resource::People).is_ok(),
                "{role}"
            );
        }
        assert!(authorize(&person(&[(Role::It, None)]), Action::View, Resource::People).is_err());
    }

    #[test]
    fn a_token_holds_its_one_role_for_the_whole_organisation() {
        let token = Principal::for_token(9, Role::It);
        assert!(authorize(&token, Action::View, Resource::WHOLE_GAP_REPORT).is_ok());
        assert!(token.has_organisation_wide(Role::It));
        assert!(!token.has_role(Role::Admin));
        assert!(authorize(&token, Action::Change, Resource::Inventory).is_ok());
        assert!(authorize(&token, Action::View, Resource::ApiTokens).is_err());
        let auditor = Principal::for_token(9, Role::Auditor);
        assert!(authorize(&auditor, Action::View, Resource::Inventory).is_ok());
        assert!(authorize(&auditor, Action::Change, Resource::Inventory).is_err());
    }

    #[test]
    fn everyone_with_a_role_sees_the_organisation() {
        for role in Role::ALL {
            assert!(authorize(&person(&[(role, Some(3))]), Action::View, Resource::Organisation).is_ok());
        }
    }

    #[test]
    fn role_maps_parse_from_the_environment_and_from_the_page() {
        let from_env = parse_role_map("lis-admins=admin,lis-ciso=ciso, lis-it = it ,lis-auditors=auditor").expect("ok");
        let from_page = parse_role_map("lis-admins=admin\nlis-ciso=ciso\n\nlis-it=it\r\nlis-auditors=auditor\n");
        assert_eq!(Ok(from_env.clone()), from_page);
        assert_eq!(
            from_env[2],
            RoleMapEntry {
                group: "lis-it".into(),
                role: Role::It,
                org_unit_id: None
            }
        );
        assert_eq!(from_env[2].to_string(), "lis-it=it");
        let groups = vec![
            "lis-ciso".to_owned(),
            "lis-auditors".to_owned(),
            "someone-else".to_owned(),
        ];
        let held: Vec<Role> = roles_for_groups(&from_env, &groups).iter().map(|g| g.role).collect();
        assert_eq!(held, [Role::Ciso, Role::Auditor]);
        assert!(roles_for_groups(&from_env, &[]).is_empty());
    }

    #[test]
    fn a_role_can_be_limited_to_an_org_unit() {
        let map =
            parse_role_map("it-skola=it@12, it-skola=it@12x, alla-it=it, it-skola=auditor@12").expect_err("one bad");
        assert_eq!(map.len(), 1);
        assert_eq!((map[0].entry, map[0].problem), (2, RoleMapProblem::BadScope));
        let map = parse_role_map("it-skola=it@12\nalla-it=it\nit-skola=it@12 ").expect_err("a duplicate");
        assert_eq!((map[0].entry, map[0].problem), (3, RoleMapProblem::Duplicate));
        let map = parse_role_map("it-skola=it@12\nalla-it=it").expect("ok");
        assert_eq!(map[0].to_string(), "it-skola=it@12");
        let grants = roles_for_groups(&map, &["it-skola".to_owned(), "alla-it".to_owned()]);
        let expected = [
            RoleGrant {
                role: Role::It,
                org_unit_id: None,
            },
            RoleGrant {
                role: Role::It,
                org_unit_id: Some(12),
            },
        ];
        assert_eq!(grants, expected);
    }

    #[test]
    fn every_bad_entry_of_a_role_map_is_reported() {
        let errors = parse_role_map("ok=admin\nno-equals\n=ciso\nx=root\nok=admin").expect_err("bad");
        let entries: Vec<usize> = errors.iter().map(|e| e.entry).collect();
        assert_eq!(entries, [2, 3, 4, 5]);
        assert_eq!(errors[2].problem, RoleMapProblem::UnknownRole);
        assert_eq!(errors[2].text, "x=root");
        assert_eq!(errors[3].problem, RoleMapProblem::Duplicate);
    }

    #[test]
    fn roles_parse_case_insensitively_and_refuse_strangers() {
        assert_eq!(" CISO ".parse::<Role>(), Ok(Role::Ciso));
        assert_eq!("root".parse::<Role>(), Err(UnknownRole("root".into())));
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
    }
}
