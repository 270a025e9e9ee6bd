//! Executable checks: the curl parser, the plan (which checks, against which target), the
//! runner and its HTTP transport, expectations, secret masking, and the result values that the
//! presenters show.
//!
//! plan → prepare (substitute, allow-list) → send (redirects) → expect → masked `CheckResult`.

mod agents;
pub mod expect;
pub mod http;
pub mod origin;
pub mod plan;
pub mod prepare;
pub mod promql;
mod redirect;
pub mod request_id;
mod resolver;
pub mod run;
pub mod secrets;
pub mod tls;
mod unescape;

pub use plan::{PlannedCheck, Selection, plan};
pub use run::{RunOptions, run};

/// How a check ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every expectation held.
    Pass,
    /// A response came back and an expectation did not hold.
    Fail,
    /// No response to judge: the check could not be prepared or sent.
    Error,
    /// A command run by hand: shown, never executed; neither pass nor fail.
    Manual,
    /// A check that changes state, not sent without `--allow-mutating`.
    Skipped,
}

impl Outcome {
    /// `PASS`, `FAIL` or `ERROR`: how text output and incident timelines name it.
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Error => "ERROR",
            Outcome::Manual => "MANUAL",
            Outcome::Skipped => "SKIP",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Error => "error",
            Outcome::Manual => "manual",
            Outcome::Skipped => "skipped",
        }
    }

    /// Failed or errored: what `--until-pass` and `--retries` run again and what fails a run.
    pub fn is_bad(self) -> bool {
        matches!(self, Outcome::Fail | Outcome::Error)
    }
}

/// One expectation that did not hold: what was expected and what came back.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// `status`, `header x-request-id`, `body json /data/0`, `max_time_ms`.
    pub expectation: String,
    pub expected: String,
    pub actual: String,
}

/// The result of one check run. Every string in it has been through the check's masker.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckResult {
    pub runbook: String,
    pub id: String,
    pub title: String,
    pub outcome: Outcome,
    pub status: Option<u16>,
    pub time_ms: u64,
    pub request_id: String,
    /// The command as written, placeholders substituted, `$VAR`s left as they are.
    pub command: String,
    pub failures: Vec<Failure>,
    pub error: Option<String>,
    /// Why a check was not run (skipped), or what to look for (manual).
    pub note: Option<String>,
    /// The body was longer than the 1 MiB that is read.
    pub truncated: bool,
    /// How many times it ran (retries and `--until-pass` rounds).
    pub attempts: u32,
}

impl CheckResult {
    /// `runbook#check-id`.
    pub fn name(&self) -> String {
        format!("{}#{}", self.runbook, self.id)
    }
}

/// Counts per outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub manual: usize,
    pub skipped: usize,
}

impl Summary {
    pub fn of(results: &[CheckResult]) -> Summary {
        let mut s = Summary::default();
        for r in results {
            match r.outcome {
                Outcome::Pass => s.passed += 1,
                Outcome::Fail => s.failed += 1,
                Outcome::Error => s.errors += 1,
                Outcome::Manual => s.manual += 1,
                Outcome::Skipped => s.skipped += 1,
            }
        }
        s
    }

    pub fn all_passed(&self) -> bool {
        self.failed == 0 && self.errors == 0
    }
}
