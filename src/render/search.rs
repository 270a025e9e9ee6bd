//! The search index: a script (`search-index.js`) so that it loads from `file://` too, where a
//! page cannot fetch JSON.
//!
//! `window.OPSBOOK_INDEX` has one line per runbook, its failure modes nested in it, so a
//! runbook's title, service and tags are written once:
//! `[id, title, service, tags, words, shared, [[fm-id, fm-title, severity, words], ...]]`, where
//! `shared` holds the words every one of its failure modes has (written once instead of in each:
//! a failure mode's own words are its `words` and `shared`).
//! `window.OPSBOOK_ALERTS` has one line per alert page: `[name, words, ["rb-id/fm-id", ...]]`,
//! each failure mode once.
//!
//! `words` holds the distinct words of an entry's texts, lowercased and sorted. The script matches
//! every query word as a substring, so repeating a word or a whole text would add nothing, and
//! neither does a word that starts another one (`request` beside `requests`). An identifier
//! also gets its joined form (`x-request-id` → `xrequestid`) so a query typed without
//! separators finds it; an alert's words are its name split at case and `_` boundaries
//! (`kube pod crash looping`), so that `crash looping` is a hit on its title.

use serde_json::{Value, json};

use super::alerts::AlertPage;
use super::script::escape_for_script;
use crate::compile::CompiledRunbook;
use crate::model::{FailureMode, Runbook};

/// A set of distinct words. foldhash, not std's SipHash: hashing every word of every text was
/// a third of making the search index, and the order never shows (each line is sorted).
type WordSet = foldhash::HashSet<String>;

/// The index from each runbook's line ([`runbook_line`], in the runbooks' order) and the
/// alerts' lines ([`alert_lines`]). The lines are made beside each runbook's pages, and kept by
/// `serve` and by a rebuild for the runbooks an edit did not touch; the alerts' lines while no
/// alert changed.
pub fn index_js(lines: &[&str], alert_lines: &str) -> String {
    const PARTS: [&str; 3] = [
        "window.OPSBOOK_INDEX=[\n",
        "];\nwindow.OPSBOOK_ALERTS=[\n",
        "];\n",
    ];
    // Sized exactly: 6 MB for 5,000 runbooks, which doubling would have made 8 and copied.
    let size = lines.iter().chain(&PARTS).map(|l| l.len()).sum::<usize>() + alert_lines.len();
    let mut out = String::with_capacity(size);
    out.push_str(PARTS[0]);
    for line in lines {
        out.push_str(line);
    }
    out.push_str(PARTS[1]);
    out.push_str(alert_lines);
    out.push_str(PARTS[2]);
    out
}

/// Each alert's line of `window.OPSBOOK_ALERTS`: its name, the words of its name, its pages.
pub fn alert_lines(alerts: &[AlertPage]) -> String {
    let mut out = String::new();
    for alert in alerts {
        let pages: Vec<&str> = alert
            .failure_modes
            .iter()
            .map(|p| p.strip_suffix(".html").unwrap_or(p))
            .collect();
        push_line(
            &mut out,
            &json!([alert.name, split_identifier(&alert.name).join(" "), pages]),
        );
    }
    out
}

/// A runbook's line of `window.OPSBOOK_INDEX`, with its line break.
pub fn runbook_line(loaded: &CompiledRunbook) -> String {
    let mut line = String::new();
    push_line(&mut line, &runbook_entry(loaded));
    // Kept until the build ends (the manifest lists it): 5,000 lines grown by doubling held
    // a third more than their text.
    line.shrink_to_fit();
    line
}

fn push_line(out: &mut String, entry: &Value) {
    let line = serde_json::to_string(entry).unwrap_or_else(|_| "null".to_owned());
    out.push_str(&escape_for_script(&line));
    out.push_str(",\n");
}

fn runbook_entry(loaded: &CompiledRunbook) -> Value {
    let rb = &loaded.runbook;
    let tags: Vec<&str> = rb.tags.iter().map(|t| t.value.as_str()).collect();
    let mut own: Vec<WordSet> = rb.failure_modes.iter().map(failure_mode_words).collect();
    let shared = take_shared(&mut own);
    let fms: Vec<Value> = rb
        .failure_modes
        .iter()
        .zip(own)
        .map(|(fm, words)| {
            json!([
                fm.id.value,
                fm.title.value,
                fm.severity.as_str(),
                line(words)
            ])
        })
        .collect();
    json!([
        loaded.id,
        rb.title.value,
        rb.service.value,
        tags.join(" "),
        line(runbook_words(loaded)),
        line(shared),
        fms
    ])
}

/// Takes the words every set has (when there are two sets or more) out of each, and returns them.
fn take_shared(sets: &mut [WordSet]) -> WordSet {
    let shared: WordSet = match sets {
        [first, rest @ ..] if !rest.is_empty() => first
            .iter()
            .filter(|w| rest.iter().all(|set| set.contains(*w)))
            .cloned()
            .collect(),
        _ => return WordSet::default(),
    };
    for set in sets.iter_mut() {
        set.retain(|w| !shared.contains(w));
    }
    shared
}

/// What a runbook says about itself: its summary, its checks' titles, its params.
fn runbook_words(loaded: &CompiledRunbook) -> WordSet {
    let rb: &Runbook = &loaded.runbook;
    let mut words = Words::default();
    words.add_all(rb.summary.iter().map(|s| s.value.as_str()));
    words.add_all(loaded.checks.iter().filter_map(|c| c.title.as_deref()));
    for (name, param) in rb.params.iter() {
        words.add(&name.value);
        words.add_all(param.value.description.as_deref());
    }
    words.seen
}

/// Every text of a failure mode a responder may type a word of.
fn failure_mode_words(fm: &FailureMode) -> WordSet {
    let mut words = Words::default();
    for alert in &fm.alerts {
        words.add(&alert.name.value);
        words.add_all(alert.severity.as_deref().map(String::as_str));
    }
    words.add_all(
        [&fm.impact, &fm.escalation]
            .into_iter()
            .flatten()
            .map(|t| t.as_str()),
    );
    words.add_all(fm.symptoms.iter().map(|s| s.as_str()));
    if let Some(s) = &fm.signals {
        let signals = [&s.metrics, &s.tracing, &s.logs];
        words.add_all(signals.into_iter().flatten().map(|t| t.as_str()));
    }
    for h in &fm.hypotheses {
        words.add(&h.cause);
        words.add_all(h.verify.as_deref().map(String::as_str));
    }
    for a in &fm.actions {
        words.add(&a.title);
        let texts = [&a.when, &a.hypothesis, &a.verification, &a.steps];
        words.add_all(texts.into_iter().flatten().map(|t| t.as_str()));
    }
    words.seen
}

/// The distinct words of some texts, lowercased.
#[derive(Default)]
struct Words {
    seen: WordSet,
}

impl Words {
    fn add_all<'a>(&mut self, texts: impl IntoIterator<Item = &'a str>) {
        for text in texts {
            self.add(text);
        }
    }

    fn add(&mut self, text: &str) {
        let mut ascii = String::new();
        for token in tokens(text) {
            // Most words are ASCII and seen before: lowered into one buffer, and copied only
            // when new. Other text takes `to_lowercase` (a final `Σ` is `ς`, not `σ`).
            let lower: &str = if token.is_ascii() {
                ascii.clear();
                ascii.extend(token.bytes().map(|b| char::from(b.to_ascii_lowercase())));
                &ascii
            } else {
                &token.to_lowercase()
            };
            if lower.contains(SEPARATORS) && lower.chars().any(char::is_alphabetic) {
                self.seen.insert(lower.replace(SEPARATORS, ""));
            }
            if !self.seen.contains(lower) {
                self.seen.insert(lower.to_owned());
            }
        }
    }
}

/// Words sorted and space-separated, without those that start the next one: in sorted order, a
/// word that starts any other word starts the one right after it.
fn line(words: WordSet) -> String {
    let mut words: Vec<String> = words.into_iter().collect();
    words.sort_unstable();
    let mut out = String::new();
    for (i, word) in words.iter().enumerate() {
        if words
            .get(i + 1)
            .is_some_and(|next| next.starts_with(word.as_str()))
        {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Characters inside an identifier that a reader may type as a space.
const SEPARATORS: [char; 3] = ['_', '-', '.'];

/// Words of a text: runs of letters, digits and [`SEPARATORS`], without separators at either
/// end; one-letter words are left out (a one-letter query matches nearly everything anyway).
/// The page's script splits a query the same way.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || SEPARATORS.contains(&c)))
        .map(|t| t.trim_matches(SEPARATORS.as_slice()))
        .filter(|t| t.chars().nth(1).is_some())
}

/// `KubePodCrashLooping` → `kube pod crash looping`; `HTTPServer_5xx` → `http server 5xx`.
pub fn split_identifier(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if SEPARATORS.contains(&c) {
            flush(&mut parts, &mut current);
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let lower_to_upper = prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit());
        let acronym_end =
            prev.is_some_and(char::is_uppercase) && next.is_some_and(char::is_lowercase);
        if c.is_uppercase() && (lower_to_upper || acronym_end) {
            flush(&mut parts, &mut current);
        }
        current.extend(c.to_lowercase());
    }
    flush(&mut parts, &mut current);
    parts
}

fn flush(parts: &mut Vec<String>, current: &mut String) {
    if !current.is_empty() {
        parts.push(std::mem::take(current));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_split_at_case_and_separators() {
        let split = |s: &str| split_identifier(s).join(" ");
        assert_eq!(split("KubePodCrashLooping"), "kube pod crash looping");
        assert_eq!(split("HTTPServerDown"), "http server down");
        assert_eq!(split("api_5xx_rate"), "api 5xx rate");
        assert_eq!(split("Pod2Restarts"), "pod2 restarts");
        assert_eq!(split("x-request-id"), "x request id");
    }

    #[test]
    fn words_are_distinct_lowercased_joined_and_sorted() {
        let mut words = Words::default();
        words.add("The `x-request-id` header; the http_request_duration_seconds, The end.");
        words.add("KubePodCrashLooping a headers http");
        assert_eq!(
            line(words.seen),
            "end headers http_request_duration_seconds httprequestdurationseconds \
             kubepodcrashlooping the x-request-id xrequestid"
        );
    }

    #[test]
    fn words_every_failure_mode_has_are_written_once() {
        let set = |s: &str| s.split(' ').map(str::to_owned).collect::<WordSet>();
        let mut sets = [set("pool db slow"), set("pool db errors"), set("db pool")];
        assert_eq!(line(take_shared(&mut sets)), "db pool");
        assert_eq!(sets.map(line), ["slow", "errors", ""]);
        let mut one = [set("pool db")];
        assert!(
            take_shared(&mut one).is_empty(),
            "one failure mode keeps its words"
        );
        assert_eq!(line(one[0].clone()), "db pool");
    }
}
