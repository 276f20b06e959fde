//! The outbox on PostgreSQL as the workers see it: every user's due messages claimed
//! once (two workers never take the same), marked sent (with the touchpoint) or
//! failed, and a message whose worker was killed while sending recorded `unknown`,
//! never sent again by itself.
//!
//! Each test gets a database of its own on the machine's server; without a server the
//! tests are reported as ignored with the reason (a failure under CI=true).

use std::collections::HashSet;
use std::process::ExitCode;
use std::time::Duration;

use followup_store::pg::Pg;
use followup_store::{
    ContactRole, Facts, NewApplication, NewContact, NewOutboxMessage, OutboxState, TouchpointKind,
};
use jiff::Timestamp;
use libtest_mimic::{Arguments, Failed, Trial};

mod pg_db;

use pg_db::{with_db, Outcome};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tests = vec![
        Trial::ignorable_test(
            "due_messages_of_every_user_are_claimed_once_and_marked",
            claimed_once,
        ),
        Trial::ignorable_test(
            "a_message_whose_worker_was_killed_while_sending_becomes_unknown",
            killed_while_sending,
        ),
        Trial::ignorable_test(
            "two_workers_over_200_messages_never_take_the_same_one",
            two_workers,
        ),
        Trial::ignorable_test(
            "the_send_queue_is_not_for_followup_user_and_a_queued_message_notifies",
            queue_roles_and_notify,
        ),
        Trial::ignorable_test(
            "a_temporary_table_of_the_user_cannot_stand_in_for_the_send_queue",
            temp_table_no_stand_in,
        ),
        Trial::ignorable_test(
            "a_message_its_user_is_changing_is_skipped_not_waited_for",
            changing_skipped,
        ),
        Trial::ignorable_test(
            "a_restore_waits_until_no_message_is_being_sent",
            restore_while_sending,
        ),
    ];
    libtest_mimic::run(&args, tests).exit_code()
}

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

const NOW: &str = "2026-12-01T13:00:00Z";

/// A new account with one application (Jane Doe its contact): (user, app, contact).
fn account(pg: &mut Pg, email: &str) -> Result<(i64, i64, i64), Failed> {
    let user = pg
        .create_user(email, Some("long enough password"), t(NOW))?
        .user
        .id;
    let mut s = pg.user_store(user);
    let mut new = NewApplication::new("Acme", "Backend Developer", t("2026-11-20T10:00:00Z"));
    let mut jane = NewContact::new("Jane Doe", ContactRole::Interviewer);
    jane.email = Some("jane@acme.example".into());
    new.contacts.push(jane);
    let app = s.add_application(&new)?;
    let jane = s.application(app)?.contacts[0].id;
    Ok((user, app, jane))
}

fn queue(pg: &mut Pg, who: (i64, i64, i64), at: &str, n: usize) -> Result<i64, Failed> {
    let (user, app, jane) = who;
    let m = pg.user_store(user).outbox_queue(&NewOutboxMessage {
        application_id: app,
        contact_id: jane,
        kind: "thank-you".into(),
        at: t(at),
        from_name: "Sam Lee".into(),
        from_addr: "service@followup.example".into(),
        to_name: "Jane Doe".into(),
        to_addr: "jane@acme.example".into(),
        subject: Some("Thank you".into()),
        body: "Thank you for your time.".into(),
        message_id: format!("<m{user}.{n}@followup.example>"),
        in_reply_to: None,
        references: None,
        created_at: t(NOW),
        reply_to: Some("sam@home.example".into()),
    })?;
    Ok(m.id)
}

fn state(pg: &mut Pg, user: i64, id: i64) -> Result<OutboxState, Failed> {
    Ok(pg.user_store(user).outbox_message(id)?.state)
}

fn claimed_once() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let ann = account(&mut pg, "ann@example.com")?;
        let bob = account(&mut pg, "bob@example.com")?;
        let a1 = queue(&mut pg, ann, "2026-12-01T12:00:00Z", 1)?;
        let b1 = queue(&mut pg, bob, "2026-12-01T12:30:00Z", 1)?;
        let later = queue(&mut pg, ann, "2026-12-01T14:00:00Z", 2)?;
        let counts = pg.send_counts(t(NOW))?;
        assert_eq!((counts.due, counts.sending), (2, 0));
        assert_eq!(counts.oldest_due, Some(t("2026-12-01T12:00:00Z")));

        let mut one = Pg::open(&db.url)?;
        let mut two = Pg::open(&db.url)?;
        // The earliest first, each to one worker; the later one is not due.
        let c1 = one.claim_send(t(NOW), None)?.ok_or("nothing claimed")?;
        assert_eq!((c1.user_id, c1.message.id), (ann.0, a1));
        assert_eq!(c1.message.state, OutboxState::Sending);
        assert_eq!(c1.message.attempts, 1);
        assert_eq!(c1.message.reply_to.as_deref(), Some("sam@home.example"));
        let c2 = two.claim_send(t(NOW), None)?.ok_or("nothing claimed")?;
        assert_eq!((c2.user_id, c2.message.id), (bob.0, b1));
        assert!(two.claim_send(t(NOW), None)?.is_none());
        assert_eq!(pg.send_counts(t(NOW))?.sending, 2);
        // A live worker's claims are not recovered by another.
        assert!(pg.recover_sends("gone", t(NOW))?.is_empty());

        // Accepted: sent, logged as a thank-you by email to Jane, in Ann's history.
        let tid = one.send_sent(&c1, t("2026-12-01T13:00:05Z"), "250 2.0.0 Ok")?;
        let m = pg.user_store(ann.0).outbox_message(a1)?;
        assert_eq!(m.state, OutboxState::Sent);
        assert_eq!(m.touchpoint_id, Some(tid));
        assert_eq!(m.reply.as_deref(), Some("250 2.0.0 Ok"));
        let full = pg.user_store(ann.0).application(ann.1)?;
        let tp = full
            .touchpoints
            .iter()
            .find(|x| x.id == tid)
            .ok_or("no touchpoint")?;
        assert_eq!(tp.kind, TouchpointKind::ThankYou);
        assert_eq!(tp.contact_id, Some(ann.2));
        // A second marking of the same claim is refused, nothing changed.
        assert!(one.send_sent(&c1, t(NOW), "250").is_err());
        assert_eq!(
            pg.user_store(ann.0).application(ann.1)?.touchpoints.len(),
            full.touchpoints.len()
        );

        // A temporary failure: queued again for later, not due before then.
        two.send_failed(
            &c2,
            t(NOW),
            "421 try later",
            Some(t(NOW)),
            Some(t("2026-12-01T13:10:00Z")),
        )?;
        let m = pg.user_store(bob.0).outbox_message(b1)?;
        assert_eq!(m.state, OutboxState::Queued);
        assert_eq!(m.next_try, t("2026-12-01T13:10:00Z"));
        assert_eq!(m.error.as_deref(), Some("421 try later"));
        assert!(one.claim_send(t(NOW), None)?.is_none());
        let c3 = one
            .claim_send(t("2026-12-01T13:10:00Z"), None)?
            .ok_or("no retry")?;
        assert_eq!(c3.message.id, b1);
        assert_eq!(c3.message.attempts, 2);
        // Refused for good: failed, never claimed again.
        one.send_failed(
            &c3,
            t("2026-12-01T13:10:02Z"),
            "550 no such user",
            Some(t(NOW)),
            None,
        )?;
        assert_eq!(state(&mut pg, bob.0, b1)?, OutboxState::Failed);
        // Only the one asked for: the later message once due, by its user only.
        assert!(one
            .claim_send(t("2026-12-01T14:00:00Z"), Some((bob.0, later)))?
            .is_none());
        assert!(one.claim_send(t(NOW), Some((ann.0, later)))?.is_none());
        let c4 = one
            .claim_send(t("2026-12-01T14:00:00Z"), Some((ann.0, later)))?
            .ok_or("the asked one was not claimed")?;
        assert_eq!(c4.message.id, later);
        // Cancelling a message being sent is refused.
        assert!(pg.user_store(ann.0).outbox_cancel(later).is_err());
        one.send_sent(&c4, t("2026-12-01T14:00:01Z"), "250")?;
        let counts = pg.send_counts(t("2026-12-02T00:00:00Z"))?;
        assert_eq!((counts.due, counts.sending), (0, 0));
        // What /metrics counts: two sent, one failed (the retry is not an ending).
        let done = pg.send_figures(t("2026-12-01T00:00:00Z"))?;
        assert_eq!(done, vec![("failed".into(), 1), ("sent".into(), 2)]);
        assert!(pg.send_figures(t("2026-12-01T14:00:02Z"))?.is_empty());
        Ok(())
    })
}

fn recover_soon(pg: &mut Pg) -> Result<Vec<(i64, i64)>, Failed> {
    for _ in 0..100 {
        let r = pg.recover_sends("its worker stopped", t(NOW))?;
        if !r.is_empty() {
            return Ok(r);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err("nothing recovered after 5 s".into())
}

fn killed_while_sending() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let ann = account(&mut pg, "ann@example.com")?;
        let a1 = queue(&mut pg, ann, "2026-12-01T12:00:00Z", 1)?;
        let a2 = queue(&mut pg, ann, "2026-12-01T12:00:00Z", 2)?;
        let mut gone = Pg::open(&db.url)?;
        let c = gone.claim_send(t(NOW), None)?.ok_or("nothing claimed")?;
        assert_eq!(c.message.id, a1);
        // The worker's connection closes (a SIGKILL closes its socket).
        drop(gone);
        let mut other = Pg::open(&db.url)?;
        assert_eq!(recover_soon(&mut other)?, vec![(ann.0, a1)]);
        assert_eq!(
            other.send_figures(t(NOW))?,
            vec![("unknown".to_string(), 1)]
        );
        let m = pg.user_store(ann.0).outbox_message(a1)?;
        assert_eq!(m.state, OutboxState::Unknown);
        assert_eq!(m.error.as_deref(), Some("its worker stopped"));
        // Never claimed again by itself; the other message is.
        let next = other
            .claim_send(t(NOW), None)?
            .ok_or("the other was not claimed")?;
        assert_eq!(next.message.id, a2);
        assert!(other.claim_send(t(NOW), None)?.is_none());
        // Found once; the claim this session holds is not its own orphan.
        assert!(other.recover_sends("again", t(NOW))?.is_empty());
        // The user queues it again: due, claimed, sent.
        other.send_sent(&next, t(NOW), "250")?;
        pg.user_store(ann.0).outbox_retry(a1, t(NOW))?;
        let again = other.claim_send(t(NOW), None)?.ok_or("not queued again")?;
        assert_eq!(again.message.id, a1);
        assert_eq!(again.message.attempts, 2);
        Ok(())
    })
}

fn two_workers() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let mut all = HashSet::new();
        for u in 0..20 {
            let who = account(&mut pg, &format!("u{u}@example.com"))?;
            for n in 0..10 {
                all.insert(queue(&mut pg, who, "2026-12-01T12:00:00Z", n)?);
            }
        }
        let url = db.url.clone();
        let work = move || -> Result<Vec<i64>, String> {
            let mut pg = Pg::open(&url).map_err(|e| e.to_string())?;
            let mut mine = Vec::new();
            while let Some(c) = pg.claim_send(t(NOW), None).map_err(|e| e.to_string())? {
                pg.send_sent(&c, t(NOW), "250").map_err(|e| e.to_string())?;
                mine.push(c.message.id);
            }
            Ok(mine)
        };
        let a = std::thread::spawn(work.clone());
        let b = std::thread::spawn(work);
        let a = a.join().map_err(|_| "a worker panicked")??;
        let b = b.join().map_err(|_| "a worker panicked")??;
        let mut seen = HashSet::new();
        for id in a.iter().chain(&b) {
            assert!(seen.insert(*id), "message {id} was claimed twice");
        }
        assert_eq!(seen, all);
        Ok(())
    })
}

fn queue_roles_and_notify() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let ann = account(&mut pg, "ann@example.com")?;
        let mut listener = Pg::open(&db.url)?;
        listener.listen_jobs()?;
        queue(&mut pg, ann, "2026-12-01T12:00:00Z", 1)?;
        assert!(listener.wait_for_jobs(Duration::from_secs(5))?);
        // followup_user cannot read the queue of everyone's messages.
        let mut tx = pg.user_transaction(ann.0)?;
        let e = tx
            .query("SELECT count(*) FROM send_queue", &[])
            .expect_err("followup_user read send_queue");
        let why = e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_default();
        assert!(why.contains("permission denied"), "{why}");
        drop(tx);
        // An application deleted takes its messages off the queue.
        pg.user_store(ann.0).delete_application(ann.1)?;
        assert_eq!(pg.send_counts(t(NOW))?.due, 0);
        Ok(())
    })
}

fn temp_table_no_stand_in() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let ann = account(&mut pg, "ann@example.com")?;
        // As the user: a temporary table named like the queue, with a trigger that
        // would run as the queue's owner if the queue's trigger wrote to it.
        let mut tx = pg.user_transaction(ann.0)?;
        tx.batch_execute(
            "CREATE TEMP TABLE send_queue (outbox_id bigint PRIMARY KEY, user_id bigint,
                 state text, next_try bigint, session text)",
        )?;
        tx.commit()?;
        queue(&mut pg, ann, "2026-12-01T12:00:00Z", 1)?;
        // The real queue has it (read on another connection: in this session the
        // temporary table hides it); the temporary table nothing.
        assert_eq!(Pg::open(&db.url)?.send_counts(t(NOW))?.due, 1);
        let mut tx = pg.user_transaction(ann.0)?;
        let n: i64 = tx
            .query_one("SELECT count(*) FROM pg_temp.send_queue", &[])?
            .get(0);
        assert_eq!(n, 0);
        Ok(())
    })
}

fn changing_skipped() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let ann = account(&mut pg, "ann@example.com")?;
        let first = queue(&mut pg, ann, "2026-12-01T12:00:00Z", 1)?;
        let second = queue(&mut pg, ann, "2026-12-01T12:30:00Z", 2)?;
        // Ann cancels the first: her transaction holds its row, not yet committed.
        let mut user = Pg::open(&db.url)?;
        let mut tx = user.user_transaction(ann.0)?;
        tx.query("SELECT id FROM outbox WHERE id = $1 FOR UPDATE", &[&first])?;
        // A worker meanwhile takes the next one, without waiting for her.
        let url = db.url.clone();
        let worker = std::thread::spawn(move || -> Result<Option<i64>, String> {
            let mut w = Pg::open(&url).map_err(|e| e.to_string())?;
            let c = w.claim_send(t(NOW), None).map_err(|e| e.to_string())?;
            Ok(c.map(|c| c.message.id))
        });
        let claimed = worker.join().map_err(|_| "the worker panicked")??;
        assert_eq!(claimed, Some(second));
        // Her cancellation goes through (no deadlock), and the first is not sent.
        tx.execute(
            "UPDATE outbox SET state = 'cancelled' WHERE id = $1",
            &[&first],
        )?;
        tx.commit()?;
        assert_eq!(state(&mut pg, ann.0, first)?, OutboxState::Cancelled);
        let mut w = Pg::open(&db.url)?;
        assert!(w.claim_send(t(NOW), None)?.is_none());
        Ok(())
    })
}

fn restore_while_sending() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let ann = account(&mut pg, "ann@example.com")?;
        queue(&mut pg, ann, "2026-12-01T12:00:00Z", 1)?;
        let backup = pg.user_store(ann.0).export()?;
        let mut worker = Pg::open(&db.url)?;
        let c = worker.claim_send(t(NOW), None)?.ok_or("nothing claimed")?;
        let e = pg.user_store(ann.0).restore(&backup).unwrap_err();
        assert!(e.to_string().contains("being sent right now"), "{e}");
        // Once marked, the restore goes through.
        worker.send_sent(&c, t(NOW), "250")?;
        pg.user_store(ann.0).restore(&backup)?;
        Ok(())
    })
}
