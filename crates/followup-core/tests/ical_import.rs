//! The import of interview invitations, against a corpus shaped like what Google
//! Calendar, Outlook/Exchange, Zoom, Teams, Calendly and Apple Calendar send
//! (`tests/invites/`), and the errors for bad input.

use followup_core::ical::import::{
    company_from_title, company_label, decode_text, guess_company, host_in_description,
    parse_holidays, parse_invites, parse_invites_bytes, parse_invites_with, role_from_title,
    round_from_title, strip_tags, GuessSource, ImportError, Invite, ParseOptions, MAX_INPUT_BYTES,
};
use followup_core::model::Round;
use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use proptest::prelude::*;

fn read(name: &str) -> String {
    let path = format!("{}/tests/invites/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn all(name: &str) -> Vec<Invite> {
    parse_invites(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn one(name: &str) -> Invite {
    let mut v = all(name);
    assert_eq!(v.len(), 1, "{name}");
    v.remove(0)
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn names(i: &Invite, me: &str) -> Vec<String> {
    i.interviewers(Some(me))
        .into_iter()
        .map(|p| p.name)
        .collect()
}

fn company(i: &Invite, me: &str) -> (String, GuessSource) {
    let g = guess_company(i, Some(me)).expect("a company guess");
    (g.name, g.source)
}

const GMAIL_ME: &str = "Alex.Candidate@gmail.com";
const ME: &str = "alex@example.org";

#[test]
fn google_calendar_invite() {
    let i = one("google.ics");
    assert_eq!(i.uid, "4k1ddb2ovq0ptc8ed7pcl9cs3f@google.com");
    assert_eq!(i.start, ts("2026-12-01T15:00:00Z"));
    assert_eq!(i.end, ts("2026-12-01T15:45:00Z"));
    assert_eq!(i.duration_minutes(), 45);
    assert_eq!(i.tz.as_deref(), Some("America/New_York"));
    assert_eq!(i.title, "Acme — Backend Engineer interview");
    assert_eq!(
        i.location.as_deref(),
        Some("https://meet.google.com/xyz-abcd-efg")
    );
    // Escaped commas and newlines, folded lines.
    let d = i.description.as_deref().unwrap();
    assert!(
        d.starts_with(
            "Hi Alex,\n\nLooking forward to talking about the Backend Engineer role, the team"
        ),
        "{d}"
    );
    // The user (compared case-insensitively) and the meeting room are not interviewers;
    // the organiser listed again as an attendee counts once.
    assert_eq!(names(&i, GMAIL_ME), ["Jane Doe", "Raj Patel"]);
    assert_eq!(
        company(&i, GMAIL_ME),
        ("Acme".into(), GuessSource::OrganizerDomain)
    );
    assert_eq!(
        role_from_title(&i.title).as_deref(),
        Some("Backend Engineer")
    );
    assert!(!i.cancelled);
    assert_eq!(i.sequence, 0);
    assert_eq!(i.line, 24);
}

#[test]
fn outlook_invite_with_a_windows_zone_and_last_first_names() {
    let i = one("outlook.ics");
    assert_eq!(i.tz.as_deref(), Some("Europe/Berlin"));
    assert_eq!(i.start, ts("2026-12-03T13:00:00Z"));
    assert_eq!(i.end, ts("2026-12-03T14:00:00Z"));
    assert_eq!(i.location.as_deref(), Some("Raum Berlin 3.14"));
    // CN="Müller, Anna" and a quoted name folded across two lines.
    assert_eq!(names(&i, ME), ["Anna Müller", "Thomas Schmidt"]);
    assert_eq!(
        company(&i, ME),
        ("Globex".into(), GuessSource::OrganizerDomain)
    );
    assert_eq!(
        role_from_title(&i.title).as_deref(),
        Some("Senior Data Engineer")
    );
    assert_eq!(round_from_title(&i.title), Some(Round::Technical));
    assert!(i.uid.starts_with("040000008200E00074C5B7101A82E008"));
    assert!(i.uid.ends_with("D9E0F1A2B"), "unfolded: {}", i.uid);
}

#[test]
fn zoom_invite_in_utc() {
    let i = one("zoom.ics");
    assert_eq!(i.start, ts("2026-12-04T17:00:00Z"));
    assert_eq!(i.end, ts("2026-12-04T17:30:00Z"));
    assert_eq!(i.tz, None);
    assert!(i
        .location
        .as_deref()
        .unwrap()
        .starts_with("https://initech.zoom.us/j/86123456789"));
    assert_eq!(names(&i, ME), ["Priya Raman"]);
    assert_eq!(
        company(&i, ME),
        ("Initech".into(), GuessSource::OrganizerDomain)
    );
    assert_eq!(round_from_title(&i.title), Some(Round::Screen));
    assert_eq!(role_from_title(&i.title), None);
}

#[test]
fn teams_invite_takes_the_meeting_link() {
    let i = one("teams.ics");
    assert_eq!(i.tz.as_deref(), Some("America/Los_Angeles"));
    assert_eq!(i.start, ts("2026-12-07T17:00:00Z"));
    assert_eq!(i.end, ts("2026-12-07T18:30:00Z"));
    let loc = i.location.as_deref().unwrap();
    assert!(
        loc.starts_with(
            "Microsoft Teams Meeting (https://teams.microsoft.com/l/meetup-join/19%3ameeting_"
        ),
        "{loc}"
    );
    assert_eq!(
        names(&i, ME),
        ["Linh Nguyen", "Sean O'Brien", "Recruiting Team"]
    );
    assert_eq!(
        company(&i, ME),
        ("Umbrella Corp".into(), GuessSource::OrganizerDomain)
    );
    assert_eq!(
        role_from_title(&i.title).as_deref(),
        Some("Product Manager")
    );
    assert_eq!(round_from_title(&i.title), Some(Round::Panel));
}

#[test]
fn calendly_invite_guesses_from_the_host_not_the_service() {
    let i = one("calendly.ics");
    assert_eq!(i.start, ts("2026-12-08T15:00:00Z"));
    assert_eq!(i.tz, None);
    assert_eq!(
        i.location.as_deref(),
        Some("https://meet.google.com/qrs-tuvw-xyz")
    );
    // Calendly's notification address is not a person.
    assert_eq!(names(&i, ME), ["Sam Lee"]);
    assert_eq!(
        company(&i, ME),
        ("Hooli".into(), GuessSource::AttendeeDomain)
    );
}

#[test]
fn apple_invite_with_vtimezone_and_a_floating_event() {
    let v = all("apple.ics");
    assert_eq!(v.len(), 2);
    let i = &v[0];
    assert_eq!(i.tz.as_deref(), Some("Europe/London"));
    assert_eq!(i.start, ts("2026-12-09T10:00:00Z"));
    assert_eq!(i.end, ts("2026-12-09T11:30:00Z"));
    assert_eq!(
        i.location.as_deref(),
        Some("Vandelay Industries 1 Example Street London EC1A 1AA, UK")
    );
    assert_eq!(names(i, ME), ["George Costanza"]);
    // The domain (vandelay.co.uk) spelled as the title spells it.
    assert_eq!(
        company(i, ME),
        ("Vandelay Industries".into(), GuessSource::OrganizerDomain)
    );
    assert_eq!(round_from_title(&i.title), Some(Round::Onsite));

    // Floating: UTC by default, else the configured zone.
    let f = &v[1];
    assert!(f.floating);
    assert_eq!(
        (f.start, f.tz.as_deref()),
        (ts("2026-12-08T18:00:00Z"), None)
    );
    let opts = ParseOptions {
        floating_tz: Some(TimeZone::get("America/Chicago").unwrap()),
    };
    let v = parse_invites_with(&read("apple.ics"), &opts).unwrap();
    assert_eq!(v[1].start, ts("2026-12-09T00:00:00Z"));
    assert_eq!(v[1].tz.as_deref(), Some("America/Chicago"));
    // Events with a zone are not affected.
    assert_eq!(v[0].start, ts("2026-12-09T10:00:00Z"));
}

#[test]
fn cancel_and_update_keep_the_uid() {
    let first = one("google.ics");
    let cancel = one("cancel.ics");
    assert!(cancel.cancelled);
    assert_eq!(cancel.uid, first.uid);
    assert_eq!(cancel.sequence, 2);
    let upd = one("update-seq2.ics");
    assert_eq!(upd.uid, first.uid);
    assert_eq!(upd.sequence, 2);
    assert!(!upd.cancelled);
    assert_eq!(upd.start, ts("2026-12-02T19:00:00Z"));
    assert_eq!(names(&upd, GMAIL_ME), ["Jane Doe", "Raj Patel", "Mia Wong"]);
}

#[test]
fn email_with_a_calendar_part() {
    let i = one("invite.eml");
    let z = one("zoom.ics");
    assert_eq!(i.uid, format!("eml-{}", z.uid));
    assert_eq!((i.start, i.end, &i.tz), (z.start, z.end, &z.tz));
    assert_eq!(i.location, z.location);
    assert_eq!(names(&i, ME), ["Priya Raman"]);
    assert_eq!(company(&i, ME).0, "Initech");
}

#[test]
fn holidays_from_closure_days() {
    let h = parse_holidays(&read("closures.ics")).unwrap();
    assert_eq!(
        h,
        vec![
            (date(2026, 12, 7), "Acme winter shutdown".to_string()),
            (date(2026, 12, 8), "Acme winter shutdown".to_string()),
            (date(2026, 12, 11), "Founders' Day".to_string()),
        ]
    );
}

#[test]
fn a_zone_known_only_by_its_rules() {
    // Exchange's "Customized Time Zone": US Pacific rules, no name of a real zone.
    let v = all("outlook-custom-zone.ics");
    assert_eq!(v.len(), 3);
    assert_eq!(v[0].start, ts("2026-12-03T18:00:00Z"), "PST in December");
    assert_eq!(v[1].start, ts("2027-07-06T17:00:00Z"), "PDT in July");
    assert_eq!(v[0].tz.as_deref(), Some("America/Los_Angeles"));
    // One fixed offset: +05:30.
    assert_eq!(v[2].start, ts("2026-12-04T09:30:00Z"));
    assert_eq!(v[2].tz.as_deref(), Some("Asia/Kolkata"));
}

#[test]
fn repeating_closures_are_expanded() {
    let h = parse_holidays(&read("closures-recurring.ics")).unwrap();
    let break_days: Vec<_> = h
        .iter()
        .filter(|(_, n)| n == "Acme holiday break")
        .map(|(d, _)| *d)
        .collect();
    // Two days a year; 2027 excluded (EXDATE), 2028 moved to one day (RECURRENCE-ID).
    assert_eq!(
        &break_days[..5],
        &[
            date(2026, 12, 24),
            date(2026, 12, 25),
            date(2028, 12, 22),
            date(2029, 12, 24),
            date(2029, 12, 25),
        ][..],
        "{break_days:?}"
    );
    assert!(!break_days.contains(&date(2027, 12, 24)));
    assert!(!break_days.contains(&date(2028, 12, 24)));
    // A rule without an end is read for a hundred years, not for ever.
    assert!(break_days.contains(&date(2126, 12, 25)));
    assert!(!break_days.iter().any(|d| d.year() > 2126));
    let fridays: Vec<_> = h
        .iter()
        .filter(|(_, n)| n == "Summer Friday")
        .map(|(d, _)| *d)
        .collect();
    assert_eq!(
        fridays,
        vec![date(2026, 7, 3), date(2026, 7, 10), date(2026, 7, 17)]
    );
    let mut offsite: Vec<_> = h
        .iter()
        .filter(|(_, n)| n == "Offsite")
        .map(|(d, _)| *d)
        .collect();
    offsite.sort();
    assert_eq!(offsite, vec![date(2026, 9, 15), date(2027, 9, 15)]);
}

#[test]
fn a_broken_repeat_rule_is_refused_with_its_line() {
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n\
        DTSTART;VALUE=DATE:20261224\r\nRRULE:FREQ=YEARLY;BYMONTH=13\r\nSUMMARY:Closed\r\n\
        END:VEVENT\r\nEND:VCALENDAR\r\n";
    match parse_holidays(text) {
        Err(e) => assert!(e.to_string().contains("line 3"), "{e}"),
        Ok(h) => panic!("read {h:?}"),
    }
}

#[test]
fn titles() {
    let none: &[&str] = &[];
    for (title, company) in [
        ("Interview with Acme", Some("Acme")),
        ("Backend Engineer Interview at Acme", Some("Acme")),
        ("Acme: technical screen", Some("Acme")),
        ("Acme — Backend Engineer interview", Some("Acme")),
        ("Backend Engineer - Acme", Some("Acme")),
        (
            "Invitation: Acme Interview @ Tue Dec 1, 2026 10am - 11am (EST)",
            Some("Acme"),
        ),
        ("Interview", None),
        ("Phone screen", None),
        (
            "30 Minute Intro Call between Sam Lee and Alex Candidate",
            None,
        ),
    ] {
        assert_eq!(
            company_from_title(title, none).as_deref(),
            company,
            "{title}"
        );
    }
    assert_eq!(
        company_from_title("Interview with Jane Doe", &["Jane Doe"]),
        None
    );
    assert_eq!(
        role_from_title("Senior Backend Engineer interview with Acme").as_deref(),
        Some("Senior Backend Engineer")
    );
    assert_eq!(
        company_label("jane@mail.acme.co.uk").as_deref(),
        Some("acme")
    );
    assert_eq!(company_label("jane@acme.com").as_deref(), Some("acme"));
    assert_eq!(company_label("jane@gmail.com"), None);
    assert_eq!(company_label("x@calendly.com"), None);
    assert_eq!(company_label("not-an-address"), None);
}

// ---------------------------------------------------------------------------------------
// Bad input: an error naming the problem and the line, never a panic.

fn err(text: &str) -> ImportError {
    parse_invites(text).expect_err("an error")
}

#[test]
fn not_icalendar() {
    let e = err("\n\nhello world\n");
    assert_eq!(
        e,
        ImportError::NotICalendar {
            line: 3,
            found: "hello world".into()
        }
    );
    assert!(e.to_string().contains("line 3"), "{e}");
    assert_eq!(err(""), ImportError::Empty);
    assert_eq!(err("\n \r\n"), ImportError::Empty);
    assert_eq!(err("").to_string(), "the file is empty");
    // Binary input: control characters escaped, never written to a terminal.
    let e = err("\u{0}\rab\u{1b}[2J").to_string();
    assert!(!e.chars().any(char::is_control), "{e:?}");
    assert!(e.contains("\\u{0}"), "{e}");
}

#[test]
fn no_event() {
    let e = err("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n");
    assert!(matches!(e, ImportError::NoEvent { .. }), "{e}");
    assert!(e.to_string().contains("no VEVENT"), "{e}");
    // An e-mail without a calendar part.
    let mail = "From: a@b.com\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello\r\n";
    assert_eq!(err(mail), ImportError::NoCalendarPart);
}

#[test]
fn unknown_tzid_names_the_line() {
    let text = read("google.ics").replace(
        "DTSTART;TZID=America/New_York:20261201T100000",
        "DTSTART;TZID=Mars/Olympus_Mons:20261201T100000",
    );
    let e = err(&text);
    assert_eq!(
        e,
        ImportError::UnknownTzid {
            tzid: "Mars/Olympus_Mons".into(),
            line: 25
        }
    );
    assert!(e.to_string().contains("line 25"), "{e}");
}

#[test]
fn too_large_and_too_long_lines() {
    let big = format!(
        "BEGIN:VCALENDAR\n{}",
        "X-PAD:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
            .repeat(MAX_INPUT_BYTES / 60)
    );
    assert!(big.len() > MAX_INPUT_BYTES);
    assert!(matches!(err(&big), ImportError::TooLarge { .. }));
    let long = format!(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:{}\nEND:VEVENT\nEND:VCALENDAR\n",
        "x".repeat(1_000_000)
    );
    assert_eq!(
        err(&long),
        ImportError::LineTooLong {
            line: 3,
            chars: 1_000_008
        }
    );
}

#[test]
fn broken_events_are_refused_with_their_line() {
    let no_start = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nSUMMARY:Hi\nEND:VEVENT\nEND:VCALENDAR\n";
    let e = err(no_start);
    assert_eq!(
        e,
        ImportError::BadEvent {
            line: 2,
            problem: "no DTSTART".into()
        }
    );
    let backwards = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20261201T100000Z\nDTEND:20261201T090000Z\nEND:VEVENT\nEND:VCALENDAR\n";
    assert!(
        err(backwards).to_string().contains("ends"),
        "{}",
        err(backwards)
    );
    let bad_date = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20261345T100000Z\nEND:VEVENT\nEND:VCALENDAR\n";
    assert!(
        matches!(err(bad_date), ImportError::BadEvent { line: 4, .. }),
        "{}",
        err(bad_date)
    );
    // The third event is broken: nothing is returned for the first two.
    let mut three = String::from("BEGIN:VCALENDAR\n");
    for (n, start) in ["20261201T100000Z", "20261202T100000Z", "nonsense"]
        .iter()
        .enumerate()
    {
        three.push_str(&format!(
            "BEGIN:VEVENT\nUID:{n}\nDTSTART:{start}\nEND:VEVENT\n"
        ));
    }
    three.push_str("END:VCALENDAR\n");
    assert!(
        matches!(err(&three), ImportError::BadEvent { line: 12, .. }),
        "{}",
        err(&three)
    );
    let cut = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20261201T100000Z\n";
    assert!(
        matches!(
            err(cut),
            ImportError::Malformed { .. } | ImportError::NoEvent { .. }
        ),
        "{}",
        err(cut)
    );
}

#[test]
fn a_missing_uid_gets_a_stable_one() {
    let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261201T100000Z\nSUMMARY:Acme interview\nEND:VEVENT\nEND:VCALENDAR\n";
    let a = parse_invites(text).unwrap();
    let b = parse_invites(text).unwrap();
    assert_eq!(a[0].uid, b[0].uid);
    assert!(a[0].uid.starts_with("followup-"));
    assert_eq!(a[0].duration_minutes(), 60);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_any_text(s in "\\PC{0,400}") {
        let _ = parse_invites(&s);
        let _ = parse_holidays(&s);
    }

    #[test]
    fn never_panics_on_damaged_invites(cut in 0usize..2200, junk in "[A-Z;:=,\"\\\\ \r\n0-9TZ-]{0,40}") {
        for name in ["google.ics", "outlook.ics", "teams.ics", "invite.eml"] {
            let text = read(name);
            let mut at = cut.min(text.len());
            while !text.is_char_boundary(at) { at -= 1; }
            let damaged = format!("{}{junk}{}", &text[..at], &text[at..]);
            let _ = parse_invites(&damaged);
            let _ = parse_invites(&text[..at]);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Invites as calendars really send them: files from other projects' test suites (see
// tests/invites/README.md for where each comes from).

fn bytes(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/invites/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_download_without_organiser_names_its_host_and_company_elsewhere() {
    let i = one("zoom-download.ics");
    assert!(i.organizer.is_none() && i.attendees.is_empty());
    assert_eq!(i.method.as_deref(), Some("PUBLISH"));
    assert_eq!(i.start, ts("2026-12-14T16:00:00Z"));
    // "Dana Whitfield is inviting you to a scheduled Zoom meeting."
    let host = i.host.clone().expect("the host of the description");
    assert_eq!(host.name, "Dana Whitfield");
    assert_eq!(names(&i, ME), ["Dana Whitfield"]);
    // "Interview: Staff Engineer – Northwind"
    assert_eq!(company(&i, ME), ("Northwind".into(), GuessSource::Title));
    assert_eq!(role_from_title(&i.title).as_deref(), Some("Staff Engineer"));
    // Without a title that names it, the company's own Zoom address does.
    let mut untitled = i.clone();
    untitled.title = "Interview".into();
    assert_eq!(
        company(&untitled, ME),
        ("Northwind".into(), GuessSource::MeetingLink)
    );
}

#[test]
fn titles_and_descriptions_of_exports_name_the_company() {
    let none: &[&str] = &[];
    for (title, company) in [
        ("Interview: Staff Engineer – Acme", Some("Acme")),
        ("Acme <> Jordan", Some("Acme")),
        ("Interview with Acme", Some("Acme")),
        ("Staff Engineer interview (Acme)", Some("Acme")),
        ("Interview (Backend Engineer)", None),
    ] {
        assert_eq!(
            company_from_title(title, none).as_deref(),
            company,
            "{title}"
        );
    }
    let p = host_in_description("Organizer: Jane Doe <jane.doe@fabrikam.com>\nJoin").unwrap();
    assert_eq!(
        (p.name.as_str(), p.email.as_deref()),
        ("Jane Doe", Some("jane.doe@fabrikam.com"))
    );
    // Google Meet writes the name and the address on the lines after "Organizer".
    let p = host_in_description("Join with Google Meet\n\nOrganizer\nSam Lee\nsam@hooli.com\n")
        .unwrap();
    assert_eq!(p.email.as_deref(), Some("sam@hooli.com"));
    assert_eq!(host_in_description("Agenda: intro, questions"), None);
}

#[test]
fn attendee_parameters_are_read_not_taken_for_the_address() {
    // Parameters as ical.js's parser tests write them: quoted values with ; and :,
    // lists of quoted addresses, an X- parameter with a quoted colon, a quoted address.
    let i = one("attendee-params.ics");
    let o = i.organizer.as_ref().unwrap();
    assert_eq!(
        (o.name.as_str(), o.email.as_deref()),
        ("Ngozi Okafor", Some("ngozi@brightwell.com"))
    );
    let quoted = &i.attendees[0];
    assert_eq!(quoted.email.as_deref(), Some("quoted@brightwell.com"));
    for p in i.organizer.iter().chain(&i.attendees) {
        if let Some(e) = &p.email {
            assert!(!e.contains([';', '=', '"', ':', ' ']), "{e}");
        }
        assert!(!p.name.contains("mailto"), "{}", p.name);
    }
    assert!(
        i.attendees.iter().any(|p| p.name == "Tove Lund"),
        "{:?}",
        i.attendees
    );
    assert!(i
        .attendees
        .iter()
        .any(|p| p.email.as_deref() == Some("tove@lund.test")));
}

#[test]
fn declined_delegated_and_non_participants_are_not_interviewers() {
    // Attendees as khal's tests write them: PARTSTAT, ROLE, DELEGATED-FROM/-TO, CUTYPE,
    // folded with two spaces (one of them in the middle of an address).
    let i = one("partstat-roles.ics");
    let names: Vec<_> = i.attendees.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Priya Raman", "Oskar Lind", "Mwong", "Maybe"]);
    // Not "The Director" (non-participant, delegated), the room, nor "busy" (declined).
}

#[test]
fn what_follows_a_calendar_is_not_read_and_further_calendars_are() {
    let text = format!(
        "{}-- \r\nSent from my phone\r\nX-JUNK:1\r\n",
        read("google.ics")
    );
    let v = parse_invites(&text).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].line, 24);
    // Two VCALENDARs one after the other in one file (the shape of python icalendar's
    // issue_1050 calendar).
    let v = all("two-calendars.ics");
    assert_eq!(
        v.iter().map(|i| i.uid.as_str()).collect::<Vec<_>>(),
        ["first-of-two@followup.test", "second-of-two@followup.test"]
    );
    assert_eq!(v[1].start, ts("2026-12-04T14:00:00Z"));
}

#[test]
fn a_changed_occurrence_moves_only_itself() {
    // A weekly series whose second week moved (RECURRENCE-ID in UTC); the first stays.
    let v = all("weekly-moved-occurrence.ics");
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].start, ts("2025-09-01T07:00:00Z"));
    assert!(v[0].recurring);
    // Zimbra's shape (as in ical.js's samples): the first occurrence itself moved from
    // 10:00 to 14:00, a later one changed too; the interview is the first, moved.
    let v = all("recurring-first-moved.ics");
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].start, ts("2025-11-04T21:00:00Z"));
    assert_eq!(
        v[0].description.as_deref(),
        Some("Moved to the afternoon: the panel runs late.")
    );
    // Its attendees are the series' when the change lists none.
    assert_eq!(v[0].attendees.len(), 3);
}

#[test]
fn a_zone_named_by_its_offset_follows_the_files_rules() {
    // Outlook's shape (as in python icalendar's issue_237 calendar): a TZID that is a
    // display name, "(UTC-04:00) Asunción", with a VTIMEZONE whose summer time runs
    // from October to March; one event in May, one in December.
    let v = all("outlook-offset-zone.ics");
    assert_eq!(
        v[0].start,
        ts("2024-05-14T17:30:00Z"),
        "standard time, -04:00"
    );
    assert_eq!(
        v[1].start,
        ts("2024-12-10T16:30:00Z"),
        "summer time, -03:00"
    );
}

#[test]
fn latin_1_and_windows_1252_text_is_decoded() {
    let v = parse_invites_bytes(&bytes("outlook-cp1252.ics"), &ParseOptions::default()).unwrap();
    assert!(v[0].title.starts_with("Café – "), "{}", v[0].title);
    assert_eq!(names(&v[0], ME), ["Anna Müller", "Thomas Schmidt"]);
    assert_eq!(decode_text(b"caf\xe9 \x96 \x80"), "café – €");
    // An e-mail whose calendar part says charset=ISO-8859-1 (an iMIP request as RFC 6047
    // shows one, 8bit).
    let v = parse_invites_bytes(&bytes("imip-latin1.eml"), &ParseOptions::default()).unwrap();
    assert_eq!(v[0].title, "Entretien téléphonique - Crèmerie Bélanger");
    assert_eq!(v[0].organizer.as_ref().unwrap().name, "Hélène Côté");
    assert_eq!(v[0].method.as_deref(), Some("REQUEST"));
}

#[test]
fn titles_with_angle_brackets_and_markup() {
    assert_eq!(
        role_from_title("Interview: <x> Engineer").as_deref(),
        Some("<x> Engineer")
    );
    assert_eq!(
        strip_tags("<b>Acme</b> — Backend <i>Engineer</i>"),
        "Acme — Backend Engineer"
    );
    assert_eq!(strip_tags("Acme <> Jordan"), "Acme <> Jordan");
    assert_eq!(strip_tags("a < b > c"), "a < b > c");
    let text = read("google.ics").replace(
        "SUMMARY:Acme — Backend Engineer interview",
        "SUMMARY:<b>Acme</b> — Backend Engineer <br/>interview",
    );
    assert_eq!(
        parse_invites(&text).unwrap()[0].title,
        "Acme — Backend Engineer interview"
    );
}

#[test]
fn a_feed_of_all_day_events_is_read_as_it_is() {
    // A holiday calendar as Mozilla Calendar exports one (the shape of the US holidays
    // file in Backdrop CMS's date tests): 57 all-day events without organiser, some of
    // them yearly; the import refuses such a feed (see followup-app).
    let v = all("holiday-feed.ics");
    assert_eq!(v.len(), 57);
    assert!(v.iter().all(|i| i.all_day && i.organizer.is_none()));
    assert!(v
        .iter()
        .any(|i| i.title == "Coronation of King Charles III, bank holiday"));
}
