//! The fix plan format (`fix --plan`) on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<archaudit::fix::Plan>(data);
});
