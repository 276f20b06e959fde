//! What the tracker knows about the application a message is for: the checker's
//! context (company, names, other companies, topics, timing).

use followup_core::agenda;
use followup_core::check::Timing;
use followup_core::model::MessageKind;
use followup_core::plan::StepKind;
use followup_store::NoteKind;

use crate::ctx::{store_err, track_of, Ctx};
use crate::error::Result;

/// What the tracker knows about the application the message is for.
#[derive(Default)]
pub struct Tracked {
    pub company: Option<String>,
    pub kind: Option<MessageKind>,
    pub people: Vec<String>,
    pub others: Vec<String>,
    pub topics: Vec<String>,
    pub words: Vec<String>,
    pub timing: Option<Timing>,
}

/// The message kind of the plan's next open item.
pub fn kind_of(step: StepKind) -> Option<MessageKind> {
    match step {
        StepKind::ThankYou => Some(MessageKind::ThankYou),
        StepKind::FollowUp => Some(MessageKind::FollowUp),
        StepKind::FinalFollowUp => Some(MessageKind::FinalFollowUp),
        StepKind::FeedbackRequest => Some(MessageKind::FeedbackRequest),
        StepKind::MoveOn => None,
    }
}

/// The plan's step a message of `kind` belongs to.
pub fn step_of(kind: MessageKind) -> &'static [StepKind] {
    match kind {
        MessageKind::ThankYou | MessageKind::Letter => &[StepKind::ThankYou],
        MessageKind::FollowUp
        | MessageKind::FinalFollowUp
        | MessageKind::PhoneScript
        | MessageKind::Voicemail => &[StepKind::FollowUp, StepKind::FinalFollowUp],
        MessageKind::FeedbackRequest | MessageKind::ReplyToRejection => {
            &[StepKind::FeedbackRequest]
        }
    }
}

pub fn tracked(ctx: &Ctx, id: i64, kind: Option<MessageKind>, to: Option<&str>) -> Result<Tracked> {
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let mut others: Vec<String> = store
        .applications(true)
        .map_err(store_err)?
        .into_iter()
        .filter(|a| a.application.id != id)
        .map(|a| a.application.company)
        .filter(|c| !c.eq_ignore_ascii_case(&full.application.company))
        .collect();
    others.sort();
    others.dedup();
    let people: Vec<String> = full.contacts.iter().map(|c| c.name.clone()).collect();
    let mut words = people.clone();
    words.push(full.application.company.clone());
    words.push(full.application.role.clone());
    if let Some(p) = store.profile().map_err(store_err)? {
        words.push(p.name);
    }
    let topics = full
        .notes
        .iter()
        .filter(|n| matches!(n.kind, NoteKind::Topic | NoteKind::Question))
        .map(|n| n.text.clone())
        .collect();
    let mut t = Tracked {
        company: Some(full.application.company.clone()),
        topics,
        people,
        others,
        words,
        ..Tracked::default()
    };
    let Some(track) = track_of(ctx, &full)? else {
        t.kind = kind;
        return Ok(t);
    };
    let derived = agenda::derive(&track, &ctx.policy, ctx.now);
    let kind = kind.or_else(|| derived.items.iter().find_map(|i| kind_of(i.kind)));
    t.kind = kind;
    let item = kind.and_then(|k| {
        let steps = step_of(k);
        let candidates = derived.items.iter().filter(|i| steps.contains(&i.kind));
        let mut candidates: Vec<_> = candidates.collect();
        // A thank-you to one interviewer: that interviewer's item.
        if let Some(to) = to {
            let to = to.to_lowercase();
            if let Some(pos) = candidates.iter().position(|i| {
                i.to.as_ref()
                    .is_some_and(|p| p.name.to_lowercase().contains(&to))
            }) {
                return Some(candidates.swap_remove(pos));
            }
        }
        candidates.into_iter().next()
    });
    let tz = track.recipient.tz.clone();
    t.timing = Some(Timing {
        send: ctx.now.to_zoned(tz),
        earliest: item.map(|i| i.step.zoned(i.step.earliest)),
        earliest_rules: item.map(|i| i.step.rules.to_vec()).unwrap_or_default(),
        follow_ups_sent: derived.follow_ups_sent,
        hours: Some(track.recipient.hours.unwrap_or(ctx.policy.hours)),
        region: track.recipient.region.clone(),
    });
    Ok(t)
}
