//! The agenda cache: what planning last derived for each application, kept so the
//! agenda does not plan every application again on every run.
//!
//! The store does not plan (that is `followup-core`'s job, driven by the front end's
//! settings); it keeps the derived steps and knows when they are stale. Every change
//! to an application's facts raises its generation (`plan_gen.gen`, by SQL triggers,
//! so no write path can forget); a cached entry records the generation it was derived from and a
//! fingerprint of everything else planning read. The agenda then reads:
//!
//! 1. [`Store::agenda_cached`]: in one read transaction, the applications on the
//!    agenda, the cached steps of those whose entry is current, and the facts
//!    ([`AgendaRow`]) of those whose entry is missing or stale;
//! 2. the caller plans the stale ones and shows everything;
//! 3. [`Store::put_agenda_cache`]: the fresh steps are kept, each marked with the
//!    generation its facts had when read. If the facts changed in between, that
//!    generation is already old, and the entry is derived again next time: a race
//!    costs speed, never correctness.
//!
//! Step 1 is mostly a single row: the snapshot (schema 7, `crate::agenda_snapshot`),
//! which [`Store::keep_agenda`] writes with the fresh entries when nothing changed
//! since they were read. Every change that could make an entry stale notes its
//! application in `agenda_changed` (triggers, a batch, a write to these tables); the
//! read takes those from the tables, one by one, and the others from the snapshot,
//! until too many changed and the whole is read and kept again.

use std::sync::Arc;

use followup_core::model::{Channel, Status};
use followup_core::plan::StepKind;
use jiff::Timestamp;
use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

use crate::agenda::AgendaRow;
use crate::agenda_snapshot::Kept;
use crate::error::{Result, StoreError};
use crate::load::{load, Scope};
use crate::sql::{Cols, Columns};
use crate::{ApplicationFull, SharedText, Store};

/// One planned step, as derived before the moment of reading is known (whether it is
/// upcoming, due or overdue is decided by the reader).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedStep {
    /// The step's kind.
    pub kind: StepKind,
    /// The person it goes to, when it is one person.
    pub contact_id: Option<i64>,
    /// Their name.
    pub to: Option<String>,
    /// How to send it.
    pub channel: Channel,
    pub earliest: Timestamp,
    pub recommended: Timestamp,
    pub latest: Timestamp,
    /// After this moment the step no longer helps.
    pub missed_after: Option<Timestamp>,
    /// IANA zone the times are shown in (the recipient's); shared by the steps read
    /// together.
    pub tz: Arc<str>,
    /// The rule ids behind the dates, separated by spaces.
    pub rules: SharedText,
    /// The reasons, separated by U+001F.
    pub why: SharedText,
}

/// An application on the agenda (active, or rejected: T9 still asks for feedback).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaHead {
    pub id: i64,
    pub company: Arc<str>,
    pub role: Arc<str>,
}

/// What [`Store::agenda_cached`] read. The steps are in the order of the application
/// ids and their plans, or, read from the snapshot, in the agenda's order (by
/// recommended moment, then application id, then plan order).
#[derive(Debug, Clone, Default)]
pub struct AgendaCache {
    /// The applications on the agenda (active or rejected) that have steps to show
    /// or are to be planned again: by id, or, read from the snapshot, only those of
    /// the steps kept, in the order of their first step.
    pub heads: Vec<AgendaHead>,
    /// The cached steps of the applications whose entry is current and that `keep`
    /// accepted: (index into `heads`, step).
    pub steps: Vec<(usize, CachedStep)>,
    /// The applications whose entry is missing or stale: their facts, to plan from,
    /// with the generation read (pass it back to [`Store::put_agenda_cache`]).
    pub stale: Vec<(AgendaRow, i64)>,
    /// Stale applications without a plan (no interview that is not cancelled): their
    /// ids and the generation read. They have no steps; keep that too.
    pub unplanned: Vec<(i64, i64)>,
    /// Whether this was read from the snapshot (with the applications changed since
    /// read from the tables).
    pub from_snapshot: bool,
    /// Read from the tables, what a new snapshot is made of with the fresh entries
    /// ([`Store::keep_agenda`]); `None` from the snapshot, or when no snapshot can be
    /// trusted (an application on the agenda has no generation).
    pub(crate) rebuild: Option<SnapshotBase>,
}

/// Every current step read from the cache tables, and what the database looked like
/// then: with the entries planned from that read, a snapshot of the whole agenda
/// (see [`Store::keep_agenda`]).
#[derive(Debug, Clone)]
pub(crate) struct SnapshotBase {
    /// `PRAGMA data_version` and the connection's total changes at the read: the
    /// snapshot is written only if neither moved (nobody wrote) since.
    data_version: i64,
    changes: u64,
    heads: Vec<AgendaHead>,
    /// (slot in `heads`, seq, step).
    steps: Vec<(usize, i64, CachedStep)>,
}

impl AgendaCache {
    /// Nothing cached: every application of `apps` on the agenda (active or rejected)
    /// is to be planned from its facts, as a backend without a cache (PostgreSQL)
    /// reads it. The generations are 0 (nothing is kept).
    pub fn to_plan(apps: &[ApplicationFull]) -> AgendaCache {
        let mut on_agenda: Vec<&ApplicationFull> = apps
            .iter()
            .filter(|a| matches!(a.application.status, Status::Active | Status::Rejected))
            .collect();
        on_agenda.sort_by_key(|a| a.application.id);
        let mut out = AgendaCache {
            from_snapshot: true,
            ..AgendaCache::default()
        };
        for full in on_agenda {
            let a = &full.application;
            out.heads.push(AgendaHead {
                id: a.id,
                company: Arc::from(a.company.as_str()),
                role: Arc::from(a.role.as_str()),
            });
            match AgendaRow::from_full(full) {
                Some(row) => out.stale.push((row, 0)),
                None => out.unplanned.push((a.id, 0)),
            }
        }
        out
    }
}

/// A fresh entry for [`Store::put_agenda_cache`].
#[derive(Debug, Clone)]
pub struct CacheEntry {
    pub application_id: i64,
    /// The generation the facts had when read ([`AgendaCache::stale`]).
    pub plan_gen: i64,
    pub steps: Vec<CachedStep>,
}

// All three in id order: scanned side by side, which costs less than a join's lookups.
const HEADS: &str = "SELECT id, company, role FROM application \
    WHERE status IN ('active', 'rejected') ORDER BY id";
const GENS: &str = "SELECT application_id, gen FROM plan_gen ORDER BY application_id";
const ENTRIES: &str = "SELECT application_id, plan_gen, fingerprint = ?1 FROM agenda_cache \
    ORDER BY application_id";
const STEPS: &str = "SELECT application_id, seq, earliest, latest, missed_after, kind, \
    contact_id, to_name, channel, recommended, tz, rules FROM agenda_step \
    ORDER BY application_id, seq";
const WHYS: &str = "SELECT application_id, seq, why FROM agenda_why ORDER BY application_id, seq";
/// One application's cached steps, as [`STEPS`].
const STEPS_OF: &str = "SELECT application_id, seq, earliest, latest, missed_after, kind, \
    contact_id, to_name, channel, recommended, tz, rules FROM agenda_step \
    WHERE application_id = ?1 ORDER BY seq";
const WHYS_OF: &str = "SELECT seq, why FROM agenda_why WHERE application_id = ?1 ORDER BY seq";
/// Whether an application is on the agenda, and its names.
const HEAD_OF: &str = "SELECT company, role FROM application \
    WHERE id = ?1 AND status IN ('active', 'rejected')";
const GEN_OF: &str = "SELECT gen FROM plan_gen WHERE application_id = ?1";
const ENTRY_OF: &str =
    "SELECT plan_gen, fingerprint = ?2 FROM agenda_cache WHERE application_id = ?1";
/// The applications changed since the snapshot, one more than are read one by one.
const CHANGED: &str = "SELECT application_id FROM agenda_changed ORDER BY application_id LIMIT ?1";

/// At most this many applications changed since the snapshot are read from the
/// tables one by one, with the snapshot for the others; past that, the whole agenda
/// is read from the tables and a new snapshot made.
const CHANGED_AT_MOST: usize = 64;

/// Whether the snapshot's steps (part 1) are there under the fingerprint, with its
/// reasons (part 2). The data is read through the blob API.
const SNAPSHOT: &str = "SELECT 1 FROM agenda_snapshot s \
    JOIN agenda_snapshot w ON w.part = 2 AND w.fingerprint = s.fingerprint \
    WHERE s.part = 1 AND s.fingerprint = ?1";

/// The generation of an application without a `plan_gen` row. Generations start at 0.
const UNKNOWN_GEN: i64 = -1;

/// Above this many stale applications, their facts are read with the agenda's
/// whole-table queries rather than one application at a time.
const ONE_BY_ONE: usize = 64;

impl Store {
    /// The generation of the custom holiday calendars: it changes whenever one is
    /// added, changed or removed. Part of the caller's fingerprint.
    pub fn holiday_gen(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT gen FROM holiday_gen", [], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }

    /// Every application's generation: how many times anything planning reads of it
    /// changed. It only grows, so a calendar export can use it as a SEQUENCE.
    pub fn plan_gens(&self) -> Result<HashMap<i64, i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT application_id, gen FROM plan_gen")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Reads the agenda from the cache, in one read transaction (a consistent
    /// snapshot). `fingerprint` names everything outside the applications that
    /// planning reads; entries made under another are stale. `keep(earliest, latest,
    /// missed_after)` chooses the cached steps worth reading in full (the others'
    /// text is never decoded); without `why`, their reasons are left empty.
    pub fn agenda_cached(
        &self,
        fingerprint: &str,
        why: bool,
        mut keep: impl FnMut(Timestamp, Timestamp, Option<Timestamp>) -> bool,
    ) -> Result<AgendaCache> {
        let tx = self.conn.unchecked_transaction()?;
        let mut out = AgendaCache::default();
        let mut keys: Vec<(i64, i64)> = Vec::new();
        let from_snapshot = {
            let mut stmt = tx.prepare_cached(SNAPSHOT)?;
            let mut rows = stmt.query([fingerprint])?;
            match rows.next()? {
                Some(_) => {
                    // The applications changed since, unless too many.
                    let limit = CHANGED_AT_MOST as i64 + 1;
                    let mut changed = tx.prepare_cached(CHANGED)?;
                    let changed = changed
                        .query_map([limit], |r| r.get::<_, i64>(0))?
                        .collect::<rusqlite::Result<Vec<i64>>>()?;
                    if changed.len() <= CHANGED_AT_MOST {
                        let steps = crate::agenda_snapshot::read_steps(&tx)?;
                        let mut d = crate::agenda_snapshot::decode(&steps, &changed, &mut keep)?;
                        // The reasons of the steps kept, straight from the file.
                        if why {
                            crate::agenda_snapshot::read_whys(&tx, &mut d)?;
                        }
                        out.heads = d.heads;
                        out.steps = d.steps;
                        out.from_snapshot = true;
                        Some(changed)
                    } else {
                        None
                    }
                }
                None => None,
            }
        };
        match from_snapshot {
            Some(changed) => read_changed(&tx, fingerprint, why, &changed, &mut keep, &mut out)?,
            None => keys = self.read_tables(&tx, fingerprint, &mut keep, &mut out)?,
        }
        // Their reasons, when asked for (the snapshot and `read_changed` have them):
        // read in key order, so a merge finds them.
        if why && !out.from_snapshot && !out.steps.is_empty() {
            let mut order: Vec<usize> = (0..keys.len()).collect();
            if !keys.is_sorted() {
                order.sort_unstable_by_key(|&i| keys[i]);
            }
            let mut stmt = tx.prepare_cached(WHYS)?;
            let mut rows = stmt.query([])?;
            let mut k = 0;
            while let Some(row) = rows.next()? {
                let mut r = Cols::new(row);
                let key = (r.int()?, r.int()?);
                while k < order.len() && keys[order[k]] < key {
                    k += 1;
                }
                if k == order.len() {
                    break;
                }
                if keys[order[k]] == key {
                    out.steps[order[k]].1.why = r.text()?.into();
                }
            }
        }
        tx.finish()?;
        Ok(out)
    }

    /// The read of [`agenda_cached`](Self::agenda_cached) from the cache tables, with
    /// what a new snapshot needs; returns the keys (application id, seq) of the steps
    /// kept, in their order.
    fn read_tables(
        &self,
        tx: &Connection,
        fingerprint: &str,
        keep: &mut impl FnMut(Timestamp, Timestamp, Option<Timestamp>) -> bool,
        out: &mut AgendaCache,
    ) -> Result<Vec<(i64, i64)>> {
        let data_version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let changes = self.conn.total_changes();
        // Every cached step, by application id and position (the table's key order),
        // and whether `keep` took it.
        let mut steps: Vec<(i64, i64, bool, CachedStep)> = Vec::new();
        let mut zones: Vec<Arc<str>> = Vec::new();
        {
            let mut stmt = tx.prepare_cached(STEPS)?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let (id, seq, step) = step_of_row(row, &mut zones)?;
                let kept = keep(step.earliest, step.latest, step.missed_after);
                steps.push((id, seq, kept, step));
            }
        }

        // The applications on the agenda, by id: a current one keeps its steps (and its
        // company and role are read when it has any); a stale one is planned again.
        let mut stale: Vec<(usize, i64)> = Vec::new();
        let mut next_step = steps.into_iter().peekable();
        // Every entry kept: (application id, its generation, made under `fingerprint`).
        let mut entries: Vec<(i64, i64, bool)> = Vec::new();
        {
            let mut stmt = tx.prepare_cached(ENTRIES)?;
            let mut rows = stmt.query([fingerprint])?;
            while let Some(row) = rows.next()? {
                let mut r = Cols::new(row);
                entries.push((r.int()?, r.int()?, r.boolean()?));
            }
        }
        let mut next_entry = entries.into_iter().peekable();
        let mut gens: Vec<(i64, i64)> = Vec::new();
        {
            let mut stmt = tx.prepare_cached(GENS)?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let mut r = Cols::new(row);
                gens.push((r.int()?, r.int()?));
            }
        }
        let mut next_gen = gens.into_iter().peekable();
        let mut keys = Vec::new();
        let mut current_steps = Vec::new();
        {
            let mut stmt = tx.prepare_cached(HEADS)?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let mut r = Cols::new(row);
                let id = r.int()?;
                while next_gen.peek().is_some_and(|g| g.0 < id) {
                    next_gen.next();
                }
                // An application without its counter row (deleted by hand) has no
                // known generation: its entry is never current.
                let gen = match next_gen.peek() {
                    Some(&(gid, gen)) if gid == id => gen,
                    _ => UNKNOWN_GEN,
                };
                while next_entry.peek().is_some_and(|e| e.0 < id) {
                    next_entry.next();
                }
                let current = gen != UNKNOWN_GEN
                    && next_entry
                        .peek()
                        .is_some_and(|&(eid, egen, same)| eid == id && egen == gen && same);
                // Steps of applications before this one are not on the agenda.
                while next_step.peek().is_some_and(|s| s.0 < id) {
                    next_step.next();
                }
                let has_steps = next_step.peek().is_some_and(|s| s.0 == id);
                if !current {
                    stale.push((out.heads.len(), gen));
                } else if !has_steps {
                    continue;
                }
                let slot = out.heads.len();
                out.heads.push(AgendaHead {
                    id,
                    company: Arc::from(r.str()?),
                    role: Arc::from(r.str()?),
                });
                while let Some((_, seq, kept, step)) = next_step.next_if(|s| s.0 == id) {
                    if current {
                        if kept {
                            keys.push((id, seq));
                            out.steps.push((slot, step.clone()));
                        }
                        current_steps.push((slot, seq, step));
                    }
                }
            }
        }
        if !stale.is_empty() {
            out.stale = stale_rows(tx, &out.heads, &stale)?;
            let planned: std::collections::HashSet<i64> =
                out.stale.iter().map(|(r, _)| r.id).collect();
            out.unplanned = stale
                .iter()
                .map(|&(i, gen)| (out.heads[i].id, gen))
                .filter(|(id, _)| !planned.contains(id))
                .collect();
        }
        // An application without a generation is planned on every read: writes to it
        // are not seen (no counter to raise), so no snapshot may hold it.
        if stale.iter().all(|&(_, gen)| gen != UNKNOWN_GEN) {
            out.rebuild = Some(SnapshotBase {
                data_version,
                changes,
                heads: out.heads.clone(),
                steps: current_steps,
            });
        }
        Ok(keys)
    }

    /// Keeps freshly derived steps, all in one write transaction. An entry whose
    /// application has gone since it was read is dropped; one whose facts changed
    /// since is kept under its old generation, and so never read as current. Their
    /// applications are then read from these tables, not from the snapshot (see
    /// [`keep_agenda`](Self::keep_agenda)).
    pub fn put_agenda_cache(&mut self, fingerprint: &str, entries: &[CacheEntry]) -> Result<()> {
        self.put(fingerprint, entries, None)
    }

    /// [`put_agenda_cache`](Self::put_agenda_cache); and when `read` (what
    /// [`agenda_cached`](Self::agenda_cached) gave, from which `entries` were
    /// planned) came from the tables and nothing was written to the database since,
    /// a new snapshot of the whole agenda: the current steps read and the fresh ones,
    /// under `fingerprint`, with no application changed since. Reads under the same
    /// fingerprint then take the snapshot, and from the tables only the applications
    /// changed after it.
    pub fn keep_agenda(
        &mut self,
        fingerprint: &str,
        read: &AgendaCache,
        entries: &[CacheEntry],
    ) -> Result<()> {
        self.put(fingerprint, entries, read.rebuild.as_ref())
    }

    fn put(
        &mut self,
        fingerprint: &str,
        entries: &[CacheEntry],
        base: Option<&SnapshotBase>,
    ) -> Result<()> {
        if entries.is_empty() && base.is_none() {
            return Ok(());
        }
        let changes = self.conn.total_changes();
        self.write(|c| {
            let data_version: i64 = c.query_row("PRAGMA data_version", [], |r| r.get(0))?;
            let unchanged = base.filter(|b| b.data_version == data_version && b.changes == changes);
            // Each table by name: a program that deleted entries with foreign keys
            // off (the `sqlite3` shell) may have left steps without one behind.
            let mut clear = c.prepare_cached("DELETE FROM agenda_why WHERE application_id = ?1")?;
            let mut clear_steps =
                c.prepare_cached("DELETE FROM agenda_step WHERE application_id = ?1")?;
            let mut clear_entry =
                c.prepare_cached("DELETE FROM agenda_cache WHERE application_id = ?1")?;
            let mut head = c.prepare_cached(
                "INSERT INTO agenda_cache (application_id, plan_gen, fingerprint) \
                 SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM application WHERE id = ?1)",
            )?;
            let mut step = c.prepare_cached(
                "INSERT INTO agenda_step (application_id, seq, kind, contact_id, to_name, \
                 channel, earliest, recommended, latest, missed_after, tz, rules) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?;
            let mut why = c.prepare_cached(
                "INSERT INTO agenda_why (application_id, seq, why) VALUES (?1, ?2, ?3)",
            )?;
            for e in entries {
                clear.execute([e.application_id])?;
                clear_steps.execute([e.application_id])?;
                clear_entry.execute([e.application_id])?;
                if head.execute(params![e.application_id, e.plan_gen, fingerprint])? == 0 {
                    continue;
                }
                for (seq, s) in e.steps.iter().enumerate() {
                    step.execute(params![
                        e.application_id,
                        seq as i64,
                        s.kind.as_str(),
                        s.contact_id,
                        s.to,
                        s.channel.as_str(),
                        crate::sql::ts("agenda_step.earliest", s.earliest)?,
                        crate::sql::ts("agenda_step.recommended", s.recommended)?,
                        crate::sql::ts("agenda_step.latest", s.latest)?,
                        crate::sql::opt_ts("agenda_step.missed_after", s.missed_after)?,
                        &*s.tz,
                        s.rules.as_str(),
                    ])?;
                    why.execute(params![e.application_id, seq as i64, s.why.as_str()])?;
                }
            }
            let snapshot = match unchanged {
                Some(base) => snapshot_of(c, base, entries)?,
                None => None,
            };
            let Some((steps, whys)) = snapshot else {
                // The snapshot stays (if there is one): these applications are read
                // from the tables from now on.
                let mut mark = c.prepare_cached(
                    "INSERT OR IGNORE INTO agenda_changed (application_id) VALUES (?1)",
                )?;
                for e in entries {
                    mark.execute([e.application_id])?;
                }
                return Ok(());
            };
            c.execute_batch("DELETE FROM agenda_snapshot; DELETE FROM agenda_changed;")?;
            let mut part = c.prepare_cached(
                "INSERT INTO agenda_snapshot (part, fingerprint, data) VALUES (?1, ?2, ?3)",
            )?;
            part.execute(params![1, fingerprint, steps])?;
            part.execute(params![2, fingerprint, whys])?;
            Ok(())
        })
    }

    /// Empties the agenda cache. Nothing but speed depends on it.
    pub fn clear_agenda_cache(&mut self) -> Result<()> {
        self.write(|c| {
            Ok(c.execute_batch(
                "DELETE FROM agenda_snapshot; DELETE FROM agenda_changed; \
                 DELETE FROM agenda_why; DELETE FROM agenda_step; DELETE FROM agenda_cache;",
            )?)
        })
    }
}

/// The applications `changed` since the snapshot (by id), added to what was read from
/// it: each one still on the agenda, with its cached steps that `keep` takes (and
/// their reasons, if `why`) when its entry is current, else to be planned again.
fn read_changed(
    c: &Connection,
    fingerprint: &str,
    why: bool,
    changed: &[i64],
    keep: &mut impl FnMut(Timestamp, Timestamp, Option<Timestamp>) -> bool,
    out: &mut AgendaCache,
) -> Result<()> {
    let mut stale: Vec<(usize, i64)> = Vec::new();
    let mut zones: Vec<Arc<str>> = Vec::new();
    for &id in changed {
        let head = c
            .prepare_cached(HEAD_OF)?
            .query_row([id], |r| {
                let name =
                    |i| -> rusqlite::Result<Arc<str>> { Ok(Arc::from(r.get_ref(i)?.as_str()?)) };
                Ok(AgendaHead {
                    id,
                    company: name(0)?,
                    role: name(1)?,
                })
            })
            .optional()?;
        let Some(head) = head else {
            continue;
        };
        let gen = c
            .prepare_cached(GEN_OF)?
            .query_row([id], |r| r.get::<_, i64>(0))
            .optional()?
            .unwrap_or(UNKNOWN_GEN);
        let current = gen != UNKNOWN_GEN
            && c.prepare_cached(ENTRY_OF)?
                .query_row(params![id, fingerprint], |r| {
                    Ok(r.get::<_, i64>(0)? == gen && r.get::<_, bool>(1)?)
                })
                .optional()?
                .unwrap_or(false);
        let slot = out.heads.len();
        if !current {
            out.heads.push(head);
            stale.push((slot, gen));
            continue;
        }
        let mut kept: Vec<(i64, CachedStep)> = Vec::new();
        {
            let mut stmt = c.prepare_cached(STEPS_OF)?;
            let mut rows = stmt.query([id])?;
            while let Some(row) = rows.next()? {
                let (_, seq, step) = step_of_row(row, &mut zones)?;
                if keep(step.earliest, step.latest, step.missed_after) {
                    kept.push((seq, step));
                }
            }
        }
        if kept.is_empty() {
            continue;
        }
        if why {
            let mut stmt = c.prepare_cached(WHYS_OF)?;
            let mut rows = stmt.query([id])?;
            while let Some(row) = rows.next()? {
                let mut r = Cols::new(row);
                let seq = r.int()?;
                if let Some((_, step)) = kept.iter_mut().find(|(s, _)| *s == seq) {
                    step.why = r.text()?.into();
                }
            }
        }
        out.heads.push(head);
        out.steps
            .extend(kept.into_iter().map(|(_, step)| (slot, step)));
    }
    if !stale.is_empty() {
        out.stale = stale_rows(c, &out.heads, &stale)?;
        let planned: std::collections::HashSet<i64> = out.stale.iter().map(|(r, _)| r.id).collect();
        out.unplanned = stale
            .iter()
            .map(|&(i, gen)| (out.heads[i].id, gen))
            .filter(|(id, _)| !planned.contains(id))
            .collect();
    }
    Ok(())
}

/// One row of [`STEPS`] (or [`STEPS_OF`]): its application id, seq and step; the
/// steps read together share their zones' names.
fn step_of_row(
    row: &rusqlite::Row<'_>,
    zones: &mut Vec<Arc<str>>,
) -> Result<(i64, i64, CachedStep)> {
    let mut r = Cols::new(row);
    let id = r.int()?;
    let seq = r.int()?;
    let earliest = r.ts("agenda_step.earliest")?;
    let latest = r.ts("agenda_step.latest")?;
    let missed_after = r.opt_ts("agenda_step.missed_after")?;
    let kind = r.str()?;
    let kind = StepKind::from_word(kind).ok_or_else(|| undecodable("kind", kind))?;
    let contact_id = r.opt_int()?;
    let to = r.opt_text()?;
    let channel = r.str()?;
    let channel = Channel::ALL
        .iter()
        .copied()
        .find(|c| c.as_str() == channel)
        .ok_or_else(|| undecodable("channel", channel))?;
    let recommended = r.ts("agenda_step.recommended")?;
    let tz = r.str()?;
    let tz = match zones.iter().find(|z| &***z == tz) {
        Some(z) => z.clone(),
        None => {
            let z: Arc<str> = Arc::from(tz);
            zones.push(z.clone());
            z
        }
    };
    let step = CachedStep {
        kind,
        contact_id,
        to,
        channel,
        earliest,
        recommended,
        latest,
        missed_after,
        tz,
        rules: r.text()?.into(),
        why: SharedText::default(),
    };
    Ok((id, seq, step))
}

/// The snapshot blobs (steps, reasons) of the steps read (`base`) and the fresh
/// `entries`, or `None` if an entry is not for an application read (then no snapshot
/// is kept). The reasons of the steps read come from their table, in the write
/// transaction that keeps the entries.
fn snapshot_of(
    c: &Connection,
    base: &SnapshotBase,
    entries: &[CacheEntry],
) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
    // `base.steps` are in key order (application id, seq), as the table.
    let mut whys = vec![String::new(); base.steps.len()];
    if !whys.is_empty() {
        let mut stmt = c.prepare_cached(WHYS)?;
        let mut rows = stmt.query([])?;
        let mut k = 0;
        let key = |k: usize| (base.heads[base.steps[k].0].id, base.steps[k].1);
        while let Some(row) = rows.next()? {
            let mut r = Cols::new(row);
            let at = (r.int()?, r.int()?);
            while k < whys.len() && key(k) < at {
                k += 1;
            }
            if k == whys.len() {
                break;
            }
            if key(k) == at {
                whys[k] = r.text()?;
            }
        }
    }
    let mut kept: Vec<Kept<'_>> = base
        .steps
        .iter()
        .zip(&whys)
        .map(|((slot, seq, step), why)| Kept {
            slot: *slot,
            seq: *seq,
            step,
            why,
        })
        .collect();
    for e in entries {
        let Ok(slot) = base.heads.binary_search_by_key(&e.application_id, |h| h.id) else {
            return Ok(None);
        };
        for (seq, step) in e.steps.iter().enumerate() {
            kept.push(Kept {
                slot,
                seq: seq as i64,
                step,
                why: step.why.as_str(),
            });
        }
    }
    crate::agenda_snapshot::encode(&base.heads, &mut kept).map(Some)
}

/// The facts of the stale applications, with the generation read for each.
fn stale_rows(
    c: &Connection,
    heads: &[AgendaHead],
    stale: &[(usize, i64)],
) -> Result<Vec<(AgendaRow, i64)>> {
    if stale.len() <= ONE_BY_ONE {
        let mut out = Vec::with_capacity(stale.len());
        for &(i, gen) in stale {
            for full in load(c, Scope::One(heads[i].id))? {
                if let Some(row) = AgendaRow::from_full(&full) {
                    out.push((row, gen));
                }
            }
        }
        return Ok(out);
    }
    // Many: the whole-table read, kept to the stale ones. `stale` is in head order,
    // and so are the rows (both by id), so the generations line up by a merge.
    let mut gens = stale.iter().map(|&(i, gen)| (heads[i].id, gen)).peekable();
    let mut out = Vec::with_capacity(stale.len());
    for row in crate::agenda::load(c)? {
        while gens.peek().is_some_and(|&(id, _)| id < row.id) {
            gens.next();
        }
        if let Some(&(id, gen)) = gens.peek() {
            if id == row.id {
                out.push((row, gen));
            }
        }
    }
    Ok(out)
}

/// A cached value this build cannot read (written by another program, or by hand).
fn undecodable(column: &str, value: &str) -> StoreError {
    StoreError::Decode {
        column: format!("agenda_step.{column}"),
        value: value.to_owned(),
        reason: "not a value this build writes".to_owned(),
    }
}
