//! The `opsbook` binary: parse arguments, call the library, map the outcome to an exit code.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) if e == cli::STDOUT_CLOSED => ExitCode::SUCCESS,
        Err(e) => {
            let mut stderr = anstream::stderr();
            let _ = std::io::Write::write_fmt(&mut stderr, format_args!("error: {e:#}\n"));
            ExitCode::from(cli::Outcome::InputError as u8)
        }
    }
}

/// See the `mimalloc` line of `Cargo.toml` for why.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
