//! The incident record parser and its rules over any text as a record.

#![no_main]

use libfuzzer_sys::fuzz_target;
use opsbook::incident::{lint, parse};
use opsbook::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new("incidents/fuzz.md", text);
    if let Ok(record) = parse::parse(&file) {
        let _ = lint::lint(&file, &record, &[]);
    }
});
