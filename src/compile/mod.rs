//! The compiled runbook: everything later stages need, worked out once when a runbook is loaded.
//!
//! Each check (named or written inline) gets one id and its curl line parsed into templates;
//! placeholders are resolved against every target, in the curl line and in `expect`; regexes are
//! compiled and JSON pointers validated; targets lose their trailing slash; a failure mode's
//! checks (its own, its hypotheses', its actions' confirm checks) are indices into one list.
//! What fails to compile is a finding with its position. Render, check and incident consume this
//! and never parse a curl line or a regex again.

pub mod curl;
pub mod expect;
mod kind;
mod placeholders;
pub mod promql;
mod sink;
mod summary;
pub mod template;

pub use kind::CheckKind;
pub(crate) use sink::Sink;
pub use sink::pos_in_scalar;

use chrono::NaiveDate;

use crate::diagnostic::Diagnostic;
use crate::load::LoadedRunbook;
use crate::model::{Check, CheckRef, FailureMode, Runbook, Sp};
use crate::rule::Rule;
use crate::source::{Pos, SourceFile};
use curl::CurlCommand;
use expect::CompiledExpect;
use template::Template;

/// A runbook with its checks compiled. `id`, `source` and `runbook` are the loaded ones.
#[derive(Debug)]
pub struct CompiledRunbook {
    /// Its path below the runbooks folder, without the extension.
    pub id: String,
    pub source: SourceFile,
    pub runbook: Runbook,
    /// In the order written; the first is the default.
    pub targets: Vec<Target>,
    /// The named checks in the order written, then the inline ones.
    pub checks: Vec<CompiledCheck>,
    /// One entry per failure mode, in the order written.
    pub modes: Vec<ModeChecks>,
    /// References to check ids that are not defined (an `unknown-check` finding each).
    pub dangling: Vec<Dangling>,
    /// What failed to compile.
    pub findings: Vec<Diagnostic>,
    /// The findings of the lint rules, with the hash of the options they ran with: a runbook
    /// `serve` keeps from one load to the next is not linted again (`lint::lint`).
    pub linted: std::sync::Mutex<Option<(u64, Vec<Diagnostic>)>>,
    /// A hash of the source text, made the first time it is asked for: `serve` keys each
    /// runbook's pages by it on every rebuild, and hashing 500 texts each time was a tenth of one.
    text_hash: std::sync::OnceLock<u64>,
    /// Cut down to what the site-wide pages read ([`CompiledRunbook::summarize`]).
    summary: bool,
}

/// A target: its base URL and extra named URLs, without trailing slashes, so that
/// `{{ target }}/healthz` never becomes `//healthz`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    pub url: String,
    pub vars: Vec<(String, String)>,
}

impl Target {
    /// The value of `{{ name }}` for this target (`target` or one of its vars).
    pub fn value(&self, name: &str) -> Option<&str> {
        match name {
            "target" => Some(&self.url),
            _ => self
                .vars
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str()),
        }
    }
}

#[derive(Clone, Debug)]
pub struct CompiledCheck {
    /// The id written, or `<failure-mode>-inline-<n>` for an inline check without one.
    pub id: String,
    /// The id as written, with its position (absent for an inline check without one).
    pub id_written: Option<Sp<String>>,
    /// Written under `checks:` (rather than inline in a failure mode).
    pub named: bool,
    pub title: Option<String>,
    /// Where the check is: its id, or its command.
    pub pos: Pos,
    /// Curl request, PromQL query or command run by hand.
    pub kind: CheckKind,
    /// The command as written: the curl line, the query or the command run by hand.
    pub written: Sp<String>,
    /// `written` with placeholders only (`$VAR`s are text): what pages and results show.
    pub line: Template,
    /// The parsed curl line; `None` for other kinds and when the line cannot be run (an
    /// `invalid-curl` finding says why).
    pub command: Option<CurlCommand>,
    /// It says `mutating: true`: sent only with `--allow-mutating`.
    pub mutating: bool,
    pub expect: Option<CompiledExpect>,
}

impl CompiledCheck {
    /// opsbook runs it (a curl request or a PromQL query), rather than only showing it.
    pub fn is_executable(&self) -> bool {
        self.kind.is_executable()
    }

    /// It changes state: it says `mutating: true`, or its request is not a GET or HEAD. The
    /// method counts even without the flag, so turning `mutating-check` off never lets a plain
    /// `opsbook check` send a write.
    pub fn changes_state(&self) -> bool {
        self.mutating || self.command.as_ref().is_some_and(CurlCommand::is_write)
    }
}

/// A reference to a check id that no check under `checks:` has.
#[derive(Clone, Debug)]
pub struct Dangling {
    pub id: Sp<String>,
    pub failure_mode: String,
}

/// A failure mode's checks, as indices into [`CompiledRunbook::checks`].
#[derive(Clone, Debug, Default)]
pub struct ModeChecks {
    pub quick: Vec<usize>,
    /// Per hypothesis, in the order written.
    pub hypotheses: Vec<Vec<usize>>,
    /// Per action, in the order written.
    pub confirm: Vec<Vec<usize>>,
}

impl ModeChecks {
    /// Every check of the failure mode once: its own, its hypotheses', its actions'.
    pub fn all(&self) -> Vec<usize> {
        let hypotheses = self.hypotheses.iter().flatten();
        unique(
            self.quick
                .iter()
                .chain(hypotheses)
                .chain(self.confirm.iter().flatten()),
        )
    }

    /// Its own checks, then its actions' confirm checks, once each: what a record lists.
    pub fn for_record(&self) -> Vec<usize> {
        unique(self.quick.iter().chain(self.confirm.iter().flatten()))
    }
}

fn unique<'a>(indices: impl Iterator<Item = &'a usize>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for &i in indices {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

impl CompiledRunbook {
    /// The named check with this id (what failure modes refer to).
    pub fn check(&self, id: &str) -> Option<&CompiledCheck> {
        self.checks.iter().find(|c| c.named && c.id == id)
    }

    /// Any check with this id, named or inline: every id `check` prints can be run by name.
    pub fn any_check(&self, id: &str) -> Option<&CompiledCheck> {
        self.check(id)
            .or_else(|| self.checks.iter().find(|c| c.id == id))
    }

    pub fn named_checks(&self) -> impl Iterator<Item = &CompiledCheck> {
        self.checks.iter().filter(|c| c.named)
    }

    /// The failure mode with this id and its checks.
    pub fn mode(&self, id: &str) -> Option<(&FailureMode, &ModeChecks)> {
        let i = self
            .runbook
            .failure_modes
            .iter()
            .position(|fm| fm.id.value == id)?;
        Some((&self.runbook.failure_modes[i], &self.modes[i]))
    }

    /// The failure modes' ids, for messages that list what there is.
    pub fn mode_ids(&self) -> String {
        let ids: Vec<&str> = self
            .runbook
            .failure_modes
            .iter()
            .map(|f| f.id.value.as_str())
            .collect();
        ids.join(", ")
    }

    pub fn default_target(&self) -> Option<&Target> {
        self.targets.first()
    }

    /// A hash of the source text (the same for the same text, within one executable).
    pub fn text_hash(&self) -> u64 {
        *self.text_hash.get_or_init(|| {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            self.source.text.hash(&mut hasher);
            hasher.finish()
        })
    }
}

/// Compiles a loaded runbook.
pub fn compile(loaded: LoadedRunbook) -> CompiledRunbook {
    compile_with(loaded, true)
}

/// [`compile`] without the findings only `lint` reads (each check's URL parsed for every
/// target, the placeholders no target defines): for a runbook read again to render its pages
/// ([`CompiledRunbook::reload`]), linted when it was first loaded. Those were a tenth of a
/// reload, and a reload a tenth of building 5,000 runbooks.
pub fn compile_for_pages(loaded: LoadedRunbook) -> CompiledRunbook {
    compile_with(loaded, false)
}

fn compile_with(loaded: LoadedRunbook, lint: bool) -> CompiledRunbook {
    let LoadedRunbook {
        id,
        source,
        runbook,
    } = loaded;
    let targets = targets(&runbook);
    let mut sink = Sink::new(&source);
    let mut checks: Vec<CompiledCheck> = runbook
        .checks
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let id =
                c.id.as_ref()
                    .map_or_else(|| format!("check-{}", n + 1), |i| i.value.clone());
            let at = Written {
                pos: c.pos,
                named: true,
                targets: &targets,
            };
            compile_check(&c.value, id, &at, &mut sink)
        })
        .collect();
    let mut dangling = Vec::new();
    let modes = runbook
        .failure_modes
        .iter()
        .map(|fm| {
            let refs = Refs {
                rb: &runbook,
                fm,
                targets: &targets,
            };
            mode_checks(&refs, &mut checks, &mut dangling, &mut sink)
        })
        .collect();
    if lint {
        check_urls(&checks, &targets, &mut sink);
    }
    let mut findings = sink.out;
    if lint {
        let first_executable = checks.iter().find(|c| c.is_executable()).map(|c| c.pos);
        findings.extend(placeholders::undefined(
            &source,
            &runbook,
            first_executable,
            &targets,
            &sink.uses,
        ));
    }
    CompiledRunbook {
        id,
        source,
        runbook,
        targets,
        checks,
        modes,
        dangling,
        findings,
        linted: std::sync::Mutex::new(None),
        text_hash: std::sync::OnceLock::new(),
        summary: false,
    }
}

fn targets(rb: &Runbook) -> Vec<Target> {
    let trim = |url: &str| url.trim().trim_end_matches('/').to_owned();
    rb.targets
        .iter()
        .map(|(name, t)| Target {
            name: name.value.clone(),
            url: trim(t.url()),
            vars: t.vars().map(|(k, v)| (k.to_owned(), trim(v))).collect(),
        })
        .collect()
}

/// A failure mode, with what resolving its check references needs.
struct Refs<'a> {
    rb: &'a Runbook,
    fm: &'a FailureMode,
    targets: &'a [Target],
}

/// Where a check is written and what compiling it needs besides the check itself.
struct Written<'a> {
    /// The check's own position (the list item).
    pos: Pos,
    /// Under `checks:`, rather than inline in a failure mode.
    named: bool,
    targets: &'a [Target],
}

/// Resolves the failure mode's references, compiling its inline checks into `checks`.
fn mode_checks(
    refs: &Refs,
    checks: &mut Vec<CompiledCheck>,
    dangling: &mut Vec<Dangling>,
    sink: &mut Sink,
) -> ModeChecks {
    let Refs { rb, fm, targets } = *refs;
    let mut n = 0;
    let mut resolve = |refs: &[Sp<CheckRef>], checks: &mut Vec<CompiledCheck>| -> Vec<usize> {
        let mut out = Vec::new();
        for r in refs {
            n += 1;
            match &r.value {
                CheckRef::Id(id) => {
                    let found = rb
                        .checks
                        .iter()
                        .position(|c| c.id.as_ref().is_some_and(|i| i.value == *id));
                    match found {
                        Some(i) => out.push(i),
                        None => dangling.push(Dangling {
                            id: Sp::new(id.clone(), r.pos),
                            failure_mode: fm.id.value.clone(),
                        }),
                    }
                }
                CheckRef::Inline(check) => {
                    let id = check.id.as_ref().map_or_else(
                        || format!("{}-inline-{n}", fm.id.value),
                        |i| i.value.clone(),
                    );
                    let at = Written {
                        pos: r.pos,
                        named: false,
                        targets,
                    };
                    checks.push(compile_check(check, id, &at, sink));
                    out.push(checks.len() - 1);
                }
            }
        }
        out
    };
    let quick = resolve(&fm.checks, checks);
    let hypotheses = fm
        .hypotheses
        .iter()
        .map(|h| resolve(&h.checks, checks))
        .collect();
    let confirm = fm
        .actions
        .iter()
        .map(|a| resolve(&a.confirm, checks))
        .collect();
    ModeChecks {
        quick,
        hypotheses,
        confirm,
    }
}

fn compile_check(check: &Check, id: String, at: &Written, sink: &mut Sink) -> CompiledCheck {
    let (kind, written) = match kind::kind_of(check, at.pos, at.targets, sink) {
        Some((kind, written)) => (kind, written.clone()),
        // Nothing to run: reported, and kept as a curl check that cannot run.
        None => (CheckKind::Curl, Sp::new(String::new(), at.pos)),
    };
    let command = match kind {
        CheckKind::Curl if !written.value.is_empty() => parse_curl(&written, sink),
        _ => None,
    };
    sink.uses(&written, written.pos);
    let expect = check.expect.as_ref().map(|e| expect::compile(e, sink));
    CompiledCheck {
        id,
        id_written: check.id.clone(),
        named: at.named,
        title: check.title.as_ref().map(|t| t.value.clone()),
        pos: check.id.as_ref().map_or(written.pos, |i| i.pos),
        line: Template::placeholders_only(&written),
        kind,
        written,
        command,
        mutating: check.mutating.as_ref().is_some_and(|m| m.value),
        expect,
    }
}

/// The curl line parsed, or an `invalid-curl` finding at the place it fails.
fn parse_curl(line: &Sp<String>, sink: &mut Sink) -> Option<CurlCommand> {
    match curl::parse(line) {
        Ok(command) => {
            for (offset, name) in &command.quoted_vars {
                quoted_var(line, *offset, name, sink);
            }
            Some(command)
        }
        Err(e) => {
            let pos = pos_in_scalar(sink.source, line, e.offset);
            sink.report(Rule::InvalidCurl, pos, e.message, e.help);
            None
        }
    }
}

/// A check compiled on its own, findings dropped: for unit tests of what consumes it.
#[cfg(test)]
pub(crate) fn standalone_check(check: &Check) -> CompiledCheck {
    let source = SourceFile::new("", "");
    let at = Written {
        pos: Pos::new(1, 1),
        named: true,
        targets: &[],
    };
    compile_check(check, "c".into(), &at, &mut Sink::new(&source))
}

/// Every check's URL, filled in for every target (with `-G`, its data appended), must be one
/// the request can carry ([`curl::wire_url`], which `check` sends with): a typo such as `http//`
/// or a stray space fails in CI, not at 3 a.m.
fn check_urls(checks: &[CompiledCheck], targets: &[Target], sink: &mut Sink) {
    for check in checks {
        if let CheckKind::Promql { prometheus, base } = &check.kind {
            check_prometheus_base(prometheus, base, targets, sink);
        }
        let Some(command) = &check.command else {
            continue;
        };
        for target in targets {
            // Missing placeholders are `undefined-placeholder`; `$VAR`s are not known yet.
            let Some(url) = url_for(command, target) else {
                continue;
            };
            if let Err(e) = curl::wire_url(&url) {
                let pos = pos_in_scalar(sink.source, &check.written, command.url_offset);
                sink.report(
                    Rule::InvalidCurl,
                    pos,
                    format!("`{url}` (target `{}`) {e}", target.name),
                    "write the URL as `{{ target }}/path`, and the target as `http://host:port`; \
                     put query values in `-G --data-urlencode 'name=value'`, which encodes them",
                );
                break;
            }
        }
    }
}

/// A query's Prometheus base URL, for every target, must be one a query can go under: lint
/// says so rather than every run ending in an error (and the page linking to it).
fn check_prometheus_base(
    prometheus: &Sp<String>,
    base: &Template,
    targets: &[Target],
    sink: &mut Sink,
) {
    for target in targets {
        let Ok(url) = base.fill(&|name| target.value(name).map(str::to_owned), &mut |_| None)
        else {
            continue;
        };
        if let Some(problem) = promql::base_problem(&url) {
            sink.report(
                Rule::InvalidCheck,
                prometheus.pos,
                format!(
                    "`prometheus: {}` is `{url}` (target `{}`), which {problem}",
                    prometheus.value, target.name
                ),
                "give Prometheus' base URL, such as `http://prometheus:9090`",
            );
            break;
        }
    }
}

/// The URL a command requests against `target`, with every `$VAR` standing in as `x`.
fn url_for(command: &CurlCommand, target: &Target) -> Option<String> {
    let value = |name: &str| match name {
        "request_id" => Some("ob-0".to_owned()),
        _ => target.value(name).map(str::to_owned),
    };
    let mut fill = |t: &Template| {
        t.fill(&value, &mut |_| Some("x".to_owned()))
            .map_err(|_| ())
    };
    curl::query::url_and_body(command, &mut fill)
        .ok()
        .map(|(url, _)| url)
}

fn quoted_var(curl: &Sp<String>, offset: usize, name: &str, sink: &mut Sink) {
    let pos = pos_in_scalar(sink.source, curl, offset);
    sink.report(
        Rule::VarInSingleQuotes,
        pos,
        format!("`${name}` is inside single quotes, so it is sent as the text `${name}`"),
        format!(
            "a shell does not expand variables in single quotes, and neither does opsbook; to send the value of `${name}`, use double quotes: \"…${name}…\""
        ),
    );
}

/// `^[a-z0-9][a-z0-9-]*$`: ids become URLs and file names.
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// `last_reviewed` as a date, if it is one written `YYYY-MM-DD`.
pub fn reviewed_on(text: &str) -> Option<NaiveDate> {
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_pattern() {
        for ok in ["api", "a-1", "0x"] {
            assert!(is_valid_id(ok), "{ok}");
        }
        for bad in ["", "-a", "A", "a_b", "..", "a/b", "é"] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert!(reviewed_on("2026-02-28").is_some());
        assert!(reviewed_on("2026-02-30").is_none());
        assert!(reviewed_on("2026-2-3").is_none());
    }
}
