//! The workers: a fixed number of threads that answer complete requests from a bounded queue.
//! Threads are made once, at the start, so a flood of connections can never ask for one more
//! (and a system that refuses a thread leaves fewer workers, not a panic).

use std::net::TcpStream;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use super::Site;
use super::http;
use super::request::Request;

/// Threads answering requests: reading a page and writing it out is quick, and one person's
/// browser asks for a few at a time.
pub const WORKERS: usize = 4;
/// Requests read and waiting for a worker; beyond it, 503.
pub const QUEUE: usize = 64;

/// A request whose head has arrived, with the connection to answer it on.
pub struct Job {
    pub stream: TcpStream,
    pub request: Request,
}

/// Starts the workers; the sender is where requests go. Fails only if not one thread could be
/// made; fewer than [`WORKERS`] is reported in the warning it returns.
pub fn start(site: &Arc<Site>) -> Result<(SyncSender<Job>, Option<String>), String> {
    let (sender, receiver) = sync_channel(QUEUE);
    let receiver = Arc::new(Mutex::new(receiver));
    let mut started = 0;
    let mut failure = None;
    for n in 0..WORKERS {
        let (site, receiver) = (Arc::clone(site), Arc::clone(&receiver));
        let spawned = std::thread::Builder::new()
            .name(format!("serve-worker-{n}"))
            .spawn(move || work(&site, &receiver));
        match spawned {
            Ok(_) => started += 1,
            Err(e) => failure = Some(e),
        }
    }
    match (started, failure) {
        (_, None) => Ok((sender, None)),
        (0, Some(e)) => Err(format!(
            "cannot start a thread to answer requests: {e}; free some memory or raise the \
             process limits (`ulimit -u`, `ulimit -v`)"
        )),
        (n, Some(e)) => Ok((
            sender,
            Some(format!(
                "warning: answering with {n} of {WORKERS} threads; the others could not start: {e}"
            )),
        )),
    }
}

fn work(site: &Site, receiver: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only while taking a job, never while answering it.
        let job = match receiver.lock() {
            Ok(receiver) => receiver.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(job) = job else { return };
        // A bug in one answer must not cost the server a worker.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            http::answer(job.stream, &job.request, site);
        }));
    }
}
