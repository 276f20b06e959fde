//! The agenda read from the cache is the agenda planned from scratch: at any moment,
//! with the cache cold or warm, after writes, and under other settings.

use followup_app::agenda::{entries, fingerprint, Entry};
use followup_app::ctx::track_of;
use followup_app::settings::Settings;
use followup_app::Ctx;
use followup_core::agenda;
use followup_core::model::Status;
use followup_core::plan::StepStatus;
use followup_store::demo::populate;
use followup_store::model::ApplicationPatch;
use followup_store::{NewTouchpoint, Store, TouchpointKind};
use jiff::{SignedDuration, Timestamp};

fn at(t: &str) -> Timestamp {
    t.parse().unwrap()
}

fn ctx(db: &std::path::Path, now: Timestamp, settings: Settings) -> Ctx {
    Ctx::new(settings, Some(db.to_path_buf()), now).unwrap()
}

/// The agenda planned from the full records, without the cache.
fn from_scratch(ctx: &Ctx, days: u32) -> Vec<Entry> {
    let store = ctx.store().unwrap();
    let horizon = ctx.now + SignedDuration::from_hours(24 * i64::from(days));
    let mut all = Vec::new();
    for full in store.applications(true).unwrap() {
        let a = &full.application;
        if !matches!(a.status, Status::Active | Status::Rejected) {
            continue;
        }
        let Some(track) = track_of(ctx, &full).unwrap() else {
            continue;
        };
        for item in agenda::items(&track, &ctx.policy, ctx.now) {
            if item.status != StepStatus::Upcoming || item.step.earliest.timestamp() <= horizon {
                all.push(Entry::of_item(a.id, &a.company, &a.role, &item));
            }
        }
    }
    let rank = |s: StepStatus| match s {
        StepStatus::Overdue | StepStatus::Missed => 0,
        StepStatus::Due => 1,
        StepStatus::Upcoming => 2,
    };
    all.sort_by_key(|e| (rank(e.status), e.recommended.timestamp(), e.application));
    all
}

fn assert_same(got: &[Entry], want: &[Entry], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: number of items");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g, w, "{what}: item {k}");
    }
}

/// How many applications the cache would plan again under `ctx`.
fn stale_count(ctx: &Ctx) -> usize {
    let store = ctx.store().unwrap();
    let fp = fingerprint(ctx, &store).unwrap();
    let c = store.agenda_cached(&fp, false, |_, _, _| false).unwrap();
    c.stale.len() + c.unplanned.len()
}

#[test]
fn the_cached_agenda_is_the_planned_agenda() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.sqlite");
    let made = at("2026-12-01T15:00:00Z");
    {
        let mut s = Store::open(&db).unwrap();
        populate(&mut s, 400, 11, made).unwrap();
    }
    let moments = [
        "2026-11-20T09:00:00Z",
        "2026-12-01T15:00:00Z",
        "2026-12-03T23:30:00Z",
        "2027-01-15T12:00:00Z",
    ];
    for (k, now) in moments.iter().enumerate() {
        let c = ctx(&db, at(now), Settings::default());
        let want = from_scratch(&c, 7);
        assert!(!want.is_empty(), "the sample has items at {now}");
        // The first read fills the cache; the second reads it.
        let cold = entries(&c, 7, true).unwrap();
        assert_same(&cold, &want, &format!("cold at {now}"));
        let warm = entries(&c, 7, true).unwrap();
        assert_same(&warm, &want, &format!("warm at {now}"));
        if k == 0 {
            assert_eq!(stale_count(&c), 0, "the first read filled the cache");
        }
        // Other horizons come from the same cache.
        assert_same(
            &entries(&c, 30, true).unwrap(),
            &from_scratch(&c, 30),
            "30 days",
        );
        assert_same(
            &entries(&c, 0, true).unwrap(),
            &from_scratch(&c, 0),
            "0 days",
        );
    }

    // A write changes the agenda at once: log the first thank-you due.
    let now = at("2026-12-01T15:00:00Z");
    let c = ctx(&db, now, Settings::default());
    let before = entries(&c, 7, true).unwrap();
    let first = before
        .iter()
        .find(|e| e.kind == followup_core::plan::StepKind::ThankYou)
        .expect("a thank-you on the agenda");
    let app = first.application;
    {
        let mut s = Store::open(&db).unwrap();
        let t = NewTouchpoint::new(TouchpointKind::ThankYou, now);
        s.add_touchpoint(app, &t).unwrap();
    }
    let after = entries(&c, 7, true).unwrap();
    assert_same(&after, &from_scratch(&c, 7), "after a write");
    // It thanks everyone of the rounds held so far; a round still to come keeps its
    // own (upcoming) thank-yous.
    assert!(
        !after.iter().any(|e| e.application == app
            && e.kind == followup_core::plan::StepKind::ThankYou
            && e.earliest.timestamp() <= now),
        "the logged thank-you left the agenda"
    );

    // Other settings (a slower preset, other business hours) plan again.
    let settings = Settings {
        preset: Some("gentle".into()),
        hours: Some("10:00-16:00".into()),
        region: Some("GB-SCT".into()),
        ..Settings::default()
    };
    let c = ctx(&db, now, settings);
    assert!(stale_count(&c) > 0, "other settings, another fingerprint");
    let want = from_scratch(&c, 7);
    assert_same(&entries(&c, 7, true).unwrap(), &want, "other settings");
    assert_same(
        &entries(&c, 7, true).unwrap(),
        &want,
        "other settings, warm",
    );
    // And back: the default settings' agenda is planned again, correctly.
    let c = ctx(&db, now, Settings::default());
    assert_same(&entries(&c, 7, true).unwrap(), &from_scratch(&c, 7), "back");
}

#[test]
fn without_reasons_the_rest_is_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.sqlite");
    let now = at("2026-12-01T15:00:00Z");
    {
        let mut s = Store::open(&db).unwrap();
        populate(&mut s, 100, 3, now).unwrap();
    }
    let c = ctx(&db, now, Settings::default());
    let full = entries(&c, 7, true).unwrap();
    let short = entries(&c, 7, false).unwrap();
    assert_eq!(full.len(), short.len());
    for (f, s) in full.iter().zip(&short) {
        assert!(s.why.is_empty());
        assert_eq!(
            (f.application, f.kind, &f.recommended),
            (s.application, s.kind, &s.recommended)
        );
        assert_eq!(f.rules, s.rules);
    }
}

#[test]
fn a_custom_holiday_calendar_change_plans_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.sqlite");
    let now = at("2026-12-01T15:00:00Z");
    {
        let mut s = Store::open(&db).unwrap();
        s.set_holiday_calendar("acme-closures", &[]).unwrap();
        for id in populate(&mut s, 60, 5, now).unwrap() {
            let patch = ApplicationPatch {
                region: Some(Some("acme-closures".into())),
                ..ApplicationPatch::default()
            };
            s.update_application(id, &patch).unwrap();
        }
    }
    let settings = Settings::default;
    let c = ctx(&db, now, settings());
    let before = entries(&c, 30, true).unwrap();
    assert_same(&before, &from_scratch(&c, 30), "before");
    // Close every weekday of the next month: every date moves.
    let days: Vec<_> = (0..40)
        .map(|d| {
            (
                jiff::civil::date(2026, 12, 1) + jiff::Span::new().days(d),
                "Closed".to_string(),
            )
        })
        .collect();
    {
        let mut s = Store::open(&db).unwrap();
        s.set_holiday_calendar("acme-closures", &days).unwrap();
    }
    // A new process (the calendars are read once per process).
    let c = ctx(&db, now, settings());
    let after = entries(&c, 30, true).unwrap();
    assert!(before != after, "the closures moved the dates");
    assert_same(&after, &from_scratch(&c, 30), "after");
}
