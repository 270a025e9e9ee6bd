//! The curl flags opsbook supports, one table: what each short and long name means, which take a
//! value, and why the dangerous ones are refused.

use super::{CurlError, err};

#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Flag {
    Include,
    Silent,
    ShowError,
    Fail,
    Verbose,
    Location,
    Insecure,
    Request,
    Header,
    Data,
    DataRaw,
    Json,
    User,
    MaxTime,
    ConnectTimeout,
    UserAgent,
    Output,
    WriteOut,
    /// `--url`: the URL, as if written bare.
    Url,
    /// `-G`: the data goes into the URL query of a GET.
    Get,
    DataUrlencode,
    /// `-I`: a HEAD request.
    Head,
    Resolve,
    Compressed,
    CaCert,
    Cert,
    Key,
}

impl Flag {
    pub(super) fn takes_value(self) -> bool {
        !matches!(
            self,
            Flag::Include
                | Flag::Silent
                | Flag::ShowError
                | Flag::Fail
                | Flag::Verbose
                | Flag::Location
                | Flag::Insecure
                | Flag::Get
                | Flag::Head
                | Flag::Compressed
        )
    }
}

pub(super) fn short_flag(c: char) -> Option<Flag> {
    Some(match c {
        'i' => Flag::Include,
        's' => Flag::Silent,
        'S' => Flag::ShowError,
        'f' => Flag::Fail,
        'v' => Flag::Verbose,
        'L' => Flag::Location,
        'k' => Flag::Insecure,
        'X' => Flag::Request,
        'H' => Flag::Header,
        'd' => Flag::Data,
        'u' => Flag::User,
        'm' => Flag::MaxTime,
        'A' => Flag::UserAgent,
        'o' => Flag::Output,
        'w' => Flag::WriteOut,
        'G' => Flag::Get,
        'I' => Flag::Head,
        'E' => Flag::Cert,
        _ => return None,
    })
}

pub(super) fn long_flag(name: &str) -> Option<Flag> {
    Some(match name {
        "--include" => Flag::Include,
        "--silent" => Flag::Silent,
        "--show-error" => Flag::ShowError,
        // For a check, `--fail-with-body` is `-f`: a status of 400 or more fails; the body is
        // read either way.
        "--fail" | "--fail-with-body" => Flag::Fail,
        "--verbose" => Flag::Verbose,
        "--location" => Flag::Location,
        "--insecure" => Flag::Insecure,
        "--request" => Flag::Request,
        "--header" => Flag::Header,
        "--data" | "--data-binary" | "--data-ascii" => Flag::Data,
        "--data-raw" => Flag::DataRaw,
        "--json" => Flag::Json,
        "--user" => Flag::User,
        "--max-time" => Flag::MaxTime,
        "--connect-timeout" => Flag::ConnectTimeout,
        "--user-agent" => Flag::UserAgent,
        "--output" => Flag::Output,
        "--write-out" => Flag::WriteOut,
        "--url" => Flag::Url,
        "--get" => Flag::Get,
        "--data-urlencode" => Flag::DataUrlencode,
        "--head" => Flag::Head,
        "--resolve" => Flag::Resolve,
        "--compressed" => Flag::Compressed,
        "--cacert" => Flag::CaCert,
        "--cert" => Flag::Cert,
        "--key" => Flag::Key,
        _ => return None,
    })
}

pub(super) fn unsupported(offset: usize, flag: &str) -> CurlError {
    let why = match flag {
        "-K" | "--config" => "it reads more options from a file",
        "-T" | "--upload-file" => "it uploads a local file",
        "--unix-socket" | "--abstract-unix-socket" => {
            "it talks to a local socket instead of a target"
        }
        "-F" | "--form" => "forms can read local files",
        "-b" | "--cookie" | "-c" | "--cookie-jar" => "cookie files are local state",
        _ => "opsbook runs only the flags it knows",
    };
    err(
        offset,
        format!("unsupported curl flag `{flag}`: {why}"),
        "supported: -i -s -S -f (--fail-with-body) -v -L -k -X -H -d --data-raw --data-urlencode -G -I --json -u -m --connect-timeout -A -o /dev/null -w --url --compressed --resolve --cacert --cert/-E --key",
    )
}
