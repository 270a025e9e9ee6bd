//! The front door: one thread accepts connections and gathers their request heads without
//! blocking, so a connection that sends nothing (or a byte a second) costs a socket and a small
//! buffer, never a thread. A complete head goes to the worker pool; a connection that breaks a
//! limit or its deadline is answered and closed here.
//!
//! When no waiting socket had anything, the door waits for one to become readable: with
//! `poll(2)` on Linux (through rustix), so a request is read the moment it arrives, even while a
//! browser holds spare connections open that send nothing for seconds; elsewhere (std has no
//! readiness API) it naps briefly and tries again. With nothing waiting it blocks in `accept`
//! and costs nothing.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{SyncSender, TrySendError};
use std::time::{Duration, Instant};

use super::pool::Job;
use super::request::Head;
use super::status;

/// The whole head must arrive within this time from the connection's start; else 408.
pub const DEADLINE: Duration = Duration::from_secs(10);
/// Connections waiting for their head at once; beyond it, 503. Kept well under the usual limit
/// of 1,024 open files, which the build needs some of.
pub const MAX_WAITING: usize = 768;
/// The longest nap between two rounds over waiting sockets: the latency a slow head can add.
const MAX_NAP: Duration = Duration::from_millis(10);

/// A connection whose request head is still arriving.
struct Waiting {
    stream: TcpStream,
    head: Head,
    since: Instant,
}

/// Serves `listener` for ever, handing complete requests to `workers`.
pub fn run(listener: &TcpListener, workers: &SyncSender<Job>) {
    let mut waiting: Vec<Waiting> = Vec::new();
    let mut nap = Duration::ZERO;
    let mut listener_blocks = None;
    loop {
        let blocking = waiting.is_empty();
        // Switched only when it changes: a system call, not one per round.
        if listener_blocks != Some(blocking) {
            if listener.set_nonblocking(!blocking).is_err() {
                std::thread::sleep(MAX_NAP);
                continue;
            }
            listener_blocks = Some(blocking);
        }
        let mut progress = accept(listener, &mut waiting, blocking);
        waiting = std::mem::take(&mut waiting)
            .into_iter()
            .filter_map(|w| step(w, workers, &mut progress))
            .collect();
        if progress {
            nap = Duration::ZERO;
        } else if !waiting.is_empty() {
            nap = (nap * 2).clamp(Duration::from_millis(1), MAX_NAP);
            wait_readable(listener, &waiting, nap);
        }
    }
}

/// Until the listener or a waiting socket has something to read, or a second has passed (to
/// notice deadlines).
#[cfg(target_os = "linux")]
fn wait_readable(listener: &TcpListener, waiting: &[Waiting], _nap: Duration) {
    use rustix::event::{PollFd, PollFlags, Timespec};
    let mut fds: Vec<PollFd<'_>> = std::iter::once(PollFd::new(listener, PollFlags::IN))
        .chain(
            waiting
                .iter()
                .map(|w| PollFd::new(&w.stream, PollFlags::IN)),
        )
        .collect();
    let second = Timespec {
        tv_sec: 1,
        tv_nsec: 0,
    };
    if rustix::event::poll(&mut fds, Some(&second)).is_err() {
        std::thread::sleep(MAX_NAP);
    }
}

#[cfg(not(target_os = "linux"))]
fn wait_readable(_listener: &TcpListener, _waiting: &[Waiting], nap: Duration) {
    std::thread::sleep(nap);
}

/// Takes every connection that is ready (or, `blocking`, waits for one); returns whether any
/// came.
fn accept(listener: &TcpListener, waiting: &mut Vec<Waiting>, blocking: bool) -> bool {
    let mut any = false;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                any = true;
                admit(stream, waiting);
                if blocking {
                    return true;
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return any,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            // Out of file descriptors, most likely: the connection waits in the kernel's
            // queue while the open ones finish.
            Err(_) => {
                std::thread::sleep(MAX_NAP);
                return any;
            }
        }
    }
}

fn admit(stream: TcpStream, waiting: &mut Vec<Waiting>) {
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    if waiting.len() >= MAX_WAITING {
        refuse(stream, status::BUSY);
        return;
    }
    waiting.push(Waiting {
        stream,
        head: Head::default(),
        since: Instant::now(),
    });
}

/// Reads what has arrived on `w`; hands a complete request on, or refuses a broken one. `Some`
/// while the head is still arriving.
fn step(mut w: Waiting, workers: &SyncSender<Job>, progress: &mut bool) -> Option<Waiting> {
    let mut buf = [0u8; 4096];
    loop {
        match w.stream.read(&mut buf) {
            Ok(0) => return None,
            Ok(n) => {
                *progress = true;
                match w.head.push(&buf[..n]) {
                    Ok(false) => {}
                    Ok(true) => return dispatch(w, workers),
                    Err(status) => return refused(w.stream, status),
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    if w.since.elapsed() > DEADLINE {
        // A connection that never sent a byte is a browser's spare one, not a request: closed
        // without an answer, as browsers expect.
        if w.head.is_empty() {
            return None;
        }
        return refused(w.stream, status::TIMEOUT);
    }
    Some(w)
}

fn dispatch(w: Waiting, workers: &SyncSender<Job>) -> Option<Waiting> {
    let request = match w.head.request() {
        Ok(request) => request,
        Err(status) => return refused(w.stream, status),
    };
    match workers.try_send(Job {
        stream: w.stream,
        request,
    }) {
        Ok(()) => {}
        Err(TrySendError::Full(job) | TrySendError::Disconnected(job)) => {
            refuse(job.stream, status::BUSY);
        }
    }
    None
}

fn refused(stream: TcpStream, status: &str) -> Option<Waiting> {
    refuse(stream, status);
    None
}

/// Answers with `status` and closes. The socket is non-blocking, so a client that does not
/// read cannot stall the door: the few bytes fit in its buffer or are dropped.
fn refuse(stream: TcpStream, status: &str) {
    let _ = (&stream).write_all(&status::refusal(status));
    let _ = stream.shutdown(std::net::Shutdown::Write);
}
