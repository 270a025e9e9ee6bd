//! `opsbook explain RULE`: a rule's documentation.

use opsbook::rule::Rule;

use super::output::say;
use super::{CliResult, Outcome};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A rule name (`unknown-check`) or code (`OB012`). `all` lists every rule.
    pub rule: String,
}

pub fn run(args: Args) -> CliResult {
    if args.rule == "all" {
        for r in Rule::ALL {
            say(format!(
                "{} {:<24} {:<7} {}",
                r.code(),
                r.name(),
                r.default_severity().as_str(),
                r.summary()
            ))?;
        }
        return Ok(Outcome::Ok);
    }
    let rule = Rule::find(&args.rule).ok_or_else(|| {
        format!(
            "no rule named `{}`; `opsbook explain all` lists them",
            args.rule
        )
    })?;
    say(format!(
        "{} ({}), default level: {}\n\n{}",
        rule.name(),
        rule.code(),
        rule.default_severity().as_str(),
        rule.doc()
    ))?;
    Ok(Outcome::Ok)
}
