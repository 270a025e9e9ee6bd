//! The incident site: linted runbooks → view structs → pages rendered with minijinja → written
//! into a staging folder and swapped in place of `book/`.

pub mod alerts;
mod claim;
pub mod command;
pub mod env;
pub mod incident_form;
pub mod incidents;
pub mod incremental;
mod lazy;
mod manifest;
pub mod markdown;
pub mod params;
mod reuse;
mod script;
pub mod search;
pub mod site;
pub mod view;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use minijinja::value::Serde;
use minijinja::{Value, context};
use serde::Serialize;

use crate::compile::CompiledRunbook;
use crate::model::Config;
use crate::workspace::Workspace;
use alerts::AlertPage;
use env::Templates;
use site::{Sink, Staging};

/// What `build` needs beyond the workspace.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    pub out: PathBuf,
    /// The day staleness is measured against.
    pub today: NaiveDate,
    /// A `templates/` folder whose files replace the defaults by name (it may not exist).
    pub templates: Option<PathBuf>,
    /// Told each runbook's id once its pages are rendered (a progress display).
    pub progress: Option<Tick>,
}

/// What [`BuildOptions::progress`] calls, from any of the rendering threads.
#[derive(Clone)]
pub struct Tick(pub std::sync::Arc<dyn Fn(&str) + Send + Sync>);

impl std::fmt::Debug for Tick {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tick")
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildSummary {
    pub runbooks: usize,
    pub pages: usize,
    /// Incident records that could not be read (`file:line:column: message`): listed as
    /// unreadable in the book, never a reason not to publish it.
    pub unreadable: Vec<String>,
}

/// The tool's own failure while building: a template error, a folder it cannot write.
#[derive(Debug)]
pub struct BuildError(pub String);

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<env::TemplateError> for BuildError {
    fn from(e: env::TemplateError) -> Self {
        BuildError(e.0)
    }
}

impl From<site::SiteError> for BuildError {
    fn from(e: site::SiteError) -> Self {
        BuildError(e.0)
    }
}

/// Renders every page of the workspace's runbooks into `options.out`, atomically. The caller
/// lints first: this renders whatever it is given. Pages of runbooks unchanged since the last
/// build into the same folder are linked from it, not rendered again ([`manifest`]).
pub fn build(ws: &Workspace, options: &BuildOptions) -> Result<BuildSummary, BuildError> {
    let templates = Templates::load(options.templates.as_deref())?;
    let runbooks = sorted_and_checked(ws)?;
    let workbook = ws.workbook(options.today);
    let staging = Staging::new(&options.out)?;
    let key = manifest::key(ws, options, &workbook);
    let previous = staging
        .previous()
        .zip(key)
        .and_then(|(old, key)| manifest::previous(old, key));
    let inputs = Inputs {
        templates: &templates,
        runbooks: &runbooks,
        workbook: &workbook,
    };
    let (summary, produced) = render_site(ws, options, inputs, &staging, previous.as_ref())?;
    if let Some(key) = key {
        // Last of the files and never linked from the last build (even with the same bytes),
        // so that its time is after every page it vouches for.
        staging.write_new(manifest::FILE, |out| manifest::write(out, key, &produced))?;
    }
    staging.commit()?;
    if key.is_some() {
        manifest::outlast(&options.out);
    }
    Ok(summary)
}

/// What a render is made from besides the workspace and the options.
struct Inputs<'a> {
    templates: &'a Templates,
    runbooks: &'a [&'a CompiledRunbook],
    workbook: &'a crate::incident::workbook::Workbook,
}

/// The runbooks in id order; an id that cannot be a file name stops the build.
fn sorted_and_checked(ws: &Workspace) -> Result<Vec<&CompiledRunbook>, BuildError> {
    let mut runbooks: Vec<&CompiledRunbook> = ws.runbooks.iter().collect();
    runbooks.sort_by(|a, b| a.id.cmp(&b.id));
    for loaded in &runbooks {
        check_ids(loaded)?;
    }
    Ok(runbooks)
}

/// Renders the site into `sink`. With `previous` (what the last render into the same folder
/// produced), a runbook or alert page whose inputs have not changed is not rendered again: its
/// files are already there. Returns the summary and what this render produced, for the next.
///
/// The cards come first (they need only the summaries), so that the pages listing every
/// runbook or alert are rendered on a thread of their own while the runbooks' pages are: the
/// end of a build is not one core rendering the index while the other idles.
fn render_site(
    ws: &Workspace,
    options: &BuildOptions,
    inputs: Inputs<'_>,
    sink: &dyn Sink,
    previous: Option<&incremental::Produced>,
) -> Result<(BuildSummary, incremental::Produced), BuildError> {
    let Inputs {
        templates,
        runbooks,
        workbook,
    } = inputs;
    let site = SiteInfo {
        title: ws.config.title().to_owned(),
        questions: ws.config.questions(),
    };
    // Each failure mode's history computed in one pass.
    let histories = workbook.history();
    let mut summary = BuildSummary {
        runbooks: runbooks.len(),
        pages: 0,
        unreadable: incidents::unreadable_warnings(workbook),
    };
    // The config is the same as the previous render's (else `previous` is `None`).
    let alerts_key = alerts::source_key(runbooks);
    let reused = previous.and_then(|p| p.alerts_from(alerts_key));
    let alerts_kept = reused.is_some();
    let alerts = reused.unwrap_or_else(|| Arc::new(alerts::collect(runbooks, &ws.config)));
    let context = view::SiteContext {
        config: &ws.config,
        alerts: &alerts,
        workbook,
        histories: &histories,
    };
    let per_runbook = workbook.per_runbook();
    let cards = CardInputs {
        today: options.today,
        days: ws.config.review_every_days(),
        counts: &per_runbook,
    };
    let planned = plan_runbooks(runbooks, &alerts, previous, &cards)?;
    let totals = workbook.totals();
    let groups = service_groups(&planned);
    let index_key = incremental::index_key(&groups, runbooks.len(), alerts.len(), totals);
    let plan = match previous.filter(|_| alerts_kept) {
        Some(previous) => incremental::AlertPlan::unchanged(previous, &alerts),
        None => incremental::AlertPlan::new(previous, &alerts),
    };
    let recorder = incremental::Recorder::new(sink);
    let listings = Listings {
        index_kept: previous.is_some_and(|p| p.index_key() == Some(index_key)),
        groups,
        runbook_count: runbooks.len(),
        alerts: &alerts,
        plan: &plan,
        totals,
    };
    let pages = RunbookPages {
        templates,
        sink,
        site: &site,
        context: &context,
        progress: options.progress.as_ref(),
    };
    let (rendered, alert_pages, listed) = std::thread::scope(|scope| {
        let listed = scope.spawn(|| {
            let listed = write_listings(templates, &recorder, &site, listings, &ws.config)?;
            let records = write_workbook(templates, sink, &site, (workbook, runbooks), previous)?;
            Ok((listed, records))
        });
        let rendered = in_parallel(&planned, |p| pages.render(p));
        let alert_pages = write_alert_pages(templates, &recorder, &site, (&alerts, &plan));
        (rendered, alert_pages, joined(listed))
    });
    let mut produced = incremental::Produced::default();
    for (p, pages) in planned.iter().zip(rendered?) {
        summary.pages += pages.pages;
        produced.add_runbook(&p.loaded.id, pages);
    }
    let (listed, workbook_files) = listed?;
    summary.pages += alert_pages? + listed + workbook_files.pages;
    produced.set_workbook(workbook_files);
    // After the alert pages, not beside them: at 5,000 runbooks the two scripts are 8 MB, and
    // made while the alert pages were they took the peak from 92 to 100 MiB for 10 ms.
    let alert_lines = match previous.filter(|_| plan.all_kept) {
        Some(kept) => kept.alert_lines().to_owned(),
        None => search::alert_lines(&alerts),
    };
    write_scripts(&recorder, &produced.lines(runbooks), &alert_lines)?;
    let alerts_made = (&alerts[..], plan.keys, alert_lines);
    produced.set_shared(recorder.into_files(), alerts_made, index_key);
    produced.set_alert_source(alerts_key, alerts.clone());
    Ok((summary, produced))
}

/// A render thread's result, its panic an error.
fn joined<T>(
    handle: std::thread::ScopedJoinHandle<'_, Result<T, BuildError>>,
) -> Result<T, BuildError> {
    handle
        .join()
        .unwrap_or_else(|_| Err(BuildError("a render thread panicked".to_owned())))
}

/// A runbook as this render takes it: its card (all the index needs), the key of what its
/// pages are made from, and its pages from the previous render when that key is unchanged.
struct Planned<'a> {
    loaded: &'a CompiledRunbook,
    key: u64,
    card: Arc<view::RunbookCard>,
    kept: Option<&'a incremental::Pages>,
}

/// Every runbook's [`Planned`], in the runbooks' order. A kept card is reused unless the
/// runbook's incident counts moved.
fn plan_runbooks<'a>(
    runbooks: &[&'a CompiledRunbook],
    alerts: &[AlertPage],
    previous: Option<&'a incremental::Produced>,
    cards: &CardInputs<'_>,
) -> Result<Vec<Planned<'a>>, BuildError> {
    in_parallel(runbooks, |&loaded| {
        let counts = incidents::counts_of(cards.counts, &loaded.id);
        let key = incremental::runbook_key(loaded, alerts);
        let kept = previous.and_then(|p| p.runbook(&loaded.id, key));
        let same = |c: &Arc<view::RunbookCard>| {
            (c.incidents, c.open_items) == (counts.incidents, counts.open_items)
        };
        let card = kept.and_then(|k| k.card()).filter(same).unwrap_or_else(|| {
            let mut card = view::card(loaded, cards.today, cards.days);
            (card.incidents, card.open_items) = (counts.incidents, counts.open_items);
            Arc::new(card)
        });
        Ok(Planned {
            loaded,
            key,
            card,
            kept,
        })
    })
}

/// Maps `f` over `items` on every core (pages are independent, and most of a build is
/// rendering and creating files). Results keep the order of `items`; the first error wins.
fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R, BuildError> + Sync,
) -> Result<Vec<R>, BuildError> {
    crate::parallel::map(items, f).into_iter().collect()
}

/// [`in_parallel`] for the parts of one runbook: threads only where there are enough parts to
/// pay for starting them (a runbook of thousands of failure modes), since runbooks themselves
/// are already built side by side.
fn per_item<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R, BuildError> + Sync,
) -> Result<Vec<R>, BuildError> {
    const WORTH_THREADS: usize = 64;
    if items.len() < WORTH_THREADS {
        return items.iter().map(f).collect();
    }
    in_parallel(items, f)
}

/// What a card is made from besides its runbook.
struct CardInputs<'a> {
    /// The day staleness is measured against, and the config's review interval.
    today: NaiveDate,
    days: u32,
    /// Incidents recorded and action items open, per runbook id.
    counts: &'a BTreeMap<String, crate::incident::workbook::Counts>,
}

/// The cards grouped by service, services in name order, runbooks in id order.
fn service_groups(planned: &[Planned<'_>]) -> Vec<view::ServiceGroup> {
    let mut groups: BTreeMap<&str, Vec<Arc<view::RunbookCard>>> = BTreeMap::new();
    for p in planned {
        groups
            .entry(&p.card.service)
            .or_default()
            .push(p.card.clone());
    }
    groups
        .into_iter()
        .map(|(service, runbooks)| view::ServiceGroup {
            service: service.to_owned(),
            runbooks,
        })
        .collect()
}

/// What a runbook's pages are rendered with, on any of the rendering threads.
struct RunbookPages<'a> {
    templates: &'a Templates,
    sink: &'a dyn Sink,
    site: &'a SiteInfo,
    context: &'a view::SiteContext<'a>,
    progress: Option<&'a Tick>,
}

impl RunbookPages<'_> {
    /// The runbook's pages, kept from the previous render or rendered, and what they are.
    fn render(&self, planned: &Planned<'_>) -> Result<incremental::Pages, BuildError> {
        let Planned {
            loaded,
            key,
            card,
            kept,
        } = planned;
        if let Some(Tick(tick)) = self.progress {
            tick(&loaded.id);
        }
        if let Some(kept) = kept {
            kept.keep_in(self.sink)?;
            return Ok((*kept).clone().with_card(card.clone()));
        }
        // A summarized runbook's pages are made from its file read whole again (and dropped
        // once written): `build` never holds every runbook's text at once.
        let whole;
        let loaded: &CompiledRunbook = if loaded.is_summary() {
            whole = loaded.reload_for_pages().map_err(BuildError)?;
            &whole
        } else {
            loaded
        };
        let recorder = incremental::Recorder::new(self.sink);
        let (templates, site, context) = (self.templates, self.site, self.context);
        let pages = write_runbook(templates, &recorder, site, context, loaded, card)?;
        let lines = incremental::Lines {
            search: search::runbook_line(loaded),
            form: incident_form::list_entries(loaded),
        };
        Ok(recorder.finish(*key, pages, lines).with_card(card.clone()))
    }
}

/// What the pages listing the whole book are made of.
struct Listings<'a> {
    /// The index page is in the site already, made from the same cards.
    index_kept: bool,
    groups: Vec<view::ServiceGroup>,
    runbook_count: usize,
    alerts: &'a Arc<Vec<AlertPage>>,
    /// Which alert pages (and whether their index) are in the site already.
    plan: &'a incremental::AlertPlan,
    /// Incidents recorded and action items open, across the book.
    totals: crate::incident::workbook::Counts,
}

/// The index, the incident page, the alerts' index and JSON, the schemas and the assets:
/// everything but the search index and the form's list, which wait for the runbooks' lines.
/// Returns how many pages it wrote.
fn write_listings(
    templates: &Templates,
    staging: &dyn Sink,
    site: &SiteInfo,
    listings: Listings<'_>,
    config: &Config,
) -> Result<usize, BuildError> {
    let Listings {
        index_kept,
        groups,
        runbook_count,
        alerts,
        plan,
        totals,
    } = listings;
    if index_kept {
        staging.keep("index.html")?;
    } else {
        stream_page(
            templates,
            (staging, "index.html"),
            ("index.html", site, "", &site.title),
            context! {
                groups => lazy::Lazy::list(Arc::new(groups)),
                runbook_count => runbook_count,
                alert_count => alerts.len(),
                incident_totals => Serde(totals),
            },
        )?;
    }
    let incident = render_page(
        templates,
        "incident.html",
        site,
        "",
        "Incident record",
        context! {},
    )?;
    staging.write("incident.html", incident.as_bytes())?;
    for kind in crate::schema::Kind::ALL {
        staging.write(kind.file_name(), kind.json().as_bytes())?;
    }
    for (name, default) in env::ASSETS {
        staging.write(name, templates.asset(name, default)?.as_bytes())?;
    }
    if plan.all_kept {
        staging.keep(alerts::INDEX)?;
        staging.keep(alerts::JSON)?;
    } else {
        stream_page(
            templates,
            (staging, alerts::INDEX),
            ("alerts.html", site, "../", "Alerts"),
            context! { alerts => lazy::Lazy::list(alerts.clone()) },
        )?;
        let json = alerts::json(alerts, config.site_url().as_deref());
        staging.write(alerts::JSON, json.as_bytes())?;
    }
    Ok(3)
}

/// The incident records' pages (kept when the runbook ids they may link to are the same).
fn write_workbook(
    templates: &Templates,
    sink: &dyn Sink,
    site: &SiteInfo,
    (workbook, runbooks): (&crate::incident::workbook::Workbook, &[&CompiledRunbook]),
    previous: Option<&incremental::Produced>,
) -> Result<incremental::Pages, BuildError> {
    let ids_key = incremental::ids_key(runbooks);
    if let Some(kept) = previous.and_then(|p| p.workbook(ids_key)) {
        kept.keep_in(sink)?;
        return Ok(kept.clone());
    }
    let recorder = incremental::Recorder::new(sink);
    let pages = incidents::write_workbook(templates, &recorder, site, workbook, runbooks)?;
    Ok(recorder.finish(ids_key, pages, incremental::Lines::default()))
}

/// `search-index.js` and `incident-data.js`, made of each runbook's lines (in the runbooks'
/// order) and the alerts' lines of the search index.
fn write_scripts(
    staging: &dyn Sink,
    lines: &[&incremental::Lines],
    alert_lines: &str,
) -> Result<(), BuildError> {
    let search: Vec<&str> = lines.iter().map(|l| l.search.as_str()).collect();
    let index = search::index_js(&search, alert_lines);
    staging.write("search-index.js", index.as_bytes())?;
    let form: Vec<&str> = lines.iter().map(|l| l.form.as_str()).collect();
    let incidents = incident_form::list_js(&form);
    staging.write("incident-data.js", incidents.as_bytes())?;
    Ok(())
}

/// One page per alert; returns how many it wrote. The plan tells which pages are in the site
/// already (with nothing kept, none).
fn write_alert_pages(
    templates: &Templates,
    staging: &dyn Sink,
    site: &SiteInfo,
    (alerts, plan): (&Arc<Vec<AlertPage>>, &incremental::AlertPlan),
) -> Result<usize, BuildError> {
    let root = "../";
    let pages: Vec<(&AlertPage, &bool)> = alerts.iter().zip(&plan.kept).collect();
    // A thousand small pages: rendered on the same threads as the failure-mode pages.
    in_parallel(&pages, |(alert, kept)| {
        if **kept {
            return Ok(staging.keep(&alert.page)?);
        }
        let title = format!("Alert {}", alert.name);
        // The forward's URL for alert.js, as JSON: a data block cannot hold markup.
        let forward = alert.forward.as_ref().map(|page| format!("{root}{page}"));
        let forward_json = script::script_safe_json(&forward.into());
        let html = render_page(
            templates,
            "alert.html",
            site,
            root,
            &title,
            context! {
                forward_json => Value::from_safe_string(forward_json),
                ..Value::from(Serde(alert))
            },
        )?;
        staging.write(&alert.page, html.as_bytes())?;
        Ok(())
    })?;
    Ok(alerts.len())
}

#[derive(Debug, Serialize)]
struct SiteInfo {
    title: String,
    /// The postmortem questions of `opsbook.yaml`, for the incident form.
    #[serde(skip)]
    questions: Vec<String>,
}

/// A runbook's page and one page per failure mode; returns how many pages it wrote.
fn write_runbook(
    templates: &Templates,
    staging: &dyn Sink,
    site: &SiteInfo,
    context: &view::SiteContext<'_>,
    loaded: &CompiledRunbook,
    card: &view::RunbookCard,
) -> Result<usize, BuildError> {
    let root = "../".repeat(loaded.id.matches('/').count() + 1);
    let fms = &loaded.runbook.failure_modes;
    let entries = per_item(fms, |fm| {
        incident_form::failure_mode_entry(templates.incident(), loaded, fm, &site.questions)
            .map_err(BuildError)
    })?;
    let incidents = incident_form::runbook_data_js(entries);
    staging.write(
        &format!("{}/incident-data.js", loaded.id),
        incidents.as_bytes(),
    )?;
    let targets_json = command::targets_json(loaded);
    let page = view::runbook_page(loaded, card.clone());
    let html = render_page(
        templates,
        "runbook.html",
        site,
        &root,
        &card.title,
        context! {
            targets_json => Value::from_safe_string(targets_json.clone()),
            ..Value::from(Serde(&page))
        },
    )?;
    staging.write(&format!("{}/index.html", loaded.id), html.as_bytes())?;
    // Converted once: a minijinja value is shared, not copied, by every page that holds it.
    let card_value = Value::from(Serde(card));
    let indexes: Vec<usize> = (0..fms.len()).collect();
    per_item(&indexes, |&index| {
        let fm = &fms[index];
        let page = view::failure_mode_page(loaded, index, context);
        let seen = incidents::seen_before(
            context.workbook,
            context.histories,
            &loaded.id,
            &fm.id.value,
        );
        let title = format!("{} — {}", fm.title.value, card.title);
        let html = render_page(
            templates,
            "failure_mode.html",
            site,
            &root,
            &title,
            context! {
                targets_json => Value::from_safe_string(targets_json.clone()),
                runbook => card_value.clone(),
                seen_before => Serde(&seen),
                ..Value::from(Serde(&page))
            },
        )?;
        let file = format!("{}/{}.html", loaded.id, fm.id.value);
        Ok(staging.write(&file, html.as_bytes())?)
    })?;
    Ok(1 + loaded.runbook.failure_modes.len())
}

/// Every page gets the site, the `root` prefix (`../../` at depth two, so relative links work
/// from `file://` at any depth), its title, and its own variables.
fn render_page(
    templates: &Templates,
    name: &str,
    site: &SiteInfo,
    root: &str,
    title: &str,
    page: Value,
) -> Result<String, BuildError> {
    Ok(templates.render(name, page_context(site, root, title, page))?)
}

/// What every page's template sees besides its own variables.
fn page_context(site: &SiteInfo, root: &str, title: &str, page: Value) -> Value {
    context! { site => Serde(site), root => root, page_title => title, ..page }
}

/// [`render_page`] streamed into `rel` of `sink`: for the pages whose size grows with the book
/// (the index of its runbooks, that of its alerts), which are never whole in memory.
fn stream_page(
    templates: &Templates,
    (sink, rel): (&dyn Sink, &str),
    (name, site, root, title): (&str, &SiteInfo, &str, &str),
    page: Value,
) -> Result<(), BuildError> {
    let ctx = page_context(site, root, title, page);
    let mut failed = None;
    let streamed = sink.stream(rel, &mut |out| {
        templates.render_to(name, ctx.clone(), out).map_err(|e| {
            failed = Some(e);
            std::io::Error::other("the template failed")
        })
    });
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(streamed?),
    }
}

/// Ids become folder and file names. Lint refuses bad ones; this keeps a lint level turned off
/// from writing outside the site.
fn check_ids(loaded: &CompiledRunbook) -> Result<(), BuildError> {
    let segments = loaded.id.split('/');
    let fms = loaded
        .runbook
        .failure_modes
        .iter()
        .map(|fm| fm.id.value.as_str());
    for id in segments.chain(fms) {
        if !crate::compile::is_valid_id(id) {
            return Err(BuildError(format!(
                "{}: id `{id}` cannot be used in a URL; run `opsbook lint`",
                loaded.source.display()
            )));
        }
    }
    Ok(())
}
