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
    (
        "home_empty",
        "Ingen organisation är upplagd ännu. En administratör lägger upp organisationen och dess enheter.",
        "No organisation has been set up yet. An administrator sets up the organisation and its units.",
    ),
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
