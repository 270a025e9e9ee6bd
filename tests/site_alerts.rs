//! From alert to page, on the built site: alert pages (forward or list), `alerts/index.html`,
//! `alerts.json`, the top of a failure-mode page (alerts, summary, links, impact, escalation,
//! the "First safe action" box), params as inputs filling commands and code, and the search
//! index. The browser part at the end runs only when `OPSBOOK_CHROMIUM` names a Chromium.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

mod support;

use support::Project;

const CONFIG: &str = "title: Shop book\n";

/// Nested id, params, two alerts of which one leads to two failure modes (and is listed with two
/// severities in one of them), impact, escalation, links, no low-risk action in `crash-looping`.
const PODS: &str = r#"
title: Kubernetes pods
service: shop
owner: team-platform
last_reviewed: 2026-11-20
summary: |
  Pods of the shop, started by `kubectl -n {{ namespace }} rollout`.

  A second paragraph, only on the runbook's own page.
links:
  - { title: Cluster dashboard, url: "https://grafana.example.com/d/cluster" }
params:
  namespace: { description: Kubernetes namespace, default: default }
  pod: { description: The pod that alerts }
targets:
  local: http://127.0.0.1:3000
checks:
  - id: ready
    title: Is the x-request-id echoed by the ready pod?
    curl: 'curl -i -H "x-request-id: {{ request_id }}" {{ target }}/readyz?ns={{ namespace }}'
    expect: { status: 200 }
failure_modes:
  - id: crash-looping
    title: Crash looping
    severity: sev2
    alerts:
      - { name: KubePodCrashLooping, severity: warning }
      - { name: KubePodCrashLooping, severity: critical }
    impact: Requests to the pod's service **fail** while it restarts.
    escalation: Page `team-platform` secondary; then the service owner.
    links: [{ title: Pod restarts dashboard, url: "https://grafana.example.com/d/pods" }]
    symptoms: [Restarts climb in http_request_duration_seconds]
    hypotheses:
      - cause: The process crashes at start
        verify: "`kubectl -n {{ namespace }} logs {{ pod }} --previous` shows it; `echo {{ x }}` does not"
      - cause: The pod is OOM killed
        verify: |
          ```sh
          kubectl -n {{ namespace }} describe pod {{ pod }}
          ```
    checks: [ready]
    actions:
      - id: delete-pod
        title: Delete the pod
        risk: high
        hypothesis: A fresh pod recovers.
        verification: Restarts stop within 5 minutes.
        steps: "`kubectl -n {{ namespace }} delete pod {{ pod }}`"
        confirm: [ready]
  - id: oom
    title: Out of memory
    severity: sev3
    alerts: [{ name: KubePodCrashLooping, severity: warning }, { name: KubeContainerOOMKilled }]
    symptoms: [Containers restart with exit code 137]
    hypotheses:
      - cause: A memory leak
        verify: The memory graph climbs until the kill.
    checks: [ready]
    actions:
      - id: raise-limit
        title: Raise the memory limit
        risk: low
        steps: "`curl {{ target }}/limits`"
        confirm: [ready]
"#;

const API: &str = r#"
title: API
service: shop
owner: team-api
last_reviewed: 2026-11-20
targets:
  local: http://127.0.0.1:3000
checks:
  - id: healthz
    curl: curl -i {{ target }}/healthz
    expect: { status: 200 }
failure_modes:
  - id: errors
    title: Error spike
    severity: sev1
    alerts: [{ name: ApiHighErrorRate, severity: critical }]
    symptoms: [500s]
    hypotheses:
      - cause: A bad deploy
        verify: Deploy history
    checks: [healthz]
    actions:
      - id: roll-back
        title: Roll back
        risk: low
        confirm: [healthz]
"#;

fn project() -> Project {
    Project::new()
        .config(CONFIG)
        .runbook("k8s/pods", PODS)
        .runbook("api", API)
}

/// `project` built into `book/` beside it; the project is returned to keep its folder alive.
fn built(project: Project) -> (Project, PathBuf) {
    let out = project.beside("book");
    project.build(&out).assert_ok();
    (project, out)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn head_of(html: &str) -> &str {
    &html[..html.find("</head>").expect("</head>")]
}

fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("<main>");
    let end = html.find("</main>").expect("</main>") + "</main>".len();
    &html[start..end]
}

/// The `<tr>` rows of a page, in order.
fn rows(html: &str) -> Vec<&str> {
    html.split("<tr")
        .skip(1)
        .map(|r| r.split("</tr>").next().unwrap_or(""))
        .collect()
}

#[test]
fn an_alert_with_one_failure_mode_forwards_there() {
    let (_p, out) = built(project());
    let html = read(&out.join("alerts/ApiHighErrorRate.html"));
    let head = head_of(&html);
    assert!(
        head.contains(
            "<script type=\"application/json\" id=\"forward\">\"../api/errors.html\"</script>"
        ),
        "{head}"
    );
    assert!(head.contains(
        "<noscript><meta http-equiv=\"refresh\" content=\"0; url=..&#x2f;api&#x2f;errors.html\"></noscript>"
    ));
    assert!(head.contains("<script src=\"..&#x2f;alert.js\"></script>"));
    assert!(head.contains("Content-Security-Policy"));
    assert!(
        html.contains(
            "<a id=\"alert-forward\" class=\"carry\" href=\"..&#x2f;api&#x2f;errors.html\">Error spike</a>"
        ),
        "a visible link: {html}"
    );
    // Listed with two severities, one failure mode: it still forwards.
    let oom = read(&out.join("alerts/KubeContainerOOMKilled.html"));
    assert!(oom.contains("id=\"forward\">\"../k8s/pods/oom.html\"</script>"));
    let script = read(&out.join("alert.js"));
    assert!(script.contains(
        "location.replace(JSON.parse(forward.textContent) + location.search + location.hash)"
    ));
    insta::assert_snapshot!("alert_forward", main_of(&html));
}

#[test]
fn an_alert_with_several_failure_modes_lists_them() {
    let (_p, out) = built(project());
    let html = read(&out.join("alerts/KubePodCrashLooping.html"));
    assert!(!html.contains("id=\"forward\"") && !html.contains("http-equiv=\"refresh\""));
    assert!(
        head_of(&html).contains("alert.js"),
        "the script carries the query"
    );
    assert!(
        html.contains("This alert leads to 2 failure modes"),
        "{html}"
    );
    let rows = rows(main_of(&html));
    assert_eq!(
        rows.len(),
        4,
        "a header and one row per failure mode and severity"
    );
    for (row, (page, title, severity, sev)) in rows[1..].iter().zip([
        ("crash-looping", "Crash looping", "critical", "sev1"),
        ("crash-looping", "Crash looping", "warning", "sev3"),
        ("oom", "Out of memory", "warning", "sev3"),
    ]) {
        let link = format!(
            "<a class=\"carry\" href=\"..&#x2f;k8s&#x2f;pods&#x2f;{page}.html\">{title}</a>"
        );
        assert!(row.contains(&link), "{row}");
        assert!(row.contains(&format!("<span class=\"alert-sev\">{severity}</span> → <span class=\"sev sev-{sev}\">{sev}</span>")), "{row}");
        assert!(
            row.contains("Kubernetes pods") && row.contains("<td>team-platform</td>"),
            "{row}"
        );
    }
    insta::assert_snapshot!("alert_list", main_of(&html));
}

#[test]
fn the_alerts_index_has_a_row_per_alert_and_failure_mode() {
    let (_p, out) = built(project());
    let html = read(&out.join("alerts/index.html"));
    let alerts: Vec<&str> = rows(main_of(&html))
        .iter()
        .filter_map(|r| r.split("data-alert=\"").nth(1)?.split('"').next())
        .collect();
    assert_eq!(
        alerts,
        [
            "ApiHighErrorRate",
            "KubeContainerOOMKilled",
            "KubePodCrashLooping",
            "KubePodCrashLooping",
            "KubePodCrashLooping"
        ]
    );
    assert!(
        html.contains("<td><span class=\"alert-sev none\">no label</span></td>"),
        "unlabelled"
    );
    insta::assert_snapshot!("alerts_index", main_of(&html));
    let index = read(&out.join("index.html"));
    assert!(index.contains("href=\"alerts/index.html\" id=\"alerts-link\">3 alerts</a>"));
    let page = read(&out.join("k8s/pods/oom.html"));
    assert!(
        page.contains("<li><a href=\"..&#x2f;..&#x2f;alerts/index.html\">Alerts</a></li>"),
        "nav"
    );
}

#[test]
fn alerts_json_for_tools_with_and_without_site_url() {
    let (project, out) = built(project());
    let json: Value = serde_json::from_str(&read(&out.join("alerts.json"))).expect("JSON");
    let crash = |sev: &str, opsbook: &str| json!({"runbook": "k8s/pods", "failure_mode": "crash-looping", "page": "k8s/pods/crash-looping.html", "severity": sev, "opsbook_severity": opsbook});
    let expected = json!({"alerts": {
        "ApiHighErrorRate": {"page": "alerts/ApiHighErrorRate.html", "failure_modes": [
            {"runbook": "api", "failure_mode": "errors", "page": "api/errors.html", "severity": "critical", "opsbook_severity": "sev1"}]},
        "KubeContainerOOMKilled": {"page": "alerts/KubeContainerOOMKilled.html", "failure_modes": [
            {"runbook": "k8s/pods", "failure_mode": "oom", "page": "k8s/pods/oom.html", "severity": null, "opsbook_severity": null}]},
        "KubePodCrashLooping": {"page": "alerts/KubePodCrashLooping.html", "failure_modes": [
            crash("critical", "sev1"), crash("warning", "sev3"),
            {"runbook": "k8s/pods", "failure_mode": "oom", "page": "k8s/pods/oom.html", "severity": "warning", "opsbook_severity": "sev3"}]},
    }});
    assert_eq!(json, expected);
    let names: Vec<&String> = json["alerts"].as_object().expect("map").keys().collect();
    assert!(names.is_sorted(), "{names:?}");

    project.write(
        "opsbook.yaml",
        "title: Shop book\nsite_url: https://runbooks.example.com/book\nseverity_map: { critical: sev2, warning: sev4 }\n",
    );
    project.build(&out).assert_ok();
    let json: Value = serde_json::from_str(&read(&out.join("alerts.json"))).expect("JSON");
    let crash = &json["alerts"]["KubePodCrashLooping"];
    assert_eq!(
        crash["url"],
        "https://runbooks.example.com/book/alerts/KubePodCrashLooping.html"
    );
    assert_eq!(
        crash["failure_modes"][0]["opsbook_severity"], "sev2",
        "severity_map is used"
    );
    assert_eq!(crash["failure_modes"][1]["opsbook_severity"], "sev4");
}

#[test]
fn a_failure_mode_page_starts_with_alerts_impact_escalation_summary_and_links() {
    let (_p, out) = built(project());
    let html = read(&out.join("k8s/pods/crash-looping.html"));
    let main = main_of(&html);
    let glance = &main[main.find("id=\"glance\"").expect("glance")
        ..main.find("id=\"first-safe\"").expect("first safe")];
    // An alert with several failure modes links to its page (one with one would forward back).
    assert!(glance.contains("<li data-alert=\"KubePodCrashLooping\"><a href=\"..&#x2f;..&#x2f;alerts&#x2f;KubePodCrashLooping.html\"><code>KubePodCrashLooping</code></a> <span class=\"alert-sev\">warning</span> → <span class=\"sev sev-sev3\">sev3</span></li>"), "{glance}");
    assert!(glance.contains(
        "<span class=\"alert-sev\">critical</span> → <span class=\"sev sev-sev1\">sev1</span>"
    ));
    assert!(glance.contains("<dd class=\"md\" id=\"impact\"><p>Requests to the pod's service <strong>fail</strong> while it restarts.</p>"), "{glance}");
    assert!(glance.contains(
        "<dd class=\"md\" id=\"escalation\"><p>Page <code>team-platform</code> secondary"
    ));
    assert!(
        glance.contains("id=\"runbook-summary\"><p>Pods of the shop"),
        "{glance}"
    );
    assert!(
        !main.contains("A second paragraph"),
        "the summary's first paragraph only"
    );
    let own = glance
        .find(">Pod restarts dashboard</a>")
        .expect("the failure mode's link");
    let runbook = glance
        .find(">Cluster dashboard</a>")
        .expect("the runbook's link");
    assert!(own < runbook, "its own links first");
    assert!(glance.contains("href=\"https:&#x2f;&#x2f;grafana.example.com&#x2f;d&#x2f;pods\" rel=\"noopener noreferrer\""));
    // With one failure mode the alert's page would forward straight back: no link.
    let oom = read(&out.join("k8s/pods/oom.html"));
    assert!(oom.contains("<li data-alert=\"KubeContainerOOMKilled\"><code>KubeContainerOOMKilled</code> <span class=\"alert-sev none\">no label</span></li>"), "{oom}");
    // Nothing to show, no list.
    let api = read(&out.join("api/errors.html"));
    assert!(!api.contains("id=\"impact\"") && !api.contains("id=\"links\""));
}

#[test]
fn without_a_low_risk_action_the_box_says_verify_first() {
    let (_p, out) = built(project());
    let html = read(&out.join("k8s/pods/crash-looping.html"));
    let start = html
        .find("<aside class=\"first first-none\"")
        .expect("the box stays");
    let aside = &html[start..start + html[start..].find("</aside>").expect("end")];
    assert!(
        aside.contains("<h2 id=\"first-safe\">First safe action</h2>"),
        "{aside}"
    );
    assert!(aside.contains(
        "<p id=\"no-safe-action\">No low-risk action is written for this failure mode: <a href=\"#hypotheses\">verify a hypothesis first</a>.</p>"
    ));
    assert!(!aside.contains("class=\"md steps\""), "no empty steps");
    let oom = read(&out.join("k8s/pods/oom.html"));
    assert!(
        oom.contains(
            "First safe action: <a href=\"#action-raise-limit\">Raise the memory limit</a>"
        )
    );
    assert!(!oom.contains("no-safe-action"));
}

#[test]
fn params_are_inputs_and_fill_commands_and_code() {
    let (_p, out) = built(project());
    let html = read(&out.join("k8s/pods/crash-looping.html"));
    let bar = &html[html.find("id=\"targetbar\"").expect("bar")..];
    let bar = &bar[..bar.find("</div>").expect("end")];
    assert!(bar.contains("<label for=\"param-namespace\">Kubernetes namespace</label> <input id=\"param-namespace\" type=\"text\" data-param=\"namespace\" value=\"default\" placeholder=\"namespace\""), "{bar}");
    assert!(bar.contains("<input id=\"param-pod\" type=\"text\" data-param=\"pod\" value=\"\" placeholder=\"pod\""), "{bar}");
    // A check: raw in data-template, the defaults filled in for readers without script.
    assert!(html.contains("data-template=\"curl -i -H &quot;x-request-id: {{ request_id }}&quot; {{ target }}&#x2f;readyz?ns={{ namespace }}\">curl -i -H &quot;x-request-id: {{ request_id }}&quot; http:&#x2f;&#x2f;127.0.0.1:3000&#x2f;readyz?ns=default</code>"), "{html}");
    // Code spans and blocks with a declared placeholder; an undeclared one stays plain.
    assert!(html.contains("<code data-template=\"kubectl -n {{ namespace }} logs {{ pod }} --previous\">kubectl -n {{ namespace }} logs {{ pod }} --previous</code>"));
    assert!(
        html.contains("<code>echo {{ x }}</code>"),
        "undeclared: no data-template"
    );
    assert!(html.contains("<pre><code class=\"language-sh\" data-template=\"kubectl -n {{ namespace }} describe pod {{ pod }}\n\">"));
    let steps = "<code data-template=\"kubectl -n {{ namespace }} delete pod {{ pod }}\">";
    assert_eq!(
        html.matches(steps).count(),
        1,
        "the steps of the high-risk action"
    );
    assert!(
        html.contains("<code data-template=\"kubectl -n {{ namespace }} rollout\">"),
        "the summary"
    );
    let oom = read(&out.join("k8s/pods/oom.html"));
    let target = "<code data-template=\"curl {{ target }}&#x2f;limits\">";
    assert_eq!(
        oom.matches(target).count(),
        2,
        "the first-safe box and the action: {oom}"
    );
    // The runbook's page: inputs beside its checks too.
    let runbook = read(&out.join("k8s/pods/index.html"));
    assert!(runbook.contains("id=\"param-namespace\""));
    assert!(runbook.contains("<code data-template=\"kubectl -n {{ namespace }} rollout\">"));
    // No params, no inputs; a page without targets marks no code.
    let api = read(&out.join("api/errors.html"));
    assert!(!api.contains("data-param"));
}

/// The lines of one of `search-index.js`'s arrays, each parsed.
fn index_lines(js: &str, var: &str) -> Vec<Value> {
    let start = js.find(&format!("window.{var}=[\n")).expect(var);
    js[start..]
        .lines()
        .skip(1)
        .take_while(|l| *l != "];")
        .map(|l| serde_json::from_str(l.trim_end_matches(',')).expect("a JSON line"))
        .collect()
}

#[test]
fn the_search_index_has_split_identifiers_and_alert_entries() {
    let (_p, out) = built(project());
    let js = read(&out.join("search-index.js"));
    let runbooks = index_lines(&js, "OPSBOOK_INDEX");
    let pods = runbooks.iter().find(|r| r[0] == "k8s/pods").expect("pods");
    let words = |v: &Value| -> Vec<String> {
        v.as_str()
            .expect("words")
            .split(' ')
            .map(str::to_owned)
            .collect()
    };
    // The script finds a query word when it is part of one of the words.
    let finds = |words: &[String], w: &str| words.iter().any(|x| x.contains(w));
    let rb_words = words(&pods[4]);
    for w in [
        "namespace",
        "pod",
        "kubernetes",
        "xrequestid",
        "x-request-id",
        "echoed",
        "rollout",
    ] {
        assert!(finds(&rb_words, w), "{w} in {rb_words:?}");
    }
    let crash = &pods[6][0];
    assert_eq!(crash[0], "crash-looping");
    let (own, shared) = (words(&crash[3]), words(&pods[5]));
    // Both failure modes list the alert: its name is written once, with the shared words.
    assert!(
        shared.contains(&"kubepodcrashlooping".to_owned()),
        "{shared:?}"
    );
    assert!(!own.contains(&"kubepodcrashlooping".to_owned()), "{own:?}");
    for line in [&own, &shared] {
        assert!(line.is_sorted(), "{line:?}");
        let once = line.windows(2).all(|w| !w[1].starts_with(w[0].as_str()));
        assert!(once, "no word twice, none that starts the next: {line:?}");
        assert!(
            line.iter()
                .all(|w| w.chars().count() > 1 && *w == w.to_lowercase())
        );
    }
    let fm_words = [own, shared].concat();
    for w in [
        "kubepodcrashlooping",
        "warning",
        "restarts",
        "http_request_duration_seconds",
        "httprequestdurationseconds",
        "fail",
        "team-platform",
        "teamplatform",
        "secondary",
        "previous",
        "oom",
        "delete",
        "fresh",
        "minutes",
    ] {
        assert!(finds(&fm_words, w), "{w} in {fm_words:?}");
    }
    for exact in [
        "http_request_duration_seconds",
        "teamplatform",
        "xrequestid",
    ] {
        let found = fm_words.contains(&exact.to_owned()) || rb_words.contains(&exact.to_owned());
        assert!(found, "{exact} is a word of its own");
    }
    let alerts = index_lines(&js, "OPSBOOK_ALERTS");
    assert_eq!(
        alerts,
        [
            json!(["ApiHighErrorRate", "api high error rate", ["api/errors"]]),
            json!([
                "KubeContainerOOMKilled",
                "kube container oom killed",
                ["k8s/pods/oom"]
            ]),
            json!([
                "KubePodCrashLooping",
                "kube pod crash looping",
                ["k8s/pods/crash-looping", "k8s/pods/oom"]
            ]),
        ]
    );
}

const HOSTILE: &str = r#"
title: Hostile
service: shop
owner: "<svg onload=alert(1)>"
last_reviewed: 2026-11-20
params:
  pod: { description: "<script>document.title='XSS'</script> pod", default: "\"><img src=x onerror=alert(1)>" }
targets:
  local: http://127.0.0.1:3000
checks:
  - id: healthz
    curl: curl -i {{ target }}/healthz
    expect: { status: 200 }
failure_modes:
  - id: boom
    title: "Boom <b onmouseover=alert(1)>"
    severity: sev1
    alerts: [{ name: SafeName, severity: "<img src=y onerror=alert(2)>" }]
    impact: "<script>alert(3)</script>"
    escalation: "[page](javascript:alert(4))"
    links: [{ title: "<i onclick=alert(5)>x</i>", url: "javascript:alert(5)" }]
    symptoms: [x]
    hypotheses:
      - cause: y
        verify: "`{{ pod }}</code><script>alert(6)</script>`"
    checks: [healthz]
"#;

#[test]
fn hostile_alert_and_param_text_stays_text() {
    // The label is mapped so that lint accepts it; the unsafe link is what the renderer must
    // neutralise, so lint is told to let it through.
    let config = "severity_map: { \"<img src=y onerror=alert(2)>\": sev1 }\nlint: { rules: { unsafe-link: off } }\n";
    let (_p, out) = built(Project::new().config(config).runbook("hostile", HOSTILE));
    let pages = [
        "hostile/boom.html",
        "hostile/index.html",
        "alerts/SafeName.html",
        "alerts/index.html",
    ];
    for page in pages {
        let html = read(&out.join(page));
        for raw in [
            "<img src",
            "<script>alert",
            "<script>document",
            "<svg",
            "<b on",
            "<i on",
            "javascript:",
        ] {
            assert!(!html.contains(raw), "{page}: {raw}");
        }
    }
    let boom = read(&out.join("hostile/boom.html"));
    assert!(
        boom.contains("value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\""),
        "the default, as an attribute"
    );
    assert!(
        boom.contains(
            "&lt;script&gt;document.title=&#x27;XSS&#x27;&lt;&#x2f;script&gt; pod</label>"
        )
    );
    assert!(boom.contains("<span class=\"alert-sev\">&lt;img src=y onerror=alert(2)&gt;</span>"));
    assert!(boom.contains("<code data-template=\"{{ pod }}&lt;&#x2f;code&gt;&lt;script&gt;alert(6)&lt;&#x2f;script&gt;\">"), "{boom}");
    let json: Value = serde_json::from_str(&read(&out.join("alerts.json"))).expect("JSON");
    assert_eq!(
        json["alerts"]["SafeName"]["failure_modes"][0]["severity"],
        "<img src=y onerror=alert(2)>"
    );
    assert!(!read(&out.join("search-index.js")).contains('<'));
}

#[test]
fn an_alert_named_index_leaves_the_alerts_index_alone() {
    let yaml = API.replace("name: ApiHighErrorRate", "name: index");
    let (_p, out) = built(Project::new().runbook("api", &yaml));
    assert_eq!(alert_files(&out), ["index.html"]);
    let index = read(&out.join("alerts/index.html"));
    assert!(
        index.contains("No failure mode lists an alert yet"),
        "{index}"
    );
    let page = read(&out.join("api/errors.html"));
    assert!(
        page.contains("<li data-alert=\"index\"><code>index</code>"),
        "shown, without a link"
    );
}

fn alert_files(out: &Path) -> Vec<String> {
    let mut files: Vec<String> = fs::read_dir(out.join("alerts"))
        .expect("alerts/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

#[test]
fn alert_names_unsafe_as_file_names_never_become_files() {
    let yaml = API.replace(
        "alerts: [{ name: ApiHighErrorRate, severity: critical }]",
        "alerts: [{ name: \"../../evil\" }, { name: \"<script>x</script>\" }, { name: Fine }]",
    );
    let project = Project::new().runbook("api", &yaml);
    let out = project.beside("book");
    let run = project.build(&out);
    if run.code() == 1 {
        // Where lint knows alert names, it stops the build: nothing is written.
        assert!(run.stdout().contains("invalid-alert"), "{run:?}");
        assert!(!out.exists());
        return;
    }
    run.assert_ok();
    assert_eq!(alert_files(&out), ["Fine.html", "index.html"]);
    assert!(
        !project
            .path()
            .parent()
            .expect("tmp")
            .join("evil.html")
            .exists()
    );
    let page = read(&out.join("api/errors.html"));
    assert!(
        page.contains("<code>&lt;script&gt;x&lt;&#x2f;script&gt;</code>"),
        "shown as text, without a link"
    );
    let json: Value = serde_json::from_str(&read(&out.join("alerts.json"))).expect("JSON");
    let names: Vec<&String> = json["alerts"].as_object().expect("map").keys().collect();
    assert_eq!(names, ["Fine"]);
}

#[test]
fn a_book_without_alerts_still_has_their_index_and_json() {
    let (_p, out) = built(Project::new().bundled("api.yaml"));
    assert!(read(&out.join("alerts/index.html")).contains("No failure mode lists an alert yet"));
    assert_eq!(read(&out.join("alerts.json")), "{\n  \"alerts\": {}\n}\n");
    assert!(!read(&out.join("index.html")).contains("id=\"alerts-link\""));
}

/// The DOM after the page's scripts ran in headless Chromium, and the console lines that report
/// a CSP violation or an uncaught error. `None` when `OPSBOOK_CHROMIUM` is not set.
fn dump(url: &str) -> Option<(String, Vec<String>)> {
    Some(support::chromium::dump(
        &support::chromium::chromium()?,
        url,
    ))
}

/// `page` of the site at `out`, opened with `query` in headless Chromium: its DOM after the
/// scripts ran, with no CSP violation or error on the way. `None` without a Chromium.
fn open(out: &Path, page: &str, query: &str) -> Option<String> {
    let (dom, problems) = dump(&format!("file://{}{query}", out.join(page).display()))?;
    assert!(problems.is_empty(), "{page}{query}: {problems:#?}");
    Some(dom)
}

/// The links of the search results, in order.
fn results(dom: &str) -> Vec<&str> {
    dom.split("role=\"option\" aria-selected=\"false\" data-href=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .collect()
}

#[test]
fn browser_an_alert_page_forwards_with_its_labels() {
    let (_p, out) = built(project());
    let query = "?namespace=shop";
    let Some(dom) = open(&out, "alerts/KubeContainerOOMKilled.html", query) else {
        return;
    };
    assert!(
        dom.contains("<title>Out of memory — Kubernetes pods</title>"),
        "{dom}"
    );
    assert!(
        dom.contains("/readyz?ns=shop</code>"),
        "the label filled in: {dom}"
    );
    let query = "?namespace=shop&pod=p-1";
    let Some(dom) = open(&out, "alerts/KubePodCrashLooping.html", query) else {
        return;
    };
    let carried = "class=\"carry\" href=\"../k8s/pods/oom.html?namespace=shop&amp;pod=p-1\"";
    assert!(dom.contains(carried), "{dom}");
}

#[test]
fn browser_params_from_the_url_fill_commands_and_code() {
    let (_p, out) = built(project());
    let page = "k8s/pods/crash-looping.html";
    let Some(dom) = open(&out, page, "?namespace=shop&pod=api-7f9c") else {
        return;
    };
    assert!(
        dom.contains(">kubectl -n shop logs api-7f9c --previous</code>"),
        "{dom}"
    );
    assert!(dom.contains(">kubectl -n shop describe pod api-7f9c\n</code>"));
    assert!(dom.contains("/readyz?ns=shop</code>"));
    assert!(
        dom.contains("<code>echo {{ x }}</code>"),
        "undeclared names stay"
    );
    let Some(dom) = open(&out, page, "") else {
        return;
    };
    let default = ">kubectl -n default logs {{ pod }} --previous</code>";
    assert!(
        dom.contains(default),
        "the default, and an empty param stays visible: {dom}"
    );
}

#[test]
fn browser_search_finds_alert_names_and_identifier_parts() {
    let (_p, out) = built(project());
    for (query, first) in [
        ("KubePodCrashLooping", "alerts/KubePodCrashLooping.html"),
        ("kubepodcrashlooping", "alerts/KubePodCrashLooping.html"),
        ("crashloop", "alerts/KubePodCrashLooping.html"),
        ("kubepod", "alerts/KubePodCrashLooping.html"),
        ("request%20duration", "k8s/pods/crash-looping.html"),
        ("teamplatform", "k8s/pods/crash-looping.html"),
        ("request%20id", "k8s/pods/index.html"),
    ] {
        let Some(dom) = open(&out, "index.html", &format!("?q={query}")) else {
            return;
        };
        let found = results(&dom);
        assert_eq!(found.first().copied(), Some(first), "{query}: {found:?}");
    }
    let Some(dom) = open(&out, "index.html", "?q=crash%20looping") else {
        return;
    };
    assert!(
        results(&dom).contains(&"alerts/KubePodCrashLooping.html"),
        "{dom}"
    );
}
