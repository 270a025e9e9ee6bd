//! The loader's fast YAML path against the reference parser over any text: it must give up or
//! give exactly the reference's events and positions (`opsbook::load::fast_path_agrees`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(difference) = opsbook::load::fast_path_agrees(text)
    {
        panic!("{difference}");
    }
});
