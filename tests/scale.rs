//! Cost that grows linearly: many failure modes in one runbook, many findings in one file, many
//! placeholders in one curl line. The bounds are generous (debug build, a shared machine) but
//! far below what the quadratic versions took; `scripts/bench-scale.sh` measures a release
//! build. Also: a big runbook that uses an alias is not an alias bomb.

#[path = "support/scale.rs"]
mod scale;
mod support;

use std::time::{Duration, Instant};

use support::Project;

fn project(runbook: &str) -> Project {
    Project::new()
        .config("title: Scale\n")
        .runbook("big", runbook)
}

/// Runs `opsbook ARGS` in `project`, returning the run and how long it took.
fn timed(project: &Project, args: &[&str]) -> (support::Run, Duration) {
    let start = Instant::now();
    let run = project.run(args);
    (run, start.elapsed())
}

#[test]
fn five_thousand_failure_modes_build_in_linear_time() {
    let project = project(&scale::failure_modes(5_000));
    let (run, took) = timed(&project, &["build", "--quiet"]);
    run.assert_ok();
    let page = project.read("book/big/fm-4999.html");
    assert!(page.contains("Failure mode 4999"), "the last page is built");
    // Quadratic, this took over 20 s on a release build; linear, about 2 s in release and 12 s in debug.
    assert!(
        took < Duration::from_secs(45),
        "5,000 failure modes took {took:?}"
    );
}

#[test]
fn twenty_thousand_findings_print_as_text_in_linear_time() {
    let project = project(&scale::findings(20_000));
    let (run, took) = timed(&project, &["lint"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let out = run.stdout();
    assert!(
        out.ends_with("1 file: 20000 errors, 0 warnings\n"),
        "{}",
        &out[out.len() - 200..]
    );
    assert!(
        out.contains("--> runbooks/big.yaml:20032:9\n"),
        "the last finding has its line"
    );
    // Quadratic, this took over 30 s on a release build; linear, well under 2 s in debug.
    assert!(
        took < Duration::from_secs(15),
        "20,000 findings took {took:?}"
    );
}

#[test]
fn twenty_thousand_undefined_placeholders_in_one_line_are_placed_in_linear_time() {
    let project = project(&scale::placeholders(20_000));
    let (run, took) = timed(&project, &["lint", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).expect("json");
    let found = json["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(found.len(), 20_000);
    // Each at its own column on line 10: `    curl: curl -i {{ target }}/x/{{ u0 }}`.
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(10), Some(34))
    );
    let last = &found[19_999];
    assert_eq!(last["message"], "placeholder `{{ u19999 }}` is not defined");
    assert!(last["column"].as_u64() > Some(200_000), "{last}");
    assert!(
        took < Duration::from_secs(15),
        "20,000 placeholders took {took:?}"
    );
}

#[test]
fn a_big_runbook_that_uses_an_alias_is_not_an_alias_bomb() {
    // 10,000 failure modes: about 200,000 nodes written out, and one alias.
    let project = project(&scale::failure_modes(10_000));
    let run = project.run(&["lint"]);
    assert!(run.success(), "{run:?}");
}

#[test]
fn an_alias_bomb_is_a_yaml_limit_at_the_alias_that_crosses_it() {
    let bomb = std::fs::read_to_string(Project::fixtures().join("lint/yaml-limit-bomb.yaml"))
        .expect("fixture");
    let run = project(&bomb).run(&["lint", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).expect("json");
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], "yaml-limit");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(8))
    );
    assert_eq!(
        d["message"],
        "the document exceeds the loader's limits: its aliases repeat more than 100,000 values (an alias bomb)"
    );
}
