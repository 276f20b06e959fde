//! The `followup` web app and JSON API (`followup serve`): the same use cases as the
//! command line (`followup-app`), over the same SQLite file, in the browser.
//!
//! Pages are rendered on the server (askama, escaped by default) and work without
//! JavaScript; a little script (shipped in the binary) re-checks drafts live. The API
//! under `/api` is documented by `/api/openapi.json` (utoipa, OpenAPI 3.1); its errors
//! are RFC 9457 `application/problem+json`.

pub mod accounts;
mod actions;
pub mod api;
pub mod digest;
pub mod feed;
pub mod idempotency;
pub mod inbox;
pub mod ops;
pub mod outbox;
pub mod pages;
pub mod problem;
pub mod views;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use followup_app::settings::Settings;
use followup_app::Ctx;
use followup_core::policy::Policy;
use jiff::Timestamp;
use subtle::ConstantTimeEq;
use tower_http::set_header::SetResponseHeaderLayer;

pub use problem::Problem;

/// Request bodies larger than this are refused (413, problem+json).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What the server is started with.
#[derive(Debug, Clone)]
pub struct Config {
    /// The SQLite file, shared with the command line.
    pub db: PathBuf,
    /// The settings (`config.toml`, `FOLLOWUP_*`).
    pub settings: Settings,
    /// The policy in force.
    pub policy: Policy,
    /// A fixed clock (`--now`), else the real one per request.
    pub now: Option<Timestamp>,
    /// A bearer token every request must carry, when set.
    pub token: Option<String>,
    /// The `config.toml` the Settings page saves to (`policy.toml` goes beside it);
    /// `None`: settings cannot be saved from the web app.
    pub config_file: Option<PathBuf>,
    /// The user's facts in PostgreSQL instead of `db` (a multi-user server on
    /// `postgres://`): the user and the key of their form tokens.
    pub pg: Option<PgApp>,
    /// Served to signed-in accounts (`--multi-user`, PostgreSQL): the pages speak of
    /// the account's settings, not of files and variables on the server.
    pub hosted: bool,
}

/// One user's app over PostgreSQL ([`Config::pg`]).
#[derive(Debug, Clone)]
pub struct PgApp {
    /// The pool and the user.
    pub user: followup_app::ctx::PgUser,
    /// The key of this user's form tokens, the same in every process.
    pub form_secret: String,
    /// The server's settings, which the user's own are saved over
    /// ([`followup_app::pg_settings`]).
    pub server: Settings,
}

/// Shared by every request.
pub struct AppState {
    config: Config,
    /// The settings and policy in force: the started ones, then the saved ones.
    live: RwLock<(Settings, Policy)>,
    csrf: String,
    today: TodayCache,
    /// `/api/agenda`'s answer, kept as Today's page is.
    agenda: TodayCache,
    /// `/api/applications`'s answer, kept as Today's page is.
    applications: TodayCache,
    /// The board's cards, the Stats page's and `/api/stats`'s figures, kept as Today's
    /// page is.
    board: TodayCache<Arc<Vec<views::Card>>>,
    /// The board's page without a search, kept as its cards are.
    pipeline: TodayCache,
    stats: TodayCache<Arc<views::Stats>>,
    /// Open connections to the database, reused by every request.
    pool: Arc<followup_app::ctx::StorePool>,
    /// In token mode: the browser sessions opened with `?token=`, by id, with the
    /// moment each expires.
    sessions: Mutex<std::collections::HashMap<String, Timestamp>>,
    /// When the calendar feed last changed, as this process saw it.
    feed_seen: feed::Seen,
}

/// How many open database connections the server keeps for reuse when idle.
const POOL_IDLE: usize = 64;

/// How long a browser session opened with `?token=` lasts (7 days).
pub const SESSION_SECS: i64 = 7 * 24 * 3600;

/// The most sessions kept at once; past it, the oldest go.
const MAX_SESSIONS: usize = 1000;

/// The cookie of a browser session.
pub const SESSION_COOKIE: &str = "followup_session";

/// The last Today page rendered, reused while it still reads the same (the API's
/// agenda and list of applications are kept the same way, each in its own).
///
/// Today reads and plans every open application: with a thousand of them that is
/// milliseconds of work, which under load queues up. The page only changes when the
/// database does (`PRAGMA data_version`, seen by a connection of our own, changes on
/// every commit by anyone: this server, or the command line on the same file), when
/// the settings do ([`TodayCache::clear`]), or when the clock reaches the next moment
/// an item's status or group changes ([`views::today_until`]); with a fixed `--now`,
/// never by the clock. One request renders at a time: the others wait for its page
/// rather than render the same page at once.
///
/// The kept answer is a rendered body by default; the board and Stats keep what they
/// computed (`T`), shared, and render each request's page from it.
pub struct TodayCache<T = axum::body::Bytes> {
    watch: Mutex<Option<rusqlite::Connection>>,
    page: Mutex<Option<CachedPage<T>>>,
    /// Held while rendering (single flight).
    render: Mutex<()>,
}

impl<T> Default for TodayCache<T> {
    fn default() -> Self {
        TodayCache {
            watch: Mutex::default(),
            page: Mutex::default(),
            render: Mutex::default(),
        }
    }
}

struct CachedPage<T> {
    version: i64,
    /// The moment it was rendered for.
    now: Timestamp,
    /// The first moment it may read otherwise (`None`: not by the clock).
    until: Option<Timestamp>,
    body: T,
}

/// How much older than the page a request's clock may be and still get it: requests
/// waiting for a render read the clock before the one rendering did.
const TODAY_SKEW: jiff::SignedDuration = jiff::SignedDuration::from_secs(2);

impl<T: Clone> TodayCache<T> {
    /// The database's data version, on our own connection (opened on first use).
    fn version(&self, db: &std::path::Path) -> Option<i64> {
        let mut watch = self.watch.lock().ok()?;
        if watch.is_none() {
            *watch = rusqlite::Connection::open_with_flags(
                db,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .ok();
        }
        let v = watch
            .as_ref()?
            .pragma_query_value(None, "data_version", |r| r.get::<_, i64>(0));
        if v.is_err() {
            // Reopen next time.
            *watch = None;
        }
        v.ok()
    }

    /// Forgets the page (the settings changed).
    pub fn clear(&self) {
        if let Ok(mut page) = self.page.lock() {
            *page = None;
        }
    }

    /// The kept page, if it is the page of this database version at `now`, and the
    /// first moment it may read otherwise.
    fn kept(&self, version: Option<i64>, now: Timestamp) -> Option<(T, Option<Timestamp>)> {
        let v = version?;
        let page = self.page.lock().ok()?;
        let p = page.as_ref()?;
        let since = now.duration_since(p.now);
        let fresh = since >= -TODAY_SKEW && p.until.is_none_or(|u| now < u);
        (p.version == v && fresh).then(|| (p.body.clone(), p.until))
    }

    /// The page for `now`: the kept one while it reads the same, else a fresh one from
    /// `render` (the page, and the first moment it may read otherwise).
    pub fn get_or_render(
        &self,
        db: &std::path::Path,
        now: Timestamp,
        render: impl FnOnce() -> Result<(T, Option<Timestamp>), Problem>,
    ) -> Result<T, Problem> {
        Ok(self.get_with_until(db, now, render)?.0)
    }

    /// [`get_or_render`](Self::get_or_render), with the first moment the page may read
    /// otherwise (for a page made from this one, kept as long).
    pub fn get_with_until(
        &self,
        db: &std::path::Path,
        now: Timestamp,
        render: impl FnOnce() -> Result<(T, Option<Timestamp>), Problem>,
    ) -> Result<(T, Option<Timestamp>), Problem> {
        if let Some(kept) = self.kept(self.version(db), now) {
            return Ok(kept);
        }
        // One render at a time; who waited takes the page just made when it fits.
        let _one = self
            .render
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Read again after waiting: a write since must show.
        let version = self.version(db);
        if let Some(kept) = self.kept(version, now) {
            return Ok(kept);
        }
        let (body, until) = render()?;
        if let (Some(v), Ok(mut page)) = (version, self.page.lock()) {
            *page = Some(CachedPage {
                version: v,
                now,
                until,
                body: body.clone(),
            });
        }
        Ok((body, until))
    }
}

/// The state handlers see.
pub type Shared = Arc<AppState>;

impl AppState {
    /// The context of one request: the clock is read once here.
    pub fn ctx(&self) -> Ctx {
        let (settings, policy) = match self.live.read() {
            Ok(l) => l.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        let ctx = Ctx::from_parts(
            settings,
            policy,
            self.config.now.unwrap_or_else(Timestamp::now),
            self.config.db.clone(),
        )
        .with_pool(self.pool.clone());
        match &self.config.pg {
            Some(pg) => ctx.on_pg(pg.user.clone()),
            None => ctx,
        }
    }

    /// Whether this app's facts are in PostgreSQL.
    pub fn on_pg(&self) -> bool {
        self.config.pg.is_some()
    }

    /// The PostgreSQL account this app serves, if its facts are there.
    pub fn pg(&self) -> Option<&PgApp> {
        self.config.pg.as_ref()
    }

    /// Whether this app is one account's of a multi-user server.
    pub fn hosted(&self) -> bool {
        self.config.hosted
    }

    /// The clock of the dispatcher: the fixed `--now`, else the real one, read for
    /// each message.
    pub fn clock(&self) -> impl Fn() -> Timestamp + Send + 'static {
        let fixed = self.config.now;
        move || fixed.unwrap_or_else(Timestamp::now)
    }

    /// The database file.
    pub fn db(&self) -> &std::path::Path {
        &self.config.db
    }

    /// The calendar feed's `Last-Modified` for the calendar tagged `tag`.
    pub fn feed_modified(&self, tag: &str, now: Timestamp) -> Timestamp {
        self.feed_seen.modified(tag, now)
    }

    /// Where settings are saved, if they can be.
    pub fn config_file(&self) -> Option<&std::path::Path> {
        self.config.config_file.as_deref()
    }

    /// Puts saved settings in force for every later request.
    pub fn set_live(&self, settings: Settings, policy: Policy) {
        match self.live.write() {
            Ok(mut l) => *l = (settings, policy),
            Err(poisoned) => *poisoned.into_inner() = (settings, policy),
        }
        self.today.clear();
        self.agenda.clear();
        self.applications.clear();
        self.board.clear();
        self.pipeline.clear();
        self.stats.clear();
    }

    /// The cached Today page.
    pub fn today_cache(&self) -> &TodayCache {
        &self.today
    }

    /// The cached answer of `/api/agenda`.
    pub fn agenda_cache(&self) -> &TodayCache {
        &self.agenda
    }

    /// The cached answer of `/api/applications`.
    pub fn applications_cache(&self) -> &TodayCache {
        &self.applications
    }

    /// The cached cards of the board (every application's, before a search).
    pub fn board_cache(&self) -> &TodayCache<Arc<Vec<views::Card>>> {
        &self.board
    }

    /// The cached page of the board without a search.
    pub fn pipeline_cache(&self) -> &TodayCache {
        &self.pipeline
    }

    /// The cached figures of Stats (for the page and `/api/stats`).
    pub fn stats_cache(&self) -> &TodayCache<Arc<views::Stats>> {
        &self.stats
    }

    /// A new browser session (token mode): its id, kept until it expires.
    fn open_session(&self) -> Option<String> {
        let id = random_hex();
        if id.is_empty() {
            return None;
        }
        let now = Timestamp::now();
        let until = now
            .checked_add(jiff::SignedDuration::from_secs(SESSION_SECS))
            .ok()?;
        let mut all = self
            .sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        all.retain(|_, t| *t > now);
        while all.len() >= MAX_SESSIONS {
            let oldest = all.iter().min_by_key(|(_, t)| **t).map(|(k, _)| k.clone());
            match oldest {
                Some(k) => all.remove(&k),
                None => break,
            };
        }
        all.insert(id.clone(), until);
        Some(id)
    }

    /// Whether a session id is one this process opened and it has not expired.
    fn session_ok(&self, id: &str) -> bool {
        let all = self
            .sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        all.get(id).is_some_and(|t| *t > Timestamp::now())
    }

    /// The CSRF token of this process, put in every form.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// Whether a form's token is this process's (in constant time).
    pub fn csrf_ok(&self, given: &str) -> bool {
        bool::from(given.as_bytes().ct_eq(self.csrf.as_bytes()))
    }
}

/// A per-process random secret, hex-encoded.
fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    // Without randomness there is no safe token: refuse every form rather than guess.
    if getrandom::fill(&mut bytes).is_err() {
        return String::new();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The port `followup serve` listens on when neither `--port` nor `--listen ADDR:PORT`
/// names one.
pub const DEFAULT_PORT: u16 = 7878;

/// The address `--listen` names, with `--port` when given: an IP address (`0.0.0.0`,
/// `::1`), with a port (`0.0.0.0:8080`, `[::1]:8080`), or `localhost` (127.0.0.1).
pub fn parse_listen(text: &str, port: Option<u16>) -> Result<SocketAddr, String> {
    let text = text.trim();
    let expected = || {
        format!(
            "--listen `{text}`: expected an address like 127.0.0.1, 0.0.0.0:8080, [::1]:8080 or localhost"
        )
    };
    let localhost = std::net::IpAddr::from([127, 0, 0, 1]);
    let (ip, given) = if let Ok(ip) = text.parse::<std::net::IpAddr>() {
        (ip, None)
    } else if let Ok(addr) = text.parse::<SocketAddr>() {
        (addr.ip(), Some(addr.port()))
    } else if text.eq_ignore_ascii_case("localhost") {
        (localhost, None)
    } else {
        match text.rsplit_once(':') {
            Some((name, p)) if name.eq_ignore_ascii_case("localhost") => {
                (localhost, Some(p.parse::<u16>().map_err(|_| expected())?))
            }
            _ => return Err(expected()),
        }
    };
    let port = match (given, port) {
        (Some(a), Some(b)) if a != b => {
            return Err(format!(
                "--listen {text} and --port {b} name two ports: give one"
            ))
        }
        (Some(a), _) => a,
        (None, Some(b)) => b,
        (None, None) => DEFAULT_PORT,
    };
    Ok(SocketAddr::new(ip, port))
}

/// Refuses a listen address other than loopback without a token.
pub fn check_listen(addr: &SocketAddr, token: Option<&str>) -> Result<(), String> {
    if let Some(t) = token {
        if t.trim().len() < 16 {
            return Err("--token must be at least 16 characters".into());
        }
    }
    if !addr.ip().is_loopback() && token.is_none() {
        return Err(format!(
            "refusing to listen on {addr} without --token: anyone on the network could read and change your applications"
        ));
    }
    Ok(())
}

/// The whole application: pages, API, static files, limits and headers.
pub fn router(config: Config) -> Router {
    // The form token is the database's, so that every process serving it takes the
    // forms any of them showed (one made for this process where the file cannot be).
    let mut csrf = match &config.pg {
        Some(pg) => pg.form_secret.clone(),
        None => {
            followup_app::secret::read_or_make(&config.db, "form").unwrap_or_else(|_| random_hex())
        }
    };
    if csrf.is_empty() {
        // Never match an empty token.
        csrf = "unavailable".repeat(4);
    }
    let pool = Arc::new(followup_app::ctx::StorePool::new(
        config.db.clone(),
        POOL_IDLE,
    ));
    let state: Shared = Arc::new(AppState {
        live: RwLock::new((config.settings.clone(), config.policy.clone())),
        config,
        csrf,
        today: TodayCache::default(),
        agenda: TodayCache::default(),
        applications: TodayCache::default(),
        board: TodayCache::default(),
        pipeline: TodayCache::default(),
        stats: TodayCache::default(),
        pool,
        sessions: Mutex::default(),
        feed_seen: feed::Seen::default(),
    });
    // The routes are made once; this app is them with its state put into each
    // request (no work per route).
    Router::new().fallback_service(tower::Layer::layer(&axum::Extension(state), routes()))
}

/// The app's state in a handler: put into every request by [`router`] (the same
/// routes serve every app of a process, each request carrying its own app's state).
pub struct State<T>(pub T);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for State<Shared> {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Problem> {
        parts
            .extensions
            .get::<Shared>()
            .cloned()
            .map(State)
            .ok_or_else(|| Problem::internal("a request reached the app without its state"))
    }
}

/// Every route, before the state is given: built once per process (the OpenAPI
/// document with it), then shared by every app made ([`router`]): a server of many
/// users makes one for each user it serves.
fn routes() -> Router {
    static ROUTES: std::sync::OnceLock<Router> = std::sync::OnceLock::new();
    ROUTES
        .get_or_init(|| {
            let (api, _) = api::router().split_for_parts();
            let app = Router::new()
                .merge(pages::router())
                .route("/feed/{file}", axum::routing::get(feed::serve))
                .route("/healthz", axum::routing::get(ops::healthz))
                .route(
                    "/digest/unsubscribe/{secret}",
                    axum::routing::get(digest::ask).post(digest::unsubscribe),
                )
                .route("/metrics", axum::routing::get(ops::metrics))
                .merge(api)
                .fallback(not_found)
                .layer(middleware::from_fn(idempotency::digest))
                .layer(DefaultBodyLimit::max(BODY_LIMIT))
                .layer(middleware::from_fn(uniform_errors))
                .layer(middleware::from_fn(guard))
                .layer(middleware::from_fn(same_origin));
            with_security_headers(app)
        })
        .clone()
}

/// The headers every answer carries: no referrer, no sniffing, the content security
/// policy, no framing.
pub(crate) fn with_security_headers<S: Clone + Send + Sync + 'static>(r: Router<S>) -> Router<S> {
    r
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
}

/// Whether a path is the calendar feed's (`/feed/<secret>.ics`) or the digest's
/// unsubscribe link: their secret is their key, so they are served without the token
/// (calendars and mail providers cannot send one).
fn by_secret(path: &str) -> bool {
    path.starts_with("/feed/") || path.starts_with("/digest/unsubscribe/")
}

/// Whether a path is the API's (errors as problem+json) rather than a page's (errors as
/// an HTML page).
pub(crate) fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Nothing at this path: a problem for the API, the error page for a page.
pub(crate) async fn not_found(uri: Uri) -> Response {
    let path = uri.path();
    if is_api(path) {
        Problem::new(
            StatusCode::NOT_FOUND,
            "Not found",
            format!("no endpoint {path}: /api/openapi.json lists them"),
        )
        .into_response()
    } else {
        pages::PageError::from(Problem::new(
            StatusCode::NOT_FOUND,
            "Not found",
            format!("there is no page {path}"),
        ))
        .into_response()
    }
}

/// The longest body of a refusal that is read to explain it.
const REFUSAL_TEXT_LIMIT: usize = 4096;

/// Errors the framework answers by itself (a path parameter that does not parse, a
/// method the path does not take, an extractor's plain-text refusal) in the same shape
/// as the handlers': problem+json under `/api`, the HTML error page elsewhere. Other
/// headers (`Allow` of a 405) are kept.
pub(crate) async fn uniform_errors(req: Request, next: Next) -> Response {
    let api = is_api(req.uri().path());
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_problem = ct.starts_with("application/problem+json");
    let is_html = ct.starts_with("text/html");
    if (api && is_problem) || (!api && is_html) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, REFUSAL_TEXT_LIMIT)
        .await
        .unwrap_or_default();
    let mut problem = if is_problem {
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .map(|v| {
                let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
                Problem::new(status, &text("title"), text("detail"))
            })
    } else {
        None
    }
    .unwrap_or_else(|| {
        let text = String::from_utf8_lossy(&bytes).trim().to_string();
        refusal(status, &method, &path, &text)
    });
    problem.status = status.as_u16();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    let fresh = if api {
        problem.into_response()
    } else {
        pages::PageError::from(problem).into_response()
    };
    let (fresh_parts, fresh_body) = fresh.into_parts();
    parts.headers.extend(fresh_parts.headers);
    Response::from_parts(parts, fresh_body)
}

/// The problem of a refusal the framework wrote as plain text (or nothing).
fn refusal(status: StatusCode, method: &axum::http::Method, path: &str, text: &str) -> Problem {
    let text = text.lines().next().unwrap_or("").to_string();
    match status {
        // (axum adds `Allow` after this layer has run.)
        StatusCode::METHOD_NOT_ALLOWED => Problem::new(
            status,
            "Method not allowed",
            format!("{path} does not take {method}: the Allow header lists the methods it takes"),
        ),
        StatusCode::BAD_REQUEST if text.starts_with("Invalid URL") => {
            Problem::new(status, "Invalid path parameter", text)
        }
        StatusCode::NOT_FOUND => Problem::new(status, "Not found", format!("nothing at {path}")),
        StatusCode::UNPROCESSABLE_ENTITY => Problem::field(text),
        _ => {
            let title = status.canonical_reason().unwrap_or("Error");
            let detail = if text.is_empty() {
                title.to_string()
            } else {
                text
            };
            Problem::new(status, title, detail)
        }
    }
}

/// Whether a method changes something (and is refused from another site).
fn changes_state(m: &axum::http::Method) -> bool {
    use axum::http::Method;
    [Method::POST, Method::PUT, Method::PATCH, Method::DELETE].contains(m)
}

/// Why a request comes from another site, if it does: its `Sec-Fetch-Site` says so
/// (anything but `same-origin`, or `none` for what the user typed), or, from a browser
/// without that header, its `Origin` is not the address it was sent to. A request with neither header (curl, a script) is
/// not a browser's and passes: the token, when there is one, guards it.
fn cross_site(req: &Request) -> Option<String> {
    let h = req.headers();
    let text = |v: &HeaderValue| String::from_utf8_lossy(v.as_bytes()).trim().to_string();
    // A browser that sends `Sec-Fetch-Site` (which no page can set) is taken at its
    // word: under `Referrer-Policy: no-referrer` it sends `Origin: null` for its own
    // forms.
    if let Some(site) = h.get("sec-fetch-site").map(text) {
        let site = site.to_ascii_lowercase();
        return (site != "same-origin" && site != "none")
            .then(|| format!("Sec-Fetch-Site: {}", cut(&site)));
    }
    let origin = h.get(header::ORIGIN).map(text)?;
    let host = host_of(req).unwrap_or_default();
    let same = origin.split_once("://").is_some_and(|(scheme, authority)| {
        matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https")
            && authority.eq_ignore_ascii_case(host.trim())
    });
    (!same).then(|| format!("Origin: {}", cut(&origin)))
}

/// At most 100 characters of a header quoted back.
fn cut(s: &str) -> String {
    s.chars().take(100).collect()
}

/// Refuses a state-changing request from another site (403, in plain words), and
/// marks every answer but the static files `Cache-Control: no-store`: the pages and
/// the API hold personal data and the form token.
pub(crate) async fn same_origin(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut r = match changes_state(req.method())
        .then(|| cross_site(&req))
        .flatten()
    {
        Some(why) => {
            let p = Problem::new(
                StatusCode::FORBIDDEN,
                "Cross-site request refused",
                format!(
                    "this request comes from another site ({why}): changes are taken only from followup's own pages"
                ),
            );
            if is_api(&path) {
                p.into_response()
            } else {
                pages::PageError::from(p).into_response()
            }
        }
        None => next.run(req).await,
    };
    // The calendar feed says itself how it may be kept (`private, no-cache`).
    if !path.starts_with("/static/") && !path.starts_with("/feed/") {
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    r
}

/// Whether a `Host` header names this machine's loopback: `localhost`, `127.0.0.1`
/// (any 127.x.y.z) or `[::1]`, with any port.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((ip, "")) => ip,
            Some((ip, port)) if valid_port(port) => ip,
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if valid_port(&format!(":{port}")) => name,
            Some(_) => return false,
            None => host,
        }
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `:PORT`.
fn valid_port(s: &str) -> bool {
    s.strip_prefix(':').is_some_and(|p| {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok()
    })
}

/// The host a request was sent to: its `Host` header, else the authority of its URI.
fn host_of(req: &Request) -> Option<String> {
    match req.headers().get(header::HOST) {
        Some(v) => Some(String::from_utf8_lossy(v.as_bytes()).into_owned()),
        None => req.uri().authority().map(|a| a.as_str().to_string()),
    }
}

/// `%XX` and `+` of one query parameter's value.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 1 < bytes.len() => {
                match (hex(bytes[i + 1]), bytes.get(i + 2).copied().and_then(hex)) {
                    (Some(h), Some(l)) => {
                        // Two hex digits make one byte.
                        out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `token` parameter of a query, and the query without it.
fn split_token(query: &str) -> (Option<String>, String) {
    let mut token = None;
    let mut rest = Vec::new();
    for p in query.split('&') {
        match p.strip_prefix("token=") {
            Some(v) if token.is_none() => token = Some(percent_decode(v)),
            Some(_) => {}
            None if p.is_empty() => {}
            None => rest.push(p),
        }
    }
    (token, rest.join("&"))
}

/// With a token configured, every request carries it: `Authorization: Bearer T` (the
/// scheme in any case), or the session cookie a browser got by opening a URL with
/// `?token=T` once (a random id that expires after [`SESSION_SECS`], never the token);
/// a 401 says `WWW-Authenticate: Bearer`. Without one, only requests addressed to a loopback name are answered: a page
/// of another site that points its own name at 127.0.0.1 (DNS rebinding) is refused.
async fn guard(State(s): State<Shared>, mut req: Request, next: Next) -> Response {
    // The form token, for what a page adds after its handler (the flash's undo form).
    req.extensions_mut().insert(FormToken(s.csrf.clone()));
    // A multi-user server checked the account before passing the request on.
    if req.extensions().get::<accounts::SignedIn>().is_some() {
        return next.run(req).await;
    }
    let Some(token) = s.config.token.as_deref() else {
        // HTTP/1.0 clients may send no Host; a browser always sends one.
        return match host_of(&req) {
            Some(h) if !is_loopback_host(&h) => Problem::new(
                StatusCode::FORBIDDEN,
                "Host not allowed",
                format!(
                    "this server answers requests for localhost, 127.0.0.1 or [::1] only, not `{}` (start it with --token to serve other names)",
                    h.chars().take(100).collect::<String>()
                ),
            )
            .into_response(),
            _ => next.run(req).await,
        };
    };
    // The feed's secret is its key; a load balancer's health check carries nothing.
    if by_secret(req.uri().path()) || req.uri().path() == "/healthz" {
        return next.run(req).await;
    }
    let eq = |given: &str| bool::from(given.as_bytes().ct_eq(token.as_bytes()));
    let headers = req.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        });
    let session = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(';')
                .filter_map(|c| c.trim().strip_prefix(SESSION_COOKIE)?.strip_prefix('='))
                .next()
        });
    let header_ok = bearer.is_some_and(eq) || session.is_some_and(|id| s.session_ok(id));
    let (from_query, rest) = match req.uri().query() {
        Some(q) => split_token(q),
        None => (None, String::new()),
    };
    let query_ok = from_query.as_deref().is_some_and(eq);
    if !header_ok && !query_ok {
        let mut r = Problem::new(
            StatusCode::UNAUTHORIZED,
            "Token required",
            "this server needs its token: send `Authorization: Bearer TOKEN`, or open /?token=TOKEN once",
        )
        .into_response();
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"followup\""),
        );
        return r;
    }
    if from_query.is_none() {
        return next.run(req).await;
    }
    // The token leaves the URL: the handler sees the other parameters only.
    let path = req.uri().path();
    // `//host` would be another site's address.
    let path = if path.starts_with("//") { "/" } else { path };
    let target = if rest.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{rest}")
    };
    // A session of its own, never the token itself: it expires, and it is forgotten
    // when the server restarts.
    let set_cookie = query_ok
        .then(|| s.open_session())
        .flatten()
        .map(|id| {
            format!(
                "{SESSION_COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/; Max-Age={SESSION_SECS}"
            )
        })
        .and_then(|c| HeaderValue::from_str(&c).ok());
    let mut r = if query_ok
        && (req.method() == axum::http::Method::GET || req.method() == axum::http::Method::HEAD)
    {
        // A browser opening the link: keep the token in the cookie, out of the address bar
        // and history.
        axum::response::Redirect::to(&target).into_response()
    } else {
        match target.parse::<Uri>() {
            Ok(uri) => *req.uri_mut() = uri,
            Err(_) => {
                return Problem::input("the request's address cannot be read").into_response()
            }
        }
        next.run(req).await
    };
    if let Some(v) = set_cookie {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// Runs `f` (which uses the database) off the async threads.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(Problem::internal(format!("the request failed: {e}"))))
}

/// Serves until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, config: Config) -> std::io::Result<()> {
    serve_router(listener, router(config)).await
}

/// Serves many people until the process ends ([`accounts`]).
pub async fn serve_multi(
    listener: tokio::net::TcpListener,
    config: Config,
    multi: accounts::MultiUser,
) -> std::io::Result<()> {
    serve_router(listener, accounts::router(config, multi)).await
}

async fn serve_router(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    axum::serve(listener, app).await
}

/// The process's form token, put in every request's extensions by `guard`.
#[derive(Debug, Clone)]
pub(crate) struct FormToken(pub(crate) String);
