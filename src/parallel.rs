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
    // Small batches: few enough atomic operations, fine enough to even out the ends.
    let batch = (items.len() / (threads * 16)).clamp(1, 64);
    let next = AtomicUsize::new(0);
    let (f, next) = (&f, &next);
    let mut done: Vec<(usize, Vec<R>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let start = next.fetch_add(batch, Ordering::Relaxed);
                        if start >= items.len() {
                            return mine;
                        }
                        let end = (start + batch).min(items.len());
                        mine.push((start, items[start..end].iter().map(f).collect()));
                    }
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

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order_of_the_items() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = super::map(&items, |n| n * 2);
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        assert!(super::map(&[] as &[u32], |n| *n).is_empty());
    }
}
