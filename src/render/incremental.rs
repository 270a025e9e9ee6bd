//! `serve`'s rebuilds: after an edit of a runbook, only the pages that edit touches are
//! rendered again, and they are written into the live site in place.
//!
//! A render records what it produced ([`Produced`]): each runbook's files under a key of
//! everything its pages are made from (its text, and for each alert it lists whether that
//! alert's page forwards to a single failure mode, the one thing another runbook can change on
//! them), its line of the search index, each alert page's data, and the files of the shared
//! pages. The next render skips a runbook or alert page whose key is unchanged (its files are
//! already in the site), patches the search index from the kept lines, writes each changed file
//! by an atomic rename, leaves unchanged bytes alone, and removes the files no longer produced.
//!
//! Anything else that changes what pages look like (the config, the templates, the records,
//! the day) makes the caller start over with [`Cache::clear`]; the cache also keys on the
//! config's text and the day, so a caller that forgets gets a full build, not a stale page.
//! `build` keeps the same record on disk ([`super::manifest`]) and links kept pages into its
//! staging folder instead of leaving them in place.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::alerts::AlertPage;
use super::env::Templates;
use super::site::{self, Fill, MARKER, PutError, Sink, SiteError, Staging};
use super::view::RunbookCard;
use super::{
    BuildError, BuildOptions, BuildSummary, Inputs, render_site, reuse, sorted_and_checked,
};
use crate::compile::CompiledRunbook;
use crate::workspace::Workspace;

/// What `serve` keeps from one build to the next.
#[derive(Default)]
pub struct Cache {
    /// The config's text and the day the kept render was made with.
    global: u64,
    produced: Option<Produced>,
    /// The templates the kept render was made with, compiled (a tenth of a small rebuild).
    templates: Option<Templates>,
}

impl Cache {
    /// Forgets the last render: the next one loads the templates again and renders every page
    /// into a staging folder.
    pub fn clear(&mut self) {
        self.produced = None;
        self.templates = None;
    }
}

/// Renders the site into `options.out`: only what changed since the render `cache` holds, in
/// place, or (with nothing usable kept) everything, swapped in atomically like `build`.
/// A failed render clears the cache, so the next one starts over in a staging folder.
pub fn rebuild(
    ws: &Workspace,
    options: &BuildOptions,
    cache: &mut Cache,
) -> Result<BuildSummary, BuildError> {
    let global = global_key(ws, options);
    let templates = match cache.templates.take().filter(|_| cache.global == global) {
        Some(templates) => templates,
        None => Templates::load(options.templates.as_deref())?,
    };
    let runbooks = sorted_and_checked(ws)?;
    let workbook = ws.workbook(options.today);
    let inputs = || Inputs {
        templates: &templates,
        runbooks: &runbooks,
        workbook: &workbook,
    };
    let live = options.out.join(MARKER).is_file();
    let kept = cache
        .produced
        .take()
        .filter(|_| cache.global == global && live);
    let (summary, produced) = match kept {
        Some(previous) => {
            let sink = InPlace {
                out: options.out.clone(),
            };
            let (summary, produced) = render_site(ws, options, inputs(), &sink, Some(&previous))?;
            remove_stale(&options.out, &previous, &produced);
            (summary, produced)
        }
        None => {
            let staging = Staging::new(&options.out)?;
            let rendered = render_site(ws, options, inputs(), &staging, None)?;
            staging.commit()?;
            rendered
        }
    };
    cache.global = global;
    cache.produced = Some(produced);
    cache.templates = Some(templates);
    Ok(summary)
}

fn global_key(ws: &Workspace, options: &BuildOptions) -> u64 {
    let mut hasher = DefaultHasher::new();
    ws.config_source.as_ref().map(|s| &s.text).hash(&mut hasher);
    options.today.hash(&mut hasher);
    options.templates.hash(&mut hasher);
    hasher.finish()
}

/// The files one runbook's pages (or the workbook's) are, with the key they were made under.
/// Shared, not copied, from one render to the next: cloning 500 runbooks' file names and
/// search lines was a tenth of `serve`'s rebuild.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Pages {
    key: u64,
    pub pages: usize,
    files: Arc<[String]>,
    /// The runbook's parts of the site-wide scripts.
    lines: Arc<Lines>,
    /// The runbook's card, made from the same text (not in `build`'s manifest: made again).
    #[serde(skip)]
    card: Option<Arc<RunbookCard>>,
}

impl Pages {
    /// Keeps every file of these pages in `sink` (links them into a staging folder; in place,
    /// nothing to do).
    pub fn keep_in(&self, sink: &dyn Sink) -> Result<(), SiteError> {
        self.files.iter().try_for_each(|file| sink.keep(file))
    }

    /// The card kept with these pages, if any.
    pub fn card(&self) -> Option<Arc<RunbookCard>> {
        self.card.clone()
    }

    pub fn with_card(mut self, card: Arc<RunbookCard>) -> Pages {
        self.card = Some(card);
        self
    }
}

/// A runbook's parts of the site-wide scripts, patched together by every render.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Lines {
    /// Its line of the search index (`search::runbook_line`).
    pub search: String,
    /// Its entries of the incident form's list (`incident_form::list_entries`).
    pub form: String,
}

/// What one render produced (kept by `serve` in memory, by `build` in [`super::manifest`]).
/// Ordered maps: the same render writes the same manifest.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Produced {
    runbooks: BTreeMap<String, Pages>,
    /// Each alert page, with the hash of the data it was rendered from.
    alerts: BTreeMap<String, u64>,
    workbook: Option<Pages>,
    /// The index, the search index, the assets, the alerts' index and JSON.
    shared: Vec<String>,
    /// What the index page was made from ([`index_key`]).
    index: Option<u64>,
    /// The alerts' lines of the search index ([`super::search::alert_lines`]).
    alert_lines: String,
    /// The alert pages' data, and the key of what it was collected from
    /// ([`super::alerts::source_key`]); `serve` only, not in `build`'s manifest.
    #[serde(skip)]
    alert_source: Option<(u64, Arc<Vec<AlertPage>>)>,
}

impl Produced {
    /// The runbook's kept pages, if they were made under `key`.
    pub fn runbook(&self, id: &str, key: u64) -> Option<&Pages> {
        self.runbooks.get(id).filter(|p| p.key == key)
    }

    pub fn add_runbook(&mut self, id: &str, pages: Pages) {
        self.runbooks.insert(id.to_owned(), pages);
    }

    /// The workbook's kept pages, if the set of runbook ids they link to is the same.
    pub fn workbook(&self, key: u64) -> Option<&Pages> {
        self.workbook.as_ref().filter(|p| p.key == key)
    }

    pub fn set_workbook(&mut self, pages: Pages) {
        self.workbook = Some(pages);
    }

    /// Whether the alert's page was rendered from the same data (`key`, of [`alert_keys`]).
    pub fn has_alert(&self, alert: &AlertPage, key: u64) -> bool {
        self.alerts.get(&alert.page) == Some(&key)
    }

    pub fn index_key(&self) -> Option<u64> {
        self.index
    }

    /// The shared files written or kept; the alert pages, their keys and their lines of the
    /// search index; the index's key.
    pub fn set_shared(
        &mut self,
        files: Vec<String>,
        (alerts, keys, lines): (&[AlertPage], Vec<u64>, String),
        index: u64,
    ) {
        self.shared = files;
        self.alerts = alerts.iter().map(|a| a.page.clone()).zip(keys).collect();
        self.alert_lines = lines;
        self.index = Some(index);
    }

    /// The alert pages' data, if it was collected from runbooks with the same `key`.
    pub fn alerts_from(&self, key: u64) -> Option<Arc<Vec<AlertPage>>> {
        let (made, alerts) = self.alert_source.as_ref()?;
        (*made == key).then(|| alerts.clone())
    }

    pub fn set_alert_source(&mut self, key: u64, alerts: Arc<Vec<AlertPage>>) {
        self.alert_source = Some((key, alerts));
    }

    /// The alerts' lines of the search index this render wrote.
    pub fn alert_lines(&self) -> &str {
        &self.alert_lines
    }

    /// The runbooks' parts of the site-wide scripts, in the runbooks' order.
    pub fn lines<'a>(&'a self, runbooks: &[&CompiledRunbook]) -> Vec<&'a Lines> {
        runbooks
            .iter()
            .filter_map(|r| self.runbooks.get(&r.id))
            .map(|p| &*p.lines)
            .collect()
    }

    /// Keeps only the runbooks all of whose files pass `intact`; false when a file of anything
    /// else (the shared pages, the workbook, an alert page) does not, and nothing can be kept.
    /// One look at each file, on every core (30,000 files for 5,000 runbooks).
    pub fn retain_intact(&mut self, intact: impl Fn(&str) -> bool + Sync) -> bool {
        let runbooks: Vec<(&String, &Pages)> = self.runbooks.iter().collect();
        let broken = crate::parallel::map(&runbooks, |(id, pages)| {
            (!pages.files.iter().all(|f| intact(f))).then(|| (*id).clone())
        });
        for id in broken.into_iter().flatten() {
            self.runbooks.remove(&id);
        }
        let others = self.workbook.iter().flat_map(|p| p.files.iter());
        let others: Vec<&String> = others
            .chain(&self.shared)
            .chain(self.alerts.keys())
            .collect();
        crate::parallel::map(&others, |f| intact(f))
            .into_iter()
            .all(|ok| ok)
    }

    /// Every file of the site this render made or kept.
    fn files(&self) -> HashSet<&str> {
        let pages = self.runbooks.values().chain(&self.workbook);
        pages
            .flat_map(|p| p.files.iter())
            .chain(&self.shared)
            .map(String::as_str)
            .chain(self.alerts.keys().map(String::as_str))
            .collect()
    }
}

/// Everything a runbook's pages are made from, as far as an edit of runbooks can change it.
pub fn runbook_key(loaded: &CompiledRunbook, alerts: &[AlertPage]) -> u64 {
    let mut hasher = DefaultHasher::new();
    loaded.id.hash(&mut hasher);
    loaded.text_hash().hash(&mut hasher);
    for fm in &loaded.runbook.failure_modes {
        for alert in &fm.alerts {
            let forwards = alerts
                .binary_search_by(|p| p.name.as_str().cmp(&alert.value.name.value))
                .ok()
                .map(|i| alerts[i].forward.is_some());
            forwards.hash(&mut hasher);
        }
    }
    hasher.finish()
}

/// The workbook's pages link to runbooks by id: they change only with the set of ids.
pub fn ids_key(runbooks: &[&CompiledRunbook]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for loaded in runbooks {
        loaded.id.hash(&mut hasher);
    }
    hasher.finish()
}

/// Which alert pages a render can keep from the last one.
pub struct AlertPlan {
    /// For each alert page, a hash of the data it is rendered from.
    pub keys: Vec<u64>,
    /// For each alert page, whether the site has it from the same data.
    pub kept: Vec<bool>,
    /// Whether the alerts' index and JSON (which list them all) are unchanged: no alert page
    /// came or went or changed.
    pub all_kept: bool,
}

impl AlertPlan {
    /// The plan when the alert pages' data is the previous render's own: every page kept.
    pub fn unchanged(previous: &Produced, alerts: &[AlertPage]) -> AlertPlan {
        let keys: Option<Vec<u64>> = alerts
            .iter()
            .map(|a| previous.alerts.get(&a.page).copied())
            .collect();
        match keys {
            Some(keys) if previous.alerts.len() == alerts.len() => AlertPlan {
                kept: vec![true; keys.len()],
                keys,
                all_kept: true,
            },
            _ => AlertPlan::new(Some(previous), alerts),
        }
    }

    pub fn new(previous: Option<&Produced>, alerts: &[AlertPage]) -> AlertPlan {
        // Hashed as they are: through JSON it was a tenth of serve's rebuild.
        let keys = crate::parallel::map(alerts, |alert| {
            let mut hasher = DefaultHasher::new();
            alert.hash(&mut hasher);
            hasher.finish()
        });
        let kept: Vec<bool> = match previous {
            Some(p) => alerts
                .iter()
                .zip(&keys)
                .map(|(alert, key)| p.has_alert(alert, *key))
                .collect(),
            None => vec![false; alerts.len()],
        };
        let all_kept =
            previous.is_some_and(|p| p.alerts.len() == alerts.len()) && kept.iter().all(|k| *k);
        AlertPlan {
            keys,
            kept,
            all_kept,
        }
    }
}

/// What the index page is made from: the cards by service and the counts it states.
pub fn index_key(
    groups: &[super::view::ServiceGroup],
    runbooks: usize,
    alerts: usize,
    totals: crate::incident::workbook::Counts,
) -> u64 {
    // Hashed as they are: through JSON it was a tenth of a small rebuild.
    let mut hasher = DefaultHasher::new();
    (groups, runbooks, alerts, totals).hash(&mut hasher);
    hasher.finish()
}

/// A sink that notes the name of every file written through it.
pub struct Recorder<'a> {
    sink: &'a dyn Sink,
    files: Mutex<Vec<String>>,
}

impl<'a> Recorder<'a> {
    pub fn new(sink: &'a dyn Sink) -> Recorder<'a> {
        Recorder {
            sink,
            files: Mutex::new(Vec::new()),
        }
    }

    /// The files noted, sorted: they are written from several threads (the records' pages, the
    /// alert pages), and the same render must record the same manifest.
    pub fn into_files(self) -> Vec<String> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_unstable();
        files
    }

    pub fn finish(self, key: u64, pages: usize, lines: Lines) -> Pages {
        Pages {
            key,
            pages,
            files: self.into_files().into(),
            lines: Arc::new(lines),
            card: None,
        }
    }

    fn note(&self, rel: &str) {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rel.to_owned());
    }
}

impl Sink for Recorder<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), SiteError> {
        self.sink.write(rel, bytes)?;
        self.note(rel);
        Ok(())
    }

    fn keep(&self, rel: &str) -> Result<(), SiteError> {
        self.sink.keep(rel)?;
        self.note(rel);
        Ok(())
    }

    fn stream(&self, rel: &str, fill: Fill<'_>) -> Result<(), SiteError> {
        self.sink.stream(rel, fill)?;
        self.note(rel);
        Ok(())
    }
}

/// Writes into the live site: a file whose bytes are unchanged is left alone, any other is
/// written beside its place and renamed over it, so a page is always whole.
struct InPlace {
    out: PathBuf,
}

impl Sink for InPlace {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), SiteError> {
        let path = self.out.join(rel);
        if reuse::same_bytes(&path, bytes) {
            return Ok(());
        }
        replace(&path, bytes)
            .map_err(|e| SiteError(format!("{}: cannot write: {e}", path.display())))
    }
}

fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy());
    let fresh = path.with_file_name(format!(".{name}.opsbook-new"));
    site::put_in_folder(&fresh, |p| fs::write(p, bytes)).map_err(|e| match e {
        PutError::Folder(e) | PutError::File(e) => e,
    })?;
    fs::rename(&fresh, path).inspect_err(|_| {
        let _ = fs::remove_file(&fresh);
    })
}

/// The files the previous render made that this one did not. Only what changed is looked at
/// first (a kept runbook shares its list with the last render); the set of every file made
/// (3,000 names hashed on each of `serve`'s rebuilds) only when something may have gone.
fn stale<'a>(previous: &'a Produced, now: &Produced) -> Vec<&'a str> {
    let gone = |before: Option<&'a Pages>, after: Option<&Pages>| -> Vec<&'a str> {
        let Some(before) = before else {
            return Vec::new();
        };
        let after = after.map(|p| &p.files);
        if after.is_some_and(|a| Arc::ptr_eq(a, &before.files)) {
            return Vec::new();
        }
        let kept = |f: &&String| after.is_some_and(|a| a.contains(f));
        before
            .files
            .iter()
            .filter(|f| !kept(f))
            .map(String::as_str)
            .collect()
    };
    let mut maybe: Vec<&str> = previous
        .runbooks
        .iter()
        .flat_map(|(id, pages)| gone(Some(pages), now.runbooks.get(id)))
        .collect();
    maybe.extend(gone(previous.workbook.as_ref(), now.workbook.as_ref()));
    // Thousands of alert pages at 5,000 runbooks: a set, not a search of the list per file.
    let shared: HashSet<&String> = now.shared.iter().collect();
    maybe.extend(
        previous
            .shared
            .iter()
            .filter(|f| !shared.contains(f))
            .map(String::as_str),
    );
    let alerts = previous
        .alerts
        .keys()
        .filter(|a| !now.alerts.contains_key(*a));
    maybe.extend(alerts.map(String::as_str));
    if !maybe.is_empty() {
        let current = now.files();
        maybe.retain(|f| !current.contains(f));
    }
    maybe
}

/// Removes the files the previous render made that this one did not (a failure mode or a
/// runbook deleted), and their folders once empty.
fn remove_stale(out: &Path, previous: &Produced, now: &Produced) {
    for rel in stale(previous, now) {
        let path = out.join(rel);
        let _ = fs::remove_file(&path);
        // Only an empty folder goes; a folder that still has pages stays.
        let mut dir = path.parent();
        while let Some(folder) = dir.filter(|d| *d != out) {
            if fs::remove_dir(folder).is_err() {
                break;
            }
            dir = folder.parent();
        }
    }
}
