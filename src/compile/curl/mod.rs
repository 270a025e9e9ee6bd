//! The curl command line: split with shell word rules (never a shell), read against a table of
//! the flags opsbook supports. Anything else is an error with its offset in the line.
//!
//! Quoting follows the shell: a `$VAR` inside single quotes (or written `\$`) is text, and stays
//! text when the check runs; each value comes out as a [`Template`] of text, placeholders and
//! environment variables.

use std::sync::LazyLock;

use regex::Regex;

use super::template::{LITERAL_DOLLAR, Template};

mod flags;
mod lines;
pub mod query;
pub mod resolve;
mod wire;

use flags::{Flag, long_flag, short_flag, unsupported};
pub use query::Data;
pub use resolve::Pin;
pub use wire::{plus_in_query, wire_url};

/// A parsed curl command: every value a template, filled in when the check runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CurlCommand {
    pub url: Template,
    /// Where the URL is written in the line (a byte offset), to point at it.
    pub url_offset: usize,
    pub method: Option<String>,
    pub headers: Vec<(String, Template)>,
    /// Every `-d`/`--data-raw`/`--json`/`--data-urlencode`, in order; joined with `&`.
    pub data: Vec<Data>,
    /// `--json`: sets the JSON content type and accept headers.
    pub json: bool,
    /// `-G`: the data goes into the URL query and the method is GET.
    pub get: bool,
    /// `-I`: a HEAD request; no body is read.
    pub head: bool,
    /// `--compressed`: ask for gzip, deflate or br and decode the answer.
    pub compressed: bool,
    /// `--resolve`: where to connect for a host and port, the URL unchanged.
    pub resolve: Vec<Pin>,
    /// `--cacert`, `--cert`, `--key`: paths as written, relative to the project root, read
    /// when the check runs.
    pub cacert: Option<Template>,
    pub cert: Option<Template>,
    pub key: Option<Template>,
    pub user: Option<Template>,
    pub user_agent: Option<Template>,
    /// `-f`: a status of 400 or more is a failure.
    pub fail: bool,
    pub follow_redirects: bool,
    pub insecure: bool,
    pub max_time_secs: Option<f64>,
    pub connect_timeout_secs: Option<f64>,
    /// `$VAR`s inside single quotes, with their byte offsets in the line: a shell leaves them as
    /// text, so opsbook does too, and lint says so.
    pub quoted_vars: Vec<(usize, String)>,
}

impl CurlCommand {
    pub fn method(&self) -> &str {
        match &self.method {
            Some(m) => m,
            None if self.head => "HEAD",
            None if self.get => "GET",
            None if !self.data.is_empty() => "POST",
            None => "GET",
        }
    }

    /// Any method but GET and HEAD: a request that may change state.
    pub fn is_write(&self) -> bool {
        !matches!(self.method(), "GET" | "HEAD")
    }

    /// Every value of the command that may hold `$VAR`s.
    pub fn templates(&self) -> Vec<&Template> {
        let mut out = vec![&self.url];
        out.extend(self.headers.iter().map(|(_, v)| v));
        for data in &self.data {
            match data {
                Data::Raw(t) => out.push(t),
                Data::Encoded { name, content } => out.extend(name.iter().chain([content])),
            }
        }
        let optional = [
            &self.user,
            &self.user_agent,
            &self.cacert,
            &self.cert,
            &self.key,
        ];
        out.extend(optional.into_iter().flatten());
        out
    }

    /// The `$NAME`s the command reads from the environment, each once, in order.
    pub fn env_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for name in self.templates().into_iter().flat_map(Template::env_names) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// The data is sent as the request body (it is given, and `-G` does not move it to the URL).
    pub fn has_body(&self) -> bool {
        !self.get && !self.data.is_empty()
    }
}

/// Why a curl line cannot be run, and where (a byte offset into the line as written).
#[derive(Clone, Debug, PartialEq)]
pub struct CurlError {
    pub offset: usize,
    pub message: String,
    pub help: String,
}

fn err(offset: usize, message: impl Into<String>, help: impl Into<String>) -> CurlError {
    CurlError {
        offset,
        message: message.into(),
        help: help.into(),
    }
}

static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}").expect("static regex"));

static VAR_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\{?([A-Za-z_][A-Za-z0-9_]*)").expect("static regex"));

/// Marks each `$` a shell would not expand (inside single quotes, or escaped as `\$`) as
/// [`LITERAL_DOLLAR`], and lists the `$VAR`s found inside single quotes.
fn mark_literal_dollars(line: &str) -> (String, Vec<(usize, String)>) {
    let mut out = String::with_capacity(line.len());
    let mut quoted_vars = Vec::new();
    let mut quote: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (Some('\''), '$') => {
                if let Some(name) = VAR_NAME.captures(&line[i + 1..]) {
                    quoted_vars.push((i, name[1].to_owned()));
                }
                out.push(LITERAL_DOLLAR);
                continue;
            }
            (Some('"') | None, '\\') if chars.peek().map(|(_, n)| *n) == Some('$') => {
                chars.next();
                out.push(LITERAL_DOLLAR);
                continue;
            }
            (Some('"') | None, '\\') => {
                out.push(c);
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                }
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    (out, quoted_vars)
}

/// Parses a curl line as written in a runbook. Offsets in errors and in the command are byte
/// offsets into `line` as written.
pub fn parse(line: &str) -> Result<CurlCommand, CurlError> {
    // Same length as `line`: continuations become spaces, so every offset stays true.
    let joined = lines::join_continuations(line);
    let line = joined.as_str();
    check_shell_operators(line)?;
    let (marked, quoted_vars) = mark_literal_dollars(line);
    // Placeholders are written `{{ target }}` with spaces; make them single words first.
    let normalized = PLACEHOLDER.replace_all(&marked, "{{$1}}");
    let words = shell_words::split(&normalized).map_err(|_| {
        err(
            line.len(),
            "unterminated quote",
            "close the quote, or quote the whole header as 'Name: value'",
        )
    })?;
    let mut words = words.into_iter();
    match words.next() {
        Some(first) if first == "curl" => {}
        _ => {
            return Err(err(
                0,
                "the command must start with `curl`",
                "write the command as you would run it: `curl -i {{ target }}/healthz`",
            ));
        }
    }
    let mut cursor = Cursor { line, searched: 4 };
    let mut command = CurlCommand {
        quoted_vars,
        ..CurlCommand::default()
    };
    let mut urls = Vec::new();
    let words: Vec<String> = words.collect();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let offset = cursor.find(word);
        i += 1;
        if word.starts_with("--") && word.len() > 2 {
            let (name, inline) = match word.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (word.as_str(), None),
            };
            let flag = long_flag(name).ok_or_else(|| unsupported(offset, name))?;
            let separate = inline.is_none();
            let value = take_value(flag, inline, &words, &mut i, offset, name)?;
            if flag == Flag::Url {
                let url = value.unwrap_or_default();
                let at = if separate { cursor.find(&url) } else { offset };
                urls.push((at, url));
                continue;
            }
            apply(&mut command, flag, value, offset)?;
        } else if word.starts_with('-') && word.len() > 1 {
            parse_cluster(&mut command, word, &words, &mut i, offset)?;
        } else {
            urls.push((offset, word.clone()));
        }
    }
    (command.url_offset, command.url) = pick_url(line, urls)?;
    if command.head && command.has_body() {
        return Err(err(
            flag_offset(line, "--head", 'I'),
            "`-I` sends a HEAD request, which has no body, and the command has data",
            "add `-G` to send the data in the URL query, or drop `-I`",
        ));
    }
    Ok(command)
}

/// Where a flag is written (its long name, or its letter in a cluster), to point at it.
fn flag_offset(line: &str, long: &str, short: char) -> usize {
    if let Some(at) = line.find(long) {
        return at;
    }
    let mut at = 0;
    for word in line.split(' ') {
        if word.starts_with('-') && !word.starts_with("--") && word.contains(short) {
            return at;
        }
        at += word.len() + 1;
    }
    0
}

struct Cursor<'a> {
    line: &'a str,
    searched: usize,
}

impl Cursor<'_> {
    /// Best-effort offset of a word in the original line, for pointing diagnostics at it.
    fn find(&mut self, word: &str) -> usize {
        // Placeholders were squeezed to `{{name}}` and quotes removed, so compare only the part
        // before the first placeholder, or the `{{` itself when the word starts with one.
        let head = match word.find("{{") {
            Some(0) => "{{",
            Some(i) => &word[..i],
            None => word,
        };
        let probe: String = head
            .chars()
            .take(12)
            .map(|c| if c == LITERAL_DOLLAR { '$' } else { c })
            .collect();
        match self
            .line
            .get(self.searched..)
            .and_then(|rest| rest.find(probe.as_str()))
        {
            Some(found) => {
                let at = self.searched + found;
                self.searched = at + probe.len();
                at
            }
            None => self.searched.min(self.line.len()),
        }
    }
}

fn check_shell_operators(line: &str) -> Result<(), CurlError> {
    let mut quote: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => {
                chars.next();
            }
            (Some('"'), '"') => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (_, '`') => return Err(operator(i, "`")),
            (_, '$') if chars.peek().map(|(_, n)| *n) == Some('(') => {
                return Err(operator(i, "$("));
            }
            (None, '$') if matches!(chars.peek().map(|(_, n)| *n), Some('\'' | '"')) => {
                return Err(err(
                    i,
                    "`$'…'` and `$\"…\"` quoting is not supported",
                    "use plain single or double quotes",
                ));
            }
            (None, ';' | '|' | '&' | '>' | '<') => return Err(operator(i, &c.to_string())),
            (None, '\n') => return Err(operator(i, "newline")),
            _ => {}
        }
    }
    Ok(())
}

fn operator(offset: usize, what: &str) -> CurlError {
    err(
        offset,
        format!("shell operator `{what}` is not allowed in a check"),
        "opsbook runs the command itself, never through a shell; keep one plain curl command and verify the response with `expect`",
    )
}

fn parse_cluster(
    cmd: &mut CurlCommand,
    word: &str,
    words: &[String],
    i: &mut usize,
    offset: usize,
) -> Result<(), CurlError> {
    let body = &word[1..];
    for (at, c) in body.char_indices() {
        let name = format!("-{c}");
        let flag = short_flag(c).ok_or_else(|| unsupported(offset, &name))?;
        if flag.takes_value() {
            let rest = &body[at + c.len_utf8()..];
            let inline = (!rest.is_empty()).then(|| rest.to_owned());
            let value = take_value(flag, inline, words, i, offset, &name)?;
            return apply(cmd, flag, value, offset);
        }
        apply(cmd, flag, None, offset)?;
    }
    Ok(())
}

fn take_value(
    flag: Flag,
    inline: Option<String>,
    words: &[String],
    i: &mut usize,
    offset: usize,
    name: &str,
) -> Result<Option<String>, CurlError> {
    if !flag.takes_value() {
        return match inline {
            Some(_) => Err(err(
                offset,
                format!("`{name}` takes no value"),
                "remove the `=value`",
            )),
            None => Ok(None),
        };
    }
    if inline.is_some() {
        return Ok(inline);
    }
    match words.get(*i) {
        Some(value) => {
            *i += 1;
            Ok(Some(value.clone()))
        }
        None => Err(err(
            offset,
            format!("`{name}` needs a value"),
            "give the value after the flag",
        )),
    }
}

fn apply(
    cmd: &mut CurlCommand,
    flag: Flag,
    value: Option<String>,
    offset: usize,
) -> Result<(), CurlError> {
    let value = value.unwrap_or_default();
    match flag {
        Flag::Include | Flag::Silent | Flag::ShowError | Flag::Verbose | Flag::WriteOut => {}
        // Handled where the words are read, since it is the URL.
        Flag::Url => {}
        Flag::Get => cmd.get = true,
        Flag::Head => cmd.head = true,
        Flag::Compressed => cmd.compressed = true,
        Flag::DataUrlencode => cmd.data.push(query::parse_urlencode(&value, offset)?),
        Flag::Resolve => cmd.resolve.push(resolve::parse_pin(&value, offset)?),
        Flag::CaCert => cmd.cacert = Some(path(&value, offset)?),
        Flag::Cert => cmd.cert = Some(path(&value, offset)?),
        Flag::Key => cmd.key = Some(path(&value, offset)?),
        Flag::Fail => cmd.fail = true,
        Flag::Location => cmd.follow_redirects = true,
        Flag::Insecure => cmd.insecure = true,
        Flag::Request => cmd.method = Some(value.replace(LITERAL_DOLLAR, "$").to_ascii_uppercase()),
        Flag::Header => cmd.headers.push(parse_header(&value, offset)?),
        Flag::Data => {
            if value.starts_with('@') {
                return Err(err(
                    offset,
                    "`-d @file` reads a local file",
                    "write the body inline, or use `--data-raw` for a literal `@`",
                ));
            }
            cmd.data.push(Data::Raw(Template::with_env(&value)));
        }
        Flag::DataRaw => cmd.data.push(Data::Raw(Template::with_env(&value))),
        Flag::Json => {
            if value.starts_with('@') {
                return Err(err(
                    offset,
                    "`--json @file` reads a local file",
                    "write the JSON inline",
                ));
            }
            cmd.json = true;
            cmd.data.push(Data::Raw(Template::with_env(&value)));
        }
        Flag::User => cmd.user = Some(Template::with_env(&value)),
        Flag::UserAgent => cmd.user_agent = Some(Template::with_env(&value)),
        Flag::MaxTime => cmd.max_time_secs = Some(seconds(&value, offset)?),
        Flag::ConnectTimeout => cmd.connect_timeout_secs = Some(seconds(&value, offset)?),
        Flag::Output if value == "/dev/null" => {}
        Flag::Output => {
            return Err(err(
                offset,
                format!("`-o {value}` writes a local file"),
                "only `-o /dev/null` is allowed; opsbook reads the body itself",
            ));
        }
    }
    Ok(())
}

/// A `--cacert`/`--cert`/`--key` file: read when the check runs, relative to the project root.
fn path(value: &str, offset: usize) -> Result<Template, CurlError> {
    if value.is_empty() || value.contains("{{") {
        return Err(err(
            offset,
            format!("`{value}` is not a file path"),
            "write the path of a PEM file, relative to the folder of opsbook.yaml",
        ));
    }
    Ok(Template::with_env(value))
}

fn parse_header(value: &str, offset: usize) -> Result<(String, Template), CurlError> {
    match value.split_once(':') {
        Some((name, v)) if !name.trim().is_empty() && !name.contains(' ') => {
            Ok((name.trim().to_owned(), Template::with_env(v.trim())))
        }
        _ => Err(err(
            offset,
            format!("header `{value}` is not `Name: value`"),
            "quote the whole header: -H 'Name: value'",
        )),
    }
}

fn seconds(value: &str, offset: usize) -> Result<f64, CurlError> {
    match value.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 600.0 => Ok(s),
        _ => Err(err(
            offset,
            format!("`{value}` is not a number of seconds between 0 and 600"),
            "write seconds, for example `-m 5`",
        )),
    }
}

fn pick_url(line: &str, urls: Vec<(usize, String)>) -> Result<(usize, Template), CurlError> {
    let mut urls = urls.into_iter();
    let Some((offset, url)) = urls.next() else {
        return Err(err(
            line.len(),
            "the command has no URL",
            "add the URL, for example `{{ target }}/healthz`",
        ));
    };
    if let Some((second, _)) = urls.next() {
        return Err(err(
            second,
            "the command has more than one URL",
            "one check runs one request; split it into two checks",
        ));
    }
    let lower = url.to_ascii_lowercase();
    let scheme_ok =
        url.starts_with("{{") || lower.starts_with("http://") || lower.starts_with("https://");
    if !scheme_ok {
        let shown = lower
            .split("://")
            .next()
            .filter(|_| lower.contains("://"))
            .unwrap_or("");
        let message = if shown.is_empty() {
            format!("URL `{url}` has no http:// or https:// scheme")
        } else {
            format!("URL scheme `{shown}://` is not allowed")
        };
        return Err(err(
            offset,
            message,
            "checks may only fetch http:// and https:// URLs, usually `{{ target }}/path`",
        ));
    }
    Ok((offset, Template::with_env(&url)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_commands_people_write() {
        let c = parse(r#"curl -i -H "x-request-id: {{ request_id }}" {{ target }}/hello"#).unwrap();
        assert_eq!(c.url, Template::with_env("{{target}}/hello"));
        assert_eq!(
            c.headers,
            vec![("x-request-id".into(), Template::with_env("{{request_id}}"))]
        );
        let c = parse("curl -fsSL -XPOST --json '{\"a\":1}' -m 5 https://x.test/a").unwrap();
        assert!(c.fail && c.follow_redirects);
        assert_eq!(c.method(), "POST");
        assert_eq!(c.max_time_secs, Some(5.0));
        assert!(c.json);
        let c = parse("curl -s -o /dev/null -w '%{http_code}' --max-time=2 {{ target }}/").unwrap();
        assert_eq!(c.max_time_secs, Some(2.0));
    }

    #[test]
    fn refuses_what_is_not_a_plain_request() {
        let cases = [
            ("curl {{ target }}/a; rm -rf /", "shell operator `;`"),
            (
                "curl -H $'X-V: $V' {{ target }}/",
                "quoting is not supported",
            ),
            ("curl {{ target }}/a | jq .", "shell operator `|`"),
            ("curl {{ target }}/a && echo", "shell operator `&`"),
            ("curl $(cat url)", "shell operator `$(`"),
            ("curl `cat url`", "shell operator"),
            ("curl {{ target }} > out", "shell operator `>`"),
            ("curl -o out.txt {{ target }}/", "writes a local file"),
            ("curl -K cfg {{ target }}/", "unsupported curl flag `-K`"),
            ("curl -d @secrets.json {{ target }}/", "reads a local file"),
            ("curl -T x {{ target }}/", "unsupported curl flag `-T`"),
            ("curl --unix-socket /s {{ target }}/", "`--unix-socket`"),
            ("curl file:///etc/passwd", "scheme `file://`"),
            ("curl 'unterminated {{ target }}", "unterminated quote"),
            ("curl -i", "no URL"),
            ("curl {{ target }}/a {{ target }}/b", "more than one URL"),
            ("wget {{ target }}", "must start with `curl`"),
        ];
        for (line, want) in cases {
            let e = parse(line).unwrap_err();
            assert!(e.message.contains(want), "{line}: {}", e.message);
        }
    }

    #[test]
    fn dollars_follow_the_shell() {
        let c = parse(r#"curl -H 'x-a: $A' -H "x-b: $B \$C" -d \$D {{ target }}/"#).unwrap();
        let fill = |t: &Template| {
            t.fill(&|_| Some("T".into()), &mut |n| Some(format!("<{n}>")))
                .unwrap()
        };
        assert_eq!(fill(&c.headers[0].1), "$A");
        assert_eq!(fill(&c.headers[1].1), "<B> $C");
        let Data::Raw(data) = &c.data[0] else {
            panic!("raw data")
        };
        assert_eq!(fill(data), "$D");
        assert_eq!(c.quoted_vars, vec![(14, "A".to_owned())]);
    }

    fn text(t: &Template) -> String {
        t.as_text().unwrap_or_else(|| t.show(&|_| None))
    }

    #[test]
    fn get_moves_the_data_and_head_has_none() {
        let c = parse("curl -sSG --data-urlencode 'query=up == 1' -d x=1 {{ target }}/q").unwrap();
        assert!(c.get && !c.has_body());
        assert_eq!(c.method(), "GET");
        assert_eq!(c.data.len(), 2);
        let c = parse("curl --data-urlencode a=b {{ target }}/q").unwrap();
        assert_eq!((c.method(), c.has_body()), ("POST", true));
        let c = parse("curl -sI {{ target }}/").unwrap();
        assert_eq!(c.method(), "HEAD");
        let c = parse("curl --head -G -d a=1 {{ target }}/").unwrap();
        assert_eq!((c.method(), c.has_body()), ("HEAD", false));
        let e = parse("curl -fsI -d a=1 {{ target }}/").unwrap_err();
        assert!(e.message.contains("HEAD request"), "{}", e.message);
        assert_eq!(e.offset, 5);
    }

    #[test]
    fn tls_resolve_and_compression_flags() {
        let line = "curl --compressed --cacert certs/ca.pem --cert client.pem --key $KEY_FILE \
                    --resolve api.test:443:127.0.0.1 --fail-with-body https://api.test/";
        let c = parse(line).unwrap();
        assert!(c.compressed && c.fail);
        assert_eq!(c.cacert.as_ref().map(text).as_deref(), Some("certs/ca.pem"));
        assert_eq!(c.cert.as_ref().map(text).as_deref(), Some("client.pem"));
        assert!(c.key.as_ref().is_some_and(Template::has_env));
        assert_eq!(c.resolve[0].port, 443);
        let c = parse("curl -E client.pem {{ target }}/").unwrap();
        assert!(c.cert.is_some());
        let e = parse("curl --resolve api.test:443 {{ target }}/").unwrap_err();
        assert!(e.message.contains("--resolve"), "{}", e.message);
    }

    #[test]
    fn url_flag_is_the_url() {
        let c = parse("curl -s --url '{{ target }}/a?b=1'").unwrap();
        assert_eq!(c.url, Template::with_env("{{target}}/a?b=1"));
        assert_eq!(c.url_offset, 15);
        let c = parse("curl --url={{ target }}/a").unwrap();
        assert_eq!(c.url, Template::with_env("{{target}}/a"));
        let e = parse("curl --url {{ target }}/a {{ target }}/b").unwrap_err();
        assert!(e.message.contains("more than one URL"));
        let e = parse("curl --url ftp://x/").unwrap_err();
        assert!(e.message.contains("`ftp://`"), "{}", e.message);
    }

    #[test]
    fn continued_lines_parse_and_point_at_the_right_place() {
        let line = "curl -sS \\\n  -H 'x-a: 1' \\\n  -K cfg \\\n  {{ target }}/\n";
        let e = parse(line).unwrap_err();
        assert_eq!(e.offset, line.find("-K").unwrap());
        let c = parse("curl -sS \\\n  -H 'x-a: 1' \\\n  {{ target }}/a\n").unwrap();
        assert_eq!(c.headers.len(), 1);
        assert_eq!(c.url_offset, 29);
        // `>` folding of the same lines.
        let c = parse("curl -sS \\ -H 'x-a: 1' \\ {{ target }}/a").unwrap();
        assert_eq!(c.url, Template::with_env("{{target}}/a"));
        let e = parse("curl -sS\n  {{ target }}/").unwrap_err();
        assert!(e.message.contains("`newline`"), "{}", e.message);
    }

    #[test]
    fn data_parts_are_kept_in_order() {
        let c = parse("curl -d a=1 --data-urlencode 'b=x y' --data-raw @c {{ target }}/").unwrap();
        assert!(matches!(
            &c.data[..],
            [Data::Raw(_), Data::Encoded { .. }, Data::Raw(_)]
        ));
        let e = parse("curl --data-urlencode @file {{ target }}/").unwrap_err();
        assert!(e.message.contains("reads a local file"));
    }

    #[test]
    fn points_at_the_flag() {
        let e = parse("curl -i -K cfg {{ target }}/").unwrap_err();
        assert_eq!(e.offset, 8);
    }
}
