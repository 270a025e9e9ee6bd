//! Prometheus rule files read with positions: plain `groups:` files and `PrometheusRule`
//! manifests, several documents per file. Only what the cross-check needs is kept (each alerting
//! rule's name and `runbook_url`); recording rules and documents of other kinds are skipped.
//!
//! The file is walked as a tree rather than deserialized into structs: Prometheus owns the rule
//! format and keeps adding fields, and a field opsbook does not know is not a finding here.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::load::{self, Node, NodeKind};
use crate::model::Sp;
use crate::rule::Rule;
use crate::source::{Pos, SourceFile};

/// An alerting rule: its name and `runbook_url` annotation, each where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertRule {
    pub name: Sp<String>,
    /// Absent when the annotation is missing, empty or null.
    pub runbook_url: Option<Sp<String>>,
}

/// One rule file as read: its text (to show lines), its alerting rules, and what could not be
/// read.
#[derive(Debug)]
pub struct RuleFile {
    pub path: PathBuf,
    pub source: Option<SourceFile>,
    pub alerts: Vec<AlertRule>,
    pub diagnostics: Vec<Diagnostic>,
}

impl RuleFile {
    /// Whether every alert of the file was read. A duplicate key loses nothing (the first is
    /// kept); any other problem may have hidden alerts.
    pub fn complete(&self) -> bool {
        self.diagnostics
            .iter()
            .all(|d| d.rule == Rule::DuplicateKey)
    }
}

/// Reads the rule file at `path`.
pub fn read(path: &Path) -> RuleFile {
    let source = match load::read_source(path) {
        Ok(source) => source,
        Err(d) => {
            return RuleFile {
                path: path.to_path_buf(),
                source: None,
                alerts: Vec::new(),
                diagnostics: vec![d],
            };
        }
    };
    let documents = load::parse_documents(&source);
    let mut reader = Reader {
        file: &source,
        alerts: Vec::new(),
        out: documents.diagnostics,
    };
    for document in &documents.nodes {
        reader.document(document);
    }
    let (alerts, diagnostics) = (reader.alerts, reader.out);
    RuleFile {
        path: path.to_path_buf(),
        source: Some(source),
        alerts,
        diagnostics,
    }
}

/// Walks one file's documents, collecting alerting rules and shape problems.
struct Reader<'f> {
    file: &'f SourceFile,
    alerts: Vec<AlertRule>,
    out: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn invalid(&mut self, pos: Pos, message: String) {
        let help = "a rule file is `groups: [{name, rules: [{alert, expr, annotations}]}]`, or a PrometheusRule with them under `spec:`";
        let d = Diagnostic::new(Rule::InvalidRuleFile, &self.file.path, pos, message);
        self.out.push(d.help(help));
    }

    /// A plain rule file's document, a `PrometheusRule`, or another manifest (skipped).
    fn document(&mut self, doc: &Node) {
        match &doc.kind {
            NodeKind::Map(_) => {}
            // `---` with nothing after it, or a document of comments only.
            _ if is_null(doc) => return,
            _ => {
                let message = format!(
                    "a rule file document is a mapping with `groups`, not {}",
                    describe(doc)
                );
                return self.invalid(doc.pos, message);
            }
        }
        match doc.get("kind").map(|k| k.text()) {
            None => self.groups(doc.get("groups"), doc.pos, "`groups`"),
            Some(Some("PrometheusRule")) => match doc.get("spec") {
                Some(spec) => self.groups(spec.get("groups"), spec.pos, "`spec.groups`"),
                None => self.invalid(doc.pos, "a PrometheusRule without `spec`".into()),
            },
            // A ConfigMap, a Deployment: manifests often travel in the same file.
            Some(_) => {}
        }
    }

    fn groups(&mut self, groups: Option<&Node>, parent: Pos, what: &str) {
        let Some(groups) = groups else {
            return self.invalid(parent, format!("no {what} list"));
        };
        match &groups.kind {
            NodeKind::Seq(items) => items.iter().for_each(|g| self.group(g)),
            // `groups:` with nothing under it holds no groups, as Prometheus reads it.
            _ if is_null(groups) => {}
            _ => {
                let message = format!("{what} is {}, not a list", describe(groups));
                self.invalid(groups.pos, message)
            }
        }
    }

    fn group(&mut self, group: &Node) {
        if !matches!(group.kind, NodeKind::Map(_)) {
            let message = format!("a group is a mapping with `rules`, not {}", describe(group));
            return self.invalid(group.pos, message);
        }
        match group.get("rules") {
            Some(Node {
                kind: NodeKind::Seq(rules),
                ..
            }) => rules.iter().for_each(|r| self.rule(r)),
            Some(rules) if !is_null(rules) => {
                let message = format!("`rules` is {}, not a list", describe(rules));
                self.invalid(rules.pos, message)
            }
            // A group without rules is allowed, as Prometheus allows it.
            _ => {}
        }
    }

    fn rule(&mut self, rule: &Node) {
        if !matches!(rule.kind, NodeKind::Map(_)) {
            let message = format!("a rule is a mapping, not {}", describe(rule));
            return self.invalid(rule.pos, message);
        }
        match (rule.get("alert"), rule.get("record")) {
            (Some(alert), _) => match alert.text() {
                Some(name) => self.alerts.push(AlertRule {
                    name: Sp::new(name.to_owned(), alert.pos),
                    runbook_url: runbook_url(rule),
                }),
                None => {
                    let message = format!("`alert` is {}, not a name", describe(alert));
                    self.invalid(alert.pos, message)
                }
            },
            (None, Some(_)) => {}
            (None, None) => {
                self.invalid(rule.pos, "a rule with neither `alert` nor `record`".into())
            }
        }
    }
}

/// `annotations.runbook_url`, when it holds some text.
fn runbook_url(rule: &Node) -> Option<Sp<String>> {
    let node = rule.get("annotations")?.get("runbook_url")?;
    let url = node.text()?.trim();
    (!url.is_empty()).then(|| Sp::new(url.to_owned(), node.pos))
}

/// `~`, `null` or nothing at all.
fn is_null(node: &Node) -> bool {
    matches!(node.kind, NodeKind::Scalar { .. }) && node.text().is_none()
}

/// A node as a message names it.
fn describe(node: &Node) -> String {
    match (&node.kind, node.text()) {
        (NodeKind::Seq(_), _) => "a list".into(),
        (NodeKind::Map(_), _) => "a mapping".into(),
        (_, Some(text)) => format!("the text `{text}`"),
        (_, None) => "an empty value".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> RuleFile {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("rules.yaml");
        std::fs::write(&path, text).expect("write");
        read(&path)
    }

    fn found(file: &RuleFile) -> Vec<(Rule, u32, u32)> {
        let at = |d: &Diagnostic| (d.rule, d.pos.line, d.pos.column);
        file.diagnostics.iter().map(at).collect()
    }

    #[test]
    fn alerting_rules_of_a_groups_file() {
        let file = read_text(
            "groups:\n  - name: api\n    rules:\n      - record: job:up:sum\n        expr: sum(up)\n      \
             - alert: ApiDown\n        expr: up == 0\n        annotations:\n          runbook_url: 'https://r/x.html'\n      \
             - alert: ApiSlow\n        annotations: { summary: slow, runbook_url: '' }\n",
        );
        assert!(file.diagnostics.is_empty(), "{:?}", file.diagnostics);
        let names: Vec<&str> = file.alerts.iter().map(|a| a.name.value.as_str()).collect();
        assert_eq!(names, ["ApiDown", "ApiSlow"]);
        assert_eq!(file.alerts[0].name.pos, Pos::new(6, 16));
        let url = file.alerts[0].runbook_url.as_ref().expect("a url");
        assert_eq!(
            (url.value.as_str(), url.pos),
            ("https://r/x.html", Pos::new(9, 24))
        );
        assert_eq!(
            file.alerts[1].runbook_url, None,
            "an empty annotation is none"
        );
    }

    #[test]
    fn prometheus_rule_manifests_among_other_documents() {
        let file = read_text(
            "apiVersion: v1\nkind: ConfigMap\ndata: { a: b }\n---\napiVersion: monitoring.coreos.com/v1\n\
             kind: PrometheusRule\nspec:\n  groups:\n    - name: k8s\n      rules:\n        - alert: KubePodCrashLooping\n",
        );
        assert!(file.diagnostics.is_empty(), "{:?}", file.diagnostics);
        assert_eq!(file.alerts[0].name.value, "KubePodCrashLooping");
        assert_eq!(file.alerts[0].name.pos.line, 11);
    }

    #[test]
    fn shapes_that_are_not_rule_files_are_findings_at_their_place() {
        let file = read_text(
            "title: not rules\n---\nkind: PrometheusRule\nspec: { groups: 5 }\n---\n- a\n---\n\
             groups:\n  - name: g\n    rules:\n      - expr: up\n      - alert: [x]\n",
        );
        let expected = [
            (Rule::InvalidRuleFile, 1, 1),
            (Rule::InvalidRuleFile, 4, 17),
            (Rule::InvalidRuleFile, 6, 1),
            (Rule::InvalidRuleFile, 11, 9),
            (Rule::InvalidRuleFile, 12, 16),
        ];
        assert_eq!(found(&file), expected);
        assert!(!file.complete());
        assert_eq!(file.diagnostics[0].message, "no `groups` list");
        assert_eq!(
            file.diagnostics[1].message,
            "`spec.groups` is the text `5`, not a list"
        );
    }

    #[test]
    fn yaml_that_does_not_parse_is_invalid_yaml_and_keeps_earlier_documents() {
        let file = read_text("groups:\n  - name: g\n    rules: [{alert: A}]\n---\ngroups: [\n");
        assert_eq!(file.alerts.len(), 1);
        assert_eq!(file.diagnostics[0].rule, Rule::InvalidYaml);
        assert!(!file.complete());
    }

    #[test]
    fn empty_files_and_documents_hold_no_rules() {
        let file = read_text("# nothing yet\n---\n");
        assert!(file.diagnostics.is_empty() && file.alerts.is_empty());
        assert!(file.complete());
    }
}
