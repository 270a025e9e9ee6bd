//! The curl parser over any text as a check's `curl:` line.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(line) = std::str::from_utf8(data) {
        let _ = opsbook::compile::curl::parse(line);
    }
});
