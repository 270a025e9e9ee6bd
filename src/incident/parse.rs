//! Reading a filled-in incident record: YAML front matter with positions, and the Markdown
//! sections the lint looks at (postmortem answers, timeline rows, action items).

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

/// A table row: its cells and its line.
#[derive(Debug)]
pub struct Row {
    pub line: u32,
    pub cells: Vec<String>,
}

#[derive(Debug)]
pub struct Record {
    pub front: FrontMatter,
    pub answers: Vec<Answer>,
    pub timeline: Vec<Row>,
    pub action_items: Vec<Row>,
    /// The line of each `## Section` heading, by title.
    pub sections: Vec<(String, u32)>,
}

/// Parses a record. A missing or invalid front matter is a diagnostic.
pub fn parse(file: &SourceFile) -> Result<Record, Diagnostic> {
    let (front_text, body_start) = split_front_matter(&file.text).ok_or_else(|| {
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
            d
        })?;
    let mut record = Record {
        front,
        answers: Vec::new(),
        timeline: Vec::new(),
        action_items: Vec::new(),
        sections: Vec::new(),
    };
    read_body(file, body_start, &mut record);
    Ok(record)
}

/// The front matter's text and the 1-based line where the body starts.
fn split_front_matter(text: &str) -> Option<(&str, u32)> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            return Some((&rest[..offset], i as u32 + 3));
        }
        offset += line.len();
    }
    None
}

fn read_body(file: &SourceFile, body_start: u32, record: &mut Record) {
    let mut section = String::new();
    let mut in_code = false;
    for (index, raw) in file.text.lines().enumerate().skip(body_start as usize - 1) {
        let line = index as u32 + 1;
        let text = raw.trim_end();
        if text.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if in_code {
            continue;
        }
        if let Some(title) = heading(text, 2) {
            section = section_name(title);
            record.sections.push((section.clone(), line));
        } else if let Some(question) = heading(text, 3).filter(|_| section == "Postmortem") {
            record.answers.push(Answer {
                question: question.trim().to_owned(),
                line,
                text: String::new(),
            });
        } else if section == "Postmortem" {
            if let Some(answer) = record.answers.last_mut() {
                answer.text.push_str(text);
                answer.text.push('\n');
            }
        } else if let Some(cells) = table_row(text) {
            match section.as_str() {
                "Timeline" => record.timeline.push(Row { line, cells }),
                "Action items" => record.action_items.push(Row { line, cells }),
                _ => {}
            }
        }
    }
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
    "Action items",
    "Postmortem",
];

/// The cells of a table body row; `None` for headers' separator rows and non-table lines.
fn table_row(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    let cells: Vec<String> = inner.split('|').map(|c| c.trim().to_owned()).collect();
    let separator = cells
        .iter()
        .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')));
    let header = matches!(
        cells.first().map(String::as_str),
        Some("time (UTC)" | "item" | "action")
    );
    (!separator && !header).then_some(cells)
}

impl Answer {
    /// Whether the question has a real answer: not empty, and not the template's placeholder.
    pub fn is_answered(&self) -> bool {
        let text = self.text.replace(super::PLACEHOLDER, "");
        text.lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("<!--"))
    }
}
