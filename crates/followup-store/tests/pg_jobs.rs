//! The workers' job queue on PostgreSQL: each user's next due moment, and each user's
//! digest claimed once per local day by any number of workers, a claim whose worker
//! is gone run again (before sending) or recorded `unknown` (during it).
//!
//! Each test gets a database of its own on the machine's server; without a server the
//! tests are reported as ignored with the reason (a failure under CI=true).
//!
//! The time of the workers' queries over 1,000,000 users (`due_users`, the claim's
//! pick, the count of `/metrics`), with their plans: `scripts/bench_pg_sweep.sh`.

use std::collections::{BTreeSet, HashSet};
use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use followup_store::pg::{DigestClaim, DigestState, Due, Pg};
use followup_store::StoreError;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use libtest_mimic::{Arguments, Failed, Trial};

mod pg_db;

use pg_db::{with_db, with_owned_db, Outcome};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tests = vec![
        Trial::ignorable_test("due_users_are_those_due_at_or_before_now", due_users),
        Trial::ignorable_test(
            "three_claimers_over_1000_users_never_overlap_and_cover_everyone",
            concurrent_claims,
        ),
        Trial::ignorable_test(
            "a_claimer_whose_connection_drops_leaves_its_users_to_claim_again",
            dropped_claimer,
        ),
        Trial::ignorable_test(
            "a_sending_claim_whose_worker_is_gone_becomes_unknown_not_reclaimed",
            dropped_while_sending,
        ),
        Trial::ignorable_test("a_live_workers_claims_are_not_recovered", live_claims_kept),
        Trial::ignorable_test("a_future_next_due_is_not_claimed", future_not_claimed),
        Trial::ignorable_test(
            "a_days_digest_is_not_claimed_again_after_mark_sent",
            not_twice,
        ),
        Trial::ignorable_test(
            "a_refusal_before_sending_is_tried_again_the_same_day",
            waiting_retried,
        ),
        Trial::ignorable_test(
            "a_next_due_set_earlier_notifies_listeners_an_ending_does_not",
            notifications,
        ),
        Trial::ignorable_test(
            "the_job_tables_are_not_for_followup_user_and_go_with_the_user",
            roles_and_deletion,
        ),
        Trial::ignorable_test(
            "a_settings_save_made_from_old_settings_writes_nothing",
            settings_saves_take_turns,
        ),
    ];
    libtest_mimic::run(&args, tests).exit_code()
}

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

const NOW: &str = "2026-12-01T13:00:00Z";
const DAY: &str = "2026-12-01";

fn due(at: &str, day: &str) -> Option<Due> {
    Some(Due {
        at: t(at),
        day: d(day),
    })
}

/// `n` users, made in one statement; their ids.
fn users(pg: &mut Pg, n: i64) -> Result<Vec<i64>, Failed> {
    let rows = pg.client().query(
        "INSERT INTO app_user (email, created_at)
         SELECT 'u' || i || '@example.com', 0 FROM generate_series(1, $1::bigint) i RETURNING id",
        &[&n],
    )?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

fn user(pg: &mut Pg) -> Result<i64, Failed> {
    Ok(users(pg, 1)?[0])
}

fn state(pg: &mut Pg, user: i64, day: &str) -> Result<Option<DigestState>, Failed> {
    Ok(pg.digest_run(user, d(day))?.map(|r| r.state))
}

fn due_users() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let ids = users(&mut pg, 4)?;
        assert!(pg.set_next_due(ids[0], due("2026-12-01T12:00:00Z", DAY))?);
        assert!(pg.set_next_due(ids[1], due("2026-12-01T13:00:00Z", DAY))?);
        assert!(pg.set_next_due(ids[2], due("2026-12-01T13:00:01Z", DAY))?);
        assert!(pg.set_next_due(ids[3], None)?);
        assert_eq!(pg.due_users(t(NOW), 10)?, vec![ids[0], ids[1]]);
        assert_eq!(pg.due_users(t(NOW), 1)?, vec![ids[0]]);
        assert_eq!(
            pg.due_users(t("2026-12-01T11:00:00Z"), 10)?,
            Vec::<i64>::new()
        );
        assert_eq!(pg.next_due(ids[2])?, due("2026-12-01T13:00:01Z", DAY));
        assert_eq!(pg.next_due(ids[3])?, None);
        // Moved later, then off the schedule.
        assert!(pg.set_next_due(ids[0], due("2026-12-02T12:00:00Z", "2026-12-02"))?);
        assert!(pg.set_next_due(ids[1], None)?);
        assert_eq!(pg.due_users(t(NOW), 10)?, Vec::<i64>::new());
        // No such user.
        assert!(pg.set_next_due(ids[3] + 100, due(NOW, DAY)).is_err());
        Ok(())
    })
}

fn concurrent_claims() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let ids = users(&mut pg, 1000)?;
        // Spread over the last 1000 seconds, all due now.
        let now_ns = i64::try_from(t(NOW).as_nanosecond())?;
        pg.client().execute(
            "INSERT INTO user_due (user_id, next_due, day)
             SELECT id, $1 - (id % 1000) * 1000000000, $2 FROM app_user",
            &[&now_ns, &DAY],
        )?;
        let start = Arc::new(Barrier::new(3));
        let workers: Vec<_> = (0..3)
            .map(|w| {
                let url = db.url.clone();
                let start = start.clone();
                std::thread::spawn(move || -> Result<Vec<i64>, String> {
                    let mut pg = Pg::open(&url).map_err(|e| e.to_string())?;
                    let name = format!("worker-{w}");
                    let mut mine = Vec::new();
                    start.wait();
                    loop {
                        let claims = pg
                            .claim_digests(t(NOW), &name, 25)
                            .map_err(|e| e.to_string())?;
                        if claims.is_empty() {
                            break;
                        }
                        for c in claims {
                            assert_eq!(c.day, d(DAY));
                            pg.mark_sending(&c, t(NOW), "<id>")
                                .map_err(|e| e.to_string())?;
                            pg.mark_sent(
                                &c,
                                t(NOW),
                                "<id> 250 ok",
                                due("2026-12-02T13:00:00Z", "2026-12-02"),
                            )
                            .map_err(|e| e.to_string())?;
                            mine.push(c.user_id);
                        }
                    }
                    Ok(mine)
                })
            })
            .collect();
        let mut all = Vec::new();
        let mut per_worker = Vec::new();
        for w in workers {
            let mine = w.join().map_err(|_| "a worker panicked")??;
            per_worker.push(mine.len());
            all.extend(mine);
        }
        let distinct: HashSet<i64> = all.iter().copied().collect();
        assert_eq!(all.len(), distinct.len(), "a user was claimed twice");
        assert_eq!(distinct, ids.iter().copied().collect::<HashSet<_>>());
        let sent: i64 = pg
            .client()
            .query_one(
                "SELECT count(*) FROM digest_run WHERE state = 'sent' AND attempts = 1",
                &[],
            )?
            .get(0);
        assert_eq!(sent, 1000);
        assert_eq!(pg.due_users(t(NOW), 10)?, Vec::<i64>::new());
        assert_eq!(pg.due_users(t("2026-12-02T13:00:00Z"), 2000)?.len(), 1000);
        eprintln!("claims per worker: {per_worker:?}");
        Ok(())
    })
}

fn dropped_claimer() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let ids = users(&mut pg, 10)?;
        for &u in &ids {
            pg.set_next_due(u, due("2026-12-01T12:00:00Z", DAY))?;
        }
        let mut gone = Pg::open(&db.url)?;
        let taken = gone.claim_digests(t(NOW), "gone", 4)?;
        assert_eq!(taken.len(), 4);
        // While it lives, its claims are its own.
        let mut other = Pg::open(&db.url)?;
        let r = other.recover_digests(t(NOW))?;
        assert!(r.requeued.is_empty() && r.unknown.is_empty(), "{r:?}");
        let first = other.claim_digests(t(NOW), "other", 100)?;
        assert_eq!(first.len(), 6);
        assert!(first.iter().all(|c| !taken.contains(c)));
        // The connection drops without marking anything.
        drop(gone);
        let r = recover_soon(&mut other)?;
        assert_eq!(
            r.requeued
                .iter()
                .map(|c| c.user_id)
                .collect::<BTreeSet<_>>(),
            taken.iter().map(|c| c.user_id).collect::<BTreeSet<_>>()
        );
        assert!(r.unknown.is_empty());
        for c in &taken {
            assert_eq!(state(&mut pg, c.user_id, DAY)?, Some(DigestState::Waiting));
            assert_eq!(pg.next_due(c.user_id)?, due("2026-12-01T12:00:00Z", DAY));
        }
        let again = other.claim_digests(t(NOW), "other", 100)?;
        assert_eq!(
            again.iter().map(|c| c.user_id).collect::<BTreeSet<_>>(),
            taken.iter().map(|c| c.user_id).collect::<BTreeSet<_>>()
        );
        for c in first.iter().chain(&again) {
            other.mark_sent(
                c,
                t(NOW),
                "250 ok",
                due("2026-12-02T12:00:00Z", "2026-12-02"),
            )?;
        }
        let run = pg.digest_run(taken[0].user_id, d(DAY))?.ok_or("no run")?;
        assert_eq!((run.state, run.attempts), (DigestState::Sent, 2));
        assert_eq!(run.worker, "other");
        Ok(())
    })
}

/// Recovers until something is found: the server ends a dropped client's session a
/// moment after the socket closes.
fn recover_soon(pg: &mut Pg) -> Result<followup_store::pg::Recovered, Failed> {
    for _ in 0..100 {
        let r = pg.recover_digests(t(NOW))?;
        if !r.requeued.is_empty() || !r.unknown.is_empty() {
            return Ok(r);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err("nothing recovered after 5 s".into())
}

fn dropped_while_sending() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let ids = users(&mut pg, 2)?;
        for &u in &ids {
            pg.set_next_due(u, due("2026-12-01T12:00:00Z", DAY))?;
        }
        let mut gone = Pg::open(&db.url)?;
        let claims = gone.claim_digests(t(NOW), "gone", 10)?;
        assert_eq!(claims.len(), 2);
        let sending = claims[0];
        gone.mark_sending(&sending, t(NOW), "<followup.digest.1@example.com>")?;
        drop(gone);
        let mut other = Pg::open(&db.url)?;
        let r = recover_soon(&mut other)?;
        assert_eq!(r.unknown, vec![sending]);
        assert_eq!(r.requeued, vec![claims[1]]);
        let run = pg.digest_run(sending.user_id, d(DAY))?.ok_or("no run")?;
        assert_eq!(run.state, DigestState::Unknown);
        assert!(
            run.detail
                .starts_with("<followup.digest.1@example.com> its worker stopped"),
            "{}",
            run.detail
        );
        // Never claimed again for that day, nor put back on the schedule for it.
        let again = other.claim_digests(t(NOW), "other", 10)?;
        assert_eq!(
            again.iter().map(|c| c.user_id).collect::<Vec<_>>(),
            vec![claims[1].user_id]
        );
        assert!(!pg.set_next_due(sending.user_id, due("2026-12-01T12:00:00Z", DAY))?);
        assert_eq!(pg.next_due(sending.user_id)?, None);
        assert!(other.claim_digests(t(NOW), "other", 10)?.is_empty());
        // Found once: the next round has nothing to report.
        let r = other.recover_digests(t(NOW))?;
        assert!(r.unknown.is_empty() && r.requeued.is_empty());
        // The next day is scheduled as usual.
        assert!(pg.set_next_due(sending.user_id, due("2026-12-02T12:00:00Z", "2026-12-02"))?);
        Ok(())
    })
}

fn live_claims_kept() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let u = user(&mut pg)?;
        pg.set_next_due(u, due("2026-12-01T12:00:00Z", DAY))?;
        let mut worker = Pg::open(&db.url)?;
        let c = worker.claim_digests(t(NOW), "w", 10)?;
        assert_eq!(c.len(), 1);
        // Its own recovery does not take its claim for an orphan, nor does another's.
        assert_eq!(worker.recover_digests(t(NOW))?, Default::default());
        assert_eq!(pg.recover_digests(t(NOW))?, Default::default());
        assert!(matches!(
            pg.mark_sending(&c[0], t(NOW), "<x>"),
            Err(StoreError::ClaimLost { .. })
        ));
        worker.mark_sending(&c[0], t(NOW), "<x>")?;
        assert_eq!(worker.recover_digests(t(NOW))?, Default::default());
        assert_eq!(pg.recover_digests(t(NOW))?, Default::default());
        // Only the holder marks it.
        assert!(matches!(
            pg.mark_sent(&c[0], t(NOW), "250", None),
            Err(StoreError::ClaimLost { .. })
        ));
        worker.mark_sent(&c[0], t(NOW), "250", None)?;
        // Marked once: not again.
        assert!(matches!(
            worker.mark_failed(&c[0], t(NOW), "550", None),
            Err(StoreError::ClaimLost { .. })
        ));
        // The lock went with the marking: a new claim of this user by another works.
        pg.set_next_due(u, due("2026-12-02T12:00:00Z", "2026-12-02"))?;
        let next = pg.claim_digests(t("2026-12-02T13:00:00Z"), "pg", 10)?;
        assert_eq!(next.len(), 1);
        // The next day's moment cannot be the day just dealt with.
        assert!(pg
            .mark_sent(
                &next[0],
                t(NOW),
                "250",
                due("2026-12-02T12:00:00Z", "2026-12-02")
            )
            .is_err_and(|e| e.is_invalid()));
        Ok(())
    })
}

fn future_not_claimed() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let u = user(&mut pg)?;
        pg.set_next_due(u, due("2026-12-01T13:00:00.000000001Z", DAY))?;
        assert!(pg.claim_digests(t(NOW), "w", 10)?.is_empty());
        assert_eq!(state(&mut pg, u, DAY)?, None);
        let c = pg.claim_digests(t("2026-12-01T13:00:01Z"), "w", 10)?;
        assert_eq!(
            c,
            vec![DigestClaim {
                user_id: u,
                day: d(DAY),
                due_at: t("2026-12-01T13:00:00.000000001Z")
            }]
        );
        Ok(())
    })
}

fn not_twice() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let u = user(&mut pg)?;
        pg.set_next_due(u, due("2026-12-01T12:00:00Z", DAY))?;
        let c = pg.claim_digests(t(NOW), "w", 10)?;
        assert_eq!(c.len(), 1);
        // While it runs, the user is not due, and a change cannot put the day back.
        assert_eq!(pg.due_users(t(NOW), 10)?, Vec::<i64>::new());
        assert!(!pg.set_next_due(u, due("2026-12-01T12:00:00Z", DAY))?);
        assert!(pg.claim_digests(t(NOW), "w", 10)?.is_empty());
        pg.mark_sending(&c[0], t(NOW), "<id>")?;
        pg.mark_sent(
            &c[0],
            t(NOW),
            "<id> 250 ok",
            due("2026-12-02T12:00:00Z", "2026-12-02"),
        )?;
        assert_eq!(state(&mut pg, u, DAY)?, Some(DigestState::Sent));
        assert!(pg
            .claim_digests(t("2026-12-01T23:59:00Z"), "w", 10)?
            .is_empty());
        // A change after the sending recomputes today's moment: not kept.
        assert!(!pg.set_next_due(u, due("2026-12-01T12:00:00Z", DAY))?);
        assert_eq!(pg.next_due(u)?, due("2026-12-02T12:00:00Z", "2026-12-02"));
        assert!(pg
            .claim_digests(t("2026-12-01T23:59:00Z"), "w", 10)?
            .is_empty());
        // Even a schedule written around the store is passed over.
        pg.client().execute(
            "UPDATE user_due SET next_due = 0, day = $2 WHERE user_id = $1",
            &[&u, &DAY],
        )?;
        assert!(pg.claim_digests(t(NOW), "w", 10)?.is_empty());
        // The next day comes.
        pg.set_next_due(u, due("2026-12-02T12:00:00Z", "2026-12-02"))?;
        let next = pg.claim_digests(t("2026-12-02T12:00:00Z"), "w", 10)?;
        assert_eq!(next.len(), 1);
        assert_eq!(next[0].day, d("2026-12-02"));
        pg.mark_nothing(&next[0], t(NOW), due("2026-12-03T12:00:00Z", "2026-12-03"))?;
        assert_eq!(state(&mut pg, u, "2026-12-02")?, Some(DigestState::Nothing));
        Ok(())
    })
}

fn waiting_retried() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let u = user(&mut pg)?;
        pg.set_next_due(u, due("2026-12-01T12:00:00Z", DAY))?;
        let c = pg.claim_digests(t(NOW), "w", 10)?;
        let retry = t(NOW) + SignedDuration::from_mins(10);
        pg.mark_waiting(&c[0], t(NOW), "connection refused", retry)?;
        let run = pg.digest_run(u, d(DAY))?.ok_or("no run")?;
        assert_eq!(run.state, DigestState::Waiting);
        assert_eq!(run.detail, "connection refused");
        assert_eq!(
            pg.next_due(u)?,
            Some(Due {
                at: retry,
                day: d(DAY)
            })
        );
        assert!(pg.claim_digests(t(NOW), "w", 10)?.is_empty());
        let again = pg.claim_digests(retry, "w", 10)?;
        assert_eq!(again.len(), 1);
        pg.mark_failed(&again[0], retry, "550 no such user", None)?;
        let run = pg.digest_run(u, d(DAY))?.ok_or("no run")?;
        assert_eq!((run.state, run.attempts), (DigestState::Failed, 2));
        assert_eq!(pg.next_due(u)?, None);
        Ok(())
    })
}

fn notifications() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let u = user(&mut pg)?;
        let mut worker = Pg::open(&db.url)?;
        worker.listen_jobs()?;
        assert!(!worker.wait_for_jobs(Duration::from_millis(50))?);
        pg.set_next_due(u, due("2026-12-01T12:00:00Z", DAY))?;
        assert!(worker.wait_for_jobs(Duration::from_secs(5))?);
        // Later than it was: no one needs waking.
        pg.set_next_due(u, due("2026-12-01T14:00:00Z", DAY))?;
        assert!(!worker.wait_for_jobs(Duration::from_millis(200))?);
        // Earlier: notified again, several changes read at once.
        pg.set_next_due(u, due("2026-12-01T13:00:00Z", DAY))?;
        pg.set_next_due(u, due("2026-12-01T12:30:00Z", DAY))?;
        assert!(worker.wait_for_jobs(Duration::from_secs(5))?);
        std::thread::sleep(Duration::from_millis(100));
        let _ = worker.wait_for_jobs(Duration::from_millis(10))?;
        assert!(!worker.wait_for_jobs(Duration::from_millis(50))?);
        // A digest's ending puts the user back on the schedule for the next day without
        // waking anyone: the workers' polling finds that moment.
        let c = pg.claim_digests(t(NOW), "w", 10)?;
        assert_eq!(c.len(), 1);
        let tomorrow = due("2026-12-02T12:00:00Z", "2026-12-02");
        pg.mark_sent(&c[0], t(NOW), "250", tomorrow)?;
        assert_eq!(pg.next_due(u)?, tomorrow);
        assert!(!worker.wait_for_jobs(Duration::from_millis(200))?);
        Ok(())
    })
}

fn roles_and_deletion() -> Outcome {
    with_owned_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let made = pg.create_user("sam@example.com", Some("correct horse"), t(NOW))?;
        let u = made.user.id;
        pg.set_next_due(u, due("2026-12-01T12:00:00Z", DAY))?;
        let c = pg.claim_digests(t(NOW), "w", 10)?;
        pg.mark_sent(
            &c[0],
            t(NOW),
            "250",
            due("2026-12-02T12:00:00Z", "2026-12-02"),
        )?;
        for table in ["user_due", "digest_run"] {
            let r = pg.client().query_one(
                "SELECT c.relrowsecurity,
                        has_table_privilege('followup_user', c.oid, 'SELECT'),
                        has_table_privilege('followup_user', c.oid, 'INSERT'),
                        has_table_privilege('followup_user', c.oid, 'UPDATE'),
                        has_table_privilege('followup_user', c.oid, 'DELETE')
                   FROM pg_class c WHERE c.relname = $1",
                &[&table],
            )?;
            for i in 0..5 {
                assert!(!r.get::<_, bool>(i), "{table}: column {i}");
            }
            let mut tx = pg.user_transaction(u)?;
            assert!(tx.query(&format!("SELECT * FROM {table}"), &[]).is_err());
        }
        pg.delete_user("sam@example.com")?;
        for table in ["user_due", "digest_run"] {
            let n: i64 = pg
                .client()
                .query_one(&format!("SELECT count(*) FROM {table}"), &[])?
                .get(0);
            assert_eq!(n, 0, "{table}");
        }
        Ok(())
    })
}

/// Two saves of one account's settings made from the same version (the Settings page
/// on one process, the unsubscribe link on another): the second writes nothing and
/// says so, so the caller applies its change again to what the first saved.
fn settings_saves_take_turns() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let user = users(&mut pg, 1)?[0];
        let at = t(NOW);
        assert_eq!(pg.user_settings(user)?, None);
        let first = pg.save_user_settings(user, "digest_hour = 7\n", "", &[], at, None)?;
        assert_eq!(first, Some(1));
        // Made from the server's settings too, but the first save came meanwhile.
        let late = pg.save_user_settings(user, "tz = \"UTC\"\n", "", &[], at, None)?;
        assert_eq!(late, None);
        let saved = pg.user_settings(user)?.ok_or("nothing saved")?;
        assert_eq!(
            (saved.config.as_str(), saved.version),
            ("digest_hour = 7\n", 1)
        );
        // Made from version 1: kept; from version 1 again: not.
        assert_eq!(
            pg.save_user_settings(user, "digest_hour = 9\n", "", &[], at, Some(1))?,
            Some(2)
        );
        assert_eq!(
            pg.save_user_settings(user, "digest_hour = 6\n", "", &[], at, Some(1))?,
            None
        );
        assert_eq!(
            pg.user_settings(user)?.map(|s| s.config),
            Some("digest_hour = 9\n".to_string())
        );
        Ok(())
    })
}
