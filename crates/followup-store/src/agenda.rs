//! The agenda's read: only what planning needs of the applications still worth a
//! message, in five queries whatever their number.
//!
//! [`Store::applications`] loads every column of every table; the agenda needs far
//! less: the applications that are active or rejected (a rejection still asks for
//! feedback, T9), the latest interview of each that is not cancelled and how many of
//! them there are, who sat in that interview, and the touchpoints. Applications
//! without an interview that is not cancelled have no plan and are left out.

use jiff::civil::Date;
use jiff::Timestamp;
use rusqlite::Connection;

use crate::error::Result;
use crate::model::{
    ApplicationFull, CompanyType, Outcome, Round, Seniority, Status, TouchpointKind,
};
use crate::sql::{Cols, Columns};
use crate::Store;

/// What planning needs of one application; see [`Store::agenda_rows`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaRow {
    /// The application's id.
    pub id: i64,
    pub company: String,
    pub role: String,
    pub status: Status,
    pub company_type: Option<CompanyType>,
    pub seniority: Option<Seniority>,
    /// Region code for public holidays.
    pub region: Option<String>,
    pub urgent: bool,
    pub late_in_process: bool,
    /// IANA zone of the people the messages go to, when it differs from the interview's.
    pub recipient_tz: Option<String>,
    /// The latest interview that is not cancelled (by start, then id).
    pub latest: LatestRound,
    /// How many interviews are not cancelled.
    pub rounds: u32,
    /// Who sat in the latest interview, by contact id.
    pub interviewers: Vec<AgendaPerson>,
    /// The other interviews not cancelled, by start, then id.
    pub earlier: Vec<EarlierRound>,
    /// The contacts who sat in no interview that is not cancelled, by id.
    pub contacts: Vec<AgendaPerson>,
    /// Every touchpoint of the application, by time, then id.
    pub touchpoints: Vec<AgendaTouchpoint>,
    /// The steps skipped, by id.
    pub skipped: Vec<AgendaSkip>,
}

/// A skipped step, as far as planning cares (no note).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaSkip {
    pub kind: followup_core::plan::StepKind,
    pub contact_id: Option<i64>,
    pub interview_id: Option<i64>,
    pub at: Timestamp,
}

/// The latest interview of an [`AgendaRow`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestRound {
    /// The interview's id.
    pub id: i64,
    pub start: Timestamp,
    /// IANA zone the interview was scheduled in.
    pub tz: String,
    pub duration_minutes: i64,
    pub round: Option<Round>,
    pub decision_phrase: Option<String>,
    pub decision_date: Option<Date>,
}

/// An interview before the latest, and who sat in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierRound {
    /// The interview.
    pub round: LatestRound,
    /// Who sat in it, by contact id.
    pub interviewers: Vec<AgendaPerson>,
}

impl AgendaRow {
    /// The zone of the people the messages go to: the application's recipient zone,
    /// else its first round's. A later round held in another zone changes only that
    /// round.
    pub fn recipient_zone(&self) -> &str {
        match &self.recipient_tz {
            Some(tz) => tz,
            None => self
                .earlier
                .first()
                .map_or(&self.latest.tz, |r| &r.round.tz),
        }
    }
}

/// A contact who sat in an interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaPerson {
    /// The contact's id.
    pub id: i64,
    pub name: String,
}

/// A touchpoint, as far as planning cares (no channel, no note).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaTouchpoint {
    /// The touchpoint's id.
    pub id: i64,
    pub kind: TouchpointKind,
    pub at: Timestamp,
    pub contact_id: Option<i64>,
    pub outcome: Option<Outcome>,
    pub decision_phrase: Option<String>,
    pub decision_date: Option<Date>,
}

impl AgendaRow {
    /// The same facts taken from a full record, whatever its status; `None` when it has
    /// no interview that is not cancelled.
    pub fn from_full(full: &ApplicationFull) -> Option<AgendaRow> {
        let mut rounds: Vec<_> = full.interviews.iter().filter(|i| !i.cancelled).collect();
        rounds.sort_by_key(|i| (i.start, i.id));
        let latest = rounds.pop()?;
        let a = &full.application;
        let round_of = |i: &crate::model::Interview| LatestRound {
            id: i.id,
            start: i.start,
            tz: i.tz.clone(),
            duration_minutes: i.duration_minutes,
            round: i.round,
            decision_phrase: i.decision_phrase.clone(),
            decision_date: i.decision_date,
        };
        let people = |i: &crate::model::Interview| {
            let mut ids = i.interviewer_ids.clone();
            ids.sort_unstable();
            ids.iter()
                .filter_map(|id| full.contact(*id))
                .map(|c| AgendaPerson {
                    id: c.id,
                    name: c.name.clone(),
                })
                .collect::<Vec<_>>()
        };
        let sat = |id: i64| {
            std::iter::once(latest)
                .chain(rounds.iter().copied())
                .any(|i| i.interviewer_ids.contains(&id))
        };
        let mut contacts: Vec<AgendaPerson> = full
            .contacts
            .iter()
            .filter(|c| !sat(c.id))
            .map(|c| AgendaPerson {
                id: c.id,
                name: c.name.clone(),
            })
            .collect();
        contacts.sort_by_key(|p| p.id);
        Some(AgendaRow {
            id: a.id,
            company: a.company.clone(),
            role: a.role.clone(),
            status: a.status,
            company_type: a.company_type,
            seniority: a.seniority,
            region: a.region.clone(),
            urgent: a.urgent,
            late_in_process: a.late_in_process,
            recipient_tz: a.recipient_tz.clone(),
            latest: round_of(latest),
            rounds: u32::try_from(rounds.len() + 1).unwrap_or(u32::MAX),
            interviewers: people(latest),
            earlier: rounds
                .iter()
                .map(|i| EarlierRound {
                    round: round_of(i),
                    interviewers: people(i),
                })
                .collect(),
            contacts,
            touchpoints: full
                .touchpoints
                .iter()
                .map(|t| AgendaTouchpoint {
                    id: t.id,
                    kind: t.kind,
                    at: t.at,
                    contact_id: t.contact_id,
                    outcome: t.outcome,
                    decision_phrase: t.decision_phrase.clone(),
                    decision_date: t.decision_date,
                })
                .collect(),
            skipped: full
                .skipped
                .iter()
                .map(|s| AgendaSkip {
                    kind: s.kind,
                    contact_id: s.contact_id,
                    interview_id: s.interview_id,
                    at: s.at,
                })
                .collect(),
        })
    }
}

impl Store {
    /// The applications on the agenda: those active or rejected that have an interview
    /// not cancelled, by id, each with only what planning needs (see [`AgendaRow`]).
    ///
    /// Equal to [`AgendaRow::from_full`] over [`Store::applications`]`(true)` kept to
    /// those statuses, at a fraction of the cost: five queries whatever the number of
    /// applications, in one read transaction, so the result is a consistent snapshot.
    pub fn agenda_rows(&self) -> Result<Vec<AgendaRow>> {
        let tx = self.conn.unchecked_transaction()?;
        let rows = load(&tx)?;
        tx.finish()?;
        Ok(rows)
    }
}

/// An application being read, before its latest interview is known.
struct Pending {
    row: AgendaRow,
    has_round: bool,
}

/// Finds the slot of an application id among rows sorted by id. Ids are usually dense
/// (they are given in order and rarely deleted), so a table indexed by id answers at
/// once; when they are too sparse for that, a binary search does.
pub(crate) struct Slots {
    ids: Vec<i64>,
    /// `by_id[id]` is the slot plus one, or 0 for none; empty when ids are sparse.
    by_id: Vec<u32>,
}

impl Slots {
    pub(crate) fn new(ids: Vec<i64>) -> Slots {
        let (min, max) = (
            ids.first().copied().unwrap_or(0),
            ids.last().copied().unwrap_or(0),
        );
        let dense_enough = usize::try_from(max)
            .ok()
            .filter(|&m| min >= 0 && m <= 8 * ids.len() + 4096);
        let mut by_id = Vec::new();
        if let Some(max) = dense_enough {
            by_id = vec![0u32; max + 1];
            for (slot, &id) in ids.iter().enumerate() {
                // Every id is in 0..=max, and so is every slot, far below `u32::MAX`.
                by_id[id as usize] = slot as u32 + 1;
            }
        }
        Slots { ids, by_id }
    }

    pub(crate) fn find(&self, id: i64) -> Option<usize> {
        if self.by_id.is_empty() {
            return self.ids.binary_search(&id).ok();
        }
        let slot = *self.by_id.get(usize::try_from(id).ok()?)?;
        (slot as usize).checked_sub(1)
    }
}

const APPLICATIONS: &str = "SELECT id, company, role, status, company_type, seniority, region, \
    urgent, late_in_process, recipient_tz FROM application \
    WHERE status IN ('active', 'rejected') ORDER BY id";
const INTERVIEWS: &str = "SELECT application_id, id, start, tz, duration_minutes, round, \
    decision_phrase, decision_date FROM interview WHERE cancelled = 0";
const INTERVIEWERS: &str = "SELECT application_id, interview_id, contact_id FROM interview_contact";
const CONTACTS: &str = "SELECT application_id, id, name FROM contact";
const SKIPS: &str = "SELECT application_id, kind, contact_id, interview_id, at FROM skipped_step \
    ORDER BY id";
const TOUCHPOINTS: &str = "SELECT application_id, id, kind, at, contact_id, outcome, \
    decision_phrase, decision_date FROM touchpoint";

fn placeholder_round() -> LatestRound {
    LatestRound {
        id: 0,
        start: Timestamp::UNIX_EPOCH,
        tz: String::new(),
        duration_minutes: 0,
        round: None,
        decision_phrase: None,
        decision_date: None,
    }
}

pub(crate) fn load(c: &Connection) -> Result<Vec<AgendaRow>> {
    // The applications.
    let mut pending = Vec::new();
    {
        let mut stmt = c.prepare_cached(APPLICATIONS)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let mut r = Cols::new(row);
            pending.push(Pending {
                row: AgendaRow {
                    id: r.int()?,
                    company: r.text()?,
                    role: r.text()?,
                    status: r.word("application.status")?,
                    company_type: r.opt_word("application.company_type")?,
                    seniority: r.opt_word("application.seniority")?,
                    region: r.opt_text()?,
                    urgent: r.boolean()?,
                    late_in_process: r.boolean()?,
                    recipient_tz: r.opt_text()?,
                    latest: placeholder_round(),
                    rounds: 0,
                    interviewers: Vec::new(),
                    earlier: Vec::new(),
                    contacts: Vec::new(),
                    touchpoints: Vec::new(),
                    skipped: Vec::new(),
                },
                has_round: false,
            });
        }
    }
    if pending.is_empty() {
        return Ok(Vec::new());
    }

    // Their interviews not cancelled: the latest of each apart, the others earlier,
    // counted. The table is read in storage order, the fastest way through it.
    {
        let slots = Slots::new(pending.iter().map(|p| p.row.id).collect());
        let mut stmt = c.prepare_cached(INTERVIEWS)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let mut r = Cols::new(row);
            let Some(i) = slots.find(r.int()?) else {
                continue;
            };
            let p = &mut pending[i];
            let round = LatestRound {
                id: r.int()?,
                start: r.ts("interview.start")?,
                tz: r.text()?,
                duration_minutes: r.int()?,
                round: r.opt_word("interview.round")?,
                decision_phrase: r.opt_text()?,
                decision_date: r.opt_date("interview.decision_date")?,
            };
            p.row.rounds += 1;
            let best = &mut p.row.latest;
            let earlier = if !p.has_round {
                *best = round;
                p.has_round = true;
                continue;
            } else if (round.start, round.id) <= (best.start, best.id) {
                round
            } else {
                std::mem::replace(best, round)
            };
            p.row.earlier.push(EarlierRound {
                round: earlier,
                interviewers: Vec::new(),
            });
        }
    }
    let mut apps: Vec<AgendaRow> = pending
        .into_iter()
        .filter(|p| p.has_round)
        .map(|p| p.row)
        .collect();
    for a in &mut apps {
        let key = |r: &EarlierRound| (r.round.start, r.round.id);
        if !a.earlier.is_sorted_by_key(key) {
            a.earlier.sort_by_key(key);
        }
    }
    if apps.is_empty() {
        return Ok(apps);
    }
    let slots = Slots::new(apps.iter().map(|a| a.id).collect());

    // Who sat in each interview (the key's order gives ascending contact ids), then
    // the names of the contacts: of those interviewers, and of the contacts who sat in
    // none.
    {
        let mut stmt = c.prepare_cached(INTERVIEWERS)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let mut r = Cols::new(row);
            let Some(i) = slots.find(r.int()?) else {
                continue;
            };
            let a = &mut apps[i];
            let interview = r.int()?;
            let people = if interview == a.latest.id {
                &mut a.interviewers
            } else if let Some(e) = a.earlier.iter_mut().find(|e| e.round.id == interview) {
                &mut e.interviewers
            } else {
                continue;
            };
            people.push(AgendaPerson {
                id: r.int()?,
                name: String::new(),
            });
        }
        for a in &mut apps {
            let people = std::iter::once(&mut a.interviewers)
                .chain(a.earlier.iter_mut().map(|e| &mut e.interviewers));
            for p in people {
                if !p.is_sorted_by_key(|p| p.id) {
                    p.sort_by_key(|p| p.id);
                }
            }
        }
    }
    {
        let mut stmt = c.prepare_cached(CONTACTS)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let mut r = Cols::new(row);
            let Some(i) = slots.find(r.int()?) else {
                continue;
            };
            let a = &mut apps[i];
            let id = r.int()?;
            let name = r.text()?;
            let mut sat = false;
            let people = std::iter::once(&mut a.interviewers)
                .chain(a.earlier.iter_mut().map(|e| &mut e.interviewers));
            for p in people {
                if let Ok(k) = p.binary_search_by_key(&id, |p| p.id) {
                    p[k].name.clone_from(&name);
                    sat = true;
                }
            }
            if !sat {
                a.contacts.push(AgendaPerson { id, name });
            }
        }
        // A name is never empty; an interviewer without one has no contact row.
        for a in &mut apps {
            a.interviewers.retain(|p| !p.name.is_empty());
            for e in &mut a.earlier {
                e.interviewers.retain(|p| !p.name.is_empty());
            }
            if !a.contacts.is_sorted_by_key(|p| p.id) {
                a.contacts.sort_by_key(|p| p.id);
            }
        }
    }

    // Every touchpoint, read in storage order (id order), then put in time order.
    {
        let mut stmt = c.prepare_cached(TOUCHPOINTS)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let mut r = Cols::new(row);
            let Some(i) = slots.find(r.int()?) else {
                continue;
            };
            apps[i].touchpoints.push(AgendaTouchpoint {
                id: r.int()?,
                kind: r.word("touchpoint.kind")?,
                at: r.ts("touchpoint.at")?,
                contact_id: r.opt_int()?,
                outcome: r.opt_word("touchpoint.outcome")?,
                decision_phrase: r.opt_text()?,
                decision_date: r.opt_date("touchpoint.decision_date")?,
            });
        }
    }
    for a in &mut apps {
        let key = |t: &AgendaTouchpoint| (t.at, t.id);
        if !a.touchpoints.is_sorted_by_key(key) {
            a.touchpoints.sort_by_key(key);
        }
    }

    // The skipped steps (a small table: by id).
    {
        let mut stmt = c.prepare_cached(SKIPS)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let mut r = Cols::new(row);
            let Some(i) = slots.find(r.int()?) else {
                continue;
            };
            apps[i].skipped.push(AgendaSkip {
                kind: r.word("skipped_step.kind")?,
                contact_id: r.opt_int()?,
                interview_id: r.opt_int()?,
                at: r.ts("skipped_step.at")?,
            });
        }
    }
    Ok(apps)
}
