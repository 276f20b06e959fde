//! End to end in a real headless browser: Debian's `chromium`, driven through
//! `chromedriver` (WebDriver) with fantoccini, against the server started in this
//! process on a temporary database with a fixed clock.
//!
//! The scenario: fill in the profile on Settings, add an interview through the form,
//! see the plan on the Application page, open the thank-you draft, break and fix what
//! the checker warns about, mark the thank-you done on Today, and see Today change.
//! A screenshot of each page goes to `target/screenshots/`. A second story, at 1280
//! and 390 px wide, records what happened on the application page: sent, their reply
//! with a new timeline, rejected, undo, delete (screenshots in `target/e2e-screens/`).
//!
//! Without `/usr/bin/chromium` or `/usr/bin/chromedriver` each test is reported as
//! ignored with the reason (its own harness: libtest hides what a passing test
//! prints), except under `CI=true`, where it fails: CI installs both (`.ci/run`).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use followup_app::settings::Settings;
use followup_app::Ctx;
use followup_core::policy::Preset;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long any one thing may take to appear.
const TIMEOUT: Duration = Duration::from_secs(15);
/// Tuesday 2026-12-01, 18:00 in New York: the day of the interview, evening.
const NOW: &str = "2026-12-01T23:00:00Z";

type Res<T = ()> = Result<T, String>;

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// chromedriver, killed when the test ends however it ends.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Res<Driver> {
        let port = free_port()?;
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {CHROMEDRIVER}: {e}"))?;
        let mut driver = Driver { child, port };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let start = Instant::now();
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = driver.child.try_wait() {
                return Err(format!("{CHROMEDRIVER} exited at start: {status}"));
            }
            if start.elapsed() > TIMEOUT {
                return Err(format!("{CHROMEDRIVER} did not listen on port {port}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Res<u16> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// `target/screenshots`, under `CARGO_TARGET_DIR` when set.
fn screenshot_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(t) if Path::new(&t).is_absolute() => PathBuf::from(t),
        Some(t) => root.join(t),
        None => root.join("target"),
    };
    target.join("screenshots")
}

/// Starts the app on 127.0.0.1:0 over a fresh database; returns its base URL.
async fn start_app(dir: &Path) -> String {
    let settings = Settings {
        tz: Some("America/New_York".into()),
        ..Settings::default()
    };
    let ctx = Ctx::from_parts(
        settings.clone(),
        Preset::default().policy(),
        NOW.parse().unwrap(),
        dir.join("followup.sqlite"),
    );
    // As `followup serve` does: create the database before the first request.
    ctx.store().unwrap();
    let config = followup_server::Config {
        pg: None,
        hosted: false,
        db: ctx.db.clone(),
        settings,
        policy: ctx.policy.clone(),
        now: Some(ctx.now),
        token: None,
        config_file: None,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(followup_server::serve(listener, config));
    format!("http://{addr}")
}

async fn browser(driver: &Driver, profile: &Path) -> Res<Client> {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1280,1000",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "args": args, "binary": CHROMIUM }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver.url())
        .await
        .map_err(|e| format!("cannot start a browser session: {e}"))
}

struct Session {
    c: Client,
    base: String,
    shots: PathBuf,
}

impl Session {
    async fn goto(&self, path: &str) -> Res {
        self.c
            .goto(&format!("{}{path}", self.base))
            .await
            .map_err(|e| format!("cannot open {path}: {e}"))
    }

    async fn find(&self, css: &str) -> Res<Element> {
        match self
            .c
            .wait()
            .at_most(TIMEOUT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => Ok(e),
            Err(e) => Err(format!("no `{css}` on {}: {e}", self.path().await)),
        }
    }

    async fn path(&self) -> String {
        self.c
            .current_url()
            .await
            .map(|u| u.path().to_string())
            .unwrap_or_default()
    }

    async fn wait_path(&self, want: impl Fn(&str) -> bool, what: &str) -> Res<String> {
        let start = Instant::now();
        loop {
            let p = self.path().await;
            if want(&p) {
                return Ok(p);
            }
            ensure!(
                start.elapsed() < TIMEOUT,
                "expected to reach {what}, still on {p}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the text of `css` satisfies `ok`; returns it.
    async fn wait_text(&self, css: &str, ok: impl Fn(&str) -> bool, what: &str) -> Res<String> {
        let start = Instant::now();
        loop {
            let text = self.text(css).await?;
            if ok(&text) {
                return Ok(text);
            }
            ensure!(
                start.elapsed() < TIMEOUT,
                "`{css}` never showed {what}; it shows:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The text of `css`. A page that navigates between finding the element and
    /// reading it (a form post landing on the same path) leaves a stale element:
    /// look it up again on the new page rather than fail.
    async fn text(&self, css: &str) -> Res<String> {
        let start = Instant::now();
        loop {
            match self.find(css).await?.text().await {
                Ok(text) => return Ok(text),
                Err(e) if e.is_stale_element_reference() && start.elapsed() < TIMEOUT => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(format!("cannot read `{css}`: {e}")),
            }
        }
    }

    async fn fill(&self, name: &str, value: &str) -> Res {
        let input = self.find(&format!("[name=\"{name}\"]")).await?;
        input
            .clear()
            .await
            .map_err(|e| format!("cannot clear {name}: {e}"))?;
        input
            .send_keys(value)
            .await
            .map_err(|e| format!("cannot type into {name}: {e}"))
    }

    /// Sets the value of the first field named `name` as a picker would (date, time,
    /// select).
    async fn set(&self, name: &str, value: &str) -> Res {
        self.find(&format!("[name=\"{name}\"]")).await?;
        self.c
            .execute(
                "var e = document.querySelector('[name=\"' + arguments[0] + '\"]'); e.value = arguments[1]; e.dispatchEvent(new Event('change', {bubbles: true}));",
                vec![name.into(), value.into()],
            )
            .await
            .map(|_| ())
            .map_err(|e| format!("cannot set {name}: {e}"))
    }

    async fn click(&self, css: &str) -> Res {
        self.find(css)
            .await?
            .click()
            .await
            .map_err(|e| format!("cannot click `{css}`: {e}"))
    }

    /// Which document is shown since [`Session::mark_page`]: `"old"` (the marked
    /// one), `"loading"` (a new one, still loading) or `"new"` (a new one, loaded).
    /// `None` while the browser cannot say (a navigation in progress answers scripts
    /// with errors).
    async fn page_state(&self) -> Option<String> {
        self.c
            .execute(
                "return window.__e2eMarked ? 'old' : document.readyState === 'complete' ? 'new' : 'loading';",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
    }

    /// Marks the document shown, so that its replacement can be told from it.
    async fn mark_page(&self) -> Res {
        self.c
            .execute("window.__e2eMarked = true;", vec![])
            .await
            .map(|_| ())
            .map_err(|e| format!("cannot mark the page: {e}"))
    }

    /// Clicks a form's button and waits until the page it was on has been replaced by
    /// the response and has loaded, so nothing after reads the old page (a post that
    /// redirects to the same path would otherwise look done at once).
    ///
    /// The button is clicked once it is displayed and enabled. A click that starts a
    /// navigation may be answered with an error about the old document ("Node with
    /// given id does not belong to the document", a stale element) when chromedriver
    /// looks at the button again after the page went: that is the click having worked,
    /// which the new document shows; if the page did not go, the button is looked up
    /// again and clicked, until the timeout.
    async fn submit(&self, css: &str) -> Res {
        self.mark_page().await?;
        let start = Instant::now();
        loop {
            let button = self.find(css).await?;
            let ready = button.is_displayed().await.unwrap_or(false)
                && button.is_enabled().await.unwrap_or(false);
            let clicked = if ready {
                button.click().await.map_err(|e| e.to_string())
            } else {
                Err(format!("`{css}` is not displayed and enabled yet"))
            };
            let Err(e) = clicked else { break };
            // Did the click go through? Wait until the browser can say which document
            // it shows: never click again while a navigation may be on its way.
            let left = loop {
                if let Some(state) = self.page_state().await {
                    break state != "old";
                }
                ensure!(
                    start.elapsed() < TIMEOUT,
                    "after clicking `{css}`, the page never settled: {e}"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            };
            if left {
                break;
            }
            // The old page is still there: look the button up again.
            ensure!(
                start.elapsed() < TIMEOUT,
                "cannot click `{css}` on {}: {e}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        loop {
            if self.page_state().await.as_deref() == Some("new") {
                return Ok(());
            }
            ensure!(
                start.elapsed() < TIMEOUT,
                "clicking `{css}` never left {}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn shot(&self, name: &str) -> Res {
        let png = self
            .c
            .screenshot()
            .await
            .map_err(|e| format!("cannot take screenshot {name}: {e}"))?;
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }
}

async fn scenario(s: &Session) -> Res {
    // Settings: the sender of every draft.
    s.goto("/settings").await?;
    s.fill("name", "Sam Lee").await?;
    s.fill("email", "sam@example.com").await?;
    s.submit("form.stack button").await?;
    s.wait_path(|p| p == "/settings", "/settings after saving")
        .await?;
    let name = s
        .find("[name=\"name\"]")
        .await?
        .prop("value")
        .await
        .map_err(|e| e.to_string())?;
    ensure!(
        name.as_deref() == Some("Sam Lee"),
        "the profile was not saved: {name:?}"
    );
    s.shot("01-settings").await?;

    // Nothing to do yet.
    s.goto("/").await?;
    let today = s.text("main").await?;
    ensure!(!today.contains("Acme"), "Today shows Acme before it exists");

    // New interview, through the form.
    s.goto("/new").await?;
    s.fill("company", "Acme").await?;
    s.fill("role", "Engineer").await?;
    s.set("date", "2026-12-01").await?;
    s.set("time", "10:00").await?;
    s.fill("person_name", "Jane Doe").await?;
    s.fill("person_email", "jane@acme.com").await?;
    s.fill("decision", "within a week").await?;
    s.set("company_type", "startup").await?;
    s.shot("02-new-interview").await?;
    s.submit("#add-interview").await?;
    let app = s
        .wait_path(|p| p.starts_with("/applications/"), "the new application")
        .await?;

    // The plan: the timeline picture and the open items.
    s.find("svg.timeline rect.window").await?;
    s.find("svg.timeline line.interview").await?;
    let main = s.text("main").await?;
    ensure!(
        main.contains("Acme") && main.contains("Thank-you"),
        "the application page shows no thank-you step:\n{main}"
    );
    s.shot("03-application").await?;

    // The thank-you draft; the checker finds nothing in it.
    s.click("main a[href*=\"draft?kind=thank-you\"]").await?;
    s.wait_path(|p| p == format!("{app}/draft"), "the draft")
        .await?;
    let text = s
        .find("#text")
        .await?
        .prop("value")
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    ensure!(
        text.contains("Jane") && text.contains("sam@example.com"),
        "unexpected draft:\n{text}"
    );
    s.wait_text(
        "#diagnostics",
        |t| t.contains("No findings."),
        "no findings",
    )
    .await?;

    // Take out the line with the address: the checker notes it, live (an email's
    // reply address reaches the writer, so it is a note, not a warning).
    let without: String = text
        .lines()
        .filter(|l| !l.contains("sam@example.com"))
        .collect::<Vec<_>>()
        .join("\n");
    let area = s.find("#text").await?;
    area.clear().await.map_err(|e| e.to_string())?;
    area.send_keys(&without).await.map_err(|e| e.to_string())?;
    s.wait_text("#diagnostics", |t| t.contains("no-contact"), "no-contact")
        .await?;
    s.find("#marked mark.info").await?;
    s.shot("04-draft-warning").await?;

    // Add a phone number under the name: re-checked, the note is gone.
    area.send_keys("\nPhone: +1 212 555 0100")
        .await
        .map_err(|e| e.to_string())?;
    s.wait_text(
        "#diagnostics",
        |t| !t.contains("no-contact") && t.contains("No findings."),
        "the note gone",
    )
    .await?;
    s.shot("05-draft-fixed").await?;

    // A misspelled word: its suggestion is one click away, and the warning goes.
    area.send_keys("\nThanks for the intervew.")
        .await
        .map_err(|e| e.to_string())?;
    s.wait_text(
        "#diagnostics",
        |t| t.contains("spelling"),
        "a spelling warning",
    )
    .await?;
    s.shot("05b-draft-misspelled").await?;
    s.click("#diagnostics button.apply[data-value=\"interview\"]")
        .await?;
    s.wait_text(
        "#diagnostics",
        |t| !t.contains("spelling"),
        "the spelling warning gone",
    )
    .await?;
    let fixed = s
        .find("#text")
        .await?
        .prop("value")
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    ensure!(
        fixed.contains("Thanks for the interview.") && !fixed.contains("intervew"),
        "the suggestion was not applied:\n{fixed}"
    );
    s.shot("05c-draft-suggestion-applied").await?;
    // "Open in mail client" carries the text as edited.
    let mailto = s
        .find("#mailto")
        .await?
        .attr("href")
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    ensure!(
        mailto.starts_with("mailto:jane@acme.com?subject=")
            && mailto.contains("Phone%3A%20%2B1%20212%20555%200100")
            && mailto.contains("Thanks%20for%20the%20interview."),
        "the mail link does not follow the edits: {mailto}"
    );

    // Today: the thank-you is due; mark it done.
    s.goto("/").await?;
    let id = app.trim_start_matches("/applications/");
    let done = format!("form[action=\"/applications/{id}/done\"] button");
    let item = s.text("main").await?;
    ensure!(
        item.contains("Acme") && item.contains("Thank-you"),
        "Today does not show the thank-you:\n{item}"
    );
    s.shot("06-today-before").await?;
    // Skip the thank-you, then take the skip back from the message that follows.
    s.submit(&format!(
        "form.skip[action=\"/applications/{id}/skips\"]:has(input[name=\"step\"][value=\"thank_you\"]) button"
    ))
    .await?;
    s.wait_text(
        "#flash",
        |t| t.starts_with("Skipped thank-you"),
        "the skip's message",
    )
    .await?;
    s.wait_text(
        "main",
        |t| !t.contains("Thank-you"),
        "Today without the thank-you",
    )
    .await?;
    s.shot("06-today-skipped").await?;
    s.submit("#flash-undo").await?;
    s.wait_text(
        "#flash",
        |t| t.starts_with("Planned thank-you") && t.ends_with("again."),
        "the undo's message",
    )
    .await?;
    s.wait_text(
        "main",
        |t| t.contains("Thank-you"),
        "Today with the thank-you again",
    )
    .await?;
    let thank_you_form = format!(
        "form[action=\"/applications/{id}/done\"]:has(input[name=\"kind\"][value=\"thank-you\"]) button"
    );
    let (button, summary) = if s.c.find(Locator::Css(&thank_you_form)).await.is_ok() {
        (
            thank_you_form,
            format!(
                "details.sent:has(form[action=\"/applications/{id}/done\"]):has(input[name=\"kind\"][value=\"thank-you\"]) > summary"
            ),
        )
    } else {
        (
            done,
            format!("details.sent:has(form[action=\"/applications/{id}/done\"]) > summary"),
        )
    };
    // The form opens from the line's "sent…".
    s.click(&summary).await?;
    s.submit(&button).await?;
    s.wait_path(|p| p == "/", "Today after done").await?;
    s.wait_text(
        "main",
        |t| !t.contains("Thank-you"),
        "Today without the thank-you",
    )
    .await?;
    s.shot("07-today-after").await?;

    // The history has it.
    s.goto(&app).await?;
    s.wait_text(
        "main",
        |t| t.contains("thank-you"),
        "the thank-you in the history",
    )
    .await?;

    // The other pages render too.
    s.goto("/pipeline").await?;
    s.wait_text("main", |t| t.contains("Acme"), "Acme in the pipeline")
        .await?;
    s.shot("08-pipeline").await?;
    s.goto("/stats").await?;
    s.find("main svg.bars").await?;
    s.shot("09-stats").await?;
    Ok(())
}

async fn browser_end_to_end() -> Option<String> {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if !missing.is_empty() {
        let why = format!(
            "browser end-to-end test skipped: {} not installed (apt-get install chromium chromium-driver)",
            missing.join(" and ")
        );
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{why}");
        }
        return Some(why);
    }
    let dir = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let shots = screenshot_dir();
    std::fs::create_dir_all(&shots).unwrap();
    let _ = std::fs::remove_file(shots.join("failure.png"));
    let base = start_app(dir.path()).await;
    let driver = Driver::start().unwrap();
    let c = browser(&driver, profile.path()).await.unwrap();
    let s = Session { c, base, shots };
    let result = scenario(&s).await;
    if result.is_err() {
        let _ = s.shot("failure").await;
    }
    // Close the browser before chromedriver goes, whatever happened.
    let _ = s.c.clone().close().await;
    drop(driver);
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!("screenshots in {}", s.shots.display());
    None
}

/// `target/`, under `CARGO_TARGET_DIR` when set.
fn target_dir() -> PathBuf {
    screenshot_dir().parent().unwrap().to_path_buf()
}

/// axe-core's `axe.min.js`, from the npm registry (`npm pack axe-core@4`) into
/// `target/axe/` the first time.
fn axe_source() -> Res<String> {
    let dir = target_dir().join("axe");
    let js = dir.join("package/axe.min.js");
    if !js.exists() {
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let out = Command::new("npm")
            .args(["pack", "axe-core@4", "--silent", "--pack-destination"])
            .arg(&dir)
            .output()
            .map_err(|e| format!("cannot run npm: {e}"))?;
        let name = String::from_utf8_lossy(&out.stdout).trim().to_string();
        ensure!(
            out.status.success() && !name.is_empty(),
            "npm pack axe-core@4 failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let st = Command::new("tar")
            .arg("-xzf")
            .arg(dir.join(name.lines().last().unwrap_or_default()))
            .arg("-C")
            .arg(&dir)
            .status()
            .map_err(|e| format!("cannot run tar: {e}"))?;
        ensure!(st.success(), "cannot unpack axe-core");
    }
    std::fs::read_to_string(&js).map_err(|e| format!("cannot read {}: {e}", js.display()))
}

/// The pages a user opens, over sample data.
const PAGES: [&str; 11] = [
    "/",
    "/inbox",
    "/outbox",
    "/?company=a",
    "/pipeline",
    "/new",
    "/stats",
    "/settings",
    "/applications/1",
    "/applications/1/draft?kind=thank-you",
    "/nowhere",
];

async fn fits_and_passes(s: &Session, axe: &str) -> Res<Vec<String>> {
    let mut found = Vec::new();
    for width in [1280u32, 390] {
        s.c.set_window_size(width, 1000)
            .await
            .map_err(|e| format!("cannot resize: {e}"))?;
        for path in PAGES {
            s.goto(path).await?;
            s.find("main").await?;
            let name = path
                .trim_start_matches('/')
                .replace(['/', '?', '=', '&'], "_");
            let name = if name.is_empty() {
                "today".into()
            } else {
                name
            };
            s.shot(&format!("{name}_{width}")).await?;
            let sizes =
                s.c.execute(
                    "return [document.documentElement.scrollWidth, window.innerWidth];",
                    vec![],
                )
                .await
                .map_err(|e| e.to_string())?;
            let (scroll, inner) = (
                sizes[0].as_u64().unwrap_or(0),
                sizes[1].as_u64().unwrap_or(0),
            );
            if scroll > inner {
                found.push(format!(
                    "{path} at {width}px scrolls sideways: {scroll} > {inner}"
                ));
            }
            s.c.execute(axe, vec![])
                .await
                .map_err(|e| format!("cannot load axe: {e}"))?;
            let v = s
                .c
                .execute_async(
                    "var done = arguments[arguments.length - 1];
                     axe.run(document, {resultTypes: ['violations']}).then(function (r) {
                       done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
                         .map(function (v) { return v.impact + ' ' + v.id + ': ' + v.help + ' at ' +
                           v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(', '); }));
                     }).catch(function (e) { done(['axe failed: ' + e]); });",
                    vec![],
                )
                .await
                .map_err(|e| format!("axe on {path}: {e}"))?;
            for line in v.as_array().into_iter().flatten() {
                found.push(format!(
                    "{path} at {width}px: {}",
                    line.as_str().unwrap_or_default()
                ));
            }
        }
    }
    Ok(found)
}

/// Every page at 1280 and 390 px over sample data: no sideways scroll and no serious or
/// critical axe-core violation. Screenshots go to `target/screens/`.
async fn every_page_fits_and_passes_axe() -> Option<String> {
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if !missing.is_empty() {
        let why = format!(
            "page layout and axe test skipped: {} not installed (apt-get install chromium chromium-driver)",
            missing.join(" and ")
        );
        assert!(!ci, "{why}");
        return Some(why);
    }
    let axe = match axe_source() {
        Ok(a) => a,
        Err(e) if !ci => {
            return Some(format!("page layout and axe test skipped: {e}"));
        }
        Err(e) => panic!("{e}"),
    };
    let dir = tempfile::tempdir().unwrap();
    let base = start_app(dir.path()).await;
    {
        let mut store = followup_store::Store::open(dir.path().join("followup.sqlite")).unwrap();
        store
            .set_profile(&followup_store::Profile {
                name: "Sam Lee".into(),
                email: "sam@example.com".into(),
                phone: None,
            })
            .unwrap();
        followup_store::demo::populate(&mut store, 24, 7, NOW.parse().unwrap()).unwrap();
    }
    let profile = tempfile::tempdir().unwrap();
    let shots = target_dir().join("screens");
    std::fs::create_dir_all(&shots).unwrap();
    let driver = Driver::start().unwrap();
    let c = browser(&driver, profile.path()).await.unwrap();
    let s = Session { c, base, shots };
    let result = fits_and_passes(&s, &axe).await;
    let _ = s.c.clone().close().await;
    drop(driver);
    match result {
        Ok(found) => assert!(found.is_empty(), "{}", found.join("\n")),
        Err(e) => panic!("{e}"),
    }
    eprintln!("screenshots in {}", s.shots.display());
    None
}

/// `target/e2e-screens`, beside `target/screenshots`.
fn story_dir() -> PathBuf {
    screenshot_dir().with_file_name("e2e-screens")
}

impl Session {
    /// Opens the `<details>` holding `css` (a closed one hides its form).
    async fn open(&self, css: &str) -> Res {
        let summary = format!("details:has({css}) > summary");
        let d = self.find(&format!("details:has({css})")).await?;
        if d.attr("open").await.map_err(|e| e.to_string())?.is_none() {
            self.click(&summary).await?;
        }
        Ok(())
    }

    async fn flash(&self, want: &str) -> Res<String> {
        self.wait_text("#flash", |t| t.contains(want), want).await
    }

    /// Types into `css` (not by name: the application page has several `at`).
    async fn type_into(&self, css: &str, value: &str) -> Res {
        let e = self.find(css).await?;
        e.clear()
            .await
            .map_err(|e| format!("cannot clear {css}: {e}"))?;
        e.send_keys(value)
            .await
            .map_err(|e| format!("cannot type into {css}: {e}"))
    }
}

/// The story of one application, at one window width: Today → draft → sent → their
/// reply with a new timeline → the follow-up moves → rejected → the feedback request
/// → undo → delete.
async fn story(s: &Session, id: i64, width: u32) -> Res {
    let shot = |n: &str| format!("{width}-{n}");
    let app = format!("/applications/{id}");
    s.goto("/").await?;
    let today = s.text("main").await?;
    ensure!(
        today.contains("Thank-you"),
        "Today shows no thank-you at {width}px:\n{today}"
    );
    s.shot(&shot("01-today")).await?;
    s.goto(&format!("{app}/draft?kind=thank-you&to=Jane%20Doe"))
        .await?;
    let text = s
        .find("#text")
        .await?
        .prop("value")
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    ensure!(text.contains("Jane"), "unexpected draft:\n{text}");
    s.shot(&shot("02-draft")).await?;

    // Sent: "done" on Today.
    s.goto("/").await?;
    let done = format!(
        "form[action=\"/applications/{id}/done\"]:has(input[name=\"kind\"][value=\"thank-you\"]) button"
    );
    // The form is behind the line's "sent…" button.
    s.click(&format!(
        "details.sent:has(form[action=\"/applications/{id}/done\"] input[name=\"kind\"][value=\"thank-you\"]) > summary"
    ))
    .await?;
    s.submit(&done).await?;
    s.wait_path(|p| p == "/", "Today after done").await?;
    s.flash("Logged thank-you").await?;
    s.shot(&shot("03-today-done")).await?;

    // Their reply, with a new timeline as a sentence.
    s.goto(&app).await?;
    let follow_up = |items: &str| {
        items
            .lines()
            .find(|l| l.contains("Follow-up"))
            .map(str::to_string)
    };
    let before = follow_up(&s.text("h2 + ul").await?);
    s.open("#reply-form").await?;
    s.type_into(
        "#reply-form [name=\"decision\"]",
        "We expect to decide by Friday.",
    )
    .await?;
    s.shot(&shot("04-reply-form")).await?;
    s.submit("#reply-form button[type=submit]").await?;
    s.flash("re-planned").await?;
    let after = follow_up(&s.text("h2 + ul").await?);
    ensure!(
        after.is_some() && after != before,
        "the follow-up did not move: {before:?} → {after:?}"
    );
    s.shot(&shot("05-replied")).await?;

    // Rejected: a feedback request is planned.
    s.open("#outcome-form").await?;
    s.click("#outcome-form option[value=\"rejected\"]").await?;
    s.submit("#outcome-form button[type=submit]").await?;
    s.flash("Recorded outcome rejected").await?;
    s.wait_text(
        "main",
        |t| t.contains("Feedback request"),
        "a feedback request",
    )
    .await?;
    s.shot(&shot("06-rejected")).await?;

    // Undo: active again.
    s.submit("#undo-form button").await?;
    s.flash("Undone: the outcome").await?;
    s.wait_text("main", |t| t.contains("Status: active"), "active again")
        .await?;
    s.shot(&shot("07-undone")).await?;

    // Delete, after the question.
    s.submit("#delete-form button").await?;
    s.wait_text("main", |t| t.contains("cannot be undone"), "the question")
        .await?;
    s.shot(&shot("08-delete-asks")).await?;
    s.submit("form.confirm button").await?;
    s.wait_path(|p| p == "/pipeline", "the pipeline after deleting")
        .await?;
    s.flash("Deleted").await?;
    s.shot(&shot("09-deleted")).await?;
    Ok(())
}

/// An application with two interviewers, added as `followup add` does, on the
/// database the server at `base` uses.
fn seed(db: &Path, company: &str) -> i64 {
    let ctx = Ctx::from_parts(
        Settings {
            tz: Some("America/New_York".into()),
            ..Settings::default()
        },
        Preset::default().policy(),
        NOW.parse().unwrap(),
        db.to_path_buf(),
    );
    ctx.store()
        .unwrap()
        .set_profile(&followup_store::Profile {
            name: "Sam Lee".into(),
            email: "sam@example.com".into(),
            phone: None,
        })
        .unwrap();
    followup_app::track::add(
        &ctx,
        &followup_app::track::AddInput {
            company: company.into(),
            role: "Engineer".into(),
            round: followup_app::track::RoundInput {
                at: "2026-12-01 10:00".into(),
                duration: "1h".into(),
                interviewer: vec![
                    "Jane Doe <jane@acme.com>".into(),
                    "Raj Patel <raj@acme.com>".into(),
                ],
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap()
}

async fn browser_records_replies_outcomes_undo_and_delete() -> Option<String> {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if !missing.is_empty() {
        let why = format!(
            "browser story skipped: {} not installed (apt-get install chromium chromium-driver)",
            missing.join(" and ")
        );
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{why}");
        }
        return Some(why);
    }
    let dir = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let shots = story_dir();
    std::fs::create_dir_all(&shots).unwrap();
    let base = start_app(dir.path()).await;
    let db = dir.path().join("followup.sqlite");
    let driver = Driver::start().unwrap();
    let c = browser(&driver, profile.path()).await.unwrap();
    let s = Session { c, base, shots };
    let mut result = Ok(());
    for (width, height, company) in [(1280, 1000, "Acme"), (390, 844, "Beta")] {
        let id = seed(&db, company);
        result = match s.c.set_window_size(width, height).await {
            Err(e) => Err(format!("cannot resize to {width}px: {e}")),
            Ok(()) => story(&s, id, width).await,
        };
        if result.is_err() {
            let _ = s.shot(&format!("{width}-failure")).await;
            break;
        }
    }
    let _ = s.c.clone().close().await;
    drop(driver);
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!("screenshots in {}", s.shots.display());
    None
}

fn main() -> std::process::ExitCode {
    use libtest_mimic::{Arguments, Completion, Failed, Trial};
    fn run(f: impl std::future::Future<Output = Option<String>>) -> Result<Completion, Failed> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| Failed::from(format!("no runtime: {e}")))?;
        Ok(match rt.block_on(f) {
            Some(why) => Completion::ignored_with(why),
            None => Completion::Completed,
        })
    }
    let tests = vec![
        Trial::ignorable_test("browser_end_to_end", || run(browser_end_to_end())),
        Trial::ignorable_test("every_page_fits_and_passes_axe", || {
            run(every_page_fits_and_passes_axe())
        }),
        Trial::ignorable_test("browser_records_replies_outcomes_undo_and_delete", || {
            run(browser_records_replies_outcomes_undo_and_delete())
        }),
    ];
    libtest_mimic::run(&Arguments::from_args(), tests).exit_code()
}
