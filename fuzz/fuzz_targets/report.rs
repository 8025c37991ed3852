//! The report loader (`--baseline`, `diff`) on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = archaudit::report::Report::from_json(text, "fuzz.json");
    }
});
