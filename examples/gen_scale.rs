//! Writes one big runbook for `scripts/bench-scale.sh`: `cargo run --example gen_scale -- KIND N
//! DIR` creates `DIR/opsbook.yaml` and `DIR/runbooks/big.yaml`, KIND being `failure-modes`,
//! `findings` or `placeholders`. The generator is `tests/support/scale.rs`, shared with
//! `tests/scale.rs`.

#[path = "../tests/support/scale.rs"]
mod scale;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(kind), Some(n), Some(dir)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("usage: gen_scale failure-modes|findings|placeholders N DIR");
        std::process::exit(2);
    };
    let n: usize = n.parse().unwrap_or(1000);
    let text = match kind.as_str() {
        "failure-modes" => scale::failure_modes(n),
        "findings" => scale::findings(n),
        "placeholders" => scale::placeholders(n),
        other => {
            eprintln!("unknown kind `{other}`");
            std::process::exit(2);
        }
    };
    let dir = std::path::Path::new(dir);
    std::fs::create_dir_all(dir.join("runbooks"))?;
    std::fs::write(dir.join("opsbook.yaml"), "title: Scale\n")?;
    std::fs::write(dir.join("runbooks/big.yaml"), text)
}
