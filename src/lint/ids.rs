//! Id rules: ids become URLs and file names, so each must be valid and name one thing.

use crate::rule::Rule;

use std::collections::BTreeMap;

use super::Ctx;
use crate::compile::{CompiledRunbook, is_valid_id};
use crate::diagnostic::Diagnostic;
use crate::model::Sp;
use crate::source::Pos;

const ID_HELP: &str = "use lowercase letters, digits and `-`, starting with a letter or digit";

pub fn invalid_ids(ctx: &mut Ctx) {
    let runbook_id = ctx.loaded.id.clone();
    if runbook_id.is_empty() || !runbook_id.split('/').all(is_valid_id) {
        let message = format!("runbook id `{runbook_id}` (from the file's path) is not a valid id");
        ctx.report(
            Rule::InvalidId,
            Pos::UNKNOWN,
            message,
            "rename the file and its folders: lowercase letters, digits and `-`",
        );
    }
    let ids: Vec<Sp<String>> = file_ids(ctx.loaded)
        .into_iter()
        .map(|(_, id)| id.clone())
        .collect();
    for id in ids {
        if !is_valid_id(&id) {
            ctx.report(
                Rule::InvalidId,
                id.pos,
                format!("id `{}` is not a valid id", id.value),
                ID_HELP,
            );
        }
    }
}

/// Every id written in the file, with the scope it must be unique in.
fn file_ids(loaded: &CompiledRunbook) -> Vec<(String, &Sp<String>)> {
    let rb = &loaded.runbook;
    // Every check id written, inline ones included: each names one check in `check`'s output.
    let mut ids: Vec<(String, &Sp<String>)> = loaded
        .checks
        .iter()
        .filter_map(|c| c.id_written.as_ref())
        .map(|id| ("check".to_owned(), id))
        .collect();
    for fm in &rb.failure_modes {
        ids.push(("failure mode".to_owned(), &fm.id));
        for action in &fm.actions {
            ids.push((
                format!("action of failure mode `{}`", fm.id.value),
                &action.id,
            ));
        }
    }
    ids
}

pub fn duplicate_ids_in_file(ctx: &mut Ctx) {
    let mut seen: BTreeMap<(String, String), Pos> = BTreeMap::new();
    let mut found = Vec::new();
    for (scope, id) in file_ids(ctx.loaded) {
        let key = (scope.clone(), id.value.to_lowercase());
        match seen.get(&key) {
            Some(first) => found.push((scope, id.clone(), *first)),
            None => {
                seen.insert(key, id.pos);
            }
        }
    }
    for (scope, id, first) in found {
        let message = format!(
            "{scope} id `{}` is already used at line {}",
            id.value, first.line
        );
        ctx.report(
            Rule::DuplicateId,
            id.pos,
            message,
            "ids become URLs; rename one of them",
        );
    }
}

/// Runbook ids that collide across files, ignoring case (`API.yaml` and `api.yml`).
pub fn colliding_runbook_ids(runbooks: &[CompiledRunbook]) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<String, &CompiledRunbook> = BTreeMap::new();
    let mut out = Vec::new();
    for loaded in runbooks {
        let key = loaded.id.to_lowercase();
        if let Some(first) = seen.get(&key) {
            let message = format!(
                "runbook id `{}` collides with `{}` from {}",
                loaded.id,
                first.id,
                first.source.display()
            );
            out.push(
                Diagnostic::new(
                    Rule::DuplicateId,
                    &loaded.source.path,
                    Pos::UNKNOWN,
                    message,
                )
                .help("two files would become the same page; rename or merge one"),
            );
        } else {
            seen.insert(key, loaded);
        }
    }
    out
}
