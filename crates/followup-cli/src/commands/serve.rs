//! `followup serve`: the web app and JSON API (`followup-server`) over the same
//! database as the command line.

use crate::commands::track::Ctx;
use crate::error::{Error, Result};

/// Runs the server until the process ends.
pub fn run(
    ctx: &Ctx,
    fixed_now: bool,
    listen: &str,
    port: Option<u16>,
    token: Option<String>,
    open: bool,
    (multi, config_file): (Option<Multi>, Option<std::path::PathBuf>),
) -> Result<()> {
    let addr = followup_server::parse_listen(listen, port).map_err(Error::input)?;
    match &multi {
        // Signed-in accounts guard a multi-user server on any address.
        None => followup_server::check_listen(&addr, token.as_deref()).map_err(Error::input)?,
        Some(m) if !addr.ip().is_loopback() && !m.trust_proxy => eprintln!(
            "note: passwords and session cookies cross the network in the clear on {addr}: \
             serve it behind an HTTPS proxy (then add --trust-proxy)"
        ),
        Some(_) => {}
    }
    // Create (at the default location only) or migrate the database once, before the
    // first request; a path given with --db or FOLLOWUP_DB must exist. A multi-user
    // server's accounts database is made on first use (in a directory that exists).
    let office = match multi {
        None => {
            ctx.store()?;
            None
        }
        Some(m) => {
            let office = followup_app::accounts::Office::new(ctx.db.clone());
            let users = office.open()?.users()?.len();
            Some((m, office, users))
        }
    };
    let config_file_for_jobs = config_file.clone();
    let config = followup_server::Config {
        pg: None,
        hosted: false,
        db: ctx.db.clone(),
        settings: ctx.settings.clone(),
        policy: ctx.policy.clone(),
        now: fixed_now.then_some(ctx.now),
        token,
        config_file,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Store(format!("cannot start the server: {e}")))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::input(format!("cannot listen on {addr}: {e}")))?;
        let local = listener.local_addr().map_err(Error::Output)?;
        let url = format!("http://{local}/");
        match &office {
            None => println!("followup is serving {} at {url}", ctx.db.display()),
            Some((_, _, users)) => {
                println!(
                    "followup is serving {users} account(s) of {} at {url} (multi-user: sign in at {url}signin; make accounts with `followup --db {} admin create-user EMAIL`)",
                    ctx.db.display(),
                    ctx.db.display()
                );
            }
        }
        if open {
            let opener = if cfg!(target_os = "macos") {
                "open"
            } else {
                "xdg-open"
            };
            if std::process::Command::new(opener)
                .arg(&url)
                .spawn()
                .is_err()
            {
                eprintln!("note: could not open a browser; visit {url}");
            }
        }
        if let Some((m, office, _)) = office {
            tokio::spawn(office_dispatcher(
                config.settings.clone(),
                office.clone(),
                fixed_now.then_some(ctx.now),
            ));
            let multi = followup_server::accounts::MultiUser {
                office,
                open_signup: m.open_signup,
                trust_proxy: m.trust_proxy,
                pg: None,
            };
            return followup_server::serve_multi(listener, config, multi)
                .await
                .map_err(|e| Error::Store(format!("the server stopped: {e}")));
        }
        tokio::spawn(dispatcher(
            ctx.settings.clone(),
            ctx.policy.clone(),
            ctx.db.clone(),
            fixed_now.then_some(ctx.now),
            config_file_for_jobs,
        ));
        followup_server::serve(listener, config)
            .await
            .map_err(|e| Error::Store(format!("the server stopped: {e}")))
    })
}

/// Runs a server of many users over a PostgreSQL database (`serve --db postgres://…`):
/// always multi-user (accounts made with `followup --db URL admin create-user`), any
/// number of processes on one database. `ignored` says `--multi-user` or `--token`
/// was given (accounts are implied; a token has no meaning here).
pub fn run_pg(
    url: &str,
    (settings, policy): (crate::settings::Settings, followup_core::policy::Policy),
    fixed_now: Option<jiff::Timestamp>,
    (listen, port, open): (&str, Option<u16>, bool),
    m: Multi,
    ignored: bool,
) -> Result<()> {
    let addr = followup_server::parse_listen(listen, port).map_err(Error::input)?;
    if !addr.ip().is_loopback() && !m.trust_proxy {
        eprintln!(
            "note: passwords and session cookies cross the network in the clear on {addr}: \
             serve it behind an HTTPS proxy (then add --trust-proxy)"
        );
    }
    if ignored {
        eprintln!(
            "note: a PostgreSQL database is always served to signed-in accounts: --multi-user is implied and --token is not used"
        );
    }
    let pool = followup_store::pg::pool(url, PG_POOL)?;
    let (users, form_key) = {
        use followup_store::accounts::AccountStore;
        let mut pg = pool.get_pg()?;
        let key = pg.server_secret("form", || {
            followup_app::accounts::new_secret().unwrap_or_default()
        })?;
        (pg.users()?.len(), key)
    };
    let shown = pool.url().to_string();
    let config = followup_server::Config {
        pg: None,
        hosted: false,
        db: std::path::PathBuf::new(),
        settings,
        policy,
        now: fixed_now,
        token: None,
        config_file: None,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Store(format!("cannot start the server: {e}")))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::input(format!("cannot listen on {addr}: {e}")))?;
        let local = listener.local_addr().map_err(Error::Output)?;
        let url = format!("http://{local}/");
        println!(
            "followup is serving {users} account(s) of {shown} at {url} (sign in at {url}signin; make accounts with `followup --db {shown} admin create-user EMAIL`)"
        );
        if open {
            eprintln!("note: visit {url}");
        }
        let multi = followup_server::accounts::MultiUser {
            office: followup_app::accounts::Office::new(std::path::PathBuf::new()),
            open_signup: m.open_signup,
            trust_proxy: m.trust_proxy,
            pg: Some(followup_server::accounts::PgAccounts { pool, form_key }),
        };
        followup_server::serve_multi(listener, config, multi)
            .await
            .map_err(|e| Error::Store(format!("the server stopped: {e}")))
    })
}

/// How many connections to PostgreSQL one server process keeps at most.
const PG_POOL: u32 = 16;

/// The jobs while the server runs (`followup worker`'s): the outbox's due messages,
/// the daily digest and the mailbox's turn, every minute, on a blocking thread (S3: the same
/// at-most-once steps, the same lock). The settings file is read again each minute,
/// so a digest hour saved in Settings counts at once.
async fn dispatcher(
    settings: crate::settings::Settings,
    policy: followup_core::policy::Policy,
    db: std::path::PathBuf,
    fixed_now: Option<jiff::Timestamp>,
    config_file: Option<std::path::PathBuf>,
) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let (started, policy, db) = (settings.clone(), policy.clone(), db.clone());
        let config_file = config_file.clone();
        let done = tokio::task::spawn_blocking(move || {
            let settings = match config_file.as_deref().filter(|f| f.exists()) {
                Some(f) => crate::settings::Settings::load(Some(f)).unwrap_or(started),
                None => started,
            };
            let clock = move || fixed_now.unwrap_or_else(jiff::Timestamp::now);
            let ctx = Ctx::from_parts(settings, policy, clock(), db);
            followup_app::jobs::tick(&ctx, &clock)
        })
        .await;
        match done {
            Ok(jobs) => {
                for job in jobs {
                    eprintln!("{job}");
                }
            }
            Err(e) => eprintln!("jobs: the dispatcher stopped: {e}"),
        }
    }
}

/// How a multi-user server is run (`--multi-user` and the flags that go with it).
#[derive(Debug, Clone, Copy)]
pub struct Multi {
    /// `--open-signup`.
    pub open_signup: bool,
    /// `--trust-proxy`.
    pub trust_proxy: bool,
}

/// The jobs of every account of a multi-user server, every minute: each user's outbox,
/// digest and mailbox's turn, with that user's settings (their `config.toml`, else the
/// server's).
async fn office_dispatcher(
    started: crate::settings::Settings,
    office: followup_app::accounts::Office,
    fixed_now: Option<jiff::Timestamp>,
) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let (started, office) = (started.clone(), office.clone());
        let done = tokio::task::spawn_blocking(move || {
            let clock = move || fixed_now.unwrap_or_else(jiff::Timestamp::now);
            match followup_app::jobs::office_tick(&office, &started, clock(), &clock) {
                Ok(jobs) => jobs.iter().map(ToString::to_string).collect(),
                Err(e) => vec![format!("jobs: cannot read the accounts: {e}")],
            }
        })
        .await;
        match done {
            Ok(lines) => {
                for line in lines {
                    eprintln!("{line}");
                }
            }
            Err(e) => eprintln!("jobs: the dispatcher stopped: {e}"),
        }
    }
}
