//! opsbook in the team's tools, run for real: the release workflow and the README's Action
//! workflow pass `actionlint` (which also checks the inputs given to the local action against
//! `action.yml`); the pre-commit hooks run through `pre-commit try-repo` on a scratch git
//! project; the release archive is packaged by `scripts/release/package.sh` and installed by the
//! Action's `scripts/action/install.sh` from a loopback server, checksum verified; the Action's
//! `scripts/action/run.sh` turns findings into annotations and SARIF.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::Project;
use support::python::tool;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder of the opsbook binary under test, first on a PATH for scripts and hooks.
fn path_with_opsbook() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_opsbook"))
        .parent()
        .expect("bin folder")
        .to_owned();
    let rest = std::env::var("PATH").unwrap_or_default();
    format!("{}:{rest}", bin.display())
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn copy(from: &Path, to: &Path) {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
}

/// The README's workflow that uses the Action (the block starting with its file name).
fn readme_workflow() -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README");
    readme
        .split("```yaml\n")
        .filter_map(|block| block.split("\n```").next())
        .find(|block| block.starts_with("# .github/workflows/opsbook.yml"))
        .expect("the README shows .github/workflows/opsbook.yml")
        .to_owned()
}

/// A scratch repository holding the Action (`action.yml` and its scripts), the release
/// workflow, and `workflow` as `.github/workflows/opsbook.yml`, its `uses:` of the published
/// action pointed at this checkout so actionlint reads `action.yml`.
fn actionlint_project(workflow: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).expect("a .git folder marks the project root");
    copy(&repo().join("action.yml"), &root.join("action.yml"));
    for script in ["install.sh", "run.sh"] {
        let rel = format!("scripts/action/{script}");
        copy(&repo().join(&rel), &root.join(&rel));
    }
    copy(
        &repo().join(".github/workflows/release.yml"),
        &root.join(".github/workflows/release.yml"),
    );
    let local = workflow.replace("uses: opsbook/opsbook@", "uses: ./#");
    let local: String = local
        .lines()
        .map(|l| match l.split_once("uses: ./#") {
            Some((indent, _)) => format!("{indent}uses: ./\n"),
            None => format!("{l}\n"),
        })
        .collect();
    std::fs::write(root.join(".github/workflows/opsbook.yml"), local).expect("write");
    dir
}

fn actionlint(actionlint: &Path, project: &Path) -> Output {
    // The workflows' `run:` scripts go through shellcheck too (installed beside actionlint).
    let shellcheck = actionlint.with_file_name("shellcheck");
    Command::new(actionlint)
        .args(["-no-color", "-pyflakes="])
        .arg(format!("-shellcheck={}", shellcheck.display()))
        .current_dir(project)
        .output()
        .expect("run actionlint")
}

/// A runbook with one finding, a misspelt field on line 5 (`unknown-field`), for the hooks and
/// the Action to report.
const BROKEN_RUNBOOK: &str =
    "title: t\nservice: s\nowner: o\nlast_reviewed: 2026-11-01\nsympotms: []\n";

#[test]
fn actionlint_passes_on_the_release_workflow_and_the_readmes_action_workflow() {
    let Some(actionlint_bin) = tool("actionlint") else {
        return;
    };
    let workflow = readme_workflow();
    assert!(workflow.contains("uses: opsbook/opsbook@"), "{workflow}");
    assert!(workflow.contains("sarif:"), "{workflow}");
    assert!(workflow.contains("github/codeql-action/upload-sarif@"));
    let project = actionlint_project(&workflow);
    let out = actionlint(&actionlint_bin, project.path());
    assert!(out.status.success(), "{}", text(&out));

    // The same check fails on an input action.yml does not declare: the test can fail.
    let wrong = workflow.replace("sarif:", "sarif_path:");
    let project = actionlint_project(&wrong);
    let out = actionlint(&actionlint_bin, project.path());
    assert!(!out.status.success());
    assert!(text(&out).contains("sarif_path"), "{}", text(&out));
}

#[test]
fn shellcheck_passes_on_the_actions_and_the_releases_scripts() {
    let Some(shellcheck) = tool("shellcheck") else {
        return;
    };
    let scripts = [
        "scripts/action/install.sh",
        "scripts/action/run.sh",
        "scripts/release/package.sh",
    ];
    let out = Command::new(shellcheck)
        .args(scripts)
        .current_dir(repo())
        .output()
        .expect("shellcheck");
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn the_action_declares_its_inputs_and_runs_its_scripts() {
    let action: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(repo().join("action.yml")).expect("read"))
            .expect("action.yml is YAML");
    assert_eq!(action["runs"]["using"], "composite");
    assert_eq!(action["inputs"]["args"]["default"], "lint");
    assert_eq!(action["inputs"]["version"]["default"], "latest");
    assert!(action["inputs"]["sarif"].is_object());
    let steps = action["runs"]["steps"].as_array().expect("steps");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    for script in ["scripts/action/install.sh", "scripts/action/run.sh"] {
        assert!(runs.iter().any(|r| r.contains(script)), "{runs:?}");
        assert!(repo().join(script).is_file(), "{script}");
    }
}

/// A git repository holding the project's `.pre-commit-hooks.yaml`, committed (try-repo reads
/// a repository's committed state).
fn hook_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy(
        &repo().join(".pre-commit-hooks.yaml"),
        &dir.path().join(".pre-commit-hooks.yaml"),
    );
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "hooks"]);
    dir
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}: {}", text(&out));
}

fn try_repo(pre_commit: &Path, hooks: &Path, project: &Project, hook: &str) -> Output {
    git(project.path(), &["add", "-A"]);
    Command::new(pre_commit)
        .args([
            "try-repo",
            hooks.to_str().expect("utf-8"),
            hook,
            "--all-files",
        ])
        .current_dir(project.path())
        .env("PATH", path_with_opsbook())
        .env("PRE_COMMIT_HOME", project.beside("pre-commit-home"))
        .env("OPSBOOK_TODAY", support::TODAY)
        .env("NO_COLOR", "1")
        .output()
        .expect("run pre-commit")
}

#[test]
fn pre_commit_try_repo_runs_both_hooks() {
    let Some(pre_commit) = tool("pre-commit") else {
        return;
    };
    let hooks = hook_repo();
    let project = Project::new();
    project.run(&["init"]).assert_ok();
    git(project.path(), &["init", "-q"]);

    let lint = try_repo(&pre_commit, hooks.path(), &project, "opsbook-lint");
    assert!(lint.status.success(), "{}", text(&lint));
    assert!(text(&lint).contains("opsbook lint"), "{}", text(&lint));

    project.write("runbooks/broken.yaml", BROKEN_RUNBOOK);
    let lint = try_repo(&pre_commit, hooks.path(), &project, "opsbook-lint");
    assert!(!lint.status.success(), "{}", text(&lint));
    assert!(
        text(&lint).contains("runbooks/broken.yaml:5:1"),
        "{}",
        text(&lint)
    );
    std::fs::remove_file(project.join("runbooks/broken.yaml")).expect("rm");

    // No record yet: the incident hook has nothing to check.
    let none = try_repo(&pre_commit, hooks.path(), &project, "opsbook-incident-lint");
    assert!(none.status.success(), "{}", text(&none));
    assert!(text(&none).contains("no files to check"), "{}", text(&none));

    let incidents = project.join("incidents");
    let args = [
        "incident",
        "new",
        "example#increased-latency",
        "--title",
        "slow",
        "--started-at",
        "2026-11-26T08:00:00Z",
        "--dir",
        incidents.to_str().expect("utf-8"),
    ];
    project.run(&args).assert_ok();
    project.write("incidents/README.md", "# Our incidents\n\nNot a record.\n");
    let record = try_repo(&pre_commit, hooks.path(), &project, "opsbook-incident-lint");
    assert!(record.status.success(), "{}", text(&record));

    project.write(
        "incidents/2026-11-20-bad.md",
        "---\ntitle: bad\nseverity: sev9\nstatus: open\nrunbook: example\nfailure_mode: increased-latency\nstarted_at: 2026-11-20T08:00:00Z\n---\n",
    );
    let bad = try_repo(&pre_commit, hooks.path(), &project, "opsbook-incident-lint");
    assert!(!bad.status.success(), "{}", text(&bad));
    assert!(
        text(&bad).contains("incidents/2026-11-20-bad.md:3:11"),
        "{}",
        text(&bad)
    );
}

/// Runs `scripts/action/run.sh` in `project` with `env`, opsbook on PATH.
fn action_run(project: &Project, env: &[(&str, &str)]) -> Output {
    Command::new(repo().join("scripts/action/run.sh"))
        .current_dir(project.path())
        .env("PATH", path_with_opsbook())
        .env("OPSBOOK_TODAY", support::TODAY)
        .envs(env.iter().copied())
        .output()
        .expect("run.sh")
}

#[test]
fn the_actions_run_step_annotates_findings_and_writes_sarif() {
    let project = Project::new();
    project.run(&["init"]).assert_ok();
    let clean = action_run(&project, &[]);
    assert!(clean.status.success(), "{}", text(&clean));
    assert!(text(&clean).contains("+ opsbook lint --format github"));

    project.write("runbooks/broken.yaml", BROKEN_RUNBOOK);
    let workspace = project.path().to_str().expect("utf-8");
    let out = action_run(
        &project,
        &[
            ("OPSBOOK_ARGS", "lint"),
            ("OPSBOOK_SARIF", "reports/opsbook.sarif"),
            ("GITHUB_WORKSPACE", workspace),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("::error file=runbooks/broken.yaml,line=5,col=1"),
        "{said}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&project.read("reports/opsbook.sarif")).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif.to_string().contains("unknown-field"),
        "the finding is in the SARIF"
    );

    // A project in a subfolder: annotations and SARIF name files from the repository's root.
    let repository = Project::new();
    repository.write("ops/keep", "");
    let ops = Project::at(repository.join("ops"));
    ops.run(&["init", "-q"]).assert_ok();
    repository.write("ops/runbooks/broken.yaml", BROKEN_RUNBOOK);
    let root = repository.path().to_str().expect("utf-8");
    let out = action_run(
        &repository,
        &[
            ("OPSBOOK_PROJECT", "ops"),
            ("OPSBOOK_SARIF", "opsbook.sarif"),
            ("GITHUB_WORKSPACE", root),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("::error file=ops/runbooks/broken.yaml,line=5,col=1"),
        "{}",
        text(&out)
    );
    assert!(
        repository
            .read("opsbook.sarif")
            .contains("\"ops/runbooks/broken.yaml\""),
        "SARIF names the file from the repository's root"
    );

    // A SARIF path with another command is refused, not ignored.
    let out = action_run(
        &project,
        &[("OPSBOOK_ARGS", "check"), ("OPSBOOK_SARIF", "x.sarif")],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("::error::the sarif input needs the lint command"));
}

/// Packages the binary under test as a release of `version` for `target` into `out`.
fn package(target: &str, version: &str, out: &Path) -> Output {
    Command::new(repo().join("scripts/release/package.sh"))
        .arg(env!("CARGO_BIN_EXE_opsbook"))
        .args([target, version, out.to_str().expect("utf-8")])
        .output()
        .expect("package.sh")
}

/// A loopback server of the files in `dir` under `/opsbook/opsbook/releases/download/vVERSION/`
/// (this crate's version) and `/opsbook/opsbook/releases/latest/download/`, as GitHub serves
/// release assets; 404 else.
fn release_server(dir: PathBuf) -> std::net::SocketAddr {
    support::net::serve(move |mut stream| {
        let head = support::net::read_head(&stream);
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let rest = path
            .strip_prefix("/opsbook/opsbook/releases/")
            .unwrap_or("");
        let name = match rest.strip_prefix("latest/download/") {
            Some(name) => Some(name),
            None => rest
                .strip_prefix("download/v")
                .and_then(|r| r.split_once('/'))
                .filter(|(tag, _)| *tag == env!("CARGO_PKG_VERSION"))
                .map(|(_, name)| name),
        }
        .map(str::to_owned);
        let answer = match name.and_then(|n| std::fs::read(dir.join(n)).ok()) {
            Some(bytes) => {
                let mut a = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    bytes.len()
                )
                .into_bytes();
                a.extend(bytes);
                a
            }
            None => {
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
            }
        };
        let _ = std::io::Write::write_all(&mut stream, &answer);
    })
}

fn install(base: &str, version: &str, runner_temp: &Path) -> (Output, String) {
    let github_path = runner_temp.join("github_path");
    let _ = std::fs::remove_file(&github_path);
    let out = Command::new(repo().join("scripts/action/install.sh"))
        .env("OPSBOOK_VERSION", version)
        .env("OPSBOOK_REPOSITORY", "opsbook/opsbook")
        .env("OPSBOOK_DOWNLOAD_BASE", base)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TEMP", runner_temp)
        .env("GITHUB_PATH", &github_path)
        // No cargo: a failed download must say so, not build from source for minutes.
        .env("PATH", "/usr/bin:/bin")
        .output()
        .expect("install.sh");
    let added = std::fs::read_to_string(&github_path).unwrap_or_default();
    (out, added)
}

#[test]
fn a_packaged_release_installs_through_the_action_checksum_verified() {
    let version = env!("CARGO_PKG_VERSION");
    let target = "x86_64-unknown-linux-musl";
    let dist = tempfile::tempdir().expect("tempdir");

    let wrong = package(target, "9.9.9", dist.path());
    assert_eq!(wrong.status.code(), Some(1), "{}", text(&wrong));
    assert!(
        text(&wrong).contains("the release is 9.9.9"),
        "{}",
        text(&wrong)
    );

    let packaged = package(target, version, dist.path());
    assert!(packaged.status.success(), "{}", text(&packaged));
    let archive = dist.path().join(format!("opsbook-{target}.tar.gz"));
    assert!(archive.is_file());
    let sums = std::fs::read_to_string(dist.path().join(format!("opsbook-{target}.tar.gz.sha256")))
        .expect("checksum file");
    assert!(
        sums.ends_with(&format!("  opsbook-{target}.tar.gz\n")),
        "{sums}"
    );

    let addr = release_server(dist.path().to_owned());
    let base = format!("http://{addr}");
    for wanted in [
        version.to_owned(),
        format!("v{version}"),
        "latest".to_owned(),
    ] {
        let temp = tempfile::tempdir().expect("tempdir");
        let (out, added) = install(&base, &wanted, temp.path());
        assert!(out.status.success(), "{wanted}: {}", text(&out));
        let bin = Path::new(added.trim()).join("opsbook");
        let said = Command::new(&bin)
            .arg("--version")
            .output()
            .expect("run it");
        assert_eq!(
            String::from_utf8_lossy(&said.stdout),
            format!("opsbook {version}\n")
        );
        let dir = Path::new(added.trim());
        assert!(dir.join("man/opsbook-lint.1").is_file(), "man pages ship");
        assert!(dir.join("completions/opsbook.bash").is_file());
        assert!(dir.join("LICENSE-MIT").is_file());
    }

    // A checksum that does not match is refused, without falling back to anything.
    let sha = dist.path().join(format!("opsbook-{target}.tar.gz.sha256"));
    std::fs::write(
        &sha,
        format!("{}  opsbook-{target}.tar.gz\n", "0".repeat(64)),
    )
    .expect("w");
    let temp = tempfile::tempdir().expect("tempdir");
    let (out, added) = install(&base, version, temp.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("does not match the published"),
        "{}",
        text(&out)
    );
    assert!(added.is_empty(), "nothing put on PATH");

    // No release asset and no cargo: a clear error, not a hang or a half install.
    let (out, added) = install(&base, "0.0.1", temp.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("no cargo to build it"),
        "{}",
        text(&out)
    );
    assert!(added.is_empty());
}

/// Every file a `src/` file embeds (`include_str!`, `include_bytes!`), relative to the crate.
fn embedded(dir: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            embedded(&path, found);
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        for piece in text.split("include_").skip(1) {
            let Some(arg) = piece
                .strip_prefix("str!(\"")
                .or_else(|| piece.strip_prefix("bytes!(\""))
                .and_then(|rest| rest.split('"').next())
            else {
                continue;
            };
            let target = path.parent().expect("folder").join(arg);
            let target = target.canonicalize().expect("an embedded file exists");
            let rel = target.strip_prefix(repo()).expect("inside the crate");
            found.push(rel.to_string_lossy().into_owned());
        }
    }
}

#[test]
fn the_crates_package_holds_what_the_build_embeds() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(repo())
        .output()
        .expect("cargo package --list");
    assert!(out.status.success(), "{}", text(&out));
    let listed: std::collections::HashSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    let mut needed = Vec::new();
    embedded(&repo().join("src"), &mut needed);
    assert!(needed.len() > 10, "{needed:?}");
    needed.extend(["README.md", "LICENSE-MIT", "LICENSE-APACHE", "Cargo.lock"].map(String::from));
    for file in &needed {
        assert!(listed.contains(file), "{file} is not packaged: {listed:?}");
    }
    for kept_out in ["tests/", "fuzz/", "scripts/", "book/", "target/"] {
        assert!(
            !listed.iter().any(|f| f.starts_with(kept_out)),
            "{kept_out} is packaged"
        );
    }
}
