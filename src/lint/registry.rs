//! The rule registry: every rule's id, kebab-case name, default level and documentation.
//! `opsbook explain RULE` prints the documentation; `opsbook.yaml` sets levels by name.

use crate::diagnostic::Severity;

pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub default: Severity,
    /// Input rules mean the file could not be read as a runbook at all: exit code 2.
    pub input: bool,
    pub doc: &'static str,
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

macro_rules! rules {
    ($( $code:literal $name:literal $level:ident $input:literal $doc:literal ),* $(,)?) => {
        pub static RULES: &[Rule] = &[ $( Rule { code: $code, name: $name, default: $level, input: $input, doc: $doc } ),* ];
    };
}

rules! {
    "OB001" "invalid-yaml" E true "The file is not valid YAML: a tab in the indentation, an unterminated quote, a stray character, or more than one document.\n\nFix the syntax at the place shown. YAML indents with spaces only; a runbook is one document, so remove any `---` separating a second one.",
    "OB002" "unknown-field" E true "A field the runbook schema does not have, usually a misspelling (`sympotms`).\n\nUnknown fields are rejected rather than ignored, so a typo never hides a section from the site. `opsbook schema` lists every field.",
    "OB003" "duplicate-key" E true "The same key appears twice in one mapping (also inside `headers`).\n\nMost YAML tools silently keep the last one; opsbook refuses, because one of the two was meant and the other is lost. Keep one.",
    "OB004" "wrong-type" E true "A value of the wrong type: a list where text is expected, a word where a number is expected, an unknown severity or risk.\n\nQuote text that YAML would read as something else, and check the value against `opsbook schema`.",
    "OB005" "missing-field" E true "A required field is missing. Every runbook needs `title`, `service`, `owner` and `last_reviewed`; every failure mode needs `id`, `title` and `severity`; every check needs `curl`; every action needs `id`, `title` and `risk`.",
    "OB006" "invalid-date" E false "`last_reviewed` is not a real calendar date written `YYYY-MM-DD`.\n\nWrite the date of the last review, for example `2026-10-01`.",
    "OB007" "yaml-limit" E true "The file breaks one of the loader's limits: nesting deeper than 64 levels, aliases that expand the document past 100,000 nodes, or a single document over the size limit.\n\nThese limits stop alias bombs and absurd nesting from hanging CI. A real runbook never needs them: write the values out.",
    "OB008" "unreadable-file" E true "A file in the runbooks folder cannot be read as a runbook: it is too large, a symbolic link (opsbook never follows links), a pipe or device, unreadable, or its name is not UTF-8.\n\nKeep runbooks as regular UTF-8-named files, copied rather than linked.",
    "OB009" "invalid-utf8" E true "The file is not valid UTF-8. The position shown is the first byte that is not.\n\nSave the file as UTF-8.",
    "OB010" "invalid-id" E false "An id that cannot become a URL or a file name. Runbook ids come from their paths; every path segment and every `id` in a file matches `^[a-z0-9][a-z0-9-]*$`.\n\nRename the file or the id using lowercase letters, digits and `-`.",
    "OB011" "duplicate-id" E false "Two things share an id: two checks, two failure modes, two actions of one failure mode, or two runbooks whose ids differ only in case.\n\nIds become URLs that alerts link to; each must name one thing. Rename one of them.",
    "OB012" "unknown-check" E false "A failure mode, hypothesis or action refers to a check id that is not defined under `checks:`.\n\nFix the spelling (a suggestion is given when one is close) or define the check.",
    "OB013" "check-without-expect" E false "A check has no `expect`, so running it proves nothing.\n\nSay what a healthy answer looks like: `expect: { status: 200 }` at least.",
    "OB014" "invalid-curl" E false "A `curl` line opsbook cannot run: a shell operator (`;`, `|`, `&&`, `$(…)`, backticks, redirects), an unsupported or dangerous flag (`-o` to a file, `-K`, `-d @file`, `-T`, `--unix-socket`), a `file://` URL, an unterminated quote, no URL, or more than one URL.\n\nopsbook runs checks itself, never through a shell. Keep one plain request and describe the expected response under `expect`.",
    "OB015" "undefined-placeholder" E false "A `{{ name }}` placeholder that no target defines. `{{ target }}` and `{{ request_id }}` always exist when the runbook has targets; any other name must be a `vars` entry of every target.\n\nAdd the var to each target, or fix the spelling.",
    "OB016" "hardcoded-target" W false "A `curl` line names a host literally instead of `{{ target }}`.\n\nThe same check must run against local, staging and production; `opsbook check` refuses hosts that are not in `targets`. Write `{{ target }}/path`.",
    "OB017" "literal-secret" E false "A secret written literally in a check: an `Authorization`, `Cookie`, API key or token header, or a `-u user:password`, whose value is not an environment variable.\n\nRunbooks are read by many and land in git. Write `$TOKEN` (or `${TOKEN}`); opsbook reads it from the environment and never prints its value.",
    "OB018" "high-risk-without-plan" E false "A `risk: high` action without a `hypothesis` or a `verification`.\n\nHigh-risk actions (a manual schema change, a dramatic timeout increase, restarting everything at once) can make an incident worse. Say what you believe and how you will know within minutes whether you were right.",
    "OB019" "action-without-confirm" E false "An action without `confirm` checks.\n\nEvery action ends by confirming recovery. List the checks that show it worked: `confirm: [healthz, hello]`.",
    "OB020" "no-hypotheses" E false "A failure mode without hypotheses.\n\nThe responder's loop is: observe, pick 2 to 3 likely causes, verify. Write the likely causes and how to verify each.",
    "OB021" "too-many-hypotheses" W false "A failure mode with more than 3 hypotheses.\n\nPick 2 to 3 likely causes, not 20: a long list slows the responder down. Keep the likeliest.",
    "OB022" "no-checks" E false "A failure mode without `checks`.\n\nGive the quick checks that answer the first questions: is it up, is it ready, does a request succeed?",
    "OB023" "unsafe-link" E false "A link whose URL scheme is not `http`, `https` or `mailto`, and that is not relative (for example `javascript:` or `file:`).\n\nLinks are shown to responders; use a web address.",
    "OB024" "stale-review" W false "`last_reviewed` is older than the review period (`review_every_days` of the runbook, or of `opsbook.yaml`, 90 days by default).\n\nRead the runbook against the service as it is today, then update `last_reviewed`.",
    "OB025" "insecure-tls" W false "A check uses `-k`/`--insecure`. opsbook always verifies TLS and honours `-k` only when `opsbook check --insecure` is given.\n\nFix the certificate, or drop `-k`.",
    "OB026" "no-targets" E false "The runbook has checks but no `targets`, so `{{ target }}` means nothing.\n\nAdd at least one target: `targets: { local: http://127.0.0.1:3000 }`.",
    "OB027" "invalid-config" E true "`opsbook.yaml` is not valid: an unknown field, an unknown rule name under `lint.rules`, or a value of the wrong type.\n\nFix it at the place shown.",
    "OB028" "incident-front-matter" E true "An incident record without valid YAML front matter (`---` … `---` at the top), or with an unknown field in it.\n\n`opsbook incident new` writes a correct one; compare with it.",
    "OB029" "unknown-severity" E false "An incident `severity` that is not `sev1`, `sev2`, `sev3` or `sev4`.",
    "OB030" "unknown-runbook" E false "An incident names a `runbook` or `failure_mode` that does not exist.\n\nUse the ids from the site's URLs: `runbook: api`, `failure_mode: increased-latency`.",
    "OB031" "invalid-timestamp" E false "An incident timestamp that is not RFC 3339 (`2026-11-26T08:15:00Z`).",
    "OB032" "timestamps-out-of-order" E false "Incident timestamps out of order: it must hold that started ≤ detected ≤ mitigated ≤ resolved.",
    "OB033" "resolved-without-time" E false "`status: resolved` without `resolved_at`.",
    "OB034" "unanswered-question" W false "A postmortem question without an answer (the template's placeholder is not an answer). A warning while the incident is open, an error once it is resolved.",
    "OB035" "incomplete-action-item" W false "An action item without an owner or a due date. A warning while the incident is open, an error once it is resolved.",
    "OB036" "incomplete-timeline" W false "A resolved incident whose timeline lacks a start and an end entry (at least two rows). A warning before it is resolved.",
    "OB037" "unknown-status" E false "An incident `status` that is not `open`, `mitigated` or `resolved`.",
}

/// Finds a rule by name (`unknown-check`) or code (`OB012`), case-insensitively.
pub fn find(name_or_code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| {
        r.name.eq_ignore_ascii_case(name_or_code) || r.code.eq_ignore_ascii_case(name_or_code)
    })
}

pub fn default_severity(name: &str) -> Severity {
    find(name).map_or(Severity::Error, |r| r.default)
}

pub fn is_input(name: &str) -> bool {
    find(name).is_some_and(|r| r.input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_are_unique_and_kebab_case() {
        let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), RULES.len());
        for r in RULES {
            assert!(
                r.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                r.name
            );
        }
    }
}
