//! The agenda's snapshot (schema 7): what a read of the agenda cache gives when every
//! entry is current, in one blob, so the agenda reads one row instead of checking ten
//! thousand entries and reading their steps row by row.
//!
//! The blob is private to this build's store (written and read only here): numbers
//! are little-endian; texts are kept once each in one UTF-8 area at the start, checked
//! once when read, and named by their offset and length (`u32` each) in the records,
//! which have a fixed size, so a step not wanted is skipped without reading it.
//!
//! ```text
//! u32 FORMAT, u32 length of the text area, the text area
//! u32 heads, then each (24 bytes): i64 id, text company, text role      (by id)
//! u32 zones, then each: text name
//! u32 steps, then each (80 bytes): i64 earliest, i64 latest, i64 recommended,
//!     i64 missed_after, i64 contact_id, u32 head, u32 seq, u32 zone, text to,
//!     text rules, u8 kind, u8 channel, u8 flags (which of missed_after, contact_id
//!     and to are there), u8 0, u32 offset and u32 length of its reasons
//! ```
//!
//! The reasons are another blob (part 2), read only when shown: `u32 FORMAT` and the
//! reasons of every step (as the cache keeps them, separated by U+001F), one after
//! another.
//!
//! Steps are in the order the agenda shows steps of one status: by recommended moment,
//! then application, then planning order (`seq`); instants are nanoseconds since the
//! Unix epoch, as in the tables. A blob this build cannot read is a decode error, and
//! the caller empties the cache.

use std::sync::Arc;

use followup_core::model::Channel;
use followup_core::plan::StepKind;
use jiff::Timestamp;

use crate::agenda_cache::{AgendaHead, CachedStep};
use crate::error::{Result, StoreError};
use crate::SharedText;

/// Changes whenever the layout does (a blob of another layout is not read).
const FORMAT: u32 = 2;

const MISSED_AFTER: u8 = 1;
const CONTACT: u8 = 2;
const TO: u8 = 4;

const HEAD_SIZE: usize = 24;
const STEP_SIZE: usize = 80;

/// One step to keep: its application's slot in the heads, its position in its plan.
pub(crate) struct Kept<'a> {
    pub(crate) slot: usize,
    pub(crate) seq: i64,
    pub(crate) step: &'a CachedStep,
    /// Its reasons (`step.why` is left as read).
    pub(crate) why: &'a str,
}

/// The text area: each text once.
#[derive(Default)]
struct Texts<'a> {
    area: Vec<u8>,
    at: std::collections::HashMap<&'a str, [u8; 8]>,
}

impl<'a> Texts<'a> {
    /// Where `s` is in the area (offset and length), added if new.
    fn put(&mut self, s: &'a str) -> Result<[u8; 8]> {
        if let Some(at) = self.at.get(s) {
            return Ok(*at);
        }
        let mut at = [0; 8];
        at[..4].copy_from_slice(&count(self.area.len())?.to_le_bytes());
        at[4..].copy_from_slice(&count(s.len())?.to_le_bytes());
        self.area.extend_from_slice(s.as_bytes());
        self.at.insert(s, at);
        Ok(at)
    }
}

/// The blobs of `heads` (by id) and `steps`, and of the steps' reasons: heads without
/// steps are left out. The steps are put in the agenda's order here.
pub(crate) fn encode(heads: &[AgendaHead], steps: &mut [Kept<'_>]) -> Result<(Vec<u8>, Vec<u8>)> {
    steps.sort_unstable_by_key(|k| (k.step.recommended, heads[k.slot].id, k.seq));
    let mut texts = Texts::default();
    // Heads with steps get new slots, in id order.
    let mut used = vec![false; heads.len()];
    for k in steps.iter() {
        used[k.slot] = true;
    }
    let mut new_slot = vec![0u32; heads.len()];
    let mut head_records = Vec::new();
    let mut n = 0;
    for (i, h) in heads.iter().enumerate() {
        if used[i] {
            new_slot[i] = n;
            n += 1;
            head_records.extend_from_slice(&h.id.to_le_bytes());
            head_records.extend_from_slice(&texts.put(&h.company)?);
            head_records.extend_from_slice(&texts.put(&h.role)?);
        }
    }
    let mut zones: Vec<&str> = Vec::new();
    let mut step_records = Vec::with_capacity(STEP_SIZE * steps.len());
    let mut whys = Vec::with_capacity(4 + steps.iter().map(|k| k.why.len()).sum::<usize>());
    put_u32(&mut whys, FORMAT);
    for k in steps.iter() {
        let s = k.step;
        let zone = match zones.iter().position(|z| *z == &*s.tz) {
            Some(i) => i,
            None => {
                zones.push(&s.tz);
                zones.len() - 1
            }
        };
        let mut flags = 0;
        let mut missed_after = 0;
        if let Some(t) = s.missed_after {
            flags |= MISSED_AFTER;
            missed_after = crate::sql::ts("agenda_step.missed_after", t)?;
        }
        let mut contact_id = 0;
        if let Some(c) = s.contact_id {
            flags |= CONTACT;
            contact_id = c;
        }
        let mut to = [0; 8];
        if let Some(name) = &s.to {
            flags |= TO;
            to = texts.put(name)?;
        }
        let r = &mut step_records;
        r.extend_from_slice(&crate::sql::ts("agenda_step.earliest", s.earliest)?.to_le_bytes());
        r.extend_from_slice(&crate::sql::ts("agenda_step.latest", s.latest)?.to_le_bytes());
        r.extend_from_slice(
            &crate::sql::ts("agenda_step.recommended", s.recommended)?.to_le_bytes(),
        );
        r.extend_from_slice(&missed_after.to_le_bytes());
        r.extend_from_slice(&contact_id.to_le_bytes());
        r.extend_from_slice(&new_slot[k.slot].to_le_bytes());
        let seq = u32::try_from(k.seq).map_err(|_| invalid("seq", k.seq))?;
        r.extend_from_slice(&seq.to_le_bytes());
        r.extend_from_slice(&count(zone)?.to_le_bytes());
        r.extend_from_slice(&to);
        r.extend_from_slice(&texts.put(&s.rules)?);
        r.extend_from_slice(&[
            index_of(StepKind::ALL.as_slice(), s.kind),
            index_of(Channel::ALL, s.channel),
            flags,
            0,
        ]);
        r.extend_from_slice(&count(whys.len() - 4)?.to_le_bytes());
        r.extend_from_slice(&count(k.why.len())?.to_le_bytes());
        whys.extend_from_slice(k.why.as_bytes());
    }
    let mut zone_records = Vec::new();
    for z in zones {
        zone_records.extend_from_slice(&texts.put(z)?);
    }
    let mut out = Vec::with_capacity(
        16 + texts.area.len() + head_records.len() + zone_records.len() + step_records.len(),
    );
    put_u32(&mut out, FORMAT);
    put_u32(&mut out, count(texts.area.len())?);
    out.extend_from_slice(&texts.area);
    put_u32(&mut out, n);
    out.extend_from_slice(&head_records);
    put_u32(&mut out, count(zone_records.len() / 8)?);
    out.extend_from_slice(&zone_records);
    put_u32(&mut out, count(steps.len())?);
    out.extend_from_slice(&step_records);
    Ok((out, whys))
}

/// What a snapshot holds for the reader: the steps that `keep` accepted, each with
/// the slot of its application in `heads` (only the applications of those steps, in
/// the order of their first step).
pub(crate) struct Decoded {
    pub(crate) heads: Vec<AgendaHead>,
    pub(crate) steps: Vec<(usize, CachedStep)>,
    /// Where the reasons of each step are in the reasons blob (after its format).
    pub(crate) why_ranges: Vec<std::ops::Range<usize>>,
}

/// The snapshot's steps (part 1), whole, for [`decode`]. Read through the blob API,
/// they are copied once, from the file into a buffer of this program's allocator;
/// as a column of a query they would be copied into SQLite's own buffer first (about
/// a megabyte for ten thousand applications: 200 page faults at every start).
pub(crate) fn read_steps(c: &rusqlite::Connection) -> Result<Vec<u8>> {
    let blob = c
        .blob_open("main", "agenda_snapshot", "data", 1, true)
        .map_err(|e| undecodable(format!("the steps: {e}")))?;
    let mut data = vec![0; blob.len()];
    blob.read_at_exact(&mut data, 0)?;
    Ok(data)
}

/// Gives the steps of `d` their reasons, read from the snapshot's reasons blob (part
/// 2): only the ranges of the steps kept, copied one after another into one string
/// that their reasons are ranges of. The agenda keeps about half the steps (those
/// whose window is near), so half the blob is never read.
pub(crate) fn read_whys(c: &rusqlite::Connection, d: &mut Decoded) -> Result<()> {
    let blob = c
        .blob_open("main", "agenda_snapshot", "data", 2, true)
        .map_err(|e| undecodable(format!("the reasons: {e}")))?;
    let mut format = [0; 4];
    blob.read_at_exact(&mut format, 0)?;
    let format = u32::from_le_bytes(format);
    if format != FORMAT {
        return Err(undecodable(format!("reasons format {format}")));
    }
    let len = blob.len().saturating_sub(4);
    // The ranges are in the blob's order (steps and their reasons were written in the
    // same order); ranges that touch are read in one piece.
    let mut pieces: Vec<std::ops::Range<usize>> = Vec::new();
    for r in &d.why_ranges {
        if r.start > r.end || r.end > len {
            return Err(undecodable(format!("reasons at {r:?} of {len}")));
        }
        match pieces.last_mut() {
            Some(last) if last.end == r.start => last.end = r.end,
            Some(last) if last.end > r.start => {
                return Err(undecodable(format!("reasons at {r:?} out of order")))
            }
            _ => pieces.push(r.clone()),
        }
    }
    let mut text = vec![0; pieces.iter().map(|p| p.len()).sum()];
    let mut at = 0;
    for p in &pieces {
        blob.read_at_exact(&mut text[at..at + p.len()], 4 + p.start)?;
        at += p.len();
    }
    let all = Arc::new(String::from_utf8(text).map_err(|e| undecodable(e.to_string()))?);
    // Where each range landed in `all`.
    let mut piece = 0;
    let mut base = 0;
    for ((_, step), r) in d.steps.iter_mut().zip(&d.why_ranges) {
        while r.start >= pieces[piece].end {
            base += pieces[piece].len();
            piece += 1;
        }
        let start = base + (r.start - pieces[piece].start);
        step.why = SharedText::new(&all, start..start + r.len())
            .ok_or_else(|| undecodable("reasons".into()))?;
    }
    Ok(())
}

/// Reads blobs made by [`encode`]; `keep(earliest, latest, missed_after)` chooses
/// the steps read in full, whose reasons [`read_whys`] reads. The steps of the
/// applications in `skip` (by id) are left out.
pub(crate) fn decode(
    blob: &[u8],
    skip: &[i64],
    keep: &mut impl FnMut(Timestamp, Timestamp, Option<Timestamp>) -> bool,
) -> Result<Decoded> {
    let mut r = Reader { buf: blob, at: 0 };
    let format = r.u32()?;
    if format != FORMAT {
        return Err(undecodable(format!("format {format}, expected {FORMAT}")));
    }
    let n = r.len()?;
    let area = std::str::from_utf8(r.bytes(n)?).map_err(|e| undecodable(e.to_string()))?;
    let range = |rec: &[u8], at: usize| {
        let off = le_u32(rec, at) as usize;
        off..off.saturating_add(le_u32(rec, at + 4) as usize)
    };
    let text = |rec: &[u8], at: usize| -> Result<&str> {
        let r = range(rec, at);
        area.get(r.clone())
            .ok_or_else(|| undecodable(format!("text at {r:?}")))
    };
    // The rules are ranges of one copy of the area; names of companies and roles,
    // each read once.
    let shared = Arc::new(area.to_owned());
    let mut names: std::collections::HashMap<u32, Arc<str>> = std::collections::HashMap::new();
    let mut name = |rec: &[u8], at: usize| -> Result<Arc<str>> {
        let key = le_u32(rec, at);
        if let Some(n) = names.get(&key) {
            return Ok(n.clone());
        }
        let n: Arc<str> = Arc::from(text(rec, at)?);
        names.insert(key, n.clone());
        Ok(n)
    };
    let n = r.len()?;
    let head_records = r.bytes(n.saturating_mul(HEAD_SIZE))?;
    let n = r.len()?;
    let zones = r
        .bytes(n.saturating_mul(8))?
        .chunks_exact(8)
        .map(|z| Ok(Arc::from(text(z, 0)?)))
        .collect::<Result<Vec<Arc<str>>>>()?;
    let n = r.len()?;
    let step_records = r.bytes(n.saturating_mul(STEP_SIZE))?;
    if r.at != blob.len() {
        return Err(undecodable("bytes after the last step".into()));
    }

    // Heads are read only for the steps kept: `slots[i]` is head i's slot in `heads`.
    let mut slots = vec![usize::MAX; head_records.len() / HEAD_SIZE];
    // Room for every step: the pages of what is not used are never touched.
    let n = step_records.len() / STEP_SIZE;
    let mut heads = Vec::new();
    let mut steps = Vec::with_capacity(n);
    let mut why_ranges = Vec::with_capacity(n);
    for rec in step_records.chunks_exact(STEP_SIZE) {
        let head = le_u32(rec, 40) as usize;
        if !skip.is_empty() {
            let h = head_records
                .get(head * HEAD_SIZE..)
                .ok_or_else(|| undecodable(format!("head {head}")))?;
            if skip.binary_search(&le_i64(h, 0)).is_ok() {
                continue;
            }
        }
        let flags = rec[70];
        let earliest = ts(le_i64(rec, 0))?;
        let latest = ts(le_i64(rec, 8))?;
        let missed_after = if flags & MISSED_AFTER != 0 {
            Some(ts(le_i64(rec, 24))?)
        } else {
            None
        };
        if !keep(earliest, latest, missed_after) {
            continue;
        }
        let slot = match slots.get(head) {
            Some(&s) if s != usize::MAX => s,
            Some(_) => {
                let h = &head_records[head * HEAD_SIZE..][..HEAD_SIZE];
                slots[head] = heads.len();
                heads.push(AgendaHead {
                    id: le_i64(h, 0),
                    company: name(h, 8)?,
                    role: name(h, 16)?,
                });
                heads.len() - 1
            }
            None => return Err(undecodable(format!("head {head}"))),
        };
        let zone = le_u32(rec, 48) as usize;
        let tz = zones
            .get(zone)
            .ok_or_else(|| undecodable(format!("zone {zone}")))?
            .clone();
        let kind = *StepKind::ALL
            .get(usize::from(rec[68]))
            .ok_or_else(|| undecodable("a step kind".into()))?;
        let channel = *Channel::ALL
            .get(usize::from(rec[69]))
            .ok_or_else(|| undecodable("a channel".into()))?;
        steps.push((
            slot,
            CachedStep {
                kind,
                contact_id: (flags & CONTACT != 0).then(|| le_i64(rec, 32)),
                to: if flags & TO != 0 {
                    Some(text(rec, 52)?.to_owned())
                } else {
                    None
                },
                channel,
                earliest,
                recommended: ts(le_i64(rec, 16))?,
                latest,
                missed_after,
                tz,
                rules: SharedText::new(&shared, range(rec, 60))
                    .ok_or_else(|| undecodable("rules".into()))?,
                why: SharedText::default(),
            },
        ));
        why_ranges.push(range(rec, 72));
    }
    Ok(Decoded {
        heads,
        steps,
        why_ranges,
    })
}

fn le_u32(rec: &[u8], at: usize) -> u32 {
    let mut b = [0; 4];
    b.copy_from_slice(&rec[at..at + 4]);
    u32::from_le_bytes(b)
}

fn le_i64(rec: &[u8], at: usize) -> i64 {
    let mut b = [0; 8];
    b.copy_from_slice(&rec[at..at + 8]);
    i64::from_le_bytes(b)
}

fn ts(ns: i64) -> Result<Timestamp> {
    Timestamp::from_nanosecond(i128::from(ns)).map_err(|e| undecodable(e.to_string()))
}

struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        let bytes = self
            .buf
            .get(self.at..self.at.saturating_add(n))
            .ok_or_else(|| undecodable("cut short".into()))?;
        self.at += n;
        Ok(bytes)
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(le_u32(self.bytes(4)?, 0))
    }

    /// A count or a length.
    fn len(&mut self) -> Result<usize> {
        usize::try_from(self.u32()?).map_err(|_| undecodable("a count".into()))
    }
}

fn put_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn count(n: usize) -> Result<u32> {
    u32::try_from(n).map_err(|_| invalid("size", n))
}

fn index_of<T: PartialEq>(all: &[T], v: T) -> u8 {
    // Both lists are short (five kinds, a few channels) and hold every value.
    all.iter().position(|x| *x == v).unwrap_or(0) as u8
}

fn invalid(what: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::invalid("agenda_snapshot", format!("{what} {value} is out of range"))
}

fn undecodable(reason: String) -> StoreError {
    StoreError::Decode {
        column: "agenda_snapshot.data".to_owned(),
        value: String::new(),
        reason,
    }
}
