//! Languages: Swedish first, English available.
//!
//! A person picks a language with `?lang=en` or `?lang=sv` on any page; the choice is kept in a cookie. Every
//! text of the interface is a key in [`MESSAGES`] with its Swedish and English wording, so a missing translation
//! cannot compile.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};
use serde::Serialize;

/// The name of the cookie that keeps the chosen language.
pub const LANG_COOKIE: &str = "lis_lang";

/// A language of the interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Swedish, the default.
    #[default]
    Sv,
    /// English.
    En,
}

impl Lang {
    /// The language's code, as used in `lang` attributes, the query parameter and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Self::Sv => "sv",
            Self::En => "en",
        }
    }

    /// The language for a code, if LIS has it.
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "sv" => Some(Self::Sv),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The other language, for the switch in the page header.
    pub fn other(self) -> Self {
        match self {
            Self::Sv => Self::En,
            Self::En => Self::Sv,
        }
    }

    /// The language asked for in the query string (`?lang=en`), if any.
    pub fn from_query(uri: &Uri) -> Option<Self> {
        uri.query()?
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == "lang")
            .and_then(|(_, value)| Self::from_code(value))
    }

    /// The language kept in the cookie, if any.
    pub fn from_cookie(headers: &HeaderMap) -> Option<Self> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANG_COOKIE)
            .and_then(|(_, value)| Self::from_code(value))
    }

    /// The language of a request: the query string first, then the cookie, else Swedish.
    pub fn of_request(uri: &Uri, headers: &HeaderMap) -> Self {
        Self::from_query(uri)
            .or_else(|| Self::from_cookie(headers))
            .unwrap_or_default()
    }

    /// Every text of the interface in this language, by key.
    pub fn messages(self) -> &'static BTreeMap<&'static str, &'static str> {
        static SV: OnceLock<BTreeMap<&str, &str>> = OnceLock::new();
        static EN: OnceLock<BTreeMap<&str, &str>> = OnceLock::new();
        match self {
            Self::Sv => SV.get_or_init(|| MESSAGES.iter().map(|(key, sv, _)| (*key, *sv)).collect()),
            Self::En => EN.get_or_init(|| MESSAGES.iter().map(|(key, _, en)| (*key, *en)).collect()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::of_request(&parts.uri, &parts.headers))
    }
}

/// The interface's texts: key, Swedish, English. Domain terms keep their Swedish names in both languages where
/// municipalities use them untranslated.
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("app_name", "LIS", "LIS"),
    (
        "import_running_preview",
        "Filen kontrolleras",
        "The file is being checked",
    ),
    ("import_running_apply", "Filen importeras", "The file is being imported"),
    ("import_progress_read", "Lästa rader", "Rows read"),
    ("import_progress_validated", "Kontrollerade", "Checked"),
    ("import_progress_written", "Skrivna", "Written"),
    ("import_refresh", "Uppdatera", "Refresh"),
    (
        "import_failed",
        "Importen kunde inte genomföras på grund av ett fel i LIS. Inget sparades. Försök igen, och kontakta förvaltningen av LIS om det händer igen.",
        "The import could not be completed because of a fault in LIS. Nothing was saved. Try again, and contact those who run LIS if it happens again.",
    ),
    ("import_title", "Importera inventering", "Import inventory"),
    ("import_applied", "Importen är genomförd:", "The import is done:"),
    ("import_created", "nya", "new"),
    ("import_updated", "ändrade", "changed"),
    ("import_unchanged", "oförändrade", "unchanged"),
    ("import_rejected", "avvisade", "refused"),
    ("import_result", "Resultat", "Result"),
    ("import_preview", "Förhandsgranskning", "Preview"),
    (
        "import_file_refused",
        "Filen kan inte importeras",
        "The file cannot be imported",
    ),
    (
        "import_unknown_columns",
        "Kolumner som LIS inte känner igen och inte läser:",
        "Columns LIS does not know and does not read:",
    ),
    (
        "import_nothing_while_rejected",
        "Inget importeras så länge någon rad avvisas. Rätta raderna i filen och ladda upp den igen.",
        "Nothing is imported while any row is refused. Correct the rows in the file and upload it again.",
    ),
    ("import_line", "Rad", "Line"),
    ("import_kind", "Typ", "Kind"),
    ("import_kind_org_unit", "Organisationsenhet", "Org unit"),
    (
        "import_kind_forvaltningsobjekt",
        "Förvaltningsobjekt",
        "Förvaltningsobjekt",
    ),
    ("import_kind_system", "System", "System"),
    ("import_kind_informationsmangd", "Informationsmängd", "Information set"),
    ("import_outcome", "Vad som händer", "What happens"),
    ("import_outcome_rejected", "Avvisas", "Refused"),
    ("import_outcome_update", "Ändras", "Changes"),
    ("import_outcome_create", "Skapas", "Created"),
    ("import_outcome_unchanged", "Oförändrad", "Unchanged"),
    ("import_column", "kolumn", "column"),
    ("import_apply", "Importera alla rader", "Import every row"),
    ("import_another", "Ladda upp en annan fil", "Upload another file"),
    ("import_upload", "Ladda upp en fil", "Upload a file"),
    (
        "import_intro",
        "CSV (semikolon eller komma; UTF-8 eller Windows-1252) eller Excel (.xlsx). Första raden är rubriker, på svenska eller engelska. Du ser först vad som skulle hända med varje rad; inget sparas förrän du väljer att importera.",
        "CSV (semicolon or comma; UTF-8 or Windows-1252) or Excel (.xlsx). The first row holds the headings, in Swedish or English. You first see what would happen to each row; nothing is saved until you choose to import.",
    ),
    ("import_file", "Fil", "File"),
    ("import_check", "Förhandsgranska", "Preview"),
    (
        "import_layout_hint",
        "Kolumnerna är desamma som i exporten; den visar hur en fil ska se ut.",
        "The columns are those of the export, which shows what a file should look like.",
    ),
    (
        "import_download_current",
        "Ladda ned nuvarande systemförteckning (CSV)",
        "Download the current systemförteckning (CSV)",
    ),
    (
        "inventory_export_csv",
        "Exportera systemförteckning (CSV)",
        "Export systemförteckning (CSV)",
    ),
    (
        "inventory_export_xlsx",
        "Exportera arbetsbok (XLSX)",
        "Export workbook (XLSX)",
    ),
    ("menu_inventory", "Inventering", "Inventory"),
    ("inventory_title", "Inventering", "Inventory"),
    (
        "inventory_intro",
        "Förvaltningsobjekt, system och informationsmängder: vem som äger vad, var informationen lagras och vad systemen körs på.",
        "Förvaltningsobjekt, systems and information sets: who owns what, where information is held and what systems run on.",
    ),
    ("inventory_in_use", "i bruk", "in use"),
    ("mine_title", "Mina objekt", "My objects"),
    (
        "mine_intro",
        "Det du står som objektsägare, förvaltningsledare, systemförvaltare eller informationsägare för, och systemen i dina förvaltningsobjekt.",
        "What you are named on as objektsägare, förvaltningsledare, systemförvaltare or informationsägare, and the systems of your förvaltningsobjekt.",
    ),
    ("mine_none", "Inget här.", "Nothing here."),
    ("inventory_new", "Ny post", "New record"),
    (
        "inventory_search",
        "Sök på namn eller externt id",
        "Search by name or external id",
    ),
    ("inventory_unit", "Organisationsenhet", "Org unit"),
    ("inventory_person", "Ansvarig person", "Responsible person"),
    ("inventory_lifecycle", "Livscykel", "Lifecycle"),
    ("inventory_hosting", "Driftform", "Hosting"),
    ("inventory_tag", "Tagg", "Tag"),
    ("inventory_sort", "Sortering", "Sort order"),
    ("inventory_include_retired", "Visa även avvecklade", "Include retired"),
    ("inventory_showing", "Visar", "Showing"),
    ("inventory_none", "Inga poster matchar.", "No records match."),
    ("inventory_name", "Namn", "Name"),
    ("inventory_retired", "avvecklad", "retired"),
    ("inventory_pages", "Sidor", "Pages"),
    ("inventory_relation_pages", "Sidor med relationer", "Pages of relations"),
    ("classification", "Klassning", "Classification"),
    (
        "classification_source_expired",
        "informationsmängdens klassning har gått ut",
        "the informationsmängd's classification has expired",
    ),
    ("classification_model", "Klassningsmodell", "Classification model"),
    (
        "classification_model_intro",
        "Skalan, aspekterna och konsekvensområdena som klassningen av informationsmängder använder. Skalan kommer från katalogen (msb-catalog); frågorna från msb-catalog/classification.toml.",
        "The scale, the aspects and the areas of consequence the classification of informationsmängder uses. The scale comes from the catalogue (msb-catalog); the questions from msb-catalog/classification.toml.",
    ),
    ("classification_model_levels", "Konsekvensnivåer", "Consequence levels"),
    ("classification_model_meaning", "Innebörd", "Meaning"),
    ("classification_model_separate", "separat analys", "separate analysis"),
    ("classification_model_aspects", "Aspekter", "Aspects"),
    (
        "classification_model_traceability",
        "Organisationen klassar spårbarhet (S) utöver konfidentialitet, riktighet och tillgänglighet",
        "The organisation classifies traceability (S) besides confidentiality, integrity and availability",
    ),
    (
        "classification_model_traceability_on",
        "Organisationen klassar spårbarhet (S).",
        "The organisation classifies traceability (S).",
    ),
    (
        "classification_model_traceability_off",
        "Organisationen klassar inte spårbarhet (S).",
        "The organisation does not classify traceability (S).",
    ),
    (
        "classification_overview",
        "Översikt över skyddsnivåer",
        "Overview of protection levels",
    ),
    (
        "classification_systems_counted",
        "system i drift räknade.",
        "systems in use counted.",
    ),
    (
        "classification_heatmap_title",
        "System per aspekt och nivå",
        "Systems by aspect and level",
    ),
    (
        "classification_heatmap_desc",
        "Antalet system på varje nivå för varje aspekt; antalet står i varje ruta.",
        "The number of systems at each level of each aspect; the number is written in every cell.",
    ),
    (
        "classification_heatmap_caption",
        "Mörkare ruta betyder fler system i raden; siffran i rutan är antalet. Ett system där inget är klassat räknas på nivå 0.",
        "A darker cell means more systems in the row; the number in the cell is the count. A system with nothing classified counts at level 0.",
    ),
    (
        "classification_review",
        "Klassningar att se över",
        "Classifications to review",
    ),
    (
        "classification_review_all",
        "Fastställda klassningar i hela organisationen som har gått ut eller går ut snart.",
        "Approved classifications in the whole organisation that have expired or expire soon.",
    ),
    (
        "classification_review_own",
        "Fastställda klassningar av informationsmängder du äger som har gått ut eller går ut snart.",
        "Approved classifications of informationsmängder you own that have expired or expire soon.",
    ),
    ("classification_overdue", "Har gått ut", "Expired"),
    ("classification_due_within", "Går ut inom", "Expiring within"),
    ("classification_days", "dagar", "days"),
    ("classification_owner", "Informationsägare", "Information owner"),
    ("classification_expired_tag", "utgången", "expired"),
    ("classification_none_due", "Inga.", "None."),
    ("classification_classify", "Klassa", "Classify"),
    (
        "classification_form_intro",
        "Svara för varje aspekt på frågan om vad som händer, per konsekvensområde. Den allvarligaste konsekvensen föreslår nivån; du kan välja en annan nivå om du motiverar den. Utkastet fastställs sedan av informationsägaren eller informationssäkerhetssamordnaren.",
        "For each aspect, answer what happens, per area of consequence. The worst consequence proposes the level; you may choose another level with a justification. The draft is then approved by the information owner or the CISO.",
    ),
    ("classification_consequences", "Konsekvenser", "Consequences"),
    ("classification_consequence", "Konsekvensområde", "Area of consequence"),
    ("classification_answer", "Konsekvens", "Consequence"),
    ("classification_not_answered", "Ej besvarad", "Not answered"),
    ("classification_proposed", "Svaren föreslår", "The answers propose"),
    ("classification_level", "Nivå", "Level"),
    ("classification_as_proposed", "Enligt svaren", "As the answers propose"),
    ("classification_justification", "Motivering", "Justification"),
    (
        "classification_justification_hint",
        "Krävs när en nivå avviker från förslaget. Skriv varför, så att den som granskar förstår beslutet.",
        "Needed when a level departs from the proposal. Say why, so that a reviewer understands the decision.",
    ),
    ("classification_valid_until", "Giltig till", "Valid until"),
    ("classification_save_draft", "Spara utkast", "Save draft"),
    ("classification_history", "Historik", "History"),
    (
        "classification_none_decided",
        "Ingen klassning är fastställd ännu.",
        "No classification has been approved yet.",
    ),
    (
        "classification_compared",
        "Beslutet jämfört med det föregående",
        "The decision compared with the previous one",
    ),
    ("classification_aspect", "Aspekt", "Aspect"),
    ("classification_this_decision", "Detta beslut", "This decision"),
    ("classification_previous", "Föregående", "Previous"),
    ("classification_changed", "ändrad", "changed"),
    (
        "classification_lowering_pending",
        "Sänkningen är sparad och väntar på informationssäkerhetssamordnarens godkännande; till dess gäller den beräknade nivån.",
        "The lowering is saved and waits for the CISO's approval; until then the calculated level applies.",
    ),
    (
        "classification_level4",
        "Nivå 4 (synnerligen allvarlig): informationen kan röra Sveriges säkerhet. Den ska inte hanteras i LIS utan kräver en separat säkerhetsskyddsanalys enligt säkerhetsskyddslagen; kontakta säkerhetsskyddschefen. LIS tar inte fram några krav för den.",
        "Level 4 (exceptionally serious): the information may concern Sweden's security. It is not to be handled in LIS but needs a separate protective security analysis under the Protective Security Act; contact the security protection officer. LIS derives no requirements for it.",
    ),
    (
        "classification_expired",
        "Klassningen gällde till",
        "The classification was valid until",
    ),
    ("classification_decided", "Fastställd", "Approved"),
    (
        "classification_not_decided",
        "Ingen fastställd klassning ännu.",
        "No approved classification yet.",
    ),
    ("classification_draft", "Utkast", "Draft"),
    (
        "classification_approve",
        "Fastställ klassningen",
        "Approve the classification",
    ),
    (
        "classification_approve_who",
        "Informationsägaren eller informationssäkerhetssamordnaren fastställer utkastet.",
        "The information owner or the CISO approves the draft.",
    ),
    (
        "classification_import_title",
        "Importera klassningar",
        "Import classifications",
    ),
    (
        "classification_import_intro",
        "Ta in klassningar från ett kalkylark, till exempel resultatet från KLASSA: en rad per informationsmängd med nivåerna för K, R, T och S, motivering och giltighet. Du ser först vad importen skulle göra; inget sparas förrän du importerar, och då sparas alla rader eller ingen. Importerade klassningar fastställs av dig.",
        "Bring classifications in from a spreadsheet, for instance the results from KLASSA: one row per informationsmängd with the levels of K, R, T and S, justification and validity. You first see what the import would do; nothing is saved until you import, and then every row or none is saved. Imported classifications are approved by you.",
    ),
    (
        "classification_import_layout",
        "Kolumner: Externt id eller Informationsmängd, K, R, T, S (om organisationen klassar spårbarhet), Motivering, Giltig till (ÅÅÅÅ-MM-DD) och Informationstyp. Rubriker på svenska eller engelska, semikolon eller komma.",
        "Columns: External id or Information set, K, R, T, S (when the organisation classifies traceability), Justification, Valid until (YYYY-MM-DD) and Information type. Headings in Swedish or English, semicolons or commas.",
    ),
    (
        "classification_import_apply",
        "Importera och fastställ",
        "Import and approve",
    ),
    (
        "classification_export_csv",
        "Klassningar som CSV",
        "Classifications as CSV",
    ),
    (
        "classification_export_xlsx",
        "Klassningar som Excel-fil",
        "Classifications as an Excel file",
    ),
    ("requirements_title", "Krav som gäller", "Requirements that apply"),
    (
        "requirements_intro",
        "Kraven i kravkatalogen som systemets skyddsnivå väljer ut, utom de som hör till åtgärder organisationen inte använder enligt uttalandet om tillämplighet. Under varje krav står varför det gäller.",
        "The catalogue's requirements that the system's protection level selects, except those of measures the organisation does not use under its statement of applicability. Each says why it applies.",
    ),
    (
        "requirements_count",
        "krav gäller för systemet.",
        "requirements apply to the system.",
    ),
    (
        "requirements_link",
        "Krav som gäller för systemet",
        "Requirements that apply to the system",
    ),
    ("status_label", "Status", "Status"),
    ("status_severity", "Brist", "Shortcoming"),
    ("status_no_severity", "Ingen brist angiven", "No shortcoming given"),
    ("status_gap", "brist", "gap"),
    (
        "status_gaps",
        "Brister (krav som inte är uppfyllda, eller uppfyllda med brist)",
        "Gaps (requirements not met, or met with a shortcoming)",
    ),
    ("status_record", "Bedöm kravet", "Assess the requirement"),
    (
        "status_how",
        "Hur kravet uppfylls här",
        "How the requirement is met here",
    ),
    (
        "status_justification_hint",
        "Krävs när kravet inte är tillämpligt.",
        "Required when the requirement does not apply.",
    ),
    ("status_due", "Åtgärdas senast", "To be remedied by"),
    ("status_verified", "Senast verifierad", "Last verified"),
    ("status_evidence", "Länk till bevis", "Link to the evidence"),
    (
        "status_no_longer",
        "Bedömningar av krav som inte längre gäller",
        "Assessments of requirements that no longer apply",
    ),
    ("gaps_mine_title", "Mina brister", "My gaps"),
    (
        "gaps_mine_intro",
        "Kraven som dina system ska uppfylla men som inte är uppfyllda, inte bedömda eller uppfyllda med brist, de allvarligaste först. Systemen är de där du är objektsägare, förvaltningsledare eller systemförvaltare.",
        "The requirements your systems must meet that are not met, not assessed, or met with a shortcoming, the most serious first. The systems are those where you are objektsägare, förvaltningsledare or systemförvaltare.",
    ),
    ("gaps_count", "brister i", "gaps in"),
    ("gaps_shown", "visas", "shown"),
    ("gaps_pages", "Sidor med brister", "Pages of gaps"),
    ("gaps_systems", "system", "systems"),
    ("gaps_overdue", "försenade", "overdue"),
    ("gaps_overdue_tag", "försenad", "overdue"),
    ("gaps_system", "System", "System"),
    ("gaps_requirement", "Krav", "Requirement"),
    ("gaps_report_title", "Gapanalys", "Gap analysis"),
    (
        "gaps_report_intro",
        "Hur systemen uppfyller de krav som deras skyddsnivå ställer: täckning, brister och försenade åtgärder för hela organisationen, per organisationsenhet, per tema, per åtgärd i cybersäkerhetslagen och per objektsägare. Ett krav räknas som uppfyllt när det är uppfyllt utan brist eller inte tillämpligt.",
        "How the systems meet the requirements their protection level sets: coverage, gaps and overdue actions for the whole organisation, per org unit, per theme, per measure of the Cybersecurity Act and per object owner. A requirement counts as met when it is met without a shortcoming or does not apply.",
    ),
    ("gaps_scope", "Omfattning", "Scope"),
    ("gaps_scope_whole", "Hela organisationen", "The whole organisation"),
    ("gaps_as_of", "Läge per", "As of"),
    ("gaps_cycle", "Uppföljning", "Assessment cycle"),
    (
        "gaps_cycle_current",
        "Aktuellt läge (ingen avslutad uppföljning jämförs)",
        "Current state (no closed cycle compared)",
    ),
    ("gaps_owner", "Objektsägare", "Object owner"),
    ("gaps_show", "Visa", "Show"),
    (
        "gaps_print_hint",
        "Skriv ut sidan med webbläsarens utskrift (Ctrl+P) eller spara den som PDF; datum, omfattning och sidnummer kommer med.",
        "Print the page with the browser's print command (Ctrl+P) or save it as PDF; date, scope and page numbers are included.",
    ),
    (
        "gaps_download_csv",
        "Ladda ner bristerna (CSV)",
        "Download the gaps (CSV)",
    ),
    (
        "gaps_download_xlsx",
        "Ladda ner rapporten (Excel)",
        "Download the report (Excel)",
    ),
    ("gaps_summary", "Sammanfattning", "Summary"),
    ("gaps_systems_counted", "system räknade", "systems counted"),
    ("gaps_pairs", "tillämpliga krav", "applicable requirements"),
    ("gaps_applicable", "Tillämpliga krav", "Applicable requirements"),
    ("gaps_met", "Uppfyllda", "Met"),
    ("gaps_coverage", "Täckning", "Coverage"),
    (
        "gaps_weighted",
        "Täckning viktad efter skyddsnivå",
        "Coverage weighted by protection level",
    ),
    ("gaps_not_assessed", "Ej bedömda", "Not assessed"),
    ("gaps_overdue_heading", "Försenade", "Overdue"),
    (
        "gaps_separate_analysis",
        "system har en nivå som kräver en separat analys (säkerhetsskydd) och ger inga krav här.",
        "systems have a level that needs a separate analysis (protective security) and give no requirements here.",
    ),
    ("gaps_by_unit", "Per organisationsenhet", "Per org unit"),
    (
        "gaps_heatmap_title",
        "Täckning per organisationsenhet och tema",
        "Coverage per org unit and theme",
    ),
    (
        "gaps_heatmap_desc",
        "Andelen uppfyllda krav för varje organisationsenhet och tema; procenttalet står i varje ruta.",
        "The share of requirements met for each org unit and theme; the percentage is written in every cell.",
    ),
    (
        "gaps_heatmap_caption",
        "Mörkare ruta betyder en större andel krav som inte är uppfyllda; talet i rutan är täckningen. Streck: inga tillämpliga krav.",
        "A darker cell means a larger share of requirements not met; the number in the cell is the coverage. A dash: no applicable requirements.",
    ),
    ("gaps_by_theme", "Per tema", "Per theme"),
    ("gaps_theme", "Tema", "Theme"),
    (
        "gaps_csl_title",
        "Cybersäkerhetslagen 2 kap. 3 §",
        "The Cybersecurity Act, ch. 2 sec. 3",
    ),
    (
        "gaps_csl_intro",
        "Täckningen för de krav i katalogen som hör till var och en av lagens tio minimiåtgärder. Ett krav kan höra till flera åtgärder.",
        "Coverage of the catalogue's requirements that belong to each of the law's ten minimum measures. A requirement can belong to several measures.",
    ),
    ("gaps_measure", "Åtgärd", "Measure"),
    (
        "gaps_by_owner",
        "Per objektsägare, lägst täckning först",
        "Per object owner, lowest coverage first",
    ),
    ("gaps_worst", "De allvarligaste bristerna", "The most serious gaps"),
    ("gaps_changes_title", "Ändrat sedan", "Changed since"),
    (
        "gaps_changes_intro",
        "Bedömningar som sparats på systemen sedan uppföljningen avslutades, de senaste först. Ändringar i en gemensam skyddsåtgärd ärvs av systemen som använder den och räknas ovan men listas inte här.",
        "Assessments saved on the systems since the cycle was closed, the latest first. Changes of a shared control are inherited by the systems that use it and counted above, but not listed here.",
    ),
    (
        "gaps_changes_none",
        "Inga bedömningar har ändrats sedan dess.",
        "No assessment has changed since then.",
    ),
    (
        "gaps_changes_none_read",
        "Inga av de senaste ändringarna gäller urvalet; äldre finns i granskningsloggen.",
        "None of the latest changes concern this scope; older ones are in the audit trail.",
    ),
    ("gaps_changes_when", "Sparad", "Saved"),
    ("gaps_changes_before", "Före", "Before"),
    ("gaps_changes_after", "Efter", "After"),
    ("gaps_changes_by", "Av", "By"),
    (
        "gaps_changes_more",
        "Bara de senaste ändringarna har lästs; äldre finns i granskningsloggen.",
        "Only the latest changes were read; older ones are in the audit trail.",
    ),
    ("gaps_showing", "Visar", "Showing"),
    ("gaps_of", "av", "of"),
    ("menu_gaps", "Gapanalys", "Gap analysis"),
    ("menu_shared", "Gemensamma skyddsåtgärder", "Shared controls"),
    ("menu_plan", "Handlingsplan", "Action plan"),
    (
        "status_responsible",
        "Ansvarig (e-postadress)",
        "Responsible (e-mail address)",
    ),
    ("status_responsible_short", "Ansvarig", "Responsible"),
    (
        "plan_create_for_gap",
        "Skapa en åtgärd i handlingsplanen för bristen",
        "Create an action in the action plan for the gap",
    ),
    (
        "status_responsible_hint",
        "E-postadressen till den person i LIS som ansvarar för kravet här; lämna tomt om ingen är utsedd.",
        "The e-mail address of the person in LIS who answers for the requirement here; leave it empty if nobody is named.",
    ),
    (
        "bulk_title",
        "Sätt status för flera brister",
        "Set the status of several gaps",
    ),
    (
        "bulk_intro",
        "Status och brist sätts för alla valda krav på en gång; de andra fälten ändras bara där du fyller i dem. Ett krav som systemet ärver från en gemensam skyddsåtgärd får ett lokalt undantag. Antingen sparas alla, eller inget om något inte går.",
        "The status and shortcoming are set for all the chosen requirements at once; the other fields change only where you fill them in. A requirement the system inherits from a shared control gets a local exception. Either all are saved, or none if any cannot be.",
    ),
    ("bulk_chosen", "Valda brister", "Chosen gaps"),
    ("bulk_save", "Spara för alla valda", "Save for all chosen"),
    ("bulk_back", "Tillbaka till listan", "Back to the list"),
    (
        "bulk_open",
        "Sätt status för de valda bristerna",
        "Set the status of the chosen gaps",
    ),
    ("evidence_file", "Bevis", "Evidence"),
    (
        "evidence_upload",
        "Ladda upp en fil som bevis",
        "Upload a file as evidence",
    ),
    (
        "evidence_hint",
        "PDF, PNG, JPEG, text (txt, csv, log) eller ett Office- eller OpenDocument-dokument, högst 10 MiB. Filen sparas med kontrollsumma (SHA-256) och hämtas som nedladdning.",
        "PDF, PNG, JPEG, text (txt, csv, log) or an Office or OpenDocument document, at most 10 MiB. The file is kept with a checksum (SHA-256) and fetched as a download.",
    ),
    ("evidence_upload_button", "Ladda upp", "Upload"),
    (
        "procurement_intro",
        "Upphandlingskraven för den här skyddsnivån, att ställa på en leverantör:",
        "The procurement requirements for this protection level, to put to a supplier:",
    ),
    (
        "procurement_csv",
        "Ladda ner upphandlingskrav (CSV)",
        "Download procurement requirements (CSV)",
    ),
    (
        "procurement_xlsx",
        "Ladda ner upphandlingskrav (Excel)",
        "Download procurement requirements (Excel)",
    ),
    ("cycles_title", "Uppföljningar", "Assessment cycles"),
    (
        "cycles_intro",
        "När en uppföljning avslutas fryses varje systems läge: tillämpliga krav, uppfyllda, brister och försenade. Gapanalysen kan sedan jämföra dagens läge med vilken avslutad uppföljning som helst, per organisationsenhet och per objektsägare.",
        "When an assessment cycle is closed, every system's state is frozen: applicable requirements, met, gaps and overdue. The gap analysis can then compare today's state with any closed cycle, per org unit and per object owner.",
    ),
    (
        "cycles_none",
        "Ingen uppföljning är avslutad än.",
        "No assessment cycle is closed yet.",
    ),
    ("cycles_closed_at", "Avslutad", "Closed"),
    ("cycles_closed", "avslutad", "closed"),
    ("cycles_compare", "Jämför med uppföljning", "Compare with cycle"),
    ("cycles_compare_link", "Jämför med dagens läge", "Compare with today"),
    ("cycles_no_compare", "Ingen jämförelse", "No comparison"),
    ("cycles_compared_with", "Jämförs med", "Compared with"),
    ("cycles_change", "Förändring", "Change"),
    ("cycles_close", "Avsluta en uppföljning", "Close an assessment cycle"),
    (
        "cycles_close_short",
        "avsluta en uppföljning där",
        "close a cycle there",
    ),
    (
        "cycles_close_intro",
        "Avsluta uppföljningen när årets bedömningar är gjorda. Läget fryses för hela organisationen och kan inte ändras efteråt.",
        "Close the cycle when the year's assessments are done. The state is frozen for the whole organisation and cannot be changed afterwards.",
    ),
    (
        "cycles_name_hint",
        "Till exempel Uppföljning 2026.",
        "For example Follow-up 2026.",
    ),
    (
        "cycles_close_button",
        "Avsluta och frys läget",
        "Close and freeze the state",
    ),
    ("plan_title", "Handlingsplan", "Action plan"),
    (
        "plan_intro",
        "Åtgärder som ska avhjälpa brister i systemen eller förbättra gemensamma skyddsåtgärder, med aktivitet, mål, prioritet, kostnad och resurser, ansvarig, start, slut och status. Försenade åtgärder är markerade.",
        "Actions that remedy gaps in the systems or improve shared controls, with activity, goal, priority, cost and resources, responsible, start, end and status. Overdue actions are marked.",
    ),
    ("plan_count", "åtgärder", "actions"),
    (
        "plan_none",
        "Handlingsplanen har inga åtgärder här än. Skapa en från Mina brister, gapanalysen eller en gemensam skyddsåtgärd.",
        "The action plan has no actions here yet. Create one from My gaps, the gap analysis or a shared control.",
    ),
    (
        "plan_new",
        "Ny åtgärd i handlingsplanen",
        "New action in the action plan",
    ),
    ("plan_one", "Åtgärd", "Action"),
    ("plan_edit", "Ändra åtgärden", "Change the action"),
    ("plan_remedies", "Avhjälper", "Remedies"),
    ("plan_activity", "Aktivitet", "Activity"),
    ("plan_goal", "Kopplat mål", "Linked goal"),
    ("plan_priority", "Prioritet", "Priority"),
    ("plan_no_priority", "Ingen prioritet angiven", "No priority given"),
    ("plan_cost", "Kostnad och resurser", "Cost and resources"),
    ("plan_responsible", "Ansvarig", "Responsible"),
    (
        "plan_no_responsible",
        "Ingen ansvarig angiven",
        "No one responsible given",
    ),
    ("plan_start", "Start", "Start"),
    ("plan_end", "Slut", "End"),
    (
        "plan_close",
        "När åtgärden markeras som genomförd: markera de krav och skyddsåtgärder den avhjälper som uppfyllda",
        "When the action is marked done: mark the requirements and shared controls it remedies as met",
    ),
    ("plan_gaps", "brister", "gaps"),
    ("plan_shared", "gemensamma skyddsåtgärder", "shared controls"),
    (
        "plan_create_from_gaps",
        "Skapa en åtgärd i handlingsplanen av de valda bristerna",
        "Create an action in the action plan from the chosen gaps",
    ),
    (
        "plan_create_for_shared",
        "Skapa en åtgärd i handlingsplanen för skyddsåtgärden",
        "Create an action in the action plan for the shared control",
    ),
    ("plan_mine", "Min handlingsplan", "My action plan"),
    ("plan_choose", "Välj", "Choose"),
    ("shared_title", "Gemensamma skyddsåtgärder", "Shared controls"),
    ("shared_one", "Gemensam skyddsåtgärd", "Shared control"),
    (
        "shared_intro",
        "En gemensam skyddsåtgärd beskrivs en gång, till exempel central säkerhetskopiering i kommunens datacenter eller kommunens inloggningstjänst med flerfaktorsautentisering, med de krav den uppfyller och hur väl. System som använder den, och system som körs på dem, ärver dess status för de kraven, märkt som ärvd, med möjlighet till lokalt undantag. När åtgärdens status ändras ändras bilden för alla system som ärver den.",
        "A shared control is described once, for example central backup in the municipal data centre or the municipality's sign-in service with multi-factor authentication, with the requirements it meets and how well. Systems that use it, and systems that run on them, inherit its status for those requirements, marked as inherited, with a local exception possible. When its status changes, the picture changes for every system that inherits it.",
    ),
    ("shared_in_use", "Skyddsåtgärder i bruk", "Shared controls in use"),
    (
        "shared_none_yet",
        "Inga gemensamma skyddsåtgärder är beskrivna än.",
        "No shared controls are described yet.",
    ),
    ("shared_new", "Ny gemensam skyddsåtgärd", "New shared control"),
    ("shared_edit", "Ändra skyddsåtgärden", "Change the shared control"),
    (
        "shared_requirements",
        "Krav som skyddsåtgärden uppfyller",
        "Requirements the shared control meets",
    ),
    (
        "shared_requirements_hint",
        "Kravens id i katalogen, till exempel LIS-8.13-01, ett per rad eller åtskilda med komma.",
        "The requirements' ids in the catalogue, for example LIS-8.13-01, one per line or separated by commas.",
    ),
    ("shared_requirements_count", "Krav", "Requirements"),
    ("shared_systems_count", "System", "Systems"),
    (
        "shared_no_requirements",
        "Inga krav är angivna.",
        "No requirements are given.",
    ),
    (
        "shared_systems",
        "System som använder skyddsåtgärden",
        "Systems that use the shared control",
    ),
    (
        "shared_systems_intro",
        "Dessa system, och de system som körs på dem, ärver skyddsåtgärdens status för dess krav.",
        "These systems, and the systems that run on them, inherit the shared control's status for its requirements.",
    ),
    (
        "shared_no_systems",
        "Inga system använder skyddsåtgärden än.",
        "No systems use the shared control yet.",
    ),
    (
        "shared_link_label",
        "Systemets namn eller externa id",
        "The system's name or external id",
    ),
    ("shared_link", "Koppla systemet", "Link the system"),
    ("shared_unlink", "Ta bort kopplingen", "Remove the link"),
    ("shared_retire", "Avveckla skyddsåtgärden", "Retire the shared control"),
    (
        "shared_retired",
        "Skyddsåtgärden är avvecklad. System ärver inget från den längre.",
        "The shared control is retired. Systems inherit nothing from it any more.",
    ),
    (
        "shared_inherited_from",
        "Ärvs från den gemensamma skyddsåtgärden",
        "Inherited from the shared control",
    ),
    (
        "shared_local_exception_hint",
        "Spara en egen bedömning nedan för att göra ett lokalt undantag.",
        "Save an assessment of your own below to make a local exception.",
    ),
    (
        "shared_local_exception",
        "Lokalt undantag: systemets egen bedömning gäller i stället för den gemensamma skyddsåtgärdens.",
        "Local exception: the system's own assessment counts instead of the shared control's.",
    ),
    (
        "shared_record_exception",
        "Gör ett lokalt undantag",
        "Make a local exception",
    ),
    ("types_title", "Informationstyper", "Information types"),
    (
        "types_intro",
        "En informationstyp är en klassning som informationssäkerhetssamordnaren beslutar en gång för hela organisationen, till exempel för personuppgifter i personalakter. En informationsmängd kan bygga på en typ: dess nivåer kan höjas, men en lägre nivå än typens fastställs bara av informationssäkerhetssamordnaren. Ändras typen följer informationsmängderna och systemen med.",
        "An information type is a classification the CISO decides once for the whole organisation, for instance for personal data in personnel files. An informationsmängd can be based on a type: its levels can be raised, but only the CISO approves a level below the type's. When the type changes, the informationsmängder and systems follow.",
    ),
    ("types_in_use", "Informationstyper i bruk", "Information types in use"),
    ("types_type", "Informationstyp", "Information type"),
    ("types_description", "Beskrivning", "Description"),
    (
        "types_none_yet",
        "Inga informationstyper ännu.",
        "No information types yet.",
    ),
    (
        "types_retired",
        "Avvecklade informationstyper",
        "Retired information types",
    ),
    ("types_new", "Ny informationstyp", "New information type"),
    ("types_choose_level", "Välj nivå", "Choose a level"),
    (
        "types_is_retired",
        "Informationstypen är avvecklad: den kan inte väljas och höjer inga nivåer.",
        "The information type is retired: it cannot be chosen and raises no levels.",
    ),
    (
        "types_based_sets",
        "Informationsmängder som bygger på typen",
        "Informationsmängder based on the type",
    ),
    (
        "types_no_based_sets",
        "Ingen fastställd klassning bygger på typen ännu.",
        "No approved classification is based on the type yet.",
    ),
    ("types_change", "Ändra informationstypen", "Change the information type"),
    (
        "types_change_hint",
        "Nya nivåer gäller genast för informationsmängderna som bygger på typen och för systemen som lagrar dem, utom där informationssäkerhetssamordnaren har fastställt en lägre nivå.",
        "New levels apply at once to the informationsmängder based on the type and to the systems holding them, except where the CISO approved a lower level.",
    ),
    (
        "types_retire",
        "Avveckla informationstypen",
        "Retire the information type",
    ),
    (
        "types_based_on",
        "Bygger på informationstyp",
        "Based on information type",
    ),
    ("types_none", "Ingen informationstyp", "No information type"),
    (
        "types_form_hint",
        "Nivåerna föreslås då minst som typens. En lägre nivå behöver motivering och fastställs av informationssäkerhetssamordnaren.",
        "The levels are then proposed at least at the type's. A lower level needs a justification and is approved by the CISO.",
    ),
    (
        "types_lowered_by_ciso",
        "fastställd under typens nivåer av informationssäkerhetssamordnaren",
        "approved below the type's levels by the CISO",
    ),
    (
        "types_in_force",
        "Gäller för systemen (höjt till informationstypens nivåer)",
        "Applies to the systems (raised to the information type's levels)",
    ),
    (
        "types_waits_for_ciso",
        "Utkastet ligger under informationstypens nivåer och väntar på att informationssäkerhetssamordnaren fastställer det.",
        "The draft is below the information type's levels and waits for the CISO to approve it.",
    ),
    ("classification_levels", "Skyddsnivå", "Protection level"),
    ("classification_why", "Varför", "Why"),
    ("classification_calculated", "Beräknad", "Calculated"),
    ("classification_because", "eftersom", "because"),
    ("classification_since", "sedan", "since"),
    ("classification_pending", "väntar på godkännande", "awaiting approval"),
    ("classification_override", "Avsteg", "Override"),
    (
        "classification_review_override",
        "Beräknad nivå har ändrats sedan avsteget beslutades: se över avsteget",
        "The calculated level has changed since the override was decided: review the override",
    ),
    (
        "classification_remove_override",
        "Ta bort avsteget",
        "Remove the override",
    ),
    (
        "classification_set_override",
        "Gör avsteg från beräknad nivå",
        "Override the calculated level",
    ),
    ("classification_reason", "Skäl", "Reason"),
    ("classification_save_override", "Spara avsteg för", "Save override for"),
    (
        "classification_lower_ciso",
        "Som informationssäkerhetssamordnare kan du sänka en nivå direkt.",
        "As CISO you can lower a level directly.",
    ),
    (
        "classification_lower_needs_ciso",
        "Att höja gäller direkt; att sänka under beräknad nivå kräver informationssäkerhetssamordnarens godkännande.",
        "Raising applies at once; lowering below the calculated level needs the CISO's approval.",
    ),
    ("inventory_previous", "Föregående sida", "Previous page"),
    ("inventory_next", "Nästa sida", "Next page"),
    ("inventory_saved", "Sparat.", "Saved."),
    ("inventory_not_saved", "Inget sparades", "Nothing was saved"),
    (
        "inventory_is_retired",
        "Posten är avvecklad. Den finns kvar med sin historik men kan inte ändras.",
        "The record is retired. It is kept with its history but cannot be changed.",
    ),
    ("inventory_edit", "Ändra", "Edit"),
    ("inventory_retire", "Avveckla", "Retire"),
    (
        "inventory_systems",
        "System i förvaltningsobjektet",
        "Systems of the förvaltningsobjekt",
    ),
    ("inventory_no_systems", "Inga system i bruk.", "No systems in use."),
    ("inventory_relations", "Samband", "Relations"),
    ("inventory_relation", "Samband", "Relation"),
    ("inventory_remove", "Ta bort", "Remove"),
    ("inventory_no_relations", "Inga samband.", "No relations."),
    (
        "inventory_other",
        "System eller informationsmängd",
        "System or information set",
    ),
    (
        "inventory_other_hint",
        "Skriv namnet eller det externa id:t.",
        "Write the name or the external id.",
    ),
    ("inventory_add_relation", "Lägg till samband", "Add relation"),
    ("inventory_back", "Tillbaka", "Back"),
    (
        "inventory_conflict_text",
        "Någon annan har sparat posten sedan du öppnade den. Det du skrev finns kvar i formuläret; så här ser de fält ut som skiljer sig nu. Spara igen för att skriva över med dina värden.",
        "Someone else saved the record since you opened it. What you wrote is still in the form; this is how the fields that differ look now. Save again to overwrite them with your values.",
    ),
    ("inventory_required", "obligatoriskt", "required"),
    (
        "app_tagline",
        "Ledningssystem för informationssäkerhet",
        "Information security management system",
    ),
    ("skip_to_content", "Hoppa till innehållet", "Skip to content"),
    ("language_switch", "In English", "På svenska"),
    ("language_switch_label", "Byt språk", "Change language"),
    (
        "demo_banner",
        "Demoläge: Exempelkommun är påhittad och alla uppgifter här är fiktiva. Databasen skapas på nytt varje gång \
         demon startar.",
        "Demo mode: Exempelkommun is fictional and everything here is made up. The database is created anew each \
         time the demo starts.",
    ),
    ("home_title", "Organisation", "Organisation"),
    (
        "home_intro",
        "Organisationens nämnder, förvaltningar, avdelningar och enheter. Informationsmängder, system och \
         förvaltningsobjekt knyts till dem.",
        "The organisation's boards (nämnder), administrations (förvaltningar), departments and units. Information \
         sets, systems and förvaltningsobjekt are tied to them.",
    ),
    ("home_units", "organisatoriska enheter", "organisational units"),
    ("home_tree_label", "Organisationsträd", "Organisation tree"),
    ("kind_fullmaktige", "Fullmäktige", "Council (fullmäktige)"),
    ("kind_namnd", "Nämnd", "Board (nämnd)"),
    (
        "kind_forvaltning",
        "Förvaltning / sektor",
        "Administration (förvaltning)",
    ),
    ("kind_avdelning", "Avdelning", "Department"),
    ("kind_enhet", "Enhet", "Unit"),
    ("kind_bolag", "Kommunalt bolag", "Municipal company"),
    (
        "kind_samverkan",
        "Samverkan / kommunalförbund",
        "Joint body (kommunalförbund)",
    ),
    ("error_not_found_title", "Sidan finns inte", "Page not found"),
    (
        "error_not_found_text",
        "Adressen leder inte till någon sida i LIS. Kontrollera adressen eller gå till startsidan.",
        "The address does not lead to a page in LIS. Check the address or go to the start page.",
    ),
    ("error_internal_title", "Något gick fel", "Something went wrong"),
    (
        "error_internal_text",
        "LIS kunde inte slutföra begäran. Felet är loggat. Försök igen om en stund och ange felkoden nedan om du \
         kontaktar supporten.",
        "LIS could not complete the request. The error has been logged. Try again in a moment, and quote the error \
         code below if you contact support.",
    ),
    (
        "error_unavailable_title",
        "LIS är inte tillgängligt just nu",
        "LIS is not available right now",
    ),
    (
        "error_unavailable_text",
        "Databasen svarar inte. Försök igen om en stund; om felet består, kontakta driftansvarig och ange felkoden.",
        "The database does not answer. Try again in a moment; if it persists, contact operations and quote the \
         error code.",
    ),
    ("error_request_id", "Felkod", "Error code"),
    ("error_sign_in_required_title", "Logga in", "Sign in"),
    (
        "error_sign_in_required_text",
        "Du behöver logga in för att se sidan.",
        "You need to sign in to see this page.",
    ),
    (
        "error_no_role_title",
        "Du har ingen roll i LIS ännu",
        "You have no role in LIS yet",
    ),
    (
        "error_no_role_text",
        "Du är inloggad, men ingen har gett dig en roll i LIS. Objektsägare får tillgång till sina objekt när de \
         registreras som ägare i förteckningen; andra roller ges via din organisations grupper.",
        "You are signed in, but nobody has given you a role in LIS. Object owners get access to their objects when \
         they are registered as owners in the inventory; other roles come from your organisation's groups.",
    ),
    (
        "error_no_role_ask",
        "Be en administratör av LIS om behörighet:",
        "Ask an administrator of LIS for access:",
    ),
    (
        "error_forbidden_title",
        "Du saknar behörighet",
        "You do not have access",
    ),
    (
        "error_forbidden_text",
        "Din roll ger inte rätt att se eller ändra det här. Försöket har loggats.",
        "Your role does not allow you to see or change this. The attempt has been logged.",
    ),
    (
        "error_csrf_title",
        "Formuläret kunde inte tas emot",
        "The form could not be accepted",
    ),
    (
        "error_csrf_text",
        "Formuläret saknade en giltig säkerhetskod, till exempel för att sidan var gammal eller du har loggat ut \
         under tiden. Ladda om sidan och försök igen.",
        "The form lacked a valid security code, for instance because the page was old or you signed out meanwhile. \
         Reload the page and try again.",
    ),
    (
        "error_bad_form_title",
        "Formuläret var felaktigt",
        "The form was malformed",
    ),
    (
        "error_bad_form_text",
        "Uppgifterna i formuläret kunde inte läsas. Ladda om sidan och försök igen.",
        "The form's contents could not be read. Reload the page and try again.",
    ),
    (
        "error_self_disable_title",
        "Du kan inte stänga av dig själv",
        "You cannot disable yourself",
    ),
    (
        "error_self_disable_text",
        "Be en annan administratör stänga av ditt konto, så att LIS aldrig står utan administratör.",
        "Ask another administrator to disable your account, so that LIS is never left without an administrator.",
    ),
    ("error_rate_limited_title", "För många försök", "Too many attempts"),
    (
        "error_rate_limited_text",
        "Det har kommit för många inloggningsförsök från din dator på kort tid. Vänta en minut och försök igen.",
        "Too many sign-in attempts have come from your computer in a short time. Wait a minute and try again.",
    ),
    (
        "error_sign_in_not_configured_title",
        "Inloggning är inte konfigurerad",
        "Sign-in is not configured",
    ),
    (
        "error_sign_in_not_configured_text",
        "LIS är inte kopplat till någon inloggningstjänst ännu. Driftansvarig anger LIS_OIDC_ISSUER och \
         LIS_OIDC_CLIENT_ID enligt README.",
        "LIS is not connected to an identity provider yet. Operations sets LIS_OIDC_ISSUER and LIS_OIDC_CLIENT_ID as \
         the README describes.",
    ),
    (
        "error_sign_in_failed_title",
        "Inloggningen misslyckades",
        "Sign-in failed",
    ),
    (
        "error_sign_in_failed_text",
        "Inloggningen kunde inte slutföras och ingen session har skapats. Börja om från startsidan; om det händer \
         igen, kontakta supporten och ange felkoden.",
        "The sign-in could not be completed and no session was created. Start again from the start page; if it \
         happens again, contact support and quote the error code.",
    ),
    ("sign_out", "Logga ut", "Sign out"),
    ("menu_label", "Huvudmeny", "Main menu"),
    ("role_admin", "administratör", "administrator"),
    ("role_ciso", "informationssäkerhetssamordnare", "CISO"),
    ("role_it", "IT", "IT"),
    ("role_auditor", "granskare", "auditor"),
    ("account_title", "Mitt konto", "My account"),
    ("account_name", "Namn", "Name"),
    ("account_email", "E-post", "E-mail"),
    ("account_issuer", "Inloggningstjänst", "Identity provider"),
    ("account_roles", "Roller", "Roles"),
    ("account_no_roles", "Ingen roll", "No role"),
    ("demo_sign_in_title", "Logga in i demon", "Sign in to the demo"),
    (
        "demo_sign_in_intro",
        "Välj en av Exempelkommuns påhittade personer. Varje person har en roll, så att du kan se LIS som \
         administratör, informationssäkerhetssamordnare, IT, granskare eller som någon utan roll. Demon finns \
         bara i lis demo; en riktig installation loggar in via organisationens inloggningstjänst.",
        "Pick one of Exempelkommun's made-up people. Each has a role, so that you can see LIS as an administrator, \
         a CISO, IT, an auditor or someone without a role. This exists only in lis demo; a real installation signs \
         in through the organisation's identity provider.",
    ),
    ("people_title", "Personer", "People"),
    (
        "people_intro",
        "Alla som har loggat in i LIS, med roller och aktiva sessioner. Roller kommer från grupperna i \
         organisationens inloggningstjänst enligt rollmappningen.",
        "Everyone who has signed in to LIS, with roles and active sessions. Roles come from the groups of the \
         organisation's identity provider, as the role mapping says.",
    ),
    ("people_sessions", "Aktiva sessioner", "Active sessions"),
    ("people_status", "Status", "Status"),
    ("people_enabled", "Aktiv", "Active"),
    ("people_disabled", "Avstängd", "Disabled"),
    ("people_none", "Ingen har loggat in ännu.", "Nobody has signed in yet."),
    ("people_back", "Tillbaka till personer", "Back to people"),
    ("people_disable", "Stäng av kontot", "Disable the account"),
    ("people_enable", "Aktivera kontot", "Enable the account"),
    ("api_tokens_title", "API-nycklar", "API tokens"),
    (
        "api_tokens_intro",
        "Med en API-nyckel når andra system LIS:s JSON-API (/api/v1, beskrivet i /api/openapi.json). En nyckel har \
         en roll för hela organisationen och prövas mot samma behörighetsregler som sidorna. Ändringar som görs med \
         en nyckel loggas på nyckeln.",
        "An API token lets other systems reach LIS's JSON API (/api/v1, described in /api/openapi.json). A token has \
         one role for the whole organisation and is checked against the same rules as the pages. Changes made with a \
         token are logged under the token.",
    ),
    ("api_tokens_issued_title", "Kopiera nyckeln nu", "Copy the token now"),
    (
        "api_tokens_issued_text",
        "Nyckeln visas bara den här gången. LIS sparar bara ett kontrollvärde (hash) av den och kan inte visa den \
         igen. Förvara den som ett lösenord; tappar du bort den, återkalla den och skapa en ny.",
        "The token is shown this once only. LIS keeps only a hash of it and cannot show it again. Keep it like a \
         password; if you lose it, revoke it and issue a new one.",
    ),
    ("api_tokens_secret", "API-nyckel", "API token"),
    (
        "api_tokens_issued_use",
        "Skicka den i varje anrop som",
        "Send it with every request as",
    ),
    (
        "api_tokens_revoked_notice",
        "Nyckeln är återkallad och fungerar inte längre.",
        "The token is revoked and no longer works.",
    ),
    (
        "api_tokens_not_issued",
        "Nyckeln skapades inte",
        "The token was not issued",
    ),
    ("api_tokens_name", "Namn", "Name"),
    (
        "api_tokens_name_hint",
        "Vad nyckeln används till, till exempel systemet som anropar LIS. Högst 100 tecken.",
        "What the token is for, for example the system that calls LIS. At most 100 characters.",
    ),
    ("api_tokens_role", "Roll", "Role"),
    ("api_tokens_prefix", "Början av nyckeln", "Start of the token"),
    ("api_tokens_created", "Skapad", "Issued"),
    ("api_tokens_last_used", "Senast använd", "Last used"),
    ("api_tokens_never_used", "Aldrig", "Never"),
    ("api_tokens_status", "Status", "Status"),
    ("api_tokens_valid", "Gäller tills vidare", "Valid until revoked"),
    ("api_tokens_valid_until", "Gäller till", "Valid until"),
    ("api_tokens_expired", "Gick ut", "Expired"),
    ("api_tokens_revoked", "Återkallad", "Revoked"),
    ("api_tokens_revoke", "Återkalla", "Revoke"),
    (
        "api_tokens_none",
        "Inga API-nycklar har skapats.",
        "No API tokens have been issued.",
    ),
    ("api_tokens_issue", "Skapa API-nyckel", "Issue an API token"),
    ("api_tokens_validity", "Giltighet", "Validity"),
    ("api_tokens_validity_30", "30 dagar", "30 days"),
    ("api_tokens_validity_90", "90 dagar", "90 days"),
    ("api_tokens_validity_365", "Ett år", "One year"),
    ("api_tokens_validity_none", "Tills den återkallas", "Until revoked"),
    (
        "api_tokens_problem_name",
        "Namn: skriv vad nyckeln används till, på en rad och med högst 100 tecken.",
        "Name: write what the token is for, on one line and in at most 100 characters.",
    ),
    (
        "api_tokens_problem_role",
        "Roll: välj en av rollerna i listan.",
        "Role: choose one of the roles in the list.",
    ),
    (
        "api_tokens_problem_validity",
        "Giltighet: välj en av giltighetstiderna i listan.",
        "Validity: choose one of the periods in the list.",
    ),
    (
        "error_invalid_title",
        "Uppgifterna godtogs inte",
        "The values were refused",
    ),
    (
        "error_invalid_text",
        "En eller flera uppgifter är felaktiga och inget har ändrats. Varje fel står under errors, med fältets namn.",
        "One or more values are wrong and nothing was changed. Each is listed under errors, with its field.",
    ),
    (
        "error_unauthenticated_title",
        "API-nyckel saknas eller gäller inte",
        "No valid API token",
    ),
    (
        "error_unauthenticated_text",
        "Skicka en giltig API-nyckel i huvudet Authorization: Bearer lis_…. Nycklar skapas och återkallas av en \
         administratör under API-nycklar; en återkallad eller utgången nyckel fungerar inte.",
        "Send a valid API token in the header Authorization: Bearer lis_…. Administrators issue and revoke tokens \
         under API tokens; a revoked or expired token does not work.",
    ),
    (
        "error_token_required_title",
        "Ändringar kräver en API-nyckel",
        "Changes need an API token",
    ),
    (
        "error_token_required_text",
        "Via API:t ändras data bara med en API-nyckel (Authorization: Bearer), inte med en inloggad webbsession. \
         Använd sidorna i LIS, eller be en administratör om en nyckel.",
        "Through the API, data is changed with an API token only (Authorization: Bearer), not with a signed-in \
         browser session. Use LIS's pages, or ask an administrator for a token.",
    ),
    (
        "error_method_not_allowed_title",
        "Metoden stöds inte",
        "Method not allowed",
    ),
    (
        "error_method_not_allowed_text",
        "Adressen finns men tar inte emot den här HTTP-metoden. Se API-beskrivningen i /api/openapi.json.",
        "The address exists but does not take this HTTP method. See the API's description in /api/openapi.json.",
    ),
    ("api_error_not_found_title", "Finns inte", "Not found"),
    (
        "api_error_not_found_text",
        "Det finns ingen sådan adress i API:t, eller ingen post med det id:t i organisationen.",
        "There is no such address in the API, or no record with that id in the organisation.",
    ),
    (
        "api_error_bad_form_title",
        "Begäran kunde inte läsas",
        "The request could not be read",
    ),
    (
        "api_error_bad_form_text",
        "Skicka ett JSON-objekt med Content-Type: application/json, i den form som /api/openapi.json beskriver.",
        "Send a JSON object with Content-Type: application/json, in the form /api/openapi.json describes.",
    ),
    (
        "api_error_conflict_title",
        "Posten har ändrats eller kan inte ändras så",
        "The record has changed or cannot be changed so",
    ),
    (
        "api_error_conflict_text",
        "Någon annan har sparat en nyare version sedan posten lästes, och inget har ändrats. Den aktuella posten \
         finns under current: gör om ändringen på den och skicka dess version.",
        "Someone else saved a newer version since the record was read, and nothing was changed. The record as it \
         is now is under current: make the change again on it and send its version.",
    ),
    (
        "api_error_no_role_text",
        "Den som anropar har ingen roll i LIS. Be en administratör om en roll, eller använd en API-nyckel.",
        "The caller holds no role in LIS. Ask an administrator for a role, or use an API token.",
    ),
    (
        "api_error_forbidden_text",
        "Rollen ger inte rätt att se eller ändra det här. Försöket har loggats.",
        "The role does not allow seeing or changing this. The attempt has been logged.",
    ),
    (
        "api_error_internal_text",
        "LIS kunde inte slutföra begäran. Felet är loggat; ange request_id om du kontaktar supporten.",
        "LIS could not complete the request. The error has been logged; quote request_id if you contact support.",
    ),
    ("session_created", "Inloggad", "Signed in"),
    ("session_last_seen", "Senast aktiv", "Last active"),
    ("session_expires", "Upphör senast", "Ends at the latest"),
    ("session_none", "Inga aktiva sessioner.", "No active sessions."),
    ("session_end_all", "Avsluta alla sessioner", "End all sessions"),
    ("role_mapping_title", "Rollmappning", "Role mapping"),
    (
        "role_mapping_intro",
        "Vilken grupp i inloggningstjänsten som ger vilken roll i LIS. Rollerna uppdateras vid varje inloggning.",
        "Which group of the identity provider gives which role in LIS. Roles are updated at every sign-in.",
    ),
    (
        "role_mapping_label",
        "Mappning, en rad per grupp: grupp=roll",
        "Mapping, one line per group: group=role",
    ),
    (
        "role_mapping_hint",
        "Gruppnamnet skrivs exakt som inloggningstjänsten skickar det (i Entra ID ofta gruppens objekt-id). En roll \
         som bara gäller en del av organisationen skrivs grupp=roll@enhetens-id, till exempel it-skola=it@12.",
        "Write the group exactly as the identity provider sends it (in Entra ID often the group's object id). A role \
         that holds for part of the organisation only is written group=role@unit-id, for example it-skola=it@12.",
    ),
    ("role_mapping_roles", "Roller", "Roles"),
    (
        "role_mapping_units",
        "Organisatoriska enheter och deras id",
        "Org units and their ids",
    ),
    ("role_mapping_unit_id", "Id", "Id"),
    ("role_mapping_unit_name", "Enhet", "Unit"),
    (
        "role_mapping_saved",
        "Rollmappningen är sparad.",
        "The role mapping has been saved.",
    ),
    (
        "role_mapping_errors",
        "Rollmappningen sparades inte",
        "The role mapping was not saved",
    ),
    ("role_mapping_entry", "Rad", "Entry"),
    ("save", "Spara", "Save"),
    ("catalog_title", "Kravkatalog", "Requirement catalogue"),
    (
        "catalog_intro",
        "Säkerhetsåtgärderna enligt MSB:s metodstöd, ordnade efter ISO/IEC 27001:2022 bilaga A, med konkreta krav som \
         väljs ut efter klassningen. Krav som gäller på alla nivåer är grundskydd.",
        "The security measures of MSB's method support, ordered by ISO/IEC 27001:2022 Annex A, with concrete \
         requirements selected by the classification. Requirements that apply at every level are the baseline \
         (grundskydd).",
    ),
    ("catalog_search", "Sök", "Search"),
    ("catalog_theme", "Tema", "Theme"),
    ("catalog_aspect", "Aspekt", "Aspect"),
    ("catalog_level", "Gäller på nivå", "Applies at level"),
    ("catalog_reference", "Hänvisning", "Reference"),
    ("catalog_all", "Alla", "All"),
    ("catalog_filter", "Filtrera", "Filter"),
    ("catalog_clear", "Rensa filter", "Clear filters"),
    ("catalog_of", "av", "of"),
    ("catalog_requirements", "krav", "requirements"),
    (
        "catalog_level_hint",
        "Nivåfiltret visar kraven som gäller när den valda aspekten (eller alla aspekter) har den nivån.",
        "The level filter shows the requirements that apply when the chosen aspect (or every aspect) has that level.",
    ),
    ("catalog_aspects", "Aspekter", "Aspects"),
    ("catalog_generell", "generellt", "general"),
    ("catalog_nivaberoende", "nivåberoende", "level-dependent"),
    ("catalog_applies", "Gäller när", "Applies when"),
    ("catalog_because", "gäller eftersom", "applies because"),
    ("catalog_procurement", "Upphandlingskrav", "Procurement requirement"),
    ("catalog_csl", "Cybersäkerhetslagen", "Cybersecurity Act"),
    ("catalog_csl_points", "2 kap. 3 § punkt", "ch. 2 sec. 3 point"),
    (
        "catalog_csl_point",
        "Cybersäkerhetslagen 2 kap. 3 § punkt",
        "Cybersecurity Act ch. 2 sec. 3 point",
    ),
    (
        "theme_organisational",
        "Organisatoriska åtgärder",
        "Organisational controls",
    ),
    ("theme_people", "Personrelaterade åtgärder", "People controls"),
    ("theme_physical", "Fysiska åtgärder", "Physical controls"),
    ("theme_technological", "Tekniska åtgärder", "Technological controls"),
    ("aspect_K", "K – konfidentialitet", "K – confidentiality"),
    ("aspect_R", "R – riktighet", "R – integrity"),
    ("aspect_T", "T – tillgänglighet", "T – availability"),
    ("aspect_S", "S – spårbarhet", "S – traceability"),
    (
        "profile_title",
        "Skyddsnivåer: vilka krav ger en klassning?",
        "Protection levels: which requirements does a classification give?",
    ),
    (
        "profile_intro",
        "Välj nivå för konfidentialitet, riktighet, tillgänglighet och spårbarhet och se vilka krav som gäller och \
         varför.",
        "Choose levels for confidentiality, integrity, availability and traceability and see which requirements \
         apply, and why.",
    ),
    ("profile_show", "Visa krav", "Show requirements"),
    (
        "profile_count",
        "krav gäller för den här klassningen.",
        "requirements apply to this classification.",
    ),
    (
        "profile_invalid",
        "En nivå låg utanför skalan och har räknats som 0.",
        "A level was outside the scale and was counted as 0.",
    ),
    (
        "profile_separate_title",
        "Kräver separat analys",
        "Requires a separate analysis",
    ),
    (
        "profile_separate_text",
        "Nivå 4, synnerligen allvarlig, gäller information som rör Sveriges säkerhet. Den ger inga krav i LIS: \
         informationen hanteras enligt säkerhetsskyddslagen, med en säkerhetsskyddsanalys, utanför LIS.",
        "Level 4, exceptionally serious, concerns information that affects Sweden's security. It gives no \
         requirements in LIS: the information is handled under the Protective Security Act, with a protective \
         security analysis, outside LIS.",
    ),
    ("menu_catalog", "Kravkatalog", "Catalogue"),
    ("menu_soa", "Uttalande om tillämplighet", "Statement of applicability"),
    ("catalogues_title", "Kataloger", "Catalogues"),
    (
        "mapping_title",
        "Koppling till LIS åtgärder",
        "Mapping to LIS's measures",
    ),
    (
        "mapping_intro",
        "Vilken åtgärd i LIS katalog (ISO/IEC 27001:2022 bilaga A) varje åtgärd i den här katalogen motsvarar. En rad \
         per åtgärd: id = LIS-åtgärd, till exempel ac-2 = 5.16, 5.18.",
        "Which measure of LIS's catalogue (ISO/IEC 27001:2022 Annex A) each measure of this catalogue corresponds to. \
         One line per measure: id = LIS measure, for example ac-2 = 5.16, 5.18.",
    ),
    (
        "mapping_label",
        "Koppling, en rad per åtgärd",
        "Mapping, one line per measure",
    ),
    ("mapping_saved", "Kopplingen är sparad.", "The mapping has been saved."),
    (
        "mapping_not_saved",
        "Kopplingen sparades inte",
        "The mapping was not saved",
    ),
    (
        "mapping_problem_format",
        "skriv som id = LIS-åtgärd, LIS-åtgärd",
        "write it as id = LIS measure, LIS measure",
    ),
    (
        "mapping_problem_unknown_external",
        "katalogen har ingen åtgärd med det id:t",
        "the catalogue has no measure with that id",
    ),
    (
        "mapping_problem_unknown_lis",
        "LIS katalog har ingen sådan åtgärd",
        "LIS's catalogue has no such measure",
    ),
    (
        "catalogues_intro",
        "LIS egen katalog som den lästes in, och kataloger som importerats från OSCAL, till exempel NIST SP 800-53. \
         Importerade kataloger går att läsa men inte ändra.",
        "LIS's own catalogue as it was loaded, and catalogues imported from OSCAL, such as NIST SP 800-53. Imported \
         catalogues can be read but not changed.",
    ),
    ("catalogues_name", "Katalog", "Catalogue"),
    ("catalogues_version", "Version", "Version"),
    ("catalogues_source", "Källa", "Source"),
    ("catalogues_controls", "Åtgärder", "Controls"),
    ("catalogues_loaded", "Inläst", "Loaded"),
    ("catalogues_source_shipped", "LIS egen", "LIS's own"),
    (
        "catalogues_source_oscal",
        "Importerad från OSCAL",
        "Imported from OSCAL",
    ),
    ("catalogues_read_only", "skrivskyddad", "read-only"),
    (
        "catalogues_import_hint",
        "En administratör importerar en OSCAL-katalog med kommandot lis catalog import-oscal FIL.",
        "An administrator imports an OSCAL catalog with the command lis catalog import-oscal FILE.",
    ),
    ("yes", "Ja", "Yes"),
    ("no", "Nej", "No"),
    (
        "soa_title",
        "Uttalande om tillämplighet (SoA)",
        "Statement of applicability (SoA)",
    ),
    (
        "soa_intro",
        "För varje säkerhetsåtgärd: ska den användas, och varför? En åtgärd som inte används tas bort ur kraven för \
         alla system tills den används igen. Informationssäkerhetssamordnaren beslutar; ändringarna sparas i \
         loggen.",
        "For each security measure: is it to be used, and why? A measure not in use is removed from the \
         requirements of every system until it is used again. The CISO decides; changes are kept in the audit \
         trail.",
    ),
    (
        "soa_saved",
        "Beslutet är sparat för åtgärd",
        "The decision is saved for measure",
    ),
    ("soa_not_in_use_count", "åtgärder används inte", "measures not in use"),
    (
        "soa_undecided_count",
        "åtgärder är inte bedömda än",
        "measures not yet assessed",
    ),
    ("soa_export_csv", "Exportera som CSV", "Export as CSV"),
    ("soa_export_xlsx", "Exportera som Excel", "Export as Excel"),
    ("soa_control", "Åtgärd", "Measure"),
    ("soa_in_use", "Ska användas", "To be used"),
    ("soa_justification", "Motivering", "Justification"),
    ("soa_text", "Kommentar", "Comment"),
    ("soa_requirements", "Krav", "Requirements"),
    ("soa_change", "Ändra", "Change"),
    ("soa_not_assessed", "ej bedömd", "not assessed"),
    (
        "soa_back",
        "Tillbaka till uttalandet om tillämplighet",
        "Back to the statement of applicability",
    ),
    ("soa_not_saved", "Beslutet sparades inte", "The decision was not saved"),
    (
        "soa_text_hint",
        "Beskriv till exempel hur åtgärden införs, vilken analys som ligger bakom, eller varför den inte behövs.",
        "Describe for instance how the measure is implemented, which analysis lies behind it, or why it is not needed.",
    ),
    (
        "soa_conflict_title",
        "Någon annan har ändrat beslutet",
        "Someone else has changed the decision",
    ),
    (
        "soa_conflict_text",
        "Medan du skrev sparade någon annan ett nytt beslut för åtgärden. Ditt förslag står kvar i formuläret; så här \
         ser det sparade beslutet ut nu. Spara igen om ditt förslag ska gälla.",
        "While you were writing, someone else saved a new decision for this measure. Your proposal is still in the \
         form; this is the saved decision now. Save again if yours is to apply.",
    ),
    (
        "soa_problem_not_used_without_justification",
        "En åtgärd som inte används måste ha en motivering.",
        "A measure that is not used needs a justification.",
    ),
    (
        "soa_problem_other_reason_without_text",
        "Motiveringen Annat skäl behöver en kommentar som förklarar skälet.",
        "The justification Other reason needs a comment that explains it.",
    ),
    (
        "soa_problem_text_too_long",
        "Kommentaren är längre än 4 000 tecken.",
        "The comment is longer than 4,000 characters.",
    ),
    (
        "soa_j_organisationsanalys",
        "Organisationsanalys",
        "Organisational analysis",
    ),
    ("soa_j_riskanalys", "Riskanalys", "Risk analysis"),
    ("soa_j_omvarldsanalys", "Omvärldsanalys", "External analysis"),
    ("soa_j_rattsligt_krav", "Rättsligt krav", "Legal requirement"),
    ("soa_j_annat_skal", "Annat skäl", "Other reason"),
    (
        "profile_soa_note",
        "krav hör till åtgärder som inte används enligt uttalandet om tillämplighet och är borttagna.",
        "requirements belong to measures not in use under the statement of applicability and are left out.",
    ),
    (
        "error_refused_title",
        "Ändringen gjordes inte",
        "The change was not made",
    ),
    (
        "error_conflict_title",
        "Någon annan har ändrat uppgiften",
        "Someone else has changed this",
    ),
    (
        "error_conflict_text",
        "Uppgiften ändrades medan du arbetade med den. Ladda om sidan och gör om ändringen.",
        "It was changed while you were working on it. Reload the page and make your change again.",
    ),
    (
        "role_map_problem_not_group_equals_role",
        "skriv som grupp=roll",
        "write it as group=role",
    ),
    (
        "role_map_problem_empty_group",
        "gruppnamnet saknas",
        "the group name is empty",
    ),
    (
        "role_map_problem_unusable_group",
        "gruppnamnet är längre än 255 tecken eller innehåller ett styrtecken",
        "the group name is longer than 255 characters or holds a control character",
    ),
    (
        "role_map_problem_unknown_role",
        "okänd roll; rollerna är admin, ciso, it och auditor",
        "unknown role; the roles are admin, ciso, it and auditor",
    ),
    (
        "role_map_problem_duplicate",
        "gruppen har redan den rollen",
        "this group already has this role",
    ),
    (
        "role_map_problem_bad_scope",
        "efter @ kommer en organisatorisk enhets id",
        "after @ comes the id of an org unit",
    ),
    (
        "role_map_problem_unknown_unit",
        "det finns ingen organisatorisk enhet med det id:t",
        "there is no org unit with that id",
    ),
    ("back_home", "Till startsidan", "Go to the start page"),
    (
        "footer_text",
        "LIS stödjer systematiskt informationssäkerhetsarbete enligt MSB:s (numera MCF:s) metodstöd.",
        "LIS supports systematic information security work following the method support of MSB (now MCF).",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_beats_cookie_beats_default() {
        let mut headers = HeaderMap::new();
        let plain: Uri = "/".parse().expect("uri");
        assert_eq!(Lang::of_request(&plain, &headers), Lang::Sv);
        headers.insert(header::COOKIE, "a=b; lis_lang=en".parse().expect("cookie"));
        assert_eq!(Lang::of_request(&plain, &headers), Lang::En);
        let asked: Uri = "/?x=1&lang=sv".parse().expect("uri");
        assert_eq!(Lang::of_request(&asked, &headers), Lang::Sv);
        let unknown: Uri = "/?lang=de".parse().expect("uri");
        assert_eq!(Lang::from_query(&unknown), None);
    }

    #[test]
    fn every_key_is_unique_and_translated() {
        let mut seen = std::collections::HashSet::new();
        for (key, sv, en) in MESSAGES {
            assert!(seen.insert(key), "duplicate key {key}");
            assert!(!sv.trim().is_empty() && !en.trim().is_empty(), "empty text for {key}");
        }
        assert_eq!(Lang::Sv.messages().len(), MESSAGES.len());
        assert_eq!(Lang::En.messages()["home_title"], "Organisation");
    }
}
