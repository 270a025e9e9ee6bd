//! Wakes `serve`'s watch loop the moment a watched file changes, so a save is rebuilt in
//! milliseconds rather than at the next 500 ms scan. On Linux this is inotify (through rustix,
//! already a dependency); elsewhere, or where inotify cannot be set up (no watches left), the
//! scan alone finds changes, as before.
//!
//! An event only wakes the loop: the loop still compares snapshots of sizes and modification
//! times, so a spurious or missed event can neither rebuild for nothing nor lose an edit.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

/// A source of wake-ups for the watch loop.
pub struct Notify {
    events: Option<Receiver<()>>,
    #[cfg(target_os = "linux")]
    inotify: Option<std::sync::Arc<rustix::fd::OwnedFd>>,
}

impl Notify {
    /// Watches `paths` (files and folders, folders with everything below them).
    pub fn start(paths: &[PathBuf]) -> Notify {
        #[cfg(target_os = "linux")]
        if let Some((fd, events)) = linux::start() {
            let notify = Notify {
                events: Some(events),
                inotify: Some(fd),
            };
            notify.watch(paths);
            return notify;
        }
        // Elsewhere the 500 ms scan alone finds changes.
        #[cfg(not(target_os = "linux"))]
        let _ = paths;
        Notify {
            events: None,
            #[cfg(target_os = "linux")]
            inotify: None,
        }
    }

    /// Adds watches for what exists now under `paths`: folders created since the last call, and
    /// a file an editor replaced (the watch follows the old file, not the name).
    pub fn watch(&self, paths: &[PathBuf]) {
        #[cfg(target_os = "linux")]
        if let Some(fd) = &self.inotify {
            linux::watch(fd, paths);
        }
        #[cfg(not(target_os = "linux"))]
        let _ = paths;
    }

    /// Waits for an event or `timeout`, whichever comes first; then waits for the burst an
    /// editor's save makes (a temporary file, a rename) to end, up to a few milliseconds.
    pub fn wait(&self, timeout: Duration) {
        let Some(events) = &self.events else {
            std::thread::sleep(timeout);
            return;
        };
        match events.recv_timeout(timeout) {
            Ok(()) => while events.recv_timeout(Duration::from_millis(3)).is_ok() {},
            Err(RecvTimeoutError::Timeout) => {}
            // The reading thread ended (the descriptor failed): the scan carries on alone.
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(timeout),
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::mem::MaybeUninit;
    use std::path::PathBuf;
    use std::sync::Arc;
    use std::sync::mpsc::{Receiver, sync_channel};

    use rustix::fd::OwnedFd;
    use rustix::fs::inotify::{self, CreateFlags, WatchFlags};

    pub fn start() -> Option<(Arc<OwnedFd>, Receiver<()>)> {
        let fd = Arc::new(inotify::init(CreateFlags::CLOEXEC).ok()?);
        // One pending wake-up is enough: the loop looks at everything when it wakes.
        let (send, events) = sync_channel(1);
        let reader = Arc::clone(&fd);
        std::thread::Builder::new()
            .name("serve-notify".to_owned())
            .spawn(move || {
                let mut buf = [MaybeUninit::<u8>::uninit(); 4096];
                let mut events = inotify::Reader::new(&*reader, &mut buf);
                loop {
                    if events.next().is_err() {
                        return;
                    }
                    let _ = send.try_send(());
                }
            })
            .ok()?;
        Some((fd, events))
    }

    pub fn watch(fd: &OwnedFd, paths: &[PathBuf]) {
        let flags = WatchFlags::CLOSE_WRITE
            | WatchFlags::MODIFY
            | WatchFlags::CREATE
            | WatchFlags::DELETE
            | WatchFlags::MOVED_FROM
            | WatchFlags::MOVED_TO
            | WatchFlags::ATTRIB
            | WatchFlags::DELETE_SELF
            | WatchFlags::MOVE_SELF;
        for path in paths {
            if path.is_file() {
                let _ = inotify::add_watch(fd, path.as_path(), flags);
                continue;
            }
            let folders = walkdir::WalkDir::new(path)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_dir());
            for folder in folders {
                // Watching a folder again only refreshes its watch.
                let _ = inotify::add_watch(fd, folder.path(), flags);
            }
        }
    }
}
