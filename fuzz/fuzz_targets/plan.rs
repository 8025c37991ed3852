//! The saved-plan reader (`fix --plan`: parse, version, texts against actions, AWS limits and
//! the default architecture, duplicates) on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let spec = archaudit::config::Config::default_config().architecture;
    let _ = archaudit::fix::plan::trust::parse("fuzz.json".to_owned(), data.to_vec(), &spec);
});
