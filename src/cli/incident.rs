//! `opsbook incident new` and `opsbook incident lint` (`list` is in `incident_list.rs`).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use opsbook::incident::skeleton;
use opsbook::workspace::Workspace;

use super::output::{Global, say};
use super::reports::{FormatArg, ReportArgs};
use super::{CliResult, Outcome};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Start an incident record from a runbook's failure mode.
    New(NewArgs),
    /// Check incident records: valid, and complete for their status.
    Lint(LintArgs),
    /// Every record with its durations and open action items (text, JSON or CSV).
    List(ListArgs),
}

#[derive(clap::Args, Debug)]
pub struct NewArgs {
    /// RUNBOOK#FAILURE_MODE, e.g. `api#increased-latency`.
    pub target: String,
    #[arg(long)]
    pub title: String,
    /// sev1 (worst) .. sev4. Default: the failure mode's severity.
    #[arg(long)]
    pub severity: Option<String>,
    /// Where records live. Default: `incidents` of opsbook.yaml (`incidents/`).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// When it started (RFC 3339). Default: now, in UTC.
    #[arg(long)]
    pub started_at: Option<String>,
    /// The alert's label for one of the runbook's `params`, e.g. `namespace=shop`
    /// (repeatable); recorded as `labels:` in the front matter.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = super::check::parse_param)]
    pub params: Vec<(String, String)>,
    /// The runbook's target the responder works against (`prod`): its URL and vars are filled
    /// into the record's checks, with a fresh request id that is also recorded in
    /// `request_ids`.
    #[arg(long = "target", value_name = "NAME")]
    pub target_name: Option<String>,
    /// A request id to record in `request_ids` (repeatable), e.g. the `x-request-id` of a
    /// user's report; the first one goes into the checks' `{{ request_id }}`.
    #[arg(long = "request-id", value_name = "ID")]
    pub request_ids: Vec<String>,
}

pub use super::incident_list::ListArgs;

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Incident record files (Markdown).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    #[command(flatten)]
    pub reports: ReportArgs,
}

pub fn run(global: &Global, command: Command) -> CliResult {
    match command {
        Command::New(args) => new(global, args),
        Command::Lint(args) => lint(global, args),
        Command::List(args) => super::incident_list::run(global, args),
    }
}

fn new(global: &Global, args: NewArgs) -> CliResult {
    let (runbook_id, fm_id) = args.target.split_once('#').ok_or_else(|| {
        format!(
            "`{}` is not RUNBOOK#FAILURE_MODE (for example `api#increased-latency`)",
            args.target
        )
    })?;
    let ws = Workspace::load(&global.project, &[]);
    let loaded = ws
        .runbooks
        .iter()
        .find(|r| r.id == runbook_id)
        .ok_or_else(|| format!("no runbook `{runbook_id}` in {}", ws.runbooks_dir.display()))?;
    let (fm, _) = loaded.mode(fm_id).ok_or_else(|| {
        format!(
            "runbook `{runbook_id}` has no failure mode `{fm_id}`; it has: {}",
            loaded.mode_ids()
        )
    })?;
    let severity = args
        .severity
        .clone()
        .unwrap_or_else(|| fm.severity.as_str().to_owned());
    if !opsbook::model::Severity::ALL.contains(&severity.as_str()) {
        return Err(format!(
            "severity `{severity}` is not sev1, sev2, sev3 or sev4"
        ));
    }
    let started_at = match &args.started_at {
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map_err(|e| format!("--started-at `{text}` is not RFC 3339: {e}"))?
            .with_timezone(&Utc),
        None => Utc::now(),
    };
    let labels = labels(loaded, &args.params)?;
    let (request_ids, fill) = context(loaded, &args, &labels)?;
    let input = skeleton::NewIncident {
        title: skeleton::clean_title(&args.title)?,
        severity,
        started_at,
        questions: ws.config.questions(),
        labels,
        request_ids,
        fill,
    };
    let text = incident_template(&ws.root)?.render(loaded, fm, &input)?;
    let dir = match args.dir {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => global.project.join(dir),
        None => ws.incidents_dir(),
    };
    let path = skeleton::write_new(&dir, &skeleton::file_name(&input), &text)?;
    if !global.quiet {
        say(format!("created {}", path.display()))?;
    }
    Ok(Outcome::Ok)
}

/// The runbook's params with a value (`--param`, else the default), in the order declared. A
/// `--param` the runbook does not declare is refused: it would be a label nobody reads.
fn labels(
    loaded: &opsbook::compile::CompiledRunbook,
    given: &[(String, String)],
) -> Result<Vec<(String, String)>, String> {
    let declared = &loaded.runbook.params;
    if let Some((name, _)) = given.iter().find(|(n, _)| declared.get(n).is_none()) {
        let names: Vec<&str> = declared.iter().map(|(n, _)| n.value.as_str()).collect();
        let hint = opsbook::check::plan::param_hint(name, &names);
        return Err(format!(
            "runbook `{}` declares no param `{name}`; {hint}",
            loaded.id
        ));
    }
    let value = |name: &str, default: &Option<String>| {
        let given = given.iter().rev().find(|(n, _)| n == name);
        given.map(|(_, v)| v.clone()).or_else(|| default.clone())
    };
    Ok(declared
        .iter()
        .filter_map(|(name, p)| Some((name.value.clone(), value(&name.value, &p.default)?)))
        .collect())
}

/// The request ids to record and what fills the checks' placeholders: the params' values
/// always; with `--target`, its URL and vars and a request id (one given, else a fresh one in
/// the format `check` and the site use).
fn context(
    loaded: &opsbook::compile::CompiledRunbook,
    args: &NewArgs,
    labels: &[(String, String)],
) -> Result<(Vec<String>, skeleton::Fill), String> {
    if let Some(bad) = args
        .request_ids
        .iter()
        .find(|id| !opsbook::check::request_id::is_recordable(id))
    {
        return Err(format!(
            "--request-id `{bad}` is not one word of letters, digits and . _ : / + = @ -; \
             pass each id on its own --request-id"
        ));
    }
    let mut request_ids = args.request_ids.clone();
    let mut values: std::collections::BTreeMap<String, String> = labels.iter().cloned().collect();
    if let Some(name) = &args.target_name {
        let target = loaded
            .targets
            .iter()
            .find(|t| &t.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = loaded.targets.iter().map(|t| t.name.as_str()).collect();
                match names.is_empty() {
                    true => format!("runbook `{}` declares no targets", loaded.id),
                    false => format!(
                        "runbook `{}` has no target `{name}`; its targets: {}",
                        loaded.id,
                        names.join(", ")
                    ),
                }
            })?;
        values.insert("target".to_owned(), target.url.clone());
        values.extend(target.vars.iter().cloned());
        if request_ids.is_empty() {
            request_ids.push(opsbook::check::request_id::next());
        }
    }
    if let Some(first) = request_ids.first() {
        values.insert("request_id".to_owned(), first.clone());
    }
    Ok((request_ids, skeleton::Fill::Values(values)))
}

/// `templates/incident.md` beside `opsbook.yaml` replaces the default, as for the site's build.
fn incident_template(root: &std::path::Path) -> Result<skeleton::Skeleton, String> {
    let overrides = root.join("templates");
    opsbook::render::env::incident_template(Some(&overrides)).map_err(|e| e.0)
}

/// Incident findings go through the same levels as runbook findings (`lint.rules`,
/// `lint.deny_warnings`), and an invalid `opsbook.yaml` stops the run as it does `lint`: it is
/// `opsbook lint` of the records named.
fn lint(global: &Global, args: LintArgs) -> CliResult {
    super::lint::require(&args.files)?;
    super::lint::lint_records(global, &args.files, args.format, &args.reports)
}
