//! The timing rules, when the message is checked against an application's plan:
//! `too-soon` (T1–T4), `too-many` (T5) and `off-hours` (T8).

use jiff::Zoned;

use super::text::Doc;
use super::{Context, Diagnostic, Severity, Timing};
use crate::calendar::{is_business_day, next_business_day};
use crate::model::MessageKind as K;

fn fmt(z: &Zoned) -> String {
    z.strftime("%a %Y-%m-%d %H:%M %Z").to_string()
}

pub(crate) fn run(doc: &Doc, ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(t) = &ctx.timing else { return };
    // Timing findings point at the subject, else at the start of the body.
    let (seg, r) = match &doc.subject {
        Some(s) => (s, 0..s.text.len()),
        None => (&doc.body, doc.anchor()),
    };
    let follow_up = matches!(
        ctx.kind,
        Some(K::FollowUp | K::FinalFollowUp | K::PhoneScript | K::Voicemail)
    );
    if follow_up && t.follow_ups_sent >= 2 {
        out.push(seg.diag(
            r.clone(),
            "too-many",
            Severity::Error,
            format!(
                "{} follow-ups were already sent; never more than two after the thank-you (T5)",
                t.follow_ups_sent
            ),
            Some("close the application as no response and keep the contact (T6)".into()),
        ));
    } else if let Some(earliest) = &t.earliest {
        if t.send.timestamp() < earliest.timestamp() {
            let rules = if t.earliest_rules.is_empty() {
                "T1-T4".to_string()
            } else {
                t.earliest_rules.join(", ")
            };
            out.push(seg.diag(
                r.clone(),
                "too-soon",
                Severity::Warning,
                format!(
                    "sent {}, before the plan's earliest moment {} ({rules})",
                    fmt(&t.send),
                    fmt(earliest)
                ),
                Some(format!("wait until {}", fmt(earliest))),
            ));
        }
    }
    // Email thank-yous may go out in the evening (T1); everything else in business hours.
    let in_hours_only = !matches!(ctx.kind, Some(K::ThankYou | K::Letter) | None);
    if in_hours_only {
        if let Some(next) = off_hours(t) {
            let hours = t.hours.unwrap_or_default();
            out.push(seg.diag(
                r,
                "off-hours",
                Severity::Warning,
                format!(
                    "sent {}, outside the recipient's business hours ({}-{} on business days) (T8)",
                    fmt(&t.send),
                    hours.start.strftime("%H:%M"),
                    hours.end.strftime("%H:%M"),
                ),
                Some(format!("schedule it for {}", fmt(&next))),
            ));
        }
    }
}

/// The next moment inside business hours when the send moment is outside them.
fn off_hours(t: &Timing) -> Option<Zoned> {
    let hours = t.hours?;
    let send = &t.send;
    let day = send.date();
    let region = t.region.as_ref();
    if is_business_day(day, region) && hours.contains(send.time()) {
        return None;
    }
    let date = if is_business_day(day, region) && send.time() < hours.start {
        day
    } else {
        next_business_day(day.tomorrow().ok()?, region)
    };
    date.to_datetime(hours.preferred)
        .to_zoned(send.time_zone().clone())
        .ok()
}
