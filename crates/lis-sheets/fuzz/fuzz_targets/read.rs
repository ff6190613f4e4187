//! Fuzz target: reading any bytes, as either kind of file, returns sheets or an error, and never panics out of
//! lis-sheets nor aborts (an allocation failure, say).
//!
//! lis-sheets catches a panic inside calamine and returns `SheetError::Xlsx` (see `workbook::guarded`), so the
//! libfuzzer-sys panic hook, which aborts on every panic, caught or not, is replaced by a silent one: a panic that is
//! caught is then no crash, and one that escapes still aborts the process when it reaches the fuzzer's `extern "C"`
//! entry point, which libFuzzer reports as a crash. To see the panic's message, replay the input with the seed test
//! (`cargo test -p lis-sheets --test fuzz_seeds` after copying it into `fuzz/seeds/`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        std::panic::set_hook(Box::new(|_| {}));
    },
    |data: &[u8]| {
        let _ = lis_sheets::read(data);
        let _ = lis_sheets::read_csv(data);
        let _ = lis_sheets::read_xlsx(data);
    }
);
