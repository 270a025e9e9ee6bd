//! `opsbook serve [--port N]`: build, serve `book/` on 127.0.0.1, rebuild when a runbook, a
//! template or `opsbook.yaml` changes, and reload open pages.
//!
//! A std::net server with a thread per connection is enough for one person's browser; it adds
//! no dependency. Changes are found by an mtime scan every 500 ms for the same reason.

mod http;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opsbook::render;
use opsbook::workspace::Workspace;

use super::output::{Global, say};
use super::{CliResult, Outcome, build};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The port on 127.0.0.1. 0 picks a free one.
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// The output folder. Default: `out` of opsbook.yaml, else `book` beside it.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// What the server shows: the last good build, or the errors of the latest attempt.
pub struct State {
    pub out: PathBuf,
    /// Changes after every rebuild, so open pages know to reload.
    pub version: u64,
    /// The page shown for every path while the latest edit is broken.
    pub error: Option<String>,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let workspace = Workspace::load(&global.project, &[]);
    let out = build::out_dir(global, &workspace, args.out);
    let state = Arc::new(Mutex::new(State {
        out: out.clone(),
        version: 1,
        error: None,
    }));
    rebuild(global, &state);
    let listener = TcpListener::bind(("127.0.0.1", args.port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", args.port))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    say(format!(
        "serving {} on http://{addr}/ (Ctrl-C to stop)",
        out.display()
    ))?;
    let watched = Arc::clone(&state);
    let watched_paths = vec![
        workspace.root.join(opsbook::workspace::CONFIG_FILE),
        workspace.runbooks_dir.clone(),
        workspace.root.join("templates"),
    ];
    let watch_global = Global {
        color: anstream::ColorChoice::Never,
        quiet: global.quiet,
        project: global.project.clone(),
    };
    std::thread::spawn(move || watch(&watch_global, &watched_paths, &watched));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let state = Arc::clone(&state);
        std::thread::spawn(move || http::handle(stream, &state));
    }
    Ok(Outcome::Ok)
}

/// Rebuilds when the fingerprint of the watched files changes.
fn watch(global: &Global, paths: &[PathBuf], state: &Mutex<State>) {
    let mut last = fingerprint(paths);
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = fingerprint(paths);
        if now != last {
            last = now;
            rebuild(global, state);
        }
    }
}

/// Lints and builds; on success the new site is live, on failure the last good build stays on
/// disk and the error page is shown instead.
fn rebuild(global: &Global, state: &Mutex<State>) {
    let workspace = Workspace::load(&global.project, &[]);
    let diagnostics = workspace.lint(global.today());
    let out = lock(state).out.clone();
    let error = if diagnostics.iter().any(|d| d.is_error()) {
        Some(build::lint_text(&workspace, &diagnostics, false))
    } else {
        let options = build::options(global, &workspace, out);
        match render::build(&workspace, &options) {
            Ok(summary) => {
                // A closed terminal must not stop the server.
                let _ = say(format!("built {} pages", summary.pages));
                None
            }
            Err(e) => Some(format!("error: {e}\n")),
        }
    };
    if let Some(text) = &error {
        eprintln!("{text}");
    }
    let mut s = lock(state);
    s.error = error.map(|text| http::error_page(&text));
    s.version += 1;
}

pub fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    // A panicking request thread must not take the server down with it.
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// A hash of the paths, sizes and modification times of everything a build reads.
fn fingerprint(paths: &[PathBuf]) -> u64 {
    let mut hasher = DefaultHasher::new();
    let files = paths
        .iter()
        .flat_map(|p| walkdir::WalkDir::new(p).sort_by_file_name().into_iter())
        .filter_map(Result::ok);
    for entry in files {
        if let Ok(meta) = entry.metadata() {
            entry.path().hash(&mut hasher);
            meta.len().hash(&mut hasher);
            meta.modified().ok().hash(&mut hasher);
        }
    }
    hasher.finish()
}
