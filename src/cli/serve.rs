//! `opsbook serve [--port N]`: build, serve `book/` on 127.0.0.1, rebuild when a runbook, a
//! template or `opsbook.yaml` changes, and reload open pages.
//!
//! The server is std::net only, hardened against a hostile page or local program: it binds before
//! building, a front door ([`door`]) gathers request heads under size limits and a deadline
//! without a thread per connection, a fixed pool of workers ([`pool`]) answers them, and [`http`]
//! answers only to this machine's names and only with files inside the output folder. Changes
//! are found by an mtime scan every 500 ms, which needs no dependency either.

mod door;
mod http;
mod pool;
mod request;
mod status;

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

/// What the workers need: the state and the port that `Host` must name.
pub struct Site {
    pub state: Arc<Mutex<State>>,
    pub port: u16,
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
    // Bound first: a port in use is an error before any time is spent building.
    let listener = bind(args.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    let workspace = Workspace::load(&global.project, &[]);
    let out = build::out_dir(global, &workspace, args.out);
    let state = Arc::new(Mutex::new(State {
        out: out.clone(),
        version: 1,
        error: None,
    }));
    let watched_paths = vec![
        workspace.root.join(opsbook::workspace::CONFIG_FILE),
        workspace.runbooks_dir.clone(),
        workspace.root.join("templates"),
        // A record saved during an incident shows up in the book (and its failure mode's
        // "Seen before") without a restart.
        workspace.incidents_dir(),
    ];
    // Taken before the first build: a save made while it runs, or as soon as the server
    // answers, is a change from this, never the starting point of the watch.
    let first = fingerprint(&watched_paths);
    rebuild(global, &state);
    let site = Arc::new(Site {
        state: Arc::clone(&state),
        port: addr.port(),
    });
    let (workers, warning) = pool::start(&site)?;
    if let Some(warning) = warning {
        eprintln!("{warning}");
    }
    let watch_global = Global {
        color: anstream::ColorChoice::Never,
        quiet: global.quiet,
        project: global.project.clone(),
    };
    std::thread::Builder::new()
        .name("serve-watch".to_owned())
        .spawn(move || watch(&watch_global, &watched_paths, first, &state))
        .map_err(|e| format!("cannot start the thread that watches for changes: {e}"))?;
    say(format!(
        "serving {} on http://{addr}/ (Ctrl-C to stop)",
        out.display()
    ))?;
    door::run(&listener, &workers);
    Ok(Outcome::Ok)
}

fn bind(port: u16) -> Result<TcpListener, String> {
    TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::AddrInUse {
            "the port is in use (another `opsbook serve`?)".to_owned()
        } else {
            e.to_string()
        };
        format!(
            "cannot listen on 127.0.0.1:{port}: {why}; choose another port with `--port N` \
             (`--port 0` picks a free one)"
        )
    })
}

/// Rebuilds when the fingerprint of the watched files changes from `last`.
fn watch(global: &Global, paths: &[PathBuf], mut last: u64, state: &Mutex<State>) {
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
        // The error quotes runbooks and file names: nothing in them may steer the terminal.
        eprintln!("{}", opsbook::terminal::escape_keeping_newlines(text));
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
