//! Properties every plan must hold, whatever the interview (GUIDANCE T1–T8).

use followup_core::calendar::{self, Region};
use followup_core::model::{Channel, CompanyType, Round, Seniority};
use followup_core::plan::{plan, Interview, Plan, Recipient, StepKind};
use followup_core::policy::{Policy, Preset};
use jiff::civil::{date, Date};
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

#[test]
fn friday_afternoon_thank_you_goes_the_same_evening() {
    let tz = TimeZone::get("America/Chicago").unwrap();
    let start = date(2026, 12, 4)
        .at(16, 0, 0, 0)
        .to_zoned(tz.clone())
        .unwrap();
    let i = Interview::new(start);
    let p = plan(&i, &Recipient::new(tz), &Policy::default());
    let ty = &p.steps[0];
    assert_eq!(ty.recommended.datetime(), date(2026, 12, 4).at(18, 0, 0, 0));
    assert_eq!(ty.latest.datetime(), date(2026, 12, 5).at(17, 0, 0, 0));
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
