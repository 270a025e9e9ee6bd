//! Progress on long runs: on a real terminal (a pty from util-linux `script`, 60 columns wide)
//! `build` of a large book and `check` of more than a handful of checks draw a bar that fits the
//! width; piped, or with `--quiet`, nothing of it reaches the output.

// Only the runbooks of the corpus are used here, not its records.
#[allow(dead_code)]
#[path = "support/corpus.rs"]
mod corpus;
mod support;

use std::process::Command;

use support::{Project, net};

const COLUMNS: usize = 60;

/// Runs `opsbook ARGS` in `project` on a pty `COLUMNS` wide; everything the terminal got.
fn on_a_terminal(project: &Project, args: &[&str]) -> String {
    let words: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_opsbook"))
        .chain(args.iter().copied())
        .map(|w| format!("'{w}'"))
        .collect();
    let inner = format!("stty rows 24 cols {COLUMNS}; {}", words.join(" "));
    let out = Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .current_dir(project.path())
        .env("OPSBOOK_TODAY", support::TODAY)
        .env("NO_COLOR", "1")
        .output()
        .expect("script (util-linux) runs the command on a pty");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The bar's redraws: what follows each carriage return, escape sequences taken out.
fn frames(terminal: &str, unit: &str) -> Vec<String> {
    terminal
        .split('\r')
        .map(|f| f.replace("\x1b[2K", "").replace('\n', ""))
        .filter(|f| f.contains(&format!(" {unit} [")))
        .collect()
}

fn assert_fits(frames: &[String]) {
    for frame in frames {
        let width = frame.chars().count();
        assert!(width <= COLUMNS, "{width} columns: {frame:?}");
    }
}

#[test]
fn build_of_a_large_book_shows_a_bar_that_fits_the_terminal() {
    let project = Project::new();
    corpus::write(220, project.path()).expect("corpus");
    let terminal = on_a_terminal(&project, &["build"]);
    let drawn = frames(&terminal, "runbooks");
    assert!(!drawn.is_empty(), "no bar on a terminal: {terminal:?}");
    assert!(
        drawn.iter().any(|f| f.contains("/220 runbooks [")),
        "{drawn:?}"
    );
    assert_fits(&drawn);
    assert!(
        terminal.contains("built "),
        "the summary follows: {terminal:?}"
    );

    let quiet = on_a_terminal(&project, &["build", "--quiet"]);
    assert!(frames(&quiet, "runbooks").is_empty(), "{quiet:?}");

    let piped = project.run(&["build"]);
    piped.assert_ok();
    assert!(!piped.stderr().contains("runbooks ["), "{}", piped.stderr());
    assert!(!piped.stderr().contains('\r'));
}

#[test]
fn check_of_many_checks_shows_a_bar_that_fits_the_terminal() {
    let addr = net::serve(|mut stream| {
        net::read_head(&stream);
        let _ = std::io::Write::write_all(
            &mut stream,
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
        );
    });
    // Long titles: a line that would not fit is cut, never wrapped.
    let checks: String = (0..8)
        .map(|i| {
            format!(
                "  - id: check-number-{i}-with-a-rather-long-name-that-goes-on\n    curl: curl -s {{{{ target }}}}/n{i}\n    expect: {{ status: 200 }}\n"
            )
        })
        .collect();
    let project = Project::new().runbook(
        "svc",
        &net::runbook(&format!("http://{addr}"), &[], &checks),
    );
    let terminal = on_a_terminal(&project, &["check", "--jobs", "1"]);
    let drawn = frames(&terminal, "checks");
    assert!(!drawn.is_empty(), "no bar on a terminal: {terminal:?}");
    assert!(drawn.iter().any(|f| f.contains("/8 checks [")), "{drawn:?}");
    assert_fits(&drawn);

    let piped = project.run(&["check"]);
    piped.assert_ok();
    assert!(!piped.stderr().contains("checks ["), "{}", piped.stderr());

    // A handful is over before a bar would be read: none.
    let few: String = checks
        .split("  - id:")
        .skip(1)
        .take(3)
        .map(|c| format!("  - id:{c}"))
        .collect();
    let small = Project::new().runbook("svc", &net::runbook(&format!("http://{addr}"), &[], &few));
    let terminal = on_a_terminal(&small, &["check"]);
    assert!(frames(&terminal, "checks").is_empty(), "{terminal:?}");
}
