//! The HTML pages. Every action is a plain form (POST, CSRF token, redirect), so the
//! core works without JavaScript; the script only re-checks drafts live.

use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query};

use crate::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use followup_app::track::{AddInput, RoundInput};
use serde::Deserialize;

use crate::api::{run_check, save_profile, CheckInput, DraftQuery, Finding, ProfileBody};
use crate::views::{self, AgendaItem, HistoryLine, InterviewLine, Timeline, TodayLine, COLUMNS};
use crate::{blocking, Problem, Shared};
use followup_app::agenda::Group;

/// The page routes.
pub fn router() -> Router {
    Router::new()
        .route("/", get(today))
        .route("/pipeline", get(pipeline))
        .route("/applications/{id}", get(application))
        .route("/applications/{id}/draft", get(draft))
        .route(
            "/applications/{id}/draft.eml",
            get(draft_eml).post(draft_eml_edited),
        )
        .route("/new", get(new_form).post(new_submit))
        .route("/new/import", post(new_import))
        .route("/settings", get(settings).post(settings_submit))
        .route("/settings/policy", post(policy_submit))
        .route("/settings/feed", post(feed_submit))
        .route("/settings/holidays", post(holidays_submit))
        .route(
            "/settings/restore",
            post(restore_submit).layer(axum::extract::DefaultBodyLimit::max(RESTORE_LIMIT)),
        )
        .route("/stats", get(stats))
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .route("/favicon.svg", get(favicon))
        .merge(crate::actions::router())
        .merge(crate::outbox::router())
        .merge(crate::inbox::router())
        .layer(axum::middleware::from_fn(crate::actions::flash))
}

/// A page that could not be shown: the same problem, as HTML, with a link to where
/// it can be put right when there is one.
pub struct PageError(
    pub(crate) Problem,
    pub(crate) Option<(&'static str, &'static str)>,
);

impl From<Problem> for PageError {
    fn from(p: Problem) -> Self {
        PageError(p, None)
    }
}

impl PageError {
    /// The page links to `href` ("Set up your profile").
    pub fn linked(p: Problem, href: &'static str, label: &'static str) -> PageError {
        PageError(p, Some((href, label)))
    }
}

impl From<followup_app::Error> for PageError {
    fn from(e: followup_app::Error) -> Self {
        PageError(e.into(), None)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    detail: &'a str,
    link: Option<(&'a str, &'a str)>,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let p = self.0;
        let body = ErrorPage {
            title: &p.title,
            detail: &p.detail,
            link: self.1,
        }
        .render()
        .unwrap_or_else(|_| p.detail.clone());
        (p.status(), Html(body)).into_response()
    }
}

type Page = Result<Response, PageError>;

fn html(t: &impl Template) -> Page {
    let body = t
        .render()
        .map_err(|e| Problem::internal(format!("cannot render the page: {e}")))?;
    Ok(Html(body).into_response())
}

fn csrf_check(s: &Shared, given: &str) -> Result<(), PageError> {
    if s.csrf_ok(given) {
        Ok(())
    } else {
        Err(Problem::new(
            StatusCode::FORBIDDEN,
            "Form expired",
            "the form's security token does not match this server: reload the page and try again",
        )
        .into())
    }
}

/// One group of Today's lines, on the page shown.
struct TodayGroup {
    /// "Overdue", "Due now"...
    title: &'static str,
    /// `overdue`, `due_now`... (the section's id).
    key: &'static str,
    /// How many lines the group has under the filter, on every page.
    total: usize,
    lines: Vec<TodayLine>,
}

#[derive(Template)]
#[template(path = "today.html")]
struct TodayPage {
    groups: Vec<TodayGroup>,
    /// Overdue past [`views::FOLD_AFTER_DAYS`], folded (first page only), and how many.
    folded: Vec<TodayLine>,
    folded_total: usize,
    csrf: String,
    /// A random key per render; each form's `idem` is it and the line's number.
    idem: String,
    /// Now on the user's clock, for the "sent at" fields (`datetime-local`).
    now_local: String,
    company: String,
    kind: String,
    /// Every kind of item there is: (value, label).
    kinds: Vec<(String, String)>,
    companies: Vec<String>,
    /// Lines under the filter (not folded), this page (1-based) and the count of pages.
    total: usize,
    all: usize,
    page: usize,
    pages: usize,
    /// The query of this filter, for the paging links ("company=..&kind=..").
    query: String,
    /// Proposals read from the mailbox that wait on the Inbox page.
    inbox: usize,
}

/// Lines per page on Today.
const TODAY_PAGE: usize = 50;
/// Folded overdue lines shown at most (the filter finds the others).
const FOLDED_MAX: usize = 100;

/// Today's filter and page: `?company=&kind=&page=`.
#[derive(Debug, Default, Deserialize)]
struct TodayQuery {
    #[serde(default)]
    company: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    page: Option<String>,
}

fn random_key() -> String {
    let mut b = [0u8; 12];
    let _ = getrandom::fill(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The Today page of `q`, rendered.
fn today_page(
    s: &Shared,
    ctx: &followup_app::Ctx,
    q: &TodayQuery,
) -> Result<(String, Option<jiff::Timestamp>), Problem> {
    let (mut lines, until) = views::today_lines(ctx)?;
    views::sort_lines(&mut lines);
    let mut kinds: Vec<(String, String)> = Vec::new();
    let mut companies: Vec<String> = Vec::new();
    for l in &lines {
        if !kinds.iter().any(|(k, _)| *k == l.item.kind) {
            kinds.push((l.item.kind.clone(), l.item.label.clone()));
        }
        if !companies.contains(&l.item.company) {
            companies.push(l.item.company.clone());
        }
    }
    companies.sort_by_key(|c| c.to_lowercase());
    let all = lines.len();
    let (company, kind) = (q.company.trim().to_string(), q.kind.trim().to_string());
    let needle = company.to_lowercase();
    lines.retain(|l| {
        (needle.is_empty() || l.item.company.to_lowercase().contains(&needle))
            && (kind.is_empty() || l.item.kind == kind)
    });
    let (mut folded, shown): (Vec<TodayLine>, Vec<TodayLine>) = lines
        .into_iter()
        .partition(|l| l.group == Group::Overdue && l.late_days > views::FOLD_AFTER_DAYS);
    let total = shown.len();
    let pages = total.div_ceil(TODAY_PAGE).max(1);
    let page = q
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let mut groups: Vec<TodayGroup> = Group::ALL
        .iter()
        .map(|g| TodayGroup {
            title: g.title(),
            key: g.as_str(),
            total: shown.iter().filter(|l| l.group == *g).count(),
            lines: Vec::new(),
        })
        .collect();
    for l in shown
        .into_iter()
        .skip((page - 1) * TODAY_PAGE)
        .take(TODAY_PAGE)
    {
        if let Some(g) = groups.iter_mut().find(|g| g.key == l.group.as_str()) {
            g.lines.push(l);
        }
    }
    let folded_total = folded.len();
    if page == 1 {
        folded.truncate(FOLDED_MAX);
    } else {
        folded.clear();
    }
    // The folded lines sit in the Overdue section: keep it when they are all it has.
    groups.retain(|g| !g.lines.is_empty() || (g.key == "overdue" && !folded.is_empty()));
    let mut query = String::new();
    if !company.is_empty() {
        query.push_str(&format!("company={}&", enc(&company)));
    }
    if !kind.is_empty() {
        query.push_str(&format!("kind={}&", enc(&kind)));
    }
    let tz = followup_app::agenda::user_zone(ctx);
    let page = TodayPage {
        groups,
        folded,
        folded_total,
        csrf: s.csrf().to_string(),
        idem: random_key(),
        now_local: ctx.now.to_zoned(tz).strftime("%Y-%m-%dT%H:%M").to_string(),
        company,
        kind,
        kinds,
        companies,
        total,
        all,
        page,
        pages,
        query,
        inbox: crate::inbox::waiting(ctx),
    }
    .render()
    .map_err(|e| Problem::internal(format!("cannot render the page: {e}")))?;
    Ok((page, until))
}

async fn today(State(s): State<Shared>, q: Result<Query<TodayQuery>, QueryRejection>) -> Page {
    let Query(q) = q.map_err(Problem::from)?;
    let ctx = s.ctx();
    let state = s.clone();
    let plain = q.company.trim().is_empty() && q.kind.trim().is_empty() && q.page.is_none();
    let body = blocking(move || {
        if plain {
            let (db, now) = (ctx.db.clone(), ctx.now);
            state.today_cache().get_or_render(&db, now, || {
                today_page(&state, &ctx, &q).map(|(page, until)| (page.into(), until))
            })
        } else {
            Ok(axum::body::Bytes::from(today_page(&state, &ctx, &q)?.0))
        }
    })
    .await?;
    Ok(Html(body).into_response())
}

/// One column of the board.
struct BoardColumn {
    name: &'static str,
    /// The outcome a card dropped here records (none: the column follows the dates).
    outcome: Option<&'static str>,
    total: usize,
    cards: Vec<views::Card>,
}

#[derive(Template)]
#[template(path = "pipeline.html")]
struct PipelinePage {
    columns: Vec<BoardColumn>,
    q: String,
    csrf: String,
    found: usize,
}

/// Cards a column shows at most (search finds the others).
const COLUMN_MAX: usize = 40;

/// The outcomes the board's menu offers.
const OUTCOMES: [(&str, &str); 4] = [
    ("offer", "Offer"),
    ("rejected", "Rejected"),
    ("withdrawn", "Withdrawn"),
    ("no-response", "No response"),
];

#[derive(Debug, Default, Deserialize)]
struct BoardQuery {
    #[serde(default)]
    q: String,
}

async fn pipeline(State(s): State<Shared>, q: Result<Query<BoardQuery>, QueryRejection>) -> Page {
    let Query(q) = q.map_err(Problem::from)?;
    let ctx = s.ctx();
    let state = s.clone();
    let body = blocking(move || {
        let (db, now) = (ctx.db.clone(), ctx.now);
        let cards = || {
            state.board_cache().get_with_until(&db, now, || {
                let (cards, until) = views::board_until(&ctx)?;
                Ok((std::sync::Arc::new(cards), until))
            })
        };
        if q.q.trim().is_empty() {
            // The board without a search: the page itself is kept too, as long.
            state.pipeline_cache().get_or_render(&db, now, || {
                let (all, until) = cards()?;
                Ok((pipeline_page(&state, &all, &q.q)?.into(), until))
            })
        } else {
            Ok(pipeline_page(&state, &cards()?.0, &q.q)?.into())
        }
    })
    .await?;
    Ok(Html(body).into_response())
}

/// The board of the cards of `all` that match `q`, rendered.
fn pipeline_page(s: &Shared, all: &[views::Card], q: &str) -> Result<String, Problem> {
    let found_cards: Vec<&views::Card> = views::search(all, q).collect();
    let found = found_cards.len();
    let columns = COLUMNS
        .iter()
        .map(|c| {
            let mut mine = found_cards.iter().filter(|a| a.s.column == *c);
            let cards: Vec<views::Card> =
                mine.by_ref().take(COLUMN_MAX).map(|&c| c.clone()).collect();
            let total = cards.len() + mine.count();
            BoardColumn {
                name: c,
                outcome: match *c {
                    "offer" => Some("offer"),
                    "closed" => Some("closed"),
                    _ => None,
                },
                total,
                cards,
            }
        })
        .collect();
    PipelinePage {
        columns,
        q: q.trim().to_string(),
        csrf: s.csrf().to_string(),
        found,
    }
    .render()
    .map_err(|e| Problem::internal(format!("cannot render the page: {e}")))
}

#[derive(Template)]
#[template(path = "application.html")]
struct ApplicationPage {
    a: followup_store::Application,
    full: followup_store::ApplicationFull,
    /// The posting, when it is a web address (else shown as text).
    link: Option<String>,
    items: Vec<AgendaItem>,
    interviews: Vec<InterviewLine>,
    history: Vec<HistoryLine>,
    t: Timeline,
    /// The plot's height (steps' rows and the days' row), and the picture's with its
    /// axis.
    plot: usize,
    height: usize,
    /// What the forms carry: the CSRF token, and this rendering's idempotency key
    /// (each form adds its own suffix).
    csrf: String,
    idem: String,
    /// The forms' defaults: now, in the application's zone ("2026-12-02T10:00"), and
    /// that zone.
    now_local: String,
    zone: String,
    /// The touchpoint recorded last, and how it reads, for "Undo".
    last: Option<(i64, String)>,
    /// Each round's edit form: (id, local "YYYY-MM-DDTHH:MM", zone, duration, round,
    /// decision, location, cancelled, how it reads).
    rounds: Vec<RoundValues>,
    closed: bool,
    /// The steps skipped, each with "Plan it again".
    skipped: Vec<followup_app::skip::SkipView>,
}

/// A round's values, as its edit form shows them.
struct RoundValues {
    id: i64,
    at: String,
    tz: String,
    duration: String,
    round: String,
    decision: String,
    location: String,
    cancelled: bool,
    title: String,
}

/// The message kinds "Log" records.
const LOG_KINDS: [(&str, &str); 7] = [
    ("thank-you", "Thank-you"),
    ("follow-up", "Follow-up"),
    ("final-follow-up", "Final follow-up"),
    ("feedback-request", "Feedback request"),
    ("call", "Call"),
    ("voicemail", "Voicemail"),
    ("letter", "Letter"),
];

async fn application(State(s): State<Shared>, Path(id): Path<i64>) -> Page {
    let ctx = s.ctx();
    let (v, interviews, history) = blocking(move || {
        let v = views::application(&ctx, id)?;
        let interviews = views::interview_lines(&ctx, &v.full);
        let history = views::history_lines(&ctx, &v.full);
        Ok((v, interviews, history))
    })
    .await?;
    let plot = (v.timeline.rows + 1) * 30;
    let zone = followup_app::track::app_zone(&s.ctx(), &v.full);
    let now_local = s
        .ctx()
        .now
        .to_zoned(zone.clone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    let last = v.full.touchpoints.iter().max_by_key(|t| t.id).map(|t| {
        let when = views::local_time(t.at, &zone, s.ctx().now);
        (t.id, format!("{} of {when}", t.kind))
    });
    let rounds = v
        .full
        .interviews
        .iter()
        .map(|i| {
            let tz = jiff::tz::TimeZone::get(&i.tz).unwrap_or(jiff::tz::TimeZone::UTC);
            RoundValues {
                id: i.id,
                title: views::local_time(i.start, &tz, s.ctx().now),
                at: i.start.to_zoned(tz).strftime("%Y-%m-%dT%H:%M").to_string(),
                tz: i.tz.clone(),
                duration: format!("{}m", i.duration_minutes),
                round: i.round.map(|r| r.as_str().to_string()).unwrap_or_default(),
                decision: i.decision_phrase.clone().unwrap_or_default(),
                location: i.location.clone().unwrap_or_default(),
                cancelled: i.cancelled,
            }
        })
        .collect();
    html(&ApplicationPage {
        csrf: s.csrf().to_string(),
        idem: crate::idempotency::new_key(),
        now_local,
        zone: zone.iana_name().unwrap_or("UTC").to_string(),
        last,
        rounds,
        closed: v.full.application.status != followup_core::model::Status::Active,
        skipped: followup_app::skip::list(&v.full),
        a: v.full.application.clone(),
        link: v
            .full
            .application
            .link
            .as_deref()
            .and_then(views::web_link)
            .map(str::to_string),
        plot,
        height: plot + 26,
        full: v.full,
        items: v.items,
        interviews,
        history,
        t: v.timeline,
    })
}

#[derive(Template)]
#[template(path = "draft.html")]
struct DraftPage {
    id: i64,
    csrf: String,
    kind: String,
    to: String,
    text: String,
    found: Vec<Finding>,
    /// The address the mail client opens the message to.
    address: Option<String>,
    mailto: Option<String>,
    /// Why there is no .eml / mailto form, when there is none.
    no_email: Option<String>,
    /// The send buttons, for an email to someone with an address.
    send: Option<SendBox>,
    idem: String,
}

/// The draft page's "Send now" and "Schedule for ...".
struct SendBox {
    /// Why nothing can be sent from here (no mail account), in place of the buttons.
    no_account: Option<String>,
    /// "Mon Dec 7, 09:00 EST your time (15:00 CET theirs)": the plan's recommended
    /// moment, when it is still ahead.
    recommended: Option<String>,
    /// Too soon to send now: the step's earliest moment, in both zones.
    too_soon: Option<String>,
    /// The step's window has closed: sending is late (a warning to confirm).
    late: Option<String>,
    /// The checker's errors and warnings when the page was drawn.
    errors: usize,
    warnings: usize,
}

fn send_box(ctx: &followup_app::Ctx, c: &views::Composed, found: &[Finding]) -> SendBox {
    use crate::outbox::both_zones;
    let mine = followup_app::agenda::user_zone(ctx);
    let theirs = followup_app::outbox::zone_of(ctx, c.full.application.id)
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let w = followup_app::outbox::window(ctx, &c.full, c.kind, &c.to)
        .ok()
        .flatten();
    let count = |sev: &str| found.iter().filter(|f| f.severity == sev).count();
    SendBox {
        no_account: crate::outbox::no_account(ctx),
        recommended: w
            .as_ref()
            .filter(|w| w.recommended > ctx.now)
            .map(|w| both_zones(w.recommended, &mine, &theirs)),
        too_soon: w
            .as_ref()
            .filter(|w| w.earliest > ctx.now)
            .map(|w| both_zones(w.earliest, &mine, &theirs)),
        late: w
            .as_ref()
            .filter(|w| w.latest < ctx.now)
            .map(|w| both_zones(w.latest, &mine, &theirs)),
        errors: count("error"),
        warnings: count("warning"),
    }
}

async fn draft(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    q: Result<Query<DraftQuery>, QueryRejection>,
) -> Page {
    let Query(q) = q.map_err(Problem::from)?;
    let ctx = s.ctx();
    let (c, text, found, send) = blocking(move || {
        let c = views::compose(&ctx, id, &q.kind, q.to.as_deref())?;
        let text = followup_app::draft::text(&c.draft);
        let found = run_check(
            &ctx,
            &CheckInput {
                text: text.clone(),
                application: Some(id),
                kind: Some(c.kind.as_str().to_string()),
                to: Some(c.to.name.clone()),
            },
        )?;
        let send = send_box(&ctx, &c, &found.diagnostics);
        Ok((c, text, found.diagnostics, send))
    })
    .await
    .map_err(|p| {
        // The only state a draft waits for: the sender's name to sign it with.
        if p.status() == StatusCode::CONFLICT {
            PageError::linked(p, "/settings#profile", "Add your name in Settings")
        } else {
            p.into()
        }
    })?;
    let address = followup_app::draft::address_of(&c.to)
        .ok()
        .map(str::to_string);
    let send = (address.is_some() && followup_app::draft::is_email(c.kind)).then_some(send);
    let no_email = views::not_an_email(c.kind).or_else(|| {
        address.is_none().then(|| {
            format!(
                "{} has no email address in the tracker: copy the text, or add the address \
                 to open it in a mail client",
                c.to.name
            )
        })
    });
    html(&DraftPage {
        id,
        csrf: s.csrf().to_string(),
        kind: c.kind.as_str().to_string(),
        to: c.to.name.clone(),
        mailto: c.mailto(&c.draft),
        address: address.filter(|_| no_email.is_none()),
        no_email,
        text,
        found,
        send,
        idem: crate::idempotency::new_key(),
    })
}

fn eml_response(eml: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "message/rfc822"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"draft.eml\"",
            ),
        ],
        eml,
    )
        .into_response()
}

/// The drafted message as an .eml file (the Draft page's text before any edit).
async fn draft_eml(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    q: Result<Query<DraftQuery>, QueryRejection>,
) -> Page {
    let Query(q) = q.map_err(Problem::from)?;
    let ctx = s.ctx();
    let eml = blocking(move || {
        let c = views::compose(&ctx, id, &q.kind, q.to.as_deref())?;
        c.eml(&ctx, &c.draft)
    })
    .await?;
    Ok(eml_response(eml))
}

/// The Draft page's form: the text as edited, for whom.
#[derive(Deserialize)]
struct EmlForm {
    csrf: String,
    kind: String,
    #[serde(default)]
    to: Option<String>,
    text: String,
}

/// The text as edited on the Draft page, as an .eml file.
async fn draft_eml_edited(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    form: Result<Form<EmlForm>, FormRejection>,
) -> Page {
    let Form(f) = form.map_err(Problem::from)?;
    csrf_check(&s, &f.csrf)?;
    let ctx = s.ctx();
    let eml = blocking(move || {
        let to = f.to.as_deref().filter(|t| !t.trim().is_empty());
        let c = views::compose(&ctx, id, &f.kind, to)?;
        c.eml(&ctx, &views::edited(&f.text))
    })
    .await?;
    Ok(eml_response(eml))
}

#[derive(Template)]
#[template(path = "new.html")]
struct NewPage {
    csrf: String,
    /// What the form shows: what was typed, or the defaults.
    f: NewValues,
    /// Every refusal, by field name ("" for the form as a whole), in the form's order.
    errors: Vec<(String, String)>,
    imported: Option<crate::api::ImportOut>,
    /// IANA zone names for the zone fields' list.
    zones: &'static [String],
    regions: Vec<String>,
}

impl NewPage {
    fn rounds(&self) -> Vec<&'static str> {
        followup_core::model::Round::ALL
            .iter()
            .map(|r| r.as_str())
            .collect()
    }

    fn company_types(&self) -> Vec<&'static str> {
        followup_core::model::CompanyType::ALL
            .iter()
            .map(|r| r.as_str())
            .collect()
    }

    fn seniorities(&self) -> Vec<&'static str> {
        followup_core::model::Seniority::ALL
            .iter()
            .map(|r| r.as_str())
            .collect()
    }

    fn person_roles(&self) -> Vec<&'static str> {
        followup_store::model::ContactRole::ALL
            .iter()
            .map(|r| r.as_str())
            .collect()
    }

    /// The field name of person row `i`'s refusal.
    fn person_key(&self, i: &usize) -> String {
        format!("person{i}")
    }

    /// The refusal beside `field`, if any.
    fn err(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// Every zone name jiff knows, sorted (read once).
fn zone_names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut v: Vec<String> = jiff::tz::db()
            .available()
            .map(|n| n.to_string())
            .filter(|n| n.contains('/') && !n.starts_with("Etc/") && !n.starts_with("posix"))
            .collect();
        v.push("UTC".into());
        v.sort();
        v.dedup();
        v
    })
}

/// One person of the New form: name, email, role.
#[derive(Debug, Clone, Default)]
struct PersonRow {
    name: String,
    email: String,
    role: String,
}

/// The New-interview form's fields.
#[derive(Debug, Clone, Default)]
struct NewValues {
    company: String,
    role: String,
    date: String,
    time: String,
    tz: String,
    duration: String,
    round: String,
    decision: String,
    location: String,
    people: Vec<PersonRow>,
    topics: String,
    strengths: String,
    gaps: String,
    questions: String,
    link: String,
    region: String,
    recipient_tz: String,
    company_type: String,
    seniority: String,
    /// The older one-line forms ("2026-12-01 10:00", "Jane Doe <jane@acme.com>"), still
    /// read when posted.
    at: String,
    interviewer: String,
}

/// How many person rows the form shows at least (without script, the only ones).
const PERSON_ROWS: usize = 3;

impl NewValues {
    /// An empty form: the configured zone, a one-hour interview.
    fn blank(s: &Shared) -> NewValues {
        NewValues {
            tz: s.ctx().settings.tz.clone().unwrap_or_default(),
            duration: "1h".into(),
            ..NewValues::default()
        }
        .padded()
    }

    /// With at least [`PERSON_ROWS`] person rows and one empty row to fill.
    fn padded(mut self) -> NewValues {
        while self.people.len() < PERSON_ROWS
            || self
                .people
                .last()
                .is_some_and(|p| !p.name.trim().is_empty())
        {
            self.people.push(PersonRow {
                role: "interviewer".into(),
                ..PersonRow::default()
            });
        }
        self
    }

    /// From the posted fields (a person's fields repeat: `person_name`, `person_email`,
    /// `person_role`, one of each per row).
    fn from_fields(fields: &[(String, String)]) -> NewValues {
        let mut f = NewValues::default();
        let (mut names, mut emails, mut roles) = (Vec::new(), Vec::new(), Vec::new());
        for (k, v) in fields {
            let slot = match k.as_str() {
                "company" => &mut f.company,
                "role" => &mut f.role,
                "date" => &mut f.date,
                "time" => &mut f.time,
                "tz" => &mut f.tz,
                "duration" => &mut f.duration,
                "round" => &mut f.round,
                "decision" => &mut f.decision,
                "location" => &mut f.location,
                "topics" => &mut f.topics,
                "strengths" => &mut f.strengths,
                "gaps" => &mut f.gaps,
                "questions" => &mut f.questions,
                "link" => &mut f.link,
                "region" => &mut f.region,
                "recipient_tz" => &mut f.recipient_tz,
                "company_type" => &mut f.company_type,
                "seniority" => &mut f.seniority,
                "at" => &mut f.at,
                "interviewer" => &mut f.interviewer,
                "person_name" => {
                    names.push(v.clone());
                    continue;
                }
                "person_email" => {
                    emails.push(v.clone());
                    continue;
                }
                "person_role" => {
                    roles.push(v.clone());
                    continue;
                }
                _ => continue,
            };
            *slot = v.clone();
        }
        for (i, name) in names.into_iter().enumerate() {
            f.people.push(PersonRow {
                name,
                email: emails.get(i).cloned().unwrap_or_default(),
                role: roles
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| "interviewer".into()),
            });
        }
        // The older one-line forms.
        if f.date.trim().is_empty() && f.time.trim().is_empty() && !f.at.trim().is_empty() {
            let at = f.at.trim().replace('T', " ");
            match at.split_once(' ') {
                Some((d, t)) => (f.date, f.time) = (d.to_string(), t.trim().to_string()),
                None => f.date = at,
            }
        }
        if !f.interviewer.trim().is_empty() {
            let t = f.interviewer.trim();
            let (name, email) = match t.split_once('<') {
                Some((n, e)) => (n.trim(), e.trim_end_matches('>').trim()),
                None => (t, ""),
            };
            f.people.insert(
                0,
                PersonRow {
                    name: name.trim_matches('"').to_string(),
                    email: email.to_string(),
                    role: "interviewer".into(),
                },
            );
        }
        f
    }
}

/// Lines of a text area, each trimmed, empty ones left out.
fn lines_of(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Refusals by field name.
type FieldErrors = Vec<(String, String)>;

/// Checks every field of the New form; returns every refusal, by field, in plain words,
/// or what to add.
fn check_new(
    ctx: &followup_app::Ctx,
    f: &NewValues,
) -> Result<(AddInput, Vec<PersonRow>), FieldErrors> {
    use followup_core::model::{CompanyType, Round, Seniority};
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut bad = |field: &str, msg: String| errors.push((field.to_string(), msg));
    if f.company.trim().is_empty() {
        bad("company", "Fill in the company.".into());
    }
    if f.role.trim().is_empty() {
        bad("role", "Fill in the role you interviewed for.".into());
    }
    let tz = if f.tz.trim().is_empty() {
        match ctx.settings.tz.as_deref() {
            Some(z) => followup_app::time::zone(z, "the default zone").ok(),
            None => {
                bad(
                    "tz",
                    "Pick the interview's time zone (or set a default zone under Settings).".into(),
                );
                None
            }
        }
    } else {
        match followup_app::time::zone(&f.tz, "Time zone") {
            Ok(z) => Some(z),
            Err(_) => {
                bad("tz", format!("“{}” is not a time zone this app knows: pick one from the list, such as America/New_York.", f.tz.trim()));
                None
            }
        }
    };
    let date = f.date.trim();
    let time = f.time.trim();
    if date.is_empty() {
        bad("date", "Pick the day of the interview.".into());
    } else if date.parse::<jiff::civil::Date>().is_err() {
        bad(
            "date",
            format!("“{date}” is not a date: pick one from the calendar (year-month-day)."),
        );
    }
    if time.is_empty() {
        bad("time", "Pick the time the interview starts.".into());
    } else if time.parse::<jiff::civil::Time>().is_err() {
        bad(
            "time",
            format!("“{time}” is not a time of day: write it as 14:30."),
        );
    }
    let mut day = None;
    if let (Some(tz), Ok(d), Ok(_)) = (
        &tz,
        date.parse::<jiff::civil::Date>(),
        time.parse::<jiff::civil::Time>(),
    ) {
        match followup_app::time::local(&format!("{date} {time}"), tz, "The date") {
            Ok(_) => day = Some(d),
            Err(e) => bad("date", plain(&e.to_string())),
        }
    }
    if !f.duration.trim().is_empty() && followup_app::time::duration(f.duration.trim()).is_err() {
        bad(
            "duration",
            format!(
                "“{}” is not a length of time: write 45m, 1h or 1h30m.",
                f.duration.trim()
            ),
        );
    }
    if !f.round.trim().is_empty() && f.round.parse::<Round>().is_err() {
        bad("round", "Pick a round from the list.".into());
    }
    if !f.company_type.trim().is_empty() && f.company_type.parse::<CompanyType>().is_err() {
        bad("company_type", "Pick a company type from the list.".into());
    }
    if !f.seniority.trim().is_empty() && f.seniority.parse::<Seniority>().is_err() {
        bad("seniority", "Pick a seniority from the list.".into());
    }
    let region_code = Some(f.region.trim())
        .filter(|r| !r.is_empty())
        .or(ctx.settings.region.as_deref());
    let region = match followup_app::track::region_of(ctx, region_code) {
        Ok(r) => r,
        Err(_) => {
            bad(
                "region",
                format!(
                    "“{}” is not a holiday region: pick one from the list, such as US-NY or GB.",
                    f.region.trim()
                ),
            );
            None
        }
    };
    if !f.recipient_tz.trim().is_empty()
        && followup_app::time::zone(&f.recipient_tz, "Their time zone").is_err()
    {
        bad(
            "recipient_tz",
            format!(
                "“{}” is not a time zone this app knows: pick one from the list.",
                f.recipient_tz.trim()
            ),
        );
    }
    if let (Some(d), false) = (day, f.decision.trim().is_empty()) {
        if let Err(e) = followup_core::phrase::parse_decision(&f.decision, d, region.as_ref()) {
            bad(
                "decision",
                format!("{}.", plain(&e.to_string()).trim_end_matches('.')),
            );
        }
    }
    let link = f.link.trim();
    if !link.is_empty() && crate::views::web_link(link).is_none() {
        bad(
            "link",
            "Give the posting's web address, starting with https://.".into(),
        );
    }
    let mut interviewers = Vec::new();
    let mut others = Vec::new();
    for (i, p) in f.people.iter().enumerate() {
        let (name, email) = (p.name.trim(), p.email.trim());
        if name.is_empty() && email.is_empty() {
            continue;
        }
        let field = format!("person{i}");
        if name.is_empty() {
            bad(&field, format!("Add the name of the person at {email}."));
            continue;
        }
        let person = if email.is_empty() {
            name.to_string()
        } else {
            format!("{name} <{email}>")
        };
        if let Err(e) = followup_app::track::parse_person(&person) {
            bad(&field, plain(&e.to_string()));
            continue;
        }
        if p.role.trim().is_empty() || p.role.trim() == "interviewer" {
            interviewers.push(person);
        } else if p
            .role
            .parse::<followup_store::model::ContactRole>()
            .is_err()
        {
            bad(&field, "Pick the person's role from the list.".into());
        } else {
            others.push(p.clone());
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let opt = |s: &str| some(s.to_string());
    Ok((
        AddInput {
            company: f.company.trim().to_string(),
            role: f.role.trim().to_string(),
            round: RoundInput {
                at: format!("{date} {time}"),
                tz: opt(&f.tz),
                duration: opt(&f.duration).unwrap_or_else(|| "1h".into()),
                round: opt(&f.round),
                decision: opt(&f.decision),
                interviewer: interviewers,
                topic: lines_of(&f.topics),
                strength: lines_of(&f.strengths),
                gap: lines_of(&f.gaps),
                question: lines_of(&f.questions),
                location: opt(&f.location),
            },
            region: opt(&f.region),
            recipient_tz: opt(&f.recipient_tz),
            company_type: opt(&f.company_type),
            seniority: opt(&f.seniority),
            link: opt(link),
            ..AddInput::default()
        },
        others,
    ))
}

/// A refusal of the command line's, in the form's words, starting with a capital.
fn plain(detail: &str) -> String {
    let t = web_terms(detail);
    let mut c = t.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => t,
    }
}

/// The New page again, with what was typed and every refusal (400).
async fn new_page_refused(s: &Shared, f: NewValues, errors: Vec<(String, String)>) -> Page {
    let mut r = html(&NewPage {
        csrf: s.csrf().to_string(),
        f: f.padded(),
        errors,
        imported: None,
        zones: zone_names(),
        regions: regions(s).await,
    })?;
    *r.status_mut() = StatusCode::BAD_REQUEST;
    Ok(r)
}

/// The region codes to suggest: the custom calendars' names (read off the async
/// threads: on PostgreSQL they are rows of the database).
async fn regions(s: &Shared) -> Vec<String> {
    let ctx = s.ctx();
    blocking(move || {
        if ctx.pg().is_none() && !ctx.db.exists() {
            return Ok(Vec::new());
        }
        Ok(followup_app::holidays::list(&ctx)?
            .into_iter()
            .map(|c| c.name)
            .collect())
    })
    .await
    .unwrap_or_default()
}

/// A refusal in the form's words: its fields' labels, not the command line's flags.
pub(crate) fn web_terms(detail: &str) -> String {
    const WORDS: [(&str, &str); 15] = [
        ("pass --company NAME", "fill in Company"),
        ("pass --company to set it", "fill in Company to set it"),
        (
            "pass --tz ZONE (such as America/New_York) or set tz in config.toml",
            "fill in Time zone (such as America/New_York), or set a default zone under Settings",
        ),
        (
            "(see `followup holidays list`)",
            "(custom calendars are listed under Settings)",
        ),
        ("use --format text and send it yourself", "copy the text"),
        ("--company-type", "Company type"),
        ("--company", "Company"),
        ("--role", "Role"),
        ("--tz", "Time zone"),
        ("--at", "When"),
        ("--duration", "Duration"),
        ("--round", "Round"),
        ("--interviewer", "Interviewer"),
        ("--decision", "Decision"),
        ("--region", "Holiday region"),
    ];
    WORDS.iter().fold(detail.to_string(), |d, (flag, label)| {
        d.replace(flag, label)
    })
}

async fn new_form(State(s): State<Shared>) -> Page {
    html(&NewPage {
        csrf: s.csrf().to_string(),
        f: NewValues::blank(&s),
        errors: Vec::new(),
        imported: None,
        zones: zone_names(),
        regions: regions(&s).await,
    })
}

fn some(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

async fn new_submit(
    State(s): State<Shared>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Page {
    let Form(fields) = form.map_err(Problem::from)?;
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    csrf_check(&s, &csrf)?;
    let f = NewValues::from_fields(&fields);
    let ctx = s.ctx();
    // Off the async threads: a custom holiday region is read from the database.
    let checked = {
        let (ctx, f) = (s.ctx(), f.clone());
        blocking(move || Ok(check_new(&ctx, &f))).await?
    };
    let (input, others) = match checked {
        Ok(x) => x,
        Err(errors) => return new_page_refused(&s, f, errors).await,
    };
    let result = blocking(move || {
        let id = followup_app::track::add(&ctx, &input)?;
        for p in &others {
            followup_app::contact::add(
                &ctx,
                id,
                &followup_app::contact::ContactInput {
                    name: some(p.name.clone()),
                    email: some(p.email.clone()),
                    role: some(p.role.clone()),
                    ..Default::default()
                },
            )?;
        }
        Ok(id)
    })
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/applications/{id}")).into_response()),
        Err(p) if p.status == 400 => {
            new_page_refused(&s, f, vec![(String::new(), plain(&p.detail))]).await
        }
        Err(p) => Err(p.into()),
    }
}

/// A file form's text fields (by name) and its `file` field (its name, if given, and
/// bytes), read whole.
struct FileForm {
    fields: std::collections::HashMap<String, String>,
    file: Option<(Option<String>, axum::body::Bytes)>,
}

impl FileForm {
    async fn read(
        form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    ) -> Result<FileForm, Problem> {
        let mut form = form.map_err(|r| Problem::input(r.body_text()))?;
        let bad = |e: axum::extract::multipart::MultipartError| {
            Problem::new(e.status(), "Cannot read the form", e.body_text())
        };
        let mut out = FileForm {
            fields: std::collections::HashMap::new(),
            file: None,
        };
        while let Some(field) = form.next_field().await.map_err(bad)? {
            let name = field.name().unwrap_or("").to_string();
            if name == "file" {
                let file_name = field
                    .file_name()
                    .map(str::to_string)
                    .filter(|n| !n.is_empty());
                out.file = Some((file_name, field.bytes().await.map_err(bad)?));
            } else {
                let text = field.text().await.map_err(bad)?;
                out.fields.insert(name, text);
            }
        }
        Ok(out)
    }

    /// A text field, empty when missing.
    fn take(&mut self, name: &str) -> String {
        self.fields.remove(name).unwrap_or_default()
    }
}

/// The invitation form: `csrf`, `file` (the .ics), `company` (optional).
async fn new_import(
    State(s): State<Shared>,
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Page {
    let mut f = FileForm::read(form).await?;
    let (csrf, company, file) = (f.take("csrf"), f.take("company"), f.file.take());
    csrf_check(&s, &csrf)?;
    let ctx = s.ctx();
    let result = match file {
        Some((name, bytes)) if !bytes.is_empty() => {
            let label = name.unwrap_or_else(|| "the invitation".into());
            let text = String::from_utf8_lossy(&bytes).into_owned();
            blocking(move || {
                crate::api::run_import(&ctx, &text, &label, some(company).as_deref(), None)
            })
            .await
        }
        _ => Err(Problem::input("choose an invitation file (.ics) to import")),
    };
    match result {
        Ok(out) => html(&NewPage {
            csrf: s.csrf().to_string(),
            f: NewValues::blank(&s),
            errors: Vec::new(),
            imported: Some(out),
            zones: zone_names(),
            regions: regions(&s).await,
        }),
        Err(p) if p.status == 400 => {
            new_page_refused(
                &s,
                NewValues::blank(&s),
                vec![("file".into(), web_terms(&p.detail))],
            )
            .await
        }
        Err(p) => Err(p.into()),
    }
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    /// One account's settings on a multi-user server.
    hosted: bool,
    csrf: String,
    error: Option<String>,
    name: String,
    email: String,
    phone: String,
    out: crate::api::SettingsOut,
    preset: String,
    /// (section.key, the value typed or overridden, the number in force).
    rows: Vec<(String, String, String)>,
    tz: String,
    region: String,
    hours: String,
    /// The calendar feed's address, while it is on.
    feed: Option<String>,
    /// The daily digest's hour, if on.
    digest_hour: Option<u8>,
    /// IANA zone names for the zone field's list (as on the New form).
    zones: &'static [String],
    /// Where messages leave from, and which mailbox is read, in words.
    mail: (String, String),
}

/// Where the account's messages leave from and which mailbox is read (the Settings
/// page's Mail section), never a password.
fn mail_words(ctx: &followup_app::Ctx) -> (String, String) {
    use followup_app::mail::Account;
    let hosted = ctx.pg().is_some();
    let sending = match Account::sending_for(ctx) {
        Ok(a) => {
            let service =
                hosted && Account::of_server(&ctx.settings).is_ok_and(|s| s.key() == a.key());
            if service {
                format!(
                    "Your messages leave from this service's address, {}, in your name, with your own address to reply to.",
                    a.address
                )
            } else {
                format!(
                    "Your messages leave from {} through {}.",
                    a.address,
                    a.server()
                )
            }
        }
        Err(_) if hosted => "This service has no mail account to send from yet.".to_string(),
        Err(_) => {
            "No mail account to send from yet: the Outbox page says how to set one up.".to_string()
        }
    };
    let reading = match crate::inbox::mailbox(ctx) {
        Ok(e) => format!(
            "Your mailbox at {}:{} is read (INBOX and Sent, read-only, nothing changed there) every 15 minutes, and when you press Sync now on the Inbox page.",
            e.host,
            e.port,
        ),
        Err(why) if hosted => why,
        Err(_) => "No mailbox is read yet: the Inbox page says how to set one up.".to_string(),
    };
    (sending, reading)
}

const PRESETS: [&str; 3] = ["gentle", "balanced", "prompt"];

async fn settings_page(
    s: &Shared,
    headers: &axum::http::HeaderMap,
    p: Option<followup_store::Profile>,
    error: Option<String>,
    typed: Option<&crate::api::SettingsBody>,
) -> Page {
    let state = s.clone();
    let (out, mail) = blocking(move || {
        let out = crate::api::settings_out(&state)?;
        Ok((out, mail_words(&state.ctx())))
    })
    .await?;
    let feed = crate::feed::url_for(s, headers).await?;
    let p = p.unwrap_or(followup_store::Profile {
        name: String::new(),
        email: String::new(),
        phone: None,
    });
    let shown = typed.unwrap_or(&out.settings);
    let rows = followup_app::settings::OVERRIDES
        .iter()
        .map(|(section, key)| {
            let k = format!("{section}.{key}");
            let value = shown
                .overrides
                .get(&k)
                .copied()
                .flatten()
                .map(|n| n.to_string())
                .unwrap_or_default();
            let now = out
                .numbers
                .get(&k)
                .map(|n| n.to_string())
                .unwrap_or_default();
            (k, value, now)
        })
        .collect();
    html(&SettingsPage {
        hosted: s.hosted(),
        zones: zone_names(),
        csrf: s.csrf().to_string(),
        error,
        name: p.name,
        email: p.email,
        phone: p.phone.unwrap_or_default(),
        preset: shown.preset.clone().unwrap_or_else(|| "balanced".into()),
        rows,
        tz: shown.tz.clone().unwrap_or_default(),
        region: shown.region.clone().unwrap_or_default(),
        hours: shown.hours.clone().unwrap_or_default(),
        digest_hour: match shown.digest_hour {
            Some(h) => h,
            None => out.settings.digest_hour.flatten(),
        },
        out,
        feed,
        mail,
    })
}

/// The largest backup the Settings page takes (a backup of 10,000 applications is
/// about 20 MB).
const RESTORE_LIMIT: usize = 64 * 1024 * 1024;

/// Settings' "Restore from a backup": `csrf`, `confirm` (`yes`) and `file` (what
/// `followup backup` or the Backup link wrote). All or nothing, as `followup restore`.
async fn restore_submit(
    State(s): State<Shared>,
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Page {
    let mut f = FileForm::read(form).await?;
    let (csrf, confirm) = (f.take("csrf"), f.take("confirm"));
    let file = f
        .file
        .take()
        .map(|(name, bytes)| (name.unwrap_or_else(|| "the file".into()), bytes));
    csrf_check(&s, &csrf)?;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(
            Problem::input("choose a backup file (followup-backup.json) to restore").into(),
        );
    };
    if confirm != "yes" {
        return Err(Problem::input(
            "tick \"Replace everything\": restoring replaces every application with the backup's",
        )
        .into());
    }
    let backup: followup_store::Backup = serde_json::from_slice(&bytes).map_err(|e| {
        Problem::input(format!(
            "{} is not a followup backup (as `followup backup` writes): {e}",
            name.chars().take(100).collect::<String>()
        ))
    })?;
    let ctx = s.ctx();
    let n = backup.applications.len();
    blocking(move || {
        ctx.facts()?
            .restore(&backup)
            .map_err(followup_app::ctx::store_err)?;
        Ok(())
    })
    .await?;
    Ok(crate::actions::flash_redirect(
        "/",
        &format!(
            "Restored {n} application(s) from {}.",
            name.chars().take(100).collect::<String>()
        ),
    ))
}

/// Settings' "Add a calendar of days off": `csrf`, `name`, `on` (a built-in region,
/// optional), `replaces` (`yes`) and `file` (an .ics of all-day events), kept as
/// `followup holidays import` keeps it.
async fn holidays_submit(
    State(s): State<Shared>,
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Page {
    let mut f = FileForm::read(form).await?;
    let (csrf, name, on, replaces) = (
        f.take("csrf"),
        f.take("name"),
        f.take("on"),
        f.take("replaces"),
    );
    csrf_check(&s, &csrf)?;
    let Some((file, bytes)) = f.file.take().filter(|(_, b)| !b.is_empty()) else {
        return Err(Problem::input("choose a calendar file (.ics) of days off").into());
    };
    let file = file
        .unwrap_or_else(|| "the file".into())
        .chars()
        .take(100)
        .collect::<String>();
    let ctx = s.ctx();
    let cal = blocking(move || {
        let layer = followup_app::holidays::layer_of(Some(&on), replaces == "yes", "On top of")?;
        let text = String::from_utf8_lossy(&bytes);
        Ok(followup_app::holidays::import(
            &ctx, &text, &file, &name, &layer,
        )?)
    })
    .await?;
    let span = match (cal.first, cal.last) {
        (Some(a), Some(b)) => format!(" from {a} to {b}"),
        _ => String::new(),
    };
    Ok(crate::actions::flash_redirect(
        "/settings#calendars",
        &format!(
            "Kept holiday calendar {}: {} day(s){span}. Choose it as the default holiday region, or an application's region.",
            cal.name, cal.days
        ),
    ))
}

#[derive(Deserialize)]
struct FeedForm {
    csrf: String,
    /// `renew` (a new address, or the first) or `off`.
    action: String,
}

/// The calendar feed's buttons in Settings: a new address, or the feed off.
async fn feed_submit(
    State(s): State<Shared>,
    headers: axum::http::HeaderMap,
    form: Result<Form<FeedForm>, FormRejection>,
) -> Page {
    let Form(f) = form.map_err(Problem::from)?;
    csrf_check(&s, &f.csrf)?;
    let message = match f.action.as_str() {
        "renew" => {
            let had = crate::feed::url_for(&s, &headers).await?.is_some();
            crate::feed::renew_for(&s, &headers).await?;
            if had {
                "New feed address made: the old one no longer works. Subscribe again with the address below."
            } else {
                "Calendar feed on: subscribe to the address below in your calendar."
            }
        }
        "off" => {
            crate::feed::off_for(&s).await?;
            "Calendar feed off: its address no longer works."
        }
        other => {
            return Err(Problem::input(format!(
                "action: `{}` is not one of renew, off",
                other.chars().take(40).collect::<String>()
            ))
            .into())
        }
    };
    Ok(crate::actions::flash_redirect("/settings#feed", message))
}

/// The policy form: csrf, preset, tz, region, hours, and `section.key` numbers.
async fn policy_submit(
    State(s): State<Shared>,
    headers: axum::http::HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Page {
    let Form(fields) = form.map_err(Problem::from)?;
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
    };
    csrf_check(&s, &get("csrf").unwrap_or_default())?;
    let mut body = crate::api::SettingsBody {
        tz: get("tz").and_then(some),
        region: get("region").and_then(some),
        hours: get("hours").and_then(some),
        preset: get("preset").and_then(some),
        overrides: Default::default(),
        digest_hour: None,
    };
    let mut bad = None;
    // The digest's select: "off" or an hour; a form without it leaves it alone.
    match get("digest_hour").as_deref() {
        None => {}
        Some("" | "off") => body.digest_hour = Some(None),
        Some(h) => match h.parse::<u8>() {
            Ok(h) if h < 24 => body.digest_hour = Some(Some(h)),
            _ => {
                bad = Some(format!(
                    "digest_hour: `{h}` is not an hour of the day (0 to 23)"
                ));
            }
        },
    }
    for (section, key) in followup_app::settings::OVERRIDES {
        let k = format!("{section}.{key}");
        let v = match get(&k).and_then(some) {
            None => None,
            Some(t) => match t.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    bad.get_or_insert(format!("{k}: `{t}` is not a whole number"));
                    None
                }
            },
        };
        body.overrides.insert(k, v);
    }
    let typed = body.clone();
    let state = s.clone();
    let result = match bad {
        Some(e) => Err(Problem::input(e)),
        None => blocking(move || crate::api::save_settings(&state, &body)).await,
    };
    match result {
        Ok(()) => Ok(Redirect::to("/settings").into_response()),
        Err(p) if p.status == 400 => {
            let ctx = s.ctx();
            let profile = blocking(move || Ok(ctx.profile()?)).await?;
            let mut r = settings_page(&s, &headers, profile, Some(p.detail), Some(&typed)).await?;
            *r.status_mut() = StatusCode::BAD_REQUEST;
            Ok(r)
        }
        Err(p) => Err(p.into()),
    }
}

async fn settings(State(s): State<Shared>, headers: axum::http::HeaderMap) -> Page {
    let ctx = s.ctx();
    let p = blocking(move || Ok(ctx.profile()?)).await?;
    settings_page(&s, &headers, p, None, None).await
}

#[derive(Deserialize)]
struct ProfileForm {
    csrf: String,
    name: String,
    email: String,
    #[serde(default)]
    phone: String,
}

async fn settings_submit(
    State(s): State<Shared>,
    headers: axum::http::HeaderMap,
    form: Result<Form<ProfileForm>, FormRejection>,
) -> Page {
    let Form(f) = form.map_err(Problem::from)?;
    csrf_check(&s, &f.csrf)?;
    let ctx = s.ctx();
    let body = ProfileBody {
        name: f.name.clone(),
        email: f.email.clone(),
        phone: some(f.phone.clone()),
    };
    match blocking(move || save_profile(&ctx, body)).await {
        Ok(()) => Ok(Redirect::to("/settings").into_response()),
        Err(p) => {
            let back = followup_store::Profile {
                name: f.name,
                email: f.email,
                phone: some(f.phone),
            };
            let mut r = settings_page(&s, &headers, Some(back), Some(p.detail), None).await?;
            *r.status_mut() = StatusCode::BAD_REQUEST;
            Ok(r)
        }
    }
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    s: views::Stats,
    rate: String,
    median: String,
    /// Each company type with its response rate and median time to first reply, as
    /// shown.
    groups: Vec<(views::GroupStats, String, String)>,
    height: usize,
}

fn days_text(d: Option<f64>) -> String {
    d.map_or("no replies yet".into(), |d| format!("{d:.1} days"))
}

/// The figures of Stats, kept until the database changes or an interview starts.
pub(crate) async fn stats_of(s: &Shared) -> Result<std::sync::Arc<views::Stats>, Problem> {
    let ctx = s.ctx();
    let state = s.clone();
    blocking(move || {
        let (db, now) = (ctx.db.clone(), ctx.now);
        state.stats_cache().get_or_render(&db, now, || {
            let (st, until) = views::stats_until(&ctx)?;
            Ok((std::sync::Arc::new(st), until))
        })
    })
    .await
}

async fn stats(State(s): State<Shared>) -> Page {
    let st = stats_of(&s).await?;
    let st = views::Stats::clone(&st);
    html(&StatsPage {
        rate: format!("{:.0}", st.response_rate * 100.0),
        median: days_text(st.median_days_to_reply),
        groups: st
            .by_company_type
            .iter()
            .map(|g| {
                (
                    g.clone(),
                    format!("{:.0}%", g.response_rate * 100.0),
                    days_text(g.median_days_to_reply),
                )
            })
            .collect(),
        height: st.by_company_type.len().max(1) * 28 + 8,
        s: st,
    })
}

pub(crate) async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/app.css"),
    )
        .into_response()
}

pub(crate) async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../static/app.js"),
    )
        .into_response()
}

pub(crate) async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../static/favicon.svg"),
    )
        .into_response()
}
