//! Realistic, varied, reproducible data for benchmarks and demonstrations.
//!
//! [`populate`] fills a store with `n` applications from a seed: the same seed, count
//! and anchor time always give the same rows. Each application has one to three
//! interviews, one to four contacts, a few notes, and on average exactly four
//! touchpoints (so 10,000 applications come with 40,000 touchpoints); about a third
//! are closed with an outcome.

use jiff::{SignedDuration, Timestamp};

use crate::error::Result;
use crate::model::{
    Channel, CompanyType, ContactRole, Interviewer, NewApplication, NewContact, NewInterview,
    NewNote, NewTouchpoint, NoteKind, Outcome, Round, Seniority, TouchpointKind,
};
use crate::write::{insert_application, insert_touchpoint, update_status};
use crate::Store;

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const COMPANIES: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Stark Industries",
    "Wayne Enterprises",
    "Hooli",
    "Pied Piper",
    "Vandelay Industries",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Wonka Confections",
    "Oscorp",
    "Aperture Labs",
    "Black Mesa",
    "Massive Dynamic",
    "Gringotts",
    "Monarch Solutions",
    "Dunder Mifflin",
    "Nakatomi Trading",
    "Prestige Worldwide",
    "Bluth Company",
    "Sterling Cooper",
    "Los Pollos Hermanos",
    "Gekko & Co",
    "Rekall",
    "Duff Beverages",
    "Virtucon",
    "Ollivanders",
    "City of Springfield",
    "Northfield University",
    "Helping Hands Foundation",
    "TalentBridge Staffing",
];
const ROLES: &[&str] = &[
    "Software Engineer",
    "Backend Developer",
    "Data Analyst",
    "Product Manager",
    "Site Reliability Engineer",
    "UX Designer",
    "Engineering Manager",
    "QA Engineer",
    "Technical Writer",
    "Security Engineer",
    "Data Scientist",
    "Solutions Architect",
    "Director of Engineering",
    "Support Engineer",
    "Frontend Developer",
];
const SOURCES: &[&str] = &[
    "referral",
    "LinkedIn",
    "company site",
    "recruiter",
    "job board",
    "meetup",
];
/// Region and a zone in it.
const PLACES: &[(&str, &str)] = &[
    ("US", "America/New_York"),
    ("US", "America/Chicago"),
    ("US", "America/Los_Angeles"),
    ("CA", "America/Toronto"),
    ("GB", "Europe/London"),
    ("DE", "Europe/Berlin"),
    ("FR", "Europe/Paris"),
    ("NL", "Europe/Amsterdam"),
    ("IN", "Asia/Kolkata"),
    ("AU", "Australia/Sydney"),
    ("JP", "Asia/Tokyo"),
];
const FIRST: &[&str] = &[
    "Jane", "Omar", "Priya", "Lars", "Mei", "Carlos", "Amara", "Tom", "Yuki", "Sofia", "Noah",
    "Fatima", "Ivan", "Grace", "Diego", "Aisha", "Ben", "Chloe", "Ravi", "Ingrid",
];
const LAST: &[&str] = &[
    "Doe", "Haddad", "Raman", "Nilsson", "Chen", "Ortega", "Okafor", "Baker", "Sato", "Rossi",
    "Levi", "Khan", "Petrov", "Hopper", "Silva", "Bello", "Adams", "Martin", "Iyer", "Berg",
];
const PHRASES: &[&str] = &[
    "within a week",
    "by Friday",
    "in two weeks",
    "early next week",
    "by the end of the month",
    "in a few days",
];
const TOPICS: &[&str] = &[
    "migrating the billing system",
    "on-call load",
    "team growth plans",
    "the public API roadmap",
    "testing strategy",
    "data retention rules",
];
const STRENGTHS: &[&str] = &[
    "led a similar migration",
    "five years of Rust",
    "mentoring experience",
    "ran incident reviews",
    "shipped a design system",
];
const GAPS: &[&str] = &[
    "Kubernetes at scale",
    "people management",
    "their cloud provider",
    "mobile",
];
const QUESTIONS: &[&str] = &[
    "how soon can you start",
    "what does success look like in six months",
    "how do you handle conflicting priorities",
];

/// Fill `store` with `n` applications generated from `seed`, dated in the 120 days
/// before `now`, in one transaction. Returns the new application ids.
pub fn populate(store: &mut Store, n: usize, seed: u64, now: Timestamp) -> Result<Vec<i64>> {
    let mut rng = Rng(seed);
    let mut ids = Vec::with_capacity(n);
    store.write(|c| {
        let mut swing = 0i64;
        for i in 0..n {
            // Touchpoint counts come in pairs 4 + d and 4 - d, so the mean is exactly 4.
            let touches = if i % 2 == 0 {
                swing = rng.below(5) as i64;
                4 + swing
            } else {
                4 - swing
            };
            let (app, closing) = application(&mut rng, now, touches);
            let id = insert_application(c, &app)?;
            ids.push(id);
            let contacts = contacts_of(c, id)?;
            let last_start = app
                .interviews
                .iter()
                .map(|iv| iv.start)
                .max()
                .unwrap_or(now);
            let mut at = last_start;
            for t in 0..touches {
                let is_last = t + 1 == touches;
                at = at
                    .checked_add(SignedDuration::from_hours(6 + rng.below(24 * 6) as i64))
                    .unwrap_or(at);
                let tp = touchpoint(
                    &mut rng,
                    t,
                    is_last.then_some(closing).flatten(),
                    at,
                    &contacts,
                );
                insert_touchpoint(c, id, &tp)?;
                if let (TouchpointKind::Outcome, Some(o)) = (tp.kind, tp.outcome) {
                    update_status(c, id, o.into(), at)?;
                }
            }
        }
        Ok(())
    })?;
    Ok(ids)
}

fn contacts_of(c: &rusqlite::Connection, app: i64) -> Result<Vec<i64>> {
    let mut stmt =
        c.prepare_cached("SELECT id FROM contact WHERE application_id = ?1 ORDER BY id")?;
    let ids = stmt
        .query_map([app], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

fn person(rng: &mut Rng, company: &str, role: ContactRole, tz: &str) -> NewContact {
    let first = *rng.pick(FIRST);
    let last = *rng.pick(LAST);
    let domain: String = company
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    NewContact {
        name: format!("{first} {last}"),
        email: rng.chance(85).then(|| {
            format!(
                "{}.{}@{domain}.example",
                first.to_ascii_lowercase(),
                last.to_ascii_lowercase()
            )
        }),
        phone: rng
            .chance(30)
            .then(|| format!("+1 555 {:04}", rng.below(10_000))),
        role,
        tz: rng.chance(20).then(|| tz.to_owned()),
    }
}

/// An application and, if it is to be closed, its outcome.
fn application(rng: &mut Rng, now: Timestamp, touches: i64) -> (NewApplication, Option<Outcome>) {
    let company = *rng.pick(COMPANIES);
    let (region, tz) = *rng.pick(PLACES);
    let days_ago = 3 + rng.below(118) as i64;
    let created = now
        .checked_sub(SignedDuration::from_hours(
            24 * days_ago + rng.below(24) as i64,
        ))
        .unwrap_or(now);
    let mut app = NewApplication::new(company, *rng.pick(ROLES), created);
    app.source = rng.chance(70).then(|| (*rng.pick(SOURCES)).to_owned());
    app.link = rng.chance(50).then(|| {
        format!(
            "https://jobs.example/{}/{}",
            company.to_ascii_lowercase().replace(' ', "-"),
            rng.below(100_000)
        )
    });
    app.company_type = rng.chance(80).then(|| *rng.pick(CompanyType::ALL));
    app.seniority = rng.chance(80).then(|| *rng.pick(Seniority::ALL));
    app.region = Some(region.to_owned());
    app.urgent = rng.chance(10);
    app.recipient_tz = rng.chance(10).then(|| rng.pick(PLACES).1.to_owned());

    if rng.chance(70) {
        app.contacts
            .push(person(rng, company, ContactRole::Recruiter, tz));
    }
    if rng.chance(30) {
        app.contacts
            .push(person(rng, company, ContactRole::HiringManager, tz));
    }
    let rounds = 1 + rng.below(3) as usize;
    let mut start = created
        .checked_add(SignedDuration::from_hours(24 * (1 + rng.below(10) as i64)))
        .unwrap_or(created);
    for r in 0..rounds {
        let round = match (r, rounds) {
            (0, _) => Round::Screen,
            (r, n) if r + 1 == n => Round::Final,
            _ => *rng.pick(&[Round::Technical, Round::Onsite, Round::Panel]),
        };
        let mut iv = NewInterview::new(start, tz, *rng.pick(&[30, 45, 60, 90, 240]));
        iv.round = Some(round);
        iv.decision_phrase = rng.chance(60).then(|| (*rng.pick(PHRASES)).to_owned());
        iv.location = Some(if rng.chance(70) {
            format!("https://meet.example/{}", rng.below(1_000_000))
        } else {
            format!("{company} office")
        });
        iv.uid = rng
            .chance(40)
            .then(|| format!("{:016x}@calendar.example", rng.next()));
        iv.cancelled = rng.chance(3);
        iv.title = Some(format!("{company}: {round} interview"));
        // One or two interviewers, sometimes someone met in an earlier round.
        if r > 0 && !app.contacts.is_empty() && rng.chance(40) {
            iv.interviewers.push(Interviewer::Listed(
                rng.below(app.contacts.len() as u64) as usize
            ));
        } else {
            app.contacts
                .push(person(rng, company, ContactRole::Interviewer, tz));
            iv.interviewers
                .push(Interviewer::Listed(app.contacts.len() - 1));
        }
        if rng.chance(30) {
            iv.interviewers.push(Interviewer::New(person(
                rng,
                company,
                ContactRole::Interviewer,
                tz,
            )));
        }
        if rng.chance(60) {
            iv.notes
                .push(NewNote::new(NoteKind::Topic, *rng.pick(TOPICS)));
        }
        if rng.chance(40) {
            iv.notes
                .push(NewNote::new(NoteKind::Strength, *rng.pick(STRENGTHS)));
        }
        if rng.chance(20) {
            iv.notes.push(NewNote::new(NoteKind::Gap, *rng.pick(GAPS)));
        }
        if rng.chance(20) {
            iv.notes
                .push(NewNote::new(NoteKind::Question, *rng.pick(QUESTIONS)));
        }
        app.interviews.push(iv);
        start = start
            .checked_add(SignedDuration::from_hours(24 * (3 + rng.below(8) as i64)))
            .unwrap_or(start);
    }
    app.late_in_process = rounds > 1 && rng.chance(50);
    let closing = (touches > 0 && rng.chance(35)).then(|| *rng.pick(Outcome::ALL));
    (app, closing)
}

fn touchpoint(
    rng: &mut Rng,
    index: i64,
    outcome: Option<Outcome>,
    at: Timestamp,
    contacts: &[i64],
) -> NewTouchpoint {
    if let Some(o) = outcome {
        let mut tp = NewTouchpoint::new(TouchpointKind::Outcome, at);
        tp.outcome = Some(o);
        return tp;
    }
    let kind = match index {
        0 => TouchpointKind::ThankYou,
        1 => TouchpointKind::FollowUp,
        2 => *rng.pick(&[
            TouchpointKind::Reply,
            TouchpointKind::Call,
            TouchpointKind::Voicemail,
        ]),
        3 => TouchpointKind::FinalFollowUp,
        _ => *rng.pick(&[
            TouchpointKind::Reply,
            TouchpointKind::Letter,
            TouchpointKind::Call,
        ]),
    };
    let mut tp = NewTouchpoint::new(kind, at);
    tp.contact_id = (!contacts.is_empty() && rng.chance(80))
        .then(|| contacts[rng.below(contacts.len() as u64) as usize]);
    tp.channel = Some(match kind {
        TouchpointKind::Call | TouchpointKind::Voicemail => Channel::Phone,
        TouchpointKind::Letter => Channel::Letter,
        _ => Channel::Email,
    });
    tp.note = rng
        .chance(25)
        .then(|| "Kept it short and friendly.".to_owned());
    if kind == TouchpointKind::Reply && rng.chance(50) {
        tp.decision_phrase = Some((*rng.pick(PHRASES)).to_owned());
    }
    tp
}
