//! Which Chromium and ChromeDriver the browser tests drive, and when they skip: without
//! `OPSBOOK_CHROMIUM` every browser test prints a note and passes; with it, a missing
//! chromedriver skips too, except under `CI=true`, where CI promised a browser and must fail.

use std::path::{Path, PathBuf};

/// The Chromium binary named by `OPSBOOK_CHROMIUM`, or `None` after printing why the test skips.
pub fn chromium() -> Option<String> {
    match std::env::var("OPSBOOK_CHROMIUM") {
        Ok(path) if !path.is_empty() => Some(path),
        _ => {
            println!("note: OPSBOOK_CHROMIUM is not set; browser test skipped");
            None
        }
    }
}

/// The chromedriver to start: `OPSBOOK_CHROMEDRIVER`, else `chromedriver` on `PATH`, else
/// Debian's `/usr/bin/chromedriver`. `None` after printing why the test skips; a panic under CI.
pub fn chromedriver() -> Option<PathBuf> {
    let found = match std::env::var_os("OPSBOOK_CHROMEDRIVER") {
        Some(named) if !named.is_empty() => Some(PathBuf::from(named)).filter(|p| p.is_file()),
        _ => on_path("chromedriver").or_else(|| {
            let debian = Path::new("/usr/bin/chromedriver");
            debian.is_file().then(|| debian.to_owned())
        }),
    };
    if found.is_none() {
        let why =
            "chromedriver was not found (install chromium-driver or set OPSBOOK_CHROMEDRIVER)";
        // A skipped test passes, so in CI a lost package would silently turn these tests off.
        assert!(
            !super::in_ci(),
            "{why}; with CI=true and OPSBOOK_CHROMIUM set this is a failure"
        );
        println!("note: {why}; browser test skipped");
    }
    found
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The `file://` URL of a built page, with `query` (`?q=...`, or empty) appended as written.
pub fn file_url(path: &Path, query: &str) -> String {
    let url = url::Url::from_file_path(path)
        .unwrap_or_else(|()| panic!("{} is not an absolute path", path.display()));
    format!("{url}{query}")
}

/// The DOM after the page's scripts ran, and every console line that reports a CSP violation or
/// an uncaught error.
pub fn dump(chromium: &str, url: &str) -> (String, Vec<String>) {
    let profile = tempfile::tempdir().expect("profile");
    let output = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("run chromium");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let problems = stderr
        .lines()
        .filter(|l| l.contains("CONSOLE"))
        .filter(|l| {
            l.contains("Content Security Policy")
                || l.contains("Refused to")
                || l.contains("Uncaught")
        })
        .map(str::to_owned)
        .collect();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        problems,
    )
}
