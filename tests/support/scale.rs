//! Runbooks that are big in one direction, for the scale tests (`tests/scale.rs`) and
//! `scripts/bench-scale.sh` (through `examples/gen_scale.rs`): many failure modes in one file,
//! many findings in one file, many placeholders in one curl line. Deterministic.

use std::fmt::Write as _;

const HEAD: &str = "title: Scale\nservice: scale\nowner: team-scale\nlast_reviewed: 2026-11-20\n\
targets:\n  local: http://127.0.0.1:3000\nchecks:\n  - id: healthz\n    title: Is it up?\n\
\x20   curl: curl -i {{ target }}/healthz\n    expect: { status: 200 }\nfailure_modes:\n";

/// One failure mode, whose `checks:` are `checks` (a flow list's inside).
fn failure_mode(s: &mut String, i: usize, checks: &str) {
    let _ = write!(
        s,
        "  - id: fm-{i}\n    title: Failure mode {i}\n    severity: sev2\n    symptoms: [requests fail]\n\
         \x20   hypotheses:\n      - cause: The process crashed\n        verify: The health check fails.\n\
         \x20   checks: [{checks}]\n    actions:\n      - id: rollback\n        title: Roll back\n\
         \x20       risk: low\n        confirm: [healthz]\n"
    );
}

/// A clean runbook with `n` failure modes (about 20 nodes each) and one alias at the end, so
/// that the alias limit is seen not to count the nodes written out.
pub fn failure_modes(n: usize) -> String {
    let mut s = HEAD.replace("owner: team-scale", "owner: &owner team-scale");
    for i in 0..n {
        failure_mode(&mut s, i, "healthz");
    }
    s.push_str("postmortem:\n  questions: [*owner]\n");
    s
}

/// A runbook with `n` `unknown-check` findings, one per line.
pub fn findings(n: usize) -> String {
    let mut s = HEAD.to_owned();
    failure_mode(&mut s, 0, "healthz");
    s.push_str("  - id: many\n    title: Many\n    severity: sev2\n    symptoms: [x]\n    hypotheses:\n      - { cause: x, verify: y }\n    checks:\n");
    for i in 0..n {
        let _ = writeln!(s, "      - missing-{i:06}");
    }
    s
}

/// A runbook whose one curl line holds `n` undefined placeholders.
pub fn placeholders(n: usize) -> String {
    let mut curl = String::from("curl -i {{ target }}/x");
    for i in 0..n {
        let _ = write!(curl, "/{{{{ u{i} }}}}");
    }
    HEAD.replace("curl -i {{ target }}/healthz", &curl)
        + "  - id: down\n    title: Down\n    severity: sev1\n    symptoms: [x]\n    hypotheses:\n      - { cause: x, verify: y }\n    checks: [healthz]\n    actions:\n      - { id: rollback, title: Roll back, risk: low, confirm: [healthz] }\n"
}
