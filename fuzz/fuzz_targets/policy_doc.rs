//! The IAM policy-document normaliser on arbitrary text (documents come from the account).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = archaudit::inventory::policy_doc::PolicyDocument::parse(text);
    }
});
