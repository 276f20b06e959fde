//! The iCalendar writer: folding at 75 octets (multibyte text included), TEXT escaping,
//! stable UIDs, VTIMEZONE blocks from jiff's zone data, and the document's frame.

use followup_core::ical::export::{
    self, escape_text, fold, uid, vtimezone, Alarm, Event, EventStatus, MAX_LINE_OCTETS,
};
use followup_core::plan::StepKind;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};

/// RFC 5545 unfolding: a CRLF followed by one space or tab is removed.
fn unfold(text: &str) -> String {
    text.replace("\r\n ", "").replace("\r\n\t", "")
}

fn physical_lines(text: &str) -> Vec<&str> {
    assert!(text.ends_with("\r\n"), "ends with CRLF: {text:?}");
    text[..text.len() - 2].split("\r\n").collect()
}

fn assert_folded(text: &str) {
    for line in physical_lines(text) {
        assert!(
            line.len() <= MAX_LINE_OCTETS,
            "{} octets: {line:?}",
            line.len()
        );
        assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
    }
    // No bare LF or CR anywhere: every line break is CRLF.
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            assert_eq!(bytes[i - 1], b'\r', "bare LF at {i}");
        }
        if *b == b'\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at {i}");
        }
    }
}

#[test]
fn short_lines_are_not_folded() {
    assert_eq!(fold("VERSION:2.0"), "VERSION:2.0\r\n");
    let exact = format!("X:{}", "a".repeat(73));
    assert_eq!(exact.len(), 75);
    assert_eq!(fold(&exact), format!("{exact}\r\n"));
}

#[test]
fn long_ascii_lines_fold_at_75_octets() {
    let line = format!("DESCRIPTION:{}", "x".repeat(200));
    let folded = fold(&line);
    let lines = physical_lines(&folded);
    assert_eq!(lines[0].len(), 75);
    assert!(lines[1].starts_with(' '));
    assert_eq!(lines[1].len(), 75, "the leading space counts");
    assert_folded(&folded);
    assert_eq!(unfold(&folded), format!("{line}\r\n"));
}

#[test]
fn multibyte_text_is_never_split_inside_a_character() {
    // 2-, 3- and 4-octet characters, at every alignment against the 75-octet limit.
    for pad in 0..4 {
        for sample in ["é", "日本", "😀", "Zoë Łukasz — 東京 🙂"] {
            let line = format!("SUMMARY:{}{}", "a".repeat(pad), sample.repeat(40));
            let folded = fold(&line);
            assert_folded(&folded);
            // Each physical line is valid UTF-8 on its own.
            for l in physical_lines(&folded) {
                assert!(std::str::from_utf8(l.as_bytes()).is_ok());
            }
            assert_eq!(unfold(&folded), format!("{line}\r\n"), "pad {pad} {sample}");
            // A 4-octet character that does not fit starts the next line.
            let first = physical_lines(&folded)[0];
            assert!(first.len() > 75 - 4, "{first:?}");
        }
    }
}

#[test]
fn text_escaping() {
    assert_eq!(escape_text("a\\b"), "a\\\\b");
    assert_eq!(escape_text("a;b,c"), "a\\;b\\,c");
    assert_eq!(
        escape_text("one\ntwo\r\nthree\rfour"),
        "one\\ntwo\\nthree\\nfour"
    );
    assert_eq!(escape_text("colon: fine"), "colon: fine");
    assert_eq!(
        escape_text("tab\tkept, bell\u{7} dropped"),
        "tab\tkept\\, bell dropped"
    );
    assert_eq!(escape_text("Zoë \"quoted\""), "Zoë \"quoted\"");
}

#[test]
fn uids_are_stable_and_distinct() {
    assert_eq!(
        uid(7, StepKind::ThankYou, Some(3)),
        "followup-7-thank_you-3@followup.local"
    );
    assert_eq!(
        uid(7, StepKind::FollowUp, None),
        "followup-7-follow_up@followup.local"
    );
    assert_eq!(
        uid(7, StepKind::ThankYou, Some(3)),
        uid(7, StepKind::ThankYou, Some(3))
    );
    let all = [
        uid(7, StepKind::ThankYou, Some(3)),
        uid(7, StepKind::ThankYou, Some(4)),
        uid(7, StepKind::ThankYou, None),
        uid(7, StepKind::FollowUp, None),
        uid(7, StepKind::FinalFollowUp, None),
        uid(7, StepKind::MoveOn, None),
        uid(7, StepKind::FeedbackRequest, None),
        uid(71, StepKind::FollowUp, None),
    ];
    let set: std::collections::BTreeSet<_> = all.iter().collect();
    assert_eq!(set.len(), all.len());
}

fn zoned(s: &str) -> Zoned {
    s.parse().unwrap()
}

#[test]
fn vtimezone_covers_the_span_with_each_change() {
    let tz = TimeZone::get("America/New_York").unwrap();
    let from: Timestamp = "2026-02-01T00:00:00Z".parse().unwrap();
    let to: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
    let block = vtimezone(&tz, from, to).unwrap();
    assert_folded(&block);
    let text = unfold(&block);
    assert!(text.starts_with("BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n"));
    // In force on Feb 1: standard time since Nov 1 2025; then the two 2026 changes.
    assert!(
        text.contains("BEGIN:STANDARD\r\nDTSTART:20251102T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\nEND:STANDARD"),
        "{text}"
    );
    assert!(
        text.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\nEND:DAYLIGHT"),
        "{text}"
    );
    assert!(
        text.contains(
            "BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500"
        ),
        "{text}"
    );
    assert_eq!(text.matches("BEGIN:DAYLIGHT").count(), 1);
    assert_eq!(text.matches("BEGIN:STANDARD").count(), 2);
    assert!(text.ends_with("END:VTIMEZONE\r\n"));
}

#[test]
fn vtimezone_for_a_zone_without_changes_and_none_for_utc() {
    let tz = TimeZone::get("Asia/Kolkata").unwrap();
    let t: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
    let text = unfold(&vtimezone(&tz, t, t).unwrap());
    assert!(text.contains("TZOFFSETTO:+0530"), "{text}");
    assert!(vtimezone(&TimeZone::UTC, t, t).is_none());
}

fn event(uid: &str, start: &str, status: EventStatus) -> Event {
    Event {
        uid: uid.into(),
        sequence: 2,
        status,
        start: zoned(start),
        duration: SignedDuration::from_mins(30),
        summary: "Thank-you to Zoë Łukasz, Acme; Inc. (due by 11:00)".into(),
        description: "Why:\n- T1: within 24 h\n\nDraft:\nHi Zoë,\n\nThank you — 東京 again. "
            .repeat(3),
        alarm: Some(Alarm {
            before: SignedDuration::from_mins(15),
            description: "Thank-you to Zoë".into(),
        }),
    }
}

#[test]
fn the_document_frame_events_and_alarms() {
    let stamp: Timestamp = "2026-12-01T17:00:00Z".parse().unwrap();
    let events = [
        event(
            "followup-1-thank_you-3@followup.local",
            "2026-12-01T11:15:00-05:00[America/New_York]",
            EventStatus::Confirmed,
        ),
        event(
            "followup-2-follow_up@followup.local",
            "2026-12-08T10:00:00+01:00[Europe/Berlin]",
            EventStatus::Tentative,
        ),
        event(
            "followup-1-thank_you-4@followup.local",
            "2026-12-01T16:15:00+00:00[UTC]",
            EventStatus::Cancelled,
        ),
    ];
    let doc = export::write("followup", &events, stamp);
    assert_folded(&doc);
    let text = unfold(&doc);
    assert!(text.starts_with(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//followup//followup export//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n"
    ));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    // One VTIMEZONE per zone used, in name order, before the events; none for UTC.
    let berlin = text.find("TZID:Europe/Berlin").unwrap();
    let ny = text.find("TZID:America/New_York").unwrap();
    assert!(ny < berlin && berlin < text.find("BEGIN:VEVENT").unwrap());
    assert_eq!(text.matches("BEGIN:VTIMEZONE").count(), 2);
    assert!(text.contains("DTSTART;TZID=America/New_York:20261201T111500\r\n"));
    assert!(text.contains("DTEND;TZID=America/New_York:20261201T114500\r\n"));
    assert!(text.contains("DTSTART;TZID=Europe/Berlin:20261208T100000\r\n"));
    assert!(
        text.contains("DTSTART:20261201T161500Z\r\n"),
        "UTC without TZID"
    );
    assert_eq!(text.matches("DTSTAMP:20261201T170000Z\r\n").count(), 3);
    assert_eq!(text.matches("SEQUENCE:2\r\n").count(), 3);
    assert!(text.contains("SUMMARY:Thank-you to Zoë Łukasz\\, Acme\\; Inc. (due by 11:00)\r\n"));
    assert!(text.contains("DESCRIPTION:Why:\\n- T1: within 24 h\\n\\nDraft:\\nHi Zoë\\,\\n"));
    assert!(text.contains("STATUS:CONFIRMED\r\n"));
    assert!(text.contains("STATUS:TENTATIVE\r\n"));
    assert!(text.contains("STATUS:CANCELLED\r\n"));
    // A reminder for each standing event; none for the cancelled one.
    assert_eq!(text.matches("BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER;RELATED=START:-PT15M\r\nDESCRIPTION:Thank-you to Zoë\r\nEND:VALARM").count(), 2);
    let cancelled = &text[text.find("followup-1-thank_you-4").unwrap()..];
    assert!(!cancelled.contains("VALARM"));
}

#[test]
fn the_same_input_gives_the_same_document() {
    let stamp: Timestamp = "2026-12-01T17:00:00Z".parse().unwrap();
    let events = [event(
        "followup-1-thank_you-3@followup.local",
        "2026-12-01T11:15:00-05:00[America/New_York]",
        EventStatus::Confirmed,
    )];
    assert_eq!(
        export::write("followup", &events, stamp),
        export::write("followup", &events, stamp)
    );
}
