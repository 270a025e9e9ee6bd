//! `opsbook man --out DIR`: one page per command and subcommand, from the clap definitions, each
//! a roff page that names its command and documents its options.

mod support;

use support::Project;

/// The subcommands `opsbook ARGS --help` lists (without `help`).
fn subcommands(args: &[&str]) -> Vec<String> {
    let mut all = args.to_vec();
    all.push("--help");
    let help = Project::repo().run(&all).stdout();
    help.split("Commands:\n")
        .nth(1)
        .map(|rest| {
            rest.lines()
                .take_while(|l| l.starts_with("  "))
                .filter_map(|l| l.split_whitespace().next())
                .filter(|name| *name != "help")
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Every command path: `[]`, `["lint"]`, `["incident", "new"]`, …
fn commands(prefix: Vec<String>) -> Vec<Vec<String>> {
    let args: Vec<&str> = prefix.iter().map(String::as_str).collect();
    let mut all = vec![prefix.clone()];
    for sub in subcommands(&args) {
        let mut path = prefix.clone();
        path.push(sub);
        all.extend(commands(path));
    }
    all
}

#[test]
fn man_writes_one_page_per_command() {
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("man/man1");
    let run = Project::repo().run(&["man", "--out", dir.to_str().expect("utf-8")]);
    run.assert_ok();
    let commands = commands(Vec::new());
    assert!(commands.len() >= 15, "{commands:?}");
    let mut expected: Vec<String> = commands
        .iter()
        .map(|path| {
            let mut name = vec!["opsbook".to_owned()];
            name.extend(path.iter().cloned());
            format!("{}.1", name.join("-"))
        })
        .collect();
    expected.sort();
    let mut written: Vec<String> = std::fs::read_dir(&dir)
        .expect("the folder was created")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, expected);
    assert!(
        run.stdout()
            .contains(&format!("wrote {} man pages", expected.len())),
        "{}",
        run.stdout()
    );

    let check = std::fs::read_to_string(dir.join("opsbook-check.1")).expect("page");
    let version = env!("CARGO_PKG_VERSION");
    let title = format!(".TH opsbook-check 1  \"opsbook {version}\" \"opsbook manual\"");
    assert!(check.contains(&title), "{check}");
    assert!(check.contains("until\\-pass"), "the options are documented");
    let top = std::fs::read_to_string(dir.join("opsbook.1")).expect("page");
    assert!(
        top.contains("opsbook\\-incident(1)"),
        "subcommands are listed: {top}"
    );
    // Run again: pages are replaced, not refused.
    Project::repo()
        .run(&["man", "--out", dir.to_str().expect("utf-8")])
        .assert_ok();
}
