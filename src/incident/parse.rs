//! Reading a filled-in incident record: YAML front matter with positions, and the Markdown
//! sections opsbook reads (postmortem answers, timeline, hypotheses, actions taken, action
//! items), found by pulldown-cmark in [`super::body`].

use crate::rule::Rule;

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::model::{OrderedMap, Sp};
use crate::source::{Pos, SourceFile};

/// The front matter. Timestamps stay text so that a malformed one is a finding at its line.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<Sp<String>>,
    pub severity: Option<Sp<String>>,
    pub status: Option<Sp<String>>,
    pub runbook: Option<Sp<String>>,
    pub failure_mode: Option<Sp<String>>,
    pub started_at: Option<Sp<String>>,
    pub detected_at: Option<Sp<String>>,
    pub mitigated_at: Option<Sp<String>>,
    pub resolved_at: Option<Sp<String>>,
    pub commander: Option<Sp<String>>,
    #[serde(default)]
    pub request_ids: Vec<Sp<String>>,
    /// The alert's labels (`namespace`, `pod`), from `incident new --param`.
    #[serde(default)]
    pub labels: OrderedMap<Sp<String>>,
}

/// A `### question` of the postmortem and the text under it.
#[derive(Debug)]
pub struct Answer {
    pub question: String,
    pub line: u32,
    pub text: String,
}

/// A table body row: its cells (as text: `\|` unescaped, code without its backticks) and its
/// line.
#[derive(Debug)]
pub struct Row {
    pub line: u32,
    pub cells: Vec<String>,
}

impl Row {
    /// The cell at `index`, or `""` where the row is short.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", String::as_str)
    }
}

/// A `## Section` heading and the Markdown under it, up to the next one.
#[derive(Debug)]
pub struct Section {
    /// The template's name whatever the case (`Action Items` → `Action items`).
    pub name: String,
    pub line: u32,
    /// The section's text, as written.
    pub text: String,
}

/// An item of the Hypotheses list: ticked when verified, struck through when ruled out.
#[derive(Debug, Clone, PartialEq)]
pub struct Hypothesis {
    pub line: u32,
    /// The item's text, without the `Verify:` part the skeleton appends.
    pub cause: String,
    pub ticked: bool,
    pub struck: bool,
}

#[derive(Debug)]
pub struct Record {
    pub front: FrontMatter,
    pub answers: Vec<Answer>,
    pub timeline: Vec<Row>,
    pub action_items: Vec<Row>,
    pub actions_taken: Vec<Row>,
    pub hypotheses: Vec<Hypothesis>,
    pub sections: Vec<Section>,
    /// The byte just after the Timeline table's last line, where `--record` adds its rows.
    pub timeline_end: Option<usize>,
    /// The byte where the Markdown body starts, after the front matter.
    pub body_start: usize,
}

impl Record {
    /// A record of `front` whose body, from `body_start`, is still to be read.
    fn empty(front: FrontMatter, body_start: usize) -> Record {
        Record {
            front,
            answers: Vec::new(),
            timeline: Vec::new(),
            action_items: Vec::new(),
            actions_taken: Vec::new(),
            hypotheses: Vec::new(),
            sections: Vec::new(),
            timeline_end: None,
            body_start,
        }
    }

    /// The section named `name` (a template name: `Summary`, `Action items`).
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }
}

/// Parses a record. A missing or invalid front matter is a diagnostic.
pub fn parse(file: &SourceFile) -> Result<Record, Diagnostic> {
    let (front_text, body_line) = split_front_matter(&file.text).ok_or_else(|| {
        Diagnostic::new(
            Rule::IncidentFrontMatter,
            &file.path,
            Pos::new(1, 1),
            "the record has no YAML front matter".into(),
        )
        .help("start the file with `---`, the fields, and `---` (`opsbook incident new` writes it)")
    })?;
    // Parse the front matter on its own, padded with blank lines so positions match the file.
    let padded = SourceFile::new(&file.path, format!("\n{front_text}"));
    // Front matter is a handful of fields: its first problem stops the record.
    let front = crate::load::parse::<FrontMatter>(&padded)
        .strict(&padded)
        .map_err(|mut d| {
            d.rule = Rule::IncidentFrontMatter;
            // The loader's advice names the runbook schema; a record has its own.
            d.help = d
                .help
                .map(|h| h.replace("`opsbook schema`", "`opsbook schema incident`"));
            d
        })?;
    let body_start = file.offset(Pos::new(body_line, 1)).min(file.text.len());
    let mut record = Record::empty(front, body_start);
    super::body::read(file, &mut record);
    Ok(record)
}

/// The byte just after the Timeline table's last line in `text`, front matter or not (what
/// `--record` needs, whatever else the record holds).
pub fn timeline_end(text: &str) -> Option<usize> {
    let file = SourceFile::new("record.md", text);
    let body_line = split_front_matter(text).map_or(1, |(_, line)| line);
    let mut record = Record::empty(
        FrontMatter::default(),
        file.offset(Pos::new(body_line, 1)).min(text.len()),
    );
    super::body::read(&file, &mut record);
    record.timeline_end
}

/// The front matter's text and the 1-based line where the body starts.
fn split_front_matter(text: &str) -> Option<(&str, u32)> {
    front_matter_span(text).map(|(start, end, body_line)| (&text[start..end], body_line))
}

/// Where the front matter's lines are: the byte range between the opening `---` line and the
/// closing one, and the 1-based line where the body starts.
pub fn front_matter_span(text: &str) -> Option<(usize, usize, u32)> {
    let start = if text.starts_with("---\r\n") {
        5
    } else if text.starts_with("---\n") {
        4
    } else {
        return None;
    };
    let mut offset = start;
    for (i, line) in text[start..].split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            return Some((start, offset, i as u32 + 3));
        }
        offset += line.len();
    }
    None
}

/// The title of a Markdown heading of exactly `level` (`## Title` for 2), trimmed. A missing
/// space after the hashes (`##Postmortem`) still counts: people type it, and a section that
/// silently stops being one would hide a gap from the lint.
pub fn heading(line: &str, level: usize) -> Option<&str> {
    let line = line.trim();
    let rest = line.strip_prefix(&"#".repeat(level)[..])?;
    (!rest.starts_with('#') && !rest.trim().is_empty()).then(|| rest.trim())
}

/// The template's name of a section whatever its case (`postmortem` → `Postmortem`); other
/// titles as written.
pub fn section_name(title: &str) -> String {
    SECTIONS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(title))
        .map_or_else(|| title.to_owned(), |known| (*known).to_owned())
}

/// The sections of the record template (`templates/incident.md`) that opsbook reads.
pub const SECTIONS: &[&str] = &[
    "Summary",
    "Impact",
    "Timeline",
    "Hypotheses",
    "Checks",
    "Actions taken",
    "Postmortem",
    "Action items",
];

impl Answer {
    /// Whether the question has a real answer: not empty, and not the template's placeholder.
    pub fn is_answered(&self) -> bool {
        is_answer(&self.text)
    }
}

impl Section {
    /// Whether the section says something: not empty, and not the template's placeholder.
    pub fn is_answered(&self) -> bool {
        is_answer(&self.text)
    }
}

/// Whether text written under a heading answers it: something besides the template's
/// placeholder and HTML comments.
pub fn is_answer(text: &str) -> bool {
    let text = text.replace(super::PLACEHOLDER, "");
    text.lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("<!--"))
}
