//! The rule registry: every rule of opsbook (runbooks, `opsbook.yaml`, incident records) in one
//! table, each with its code, kebab-case name, default level, scope and documentation.
//!
//! `opsbook explain`, the README's rule table, the SARIF rule list and `opsbook.yaml`'s per-rule
//! levels all read this table; a diagnostic carries a [`Rule`] value, never a string.

use serde::Serialize;

/// How bad a finding is. Configured per rule in `opsbook.yaml` (`error`, `warn`, `info`, `off`).
///
/// `Info` is something worth knowing that is not wrong (an alert no runbook covers yet): it is
/// shown and counted, but never fails a run, not even with `deny_warnings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Runbook,
    Config,
    Incident,
    /// Prometheus rule files cross-checked with the book (`opsbook alerts lint`).
    AlertRules,
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;
const I: Severity = Severity::Info;

macro_rules! rules {
    ($( $variant:ident $code:literal $name:literal $level:ident $scope:ident $fixed:literal $doc:literal ),* $(,)?) => {
        /// A lint rule.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $( $variant ),* }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant ),* ];

            /// `OB012`.
            pub fn code(self) -> &'static str {
                match self { $( Rule::$variant => $code ),* }
            }

            /// `unknown-check`: what users write in `opsbook.yaml` and see in output.
            pub fn name(self) -> &'static str {
                match self { $( Rule::$variant => $name ),* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( Rule::$variant => $level ),* }
            }

            pub fn scope(self) -> Scope {
                match self { $( Rule::$variant => Scope::$scope ),* }
            }

            /// Rules about reading a file and its structure: their level cannot be changed,
            /// because a file that cannot be read would otherwise vanish from the site silently.
            pub fn is_fixed(self) -> bool {
                match self { $( Rule::$variant => $fixed ),* }
            }

            /// The user documentation: a first line, then why and how to fix it.
            pub fn doc(self) -> &'static str {
                match self { $( Rule::$variant => $doc ),* }
            }
        }
    };
}

rules! {
    InvalidYaml "OB001" "invalid-yaml" E Runbook true "The file is not valid YAML: a tab in the indentation, an unterminated quote, a stray character, or more than one document.\n\nFix the syntax at the place shown. YAML indents with spaces only; a runbook or `opsbook.yaml` is one document, so remove any `---` separating a second one (Prometheus rule files may hold several).",
    UnknownField "OB002" "unknown-field" E Runbook true "A field the runbook schema does not have, usually a misspelling (`sympotms`).\n\nUnknown fields are rejected rather than ignored, so a typo never hides a section from the site. `opsbook schema` lists every field.",
    DuplicateKey "OB003" "duplicate-key" E Runbook true "The same key appears twice in one mapping (also inside `headers`).\n\nMost YAML tools silently keep the last one; opsbook refuses, because one of the two was meant and the other is lost. Keep one.",
    WrongType "OB004" "wrong-type" E Runbook true "A value of the wrong type: a list where text is expected, a word where a number is expected, an unknown severity or risk.\n\nQuote text that YAML would read as something else, and check the value against `opsbook schema`.",
    MissingField "OB005" "missing-field" E Runbook true "A required field is missing. Every runbook needs `title`, `service`, `owner` and `last_reviewed`; every failure mode needs `id`, `title` and `severity`; every check needs one of `curl`, `promql` or `run`; every action needs `id`, `title` and `risk`.",
    InvalidDate "OB006" "invalid-date" E Runbook false "`last_reviewed` is not a real calendar date written `YYYY-MM-DD`.\n\nWrite the date of the last review, for example `2026-10-01`.",
    YamlLimit "OB007" "yaml-limit" E Runbook true "The file breaks one of the loader's limits: nesting deeper than 64 levels, aliases that repeat more than 100,000 values, or a single document over the size limit.\n\nThese limits stop alias bombs and absurd nesting from hanging CI. A real runbook never needs them: write the values out.",
    UnreadableFile "OB008" "unreadable-file" E Runbook true "A file in the runbooks folder cannot be read as a runbook: it is too large, a symbolic link (opsbook never follows links), a pipe or device, unreadable, or its name is not UTF-8.\n\nKeep runbooks as regular UTF-8-named files, copied rather than linked.",
    InvalidUtf8 "OB009" "invalid-utf8" E Runbook true "The file is not valid UTF-8. The position shown is the first byte that is not.\n\nSave the file as UTF-8.",
    InvalidId "OB010" "invalid-id" E Runbook false "An id that cannot become a URL or a file name. Runbook ids come from their paths; every path segment and every `id` in a file matches `^[a-z0-9][a-z0-9-]*$`.\n\nRename the file or the id using lowercase letters, digits and `-`.",
    DuplicateId "OB011" "duplicate-id" E Runbook false "Two things share an id: two checks, two failure modes, two actions of one failure mode, or two runbooks whose ids differ only in case.\n\nIds become URLs that alerts link to; each must name one thing. Rename one of them.",
    UnknownCheck "OB012" "unknown-check" E Runbook false "A failure mode, hypothesis or action refers to a check id that is not defined under `checks:`.\n\nFix the spelling (a suggestion is given when one is close) or define the check.",
    CheckWithoutExpect "OB013" "check-without-expect" E Runbook false "A check has no `expect`, so running it proves nothing.\n\nSay what a healthy answer looks like: `expect: { status: 200 }` at least.",
    InvalidCurl "OB014" "invalid-curl" E Runbook false "A `curl` line opsbook cannot run: a shell operator (`;`, `|`, `&&`, `$(…)`, backticks, redirects), an unsupported or dangerous flag (`-o` to a file, `-K`, `-d @file`, `-T`, `--unix-socket`), a `file://` URL, an unterminated quote, no URL, or more than one URL.\n\nopsbook runs checks itself, never through a shell. Keep one plain request and describe the expected response under `expect`.",
    UndefinedPlaceholder "OB015" "undefined-placeholder" E Runbook false "A `{{ name }}` placeholder that no target defines. `{{ target }}` and `{{ request_id }}` always exist when the runbook has targets; any other name must be a `vars` entry of every target.\n\nAdd the var to each target, or fix the spelling.",
    HardcodedTarget "OB016" "hardcoded-target" W Runbook false "A `curl` line names a host literally instead of `{{ target }}`.\n\nThe same check must run against local, staging and production; `opsbook check` refuses any origin (scheme, host and port) that is not one of `targets` or given with `--allow-host`. Write `{{ target }}/path`.",
    LiteralSecret "OB017" "literal-secret" E Runbook false "A secret written literally in a check: an `Authorization`, `Cookie`, API key or token header, or a `-u user:password`, whose value is not an environment variable.\n\nRunbooks are read by many and land in git. Write `$TOKEN` (or `${TOKEN}`); opsbook reads it from the environment and never prints its value.",
    HighRiskWithoutPlan "OB018" "high-risk-without-plan" E Runbook false "A `risk: high` action without a `hypothesis` or a `verification`.\n\nHigh-risk actions (a manual schema change, a dramatic timeout increase, restarting everything at once) can make an incident worse. Say what you believe and how you will know within minutes whether you were right.",
    ActionWithoutConfirm "OB019" "action-without-confirm" E Runbook false "An action without `confirm` checks.\n\nEvery action ends by confirming recovery. List the checks that show it worked: `confirm: [healthz, hello]` (a PromQL query or a command run by hand counts).",
    NoHypotheses "OB020" "no-hypotheses" E Runbook false "A failure mode without hypotheses.\n\nThe responder's loop is: observe, pick 2 to 3 likely causes, verify. Write the likely causes and how to verify each.",
    TooManyHypotheses "OB021" "too-many-hypotheses" W Runbook false "A failure mode with more hypotheses than `max_hypotheses` of `opsbook.yaml` (5 by default).\n\nPick 2 to 3 likely causes, not 20: a long list slows the responder down. Keep the likeliest, or raise `max_hypotheses` where a service really has more.",
    NoChecks "OB022" "no-checks" E Runbook false "A failure mode without `checks`.\n\nGive the quick checks that answer the first questions: is it up, is it ready, does a request succeed? A PromQL query (`promql:`) or a command run by hand (`run:`) counts.",
    UnsafeLink "OB023" "unsafe-link" E Runbook false "A link whose URL scheme is not `http`, `https` or `mailto`, and that is not relative (for example `javascript:` or `file:`).\n\nLinks are shown to responders; use a web address.",
    StaleReview "OB024" "stale-review" W Runbook false "`last_reviewed` is older than the review period (`review_every_days` of the runbook, or of `opsbook.yaml`, 90 days by default).\n\nRead the runbook against the service as it is today, then update `last_reviewed`.",
    InsecureTls "OB025" "insecure-tls" W Runbook false "A check uses `-k`/`--insecure`. opsbook always verifies TLS and honours `-k` only when `opsbook check --insecure` is given.\n\nFix the certificate, or drop `-k`.",
    NoTargets "OB026" "no-targets" E Runbook false "The runbook has checks but no `targets`, so `{{ target }}` means nothing.\n\nAdd at least one target: `targets: { local: http://127.0.0.1:3000 }`.",
    InvalidConfig "OB027" "invalid-config" E Config true "`opsbook.yaml` is not valid: an unknown field, an unknown rule name under `lint.rules`, an `env` entry that is not a variable name, or a value of the wrong type.\n\nFix it at the place shown.",
    IncidentFrontMatter "OB028" "incident-front-matter" E Incident true "An incident record without valid YAML front matter (`---` … `---` at the top), or with an unknown field in it.\n\n`opsbook incident new` writes a correct one; compare with it.",
    UnknownSeverity "OB029" "unknown-severity" E Incident false "An incident `severity` that is not `sev1`, `sev2`, `sev3` or `sev4`.",
    UnknownRunbook "OB030" "unknown-runbook" E Incident false "An incident names a `runbook` or `failure_mode` that does not exist.\n\nUse the ids from the site's URLs: `runbook: api`, `failure_mode: increased-latency`.",
    InvalidTimestamp "OB031" "invalid-timestamp" E Incident false "An incident timestamp that is not RFC 3339 (`2026-11-26T08:15:00Z`).",
    TimestampsOutOfOrder "OB032" "timestamps-out-of-order" E Incident false "Incident timestamps out of order: it must hold that started ≤ detected ≤ mitigated ≤ resolved.",
    ResolvedWithoutTime "OB033" "resolved-without-time" E Incident false "`status: resolved` without `resolved_at`.",
    UnansweredQuestion "OB034" "unanswered-question" W Incident false "A postmortem question without an answer (the template's placeholder is not an answer). A warning while the incident is open, an error once it is resolved.",
    IncompleteActionItem "OB035" "incomplete-action-item" W Incident false "An action item without an owner or a due date. A warning while the incident is open, an error once it is resolved.",
    IncompleteTimeline "OB036" "incomplete-timeline" W Incident false "A resolved incident whose timeline lacks a start and an end entry (at least two rows). A warning before it is resolved.",
    UnknownStatus "OB037" "unknown-status" E Incident false "An incident `status` that is not `open`, `mitigated` or `resolved`.",
    VarInSingleQuotes "OB038" "var-in-single-quotes" W Runbook false "A `$VAR` inside single quotes in a `curl` line. A shell does not expand variables inside single quotes, and neither does opsbook: the request carries the literal text `$VAR`, and the command copied from the page does the same.\n\nIf the value should come from the environment, use double quotes: `-H \"Authorization: Bearer $TOKEN\"`. If a literal `$` is meant, keep the single quotes and turn this rule off for the runbook's project.",
    InvalidExpect "OB039" "invalid-expect" E Runbook false "An `expect` that can never be checked: a `matches` regex that does not compile, a JSON pointer that does not start with `/`, or a status class that is not `1xx`..`5xx`.\n\nFix the expression at the place shown; `opsbook check` would otherwise fail at 3 a.m. instead of in CI.",
    PlaceholderText "OB040" "placeholder-text" W Runbook false "`TODO`, `FIXME`, `TBD` or `XXX` left in steps, a command, or verify text.\n\nThese texts are what the responder reads at 3 a.m., some of them in the page's \"First safe action\" box. Write the step, or remove it until it is known.",
    InvalidAlert "OB041" "invalid-alert" E Runbook false "An alert in a failure mode's `alerts:` that cannot be used: a name that is not a Prometheus alert name (`^[A-Za-z_][A-Za-z0-9_]*$`, it names the page `book/alerts/<Name>.html`), a `severity` that `severity_map` of `opsbook.yaml` does not map, or the same name and severity twice in one failure mode.\n\nWrite the alert's name exactly as in its rule's `alert:`, and its `severity` label (`warning`, `critical`), or add the label to `severity_map`.",
    InvalidParam "OB042" "invalid-param" E Runbook false "A `params:` name that cannot be an alert label (`^[A-Za-z_][A-Za-z0-9_]*$`), or that is already a placeholder: `target`, `request_id` or a target var.\n\nParams are the alert's labels (`namespace`, `pod`, `instance`) and are filled in by the page's URL, `--param` and the incident record; rename the param or the target var.",
    BrokenRunbookUrl "OB043" "broken-runbook-url" E AlertRules false "An alert rule's `runbook_url` is under the book's `site_url` but names a page the book does not have.\n\nThe responder paged at 3 a.m. would land on a 404. The book's pages are `index.html`, `alerts/index.html`, `alerts/<Alert>.html` for every alert a runbook lists, `<runbook>/index.html`, `<runbook>/<failure-mode>.html` and `incident.html`; the query string and fragment are ignored, and a URL ending in `/` means its `index.html`. Fix the URL (`opsbook alerts urls` prints the right one for every alert a runbook lists), or restore the runbook or failure mode it pointed to.",
    WrongRunbookUrl "OB044" "wrong-runbook-url" W AlertRules false "An alert that a runbook lists has no `runbook_url`, or one that does not lead to its page in the book.\n\nThe alert's page (`alerts/<Alert>.html`), or the page of a failure mode that lists it, is where its responder should land. Set the annotation to the URL given in the help; `opsbook alerts urls` prints it for every alert, with the runbook's params filled from the alert's labels.",
    UnknownAlert "OB045" "unknown-alert" W AlertRules false "A runbook lists an alert that no alert rule file defines: the alert was renamed or deleted.\n\nFix the name (a suggestion is given when one is close), or remove it from the failure mode's `alerts:`. Not reported while a rule file cannot be read completely or an `alert_rules` pattern matches nothing, because the alert may be defined there.",
    AlertWithoutRunbook "OB046" "alert-without-runbook" I AlertRules false "An alert rule that no runbook lists under a failure mode's `alerts:`.\n\nInformation, not a fault: when it fires, its responder has no page of the book to land on. List it under the failure mode it signals (`alerts: [{ name: KubePodCrashLooping }]`), or leave it if it needs no runbook. Info never fails a run.",
    InvalidRuleFile "OB047" "invalid-rule-file" E AlertRules true "A Prometheus rule file opsbook cannot read: a document without a `groups` list (or a `PrometheusRule` without `spec.groups`), a group whose `rules` is not a list, or a rule with neither `alert` nor `record`.\n\nA rule file is `groups: [{name, rules: [{alert, expr, labels, annotations}]}]`, or a `PrometheusRule` manifest (`apiVersion: monitoring.coreos.com/v1`) with those groups under `spec`; several documents may be separated by `---`, and documents of other kinds (a ConfigMap) are skipped. Fix the shape at the place shown; the YAML itself is checked as for runbooks (`invalid-yaml`).",
    AlertCheckIncomplete "OB048" "alert-check-incomplete" W AlertRules false "The alert cross-check could not do all of its work: an `alert_rules` pattern in `opsbook.yaml` matches no file, or `opsbook.yaml` has no usable `site_url`, so `runbook_url` values cannot be checked against the book's pages.\n\nFix the pattern (paths are relative to opsbook.yaml's folder; `*`, `?` and `**` are understood), and set `site_url` to the address the book is published at.",
    InvalidCheck "OB049" "invalid-check" E Runbook false "A check that is not one clear thing: more than one of `curl`, `promql` and `run`; a `promql` query without `prometheus`, or whose `prometheus` names no target var or target; or a field that means nothing for its kind (`look_for` on a check opsbook runs, `status` for a query, `expect` on a command run by hand, `mutating` on a query).\n\nA `curl` check is judged by `status`, `headers` and `body`; a `promql` check by `result`, `value` and `labels`; a `run` command is shown and recorded, with `look_for` saying what to see.",
    InvalidPromql "OB050" "invalid-promql" E Runbook false "A PromQL query whose brackets or quotes do not balance: a `(`, `[` or `{` never closed or closed by the wrong bracket, or a string that never ends.\n\nopsbook checks nothing else of PromQL (Prometheus' own error comes back when the check runs), but this much fails in CI instead of at 3 a.m. Fix the query at the place shown.",
    MutatingCheck "OB051" "mutating-check" E Runbook false "A `curl` check that changes state (any method but GET or HEAD: `-X POST`, `-d`, `--json`) without `mutating: true`.\n\nA pasted admin call must never be sent by a plain `opsbook check`. If the request is meant to change state, say `mutating: true`: the page marks it \"changes state\" and `opsbook check` sends it only with `--allow-mutating`. Otherwise make it a GET.",
    NoExecutableCheck "OB052" "no-executable-check" W Runbook false "A failure mode whose checks are all commands run by hand: nothing about it can be verified by `opsbook check`, so \"confirm recovery\" stays manual.\n\nAdd a `curl` or `promql` check where one can answer the question, or turn the rule off (`lint: { rules: { no-executable-check: off } }`) for books of manual commands.",
    PlusInQuery "OB053" "plus-in-query" W Runbook false "A `+` in the query of a check's URL (or in `-G -d` data). Servers that read a query as a form, Prometheus among them, decode `+` as a space: a PromQL `rate(a[5m])+rate(b[5m])` pasted into a URL becomes a different query, and the check silently answers another question.\n\nPut the value in `-G --data-urlencode 'query=…'`, which sends it encoded as curl does (`+` becomes `%2B`); or write `%2B` for a plus and `%20` for a space.",
    UndeclaredEnv "OB054" "undeclared-env" E Runbook false "A `curl` check reads `$NAME` (or `${NAME}`) from the environment, but `NAME` is not declared in `env:` of `opsbook.yaml` nor given with `opsbook check --env NAME`.\n\nA runbook is code that `opsbook check` runs: in CI, a pull request that adds one could otherwise send any secret of the job (`$GITHUB_TOKEN`) to a host it names. Only declared names are ever read; an undeclared one is not read even when it is set, and its check ends in an error. Declare the variables the book needs, once, in `opsbook.yaml`: `env: [API_TOKEN]`, or pass `--env API_TOKEN` for one run.",
    CredentialsInUrl "OB055" "credentials-in-url" E Runbook false "A user name or password written in a URL (`http://user:pass@host/`), in a `curl` line, a target or a target var.\n\nCredentials in a URL end up in the page, in shell history, in proxy and server logs. opsbook never prints them (they are shown as `***`), but they are in the file for everyone who can read it. Send them with `-u user:$PASSWORD` (declared in `env:` of `opsbook.yaml`), or a header built from a `$VAR`.",
    MissingSection "OB056" "missing-section" E Incident false "A resolved incident record without its `## Summary`, `## Impact` or `## Postmortem` section (deleted, or renamed).\n\nA resolved incident is read later by people who were not there: put the section back (`opsbook incident new` writes them all) and fill it in. Headings are matched regardless of case and of the space after `##`.",
    OverdueActionItem "OB057" "overdue-action-item" W Incident false "An action item whose due date has passed and whose status is not done (`done`, `closed`, `fixed`, `completed`, `resolved`, `cancelled` or `won't fix`, in any case).\n\nAction items are how an incident stops happening again; an overdue one is a promise slipping. Do it and set its status to `done`, or agree a new date and write it in `due`.",
    UnansweredSection "OB058" "unanswered-section" W Incident false "A record whose `## Summary` or `## Impact` is empty or still the template's placeholder. A warning while the incident is open, an error once it is resolved, like an unanswered postmortem question.\n\nThe summary and the impact are what people read first, months later: say in a few lines what happened and who was affected, for how long.",
    EmptyTimelineEvent "OB059" "empty-timeline-event" W Incident false "A timeline row with a time but no event: the record says something happened then, but not what.\n\nWrite what happened in the event column (`rolled back to v41`, `p95 back under 300 ms`), or delete the row. The site's incident form flags such a row as you type.",
}

impl Rule {
    /// Finds a rule by name (`unknown-check`) or code (`OB012`), case-insensitively.
    pub fn find(name_or_code: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| {
            r.name().eq_ignore_ascii_case(name_or_code)
                || r.code().eq_ignore_ascii_case(name_or_code)
        })
    }

    /// The first line of the documentation.
    pub fn summary(self) -> &'static str {
        self.doc().lines().next().unwrap_or("")
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_are_unique_and_kebab_case() {
        let mut names: Vec<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Rule::ALL.len());
        // Codes only grow: a code is never reused, so a removed rule (or one added on another
        // branch) leaves a gap rather than renumbering what users have in their configs.
        let codes: Vec<u32> = Rule::ALL
            .iter()
            .map(|r| {
                r.code()
                    .strip_prefix("OB")
                    .and_then(|n| n.parse().ok())
                    .expect("OBnnn")
            })
            .collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "{codes:?}");
        for r in Rule::ALL {
            assert_eq!(r.code().len(), 5, "{}", r.code());
            assert!(
                r.name()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                r.name()
            );
            assert_eq!(Rule::find(r.name()), Some(*r));
        }
    }
}
