//! `opsbook completions SHELL`.

use clap::CommandFactory;

use super::{Cli, CliResult, Outcome};

#[derive(clap::Args, Debug)]
pub struct Args {
    pub shell: clap_complete::Shell,
}

pub fn run(args: Args) -> CliResult {
    clap_complete::generate(
        args.shell,
        &mut Cli::command(),
        "opsbook",
        &mut std::io::stdout(),
    );
    Ok(Outcome::Ok)
}
