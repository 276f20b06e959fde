//! The `followup` web app and JSON API (`followup serve`): the same use cases as the
//! command line (`followup-app`), over the same SQLite file, in the browser.
//!
//! Pages are rendered on the server (askama, escaped by default) and work without
//! JavaScript; a little script (shipped in the binary) re-checks drafts live. The API
//! under `/api` is documented by `/api/openapi.json` (utoipa, OpenAPI 3.1); its errors
//! are RFC 9457 `application/problem+json`.

pub mod api;
pub mod pages;
pub mod problem;
pub mod views;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
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
}

/// Shared by every request.
pub struct AppState {
    config: Config,
    /// The settings and policy in force: the started ones, then the saved ones.
    live: RwLock<(Settings, Policy)>,
    csrf: String,
    today: TodayCache,
}

/// The last Today page rendered, reused while the database and the clock are the same.
///
/// Today reads and plans every open application: with a thousand of them that is
/// milliseconds of work, which under load queues up. The page only changes when the
/// database does (`PRAGMA data_version`, seen by a connection of our own, changes on
/// every commit by anyone: this server, or the command line on the same file) or when
/// the clock moves (with a fixed `--now`, never; else the page is kept one second).
#[derive(Default)]
pub struct TodayCache {
    watch: Mutex<Option<rusqlite::Connection>>,
    page: Mutex<Option<CachedPage>>,
}

struct CachedPage {
    version: i64,
    now: Timestamp,
    body: axum::body::Bytes,
}

/// How long a Today page is kept when the clock is the real one.
const TODAY_FRESH: jiff::SignedDuration = jiff::SignedDuration::from_secs(1);

impl TodayCache {
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

    /// The page rendered for `now`, or a fresh one from `render`; `fixed` is whether the
    /// clock is fixed.
    pub fn get_or_render(
        &self,
        db: &std::path::Path,
        now: Timestamp,
        fixed: bool,
        render: impl FnOnce() -> Result<String, Problem>,
    ) -> Result<axum::body::Bytes, Problem> {
        let version = self.version(db);
        if let (Some(v), Ok(page)) = (version, self.page.lock()) {
            if let Some(p) = page.as_ref() {
                let fresh = if fixed {
                    p.now == now
                } else {
                    now >= p.now && now.duration_since(p.now) < TODAY_FRESH
                };
                if p.version == v && fresh {
                    return Ok(p.body.clone());
                }
            }
        }
        let body = axum::body::Bytes::from(render()?);
        if let (Some(v), Ok(mut page)) = (version, self.page.lock()) {
            *page = Some(CachedPage {
                version: v,
                now,
                body: body.clone(),
            });
        }
        Ok(body)
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
        Ctx::from_parts(
            settings,
            policy,
            self.config.now.unwrap_or_else(Timestamp::now),
            self.config.db.clone(),
        )
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
    }

    /// Whether the clock is fixed (`--now`).
    pub fn fixed_now(&self) -> bool {
        self.config.now.is_some()
    }

    /// The cached Today page.
    pub fn today_cache(&self) -> &TodayCache {
        &self.today
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
    let mut csrf = random_hex();
    if csrf.is_empty() {
        // Never match an empty token.
        csrf = "unavailable".repeat(4);
    }
    let state: Shared = Arc::new(AppState {
        live: RwLock::new((config.settings.clone(), config.policy.clone())),
        config,
        csrf,
        today: TodayCache::default(),
    });
    let (api, _) = api::router().split_for_parts();
    Router::new()
        .merge(pages::router())
        .merge(api)
        .route("/api/openapi.json", axum::routing::get(api::openapi_json))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), auth))
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
        .with_state(state)
}

async fn not_found() -> Response {
    Problem::new(
        StatusCode::NOT_FOUND,
        "Not found",
        "no such page or endpoint",
    )
    .into_response()
}

/// With a token configured, every request carries it: `Authorization: Bearer T`, or the
/// cookie a browser got by opening `/?token=T` once.
async fn auth(State(s): State<Shared>, req: Request, next: Next) -> Response {
    let Some(token) = s.config.token.as_deref() else {
        return next.run(req).await;
    };
    let eq = |given: &str| bool::from(given.as_bytes().ct_eq(token.as_bytes()));
    let headers = req.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let cookie = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(';')
                .filter_map(|c| c.trim().strip_prefix("followup_token="))
                .next()
        });
    if bearer.is_some_and(eq) || cookie.is_some_and(eq) {
        return next.run(req).await;
    }
    let query = req.uri().query().unwrap_or("");
    let from_query = query
        .split('&')
        .filter_map(|p| p.strip_prefix("token="))
        .next();
    if from_query.is_some_and(eq) {
        let cookie = format!("followup_token={token}; HttpOnly; SameSite=Strict; Path=/");
        let mut r = axum::response::Redirect::to(req.uri().path()).into_response();
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            r.headers_mut().insert(header::SET_COOKIE, v);
        }
        return r;
    }
    Problem::new(
        StatusCode::UNAUTHORIZED,
        "Token required",
        "this server needs its token: send `Authorization: Bearer TOKEN`, or open /?token=TOKEN once",
    )
    .into_response()
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
    axum::serve(listener, router(config)).await
}
