//! `followup serve --multi-user`: accounts in front of the web app.
//!
//! Every request is signed in (a session cookie from `/signin`, or an API token sent
//! as `Authorization: Bearer TOKEN`) before it reaches the app, and the app it reaches
//! is that user's own: the same router as one person's, over the user's own database,
//! settings and secrets (`followup_app::accounts::Office`). A user's app is built on
//! their first request and kept. Sessions, tokens and failed sign-ins are in the
//! accounts database, so a restart signs nobody out.
//!
//! Without a session, pages answer `303 See Other` to `/signin?next=PATH`, the API
//! `401` (problem+json). The session cookie is `HttpOnly; SameSite=Lax`, and `Secure`
//! when the request came over HTTPS through a proxy the server was told to trust
//! (`--trust-proxy`: its `X-Forwarded-Proto: https`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::{Form, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use followup_app::accounts::{self as acc, Office, SignIn};
use followup_store::accounts::{AccountStore, LinkPurpose, User};
use jiff::Timestamp;
use serde::Deserialize;
use tower::ServiceExt;

use crate::{blocking, Config, Problem};

/// The cookie of a signed-in browser.
pub const ACCOUNT_COOKIE: &str = "followup_account";

/// Each user's ids start at their account id times this: an id names one record in
/// the whole office, whose ever it is.
pub const ID_BLOCK: i64 = Office::ID_BLOCK;

/// How accounts are run.
#[derive(Debug, Clone)]
pub struct MultiUser {
    /// The accounts database and each user's files.
    pub office: Office,
    /// Whether anyone may make an account at `/signup`.
    pub open_signup: bool,
    /// Whether `X-Forwarded-Proto` is believed (a proxy in front says how the browser
    /// connected).
    pub trust_proxy: bool,
    /// Accounts and every user's facts in this PostgreSQL database instead of the
    /// office's files (`serve --db postgres://…`): `office` is then unused.
    pub pg: Option<PgAccounts>,
}

/// The PostgreSQL database of a multi-user server ([`MultiUser::pg`]).
#[derive(Debug, Clone)]
pub struct PgAccounts {
    /// Connections to it.
    pub pool: followup_store::pg::PgPool,
    /// The key every user's form tokens are made from, the same in every process
    /// (`server_secret` "form"; read before serving: the connection blocks).
    pub form_key: String,
}

/// Marks a request whose account was checked (put in its extensions, which no client
/// can set): the user's app lets it through.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SignedIn;

struct Front {
    base: Config,
    multi: MultiUser,
    /// Open connections to the accounts database, reused by every request (each
    /// request checks its session or token there).
    accounts: Arc<followup_app::ctx::StorePool>,
    /// Each user's app, built on their first request, with the moment their settings
    /// file was last changed when it was built: a save by another process builds it
    /// again.
    apps: Mutex<HashMap<i64, (Router, Stamp)>>,
}

/// What a kept app was made from: on SQLite, when the user's settings file was last
/// changed; on PostgreSQL, the user's settings version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stamp {
    Changed(Option<std::time::SystemTime>),
    Version(i64),
}

/// The user's app, on whichever backend: made on first use, and again when their
/// settings changed since (saved by any process).
async fn app_of(front: &Shared, user: &User) -> Result<Router, Problem> {
    let Some(pg) = &front.multi.pg else {
        return front.app(user);
    };
    if let Some(app) = front.kept_pg_app(user) {
        return Ok(app);
    }
    // Never saved: the server's settings, nothing to read.
    let saved = if user.settings_version == 0 {
        None
    } else {
        let (pool, id) = (pg.pool.clone(), user.id);
        blocking(move || {
            let mut conn = pool.get_pg().map_err(followup_app::Error::from)?;
            Ok(conn.user_settings(id).map_err(followup_app::Error::from)?)
        })
        .await?
    };
    front.make_pg_app(pg, user, saved)
}

type Shared = Arc<Front>;

/// The router of a multi-user server: sign-in, sign-up, the account page, and every
/// signed-in request passed to that user's app.
pub fn router(base: Config, multi: MultiUser) -> Router {
    let front: Shared = Arc::new(Front {
        accounts: Arc::new(followup_app::ctx::StorePool::new(
            multi.office.db().to_path_buf(),
            ACCOUNTS_IDLE,
        )),
        base,
        multi,
        apps: Mutex::default(),
    });
    let r = Router::new()
        .route("/signin", get(sign_in_page).post(sign_in))
        .route("/signout", post(sign_out))
        .route("/signup", get(open_sign_up_page).post(open_sign_up))
        .route("/signup/{key}", get(link_page).post(link_submit))
        .route("/reset/{key}", get(link_page).post(link_submit))
        .route("/account", get(account_page))
        .route("/account/password", post(change_password))
        .route("/account/token", post(new_token))
        .route("/account/tokens/revoke", post(revoke_tokens))
        .route("/account/signout-everywhere", post(sign_out_everywhere))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/static/app.css", get(crate::pages::css))
        .route("/static/app.js", get(crate::pages::js))
        .route("/favicon.svg", get(crate::pages::favicon))
        .route("/feed/{file}", get(by_secret))
        .route(
            "/digest/unsubscribe/{secret}",
            get(by_secret).post(by_secret),
        )
        .fallback(to_app)
        .layer(axum::middleware::from_fn(crate::uniform_errors))
        .layer(axum::middleware::from_fn(crate::same_origin));
    crate::with_security_headers(r).with_state(front)
}

impl Front {
    fn now(&self) -> Timestamp {
        self.base.now.unwrap_or_else(Timestamp::now)
    }

    /// The user's app on SQLite (built on first use, and again when their settings
    /// file changed since).
    fn app(&self, user: &User) -> Result<Router, Problem> {
        let office = &self.multi.office;
        let config_file = office.user_config(user.id);
        let changed = Stamp::Changed(
            std::fs::metadata(&config_file)
                .and_then(|m| m.modified())
                .ok(),
        );
        let mut apps = self
            .apps
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((app, built)) = apps.get(&user.id) {
            if *built == changed {
                return Ok(app.clone());
            }
        }
        // Made with the account; made here for one made before, or whose files were
        // lost (idempotent).
        office.make_user_db(user.id).map_err(Problem::from)?;
        let settings =
            acc::user_settings(office, user.id, &self.base.settings).map_err(Problem::from)?;
        let policy =
            followup_app::ctx::load_policy(settings.policy.as_deref(), settings.preset.as_deref())
                .map_err(Problem::from)?;
        let app = crate::router(Config {
            db: office.user_db(user.id),
            settings,
            policy,
            now: self.base.now,
            token: None,
            config_file: Some(config_file),
            pg: None,
            hosted: true,
        });
        apps.insert(user.id, (app.clone(), changed));
        Ok(app)
    }

    /// The app of a user whose facts are in PostgreSQL, kept while their settings
    /// version (read with their session) is the one it was made with.
    fn kept_pg_app(&self, user: &User) -> Option<Router> {
        let apps = self
            .apps
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match apps.get(&user.id) {
            Some((app, Stamp::Version(v))) if *v == user.settings_version => Some(app.clone()),
            _ => None,
        }
    }

    /// Makes the app of a user whose facts are in PostgreSQL: their own settings
    /// (`saved`, else the server's, [`followup_app::pg_settings`]), and form tokens made
    /// from a key every process shares.
    fn make_pg_app(
        &self,
        pg: &PgAccounts,
        user: &User,
        saved: Option<followup_store::pg::SavedSettings>,
    ) -> Result<Router, Problem> {
        let (mut settings, policy) = followup_app::pg_settings::account_settings(
            &self.base.settings,
            &self.base.policy,
            saved
                .as_ref()
                .map(|s| (s.config.as_str(), s.policy.as_str())),
        )
        .map_err(Problem::from)?;
        // Its own mail account, if the service set one up, is read from its file when
        // needed (`pg_settings::own_mail`).
        settings.account_email = Some(user.email.clone());
        settings.account_id = Some(user.id);
        let app = crate::router(Config {
            // No file: what needs one says it is not available.
            db: std::path::PathBuf::from(format!("/dev/null/followup-user-{}", user.id)),
            settings,
            policy,
            now: self.base.now,
            token: None,
            config_file: None,
            hosted: true,
            pg: Some(crate::PgApp {
                user: followup_app::ctx::PgUser {
                    pool: pg.pool.clone(),
                    user: user.id,
                },
                form_secret: acc::hash_secret(&format!("{}:{}", pg.form_key, user.id)),
                server: self.base.settings.clone(),
            }),
        });
        let mut apps = self
            .apps
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if apps.len() >= PG_APPS_KEPT && !apps.contains_key(&user.id) {
            // Bounded: any one goes (made again, cheaply, on its user's next request).
            if let Some(&gone) = apps.keys().next() {
                apps.remove(&gone);
            }
        }
        let version = saved.map_or(user.settings_version, |s| s.version);
        apps.insert(user.id, (app.clone(), Stamp::Version(version)));
        Ok(app)
    }

    fn forget_app(&self, user_id: i64) {
        let mut apps = self
            .apps
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        apps.remove(&user_id);
    }

    /// The `Set-Cookie` of a new session (`None`: ending it).
    fn cookie(&self, headers: &HeaderMap, session: Option<&str>) -> HeaderValue {
        let secure = self.multi.trust_proxy
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
        let secure = if secure { "; Secure" } else { "" };
        let text = match session {
            Some(id) => format!(
                "{ACCOUNT_COOKIE}={id}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{secure}",
                acc::SESSION_LIFETIME.as_secs()
            ),
            None => format!("{ACCOUNT_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{secure}"),
        };
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

/// Runs `f` on the accounts database (a pooled connection, on a blocking thread), its
/// errors as a problem.
async fn on_accounts<T: Send + 'static>(
    front: &Front,
    f: impl FnOnce(Option<&Office>, &mut dyn AccountStore) -> followup_app::Result<T> + Send + 'static,
) -> Result<T, Problem> {
    if let Some(pg) = front.multi.pg.as_ref().map(|p| p.pool.clone()) {
        return blocking(move || {
            let mut conn = pg.get_pg().map_err(followup_app::Error::from)?;
            Ok(f(None, &mut *conn)?)
        })
        .await;
    }
    let (office, pool) = (front.multi.office.clone(), front.accounts.clone());
    blocking(move || {
        let mut store = pool.take()?;
        Ok(f(Some(&office), &mut *store)?)
    })
    .await
}

/// How many users' apps a server over PostgreSQL keeps made (of thousands of users,
/// those of the last requests, about).
const PG_APPS_KEPT: usize = 2048;

/// How many open connections to the accounts database are kept for reuse when idle.
const ACCOUNTS_IDLE: usize = 16;

/// The session id the browser sent, if any.
fn session_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(ACCOUNT_COOKIE)?.strip_prefix('='))
        .find(|v| !v.is_empty())
        .map(str::to_string)
}

/// The bearer token sent, if any.
fn bearer_of(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = v.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| rest.trim().to_string())
}

/// The signed-in account of a request: by its bearer token, else its session.
async fn account_of(front: &Shared, headers: &HeaderMap) -> Result<Option<User>, Problem> {
    let bearer = bearer_of(headers);
    let session = session_of(headers);
    if bearer.is_none() && session.is_none() {
        return Ok(None);
    }
    let now = front.now();
    on_accounts(front, move |_, store| match (bearer, session) {
        (Some(t), _) => acc::token_user(store, &t),
        (None, Some(s)) => acc::session_user(store, &s, now),
        (None, None) => Ok(None),
    })
    .await
}

/// Where a page goes after signing in: a path of this site only. Anything else (a
/// scheme, `//host`, a backslash, or a space or control character, which browsers
/// drop from a `Location` and so could turn `/\t/host` into `//host`) goes home.
fn safe_next(next: &str) -> String {
    let mut chars = next.chars();
    let path_only = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && next.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    if path_only {
        next.to_string()
    } else {
        "/".to_string()
    }
}

/// The calendar feed (`/feed/<secret>.ics`) and the digest's unsubscribe link carry
/// no session (a calendar or a mail provider fetches them): they go to the app of the
/// user whose secret they name, found by reading each user's secret (an office has
/// tens of users, not millions), or on PostgreSQL by the user the feed's address names
/// under the server's MAC ([`crate::feed::pg_owner`]); an unknown secret is the app's
/// own 404.
async fn by_secret(State(front): State<Shared>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let feed = path.starts_with("/feed/");
    let given = path.rsplit('/').next().unwrap_or("").to_string();
    let pg = front.multi.pg.as_ref().map(|p| p.pool.clone());
    if let (false, Some(pg)) = (feed, pg.clone()) {
        return pg_unsubscribe(
            &front,
            pg,
            req.method() == axum::http::Method::POST,
            path,
            given,
        )
        .await;
    }
    let owner = if let Some(pg) = pg {
        crate::feed::pg_owner(pg, given).await
    } else {
        on_accounts(&front, move |office, store| {
            // Only an office's users have these secrets (files beside their database).
            let Some(office) = office else {
                return Ok(None);
            };
            Ok(store.users()?.into_iter().find(|u| {
                let db = office.user_db(u.id);
                if feed {
                    crate::feed::secret(&db)
                        .ok()
                        .flatten()
                        .is_some_and(|s| crate::feed::opens(&s, &given))
                } else {
                    followup_app::secret::read(&db, followup_app::digest::SECRET)
                        .ok()
                        .flatten()
                        .is_some_and(|s| followup_app::secret::matches(&s, &given))
                }
            }))
        })
        .await
    };
    let user = match owner {
        Ok(Some(u)) => u,
        Ok(None) => {
            return crate::not_found(req.uri().clone()).await;
        }
        Err(p) => return p.into_response(),
    };
    let app = match app_of(&front, &user).await {
        Ok(a) => a,
        Err(p) => return p.into_response(),
    };
    // The user's app matches the path again: the parameters this router took from it
    // are not passed on.
    let (mut parts, body) = req.into_parts();
    parts.extensions = axum::http::Extensions::new();
    parts.extensions.insert(SignedIn);
    match app.oneshot(Request::from_parts(parts, body)).await {
        Ok(r) => r,
        Err(never) => match never {},
    }
}

/// The digest's unsubscribe link on PostgreSQL (`/digest/unsubscribe/USER.MAC`,
/// [`followup_app::pg_jobs::unsubscribe_user`]): a GET asks first, a POST takes the
/// user off the digests' schedule. Any other link is 404.
async fn pg_unsubscribe(
    front: &Front,
    pool: followup_store::pg::PgPool,
    post: bool,
    path: String,
    given: String,
) -> Response {
    let (server, now) = (front.base.settings.clone(), front.now());
    let done = crate::blocking(move || {
        let mut conn = pool.get_pg().map_err(followup_app::Error::from)?;
        let fresh = followup_app::accounts::new_secret()?;
        let secret = conn
            .server_secret(followup_app::pg_jobs::SECRET, || fresh)
            .map_err(followup_app::Error::from)?;
        let Some(user) = followup_app::pg_jobs::unsubscribe_user(&secret, &given) else {
            return Ok(None);
        };
        if post {
            // Off in the account's settings too, so the Settings page says so.
            followup_app::pg_settings::digest_off(&mut conn, user, &server, now)?;
        }
        Ok(Some(user))
    })
    .await;
    match done {
        Ok(Some(_)) => {
            crate::digest::unsubscribe_page(post, if post { String::new() } else { path })
        }
        Ok(None) => Problem::new(
            StatusCode::NOT_FOUND,
            "No such link",
            "this unsubscribe link is not this server's",
        )
        .into_response(),
        Err(p) => p.into_response(),
    }
}

/// A signed-in request goes to its user's app; otherwise the sign-in page (pages) or
/// 401 (the API).
async fn to_app(State(front): State<Shared>, mut req: Request) -> Response {
    let user = match account_of(&front, req.headers()).await {
        Ok(u) => u,
        Err(p) => return p.into_response(),
    };
    let Some(user) = user else {
        let path = req.uri().path();
        if crate::is_api(path) {
            let mut r = Problem::new(
                StatusCode::UNAUTHORIZED,
                "Sign-in required",
                "sign in at /signin, or send `Authorization: Bearer TOKEN` (an API token from the Account page or `followup admin token`)",
            )
            .into_response();
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"followup\""),
            );
            return r;
        }
        let target = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let next: String = percent_encoding::utf8_percent_encode(
            &safe_next(&target),
            percent_encoding::NON_ALPHANUMERIC,
        )
        .to_string();
        return Redirect::to(&format!("/signin?next={next}")).into_response();
    };
    let app = match app_of(&front, &user).await {
        Ok(a) => a,
        Err(p) => return p.into_response(),
    };
    req.extensions_mut().insert(SignedIn);
    let resp = match app.oneshot(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    with_account_link(resp).await
}

/// The largest page the account link is added to.
const PAGE_LIMIT: usize = 16 * 1024 * 1024;

/// Adds the Account link to the navigation of an HTML page.
async fn with_account_link(resp: Response) -> Response {
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/html"));
    if !html {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, PAGE_LIMIT).await else {
        return Problem::internal("a page too large to show".to_string()).into_response();
    };
    let text = String::from_utf8_lossy(&bytes).replacen(
        ACCOUNT_MARK,
        "<li><a href=\"/account\">Account</a></li>",
        1,
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(text))
}

/// Where base.html's navigation takes the Account link.
pub(crate) const ACCOUNT_MARK: &str = "<!--account-->";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    SignIn,
    SetPassword,
    OpenSignUp,
    Account,
}

#[derive(Template)]
#[template(path = "account.html")]
struct Page {
    kind: Kind,
    title: &'static str,
    error: Option<String>,
    notice: Option<String>,
    email: String,
    next: String,
    action: String,
    open_signup: bool,
    token: Option<String>,
    /// How many API tokens the account has (the Account page).
    tokens: i64,
    min_password: usize,
}

impl Page {
    fn new(kind: Kind, title: &'static str) -> Page {
        Page {
            kind,
            title,
            error: None,
            notice: None,
            email: String::new(),
            next: "/".into(),
            action: String::new(),
            open_signup: false,
            token: None,
            tokens: 0,
            min_password: acc::MIN_PASSWORD,
        }
    }

    fn respond(&self, status: StatusCode) -> Response {
        match self.render() {
            Ok(body) if self.kind == Kind::Account => {
                let body = body.replacen(
                    ACCOUNT_MARK,
                    "<li><a href=\"/account\" aria-current=\"page\">Account</a></li>",
                    1,
                );
                (status, Html(body)).into_response()
            }
            Ok(body) => (status, Html(body)).into_response(),
            Err(e) => Problem::internal(format!("cannot render the page: {e}")).into_response(),
        }
    }
}

#[derive(Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

async fn sign_in_page(State(front): State<Shared>, Query(q): Query<NextQuery>) -> Response {
    let mut p = Page::new(Kind::SignIn, "Sign in");
    p.next = safe_next(q.next.as_deref().unwrap_or("/"));
    p.open_signup = front.multi.open_signup;
    p.respond(StatusCode::OK)
}

#[derive(Deserialize)]
struct SignInForm {
    email: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

async fn sign_in(
    State(front): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Response {
    let now = front.now();
    let (email, password) = (f.email.clone(), f.password);
    let outcome = on_accounts(&front, move |_, store| {
        acc::sign_in(store, &email, &password, now)
    })
    .await;
    let mut p = Page::new(Kind::SignIn, "Sign in");
    p.email = f.email.trim().to_string();
    p.next = safe_next(f.next.as_deref().unwrap_or("/"));
    p.open_signup = front.multi.open_signup;
    match outcome {
        Ok(SignIn::Ok { session, .. }) => signed_in(&front, &headers, &session, &p.next),
        Ok(SignIn::Wrong) => {
            p.error = Some("That e-mail and password do not match an account.".into());
            p.respond(StatusCode::UNAUTHORIZED)
        }
        Ok(SignIn::TooMany { retry_at }) => {
            let mins = (retry_at.duration_since(front.now()).as_secs() + 59) / 60;
            p.error = Some(format!(
                "Too many failed attempts for this address: try again in {mins} minutes."
            ));
            let mut r = p.respond(StatusCode::TOO_MANY_REQUESTS);
            if let Ok(v) = HeaderValue::from_str(&(mins * 60).to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        Err(problem) => problem.into_response(),
    }
}

/// The answer to a successful sign-in: the cookie, and on to `next`.
fn signed_in(front: &Front, headers: &HeaderMap, session: &str, next: &str) -> Response {
    let mut r = Redirect::to(next).into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, front.cookie(headers, Some(session)));
    r
}

async fn sign_out(State(front): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(session) = session_of(&headers) {
        let done = on_accounts(&front, move |_, store| acc::sign_out(store, &session)).await;
        if let Err(p) = done {
            return p.into_response();
        }
    }
    let mut r = Redirect::to("/signin").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, front.cookie(&headers, None));
    r
}

fn purpose_of(req_path: &str) -> (LinkPurpose, &'static str) {
    if req_path.starts_with("/reset/") {
        (LinkPurpose::Reset, "Choose a new password")
    } else {
        (LinkPurpose::Signup, "Choose your password")
    }
}

async fn link_page(
    State(front): State<Shared>,
    Path(key): Path<String>,
    uri: axum::http::Uri,
) -> Response {
    let (purpose, title) = purpose_of(uri.path());
    let now = front.now();
    let user = on_accounts(&front, move |_, store| {
        Ok(store.link_user(&acc::hash_secret(&key), purpose, now)?)
    })
    .await;
    match user {
        Ok(Some(u)) => {
            let mut p = Page::new(Kind::SetPassword, title);
            p.email = u.email;
            p.action = uri.path().to_string();
            p.respond(StatusCode::OK)
        }
        Ok(None) => crate::pages::PageError::from(dead_link_problem()).into_response(),
        Err(p) => p.into_response(),
    }
}

fn dead_link_problem() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "Link not valid",
        "this link is unknown, was used already or has expired: ask for a new one",
    )
}

#[derive(Deserialize)]
struct PasswordForm {
    password: String,
}

async fn link_submit(
    State(front): State<Shared>,
    Path(key): Path<String>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> Response {
    let (purpose, title) = purpose_of(uri.path());
    if let Err(e) = acc::check_password(&f.password) {
        let mut p = Page::new(Kind::SetPassword, title);
        p.error = Some(capitalized(&e.to_string()));
        p.action = uri.path().to_string();
        return p.respond(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let now = front.now();
    let done = on_accounts(&front, move |_, store| {
        acc::set_password_by_link(store, &key, purpose, &f.password, now)
    })
    .await;
    match done {
        Ok(Some((_, session))) => signed_in(&front, &headers, &session, "/"),
        Ok(None) => crate::pages::PageError::from(dead_link_problem()).into_response(),
        Err(p) => p.into_response(),
    }
}

/// `s` with a capital and a full stop: a sentence.
pub(crate) fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect::<String>() + ".",
        None => String::new(),
    }
}

async fn open_sign_up_page(State(front): State<Shared>) -> Response {
    if !front.multi.open_signup {
        return crate::pages::PageError::from(Problem::new(
            StatusCode::NOT_FOUND,
            "Sign-up is closed",
            "accounts on this service are made by its administrator: ask them for a sign-up link",
        ))
        .into_response();
    }
    Page::new(Kind::OpenSignUp, "Make an account").respond(StatusCode::OK)
}

#[derive(Deserialize)]
struct SignUpForm {
    email: String,
    password: String,
}

async fn open_sign_up(
    State(front): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<SignUpForm>,
) -> Response {
    if !front.multi.open_signup {
        return open_sign_up_page(State(front)).await;
    }
    let mut p = Page::new(Kind::OpenSignUp, "Make an account");
    p.email = f.email.trim().to_string();
    if let Err(e) = acc::check_password(&f.password) {
        p.error = Some(capitalized(&e.to_string()));
        return p.respond(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let now = front.now();
    let done = on_accounts(&front, move |office, store| {
        let u = match office {
            Some(office) => acc::create_user(office, store, &f.email, Some(&f.password), now)?.0,
            None => acc::create_account(store, &f.email, Some(&f.password), now)?.0,
        };
        acc::open_session(store, u.id, now)
    })
    .await;
    match done {
        Ok(session) => signed_in(&front, &headers, &session, "/"),
        Err(problem) if problem.status < 500 => {
            // The address is taken or not an address: said on the form, in words
            // that do not tell more than the form's own.
            p.error = Some(capitalized(&problem.detail));
            p.respond(StatusCode::from_u16(problem.status).unwrap_or(StatusCode::BAD_REQUEST))
        }
        Err(problem) => problem.into_response(),
    }
}

/// The signed-in account of a page of the account's own, or the way to sign in.
async fn require(front: &Shared, headers: &HeaderMap) -> Result<User, Response> {
    match account_of(front, headers).await {
        Ok(Some(u)) => Ok(u),
        Ok(None) => Err(Redirect::to("/signin?next=%2Faccount").into_response()),
        Err(p) => Err(p.into_response()),
    }
}

async fn account_page(State(front): State<Shared>, headers: HeaderMap) -> Response {
    let user = match require(&front, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut p = Page::new(Kind::Account, "Account");
    p.tokens = match token_count(&front, user.id).await {
        Ok(n) => n,
        Err(problem) => return problem.into_response(),
    };
    p.email = user.email;
    p.respond(StatusCode::OK)
}

/// How many API tokens an account has.
async fn token_count(front: &Shared, user_id: i64) -> Result<i64, Problem> {
    on_accounts(front, move |_, store| Ok(store.token_count(user_id)?)).await
}

/// Ends every API token of the signed-in account (the browser's session stays).
async fn revoke_tokens(State(front): State<Shared>, headers: HeaderMap) -> Response {
    let user = match require(&front, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let id = user.id;
    let done = on_accounts(&front, move |_, store| Ok(store.delete_api_tokens(id)?)).await;
    match done {
        Ok(n) => {
            let mut p = Page::new(Kind::Account, "Account");
            p.email = user.email;
            p.notice = Some(match n {
                1 => "1 API token revoked: it no longer opens anything.".to_string(),
                n => format!("{n} API tokens revoked: they no longer open anything."),
            });
            p.respond(StatusCode::OK)
        }
        Err(problem) => problem.into_response(),
    }
}

#[derive(Deserialize)]
struct ChangeForm {
    current: String,
    password: String,
}

async fn change_password(
    State(front): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<ChangeForm>,
) -> Response {
    let user = match require(&front, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut p = Page::new(Kind::Account, "Account");
    p.email = user.email.clone();
    if let Err(e) = acc::check_password(&f.password) {
        p.error = Some(capitalized(&e.to_string()));
        return p.respond(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (now, id) = (front.now(), user.id);
    let done = on_accounts(&front, move |_, store| {
        acc::change_password(store, id, &f.current, &f.password, now)
    })
    .await;
    match done {
        Ok(Some(session)) => {
            p.notice = Some("Password changed. Every other session is signed out.".into());
            let mut r = p.respond(StatusCode::OK);
            r.headers_mut()
                .insert(header::SET_COOKIE, front.cookie(&headers, Some(&session)));
            r
        }
        Ok(None) => {
            p.error = Some("The current password is not right; nothing was changed.".into());
            p.respond(StatusCode::UNAUTHORIZED)
        }
        Err(problem) => problem.into_response(),
    }
}

async fn new_token(State(front): State<Shared>, headers: HeaderMap) -> Response {
    let user = match require(&front, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (now, email) = (front.now(), user.email.clone());
    let done = on_accounts(&front, move |_, store| {
        acc::new_api_token(store, &email, now)
    })
    .await;
    match done {
        Ok((_, token)) => {
            let mut p = Page::new(Kind::Account, "Account");
            p.tokens = token_count(&front, user.id).await.unwrap_or(1);
            p.email = user.email;
            p.token = Some(token);
            p.respond(StatusCode::OK)
        }
        Err(problem) => problem.into_response(),
    }
}

async fn sign_out_everywhere(State(front): State<Shared>, headers: HeaderMap) -> Response {
    let user = match require(&front, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let id = user.id;
    let done = on_accounts(&front, move |_, store| Ok(store.delete_sessions(id)?)).await;
    if let Err(p) = done {
        return p.into_response();
    }
    front.forget_app(id);
    let mut r = Redirect::to("/signin").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, front.cookie(&headers, None));
    r
}

/// Whether the accounts database answers (for a load balancer; no sign-in needed).
/// `GET /metrics`: on PostgreSQL the service's job queue (no account needed: counts
/// only, nobody's facts); in an office each account's own, behind its sign-in.
async fn metrics(State(front): State<Shared>, req: Request) -> Response {
    let Some(pg) = front.multi.pg.as_ref().map(|p| p.pool.clone()) else {
        return to_app(State(front), req).await;
    };
    let now = front.now();
    let figures = blocking(move || {
        let since = now
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
            .yesterday()
            .map_err(|e| followup_app::Error::input(format!("no day before {now}: {e}")))?;
        let mut conn = pg.get_pg().map_err(followup_app::Error::from)?;
        let queue = conn
            .queue_figures(now, since)
            .map_err(followup_app::Error::from)?;
        let sends = conn.send_counts(now).map_err(followup_app::Error::from)?;
        let start = since
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map_err(|e| followup_app::Error::input(format!("the start of {since}: {e}")))?
            .timestamp();
        let finished = conn
            .send_figures(start)
            .map_err(followup_app::Error::from)?;
        Ok((queue, (sends, finished)))
    })
    .await;
    match figures {
        Ok((f, sends)) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            crate::ops::queue_text(&f, &sends.0, &sends.1, now),
        )
            .into_response(),
        Err(p) => p.into_response(),
    }
}

async fn healthz(State(front): State<Shared>) -> Response {
    match on_accounts(&front, |_, _| Ok(())).await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(p) => p.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_path_of_this_site_only() {
        for ok in ["/", "/pipeline?q=acme", "/applications/7%2F8", "/a/b#c"] {
            assert_eq!(safe_next(ok), ok);
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "https://evil.example",
            "evil.example",
            "",
            "/caf\u{e9}",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}
