//! The daily digests of a PostgreSQL database's users through `followup --db
//! postgres://… worker`, against the machine's PostgreSQL (a fresh database per test)
//! and a real SMTP server on loopback (scripts/smtp_sink.py): accounts with no
//! schedule yet are put on it; each user gets one digest a day at the server's
//! address, with an unsubscribe link of their own; a second pass the same day sends
//! nothing; three workers, one of them killed mid-run and another started, send every
//! user exactly one digest, except those the killed one was handing over, which are
//! reported `unknown` and never sent again.
//!
//! Without a PostgreSQL server, python3 or aiosmtpd, the tests are reported as ignored
//! with the reason; under CI=true they fail instead.
//!
//! `FOLLOWUP_PG_DIGEST_USERS` sets how many users the test of many workers loads
//! (2,000 unless set); it prints the digests per second it saw.

#[path = "../../followup-store/tests/pg_db/mod.rs"]
mod pg_db;
mod smtp_sink;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use followup_store::pg::Pg;
use libtest_mimic::{Arguments, Failed, Trial};
use pg_db::{Outcome, TestDb};
use serde_json::Value;
use smtp_sink::{Sink, Workers};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tests = vec![
        Trial::ignorable_test(
            "each_user_gets_one_digest_and_a_second_pass_sends_nothing",
            each_user_gets_one_digest_and_a_second_pass_sends_nothing,
        ),
        Trial::ignorable_test(
            "three_workers_one_killed_send_each_user_one_digest",
            three_workers_one_killed_send_each_user_one_digest,
        ),
    ];
    libtest_mimic::run(&args, tests).exit_code()
}

/// A Tuesday, two hours after the digests' hour (08:00 UTC).
const NOW: &str = "2026-12-01T10:00:00Z";
const DAY: &str = "2026-12-01";
/// 2026-12-01T08:00:00Z, in nanoseconds.
const DUE_NS: i64 = 1_796_112_000_000_000_000;
const FROM: &str = "digests@followup.example";

/// Runs `test` with an SMTP sink and a fresh database, or reports why it cannot run.
fn with_sink_and_db(test: impl FnOnce(&Sink, &TestDb, &Path) -> Result<(), Failed>) -> Outcome {
    let root = tempfile::tempdir().map_err(|e| e.to_string())?;
    let sink = match Sink::start(root.path(), &[]) {
        Ok(s) => s,
        Err(why) => return smtp_sink::cannot_run(&why),
    };
    pg_db::with_db(|db| test(&sink, db, root.path()))
}

/// Loads users `first..=last`: each an account `user-N@example.com` with one active
/// application whose interview was yesterday, with one interviewer (a thank-you is
/// due); with `due`, on the schedule at 08:00 today.
fn load(url: &str, first: i64, last: i64, due: bool) -> Result<(), Failed> {
    let mut pg = Pg::open(url)?;
    // 2026-11-30T14:00:00Z and 2026-11-10T09:00:00Z, in nanoseconds.
    let interview: i64 = 1_796_047_200_000_000_000;
    let applied: i64 = 1_794_301_200_000_000_000;
    let mut sql = format!(
        "INSERT INTO app_user (id, email, password_hash, created_at)
           SELECT u, 'user-' || u || '@example.com', NULL, {applied}
             FROM generate_series({first}, {last}) u;
         SELECT setval('app_user_id_seq', (SELECT max(id) FROM app_user));
         INSERT INTO application (id, user_id, company, role, status, created_at)
           SELECT u, u, 'Acme ' || u, 'Backend Developer', 'active', {applied}
             FROM generate_series({first}, {last}) u;
         SELECT setval('application_id_seq', (SELECT max(id) FROM application));
         INSERT INTO interview (id, user_id, application_id, start, tz, duration_minutes)
           SELECT u, u, u, {interview}, 'UTC', 60 FROM generate_series({first}, {last}) u;
         SELECT setval('interview_id_seq', (SELECT max(id) FROM interview));
         INSERT INTO contact (id, user_id, application_id, name, email, role, tz)
           SELECT u, u, u, 'Raj Patel', 'raj@acme.example', 'interviewer', 'UTC'
             FROM generate_series({first}, {last}) u;
         SELECT setval('contact_id_seq', (SELECT max(id) FROM contact));
         INSERT INTO interview_contact (user_id, application_id, interview_id, contact_id)
           SELECT u, u, u, u FROM generate_series({first}, {last}) u;"
    );
    if due {
        sql.push_str(&format!(
            "INSERT INTO user_due (user_id, next_due, day)
               SELECT u, {DUE_NS}, '{DAY}' FROM generate_series({first}, {last}) u;"
        ));
    }
    pg.client().batch_execute(&sql)?;
    Ok(())
}

/// `followup --db URL --now NOW worker --json [ARGS]` in a clean environment, sending
/// through the sink.
fn worker(home: &Path, sink: &Sink, url: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_followup"));
    c.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("FOLLOWUP_SMTP", format!("smtp://127.0.0.1:{}", sink.port))
        .env("FOLLOWUP_MAIL_ADDRESS", FROM)
        .env("FOLLOWUP_URL", "https://jobs.example.org/")
        .args(["--db", url, "--now", NOW, "worker", "--json"])
        .args(args);
    c
}

/// The JSON lines of a worker's output.
fn lines(out: &str) -> Result<Vec<Value>, Failed> {
    out.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("{e}: {l}").into()))
        .collect()
}

/// The recipient of a received message (its `To:` header), its address only.
fn recipient(message: &str) -> Option<String> {
    let v = smtp_sink::header(message, "To")?;
    let v = match (v.find('<'), v.rfind('>')) {
        (Some(a), Some(b)) if a < b => &v[a + 1..b],
        _ => &v,
    };
    Some(v.to_string())
}

/// How many `.eml` files the sink has written.
fn received_count(sink: &Sink) -> usize {
    std::fs::read_dir(&sink.dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| {
                    let n = e.file_name();
                    let n = n.to_string_lossy();
                    n.ends_with(".eml") && !n.starts_with('.')
                })
                .count()
        })
        .unwrap_or(0)
}

fn each_user_gets_one_digest_and_a_second_pass_sends_nothing() -> Outcome {
    with_sink_and_db(|sink, db, root| {
        // Five users with a thank-you due, none on the schedule yet (as `admin
        // create-user` leaves them), and a sixth with nothing to do.
        load(&db.url, 1, 5, false)?;
        let mut pg = Pg::open(&db.url)?;
        pg.client().batch_execute(
            "INSERT INTO app_user (id, email, created_at) VALUES (6, 'idle@example.com', 0)",
        )?;
        // User 4 saved settings of their own (as the Settings page does): their digest
        // at 07:00 in New York.
        pg.client().batch_execute(
            "INSERT INTO user_settings (user_id, config, policy, updated_at)
             VALUES (4, E'tz = \"America/New_York\"\ndigest_hour = 7\n', '', 0)",
        )?;
        let run = worker(root, sink, &db.url, &["--once"]).output()?;
        let stdout = String::from_utf8(run.stdout)?;
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{stdout}\n{stderr}");
        let jobs = lines(&stdout)?;
        let mut states: Vec<(i64, String)> = jobs
            .iter()
            .map(|j| {
                assert_eq!(j["job"], "digest", "{j}");
                assert_eq!(j["id"], DAY, "{j}");
                (
                    j["account"].as_i64().unwrap_or(-1),
                    j["state"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        states.sort();
        let want: Vec<(i64, String)> = (1..=6)
            .map(|u| (u, if u == 6 { "nothing" } else { "sent" }.to_string()))
            .collect();
        assert_eq!(states, want, "{stdout}\n{stderr}");

        let received = sink.received();
        assert_eq!(received.len(), 5);
        let secret: String = pg
            .client()
            .query_one("SELECT value FROM server_secret WHERE name = 'digest'", &[])?
            .get(0);
        let mut to: Vec<String> = Vec::new();
        for (name, text) in &received {
            let who = recipient(text).ok_or_else(|| format!("no To in {name}"))?;
            let id: i64 = who
                .trim_start_matches("user-")
                .trim_end_matches("@example.com")
                .parse()?;
            let mac: String = pg
                .client()
                .query_one(
                    "SELECT encode(sha256(convert_to($1 || ':' || $2, 'UTF8')), 'hex')",
                    &[&secret, &id.to_string()],
                )?
                .get(0);
            let link = format!(
                "List-Unsubscribe: <https://jobs.example.org/digest/unsubscribe/{id}.{mac}>"
            );
            assert!(text.contains(&link), "{link}\n{text}");
            assert!(text.contains(FROM), "{text}");
            assert!(text.contains("Thank-you"), "{text}");
            // Its footer points to what turns it off here: the link, not Settings
            // (read without quoted-printable's soft line breaks).
            let plain = text.replace("=\r\n", "").replace("=\n", "");
            assert!(plain.contains("unsubscribe link of your mail"), "{text}");
            assert!(!plain.contains("in Settings"), "{text}");
            to.push(who);
        }
        to.sort();
        assert_eq!(
            to,
            (1..=5)
                .map(|u| format!("user-{u}@example.com"))
                .collect::<Vec<_>>()
        );
        // Each is due next at 08:00 tomorrow.
        let next: Vec<(i64, Option<i64>, Option<String>)> = pg
            .client()
            .query(
                "SELECT user_id, next_due, day FROM user_due ORDER BY user_id",
                &[],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        let tomorrow = DUE_NS + 86_400 * 1_000_000_000;
        // (User 4: 07:00 in New York, 12:00 UTC.)
        let tomorrow_in_new_york = tomorrow + 4 * 3_600 * 1_000_000_000;
        assert_eq!(
            next,
            (1..=6)
                .map(|u| (
                    u,
                    Some(if u == 4 {
                        tomorrow_in_new_york
                    } else {
                        tomorrow
                    }),
                    Some("2026-12-02".to_string())
                ))
                .collect::<Vec<_>>()
        );

        // A second pass the same day: nothing more.
        let again = worker(root, sink, &db.url, &["--once"]).output()?;
        assert!(
            again.status.success(),
            "{}",
            String::from_utf8_lossy(&again.stderr)
        );
        assert_eq!(String::from_utf8(again.stdout)?, "");
        assert_eq!(received_count(sink), 5);

        // The unsubscribe link, served by `serve --db URL`: a GET asks, a wrong mac is
        // 404, a POST takes the user off the schedule.
        let mac: String = pg
            .client()
            .query_one(
                "SELECT encode(sha256(convert_to($1 || ':2', 'UTF8')), 'hex')",
                &[&secret],
            )?
            .get(0);
        let mut server = Workers(vec![Command::new(env!("CARGO_BIN_EXE_followup"))
            .env_clear()
            .env("HOME", root)
            .env("XDG_CONFIG_HOME", root.join("config"))
            .env("XDG_DATA_HOME", root.join("data"))
            .args(["--db", &db.url, "--now", NOW, "serve", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?]);
        let mut first = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(server.0[0].stdout.take().ok_or("no stdout")?),
            &mut first,
        )?;
        let addr = first
            .split("http://")
            .nth(1)
            .and_then(|a| a.split('/').next())
            .ok_or_else(|| format!("no address in {first:?}"))?
            .to_string();
        let link = format!("/digest/unsubscribe/2.{mac}");
        let get = http(&addr, "GET", &link)?;
        assert!(get.starts_with("HTTP/1.1 200"), "{get}");
        assert!(get.contains(&format!("action=\"{link}\"")), "{get}");
        let wrong = http(&addr, "POST", &format!("/digest/unsubscribe/3.{mac}"))?;
        assert!(wrong.starts_with("HTTP/1.1 404"), "{wrong}");
        let post = http(&addr, "POST", &link)?;
        assert!(post.starts_with("HTTP/1.1 200"), "{post}");
        let due: Vec<(i64, Option<i64>)> = pg
            .client()
            .query(
                "SELECT user_id, next_due FROM user_due WHERE user_id IN (2, 3) ORDER BY 1",
                &[],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        assert_eq!(due, vec![(2, None), (3, Some(tomorrow))]);
        // The account's settings say so too (the Settings page shows the digest off),
        // and every other setting is kept (user 4's zone, when they unsubscribe).
        let config: String = pg
            .client()
            .query_one("SELECT config FROM user_settings WHERE user_id = 2", &[])?
            .get(0);
        assert!(!config.contains("digest_hour"), "{config}");
        let mac4: String = pg
            .client()
            .query_one(
                "SELECT encode(sha256(convert_to($1 || ':4', 'UTF8')), 'hex')",
                &[&secret],
            )?
            .get(0);
        let post = http(&addr, "POST", &format!("/digest/unsubscribe/4.{mac4}"))?;
        assert!(post.starts_with("HTTP/1.1 200"), "{post}");
        let config: String = pg
            .client()
            .query_one("SELECT config FROM user_settings WHERE user_id = 4", &[])?
            .get(0);
        assert_eq!(config.trim(), "tz = \"America/New_York\"");
        // The service's /metrics (no account needed): today's digests by state, and
        // nobody waiting.
        let metrics = http(&addr, "GET", "/metrics")?;
        assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
        assert!(
            metrics.contains("\nfollowup_digests{state=\"sent\"} 5\n"),
            "{metrics}"
        );
        assert!(
            metrics.contains("followup_digests{state=\"nothing\"} 1"),
            "{metrics}"
        );
        assert!(metrics.contains("followup_jobs_due 0"), "{metrics}");
        assert!(metrics.contains("followup_jobs_lag_seconds 0"), "{metrics}");
        drop(server);
        Ok(())
    })
}

/// One HTTP/1.1 request without a body; the whole answer.
fn http(addr: &str, method: &str, path: &str) -> Result<String, Failed> {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(addr)?;
    write!(
        c,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut out = String::new();
    c.read_to_string(&mut out)?;
    Ok(out)
}

fn three_workers_one_killed_send_each_user_one_digest() -> Outcome {
    let n: i64 = std::env::var("FOLLOWUP_PG_DIGEST_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    with_sink_and_db(|sink, db, root| {
        let loading = Instant::now();
        load(&db.url, 1, n, true)?;
        eprintln!(
            "{n} users loaded in {:.1} s",
            loading.elapsed().as_secs_f64()
        );
        let mut pg = Pg::open(&db.url)?;
        let spawn = |i: usize| -> Result<Child, Failed> {
            let out = std::fs::File::create(root.join(format!("worker-{i}.out")))?;
            let err = std::fs::File::create(root.join(format!("worker-{i}.err")))?;
            Ok(worker(root, sink, &db.url, &[])
                .stdout(Stdio::from(out))
                .stderr(Stdio::from(err))
                .spawn()?)
        };
        let started = Instant::now();
        let mut workers = Workers(Vec::new());
        for i in 0..3 {
            workers.0.push(spawn(i)?);
        }
        // Killed mid-run, once the sink has received some of the digests.
        let some = usize::try_from(n / 10).unwrap_or(1).max(1);
        while received_count(sink) < some {
            if started.elapsed() > Duration::from_secs(120) {
                return Err(format!(
                    "only {} digests received in two minutes\n{}",
                    received_count(sink),
                    std::fs::read_to_string(root.join("worker-0.err")).unwrap_or_default()
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        workers.0[0].kill()?;
        workers.0[0].wait()?;
        let killed_at = received_count(sink);
        // Its server session ends as its socket closes; then another worker starts.
        std::thread::sleep(Duration::from_millis(300));
        workers.0.push(spawn(3)?);
        let finals = "SELECT count(*) FROM digest_run
                       WHERE state IN ('sent', 'nothing', 'unknown', 'failed')";
        loop {
            let done: i64 = pg.client().query_one(finals, &[])?.get(0);
            if done == n {
                break;
            }
            if started.elapsed() > Duration::from_secs(600) {
                return Err(format!("{done} of {n} digests dealt with in ten minutes").into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let took = started.elapsed().as_secs_f64();
        // The sink writes each message before it answers: every one accepted is there.
        drop(workers);

        let mut per_recipient: HashMap<String, usize> = HashMap::new();
        for (name, text) in sink.received() {
            let who = recipient(&text).ok_or_else(|| format!("no To in {name}"))?;
            *per_recipient.entry(who).or_default() += 1;
        }
        let mut reported_unknown: HashSet<i64> = HashSet::new();
        let mut lines_seen = 0;
        for i in 0..4 {
            let out = std::fs::read_to_string(root.join(format!("worker-{i}.out")))?;
            // The killed worker may have been stopped mid-line.
            let out: String = out
                .lines()
                .filter(|l| l.ends_with('}'))
                .map(|l| format!("{l}\n"))
                .collect();
            for j in lines(&out)? {
                lines_seen += 1;
                if j["state"] == "unknown" {
                    reported_unknown.insert(j["account"].as_i64().unwrap_or(-1));
                }
            }
        }
        let rows = pg.client().query(
            "SELECT u.id, u.email::text, r.state FROM app_user u
               LEFT JOIN digest_run r ON r.user_id = u.id AND r.day = $1",
            &[&DAY],
        )?;
        let mut unknown = 0;
        for r in &rows {
            let (id, email, state): (i64, String, Option<String>) = (r.get(0), r.get(1), r.get(2));
            let got = per_recipient.get(&email).copied().unwrap_or(0);
            match state.as_deref() {
                Some("sent") => assert_eq!(got, 1, "user {id} ({email}) received {got}"),
                Some("unknown") => {
                    unknown += 1;
                    assert!(got <= 1, "user {id} ({email}) received {got}");
                    assert!(
                        reported_unknown.contains(&id),
                        "user {id}'s unknown digest was not reported"
                    );
                }
                other => return Err(format!("user {id}: {other:?}").into()),
            }
        }
        assert_eq!(rows.len(), usize::try_from(n)?);
        assert!(per_recipient.values().sum::<usize>() <= rows.len());
        eprintln!(
            "{n} digests in {took:.1} s by three workers (one killed after {killed_at} \
             messages, a fourth started): {:.0} a second in all, {:.0} per worker; \
             {unknown} unknown, {lines_seen} lines reported",
            n as f64 / took,
            n as f64 / took / 3.0
        );
        Ok(())
    })
}
