//! The HTML pages. Every action is a plain form (POST, CSRF token, redirect), so the
//! core works without JavaScript; the script only re-checks drafts live.

use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use followup_app::track::{AddInput, RoundInput};
use serde::Deserialize;

use crate::api::{run_check, save_profile, CheckInput, DraftQuery, Finding, ProfileBody};
use crate::views::{self, AgendaItem, HistoryLine, InterviewLine, Summary, Timeline, COLUMNS};
use crate::{blocking, Problem, Shared};
use followup_app::agenda::Group;

/// The page routes.
pub fn router() -> Router<Shared> {
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
        .route("/stats", get(stats))
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .merge(crate::actions::router())
        .layer(axum::middleware::from_fn(crate::actions::flash))
}

/// A page that could not be shown: the same problem, as HTML.
pub struct PageError(pub(crate) Problem);

impl From<Problem> for PageError {
    fn from(p: Problem) -> Self {
        PageError(p)
    }
}

impl From<followup_app::Error> for PageError {
    fn from(e: followup_app::Error) -> Self {
        PageError(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    detail: &'a str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let p = self.0;
        let body = ErrorPage {
            title: &p.title,
            detail: &p.detail,
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

#[derive(Template)]
#[template(path = "today.html")]
struct TodayPage {
    groups: Vec<(&'static str, Vec<AgendaItem>)>,
    csrf: String,
}

async fn today(State(s): State<Shared>) -> Page {
    let ctx = s.ctx();
    let state = s.clone();
    let body = blocking(move || {
        let (db, now) = (ctx.db.clone(), ctx.now);
        state.today_cache().get_or_render(&db, now, || {
            let (t, until) = views::today_until(&ctx)?;
            let mut all: Vec<AgendaItem> = [t.overdue, t.today, t.this_week].concat();
            let groups = Group::ALL
                .iter()
                .map(|g| {
                    let (mine, rest) = all.drain(..).partition(|i| i.group == g.as_str());
                    all = rest;
                    (g.title(), mine)
                })
                .filter(|(_, items): &(_, Vec<AgendaItem>)| !items.is_empty())
                .collect();
            let page = TodayPage {
                groups,
                csrf: state.csrf().to_string(),
            }
            .render()
            .map_err(|e| Problem::internal(format!("cannot render the page: {e}")))?;
            Ok((page, until))
        })
    })
    .await?;
    Ok(Html(body).into_response())
}

#[derive(Template)]
#[template(path = "pipeline.html")]
struct PipelinePage {
    columns: Vec<(&'static str, Vec<Summary>)>,
}

async fn pipeline(State(s): State<Shared>) -> Page {
    let ctx = s.ctx();
    let all = blocking(move || Ok(views::applications(&ctx)?)).await?;
    let columns = COLUMNS
        .iter()
        .map(|c| (*c, all.iter().filter(|a| a.column == *c).cloned().collect()))
        .collect();
    html(&PipelinePage { columns })
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
}

async fn draft(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    q: Result<Query<DraftQuery>, QueryRejection>,
) -> Page {
    let Query(q) = q.map_err(Problem::from)?;
    let ctx = s.ctx();
    let (c, text, found) = blocking(move || {
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
        Ok((c, text, found.diagnostics))
    })
    .await?;
    let address = followup_app::draft::address_of(&c.to)
        .ok()
        .map(str::to_string);
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
    error: Option<String>,
    imported: Option<crate::api::ImportOut>,
}

/// The New-interview form's fields.
#[derive(Debug, Clone, Default, Deserialize)]
struct NewValues {
    #[serde(default)]
    company: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    tz: String,
    #[serde(default)]
    duration: String,
    #[serde(default)]
    round: String,
    #[serde(default)]
    interviewer: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    company_type: String,
}

impl NewValues {
    /// An empty form: the configured zone, a one-hour interview.
    fn blank(s: &Shared) -> NewValues {
        NewValues {
            tz: s.ctx().settings.tz.clone().unwrap_or_default(),
            duration: "1h".into(),
            ..NewValues::default()
        }
    }
}

/// The New page again, with what was typed and why it was refused (400).
fn new_page_refused(s: &Shared, f: NewValues, detail: &str) -> Page {
    let mut r = html(&NewPage {
        csrf: s.csrf().to_string(),
        f,
        error: Some(web_terms(detail)),
        imported: None,
    })?;
    *r.status_mut() = StatusCode::BAD_REQUEST;
    Ok(r)
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
        error: None,
        imported: None,
    })
}

#[derive(Deserialize)]
struct NewForm {
    csrf: String,
    #[serde(flatten)]
    f: NewValues,
}

fn some(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

async fn new_submit(State(s): State<Shared>, form: Result<Form<NewForm>, FormRejection>) -> Page {
    let Form(NewForm { csrf, f }) = form.map_err(Problem::from)?;
    csrf_check(&s, &csrf)?;
    for (value, label) in [(&f.company, "Company"), (&f.role, "Role"), (&f.at, "When")] {
        if value.trim().is_empty() {
            return new_page_refused(&s, f.clone(), &format!("{label} is empty: fill it in"));
        }
    }
    let typed = f.clone();
    let input = AddInput {
        company: f.company,
        role: f.role,
        round: RoundInput {
            at: f.at,
            // Empty: the configured zone.
            tz: some(f.tz),
            duration: some(f.duration).unwrap_or_else(|| "1h".into()),
            round: some(f.round),
            decision: some(f.decision),
            interviewer: some(f.interviewer).into_iter().collect(),
            ..RoundInput::default()
        },
        region: some(f.region),
        company_type: some(f.company_type),
        ..AddInput::default()
    };
    let ctx = s.ctx();
    match blocking(move || Ok(followup_app::track::add(&ctx, &input)?)).await {
        Ok(id) => Ok(Redirect::to(&format!("/applications/{id}")).into_response()),
        Err(p) if p.status == 400 => new_page_refused(&s, typed, &p.detail),
        Err(p) => Err(p.into()),
    }
}

/// The invitation form: `csrf`, `file` (the .ics), `company` (optional).
async fn new_import(
    State(s): State<Shared>,
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Page {
    let mut form = form.map_err(|r| Problem::input(r.body_text()))?;
    let bad = |e: axum::extract::multipart::MultipartError| {
        Problem::new(e.status(), "Cannot read the form", e.body_text())
    };
    let (mut csrf, mut company, mut file) = (String::new(), String::new(), None);
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "csrf" => csrf = field.text().await.map_err(bad)?,
            "company" => company = field.text().await.map_err(bad)?,
            "file" => {
                let name = field
                    .file_name()
                    .map(str::to_string)
                    .filter(|n| !n.is_empty());
                let bytes = field.bytes().await.map_err(bad)?;
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
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
            error: None,
            imported: Some(out),
        }),
        Err(p) if p.status == 400 => new_page_refused(&s, NewValues::blank(&s), &p.detail),
        Err(p) => Err(p.into()),
    }
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
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
}

const PRESETS: [&str; 3] = ["gentle", "balanced", "prompt"];

fn settings_page(
    s: &Shared,
    p: Option<followup_store::Profile>,
    error: Option<String>,
    typed: Option<&crate::api::SettingsBody>,
) -> Page {
    let out = crate::api::settings_out(s)?;
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
        out,
    })
}

/// The policy form: csrf, preset, tz, region, hours, and `section.key` numbers.
async fn policy_submit(
    State(s): State<Shared>,
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
    };
    let mut bad = None;
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
            let mut r = settings_page(&s, profile, Some(p.detail), Some(&typed))?;
            *r.status_mut() = StatusCode::BAD_REQUEST;
            Ok(r)
        }
        Err(p) => Err(p.into()),
    }
}

async fn settings(State(s): State<Shared>) -> Page {
    let ctx = s.ctx();
    let p = blocking(move || Ok(ctx.profile()?)).await?;
    settings_page(&s, p, None, None)
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
            let mut r = settings_page(&s, Some(back), Some(p.detail), None)?;
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

async fn stats(State(s): State<Shared>) -> Page {
    let ctx = s.ctx();
    let st = blocking(move || Ok(views::stats(&ctx)?)).await?;
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

async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/app.css"),
    )
        .into_response()
}

async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../static/app.js"),
    )
        .into_response()
}
