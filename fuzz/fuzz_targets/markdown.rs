//! The Markdown renderer of the site (blocks, inline text, first paragraphs, heading slugs)
//! over any text a runbook may hold.

#![no_main]

use libfuzzer_sys::fuzz_target;
use opsbook::render::markdown;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let names = ["namespace".to_owned(), "pod".to_owned()];
    let _ = markdown::block(text, "p-");
    let _ = markdown::block_with(text, "s-", &names);
    let _ = markdown::inline_with(text, &names);
    let _ = markdown::first_paragraph(text, &names);
    let _ = markdown::slug(text);
    let _ = opsbook::markdown::links(text);
});
