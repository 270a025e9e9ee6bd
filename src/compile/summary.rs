//! A compiled runbook cut down to what the site-wide pages read, and loaded whole again when its
//! own pages are rendered: how `build` keeps thousands of runbooks within a bounded memory.
//!
//! A book's shared parts (the index's cards, the alert pages, the incident records' facts, which
//! runbook ids exist) need every runbook at once, but only their names, titles, failure modes'
//! ids, severities, alerts, hypotheses' causes and actions' names. The rest (the Markdown texts,
//! the checks, the source text) is two thirds of a loaded runbook and is only needed while that
//! runbook's own pages are made, one runbook per thread at a time. Loading a file again costs a
//! fraction of rendering its pages; holding 5,000 loaded runbooks cost 170 MiB.

use super::{CompiledRunbook, LoadedRunbook, compile, compile_for_pages};
use crate::model::{FailureMode, Runbook};

impl CompiledRunbook {
    /// Drops what only this runbook's own pages and checks read. The text hash is taken first
    /// (a rebuild compares it with the last one's); the source text is kept when `keep_text`
    /// (the file has findings, whose lines are shown).
    pub fn summarize(&mut self, keep_text: bool) {
        self.text_hash();
        if !keep_text {
            self.source.text = String::new();
        }
        self.targets = Vec::new();
        self.checks = Vec::new();
        self.modes = Vec::new();
        self.dangling = Vec::new();
        summarize_runbook(&mut self.runbook);
        self.summary = true;
    }

    /// Whether [`CompiledRunbook::summarize`] cut this runbook down: its pages need
    /// [`CompiledRunbook::reload`].
    pub fn is_summary(&self) -> bool {
        self.summary
    }

    /// The whole runbook, read and compiled again from its file. An error when the file
    /// cannot be read or no longer holds the text the summary was made from: the book would
    /// mix two versions of it.
    pub fn reload(&self) -> Result<CompiledRunbook, String> {
        self.reload_with(compile)
    }

    /// [`CompiledRunbook::reload`] for rendering its pages: without the findings only `lint`
    /// reads ([`compile_for_pages`]; the runbook was linted when first loaded).
    pub fn reload_for_pages(&self) -> Result<CompiledRunbook, String> {
        self.reload_with(compile_for_pages)
    }

    fn reload_with(
        &self,
        compile: fn(LoadedRunbook) -> CompiledRunbook,
    ) -> Result<CompiledRunbook, String> {
        let changed = || {
            format!(
                "{}: changed while the site was being built; run `opsbook build` again",
                self.source.display()
            )
        };
        let source = crate::load::read_source(&self.source.path)
            .map_err(|d| format!("{}: {}", self.source.display(), d.message))?;
        let runbook = crate::load::parse::<Runbook>(&source)
            .value
            .ok_or_else(changed)?;
        let id = self.id.clone();
        let full = compile(LoadedRunbook {
            id,
            source,
            runbook,
        });
        if full.text_hash() != self.text_hash() {
            return Err(changed());
        }
        Ok(full)
    }
}

/// Keeps what the cards, the alert pages and the incident records' facts read
/// (`view::card`, `alerts::collect`, `workbook::facts`).
fn summarize_runbook(rb: &mut Runbook) {
    rb.summary = None;
    rb.links = Vec::new();
    rb.params = Default::default();
    rb.targets = Default::default();
    rb.checks = Vec::new();
    for fm in &mut rb.failure_modes {
        summarize_mode(fm);
    }
}

fn summarize_mode(fm: &mut FailureMode) {
    fm.impact = None;
    fm.escalation = None;
    fm.links = Vec::new();
    fm.symptoms = Vec::new();
    fm.signals = None;
    fm.checks = Vec::new();
    for h in &mut fm.hypotheses {
        h.value.verify = None;
        h.value.checks = Vec::new();
    }
    for a in &mut fm.actions {
        a.value.when = None;
        a.value.verification = None;
        a.value.steps = None;
        a.value.confirm = Vec::new();
    }
}
