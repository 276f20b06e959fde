//! Reading a calendar of 10,000 interview invitations (issue target: the whole import
//! under one second). Run with `cargo bench -p followup-core --bench ical_import`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use followup_core::ical::import::parse_invites;

/// `n` events in the shape Google Calendar sends, with a VTIMEZONE, folded lines,
/// escaped commas and a few attendees each.
fn calendar(n: usize) -> String {
    let mut s = String::from(
        "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n\
         METHOD:REQUEST\r\nBEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nX-LIC-LOCATION:America/New_York\r\n\
         BEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\nDTSTART:19700308T020000\r\n\
         RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\n\
         TZOFFSETTO:-0500\r\nTZNAME:EST\r\nDTSTART:19701101T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n\
         END:STANDARD\r\nEND:VTIMEZONE\r\n",
    );
    for i in 0..n {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        s.push_str(&format!(
            "BEGIN:VEVENT\r\nDTSTART;TZID=America/New_York:2026{month:02}{day:02}T100000\r\n\
             DTEND;TZID=America/New_York:2026{month:02}{day:02}T110000\r\nDTSTAMP:20261101T120000Z\r\n\
             ORGANIZER;CN=Jane Doe:mailto:jane.doe@company{i}.com\r\nUID:{i}-bench@google.com\r\n\
             ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Jane Doe;X-NUM-GUESTS=0:mailto:jane.doe@company{i}.com\r\n\
             ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=\"Smith, John\";X-NUM-GUESTS=0:mailto:john.smith@company{i}.com\r\n\
             ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=alex@example.org;X-NUM-GUESTS=0:mailto:alex@example.org\r\n\
             X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij\r\nSEQUENCE:0\r\nSTATUS:CONFIRMED\r\n\
             DESCRIPTION:Looking forward to it\\, see you then.\\nJoin with Google Meet: https://meet.google.com/abc-defg-hij\\n\r\n \
             Learn more about Meet at: https://support.google.com/a/users/answer/9282720\r\n\
             SUMMARY:Company{i} — Backend Engineer interview\r\nEND:VEVENT\r\n"
        ));
    }
    s.push_str("END:VCALENDAR\r\n");
    s
}

fn bench(c: &mut Criterion) {
    let text = calendar(10_000);
    let mut g = c.benchmark_group("ical_import");
    g.sample_size(10);
    g.throughput(Throughput::Elements(10_000));
    g.bench_function("parse_invites/10000", |b| {
        b.iter(|| parse_invites(&text).unwrap().len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
