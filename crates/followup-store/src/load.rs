//! Reads. Loading many applications takes six queries whatever their number: one per
//! table, each read straight through and distributed to its application.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, Row};

use crate::error::{Result, StoreError};
use crate::model::{
    Application, ApplicationFull, Backup, Contact, HolidayCalendarDays, Interview, InviteSequence,
    Note, PlanGen, Profile, Touchpoint, BACKUP_FORMAT,
};
use crate::sql::{Cols, Columns};
use crate::Store;

const APPLICATION: &str = "SELECT id, company, role, source, link, company_type, seniority, \
    region, status, created_at, closed_at, urgent, late_in_process, recipient_tz FROM application";
const INTERVIEW: &str = "SELECT id, application_id, start, tz, duration_minutes, round, \
    decision_phrase, decision_date, location, uid, cancelled, title FROM interview";
const CONTACT: &str = "SELECT id, application_id, name, email, phone, role, tz FROM contact";
const INTERVIEWER: &str = "SELECT application_id, interview_id, contact_id FROM interview_contact";
const TOUCHPOINT: &str = "SELECT id, application_id, kind, at, contact_id, channel, note, \
    outcome, decision_phrase, decision_date FROM touchpoint";
const NOTE: &str = "SELECT id, application_id, interview_id, kind, text FROM note";

/// Which applications to load.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope {
    All,
    Open,
    One(i64),
}

impl Scope {
    fn apps(self) -> &'static str {
        match self {
            Scope::All => "",
            Scope::Open => " WHERE closed_at IS NULL",
            Scope::One(_) => " WHERE id = ?1",
        }
    }

    fn params(self) -> Vec<i64> {
        match self {
            Scope::One(id) => vec![id],
            _ => Vec::new(),
        }
    }
}

impl Store {
    /// One application with everything attached to it.
    pub fn application(&self, id: i64) -> Result<ApplicationFull> {
        let tx = self.conn.unchecked_transaction()?;
        let mut all = load(&tx, Scope::One(id))?;
        tx.finish()?;
        all.pop().ok_or(StoreError::NotFound {
            what: "application",
            id,
        })
    }

    /// Every application (or only the active ones), by id, each with everything attached
    /// to it. Takes six queries whatever the number of applications, all in one read
    /// transaction, so the result is a consistent snapshot.
    pub fn applications(&self, include_closed: bool) -> Result<Vec<ApplicationFull>> {
        let tx = self.conn.unchecked_transaction()?;
        let all = load(
            &tx,
            if include_closed {
                Scope::All
            } else {
                Scope::Open
            },
        )?;
        tx.finish()?;
        Ok(all)
    }

    /// How many applications are open (active) and how many closed.
    pub fn application_counts(&self) -> Result<(usize, usize)> {
        let (open, closed): (i64, i64) = self.conn.query_row(
            "SELECT count(*) FILTER (WHERE closed_at IS NULL),
                    count(*) FILTER (WHERE closed_at IS NOT NULL) FROM application",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((
            usize::try_from(open).unwrap_or(0),
            usize::try_from(closed).unwrap_or(0),
        ))
    }

    /// One interview.
    pub fn interview(&self, id: i64) -> Result<Interview> {
        interview_row(&self.conn, id)
    }

    /// The interview imported with this calendar UID, if any.
    pub fn find_interview_by_uid(&self, uid: &str) -> Result<Option<Interview>> {
        interview_by_uid(&self.conn, uid)
    }

    /// The sender's profile, once set.
    pub fn profile(&self) -> Result<Option<Profile>> {
        profile(&self.conn)
    }

    /// Everything, for a backup: every fact and the state that changes behaviour, read
    /// in one transaction (a consistent snapshot). The same database always gives the
    /// same backup: everything is in id (or name) order.
    pub fn export(&self) -> Result<Backup> {
        let tx = self.conn.unchecked_transaction()?;
        let mut holiday_calendars = Vec::new();
        {
            let mut stmt = tx.prepare(
                "SELECT id, name, base, replaces FROM holiday_calendar
                 ORDER BY name COLLATE NOCASE, id",
            )?;
            let cals = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, bool>(3)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for (id, name, base, replaces) in cals {
                let days = crate::holidays::calendar_days(&tx, id)?;
                holiday_calendars.push(HolidayCalendarDays {
                    id: Some(id),
                    name,
                    days,
                    base,
                    replaces,
                });
            }
        }
        let invite_sequences = tx
            .prepare("SELECT interview_id, sequence FROM invite_sequence ORDER BY interview_id")?
            .query_map([], |r| {
                Ok(InviteSequence {
                    interview_id: r.get(0)?,
                    sequence: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let plan_gens = tx
            .prepare("SELECT application_id, gen FROM plan_gen ORDER BY application_id")?
            .query_map([], |r| {
                Ok(PlanGen {
                    application_id: r.get(0)?,
                    gen: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let last_ids = tx
            .prepare("SELECT name, seq FROM sqlite_sequence")?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<rusqlite::Result<BTreeMap<_, _>>>()?;
        let backup = Backup {
            format: BACKUP_FORMAT,
            profile: profile(&tx)?,
            applications: load(&tx, Scope::All)?,
            holiday_calendars,
            invite_sequences,
            plan_gens,
            last_ids,
            outbox: crate::outbox::all(&tx)?,
        };
        tx.finish()?;
        Ok(backup)
    }
}

fn profile(c: &Connection) -> Result<Option<Profile>> {
    let mut stmt = c.prepare_cached("SELECT name, email, phone FROM profile WHERE id = 1")?;
    let mut rows = stmt.query([])?;
    match rows.next()? {
        None => Ok(None),
        Some(row) => {
            let mut r = Cols::new(row);
            Ok(Some(Profile {
                name: r.text()?,
                email: r.text()?,
                phone: r.opt_text()?,
            }))
        }
    }
}

pub(crate) fn application_row(c: &Connection, id: i64) -> Result<Application> {
    let mut stmt = c.prepare_cached(&format!("{APPLICATION} WHERE id = ?1"))?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(row) => read_application(row),
        None => Err(StoreError::NotFound {
            what: "application",
            id,
        }),
    }
}

pub(crate) fn interview_row(c: &Connection, id: i64) -> Result<Interview> {
    let mut stmt = c.prepare_cached(&format!("{INTERVIEW} WHERE id = ?1"))?;
    let mut rows = stmt.query([id])?;
    let mut iv = match rows.next()? {
        Some(row) => read_interview(row)?,
        None => {
            return Err(StoreError::NotFound {
                what: "interview",
                id,
            })
        }
    };
    let mut stmt = c.prepare_cached(
        "SELECT contact_id FROM interview_contact WHERE application_id = ?1
            AND interview_id = ?2 ORDER BY contact_id",
    )?;
    let mut rows = stmt.query([iv.application_id, id])?;
    while let Some(row) = rows.next()? {
        iv.interviewer_ids.push(row.get(0)?);
    }
    Ok(iv)
}

fn read_application(row: &Row<'_>) -> Result<Application> {
    crate::rows::application(&mut Cols::new(row))
}

fn read_interview(row: &Row<'_>) -> Result<Interview> {
    crate::rows::interview(&mut Cols::new(row))
}

fn read_contact(row: &Row<'_>) -> Result<Contact> {
    crate::rows::contact(&mut Cols::new(row))
}

fn read_touchpoint(row: &Row<'_>) -> Result<Touchpoint> {
    crate::rows::touchpoint(&mut Cols::new(row))
}

fn read_note(row: &Row<'_>) -> Result<Note> {
    crate::rows::note(&mut Cols::new(row))
}

/// Finds the application of a child row among the applications (sorted by id).
struct Finder {
    last: usize,
}

impl Finder {
    fn find(&mut self, apps: &[ApplicationFull], id: i64) -> Option<usize> {
        // Rows of one application are usually next to each other.
        if apps.get(self.last).is_some_and(|a| a.application.id == id) {
            return Some(self.last);
        }
        let i = apps.binary_search_by_key(&id, |a| a.application.id).ok()?;
        self.last = i;
        Some(i)
    }
}

/// Run a child table's `select` and hand each row to `put` with its application.
///
/// For many applications the table is read in storage order (a plain scan, the fastest
/// way through it) and rows of applications not loaded are skipped; the caller sorts
/// each application's rows afterwards. For one application its index is used.
fn each_child(
    c: &Connection,
    scope: Scope,
    select: &str,
    app_col: usize,
    apps: &mut [ApplicationFull],
    mut put: impl FnMut(&mut ApplicationFull, &Row<'_>) -> Result<()>,
) -> Result<()> {
    let mut stmt = match scope {
        Scope::One(_) => c.prepare_cached(&format!("{select} WHERE application_id = ?1"))?,
        Scope::All | Scope::Open => c.prepare_cached(select)?,
    };
    let mut rows = stmt.query(rusqlite::params_from_iter(scope.params()))?;
    let mut finder = Finder { last: 0 };
    while let Some(row) = rows.next()? {
        let app_id: i64 = row.get(app_col)?;
        if let Some(i) = finder.find(apps, app_id) {
            put(&mut apps[i], row)?;
        }
    }
    Ok(())
}

/// One application with everything attached to it, read on `c` (inside a batch).
pub(crate) fn application_full(c: &Connection, id: i64) -> Result<ApplicationFull> {
    load(c, Scope::One(id))?.pop().ok_or(StoreError::NotFound {
        what: "application",
        id,
    })
}

/// The interview with this calendar UID, read on `c`.
pub(crate) fn interview_by_uid(c: &Connection, uid: &str) -> Result<Option<Interview>> {
    let id: Option<i64> = c
        .prepare_cached("SELECT id FROM interview WHERE uid = ?1")?
        .query_row([uid], |r| r.get(0))
        .optional()?;
    id.map(|id| interview_row(c, id)).transpose()
}

pub(crate) fn load(c: &Connection, scope: Scope) -> Result<Vec<ApplicationFull>> {
    let mut apps = Vec::new();
    {
        let sql = format!("{APPLICATION}{} ORDER BY id", scope.apps());
        let mut stmt = c.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(scope.params()))?;
        while let Some(row) = rows.next()? {
            apps.push(ApplicationFull {
                application: read_application(row)?,
                interviews: Vec::new(),
                contacts: Vec::new(),
                touchpoints: Vec::new(),
                notes: Vec::new(),
                skipped: Vec::new(),
            });
        }
    }
    if apps.is_empty() {
        return Ok(apps);
    }
    each_child(c, scope, INTERVIEW, 1, &mut apps, |a, row| {
        a.interviews.push(read_interview(row)?);
        Ok(())
    })?;
    each_child(c, scope, INTERVIEWER, 0, &mut apps, |a, row| {
        let interview: i64 = row.get(1)?;
        let contact: i64 = row.get(2)?;
        if let Some(iv) = a.interviews.iter_mut().find(|i| i.id == interview) {
            iv.interviewer_ids.push(contact);
        }
        Ok(())
    })?;
    each_child(c, scope, CONTACT, 1, &mut apps, |a, row| {
        a.contacts.push(read_contact(row)?);
        Ok(())
    })?;
    each_child(c, scope, TOUCHPOINT, 1, &mut apps, |a, row| {
        a.touchpoints.push(read_touchpoint(row)?);
        Ok(())
    })?;
    each_child(c, scope, NOTE, 1, &mut apps, |a, row| {
        a.notes.push(read_note(row)?);
        Ok(())
    })?;
    each_child(c, scope, crate::skip::SELECT, 1, &mut apps, |a, row| {
        a.skipped.push(crate::skip::read(row)?);
        Ok(())
    })?;
    for a in &mut apps {
        sort(a);
    }
    Ok(apps)
}

/// Put an application's rows in their documented order. Rows arrive in storage order,
/// which for rowid tables is id order, so most of these are already sorted.
fn sort(a: &mut ApplicationFull) {
    fn by<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
        if !v.is_sorted_by_key(&key) {
            v.sort_by_key(key);
        }
    }
    by(&mut a.interviews, |i| (i.start, i.id));
    for iv in &mut a.interviews {
        by(&mut iv.interviewer_ids, |&c| c);
    }
    by(&mut a.contacts, |c| c.id);
    by(&mut a.touchpoints, |t| (t.at, t.id));
    by(&mut a.notes, |n| n.id);
    by(&mut a.skipped, |s| s.id);
}
