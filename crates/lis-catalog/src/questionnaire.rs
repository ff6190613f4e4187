//! The guided questions of the information classification (`msb-catalog/classification.toml`): one question per
//! aspect, answered per consequence category with a level; the worst answer proposes the level. Data, not code, so a
//! municipality's own categories and wording need no new LIS.

use std::collections::BTreeMap;

use lis_domain::aspect::Aspect;
use serde::{Deserialize, Serialize};

use crate::{Problem, Texts};

/// The name of the questions' file in the catalogue directory.
pub const QUESTIONNAIRE_FILE: &str = "classification.toml";

/// A consequence category: what a loss is weighed against (operations, economy, law, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Consequence {
    /// Its identifier, e.g. `ekonomi`: stored with the answers.
    pub id: String,
    /// Its name.
    pub name: Texts,
    /// The question it puts, e.g. "what does it cost?".
    pub prompt: Texts,
}

/// The question of one aspect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    /// The aspect it decides.
    pub aspect: Aspect,
    /// The question.
    pub text: Texts,
    /// A hint on how to think about it.
    pub hint: Texts,
}

/// The consequence categories and one question per aspect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Questionnaire {
    /// The categories, in the order shown.
    pub consequences: Vec<Consequence>,
    /// The questions, in the order K, R, T, S.
    pub questions: Vec<Question>,
}

impl Questionnaire {
    /// The question of `aspect`.
    pub fn question(&self, aspect: Aspect) -> Option<&Question> {
        self.questions.iter().find(|q| q.aspect == aspect)
    }

    /// The level the answers propose: the worst consequence decides (0 when nothing is answered). Answers for
    /// categories the questionnaire does not have are ignored.
    pub fn proposal(&self, answers: &BTreeMap<String, u8>) -> u8 {
        self.consequences
            .iter()
            .filter_map(|c| answers.get(&c.id))
            .copied()
            .max()
            .unwrap_or(0)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTexts {
    sv: String,
    en: String,
}

impl From<RawTexts> for Texts {
    fn from(raw: RawTexts) -> Self {
        Texts { sv: raw.sv, en: raw.en }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    consequence: Vec<RawConsequence>,
    question: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConsequence {
    id: String,
    name: RawTexts,
    prompt: RawTexts,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    aspect: String,
    text: RawTexts,
    hint: RawTexts,
}

/// Parses and checks the questions' file: every field present, category ids unique and plain (`a`–`z`, `_`), one
/// question for each of K, R, T and S.
pub fn parse(text: &str) -> Result<Questionnaire, Vec<Problem>> {
    let problem = |line: usize, message: String| Problem {
        file: QUESTIONNAIRE_FILE.to_owned(),
        line,
        message,
    };
    let raw: RawFile = toml::from_str(text).map_err(|err| {
        let line = err
            .span()
            .map_or(0, |span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        vec![problem(line, err.message().to_owned())]
    })?;
    let mut problems = Vec::new();
    let mut consequences: Vec<Consequence> = Vec::new();
    for raw in raw.consequence {
        if raw.id.is_empty() || !raw.id.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            problems.push(problem(
                0,
                format!("the category id {:?} must be lower-case letters a–z or _", raw.id),
            ));
        }
        if consequences.iter().any(|c| c.id == raw.id) {
            problems.push(problem(0, format!("the category {:?} comes twice", raw.id)));
        }
        consequences.push(Consequence {
            id: raw.id,
            name: raw.name.into(),
            prompt: raw.prompt.into(),
        });
    }
    if consequences.is_empty() {
        problems.push(problem(0, "there is no consequence category".to_owned()));
    }
    let mut questions: Vec<Question> = Vec::new();
    for raw in raw.question {
        match raw.aspect.parse::<Aspect>() {
            Ok(aspect) if questions.iter().any(|q| q.aspect == aspect) => {
                problems.push(problem(0, format!("the aspect {aspect} has two questions")));
            }
            Ok(aspect) => questions.push(Question {
                aspect,
                text: raw.text.into(),
                hint: raw.hint.into(),
            }),
            Err(_) => problems.push(problem(0, format!("unknown aspect {:?}: K, R, T or S", raw.aspect))),
        }
    }
    for aspect in Aspect::ALL {
        if !questions.iter().any(|q| q.aspect == aspect) {
            problems.push(problem(0, format!("the aspect {aspect} has no question")));
        }
    }
    questions.sort_by_key(|q| Aspect::ALL.iter().position(|a| *a == q.aspect));
    if problems.is_empty() {
        Ok(Questionnaire {
            consequences,
            questions,
        })
    } else {
        Err(problems)
    }
}

/// The questions LIS ships (`msb-catalog/classification.toml`), as compiled into the binary.
pub fn shipped() -> Result<Questionnaire, Vec<Problem>> {
    parse(crate::embedded::QUESTIONNAIRE_TOML)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_questions_cover_every_aspect_and_seven_categories() {
        let questionnaire = shipped().expect("the shipped questions");
        assert_eq!(questionnaire.questions.len(), 4);
        let ids: Vec<&str> = questionnaire.consequences.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "verksamhet",
                "ekonomi",
                "lag",
                "fortroende",
                "enskilda",
                "samhalle",
                "halsa"
            ]
        );
        assert!(questionnaire.question(Aspect::S).is_some());
    }

    #[test]
    fn the_worst_answer_proposes_the_level() {
        let questionnaire = shipped().expect("the shipped questions");
        let answers = BTreeMap::from([
            ("ekonomi".to_owned(), 1),
            ("enskilda".to_owned(), 3),
            ("okänd".to_owned(), 4),
        ]);
        assert_eq!(questionnaire.proposal(&answers), 3);
        assert_eq!(questionnaire.proposal(&BTreeMap::new()), 0);
    }

    #[test]
    fn a_missing_aspect_a_twice_named_category_and_a_typo_are_each_reported() {
        let text = r#"
[[consequence]]
id = "ekonomi"
name = { sv = "Ekonomi", en = "Economy" }
prompt = { sv = "?", en = "?" }

[[consequence]]
id = "ekonomi"
name = { sv = "Ekonomi", en = "Economy" }
prompt = { sv = "?", en = "?" }

[[question]]
aspect = "K"
text = { sv = "?", en = "?" }
hint = { sv = "?", en = "?" }
"#;
        let problems = parse(text).expect_err("problems");
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages.contains(&"the category \"ekonomi\" comes twice"),
            "{messages:?}"
        );
        assert!(messages.contains(&"the aspect R has no question"), "{messages:?}");
        let typo = parse("[[consequence]]\nid = \"a\"\nnamn = 1\n").expect_err("typo");
        assert_eq!(typo[0].line, 3, "{typo:?}");
        assert!(typo[0].message.contains("namn"), "{typo:?}");
    }
}
