//! `--format` and `--report FORMAT=PATH`, shared by `lint`, `check`, `incident lint` and
//! `build`: the one clap enum of output formats, and the extra reports a run writes beside its
//! terminal output (as hurl's `--report-junit` does), each written atomically.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use opsbook::atomic::{Staged, WriteError};
use opsbook::report::{Format, View};

use super::output::Global;

/// The output formats, as clap parses them; the library's [`Format`] stays free of clap.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Github,
    Sarif,
    Junit,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Junit => Format::Junit,
        }
    }
}

/// One `--report FORMAT=PATH`.
#[derive(Clone, Debug)]
pub struct ReportSpec {
    pub format: Format,
    pub path: PathBuf,
}

#[derive(clap::Args, Debug, Default)]
pub struct ReportArgs {
    /// Also write a report in FORMAT to PATH, beside the terminal output (repeatable):
    /// `--report sarif=opsbook.sarif --report junit=lint.xml`. Formats: text, json, github,
    /// sarif, junit. Reports hold every finding; --quiet only shapes the terminal.
    #[arg(long = "report", value_name = "FORMAT=PATH", value_parser = parse_spec)]
    pub reports: Vec<ReportSpec>,
}

/// `sarif=out/opsbook.sarif`. A bad spec is a clap error, so the process exits 2 (usage).
pub fn parse_spec(spec: &str) -> Result<ReportSpec, String> {
    let (name, path) = spec.split_once('=').ok_or_else(|| {
        format!("`{spec}` is not FORMAT=PATH (for example `sarif=opsbook.sarif`)")
    })?;
    let format = Format::from_name(&name.to_ascii_lowercase()).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        let (last, rest) = names.split_last().unwrap_or((&"", &[]));
        format!(
            "unknown report format `{name}` (use {} or {last})",
            rest.join(", ")
        )
    })?;
    if path.is_empty() {
        return Err(format!("`{spec}` names no file after `=`"));
    }
    Ok(ReportSpec {
        format,
        path: PathBuf::from(path),
    })
}

/// Writes a report on standard output in `format`, as the terminal asked (quiet, colour), then
/// each `--report` file with the same `write`.
pub fn present(
    global: &Global,
    format: Format,
    extra: &[ReportSpec],
    write: &dyn Fn(Format, View, &mut dyn Write) -> io::Result<()>,
) -> Result<(), String> {
    let mut out = global.stdout();
    write(format, global.view(), &mut out).map_err(|e| format!("cannot write the report: {e}"))?;
    write_all(extra, &|format, out| write(format, View::default(), out))
}

/// Writes every report with `write`. Reports are plain (no colour) and complete (not quiet):
/// they are read by tools and by people after the run, not by the terminal.
pub fn write_all(
    specs: &[ReportSpec],
    write: &dyn Fn(Format, &mut dyn Write) -> io::Result<()>,
) -> Result<(), String> {
    // One report that cannot be written does not cost the others.
    let failed: Vec<String> = specs
        .iter()
        .filter_map(|spec| write_atomically(&spec.path, &|out| write(spec.format, out)).err())
        .collect();
    match failed.is_empty() {
        true => Ok(()),
        false => Err(failed.join("\nerror: ")),
    }
}

/// A temporary file in the same folder, renamed over `path` once complete: a crash or a full
/// disk never leaves half a report where CI would pick it up.
fn write_atomically(
    path: &Path,
    write: &dyn Fn(&mut dyn Write) -> io::Result<()>,
) -> Result<(), String> {
    let fail = |e: WriteError| {
        let advice = match e.error.kind() {
            io::ErrorKind::NotFound => " (does its folder exist?)",
            io::ErrorKind::PermissionDenied => " (is its folder writable?)",
            _ => "",
        };
        format!(
            "{}: cannot write the report: {}{advice}",
            path.display(),
            e.error
        )
    };
    let staged = Staged::write(path, &mut |out| write(out)).map_err(fail)?;
    staged.replace(path).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        let spec = parse_spec("sarif=out/a.sarif").unwrap();
        assert_eq!(
            (spec.format, spec.path),
            (Format::Sarif, PathBuf::from("out/a.sarif"))
        );
        assert!(
            parse_spec("xml=a")
                .unwrap_err()
                .contains("unknown report format `xml`")
        );
        assert!(parse_spec("sarif").unwrap_err().contains("FORMAT=PATH"));
        assert!(parse_spec("json=").is_err());
    }
}
