//! The synthetic corpus of the benchmarks and of the large-book tests: N runbooks (3 failure
//! modes each) in folders of 50, with realistic text lengths, 2 alerts per runbook (every 10th
//! runbook also lists the shared `KubePodCrashLooping`, whose page then lists several failure
//! modes) and the params an alert's labels fill. Deterministic: the same N gives the same files.
//! Used by `examples/gen_corpus.rs` (the bench scripts) and `tests/large_book.rs`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const WORDS: &[&str] = &[
    "latency",
    "pool",
    "saturation",
    "timeout",
    "database",
    "lock",
    "contention",
    "rollout",
    "readiness",
    "shutdown",
    "migration",
    "schema",
    "downstream",
    "retry",
    "queue",
    "backpressure",
    "cache",
    "replica",
    "connection",
    "error",
    "deploy",
    "feature",
    "flag",
    "concurrency",
    "request",
    "trace",
    "span",
    "histogram",
];

fn words(seed: usize, n: usize) -> String {
    (0..n)
        .map(|i| WORDS[(seed * 7 + i * 13) % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn runbook(i: usize) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "title: Service {i} ({})\nservice: svc-{}\nowner: team-{}\nlast_reviewed: 2026-11-01\ntags: [http, rust, t{}]\nsummary: |\n  {}.\n  Depends on `postgres` and the {} service.\nlinks:\n  - {{ title: Dashboard, url: \"https://grafana.example.com/d/{i}\" }}\nparams:\n  namespace: {{ description: Kubernetes namespace, default: default }}\n  pod: {{ description: The pod the alert fired for }}\ntargets:\n  local:\n    url: http://127.0.0.1:3000\n    vars: {{ prometheus: \"http://127.0.0.1:3000/prom\" }}\n  staging:\n    url: https://svc-{i}.staging.example.com\n    vars: {{ prometheus: \"https://prom.staging.example.com\" }}\nchecks:\n",
        words(i, 3),
        i / 2,
        i % 40,
        i % 10,
        words(i + 1, 30),
        words(i + 2, 1)
    );
    for check in ["healthz", "readyz"] {
        let _ = write!(
            s,
            "  - id: {check}\n    title: Is it {check}?\n    curl: curl -i {{{{ target }}}}/{check}\n    expect: {{ status: 200 }}\n"
        );
    }
    s.push_str("  - id: hello\n    title: Does a request succeed with its id echoed?\n    curl: 'curl -i -H \"x-request-id: {{ request_id }}\" {{ target }}/hello'\n    expect:\n      status: 200\n      headers: { x-request-id: \"{{ request_id }}\" }\n      max_time_ms: 500\n");
    s.push_str("  - id: errors\n    title: Error ratio\n    curl: curl -s '{{ prometheus }}/api/v1/query?query=error_ratio'\n    expect:\n      body: { json: { \"/data/result/0/value/1\": { lt: 0.01 } } }\nfailure_modes:\n");
    for (n, fm) in ["increased-latency", "error-spike", "rollout-instability"]
        .iter()
        .enumerate()
    {
        let seed = i * 3 + n;
        let _ = write!(
            s,
            "  - id: {fm}\n    title: {} {}\n    severity: sev{}\n{}    impact: {}.\n    escalation: Page team-{}'s secondary.\n    symptoms: [{}, {}]\n    signals:\n      metrics: {}\n      tracing: {}\n      logs: {}\n    hypotheses:\n",
            fm.replace('-', " "),
            words(seed, 2),
            n + 1,
            alerts(i, n),
            words(seed + 5, 12),
            i % 40,
            words(seed, 5),
            words(seed + 1, 4),
            words(seed + 2, 8),
            words(seed + 3, 8),
            words(seed + 4, 8)
        );
        for h in 0..3 {
            let _ = write!(
                s,
                "      - cause: {}\n        verify: {}.\n        checks: [hello]\n",
                words(seed + h, 5),
                words(seed + h + 5, 18)
            );
        }
        let _ = write!(
            s,
            "    checks: [healthz, readyz, hello]\n    actions:\n      - id: rollback\n        title: Roll back the last deploy\n        risk: low\n        when: {}.\n        steps: |\n          `kubectl -n {{{{ namespace }}}} rollout undo deploy/svc-{i}`\n\n          {}.\n        confirm: [healthz, hello]\n      - id: raise-timeouts\n        title: Raise timeouts\n        risk: high\n        when: {}.\n        hypothesis: {}.\n        verification: {}.\n        steps: {}.\n        confirm: [hello, errors]\n",
            words(seed, 6),
            words(seed + 9, 20),
            words(seed + 1, 6),
            words(seed + 2, 10),
            words(seed + 3, 10),
            words(seed + 4, 12)
        );
    }
    s.push_str("postmortem:\n  questions: [\"Was this load-tested?\"]\n");
    s
}

/// The `alerts:` of failure mode `n` of runbook `i`: one of its own for the first two failure
/// modes (1,000 alerts over 500 runbooks), and the shared one on every 10th runbook's third.
fn alerts(i: usize, n: usize) -> String {
    match n {
        0 => format!("    alerts: [{{ name: Svc{i}HighLatency, severity: warning }}]\n"),
        1 => format!("    alerts: [{{ name: Svc{i}ErrorBudgetBurn, severity: critical }}]\n"),
        _ if i.is_multiple_of(10) => {
            "    alerts: [{ name: KubePodCrashLooping, severity: warning }]\n".to_owned()
        }
        _ => String::new(),
    }
}

/// Writes `dir/opsbook.yaml` and `n` runbooks under `dir/runbooks/`.
pub fn write(n: usize, dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(
        dir.join("opsbook.yaml"),
        "title: Benchmark corpus\nrunbooks: runbooks\nsite_url: https://runbooks.example.com/\n",
    )?;
    for i in 0..n {
        let folder = dir.join("runbooks").join(format!("group-{:03}", i / 50));
        fs::create_dir_all(&folder)?;
        fs::write(folder.join(format!("service-{i:05}.yaml")), runbook(i))?;
    }
    Ok(())
}

/// Writes `m` incident records under `dir/incidents/`, spread over the failure modes of the
/// `n` runbooks of [`write`]: each with a timeline, hypotheses ticked and struck (the
/// runbook's own causes), actions taken, answered postmortem questions and action items, one
/// record in five still open. For the workbook benchmark (`scripts/bench-workbook.sh`).
pub fn write_records(m: usize, n: usize, dir: &Path) -> std::io::Result<()> {
    let folder = dir.join("incidents");
    fs::create_dir_all(&folder)?;
    let modes = ["increased-latency", "error-spike", "rollout-instability"];
    for r in 0..m {
        let i = (r * 7) % n.max(1);
        let k = r % modes.len();
        let day = 1 + r % 28;
        let name = format!("2026-{:02}-{day:02}-incident-{r:05}.md", 1 + r % 11);
        fs::write(folder.join(name), record(r, i, k, modes[k], day))?;
    }
    Ok(())
}

fn record(r: usize, i: usize, k: usize, mode: &str, day: usize) -> String {
    let seed = i * 3 + k;
    let month = 1 + r % 11;
    let open = r.is_multiple_of(5);
    let (status, resolved) = if open {
        ("open", String::new())
    } else {
        ("resolved", format!(" 2026-{month:02}-{day:02}T10:30:00Z"))
    };
    let mut s = format!(
        "---\ntitle: \"{} on svc-{i}\"\nseverity: sev{}\nstatus: {status}\nrunbook: group-{:03}/service-{i:05}\nfailure_mode: {mode}\nstarted_at: 2026-{month:02}-{day:02}T09:00:00Z\ndetected_at: 2026-{month:02}-{day:02}T09:04:00Z\nmitigated_at: 2026-{month:02}-{day:02}T09:{:02}:00Z\nresolved_at:{resolved}\ncommander: oncall-{}\nrequest_ids: [ob-20260101T090000Z-abcdef-{r:04}]\n---\n\n",
        words(r, 3),
        1 + r % 4,
        i / 50,
        10 + r % 40,
        r % 12
    );
    let _ = write!(
        s,
        "# Incident {r}\n\n## Summary\n\n{}.\n\n## Impact\n\n{}.\n\n## Timeline\n\n| time (UTC) | event |\n|---|---|\n| 09:00 | Deploy rolled out |\n| 09:04 | Alert fired |\n| 09:20 | Rolled back |\n| 10:30 | Resolved |\n\n## Hypotheses\n\n",
        words(r + 1, 25),
        words(r + 2, 15)
    );
    for h in 0..3 {
        let cause = words(seed + h, 5);
        let line = match (h + r) % 3 {
            0 => format!("- [x] {cause}. Verify: {}\n", words(seed + h + 5, 18)),
            1 => format!("- [ ] ~~{cause}~~\n"),
            _ => format!("- [ ] {cause}\n"),
        };
        s.push_str(&line);
    }
    let _ = write!(
        s,
        "\n## Actions taken\n\n| action | risk | taken at | result |\n|---|---|---|---|\n| Raise timeouts (`raise-timeouts`) | high | 09:05 | no change |\n| Roll back the last deploy (`rollback`) | low | 09:{:02} | recovered |\n\n## Postmortem\n\n",
        // A minute before `mitigated_at`: the roll back is what mitigated.
        9 + r % 40
    );
    for q in [
        "What was the trigger?",
        "What signals detected it first?",
        "What was the fastest safe mitigation?",
        "What single change would prevent recurrence?",
        "Was this load-tested?",
    ] {
        let _ = write!(s, "### {q}\n\n{}.\n\n", words(r + q.len(), 20));
    }
    let _ = write!(
        s,
        "## Action items\n\n| item | owner | due | status |\n|---|---|---|---|\n| {} | team-{} | 2026-12-{:02} | {} |\n| {} | team-{} | 2026-10-{:02} | done |\n",
        words(r + 3, 6),
        i % 40,
        1 + r % 28,
        if open { "open" } else { "in progress" },
        words(r + 4, 6),
        (i + 1) % 40,
        1 + r % 28
    );
    s
}
