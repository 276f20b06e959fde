//! The agenda cache: an entry is current only while nothing planning reads has
//! changed, whichever write changed it.

use followup_core::model::Channel;
use followup_core::plan::StepKind;
use followup_store::model::{
    ApplicationPatch, ContactRole, InterviewPatch, Interviewer, NewContact, Status,
};
use followup_store::{
    AgendaCache, CacheEntry, CachedStep, NewApplication, NewInterview, NewTouchpoint, Store,
    TouchpointKind,
};
use jiff::Timestamp;

const FP: &str = "fingerprint-1";

fn at(t: &str) -> Timestamp {
    t.parse().unwrap()
}

fn step(kind: StepKind, earliest: &str, latest: &str) -> CachedStep {
    CachedStep {
        kind,
        contact_id: None,
        to: Some("Jane Doe".into()),
        channel: Channel::Email,
        earliest: at(earliest),
        recommended: at(earliest),
        latest: at(latest),
        missed_after: None,
        tz: "America/New_York".into(),
        rules: "T1 T8".into(),
        why: "first reason\u{1f}second reason".into(),
    }
}

/// An application with one round and one interviewer; returns (application, interview).
fn add(s: &mut Store, company: &str) -> (i64, i64) {
    let start = at("2026-12-01T15:00:00Z");
    let mut app = NewApplication::new(company, "Engineer", start);
    let mut round = NewInterview::new(start, "America/New_York", 45);
    round.interviewers.push(Interviewer::New(NewContact::new(
        "Jane Doe",
        ContactRole::Interviewer,
    )));
    app.interviews.push(round);
    let id = s.add_application(&app).unwrap();
    let interview = s.application(id).unwrap().interviews[0].id;
    (id, interview)
}

fn read(s: &Store, fp: &str) -> AgendaCache {
    s.agenda_cached(fp, true, |_, _, _| true).unwrap()
}

fn stale_ids(c: &AgendaCache) -> Vec<i64> {
    c.stale.iter().map(|(r, _)| r.id).collect()
}

/// Plans every stale application with one made-up step and keeps it.
fn fill(s: &mut Store, fp: &str) {
    let c = read(s, fp);
    let entries: Vec<CacheEntry> = c
        .stale
        .iter()
        .map(|(row, gen)| CacheEntry {
            application_id: row.id,
            plan_gen: *gen,
            steps: vec![step(
                StepKind::ThankYou,
                "2026-12-01T16:00:00Z",
                "2026-12-02T16:00:00Z",
            )],
        })
        .collect();
    s.put_agenda_cache(fp, &entries).unwrap();
}

#[test]
fn a_kept_entry_is_read_back_until_its_application_changes() {
    let mut s = Store::open_in_memory().unwrap();
    let (a, interview) = add(&mut s, "Acme");
    let (b, _) = add(&mut s, "Globex");

    // Nothing kept yet: both are to be planned, with their facts.
    let first = read(&s, FP);
    assert_eq!(stale_ids(&first), vec![a, b]);
    assert!(first.steps.is_empty());
    assert_eq!(first.stale[0].0.interviewers[0].name, "Jane Doe");

    fill(&mut s, FP);
    let warm = read(&s, FP);
    assert!(warm.stale.is_empty());
    assert_eq!(warm.steps.len(), 2);
    let (slot, got) = &warm.steps[0];
    assert_eq!(warm.heads[*slot].id, a);
    assert_eq!(&*warm.heads[*slot].company, "Acme");
    assert_eq!(
        got,
        &step(
            StepKind::ThankYou,
            "2026-12-01T16:00:00Z",
            "2026-12-02T16:00:00Z"
        )
    );

    // Each kind of write makes `a` stale, and only `a`.
    type Write = Box<dyn Fn(&mut Store)>;
    let writes: Vec<(&str, Write)> = vec![
        (
            "a touchpoint",
            Box::new(move |s: &mut Store| {
                let t = NewTouchpoint::new(TouchpointKind::ThankYou, at("2026-12-01T18:00:00Z"));
                s.add_touchpoint(a, &t).unwrap();
            }),
        ),
        (
            "another round",
            Box::new(move |s: &mut Store| {
                let r = NewInterview::new(at("2026-12-08T15:00:00Z"), "UTC", 30);
                s.add_interview(a, &r).unwrap();
            }),
        ),
        (
            "a changed round",
            Box::new(move |s: &mut Store| {
                let patch = InterviewPatch {
                    duration_minutes: Some(90),
                    ..InterviewPatch::default()
                };
                s.update_interview(interview, &patch).unwrap();
            }),
        ),
        (
            "a new contact",
            Box::new(move |s: &mut Store| {
                s.add_contact(a, &NewContact::new("Raj Patel", ContactRole::Recruiter))
                    .unwrap();
            }),
        ),
        (
            "a changed application",
            Box::new(move |s: &mut Store| {
                let patch = ApplicationPatch {
                    urgent: Some(true),
                    ..ApplicationPatch::default()
                };
                s.update_application(a, &patch).unwrap();
            }),
        ),
    ];
    for (what, write) in writes {
        write(&mut s);
        assert_eq!(stale_ids(&read(&s, FP)), vec![a], "after {what}");
        fill(&mut s, FP);
        assert!(
            read(&s, FP).stale.is_empty(),
            "after filling again ({what})"
        );
    }

    // Another fingerprint (other settings, another build): everything is stale.
    assert_eq!(stale_ids(&read(&s, "fingerprint-2")), vec![a, b]);
}

#[test]
fn an_entry_planned_from_facts_that_changed_meanwhile_stays_stale() {
    let mut s = Store::open_in_memory().unwrap();
    let (a, _) = add(&mut s, "Acme");
    let before = read(&s, FP);
    let gen = before.stale[0].1;
    // Another process logs a message between the read and the write.
    let t = NewTouchpoint::new(TouchpointKind::ThankYou, at("2026-12-01T18:00:00Z"));
    s.add_touchpoint(a, &t).unwrap();
    let entry = CacheEntry {
        application_id: a,
        plan_gen: gen,
        steps: vec![step(
            StepKind::ThankYou,
            "2026-12-01T16:00:00Z",
            "2026-12-02T16:00:00Z",
        )],
    };
    s.put_agenda_cache(FP, &[entry]).unwrap();
    let after = read(&s, FP);
    assert_eq!(
        stale_ids(&after),
        vec![a],
        "a plan of old facts is never current"
    );
    assert_eq!(after.stale[0].0.touchpoints.len(), 1);
    assert!(after.stale[0].1 > gen);
}

#[test]
fn closed_and_deleted_applications_leave_the_agenda() {
    let mut s = Store::open_in_memory().unwrap();
    let (a, _) = add(&mut s, "Acme");
    let (b, _) = add(&mut s, "Globex");
    fill(&mut s, FP);
    s.set_status(a, Status::Offer, at("2026-12-05T15:00:00Z"))
        .unwrap();
    let c = read(&s, FP);
    assert!(c.heads.iter().all(|h| h.id != a), "an offer ends the plan");
    assert!(c.stale.is_empty());

    // An entry put for an application deleted meanwhile is dropped.
    let gen = {
        s.update_application(
            b,
            &ApplicationPatch {
                urgent: Some(true),
                ..ApplicationPatch::default()
            },
        )
        .unwrap();
        read(&s, FP).stale[0].1
    };
    s.delete_application(b).unwrap();
    let entry = CacheEntry {
        application_id: b,
        plan_gen: gen,
        steps: vec![step(
            StepKind::FollowUp,
            "2026-12-09T14:00:00Z",
            "2026-12-11T22:00:00Z",
        )],
    };
    s.put_agenda_cache(FP, &[entry]).unwrap();
    let c = read(&s, FP);
    assert!(c.heads.is_empty() && c.steps.is_empty() && c.stale.is_empty());
}

#[test]
fn an_application_without_a_round_is_stale_once_then_kept_empty() {
    let mut s = Store::open_in_memory().unwrap();
    let a = s
        .add_application(&NewApplication::new(
            "Acme",
            "Engineer",
            at("2026-12-01T15:00:00Z"),
        ))
        .unwrap();
    let c = read(&s, FP);
    assert!(c.stale.is_empty(), "nothing to plan from");
    assert_eq!(c.unplanned.len(), 1);
    let (id, gen) = c.unplanned[0];
    assert_eq!(id, a);
    s.put_agenda_cache(
        FP,
        &[CacheEntry {
            application_id: a,
            plan_gen: gen,
            steps: Vec::new(),
        }],
    )
    .unwrap();
    let c = read(&s, FP);
    assert!(c.unplanned.is_empty() && c.stale.is_empty() && c.heads.is_empty());
}

#[test]
fn the_reader_chooses_which_steps_to_read_in_full() {
    let mut s = Store::open_in_memory().unwrap();
    let (a, gen) = {
        let (a, _) = add(&mut s, "Acme");
        (a, read(&s, FP).stale[0].1)
    };
    let old = step(
        StepKind::ThankYou,
        "2026-11-01T16:00:00Z",
        "2026-11-02T16:00:00Z",
    );
    let new = step(
        StepKind::FollowUp,
        "2026-12-09T14:00:00Z",
        "2026-12-11T22:00:00Z",
    );
    s.put_agenda_cache(
        FP,
        &[CacheEntry {
            application_id: a,
            plan_gen: gen,
            steps: vec![old, new.clone()],
        }],
    )
    .unwrap();
    let cutoff = at("2026-12-01T00:00:00Z");
    let c = s
        .agenda_cached(FP, true, |_, latest, _| latest > cutoff)
        .unwrap();
    assert_eq!(c.steps.len(), 1);
    assert_eq!(c.steps[0].1, new);
    // Without the reasons, the rest is the same.
    let c = s
        .agenda_cached(FP, false, |_, latest, _| latest > cutoff)
        .unwrap();
    assert_eq!(c.steps[0].1.why, "");
    assert_eq!(c.steps[0].1.rules, new.rules);
}

#[test]
fn holiday_calendar_changes_are_counted() {
    let mut s = Store::open_in_memory().unwrap();
    let g0 = s.holiday_gen().unwrap();
    let day = jiff::civil::date(2026, 12, 24);
    s.set_holiday_calendar("acme", &[(day, "Closed".into())])
        .unwrap();
    let g1 = s.holiday_gen().unwrap();
    assert!(g1 > g0);
    s.set_holiday_calendar("acme", &[]).unwrap();
    assert!(s.holiday_gen().unwrap() > g1);
}

#[test]
fn clearing_the_cache_makes_everything_stale() {
    let mut s = Store::open_in_memory().unwrap();
    let (a, _) = add(&mut s, "Acme");
    fill(&mut s, FP);
    s.clear_agenda_cache().unwrap();
    assert_eq!(stale_ids(&read(&s, FP)), vec![a]);
}

#[test]
fn entries_deleted_without_foreign_keys_leave_no_steps_behind_that_count() {
    // The `sqlite3` shell runs with foreign keys off: deleting the entries there
    // leaves their steps. A later entry for the same application must not take them.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite");
    let mut s = Store::open(&path).unwrap();
    let (a, _) = add(&mut s, "Acme");
    fill(&mut s, FP);
    assert_eq!(read(&s, FP).steps.len(), 1);
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute_batch("PRAGMA foreign_keys = OFF; DELETE FROM agenda_cache;")
            .unwrap();
    }
    let c = read(&s, FP);
    assert_eq!(stale_ids(&c), vec![a]);
    // Planned again: now nothing is open.
    s.put_agenda_cache(
        FP,
        &[CacheEntry {
            application_id: a,
            plan_gen: c.stale[0].1,
            steps: Vec::new(),
        }],
    )
    .unwrap();
    let c = read(&s, FP);
    assert!(c.stale.is_empty());
    assert!(c.steps.is_empty(), "old steps came back: {:?}", c.steps);
    // And emptying the cache through the store empties every table of it.
    fill(&mut s, FP);
    s.clear_agenda_cache().unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    let left: i64 = raw
        .query_row(
            "SELECT (SELECT count(*) FROM agenda_step) + (SELECT count(*) FROM agenda_why)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn an_application_whose_counter_was_deleted_by_hand_is_never_read_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite");
    let mut s = Store::open(&path).unwrap();
    let (a, _) = add(&mut s, "Acme");
    let (b, _) = add(&mut s, "Globex");
    fill(&mut s, FP);
    assert!(read(&s, FP).stale.is_empty());

    // Another program writes with plain SQL: the triggers still count it.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE interview SET duration_minutes = 60 WHERE application_id = ?1",
        [b],
    )
    .unwrap();
    assert_eq!(stale_ids(&read(&s, FP)), vec![b]);
    fill(&mut s, FP);

    // Without its counter, later writes to `a` could not be seen: `a` is planned
    // every time instead of being trusted.
    raw.execute("DELETE FROM plan_gen WHERE application_id = ?1", [a])
        .unwrap();
    for _ in 0..2 {
        assert_eq!(stale_ids(&read(&s, FP)), vec![a]);
        fill(&mut s, FP);
    }
    assert_eq!(s.plan_gens().unwrap().get(&a), None);
    assert!(s.plan_gens().unwrap().contains_key(&b));
}

#[test]
fn a_batch_raises_each_changed_application_once_and_leaves_the_triggers_on() {
    let mut s = Store::open_in_memory().unwrap();
    let (a, interview) = add(&mut s, "Acme");
    let (b, _) = add(&mut s, "Globex");
    let (c, _) = add(&mut s, "Initech");
    fill(&mut s, FP);
    let before = s.plan_gens().unwrap();

    // Three writes to `a`, one to `b`, a new application; `c` untouched.
    let created = s
        .batch(|w| {
            w.add_contact(a, &NewContact::new("Raj Patel", ContactRole::Recruiter))?;
            let r = NewInterview::new(at("2026-12-08T15:00:00Z"), "UTC", 30);
            w.add_interview(a, &r)?;
            w.update_interview(
                interview,
                &InterviewPatch {
                    duration_minutes: Some(90),
                    ..InterviewPatch::default()
                },
            )?;
            w.add_contact(b, &NewContact::new("Ann Lee", ContactRole::Recruiter))?;
            let start = at("2026-12-02T15:00:00Z");
            let mut app = NewApplication::new("Hooli", "Engineer", start);
            app.interviews.push(NewInterview::new(start, "UTC", 45));
            w.add_application(&app)
        })
        .unwrap();
    let after = s.plan_gens().unwrap();
    assert_eq!(after[&a], before[&a] + 1);
    assert_eq!(after[&b], before[&b] + 1);
    assert_eq!(after[&c], before[&c]);
    assert_eq!(after[&created], 0);
    assert_eq!(stale_ids(&read(&s, FP)), vec![a, b, created]);
    fill(&mut s, FP);
    assert!(read(&s, FP).stale.is_empty());

    // The store's own writes are counted by the triggers again.
    s.add_contact(c, &NewContact::new("Bo Chen", ContactRole::Recruiter))
        .unwrap();
    assert_eq!(s.plan_gens().unwrap()[&c], before[&c] + 1);
    assert_eq!(stale_ids(&read(&s, FP)), vec![c]);
}

#[test]
fn a_failed_batch_changes_nothing_and_leaves_the_triggers_on() {
    let mut s = Store::open_in_memory().unwrap();
    let (a, _) = add(&mut s, "Acme");
    fill(&mut s, FP);
    let before = s.plan_gens().unwrap();
    let err = s.batch(|w| {
        w.add_contact(a, &NewContact::new("Raj Patel", ContactRole::Recruiter))?;
        // Refused: no such application.
        w.add_contact(a + 100, &NewContact::new("Ann Lee", ContactRole::Recruiter))
    });
    assert!(err.is_err());
    assert_eq!(s.plan_gens().unwrap(), before);
    assert_eq!(s.application(a).unwrap().contacts.len(), 1);
    assert!(read(&s, FP).stale.is_empty());
    s.add_contact(a, &NewContact::new("Bo Chen", ContactRole::Recruiter))
        .unwrap();
    assert_eq!(stale_ids(&read(&s, FP)), vec![a]);
}

#[test]
fn a_batch_counts_writes_of_a_method_that_failed_halfway() {
    // A batch method can write some rows and then be refused; a caller that goes on
    // after the error commits those rows, and they must count.
    let mut s = Store::open_in_memory().unwrap();
    let (a, interview) = add(&mut s, "Acme");
    let (b, _) = add(&mut s, "Globex");
    let other = s.application(b).unwrap().contacts[0].id;
    fill(&mut s, FP);
    let before = s.plan_gens().unwrap();
    s.batch(|w| {
        // The row is updated, then the interviewer of another application refused.
        let moved = w.update_interview(
            interview,
            &InterviewPatch {
                duration_minutes: Some(90),
                interviewer_ids: Some(vec![other]),
                ..InterviewPatch::default()
            },
        );
        assert!(moved.is_err());
        // The interview is added, then its interviewer refused.
        let mut r = NewInterview::new(at("2026-12-08T15:00:00Z"), "UTC", 30);
        r.interviewers.push(Interviewer::Id(other));
        assert!(w.add_interview(a, &r).is_err());
        // The application is added, then its second round's uid refused.
        let start = at("2026-12-02T15:00:00Z");
        let mut app = NewApplication::new("Hooli", "Engineer", start);
        for _ in 0..2 {
            let mut r = NewInterview::new(start, "UTC", 45);
            r.uid = Some("same@cal".into());
            app.interviews.push(r);
        }
        assert!(w.add_application(&app).is_err());
        Ok(())
    })
    .unwrap();
    let full = s.application(a).unwrap();
    assert_eq!(full.interviews.len(), 2, "the half-written rows are kept");
    assert_eq!(full.interviews[0].duration_minutes, 90);
    let after = s.plan_gens().unwrap();
    assert_eq!(after[&a], before[&a] + 1);
    assert_eq!(after[&b], before[&b]);
    // The half-added application has its counter: it can be cached like any other.
    let hooli = *after.keys().max().unwrap();
    assert_eq!(s.application(hooli).unwrap().application.company, "Hooli");
    assert_eq!(after[&hooli], 0);
    assert_eq!(stale_ids(&read(&s, FP)), vec![a, hooli]);
    fill(&mut s, FP);
    assert!(read(&s, FP).stale.is_empty());
}

#[test]
fn an_interview_read_elsewhere_is_not_written_under_another_application() {
    let mut s = Store::open_in_memory().unwrap();
    let (_, interview) = add(&mut s, "Acme");
    let (b, _) = add(&mut s, "Globex");
    let mut forged = s.interview(interview).unwrap();
    forged.application_id = b;
    let before = s.plan_gens().unwrap();
    let err = s
        .batch(|w| w.update_read_interview(forged, &InterviewPatch::default()))
        .unwrap_err();
    assert!(err.to_string().contains("interview"), "{err}");
    assert_eq!(s.plan_gens().unwrap(), before);
}

/// Plans every stale application with one made-up step and keeps it with the
/// snapshot, as the agenda does.
fn keep(s: &mut Store, fp: &str) {
    let c = read(s, fp);
    let entries: Vec<CacheEntry> = c
        .stale
        .iter()
        .map(|(row, gen)| CacheEntry {
            application_id: row.id,
            plan_gen: *gen,
            steps: vec![step(
                StepKind::ThankYou,
                "2026-12-01T16:00:00Z",
                "2026-12-02T16:00:00Z",
            )],
        })
        .chain(c.unplanned.iter().map(|&(id, gen)| CacheEntry {
            application_id: id,
            plan_gen: gen,
            steps: Vec::new(),
        }))
        .collect();
    s.keep_agenda(fp, &c, &entries).unwrap();
}

/// The steps read, by application id and company, whatever their order.
fn steps_of(c: &AgendaCache) -> Vec<(i64, std::sync::Arc<str>, CachedStep)> {
    let mut all: Vec<_> = c
        .steps
        .iter()
        .map(|(slot, st)| {
            let h = &c.heads[*slot];
            (h.id, h.company.clone(), st.clone())
        })
        .collect();
    all.sort_by_key(|(id, _, st)| (*id, st.recommended));
    all
}

#[test]
fn the_snapshot_reads_what_the_tables_hold_until_anything_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite");
    let mut s = Store::open(&path).unwrap();
    let (a, interview) = add(&mut s, "Acme");
    let (b, _) = add(&mut s, "Globex");
    let (c, _) = add(&mut s, "Initech");
    let bare = s
        .add_application(&NewApplication::new(
            "Hooli",
            "Engineer",
            at("2026-12-01T15:00:00Z"),
        ))
        .unwrap();
    // Two steps for `a`, kept with a later moment first.
    let gen = read(&s, FP).stale[0].1;
    let late = step(
        StepKind::FollowUp,
        "2026-12-09T14:00:00Z",
        "2026-12-11T22:00:00Z",
    );
    let mut early = step(
        StepKind::ThankYou,
        "2026-12-01T16:00:00Z",
        "2026-12-02T16:00:00Z",
    );
    early.to = None;
    early.contact_id = Some(7);
    early.missed_after = Some(at("2026-12-20T00:00:00Z"));
    early.tz = "Europe/London".into();
    s.put_agenda_cache(
        FP,
        &[CacheEntry {
            application_id: a,
            plan_gen: gen,
            steps: vec![late, early],
        }],
    )
    .unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    assert!(!read(&s, FP).from_snapshot);
    keep(&mut s, FP);
    let snap = read(&s, FP);
    assert!(snap.from_snapshot);
    let from_tables = read_tables(&s, &raw);
    assert!(!from_tables.from_snapshot);
    assert!(snap.stale.is_empty() && snap.unplanned.is_empty());
    assert_eq!(steps_of(&snap), steps_of(&from_tables));
    assert_eq!(snap.steps.len(), 4);
    // In the agenda's order: by recommended moment, then application, then plan.
    let order: Vec<_> = snap
        .steps
        .iter()
        .map(|(slot, st)| (st.recommended, snap.heads[*slot].id))
        .collect();
    assert!(order.is_sorted(), "{order:?}");
    assert!(snap.heads.iter().all(|h| h.id != bare), "no steps, no head");
    // `keep` still chooses which steps are read in full.
    keep(&mut s, FP);
    let cutoff = at("2026-12-05T00:00:00Z");
    let chosen = s
        .agenda_cached(FP, false, |_, latest, _| latest > cutoff)
        .unwrap();
    assert!(chosen.from_snapshot);
    assert_eq!(chosen.steps.len(), 1);
    assert_eq!(chosen.steps[0].1.kind, StepKind::FollowUp);
    assert_eq!(chosen.steps[0].1.why, "");

    // Another fingerprint reads the tables.
    assert!(!read(&s, "fingerprint-2").from_snapshot);

    // Every kind of write empties it, through the store or not, and the agenda
    // keeps it again after planning.
    type Write = Box<dyn Fn(&mut Store, &rusqlite::Connection)>;
    let writes: Vec<(&str, Write)> = vec![
        (
            "a touchpoint",
            Box::new(move |s, _| {
                let t = NewTouchpoint::new(TouchpointKind::ThankYou, at("2026-12-01T18:00:00Z"));
                s.add_touchpoint(a, &t).unwrap();
            }),
        ),
        (
            "a changed round, in plain SQL",
            Box::new(move |_, raw| {
                raw.execute(
                    "UPDATE interview SET duration_minutes = 50 WHERE id = ?1",
                    [interview],
                )
                .unwrap();
            }),
        ),
        (
            "a closed application without a plan",
            Box::new(move |s, _| {
                s.set_status(bare, Status::Withdrawn, at("2026-12-03T15:00:00Z"))
                    .unwrap();
            }),
        ),
        (
            "a new application",
            Box::new(move |s, _| {
                add(s, "Soylent");
            }),
        ),
        (
            "a deleted application, foreign keys off",
            Box::new(move |_, raw| {
                raw.execute_batch(&format!(
                    "PRAGMA foreign_keys = OFF; DELETE FROM application WHERE id = {c};"
                ))
                .unwrap();
            }),
        ),
        (
            "a batch",
            Box::new(move |s, _| {
                s.batch(|w| w.add_contact(b, &NewContact::new("Ann Lee", ContactRole::Recruiter)))
                    .unwrap();
            }),
        ),
        (
            "kept entries",
            Box::new(move |s, _| {
                s.put_agenda_cache(
                    FP,
                    &[CacheEntry {
                        application_id: b,
                        plan_gen: s.plan_gens().unwrap()[&b],
                        steps: Vec::new(),
                    }],
                )
                .unwrap();
            }),
        ),
        (
            "an emptied cache",
            Box::new(|s, _| s.clear_agenda_cache().unwrap()),
        ),
    ];
    let changed = |raw: &rusqlite::Connection| -> Vec<i64> {
        let mut q = raw
            .prepare("SELECT application_id FROM agenda_changed ORDER BY 1")
            .unwrap();
        q.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    for (what, write) in writes {
        // A snapshot of everything, no application changed since.
        read_tables(&s, &raw);
        keep(&mut s, FP);
        assert!(read(&s, FP).from_snapshot, "before {what}");
        assert_eq!(changed(&raw), Vec::<i64>::new(), "before {what}");
        write(&mut s, &raw);
        assert!(
            !changed(&raw).is_empty() || what == "an emptied cache",
            "{what}"
        );
        // The snapshot, with what changed read from the tables: the same as the
        // tables alone, before planning and after.
        let after = read(&s, FP);
        assert_eq!(
            after.from_snapshot,
            what != "an emptied cache",
            "after {what}"
        );
        keep(&mut s, FP);
        let again = read(&s, FP);
        assert!(again.from_snapshot, "kept again after {what}");
        assert!(
            again.stale.is_empty() && again.unplanned.is_empty(),
            "{what}"
        );
        assert_eq!(
            steps_of(&again),
            steps_of(&read_tables(&s, &raw)),
            "after {what}"
        );
    }
    assert!(read(&s, FP).heads.iter().all(|h| h.id != c));

    // Past a few dozen applications changed, the whole agenda is read from the
    // tables and kept again.
    keep(&mut s, FP);
    for k in 0..70 {
        add(&mut s, &format!("Company {k}"));
    }
    assert_eq!(changed(&raw).len(), 70);
    let many = read(&s, FP);
    assert!(!many.from_snapshot);
    assert_eq!(many.stale.len(), 70);
    keep(&mut s, FP);
    assert!(
        changed(&raw).is_empty(),
        "a new snapshot, nothing changed since"
    );
    let again = read(&s, FP);
    assert!(again.from_snapshot && again.stale.is_empty());
    assert_eq!(steps_of(&again), steps_of(&read_tables(&s, &raw)));
}

/// The agenda as the tables give it (the snapshot emptied first, by hand).
fn read_tables(s: &Store, raw: &rusqlite::Connection) -> AgendaCache {
    raw.execute("DELETE FROM agenda_snapshot", []).unwrap();
    read(s, FP)
}

#[test]
fn no_snapshot_is_kept_when_anything_was_written_since_the_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite");
    let mut s = Store::open(&path).unwrap();
    let (a, _) = add(&mut s, "Acme");
    let (b, _) = add(&mut s, "Globex");
    let raw = rusqlite::Connection::open(&path).unwrap();
    // Read from the tables, with `a` to plan again.
    s.add_touchpoint(
        a,
        &NewTouchpoint::new(TouchpointKind::ThankYou, at("2026-12-01T18:00:00Z")),
    )
    .unwrap();
    keep(&mut s, FP);
    s.add_touchpoint(
        a,
        &NewTouchpoint::new(TouchpointKind::FollowUp, at("2026-12-09T18:00:00Z")),
    )
    .unwrap();
    let c = read_tables(&s, &raw);
    assert_eq!(stale_ids(&c), vec![a]);
    // Another process changes `b` between the agenda's read and its write.
    let mut other = Store::open(&path).unwrap();
    other
        .add_contact(b, &NewContact::new("Ann Lee", ContactRole::Recruiter))
        .unwrap();
    let entries = [CacheEntry {
        application_id: a,
        plan_gen: c.stale[0].1,
        steps: Vec::new(),
    }];
    s.keep_agenda(FP, &c, &entries).unwrap();
    let next = read(&s, FP);
    assert!(!next.from_snapshot, "a snapshot would hide the change to b");
    assert_eq!(stale_ids(&next), vec![b]);
    // The same through this store's own connection.
    s.add_touchpoint(
        a,
        &NewTouchpoint::new(TouchpointKind::FinalFollowUp, at("2026-12-19T18:00:00Z")),
    )
    .unwrap();
    let c = read_tables(&s, &raw);
    s.add_contact(b, &NewContact::new("Bo Chen", ContactRole::Recruiter))
        .unwrap();
    let entries: Vec<CacheEntry> = c
        .stale
        .iter()
        .map(|(row, gen)| CacheEntry {
            application_id: row.id,
            plan_gen: *gen,
            steps: Vec::new(),
        })
        .collect();
    s.keep_agenda(FP, &c, &entries).unwrap();
    assert!(!read(&s, FP).from_snapshot);
}

#[test]
fn no_snapshot_holds_an_application_without_a_generation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite");
    let mut s = Store::open(&path).unwrap();
    let (a, _) = add(&mut s, "Acme");
    add(&mut s, "Globex");
    keep(&mut s, FP);
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute("DELETE FROM plan_gen WHERE application_id = ?1", [a])
        .unwrap();
    // Read from the tables each time, with the snapshot or without.
    for _ in 0..2 {
        assert_eq!(stale_ids(&read(&s, FP)), vec![a]);
        keep(&mut s, FP);
        assert_eq!(stale_ids(&read_tables(&s, &raw)), vec![a]);
        keep(&mut s, FP);
        assert!(!read(&s, FP).from_snapshot, "no snapshot can be trusted");
    }
}

#[test]
fn a_snapshot_this_build_cannot_read_is_a_decode_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite");
    let mut s = Store::open(&path).unwrap();
    add(&mut s, "Acme");
    keep(&mut s, FP);
    let raw = rusqlite::Connection::open(&path).unwrap();
    for blob in [
        &b""[..],
        &[1, 0, 0, 0, 9][..],
        &[2, 0, 0, 0, 0, 0, 0, 0][..],
    ] {
        raw.execute(
            "UPDATE agenda_snapshot SET data = ?1 WHERE part = 1",
            [blob],
        )
        .unwrap();
        let err = s.agenda_cached(FP, false, |_, _, _| true).unwrap_err();
        assert!(
            matches!(err, followup_store::StoreError::Decode { .. }),
            "{err}"
        );
    }
    // The reasons, apart: read only when asked for.
    s.clear_agenda_cache().unwrap();
    keep(&mut s, FP);
    raw.execute(
        "UPDATE agenda_snapshot SET data = x'02000000ff' WHERE part = 2",
        [],
    )
    .unwrap();
    assert!(
        s.agenda_cached(FP, false, |_, _, _| true)
            .unwrap()
            .from_snapshot
    );
    let err = s.agenda_cached(FP, true, |_, _, _| true).unwrap_err();
    assert!(
        matches!(err, followup_store::StoreError::Decode { .. }),
        "{err}"
    );
    // Without them, the snapshot is not read at all.
    raw.execute("DELETE FROM agenda_snapshot WHERE part = 2", [])
        .unwrap();
    assert!(!read(&s, FP).from_snapshot);
    s.clear_agenda_cache().unwrap();
    assert!(!read(&s, FP).from_snapshot);
}

#[test]
fn the_snapshot_reads_the_reasons_of_exactly_the_steps_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("f.sqlite")).unwrap();
    let ids: Vec<i64> = ["Acme", "Globex", "Initech", "Hooli", "Umbrella"]
        .iter()
        .map(|c| add(&mut s, c).0)
        .collect();
    // One step each, a day apart, each with reasons of its own (of different
    // lengths, one with characters of several bytes).
    let c = read(&s, FP);
    let entries: Vec<CacheEntry> = c
        .stale
        .iter()
        .map(|(row, gen)| {
            let n = ids.iter().position(|id| *id == row.id).unwrap();
            let day = format!("2026-12-{:02}T16:00:00Z", n + 1);
            let mut st = step(StepKind::FollowUp, &day, "2026-12-20T16:00:00Z");
            st.why = format!("reason {n} – {}\u{1f}then {n}", "x".repeat(n * 7)).into();
            CacheEntry {
                application_id: row.id,
                plan_gen: *gen,
                steps: vec![st],
            }
        })
        .collect();
    s.keep_agenda(FP, &c, &entries).unwrap();
    let all = read(&s, FP);
    assert!(all.from_snapshot);
    // Kept: the first, third and fourth (two pieces of the reasons, one of two steps).
    let keep = [
        at("2026-12-01T16:00:00Z"),
        at("2026-12-03T16:00:00Z"),
        at("2026-12-04T16:00:00Z"),
    ];
    let some = s
        .agenda_cached(FP, true, |earliest, _, _| keep.contains(&earliest))
        .unwrap();
    assert!(some.from_snapshot);
    let whys = |c: &AgendaCache| -> Vec<(i64, String)> {
        c.steps
            .iter()
            .map(|(slot, st)| (c.heads[*slot].id, st.why.to_string()))
            .collect()
    };
    let want: Vec<(i64, String)> = whys(&all)
        .into_iter()
        .filter(|(id, _)| [ids[0], ids[2], ids[3]].contains(id))
        .collect();
    assert_eq!(whys(&some), want);
    assert!(want[1].1.starts_with("reason 2 – xxxxxxxxxxxxxx\u{1f}"));
}
