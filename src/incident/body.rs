//! The Markdown body of a record, read with pulldown-cmark (the parser the site renders with),
//! so that what opsbook reads is what a person sees: `~~~` and indented code hide what they
//! hold, `\|` is a pipe inside a cell, tables need no outer pipes, headings match in any case.
//!
//! One deliberate tolerance: a line `##Title` (no space, which CommonMark reads as a
//! paragraph) still starts a section, because people type it and a section that silently
//! stopped being one would hide a gap from the lint.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::parse::{Answer, Hypothesis, Record, Row, Section, heading, section_name};
use crate::source::SourceFile;

/// Fills `record` from the body of `file` (after `record.body_start`).
pub fn read(file: &SourceFile, record: &mut Record) {
    let body = &file.text[record.body_start..];
    let mut reader = Reader {
        file,
        base: record.body_start,
        record,
        heading: None,
        section_end: None,
        row: None,
        cell: None,
        in_head: false,
        item: None,
        item_depth: 0,
        strike_depth: 0,
        answer_start: None,
    };
    for (event, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        let range = range.start + reader.base..range.end + reader.base;
        reader.event(event, range);
    }
    reader.finish(file.text.len());
}

/// A list item being read in the Hypotheses section.
struct Item {
    line: u32,
    text: String,
    struck_text: String,
    ticked: bool,
}

struct Reader<'a> {
    file: &'a SourceFile,
    base: usize,
    record: &'a mut Record,
    /// The heading being read: its level, its text so far and where it starts.
    heading: Option<(HeadingLevel, String, Range<usize>)>,
    /// Where the current section's text starts.
    section_end: Option<usize>,
    row: Option<Row>,
    cell: Option<String>,
    in_head: bool,
    item: Option<Item>,
    item_depth: usize,
    strike_depth: usize,
    /// Where the text of the last postmortem answer starts.
    answer_start: Option<usize>,
}

impl Reader<'_> {
    fn section(&self) -> &str {
        self.record.sections.last().map_or("", |s| s.name.as_str())
    }

    fn line(&self, offset: usize) -> u32 {
        self.file.pos_of(offset).line
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some((level, String::new(), range));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text, at)) = self.heading.take() {
                    self.heading_done(level, text.trim(), at);
                }
            }
            Event::Start(Tag::Paragraph) if self.item.is_none() => self.loose_heading(range),
            Event::Start(Tag::TableHead) => self.in_head = true,
            Event::End(TagEnd::TableHead) => self.in_head = false,
            Event::Start(Tag::TableRow) if !self.in_head => {
                self.row = Some(Row {
                    line: self.line(range.start),
                    cells: Vec::new(),
                });
            }
            Event::End(TagEnd::TableRow) => self.row_done(),
            Event::End(TagEnd::Table) if self.section() == "Timeline" => {
                self.record.timeline_end = Some(self.line_end(range.end));
            }
            Event::Start(Tag::TableCell) if self.row.is_some() => self.cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(row), Some(cell)) = (self.row.as_mut(), self.cell.take()) {
                    row.cells.push(cell.trim().to_owned());
                }
            }
            Event::Start(Tag::Item) => self.item_start(range),
            Event::End(TagEnd::Item) => self.item_end(),
            Event::TaskListMarker(ticked) => {
                if let Some(item) = self.item.as_mut().filter(|_| self.item_depth == 1) {
                    item.ticked = ticked;
                }
            }
            Event::Start(Tag::Strikethrough) => self.strike_depth += 1,
            Event::End(TagEnd::Strikethrough) => {
                self.strike_depth = self.strike_depth.saturating_sub(1);
            }
            Event::Text(text) | Event::Code(text) | Event::InlineHtml(text) => self.text(&text),
            Event::SoftBreak | Event::HardBreak => self.text(" "),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if let Some((_, heading, _)) = self.heading.as_mut() {
            heading.push_str(text);
        } else if let Some(cell) = self.cell.as_mut() {
            cell.push_str(text);
        } else if let Some(item) = self.item.as_mut() {
            item.text.push_str(text);
            if self.strike_depth > 0 {
                item.struck_text.push_str(text);
            }
        }
    }

    /// A paragraph whose first line is `##Title`: a heading for opsbook (see the module doc).
    fn loose_heading(&mut self, range: Range<usize>) {
        let first_line = self.file.text[range.clone()].lines().next().unwrap_or("");
        for (level, depth) in [(HeadingLevel::H2, 2), (HeadingLevel::H3, 3)] {
            if let Some(title) = heading(first_line, depth) {
                let end = range.start + first_line.len();
                self.heading_done(level, title, range.start..end);
                return;
            }
        }
    }

    fn heading_done(&mut self, level: HeadingLevel, title: &str, at: Range<usize>) {
        match level {
            HeadingLevel::H1 => {}
            HeadingLevel::H2 => {
                self.close_section(at.start);
                self.close_answer(at.start);
                self.record.sections.push(Section {
                    name: section_name(title),
                    line: self.line(at.start),
                    text: String::new(),
                });
                self.section_end = Some(at.end);
            }
            HeadingLevel::H3 if self.section() == "Postmortem" => {
                self.close_answer(at.start);
                self.record.answers.push(Answer {
                    question: title.to_owned(),
                    line: self.line(at.start),
                    text: String::new(),
                });
                self.answer_start = Some(at.end);
            }
            _ => {}
        }
    }

    /// Gives the open section the text from its heading up to `end`.
    fn close_section(&mut self, end: usize) {
        if let (Some(start), Some(section)) =
            (self.section_end.take(), self.record.sections.last_mut())
        {
            section.text = self.file.text[start.min(end)..end].trim().to_owned();
        }
    }

    fn close_answer(&mut self, end: usize) {
        if let (Some(start), Some(answer)) =
            (self.answer_start.take(), self.record.answers.last_mut())
        {
            answer.text = self.file.text[start.min(end)..end].to_owned();
        }
    }

    /// The end of the line `offset` is on, newline included: where a next line would start.
    fn line_end(&self, offset: usize) -> usize {
        let text = &self.file.text;
        let offset = offset.min(text.len());
        if offset > 0 && text[..offset].ends_with('\n') {
            return offset;
        }
        text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1)
    }

    fn row_done(&mut self) {
        let Some(row) = self.row.take() else { return };
        let rows = match self.section() {
            "Timeline" => &mut self.record.timeline,
            "Action items" => &mut self.record.action_items,
            "Actions taken" => &mut self.record.actions_taken,
            _ => return,
        };
        rows.push(row);
    }

    fn item_start(&mut self, range: Range<usize>) {
        self.item_depth += 1;
        if self.item_depth == 1 && self.section() == "Hypotheses" {
            self.item = Some(Item {
                line: self.line(range.start),
                text: String::new(),
                struck_text: String::new(),
                ticked: false,
            });
        }
    }

    fn item_end(&mut self) {
        self.item_depth = self.item_depth.saturating_sub(1);
        if self.item_depth > 0 {
            return;
        }
        let Some(item) = self.item.take() else { return };
        let text = item.text.trim();
        let cause = text.split(". Verify:").next().unwrap_or(text).trim();
        if cause.is_empty() {
            return;
        }
        // Struck when the strikethrough covers the words, not just one of them.
        let struck =
            !item.struck_text.trim().is_empty() && item.struck_text.trim().len() * 2 >= text.len();
        self.record.hypotheses.push(Hypothesis {
            line: item.line,
            cause: cause.trim_end_matches('.').to_owned(),
            ticked: item.ticked,
            struck,
        });
    }

    fn finish(&mut self, len: usize) {
        self.close_section(len);
        self.close_answer(len);
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use crate::source::SourceFile;

    const FRONT: &str = "---\ntitle: t\nstatus: open\n---\n";

    fn record(body: &str) -> super::Record {
        let file = SourceFile::new("r.md", format!("{FRONT}{body}"));
        parse(&file).expect("a record")
    }

    #[test]
    fn fences_escaped_pipes_bare_tables_and_heading_case() {
        let r = record(
            "## Action Items\n\nitem | owner | due | status\n---|---|---|---\n\
             Split `a\\|b` | dana | 2026-12-01 | open\n\n\
             ~~~\n## Timeline\n| not | a row |\n~~~\n\n## timeline\n\n\
             | time (UTC) | event |\n|---|---|\n| 08:00 | started |\n",
        );
        let items: Vec<_> = r.action_items.iter().map(|r| r.cells.clone()).collect();
        assert_eq!(items, [["Split a|b", "dana", "2026-12-01", "open"]]);
        assert_eq!(r.timeline.len(), 1, "the fenced table is code, not a row");
        assert_eq!(r.timeline[0].line, 20, "lines count from the file's first");
        let names: Vec<_> = r.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Action items", "Timeline"]);
        let text = format!("{FRONT}x");
        assert!(r.timeline_end.is_some_and(|e| e > text.len()));
    }

    #[test]
    fn hypotheses_are_ticked_or_struck_and_lose_their_verify_part() {
        let r = record(
            "## Hypotheses\n\n- [x] Slow queries. Verify: look\n- [ ] ~~Pool saturation~~\n\
             - [ ] A ~~word~~ struck\n",
        );
        let got: Vec<_> = r
            .hypotheses
            .iter()
            .map(|h| (h.cause.as_str(), h.ticked, h.struck))
            .collect();
        assert_eq!(
            got,
            [
                ("Slow queries", true, false),
                ("Pool saturation", false, true),
                ("A word struck", false, false)
            ]
        );
    }

    #[test]
    fn a_heading_without_its_space_still_starts_a_section_and_answers_are_cut_at_headings() {
        let r = record("##postmortem\n\n### Why?\n\nBecause.\n\n### How?\n\n## Summary\n\nS.\n");
        assert_eq!(r.answers.len(), 2);
        assert!(r.answers[0].is_answered());
        assert!(!r.answers[1].is_answered());
        assert_eq!(r.section("Summary").map(|s| s.text.as_str()), Some("S."));
    }

    #[test]
    fn the_timeline_end_is_after_the_header_when_there_are_no_rows() {
        let body = "## Timeline\n\n| time (UTC) | event |\n|---|---|\n\n## Postmortem\n";
        let r = record(body);
        let end = r.timeline_end.expect("end");
        let text = format!("{FRONT}{body}");
        assert!(text[..end].ends_with("|---|---|\n"), "{:?}", &text[..end]);
    }
}
