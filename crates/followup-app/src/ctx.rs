//! The context every use case runs in (settings, policy, the clock's one reading, the
//! database), and the mapping from store records to the planner's view.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use followup_core::agenda::{Event, Person, Round, Skip, Track};
use followup_core::calendar::Region;
use followup_core::model::Status;
use followup_core::plan::{Interview, Recipient};
use followup_core::policy::{Hours, Policy, Preset};
use followup_store::pg::{PgPool, PooledPg, UserStore};
use followup_store::{
    AgendaPerson, AgendaRow, ApplicationFull, Facts, LatestRound, Store, StoreError, TouchpointKind,
};
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::time;

/// Everything a tracker command needs: settings, policy, the clock's reading.
pub struct Ctx {
    pub settings: Settings,
    pub policy: Policy,
    pub now: Timestamp,
    pub db: PathBuf,
    /// Whether a missing database file may be created.
    db_access: DbAccess,
    /// Custom holiday regions read so far, by lower-case name: each is read once per
    /// context (one command, one request), so a calendar imported meanwhile counts.
    regions: Mutex<HashMap<String, Option<Region>>>,
    /// What the user should be told about how their input was read; the front end
    /// shows it (the CLI as warnings on stderr).
    pub notes: Notes,
    /// Open connections to reuse ([`Ctx::with_pool`]); `None`: each [`Ctx::store`]
    /// opens its own.
    pool: Option<Arc<StorePool>>,
    /// The user's facts in PostgreSQL ([`Ctx::on_pg`]) instead of the SQLite file.
    pg: Option<PgUser>,
}

/// One user of a PostgreSQL database: the pool of connections and the user's id.
#[derive(Debug, Clone)]
pub struct PgUser {
    /// Connections to the database.
    pub pool: PgPool,
    /// The account whose facts these are.
    pub user: i64,
}

/// The facts of the context's user, on whichever backend holds them
/// ([`Ctx::facts`]): use it as a `&mut dyn Facts`.
#[derive(Debug)]
pub enum FactsHandle {
    /// A connection to the SQLite file.
    Sqlite(PooledStore),
    /// A connection to PostgreSQL, as the user.
    Pg(Box<UserStore<PooledPg>>),
}

impl std::ops::Deref for FactsHandle {
    type Target = dyn Facts;
    fn deref(&self) -> &(dyn Facts + 'static) {
        match self {
            FactsHandle::Sqlite(s) => &**s,
            FactsHandle::Pg(u) => &**u,
        }
    }
}

impl std::ops::DerefMut for FactsHandle {
    fn deref_mut(&mut self) -> &mut (dyn Facts + 'static) {
        match self {
            FactsHandle::Sqlite(s) => &mut **s,
            FactsHandle::Pg(u) => &mut **u,
        }
    }
}

/// Connections to one database kept open for reuse, as a long-running process (the
/// web server) wants: opening one costs more than most requests (SQLite reads and
/// parses the whole schema on a connection's first statement, and the store checks
/// the file and its migrations), a millisecond of work per request that under load
/// queues up. A connection goes back when its [`PooledStore`] is dropped, unless a
/// transaction was left open or its triggers are off.
#[derive(Debug)]
pub struct StorePool {
    db: PathBuf,
    idle: Mutex<Vec<Store>>,
    max_idle: usize,
}

impl StorePool {
    /// A pool for `db`, keeping at most `max_idle` connections open when unused.
    pub fn new(db: PathBuf, max_idle: usize) -> StorePool {
        StorePool {
            db,
            idle: Mutex::new(Vec::new()),
            max_idle,
        }
    }

    /// The database it opens.
    pub fn db(&self) -> &Path {
        &self.db
    }

    /// An idle connection, else a new one; it goes back to the pool once dropped.
    pub fn take(self: &Arc<Self>) -> Result<PooledStore> {
        let idle = self.idle.lock().ok().and_then(|mut l| l.pop());
        let store = match idle {
            Some(s) => s,
            None => Store::open(&self.db).map_err(store_err)?,
        };
        Ok(PooledStore {
            store: Some(store),
            pool: Some(self.clone()),
        })
    }

    /// Closes the idle connections (the file was replaced, say).
    pub fn clear(&self) {
        if let Ok(mut l) = self.idle.lock() {
            l.clear();
        }
    }
}

/// A connection from [`Ctx::store`]: a [`Store`], which goes back to its pool (when it
/// came from one) once dropped.
#[derive(Debug)]
pub struct PooledStore {
    store: Option<Store>,
    pool: Option<Arc<StorePool>>,
}

impl PooledStore {
    /// A connection of its own, not pooled.
    pub fn own(store: Store) -> PooledStore {
        PooledStore {
            store: Some(store),
            pool: None,
        }
    }

    /// The connection itself, taken out of the pool for good.
    pub fn into_inner(mut self) -> Store {
        self.pool = None;
        self.store
            .take()
            .expect("a PooledStore holds its store until dropped")
    }
}

impl std::ops::Deref for PooledStore {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.store
            .as_ref()
            .expect("a PooledStore holds its store until dropped")
    }
}

impl std::ops::DerefMut for PooledStore {
    fn deref_mut(&mut self) -> &mut Store {
        self.store
            .as_mut()
            .expect("a PooledStore holds its store until dropped")
    }
}

impl Drop for PooledStore {
    fn drop(&mut self) {
        let (Some(store), Some(pool)) = (self.store.take(), self.pool.take()) else {
            return;
        };
        if std::thread::panicking() || !store.reusable() {
            return;
        }
        let mut idle = match pool.idle.lock() {
            Ok(l) => l,
            Err(_) => return,
        };
        if idle.len() < pool.max_idle {
            idle.push(store);
        }
    }
}

/// Notes for the user gathered while a use case runs, such as which instant a local
/// time that does not exist was read as. Clones share one list.
#[derive(Debug, Default, Clone)]
pub struct Notes(Arc<Mutex<Vec<String>>>);

impl Notes {
    /// Adds `note`, if there is one, once.
    pub fn push(&self, note: Option<String>) {
        let Some(note) = note else { return };
        if let Ok(mut list) = self.0.lock() {
            if !list.contains(&note) {
                list.push(note);
            }
        }
    }

    /// The notes so far.
    pub fn list(&self) -> Vec<String> {
        self.0.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The notes so far, emptying the list.
    pub fn take(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }
}

impl Ctx {
    /// Builds the context; `now` is the one reading of the clock (or `--now`).
    pub fn new(settings: Settings, db: Option<PathBuf>, now: Timestamp) -> Result<Ctx> {
        let policy = load_policy(settings.policy.as_deref(), settings.preset.as_deref())?;
        let db = match db {
            Some(p) => p,
            None => default_db()?,
        };
        Ok(Ctx::from_parts(settings, policy, now, db))
    }

    /// A context from settings and the policy they chose, already loaded.
    pub fn from_parts(settings: Settings, policy: Policy, now: Timestamp, db: PathBuf) -> Ctx {
        Ctx {
            settings,
            policy,
            now,
            db,
            db_access: DbAccess::Default,
            regions: Mutex::new(HashMap::new()),
            notes: Notes::default(),
            pool: None,
            pg: None,
        }
    }

    /// The same context over user `user`'s facts in a PostgreSQL database: every use
    /// case that works on [`Ctx::facts`] runs there; one that needs the SQLite file
    /// ([`Ctx::store`]) says it is not available.
    pub fn on_pg(mut self, pg: PgUser) -> Ctx {
        self.pg = Some(pg);
        self
    }

    /// The PostgreSQL user, when the facts are there.
    pub fn pg(&self) -> Option<&PgUser> {
        self.pg.as_ref()
    }

    /// The user's facts, on whichever backend holds them.
    pub fn facts(&self) -> Result<FactsHandle> {
        match &self.pg {
            Some(pg) => {
                let conn = pg.pool.get_pg().map_err(store_err)?;
                Ok(FactsHandle::Pg(Box::new(UserStore::new(conn, pg.user))))
            }
            None => self.store().map(FactsHandle::Sqlite),
        }
    }

    /// The same context, taking its connections from `pool` (when the pool is for
    /// this context's database) and giving them back when done.
    pub fn with_pool(mut self, pool: Arc<StorePool>) -> Ctx {
        if pool.db() == self.db {
            self.pool = Some(pool);
        }
        self
    }

    /// The same context, with the database path's origin (by default, the default
    /// location, created on first use).
    pub fn with_db_access(mut self, access: DbAccess) -> Ctx {
        self.db_access = access;
        self
    }

    /// Opens the database: the default location is created (with its directories) on
    /// first use; a path the user gave is created only for a command that writes, in a
    /// directory that must exist, and otherwise must exist ([`DbAccess`]).
    pub fn store(&self) -> Result<PooledStore> {
        if self.pg.is_some() {
            return Err(Error::Unsupported(
                "this is not available with a PostgreSQL database yet: it needs the one-person SQLite database".into(),
            ));
        }
        self.db_access.check(&self.db)?;
        match &self.pool {
            // The file must still be there: a pooled connection would read a deleted one.
            Some(pool) if self.db.exists() => pool.take(),
            _ => Store::open(&self.db)
                .map(PooledStore::own)
                .map_err(store_err),
        }
    }

    /// A holiday region by name: built-in, else a custom calendar of this database
    /// (on top of the default region's holidays, see [`region_for`](Self::region_for)).
    pub fn region(&self, code: &str) -> Result<Region> {
        self.region_for(code, None)
    }

    /// A holiday region by name, for recipients in `zone`: built-in, else a custom
    /// calendar of this database. A calendar that adds to a region's holidays without
    /// naming one (`followup holidays import` without `--on` or `--replaces`) adds to
    /// the default region (`region` in config.toml) when that is built in, else to the
    /// region `zone` suggests ([`guess_region`]).
    pub fn region_for(&self, code: &str, zone: Option<&TimeZone>) -> Result<Region> {
        if let Ok(builtin) = code.parse::<Region>() {
            return Ok(builtin);
        }
        let under = default_base(self.settings.region.as_deref(), zone);
        let key = format!("{}\u{0}{}", code.trim().to_lowercase(), under.unwrap_or(""));
        if let Some(Some(found)) = self.regions.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(found);
        }
        let found = if self.pg.is_some() {
            facts_region(&mut *self.facts()?, code, under)?
        } else if code.parse::<Region>().is_err() && self.db.exists() {
            custom_region(&*self.store()?, code, under)?
        } else {
            region_over(&self.db, code, under)?
        };
        if let Ok(mut c) = self.regions.lock() {
            c.insert(key, Some(found.clone()));
        }
        Ok(found)
    }

    /// The sender's profile, if one was saved.
    pub fn profile(&self) -> Result<Option<followup_store::model::Profile>> {
        self.facts()?.profile().map_err(store_err)
    }

    /// The recipients' business hours from the settings, if set.
    pub fn hours(&self) -> Result<Option<Hours>> {
        time::business_hours(self.settings.hours.as_deref(), &self.policy)
    }
}

/// Where the database path came from, and so what opening it may create.
///
/// A mistyped path should not become a new, empty database that answers "nothing to
/// do": only the default location is created on first use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbAccess {
    /// The default location: created, with its directories, on first use.
    Default,
    /// A path the user gave (`from`: `--db`, `FOLLOWUP_DB`), for a command that records
    /// something: a missing file is created, but not a missing directory.
    Create {
        /// Where the path came from.
        from: &'static str,
    },
    /// A path the user gave, for a command that only reads (or changes what exists):
    /// the file must exist.
    Existing {
        /// Where the path came from.
        from: &'static str,
    },
}

impl DbAccess {
    /// Refuses what opening `db` must not create, with a line saying how to go on.
    pub fn check(self, db: &Path) -> Result<()> {
        if self == DbAccess::Default || db.exists() {
            return Ok(());
        }
        match self {
            DbAccess::Default => Ok(()),
            DbAccess::Create { from } => {
                let dir = db
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                if dir.is_dir() {
                    return Ok(());
                }
                Err(Error::input(format!(
                    "directory {} does not exist (database {}, from {from}): check the path, or create the directory first",
                    dir.display(),
                    db.display()
                )))
            }
            DbAccess::Existing { from } => Err(Error::input(format!(
                "no database at {} (from {from}): check the path, or start one there with a command that records something (`followup add ...`, `followup import FILE`, `followup restore BACKUP`)",
                db.display()
            ))),
        }
    }
}

/// `~/.local/share/followup/followup.sqlite` (the XDG data dir).
pub fn default_db() -> Result<PathBuf> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().map_err(|e| {
        Error::input(format!(
            "cannot find the data directory ({e}); pass --db PATH"
        ))
    })?;
    Ok(base.data_dir().join("followup").join("followup.sqlite"))
}

/// Store errors: refused input and unknown ids are the user's (exit 2), each of its
/// kind: an unknown id is not found, a value over its limit too large, a closed
/// application a conflict.
pub fn store_err(e: StoreError) -> Error {
    match e {
        StoreError::NotFound { .. } | StoreError::NoUser { .. } => Error::NotFound(e.to_string()),
        StoreError::TooLong { .. } => Error::TooLarge(e.to_string()),
        StoreError::Closed { .. } => Error::Conflict(e.to_string()),
        e if e.is_invalid() => Error::input(e),
        e => Error::Store(e.to_string()),
    }
}

/// Builds the planner's view of one application, or `None` when it has no
/// interview that is not cancelled.
pub fn track_of(ctx: &Ctx, full: &ApplicationFull) -> Result<Option<Track>> {
    AgendaRow::from_full(full)
        .map(|row| track_of_row(ctx, &row))
        .transpose()
}

/// Builds the planner's view of one application from the facts planning needs (what
/// [`Store::agenda_rows`] reads, or [`AgendaRow::from_full`] takes from a full record).
pub fn track_of_row(ctx: &Ctx, row: &AgendaRow) -> Result<Track> {
    let round_of = |r: &LatestRound, rounds_so_far: u32| -> Result<Interview> {
        let tz = time::zone(&r.tz, "interview zone")?;
        let mut interview = Interview::new(r.start.to_zoned(tz));
        interview.duration = jiff::SignedDuration::from_mins(r.duration_minutes);
        interview.round = r.round;
        interview.decision_by = r.decision_date;
        interview.decision_meaning = r.decision_phrase.as_ref().map(|p| format!("\"{p}\""));
        interview.company_type = row.company_type;
        interview.seniority = row.seniority;
        interview.urgent = row.urgent;
        interview.late_in_process = row.late_in_process;
        interview.rounds_so_far = rounds_so_far;
        Ok(interview)
    };
    let interview = round_of(&row.latest, row.rounds)?;
    // The recipient stays where the application is: its recipient zone, else its first
    // round's; a round held in another zone changes only that round.
    let recipient_tz = match (&row.recipient_tz, row.earlier.first()) {
        (Some(name), _) => time::zone(name, "recipient zone")?,
        (None, Some(first)) => time::zone(&first.round.tz, "interview zone")?,
        (None, None) => interview.start.time_zone().clone(),
    };
    let region = match row.region.as_deref().or(ctx.settings.region.as_deref()) {
        Some(code) => Some(ctx.region_for(code, Some(&recipient_tz))?),
        None => guess_region(&recipient_tz).and_then(|c| c.parse().ok()),
    };
    let recipient = Recipient {
        tz: recipient_tz,
        region,
        hours: ctx.hours()?,
    };
    let people = |list: &[AgendaPerson]| -> Vec<Person> {
        list.iter()
            .map(|c| Person {
                id: c.id,
                name: c.name.clone(),
            })
            .collect()
    };
    let interviewers = people(&row.interviewers);
    let earlier = row
        .earlier
        .iter()
        .zip(1..)
        .map(|(e, n)| {
            Ok(Round {
                id: e.round.id,
                interview: round_of(&e.round, n)?,
                interviewers: people(&e.interviewers),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let contacts = people(&row.contacts);
    let events = row
        .touchpoints
        .iter()
        .map(|t| match t.kind {
            TouchpointKind::ThankYou | TouchpointKind::Letter => Event::ThankYou {
                at: t.at,
                to: t.contact_id,
            },
            TouchpointKind::FollowUp | TouchpointKind::Call | TouchpointKind::Voicemail => {
                Event::FollowUp {
                    at: t.at,
                    last: false,
                }
            }
            TouchpointKind::FinalFollowUp => Event::FollowUp {
                at: t.at,
                last: true,
            },
            TouchpointKind::Reply => Event::Reply {
                at: t.at,
                decision: t.decision_date.map(|d| {
                    (
                        d,
                        t.decision_phrase
                            .as_ref()
                            .map_or_else(|| d.to_string(), |p| format!("\"{p}\"")),
                    )
                }),
            },
            TouchpointKind::FeedbackRequest => Event::FeedbackRequest { at: t.at },
            TouchpointKind::Outcome => Event::Outcome {
                at: t.at,
                status: t.outcome.map_or(Status::NoResponse, Status::from),
            },
            TouchpointKind::Reopened => Event::Reopened { at: t.at },
        })
        .collect();
    // A skip names its round by id: the latest is `None` to the planner; a round
    // cancelled since holds no step, nor does its skip.
    let skipped = row
        .skipped
        .iter()
        .filter_map(|s| {
            let round = match s.interview_id {
                None => None,
                Some(id) if id == row.latest.id => None,
                Some(id) if row.earlier.iter().any(|e| e.round.id == id) => Some(id),
                Some(_) => return None,
            };
            Some(Skip {
                kind: s.kind,
                to: s.contact_id,
                round,
                at: s.at,
            })
        })
        .collect();
    Ok(Track {
        interview,
        recipient,
        interviewers,
        earlier,
        contacts,
        events,
        skipped,
    })
}

/// A contact of the application by name: exact (case-insensitive) first, else the one
/// whose name contains it.
///
/// Nobody by that name is [`Error::NotFound`]: a contact named in a request body is a
/// value of that field, and its caller says so with [`Error::in_body`].
pub fn find_contact(full: &ApplicationFull, name: &str) -> Result<i64> {
    let needle = name.trim().to_lowercase();
    let hits: Vec<_> =
        full.contacts
            .iter()
            .filter(|c| c.name.to_lowercase() == needle)
            .chain(full.contacts.iter().filter(|c| {
                c.name.to_lowercase() != needle && c.name.to_lowercase().contains(&needle)
            }))
            .collect();
    match hits.as_slice() {
        [] => Err(Error::not_found(format!(
            "no contact named `{name}` in application {} (known: {})",
            full.application.id,
            if full.contacts.is_empty() {
                "none".to_string()
            } else {
                full.contacts
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ))),
        [one, ..] if one.name.to_lowercase() == needle => Ok(one.id),
        [one] => Ok(one.id),
        many => Err(Error::input(format!(
            "`{name}` matches several contacts: {}",
            many.iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The policy from `--policy`/settings and `--preset`/settings.
pub fn load_policy(file: Option<&std::path::Path>, preset: Option<&str>) -> Result<Policy> {
    let preset = preset
        .map(str::parse::<Preset>)
        .transpose()
        .map_err(Error::input)?;
    match file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
                path: path.to_path_buf(),
                source,
            })?;
            Policy::from_toml_over(&text, preset)
                .map_err(|e| Error::input(format!("invalid policy file {}: {e}", path.display())))
        }
        None => Ok(preset.unwrap_or_default().policy()),
    }
}

/// The holiday region most people in `tz` observe, when it is clear.
pub fn guess_region(tz: &TimeZone) -> Option<&'static str> {
    let name = tz.iana_name()?;
    let region = match name {
        "Europe/London" => "GB",
        "Europe/Belfast" => "GB-NIR",
        "Europe/Berlin" => "DE",
        "Europe/Paris" => "FR",
        "Europe/Amsterdam" => "NL",
        "Europe/Dublin" => "IE",
        "Europe/Madrid" => "ES",
        "Europe/Rome" => "IT",
        "Asia/Kolkata" | "Asia/Calcutta" => "IN",
        "Asia/Singapore" => "SG",
        "Asia/Tokyo" => "JP",
        "Pacific/Auckland" => "NZ",
        "America/Sao_Paulo" => "BR",
        "America/Toronto" | "America/Vancouver" | "America/Edmonton" | "America/Winnipeg"
        | "America/Halifax" | "America/St_Johns" | "America/Regina" => "CA",
        "Australia/Sydney" => "AU-NSW",
        "Australia/Melbourne" => "AU-VIC",
        "Australia/Brisbane" => "AU-QLD",
        "Australia/Perth" => "AU-WA",
        "Australia/Adelaide" => "AU-SA",
        "Australia/Hobart" => "AU-TAS",
        "Australia/Darwin" => "AU-NT",
        "America/New_York"
        | "America/Chicago"
        | "America/Denver"
        | "America/Los_Angeles"
        | "America/Phoenix"
        | "America/Anchorage"
        | "America/Detroit"
        | "Pacific/Honolulu"
        | "America/Boise"
        | "America/Indiana/Indianapolis" => "US",
        _ => return None,
    };
    Some(region)
}

/// A holiday region by name: a built-in code (`US-CA`), else a custom calendar of the
/// database `db` (`followup holidays import`), read now ([`Ctx::region`] keeps it).
pub fn region_in(db: &Path, code: &str) -> Result<Region> {
    region_over(db, code, None)
}

/// The built-in region a custom calendar that adds to "the country's holidays"
/// without naming a region adds to: the default region when it is built in, else the
/// one `zone` suggests.
pub fn default_base(default_region: Option<&str>, zone: Option<&TimeZone>) -> Option<&'static str> {
    default_region
        .and_then(|r| r.parse::<Region>().ok())
        .and_then(|r| Region::supported().find(|c| *c == r.code()))
        .or_else(|| zone.and_then(guess_region))
}

/// As [`region_in`]; a custom calendar that adds to a region's holidays without
/// naming one adds to `under` (see [`default_base`]), or stands alone without it.
pub fn region_over(db: &Path, code: &str, under: Option<&str>) -> Result<Region> {
    let builtin_err = match code.parse::<Region>() {
        Ok(r) => return Ok(r),
        Err(e) => e,
    };
    // Never create a database only to look a name up.
    if db.exists() {
        let store = Store::open(db).map_err(store_err)?;
        return custom_region(&store, code, under);
    }
    Err(Error::input(format!(
        "{builtin_err}; nor is it a custom holiday calendar (see `followup holidays list`)"
    )))
}

/// The custom calendar `code` of the database `store` reads, as [`region_over`] gives
/// it (a built-in code is taken as such).
fn custom_region(store: &Store, code: &str, under: Option<&str>) -> Result<Region> {
    let builtin_err = match code.parse::<Region>() {
        Ok(r) => return Ok(r),
        Err(e) => e,
    };
    let layer = store.holiday_calendar_layer(code).map_err(store_err)?;
    let days = store.holiday_calendar(code).map_err(store_err)?;
    calendar_region(code, &builtin_err, days.zip(layer), under)
}

/// The custom calendar `code` among a user's `facts` (PostgreSQL), as
/// [`custom_region`] gives it.
fn facts_region(facts: &mut dyn Facts, code: &str, under: Option<&str>) -> Result<Region> {
    let builtin_err = match code.parse::<Region>() {
        Ok(r) => return Ok(r),
        Err(e) => e,
    };
    let found = facts
        .holiday_calendars_with_days()
        .map_err(store_err)?
        .into_iter()
        .find(|c| c.name.eq_ignore_ascii_case(code.trim()))
        .map(|c| {
            let layer = c.layer();
            (c.days, layer)
        });
    calendar_region(code, &builtin_err, found, under)
}

/// The region of a custom calendar's days on its layer (`None`: there is no such
/// calendar, which `builtin_err` and this sentence say).
fn calendar_region(
    code: &str,
    builtin_err: &dyn std::fmt::Display,
    found: Option<(
        Vec<(jiff::civil::Date, String)>,
        followup_store::HolidayLayer,
    )>,
    under: Option<&str>,
) -> Result<Region> {
    use followup_store::HolidayLayer;
    let Some((days, layer)) = found else {
        return Err(Error::input(format!(
            "{builtin_err}; nor is it a custom holiday calendar (see `followup holidays list`)"
        )));
    };
    let base = match &layer {
        HolidayLayer::Replaces => None,
        HolidayLayer::On(b) => Some(b.as_str()),
        HolidayLayer::Adds => under,
    };
    Ok(match base {
        None => Region::custom(code.trim(), days),
        Some(b) => {
            let base = b.parse::<Region>().map_err(|e| {
                Error::input(format!(
                    "holiday calendar {} adds to the holidays of {b}: {e}",
                    code.trim()
                ))
            })?;
            Region::custom_over(code.trim(), days, &base)
        }
    })
}
