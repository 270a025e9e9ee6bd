//! The project: `opsbook.yaml` (optional), its runbooks folder, and everything loaded from them.

use crate::rule::Rule;

use std::path::{Path, PathBuf};

use crate::compile::{CompiledRunbook, compile};
use crate::diagnostic::Diagnostic;
use crate::lint::LintOptions;
use crate::load::{self, LoadedRunbook};
use crate::model::{Config, Level};
use crate::source::SourceFile;

pub const CONFIG_FILE: &str = "opsbook.yaml";

/// A loaded project: config, runbooks, and the diagnostics found while loading.
#[derive(Debug)]
pub struct Workspace {
    /// The folder holding `opsbook.yaml` (or the current folder).
    pub root: PathBuf,
    pub config: Config,
    pub config_source: Option<SourceFile>,
    /// The runbooks folder ids are relative to.
    pub runbooks_dir: PathBuf,
    pub runbooks: Vec<CompiledRunbook>,
    /// Files that were read but are not runbooks (kept to show their lines in diagnostics).
    pub unparsed: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Workspace {
    /// Loads the project rooted at `root`. `paths`, when given, replaces the runbooks folder:
    /// each is a file or a folder to scan.
    pub fn load(root: &Path, paths: &[PathBuf]) -> Workspace {
        Workspace::load_with(root, paths, (Kept::new(), &|_| false), None)
    }

    /// The project's runbooks as `build` loads them: when a folder holds at least `from`
    /// runbooks, each is linted (under the options of `today`) as it is loaded and then cut
    /// down to what the site-wide pages read ([`CompiledRunbook::summarize`]), so that memory
    /// does not grow with every runbook's whole text. A later [`Workspace::lint`] with the same
    /// day finds the findings made; the pages of a runbook are rendered from its file read again.
    pub fn load_summarized(root: &Path, today: chrono::NaiveDate, from: usize) -> Workspace {
        Workspace::load_with(root, &[], (Kept::new(), &|_| false), Some((today, from)))
    }

    /// The project's runbooks loaded again, taking each from `previous` instead of parsing it
    /// again when its file holds the same text and loading it found nothing to report: how
    /// `serve` reloads after an edit of one runbook among hundreds. A file `untouched` says has
    /// not changed since `previous` was loaded (its size and modification time) is not even read.
    pub fn reload(
        root: &Path,
        previous: Workspace,
        untouched: &(dyn Fn(&Path) -> bool + Sync),
    ) -> Workspace {
        let reported: std::collections::HashSet<&Path> = previous
            .diagnostics
            .iter()
            .map(|d| d.file.as_path())
            .collect();
        let kept: Kept = previous
            .runbooks
            .into_iter()
            .filter(|r| !reported.contains(r.source.path.as_path()))
            .map(|r| (r.source.path.clone(), r))
            .collect();
        Workspace::load_with(root, &[], (kept, untouched), None)
    }

    fn load_with(
        root: &Path,
        paths: &[PathBuf],
        (mut kept, untouched): (Kept, &(dyn Fn(&Path) -> bool + Sync)),
        summarize_on: Option<(chrono::NaiveDate, usize)>,
    ) -> Workspace {
        let mut diagnostics = Vec::new();
        let mut unparsed = Vec::new();
        let (config, config_source) = match load::load_config(&root.join(CONFIG_FILE)) {
            Ok(Some((source, config))) => (config, Some(source)),
            Ok(None) => (Config::default(), None),
            Err(failed) => {
                diagnostics.extend(failed.diagnostics);
                match (failed.config, failed.source) {
                    (Some(config), Some(source)) => (config, Some(source)),
                    (_, source) => {
                        unparsed.extend(source);
                        (Config::default(), None)
                    }
                }
            }
        };
        let runbooks_dir = root.join(config.runbooks.as_deref().unwrap_or("runbooks"));
        let mut ws = Workspace {
            root: root.to_path_buf(),
            config,
            config_source,
            runbooks_dir,
            runbooks: Vec::new(),
            unparsed,
            diagnostics,
        };
        ws.check_rule_names();
        ws.check_env_names();
        let scan = if paths.is_empty() {
            vec![ws.runbooks_dir.clone()]
        } else {
            paths.to_vec()
        };
        let options = summarize_on.map(|(today, from)| (ws.lint_options(today), from));
        let summarize = options
            .as_ref()
            .map(|(o, from)| (o, crate::lint::options_key(o), *from));
        for path in scan {
            ws.load_path(&path, (&mut kept, untouched), summarize);
        }
        ws
    }

    /// Whether linting `paths` means the whole project: none named, or only the project's
    /// folder or its runbooks folder. Checks across runbooks (which alerts any runbook lists)
    /// are only meaningful then.
    pub fn covers_project(&self, paths: &[PathBuf]) -> bool {
        paths
            .iter()
            .all(|p| same_file(p, &self.root) || same_file(p, &self.runbooks_dir))
    }

    fn load_path(
        &mut self,
        path: &Path,
        (kept, untouched): (&mut Kept, &(dyn Fn(&Path) -> bool + Sync)),
        summarize: Summarize<'_>,
    ) {
        // `opsbook lint .` at the project's root means the project: its runbooks folder, not
        // every YAML file below it (opsbook.yaml, CI workflows, alert rules).
        let runbooks_dir = self.runbooks_dir.clone();
        let path = if same_file(path, &self.root) {
            runbooks_dir.as_path()
        } else {
            path
        };
        if std::fs::symlink_metadata(path).is_err() {
            let message = format!(
                "no runbooks folder or file `{}`",
                crate::source::display_path(path)
            );
            let help = "run `opsbook init` to create one, set `runbooks:` in opsbook.yaml, or name the files to lint";
            self.diagnostics.push(
                Diagnostic::new(
                    Rule::UnreadableFile,
                    path,
                    crate::source::Pos::UNKNOWN,
                    message,
                )
                .help(help),
            );
            return;
        }
        let files: Vec<PathBuf> = if path.is_dir() {
            let (files, problems) = load::find_runbooks(path);
            self.diagnostics.extend(problems);
            files
        } else {
            vec![path.to_path_buf()]
        };
        // A project's config is never a runbook, whether a scan meets one or it is named (its
        // own findings come from loading it as the config).
        let is_config = |f: &PathBuf| f.file_name().is_some_and(|n| n == CONFIG_FILE);
        let files: Vec<PathBuf> = files.into_iter().filter(|f| !is_config(f)).collect();
        let root = if path.is_dir() && !path.starts_with(&self.runbooks_dir) {
            path.to_path_buf()
        } else {
            self.runbooks_dir.clone()
        };
        self.runbooks.reserve(files.len());
        let summarize = summarize.filter(|(_, _, from)| files.len() >= *from);
        for file in load_all(&root, &files, (kept, untouched), summarize) {
            let file = match file {
                Loading::Same(path) => {
                    self.runbooks.extend(kept.remove(&path));
                    continue;
                }
                Loading::Read(file) => file,
            };
            let (compiled, unparsed, diagnostics) = *file;
            self.runbooks.extend(compiled);
            self.unparsed.extend(unparsed);
            self.diagnostics.extend(diagnostics);
        }
    }

    fn check_rule_names(&mut self) {
        let Some(source) = &self.config_source else {
            return;
        };
        for (name, level) in &self.config.lint.rules {
            let (message, help) = match Rule::find(name) {
                None => (
                    format!("`lint.rules` names unknown rule `{name}`"),
                    "`opsbook explain RULE` documents each rule; see the README for the list"
                        .to_owned(),
                ),
                Some(rule) if rule.is_fixed() && level.value != Level::Error => (
                    format!("rule `{name}` cannot be set to `{}`", level.value.as_str()),
                    format!(
                        "`{name}` reports a file, or a part of one, that cannot be read as written; hiding it would drop that from the site without a word: remove the line"
                    ),
                ),
                Some(_) => continue,
            };
            self.diagnostics.push(
                Diagnostic::new(Rule::InvalidConfig, &source.path, level.pos, message).help(help),
            );
        }
    }

    /// `env:` entries must be names a `$NAME` can have (`[A-Za-z_][A-Za-z0-9_]*`).
    fn check_env_names(&mut self) {
        let Some(source) = &self.config_source else {
            return;
        };
        for name in &self.config.env {
            if !is_env_name(&name.value) {
                let message = format!(
                    "`env` entry `{}` is not an environment variable name",
                    name.value
                );
                let help = "write the variable's name as a `$NAME` in a curl line reads it: letters, digits and `_`, not starting with a digit (`API_TOKEN`)";
                self.diagnostics.push(
                    Diagnostic::new(Rule::InvalidConfig, &source.path, name.pos, message)
                        .help(help),
                );
            }
        }
    }

    /// The folder of incident records: `incidents` of `opsbook.yaml`, else `incidents/`.
    pub fn incidents_dir(&self) -> PathBuf {
        self.root.join(self.config.incidents())
    }

    /// The incidents folder of the project at `root`, from its `opsbook.yaml` alone (without
    /// loading a runbook); the default when the config cannot be read.
    pub fn incidents_dir_of(root: &Path) -> PathBuf {
        let config = match load::load_config(&root.join(CONFIG_FILE)) {
            Ok(Some((_, config))) => Some(config),
            Ok(None) => None,
            Err(failed) => failed.config,
        };
        root.join(config.unwrap_or_default().incidents())
    }

    /// Every incident record of the project, read and summed up once.
    pub fn workbook(&self, today: chrono::NaiveDate) -> crate::incident::workbook::Workbook {
        crate::incident::workbook::Workbook::load(&self.incidents_dir(), &self.runbooks, today)
    }

    pub fn lint_options(&self, today: chrono::NaiveDate) -> LintOptions {
        let levels = self.config.lint.rules.iter().filter_map(|(name, level)| {
            let rule = Rule::find(name)?;
            Some((rule, level.value))
        });
        LintOptions {
            today,
            review_every_days: self.config.review_every_days(),
            max_hypotheses: self.config.max_hypotheses(),
            levels: levels.collect::<std::collections::BTreeMap<Rule, Level>>(),
            deny_warnings: self.config.lint.deny_warnings,
            alert_severities: self.config.alert_severities(),
            declared_env: self.config.env.iter().map(|n| n.value.clone()).collect(),
        }
    }

    /// How many files were looked at: the runbooks, and the files that could not be one.
    /// A runbook with structural findings, or a file with several, counts once.
    pub fn files_checked(&self) -> usize {
        let unreadable = self
            .diagnostics
            .iter()
            .filter(|d| d.rule.is_fixed() && d.rule != Rule::InvalidConfig)
            .map(|d| d.file.as_path());
        let runbooks = self.runbooks.iter().map(|r| r.source.path.as_path());
        runbooks
            .chain(unreadable)
            .collect::<std::collections::HashSet<_>>()
            .len()
    }

    /// Load problems plus every rule's findings, with the configured levels applied.
    pub fn lint(&self, today: chrono::NaiveDate) -> Vec<Diagnostic> {
        self.lint_declaring(today, &[])
    }

    /// [`Workspace::lint`], with `env` declared besides `env:` of `opsbook.yaml`
    /// (`check --env NAME`: the run that reads them is the one that declares them).
    pub fn lint_declaring(&self, today: chrono::NaiveDate, env: &[String]) -> Vec<Diagnostic> {
        let mut options = self.lint_options(today);
        options.declared_env.extend(env.iter().cloned());
        let mut all = self.diagnostics.clone();
        all.extend(crate::lint::lint(&self.runbooks, &options));
        crate::lint::apply_levels(all, &options)
    }

    pub fn source(&self, path: &Path) -> Option<&SourceFile> {
        self.runbooks
            .iter()
            .map(|r| &r.source)
            .chain(self.config_source.iter())
            .chain(self.unparsed.iter())
            .find(|s| s.path == path)
    }
}

/// A name a `$NAME` in a curl line can have: `[A-Za-z_][A-Za-z0-9_]*`, the grammar of a
/// Prometheus label name too.
pub fn is_env_name(name: &str) -> bool {
    crate::model::runbook::is_label_name(name)
}

/// Whether two paths name the same file or folder (both exist).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The project a command run in `start` belongs to: the nearest folder at or above `start` that
/// holds `opsbook.yaml`, the way cargo and git find theirs. The path stays relative to `start`
/// (`..`, `../..`) so that diagnostics name files the way the user can open them from where
/// they are. `None` when no folder up to the file system's root has one.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(start).ok()?;
    let mut dir = absolute.as_path();
    let mut relative = start.to_path_buf();
    loop {
        if dir.join(CONFIG_FILE).is_file() {
            return Some(relative);
        }
        dir = dir.parent()?;
        relative = if relative == Path::new(".") {
            PathBuf::from("..")
        } else {
            relative.join("..")
        };
    }
}

/// Runbooks an earlier load compiled, by path.
type Kept = std::collections::HashMap<PathBuf, CompiledRunbook>;

/// The lint options (and their key) a runbook is linted with before it is summarized, and
/// from how many runbooks in a folder they are ([`Workspace::load_summarized`]).
type Summarize<'a> = Option<(&'a LintOptions, u64, usize)>;

/// A file as [`load_all`] found it.
enum Loading {
    /// Holds the text of the kept runbook of that path: no need to parse it again.
    Same(PathBuf),
    /// The compiled runbook (if any), the text of a file that gave none, the findings.
    Read(Box<(Option<CompiledRunbook>, Option<SourceFile>, Vec<Diagnostic>)>),
}

/// Loads and compiles files on every core, keeping their order: parsing is most of the time
/// `lint` takes, and compiling on the same threads keeps it off the single-threaded path.
fn load_all(
    root: &Path,
    files: &[PathBuf],
    (kept, untouched): (&Kept, &(dyn Fn(&Path) -> bool + Sync)),
    summarize: Summarize<'_>,
) -> Vec<Loading> {
    crate::parallel::map(files, |f| {
        let same = kept.get(f).is_some_and(|old| {
            untouched(f) || std::fs::read(f).is_ok_and(|now| now == old.source.text.as_bytes())
        });
        if same {
            Loading::Same(f.clone())
        } else {
            let (loaded, unparsed, diagnostics) = load::load_runbook(root, f).into_parts();
            let mut compiled = loaded.map(compile);
            if let (Some((options, key, _)), Some(c)) = (summarize, compiled.as_mut()) {
                let found = crate::lint::lint_cached(c, options, key);
                // A file with findings keeps its text: their lines are shown.
                c.summarize(!found.is_empty() || !diagnostics.is_empty());
            }
            Loading::Read(Box::new((compiled, unparsed, diagnostics)))
        }
    })
}

/// The bundled example runbooks and config, compiled into the binary: what `opsbook build`
/// renders in a folder that has no project of its own.
const BUNDLED_CONFIG: &str = include_str!("../opsbook.yaml");
const BUNDLED_RUNBOOKS: &[(&str, &str)] = &[
    ("api", include_str!("../runbooks/api.yaml")),
    ("postgres", include_str!("../runbooks/postgres.yaml")),
    ("kubernetes", include_str!("../runbooks/kubernetes.yaml")),
];

impl Workspace {
    /// Whether `root` holds no project: no `opsbook.yaml` and no `runbooks/` folder.
    pub fn is_empty_project(root: &Path) -> bool {
        !root.join(CONFIG_FILE).exists() && !root.join("runbooks").exists()
    }

    /// The bundled examples, as if they were the project at `root`.
    pub fn bundled(root: &Path) -> Workspace {
        let mut diagnostics = Vec::new();
        let config_source = SourceFile::new(root.join(CONFIG_FILE), BUNDLED_CONFIG);
        let parsed = load::parse::<Config>(&config_source);
        diagnostics.extend(parsed.diagnostics);
        let config = parsed.value.unwrap_or_default();
        let runbooks_dir = root.join("runbooks");
        let mut runbooks = Vec::new();
        for (id, text) in BUNDLED_RUNBOOKS {
            let source = SourceFile::new(runbooks_dir.join(format!("{id}.yaml")), *text);
            let parsed = load::parse(&source);
            diagnostics.extend(parsed.diagnostics);
            if let Some(runbook) = parsed.value {
                runbooks.push(compile(LoadedRunbook {
                    id: (*id).to_owned(),
                    source,
                    runbook,
                }));
            }
        }
        let config_source = Some(config_source);
        Workspace {
            root: root.to_path_buf(),
            config,
            config_source,
            runbooks_dir,
            runbooks,
            unparsed: Vec::new(),
            diagnostics,
        }
    }
}
