//! Request ids: readable, sortable and unique, e.g. `ob-20261126T081500Z-7f3a9c-0001`
//! (UTC time, a per-process random part, a counter).

use std::hash::{BuildHasher, Hasher};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Six hex digits that differ between processes (std's hasher seeds are random).
static PROCESS: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(nanos);
    format!("{:06x}", hasher.finish() & 0xff_ffff)
});

/// A fresh id for one check run.
pub fn next() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) + 1;
    let now = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    format!("ob-{now}-{}-{n:04}", *PROCESS)
}

/// Whether `id` can be recorded as a request id: one word of the characters ids are made of
/// (ours, a UUID, a trace id), no comma, space or quote that would split or break the
/// front matter's `request_ids` list. The site's form accepts the same.
pub fn is_recordable(id: &str) -> bool {
    (1..=200).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:/+=@-".contains(&b))
}

#[cfg(test)]
mod tests {
    #[test]
    fn recordable_ids_are_one_plain_word() {
        assert!(super::is_recordable("ob-20261126T081500Z-7f3a9c-0001"));
        assert!(super::is_recordable("4bf92f3577b34da6a3ce929d0e0e4736"));
        for bad in ["", "a,b", "a b", "\"x\"", "a\nb", &"x".repeat(201)] {
            assert!(!super::is_recordable(bad), "{bad:?}");
        }
    }

    #[test]
    fn ids_are_unique_and_readable() {
        let a = super::next();
        let b = super::next();
        assert_ne!(a, b);
        assert!(a.starts_with("ob-2") && a.len() == "ob-20261126T081500Z-7f3a9c-0001".len());
    }
}
