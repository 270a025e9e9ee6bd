//! Writes a synthetic corpus for benchmarks: `cargo run --example gen_corpus -- N DIR [M]`
//! creates `DIR/opsbook.yaml`, N runbooks and, when M is given, M incident records. The generator is `tests/support/corpus.rs`, shared with the
//! large-book tests.

#[path = "../tests/support/corpus.rs"]
mod corpus;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let dir = args.next().unwrap_or_else(|| "target/corpus".into());
    let records: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    corpus::write(n, std::path::Path::new(&dir))?;
    if records > 0 {
        corpus::write_records(records, n, std::path::Path::new(&dir))?;
    }
    println!("wrote {n} runbooks and {records} incident records to {dir}");
    Ok(())
}
