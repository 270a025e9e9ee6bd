//! `opsbook serve [--port N] [--host ADDR] [--open]`: build, serve `book/` on 127.0.0.1 (or
//! the address given), rebuild when a runbook, a template or `opsbook.yaml` changes, and reload
//! open pages.
//!
//! The server is std::net only, hardened against a hostile page or local program: it binds before
//! building, a front door ([`door`]) gathers request heads under size limits and a deadline
//! without a thread per connection, a fixed pool of workers ([`pool`]) answers them, and
//! [`http`] answers only to this server's names ([`hosts`]) and only with files inside the
//! output folder. Changes are found by a scan of sizes and modification times, at once when
//! inotify reports an event ([`notify`]) and every 500 ms regardless. An edit of runbooks only re-parses the files that
//! changed and re-renders the pages they touch, in place (`render::incremental`).

mod door;
mod hosts;
mod http;
mod live;
mod notify;
mod pool;
mod request;
mod status;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use opsbook::render::incremental::{self, Cache};
use opsbook::workspace::Workspace;

use super::output::{Global, say};
use super::{CliResult, Outcome, build};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The port. 0 picks a free one.
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// The address to listen on. Anything but a loopback address makes the book visible to
    /// other machines (a warning says so).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub host: String,
    /// Open the book in the default browser once it is served ($BROWSER, else xdg-open,
    /// open or start).
    #[arg(long)]
    pub open: bool,
    /// The output folder. Default: `out` of opsbook.yaml, else `book` beside it.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// What the workers need: the state, the names `Host` may carry, the open pages' sockets.
pub struct Site {
    pub state: Arc<Mutex<State>>,
    pub hosts: hosts::Hosts,
    pub live: Arc<live::Live>,
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
    let listener = bind(&args.host, args.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    if !hosts::Hosts::is_local_only(&args.host) {
        eprintln!(
            "warning: listening on {addr}: the book is visible to every machine that can reach this one on port {}; \
             use the default `--host 127.0.0.1` to keep it on this machine",
            addr.port()
        );
    }
    let workspace = Workspace::load(&global.project, &[]);
    let out = build::out_dir(global, &workspace, args.out);
    let state = Arc::new(Mutex::new(State {
        out: out.clone(),
        version: 1,
        error: None,
    }));
    // The runbooks folder at [`RUNBOOKS`]: an edit only there re-renders only what it touches.
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
    let first = snapshot(&watched_paths);
    let mut cache = Cache::default();
    let mut kept = Some(workspace);
    rebuild(global, &state, (&mut cache, &mut kept), &|_| false);
    let live = Arc::new(live::Live::default());
    let site = Arc::new(Site {
        state: Arc::clone(&state),
        hosts: hosts::Hosts::new(&args.host, addr.port()),
        live: Arc::clone(&live),
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
    // Started here, not in the watch thread: its reading thread exists before the server says it
    // is ready, so the server's threads are a fixed set from then on.
    let notify = notify::Notify::start(&watched_paths);
    std::thread::Builder::new()
        .name("serve-watch".to_owned())
        .spawn(move || {
            let kept = (cache, kept);
            watch(
                &watch_global,
                (&watched_paths, &notify),
                first,
                (&state, &live),
                kept,
            )
        })
        .map_err(|e| format!("cannot start the thread that watches for changes: {e}"))?;
    let url = format!("http://{addr}/");
    if args.open {
        // Before the server says it is ready, so the thread that reaps the opener is not one
        // more after that; the browser's request waits in the listening queue until then.
        // A browser on this machine reaches an every-address server through loopback (some
        // cannot open `0.0.0.0`).
        let local = match addr.ip() {
            ip if ip.is_unspecified() && ip.is_ipv4() => {
                format!("http://127.0.0.1:{}/", addr.port())
            }
            ip if ip.is_unspecified() => format!("http://[::1]:{}/", addr.port()),
            _ => url.clone(),
        };
        open_browser(&local);
    }
    say(format!(
        "serving {} on {url} (Ctrl-C to stop)",
        out.display()
    ))?;
    door::run(&listener, &workers);
    Ok(Outcome::Ok)
}

fn bind(host: &str, port: u16) -> Result<TcpListener, String> {
    // `[::1]` as a URL writes it, `::1` as an address: both name the same.
    let address = host.trim_start_matches('[').trim_end_matches(']');
    TcpListener::bind((address, port)).map_err(|e| {
        let (why, fix) = match e.kind() {
            std::io::ErrorKind::AddrInUse => (
                "the port is in use (another `opsbook serve`?)".to_owned(),
                "choose another port with `--port N` (`--port 0` picks a free one)",
            ),
            std::io::ErrorKind::AddrNotAvailable => (
                "this machine has no such address".to_owned(),
                "give one of its addresses with `--host ADDR`, or leave `--host` out for 127.0.0.1",
            ),
            _ => (
                e.to_string(),
                "check `--host` (an address of this machine, `0.0.0.0` for every one) and `--port`",
            ),
        };
        let shown = match address.contains(':') {
            true => format!("[{address}]:{port}"),
            false => format!("{address}:{port}"),
        };
        format!("cannot listen on {shown}: {why}; {fix}")
    })
}

/// Opens `url` in the user's browser without waiting for it: `$BROWSER` when set (the
/// convention of Debian's sensible-browser), else the platform's opener. A failure is a warning:
/// the book is served either way.
fn open_browser(url: &str) {
    let browser = std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty());
    let (program, args): (String, Vec<&str>) = match &browser {
        Some(b) => (b.clone(), vec![url]),
        None if cfg!(target_os = "macos") => ("open".to_owned(), vec![url]),
        None if cfg!(windows) => ("cmd".to_owned(), vec!["/C", "start", "", url]),
        None => ("xdg-open".to_owned(), vec![url]),
    };
    let spawned = std::process::Command::new(&program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        // Reaped when it exits (openers hand the URL to the browser and return).
        Ok(mut child) => {
            let reaper = std::thread::Builder::new().name("serve-open".to_owned());
            let _ = reaper.spawn(move || child.wait());
        }
        Err(e) => {
            eprintln!("warning: cannot open a browser with `{program}`: {e}; open {url} yourself")
        }
    }
}

/// Rebuilds when a watched file changes from `last`: only what an edit of runbooks touches when
/// nothing else changed, everything otherwise.
fn watch(
    global: &Global,
    (paths, notify): (&[PathBuf], &notify::Notify),
    mut last: Snapshot,
    (state, live): (&Mutex<State>, &live::Live),
    (mut cache, mut kept): (Cache, Option<Workspace>),
) {
    loop {
        notify.wait(Duration::from_millis(500));
        let now = snapshot(paths);
        if now != last {
            notify.watch(paths);
            if !only_runbooks(&last, &now, paths) {
                cache.clear();
            }
            let untouched = |path: &Path| {
                let path = path.as_os_str();
                last.contains_key(path) && last.get(path) == now.get(path)
            };
            let version = rebuild(global, state, (&mut cache, &mut kept), &untouched);
            live.announce(version);
            last = now;
        }
    }
}

/// Lints and builds; on success the new site is live, on failure the last good build stays on
/// disk and the error page is shown instead. `kept` is the previous load, whose unchanged
/// runbooks are not parsed again (nor read, where `untouched` says so); it holds this load
/// afterwards. Returns the new version.
fn rebuild(
    global: &Global,
    state: &Mutex<State>,
    (cache, kept): (&mut Cache, &mut Option<Workspace>),
    untouched: &(dyn Fn(&Path) -> bool + Sync),
) -> u64 {
    let started = std::time::Instant::now();
    let workspace = match kept.take() {
        Some(previous) => Workspace::reload(&global.project, previous, untouched),
        None => Workspace::load(&global.project, &[]),
    };
    let diagnostics = workspace.lint(global.today());
    let out = lock(state).out.clone();
    let error = if diagnostics.iter().any(|d| d.is_error()) {
        Some(build::lint_text(&workspace, &diagnostics, false))
    } else {
        let options = build::options(global, &workspace, out);
        match incremental::rebuild(&workspace, &options, cache) {
            Ok(summary) => {
                // A closed terminal must not stop the server.
                let ms = started.elapsed().as_millis();
                let _ = say(format!("built {} pages in {ms} ms", summary.pages));
                None
            }
            Err(e) => {
                cache.clear();
                Some(format!("error: {e}\n"))
            }
        }
    };
    if let Some(text) = &error {
        // The error quotes runbooks and file names: nothing in them may steer the terminal.
        eprintln!("{}", opsbook::terminal::escape_keeping_newlines(text));
    }
    *kept = Some(workspace);
    let mut s = lock(state);
    s.version += 1;
    s.error = error.map(|text| http::error_page(&text, s.version));
    s.version
}

pub fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    // A panicking request thread must not take the server down with it.
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// The size and modification time of every file a build reads, by path. Keyed by the path's
/// bytes: ordering `PathBuf`s compares them component by component, and the lookups of each
/// rebuild cost more than the rest of a small one.
type Snapshot = BTreeMap<OsString, (u64, Option<SystemTime>)>;

fn snapshot(paths: &[PathBuf]) -> Snapshot {
    let mut seen = Snapshot::new();
    for path in paths {
        // A watched folder that is a link is followed, as loading it does; links below are not.
        if let Ok(meta) = std::fs::metadata(path) {
            seen.insert(path.clone().into_os_string(), stamp(&meta));
            if meta.is_dir() {
                snapshot_below(path, &mut seen);
            }
        }
    }
    seen
}

fn stamp(meta: &std::fs::Metadata) -> (u64, Option<SystemTime>) {
    (meta.len(), meta.modified().ok())
}

/// Every entry below `dir`, links not followed. Each is looked at relative to its open folder
/// (std's `DirEntry::metadata`): by full path, resolving every component again, the walk was
/// a third of a small rebuild.
fn snapshot_below(dir: &Path, seen: &mut Snapshot) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        let path = entry.path();
        if meta.is_dir() {
            snapshot_below(&path, seen);
        }
        seen.insert(path.into_os_string(), stamp(&meta));
    }
}

/// Where the runbooks folder is among the watched paths.
const RUNBOOKS: usize = 1;

/// Whether every file that differs between the snapshots is inside the runbooks folder
/// (`watched[RUNBOOKS]`) and none of the other watched places (which a runbooks folder set to `.`
/// holds): an edit that only needs the pages of the runbooks it touches.
fn only_runbooks(before: &Snapshot, after: &Snapshot, watched: &[PathBuf]) -> bool {
    let runbook = |path: &Path| {
        path.starts_with(&watched[RUNBOOKS])
            && !watched
                .iter()
                .enumerate()
                .any(|(i, other)| i != RUNBOOKS && path.starts_with(other))
    };
    let changed = |(path, seen): (&OsString, &(u64, Option<SystemTime>)), other: &Snapshot| {
        other.get(path) != Some(seen)
    };
    before
        .iter()
        .filter(|entry| changed(*entry, after))
        .chain(after.iter().filter(|entry| changed(*entry, before)))
        .all(|(path, _)| runbook(Path::new(path)))
}
