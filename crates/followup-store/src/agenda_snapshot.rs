//! The agenda's snapshot (schema 6): what a read of the agenda cache gives when every
//! entry is current, in one blob, so the agenda reads one row instead of checking ten
//! thousand entries and reading their steps row by row.
//!
//! The blob is private to this build's store (written and read only here): numbers
//! are little-endian, texts are a `u32` length and UTF-8 bytes.
//!
//! ```text
//! u32 FORMAT
//! u32 heads, then each: i64 id, text company, text role            (by id)
//! u32 zones, then each: text name
//! u32 steps, then each: u32 length of the rest, i64 earliest, i64 latest,
//!     i64 recommended, u8 flags, [i64 missed_after], u32 head, u32 seq, u8 kind,
//!     u8 channel, u32 zone, [i64 contact_id], [text to], text rules
//! ```
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

/// Changes whenever the layout does (a blob of another layout is not read).
const FORMAT: u32 = 1;

const MISSED_AFTER: u8 = 1;
const CONTACT: u8 = 2;
const TO: u8 = 4;

/// One step to keep: its application's slot in the heads, its position in its plan.
pub(crate) struct Kept<'a> {
    pub(crate) slot: usize,
    pub(crate) seq: i64,
    pub(crate) step: &'a CachedStep,
}

/// The blob of `heads` (by id) and `steps`: those of heads without steps are left
/// out. The steps are put in the agenda's order here.
pub(crate) fn encode(heads: &[AgendaHead], steps: &mut [Kept<'_>]) -> Result<Vec<u8>> {
    steps.sort_unstable_by_key(|k| (k.step.recommended, heads[k.slot].id, k.seq));
    // Heads with steps get new slots, in id order.
    let mut used = vec![false; heads.len()];
    for k in steps.iter() {
        used[k.slot] = true;
    }
    let mut new_slot = vec![0u32; heads.len()];
    let mut out = Vec::with_capacity(64 * steps.len() + 64);
    put_u32(&mut out, FORMAT);
    put_u32(&mut out, count(used.iter().filter(|u| **u).count())?);
    let mut n = 0;
    for (i, h) in heads.iter().enumerate() {
        if used[i] {
            new_slot[i] = n;
            n += 1;
            out.extend_from_slice(&h.id.to_le_bytes());
            put_text(&mut out, &h.company)?;
            put_text(&mut out, &h.role)?;
        }
    }
    let mut zones: Vec<&str> = Vec::new();
    let zone_of: Vec<u32> = steps
        .iter()
        .map(|k| {
            let tz = &*k.step.tz;
            let i = match zones.iter().position(|z| *z == tz) {
                Some(i) => i,
                None => {
                    zones.push(tz);
                    zones.len() - 1
                }
            };
            count(i)
        })
        .collect::<Result<_>>()?;
    put_u32(&mut out, count(zones.len())?);
    for z in &zones {
        put_text(&mut out, z)?;
    }
    put_u32(&mut out, count(steps.len())?);
    for (k, zone) in steps.iter().zip(zone_of) {
        let s = k.step;
        let start = out.len();
        put_u32(&mut out, 0);
        put_ts(&mut out, "agenda_step.earliest", s.earliest)?;
        put_ts(&mut out, "agenda_step.latest", s.latest)?;
        put_ts(&mut out, "agenda_step.recommended", s.recommended)?;
        let mut flags = 0;
        if s.missed_after.is_some() {
            flags |= MISSED_AFTER;
        }
        if s.contact_id.is_some() {
            flags |= CONTACT;
        }
        if s.to.is_some() {
            flags |= TO;
        }
        out.push(flags);
        if let Some(t) = s.missed_after {
            put_ts(&mut out, "agenda_step.missed_after", t)?;
        }
        put_u32(&mut out, new_slot[k.slot]);
        put_u32(
            &mut out,
            u32::try_from(k.seq).map_err(|_| invalid("seq", k.seq))?,
        );
        out.push(index_of(StepKind::ALL.as_slice(), s.kind));
        out.push(index_of(Channel::ALL, s.channel));
        put_u32(&mut out, zone);
        if let Some(c) = s.contact_id {
            out.extend_from_slice(&c.to_le_bytes());
        }
        if let Some(to) = &s.to {
            put_text(&mut out, to)?;
        }
        put_text(&mut out, &s.rules)?;
        let len = count(out.len() - start - 4)?;
        out[start..start + 4].copy_from_slice(&len.to_le_bytes());
    }
    Ok(out)
}

/// What a snapshot holds: the heads with steps (by id), and the steps that `keep`
/// accepted, each with its head's slot and its position in its plan.
pub(crate) struct Decoded {
    pub(crate) heads: Vec<AgendaHead>,
    pub(crate) steps: Vec<(usize, CachedStep)>,
    /// The key of each of `steps`: (application id, seq).
    pub(crate) keys: Vec<(i64, i64)>,
}

/// Reads a blob made by [`encode`]; `keep(earliest, latest, missed_after)` chooses
/// the steps read in full.
pub(crate) fn decode(
    blob: &[u8],
    keep: &mut impl FnMut(Timestamp, Timestamp, Option<Timestamp>) -> bool,
) -> Result<Decoded> {
    let mut r = Reader { buf: blob, at: 0 };
    let format = r.u32()?;
    if format != FORMAT {
        return Err(undecodable(format!("format {format}, expected {FORMAT}")));
    }
    let n = r.len()?;
    let mut heads = Vec::with_capacity(n);
    for _ in 0..n {
        heads.push(AgendaHead {
            id: r.i64()?,
            company: r.text()?.to_owned(),
            role: r.text()?.to_owned(),
        });
    }
    let n = r.len()?;
    let mut zones: Vec<Arc<str>> = Vec::with_capacity(n);
    for _ in 0..n {
        zones.push(Arc::from(r.text()?));
    }
    let n = r.len()?;
    let mut steps = Vec::with_capacity(n);
    let mut keys = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.len()?;
        let end = r.at.checked_add(len).filter(|e| *e <= blob.len());
        let end = end.ok_or_else(|| undecodable("a step past the end".into()))?;
        let earliest = r.ts()?;
        let latest = r.ts()?;
        let recommended = r.ts()?;
        let flags = r.u8()?;
        let missed_after = if flags & MISSED_AFTER != 0 {
            Some(r.ts()?)
        } else {
            None
        };
        if !keep(earliest, latest, missed_after) {
            r.at = end;
            continue;
        }
        let slot = r.len()?;
        let head = heads
            .get(slot)
            .ok_or_else(|| undecodable(format!("head {slot}")))?;
        let seq = i64::from(r.u32()?);
        let kind = *StepKind::ALL
            .get(usize::from(r.u8()?))
            .ok_or_else(|| undecodable("a step kind".into()))?;
        let channel = *Channel::ALL
            .get(usize::from(r.u8()?))
            .ok_or_else(|| undecodable("a channel".into()))?;
        let zone = r.len()?;
        let tz = zones
            .get(zone)
            .ok_or_else(|| undecodable(format!("zone {zone}")))?
            .clone();
        let contact_id = if flags & CONTACT != 0 {
            Some(r.i64()?)
        } else {
            None
        };
        let to = if flags & TO != 0 {
            Some(r.text()?.to_owned())
        } else {
            None
        };
        let rules = r.text()?.to_owned();
        if r.at != end {
            return Err(undecodable("a step of the wrong length".into()));
        }
        keys.push((head.id, seq));
        steps.push((
            slot,
            CachedStep {
                kind,
                contact_id,
                to,
                channel,
                earliest,
                recommended,
                latest,
                missed_after,
                tz,
                rules,
                why: String::new(),
            },
        ));
    }
    if r.at != blob.len() {
        return Err(undecodable("bytes after the last step".into()));
    }
    Ok(Decoded { heads, steps, keys })
}

struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N]> {
        let bytes = self
            .buf
            .get(self.at..self.at + N)
            .ok_or_else(|| undecodable("cut short".into()))?;
        self.at += N;
        let mut a = [0; N];
        a.copy_from_slice(bytes);
        Ok(a)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.take::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take()?))
    }

    /// A count or an index.
    fn len(&mut self) -> Result<usize> {
        usize::try_from(self.u32()?).map_err(|_| undecodable("a count".into()))
    }

    fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_le_bytes(self.take()?))
    }

    fn ts(&mut self) -> Result<Timestamp> {
        let ns = self.i64()?;
        Timestamp::from_nanosecond(i128::from(ns)).map_err(|e| undecodable(e.to_string()))
    }

    fn text(&mut self) -> Result<&'a str> {
        let n = self.len()?;
        let bytes = self
            .buf
            .get(self.at..self.at.saturating_add(n))
            .ok_or_else(|| undecodable("cut short".into()))?;
        self.at += n;
        std::str::from_utf8(bytes).map_err(|e| undecodable(e.to_string()))
    }
}

fn put_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn put_text(out: &mut Vec<u8>, s: &str) -> Result<()> {
    put_u32(out, count(s.len())?);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

fn put_ts(out: &mut Vec<u8>, field: &str, t: Timestamp) -> Result<()> {
    out.extend_from_slice(&crate::sql::ts(field, t)?.to_le_bytes());
    Ok(())
}

fn count(n: usize) -> Result<u32> {
    u32::try_from(n).map_err(|_| invalid("size", n))
}

fn index_of<T: PartialEq>(all: &[T], v: T) -> u8 {
    // Both lists are short (five kinds, a few channels).
    all.iter().position(|x| *x == v).unwrap_or(0) as u8
}

fn invalid(what: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::invalid("agenda_snapshot", format!("{what} {value} is out of range"))
}

fn undecodable(reason: String) -> StoreError {
    StoreError::Decode {
        column: "agenda_snapshot.steps".to_owned(),
        value: String::new(),
        reason,
    }
}
