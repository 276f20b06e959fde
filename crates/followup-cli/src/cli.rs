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

    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum Command {
    /// Plan the follow-ups of one interview: when, by which channel, and why.
    Plan(PlanArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) generated from the command line definition.
    Man,
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
    /// The current moment (RFC 3339), to mark each step upcoming, due, overdue or missed.
    #[arg(long, env = "FOLLOWUP_NOW", value_name = "RFC3339")]
    pub now: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}
