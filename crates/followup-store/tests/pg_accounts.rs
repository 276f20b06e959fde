//! Accounts on PostgreSQL: users (one per address, in any case), passwords (argon2id),
//! API tokens and one-time links (kept as hashes only), sessions (expiry, sign out
//! everywhere), each user's calendar feed (its generation and its `Last-Modified`,
//! under row-level security) and deleting a user with everything they own.
//!
//! Each test gets a database of its own on the machine's server; without a server the
//! tests are reported as ignored with the reason (a failure under CI=true).

use std::process::ExitCode;

use followup_store::pg::{LinkPurpose, Pg, API_TOKEN_PREFIX, SIGNUP_LINK_TTL};
use followup_store::StoreError;
use jiff::{SignedDuration, Timestamp};
use libtest_mimic::{Arguments, Failed, Trial};

mod pg_db;

use pg_db::{with_db, with_owned_db, Outcome};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tests = vec![
        Trial::ignorable_test("create_user_with_a_password", create_with_password),
        Trial::ignorable_test(
            "create_user_without_a_password_gives_a_signup_link",
            create_with_link,
        ),
        Trial::ignorable_test("emails_are_unique_in_any_case", duplicate_emails),
        Trial::ignorable_test("api_tokens_are_shown_once_and_kept_hashed", api_tokens),
        Trial::ignorable_test("sessions_expire_and_sign_out_everywhere", sessions),
        Trial::ignorable_test("list_users_counts_applications_and_tokens", list_users),
        Trial::ignorable_test("delete_user_deletes_everything_of_theirs", delete_user),
        Trial::ignorable_test("unknown_and_bad_addresses_are_clear_errors", unknown),
        Trial::ignorable_test(
            "an_owner_held_to_row_level_security_manages_accounts_too",
            owner_not_superuser,
        ),
        Trial::ignorable_test(
            "a_feed_is_a_generation_and_a_date_never_going_back",
            calendar_feed,
        ),
    ];
    libtest_mimic::run(&args, tests).exit_code()
}

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

const NOW: &str = "2026-12-01T10:00:00Z";

/// Every stored value of every accounts table, as text: what a copy of the database
/// would give away.
fn accounts_text(pg: &mut Pg) -> Result<String, Failed> {
    let mut all = String::new();
    for table in ["app_user", "session", "api_token", "one_time_link"] {
        for r in pg
            .client()
            .query(&format!("SELECT row_to_json(x)::text FROM {table} x"), &[])?
        {
            all.push_str(&r.get::<_, String>(0));
            all.push('\n');
        }
    }
    Ok(all)
}

/// Adds an application with an interview, a contact and a touchpoint for `user`.
fn add_application(pg: &mut Pg, user: i64, company: &str) -> Result<(), Failed> {
    let mut tx = pg.user_transaction(user)?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO application (user_id, company, role, status, created_at)
             VALUES ($1, $2, 'Engineer', 'active', 0) RETURNING id",
            &[&user, &company],
        )?
        .get(0);
    tx.execute(
        "INSERT INTO interview (user_id, application_id, start, tz, duration_minutes)
         VALUES ($1, $2, 0, 'America/New_York', 60)",
        &[&user, &id],
    )?;
    tx.execute(
        "INSERT INTO contact (user_id, application_id, name, role)
         VALUES ($1, $2, 'Jane Doe', 'interviewer')",
        &[&user, &id],
    )?;
    tx.execute(
        "INSERT INTO touchpoint (user_id, application_id, kind, at)
         VALUES ($1, $2, 'thank-you', 1)",
        &[&user, &id],
    )?;
    tx.commit()?;
    Ok(())
}

fn create_with_password() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let made = pg.create_user("  Sam@Example.com ", Some("correct horse"), t(NOW))?;
        assert_eq!(made.user.email, "sam@example.com");
        assert_eq!(made.user.created_at, t(NOW));
        assert!(made.user.has_password);
        assert!(made.signup.is_none());
        let hash: String = pg
            .client()
            .query_one("SELECT password_hash FROM app_user", &[])?
            .get(0);
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        assert!(!accounts_text(&mut pg)?.contains("correct horse"));

        let found = pg.verify_password("SAM@example.com", "correct horse")?;
        assert_eq!(found.map(|u| u.id), Some(made.user.id));
        assert_eq!(
            pg.verify_password("sam@example.com", "correct horsE")?,
            None
        );
        assert_eq!(
            pg.verify_password("kim@example.com", "correct horse")?,
            None
        );
        assert_eq!(pg.verify_password("not an address", "correct horse")?, None);

        let err = pg
            .create_user("kim@example.com", Some("short"), t(NOW))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid password: 5 characters, at least 10 are needed"
        );
        assert_eq!(pg.list_users()?.len(), 1, "a refused user is not made");
        Ok(())
    })
}

fn create_with_link() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let made = pg.create_user("kim@example.com", None, t(NOW))?;
        assert!(!made.user.has_password);
        let link = made.signup.expect("a sign-up link");
        assert_eq!(link.purpose, LinkPurpose::Signup);
        assert_eq!(link.expires_at, t(NOW).checked_add(SIGNUP_LINK_TTL)?);
        assert_eq!(link.token.len(), 64);
        assert!(link.token.bytes().all(|b| b.is_ascii_hexdigit()));
        // Only its hash is kept.
        assert!(!accounts_text(&mut pg)?.contains(&link.token));
        // No password: nothing signs in.
        assert_eq!(pg.verify_password("kim@example.com", "")?, None);

        // Expired a second after its lifetime; a reset link is not a sign-up link.
        let late = link.expires_at.checked_add(SignedDuration::from_secs(1))?;
        assert_eq!(pg.use_link(&link.token, LinkPurpose::Signup, late)?, None);
        assert_eq!(pg.use_link(&link.token, LinkPurpose::Reset, t(NOW))?, None);
        assert_eq!(
            pg.use_link("0".repeat(64).as_str(), LinkPurpose::Signup, t(NOW))?,
            None
        );
        // Used once, then never again.
        let day_later = t("2026-12-02T10:00:00Z");
        let user = pg.use_link(&link.token, LinkPurpose::Signup, day_later)?;
        assert_eq!(user.map(|u| u.id), Some(made.user.id));
        assert_eq!(
            pg.use_link(&link.token, LinkPurpose::Signup, day_later)?,
            None
        );
        pg.set_password("kim@example.com", "a good long one")?;
        assert!(pg
            .verify_password("kim@example.com", "a good long one")?
            .is_some());
        Ok(())
    })
}

fn duplicate_emails() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        pg.create_user("sam@example.com", None, t(NOW))?;
        for again in ["sam@example.com", "SAM@Example.COM", " Sam@example.com"] {
            let err = pg.create_user(again, None, t(NOW)).unwrap_err();
            assert!(matches!(err, StoreError::Duplicate { .. }), "{err:?}");
            assert_eq!(err.to_string(), "email `sam@example.com` is already used");
        }
        // Nor can a row written some other way in another case.
        let err = pg
            .client()
            .execute(
                "INSERT INTO app_user (email, created_at) VALUES ('SAM@EXAMPLE.COM', 0)",
                &[],
            )
            .unwrap_err();
        assert!(format!("{err:?}").contains("unique"), "{err:?}");
        assert_eq!(pg.list_users()?.len(), 1);
        Ok(())
    })
}

fn api_tokens() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let sam = pg.create_user("sam@example.com", None, t(NOW))?.user;
        let kim = pg.create_user("kim@example.com", None, t(NOW))?.user;
        let one = pg.new_api_token("Sam@example.com", "laptop", t(NOW))?;
        let two = pg.new_api_token("sam@example.com", "phone", t(NOW))?;
        let kims = pg.new_api_token("kim@example.com", "cli", t(NOW))?;
        assert_ne!(one, two);
        assert!(one.starts_with(API_TOKEN_PREFIX) && one.len() == API_TOKEN_PREFIX.len() + 64);
        let text = accounts_text(&mut pg)?;
        for token in [&one, &two, &kims] {
            assert!(!text.contains(token.as_str()));
        }
        assert_eq!(pg.api_token_user(&one)?.map(|u| u.id), Some(sam.id));
        assert_eq!(pg.api_token_user(&two)?.map(|u| u.id), Some(sam.id));
        assert_eq!(pg.api_token_user(&kims)?.map(|u| u.id), Some(kim.id));
        assert_eq!(pg.api_token_user("fu_0000")?, None);
        let err = pg
            .new_api_token("nobody@example.com", "cli", t(NOW))
            .unwrap_err();
        assert_eq!(err.to_string(), "no user with e-mail nobody@example.com");
        Ok(())
    })
}

fn sessions() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let sam = pg
            .create_user("sam@example.com", Some("correct horse"), t(NOW))?
            .user;
        let kim = pg
            .create_user("kim@example.com", Some("correct horse"), t(NOW))?
            .user;
        let hour = SignedDuration::from_hours(1);
        let laptop = pg.create_session(sam.id, t(NOW), hour)?;
        let phone = pg.create_session(sam.id, t(NOW), hour)?;
        let kims = pg.create_session(kim.id, t(NOW), hour)?;
        assert!(!accounts_text(&mut pg)?.contains(&laptop));

        let half = t("2026-12-01T10:30:00Z");
        assert_eq!(pg.session_user(&laptop, half)?.map(|u| u.id), Some(sam.id));
        let seen: i64 = pg
            .client()
            .query_one("SELECT max(last_seen_at) FROM session", &[])?
            .get(0);
        assert_eq!(i128::from(seen), half.as_nanosecond());
        // Expired at its end, and after.
        assert_eq!(pg.session_user(&laptop, t("2026-12-01T11:00:00Z"))?, None);
        assert_eq!(pg.session_user(&phone, t("2026-12-01T12:00:00Z"))?, None);
        assert_eq!(pg.session_user("nope", half)?, None);

        // Signing out everywhere ends every session of Sam's, and only Sam's.
        assert_eq!(pg.delete_sessions(sam.id)?, 2);
        assert_eq!(pg.session_user(&laptop, half)?, None);
        assert_eq!(pg.session_user(&phone, half)?, None);
        assert_eq!(pg.session_user(&kims, half)?.map(|u| u.id), Some(kim.id));
        // Signing out one.
        assert!(pg.delete_session(&kims)?);
        assert_eq!(pg.session_user(&kims, half)?, None);
        assert!(pg.create_session(9999, t(NOW), hour).is_err());
        Ok(())
    })
}

fn list_users() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let sam = pg.create_user("sam@example.com", None, t(NOW))?.user;
        let kim = pg
            .create_user("kim@example.com", None, t("2026-12-02T09:00:00Z"))?
            .user;
        add_application(&mut pg, sam.id, "Acme")?;
        add_application(&mut pg, sam.id, "Globex")?;
        add_application(&mut pg, kim.id, "Initech")?;
        pg.new_api_token("kim@example.com", "cli", t(NOW))?;
        let users = pg.list_users()?;
        let got: Vec<(&str, i64, i64)> = users
            .iter()
            .map(|u| (u.user.email.as_str(), u.applications, u.api_tokens))
            .collect();
        assert_eq!(got, [("kim@example.com", 1, 1), ("sam@example.com", 2, 0)]);
        assert_eq!(users[0].user.created_at, t("2026-12-02T09:00:00Z"));
        Ok(())
    })
}

fn delete_user() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let sam = pg
            .create_user("sam@example.com", Some("correct horse"), t(NOW))?
            .user;
        let kim = pg.create_user("kim@example.com", None, t(NOW))?.user;
        add_application(&mut pg, sam.id, "Acme")?;
        add_application(&mut pg, sam.id, "Globex")?;
        add_application(&mut pg, kim.id, "Initech")?;
        let token = pg.new_api_token("sam@example.com", "cli", t(NOW))?;
        let session = pg.create_session(sam.id, t(NOW), SignedDuration::from_hours(1))?;

        let gone = pg.delete_user("SAM@example.com")?;
        assert_eq!(gone.user.id, sam.id);
        assert_eq!(
            (
                gone.applications,
                gone.interviews,
                gone.contacts,
                gone.touchpoints,
                gone.notes,
                gone.sessions,
                gone.api_tokens
            ),
            (2, 2, 2, 2, 0, 1, 1)
        );
        // Nothing of Sam's is left in any table (read as the superuser the tests
        // connect as: no row-level security), and Kim's is all there.
        let tables: Vec<String> = pg
            .client()
            .query(
                "SELECT table_name::text FROM information_schema.columns
                 WHERE table_schema = 'public' AND column_name = 'user_id'",
                &[],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert!(tables.len() >= 19, "{tables:?}");
        for table in &tables {
            let n: i64 = pg
                .client()
                .query_one(
                    &format!("SELECT count(*) FROM {table} WHERE user_id = $1"),
                    &[&sam.id],
                )?
                .get(0);
            assert_eq!(n, 0, "{table}");
        }
        let n: i64 = pg
            .client()
            .query_one(
                "SELECT count(*) FROM touchpoint WHERE user_id = $1",
                &[&kim.id],
            )?
            .get(0);
        assert_eq!(n, 1);
        assert_eq!(pg.api_token_user(&token)?, None);
        assert_eq!(pg.session_user(&session, t(NOW))?, None);
        assert_eq!(
            pg.verify_password("sam@example.com", "correct horse")?,
            None
        );
        let err = pg.delete_user("sam@example.com").unwrap_err();
        assert!(err.is_not_found());
        // The address can be used again.
        pg.create_user("sam@example.com", None, t(NOW))?;
        Ok(())
    })
}

fn unknown() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let err = pg.delete_user("nobody@example.com").unwrap_err();
        assert_eq!(err.to_string(), "no user with e-mail nobody@example.com");
        let err = pg.create_user("not an address", None, t(NOW)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid email: `not an address` is not an e-mail address"
        );
        Ok(())
    })
}

/// The connecting role owns the tables but is no superuser: forced row-level security
/// holds it too, so it sees no facts by itself, and the accounts still work (the
/// migration, counting as each user, deleting with everything).
fn owner_not_superuser() -> Outcome {
    with_owned_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let is_super: bool = pg
            .client()
            .query_one(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
                &[],
            )?
            .get(0);
        assert!(!is_super);
        let sam = pg.create_user("sam@example.com", None, t(NOW))?.user;
        let kim = pg.create_user("kim@example.com", None, t(NOW))?.user;
        add_application(&mut pg, sam.id, "Acme")?;
        add_application(&mut pg, sam.id, "Globex")?;
        add_application(&mut pg, kim.id, "Initech")?;
        // The owner, without a user set, sees none of the facts.
        let n: i64 = pg
            .client()
            .query_one("SELECT count(*) FROM application", &[])?
            .get(0);
        assert_eq!(n, 0);
        let got: Vec<(String, i64)> = pg
            .list_users()?
            .into_iter()
            .map(|u| (u.user.email, u.applications))
            .collect();
        assert_eq!(
            got,
            [
                ("kim@example.com".to_string(), 1),
                ("sam@example.com".to_string(), 2)
            ]
        );
        let gone = pg.delete_user("sam@example.com")?;
        assert_eq!((gone.applications, gone.touchpoints), (2, 2));
        let mut tx = pg.user_transaction(sam.id)?;
        let n: i64 = tx
            .query_one("SELECT count(*) FROM application", &[])?
            .get(0);
        assert_eq!(n, 0);
        tx.commit()?;
        let mut tx = pg.user_transaction(kim.id)?;
        let n: i64 = tx.query_one("SELECT count(*) FROM touchpoint", &[])?.get(0);
        assert_eq!(n, 1);
        tx.commit()?;
        // Opening again is a no-op for this role too.
        drop(pg);
        Pg::open(&db.url)?;
        Ok(())
    })
}

fn calendar_feed() -> Outcome {
    // Owned by a role held to row-level security: each user reaches their own row only.
    with_owned_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let sam = pg.create_user("sam@example.com", None, t(NOW))?.user.id;
        let kim = pg.create_user("kim@example.com", None, t(NOW))?.user.id;
        assert_eq!(pg.feed_generation(sam)?, None);
        assert_eq!(
            pg.feed_served(sam, "\"a\"", t(NOW))?,
            None,
            "no feed, no date"
        );
        assert_eq!(pg.renew_feed(sam)?, 1);
        assert_eq!(pg.renew_feed(sam)?, 2);
        assert_eq!(pg.feed_generation(sam)?, Some(2));
        assert_eq!(pg.feed_generation(kim)?, None, "Kim sees Sam's feed");
        pg.feed_off(kim)?;
        assert_eq!(
            pg.feed_generation(sam)?,
            Some(2),
            "Kim turned Sam's feed off"
        );
        // Off keeps the generation: on again is a new one.
        pg.feed_off(sam)?;
        assert_eq!(pg.feed_generation(sam)?, None);
        assert_eq!(pg.renew_feed(sam)?, 3);
        assert_eq!(pg.renew_feed(kim)?, 1);

        // The first calendar served is dated when it was served; the same tag keeps
        // its date, whatever clock asks; a new tag is later, by a second at least when
        // the asking clock is behind.
        assert_eq!(pg.feed_served(sam, "\"a\"", t(NOW))?, Some(t(NOW)));
        let later = "2026-12-01T10:05:00Z";
        assert_eq!(pg.feed_served(sam, "\"a\"", t(later))?, Some(t(NOW)));
        assert_eq!(pg.feed_served(sam, "\"b\"", t(later))?, Some(t(later)));
        let behind = "2026-12-01T09:00:00Z";
        assert_eq!(
            pg.feed_served(sam, "\"c\"", t(behind))?,
            Some(t("2026-12-01T10:05:01Z"))
        );
        assert_eq!(
            pg.feed_served(sam, "\"c\"", t(later))?,
            Some(t("2026-12-01T10:05:01Z"))
        );
        // Kim's is her own.
        assert_eq!(pg.feed_served(kim, "\"c\"", t(behind))?, Some(t(behind)));
        // Only the generation and the last calendar's tag and date are kept.
        let mut tx = pg.user_transaction(sam)?;
        let row: String = tx
            .query_one("SELECT row_to_json(f)::text FROM calendar_feed f", &[])?
            .get(0);
        tx.commit()?;
        assert_eq!(
            row,
            format!(
                "{{\"user_id\":{sam},\"generation\":3,\"enabled\":true,\"etag\":\"\\\"c\\\"\",\"modified\":{}}}",
                t("2026-12-01T10:05:01Z").as_nanosecond()
            )
        );
        // A deleted user's feed goes with them.
        pg.delete_user("sam@example.com")?;
        for (user, left) in [(sam, 0), (kim, 1)] {
            let mut tx = pg.user_transaction(user)?;
            let n: i64 = tx
                .query_one("SELECT count(*) FROM calendar_feed", &[])?
                .get(0);
            tx.commit()?;
            assert_eq!(n, left);
        }
        Ok(())
    })
}
