//! The command line, as clap definitions. Completions and the man page are generated
//! from these.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Plan, draft, check and track the follow-ups after every job interview.
#[derive(Debug, Parser)]
#[command(name = "followup", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The settings file (default: ~/.config/followup/config.toml).
    #[arg(long, global = true, env = "FOLLOWUP_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The database (default: ~/.local/share/followup/followup.sqlite); `admin` takes
    /// a postgres://USER@HOST[:PORT]/DATABASE URL.
    #[arg(long, global = true, env = "FOLLOWUP_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The current moment (RFC 3339), instead of the clock.
    #[arg(long, global = true, env = "FOLLOWUP_NOW", value_name = "RFC3339")]
    pub now: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum Command {
    /// Plan the follow-ups of one interview: when, by which channel, and why.
    Plan(PlanArgs),
    /// Track a new application and its first interview; prints the new id.
    Add(AddArgs),
    /// Add another interview round to an application.
    Interview(InterviewArgs),
    /// List applications (open ones unless --all).
    List {
        /// Include closed applications.
        #[arg(long)]
        all: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show an application: facts, history and the current plan with reasons.
    Show {
        /// The application id.
        id: i64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Log a message or call you made: thank-you, follow-up, final-follow-up, call,
    /// voicemail, letter, feedback-request.
    Log {
        /// The application id.
        id: i64,
        /// What was sent.
        kind: String,
        /// To whom (a contact's name, or part of it).
        #[arg(long)]
        to: Option<String>,
        /// When (default: now).
        #[arg(long)]
        at: Option<String>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// They replied: pending follow-ups are cancelled, and a new timeline re-plans (T9).
    Reply {
        /// The application id.
        id: i64,
        /// When (default: now).
        #[arg(long)]
        at: Option<String>,
        /// A new decision phrase from the reply: "by December 18".
        #[arg(long, value_name = "PHRASE")]
        decision: Option<String>,
        /// Who replied.
        #[arg(long)]
        from: Option<String>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record how it ended: offer, rejected, withdrawn, no-response.
    Outcome {
        /// The application id.
        id: i64,
        /// offer, rejected, withdrawn or no-response.
        outcome: String,
        /// When (default: now).
        #[arg(long)]
        at: Option<String>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Skip a planned step you will not take (it leaves the agenda, the plan, the
    /// calendar export and the drafts), or take the skip back with --undo.
    Skip(SkipArgs),
    /// What to do today: overdue, due, and what opens in the next days.
    Agenda {
        /// Also list items whose window opens within this many days.
        #[arg(long, default_value_t = 7)]
        days: u32,
        /// Show the reasons behind each item.
        #[arg(long)]
        why: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set (or, with no flags, show) the sender used in drafts.
    Profile {
        /// Your name.
        #[arg(long)]
        name: Option<String>,
        /// Your email.
        #[arg(long)]
        email: Option<String>,
        /// Your phone.
        #[arg(long)]
        phone: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change facts of an application.
    Edit(EditArgs),
    /// Delete an application and everything attached to it.
    Delete {
        /// The application id.
        id: i64,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write everything to a JSON file.
    Backup {
        /// The file to write.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Replace everything with a backup (all or nothing).
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a follow-up message for an application: thank-you, letter, follow-up,
    /// final-follow-up, phone-script, voicemail, feedback-request, reply-to-rejection.
    Draft(DraftArgs),
    /// Check a message before it goes out, like a compiler checks code.
    Check(CheckArgs),
    /// Send a message at the plan's moment: drafted (or --file), checked, queued in the
    /// outbox, and sent when due by the mail account of [mail] in config.toml.
    Send(SendArgs),
    /// The outbox: what is queued, sent, failed or unknown; cancel, edit, retry, run.
    Outbox(OutboxArgs),
    /// The mail account: test it; read your mailbox (IMAP, read-only) into proposals
    /// you accept or dismiss.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Read an interview invitation (.ics, or an .eml with a calendar part) into the tracker.
    Import(ImportArgs),
    /// Write every planned step as calendar events with reminders (.ics).
    Export(ExportArgs),
    /// Custom holiday calendars (a company's closure days, a country not built in).
    #[command(subcommand)]
    Holidays(HolidaysCommand),
    /// Development helpers.
    #[command(hide = true, subcommand)]
    Dev(DevCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) generated from the command line definition.
    Man,
    /// Serve the web app and its JSON API over the same database (127.0.0.1 by default).
    Serve {
        /// Port (default 7878); 0 picks a free one (the URL is printed).
        #[arg(long)]
        port: Option<u16>,
        /// Address to listen on: an IP address, ADDR:PORT or localhost; anything but
        /// loopback needs --token (or --multi-user).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        listen: String,
        /// Bearer token every request must carry (at least 16 characters).
        #[arg(long, env = "FOLLOWUP_TOKEN", value_name = "T")]
        token: Option<String>,
        /// Open the page in the default browser.
        #[arg(long)]
        open: bool,
        /// Serve many people: --db keeps the accounts (made with `followup admin
        /// create-user`), each user's job search is a database of its own beside it,
        /// and every request signs in (a session from /signin, or an API token).
        #[arg(long, conflicts_with = "token")]
        multi_user: bool,
        /// With --multi-user: anyone may make an account at /signup.
        #[arg(long, requires = "multi_user")]
        open_signup: bool,
        /// With --multi-user: believe the `X-Forwarded-Proto` of a proxy in front (the
        /// session cookie is then `Secure` for HTTPS requests).
        #[arg(long, requires = "multi_user")]
        trust_proxy: bool,
    },
    /// Show today's digest as it would be mailed (subject and body), without sending
    /// it; `followup worker` sends it at `digest_hour`.
    Digest {
        /// Print JSON: {"day", "subject", "body", "overdue", "due_today",
        /// "opening_tomorrow"}, or null when there is nothing to say.
        #[arg(long)]
        json: bool,
    },
    /// Run the jobs that go on their own every minute: the outbox's due messages, the
    /// daily digest (`digest_hour` in config.toml) and, every 15 minutes, a read of
    /// the mailbox (`imap` under [mail]); one line per job done.
    Worker {
        /// One JSON object a line: {"at", "job", "id", "state", "detail"}.
        #[arg(long)]
        json: bool,
        /// Run what is due once, then stop (for cron or a systemd timer).
        #[arg(long)]
        once: bool,
        /// Run the jobs of every account of a multi-user office (--db names its
        /// accounts database, as for `serve --multi-user`).
        #[arg(long)]
        multi_user: bool,
    },
    /// The people of an application: add, change or remove a contact.
    #[command(subcommand)]
    Contact(ContactCommand),
    /// Notes about an application or one of its rounds: topics, strengths, gaps and
    /// questions, which the drafts use (M7).
    #[command(subcommand)]
    Note(NoteCommand),
    /// A printable HTML page of every application in a period, with dates, contacts and
    /// outcome: proof of your applications for a job centre or unemployment office.
    Report(ReportArgs),
    /// Accounts of a multi-user server: users, their sign-up and reset links and API
    /// tokens. --db names the accounts database: an SQLite file (`serve --multi-user`)
    /// or postgres://USER@HOST[:PORT]/DATABASE.
    #[command(subcommand)]
    Admin(AdminCommand),
}

/// `followup admin`: the accounts of a PostgreSQL database.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Make an account. Without --password-stdin, prints a one-time sign-up link
    /// (valid 7 days) with which its owner chooses a password.
    CreateUser {
        /// The user's e-mail address (one account per address, in any case).
        email: String,
        /// Read the password from the first line of standard input (at least 10
        /// characters); it is stored as an argon2id hash only.
        #[arg(long)]
        password_stdin: bool,
        /// Print JSON: {"id", "email", "created_at", "signup_url", "expires_at"}.
        #[arg(long)]
        json: bool,
    },
    /// Print a new API token for the user (shown once; only its hash is stored).
    Token {
        /// The user's e-mail address.
        email: String,
        /// Print JSON: {"email", "token"}.
        #[arg(long)]
        json: bool,
    },
    /// List the accounts: e-mail, when made, applications, API tokens.
    ListUsers {
        /// Print JSON: {"users": [{"id", "email", "created_at", "has_password",
        /// "applications", "api_tokens"}]}.
        #[arg(long)]
        json: bool,
    },
    /// Delete a user and everything of theirs (applications, sessions, tokens).
    DeleteUser {
        /// The user's e-mail address.
        email: String,
        /// Really delete (required: there is no undo).
        #[arg(long)]
        yes: bool,
        /// Print JSON: what was deleted.
        #[arg(long)]
        json: bool,
    },
    /// Print a one-time link with which the user chooses a new password (valid one
    /// hour; their sessions end when it is used).
    ResetLink {
        /// The user's e-mail address.
        email: String,
        /// Print JSON: {"email", "reset_url", "expires_at"}.
        #[arg(long)]
        json: bool,
    },
    /// Show the mail account set up for the user (on PostgreSQL the file of their
    /// address in the `account_mail` directory; in an office the [mail] of their
    /// config.toml): where their messages leave from and which mailbox is read, never
    /// a password.
    MailAccount {
        /// The user's e-mail address.
        email: String,
        /// Also log in to each server (SMTP, IMAP) and out again, sending and reading
        /// nothing.
        #[arg(long)]
        check: bool,
        /// Print JSON: {"email", "file", "set_up", "smtp", "address", "imap", "user",
        /// "password", "sent_through", "checks"}.
        #[arg(long)]
        json: bool,
    },
}

/// Facts about the interview and the recipient shared by several commands.
#[derive(Debug, Args, Clone)]
pub struct PlanArgs {
    /// When the interview starts, local to --tz: "2026-12-01 10:00".
    #[arg(long, value_name = "DATETIME")]
    pub at: String,
    /// The interview's IANA time zone, such as America/New_York.
    #[arg(long, env = "FOLLOWUP_TZ", value_name = "ZONE")]
    pub tz: Option<String>,
    /// How long the interview lasts: 45m, 1h, 1h30m.
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub duration: String,
    /// The round: screen, technical, onsite, panel, final.
    #[arg(long)]
    pub round: Option<String>,
    /// What they said about the decision: "within a week", "by Friday", "early January".
    #[arg(long, value_name = "PHRASE")]
    pub decision: Option<String>,
    /// startup, small-business, corporate, government, academia, nonprofit, agency.
    #[arg(long, value_name = "TYPE")]
    pub company_type: Option<String>,
    /// entry, mid, senior, executive.
    #[arg(long)]
    pub seniority: Option<String>,
    /// The opening is urgent: follow up sooner (T7).
    #[arg(long)]
    pub urgent: bool,
    /// Late in the hiring process: allow extra time (T7).
    #[arg(long)]
    pub late_in_process: bool,
    /// How many rounds so far, this one included (T7).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub rounds: u32,
    /// The channel for follow-ups: email or phone (T4, T10).
    #[arg(long, default_value = "email")]
    pub channel: String,
    /// The recipient's public-holiday region: US, US-NY, GB-SCT, DE-BY...
    #[arg(long, env = "FOLLOWUP_REGION")]
    pub region: Option<String>,
    /// The recipient's time zone, when not the interview's.
    #[arg(long, value_name = "ZONE")]
    pub recipient_tz: Option<String>,
    /// The recipient's business hours, such as 09:00-17:00.
    #[arg(long, env = "FOLLOWUP_HOURS", value_name = "HH:MM-HH:MM")]
    pub hours: Option<String>,
    /// A TOML policy file overriding any number.
    #[arg(long, env = "FOLLOWUP_POLICY", value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// A policy preset: gentle, balanced, prompt.
    #[arg(long, env = "FOLLOWUP_PRESET")]
    pub preset: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Development helpers.
#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Fill the database with N realistic applications (for benchmarks).
    Populate {
        /// How many applications.
        #[arg(long, default_value_t = 10_000)]
        count: usize,
        /// The random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// Facts of one interview round, for `add` and `interview`.
#[derive(Debug, Args, Clone)]
pub struct RoundArgs {
    /// When it starts, local to --tz: "2026-12-01 10:00".
    #[arg(long, value_name = "DATETIME")]
    pub at: String,
    /// Its IANA time zone (default: for another round, the application's latest
    /// round's zone; else `tz` of the settings or FOLLOWUP_TZ).
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// How long: 45m, 1h.
    #[arg(long, default_value = "1h")]
    pub duration: String,
    /// screen, technical, onsite, panel, final.
    #[arg(long)]
    pub round: Option<String>,
    /// What they said about the decision: "within a week".
    #[arg(long, value_name = "PHRASE")]
    pub decision: Option<String>,
    /// An interviewer: "Jane Doe <jane@acme.com>" (repeat for several).
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub interviewer: Vec<String>,
    /// A topic discussed (feeds the drafts, M7).
    #[arg(long)]
    pub topic: Vec<String>,
    /// A strength of yours that matched (M7).
    #[arg(long)]
    pub strength: Vec<String>,
    /// A qualification not covered (M7).
    #[arg(long)]
    pub gap: Vec<String>,
    /// A question raised (M7).
    #[arg(long)]
    pub question: Vec<String>,
    /// Address or meeting link.
    #[arg(long)]
    pub location: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `followup add`.
#[derive(Debug, Args, Clone)]
pub struct AddArgs {
    /// The company.
    #[arg(long)]
    pub company: String,
    /// The role.
    #[arg(long)]
    pub role: String,
    #[command(flatten)]
    pub round: RoundArgs,
    /// The recipients' holiday region: US, US-NY, GB-SCT...
    #[arg(long, env = "FOLLOWUP_REGION")]
    pub region: Option<String>,
    /// The recipients' zone, when not the interview's.
    #[arg(long, value_name = "ZONE")]
    pub recipient_tz: Option<String>,
    /// startup, small-business, corporate, government, academia, nonprofit, agency.
    #[arg(long, value_name = "TYPE")]
    pub company_type: Option<String>,
    /// entry, mid, senior, executive.
    #[arg(long)]
    pub seniority: Option<String>,
    /// The opening is urgent (T7).
    #[arg(long)]
    pub urgent: bool,
    /// Late in the hiring process (T7).
    #[arg(long)]
    pub late_in_process: bool,
    /// A link to the posting.
    #[arg(long)]
    pub link: Option<String>,
    /// Where you found it.
    #[arg(long)]
    pub source: Option<String>,
}

/// `followup interview`.
#[derive(Debug, Args, Clone)]
pub struct InterviewArgs {
    /// The application id.
    pub id: i64,
    /// Reopen the application if it is closed (an outcome was recorded); the
    /// reopening is recorded in its history.
    #[arg(long)]
    pub reopen: bool,
    #[command(flatten)]
    pub round: RoundArgs,
}

/// `followup edit`.
#[derive(Debug, Args, Clone)]
pub struct EditArgs {
    /// The application id.
    pub id: i64,
    /// The company.
    #[arg(long)]
    pub company: Option<String>,
    /// The role.
    #[arg(long)]
    pub role: Option<String>,
    /// Holiday region ("" clears it).
    #[arg(long)]
    pub region: Option<String>,
    /// Recipients' zone ("" clears it).
    #[arg(long)]
    pub recipient_tz: Option<String>,
    /// Company type ("" clears it).
    #[arg(long)]
    pub company_type: Option<String>,
    /// Seniority ("" clears it).
    #[arg(long)]
    pub seniority: Option<String>,
    /// Link ("" clears it).
    #[arg(long)]
    pub link: Option<String>,
    /// Source ("" clears it).
    #[arg(long)]
    pub source: Option<String>,
    /// Urgent: true or false.
    #[arg(long)]
    pub urgent: Option<bool>,
    /// Late in the process: true or false.
    #[arg(long)]
    pub late_in_process: Option<bool>,
    /// The interview round to change (its id, from `followup show`); by default the
    /// latest round that is not cancelled.
    #[arg(long, help_heading = "Interview round")]
    pub interview: Option<i64>,
    /// New local date and time of the round: "2026-12-01 10:00".
    #[arg(long, help_heading = "Interview round")]
    pub at: Option<String>,
    /// New zone of the round; without --at it keeps its wall-clock time.
    #[arg(long, help_heading = "Interview round")]
    pub tz: Option<String>,
    /// New length: "45m", "1h".
    #[arg(long, help_heading = "Interview round")]
    pub duration: Option<String>,
    /// screen, technical, onsite, panel, final ("" clears it).
    #[arg(long, help_heading = "Interview round")]
    pub round: Option<String>,
    /// What they said about the decision ("" clears it); read from the round's date.
    #[arg(long, help_heading = "Interview round")]
    pub decision: Option<String>,
    /// Where, or the meeting link ("" clears it).
    #[arg(long, help_heading = "Interview round")]
    pub location: Option<String>,
    /// Mark the round cancelled (true) or not (false).
    #[arg(long, help_heading = "Interview round")]
    pub cancelled: Option<bool>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `followup skip`.
#[derive(Debug, Args, Clone)]
pub struct SkipArgs {
    /// The application id.
    pub id: i64,
    /// The step: thank-you, follow-up, final-follow-up, move-on, feedback-request.
    pub step: String,
    /// To whom (a contact's name, or part of it); without it, every open step of
    /// that kind.
    #[arg(long)]
    pub to: Option<String>,
    /// Why (kept with the skip).
    #[arg(long, conflicts_with = "undo")]
    pub note: Option<String>,
    /// Take back the latest skip of this step: it is planned again.
    #[arg(long)]
    pub undo: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `followup draft`.
#[derive(Debug, Args, Clone)]
pub struct DraftArgs {
    /// The application id.
    pub id: i64,
    /// thank-you, letter, follow-up, final-follow-up, phone-script, voicemail,
    /// feedback-request, reply-to-rejection.
    #[arg(long)]
    pub kind: String,
    /// To whom (a contact's name, or part of it).
    #[arg(long)]
    pub to: Option<String>,
    /// text, eml or mailto.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// An eml starts a thread of its own instead of replying to the last message sent
    /// to this person.
    #[arg(long)]
    pub new_thread: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `followup send`.
#[derive(Debug, Args, Clone)]
pub struct SendArgs {
    /// The application id.
    pub id: i64,
    /// thank-you, follow-up, final-follow-up, feedback-request, reply-to-rejection.
    #[arg(long)]
    pub kind: String,
    /// To whom (a contact's name, or part of it).
    #[arg(long)]
    pub to: Option<String>,
    /// When it leaves: now, recommended (the plan's moment), earliest, or a moment
    /// (RFC 3339, or "2026-12-08 09:00" in the application's zone).
    #[arg(long, default_value = "recommended", value_name = "WHEN")]
    pub at: String,
    /// Send this text or .eml (your edited draft) instead of the drafted one.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Queue it even when the checker finds errors.
    #[arg(long)]
    pub force: bool,
    /// Do not ask about warnings.
    #[arg(long)]
    pub yes: bool,
    /// Start a new thread instead of replying to the last message sent to this person.
    #[arg(long)]
    pub new_thread: bool,
    /// The spelling dictionary: en_US or en_GB.
    #[arg(
        long,
        env = "FOLLOWUP_LANG",
        default_value = "en_US",
        value_name = "LANG"
    )]
    pub lang: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `followup outbox`.
#[derive(Debug, Args, Clone)]
pub struct OutboxArgs {
    #[command(subcommand)]
    pub command: Option<OutboxCommand>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// What `followup outbox` does besides listing.
#[derive(Debug, Subcommand, Clone)]
pub enum OutboxCommand {
    /// Cancel a message that has not left.
    Cancel {
        /// The message's number.
        n: i64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change when a queued message leaves.
    Edit {
        /// The message's number.
        n: i64,
        /// now, recommended, earliest, or a moment.
        #[arg(long, value_name = "WHEN")]
        at: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Queue a failed, unknown or cancelled message again, to leave now.
    Retry {
        /// The message's number.
        n: i64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Send everything due now (for cron or a systemd timer).
    Run {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `followup mail`.
#[derive(Debug, Subcommand, Clone)]
pub enum MailCommand {
    /// Connect, secure the connection and log in: one line per step.
    Test {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Reading the mailbox: sync, inbox, accept, dismiss, forget.
    #[command(flatten)]
    Inbox(crate::commands::inbox::MailCommand),
}

/// `followup check`.
#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    /// The message: a text or .eml file, or - for standard input.
    pub file: PathBuf,
    /// What the message is: thank-you, follow-up, final-follow-up, ...
    #[arg(long)]
    pub kind: Option<String>,
    /// The company the message goes to.
    #[arg(long)]
    pub company: Option<String>,
    /// The person the message goes to.
    #[arg(long)]
    pub to: Option<String>,
    /// Check against this tracked application (company, names, timing rules).
    #[arg(long)]
    pub application: Option<i64>,
    /// The spelling dictionary: en_US or en_GB.
    #[arg(
        long,
        env = "FOLLOWUP_LANG",
        default_value = "en_US",
        value_name = "LANG"
    )]
    pub lang: String,
    /// More words the spelling accepts, one a line (besides
    /// ~/.config/followup/words.txt).
    #[arg(long, value_name = "FILE")]
    pub words: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `followup import`.
#[derive(Debug, Args, Clone)]
pub struct ImportArgs {
    /// The invitation: an .ics file, or an .eml with a text/calendar part.
    pub file: PathBuf,
    /// Your own address, left out of the interviewers (default: the profile's).
    #[arg(long, value_name = "EMAIL")]
    pub me: Option<String>,
    /// The company (default: guessed from the organiser's domain, the title, the
    /// description's host or the meeting link).
    #[arg(long)]
    pub company: Option<String>,
    /// Import every event of a calendar of many events (a feed or an export), which
    /// is otherwise refused.
    #[arg(long)]
    pub all: bool,
    /// Show what would be imported; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `followup export`.
#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    /// The .ics file to write (- for standard output).
    #[arg(long, value_name = "FILE")]
    pub ics: Option<PathBuf>,
    /// Only this application.
    #[arg(long)]
    pub application: Option<i64>,
    /// Print a JSON summary (with --ics FILE; --ics - writes the calendar itself).
    #[arg(long)]
    pub json: bool,
    /// csv: every application and every event of its history, one row each, to
    /// standard output (or --output); ics: the same as --ics.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// The file to write with --format (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `followup holidays`.
#[derive(Debug, Subcommand)]
pub enum HolidaysCommand {
    /// Add (or replace) a custom holiday calendar from an .ics file.
    Import {
        /// The .ics file.
        file: PathBuf,
        /// The calendar's name, used as --region NAME.
        #[arg(long)]
        name: String,
        /// The built-in region whose holidays the days add to (default: the default
        /// region, else the one the recipient's zone suggests).
        #[arg(long, value_name = "REGION", conflicts_with = "replaces")]
        on: Option<String>,
        /// The calendar holds every holiday itself (a country not built in), instead of
        /// adding to a region's.
        #[arg(long)]
        replaces: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the custom holiday calendars.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// The fields of a contact, for `contact add` and `contact edit`.
#[derive(Debug, Args, Clone)]
pub struct ContactFields {
    /// Their name (required to add; on edit, a new name).
    #[arg(long)]
    pub name: Option<String>,
    /// Their e-mail address ("" clears it).
    #[arg(long)]
    pub email: Option<String>,
    /// Their phone number ("" clears it).
    #[arg(long)]
    pub phone: Option<String>,
    /// interviewer (the default), recruiter or hiring-manager.
    #[arg(long)]
    pub role: Option<String>,
    /// Their IANA time zone ("" clears it).
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// A round they sat in, by number as `followup show` lists them (repeat for
    /// several).
    #[arg(long, value_name = "N")]
    pub round: Vec<usize>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `followup contact`.
#[derive(Debug, Subcommand)]
pub enum ContactCommand {
    /// Add a person to an application: followup contact add 1 --name "Raj Patel"
    /// --email raj@acme.com --role interviewer --round 2.
    Add {
        /// The application id.
        id: i64,
        #[command(flatten)]
        fields: ContactFields,
    },
    /// Change a contact, chosen by name, part of it, or contact id.
    Edit {
        /// The application id.
        id: i64,
        /// The contact: a name, part of it, or its id.
        who: String,
        #[command(flatten)]
        fields: ContactFields,
        /// A round they did not sit in after all (repeat for several).
        #[arg(long, value_name = "N")]
        not_round: Vec<usize>,
    },
    /// Remove a contact (refused while the history names them).
    Remove {
        /// The application id.
        id: i64,
        /// The contact: a name, part of it, or its id.
        who: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `followup note`.
#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    /// Add notes to an application (or, with --interview, to one of its rounds).
    Add {
        /// The application id.
        id: i64,
        /// A topic discussed (repeat for several).
        #[arg(long)]
        topic: Vec<String>,
        /// A strength of yours that matched.
        #[arg(long)]
        strength: Vec<String>,
        /// A qualification not covered.
        #[arg(long)]
        gap: Vec<String>,
        /// A question raised.
        #[arg(long)]
        question: Vec<String>,
        /// The interview the notes are about (its id, as `followup show` lists it).
        #[arg(long, value_name = "ID")]
        interview: Option<i64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a note, by its id (`followup show` lists them) or its exact text.
    Remove {
        /// The application id.
        id: i64,
        /// The note's id, or its exact text.
        note: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `followup report`.
#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// The first day of the period: 2026-11-01 (default: the first application).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// The last day of the period, included (default: today).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// The paper the page is laid out for: a4 or letter.
    #[arg(long, default_value = "a4", value_name = "SIZE")]
    pub paper: String,
    /// The file to write (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}
