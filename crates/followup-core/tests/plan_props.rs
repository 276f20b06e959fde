//! Properties every plan must hold, whatever the interview (GUIDANCE T1–T8).

use followup_core::calendar::{self, Region};
use followup_core::model::{Channel, CompanyType, Round, Seniority};
use followup_core::plan::{plan, Interview, Moment, Plan, Recipient, Skipped, StepKind, Why};
use followup_core::policy::{Policy, Preset};
use jiff::civil::{date, Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, ToSpan};
use proptest::prelude::*;

const ZONES: &[&str] = &[
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "UTC",
];
const REGIONS: &[&str] = &[
    "US", "US-NY", "GB-SCT", "DE-BY", "JP", "AU-NSW", "IN", "BR", "CA-QC", "NZ",
];

#[derive(Debug, Clone)]
struct Case {
    day: Date,
    hour: i8,
    minute: i8,
    minutes: i64,
    tz: &'static str,
    recipient_tz: &'static str,
    region: Option<&'static str>,
    decision_days: Option<i64>,
    company_type: Option<CompanyType>,
    seniority: Option<Seniority>,
    round: Option<Round>,
    urgent: bool,
    late: bool,
    rounds: u32,
    phone: bool,
    preset: Preset,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (0i32..(59 * 365), 6i8..21, 0i8..60, 15i64..300),
        (
            0..ZONES.len(),
            0..ZONES.len(),
            proptest::option::of(0..REGIONS.len()),
        ),
        proptest::option::of(0i64..45),
        (
            proptest::option::of(0..CompanyType::ALL.len()),
            proptest::option::of(0..Seniority::ALL.len()),
            proptest::option::of(0..Round::ALL.len()),
        ),
        (
            any::<bool>(),
            any::<bool>(),
            1u32..8,
            any::<bool>(),
            0..3usize,
        ),
    )
        .prop_map(
            |(
                (d, hour, minute, minutes),
                (tz, rtz, region),
                decision_days,
                (c, s, r),
                (urgent, late, rounds, phone, preset),
            )| Case {
                day: date(2000, 1, 1).checked_add(d.days()).unwrap(),
                hour,
                minute,
                minutes,
                tz: ZONES[tz],
                recipient_tz: ZONES[rtz],
                region: region.map(|i| REGIONS[i]),
                decision_days,
                company_type: c.map(|i| CompanyType::ALL[i]),
                seniority: s.map(|i| Seniority::ALL[i]),
                round: r.map(|i| Round::ALL[i]),
                urgent,
                late,
                rounds,
                phone,
                preset: Preset::ALL[preset],
            },
        )
}

fn build(c: &Case) -> (Interview, Recipient, Policy) {
    let tz = TimeZone::get(c.tz).unwrap();
    let start = tz
        .to_ambiguous_zoned(c.day.at(c.hour, c.minute, 0, 0))
        .compatible()
        .unwrap();
    let mut i = Interview::new(start);
    i.duration = SignedDuration::from_mins(c.minutes);
    i.decision_by = c
        .decision_days
        .map(|n| c.day.checked_add(n.days()).unwrap());
    i.company_type = c.company_type;
    i.seniority = c.seniority;
    i.round = c.round;
    i.urgent = c.urgent;
    i.late_in_process = c.late;
    i.rounds_so_far = c.rounds;
    i.channel = if c.phone {
        Channel::Phone
    } else {
        Channel::Email
    };
    let mut r = Recipient::new(TimeZone::get(c.recipient_tz).unwrap());
    r.region = c.region.map(|code| code.parse::<Region>().unwrap());
    (i, r, c.preset.policy())
}

fn check(
    c: &Case,
    i: &Interview,
    r: &Recipient,
    policy: &Policy,
    p: &Plan,
) -> Result<(), TestCaseError> {
    let end = i.end();
    let kinds: Vec<StepKind> = p.steps.iter().map(|s| s.kind).collect();
    prop_assert_eq!(
        kinds,
        vec![
            StepKind::ThankYou,
            StepKind::FollowUp,
            StepKind::FinalFollowUp,
            StepKind::MoveOn
        ],
        "one thank-you, never more than two follow-ups (T5), then move on (T6)"
    );
    let ty = &p.steps[0];
    prop_assert!(
        ty.earliest.timestamp() >= end.timestamp(),
        "T1: not before the end"
    );
    prop_assert!(ty.recommended.timestamp() >= end.timestamp());
    prop_assert!(
        ty.recommended.timestamp() <= end.timestamp() + SignedDuration::from_hours(24),
        "T1: recommended within 24 h: {} vs end {}",
        ty.recommended,
        end
    );
    let hours = r.hours.unwrap_or(policy.hours);
    for s in &p.steps {
        prop_assert!(
            s.earliest <= s.recommended && s.recommended <= s.latest,
            "{:?} window out of order",
            s.kind
        );
        prop_assert_eq!(s.time_zone(), &r.tz, "times are in the recipient's zone");
        for m in [s.earliest, s.recommended, s.latest] {
            let z = s.zoned(m);
            prop_assert_eq!(
                (z.datetime(), z.offset()),
                (m.datetime(), m.offset()),
                "{:?}: {} is the recipient's wall clock",
                s.kind,
                m
            );
        }
        if s.kind == StepKind::ThankYou {
            continue;
        }
        for z in [&s.earliest, &s.recommended, &s.latest] {
            prop_assert!(
                calendar::is_business_day(z.date(), r.region.as_ref()),
                "T8: {:?} lands on {} which is not a business day in {:?}",
                s.kind,
                z,
                c.region
            );
            prop_assert!(
                hours.contains(z.time()),
                "T8: {:?} at {} is outside business hours",
                s.kind,
                z
            );
        }
    }
    thank_you_matches_its_reasons(i, r, policy, p)?;
    for s in &p.steps {
        for w in s.why() {
            if let Why::Moved { from, to, skipped } = &w {
                prop_assert!(!calendar::is_business_day(*from, r.region.as_ref()));
                prop_assert!(calendar::is_business_day(*to, r.region.as_ref()));
                prop_assert_eq!(skipped.days.first().map(|d| d.date), Some(*from));
                days_are_named_for_what_they_are(skipped, *from, *to, r)?;
                let text = w.to_string();
                let first = &skipped.days[0];
                let opens = format!(
                    "{} is not a business day ({}",
                    from.strftime("%a %b %-d"),
                    if first.weekend {
                        "weekend"
                    } else {
                        first.holiday.as_deref().unwrap_or("?")
                    }
                );
                prop_assert!(text.starts_with(&format!("T8: {opens}")), "{}", text);
            }
        }
    }
    for w in p.steps.windows(2) {
        prop_assert!(w[0].recommended < w[1].recommended, "steps in order");
        prop_assert!(w[0].earliest <= w[1].earliest, "windows open in order");
    }
    let fu = &p.steps[1];
    if let Some(d) = i.decision_by {
        prop_assert!(
            fu.earliest.date() > d,
            "T2: not before the decision date has passed"
        );
    }
    let interview_day = end.with_time_zone(r.tz.clone()).date();
    let floor = calendar::add_business_days(interview_day, 5, r.region.as_ref());
    for s in &p.steps[1..3] {
        if s.channel == Channel::Phone || s.alternatives.contains(&Channel::Phone) {
            prop_assert!(
                s.earliest.date() >= floor,
                "T4: phone not before 5 business days"
            );
        }
    }
    Ok(())
}

/// The closed days of a reason are every day from `from` up to `to` that is not a
/// business day, each one a weekend day exactly when it is one and a holiday exactly
/// when the region has one, and its text names each holiday.
fn days_are_named_for_what_they_are(
    skipped: &Skipped,
    from: Date,
    to: Date,
    r: &Recipient,
) -> Result<(), TestCaseError> {
    let region = r.region.as_ref();
    let mut want = Vec::new();
    let mut d = from;
    while d < to {
        if !calendar::is_business_day(d, region) {
            want.push(d);
        }
        d = d.tomorrow().unwrap();
    }
    let got: Vec<Date> = skipped.days.iter().map(|d| d.date).collect();
    prop_assert_eq!(got, want);
    let text = skipped.to_string();
    for day in &skipped.days {
        prop_assert_eq!(day.weekend, calendar::is_weekend(day.date), "{}", day.date);
        prop_assert_eq!(
            day.holiday.as_deref(),
            region.and_then(|x| x.holiday(day.date)),
            "{}",
            day.date
        );
        if let Some(h) = &day.holiday {
            prop_assert!(text.contains(h.as_str()), "{} not in {}", h, text);
        }
    }
    prop_assert_eq!(text.contains("weekend"), skipped.weekend(), "{}", text);
    Ok(())
}

/// The thank-you's recommended moment and deadline are what its reasons say (T1, T8):
/// the deadline is inside the recipient's business hours, 24 h after the end or, when
/// that is outside them, the first moment they open; a recommendation outside
/// business hours is only ever the email sent soon after the end, and says so.
fn thank_you_matches_its_reasons(
    i: &Interview,
    r: &Recipient,
    policy: &Policy,
    p: &Plan,
) -> Result<(), TestCaseError> {
    let ty = &p.steps[0];
    let hours = r.hours.unwrap_or(policy.hours);
    let region = r.region.as_ref();
    let open =
        |m: DateTime| calendar::is_business_day(m.date(), region) && hours.contains(m.time());
    let inside = |m: Moment| open(m.datetime());
    let end = i.end().with_time_zone(r.tz.clone());
    let after = |minutes: i64| end.checked_add(SignedDuration::from_mins(minutes)).unwrap();
    let due = after(i64::from(policy.thank_you.deadline_hours) * 60);
    let soon = after(i64::from(policy.thank_you.delay_minutes));

    // The deadline (T1, T8).
    prop_assert!(
        inside(ty.latest),
        "T8: thank-you deadline {} outside business hours",
        ty.latest
    );
    prop_assert!(ty.latest.timestamp() >= due.timestamp());
    let moved = ty.latest.timestamp() != due.timestamp();
    if moved {
        prop_assert!(
            !open(due.datetime()),
            "the deadline moved from {} although it is open",
            due
        );
        prop_assert_eq!(
            ty.latest.time(),
            hours.start,
            "moved to the start of a business day"
        );
        let mut d = due.date();
        if calendar::is_business_day(d, region) && due.time() < hours.start {
            prop_assert_eq!(ty.latest.date(), d, "before hours: the same day's opening");
        } else {
            d = d.tomorrow().unwrap();
            while d < ty.latest.date() {
                prop_assert!(!calendar::is_business_day(d, region), "{} skipped", d);
                d = d.tomorrow().unwrap();
            }
        }
    }
    let why: Vec<Why> = ty.why().collect();
    let texts: Vec<String> = why.iter().map(|w| w.to_string()).collect();
    let mut deadline_reasons = 0;
    let mut recommended_reasons = 0;
    for w in &why {
        match w {
            Why::ThankYouWindow { moved: m, .. } => prop_assert_eq!(*m, moved),
            Why::ThankYouDeadline {
                due: d,
                to,
                skipped,
                ..
            } => {
                deadline_reasons += 1;
                prop_assert_eq!(*d, due.datetime());
                prop_assert_eq!(*to, ty.latest.datetime());
                days_are_named_for_what_they_are(skipped, d.date(), to.date(), r)?;
            }
            Why::ThankYouSoon { same_day, .. } => {
                recommended_reasons += 1;
                prop_assert_eq!(ty.recommended.timestamp(), soon.timestamp());
                prop_assert!(
                    inside(ty.recommended),
                    "said inside business hours: {}",
                    ty.recommended
                );
                prop_assert_eq!(*same_day, soon.date() == end.date());
            }
            Why::ThankYouNextMorning { soon: s, at, .. } => {
                recommended_reasons += 1;
                prop_assert_eq!(*s, soon.datetime());
                prop_assert!(!open(*s), "said {} is outside business hours", s);
                prop_assert_eq!(*at, ty.recommended.datetime());
                prop_assert!(inside(ty.recommended));
                prop_assert!(ty.recommended.timestamp() <= due.timestamp());
            }
            Why::ThankYouEvening {
                soon: s,
                next_morning,
                ..
            } => {
                recommended_reasons += 1;
                prop_assert_eq!(*s, ty.recommended.datetime());
                prop_assert_eq!(ty.recommended.timestamp(), soon.timestamp());
                prop_assert!(!inside(ty.recommended), "said outside business hours");
                prop_assert!(open(*next_morning));
                prop_assert!(*next_morning > due.datetime() || next_morning.date() > due.date());
            }
            _ => {}
        }
    }
    prop_assert_eq!(recommended_reasons, 1, "{:#?}", texts);
    prop_assert_eq!(
        ty.rules.contains(&"T8"),
        moved,
        "T8 is cited when it moved the deadline"
    );
    prop_assert_eq!(deadline_reasons, usize::from(moved), "{:#?}", texts);
    if !inside(ty.recommended) {
        prop_assert!(
            texts
                .iter()
                .any(|t| t.contains("outside their business hours")),
            "a recommendation outside business hours says why: {:#?}",
            texts
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_plan_keeps_the_rules(c in case()) {
        let (i, r, policy) = build(&c);
        let p = plan(&i, &r, &policy);
        check(&c, &i, &r, &policy, &p)?;
    }

    #[test]
    fn slower_contexts_are_never_earlier(c in case()) {
        let (mut fast, r, policy) = build(&c);
        let mut slow = fast.clone();
        fast.company_type = Some(CompanyType::Startup);
        fast.urgent = true;
        fast.seniority = Some(Seniority::Entry);
        slow.company_type = Some(CompanyType::Government);
        slow.urgent = false;
        slow.seniority = Some(Seniority::Executive);
        let pf = plan(&fast, &r, &policy);
        let ps = plan(&slow, &r, &policy);
        for (f, s) in pf.steps.iter().zip(&ps.steps) {
            prop_assert!(s.earliest >= f.earliest, "{:?} earliest", f.kind);
            prop_assert!(s.recommended >= f.recommended, "{:?} recommended", f.kind);
            prop_assert!(s.latest >= f.latest, "{:?} latest", f.kind);
        }
    }
}

#[test]
fn decision_date_example_from_the_rule_book() {
    // "decision date Dec 9 + 3 days (policy) = Sat Dec 12, moved to Monday Dec 14"
    let tz = TimeZone::get("America/New_York").unwrap();
    let start = date(2026, 12, 1)
        .at(10, 0, 0, 0)
        .to_zoned(tz.clone())
        .unwrap();
    let mut i = Interview::new(start);
    i.decision_by = Some(date(2026, 12, 9));
    let mut r = Recipient::new(tz);
    r.region = Some("US".parse().unwrap());
    let p = plan(&i, &r, &Policy::default());
    let fu = &p.steps[1];
    assert_eq!(fu.recommended.date(), date(2026, 12, 14));
    assert_eq!(fu.earliest.date(), date(2026, 12, 10));
    let why: Vec<String> = fu.why().map(|w| w.to_string()).collect();
    assert!(
        why.iter()
            .any(|w| w.contains("Wed Dec 9 + 3 days (policy) = Sat Dec 12")),
        "{why:#?}"
    );
    assert!(
        why.iter().any(|w| w.contains("moved to Mon Dec 14")),
        "{why:#?}"
    );
    assert_eq!(fu.rules, ["T2", "T7", "T8"]);
}

#[test]
fn within_a_week_means_about_ten_days() {
    let tz = TimeZone::get("Europe/London").unwrap();
    let start = date(2026, 3, 3)
        .at(14, 0, 0, 0)
        .to_zoned(tz.clone())
        .unwrap();
    let mut i = Interview::new(start);
    i.decision_by = Some(date(2026, 3, 10));
    let p = plan(&i, &Recipient::new(tz), &Policy::default());
    assert_eq!(
        p.steps[1].recommended.date(),
        date(2026, 3, 13),
        "T2: ~10 days after"
    );
}

#[test]
fn holidays_of_the_recipient_are_skipped_and_named() {
    // Interview Fri Dec 18 2026, no timeline: 7 days later is Fri Dec 25.
    let tz = TimeZone::get("Europe/London").unwrap();
    let start = date(2026, 12, 18)
        .at(10, 0, 0, 0)
        .to_zoned(tz.clone())
        .unwrap();
    let i = Interview::new(start);
    let mut r = Recipient::new(tz);
    r.region = Some("GB-ENG".parse().unwrap());
    let p = plan(&i, &r, &Policy::default());
    let fu = &p.steps[1];
    assert_eq!(
        fu.recommended.date(),
        date(2026, 12, 29),
        "skips Christmas, the weekend and Boxing Day (substitute Mon Dec 28)"
    );
    let why = fu
        .why()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(why.contains("Christmas Day"), "{why}");
}

fn why_of(p: &Plan, step: usize) -> Vec<String> {
    p.steps[step].why().map(|w| w.to_string()).collect()
}

#[test]
fn friday_afternoon_thank_you_goes_the_same_evening() {
    // Ends Fri 17:00; 18:00 is after hours and Monday morning is more than 24 h away:
    // the email goes that evening, and the deadline is Monday's opening, not Saturday.
    let tz = TimeZone::get("America/Chicago").unwrap();
    let start = date(2026, 12, 4)
        .at(16, 0, 0, 0)
        .to_zoned(tz.clone())
        .unwrap();
    let i = Interview::new(start);
    let p = plan(&i, &Recipient::new(tz), &Policy::default());
    let ty = &p.steps[0];
    assert_eq!(ty.recommended.datetime(), date(2026, 12, 4).at(18, 0, 0, 0));
    assert_eq!(ty.latest.datetime(), date(2026, 12, 7).at(9, 0, 0, 0));
    let why = why_of(&p, 0);
    assert!(
        why.contains(
            &"T1: their next business morning, Mon Dec 7 09:00, is more than 24 h after the end, \
              so the note goes by email 60 min after the end (policy), Fri Dec 4 18:00, outside \
              their business hours: an email may be sent then and waits in their inbox"
                .to_string()
        ),
        "{why:#?}"
    );
    assert!(
        why.contains(
            &"T8: 24 h after the end is Sat Dec 5 17:00, not a business day (weekend): the \
              deadline moves to their next business morning, Mon Dec 7 09:00 (a note sent \
              before then is read then)"
                .to_string()
        ),
        "{why:#?}"
    );
    assert!(
        !why.iter().any(|w| w.contains("after 48 h it is late")),
        "{why:#?}"
    );
}

#[test]
fn friday_afternoon_inside_hours_keeps_the_same_day_and_a_monday_deadline() {
    // Ends Fri 15:30: recommended 16:30 that day, inside hours, as the reason says;
    // 24 h later is a Saturday, so the deadline is Monday 09:00.
    let tz = TimeZone::get("America/New_York").unwrap();
    let start = date(2026, 12, 4)
        .at(14, 30, 0, 0)
        .to_zoned(tz.clone())
        .unwrap();
    let mut r = Recipient::new(tz);
    r.region = Some("US-NY".parse().unwrap());
    let p = plan(&Interview::new(start), &r, &Policy::default());
    let ty = &p.steps[0];
    assert_eq!(
        ty.recommended.datetime(),
        date(2026, 12, 4).at(16, 30, 0, 0)
    );
    assert_eq!(ty.latest.datetime(), date(2026, 12, 7).at(9, 0, 0, 0));
    let why = why_of(&p, 0);
    assert!(why.contains(&"T1: recommended 60 min after the end (policy), the same day, inside the recipient's business hours".to_string()), "{why:#?}");
}

#[test]
fn christmas_eve_thank_you_deadline_is_not_christmas_day() {
    // Thu Dec 24 2026 15:00-16:00 in New York: 24 h later is Christmas Day, then a
    // weekend; the deadline is Monday Dec 28 09:00 and the reason names both.
    let tz = TimeZone::get("America/New_York").unwrap();
    let start = date(2026, 12, 24)
        .at(15, 0, 0, 0)
        .to_zoned(tz.clone())
        .unwrap();
    let mut r = Recipient::new(tz);
    r.region = Some("US-NY".parse().unwrap());
    let p = plan(&Interview::new(start), &r, &Policy::default());
    let ty = &p.steps[0];
    assert_eq!(
        ty.recommended.datetime(),
        date(2026, 12, 24).at(17, 0, 0, 0)
    );
    assert_eq!(ty.latest.datetime(), date(2026, 12, 28).at(9, 0, 0, 0));
    let why = why_of(&p, 0);
    assert!(
        why.contains(
            &"T8: 24 h after the end is Fri Dec 25 16:00, not a business day (Christmas Day, a \
              public holiday in US-NY), nor are Sat Dec 26 and Sun Dec 27 (weekend): the \
              deadline moves to their next business morning, Mon Dec 28 09:00 (a note sent \
              before then is read then)"
                .to_string()
        ),
        "{why:#?}"
    );
}

#[test]
fn evening_deadline_moves_to_the_next_opening() {
    // Ends Tue 17:30 (after hours): recommended Wed 09:00; 24 h later, Wed 17:30, is
    // after hours too, so the deadline is Thu 09:00.
    let tz = TimeZone::get("America/New_York").unwrap();
    let start = date(2026, 12, 1)
        .at(16, 30, 0, 0)
        .to_zoned(tz.clone())
        .unwrap();
    let p = plan(
        &Interview::new(start),
        &Recipient::new(tz),
        &Policy::default(),
    );
    let ty = &p.steps[0];
    assert_eq!(ty.recommended.datetime(), date(2026, 12, 2).at(9, 0, 0, 0));
    assert_eq!(ty.latest.datetime(), date(2026, 12, 3).at(9, 0, 0, 0));
    let why = why_of(&p, 0);
    assert!(why.contains(&"T1: 60 min after the end, Tue Dec 1 18:30, is outside the recipient's business hours; their next business morning, Wed Dec 2 09:00, is within 24 h of the end".to_string()), "{why:#?}");
    assert!(why.contains(&"T8: 24 h after the end is Wed Dec 2 17:30, after the recipient's business hours (09:00–17:00): the deadline moves to their next business morning, Thu Dec 3 09:00 (a note sent before then is read then)".to_string()), "{why:#?}");
}

#[test]
fn a_weekday_deadline_inside_hours_is_t1s_24_hours() {
    let tz = TimeZone::get("America/New_York").unwrap();
    let start = date(2026, 12, 1)
        .at(10, 0, 0, 0)
        .to_zoned(tz.clone())
        .unwrap();
    let p = plan(
        &Interview::new(start),
        &Recipient::new(tz),
        &Policy::default(),
    );
    assert_eq!(
        p.steps[0].latest.datetime(),
        date(2026, 12, 2).at(11, 0, 0, 0)
    );
    let why = why_of(&p, 0);
    assert!(why.contains(&"T1: thank each interviewer after the interview, within 24 h of the end; after 48 h it is late".to_string()), "{why:#?}");
    assert!(!why.iter().any(|w| w.starts_with("T8")), "{why:#?}");
}

#[test]
fn a_holiday_is_named_as_a_holiday_and_a_weekend_as_a_weekend() {
    // Interview Fri Dec 18 2026 in London: 7 days later is Christmas Day (a Friday),
    // then the weekend (Boxing Day is its Saturday), then Boxing Day's substitute.
    let tz = TimeZone::get("Europe/London").unwrap();
    let start = date(2026, 12, 18)
        .at(10, 0, 0, 0)
        .to_zoned(tz.clone())
        .unwrap();
    let mut r = Recipient::new(tz);
    r.region = Some("GB-ENG".parse().unwrap());
    let p = plan(&Interview::new(start), &r, &Policy::default());
    let moved: Vec<String> = why_of(&p, 1)
        .into_iter()
        .filter(|w| w.starts_with("T8: Fri"))
        .collect();
    assert_eq!(
        moved,
        [
            "T8: Fri Dec 25 is not a business day (Christmas Day, a public holiday in GB-ENG), \
          nor are Sat Dec 26 and Sun Dec 27 (weekend; Sat Dec 26 is also Boxing Day, a \
          public holiday in GB-ENG), nor is Mon Dec 28 (Boxing Day (observed), a public \
          holiday in GB-ENG): moved to Tue Dec 29"
        ]
    );
}

#[test]
fn a_holiday_on_a_weekend_is_named_as_both() {
    // Christmas Day 2027 is a Saturday (the US observes it on Friday Dec 24). An
    // interview on Sat Dec 18 with no timeline: 7 days later is that Saturday.
    let tz = TimeZone::get("America/New_York").unwrap();
    let start = date(2027, 12, 18)
        .at(10, 0, 0, 0)
        .to_zoned(tz.clone())
        .unwrap();
    let mut r = Recipient::new(tz);
    r.region = Some("US".parse().unwrap());
    let p = plan(&Interview::new(start), &r, &Policy::default());
    let why = why_of(&p, 1);
    assert!(
        why.contains(
            &"T8: Sat Dec 25 is not a business day (weekend; also Christmas Day, a public \
              holiday in US): moved to Mon Dec 27"
                .to_string()
        ),
        "{why:#?}"
    );
    // And the Saturday interview's thank-you: soon after the end, outside business
    // hours, as its reason says; due by Monday's opening.
    let ty = &p.steps[0];
    assert_eq!(
        ty.recommended.datetime(),
        date(2027, 12, 18).at(12, 0, 0, 0)
    );
    assert_eq!(ty.latest.datetime(), date(2027, 12, 20).at(9, 0, 0, 0));
    let why = why_of(&p, 0);
    assert!(
        why.iter()
            .any(|w| w.contains("Sat Dec 18 12:00, outside their business hours")),
        "{why:#?}"
    );
    assert!(
        !why.iter()
            .any(|w| w.contains("same evening") || w.contains("inside")),
        "{why:#?}"
    );
}

#[test]
fn evening_interview_thank_you_next_morning() {
    let tz = TimeZone::get("America/New_York").unwrap();
    let start = date(2026, 12, 1)
        .at(17, 0, 0, 0)
        .to_zoned(tz.clone())
        .unwrap();
    let i = Interview::new(start);
    let p = plan(&i, &Recipient::new(tz), &Policy::default());
    assert_eq!(
        p.steps[0].recommended.datetime(),
        date(2026, 12, 2).at(9, 0, 0, 0)
    );
}

#[test]
fn dst_change_keeps_business_hours() {
    // US DST ends Sun Nov 1 2026: follow-ups stay at 10:00 local, offset changes.
    let tz = TimeZone::get("America/New_York").unwrap();
    let start = date(2026, 10, 27)
        .at(10, 0, 0, 0)
        .to_zoned(tz.clone())
        .unwrap();
    let p = plan(
        &Interview::new(start.clone()),
        &Recipient::new(tz),
        &Policy::default(),
    );
    let fu = &p.steps[1];
    assert_eq!(fu.recommended.time(), jiff::civil::time(10, 0, 0, 0));
    assert_ne!(start.offset(), fu.recommended.offset());
}
