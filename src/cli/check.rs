//! `opsbook check [RUNBOOK[#FAILURE_MODE]]`: run the runbooks' curl checks and verify them.
//! clap args → `RunOptions` (with the environment read here, not in the library) → runner →
//! presenter → exit code.

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::io::Write;
use std::time::Duration;

use opsbook::check::http::UreqTransport;
use opsbook::check::origin;
use opsbook::check::tls::TrustSources;
use opsbook::check::{
    CheckResult, Outcome as CheckOutcome, PlannedCheck, RunOptions, Selection, Summary, plan,
    run::dry_run,
};
use opsbook::incident::record::TimelineRow;
use opsbook::report::{self, CheckPlace, CheckReport, Format, LintReport};
use opsbook::source::display_path;
use opsbook::terminal::escape;
use opsbook::workspace::Workspace;

use super::output::Global;
use super::progress::Progress;
use super::reports::{self, FormatArg, ReportArgs};
use super::{CliResult, Outcome};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// `RUNBOOK` or `RUNBOOK#FAILURE_MODE`. Default: every runbook's named checks.
    pub selector: Option<String>,
    /// A target name of the runbooks, or a base URL.
    #[arg(long, value_name = "NAME|URL")]
    pub target: Option<String>,
    /// Checks run in parallel. Default: the number of CPUs.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Extra attempts for a check that fails or errors.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub retries: u32,
    /// Re-run failing checks until all pass or this time is up (`30s`, `2m`).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub until_pass: Option<Duration>,
    /// Print the commands as they would run, without running them.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    #[command(flatten)]
    pub reports: ReportArgs,
    /// Also allow requests to this origin (repeatable): `HOST` (ports 80 and 443),
    /// `HOST:PORT` (http and https) or `https://HOST:PORT` (exactly that).
    #[arg(long, value_name = "HOST|HOST:PORT|URL", value_parser = parse_allow_host)]
    pub allow_host: Vec<AllowHost>,
    /// Honour `-k` in commands (skip TLS verification for those checks).
    #[arg(long)]
    pub insecure: bool,
    /// Append one timeline row per result to this incident record.
    #[arg(long, value_name = "INCIDENT.md")]
    pub record: Option<std::path::PathBuf>,
    /// A value for one of the runbook's `params` (an alert label), e.g. `namespace=shop`
    /// (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
    /// Override a target var, e.g. `prometheus=https://prom.staging:9090` (repeatable); its
    /// host may then be reached.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Let checks read this environment variable as `$NAME`, besides those `env:` of
    /// opsbook.yaml declares (repeatable). Undeclared ones are never read.
    #[arg(long = "env", value_name = "NAME", value_parser = parse_env_name)]
    pub env: Vec<String>,
    /// Send the checks that say `mutating: true` (they change state); skipped otherwise.
    #[arg(long)]
    pub allow_mutating: bool,
    /// Total time per check when its command has no `-m` (default `10s`).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

/// `--dry-run`: one line per check (`api#healthz  curl -i ...`), or with `--format json` the
/// object `{"checks": [{"runbook", "id", "command"}]}`. The other formats report results, and a
/// dry run has none.
fn print_dry_run(
    global: &Global,
    planned: &[PlannedCheck],
    options: &RunOptions,
    format: FormatArg,
) -> Result<(), String> {
    let lines = dry_run(planned, options);
    let mut out = global.stdout();
    match format {
        FormatArg::Text => {
            for line in &lines {
                // After a shell comment, so the line still pastes as the command.
                let note = line.not_sent.as_ref().map(|n| format!("  # {n}"));
                let note = note.unwrap_or_default();
                let (name, command) = (escape(&line.name), escape(&line.command));
                writeln!(out, "{name}  {command}{}", escape(&note)).map_err(write_error)?;
            }
        }
        FormatArg::Json => {
            let checks: Vec<serde_json::Value> = planned
                .iter()
                .zip(&lines)
                .map(|(check, line)| {
                    serde_json::json!({"runbook": check.runbook, "id": check.id, "command": line.command, "not_sent": line.not_sent})
                })
                .collect();
            let json = serde_json::json!({ "checks": checks });
            let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
            writeln!(out, "{text}").map_err(write_error)?;
        }
        _ => return Err("`--dry-run` prints text or json; it has no results to report".into()),
    }
    Ok(())
}

/// `NAME=VALUE` of `--param`.
pub fn parse_param(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!(
            "`{s}` is not NAME=VALUE (write `--param namespace=shop`)"
        )),
    }
}

/// The origins one `--allow-host` allows.
#[derive(Clone, Debug)]
pub struct AllowHost(Vec<origin::Origin>);

/// `--allow-host`, checked when the command line is read (a usage error, exit 2).
fn parse_allow_host(s: &str) -> Result<AllowHost, String> {
    origin::parse_allow_host(s).map(AllowHost)
}

/// `NAME` of `--env`: only a name; the value is read from the environment, never the command
/// line (where `ps` and shell history would show it).
pub fn parse_env_name(s: &str) -> Result<String, String> {
    if opsbook::workspace::is_env_name(s) {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "`{s}` is not an environment variable name (write `--env API_TOKEN`; the value is read from the environment)"
        ))
    }
}

/// `NAME=VALUE` of `--var`.
pub fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() && !value.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.trim().to_owned()))
        }
        _ => Err(format!(
            "`{s}` is not NAME=VALUE (write `--var prometheus=https://prom.staging:9090`)"
        )),
    }
}

/// `500ms`, `30s`, `2m`, `1h`, or plain seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: f64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (write `30s`, `2m` or `500ms`)"))?;
    let secs = match unit {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("`{s}`: unknown unit `{unit}` (use ms, s, m or h)")),
    };
    if !secs.is_finite() || secs <= 0.0 || secs > 86_400.0 {
        return Err(format!("`{s}` must be between 0 and 24h"));
    }
    Ok(Duration::from_secs_f64(secs))
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let workspace = Workspace::load(&global.project, &[]);
    let diagnostics = workspace.lint_declaring(global.today(), &args.env);
    let selection = Selection {
        selector: args.selector.as_deref(),
        target: args.target.as_deref(),
        params: args.params.iter().cloned().collect(),
        vars: args.vars.iter().cloned().collect(),
    };
    let planned = plan(&workspace, &selection);
    if let Some(outcome) = lint_gate(global, &workspace, &diagnostics, planned.as_ref().ok())? {
        return Ok(outcome);
    }
    let planned = planned?;
    if planned.is_empty() && workspace.runbooks.is_empty() {
        return Err(format!(
            "no runbooks found in {}",
            workspace.runbooks_dir.display()
        ));
    }
    if let Some(record) = &args.record {
        opsbook::incident::record::refuse_unless_record(record)?;
    }
    let declared = declared_env(&workspace, &args.env);
    let options = RunOptions {
        jobs: args.jobs.unwrap_or_else(cpus).max(1),
        retries: args.retries,
        until_pass: args.until_pass,
        // Parsed when the command line was read: a bad value is a usage error (exit 2).
        allow_hosts: args.allow_host.iter().flat_map(|a| a.0.clone()).collect(),
        insecure: args.insecure,
        timeout: args.timeout,
        env: declared_values(&declared),
        declared_env: declared,
        allow_mutating: args.allow_mutating,
        root: workspace.root.clone(),
    };
    if args.dry_run {
        print_dry_run(global, &planned, &options, args.format)?;
        return Ok(Outcome::Ok);
    }
    let trust = trust_sources(&process_env());
    let transport = UreqTransport::new(ureq::Proxy::try_from_env(), args.insecure, trust);
    // More than a handful of checks: a bar on the terminal while they run.
    let progress = Progress::new(planned.len(), "checks", 6, global.quiet);
    let results = opsbook::check::run(&planned, &options, &transport, &|r| {
        progress.tick(&report::check_line(r, false))
    });
    progress.finish();
    let places = check_places(&workspace, &planned);
    let report = CheckReport {
        results: &results,
        places: &places,
    };
    reports::present(
        global,
        args.format.into(),
        &args.reports.reports,
        &|f, view, out| report::write_check(f, &report, view, out),
    )?;
    if let Some(record) = &args.record {
        opsbook::incident::record::append(record, &timeline_rows(&results))?;
    }
    Ok(if Summary::of(&results).all_passed() {
        Outcome::Ok
    } else {
        Outcome::Findings
    })
}

/// The environment of this process, as far as it is UTF-8.
fn process_env() -> BTreeMap<String, String> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

/// The `$NAME`s checks may read: `env:` of opsbook.yaml and `--env`.
fn declared_env(workspace: &Workspace, extra: &[String]) -> BTreeSet<String> {
    let config = workspace.config.env.iter().map(|n| n.value.clone());
    config.chain(extra.iter().cloned()).collect()
}

/// The values of the declared names only: a runbook cannot reach the rest of the environment.
fn declared_values(declared: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut env = process_env();
    env.retain(|name, _| declared.contains(name));
    env
}

/// Trust as curl has it: the system's roots, plus `SSL_CERT_FILE` and `SSL_CERT_DIR` (folders
/// separated by `:`, as OpenSSL reads it). Empty values count as unset.
fn trust_sources(env: &BTreeMap<String, String>) -> TrustSources {
    let set = |name: &str| env.get(name).filter(|v| !v.is_empty());
    TrustSources {
        cert_file: set("SSL_CERT_FILE").map(Into::into),
        cert_dirs: set("SSL_CERT_DIR")
            .map(|dirs| {
                dirs.split(':')
                    .filter(|d| !d.is_empty())
                    .map(Into::into)
                    .collect()
            })
            .unwrap_or_default(),
        system: true,
    }
}

/// `runbook#check` → where the check is written, relative to the project (where CI checks the
/// repository out), so annotations and SARIF results point at its line.
fn check_places(workspace: &Workspace, planned: &[PlannedCheck]) -> BTreeMap<String, CheckPlace> {
    let relative = |path: &std::path::Path| {
        let path = path.strip_prefix(&workspace.root).unwrap_or(path);
        display_path(path)
    };
    planned
        .iter()
        .filter_map(|p| {
            let rb = workspace.runbooks.iter().find(|r| r.id == p.runbook)?;
            let place = CheckPlace {
                file: relative(&rb.source.path),
                pos: p.check.pos,
            };
            Some((format!("{}#{}", p.runbook, p.id), place))
        })
        .collect()
}

/// Lint errors stop the checks of the runbooks they are in (and an invalid `opsbook.yaml` stops
/// everything); errors in other runbooks are only mentioned, so that one broken file does not
/// block the runbook needed at 3 a.m. Returns the outcome when the run must stop.
fn lint_gate(
    global: &Global,
    workspace: &Workspace,
    diagnostics: &[opsbook::diagnostic::Diagnostic],
    planned: Option<&Vec<opsbook::check::PlannedCheck>>,
) -> Result<Option<Outcome>, String> {
    let files: BTreeSet<&std::path::Path> = match planned {
        // The selector named nothing that loaded: every error may be why.
        None => diagnostics.iter().map(|d| d.file.as_path()).collect(),
        Some(planned) => workspace
            .runbooks
            .iter()
            .filter(|r| planned.iter().any(|p| p.runbook == r.id))
            .map(|r| r.source.path.as_path())
            .chain(workspace.config_source.iter().map(|c| c.path.as_path()))
            .collect(),
    };
    let (blocking, elsewhere): (Vec<_>, Vec<_>) = diagnostics
        .iter()
        .cloned()
        .partition(|d| files.contains(d.file.as_path()));
    let other_files: BTreeSet<_> = elsewhere
        .iter()
        .filter(|d| d.is_error())
        .map(|d| &d.file)
        .collect();
    if !other_files.is_empty() {
        eprintln!(
            "note: {} other runbook file(s) have lint errors and were not checked; run `opsbook lint`",
            other_files.len()
        );
    }
    if !blocking.iter().any(|d| d.is_error()) {
        return Ok(None);
    }
    let sources = |path: &std::path::Path| workspace.source(path);
    let shown: BTreeSet<_> = blocking.iter().map(|d| &d.file).collect();
    let report = LintReport {
        diagnostics: &blocking,
        sources: &sources,
        files: shown.len(),
    };
    super::lint::print(global, &report, Format::Text, &[])?;
    eprintln!("error: the runbooks to check have lint errors; fix them before running checks");
    Ok(Some(Outcome::InputError))
}

/// The results as incident timeline rows, stamped with the time the run finished. Checks that
/// were not sent (run by hand, skipped) did not happen, so they are not in the timeline.
fn timeline_rows(results: &[CheckResult]) -> Vec<TimelineRow> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    results
        .iter()
        .filter(|r| !matches!(r.outcome, CheckOutcome::Manual | CheckOutcome::Skipped))
        .map(|r| TimelineRow {
            time: now.clone(),
            check: r.name(),
            outcome: r.outcome.word(),
            status: r.status,
            time_ms: r.time_ms,
            request_id: r.request_id.clone(),
            note: r.error.clone(),
        })
        .collect()
}

fn write_error(e: std::io::Error) -> String {
    format!("cannot write the report: {e}")
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
