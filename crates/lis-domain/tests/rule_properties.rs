//! Property tests of the applicability-rule language.

use lis_domain::aspect::{Aspect, Profile};
use lis_domain::rule::{Op, Rule};
use proptest::prelude::*;

fn aspect() -> impl Strategy<Value = Aspect> {
    prop_oneof![Just(Aspect::K), Just(Aspect::R), Just(Aspect::T), Just(Aspect::S)]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::AtLeast),
        Just(Op::Above),
        Just(Op::Equal),
        Just(Op::AtMost),
        Just(Op::Below)
    ]
}

fn rule() -> impl Strategy<Value = Rule> {
    let leaf = (aspect(), op(), 0u8..=4).prop_map(|(aspect, op, level)| Rule::Compare { aspect, op, level });
    leaf.prop_recursive(5, 32, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Rule::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Rule::Or(Box::new(a), Box::new(b))),
        ]
    })
}

fn profile() -> impl Strategy<Value = Profile> {
    (0u8..=4, 0u8..=4, 0u8..=4, 0u8..=4).prop_map(|(k, r, t, s)| Profile::new(k, r, t, s))
}

proptest! {
    /// Printing a rule and parsing it back gives a rule that decides every profile the same way.
    #[test]
    fn printing_and_parsing_keeps_the_meaning(rule in rule(), profile in profile()) {
        let printed = rule.to_string();
        let parsed = Rule::parse(&printed).map_err(|e| TestCaseError::fail(format!("{printed}: {e}")))?;
        prop_assert_eq!(parsed.applies(&profile), rule.applies(&profile), "{}", printed);
        prop_assert_eq!(parsed.to_string(), printed);
    }

    /// A rule applies exactly when its reasons are non-empty, and every reason holds on its own.
    #[test]
    fn reasons_explain_exactly_when_a_rule_applies(rule in rule(), profile in profile()) {
        let reasons = rule.reasons(&profile);
        prop_assert_eq!(!reasons.is_empty(), rule.applies(&profile));
        for reason in reasons {
            prop_assert!(reason.applies(&profile));
        }
    }

    /// AND and OR mean what they say.
    #[test]
    fn and_or_follow_logic(a in rule(), b in rule(), profile in profile()) {
        let and = Rule::And(Box::new(a.clone()), Box::new(b.clone()));
        let or = Rule::Or(Box::new(a.clone()), Box::new(b.clone()));
        prop_assert_eq!(and.applies(&profile), a.applies(&profile) && b.applies(&profile));
        prop_assert_eq!(or.applies(&profile), a.applies(&profile) || b.applies(&profile));
    }

    /// No input makes the parser panic.
    #[test]
    fn any_text_parses_or_fails_cleanly(text in "\\PC{0,40}") {
        let _ = Rule::parse(&text);
    }

    /// Text made of the language's own pieces parses or fails cleanly too, and what parses prints back.
    #[test]
    fn rule_like_text_never_panics(text in "[KRTSkrts()<>=0-9 ANDORandor]{0,40}") {
        if let Ok(rule) = Rule::parse(&text) {
            prop_assert!(Rule::parse(&rule.to_string()).is_ok());
        }
    }
}
