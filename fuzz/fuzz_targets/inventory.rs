//! The inventory loader on arbitrary bytes: an error or an inventory, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = archaudit::inventory::Inventory::from_slice(data, "fuzz.json");
});
