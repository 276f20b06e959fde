//! `followup plan`: one interview in, a dated and explained plan out (T1–T10).

use std::io::Write;

use followup_core::calendar::Region;
use followup_core::model::{Channel, CompanyType, Round, Seniority};
use followup_core::phrase;
use followup_core::plan::{self, Interview, Plan, Recipient, StepStatus};
use followup_core::policy::Policy;
use jiff::Timestamp;
use serde::Serialize;

use crate::cli::PlanArgs;
use crate::error::{parse_word, Error, Result};
use crate::output::{self, style, Cell};
use crate::settings::Settings;
use crate::time;

/// Everything resolved from flags, variables and settings, ready to plan.
pub struct Resolved {
    pub interview: Interview,
    pub recipient: Recipient,
    pub policy: Policy,
    pub now: Option<Timestamp>,
    /// How the region was chosen, when it was guessed.
    pub region_note: Option<String>,
    /// How a typed time was read, when it does not exist in its zone or happens twice.
    pub notes: Vec<String>,
}

pub use followup_app::ctx::{default_base, guess_region, load_policy, region_over};

/// Resolves the arguments of `plan` (and of commands that plan the same way).
/// `now` is the text of `--now` and where it came from (`--now` or `FOLLOWUP_NOW`);
/// `db` is where custom holiday calendars are looked up.
pub fn resolve(
    args: &PlanArgs,
    settings: &Settings,
    now: Option<(&str, &str)>,
    db: &std::path::Path,
) -> Result<Resolved> {
    let tz_name = args
        .tz
        .as_deref()
        .or(settings.tz.as_deref())
        .ok_or_else(|| {
            Error::input(
                "no time zone: pass --tz ZONE (such as America/New_York) or set tz in config.toml",
            )
        })?;
    let tz_from = match &args.tz {
        Some(_) => "--tz".to_string(),
        None => settings.origin("tz"),
    };
    let tz = time::zone(tz_name, &tz_from)?;
    let recipient_tz = match &args.recipient_tz {
        Some(name) => time::zone(name, "--recipient-tz")?,
        None => tz.clone(),
    };
    let mut notes = Vec::new();
    let at = time::local(&args.at, &tz, "--at")?;
    notes.extend(at.note);
    let start = at.zoned;
    let duration = time::duration(&args.duration)?;

    let mut region_note = None;
    let region = match args.region.as_deref().or(settings.region.as_deref()) {
        Some(code) => Some(match code.parse::<Region>() {
            Ok(r) => r,
            // Not built in: a custom holiday calendar of the database, if there is one.
            Err(_) => region_over(
                db,
                code,
                default_base(settings.region.as_deref(), Some(&recipient_tz)),
            )?,
        }),
        None => match guess_region(&recipient_tz) {
            Some(code) => {
                region_note = Some(format!(
                    "holiday region {code} guessed from {}; pass --region to be exact",
                    recipient_tz.iana_name().unwrap_or("the zone")
                ));
                code.parse::<Region>().ok()
            }
            None => None,
        },
    };

    let policy = load_policy(
        args.policy.as_deref().or(settings.policy.as_deref()),
        args.preset.as_deref().or(settings.preset.as_deref()),
    )?;
    let hours = time::business_hours(args.hours.as_deref().or(settings.hours.as_deref()), &policy)?;

    let mut interview = Interview::new(start);
    interview.duration = duration;
    interview.round = parse_word::<Round>(args.round.as_deref())?;
    interview.company_type = parse_word::<CompanyType>(args.company_type.as_deref())?;
    interview.seniority = parse_word::<Seniority>(args.seniority.as_deref())?;
    interview.urgent = args.urgent;
    interview.late_in_process = args.late_in_process;
    interview.rounds_so_far = args.rounds.max(1);
    interview.channel = match args.channel.parse::<Channel>().map_err(Error::input)? {
        c @ (Channel::Email | Channel::Phone) => c,
        other => {
            return Err(Error::input(format!(
                "--channel {other} is not a follow-up channel (expected email or phone)"
            )))
        }
    };
    if let Some(text) = &args.decision {
        let d = phrase::parse_decision(text, interview.start.date(), region.as_ref())
            .map_err(Error::input)?;
        interview.decision_by = Some(d.date);
        interview.decision_meaning = Some(d.meaning);
    }
    let now = match now {
        Some((text, from)) => {
            let now = time::now_local(text, &tz, from)?;
            notes.extend(now.note);
            Some(now.zoned.timestamp())
        }
        None => None,
    };
    Ok(Resolved {
        interview,
        recipient: Recipient {
            tz: recipient_tz,
            region,
            hours,
        },
        policy,
        now,
        region_note,
        notes,
    })
}

/// The JSON shape of `followup plan --json`.
#[derive(Serialize)]
pub struct PlanJson {
    pub interview_start: String,
    pub interview_end: String,
    pub decision_by: Option<String>,
    pub tz: String,
    pub recipient_tz: String,
    pub region: Option<String>,
    pub preset: String,
    pub factor: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub now: Option<String>,
    /// How a typed time was read, when it does not exist in its zone or happens
    /// twice (also printed as warnings).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub steps: Vec<StepJson>,
}

/// One step in JSON.
#[derive(Serialize)]
pub struct StepJson {
    pub kind: &'static str,
    pub channel: &'static str,
    pub alternatives: Vec<&'static str>,
    pub earliest: String,
    pub recommended: String,
    pub latest: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
    pub rules: &'static [&'static str],
    pub why: Vec<String>,
}

/// The plan as JSON.
pub fn to_json(r: &Resolved, p: &Plan) -> PlanJson {
    PlanJson {
        interview_start: time::rfc3339(&r.interview.start),
        interview_end: time::rfc3339(&p.zoned(p.interview_end)),
        decision_by: p.decision_by.map(|d| d.to_string()),
        tz: r
            .interview
            .start
            .time_zone()
            .iana_name()
            .unwrap_or("")
            .to_string(),
        recipient_tz: r.recipient.tz.iana_name().unwrap_or("").to_string(),
        region: r.recipient.region.as_ref().map(|x| x.code().to_string()),
        preset: r.policy.preset.to_string(),
        factor: (p.factor * 1000.0).round() / 1000.0,
        now: r
            .now
            .map(|n| time::rfc3339(&n.to_zoned(r.recipient.tz.clone()))),
        notes: r.notes.clone(),
        steps: p
            .steps
            .iter()
            .map(|s| StepJson {
                kind: s.kind.as_str(),
                channel: s.channel.as_str(),
                alternatives: s.alternatives.iter().map(|c| c.as_str()).collect(),
                earliest: time::rfc3339(&s.zoned(s.earliest)),
                recommended: time::rfc3339(&s.zoned(s.recommended)),
                latest: time::rfc3339(&s.zoned(s.latest)),
                status: r.now.map(|n| s.status(n).as_str()),
                rules: s.rules,
                why: s.why().map(|w| w.to_string()).collect(),
            })
            .collect(),
    }
}

fn when(m: plan::Moment) -> String {
    m.datetime().strftime("%a %b %-d %H:%M").to_string()
}

/// Runs `followup plan`.
pub fn run(
    args: &PlanArgs,
    settings: &Settings,
    now: Option<(&str, &str)>,
    db: &std::path::Path,
) -> Result<()> {
    let r = resolve(args, settings, now, db)?;
    for note in &r.notes {
        output::warn(note);
    }
    let p = plan::plan(&r.interview, &r.recipient, &r.policy);
    if args.json {
        return output::with_stdout(|out| {
            serde_json::to_writer_pretty(&mut *out, &to_json(&r, &p))?;
            writeln!(out)
        });
    }
    output::with_stdout(|out| print_human(out, &r, &p))
}

fn print_human(out: &mut dyn Write, r: &Resolved, p: &Plan) -> std::io::Result<()> {
    let h = style::HEAD;
    let d = style::DIM;
    let start = &r.interview.start;
    writeln!(
        out,
        "{}Interview{} {} – {} {}",
        h.render(),
        h.render_reset(),
        start.strftime("%a %b %-d %Y %H:%M"),
        p.interview_end
            .to_zoned(start.time_zone().clone())
            .strftime("%H:%M %Z"),
        start.time_zone().iana_name().unwrap_or(""),
    )?;
    let tz = r.recipient.tz.iana_name().unwrap_or("");
    let region = r.recipient.region.as_ref().map_or("none", |x| x.code());
    writeln!(
        out,
        "{}Recipient{} {tz}, holidays {region}; preset {}; waits × {:.2}",
        h.render(),
        h.render_reset(),
        r.policy.preset,
        p.factor
    )?;
    if let Some(note) = &r.region_note {
        writeln!(out, "{}note: {note}{}", d.render(), d.render_reset())?;
    }
    if let Some(date) = p.decision_by {
        writeln!(
            out,
            "{}Decision by{} {}",
            h.render(),
            h.render_reset(),
            date.strftime("%a %b %-d %Y")
        )?;
    }
    writeln!(out)?;
    let mut header = vec![
        "Step",
        "Channel",
        "Earliest",
        "Recommended",
        "Latest",
        "Rules",
    ];
    if r.now.is_some() {
        header.push("Status");
    }
    let rows: Vec<Vec<Cell>> = p
        .steps
        .iter()
        .map(|s| {
            let mut channel = s.channel.to_string();
            if !s.alternatives.is_empty() {
                let alts: Vec<&str> = s.alternatives.iter().map(|c| c.as_str()).collect();
                channel = format!("{channel} (or {})", alts.join(", "));
            }
            let mut row = vec![
                Cell(s.kind.label().to_string(), style::HEAD),
                Cell::plain(channel),
                Cell::plain(when(s.earliest)),
                Cell(when(s.recommended), style::GOOD),
                Cell::plain(when(s.latest)),
                Cell(s.rules.join(" "), style::RULE),
            ];
            if let Some(now) = r.now {
                let st = s.status(now);
                let sty = match st {
                    StepStatus::Due => style::DUE,
                    StepStatus::Overdue => style::BAD,
                    StepStatus::Missed => style::DIM,
                    StepStatus::Upcoming => anstyle::Style::new(),
                };
                row.push(Cell(st.as_str().to_string(), sty));
            }
            row
        })
        .collect();
    output::table(out, &header, &rows)?;
    writeln!(
        out,
        "{}Times are the recipient's ({tz}).{}",
        d.render(),
        d.render_reset()
    )?;
    for s in &p.steps {
        writeln!(out)?;
        writeln!(
            out,
            "{}{}{} {}[{}]{}",
            h.render(),
            s.kind.label(),
            h.render_reset(),
            style::RULE.render(),
            s.rules.join(" "),
            style::RULE.render_reset()
        )?;
        for w in s.why() {
            writeln!(out, "  - {w}")?;
        }
    }
    Ok(())
}
