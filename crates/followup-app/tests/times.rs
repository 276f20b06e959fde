//! The use cases both front ends share read typed times the same way: the web form's
//! "When" and "Time zone" go through `track::add` as the command line's `--at` and
//! `--tz` do, so they get the same plain refusals and the same notes.

use followup_app::settings::Settings;
use followup_app::track::{self, AddInput, RoundInput};
use followup_app::Ctx;
use followup_core::policy::Preset;

fn ctx(dir: &std::path::Path, settings: Settings) -> Ctx {
    Ctx::from_parts(
        settings,
        Preset::default().policy(),
        "2026-03-01T12:00:00Z".parse().unwrap(),
        dir.join("f.sqlite"),
    )
}

fn input(at: &str, tz: Option<&str>) -> AddInput {
    AddInput {
        company: "Acme".into(),
        role: "Engineer".into(),
        round: RoundInput {
            at: at.into(),
            tz: tz.map(str::to_string),
            duration: "1h".into(),
            ..RoundInput::default()
        },
        ..AddInput::default()
    }
}

#[test]
fn a_local_time_the_clocks_skip_is_added_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let c = ctx(dir.path(), Settings::default());
    let id = track::add(&c, &input("2026-03-08 02:30", Some("America/New_York"))).unwrap();
    assert_eq!(
        c.notes.list(),
        ["--at `2026-03-08 02:30` does not exist in America/New_York (the clocks go forward from 02:00 to 03:00 on Sun Mar 8 2026): read as 03:30 EDT (2026-03-08T03:30:00-04:00)"]
    );
    let full = c.store().unwrap().application(id).unwrap();
    assert_eq!(
        full.interviews[0].start,
        "2026-03-08T07:30:00Z".parse::<jiff::Timestamp>().unwrap()
    );
    // An ordinary time adds nothing.
    let c = ctx(dir.path(), Settings::default());
    track::add(&c, &input("2026-03-09 10:00", Some("America/New_York"))).unwrap();
    assert!(c.notes.list().is_empty());
}

#[test]
fn bad_times_and_zones_are_refused_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let c = ctx(dir.path(), Settings::default());
    let err = |i: AddInput| track::add(&c, &i).unwrap_err().to_string();
    assert_eq!(
        err(input("2026-02-30 10:00", Some("UTC"))),
        "invalid --at `2026-02-30 10:00`: February 2026 has 28 days"
    );
    assert_eq!(
        err(input("9999-12-31 23:30", Some("America/New_York"))),
        "invalid --at `9999-12-31 23:30`: years 2000–2060 only (what the planner and its holiday tables cover)"
    );
    // The configured zone, named by where it was set.
    let file = dir.path().join("config.toml");
    std::fs::write(&file, "tz = \"Mars/Olympus\"\n").unwrap();
    let mut settings = Settings::load(Some(&file)).unwrap();
    settings.origins.env.clear();
    let c = ctx(dir.path(), settings);
    assert_eq!(
        track::add(&c, &input("2026-12-01 10:00", None))
            .unwrap_err()
            .to_string(),
        format!(
            "unknown time zone `Mars/Olympus` for tz in {} (expected an IANA name such as America/New_York or Europe/London)",
            file.display()
        )
    );
    assert!(!dir.path().join("f.sqlite").exists(), "nothing written");
}
