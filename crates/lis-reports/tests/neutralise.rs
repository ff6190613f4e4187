//! Property test: no exported cell can start a formula, and exactly one apostrophe is added where one is.

use lis_reports::neutralise;
use proptest::prelude::*;

proptest! {
    #[test]
    fn no_cell_starts_a_formula_and_safe_text_is_untouched(cell in "\\PC{0,30}|['=+\\-@\\t\\r].{0,20}") {
        let safe = neutralise(&cell);
        prop_assert!(!safe.starts_with(['=', '+', '-', '@', '\t', '\r']), "{:?}", safe);
        if cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) {
            prop_assert_eq!(safe, format!("'{cell}"));
        } else {
            prop_assert_eq!(safe, cell);
        }
    }
}
