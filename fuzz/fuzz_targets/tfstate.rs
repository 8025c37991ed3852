//! The Terraform state reader and adapter (`drift --tfstate`) on arbitrary bytes: parse, then
//! map every instance (what a hostile state file reaches).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(state) = archaudit::tfstate::parse("fuzz.tfstate", data.to_vec()) {
        let _ = archaudit::tfstate::adapter::declarations(&[state]);
    }
});
