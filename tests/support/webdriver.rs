//! A small synchronous W3C WebDriver client, so browser tests can press real keys and click:
//! it starts chromedriver on a free loopback port, opens one headless Chromium session, and
//! speaks the protocol's JSON over `ureq` (no async runtime to compile for a handful of calls).
//! Dropping the [`Browser`] ends the session and stops chromedriver.

use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use ureq::RequestExt;

use super::chromium;

/// Key values of the WebDriver spec's keyboard table, for [`Browser::press`].
pub const ENTER: &str = "\u{E007}";
pub const ESCAPE: &str = "\u{E00C}";
pub const ARROW_UP: &str = "\u{E013}";
pub const ARROW_DOWN: &str = "\u{E015}";

/// How long a wait lasts before it fails, and how often it looks again.
const DEADLINE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

/// The key under which the protocol names a found element.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One browser at a time per test binary: the machines running the tests have two cores, and
/// several Chromiums starting at once make the waits time out rather than the tests fail.
static TURN: Mutex<()> = Mutex::new(());

/// Polls `probe` every 50 ms until it gives a value; after ~10 s panics with `what` and the
/// last thing `probe` saw.
#[track_caller]
pub fn wait<T>(what: &str, mut probe: impl FnMut() -> Result<T, String>) -> T {
    let deadline = Instant::now() + DEADLINE;
    loop {
        match probe() {
            Ok(value) => return value,
            Err(seen) if Instant::now() >= deadline => {
                panic!("timed out after {DEADLINE:?} waiting for {what}; last seen: {seen}")
            }
            Err(_) => std::thread::sleep(POLL),
        }
    }
}

/// An error the remote end answered with (`no such element`, `javascript error`, ...).
#[derive(Debug)]
pub struct WebDriverError {
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

/// A headless Chromium driven through chromedriver.
pub struct Browser {
    agent: ureq::Agent,
    /// `http://127.0.0.1:PORT/session/ID`
    session: String,
    driver: Driver,
    profile: tempfile::TempDir,
    // Last, so the next test's browser starts only after this one is gone.
    _turn: MutexGuard<'static, ()>,
}

impl Browser {
    /// A fresh browser, or `None` when the test should skip (see [`chromium`]).
    pub fn start() -> Option<Browser> {
        let binary = chromium::chromium()?;
        let driver = chromium::chromedriver()?;
        // A panicking test poisons the lock; the next test may still have its turn.
        let turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .new_agent();
        let (driver, base) = launch(&agent, &driver);
        let profile = tempfile::tempdir().expect("profile folder");
        let mut browser = Browser {
            agent,
            session: String::new(),
            driver,
            profile,
            _turn: turn,
        };
        let id = browser.new_session(&base, &binary);
        browser.session = format!("{base}/session/{id}");
        Some(browser)
    }

    fn new_session(&self, base: &str, binary: &str) -> String {
        let profile = format!("--user-data-dir={}", self.profile.path().display());
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "goog:chromeOptions": {
                "binary": binary,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", profile,
                         "--window-size=1280,800", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update"],
            },
            // The console, read by `problems`: CSP violations and uncaught errors land there.
            "goog:loggingPrefs": {"browser": "ALL"},
            // Under the agent's 60 s, so a page that never loads fails with chromedriver's word.
            "timeouts": {"pageLoad": 30_000, "script": 10_000},
        }}});
        let value = self
            .send("POST", &format!("{base}/session"), Some(&capabilities))
            .unwrap_or_else(|e| panic!("chromedriver could not start {binary}: {e}"));
        value["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned()
    }

    /// One request to chromedriver; the answer's `value`, or the error it names.
    fn send(&self, method: &str, url: &str, body: Option<&Value>) -> Result<Value, WebDriverError> {
        let body = body.map(Value::to_string).unwrap_or_default();
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(url)
            .header("content-type", "application/json; charset=utf-8")
            .body(body)
            .expect("a well-formed request");
        let mut response = request
            .with_agent(&self.agent)
            .run()
            .unwrap_or_else(|e| panic!("{method} {url}: chromedriver did not answer: {e}"));
        let text = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let answer: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{method} {url}: not JSON ({e}): {text}"));
        let value = answer["value"].clone();
        if response.status().is_success() {
            return Ok(value);
        }
        Err(WebDriverError {
            error: value["error"]
                .as_str()
                .unwrap_or("unknown error")
                .to_owned(),
            message: value["message"].as_str().unwrap_or_default().to_owned(),
        })
    }

    /// A command on this session (`path` such as `/url`), failing the test on an error.
    #[track_caller]
    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_command(method, path, body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    fn try_command(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, WebDriverError> {
        self.send(method, &format!("{}{path}", self.session), body.as_ref())
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url })));
        // Keys pressed next must reach this page: once a key was lost right after the first
        // navigation, as if the window's `about:blank` still had it. Cheap to rule out.
        wait(&format!("`{url}` to load"), || {
            let state = self.script("return [location.href, document.readyState];", json!([]));
            let loaded = state[0] != "about:blank" && state[1] == "complete";
            loaded.then_some(()).ok_or_else(|| state.to_string())
        });
    }

    pub fn url(&self) -> String {
        let url = self.command("GET", "/url", None);
        url.as_str().unwrap_or_default().to_owned()
    }

    pub fn refresh(&self) {
        self.command("POST", "/refresh", Some(json!({})));
    }

    /// The first element matching the CSS selector `css`; fails the test when there is none.
    #[track_caller]
    pub fn find(&self, css: &str) -> Element<'_> {
        self.try_find(css)
            .unwrap_or_else(|| panic!("no element matches `{css}` on {}", self.url()))
    }

    /// The first element matching `css`, or `None`.
    pub fn try_find(&self, css: &str) -> Option<Element<'_>> {
        let found = self.try_command("POST", "/element", Some(by_css(css)));
        match found {
            Ok(value) => Some(self.element(&value)),
            Err(e) if e.error == "no such element" => None,
            Err(e) => panic!("finding `{css}`: {e}"),
        }
    }

    /// Every element matching `css`, in document order.
    pub fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        let found = self.command("POST", "/elements", Some(by_css(css)));
        let list = found.as_array().map(Vec::as_slice).unwrap_or_default();
        list.iter().map(|value| self.element(value)).collect()
    }

    /// Waits until an element matches `css`.
    #[track_caller]
    pub fn wait_for(&self, css: &str) -> Element<'_> {
        wait(&format!("an element matching `{css}`"), || {
            self.try_find(css).ok_or_else(|| self.url())
        })
    }

    fn element(&self, value: &Value) -> Element<'_> {
        let id = value[ELEMENT].as_str().expect("an element reference");
        Element {
            browser: self,
            path: format!("/element/{id}"),
        }
    }

    /// Presses each key of `keys` (a character, or a key value such as [`ENTER`]) down and up
    /// at the focused element, as a person typing would: keydown, keypress, input and keyup
    /// events, each trusted, so the page cannot tell it from a keyboard.
    pub fn press(&self, keys: &str) {
        let mut actions = Vec::new();
        for key in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": key.to_string()}));
            actions.push(json!({"type": "keyUp", "value": key.to_string()}));
        }
        let keyboard = json!({"type": "key", "id": "keyboard", "actions": actions});
        self.command("POST", "/actions", Some(json!({ "actions": [keyboard] })));
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns what it returns.
    #[track_caller]
    pub fn script(&self, script: &str, args: Value) -> Value {
        let body = json!({ "script": script, "args": args });
        self.command("POST", "/execute/sync", Some(body))
    }

    /// Runs `script`, which calls `arguments[arguments.length - 1]` with its result when done.
    #[track_caller]
    pub fn script_async(&self, script: &str, args: Value) -> Value {
        let body = json!({ "script": script, "args": args });
        self.command("POST", "/execute/async", Some(body))
    }

    /// Grants `permission` (`clipboard-read`, ...) to the current page's origin, through the
    /// W3C Permissions extension command.
    pub fn grant(&self, permission: &str) {
        let body = json!({"descriptor": {"name": permission}, "state": "granted"});
        self.command("POST", "/permissions", Some(body));
    }

    /// Waits until the current URL, without its query and fragment, ends with `suffix`, and
    /// returns the whole URL.
    #[track_caller]
    pub fn wait_for_page(&self, suffix: &str) -> String {
        wait(&format!("a page ending in `{suffix}`"), || {
            let url = self.url();
            let page = url.split(['?', '#']).next().unwrap_or_default();
            if page.ends_with(suffix) {
                Ok(url)
            } else {
                Err(url)
            }
        })
    }

    /// The console lines since the last call that report a CSP violation or an uncaught error.
    /// The page's CSP forbids inline script, so chromedriver's log is the one place to see them.
    pub fn problems(&self) -> Vec<String> {
        let log = self.command("POST", "/se/log", Some(json!({"type": "browser"})));
        let entries = log.as_array().map(Vec::as_slice).unwrap_or_default();
        entries
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            .filter(|e| e["source"] == "security" || e["source"] == "javascript")
            .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    #[track_caller]
    pub fn assert_no_problems(&self) {
        let problems = self.problems();
        assert!(problems.is_empty(), "the console reported: {problems:#?}");
    }
}

fn by_css(css: &str) -> Value {
    json!({"using": "css selector", "value": css})
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ending the session closes Chromium; killing chromedriver (next, as the field drops)
        // without it would orphan Chromium.
        if !self.session.is_empty() {
            let _ = self.send("DELETE", &self.session, None);
        }
    }
}

/// A running chromedriver, stopped when dropped (also when a test fails while starting it).
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts chromedriver on a free loopback port and waits until `/status` says it is ready.
/// Another process may take the port between asking for it and chromedriver binding it, so a
/// driver that exits at once is started again on another port.
fn launch(agent: &ureq::Agent, driver: &std::path::Path) -> (Driver, String) {
    for _ in 0..3 {
        let port = free_port();
        let mut child = Driver(
            Command::new(driver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}", driver.display())),
        );
        let base = format!("http://127.0.0.1:{port}");
        let ready = wait("chromedriver's /status to say ready", || {
            if let Ok(Some(_exited)) = child.0.try_wait() {
                return Ok(false);
            }
            match agent.get(format!("{base}/status")).call() {
                Ok(mut r) => {
                    let text = r.body_mut().read_to_string().unwrap_or_default();
                    let status: Value = serde_json::from_str(&text).unwrap_or_default();
                    status["value"]["ready"]
                        .as_bool()
                        .filter(|ready| *ready)
                        .ok_or(text)
                }
                Err(e) => Err(e.to_string()),
            }
        });
        if ready {
            return (child, base);
        }
    }
    panic!("{} exited at start three times", driver.display());
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("its address").port()
}

/// An element of the current page.
pub struct Element<'b> {
    browser: &'b Browser,
    /// `/element/ID`
    path: String,
}

impl Element<'_> {
    /// The rendered text, as a reader sees it.
    pub fn text(&self) -> String {
        let text = self.get("/text");
        text.as_str().unwrap_or_default().to_owned()
    }

    /// The attribute `name` as written in the HTML, or `None`.
    pub fn attr(&self, name: &str) -> Option<String> {
        self.get(&format!("/attribute/{name}"))
            .as_str()
            .map(str::to_owned)
    }

    /// The DOM property `name` (`value`, `href`, ...), resolved by the browser.
    pub fn prop(&self, name: &str) -> Value {
        self.get(&format!("/property/{name}"))
    }

    pub fn click(&self) {
        self.post("/click", json!({}));
    }

    /// Empties an input; the page sees a `change` event.
    pub fn clear(&self) {
        self.post("/clear", json!({}));
    }

    /// Focuses the element and types `text` into it, key by key.
    pub fn send_keys(&self, text: &str) {
        self.post("/value", json!({ "text": text }));
    }

    fn get(&self, what: &str) -> Value {
        let path = format!("{}{what}", self.path);
        self.browser.command("GET", &path, None)
    }

    fn post(&self, what: &str, body: Value) {
        let path = format!("{}{what}", self.path);
        self.browser.command("POST", &path, Some(body));
    }
}
