//! Terminal safety: file names, runbook text and server answers reach the text and GitHub
//! outputs with control, bidi and zero-width characters escaped, so a file name cannot forge a
//! workflow command line and a server cannot rewrite the terminal.

mod support;

use support::Project;
use support::net::{respond, runbook};

/// A runbook whose one finding is an unknown check id, written with `id` as the id.
fn unknown_check(id: &str) -> String {
    format!(
        "title: Fixture\nservice: fixture\nowner: team\nlast_reviewed: 2026-11-20\n\
         targets:\n  local: http://127.0.0.1:3000\nchecks:\n  - id: healthz\n    title: Up?\n\
         \x20   curl: curl -i {{{{ target }}}}/healthz\n    expect: {{ status: 200 }}\n\
         failure_modes:\n  - id: down\n    title: Down\n    severity: sev1\n\
         \x20   symptoms: [all requests fail]\n    hypotheses:\n\
         \x20     - {{ cause: crashed, verify: health fails }}\n\
         \x20     - {{ cause: unbalanced, verify: health passes directly }}\n\
         \x20   checks: [\"{id}\"]\n    actions:\n\
         \x20     - {{ id: rollback, title: Roll back, risk: low, confirm: [healthz] }}\n"
    )
}

const FORGED: &str = "evil\n::error file=ok.yaml,line=1::forged";

fn newline_named_project() -> Project {
    Project::new()
        .config("title: t\n")
        .file(&format!("runbooks/{FORGED}.yaml"), unknown_check("helthz"))
}

#[test]
fn a_file_name_with_a_newline_cannot_start_a_line_in_text_output() {
    let run = newline_named_project().run(&["lint"]);
    let out = run.stdout();
    assert_eq!(run.code(), 1, "{run:?}");
    assert!(out.contains("unknown-check"), "{out}");
    assert!(
        !out.lines().any(|l| l.trim_start().starts_with("::")),
        "a line starts with `::`:\n{out}"
    );
    assert!(
        out.contains("runbooks/evil\\n::error file=ok.yaml,line=1::forged.yaml"),
        "{out}"
    );
}

#[test]
fn a_file_name_with_a_newline_stays_in_its_github_annotation() {
    let run = newline_named_project().run(&["lint", "--format", "github"]);
    let out = run.stdout();
    let lines: Vec<&str> = out.lines().collect();
    // Two findings (the id from the path is invalid too), each one workflow command whose
    // `file` property holds the whole name.
    assert_eq!(lines.len(), 2, "one workflow command per finding:\n{out}");
    for line in lines {
        assert!(
            line.starts_with(
                "::error file=runbooks/evil%0A%3A%3Aerror file=ok.yaml%2Cline=1%3A%3Aforged.yaml,line="
            ),
            "{out}"
        );
    }
}

#[test]
fn bidi_and_zero_width_characters_in_runbook_text_are_escaped() {
    // The id is echoed in the message; the snippet shows the line it is written on.
    let project = Project::new()
        .config("title: t\n")
        .runbook("api", &unknown_check("ok\u{202e}kcehc\u{200b}"));
    let out = project.run(&["lint"]).stdout();
    assert!(
        out.contains("check `ok\\u{202e}kcehc\\u{200b}` is not defined"),
        "{out}"
    );
    for raw in ['\u{202e}', '\u{200b}'] {
        assert!(!out.contains(raw), "{raw:?} reached the output:\n{out}");
    }
    let github = project.run(&["lint", "--format", "github"]).stdout();
    assert!(!github.contains('\u{202e}'), "{github}");
}

#[test]
fn a_servers_body_reaches_check_text_output_escaped() {
    let server = respond(
        b"HTTP/1.1 200 OK\r\nContent-Length: 24\r\n\r\nok\xe2\x80\xae evil\xe2\x80\x8b \x1b[2J\r\nnext",
    );
    let checks = "  - id: body\n    curl: curl {{ target }}/\n    expect: { body: { contains: expected } }\n";
    let project = Project::new()
        .config("title: t\n")
        .runbook("api", &runbook(&format!("http://{server}"), &[], checks));
    let run = project.run(&["check", "api"]);
    let out = run.stdout();
    assert_eq!(run.code(), 1, "{run:?}");
    assert!(out.contains("ok\\u{202e} evil\\u{200b}"), "{out}");
    for raw in ['\u{202e}', '\u{200b}', '\u{1b}', '\r'] {
        assert!(!out.contains(raw), "{raw:?} reached the output:\n{out}");
    }
}
