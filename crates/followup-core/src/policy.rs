//! The numbers behind a plan (rules T1–T7), as data.
//!
//! The rule book (`GUIDANCE.md`) gives directions; the numbers marked *(policy)* there
//! are defaults that live here. A [`Policy`] starts from a [`Preset`] (`gentle`,
//! `balanced`, `prompt`) and a TOML policy file may override any number:
//!
//! ```
//! use followup_core::policy::Policy;
//!
//! let policy = Policy::from_toml(r#"
//!     preset = "gentle"
//!     [follow_up]
//!     after_decision_days = 4
//!     [factors.company_type]
//!     government = 2.0
//! "#).unwrap();
//! assert_eq!(policy.follow_up.after_decision_days, 4);
//! assert_eq!(policy.factors.company_type.government, 2.0);
//! ```
//!
//! Every number used in a plan shows up in its explanation, so a user can see which
//! knob to turn.

use serde::{Deserialize, Serialize};

use crate::model::{CompanyType, Round, Seniority};

/// A named starting point for the policy numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// Waits a little longer before each follow-up.
    Gentle,
    /// The rule book's defaults.
    #[default]
    Balanced,
    /// Follows up at the early end of each window (000: "two to three days").
    Prompt,
}

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 3] = [Preset::Gentle, Preset::Balanced, Preset::Prompt];

    /// The preset's name as written in settings.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Gentle => "gentle",
            Preset::Balanced => "balanced",
            Preset::Prompt => "prompt",
        }
    }
}

impl std::fmt::Display for Preset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Preset {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let w = s.trim().to_ascii_lowercase();
        Preset::ALL
            .into_iter()
            .find(|p| p.as_str() == w)
            .ok_or_else(|| PolicyError::UnknownPreset(s.to_string()))
    }
}

/// A policy that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// `--preset` or `preset =` names no preset.
    #[error("unknown preset `{0}` (expected one of: gentle, balanced, prompt)")]
    UnknownPreset(String),
    /// The TOML text does not parse or has unknown keys.
    #[error("{0}")]
    Toml(String),
    /// A number is out of its sensible range.
    #[error("policy value `{key}` = {value} is out of range ({expected})")]
    OutOfRange {
        /// The dotted key, such as `follow_up.recommended_days`.
        key: &'static str,
        /// The value given.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
}

/// Thank-you timing (T1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThankYou {
    /// Minutes after the interview ends before the recommended send.
    pub delay_minutes: u32,
    /// Hours after the end by which the thank-you should be sent.
    pub deadline_hours: u32,
    /// Hours after the end after which a thank-you is late (still allowed).
    pub late_hours: u32,
}

/// First status follow-up timing (T2, T3, T4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FollowUp {
    /// T2: days after the stated decision date for the recommended follow-up.
    pub after_decision_days: u32,
    /// T2: days the window stays open after the recommended moment.
    pub window_days: u32,
    /// T3: with no stated timeline, business days before the earliest follow-up.
    pub earliest_business_days: u32,
    /// T3: with no stated timeline, days to the recommended follow-up.
    pub recommended_days: u32,
    /// T3: with no stated timeline, days to the latest follow-up.
    pub latest_days: u32,
    /// T4: business days after the interview before any phone follow-up.
    pub phone_min_business_days: u32,
}

/// Waits measured from the previous step (T5 final follow-up, T6 move on).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Gap {
    /// Days after the previous step before this one opens.
    pub earliest_days: u32,
    /// Days after the previous step for the recommended moment.
    pub recommended_days: u32,
    /// Days after the previous step when this one's window closes.
    pub latest_days: u32,
}

/// The recipient's working day (T8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Hours {
    /// When the business day starts, recipient's local time.
    pub start: jiff::civil::Time,
    /// When the business day ends.
    pub end: jiff::civil::Time,
    /// The preferred moment for a follow-up within the day.
    pub preferred: jiff::civil::Time,
}

impl Default for Hours {
    fn default() -> Self {
        Hours {
            start: jiff::civil::time(9, 0, 0, 0),
            end: jiff::civil::time(17, 0, 0, 0),
            preferred: jiff::civil::time(10, 0, 0, 0),
        }
    }
}

impl Hours {
    /// Whether `t` is inside `[start, end]`.
    pub fn contains(&self, t: jiff::civil::Time) -> bool {
        self.start <= t && t <= self.end
    }
}

/// Multipliers for company type (T7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[allow(missing_docs)]
pub struct CompanyFactors {
    pub startup: f64,
    pub small_business: f64,
    pub corporate: f64,
    pub government: f64,
    pub academia: f64,
    pub nonprofit: f64,
    pub agency: f64,
}

/// Multipliers for seniority (T7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[allow(missing_docs)]
pub struct SeniorityFactors {
    pub entry: f64,
    pub mid: f64,
    pub senior: f64,
    pub executive: f64,
}

/// Multipliers for the interview round (T7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[allow(missing_docs)]
pub struct RoundFactors {
    pub screen: f64,
    pub technical: f64,
    pub onsite: f64,
    pub panel: f64,
    #[serde(rename = "final")]
    pub final_: f64,
}

/// Everything that stretches or shrinks the waits (T7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Factors {
    /// By company culture.
    pub company_type: CompanyFactors,
    /// By level of the role.
    pub seniority: SeniorityFactors,
    /// By interview round.
    pub round: RoundFactors,
    /// When the opening is urgent.
    pub urgent: f64,
    /// When the interview is late in the hiring process.
    pub late_in_process: f64,
    /// Added per round beyond the second (many rounds so far).
    pub per_extra_round: f64,
    /// The combined factor never goes below this.
    pub min: f64,
    /// The combined factor never goes above this.
    pub max: f64,
}

/// All the numbers of the planner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The preset these numbers started from.
    pub preset: Preset,
    /// T1.
    pub thank_you: ThankYou,
    /// T2–T4.
    pub follow_up: FollowUp,
    /// T5: measured from the first follow-up.
    pub final_follow_up: Gap,
    /// T6: measured from the final follow-up.
    pub move_on: Gap,
    /// T8.
    pub hours: Hours,
    /// T7.
    pub factors: Factors,
}

impl Default for ThankYou {
    fn default() -> Self {
        Preset::Balanced.policy().thank_you
    }
}
impl Default for FollowUp {
    fn default() -> Self {
        Preset::Balanced.policy().follow_up
    }
}
impl Default for Gap {
    fn default() -> Self {
        Preset::Balanced.policy().final_follow_up
    }
}
impl Default for Factors {
    fn default() -> Self {
        Preset::Balanced.policy().factors
    }
}
impl Default for CompanyFactors {
    fn default() -> Self {
        Preset::Balanced.policy().factors.company_type
    }
}
impl Default for SeniorityFactors {
    fn default() -> Self {
        Preset::Balanced.policy().factors.seniority
    }
}
impl Default for RoundFactors {
    fn default() -> Self {
        Preset::Balanced.policy().factors.round
    }
}

impl Default for Policy {
    fn default() -> Self {
        Preset::Balanced.policy()
    }
}

impl Preset {
    /// The full set of numbers for this preset.
    pub fn policy(self) -> Policy {
        let (after_decision, earliest_bd, rec, latest, final_rec) = match self {
            Preset::Gentle => (4, 4, 9, 16, 12),
            Preset::Balanced => (3, 3, 7, 14, 10),
            Preset::Prompt => (2, 2, 5, 10, 7),
        };
        Policy {
            preset: self,
            thank_you: ThankYou {
                delay_minutes: 60,
                deadline_hours: 24,
                late_hours: 48,
            },
            follow_up: FollowUp {
                after_decision_days: after_decision,
                window_days: 7,
                earliest_business_days: earliest_bd,
                recommended_days: rec,
                latest_days: latest,
                phone_min_business_days: 5,
            },
            final_follow_up: Gap {
                earliest_days: 7,
                recommended_days: final_rec,
                latest_days: 14,
            },
            move_on: Gap {
                earliest_days: 7,
                recommended_days: final_rec,
                latest_days: 14,
            },
            hours: Hours::default(),
            factors: Factors {
                company_type: CompanyFactors {
                    startup: 0.7,
                    small_business: 0.9,
                    corporate: 1.0,
                    government: 1.5,
                    academia: 1.4,
                    nonprofit: 1.1,
                    agency: 0.8,
                },
                seniority: SeniorityFactors {
                    entry: 0.9,
                    mid: 1.0,
                    senior: 1.2,
                    executive: 1.4,
                },
                round: RoundFactors {
                    screen: 0.8,
                    technical: 1.0,
                    onsite: 1.0,
                    panel: 1.1,
                    final_: 1.2,
                },
                urgent: 0.7,
                late_in_process: 1.25,
                per_extra_round: 0.05,
                min: 0.5,
                max: 2.5,
            },
        }
    }
}

/// A policy file: every key optional, applied over a preset.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    preset: Option<String>,
    thank_you: Option<toml::Table>,
    follow_up: Option<toml::Table>,
    final_follow_up: Option<toml::Table>,
    move_on: Option<toml::Table>,
    hours: Option<toml::Table>,
    factors: Option<toml::Table>,
}

fn overlay<T>(base: &T, table: Option<toml::Table>, section: &str) -> Result<T, PolicyError>
where
    T: Serialize + serde::de::DeserializeOwned,
{
    let mut merged = toml::Value::try_from(base).map_err(|e| PolicyError::Toml(e.to_string()))?;
    if let Some(table) = table {
        merge(&mut merged, toml::Value::Table(table));
    }
    merged.try_into().map_err(|e: toml::de::Error| {
        PolicyError::Toml(format!("[{section}]: {}", one_line(&e.to_string())))
    })
}

fn merge(base: &mut toml::Value, over: toml::Value) {
    match (base, over) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) if slot.is_table() && v.is_table() => merge(slot, v),
                    Some(slot) => *slot = v,
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Policy {
    /// A policy from the text of a TOML policy file (see the module docs).
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        Policy::from_toml_over(text, None)
    }

    /// Like [`Policy::from_toml`], but the numbers start from `preset` when it is
    /// given (a `--preset` flag wins over the file's `preset` key).
    pub fn from_toml_over(text: &str, preset: Option<Preset>) -> Result<Policy, PolicyError> {
        let file: PolicyFile =
            toml::from_str(text).map_err(|e| PolicyError::Toml(one_line(&e.to_string())))?;
        let from_file = file.preset.as_deref().map(str::parse).transpose()?;
        let preset = preset.or(from_file).unwrap_or_default();
        let base = preset.policy();
        let policy = Policy {
            preset,
            thank_you: overlay(&base.thank_you, file.thank_you, "thank_you")?,
            follow_up: overlay(&base.follow_up, file.follow_up, "follow_up")?,
            final_follow_up: overlay(
                &base.final_follow_up,
                file.final_follow_up,
                "final_follow_up",
            )?,
            move_on: overlay(&base.move_on, file.move_on, "move_on")?,
            hours: overlay(&base.hours, file.hours, "hours")?,
            factors: overlay(&base.factors, file.factors, "factors")?,
        };
        policy.validate()?;
        Ok(policy)
    }

    /// The policy as a TOML document (every number, ready to edit).
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks that every number is in a sensible range.
    pub fn validate(&self) -> Result<(), PolicyError> {
        fn days(key: &'static str, v: u32, max: u32) -> Result<(), PolicyError> {
            if v > max {
                return Err(PolicyError::OutOfRange {
                    key,
                    value: v.to_string(),
                    expected: "0 to 120 days",
                });
            }
            Ok(())
        }
        let f = &self.follow_up;
        days("follow_up.after_decision_days", f.after_decision_days, 120)?;
        days("follow_up.window_days", f.window_days, 120)?;
        days(
            "follow_up.earliest_business_days",
            f.earliest_business_days,
            120,
        )?;
        days("follow_up.recommended_days", f.recommended_days, 120)?;
        days("follow_up.latest_days", f.latest_days, 120)?;
        days(
            "follow_up.phone_min_business_days",
            f.phone_min_business_days,
            120,
        )?;
        for (key, g) in [
            ("final_follow_up", &self.final_follow_up),
            ("move_on", &self.move_on),
        ] {
            days(key, g.earliest_days, 120)?;
            days(key, g.recommended_days, 120)?;
            days(key, g.latest_days, 120)?;
            if g.recommended_days == 0 {
                return Err(PolicyError::OutOfRange {
                    key: if key == "move_on" {
                        "move_on.recommended_days"
                    } else {
                        "final_follow_up.recommended_days"
                    },
                    value: "0".into(),
                    expected: "at least 1 day",
                });
            }
        }
        if self.thank_you.deadline_hours == 0 || self.thank_you.deadline_hours > 72 {
            return Err(PolicyError::OutOfRange {
                key: "thank_you.deadline_hours",
                value: self.thank_you.deadline_hours.to_string(),
                expected: "1 to 72 hours",
            });
        }
        if self.thank_you.delay_minutes > 60 * 24 {
            return Err(PolicyError::OutOfRange {
                key: "thank_you.delay_minutes",
                value: self.thank_you.delay_minutes.to_string(),
                expected: "0 to 1440 minutes",
            });
        }
        if self.thank_you.delay_minutes > self.thank_you.deadline_hours * 60 {
            // The recommended moment stays inside the window it recommends in (T1).
            return Err(PolicyError::OutOfRange {
                key: "thank_you.delay_minutes",
                value: self.thank_you.delay_minutes.to_string(),
                expected: "at most thank_you.deadline_hours × 60 minutes",
            });
        }
        let h = &self.hours;
        if !(h.start < h.end && h.start <= h.preferred && h.preferred <= h.end) {
            return Err(PolicyError::OutOfRange {
                key: "hours",
                value: format!("start {} end {} preferred {}", h.start, h.end, h.preferred),
                expected: "start < end, preferred between them",
            });
        }
        let fs = &self.factors;
        let all = [
            ("factors.company_type", fs.company_type.startup),
            ("factors.company_type", fs.company_type.small_business),
            ("factors.company_type", fs.company_type.corporate),
            ("factors.company_type", fs.company_type.government),
            ("factors.company_type", fs.company_type.academia),
            ("factors.company_type", fs.company_type.nonprofit),
            ("factors.company_type", fs.company_type.agency),
            ("factors.seniority", fs.seniority.entry),
            ("factors.seniority", fs.seniority.mid),
            ("factors.seniority", fs.seniority.senior),
            ("factors.seniority", fs.seniority.executive),
            ("factors.round", fs.round.screen),
            ("factors.round", fs.round.technical),
            ("factors.round", fs.round.onsite),
            ("factors.round", fs.round.panel),
            ("factors.round", fs.round.final_),
            ("factors.urgent", fs.urgent),
            ("factors.late_in_process", fs.late_in_process),
            ("factors.min", fs.min),
            ("factors.max", fs.max),
        ];
        for (key, v) in all {
            if !(v.is_finite() && (0.1..=5.0).contains(&v)) {
                return Err(PolicyError::OutOfRange {
                    key,
                    value: v.to_string(),
                    expected: "a factor between 0.1 and 5",
                });
            }
        }
        if !(fs.per_extra_round.is_finite() && (0.0..=1.0).contains(&fs.per_extra_round)) {
            return Err(PolicyError::OutOfRange {
                key: "factors.per_extra_round",
                value: fs.per_extra_round.to_string(),
                expected: "between 0 and 1",
            });
        }
        if fs.min > fs.max {
            return Err(PolicyError::OutOfRange {
                key: "factors.min",
                value: fs.min.to_string(),
                expected: "not above factors.max",
            });
        }
        Ok(())
    }

    /// The multiplier for a company type.
    pub fn company_factor(&self, t: CompanyType) -> f64 {
        let c = &self.factors.company_type;
        match t {
            CompanyType::Startup => c.startup,
            CompanyType::SmallBusiness => c.small_business,
            CompanyType::Corporate => c.corporate,
            CompanyType::Government => c.government,
            CompanyType::Academia => c.academia,
            CompanyType::Nonprofit => c.nonprofit,
            CompanyType::Agency => c.agency,
        }
    }

    /// The multiplier for a seniority.
    pub fn seniority_factor(&self, s: Seniority) -> f64 {
        let c = &self.factors.seniority;
        match s {
            Seniority::Entry => c.entry,
            Seniority::Mid => c.mid,
            Seniority::Senior => c.senior,
            Seniority::Executive => c.executive,
        }
    }

    /// The multiplier for a round.
    pub fn round_factor(&self, r: Round) -> f64 {
        let c = &self.factors.round;
        match r {
            Round::Screen => c.screen,
            Round::Technical => c.technical,
            Round::Onsite => c.onsite,
            Round::Panel => c.panel,
            Round::Final => c.final_,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_order_the_waits() {
        let g = Preset::Gentle.policy();
        let b = Preset::Balanced.policy();
        let p = Preset::Prompt.policy();
        assert!(g.follow_up.recommended_days > b.follow_up.recommended_days);
        assert!(b.follow_up.recommended_days > p.follow_up.recommended_days);
        assert_eq!(b.follow_up.after_decision_days, 3, "GUIDANCE T2 default");
        assert_eq!(b.follow_up.earliest_business_days, 3, "GUIDANCE T3 default");
        assert_eq!(
            b.final_follow_up.recommended_days, 10,
            "GUIDANCE T5 default"
        );
        for preset in Preset::ALL {
            preset.policy().validate().unwrap();
        }
    }

    #[test]
    fn file_overrides_only_what_it_names() {
        let p = Policy::from_toml(
            "[follow_up]\nrecommended_days = 8\n[hours]\nstart = \"08:30\"\n[factors.round]\nfinal = 1.5\n",
        )
        .unwrap();
        assert_eq!(p.follow_up.recommended_days, 8);
        assert_eq!(p.follow_up.latest_days, 14);
        assert_eq!(p.hours.start, jiff::civil::time(8, 30, 0, 0));
        assert_eq!(p.hours.end, jiff::civil::time(17, 0, 0, 0));
        assert_eq!(p.factors.round.final_, 1.5);
        assert_eq!(p.factors.round.screen, 0.8);
        assert_eq!(p.preset, Preset::Balanced);
    }

    #[test]
    fn full_policy_round_trips_through_toml() {
        let p = Preset::Prompt.policy();
        assert_eq!(Policy::from_toml(&p.to_toml()).unwrap(), p);
    }

    #[test]
    fn bad_files_name_the_problem_on_one_line() {
        let cases = [
            ("[follow_up]\nrecomended_days = 8\n", "recomended_days"),
            ("preset = \"fast\"\n", "unknown preset `fast`"),
            (
                "[follow_up]\nrecommended_days = \"a week\"\n",
                "recommended_days",
            ),
            ("[follow_up\n", "TOML"),
            ("[factors]\nurgent = -1.0\n", "factors.urgent"),
            ("[hours]\nstart = \"18:00\"\n", "hours"),
            // The recommended thank-you would fall after its own deadline (T1).
            (
                "[thank_you]\ndeadline_hours = 2\ndelay_minutes = 180\n",
                "thank_you.delay_minutes` = 180 is out of range (at most thank_you.deadline_hours × 60 minutes)",
            ),
        ];
        for (text, needle) in cases {
            let err = Policy::from_toml(text).unwrap_err().to_string();
            assert!(!err.contains('\n'), "{err:?}");
            assert!(
                err.to_lowercase().contains(&needle.to_lowercase()),
                "{text:?} gave {err:?}"
            );
        }
    }
}
