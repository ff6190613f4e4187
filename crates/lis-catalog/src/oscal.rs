//! OSCAL export: the catalogue as an OSCAL 1.1.2 catalog (themes as groups, controls with their requirements as
//! parts; aspects, rules and references as properties in LIS's namespace), and one OSCAL profile per protection
//! level that selects the controls and requirements that level gives.
//!
//! Exports are reproducible: identifiers are name-based UUIDs derived from the catalogue's id and version, and the
//! timestamp is the catalogue's release date, so exporting twice gives the same bytes.

use lis_domain::aspect::Profile;
use serde_json::{Value, json};

use crate::{Catalog, Requirement, RequirementKind, Texts};

/// The namespace of LIS's own OSCAL properties and part names.
pub const NAMESPACE: &str = "urn:lis:oscal";

/// The OSCAL version the exports follow.
pub const OSCAL_VERSION: &str = "1.1.2";

/// The file name the profiles use to import the catalog.
pub fn catalog_file_name(catalog: &Catalog) -> String {
    format!("{}-{}-catalog.json", catalog.meta.id, catalog.meta.version)
}

fn uuid_for(catalog: &Catalog, what: &str) -> String {
    let name = format!("{}/{}/{what}", catalog.meta.id, catalog.meta.version);
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes()).to_string()
}

fn prop(name: &str, value: impl Into<String>) -> Value {
    json!({ "name": name, "ns": NAMESPACE, "value": value.into() })
}

/// An OSCAL token for a control: `a-5.1` for Annex A control 5.1 (tokens may not start with a digit).
pub fn control_token(control_id: &str) -> String {
    format!("a-{control_id}")
}

fn metadata(catalog: &Catalog, title: String) -> Value {
    json!({
        "title": title,
        "last-modified": format!("{}T00:00:00Z", catalog.meta.released),
        "version": catalog.meta.version,
        "oscal-version": OSCAL_VERSION,
        "props": [
            prop("issuer", catalog.meta.issuer.clone()),
            prop("licence", catalog.meta.licence.clone()),
            prop("language", "sv"),
        ],
    })
}

fn translated(name: &str, id: &str, texts: &Texts) -> Value {
    json!({ "id": id, "name": name, "ns": NAMESPACE, "props": [prop("language", "en")], "prose": texts.en })
}

fn requirement_part(requirement: &Requirement) -> Value {
    let token = requirement.id.to_lowercase();
    let mut props = vec![
        prop("applies", requirement.applies.to_string()),
        prop(
            "kind",
            match requirement.kind {
                RequirementKind::Generell => "generell",
                RequirementKind::Nivaberoende => "nivåberoende",
            },
        ),
    ];
    props.extend(
        requirement
            .aspects
            .iter()
            .map(|a| prop("aspect", a.letter().to_string())),
    );
    props.extend(requirement.msbfs_2020_7.iter().map(|s| prop("msbfs-2020-7", s.clone())));
    props.extend(
        requirement
            .cybersakerhetslagen
            .iter()
            .map(|p| prop("cybersakerhetslagen-2-kap-3", p.to_string())),
    );
    json!({
        "id": token,
        "name": "item",
        "title": requirement.id,
        "props": props,
        "prose": requirement.text.sv,
        "parts": [
            translated("translation", &format!("{token}_en"), &requirement.text),
            { "id": format!("{token}_ska"), "name": "procurement", "ns": NAMESPACE, "prose": requirement.procurement.sv },
            translated("procurement-translation", &format!("{token}_ska_en"), &requirement.procurement),
        ],
    })
}

/// The catalogue as an OSCAL catalog document.
pub fn catalog_document(catalog: &Catalog) -> Value {
    let groups: Vec<Value> = catalog
        .themes
        .iter()
        .map(|theme| {
            let controls: Vec<Value> = catalog
                .controls
                .iter()
                .filter(|c| c.theme == theme.id)
                .map(|control| {
                    let mut props = vec![json!({ "name": "label", "value": control.id })];
                    props.extend(control.aspects.iter().map(|a| prop("aspect", a.letter().to_string())));
                    props.extend(control.iso2013.iter().map(|id| prop("iso-27001-2013", id.clone())));
                    props.push(prop("information-system", control.information_system.to_string()));
                    let items: Vec<Value> =
                        catalog.requirements.iter().filter(|r| r.control == control.id).map(requirement_part).collect();
                    let token = control_token(&control.id);
                    let mut parts = vec![translated("title-translation", &format!("{token}_title_en"), &control.title)];
                    if !items.is_empty() {
                        parts.push(json!({ "id": format!("{token}_smt"), "name": "statement", "parts": items }));
                    }
                    json!({ "id": token, "class": "iso-27001-2022-annex-a", "title": control.title.sv, "props": props, "parts": parts })
                })
                .collect();
            json!({ "id": theme.id, "class": "theme", "title": theme.name.sv, "controls": controls })
        })
        .filter(|group| group["controls"].as_array().is_some_and(|c| !c.is_empty()))
        .collect();
    json!({
        "catalog": {
            "uuid": uuid_for(catalog, "catalog"),
            "metadata": metadata(catalog, catalog.meta.title.sv.clone()),
            "groups": groups,
        }
    })
}

/// An OSCAL profile for protection level `level`: the controls and requirements a classification with every
/// aspect at that level gives. `None` when the level routes to a separate analysis or is not on the scale.
pub fn profile_document(catalog: &Catalog, level: u8) -> Option<Value> {
    let definition = catalog
        .levels
        .iter()
        .find(|l| l.value == level && !l.separate_analysis)?;
    let profile = Profile::new(level, level, level, level);
    let applicable = catalog.applicable(&profile);
    let mut with_ids = Vec::new();
    let mut alters = Vec::new();
    for control in &catalog.controls {
        let all: Vec<&Requirement> = catalog
            .requirements
            .iter()
            .filter(|r| r.control == control.id)
            .collect();
        let chosen: Vec<&&Requirement> = all.iter().filter(|r| applicable.iter().any(|a| a.id == r.id)).collect();
        if chosen.is_empty() {
            continue;
        }
        let token = control_token(&control.id);
        with_ids.push(Value::String(token.clone()));
        let removed: Vec<Value> = all
            .iter()
            .filter(|r| !applicable.iter().any(|a| a.id == r.id))
            .map(|r| json!({ "by-id": r.id.to_lowercase() }))
            .collect();
        if !removed.is_empty() {
            alters.push(json!({ "control-id": token, "removes": removed }));
        }
    }
    let title = format!(
        "{} – {} {level} ({})",
        catalog.meta.title.sv, "skyddsnivå", definition.name.sv
    );
    let mut document = json!({
        "profile": {
            "uuid": uuid_for(catalog, &format!("profile-{level}")),
            "metadata": metadata(catalog, title),
            "imports": [ { "href": catalog_file_name(catalog), "include-controls": [ { "with-ids": with_ids } ] } ],
            "merge": { "as-is": true },
        }
    });
    if !alters.is_empty() {
        document["profile"]["modify"] = json!({ "alters": alters });
    }
    Some(document)
}
