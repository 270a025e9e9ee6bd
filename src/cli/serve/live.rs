//! The live-reload channel: open pages hold a WebSocket (`/__opsbook/live`) and are told each new
//! version the moment a rebuild ends, instead of asking every few tens of milliseconds.
//!
//! A WebSocket, not a request held open: a browser opens at most six connections to a server,
//! and a held request per open tab would stall the pages themselves; WebSockets are not counted
//! against that limit. The server only ever writes (one short text frame per rebuild): it never
//! reads what a page sends, so no client can make it parse or buffer anything. The sockets are
//! few (the oldest is closed beyond [`MAX_SOCKETS`]), each write has a deadline, and a socket
//! that fails a write is dropped.

use std::io::Write;
use std::net::TcpStream;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine;

/// Open pages told about rebuilds at once; beyond it the oldest socket is closed (its page falls
/// back to asking, see `reload.js`).
const MAX_SOCKETS: usize = 32;
/// The longest a rebuild's announcement waits on one socket.
const WRITE_DEADLINE: Duration = Duration::from_millis(100);
/// RFC 6455's constant for the handshake's accept key.
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

#[derive(Default)]
pub struct Live {
    sockets: Mutex<Vec<TcpStream>>,
}

impl Live {
    /// Completes the opening handshake on `stream`, sends `version`, and keeps the socket for
    /// the next announcements.
    pub fn join(&self, mut stream: TcpStream, key: &str, version: u64) {
        let head = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: {}\r\n\r\n",
            accept_key(key)
        );
        let mut bytes = head.into_bytes();
        bytes.extend(text_frame(&version.to_string()));
        if stream.set_write_timeout(Some(WRITE_DEADLINE)).is_err()
            || stream.write_all(&bytes).is_err()
        {
            return;
        }
        let mut sockets = self.lock();
        if sockets.len() >= MAX_SOCKETS {
            let oldest = sockets.remove(0);
            let _ = oldest.shutdown(std::net::Shutdown::Both);
        }
        sockets.push(stream);
    }

    /// Tells every open page the new version; drops the sockets that cannot take it.
    pub fn announce(&self, version: u64) {
        let frame = text_frame(&version.to_string());
        self.lock()
            .retain(|socket| (&*socket).write_all(&frame).is_ok());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<TcpStream>> {
        self.sockets.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `Sec-WebSocket-Accept`: the key and the GUID, SHA-1, base64.
fn accept_key(key: &str) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        format!("{key}{GUID}").as_bytes(),
    );
    base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
}

/// One unmasked, final text frame (a server's frames are never masked). Versions are short:
/// the one-byte length always fits.
fn text_frame(text: &str) -> Vec<u8> {
    let payload = text.as_bytes();
    debug_assert!(payload.len() < 126);
    let mut frame = vec![0x81, payload.len().min(125) as u8];
    frame.extend_from_slice(&payload[..payload.len().min(125)]);
    frame
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of RFC 6455, section 1.3.
    #[test]
    fn the_accept_key_is_the_rfcs() {
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn a_frame_is_its_text_with_a_two_byte_head() {
        assert_eq!(text_frame("17"), vec![0x81, 2, b'1', b'7']);
    }
}
