//! From alert to page: every alert name a failure mode lists gets a stable page
//! (`alerts/<AlertName>.html`, what a rule's `runbook_url` points at), listed in `alerts/index.html`
//! and in `alerts.json` for tools. An alert that leads to one failure mode forwards there.
//!
//! Names become file names: one that is not `^[A-Za-z_][A-Za-z0-9_]*$` (lint reports it) gets no
//! page, and so appears nowhere a page would be linked.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compile::CompiledRunbook;
use crate::model::{AlertRef, Config, FailureMode, Sp};

/// One failure mode an alert leads to, with the severity it was listed with.
#[derive(Clone, Debug, Hash, Serialize)]
pub struct AlertUse {
    pub runbook: String,
    pub runbook_title: String,
    /// The runbook's page, relative to the site root.
    pub runbook_page: String,
    pub owner: String,
    pub failure_mode: String,
    pub failure_mode_title: String,
    /// The failure mode's page, relative to the site root.
    pub page: String,
    /// The alert's `severity` label as the failure mode lists it.
    pub severity: Option<String>,
    /// That label mapped by `severity_map`.
    pub opsbook_severity: Option<&'static str>,
}

/// An alert's page.
#[derive(Clone, Debug, Hash, Serialize)]
pub struct AlertPage {
    pub name: String,
    /// Relative to the site root: `alerts/<name>.html`.
    pub page: String,
    /// Sorted by runbook, failure mode and severity; a listing written twice is shown once.
    pub uses: Vec<AlertUse>,
    /// The pages of the failure modes it leads to, once each (a failure mode may list an alert
    /// with two severities).
    pub failure_modes: Vec<String>,
    /// The one failure mode's page when it leads to only one: the alert's page forwards there.
    pub forward: Option<String>,
}

/// An alert as a failure mode's page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct AlertBadge {
    pub name: String,
    pub severity: Option<String>,
    pub opsbook_severity: Option<&'static str>,
    /// The alert's page, when it lists several failure modes (with one, it forwards back here).
    pub page: Option<String>,
}

/// Every alert of the runbooks (sorted by id), by name.
pub fn collect(runbooks: &[&CompiledRunbook], config: &Config) -> Vec<AlertPage> {
    let mut by_name: BTreeMap<&str, Vec<AlertUse>> = BTreeMap::new();
    for loaded in runbooks {
        for fm in &loaded.runbook.failure_modes {
            for alert in fm.alerts.iter().filter(|a| is_safe_name(&a.name)) {
                let entry = by_name.entry(alert.name.value.as_str()).or_default();
                entry.push(alert_use(loaded, fm, alert, config));
            }
        }
    }
    by_name.into_iter().map(|(n, uses)| page(n, uses)).collect()
}

/// A hash of everything [`collect`] reads from the runbooks (the config aside): the same key,
/// the same alert pages. Hashing is a tenth of collecting them, which `serve` did on every
/// rebuild though an edit seldom touches an alert.
pub fn source_key(runbooks: &[&CompiledRunbook]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for loaded in runbooks {
        (
            &loaded.id,
            &loaded.runbook.title.value,
            &loaded.runbook.owner.value,
        )
            .hash(&mut hasher);
        for fm in &loaded.runbook.failure_modes {
            (&fm.id.value, &fm.title.value).hash(&mut hasher);
            for alert in &fm.alerts {
                let severity = alert.severity.as_ref().map(|s| &s.value);
                (&alert.name.value, severity).hash(&mut hasher);
            }
        }
    }
    hasher.finish()
}

fn alert_use(
    loaded: &CompiledRunbook,
    fm: &FailureMode,
    alert: &Sp<AlertRef>,
    config: &Config,
) -> AlertUse {
    let severity = alert.severity.as_ref().map(|s| s.value.clone());
    AlertUse {
        runbook: loaded.id.clone(),
        runbook_title: loaded.runbook.title.value.clone(),
        runbook_page: format!("{}/index.html", loaded.id),
        owner: loaded.runbook.owner.value.clone(),
        failure_mode: fm.id.value.clone(),
        failure_mode_title: fm.title.value.clone(),
        page: format!("{}/{}.html", loaded.id, fm.id.value),
        opsbook_severity: mapped(severity.as_deref(), config),
        severity,
    }
}

fn mapped(label: Option<&str>, config: &Config) -> Option<&'static str> {
    label
        .and_then(|l| config.map_severity(l))
        .map(|s| s.as_str())
}

/// What makes two uses of an alert the same, by reference: a key of clones cost an allocation
/// per comparison.
fn use_key(u: &AlertUse) -> (&str, &str, Option<&str>) {
    (&u.runbook, &u.failure_mode, u.severity.as_deref())
}

fn page(name: &str, mut uses: Vec<AlertUse>) -> AlertPage {
    uses.sort_by(|a, b| use_key(a).cmp(&use_key(b)));
    uses.dedup_by(|a, b| use_key(a) == use_key(b));
    // Most alerts have one use, in a vector grown to four: 6 MB of 10,000 alerts.
    uses.shrink_to_fit();
    let mut failure_modes: Vec<String> = uses.iter().map(|u| u.page.clone()).collect();
    failure_modes.dedup();
    let forward = match failure_modes.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    };
    AlertPage {
        name: name.to_owned(),
        page: format!("alerts/{name}.html"),
        uses,
        failure_modes,
        forward,
    }
}

/// The alerts of one failure mode, for the top of its page.
pub fn badges(fm: &FailureMode, config: &Config, alerts: &[AlertPage]) -> Vec<AlertBadge> {
    fm.alerts
        .iter()
        .map(|a| {
            let severity = a.severity.as_ref().map(|s| s.value.clone());
            let page = alerts
                .binary_search_by(|p| p.name.as_str().cmp(&a.name.value))
                .ok()
                .map(|i| &alerts[i])
                .filter(|p| p.forward.is_none())
                .map(|p| p.page.clone());
            AlertBadge {
                name: a.name.value.clone(),
                opsbook_severity: mapped(severity.as_deref(), config),
                severity,
                page,
            }
        })
        .collect()
}

/// An alert name that can be a file name in `alerts/`: the lint's pattern, not too long for a
/// file system, and not `index` (the alerts' own index page), in any case.
pub fn is_safe_name(name: &str) -> bool {
    crate::model::is_label_name(name) && name.len() <= 200 && !name.eq_ignore_ascii_case("index")
}

/// The alerts' index page and JSON, written by every build.
pub const INDEX: &str = "alerts/index.html";
pub const JSON: &str = "alerts.json";

/// `alerts.json`: `{"alerts": {NAME: {"page", "url" (with site_url), "failure_modes": [...]}}}`,
/// sorted by name, then as [`AlertPage::uses`] are.
pub fn json(alerts: &[AlertPage], site_url: Option<&str>) -> String {
    // Serialized from borrowed structs: building a `serde_json::Value` first (a copy of every
    // string, an ordered map per entry) was a seventh of `serve`'s rebuild after a title edit.
    let doc = JsonDoc {
        alerts: JsonAlerts { alerts, site_url },
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    alerts: JsonAlerts<'a>,
}

/// The alerts by name, in their order (sorted by name).
struct JsonAlerts<'a> {
    alerts: &'a [AlertPage],
    site_url: Option<&'a str>,
}

impl Serialize for JsonAlerts<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.alerts.len()))?;
        for alert in self.alerts {
            let entry = JsonAlert {
                page: &alert.page,
                url: self.site_url.map(|base| format!("{base}{}", alert.page)),
                failure_modes: alert.uses.iter().map(JsonUse::of).collect(),
            };
            map.serialize_entry(&alert.name, &entry)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct JsonAlert<'a> {
    page: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    failure_modes: Vec<JsonUse<'a>>,
}

#[derive(Serialize)]
struct JsonUse<'a> {
    runbook: &'a str,
    failure_mode: &'a str,
    page: &'a str,
    severity: Option<&'a str>,
    opsbook_severity: Option<&'static str>,
}

impl<'a> JsonUse<'a> {
    fn of(u: &'a AlertUse) -> Self {
        JsonUse {
            runbook: &u.runbook,
            failure_mode: &u.failure_mode,
            page: &u.page,
            severity: u.severity.as_deref(),
            opsbook_severity: u.opsbook_severity,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value, json};

    #[test]
    fn safe_names() {
        for ok in ["KubePodCrashLooping", "_x", "A1_b"] {
            assert!(is_safe_name(ok), "{ok}");
        }
        let long = "A".repeat(201);
        for bad in [
            "", "1a", "a-b", "a.b", "../x", "a/b", "<s>", "Index", "index", &long,
        ] {
            assert!(!is_safe_name(bad), "{bad}");
        }
    }

    /// The JSON for tools is the text a `serde_json::Value` of the documented shape prints.
    #[test]
    fn json_prints_as_the_documented_value() {
        let one = |runbook: &str, severity: Option<&str>, mapped: Option<&'static str>| AlertUse {
            runbook: runbook.to_owned(),
            runbook_title: "T".to_owned(),
            runbook_page: format!("{runbook}/index.html"),
            owner: "o".to_owned(),
            failure_mode: "fm".to_owned(),
            failure_mode_title: "F \"q\" é".to_owned(),
            page: format!("{runbook}/fm.html"),
            severity: severity.map(str::to_owned),
            opsbook_severity: mapped,
        };
        let alerts = vec![
            page(
                "ApiDown",
                vec![
                    one("api", Some("critical"), Some("sev1")),
                    one("db", None, None),
                ],
            ),
            page("Zed", vec![one("z/y", Some("x"), None)]),
        ];
        for site_url in [None, Some("https://runbooks.example.com/")] {
            let mut expected = Map::new();
            for alert in &alerts {
                let mut entry = Map::new();
                entry.insert("page".into(), alert.page.clone().into());
                if let Some(base) = site_url {
                    entry.insert("url".into(), format!("{base}{}", alert.page).into());
                }
                let uses: Vec<Value> = alert
                    .uses
                    .iter()
                    .map(|u| {
                        json!({
                            "runbook": u.runbook,
                            "failure_mode": u.failure_mode,
                            "page": u.page,
                            "severity": u.severity,
                            "opsbook_severity": u.opsbook_severity,
                        })
                    })
                    .collect();
                entry.insert("failure_modes".into(), uses.into());
                expected.insert(alert.name.clone(), Value::Object(entry));
            }
            let expected =
                serde_json::to_string_pretty(&json!({ "alerts": expected })).expect("json");
            assert_eq!(json(&alerts, site_url), format!("{expected}\n"));
        }
        assert_eq!(json(&[], None), "{\n  \"alerts\": {}\n}\n");
    }
}
