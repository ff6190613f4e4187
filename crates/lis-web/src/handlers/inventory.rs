//! The inventory's pages: the overview, the lists of förvaltningsobjekt, systems and informationsmängder with
//! search, filters, sorting and paging, a record's page with its relations both ways, the forms to create, change
//! and retire, and "Mina objekt".
//!
//! One set of handlers serves all three kinds: the properties each kind has come from
//! [`lis_domain::inventory::Field`], so a form, a record's page and the export cannot disagree about them.

use lis_store::ChangeTransaction;
use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use lis_domain::inventory::{Field, Hosting, ItemKind, Lifecycle, RelationKind, ValueProblem};
use lis_domain::{Action, FlatUnit, Resource};
use lis_store::StoreError;
use lis_store::entity::inventory_item;
use lis_store::inventory::{ItemFields, ListQuery, SortOrder};
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::form::Form;
use crate::i18n::Lang;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

/// A word of a vocabulary in the page's language.
pub(crate) fn word(lang: Lang, swedish: &'static str, english: &'static str) -> &'static str {
    match lang {
        Lang::Sv => swedish,
        Lang::En => english,
    }
}

fn field_label(lang: Lang, field: Field) -> &'static str {
    word(lang, field.swedish(), field.english())
}

fn kind_from_path(raw: &str) -> Result<ItemKind, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

fn db_error(err: sea_orm::DbErr) -> WebError {
    StoreError::from(err).into()
}

/// The resource a record is for the authorization function: whether the person is named on it.
pub(crate) async fn item_resource(
    state: &AppState,
    user: &CurrentUser,
    item: &inventory_item::Model,
) -> Result<Resource, WebError> {
    let responsible = lis_store::inventory::is_responsible(&state.db, user.0.person.id, item).await?;
    Ok(Resource::InventoryItem { responsible })
}

/// The record `item_id` of the person's organisation, once the authorization function allows `action` on it.
pub(crate) async fn authorized_item(
    state: &AppState,
    user: &CurrentUser,
    action: Action,
    item_id: i64,
) -> Result<inventory_item::Model, WebError> {
    let item = lis_store::inventory::get(&state.db, user.0.person.organisation_id, item_id).await?;
    user.authorize(state, action, item_resource(state, user, &item).await?)
        .await?;
    Ok(item)
}

/// Everything a page needs to show references by name: units, people and förvaltningsobjekt.
pub(crate) struct Names {
    pub(crate) units: Vec<FlatUnit>,
    pub(crate) people: Vec<(i64, String, Option<String>)>,
    objects: Vec<inventory_item::Model>,
}

impl Names {
    pub(crate) async fn load(state: &AppState, organisation_id: i64) -> Result<Self, WebError> {
        let units = lis_store::organisation::org_tree(&state.db, organisation_id)
            .await?
            .flatten();
        let people = lis_store::people::names(&state.db, organisation_id).await?;
        let objects = lis_store::inventory::management_objects(&state.db, organisation_id).await?;
        Ok(Self { units, people, objects })
    }

    /// What one record's page names: the units, and only the people named on the record (not every förvaltnings-
    /// objekt, which the page does not choose from).
    async fn for_record(state: &AppState, item: &inventory_item::Model) -> Result<Self, WebError> {
        let units = lis_store::organisation::org_tree(&state.db, item.organisation_id)
            .await?
            .flatten();
        let named = [
            item.owner_person_id,
            item.business_manager_person_id,
            item.it_manager_person_id,
            item.system_manager_person_id,
        ];
        let people = lis_store::people::by_ids(&state.db, named.into_iter().flatten())
            .await?
            .into_values()
            .map(|p| (p.id, p.display_name, p.email))
            .collect();
        Ok(Self {
            units,
            people,
            objects: Vec::new(),
        })
    }

    fn unit(&self, id: Option<i64>) -> Option<&FlatUnit> {
        id.and_then(|id| self.units.iter().find(|u| u.id == id))
    }

    fn person(&self, id: Option<i64>) -> Option<&str> {
        id.and_then(|id| self.people.iter().find(|p| p.0 == id))
            .map(|p| p.1.as_str())
    }
}

// --- Overview and lists ------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct KindCount {
    kind: ItemKind,
    name: &'static str,
    count: u64,
}

#[derive(Serialize)]
struct OverviewView {
    kinds: Vec<KindCount>,
    may_change: bool,
    /// May decide every classification (and so import them): the CISO.
    may_decide: bool,
}

fn plural(lang: Lang, kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::ManagementObject => word(lang, "Förvaltningsobjekt", "Förvaltningsobjekt (management objects)"),
        ItemKind::System => word(lang, "System", "Systems"),
        ItemKind::InformationSet => word(lang, "Informationsmängder", "Information sets"),
    }
}

/// `GET /inventory`: how many records of each kind, and the way to the lists, the import and the export.
pub async fn overview(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::Inventory).await?;
    let counts = lis_store::inventory::counts(&state.db, user.0.person.organisation_id).await?;
    let kinds = ItemKind::ALL
        .iter()
        .map(|&kind| KindCount {
            kind,
            name: plural(env.lang, kind),
            count: counts.get(kind.as_str()).copied().unwrap_or(0),
        })
        .collect();
    let may_change = lis_domain::authorize(&user.0.principal, Action::Change, Resource::Inventory).is_ok();
    let decide_any = Resource::ClassificationDecision {
        information_owner: false,
    };
    let may_decide = lis_domain::authorize(&user.0.principal, Action::Change, decide_any).is_ok();
    let view = OverviewView {
        kinds,
        may_change,
        may_decide,
    };
    page::render(&state, &env, "inventory.html", &view)
}

/// The query string of a list.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    lifecycle: String,
    #[serde(default)]
    hosting: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    object: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    retired: String,
    #[serde(default)]
    page: String,
}

impl ListParams {
    /// The store's query, reading only what parses; anything else is ignored as if not given.
    pub(crate) fn query(&self, kind: ItemKind, units: &[FlatUnit], tree: &lis_domain::OrgTree) -> ListQuery {
        let id = |raw: &str| raw.trim().parse::<i64>().ok();
        let mut query = ListQuery::new(kind);
        query.search = Some(self.q.trim().to_owned()).filter(|q| !q.is_empty());
        query.org_units = id(&self.unit)
            .filter(|unit| units.iter().any(|u| u.id == *unit))
            .map(|unit| tree.subtree(unit));
        query.person_id = id(&self.person);
        query.lifecycle = self.lifecycle.parse::<Lifecycle>().ok();
        query.hosting = self.hosting.parse::<Hosting>().ok();
        query.tag = Some(self.tag.trim().to_owned()).filter(|t| !t.is_empty());
        query.parent_id = id(&self.object);
        query.include_retired = self.retired == "1";
        query.sort = match self.sort.as_str() {
            "name_desc" => SortOrder::NameDescending,
            "changed" => SortOrder::RecentlyChanged,
            _ => SortOrder::NameAscending,
        };
        query.page = self.page.trim().parse::<u64>().ok().filter(|p| *p >= 1).unwrap_or(1);
        query
    }

    /// The query string for another page of the same list.
    fn with_page(&self, page: u64) -> String {
        let pairs = [
            ("q", self.q.as_str()),
            ("unit", &self.unit),
            ("person", &self.person),
            ("lifecycle", &self.lifecycle),
            ("hosting", &self.hosting),
            ("tag", &self.tag),
            ("object", &self.object),
            ("sort", &self.sort),
            ("retired", &self.retired),
        ];
        let mut query: Vec<String> = pairs
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(key, value)| format!("{key}={}", crate::error::encode_query_value(value)))
            .collect();
        query.push(format!("page={page}"));
        format!("?{}", query.join("&"))
    }
}

#[derive(Serialize)]
pub(crate) struct ChoiceView {
    value: String,
    label: String,
    selected: bool,
}

impl ChoiceView {
    /// A choice of `value`, shown as `label`.
    pub(crate) fn new(value: String, label: String, selected: bool) -> Self {
        Self { value, label, selected }
    }
}

#[derive(Serialize)]
struct RowView {
    id: i64,
    name: String,
    external_id: Option<String>,
    retired: bool,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct ListView {
    kind: ItemKind,
    title: &'static str,
    params_q: String,
    units: Vec<ChoiceView>,
    people: Vec<ChoiceView>,
    lifecycles: Vec<ChoiceView>,
    hostings: Vec<ChoiceView>,
    tags: Vec<ChoiceView>,
    sorts: Vec<ChoiceView>,
    include_retired: bool,
    columns: Vec<&'static str>,
    rows: Vec<RowView>,
    total: u64,
    first: u64,
    last: u64,
    previous: Option<String>,
    next: Option<String>,
    may_create: bool,
}

fn choices<T: Copy + PartialEq>(
    values: &[T],
    chosen: Option<T>,
    value: impl Fn(T) -> String,
    label: impl Fn(T) -> String,
) -> Vec<ChoiceView> {
    values
        .iter()
        .map(|&v| ChoiceView {
            value: value(v),
            label: label(v),
            selected: Some(v) == chosen,
        })
        .collect()
}

pub(crate) fn unit_choices(units: &[FlatUnit], chosen: Option<i64>) -> Vec<ChoiceView> {
    units
        .iter()
        .map(|u| ChoiceView {
            value: u.id.to_string(),
            label: format!("{}{}", "\u{2003}".repeat(u.depth), u.name),
            selected: Some(u.id) == chosen,
        })
        .collect()
}

pub(crate) fn person_choices(people: &[(i64, String, Option<String>)], chosen: Option<i64>) -> Vec<ChoiceView> {
    people
        .iter()
        .map(|(id, name, email)| ChoiceView {
            value: id.to_string(),
            label: email.as_ref().map_or_else(|| name.clone(), |e| format!("{name} ({e})")),
            selected: Some(*id) == chosen,
        })
        .collect()
}

/// The columns a list shows for a kind, besides the name.
fn list_columns(kind: ItemKind) -> &'static [Field] {
    match kind {
        ItemKind::ManagementObject => &[Field::OrgUnit, Field::ObjectOwner],
        ItemKind::System => &[
            Field::ManagementObject,
            Field::SystemManager,
            Field::Hosting,
            Field::Lifecycle,
        ],
        ItemKind::InformationSet => &[Field::OrgUnit, Field::InformationOwner, Field::Secrecy],
    }
}

/// A property of a record as the page shows it, in the page's language.
fn display(
    lang: Lang,
    names: &Names,
    objects: &BTreeMap<i64, inventory_item::Model>,
    fields: &ItemFields,
    field: Field,
) -> String {
    match field {
        Field::OrgUnit => names
            .unit(fields.org_unit_id)
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        Field::ManagementObject => fields
            .parent_id
            .and_then(|id| objects.get(&id))
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        Field::ObjectOwner
        | Field::InformationOwner
        | Field::BusinessManager
        | Field::ItManager
        | Field::SystemManager => fields
            .reference(field)
            .flatten()
            .and_then(|id| names.person(Some(id)))
            .unwrap_or_default()
            .to_owned(),
        Field::Hosting => fields
            .hosting
            .map(|h| word(lang, h.swedish(), h.english()))
            .unwrap_or_default()
            .to_owned(),
        Field::Lifecycle => fields
            .lifecycle
            .map(|l| word(lang, l.swedish(), l.english()))
            .unwrap_or_default()
            .to_owned(),
        Field::PersonalData | Field::Secrecy | Field::SecurityProtection => match fields.text(field).as_str() {
            "ja" => word(lang, "Ja", "Yes").to_owned(),
            "nej" => word(lang, "Nej", "No").to_owned(),
            _ => String::new(),
        },
        _ => fields.text(field),
    }
}

/// `GET /inventory/{kind}`: one page of a list, searched, filtered and sorted on the server.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(raw_kind): Path<String>,
    Query(params): Query<ListParams>,
) -> Result<Html<String>, WebError> {
    let kind = kind_from_path(&raw_kind)?;
    user.authorize(&state, Action::View, Resource::Inventory).await?;
    let organisation_id = user.0.person.organisation_id;
    let tree = lis_store::organisation::org_tree(&state.db, organisation_id).await?;
    let names = Names::load(&state, organisation_id).await?;
    let query = params.query(kind, &names.units, &tree);
    let page = lis_store::inventory::list(&state.db, organisation_id, &query).await?;
    let objects = lis_store::inventory::by_ids(&state.db, page.items.iter().filter_map(|i| i.parent_id)).await?;
    let columns = list_columns(kind);
    let rows = page
        .items
        .iter()
        .map(|item| {
            let fields = ItemFields::of(item);
            RowView {
                id: item.id,
                name: item.name.clone(),
                external_id: item.external_id.clone(),
                retired: item.retired_at.is_some(),
                cells: columns
                    .iter()
                    .map(|&f| display(env.lang, &names, &objects, &fields, f))
                    .collect(),
            }
        })
        .collect();
    let first = (query.page - 1) * query.per_page;
    let shown = page.items.len() as u64;
    let tags = if kind == ItemKind::System {
        lis_store::inventory::tags_in_use(&state.db, organisation_id).await?
    } else {
        Vec::new()
    };
    let view = ListView {
        kind,
        title: plural(env.lang, kind),
        params_q: params.q.clone(),
        units: unit_choices(&names.units, query.org_units.as_ref().and_then(|u| u.first().copied())),
        people: person_choices(&names.people, query.person_id),
        lifecycles: choices(
            Lifecycle::ALL,
            query.lifecycle,
            |l| l.as_str().to_owned(),
            |l| word(env.lang, l.swedish(), l.english()).to_owned(),
        ),
        hostings: choices(
            Hosting::ALL,
            query.hosting,
            |h| h.as_str().to_owned(),
            |h| word(env.lang, h.swedish(), h.english()).to_owned(),
        ),
        tags: tags
            .into_iter()
            .map(|tag| ChoiceView {
                selected: query.tag.as_deref() == Some(tag.as_str()),
                value: tag.clone(),
                label: tag,
            })
            .collect(),
        sorts: [
            ("name", word(env.lang, "Namn A–Ö", "Name A–Z")),
            ("name_desc", word(env.lang, "Namn Ö–A", "Name Z–A")),
            ("changed", word(env.lang, "Senast ändrade", "Recently changed")),
        ]
        .iter()
        .map(|(value, label)| ChoiceView {
            value: (*value).to_owned(),
            label: (*label).to_owned(),
            selected: params.sort == *value,
        })
        .collect(),
        include_retired: query.include_retired,
        columns: columns.iter().map(|&f| field_label(env.lang, f)).collect(),
        rows,
        total: page.total,
        first: if shown == 0 { 0 } else { first + 1 },
        last: first + shown,
        previous: (query.page > 1).then(|| params.with_page(query.page - 1)),
        next: (first + shown < page.total).then(|| params.with_page(query.page + 1)),
        may_create: lis_domain::authorize(&user.0.principal, Action::Change, Resource::Inventory).is_ok(),
    };
    page::render(&state, &env, "inventory_list.html", &view)
}

// --- A record's page ------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct FactView {
    label: &'static str,
    value: String,
    href: Option<String>,
    multiline: bool,
}

#[derive(Serialize)]
struct RelationRowView {
    id: i64,
    label: &'static str,
    other_id: i64,
    other_name: String,
    other_kind: ItemKind,
    other_retired: bool,
}

#[derive(Serialize)]
struct RelationChoice {
    value: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct ItemView {
    id: i64,
    kind: ItemKind,
    kind_name: &'static str,
    kind_plural: &'static str,
    name: String,
    version: i32,
    retired: bool,
    facts: Vec<FactView>,
    systems: Vec<RelationRowView>,
    /// The relations on this page of them, and where they are among all.
    relations: Vec<RelationRowView>,
    relations_total: usize,
    relations_first: usize,
    relations_last: usize,
    relations_previous: Option<String>,
    relations_next: Option<String>,
    relation_choices: Vec<RelationChoice>,
    /// The classification of an informationsmängd, or a system's levels.
    classification: Option<super::classification::SectionView>,
    may_change: bool,
    saved: bool,
    /// A lowering of a system's level waits for the CISO.
    pending: bool,
    problem: Option<String>,
}

/// The ways a record of `kind` can be related to another, as the page offers them: (form value, label).
fn relation_choices(lang: Lang, kind: ItemKind) -> Vec<RelationChoice> {
    let choice = |value, sv, en| RelationChoice {
        value,
        label: word(lang, sv, en),
    };
    match kind {
        ItemKind::ManagementObject => Vec::new(),
        ItemKind::InformationSet => vec![choice("held_by", "Lagras i systemet", "Held by the system")],
        ItemKind::System => vec![
            choice("runs_on", "Körs på systemet", "Runs on the system"),
            choice(
                "integrates_with",
                "Integrerar med systemet",
                "Integrates with the system",
            ),
            choice("holds", "Lagrar informationsmängden", "Holds the information set"),
        ],
    }
}

/// The label of a relation seen from one end.
fn relation_label(lang: Lang, kind: RelationKind, outgoing: bool) -> &'static str {
    match (kind, outgoing) {
        (RelationKind::HeldBy, true) => word(lang, "Lagras i", "Held by"),
        (RelationKind::HeldBy, false) => word(lang, "Lagrar", "Holds"),
        (RelationKind::RunsOn, true) => word(lang, "Körs på", "Runs on"),
        (RelationKind::RunsOn, false) => word(lang, "Plattform för", "Platform for"),
        (RelationKind::IntegratesWith, _) => word(lang, "Integrerar med", "Integrates with"),
    }
}

/// Relations shown per page of a record: a platform or a file server may hold thousands.
const RELATIONS_PER_PAGE: usize = 100;

async fn item_view(
    state: &AppState,
    user: &CurrentUser,
    env: &PageEnv,
    item: &inventory_item::Model,
    relations_page: usize,
) -> Result<ItemView, WebError> {
    let organisation_id = user.0.person.organisation_id;
    let kind = lis_store::inventory::kind_of(item);
    let names = Names::for_record(state, item).await?;
    let objects = lis_store::inventory::by_ids(&state.db, item.parent_id).await?;
    let fields = ItemFields::of(item);
    let facts = Field::of(kind)
        .filter(|f| *f != Field::Name)
        .map(|field| FactView {
            label: field_label(env.lang, field),
            value: display(env.lang, &names, &objects, &fields, field),
            href: (field == Field::ManagementObject)
                .then(|| item.parent_id.map(|id| format!("/items/{id}")))
                .flatten(),
            multiline: field == Field::Description,
        })
        .collect();
    let mut systems = Vec::new();
    if kind == ItemKind::ManagementObject {
        let mut query = ListQuery::new(ItemKind::System);
        query.parent_id = Some(item.id);
        query.per_page = 500;
        for system in lis_store::inventory::list(&state.db, organisation_id, &query)
            .await?
            .items
        {
            systems.push(RelationRowView {
                id: 0,
                label: "",
                other_id: system.id,
                other_kind: ItemKind::System,
                other_retired: false,
                other_name: system.name,
            });
        }
    }
    let all_relations = lis_store::inventory::relations_of(&state.db, item.id).await?;
    let relations_total = all_relations.len();
    let pages = relations_total.div_ceil(RELATIONS_PER_PAGE).max(1);
    let relations_page = relations_page.clamp(1, pages);
    let skip = (relations_page - 1) * RELATIONS_PER_PAGE;
    let relations: Vec<RelationRowView> = all_relations
        .into_iter()
        .skip(skip)
        .take(RELATIONS_PER_PAGE)
        .filter_map(|view| {
            let relation_kind = view.relation.kind.parse::<RelationKind>().ok()?;
            Some(RelationRowView {
                id: view.relation.id,
                label: relation_label(env.lang, relation_kind, view.outgoing),
                other_id: view.other.id,
                other_kind: view.other.kind(),
                other_retired: view.other.retired_at.is_some(),
                other_name: view.other.name,
            })
        })
        .collect();
    let relations_link = |page: usize| format!("/items/{}?relations={page}#relations", item.id);
    let resource = item_resource(state, user, item).await?;
    let may_change =
        item.retired_at.is_none() && lis_domain::authorize(&user.0.principal, Action::Change, resource).is_ok();
    Ok(ItemView {
        id: item.id,
        kind,
        kind_name: word(env.lang, kind.swedish(), kind.english()),
        kind_plural: plural(env.lang, kind),
        name: item.name.clone(),
        version: item.version,
        retired: item.retired_at.is_some(),
        facts,
        systems,
        relations_first: skip + 1,
        relations_last: skip + relations.len(),
        relations,
        relations_total,
        relations_previous: (relations_page > 1).then(|| relations_link(relations_page - 1)),
        relations_next: (relations_page < pages).then(|| relations_link(relations_page + 1)),
        relation_choices: relation_choices(env.lang, kind),
        classification: super::classification::section(state, user, env, item, may_change).await?,
        may_change,
        saved: false,
        pending: false,
        problem: None,
    })
}

/// The query of a record's page: whether it was just saved, and which page of its relations to show.
#[derive(Debug, Default, Deserialize)]
pub struct SavedParam {
    #[serde(default)]
    saved: String,
    /// The page of relations (from 1); anything else shows the first.
    #[serde(default)]
    relations: Option<String>,
}

/// `GET /items/{item}`: a record with every property and its relations both ways.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(item_id): Path<i64>,
    Query(params): Query<SavedParam>,
) -> Result<Html<String>, WebError> {
    let item = authorized_item(&state, &user, Action::View, item_id).await?;
    let relations_page = params.relations.as_deref().and_then(|p| p.parse().ok()).unwrap_or(1);
    let mut view = item_view(&state, &user, &env, &item, relations_page).await?;
    view.saved = params.saved == "1";
    view.pending = params.saved == "pending";
    page::render(&state, &env, "inventory_item.html", &view)
}

/// A record's page with a problem above it, answered with `status`.
pub(crate) async fn show_with_problem(
    state: &AppState,
    user: &CurrentUser,
    env: &PageEnv,
    item: &inventory_item::Model,
    status: StatusCode,
    problem: String,
) -> Result<Response, WebError> {
    let mut view = item_view(state, user, env, item, 1).await?;
    view.problem = Some(problem);
    let html = page::render(state, env, "inventory_item.html", &view)?;
    Ok((status, html).into_response())
}

// --- Forms ------------------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct InputView {
    name: &'static str,
    label: &'static str,
    input: &'static str,
    value: String,
    options: Vec<ChoiceView>,
    required: bool,
    problem: Option<String>,
}

#[derive(Serialize)]
struct ChangedView {
    label: &'static str,
    now: String,
}

#[derive(Serialize)]
struct FormView {
    kind: ItemKind,
    kind_name: &'static str,
    kind_plural: &'static str,
    action: String,
    cancel: String,
    item_id: Option<i64>,
    version: i32,
    inputs: Vec<InputView>,
    problems: Vec<String>,
    conflict: Vec<ChangedView>,
}

/// The values a form shows: property id → text (ids for references).
type FormValues = HashMap<String, String>;

fn values_of(fields: &ItemFields, kind: ItemKind) -> FormValues {
    Field::of(kind)
        .map(|field| {
            let value = match fields.reference(field) {
                Some(reference) => reference.map(|id| id.to_string()).unwrap_or_default(),
                None => fields.text(field),
            };
            (field.as_str().to_owned(), value)
        })
        .collect()
}

/// Reads a form into properties, naming each field that does not parse.
fn parse_values(kind: ItemKind, values: &FormValues) -> (ItemFields, BTreeMap<Field, ValueProblem>) {
    let mut fields = ItemFields::default();
    let mut problems = BTreeMap::new();
    for field in Field::of(kind) {
        let raw = values.get(field.as_str()).map(String::as_str).unwrap_or_default();
        let outcome = match fields.reference_mut(field) {
            Some(reference) => match raw.trim() {
                "" => Ok(()),
                id => id
                    .parse::<i64>()
                    .map(|id| *reference = Some(id))
                    .map_err(|_| ValueProblem::Unknown),
            },
            None => fields.set_text(field, raw),
        };
        if let Err(problem) = outcome {
            problems.insert(field, problem);
        }
    }
    (fields, problems)
}

fn problem_text(lang: Lang, problem: &ValueProblem) -> String {
    match lang {
        Lang::Sv => problem.swedish(),
        Lang::En => problem.english(),
    }
}

fn form_view(
    env: &PageEnv,
    names: &Names,
    kind: ItemKind,
    values: &FormValues,
    problems: &BTreeMap<Field, ValueProblem>,
) -> FormView {
    let lang = env.lang;
    let id = |field: Field| values.get(field.as_str()).and_then(|v| v.parse::<i64>().ok());
    let inputs = Field::of(kind)
        .map(|field| {
            let value = values.get(field.as_str()).cloned().unwrap_or_default();
            let (input, options) = match field {
                Field::Description => ("textarea", Vec::new()),
                Field::OrgUnit => ("select", unit_choices(&names.units, id(field))),
                Field::ManagementObject => (
                    "select",
                    names
                        .objects
                        .iter()
                        .map(|o| ChoiceView {
                            value: o.id.to_string(),
                            label: o.name.clone(),
                            selected: Some(o.id) == id(field),
                        })
                        .collect(),
                ),
                Field::ObjectOwner
                | Field::InformationOwner
                | Field::BusinessManager
                | Field::ItManager
                | Field::SystemManager => ("select", person_choices(&names.people, id(field))),
                Field::Hosting => (
                    "select",
                    choices(
                        Hosting::ALL,
                        Hosting::from_label(&value),
                        |h| h.swedish().to_owned(),
                        |h| word(lang, h.swedish(), h.english()).to_owned(),
                    ),
                ),
                Field::Lifecycle => (
                    "select",
                    choices(
                        Lifecycle::ALL,
                        Lifecycle::from_label(&value),
                        |l| l.swedish().to_owned(),
                        |l| word(lang, l.swedish(), l.english()).to_owned(),
                    ),
                ),
                Field::PersonalData | Field::Secrecy | Field::SecurityProtection => (
                    "select",
                    choices(
                        &["ja", "nej"],
                        Some(value.as_str()),
                        |v| v.to_owned(),
                        |v| {
                            if v == "ja" {
                                word(lang, "Ja", "Yes")
                            } else {
                                word(lang, "Nej", "No")
                            }
                            .to_owned()
                        },
                    ),
                ),
                _ => ("text", Vec::new()),
            };
            InputView {
                name: field.as_str(),
                label: field_label(lang, field),
                input,
                value,
                options,
                required: field == Field::Name,
                problem: problems.get(&field).map(|p| problem_text(lang, p)),
            }
        })
        .collect();
    FormView {
        kind,
        kind_name: word(lang, kind.swedish(), kind.english()),
        kind_plural: plural(lang, kind),
        action: String::new(),
        cancel: String::new(),
        item_id: None,
        version: 0,
        inputs,
        problems: problems
            .iter()
            .map(|(field, p)| format!("{}: {}", field_label(lang, *field), problem_text(lang, p)))
            .collect(),
        conflict: Vec::new(),
    }
}

/// Turns a refusal of the store into a problem on the field it concerns, when it concerns one.
fn field_problem(err: StoreError) -> Result<(Field, ValueProblem), WebError> {
    match err {
        StoreError::AlreadyExists {
            kind: "external_id", ..
        } => Ok((Field::ExternalId, ValueProblem::Taken)),
        StoreError::AlreadyExists {
            kind: "inventory_item", ..
        } => Ok((Field::Name, ValueProblem::Taken)),
        StoreError::NotFound { kind: "org_unit", .. } => Ok((Field::OrgUnit, ValueProblem::Unknown)),
        StoreError::NotFound {
            kind: "forvaltningsobjekt",
            ..
        } => Ok((Field::ManagementObject, ValueProblem::Unknown)),
        StoreError::NotFound { kind: "person", .. } => Ok((Field::ObjectOwner, ValueProblem::Unknown)),
        other => Err(other.into()),
    }
}

/// `GET /inventory/{kind}/new`: the form for a new record.
pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(raw_kind): Path<String>,
) -> Result<Html<String>, WebError> {
    let kind = kind_from_path(&raw_kind)?;
    user.authorize(&state, Action::Change, Resource::Inventory).await?;
    let names = Names::load(&state, user.0.person.organisation_id).await?;
    let mut values = FormValues::new();
    if kind == ItemKind::System {
        values.insert(
            Field::Lifecycle.as_str().to_owned(),
            Lifecycle::InUse.swedish().to_owned(),
        );
    }
    let mut view = form_view(&env, &names, kind, &values, &BTreeMap::new());
    view.action = format!("/inventory/{kind}");
    view.cancel = format!("/inventory/{kind}");
    page::render(&state, &env, "inventory_form.html", &view)
}

/// A submitted record form: the CSRF token, the version seen and the properties by id.
#[derive(Debug, Deserialize)]
pub struct ItemForm {
    csrf_token: String,
    /// Text, because a flattened form reads every value as text.
    #[serde(default)]
    version: String,
    #[serde(flatten)]
    values: FormValues,
}

/// `POST /inventory/{kind}`: creates a record, or shows the form again with every problem named.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(raw_kind): Path<String>,
    Form(form): Form<ItemForm>,
) -> Result<Response, WebError> {
    let kind = kind_from_path(&raw_kind)?;
    user.authorize(&state, Action::Change, Resource::Inventory).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let organisation_id = user.0.person.organisation_id;
    let (fields, mut problems) = parse_values(kind, &form.values);
    if problems.is_empty() {
        let txn = state.db.begin_change().await.map_err(db_error)?;
        match lis_store::inventory::create(&txn, &user.change_context(), organisation_id, kind, fields).await {
            Ok(created) => {
                txn.commit().await.map_err(db_error)?;
                return Ok(Redirect::to(&format!("/items/{}?saved=1", created.id)).into_response());
            }
            Err(err) => {
                let (field, problem) = field_problem(err)?;
                problems.insert(field, problem);
            }
        }
    }
    let names = Names::load(&state, organisation_id).await?;
    let mut view = form_view(&env, &names, kind, &form.values, &problems);
    view.action = format!("/inventory/{kind}");
    view.cancel = format!("/inventory/{kind}");
    let html = page::render(&state, &env, "inventory_form.html", &view)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

/// `GET /items/{item}/edit`: the form for changing a record.
pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(item_id): Path<i64>,
) -> Result<Html<String>, WebError> {
    let organisation_id = user.0.person.organisation_id;
    let item = authorized_item(&state, &user, Action::Change, item_id).await?;
    if item.retired_at.is_some() {
        return Err(WebError::NotFound);
    }
    let kind = lis_store::inventory::kind_of(&item);
    let names = Names::load(&state, organisation_id).await?;
    let mut view = form_view(
        &env,
        &names,
        kind,
        &values_of(&ItemFields::of(&item), kind),
        &BTreeMap::new(),
    );
    view.action = format!("/items/{item_id}");
    view.cancel = format!("/items/{item_id}");
    view.item_id = Some(item_id);
    view.version = item.version;
    page::render(&state, &env, "inventory_form.html", &view)
}

/// `POST /items/{item}`: saves a record. Someone else's newer save is not overwritten: the form comes back with
/// what the person wrote and, beside it, what is saved now.
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(item_id): Path<i64>,
    Form(form): Form<ItemForm>,
) -> Result<Response, WebError> {
    let organisation_id = user.0.person.organisation_id;
    let item = authorized_item(&state, &user, Action::Change, item_id).await?;
    user.1.check_csrf(&form.csrf_token)?;
    if item.retired_at.is_some() {
        return Err(WebError::NotFound);
    }
    let kind = lis_store::inventory::kind_of(&item);
    let (fields, mut problems) = parse_values(kind, &form.values);
    let mut conflict_with = None;
    if problems.is_empty() {
        let txn = state.db.begin_change().await.map_err(db_error)?;
        let ctx = user.change_context();
        let seen = form.version.trim().parse().unwrap_or(0);
        match lis_store::inventory::update(&txn, &ctx, organisation_id, item_id, fields.clone(), seen).await {
            Ok(_) => {
                txn.commit().await.map_err(db_error)?;
                return Ok(Redirect::to(&format!("/items/{item_id}?saved=1")).into_response());
            }
            Err(StoreError::Conflict { .. }) => {
                drop(txn);
                conflict_with = Some(lis_store::inventory::get(&state.db, organisation_id, item_id).await?);
            }
            Err(err) => {
                let (field, problem) = field_problem(err)?;
                problems.insert(field, problem);
            }
        }
    }
    let names = Names::load(&state, organisation_id).await?;
    let mut view = form_view(&env, &names, kind, &form.values, &problems);
    view.action = format!("/items/{item_id}");
    view.cancel = format!("/items/{item_id}");
    view.item_id = Some(item_id);
    view.version = form.version.trim().parse().unwrap_or(0);
    let status = match conflict_with {
        Some(current) => {
            let now = ItemFields::of(&current);
            let objects = lis_store::inventory::by_ids(&state.db, now.parent_id).await?;
            let mine = values_of(&fields, kind);
            let saved = values_of(&now, kind);
            view.conflict = Field::of(kind)
                .filter(|&field| mine.get(field.as_str()) != saved.get(field.as_str()))
                .map(|field| ChangedView {
                    label: field_label(env.lang, field),
                    now: display(env.lang, &names, &objects, &now, field),
                })
                .collect();
            // The next save is made knowingly over the version shown here.
            view.version = current.version;
            StatusCode::CONFLICT
        }
        None => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let html = page::render(&state, &env, "inventory_form.html", &view)?;
    Ok((status, html).into_response())
}

/// The form of a button that acts on a record: the CSRF token and the version seen.
#[derive(Debug, Deserialize)]
pub struct VersionForm {
    csrf_token: String,
    #[serde(default)]
    version: i32,
}

/// `POST /items/{item}/retire`: retires a record (kept with its history; it leaves the lists).
pub async fn retire(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(item_id): Path<i64>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    let organisation_id = user.0.person.organisation_id;
    authorized_item(&state, &user, Action::Change, item_id).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let txn = state.db.begin_change().await.map_err(db_error)?;
    let problem = match lis_store::inventory::retire(
        &txn,
        &user.change_context(),
        organisation_id,
        item_id,
        form.version,
    )
    .await
    {
        Ok(_) => {
            txn.commit().await.map_err(db_error)?;
            return Ok(Redirect::to(&format!("/items/{item_id}?saved=1")).into_response());
        }
        Err(StoreError::RetireBlocked { names }) => (
            StatusCode::CONFLICT,
            match env.lang {
                Lang::Sv => format!(
                    "Förvaltningsobjektet har system i drift. Avveckla eller flytta dem först: {}.",
                    names.join(", ")
                ),
                Lang::En => format!(
                    "The förvaltningsobjekt has systems in use. Retire or move them first: {}.",
                    names.join(", ")
                ),
            },
        ),
        Err(StoreError::Conflict { .. }) => (
            StatusCode::CONFLICT,
            word(
                env.lang,
                "Någon annan har ändrat posten sedan du öppnade den. Se efter hur den ser ut nu och försök igen.",
                "Someone else changed the record since you opened it. Check how it looks now and try again.",
            )
            .to_owned(),
        ),
        Err(err) => return Err(err.into()),
    };
    drop(txn);
    let item = lis_store::inventory::get(&state.db, organisation_id, item_id).await?;
    show_with_problem(&state, &user, &env, &item, problem.0, problem.1).await
}

/// The form that relates a record to another: how, and the other record's name or external id.
#[derive(Debug, Deserialize)]
pub struct RelateForm {
    csrf_token: String,
    relation: String,
    #[serde(default)]
    other: String,
}

/// `POST /items/{item}/relations`: relates the record to another, named by its name or external id.
pub async fn relate(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(item_id): Path<i64>,
    Form(form): Form<RelateForm>,
) -> Result<Response, WebError> {
    let organisation_id = user.0.person.organisation_id;
    let item = authorized_item(&state, &user, Action::Change, item_id).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let kind = lis_store::inventory::kind_of(&item);
    // (relation, whether this record is its `from` end, the kind of the other record)
    let how = match (kind, form.relation.as_str()) {
        (ItemKind::InformationSet, "held_by") => Some((RelationKind::HeldBy, true, ItemKind::System)),
        (ItemKind::System, "runs_on") => Some((RelationKind::RunsOn, true, ItemKind::System)),
        (ItemKind::System, "integrates_with") => Some((RelationKind::IntegratesWith, true, ItemKind::System)),
        (ItemKind::System, "holds") => Some((RelationKind::HeldBy, false, ItemKind::InformationSet)),
        _ => None,
    };
    let Some((relation, outgoing, other_kind)) = how else {
        return Err(WebError::BadForm(format!("unknown relation {:?}", form.relation)));
    };
    let other = match lis_store::inventory::find_by_reference(&state.db, organisation_id, other_kind, &form.other).await
    {
        Ok(other) => other,
        Err(problem) => {
            let text = format!(
                "{} ”{}” {}",
                word(env.lang, other_kind.swedish(), other_kind.english()),
                form.other.trim(),
                problem_text(env.lang, &problem)
            );
            return show_with_problem(&state, &user, &env, &item, StatusCode::UNPROCESSABLE_ENTITY, text).await;
        }
    };
    let (from, to) = if outgoing {
        (item.id, other.id)
    } else {
        (other.id, item.id)
    };
    let txn = state.db.begin_change().await.map_err(db_error)?;
    let problem =
        match lis_store::inventory::relate(&txn, &user.change_context(), organisation_id, relation, from, to).await {
            Ok(_) => {
                txn.commit().await.map_err(db_error)?;
                return Ok(Redirect::to(&format!("/items/{item_id}?saved=1#relations")).into_response());
            }
            Err(StoreError::Cycle { names }) => match env.lang {
                Lang::Sv => format!(
                    "Det skulle bli en cirkel: {}. Ett system kan inte köras på sig självt.",
                    names.join(" → ")
                ),
                Lang::En => format!(
                    "That would make a cycle: {}. A system cannot run on itself.",
                    names.join(" → ")
                ),
            },
            Err(StoreError::AlreadyExists { .. }) => {
                word(env.lang, "Sambandet finns redan.", "The relation exists already.").to_owned()
            }
            Err(err) => return Err(err.into()),
        };
    drop(txn);
    show_with_problem(&state, &user, &env, &item, StatusCode::UNPROCESSABLE_ENTITY, problem).await
}

/// `POST /items/{item}/relations/{relation}/remove`: removes one of the record's relations.
pub async fn unrelate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((item_id, relation_id)): Path<(i64, i64)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    let organisation_id = user.0.person.organisation_id;
    authorized_item(&state, &user, Action::Change, item_id).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let relation = lis_store::inventory::relation(&state.db, organisation_id, relation_id).await?;
    if relation.from_item_id != item_id && relation.to_item_id != item_id {
        return Err(WebError::NotFound);
    }
    let txn = state.db.begin_change().await.map_err(db_error)?;
    lis_store::inventory::unrelate(&txn, &user.change_context(), organisation_id, relation_id).await?;
    txn.commit().await.map_err(db_error)?;
    Ok(Redirect::to(&format!("/items/{item_id}?saved=1#relations")).into_response())
}

// --- Mina objekt --------------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct MineGroup {
    title: &'static str,
    columns: Vec<&'static str>,
    rows: Vec<RowView>,
}

#[derive(Serialize)]
struct MineView {
    groups: Vec<MineGroup>,
}

/// `GET /mine`: "Mina objekt", everything the signed-in person is named on.
pub async fn mine(State(state): State<AppState>, user: CurrentUser, env: PageEnv) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::OwnAccount).await?;
    let organisation_id = user.0.person.organisation_id;
    let items = lis_store::inventory::mine(&state.db, organisation_id, user.0.person.id).await?;
    let names = Names::load(&state, organisation_id).await?;
    let objects = lis_store::inventory::by_ids(&state.db, items.iter().filter_map(|i| i.parent_id)).await?;
    let groups = ItemKind::ALL
        .iter()
        .map(|&kind| {
            let columns = list_columns(kind);
            MineGroup {
                title: plural(env.lang, kind),
                columns: columns.iter().map(|&f| field_label(env.lang, f)).collect(),
                rows: items
                    .iter()
                    .filter(|item| lis_store::inventory::kind_of(item) == kind)
                    .map(|item| {
                        let fields = ItemFields::of(item);
                        RowView {
                            id: item.id,
                            name: item.name.clone(),
                            external_id: item.external_id.clone(),
                            retired: false,
                            cells: columns
                                .iter()
                                .map(|&f| display(env.lang, &names, &objects, &fields, f))
                                .collect(),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    page::render(&state, &env, "inventory_mine.html", &MineView { groups })
}
