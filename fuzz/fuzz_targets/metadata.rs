//! The policy METADATA parser on arbitrary Rego source text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = archaudit::policy::metadata::parse(text);
    }
});
