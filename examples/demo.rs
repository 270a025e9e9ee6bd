//! A demo service for the bundled runbooks: `cargo run --example demo -- --port 3000`.
//! Switch faults with `curl -X POST http://127.0.0.1:3000/fault/errors` (`latency`,
//! `not-ready`, `clear`).

// The tests use more of the module than this binary does.
#[allow(dead_code)]
#[path = "../tests/support/demo.rs"]
mod demo;

fn main() {
    let mut port = 3000u16;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next().map(|p| p.parse::<u16>())) {
            ("--port", Some(Ok(p))) => port = p,
            _ => {
                eprintln!("usage: demo [--port N]");
                std::process::exit(2);
            }
        }
    }
    match demo::Demo::start(&format!("127.0.0.1:{port}")) {
        Ok(d) => {
            println!("demo service on {}", d.url());
            println!(
                "faults: curl -X POST {}/fault/{{latency,errors,not-ready,clear}}",
                d.url()
            );
            loop {
                std::thread::park();
            }
        }
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(2);
        }
    }
}
