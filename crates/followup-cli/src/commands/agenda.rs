//! `followup agenda`: what to do today, across every open application (T1–T9).

use std::io::Write;

use anstream::ColorChoice;
use anstyle::Style;

use followup_app::agenda::{unnamed_interviewers, user_zone, Entry, Group, Texts};
use followup_core::agenda::Item;
use followup_core::plan::{StepKind, StepStatus};
use followup_store::ApplicationFull;
use jiff::{SignedDuration, Zoned};
use serde::Serialize;
use serde_json::Value;

use crate::commands::track::Ctx;
use crate::error::Result;
use crate::output::{self, style};
use crate::time;

/// How late: "5h" (at least one hour), "3 days" from 48 hours.
fn push_late(out: &mut Vec<u8>, d: SignedDuration) {
    let hours = d.as_hours();
    if hours < 48 {
        push_int(out, hours.max(1));
        out.push(b'h');
    } else {
        push_int(out, hours / 24);
        out.extend_from_slice(b" days");
    }
}

/// An integer in decimal, as `Display` writes it.
fn push_int(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    let mut n = n.unsigned_abs();
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Two digits, zero first if needed (`%H`, `%M`).
fn push_2(out: &mut Vec<u8>, n: i8) {
    let n = n.unsigned_abs();
    out.extend_from_slice(&[b'0' + n / 10, b'0' + n % 10]);
}

/// The ways the agenda writes a moment: what `strftime` writes for `%a %b %-d`,
/// `%a %H:%M` and `%a %b %-d %H:%M %Z`, several times faster (thousands of lines).
const DAY: u8 = 0;
const WEEKDAY_TIME: u8 = 1;
const DAY_TIME_ZONE: u8 = 2;

/// Appends `z` written one of the ways above.
fn push_moment(out: &mut Vec<u8>, z: &Zoned, way: u8) {
    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekday = WEEKDAYS[usize::from(z.weekday().to_monday_zero_offset().unsigned_abs())];
    out.extend_from_slice(weekday.as_bytes());
    out.push(b' ');
    if way != WEEKDAY_TIME {
        let month = MONTHS[usize::from(z.month().unsigned_abs()) - 1];
        out.extend_from_slice(month.as_bytes());
        out.push(b' ');
        push_int(out, z.day().into());
        if way == DAY {
            return;
        }
        out.push(b' ');
    }
    push_2(out, z.hour());
    out.push(b':');
    push_2(out, z.minute());
    if way == DAY_TIME_ZONE {
        let info = z.time_zone().to_offset_info(z.timestamp());
        out.push(b' ');
        out.extend_from_slice(info.abbreviation().as_bytes());
    }
}

/// One item in JSON. The fields are in alphabetical order, the order `serde_json`
/// gives the keys of a map, so the output is the same as that of a `json!` object.
#[derive(Serialize)]
struct ItemJson<'a> {
    application: i64,
    channel: &'static str,
    company: &'a str,
    due: String,
    earliest: String,
    group: &'static str,
    kind: &'static str,
    late_by_hours: Option<i64>,
    latest: String,
    role: &'a str,
    rules: &'a Texts,
    status: &'static str,
    to: Option<&'a str>,
    why: &'a Texts,
}

impl<'a> ItemJson<'a> {
    fn new(e: &'a Entry, today: &Zoned) -> ItemJson<'a> {
        ItemJson {
            group: Group::of(e, today).as_str(),
            application: e.application,
            channel: e.channel.as_str(),
            company: &e.company,
            due: time::rfc3339(&e.recommended),
            earliest: time::rfc3339(&e.earliest),
            kind: e.kind.as_str(),
            late_by_hours: e.late_by.map(|d| d.as_hours()),
            latest: time::rfc3339(&e.latest),
            role: &e.role,
            rules: &e.rules,
            status: e.status.as_str(),
            to: e.to.as_deref(),
            why: &e.why,
        }
    }
}

/// The JSON of an application's items.
pub fn items_json(ctx: &Ctx, full: &ApplicationFull, items: &[Item]) -> Vec<Value> {
    let a = &full.application;
    let today = ctx.now.to_zoned(user_zone(ctx));
    items
        .iter()
        .map(|i| {
            let e = Entry::of_item(a.id, &a.company, &a.role, i);
            serde_json::to_value(ItemJson::new(&e, &today)).expect("an agenda item is plain JSON")
        })
        .collect()
}

/// `{"items": [...]}`, as [`write_json`] writes it.
#[cfg(test)]
#[derive(Serialize)]
struct AgendaJson<'a> {
    items: Vec<ItemJson<'a>>,
}

/// Output is made in pieces of about this size, each written at once: stdout is
/// line-buffered, and a write per line is most of the time of a long agenda, while
/// the whole text at once (megabytes with `--json`) costs the memory it takes.
const PIECE: usize = 64 * 1024;

/// What an empty tracker says: how to start.
pub const HOW_TO_START: &str = "No applications yet. Start with an interview: `followup add --company Acme --role \"Backend Engineer\" --at \"2026-12-01 10:00\" --tz America/New_York --interviewer \"Jane Doe <jane@acme.com>\"`, or import its invitation: `followup import invite.ics`.";

/// `followup agenda`.
pub fn run(ctx: &Ctx, days: u32, why: bool, json: bool) -> Result<()> {
    let all = followup_app::agenda::entries(ctx, days, json || why)?;
    if all.is_empty() && !json {
        let (open, closed) = ctx
            .store()?
            .application_counts()
            .map_err(crate::commands::track::store_err)?;
        if open + closed == 0 {
            return output::with_stdout(|out| writeln!(out, "{HOW_TO_START}"));
        }
    }
    let today = ctx.now.to_zoned(user_zone(ctx));
    let groups: Vec<Group> = all.iter().map(|e| Group::of(e, &today)).collect();
    if json {
        let written = write_unstyled(|out| write_json(out, &all, &groups));
        // The process ends next: the entries (thousands, with their texts) are left
        // to it rather than freed one by one.
        std::mem::forget(all);
        return written;
    }
    let color = anstream::AutoStream::choice(&std::io::stdout()) != ColorChoice::Never;
    let print = |out: &mut dyn Write| print_human(out, days, &all, &groups, why, color);
    if color {
        output::with_stdout(print)
    } else {
        write_unstyled(print)
    }
}

/// Runs `f` on stdout as it is, without the colour filter of [`output::with_stdout`],
/// which would look at every byte of text that has no styles; a closed pipe
/// (`| head`) ends quietly, as there.
fn write_unstyled(f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match f(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Writes `piece` out once it holds [`PIECE`] bytes.
fn flush_piece(out: &mut dyn Write, piece: &mut Vec<u8>) -> std::io::Result<()> {
    if piece.len() >= PIECE {
        out.write_all(piece)?;
        piece.clear();
    }
    Ok(())
}

/// The agenda as `serde_json::to_writer_pretty` writes an [`AgendaJson`], and a
/// line end, written directly (the test compares them).
fn write_json(out: &mut dyn Write, all: &[Entry], groups: &[Group]) -> std::io::Result<()> {
    if all.is_empty() {
        return out.write_all(b"{\n  \"items\": []\n}\n");
    }
    let mut b = Vec::with_capacity(PIECE + 16 * 1024);
    b.extend_from_slice(b"{\n  \"items\": [");
    for (k, (e, group)) in all.iter().zip(groups).enumerate() {
        if k > 0 {
            b.push(b',');
        }
        b.extend_from_slice(b"\n    {\n      \"application\": ");
        push_int(&mut b, e.application);
        b.extend_from_slice(b",\n      \"channel\": ");
        json::push_word(&mut b, e.channel.as_str());
        b.extend_from_slice(b",\n      \"company\": ");
        json::push_str(&mut b, &e.company);
        b.extend_from_slice(b",\n      \"due\": \"");
        time::push_rfc3339(&mut b, &e.recommended);
        b.extend_from_slice(b"\",\n      \"earliest\": \"");
        time::push_rfc3339(&mut b, &e.earliest);
        b.extend_from_slice(b"\",\n      \"group\": ");
        json::push_word(&mut b, group.as_str());
        b.extend_from_slice(b",\n      \"kind\": ");
        json::push_word(&mut b, e.kind.as_str());
        b.extend_from_slice(b",\n      \"late_by_hours\": ");
        match e.late_by {
            Some(d) => push_int(&mut b, d.as_hours()),
            None => b.extend_from_slice(b"null"),
        }
        b.extend_from_slice(b",\n      \"latest\": \"");
        time::push_rfc3339(&mut b, &e.latest);
        b.extend_from_slice(b"\",\n      \"role\": ");
        json::push_str(&mut b, &e.role);
        b.extend_from_slice(b",\n      \"rules\": ");
        json::push_joined(&mut b, e.rules.joined(), e.rules.separator());
        b.extend_from_slice(b",\n      \"status\": ");
        json::push_word(&mut b, e.status.as_str());
        b.extend_from_slice(b",\n      \"to\": ");
        match &e.to {
            Some(to) => json::push_str(&mut b, to),
            None => b.extend_from_slice(b"null"),
        }
        b.extend_from_slice(b",\n      \"why\": ");
        json::push_joined(&mut b, e.why.joined(), e.why.separator());
        b.extend_from_slice(b"\n    }");
        flush_piece(out, &mut b)?;
    }
    b.extend_from_slice(b"\n  ]\n}\n");
    out.write_all(&b)
}

/// JSON text as `serde_json` writes it (pretty, inside an item).
mod json {
    /// A string, quoted and escaped: `"`, `\` and control characters, the rest as is.
    pub(super) fn push_str(out: &mut Vec<u8>, s: &str) {
        out.reserve(s.len() + 2);
        out.push(b'"');
        let mut done = 0;
        for_specials(s.as_bytes(), |i, c| {
            push_escaped(out, &s.as_bytes()[done..i], c);
            done = i + 1;
        });
        out.extend_from_slice(&s.as_bytes()[done..]);
        out.push(b'"');
    }

    /// A word of the program's own (a kind, a channel, a status, a group: lower-case
    /// letters and underscores), which needs no escape, quoted.
    pub(super) fn push_word(out: &mut Vec<u8>, word: &'static str) {
        debug_assert!(word.bytes().all(|c| c.is_ascii_lowercase() || c == b'_'));
        out.push(b'"');
        out.extend_from_slice(word.as_bytes());
        out.push(b'"');
    }

    pub(super) const BLOCK: usize = 32;

    /// Whether no byte of `block` is below 0x20, `"` or `\\` (in vector registers).
    #[inline(always)]
    pub(super) fn plain(block: &[u8; BLOCK]) -> bool {
        let mut escapes = 0u8;
        for &c in block {
            escapes |= u8::from(c < 0x20) | u8::from(c == b'"') | u8::from(c == b'\\');
        }
        escapes == 0
    }

    /// Which bytes of `block` are below 0x20, `"` or `\\`: bit i for byte i. Eight
    /// bytes at a time: each test leaves the high bit of exactly the bytes it finds
    /// (no carry crosses a byte), and a multiplication gathers those bits.
    pub(super) fn specials(block: &[u8; BLOCK]) -> u32 {
        const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        const ONES: u64 = 0x0101_0101_0101_0101;
        let zero = |v: u64| !(((v & LOW) + LOW) | v | LOW);
        let mut mask = 0u32;
        for (k, word) in block.chunks_exact(8).enumerate() {
            let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            let found = zero(w & (ONES * 0xe0))
                | zero(w ^ (ONES * u64::from(b'"')))
                | zero(w ^ (ONES * u64::from(b'\\')));
            let bits = ((found >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32;
            mask |= bits << (8 * k);
        }
        mask
    }

    /// Calls `f(i, bytes[i])` for each byte of `bytes` below 0x20, `"` or `\\`, in
    /// order. Most text has none: it is looked at 32 bytes at a time.
    #[inline]
    fn for_specials<F: FnMut(usize, u8)>(bytes: &[u8], mut f: F) {
        let mut blocks = bytes.chunks_exact(BLOCK);
        let mut at = 0;
        for block in &mut blocks {
            let block: &[u8; BLOCK] = block.try_into().expect("a block");
            if !plain(block) {
                visit(at, block, &mut f);
            }
            at += BLOCK;
        }
        let rest = blocks.remainder();
        if !rest.is_empty() {
            let mut padded = [b' '; BLOCK];
            padded[..rest.len()].copy_from_slice(rest);
            if !plain(&padded) {
                visit(at, &padded, &mut f);
            }
        }
    }

    /// [`for_specials`] of one block, which starts at `at`.
    #[inline]
    fn visit<F: FnMut(usize, u8)>(at: usize, block: &[u8; BLOCK], f: &mut F) {
        let mut mask = specials(block);
        while mask != 0 {
            let i = mask.trailing_zeros() as usize;
            f(at + i, block[i]);
            mask &= mask - 1;
        }
    }

    /// `before`, then the escape of `c`.
    fn push_escaped(out: &mut Vec<u8>, before: &[u8], c: u8) {
        out.extend_from_slice(before);
        if let Some(escaped) = escape_of(c) {
            out.extend_from_slice(&escaped.0[..escaped.1]);
        }
    }

    /// [`push_list`] of the texts of `joined` separated by `sep`, empty ones left out
    /// (as `Texts::iter` gives them). A separator below 0x20 (the reasons') is found
    /// in the same pass that looks for escapes.
    pub(super) fn push_joined(out: &mut Vec<u8>, joined: &str, sep: char) {
        let Some(sep) = u8::try_from(sep).ok().filter(|c| *c < 0x20) else {
            return push_list(out, joined.split(sep).filter(|t| !t.is_empty()));
        };
        let bytes = joined.as_bytes();
        out.reserve(bytes.len() + 16);
        let mut list = List::default();
        // Written (or left out, separators) up to `done`.
        let mut done = 0;
        for_specials(bytes, |i, c| {
            if c != sep {
                list.start(out);
                push_escaped(out, &bytes[done..i], c);
            } else if list.open || done < i {
                list.start(out);
                out.extend_from_slice(&bytes[done..i]);
                out.push(b'"');
                list.open = false;
            }
            done = i + 1;
        });
        if list.open || done < bytes.len() {
            list.start(out);
            out.extend_from_slice(&bytes[done..]);
            out.push(b'"');
        }
        out.extend_from_slice(if list.any { b"\n      ]" } else { b"[]" });
    }

    /// A list being written: whether it has an item, and whether one is open.
    #[derive(Default)]
    struct List {
        any: bool,
        open: bool,
    }

    impl List {
        /// Opens an item's quotes, unless one is open.
        fn start(&mut self, out: &mut Vec<u8>) {
            if !self.open {
                out.extend_from_slice(if self.any {
                    b",\n        \""
                } else {
                    b"[\n        \""
                });
                self.any = true;
                self.open = true;
            }
        }
    }

    /// How `c` is written inside a JSON string, if not as itself: the bytes and their
    /// number.
    fn escape_of(c: u8) -> Option<([u8; 6], usize)> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let two = |e: u8| Some(([b'\\', e, 0, 0, 0, 0], 2));
        match c {
            b'"' => two(b'"'),
            b'\\' => two(b'\\'),
            0x08 => two(b'b'),
            0x0c => two(b'f'),
            b'\n' => two(b'n'),
            b'\r' => two(b'r'),
            b'\t' => two(b't'),
            0..=0x1f => Some((
                [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(c >> 4)],
                    HEX[usize::from(c & 0xf)],
                ],
                6,
            )),
            _ => None,
        }
    }

    /// A list of strings, one a line, as a field of an item.
    pub(super) fn push_list<'a>(out: &mut Vec<u8>, items: impl Iterator<Item = &'a str>) {
        let mut any = false;
        for s in items {
            out.extend_from_slice(if any { b",\n        " } else { b"[\n        " });
            push_str(out, s);
            any = true;
        }
        out.extend_from_slice(if any { b"\n      ]" } else { b"[]" });
    }
}

fn print_human(
    out: &mut dyn Write,
    days: u32,
    all: &[Entry],
    groups: &[Group],
    why: bool,
    color: bool,
) -> std::io::Result<()> {
    if all.is_empty() {
        return writeln!(out, "Nothing to do in the next {days} days.");
    }
    // Styles are left out, not written and then stripped, when colour is off.
    let shown = |s: Style| if color { s } else { Style::new() };
    let on_off = |s: Style| (s.render().to_string(), s.render_reset().to_string());
    let (head_on, head_off) = on_off(shown(style::HEAD));
    let (rule_on, rule_off) = on_off(shown(style::RULE));
    let mut counts = [0usize; Group::ALL.len()];
    for g in groups {
        counts[*g as usize] += 1;
    }
    let mut b = Vec::with_capacity(PIECE + 16 * 1024);
    for group in Group::ALL {
        let n = counts[group as usize];
        if n == 0 {
            continue;
        }
        // A blank line between groups.
        if counts[..group as usize].iter().any(|c| *c > 0) {
            b.push(b'\n');
        }
        let (on, off) = on_off(shown(match group {
            Group::Overdue => style::BAD,
            Group::DueNow | Group::OpensToday => style::DUE,
            _ => style::HEAD,
        }));
        b.extend_from_slice(on.as_bytes());
        b.extend_from_slice(group.title().as_bytes());
        b.extend_from_slice(off.as_bytes());
        b.extend_from_slice(b" (");
        push_int(&mut b, n as i64);
        b.extend_from_slice(b")\n");
        for (i, _) in all.iter().zip(groups).filter(|(_, g)| **g == group) {
            b.extend_from_slice(b"  ");
            b.extend_from_slice(head_on.as_bytes());
            b.push(b'#');
            push_int(&mut b, i.application);
            b.extend_from_slice(head_off.as_bytes());
            b.push(b' ');
            b.extend_from_slice(i.company.as_bytes());
            b.extend_from_slice(" — ".as_bytes());
            b.extend_from_slice(i.kind.label().as_bytes());
            match (&i.to, i.kind) {
                (Some(to), _) => {
                    b.extend_from_slice(b" to ");
                    b.extend_from_slice(to.as_bytes());
                }
                (None, StepKind::ThankYou) => {
                    b.extend_from_slice(b" to ");
                    b.extend_from_slice(unnamed_interviewers(i.application).as_bytes());
                }
                _ => {}
            }
            match i.status {
                StepStatus::Overdue => {
                    b.extend_from_slice(b": was due by ");
                    push_moment(&mut b, &i.latest, DAY_TIME_ZONE);
                    b.extend_from_slice(b" (");
                    if let Some(d) = i.late_by {
                        push_late(&mut b, d);
                    }
                    b.extend_from_slice(b" late)");
                }
                StepStatus::Due => {
                    b.extend_from_slice(b": send by ");
                    push_moment(&mut b, &i.latest, DAY_TIME_ZONE);
                    b.extend_from_slice(b" (best ");
                    push_moment(&mut b, &i.recommended, WEEKDAY_TIME);
                    b.push(b')');
                }
                _ => {
                    b.extend_from_slice(b": opens ");
                    push_moment(&mut b, &i.earliest, DAY);
                    b.extend_from_slice(b", best ");
                    push_moment(&mut b, &i.recommended, DAY_TIME_ZONE);
                }
            }
            b.push(b' ');
            b.extend_from_slice(rule_on.as_bytes());
            b.push(b'[');
            b.extend_from_slice(i.rules.joined().as_bytes());
            b.push(b']');
            b.extend_from_slice(rule_off.as_bytes());
            b.push(b'\n');
            if why {
                for w in i.why.iter() {
                    b.extend_from_slice(b"      - ");
                    b.extend_from_slice(w.as_bytes());
                    b.push(b'\n');
                }
            }
            flush_piece(out, &mut b)?;
        }
    }
    out.write_all(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_written_as_strftime_writes_them() {
        let instants = [
            "2026-12-01T15:00:00Z",
            "2027-03-28T01:30:00Z",
            "2026-07-04T23:59:00Z",
            "2030-01-05T09:05:00Z",
        ];
        for zone in [
            "UTC",
            "America/New_York",
            "Europe/London",
            "Asia/Kolkata",
            "Australia/Lord_Howe",
            "America/Sao_Paulo",
        ] {
            let tz = jiff::tz::TimeZone::get(zone).unwrap();
            for at in instants {
                let z = at.parse::<jiff::Timestamp>().unwrap().to_zoned(tz.clone());
                for (way, format) in [
                    (DAY, "%a %b %-d"),
                    (WEEKDAY_TIME, "%a %H:%M"),
                    (DAY_TIME_ZONE, "%a %b %-d %H:%M %Z"),
                ] {
                    let want = z.strftime(format).to_string();
                    let mut got = Vec::new();
                    push_moment(&mut got, &z, way);
                    assert_eq!(
                        String::from_utf8(got).unwrap(),
                        want,
                        "{zone} {at} {format}"
                    );
                }
            }
        }
    }

    #[test]
    fn numbers_and_lateness_are_written_as_display_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 12345, -1, -10, i64::MAX, i64::MIN] {
            let mut got = Vec::new();
            push_int(&mut got, n);
            assert_eq!(String::from_utf8(got).unwrap(), n.to_string());
        }
        for (hours, want) in [
            (0, "1h"),
            (1, "1h"),
            (47, "47h"),
            (48, "2 days"),
            (100, "4 days"),
        ] {
            let mut got = Vec::new();
            push_late(&mut got, SignedDuration::from_hours(hours));
            assert_eq!(String::from_utf8(got).unwrap(), want);
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut texts: Vec<String> = [
            "",
            "plain",
            "\"within a week\"",
            "back\\slash",
            "tab\tnew\nline\rfeed\u{c}bell\u{7}\u{8}\u{1f}\u{0}",
            "Zoë — Åsa 日本 \u{7f}",
            "exactly sixteen!",
            "a longer text that runs past sixteen bytes with \"a quote\" near its end\"",
        ]
        .map(str::to_string)
        .to_vec();
        texts.push((0u8..=0x7f).map(char::from).collect());
        // Each escape at every place of a word of eight, and a few at once.
        for c in ['"', '\\', '\n', '\u{1}', '\u{1f}', 'é', '\u{7f}', ' '] {
            for at in 0..20 {
                let mut t = "x".repeat(19);
                t.insert(at, c);
                texts.push(t.clone());
                t.insert(at / 2, c);
                texts.push(t);
            }
        }
        for t in texts {
            let mut got = Vec::new();
            json::push_str(&mut got, &t);
            let want = serde_json::to_string(&t).unwrap();
            assert_eq!(String::from_utf8(got).unwrap(), want, "{t:?}");
        }
    }

    #[test]
    fn words_written_without_escaping_need_none() {
        use followup_core::model::Channel;
        let words = StepKind::ALL.iter().map(|k| k.as_str());
        let words = words.chain(Channel::ALL.iter().map(|c| c.as_str()));
        let words = words.chain(Group::ALL.iter().map(|g| g.as_str()));
        let statuses = [
            StepStatus::Upcoming,
            StepStatus::Due,
            StepStatus::Overdue,
            StepStatus::Missed,
        ];
        for word in words.chain(statuses.iter().map(|s| s.as_str())) {
            let mut quoted = Vec::new();
            json::push_word(&mut quoted, word);
            let mut escaped = Vec::new();
            json::push_str(&mut escaped, word);
            assert_eq!(quoted, escaped, "{word}");
        }
    }

    #[test]
    fn specials_are_found_byte_by_byte() {
        let bytes: Vec<u8> = (0u8..=255)
            .chain([b'"', b'\\', 0, 0x1f, 0x20, 0x80])
            .collect();
        for start in 0..bytes.len() - json::BLOCK {
            let block: &[u8; json::BLOCK] = bytes[start..start + json::BLOCK].try_into().unwrap();
            let want = (0..json::BLOCK)
                .filter(|&i| matches!(block[i], 0..=0x1f | b'"' | b'\\'))
                .fold(0u32, |m, i| m | 1 << i);
            assert_eq!(json::specials(block), want, "{block:?}");
            assert_eq!(json::plain(block), want == 0, "{block:?}");
        }
    }

    #[test]
    fn joined_texts_are_written_as_their_list() {
        let long = "a reason long enough to fill a block of thirty-two bytes, \"quoted\"";
        for sep in ['\u{1f}', ' '] {
            let s = sep.to_string();
            let mut cases: Vec<String> = vec![
                String::new(),
                s.clone(),
                s.repeat(3),
                "one".into(),
                format!("{s}one{s}{s}two{s}"),
                format!("{long}{s}{long}{s}{long}"),
                format!("{s}{long}\n{long}{s}\u{1}{s}"),
            ];
            // The separator at every place around a block's end.
            for at in 25..40 {
                let mut t = "y".repeat(60);
                t.replace_range(at..=at, &s);
                cases.push(t);
            }
            for joined in cases {
                let mut got = Vec::new();
                json::push_joined(&mut got, &joined, sep);
                let mut want = Vec::new();
                json::push_list(&mut want, joined.split(sep).filter(|t| !t.is_empty()));
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    String::from_utf8(want).unwrap(),
                    "{joined:?}"
                );
            }
        }
    }

    /// The agenda of a sample database, with texts that need escaping.
    fn sample() -> (Vec<Entry>, Vec<Group>, Zoned) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("f.sqlite");
        let now: jiff::Timestamp = "2026-12-01T15:00:00Z".parse().unwrap();
        {
            let mut s = followup_store::Store::open(&db).unwrap();
            followup_store::demo::populate(&mut s, 60, 3, now).unwrap();
        }
        let ctx = Ctx::new(Default::default(), Some(db), now).unwrap();
        let mut all = followup_app::agenda::entries(&ctx, 30, true).unwrap();
        assert!(all.len() > 20, "{} items", all.len());
        let odd = [
            "Quote \"Co\"",
            "Back\\slash\tTab",
            "Ünïcode — 東京",
            "\u{1}ctl",
        ];
        for (k, e) in all.iter_mut().enumerate().step_by(3) {
            e.company = odd[k % odd.len()].into();
            e.role = odd[(k + 1) % odd.len()].into();
            if e.to.is_some() {
                e.to = Some(odd[(k + 2) % odd.len()].into());
            }
        }
        let today = now.to_zoned(jiff::tz::TimeZone::UTC);
        let groups = all.iter().map(|e| Group::of(e, &today)).collect();
        (all, groups, today)
    }

    #[test]
    fn the_json_is_what_serde_json_writes() {
        let (all, groups, today) = sample();
        for n in [0, 1, all.len()] {
            let some = &all[..n];
            let mut got = Vec::new();
            write_json(&mut got, some, &groups[..n]).unwrap();
            let doc = AgendaJson {
                items: some.iter().map(|e| ItemJson::new(e, &today)).collect(),
            };
            let mut want = serde_json::to_vec_pretty(&doc).unwrap();
            want.push(b'\n');
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap(),
                "{n} items"
            );
        }
        // Items with no rules or reasons, and none of a few, are the same too.
        let mut bare = all[0].clone();
        bare.rules = Texts::default();
        bare.why = Texts::default();
        bare.late_by = Some(SignedDuration::from_hours(-3));
        let mut got = Vec::new();
        write_json(&mut got, std::slice::from_ref(&bare), &groups[..1]).unwrap();
        let doc = AgendaJson {
            items: vec![ItemJson::new(&bare, &today)],
        };
        let want = serde_json::to_string_pretty(&doc).unwrap() + "\n";
        assert_eq!(String::from_utf8(got).unwrap(), want);
    }

    /// The human agenda as it was written with `format!` and `strftime`, line by line.
    fn human_reference(all: &[Entry], today: &Zoned, why: bool, color: bool) -> String {
        use std::fmt::Write as _;
        let late = |d: SignedDuration| {
            let hours = d.as_hours();
            if hours < 48 {
                format!("{}h", hours.max(1))
            } else {
                format!("{} days", hours / 24)
            }
        };
        let shown = |s: Style| if color { s } else { Style::new() };
        let (head, rule) = (shown(style::HEAD), shown(style::RULE));
        let mut out = String::new();
        let mut first = true;
        for group in Group::ALL {
            let members: Vec<_> = all
                .iter()
                .filter(|i| Group::of(i, today) == group)
                .collect();
            if members.is_empty() {
                continue;
            }
            if !first {
                out.push('\n');
            }
            first = false;
            let sty = shown(match group {
                Group::Overdue => style::BAD,
                Group::DueNow | Group::OpensToday => style::DUE,
                _ => style::HEAD,
            });
            let (on, off) = (sty.render(), sty.render_reset());
            writeln!(out, "{on}{}{off} ({})", group.title(), members.len()).unwrap();
            for i in members {
                let (h, hr) = (head.render(), head.render_reset());
                write!(
                    out,
                    "  {h}#{}{hr} {} — {}",
                    i.application,
                    i.company,
                    i.kind.label()
                )
                .unwrap();
                match (&i.to, i.kind) {
                    (Some(to), _) => write!(out, " to {to}").unwrap(),
                    (None, StepKind::ThankYou) => {
                        write!(out, " to {}", unnamed_interviewers(i.application)).unwrap();
                    }
                    _ => {}
                }
                let f = |z: &Zoned, format: &str| z.strftime(format).to_string();
                let full = "%a %b %-d %H:%M %Z";
                match i.status {
                    StepStatus::Overdue => write!(
                        out,
                        ": was due by {} ({} late)",
                        f(&i.latest, full),
                        i.late_by.map(late).unwrap_or_default()
                    ),
                    StepStatus::Due => write!(
                        out,
                        ": send by {} (best {})",
                        f(&i.latest, full),
                        f(&i.recommended, "%a %H:%M")
                    ),
                    _ => write!(
                        out,
                        ": opens {}, best {}",
                        f(&i.earliest, "%a %b %-d"),
                        f(&i.recommended, full)
                    ),
                }
                .unwrap();
                let (r, rr) = (rule.render(), rule.render_reset());
                writeln!(out, " {r}[{}]{rr}", i.rules.joined()).unwrap();
                if why {
                    for w in i.why.iter() {
                        writeln!(out, "      - {w}").unwrap();
                    }
                }
            }
        }
        out
    }

    #[test]
    fn the_human_agenda_is_what_format_wrote() {
        let (all, groups, today) = sample();
        for why in [false, true] {
            for color in [false, true] {
                for n in [1, all.len()] {
                    let mut got = Vec::new();
                    print_human(&mut got, 7, &all[..n], &groups[..n], why, color).unwrap();
                    let want = human_reference(&all[..n], &today, why, color);
                    assert_eq!(String::from_utf8(got).unwrap(), want, "{n} {why} {color}");
                }
            }
        }
        let mut got = Vec::new();
        print_human(&mut got, 3, &[], &[], false, false).unwrap();
        assert_eq!(
            String::from_utf8(got).unwrap(),
            "Nothing to do in the next 3 days.\n"
        );
    }
}
