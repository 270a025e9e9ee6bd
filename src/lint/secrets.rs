//! Where secrets may come from: `undeclared-env` (a `$NAME` that `opsbook.yaml` does not
//! declare, so `check` will not read it) and `credentials-in-url` (a `user:pass@` written in a
//! URL, where every reader of the file sees it).

use super::Ctx;
use crate::compile::CompiledCheck;
use crate::compile::pos_in_scalar;
use crate::rule::Rule;

/// `undeclared-env`: every `$NAME` a curl check reads must be declared (`env:` or `--env`).
pub fn undeclared_env(ctx: &mut Ctx) {
    let mut found = Vec::new();
    for check in &ctx.loaded.checks {
        let Some(command) = &check.command else {
            continue;
        };
        for name in command.env_names() {
            if !ctx.options.declared_env.contains(name) {
                let pos = pos_in_scalar(ctx.source(), &check.written, var_offset(check, name));
                found.push((pos, name.to_owned()));
            }
        }
    }
    for (pos, name) in found {
        ctx.report(
            Rule::UndeclaredEnv,
            pos,
            format!("`${name}` is not a declared environment variable, so `opsbook check` will not read it"),
            format!("declare it in opsbook.yaml (`env: [{name}]`), or pass `opsbook check --env {name}` for one run"),
        );
    }
}

/// Where `$NAME` or `${NAME}` is written in the check's line (its start if not found).
fn var_offset(check: &CompiledCheck, name: &str) -> usize {
    let line = check.written.value.as_str();
    let braced = format!("${{{name}}}");
    let bare = format!("${name}");
    let ends_name =
        |at: usize| !line[at..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
    line.find(&braced)
        .into_iter()
        .chain(
            line.match_indices(&bare)
                .map(|(i, _)| i)
                .find(|&i| ends_name(i + bare.len())),
        )
        .min()
        .unwrap_or(0)
}

/// `credentials-in-url`: a user name or password in a curl line's URL, a target or a target var.
pub fn credentials_in_url(ctx: &mut Ctx) {
    let mut found = Vec::new();
    for check in &ctx.loaded.checks {
        let Some(command) = &check.command else {
            continue;
        };
        if has_userinfo(&command.url.show(&|_| None)) {
            let line = &check.written.value;
            let at = line[command.url_offset..]
                .find('@')
                .map_or(command.url_offset, |i| command.url_offset + i);
            let pos = pos_in_scalar(ctx.source(), &check.written, at);
            found.push((pos, "the check's URL".to_owned()));
        }
    }
    for (name, target) in ctx.loaded.runbook.targets.iter() {
        let urls = std::iter::once(("url", target.url())).chain(target.vars());
        for (key, url) in urls {
            if has_userinfo(url) {
                let what = match key {
                    "url" => format!("the URL of target `{}`", name.value),
                    var => format!("var `{var}` of target `{}`", name.value),
                };
                found.push((target.pos, what));
            }
        }
    }
    for (pos, what) in found {
        ctx.report(
            Rule::CredentialsInUrl,
            pos,
            format!("{what} holds credentials (`user:password@`)"),
            "remove them from the URL; send them with `-u user:$PASSWORD` (declared in `env:` of opsbook.yaml) or a header built from a `$VAR`",
        );
    }
}

/// A URL with a user name or password before its host.
fn has_userinfo(url: &str) -> bool {
    url::Url::parse(url.trim()).is_ok_and(|u| !u.username().is_empty() || u.password().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_found_only_before_the_host() {
        assert!(has_userinfo("http://u:p@a.test/"));
        assert!(has_userinfo("https://token@a.test"));
        assert!(has_userinfo("http://u:${P}@a.test/"));
        assert!(!has_userinfo("http://a.test/x@y"));
        assert!(!has_userinfo("http://a.test/?mail=a@b.test"));
        assert!(!has_userinfo("{{ target }}/x"));
    }
}
