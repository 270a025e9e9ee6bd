//! Writes the mdBook equivalent of an opsbook project, for `scripts/bench-vs-mdbook.sh`:
//! `cargo run --example gen_mdbook -- PROJECT DIR` reads PROJECT's runbooks with opsbook's own
//! loader and writes `DIR/book.toml`, `DIR/src/SUMMARY.md` and one chapter per runbook with a
//! sub-chapter per failure mode, carrying the same words opsbook's pages show (summary, links,
//! checks as code blocks, symptoms, signals, hypotheses, actions, postmortem questions). Both
//! tools then build the same text, so the comparison is the tools, not the inputs.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use opsbook::model::{Check, CheckRef, FailureMode, Runbook};
use opsbook::workspace::Workspace;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(project), Some(dir)) = (args.next(), args.next()) else {
        eprintln!("usage: gen_mdbook PROJECT DIR");
        std::process::exit(2);
    };
    let ws = Workspace::load(Path::new(&project), &[]);
    let dir = Path::new(&dir);
    let src = dir.join("src");
    fs::create_dir_all(&src)?;
    fs::write(
        dir.join("book.toml"),
        format!(
            "[book]\ntitle = \"{}\"\nsrc = \"src\"\n\n[output.html]\n",
            ws.config.title()
        ),
    )?;
    let mut runbooks: Vec<_> = ws.runbooks.iter().collect();
    runbooks.sort_by(|a, b| a.id.cmp(&b.id));
    let mut summary = String::from("# Summary\n\n");
    for loaded in &runbooks {
        let folder = src.join(&loaded.id);
        fs::create_dir_all(&folder)?;
        let book = &loaded.runbook;
        fs::write(folder.join("index.md"), runbook_page(book))?;
        let _ = writeln!(summary, "- [{}]({}/index.md)", book.title.value, loaded.id);
        for fm in &book.failure_modes {
            fs::write(
                folder.join(format!("{}.md", fm.id.value)),
                failure_mode_page(book, fm),
            )?;
            let _ = writeln!(
                summary,
                "  - [{}]({}/{}.md)",
                fm.title.value, loaded.id, fm.id.value
            );
        }
    }
    fs::write(src.join("SUMMARY.md"), summary)?;
    println!(
        "wrote the mdBook of {} runbooks to {}",
        runbooks.len(),
        dir.display()
    );
    Ok(())
}

fn runbook_page(book: &Runbook) -> String {
    let mut s = format!(
        "# {}\n\nService `{}`, owned by {}, last reviewed {}.\n\n",
        book.title.value, book.service.value, book.owner.value, book.last_reviewed.value
    );
    if let Some(summary) = &book.summary {
        let _ = writeln!(s, "{}\n", summary.value);
    }
    for link in &book.links {
        let _ = writeln!(s, "- [{}]({})", link.title.value, link.url.value);
    }
    s.push_str("\n## Failure modes\n\n");
    for fm in &book.failure_modes {
        let _ = writeln!(
            s,
            "- [{}]({}.md) ({})",
            fm.title.value,
            fm.id.value,
            fm.severity.value.as_str()
        );
    }
    s.push_str("\n## Checks\n\n");
    for check in &book.checks {
        check_block(&mut s, &check.value);
    }
    s
}

fn failure_mode_page(book: &Runbook, fm: &FailureMode) -> String {
    let mut s = format!(
        "# {}\n\nSeverity {}.\n\n",
        fm.title.value,
        fm.severity.value.as_str()
    );
    for (label, text) in [("Impact", &fm.impact), ("Escalation", &fm.escalation)] {
        if let Some(text) = text {
            let _ = writeln!(s, "**{label}:** {}\n", text.value);
        }
    }
    for alert in &fm.alerts {
        let _ = writeln!(s, "- Alert `{}`", alert.value.name.value);
    }
    s.push_str("\n## Symptoms\n\n");
    for symptom in &fm.symptoms {
        let _ = writeln!(s, "- {}", symptom.value);
    }
    if let Some(signals) = &fm.signals {
        s.push_str("\n## Signals\n\n");
        for (label, text) in [
            ("Metrics", &signals.metrics),
            ("Tracing", &signals.tracing),
            ("Logs", &signals.logs),
        ] {
            if let Some(text) = text {
                let _ = writeln!(s, "- {label}: {}", text.value);
            }
        }
    }
    s.push_str("\n## Hypotheses\n\n");
    for h in &fm.hypotheses {
        let _ = writeln!(s, "1. {}", h.value.cause.value);
        if let Some(verify) = &h.value.verify {
            let _ = writeln!(s, "   Verify: {}", verify.value);
        }
    }
    s.push_str("\n## Checks\n\n");
    for check in &fm.checks {
        check_ref(&mut s, book, &check.value);
    }
    s.push_str("\n## Actions\n\n");
    for action in &fm.actions {
        let a = &action.value;
        let _ = writeln!(
            s,
            "### {} ({} risk)\n",
            a.title.value,
            a.risk.value.as_str()
        );
        for text in [&a.when, &a.hypothesis, &a.verification, &a.steps]
            .into_iter()
            .flatten()
        {
            let _ = writeln!(s, "{}\n", text.value);
        }
        for check in &a.confirm {
            check_ref(&mut s, book, &check.value);
        }
    }
    if let Some(pm) = &book.postmortem {
        s.push_str("\n## Postmortem\n\n");
        for q in &pm.questions {
            let _ = writeln!(s, "- {}", q.value);
        }
    }
    s
}

fn check_ref(s: &mut String, book: &Runbook, check: &CheckRef) {
    match check {
        CheckRef::Inline(check) => check_block(s, check),
        CheckRef::Id(id) => {
            let named = book
                .checks
                .iter()
                .find(|c| c.value.id.as_ref().is_some_and(|i| &i.value == id));
            if let Some(named) = named {
                check_block(s, &named.value);
            }
        }
    }
}

fn check_block(s: &mut String, check: &Check) {
    if let Some(title) = &check.title {
        let _ = writeln!(s, "**{}**\n", title.value);
    }
    let command = [&check.curl, &check.promql, &check.run]
        .into_iter()
        .flatten()
        .next();
    if let Some(command) = command {
        let _ = writeln!(s, "```sh\n{}\n```\n", command.value);
    }
}
