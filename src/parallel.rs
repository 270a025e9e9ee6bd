//! Mapping over independent items on every core, keeping their order: how runbooks and
//! incident records are read (parsing is most of what `lint` does).

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item, in the items' order, on up to as many threads as there are cores. Each
/// thread takes the next few items as it finishes its last: files differ in size by orders of
/// magnitude, and fixed halves left one core idle while the other parsed the big ones. A panic
/// in `f` is re-raised here.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().max(1));
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let (f, next) = (&f, &next);
    let mut done: Vec<(usize, Vec<R>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    while let Some((start, end)) = claim(next, items.len(), threads) {
                        mine.push((start, items[start..end].iter().map(f).collect()));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_unstable_by_key(|(start, _)| *start);
    done.into_iter().flat_map(|(_, part)| part).collect()
}

/// The next items for a thread, `start..end`, or `None` when all are taken. Batches shrink as
/// the items run out (an eighth of what is left per thread, at most 64, at least one): few
/// atomic operations at first, and at the end no thread left holding a batch of many items
/// while the others have nothing to do (a batch of 64 runbooks was 20 ms of one core idle
/// at the end of a 5,000-runbook build).
fn claim(next: &AtomicUsize, len: usize, threads: usize) -> Option<(usize, usize)> {
    let mut start = next.load(Ordering::Relaxed);
    loop {
        if start >= len {
            return None;
        }
        let batch = ((len - start) / (threads * 8)).clamp(1, 64);
        match next.compare_exchange_weak(start, start + batch, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(_) => return Some((start, start + batch)),
            Err(now) => start = now,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order_of_the_items() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = super::map(&items, |n| n * 2);
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        assert!(super::map(&[] as &[u32], |n| *n).is_empty());
    }

    #[test]
    fn batches_cover_every_item_once_and_shrink_to_one() {
        let next = super::AtomicUsize::new(0);
        let mut batches = Vec::new();
        while let Some(batch) = super::claim(&next, 1000, 2) {
            batches.push(batch);
        }
        assert_eq!(batches.first(), Some(&(0, 62)));
        assert!(batches.windows(2).all(|w| w[0].1 == w[1].0));
        assert_eq!(batches.last().map(|b| b.1), Some(1000));
        assert!(batches.iter().rev().take(16).all(|(s, e)| e - s == 1));
    }
}
