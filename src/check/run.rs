//! Running planned checks: N worker threads (`std::thread::scope`), retries, and
//! `--until-pass` rounds that re-run the failing checks until all pass or time is up.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::expect::{self, Context};
use super::http::Transport;
use super::plan::PlannedCheck;
use super::prepare::{self, Prepared};
use super::secrets::Masker;
use super::{CheckResult, Failure, Outcome, promql, redirect, request_id};
use crate::compile::CheckKind;

/// How to run: plain values handed over by the CLI.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Extra attempts for a check that fails or errors.
    pub retries: u32,
    /// Re-run failing checks until all pass or this much time has passed.
    pub until_pass: Option<Duration>,
    /// Origins allowed besides the runbook's targets (`--allow-host`).
    pub allow_hosts: Vec<super::origin::Origin>,
    /// Honour `-k` in commands.
    pub insecure: bool,
    /// Total time per check when the command has no `-m`.
    pub timeout: Option<Duration>,
    /// The environment `$VAR`s are read from (the library never reads the process's own).
    pub env: BTreeMap<String, String>,
    /// The `$VAR` names checks may read (`env:` of `opsbook.yaml`, `--env`); any other is an
    /// error for its check, whatever `env` holds, and the check is not sent.
    pub declared_env: std::collections::BTreeSet<String>,
    /// Send checks that say `mutating: true` (otherwise they are skipped).
    pub allow_mutating: bool,
    /// The project root (the folder of `opsbook.yaml`): `--cacert`, `--cert` and `--key` paths
    /// are relative to it.
    pub root: std::path::PathBuf,
}

/// Pause between `--until-pass` rounds.
const ROUND_PAUSE: Duration = Duration::from_secs(1);

/// Runs every check; `on_result` sees each result as it arrives (for a progress display).
pub fn run(
    checks: &[PlannedCheck],
    options: &RunOptions,
    transport: &dyn Transport,
    on_result: &(dyn Fn(&CheckResult) + Sync),
) -> Vec<CheckResult> {
    let all: Vec<usize> = (0..checks.len()).collect();
    let mut results = round(checks, &all, options, transport, on_result);
    let Some(budget) = options.until_pass else {
        return results;
    };
    let deadline = Instant::now() + budget;
    loop {
        let failing: Vec<usize> = (0..results.len())
            .filter(|&i| results[i].outcome.is_bad())
            .collect();
        let left = deadline.saturating_duration_since(Instant::now());
        if failing.is_empty() || left.is_zero() {
            return results;
        }
        std::thread::sleep(ROUND_PAUSE.min(left));
        let again = round(checks, &failing, options, transport, on_result);
        for (i, mut result) in failing.into_iter().zip(again) {
            result.attempts += results[i].attempts;
            results[i] = result;
        }
    }
}

/// Runs the checks at `indices` on the worker threads; results in the same order.
fn round(
    checks: &[PlannedCheck],
    indices: &[usize],
    options: &RunOptions,
    transport: &dyn Transport,
    on_result: &(dyn Fn(&CheckResult) + Sync),
) -> Vec<CheckResult> {
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<CheckResult>>> = Mutex::new(vec![None; indices.len()]);
    let workers = options.jobs.clamp(1, indices.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = indices.get(n) else { break };
                    let result = with_retries(&checks[i], options, transport);
                    on_result(&result);
                    if let Ok(mut slots) = slots.lock() {
                        slots[n] = Some(result);
                    }
                }
            });
        }
    });
    let slots = slots.into_inner().unwrap_or_else(|e| e.into_inner());
    slots
        .into_iter()
        .zip(indices)
        .map(|(slot, &i)| slot.unwrap_or_else(|| lost(&checks[i])))
        .collect()
}

/// A worker that died leaves no result; say so rather than drop the check.
fn lost(check: &PlannedCheck) -> CheckResult {
    let mut r = blank(check, request_id::next(), String::new());
    r.outcome = Outcome::Error;
    r.error = Some("the check did not finish (internal error)".into());
    r
}

fn with_retries(
    check: &PlannedCheck,
    options: &RunOptions,
    transport: &dyn Transport,
) -> CheckResult {
    let mut attempt = 1;
    loop {
        let mut result = run_one(check, options, transport);
        result.attempts = attempt;
        if !result.outcome.is_bad() || attempt > options.retries {
            return result;
        }
        std::thread::sleep(Duration::from_millis(200 * u64::from(attempt.min(5))));
        attempt += 1;
    }
}

/// One run of one check, with a fresh request id. Every string in the result is masked.
pub fn run_one(
    check: &PlannedCheck,
    options: &RunOptions,
    transport: &dyn Transport,
) -> CheckResult {
    let request_id = request_id::next();
    let command = prepare::display_command(check, &request_id);
    let mut result = blank(check, request_id.clone(), command);
    if let Some((outcome, note)) = not_sent(check, options) {
        result.outcome = outcome;
        result.note = note;
        return mask(result, &Masker::default());
    }
    let mut masker = Masker::default();
    let started = Instant::now();
    let prepared = prepare::prepare(check, options, &request_id, &mut masker);
    match prepared.and_then(|p| send(check, options, transport, p)) {
        Err(message) => {
            result.outcome = Outcome::Error;
            result.error = Some(message);
        }
        Ok((response, fail_on_error_status)) => {
            result.time_ms = elapsed_ms(started);
            result.status = Some(response.status);
            result.truncated = response.truncated;
            let substitute = |template: &crate::compile::template::Template| {
                template.show(&|name| prepare::value(check, &request_id, name))
            };
            let cx = Context {
                response: &response,
                time_ms: result.time_ms,
                fail_on_error_status,
                substitute: &substitute,
                masker: &masker,
            };
            match judge(check, &cx) {
                Ok(failures) if failures.is_empty() => {}
                Ok(failures) => {
                    result.outcome = Outcome::Fail;
                    result.failures = failures;
                }
                Err(message) => {
                    result.outcome = Outcome::Error;
                    result.error = Some(message);
                }
            }
        }
    }
    result.time_ms = elapsed_ms(started);
    mask(result, &masker)
}

/// A check that is not sent: a command run by hand, or one that changes state without
/// `--allow-mutating`; with what the result says about it.
fn not_sent(check: &PlannedCheck, options: &RunOptions) -> Option<(Outcome, Option<String>)> {
    if let CheckKind::Manual { look_for } = &check.check.kind {
        let note = look_for.as_ref().map(|look| format!("look for: {look}"));
        return Some((Outcome::Manual, note));
    }
    let check = &check.check;
    (check.changes_state() && !options.allow_mutating).then(|| {
        let why = match &check.command {
            Some(c) if !check.mutating => format!("a {} request", c.method()),
            _ => "`mutating: true`".to_owned(),
        };
        let note = format!("changes state ({why}); pass --allow-mutating to send it");
        (Outcome::Skipped, Some(note))
    })
}

/// The expectations against the answer: a response for a curl check, Prometheus' JSON for a
/// query (whose own error is an error, not a failure).
fn judge(check: &PlannedCheck, cx: &Context) -> Result<Vec<Failure>, String> {
    let expect = check.check.expect.as_ref();
    match check.check.kind {
        CheckKind::Promql { .. } => {
            promql::evaluate(cx.response, expect, cx.substitute, cx.time_ms)
        }
        _ => Ok(expect::evaluate(expect, cx)),
    }
}

fn send(
    check: &PlannedCheck,
    options: &RunOptions,
    transport: &dyn Transport,
    prepared: Prepared,
) -> Result<(super::http::HttpResponse, bool), String> {
    let allowed = |url: &str| prepare::check_host(url, check, options);
    let Prepared {
        request,
        follow_redirects,
        fail_on_error_status,
        secret_headers,
    } = prepared;
    let response = redirect::send(
        transport,
        request,
        follow_redirects,
        &secret_headers,
        &allowed,
    )?;
    Ok((response, fail_on_error_status))
}

fn blank(check: &PlannedCheck, request_id: String, command: String) -> CheckResult {
    CheckResult {
        runbook: check.runbook.clone(),
        id: check.id.clone(),
        title: check.title.clone(),
        outcome: Outcome::Pass,
        status: None,
        time_ms: 0,
        request_id,
        command,
        failures: Vec::new(),
        error: None,
        note: None,
        truncated: false,
        attempts: 1,
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The one place a result's strings are masked before it leaves the runner.
fn mask(mut r: CheckResult, masker: &Masker) -> CheckResult {
    let m = |s: &str| masker.mask(s);
    r.title = m(&r.title);
    r.command = m(&r.command);
    r.error = r.error.as_deref().map(m);
    r.note = r.note.as_deref().map(m);
    r.failures = r
        .failures
        .iter()
        .map(|f| Failure {
            expectation: m(&f.expectation),
            expected: m(&f.expected),
            actual: m(&f.actual),
        })
        .collect();
    r
}

/// A command as `--dry-run` shows it: placeholders filled, `$VAR`s as written, masked.
pub struct DryRun {
    pub name: String,
    pub command: String,
    /// Why a real run would not send it either: run by hand, or a write without
    /// `--allow-mutating`. Without it a dry run would list a skipped write as if it would go.
    pub not_sent: Option<String>,
}

/// The commands as they would run, without sending anything.
pub fn dry_run(checks: &[PlannedCheck], options: &RunOptions) -> Vec<DryRun> {
    checks
        .iter()
        .map(|check| {
            let request_id = request_id::next();
            let mut masker = Masker::default();
            // Only for the secrets it finds (a literal `-u` password); the request is not sent.
            let _ = prepare::prepare(check, options, &request_id, &mut masker);
            let not_sent = not_sent(check, options).map(|(outcome, note)| match outcome {
                Outcome::Manual => "run by hand".to_owned(),
                _ => note.unwrap_or_default(),
            });
            DryRun {
                name: format!("{}#{}", check.runbook, check.id),
                command: masker.mask(&prepare::display_command(check, &request_id)),
                not_sent,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::http::{HttpRequest, HttpResponse};
    use crate::check::origin::{Origin, parse_allow_host};
    use crate::compile::{CompiledCheck, standalone_check};
    use crate::model::Check;

    /// Answers from a script and remembers what it was sent.
    struct Fake {
        seen: Mutex<Vec<HttpRequest>>,
        reply: fn(&HttpRequest, usize) -> HttpResponse,
    }

    impl Transport for Fake {
        fn send(&self, request: &HttpRequest) -> Result<HttpResponse, String> {
            let mut seen = self.seen.lock().map_err(|e| e.to_string())?;
            seen.push(request.clone());
            Ok((self.reply)(request, seen.len()))
        }
    }

    fn planned(check: &CompiledCheck) -> PlannedCheck<'_> {
        let values = [("target", "http://a.test")].map(|(k, v)| (k.to_owned(), v.to_owned()));
        PlannedCheck {
            runbook: "rb".into(),
            id: "c".into(),
            title: String::new(),
            check,
            target: "local".into(),
            values: values.into_iter().collect(),
            allowed_origins: Origin::of("http://a.test").into_iter().collect(),
            missing_params: Vec::new(),
        }
    }

    fn options() -> RunOptions {
        RunOptions {
            jobs: 2,
            env: [("TOKEN".to_owned(), "s3cret-token".to_owned())].into(),
            declared_env: ["TOKEN".to_owned()].into(),
            allow_hosts: parse_allow_host("b.test").unwrap(),
            ..RunOptions::default()
        }
    }

    #[test]
    fn redirects_drop_secrets_across_origins_and_results_are_masked() {
        let yaml =
            r#"{curl: 'curl -L -H "x-token: $TOKEN" {{ target }}/a', expect: {status: 201}}"#;
        let check: Check = crate::load::from_str(yaml).unwrap();
        let check = standalone_check(&check);
        let fake = Fake {
            seen: Mutex::new(Vec::new()),
            reply: |_, n| HttpResponse {
                status: if n == 1 { 302 } else { 200 },
                headers: vec![("location".into(), "http://b.test/b".into())],
                body: b"echo s3cret-token".to_vec(),
                truncated: false,
            },
        };
        let result = run_one(&planned(&check), &options(), &fake);
        let seen = fake.seen.lock().unwrap();
        assert_eq!(
            seen[0].headers,
            vec![("x-token".into(), "s3cret-token".into())]
        );
        assert_eq!(
            (seen[1].url.as_str(), seen[1].headers.len()),
            ("http://b.test/b", 0)
        );
        assert_eq!(result.outcome, Outcome::Fail);
        assert_eq!(result.failures[0].actual, "200, body: echo ***");
        assert!(result.command.contains("$TOKEN"));
    }

    #[test]
    fn retries_until_a_pass() {
        let check: Check =
            crate::load::from_str("{curl: 'curl {{ target }}/', expect: {status: 200}}").unwrap();
        let check = standalone_check(&check);
        let fake = Fake {
            seen: Mutex::new(Vec::new()),
            reply: |_, n| HttpResponse {
                status: if n < 3 { 503 } else { 200 },
                ..HttpResponse::default()
            },
        };
        let opts = RunOptions {
            retries: 5,
            ..options()
        };
        let results = run(&[planned(&check)], &opts, &fake, &|_| {});
        assert_eq!(
            (results[0].outcome, results[0].attempts),
            (Outcome::Pass, 3)
        );
    }
}
