//! The generated municipality: an org tree, people, förvaltningsobjekt, systems (platforms in layers and the
//! applications that run on them), informationsmängder and their relations, with Swedish names combined from word
//! lists. Everything comes from one seeded random generator, so the same seed and size give the same municipality.
//!
//! References between records are indices into the lists here; [`crate::load`] turns them into database ids.

use std::collections::HashSet;

use lis_domain::OrgUnitKind;
use lis_domain::inventory::{Field, Hosting, ItemKind, Lifecycle, RelationKind};
use lis_store::inventory::ItemFields;
use lis_store::inventory_import::{Column, RowKind};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// How large the municipality is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Size {
    /// Nämnder, each with its förvaltning.
    pub boards: usize,
    /// Avdelningar per förvaltning.
    pub departments_per_administration: usize,
    /// People.
    pub people: usize,
    /// Förvaltningsobjekt.
    pub objects: usize,
    /// Systems, platforms included.
    pub systems: usize,
    /// Informationsmängder stored before the import.
    pub information_sets: usize,
    /// Integrations between systems.
    pub integrations: usize,
    /// New informationsmängder in the import file.
    pub import_rows: usize,
    /// Rows of the import file that are planned while readers use the lists.
    pub concurrent_plan_rows: usize,
}

impl Size {
    /// The large municipality of issue #5: 4 000 systems, 400 förvaltningsobjekt, 60 000 informationsmängder and
    /// about 150 000 relations, with an import file of 60 000 new informationsmängder.
    pub fn full() -> Self {
        Self {
            boards: BOARDS.len(),
            departments_per_administration: 7,
            people: 1_500,
            objects: 400,
            systems: 4_000,
            information_sets: 60_000,
            integrations: 24_000,
            import_rows: 60_000,
            concurrent_plan_rows: 50_000,
        }
    }

    /// The full size times `factor` (at least a handful of each), for smoke tests.
    pub fn scaled(factor: f64) -> Self {
        let full = Self::full();
        let times = |n: usize, least: usize| -> usize {
            let scaled = (n as f64 * factor).round() as usize;
            scaled.clamp(least, n.max(least))
        };
        Self {
            boards: times(full.boards, 2),
            departments_per_administration: times(full.departments_per_administration, 2),
            people: times(full.people, 20),
            objects: times(full.objects, 4),
            systems: times(full.systems, 40),
            information_sets: times(full.information_sets, 60),
            integrations: times(full.integrations, 20),
            import_rows: times(full.import_rows, 60),
            concurrent_plan_rows: times(full.concurrent_plan_rows, 50),
        }
    }
}

/// A unit of the org tree.
#[derive(Clone, Debug)]
pub struct Unit {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: OrgUnitKind,
    /// The unit above, as an index into [`Municipality::units`]; parents come before their children.
    pub parent: Option<usize>,
}

/// A person.
#[derive(Clone, Debug)]
pub struct Person {
    /// The name shown.
    pub name: String,
    /// The e-mail address, unique.
    pub email: String,
}

/// A record of the inventory, with its references as indices.
#[derive(Clone, Debug)]
pub struct Item {
    /// The properties that are not references.
    pub fields: ItemFields,
    /// The org unit (förvaltningsobjekt, informationsmängd), an index into [`Municipality::units`].
    pub org_unit: Option<usize>,
    /// The förvaltningsobjekt (system), an index into [`Municipality::objects`].
    pub parent: Option<usize>,
    /// Objektsägare or informationsägare, an index into [`Municipality::people`].
    pub owner: Option<usize>,
    /// Förvaltningsledare verksamhet.
    pub business_manager: Option<usize>,
    /// Förvaltningsledare IT.
    pub it_manager: Option<usize>,
    /// Systemförvaltare.
    pub system_manager: Option<usize>,
    /// Whether the record is retired.
    pub retired: bool,
}

impl Item {
    fn new(fields: ItemFields) -> Self {
        Self {
            fields,
            org_unit: None,
            parent: None,
            owner: None,
            business_manager: None,
            it_manager: None,
            system_manager: None,
            retired: false,
        }
    }
}

/// One end of a relation: a kind and an index into that kind's list.
pub type ItemRef = (ItemKind, usize);

/// A relation between two records.
#[derive(Clone, Copy, Debug)]
pub struct Relation {
    /// How they relate.
    pub kind: RelationKind,
    /// The `from` end.
    pub from: ItemRef,
    /// The `to` end.
    pub to: ItemRef,
}

/// A new informationsmängd of the import file and the systems (indices) that hold it.
#[derive(Clone, Debug)]
pub struct ImportRow {
    /// The record.
    pub item: Item,
    /// Indices into [`Municipality::systems`].
    pub held_by: Vec<usize>,
}

/// The whole generated municipality.
#[derive(Clone, Debug)]
pub struct Municipality {
    /// The organisation's name.
    pub name: String,
    /// The org tree, parents first.
    pub units: Vec<Unit>,
    /// The people.
    pub people: Vec<Person>,
    /// Förvaltningsobjekt.
    pub objects: Vec<Item>,
    /// Systems; the first [`Municipality::platforms`] of them are platforms.
    pub systems: Vec<Item>,
    /// How many of the systems are platforms.
    pub platforms: usize,
    /// Informationsmängder.
    pub information_sets: Vec<Item>,
    /// Every relation.
    pub relations: Vec<Relation>,
    /// The import file's rows.
    pub import_rows: Vec<ImportRow>,
    /// The förvaltning (an index into [`Municipality::units`]) the lists are filtered on.
    pub filter_unit: usize,
    /// The search term of the lists.
    pub search: &'static str,
}

/// (nämnd, förvaltning, short name, subjects of its förvaltningsobjekt, kind of its enheter)
const BOARDS: &[(&str, &str, &str, &[&str], &str)] = &[
    (
        "Kommunstyrelsen",
        "Kommunledningsförvaltningen",
        "KLF",
        &[
            "Ekonomi",
            "Lön och personal",
            "Upphandling",
            "Dokument- och ärendehantering",
            "Kommunikation",
            "Säkerhet",
        ],
        "Kansli",
    ),
    (
        "Barn- och utbildningsnämnden",
        "Barn- och utbildningsförvaltningen",
        "BUF",
        &[
            "Förskola",
            "Grundskola",
            "Elevhälsa",
            "Skolskjuts",
            "Fritidshem",
            "Modersmål",
        ],
        "Förskolan",
    ),
    (
        "Gymnasie- och vuxenutbildningsnämnden",
        "Gymnasie- och vuxenutbildningsförvaltningen",
        "GVF",
        &[
            "Gymnasieskola",
            "Komvux",
            "SFI",
            "Lärlingsutbildning",
            "Studie- och yrkesvägledning",
        ],
        "Skolan",
    ),
    (
        "Socialnämnden",
        "Socialförvaltningen",
        "SOC",
        &[
            "Barn och unga",
            "Ekonomiskt bistånd",
            "Beroende",
            "Familjerätt",
            "Våld i nära relationer",
        ],
        "Socialkontoret",
    ),
    (
        "Vård- och omsorgsnämnden",
        "Vård- och omsorgsförvaltningen",
        "VOF",
        &[
            "Hemtjänst",
            "Särskilt boende",
            "Hemsjukvård",
            "Rehabilitering",
            "Trygghetslarm",
        ],
        "Hemtjänst",
    ),
    (
        "Funktionsstödsnämnden",
        "Funktionsstödsförvaltningen",
        "FSF",
        &["LSS-insatser", "Daglig verksamhet", "Personlig assistans", "Boendestöd"],
        "Gruppbostad",
    ),
    (
        "Arbetsmarknadsnämnden",
        "Arbetsmarknadsförvaltningen",
        "AMF",
        &[
            "Arbetsmarknadsinsatser",
            "Feriearbete",
            "Etablering",
            "Vuxenutbildning i samverkan",
        ],
        "Jobbcenter",
    ),
    (
        "Kultur- och fritidsnämnden",
        "Kultur- och fritidsförvaltningen",
        "KFF",
        &[
            "Bibliotek",
            "Kulturskola",
            "Idrottsanläggningar",
            "Fritidsgårdar",
            "Föreningsbidrag",
        ],
        "Biblioteket",
    ),
    (
        "Samhällsbyggnadsnämnden",
        "Samhällsbyggnadsförvaltningen",
        "SBF",
        &[
            "Bygglov",
            "Detaljplanering",
            "Lantmäteri",
            "Geografisk information",
            "Bostadsanpassning",
        ],
        "Team",
    ),
    (
        "Miljö- och hälsoskyddsnämnden",
        "Miljöförvaltningen",
        "MHF",
        &["Miljötillsyn", "Livsmedelskontroll", "Miljöövervakning", "Hälsoskydd"],
        "Inspektionsgrupp",
    ),
    (
        "Tekniska nämnden",
        "Tekniska förvaltningen",
        "TKF",
        &["Gata och trafik", "Park", "Vatten och avlopp", "Avfall", "Parkering"],
        "Driftgrupp",
    ),
    (
        "Fastighetsnämnden",
        "Fastighetsförvaltningen",
        "FAF",
        &[
            "Lokalförsörjning",
            "Fastighetsdrift",
            "Energi",
            "Projekt och investering",
        ],
        "Driftområde",
    ),
    (
        "Servicenämnden",
        "Serviceförvaltningen",
        "SEF",
        &["Måltider", "Lokalvård", "Fordon", "Kontaktcenter", "Tryckeri"],
        "Kök",
    ),
    (
        "Räddningsnämnden",
        "Räddningstjänsten",
        "RTJ",
        &[
            "Larm och ledning",
            "Förebyggande",
            "Tillsyn enligt LSO",
            "Räddningsinsats",
        ],
        "Brandstation",
    ),
    (
        "Överförmyndarnämnden",
        "Överförmyndarförvaltningen",
        "ÖFN",
        &["Ställföreträdare", "Tillsyn av ställföreträdare", "Arvoden"],
        "Handläggargrupp",
    ),
    (
        "Valnämnden",
        "Valkansliet",
        "VAL",
        &["Valgenomförande", "Röstmottagning", "Vallokaler"],
        "Valdistrikt",
    ),
    (
        "Digitaliseringsnämnden",
        "Digitaliseringsförvaltningen",
        "DIG",
        &[
            "IT-drift",
            "E-tjänster",
            "Infrastruktur",
            "Identitet och behörighet",
            "Integration",
        ],
        "Driftteam",
    ),
    (
        "Näringslivsnämnden",
        "Näringslivsförvaltningen",
        "NLF",
        &["Företagsservice", "Besöksnäring", "Etableringar", "Evenemang"],
        "Servicepunkt",
    ),
];

const COMPANIES: &[&str] = &[
    "Storkommun Bostäder AB",
    "Storkommun Energi AB",
    "Storkommun Vatten AB",
    "Storkommuns Hamn AB",
];

const COMMON_DEPARTMENTS: &[&str] = &[
    "Administrativa avdelningen",
    "Ekonomiavdelningen",
    "HR-avdelningen",
    "Avdelningen för kvalitet och utveckling",
    "Avdelningen för verksamhetsstöd",
    "Kommunikationsavdelningen",
    "Digitaliseringsavdelningen",
];

const PLACES: &[&str] = &[
    "Björkbacken",
    "Ekdalen",
    "Lindhagen",
    "Rönnlunden",
    "Granviken",
    "Tallängen",
    "Hasselberga",
    "Ålgården",
    "Sjötorp",
    "Kvarnbacken",
    "Solhem",
    "Ängby",
    "Norrmalm",
    "Söderby",
    "Österäng",
    "Västerhagen",
    "Bergsjö",
    "Stenhagen",
    "Åkerlund",
    "Mossen",
    "Lövsta",
    "Strandby",
    "Kyrkbyn",
    "Hamnen",
    "Centrum",
    "Skogsbo",
    "Ljungby",
    "Furulund",
    "Vallby",
    "Örby",
];

const FIRST_NAMES: &[&str] = &[
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Emma", "Kerstin", "Ingrid", "Malin", "Sofia", "Linnea", "Elin",
    "Johanna", "Ida", "Hanna", "Marie", "Helena", "Annika", "Camilla", "Erik", "Lars", "Karl", "Anders", "Johan",
    "Per", "Nils", "Mikael", "Jan", "Hans", "Peter", "Fredrik", "Daniel", "Mattias", "Magnus", "Andreas", "Jonas",
    "Oskar", "Gustav", "Ali", "Amir", "Fatima", "Leila", "Mohammed", "Aida", "Niklas", "Tove", "Åsa", "Örjan", "Björn",
];

const LAST_NAMES: &[&str] = &[
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Lindström",
    "Olofsson",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lind",
    "Lundgren",
    "Lundqvist",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Ali",
    "Mohammed",
    "Engström",
    "Eklund",
    "Danielsson",
    "Lundin",
    "Håkansson",
    "Björk",
    "Bergman",
    "Gunnarsson",
    "Holm",
    "Wikström",
];

const OBJECT_SUFFIXES: &[&str] = &[
    "",
    " – verksamhetssystem",
    " – e-tjänster",
    " – dokumentation och arkiv",
    " – planering och uppföljning",
    " – ekonomi och uppföljning",
    " – kommunikation",
    " – statistik och analys",
    " – administration",
    " – mobila lösningar",
];

const SYSTEM_STEMS: &[&str] = &[
    "Ekonomi",
    "Budget",
    "Faktura",
    "Lön",
    "Elev",
    "Skol",
    "Förskole",
    "Närvaro",
    "Schema",
    "Betygs",
    "Vård",
    "Omsorgs",
    "Hemtjänst",
    "Journal",
    "Bistånds",
    "Ärende",
    "Diarie",
    "Arkiv",
    "Dokument",
    "Avtals",
    "Upphandlings",
    "Bygglov",
    "Plan",
    "Kart",
    "GIS",
    "Miljö",
    "Tillsyns",
    "Livsmedels",
    "Fastighets",
    "Lokal",
    "Energi",
    "Fordons",
    "Kost",
    "Bibliotek",
    "Boknings",
    "Förenings",
    "Kultur",
    "Larm",
    "Insats",
    "Val",
    "Kontakt",
    "Kund",
    "Besöks",
    "Intranät",
    "Webb",
    "Signerings",
    "Identitets",
    "Behörighets",
    "Rapport",
    "Statistik",
    "Analys",
    "Projekt",
    "Tids",
    "Resurs",
    "Personal",
    "Rekryterings",
    "Utbildnings",
    "Taxe",
    "Parkerings",
    "Avfalls",
];

const SYSTEM_SUFFIXES: &[&str] = &[
    "system",
    "portalen",
    "stöd",
    "tjänsten",
    "registret",
    "modulen",
    " Online",
    " Pro",
    " 360",
    " Webb",
    " Admin",
    " Mobil",
    " Go",
    " Flex",
    " Plus",
    " Moln",
    " Connect",
    "appen",
    "verktyget",
    " Insikt",
    " Center",
    "kollen",
    "planeraren",
    " Direkt",
    " Bas",
    " Expert",
    " Nav",
    " Process",
    " Arkiv",
    " Analys",
];

const PLATFORM_BASE: &[&str] = &[
    "Datacenter Norr",
    "Datacenter Söder",
    "Nätverk kärna",
    "Lagringsplattform SAN",
    "Backupplattform",
    "Molnplattform landningszon",
    "Samarbetsplattform Microsoft 365",
    "Katalogtjänst AD",
    "Brandväggskluster",
    "Virtualiseringsplattform",
];

const PLATFORM_MIDDLE: &[&str] = &[
    "Databaskluster SQL",
    "Applikationsserverkluster",
    "Containerkluster",
    "Terminalservermiljö",
    "Integrationsplattform",
    "Filserverkluster",
    "Webbserverkluster",
    "Meddelandekö",
];

const PLATFORM_TOP: &[&str] = &["Virtuell server", "Databasinstans", "Webbserver", "Applikationsserver"];

const SUPPLIERS: &[&str] = &[
    "Nordsoft AB",
    "Kommundata Sverige AB",
    "Skolplattform Norden AB",
    "Vårdsystem i Sverige AB",
    "Ekonomisystem Mälardalen AB",
    "Geodata Nord AB",
    "Ärendesystem AB",
    "Molntjänster Europa AB",
    "Infrastrukturpartner AB",
    "Integrationshuset AB",
    "Bibliotekssystem AB",
    "Säker Drift i Norr AB",
    "Digitala tjänster Öst AB",
    "Lönesystem Väst AB",
    "Fastighetsdata AB",
    "Insatsledning Sverige AB",
    "Kommunens egen utveckling",
];

const TAGS: &[&str] = &[
    "personuppgifter",
    "kritisk",
    "e-tjänst",
    "mobil",
    "arkiv",
    "molntjänst",
    "integration",
    "sekretess",
    "nis2",
    "medborgare",
    "intern",
    "ekonomi",
];

const INFORMATION_SUBJECTS: &[&str] = &[
    "Elevakter",
    "Betygsuppgifter",
    "Närvarouppgifter",
    "Elevhälsojournaler",
    "Skolskjutsbeslut",
    "Placeringar i förskola",
    "Avgiftsunderlag barnomsorg",
    "Patientjournaler",
    "Biståndsbeslut",
    "Genomförandeplaner",
    "Avvikelserapporter",
    "Läkemedelslistor",
    "Trygghetslarmsuppgifter",
    "Utredningar barn och unga",
    "Ansökningar om ekonomiskt bistånd",
    "Utbetalningar av ekonomiskt bistånd",
    "Familjerättsärenden",
    "Orosanmälningar",
    "Personalakter",
    "Löneunderlag",
    "Tidrapporter",
    "Rekryteringsärenden",
    "Rehabiliteringsärenden",
    "Leverantörsfakturor",
    "Kundfakturor",
    "Ekonomiska rapporter",
    "Budgetunderlag",
    "Ekonomiska prognoser",
    "Bokföringsunderlag",
    "Ekonomiunderlag för investeringar",
    "Anläggningsregister",
    "Avtal",
    "Upphandlingsdokument",
    "Diarium",
    "Delegationsbeslut",
    "Protokoll",
    "Bygglovsärenden",
    "Detaljplaner",
    "Grundkartor",
    "Fastighetsuppgifter",
    "Adressregister",
    "Tillsynsärenden",
    "Livsmedelsregistreringar",
    "Miljörapporter",
    "Mätdata vatten",
    "Abonnentregister VA",
    "Avfallsabonnemang",
    "Felanmälningar",
    "Lokalbokningar",
    "Föreningsregister",
    "Bidragsansökningar",
    "Låntagarregister",
    "Kursanmälningar kulturskola",
    "Insatsrapporter",
    "Tillsynsprotokoll LSO",
    "Larmloggar",
    "Ställföreträdarakter",
    "Årsräkningar",
    "Röstlängder",
    "Valresultat",
    "Medborgardialoger",
    "Synpunkter och klagomål",
    "Webbstatistik",
    "Behörighetsloggar",
    "Säkerhetsloggar",
    "Användarkonton",
    "Driftdokumentation",
    "Incidentrapporter",
    "Företagsregister",
    "Evenemangsansökningar",
    "Serveringstillstånd",
    "Parkeringstillstånd",
    "Färdtjänstbeslut",
    "Bostadsanpassningsbidrag",
    "Energideklarationer",
    "Hyresavtal",
    "Kostregister",
    "Specialkoster",
    "Fordonsjournaler",
    "Ekonomiska avstämningar",
];

const INFORMATION_QUALIFIERS: &[&str] = &[
    "pågående",
    "avslutade",
    "arkiv",
    "underlag",
    "sammanställningar",
    "uppföljning",
    "statistik",
    "register",
];

const OSL_REFERENCES: &[&str] = &[
    "OSL 23 kap. 2 §",
    "OSL 26 kap. 1 §",
    "OSL 25 kap. 1 §",
    "OSL 21 kap. 7 §",
    "OSL 31 kap. 16 §",
    "OSL 18 kap. 8 §",
    "OSL 39 kap. 1 §",
];

/// A name not used before: `make` is asked again (with an attempt counter) until it gives one, and after many tries
/// a number is added.
fn unique(used: &mut HashSet<String>, mut make: impl FnMut(usize) -> String) -> String {
    for attempt in 0..50 {
        let name = make(attempt);
        if used.insert(name.to_lowercase()) {
            return name;
        }
    }
    let base = make(50);
    let mut n = 2;
    loop {
        let name = format!("{base} {n}");
        if used.insert(name.to_lowercase()) {
            return name;
        }
        n += 1;
    }
}

/// An ASCII e-mail local part from a name: å, ä and ö as a and o, everything else that is not a letter dropped.
fn mail_part(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'å' | 'ä' => Some('a'),
            'ö' => Some('o'),
            'é' => Some('e'),
            c if c.is_ascii_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

fn pick<'a, T>(rng: &mut StdRng, list: &'a [T]) -> &'a T {
    &list[rng.gen_range(0..list.len())]
}

struct Tree {
    units: Vec<Unit>,
    /// Per nämnd: (board index in BOARDS, förvaltning unit, avdelning units, enhet units)
    administrations: Vec<(usize, usize, Vec<usize>, Vec<usize>)>,
}

fn org_tree(rng: &mut StdRng, size: &Size) -> Tree {
    let mut units = vec![Unit {
        name: "Kommunfullmäktige".to_owned(),
        kind: OrgUnitKind::Fullmaktige,
        parent: None,
    }];
    let mut administrations = Vec::new();
    for (board, (namnd, forvaltning, _, subjects, unit_kind)) in BOARDS.iter().enumerate().take(size.boards) {
        units.push(Unit {
            name: (*namnd).to_owned(),
            kind: OrgUnitKind::Namnd,
            parent: Some(0),
        });
        let board_unit = units.len() - 1;
        units.push(Unit {
            name: (*forvaltning).to_owned(),
            kind: OrgUnitKind::Forvaltning,
            parent: Some(board_unit),
        });
        let administration = units.len() - 1;
        let mut departments = Vec::new();
        let mut teams = Vec::new();
        let mut names: Vec<String> = subjects
            .iter()
            .take(3)
            .map(|s| format!("Avdelningen för {}", s.to_lowercase()))
            .collect();
        names.extend(COMMON_DEPARTMENTS.iter().map(|s| (*s).to_owned()));
        for name in names.into_iter().take(size.departments_per_administration) {
            units.push(Unit {
                name,
                kind: OrgUnitKind::Avdelning,
                parent: Some(administration),
            });
            let department = units.len() - 1;
            departments.push(department);
            let mut places: Vec<&str> = PLACES.to_vec();
            places.shuffle(rng);
            for place in places.into_iter().take(rng.gen_range(1..=3)) {
                units.push(Unit {
                    name: format!("{unit_kind} {place}"),
                    kind: OrgUnitKind::Enhet,
                    parent: Some(department),
                });
                teams.push(units.len() - 1);
            }
        }
        administrations.push((board, administration, departments, teams));
    }
    for company in COMPANIES {
        units.push(Unit {
            name: (*company).to_owned(),
            kind: OrgUnitKind::Bolag,
            parent: Some(0),
        });
    }
    Tree { units, administrations }
}

fn people(rng: &mut StdRng, count: usize) -> Vec<Person> {
    let mut used = HashSet::new();
    (0..count)
        .map(|_| {
            let first = *pick(rng, FIRST_NAMES);
            let last = *pick(rng, LAST_NAMES);
            let base = format!("{}.{}", mail_part(first), mail_part(last));
            let mut email = format!("{base}@storkommun.se");
            let mut n = 2;
            while !used.insert(email.clone()) {
                email = format!("{base}{n}@storkommun.se");
                n += 1;
            }
            Person {
                name: format!("{first} {last}"),
                email,
            }
        })
        .collect()
}

/// A random yes (with probability `p`).
fn chance(rng: &mut StdRng, p: f64) -> bool {
    rng.gen_bool(p.clamp(0.0, 1.0))
}

fn information_set(
    rng: &mut StdRng,
    tree: &Tree,
    people: usize,
    used: &mut HashSet<String>,
    external_id: Option<String>,
) -> Item {
    // Where the information belongs: mostly enheter and avdelningar.
    let (board, administration, departments, teams) = pick(rng, &tree.administrations);
    let roll = rng.gen_range(0..100);
    let unit = if roll < 50 && !teams.is_empty() {
        *pick(rng, teams)
    } else if roll < 85 && !departments.is_empty() {
        *pick(rng, departments)
    } else {
        *administration
    };
    let short = BOARDS[*board].2;
    let unit_name = tree.units[unit].name.clone();
    let name = unique(used, |attempt| {
        let subject = *pick(rng, INFORMATION_SUBJECTS);
        match attempt % 3 {
            0 => format!("{subject} {unit_name}"),
            1 => format!("{subject} {short} {}", rng.gen_range(2010..=2026)),
            _ => format!(
                "{subject} – {} {}",
                pick(rng, INFORMATION_QUALIFIERS),
                pick(rng, PLACES)
            ),
        }
    });
    let personal_data = chance(rng, 0.65);
    let secrecy = chance(rng, 0.3);
    let fields = ItemFields {
        description: format!(
            "Uppgifter som {} hanterar i sin verksamhet. Gallras enligt dokumenthanteringsplanen.",
            tree.units[unit].name
        ),
        name,
        external_id,
        personal_data: Some(personal_data),
        secrecy: Some(secrecy),
        osl_reference: secrecy.then(|| (*pick(rng, OSL_REFERENCES)).to_owned()),
        security_protection: chance(rng, 0.002),
        ..ItemFields::default()
    };
    let mut item = Item::new(fields);
    item.org_unit = Some(unit);
    item.owner = Some(rng.gen_range(0..people));
    item
}

/// 1 to 3 systems, a fifth of them among the busiest ones.
fn holders(rng: &mut StdRng, systems: usize, hubs: usize) -> Vec<usize> {
    let count = match rng.gen_range(0..10) {
        0..=2 => 1,
        3..=6 => 2,
        _ => 3,
    };
    let mut held_by = Vec::new();
    while held_by.len() < count.min(systems) {
        let system = if chance(rng, 0.2) {
            rng.gen_range(0..hubs.max(1))
        } else {
            rng.gen_range(0..systems)
        };
        if !held_by.contains(&system) {
            held_by.push(system);
        }
    }
    held_by
}

/// Generates the municipality of `size` from `seed`.
pub fn municipality(seed: u64, size: &Size) -> Municipality {
    let mut rng = StdRng::seed_from_u64(seed);
    let rng = &mut rng;
    let tree = org_tree(rng, size);
    let people = people(rng, size.people);
    let person = |rng: &mut StdRng| Some(rng.gen_range(0..size.people));

    // Förvaltningsobjekt: spread over the förvaltningar, owned where they belong. The IT förvaltning (or the last
    // one in a small municipality) holds the platforms' objects.
    let mut used = HashSet::new();
    let mut objects = Vec::new();
    let it_administration = tree
        .administrations
        .iter()
        .position(|(board, ..)| BOARDS[*board].2 == "DIG")
        .unwrap_or(tree.administrations.len() - 1);
    for index in 0..size.objects {
        let which = if index < size.objects / 20 {
            it_administration
        } else {
            rng.gen_range(0..tree.administrations.len())
        };
        let (board, administration, departments, _) = &tree.administrations[which];
        let (_, _, short, subjects, _) = BOARDS[*board];
        let name = unique(&mut used, |attempt| {
            let subject = *pick(rng, subjects);
            let suffix = *pick(rng, OBJECT_SUFFIXES);
            if attempt < 10 {
                format!("{subject}{suffix}")
            } else {
                format!("{subject}{suffix} {short}")
            }
        });
        let unit = if chance(rng, 0.7) || departments.is_empty() {
            *administration
        } else {
            *pick(rng, departments)
        };
        let fields = ItemFields {
            external_id: Some(format!("FO-{:04}", index + 1)),
            description: format!("Förvaltningsobjektet för {} inom {}.", name.to_lowercase(), short),
            plan_reference: Some(format!("Förvaltningsplan {} 2026", name)),
            name,
            ..ItemFields::default()
        };
        let mut item = Item::new(fields);
        item.org_unit = Some(unit);
        item.owner = person(rng);
        item.business_manager = person(rng);
        item.it_manager = person(rng);
        objects.push(item);
    }
    let it_objects: Vec<usize> = (0..(size.objects / 20).max(1)).collect();

    // Systems: platforms first (three layers), then the applications.
    let platforms = (size.systems / 10).max(3);
    let base = (platforms / 20).max(1);
    let middle = (platforms / 5).max(1);
    let mut used = HashSet::new();
    let mut systems = Vec::new();
    for index in 0..size.systems {
        let is_platform = index < platforms;
        let name = if is_platform {
            let words = if index < base {
                PLATFORM_BASE
            } else if index < base + middle {
                PLATFORM_MIDDLE
            } else {
                PLATFORM_TOP
            };
            unique(&mut used, |attempt| {
                let word = *pick(rng, words);
                if index < PLATFORM_BASE.len() && attempt == 0 {
                    word.to_owned()
                } else {
                    format!("{word} {:03}", rng.gen_range(1..1000))
                }
            })
        } else {
            unique(&mut used, |attempt| {
                let stem = *pick(rng, SYSTEM_STEMS);
                let suffix = *pick(rng, SYSTEM_SUFFIXES);
                if attempt < 5 && chance(rng, 0.5) {
                    format!("{stem}{suffix}")
                } else {
                    let (_, _, short, _, _) =
                        BOARDS[tree.administrations[rng.gen_range(0..tree.administrations.len())].0];
                    format!("{stem}{suffix} – {short}")
                }
            })
        };
        let lifecycle = match rng.gen_range(0..100) {
            _ if is_platform => Lifecycle::InUse,
            0..=77 => Lifecycle::InUse,
            78..=83 => Lifecycle::Planned,
            84..=92 => Lifecycle::BeingRetired,
            _ => Lifecycle::Retired,
        };
        let hosting = if is_platform {
            if chance(rng, 0.8) {
                Hosting::OwnDataCentre
            } else {
                Hosting::CloudService
            }
        } else {
            match rng.gen_range(0..100) {
                0..=34 => Hosting::OwnDataCentre,
                35..=54 => Hosting::ExternalOperation,
                55..=64 => Hosting::CloudService,
                _ => Hosting::Saas,
            }
        };
        let mut tags: Vec<String> = Vec::new();
        for _ in 0..rng.gen_range(0..=3) {
            let tag = (*pick(rng, TAGS)).to_owned();
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let fields = ItemFields {
            external_id: Some(format!("SYS-{:05}", index + 1)),
            description: format!("{name} används för verksamhetens behov; se förvaltningsplanen."),
            supplier: Some((*pick(rng, SUPPLIERS)).to_owned()),
            hosting: Some(hosting),
            storage_country: Some(
                match rng.gen_range(0..100) {
                    0..=79 => "Sverige",
                    80..=94 => "EU/EES",
                    _ => "USA",
                }
                .to_owned(),
            ),
            lifecycle: Some(lifecycle),
            tags,
            name,
            ..ItemFields::default()
        };
        let mut item = Item::new(fields);
        item.parent = Some(if is_platform {
            *pick(rng, &it_objects)
        } else {
            rng.gen_range(0..size.objects)
        });
        item.system_manager = person(rng);
        systems.push(item);
    }

    // Relations: platforms run on the layer below, applications on platforms; integrations between applications
    // (each pair once, in one direction); informationsmängder held by one to three systems.
    let mut relations = Vec::new();
    let system = |index: usize| (ItemKind::System, index);
    for index in base..size.systems {
        let below = if index < base + middle {
            0..base
        } else if index < platforms {
            base..base + middle
        } else {
            base..platforms
        };
        let mut on: Vec<usize> = Vec::new();
        for _ in 0..rng.gen_range(1..=2) {
            let platform = rng.gen_range(below.clone());
            if !on.contains(&platform) {
                on.push(platform);
            }
        }
        for platform in on {
            relations.push(Relation {
                kind: RelationKind::RunsOn,
                from: system(index),
                to: system(platform),
            });
        }
    }
    let applications = platforms..size.systems;
    let mut pairs = HashSet::new();
    let mut attempts = 0;
    while pairs.len() < size.integrations && attempts < size.integrations * 20 {
        attempts += 1;
        let a = rng.gen_range(applications.clone());
        let b = rng.gen_range(applications.clone());
        if a != b && pairs.insert((a.min(b), a.max(b))) {
            relations.push(Relation {
                kind: RelationKind::IntegratesWith,
                from: system(a),
                to: system(b),
            });
        }
    }
    // The busiest holders: the collaboration platform, file servers and case management among the first systems.
    let hubs = (size.systems / 80).max(1);
    let mut used = HashSet::new();
    let mut information_sets = Vec::new();
    for index in 0..size.information_sets {
        let external_id = chance(rng, 0.5).then(|| format!("IM-{:06}", index + 1));
        let mut item = information_set(rng, &tree, size.people, &mut used, external_id);
        item.retired = chance(rng, 0.02);
        for holder in holders(rng, size.systems, hubs) {
            relations.push(Relation {
                kind: RelationKind::HeldBy,
                from: (ItemKind::InformationSet, index),
                to: system(holder),
            });
        }
        information_sets.push(item);
    }
    let import_rows = (0..size.import_rows)
        .map(|index| {
            let external_id = Some(format!("IMP-{:06}", index + 1));
            ImportRow {
                item: information_set(rng, &tree, size.people, &mut used, external_id),
                held_by: holders(rng, size.systems, hubs),
            }
        })
        .collect();

    // The lists are filtered on the first förvaltning: Kommunledningsförvaltningen.
    let filter_unit = tree.administrations.first().map_or(0, |a| a.1);
    Municipality {
        name: "Storkommun".to_owned(),
        units: tree.units,
        people,
        objects,
        systems,
        platforms,
        information_sets,
        relations,
        import_rows,
        filter_unit,
        search: "ekonomi",
    }
}

impl Municipality {
    /// The unit at `index` and every unit below it.
    pub fn subtree(&self, index: usize) -> Vec<usize> {
        let mut found = vec![index];
        let mut at = 0;
        while at < found.len() {
            let parent = found[at];
            found.extend((0..self.units.len()).filter(|u| self.units[*u].parent == Some(parent)));
            at += 1;
        }
        found
    }

    /// How each unit is written where a file refers to it: its name when no other unit has it, else its path from
    /// the top (`Kommunfullmäktige / … / Enhet`), as the export writes it.
    pub fn unit_references(&self) -> Vec<String> {
        let mut count: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for unit in &self.units {
            *count.entry(unit.name.to_lowercase()).or_default() += 1;
        }
        (0..self.units.len())
            .map(|index| {
                let unit = &self.units[index];
                if count.get(&unit.name.to_lowercase()) == Some(&1) {
                    return unit.name.clone();
                }
                let mut path = vec![unit.name.clone()];
                let mut at = unit.parent;
                while let Some(parent) = at {
                    path.push(self.units[parent].name.clone());
                    at = self.units[parent].parent;
                }
                path.reverse();
                path.join(" / ")
            })
            .collect()
    }

    /// The import file's rows in the systemförteckning layout of the export: the export's header, one row per new
    /// informationsmängd with its org unit, informationsägare (e-mail) and the systems that hold it (by name).
    pub fn import_table(&self, rows: usize) -> lis_reports::Table {
        let columns = Column::all();
        let header: Vec<String> = columns.iter().map(|c| c.swedish().to_owned()).collect();
        let position = |column: Column| columns.iter().position(|c| *c == column).unwrap_or(0);
        let units = self.unit_references();
        let kind = ItemKind::InformationSet;
        let rows = self
            .import_rows
            .iter()
            .take(rows)
            .map(|row| {
                let mut cells = vec![String::new(); columns.len()];
                cells[position(Column::Kind)] = RowKind::Item(kind).swedish().to_owned();
                for field in Field::of(kind) {
                    let value = match field {
                        Field::OrgUnit => row.item.org_unit.map(|u| units[u].clone()).unwrap_or_default(),
                        Field::InformationOwner => {
                            row.item.owner.map(|p| self.people[p].email.clone()).unwrap_or_default()
                        }
                        _ => row.item.fields.text(field),
                    };
                    cells[position(Column::Field(field))] = value;
                }
                let mut holders: Vec<String> = row
                    .held_by
                    .iter()
                    .map(|s| self.systems[*s].fields.name.clone())
                    .collect();
                holders.sort_by_key(|name| name.to_lowercase());
                cells[position(Column::Relation(RelationKind::HeldBy))] = holders.join(", ");
                cells
            })
            .collect();
        lis_reports::Table {
            sheet: "Systemförteckning".to_owned(),
            header,
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_municipality() {
        let size = Size::scaled(0.01);
        let a = municipality(7, &size);
        let b = municipality(7, &size);
        assert_eq!(a.systems.len(), size.systems);
        assert_eq!(a.information_sets.len(), size.information_sets);
        assert_eq!(
            a.systems.iter().map(|s| &s.fields.name).collect::<Vec<_>>(),
            b.systems.iter().map(|s| &s.fields.name).collect::<Vec<_>>()
        );
        assert_eq!(a.relations.len(), b.relations.len());
    }

    #[test]
    fn system_names_are_unique_and_hold_no_commas() {
        let m = municipality(1, &Size::scaled(0.05));
        let mut seen = HashSet::new();
        for system in &m.systems {
            assert!(!system.fields.name.contains(','), "{}", system.fields.name);
            assert!(seen.insert(system.fields.name.to_lowercase()), "{}", system.fields.name);
        }
    }

    #[test]
    fn runs_on_only_points_down_the_layers() {
        let m = municipality(3, &Size::scaled(0.05));
        for relation in m.relations.iter().filter(|r| r.kind == RelationKind::RunsOn) {
            assert!(relation.to.1 < relation.from.1, "{relation:?}");
            assert!(relation.to.1 < m.platforms);
        }
    }
}
