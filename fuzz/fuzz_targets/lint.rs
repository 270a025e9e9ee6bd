//! The loader, the compiler, every runbook rule and the text presenter, over any bytes as a
//! runbook file: no input may panic or hang them.

#![no_main]

use libfuzzer_sys::fuzz_target;
use opsbook::compile::compile;
use opsbook::load::{LoadedRunbook, parse};
use opsbook::lint::{LintOptions, lint};
use opsbook::model::Runbook;
use opsbook::report::{Format, LintReport, View, write_lint};
use opsbook::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = SourceFile::new("runbooks/fuzz.yaml", text);
    let parsed = parse::<Runbook>(&source);
    let mut diagnostics = parsed.diagnostics;
    if let Some(runbook) = parsed.value {
        let loaded = LoadedRunbook {
            id: "fuzz".to_owned(),
            source: source.clone(),
            runbook,
        };
        diagnostics.extend(lint(&[compile(loaded)], &options()));
    }
    // The text view cuts a snippet around each finding's position: it must hold for any.
    let sources = |_: &std::path::Path| Some(&source);
    let report = LintReport {
        diagnostics: &diagnostics,
        sources: &sources,
        files: 1,
    };
    let mut out = Vec::new();
    let _ = write_lint(Format::Text, &report, View::default(), &mut out);
});

fn options() -> LintOptions {
    LintOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).expect("a date"),
        review_every_days: 90,
        max_hypotheses: 5,
        levels: Default::default(),
        deny_warnings: false,
        alert_severities: vec!["critical".into(), "warning".into()],
    }
}
