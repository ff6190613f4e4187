//! Following changes of level one informationsmängd at a time with [`HeldTop::after_change`] gives the top that
//! reading everything held gives: the same best, and a runner-up that, whenever it is known, is the right one.

use std::collections::BTreeMap;

use lis_domain::held::HeldTop;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn following_changes_equals_reading_everything(
        held in prop::collection::btree_map(1i64..40, 0u8..=4, 1..12),
        changes in prop::collection::vec((any::<prop::sample::Index>(), 0u8..=4), 1..40),
    ) {
        let mut held: BTreeMap<i64, u8> = held;
        let ids: Vec<i64> = held.keys().copied().collect();
        let mut top = HeldTop::of(held.iter().map(|(id, level)| (*id, *level)));
        for (index, level) in changes {
            let id = ids[index.index(ids.len())];
            held.insert(id, level);
            let truth = HeldTop::of(held.iter().map(|(id, level)| (*id, *level)));
            top = match top.after_change(id, level) {
                Some(followed) => followed,
                None => truth,
            };
            prop_assert_eq!(top.best, truth.best);
            if let Some(second) = top.second {
                prop_assert_eq!(Some(second), truth.second);
            }
        }
    }
}
