//! The agenda across every open application (T1–T9): items in the order to act on them.
//!
//! Planning is deterministic: the same facts, settings and build give the same steps,
//! and only their status (upcoming, due, overdue, missed) depends on the moment. So
//! the steps of each application are kept in the store's agenda cache (see
//! `followup_store::AgendaCache`) and planned again only when its facts changed, or
//! when anything else planning reads changed: that is the [`fingerprint`]. The
//! agenda over ten thousand applications then reads the cache instead of planning
//! them all, and its output is the same either way (the tests compare them).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use followup_core::agenda::{self, Item, Pending};
use followup_core::model::Channel;
use followup_core::plan::{StepKind, StepStatus};
use followup_store::{AgendaCache, CacheEntry, CachedStep, SharedText, Store, StoreError};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};

use crate::ctx::{store_err, track_of_row, Ctx};
use crate::error::{Error, Result};

/// Separates the reasons of a step in the cache: a character no reason holds.
const WHY_SEP: char = '\u{1f}';

/// Texts kept as one string and split when read: the rules of a step (by spaces) and
/// its reasons. Serialized as a list of strings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Texts {
    joined: SharedText,
    sep: char,
}

impl Texts {
    fn new<T: std::fmt::Display>(items: impl IntoIterator<Item = T>, sep: char) -> Texts {
        let mut joined = String::new();
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                joined.push(sep);
            }
            let _ = write!(joined, "{item}");
        }
        Texts {
            joined: joined.into(),
            sep,
        }
    }

    /// Each text, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.joined.split(self.sep).filter(|t| !t.is_empty())
    }

    /// Each text, owned.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }

    /// The texts as kept: separated by the separator they were made with (a space
    /// for rule ids).
    pub fn joined(&self) -> &str {
        self.joined.as_str()
    }

    /// What separates them in [`joined`](Self::joined).
    pub fn separator(&self) -> char {
        self.sep
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

impl serde::Serialize for Texts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// One item of the agenda, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The application's id.
    pub application: i64,
    pub company: Arc<str>,
    pub role: Arc<str>,
    /// What to do.
    pub kind: StepKind,
    /// To whom, when it is one person.
    pub to: Option<String>,
    /// How to send it.
    pub channel: Channel,
    /// The window opens, in the recipient's zone.
    pub earliest: Zoned,
    /// The best moment.
    pub recommended: Zoned,
    /// The window closes.
    pub latest: Zoned,
    /// The rules behind the dates.
    pub rules: Texts,
    /// The reasons, with the numbers used.
    pub why: Texts,
    /// Upcoming, due or overdue at the context's `now` (never missed).
    pub status: StepStatus,
    /// How long past the window, when overdue.
    pub late_by: Option<SignedDuration>,
}

impl Entry {
    /// The entry of an item the planner just derived for one application.
    pub fn of_item(application: i64, company: &str, role: &str, item: &Item) -> Entry {
        Entry {
            application,
            company: company.into(),
            role: role.into(),
            kind: item.kind,
            to: item.to.as_ref().map(|p| p.name.clone()),
            channel: item.step.channel,
            earliest: item.step.zoned(item.step.earliest),
            recommended: item.step.zoned(item.step.recommended),
            latest: item.step.zoned(item.step.latest),
            rules: Texts::new(item.step.rules, ' '),
            why: Texts::new(item.step.why(), WHY_SEP),
            status: item.status,
            late_by: item.late_by,
        }
    }
}

/// Names everything outside an application's facts that planning reads: the build,
/// the policy, the business hours, the default region, the custom holiday calendars
/// (by their generation in the store) and the zone database. A cached plan made under
/// another fingerprint is stale.
pub fn fingerprint(ctx: &Ctx, store: &Store) -> Result<String> {
    let mut text = String::new();
    let _ = write!(
        text,
        "{}|{:?}|{:?}|{:?}|{}|{}",
        env!("FOLLOWUP_PLAN_BUILD"),
        ctx.policy,
        ctx.hours()?,
        ctx.settings.region,
        store.holiday_gen().map_err(store_err)?,
        zone_database_stamp(),
    );
    // FNV-1a: short, and the same in every build and process.
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    Ok(format!("{hash:016x}"))
}

/// Which zone database planning read, and when it last changed (offsets of future
/// times change with it), as far as the file system says: its directory, and the
/// dates of the files a tzdata update rewrites.
fn zone_database_stamp() -> String {
    let dir = crate::time::zone_directory();
    let dir = dir.as_path();
    let mut stamp = dir.display().to_string();
    for f in ["tzdata.zi", "+VERSION", "zone1970.tab", "."] {
        let when = std::fs::metadata(dir.join(f))
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        if let Some(d) = when {
            let _ = write!(stamp, "|{f}:{}", d.as_nanos());
        }
    }
    stamp
}

/// The open items that are overdue, due, or open within `days`: overdue first, then
/// due, then upcoming; by recommended moment, then application, then plan order.
/// Without `why`, the entries' reasons may be left empty (the cheaper read).
pub fn entries(ctx: &Ctx, days: u32, why: bool) -> Result<Vec<Entry>> {
    Ok(read_or_plan(ctx, days, why, false)?.0)
}

/// [`entries`], and the first moment after `ctx.now` at which they may differ with the
/// same facts: a step's window opens or closes, it is missed, or it comes within `days`
/// (`None`: never, by the clock alone). Until then, `entries` at any later moment gives
/// the same steps with the same statuses, in the same order.
pub fn entries_until(ctx: &Ctx, days: u32, why: bool) -> Result<(Vec<Entry>, Option<Timestamp>)> {
    read_or_plan(ctx, days, why, true)
}

/// [`entries_until`]; the moment is looked for only if `until`.
fn read_or_plan(ctx: &Ctx, days: u32, why: bool, until: bool) -> Result<Until> {
    if ctx.pg().is_some() {
        // No cache there: every application planned from its facts, read in one
        // snapshot.
        let apps = ctx.facts()?.applications(true).map_err(store_err)?;
        return read(ctx, None, AgendaCache::to_plan(&apps), days, until)?.map_err(Error::Store);
    }
    let mut store = ctx.store()?;
    match read_cached(ctx, &mut store, days, why, until)? {
        Ok(all) => Ok(all),
        // A cache that cannot be read (edited by hand, or a zone the system no longer
        // knows) is dropped and everything planned again.
        Err(_) => {
            store.clear_agenda_cache().map_err(store_err)?;
            read_cached(ctx, &mut store, days, why, until)?.map_err(Error::Store)
        }
    }
}

/// The entries, and the first moment they may differ ([`entries_until`]; `None` when
/// not asked for).
type Until = (Vec<Entry>, Option<Timestamp>);

/// The first of `moments` after `now`, kept in `next`.
fn note_next(
    next: &std::cell::Cell<Option<Timestamp>>,
    now: Timestamp,
    moments: &[Option<Timestamp>],
) {
    for m in moments.iter().flatten() {
        if *m > now && next.get().is_none_or(|n| *m < n) {
            next.set(Some(*m));
        }
    }
}

/// The moments at which a step's status changes ([`StepStatus::at`]) or it comes
/// within `horizon` of now.
fn step_moments(
    earliest: Timestamp,
    latest: Timestamp,
    missed_after: Option<Timestamp>,
    horizon: SignedDuration,
) -> [Option<Timestamp>; 4] {
    let after = |t: Timestamp| t.checked_add(SignedDuration::from_nanos(1)).ok();
    [
        earliest.checked_sub(horizon).ok(),
        Some(earliest),
        after(latest),
        missed_after.and_then(after),
    ]
}

/// Whether a step of this status, opening at `earliest`, is shown with `horizon` as
/// the end of the days asked for.
fn wanted(status: StepStatus, earliest: Timestamp, horizon: Timestamp) -> bool {
    match status {
        StepStatus::Missed => false,
        StepStatus::Upcoming => earliest <= horizon,
        StepStatus::Due | StepStatus::Overdue => true,
    }
}

/// [`entries`] through the SQLite file's agenda cache; the inner error says the cache
/// holds something it cannot read.
fn read_cached(
    ctx: &Ctx,
    store: &mut Store,
    days: u32,
    why: bool,
    until: bool,
) -> Result<std::result::Result<Until, String>> {
    let fingerprint = fingerprint(ctx, store)?;
    let now = ctx.now;
    let ahead = SignedDuration::from_hours(24 * i64::from(days));
    let horizon = crate::time::later(now, ahead);
    let next = std::cell::Cell::new(None);
    let cache = match store.agenda_cached(&fingerprint, why, |earliest, latest, missed_after| {
        if until {
            let moments = step_moments(earliest, latest, missed_after, ahead);
            note_next(&next, now, &moments);
        }
        wanted(
            StepStatus::at(earliest, latest, missed_after, now),
            earliest,
            horizon,
        )
    }) {
        Ok(cache) => cache,
        Err(e @ StoreError::Decode { .. }) => return Ok(Err(e.to_string())),
        Err(e) => return Err(store_err(e)),
    };
    let found = next.get();
    read(ctx, Some((store, &fingerprint)), cache, days, until).map(|r| {
        r.map(|(all, n)| {
            let first = [found, n].into_iter().flatten().min();
            (all, first)
        })
    })
}

/// The entries from what `cache` holds and the plans of what it does not; the fresh
/// plans are kept in `keep`'s store under its fingerprint. The inner error says the
/// cache holds something it cannot read.
fn read(
    ctx: &Ctx,
    keep: Option<(&mut Store, &str)>,
    cache: AgendaCache,
    days: u32,
    until: bool,
) -> Result<std::result::Result<Until, String>> {
    let now = ctx.now;
    let ahead = SignedDuration::from_hours(24 * i64::from(days));
    let horizon = crate::time::later(now, ahead);
    let next = std::cell::Cell::new(None);
    let wanted = |status: StepStatus, earliest: Timestamp| wanted(status, earliest, horizon);

    // Plan what the cache did not have, and keep it for next time.
    let mut fresh = Vec::with_capacity(cache.stale.len());
    for (row, plan_gen) in &cache.stale {
        let track = track_of_row(ctx, row)?;
        // The zone the times are shown in: the name `track_of_row` resolved.
        let tz = row.recipient_zone().trim();
        let steps = agenda::plan_track(&track, &ctx.policy)
            .pending
            .iter()
            .map(|p| cached_step(p, tz))
            .collect();
        fresh.push(CacheEntry {
            application_id: row.id,
            plan_gen: *plan_gen,
            steps,
        });
    }
    fresh.extend(cache.unplanned.iter().map(|&(id, plan_gen)| CacheEntry {
        application_id: id,
        plan_gen,
        steps: Vec::new(),
    }));
    // The cache is an optimisation: a database that cannot be written now (read-only,
    // busy beyond the timeout) still gets its agenda. Read from the tables, the
    // agenda is kept whole as well (the snapshot), for the next read.
    if let Some((store, fingerprint)) = keep {
        if !fresh.is_empty() || !cache.from_snapshot {
            let _ = store.keep_agenda(fingerprint, &cache, &fresh);
        }
    }

    // The steps to show, cached and fresh, each with its application's slot in
    // `heads`; ordered first, then made into entries (moving their texts).
    let slot_of: HashMap<i64, usize> = if fresh.is_empty() {
        HashMap::new()
    } else {
        let heads = cache.heads.iter().enumerate();
        heads.map(|(i, h)| (h.id, i)).collect()
    };
    let fresh_steps = fresh.into_iter().flat_map(|e| {
        let slot = slot_of.get(&e.application_id).copied();
        e.steps.into_iter().filter_map(move |s| Some((slot?, s)))
    });
    let mut steps = cache.steps;
    steps.extend(fresh_steps);
    let rank = |s: StepStatus| match s {
        StepStatus::Overdue | StepStatus::Missed => 0u8,
        StepStatus::Due => 1,
        StepStatus::Upcoming => 2,
    };
    // The steps shown, sorted by small keys: the status's rank, then the position
    // last so equal keys keep their order.
    let mut order: Vec<(u8, Timestamp, i64, usize)> = Vec::with_capacity(steps.len());
    for (k, (slot, step)) in steps.iter().enumerate() {
        if until {
            let moments = step_moments(step.earliest, step.latest, step.missed_after, ahead);
            note_next(&next, now, &moments);
        }
        let status = StepStatus::at(step.earliest, step.latest, step.missed_after, now);
        if wanted(status, step.earliest) {
            order.push((rank(status), step.recommended, cache.heads[*slot].id, k));
        }
    }
    if order.is_sorted_by_key(|o| (o.1, o.2, o.3)) {
        // Already by moment and application (as the snapshot keeps them): only the
        // statuses are to be put in order, which a stable pass per rank does.
        let mut by_rank = Vec::with_capacity(order.len());
        for r in 0..3 {
            by_rank.extend(order.iter().filter(|o| o.0 == r));
        }
        order = by_rank;
    } else {
        order.sort_unstable();
    }
    // Each step is taken once, in that order (the vector is reused as it is).
    let mut steps: Vec<Option<(usize, CachedStep)>> = steps.into_iter().map(Some).collect();

    // The zones by name; the steps read together share each name's `Arc`.
    let mut zones: Vec<(Arc<str>, TimeZone)> = Vec::new();
    let mut all = Vec::with_capacity(order.len());
    for &(rank, _, _, k) in &order {
        let Some((slot, step)) = steps[k].take() else {
            continue;
        };
        let status = match rank {
            0 => StepStatus::Overdue,
            1 => StepStatus::Due,
            _ => StepStatus::Upcoming,
        };
        let known = zones
            .iter()
            .find(|(name, _)| Arc::ptr_eq(name, &step.tz))
            .or_else(|| zones.iter().find(|(name, _)| *name == step.tz));
        let tz = match known {
            Some((_, tz)) => tz.clone(),
            None => match crate::time::zone_named(&step.tz) {
                Ok(tz) => {
                    zones.push((step.tz.clone(), tz.clone()));
                    tz
                }
                Err(_) => return Ok(Err(corrupt("zone", &step.tz))),
            },
        };
        let (kind, channel) = (step.kind, step.channel);
        all.push(Entry {
            application: cache.heads[slot].id,
            company: cache.heads[slot].company.clone(),
            role: cache.heads[slot].role.clone(),
            kind,
            to: step.to,
            channel,
            earliest: step.earliest.to_zoned(tz.clone()),
            recommended: step.recommended.to_zoned(tz.clone()),
            latest: step.latest.to_zoned(tz),
            rules: Texts {
                joined: step.rules,
                sep: ' ',
            },
            why: Texts {
                joined: step.why,
                sep: WHY_SEP,
            },
            status,
            late_by: (status == StepStatus::Overdue).then(|| now.duration_since(step.latest)),
        });
    }
    Ok(Ok((all, next.get())))
}

fn corrupt(what: &str, value: &str) -> String {
    format!("the agenda cache holds an unknown {what} `{value}`")
}

/// A pending step as the cache keeps it, its times shown in the zone named `tz`.
fn cached_step(p: &Pending, tz: &str) -> CachedStep {
    CachedStep {
        kind: p.kind,
        contact_id: p.to.as_ref().map(|t| t.id),
        to: p.to.as_ref().map(|t| t.name.clone()),
        channel: p.step.channel,
        earliest: p.step.earliest.timestamp(),
        recommended: p.step.recommended.timestamp(),
        latest: p.step.latest.timestamp(),
        missed_after: p.step.missed_after,
        tz: Arc::from(tz),
        rules: Texts::new(p.step.rules, ' ').joined,
        why: Texts::new(p.step.why(), WHY_SEP).joined,
    }
}

/// Where an item sits in the user's day: the agenda's groups, in order. They follow
/// the item's window and the calendar day of the user (their zone from the settings,
/// else the system's): an item is "today" only if it can be done today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Its window has closed.
    Overdue,
    /// Its window is open now.
    DueNow,
    /// Its window opens later today.
    OpensToday,
    /// Its window opens tomorrow.
    Tomorrow,
    /// Its window opens in the next seven days, after tomorrow.
    ThisWeek,
    /// Later.
    Later,
}

impl Group {
    /// Every group, in the order shown.
    pub const ALL: [Group; 6] = [
        Group::Overdue,
        Group::DueNow,
        Group::OpensToday,
        Group::Tomorrow,
        Group::ThisWeek,
        Group::Later,
    ];

    /// The group of an entry whose status was read at `today`'s moment, `today` being
    /// that moment in the user's zone.
    pub fn of(e: &Entry, today: &Zoned) -> Group {
        match e.status {
            StepStatus::Overdue | StepStatus::Missed => Group::Overdue,
            StepStatus::Due => Group::DueNow,
            StepStatus::Upcoming => {
                // The day the window opens, in the user's zone.
                let at = e.earliest.timestamp();
                let opens = today.time_zone().to_offset(at).to_datetime(at).date();
                let days = (opens - today.date()).get_days();
                match days {
                    ..=0 => Group::OpensToday,
                    1 => Group::Tomorrow,
                    2..=6 => Group::ThisWeek,
                    _ => Group::Later,
                }
            }
        }
    }

    /// "Overdue", "Due now", "Opens today", "Tomorrow", "This week", "Later".
    pub fn title(self) -> &'static str {
        match self {
            Group::Overdue => "Overdue",
            Group::DueNow => "Due now",
            Group::OpensToday => "Opens today",
            Group::Tomorrow => "Tomorrow",
            Group::ThisWeek => "This week",
            Group::Later => "Later",
        }
    }

    /// `overdue`, `due_now`, `opens_today`, `tomorrow`, `this_week`, `later`.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Overdue => "overdue",
            Group::DueNow => "due_now",
            Group::OpensToday => "opens_today",
            Group::Tomorrow => "tomorrow",
            Group::ThisWeek => "this_week",
            Group::Later => "later",
        }
    }
}

/// The user's own zone, for their day: `tz` of the settings, else the system's.
pub fn user_zone(ctx: &Ctx) -> TimeZone {
    ctx.settings
        .tz
        .as_deref()
        .and_then(|name| crate::time::zone_named(name.trim()).ok())
        .unwrap_or_else(crate::time::system_zone)
}

/// The first moment after `now` at which the group of an upcoming entry changes by
/// the user's calendar alone ([`Group::of`]): the start of the day, in `tz`, that it
/// enters "this week", "tomorrow" or "opens today".
pub fn group_changes_after(e: &Entry, now: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
    if e.status != StepStatus::Upcoming {
        return None;
    }
    let opens = e.earliest.timestamp().to_zoned(tz.clone()).date();
    [6, 1, 0].into_iter().find_map(|days| {
        let day = opens.checked_sub(jiff::Span::new().days(days)).ok()?;
        let start = day.to_zoned(tz.clone()).ok()?.timestamp();
        (start > now).then_some(start)
    })
}

/// How a thank-you with nobody named is addressed: "your interviewers (no names yet:
/// add them with `followup contact add 3 --name NAME --role interviewer`)".
pub fn unnamed_interviewers(application: i64) -> String {
    format!(
        "your interviewers (no names yet: add them with `followup contact add {application} --name NAME --role interviewer`)"
    )
}
