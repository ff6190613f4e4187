//! The applicability-rule language of the catalogue: when a requirement applies, written over the levels of a
//! classification, e.g. `always`, `K>=2`, `T>=3 OR R>=3`, `(K>=2 OR S>=2) AND T>=1`.
//!
//! Grammar (keywords and aspects are case-insensitive, white space is free):
//!
//! ```text
//! rule  := "always" | or
//! or    := and ("OR" and)*
//! and   := atom ("AND" atom)*
//! atom  := "(" or ")" | ASPECT OP LEVEL
//! ASPECT := K | R | T | S      OP := >= | > | = | <= | <      LEVEL := 0..4
//! ```

use std::fmt;

use serde::Serialize;

use crate::aspect::{Aspect, MAX_LEVEL, Profile};

/// How deeply parentheses may nest: far more than any real rule, few enough that no input can exhaust the stack.
const MAX_DEPTH: usize = 32;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Op {
    /// `>=`
    AtLeast,
    /// `>`
    Above,
    /// `=`
    Equal,
    /// `<=`
    AtMost,
    /// `<`
    Below,
}

impl Op {
    fn holds(self, actual: u8, wanted: u8) -> bool {
        match self {
            Self::AtLeast => actual >= wanted,
            Self::Above => actual > wanted,
            Self::Equal => actual == wanted,
            Self::AtMost => actual <= wanted,
            Self::Below => actual < wanted,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Self::AtLeast => ">=",
            Self::Above => ">",
            Self::Equal => "=",
            Self::AtMost => "<=",
            Self::Below => "<",
        }
    }
}

/// A parsed applicability rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Rule {
    /// Applies at every level: grundskydd.
    Always,
    /// `aspect op level`.
    Compare {
        /// The aspect compared.
        aspect: Aspect,
        /// The comparison.
        op: Op,
        /// The level compared with.
        level: u8,
    },
    /// Both hold.
    And(Box<Rule>, Box<Rule>),
    /// Either holds.
    Or(Box<Rule>, Box<Rule>),
}

/// Why a rule could not be parsed: what is wrong and at which character (counting from 0).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {position})")]
pub struct RuleError {
    /// Where in the rule text the problem is.
    pub position: usize,
    /// What is wrong.
    pub message: String,
}

impl Rule {
    /// Parses a rule.
    pub fn parse(text: &str) -> Result<Rule, RuleError> {
        let tokens = tokenize(text)?;
        if let [Token { kind: Kind::Always, .. }] = tokens.as_slice() {
            return Ok(Rule::Always);
        }
        let mut parser = Parser {
            tokens: &tokens,
            next: 0,
            end: text.chars().count(),
        };
        let rule = parser.or(0)?;
        match parser.tokens.get(parser.next) {
            None => Ok(rule),
            Some(token) => Err(RuleError {
                position: token.position,
                message: format!("unexpected {}", token.kind),
            }),
        }
    }

    /// Whether the rule holds for a classification.
    pub fn applies(&self, profile: &Profile) -> bool {
        match self {
            Self::Always => true,
            Self::Compare { aspect, op, level } => op.holds(profile.level(*aspect), *level),
            Self::And(a, b) => a.applies(profile) && b.applies(profile),
            Self::Or(a, b) => a.applies(profile) || b.applies(profile),
        }
    }

    /// Whether some classification with levels 0–3 (those that give requirements) makes the rule hold.
    pub fn is_satisfiable(&self) -> bool {
        Profile::all_up_to(MAX_LEVEL - 1).any(|profile| self.applies(&profile))
    }

    /// The comparisons that hold for `profile` and make the rule apply: the explanation shown beside a requirement
    /// ("applies because K>=2"). Empty when the rule does not apply; `[Always]` for grundskydd.
    pub fn reasons(&self, profile: &Profile) -> Vec<Rule> {
        if !self.applies(profile) {
            return Vec::new();
        }
        match self {
            Self::Always | Self::Compare { .. } => vec![self.clone()],
            Self::And(a, b) => [a.reasons(profile), b.reasons(profile)].concat(),
            Self::Or(a, b) => {
                let first = a.reasons(profile);
                if first.is_empty() { b.reasons(profile) } else { first }
            }
        }
    }

    /// The aspects the rule mentions.
    pub fn aspects(&self) -> Vec<Aspect> {
        let mut found = Vec::new();
        self.collect_aspects(&mut found);
        found.sort();
        found.dedup();
        found
    }

    fn collect_aspects(&self, found: &mut Vec<Aspect>) {
        match self {
            Self::Always => {}
            Self::Compare { aspect, .. } => found.push(*aspect),
            Self::And(a, b) | Self::Or(a, b) => {
                a.collect_aspects(found);
                b.collect_aspects(found);
            }
        }
    }
}

impl fmt::Display for Rule {
    /// The canonical text of the rule, with parentheses only where `OR` sits inside `AND`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Always => f.write_str("always"),
            Self::Compare { aspect, op, level } => write!(f, "{aspect}{}{level}", op.symbol()),
            Self::Or(a, b) => write!(f, "{a} OR {b}"),
            Self::And(a, b) => {
                let side = |rule: &Rule, f: &mut fmt::Formatter<'_>| match rule {
                    Self::Or(..) => write!(f, "({rule})"),
                    _ => write!(f, "{rule}"),
                };
                side(a, f)?;
                f.write_str(" AND ")?;
                side(b, f)
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Always,
    And,
    Or,
    Open,
    Close,
    Aspect(Aspect),
    Op(Op),
    Level(u8),
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Always => f.write_str("'always' (it can only stand alone)"),
            Self::And => f.write_str("'AND'"),
            Self::Or => f.write_str("'OR'"),
            Self::Open => f.write_str("'('"),
            Self::Close => f.write_str("')'"),
            Self::Aspect(a) => write!(f, "aspect {a}"),
            Self::Op(op) => write!(f, "'{}'", op.symbol()),
            Self::Level(l) => write!(f, "level {l}"),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    position: usize,
}

fn tokenize(text: &str) -> Result<Vec<Token>, RuleError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let position = i;
        let push = |kind, tokens: &mut Vec<Token>| tokens.push(Token { kind, position });
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            push(Kind::Open, &mut tokens);
            i += 1;
        } else if c == ')' {
            push(Kind::Close, &mut tokens);
            i += 1;
        } else if c == '>' || c == '<' {
            let with_equal = chars.get(i + 1) == Some(&'=');
            let op = match (c, with_equal) {
                ('>', true) => Op::AtLeast,
                ('>', false) => Op::Above,
                ('<', true) => Op::AtMost,
                _ => Op::Below,
            };
            push(Kind::Op(op), &mut tokens);
            i += if with_equal { 2 } else { 1 };
        } else if c == '=' {
            push(Kind::Op(Op::Equal), &mut tokens);
            i += if chars.get(i + 1) == Some(&'=') { 2 } else { 1 };
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let digits: String = chars[start..i].iter().collect();
            match digits.parse::<u8>() {
                Ok(level) if level <= MAX_LEVEL => push(Kind::Level(level), &mut tokens),
                _ => {
                    return Err(RuleError {
                        position,
                        message: format!("level {digits} is outside the scale 0–{MAX_LEVEL}"),
                    });
                }
            }
        } else if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect::<String>().to_uppercase();
            let kind = match word.as_str() {
                "ALWAYS" => Kind::Always,
                "AND" => Kind::And,
                "OR" => Kind::Or,
                "K" => Kind::Aspect(Aspect::K),
                "R" => Kind::Aspect(Aspect::R),
                "T" => Kind::Aspect(Aspect::T),
                "S" => Kind::Aspect(Aspect::S),
                _ => {
                    return Err(RuleError {
                        position,
                        message: format!("unknown word {word:?}; expected K, R, T, S, AND, OR or always"),
                    });
                }
            };
            push(kind, &mut tokens);
        } else {
            return Err(RuleError {
                position,
                message: format!("unexpected character {c:?}"),
            });
        }
    }
    if tokens.is_empty() {
        return Err(RuleError {
            position: 0,
            message: "the rule is empty; write always or a comparison such as K>=2".into(),
        });
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: &'a [Token],
    next: usize,
    end: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<Kind> {
        self.tokens.get(self.next).map(|t| t.kind)
    }

    fn position(&self) -> usize {
        self.tokens.get(self.next).map_or(self.end, |t| t.position)
    }

    fn expected(&self, what: &str) -> RuleError {
        let found = self
            .peek()
            .map_or("the end of the rule".to_owned(), |kind| kind.to_string());
        RuleError {
            position: self.position(),
            message: format!("expected {what}, found {found}"),
        }
    }

    fn or(&mut self, depth: usize) -> Result<Rule, RuleError> {
        let mut rule = self.and(depth)?;
        while self.peek() == Some(Kind::Or) {
            self.next += 1;
            rule = Rule::Or(Box::new(rule), Box::new(self.and(depth)?));
        }
        Ok(rule)
    }

    fn and(&mut self, depth: usize) -> Result<Rule, RuleError> {
        let mut rule = self.atom(depth)?;
        while self.peek() == Some(Kind::And) {
            self.next += 1;
            rule = Rule::And(Box::new(rule), Box::new(self.atom(depth)?));
        }
        Ok(rule)
    }

    fn atom(&mut self, depth: usize) -> Result<Rule, RuleError> {
        match self.peek() {
            Some(Kind::Open) => {
                if depth >= MAX_DEPTH {
                    return Err(RuleError {
                        position: self.position(),
                        message: "parentheses nest too deeply".into(),
                    });
                }
                self.next += 1;
                let inner = self.or(depth + 1)?;
                if self.peek() != Some(Kind::Close) {
                    return Err(self.expected("')'"));
                }
                self.next += 1;
                Ok(inner)
            }
            Some(Kind::Aspect(aspect)) => {
                self.next += 1;
                let Some(Kind::Op(op)) = self.peek() else {
                    return Err(self.expected("a comparison such as >="));
                };
                self.next += 1;
                let Some(Kind::Level(level)) = self.peek() else {
                    return Err(self.expected("a level from 0 to 4"));
                };
                self.next += 1;
                Ok(Rule::Compare { aspect, op, level })
            }
            _ => Err(self.expected("an aspect (K, R, T or S) or '('")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(text: &str) -> Rule {
        Rule::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn parses_the_catalogues_forms() {
        assert_eq!(rule("always"), Rule::Always);
        assert_eq!(rule(" ALWAYS "), Rule::Always);
        assert_eq!(
            rule("K>=2"),
            Rule::Compare {
                aspect: Aspect::K,
                op: Op::AtLeast,
                level: 2
            }
        );
        assert_eq!(rule("t >= 3 or r>=3").to_string(), "T>=3 OR R>=3");
        assert_eq!(rule("(K>=2 OR S>=2) AND T>=1").to_string(), "(K>=2 OR S>=2) AND T>=1");
        assert_eq!(
            rule("K>=2 OR S>=2 AND T>=1").to_string(),
            "K>=2 OR S>=2 AND T>=1",
            "AND binds tighter"
        );
        assert_eq!(rule("K=1").to_string(), "K=1");
        assert_eq!(rule("K==1"), rule("K=1"));
    }

    #[test]
    fn evaluates_against_profiles() {
        let r = rule("T>=3 OR R>=3");
        assert!(r.applies(&Profile::new(0, 3, 0, 0)));
        assert!(!r.applies(&Profile::new(3, 2, 2, 3)));
        let both = rule("(K>=2 OR S>=2) AND T>=1");
        assert!(both.applies(&Profile::new(0, 0, 1, 2)));
        assert!(!both.applies(&Profile::new(3, 0, 0, 3)));
        assert!(rule("always").applies(&Profile::default()));
    }

    #[test]
    fn explains_why_a_rule_applies() {
        let r = rule("(K>=2 OR S>=2) AND T>=1");
        let reasons: Vec<String> = r
            .reasons(&Profile::new(0, 0, 2, 3))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(reasons, ["S>=2", "T>=1"]);
        assert!(r.reasons(&Profile::default()).is_empty());
        assert_eq!(rule("always").reasons(&Profile::default()), [Rule::Always]);
        assert_eq!(r.aspects(), [Aspect::K, Aspect::T, Aspect::S]);
    }

    #[test]
    fn unsatisfiable_rules_are_recognised() {
        assert!(!rule("K>=2 AND K<1").is_satisfiable());
        assert!(!rule("T>=4").is_satisfiable(), "level 4 gives no requirements");
        assert!(!rule("K>3").is_satisfiable());
        assert!(rule("K>=3").is_satisfiable());
    }

    #[test]
    fn errors_say_what_and_where() {
        let cases = [
            ("", 0, "empty"),
            ("K>=", 3, "expected a level"),
            ("K>=5", 3, "outside the scale"),
            ("X>=1", 0, "unknown word"),
            ("K>=1 AND", 8, "expected an aspect"),
            ("(K>=1", 5, "expected ')'"),
            ("K>=1)", 4, "unexpected ')'"),
            ("K 2", 2, "expected a comparison"),
            ("always OR K>=1", 0, "always"),
            ("K>=1 ; R>=1", 5, "unexpected character"),
        ];
        for (text, position, fragment) in cases {
            let err = Rule::parse(text).expect_err(text);
            assert_eq!(err.position, position, "{text}: {err}");
            assert!(err.message.contains(fragment), "{text}: {err}");
        }
        let deep = format!("{}K>=1{}", "(".repeat(100), ")".repeat(100));
        assert!(Rule::parse(&deep).expect_err("too deep").message.contains("too deeply"));
    }
}
