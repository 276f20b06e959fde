//! The facts the planner works from: the kind of company, the seniority of the role,
//! the interview round and the channel of a message (rules T7, T10).
//!
//! Each enum parses from and prints as the kebab-case word the CLI and JSON use
//! (`small-business`, `final`, `phone`).

/// Declares an enumeration that prints and parses as kebab-case words, with `ALL`,
/// `as_str`, `Display`, `FromStr` (errors are [`UnknownWord`]) and serde. Used here
/// and by the store for its own enumerations.
#[macro_export]
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word used on the command line and in JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::model::UnknownWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| $crate::model::UnknownWord {
                        what: $what,
                        word: s.to_string(),
                        expected: $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                    })
            }
        }
    };
}

/// A word that is not one of the values of a fact (`--round semifinal`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{word}` (expected one of: {expected})")]
pub struct UnknownWord {
    /// What was being parsed, such as "company type".
    pub what: &'static str,
    /// The word given.
    pub word: String,
    /// The accepted words, comma-separated.
    pub expected: String,
}

word_enum! {
    /// The kind of employer; culture moves the waits (T7) and the thank-you channel (T10).
    CompanyType, "company type" {
        Startup => "startup",
        SmallBusiness => "small-business",
        Corporate => "corporate",
        Government => "government",
        Academia => "academia",
        Nonprofit => "nonprofit",
        /// A recruiting or staffing agency.
        Agency => "agency",
    }
}

word_enum! {
    /// The level of the role; senior and executive hiring is slower (T7).
    Seniority, "seniority" {
        Entry => "entry",
        Mid => "mid",
        Senior => "senior",
        Executive => "executive",
    }
}

word_enum! {
    /// The interview round; late rounds may take extra time (T7).
    Round, "round" {
        Screen => "screen",
        Technical => "technical",
        Onsite => "onsite",
        Panel => "panel",
        Final => "final",
    }
}

word_enum! {
    /// How a message goes out (T10).
    Channel, "channel" {
        Email => "email",
        Phone => "phone",
        Letter => "letter",
        /// Nothing is sent (the "move on" step).
        None => "none",
    }
}

word_enum! {
    /// Where an application stands.
    Status, "status" {
        /// Interviews are scheduled or under way.
        Active => "active",
        Offer => "offer",
        Rejected => "rejected",
        Withdrawn => "withdrawn",
        /// Closed after the final follow-up went unanswered (T6).
        NoResponse => "no-response",
    }
}

word_enum! {
    /// What a message is (M1–M6): drafted by `followup draft`, checked by `followup check`.
    MessageKind, "message kind" {
        /// A thank-you email to one interviewer (M1).
        ThankYou => "thank-you",
        /// A printed thank-you letter (M1).
        Letter => "letter",
        /// A status follow-up email (M2).
        FollowUp => "follow-up",
        /// The last follow-up (M3, T5).
        FinalFollowUp => "final-follow-up",
        /// Notes for a follow-up call (M4).
        PhoneScript => "phone-script",
        /// A voicemail left when the call is not answered (M5).
        Voicemail => "voicemail",
        /// A request for feedback after a rejection (M6).
        FeedbackRequest => "feedback-request",
        /// A gracious answer to a rejection that keeps the door open (T9).
        ReplyToRejection => "reply-to-rejection",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_unknown_words_name_the_choices() {
        for t in CompanyType::ALL {
            assert_eq!(t.as_str().parse::<CompanyType>().unwrap(), *t);
        }
        assert_eq!(
            "Small_Business".parse::<CompanyType>().unwrap(),
            CompanyType::SmallBusiness
        );
        let err = "semifinal".parse::<Round>().unwrap_err().to_string();
        assert!(err.contains("unknown round `semifinal`"), "{err}");
        assert!(
            err.contains("screen, technical, onsite, panel, final"),
            "{err}"
        );
    }
}
