//! Skipping a planned step (`followup skip`, "skip" on Today, the JSON API): the user
//! will not send it. The skip is stored as a fact of its own and planning leaves the
//! step out everywhere (the agenda, `show`, the .ics export, the drafts' choice of
//! recipient); undoing it plans the step again.

use followup_core::agenda::{self, Item};
use followup_core::plan::StepKind;
use followup_store::{AgendaRow, ApplicationFull, NewSkip, SkippedStep};
use serde::Serialize;

use crate::ctx::{store_err, track_of, Ctx};
use crate::error::{Error, Result};

/// A skip as recorded or taken back, with what it was about in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkipView {
    /// The skip's id (what undoing it takes).
    pub id: i64,
    pub application_id: i64,
    /// The company, for messages.
    pub company: String,
    /// The step's kind (`follow_up`, `thank_you`, ...).
    pub step: StepKind,
    /// To whom, when the skip is about one person.
    pub to: Option<String>,
    pub contact_id: Option<i64>,
    /// The round the step belonged to.
    pub interview_id: Option<i64>,
    /// When it was skipped (RFC 3339).
    pub at: String,
    pub note: Option<String>,
}

impl SkipView {
    fn of(full: &ApplicationFull, s: &SkippedStep) -> SkipView {
        SkipView {
            id: s.id,
            application_id: full.application.id,
            company: full.application.company.clone(),
            step: s.kind,
            to: s
                .contact_id
                .and_then(|id| full.contact(id))
                .map(|c| c.name.clone()),
            contact_id: s.contact_id,
            interview_id: s.interview_id,
            at: s.at.to_string(),
            note: s.note.clone(),
        }
    }

    /// "follow-up", "thank-you to Jane Doe".
    pub fn describe(&self) -> String {
        match &self.to {
            Some(to) => format!("{} to {to}", self.step.cli_word()),
            None => self.step.cli_word().to_string(),
        }
    }
}

/// The step word as typed, or a one-line refusal naming the accepted words.
pub fn step_kind(word: &str) -> Result<StepKind> {
    StepKind::parse(word).map_err(Error::input)
}

fn open_items(ctx: &Ctx, full: &ApplicationFull) -> Result<Vec<Item>> {
    Ok(match track_of(ctx, full)? {
        Some(track) => agenda::items(&track, &ctx.policy, ctx.now),
        None => Vec::new(),
    })
}

fn describe_item(i: &Item) -> String {
    match &i.to {
        Some(p) => format!("{} to {}", i.kind.cli_word(), p.name),
        None => i.kind.cli_word().to_string(),
    }
}

/// Skips the open step `step` of application `id` (to `to`, a contact's id, name or
/// part of it, when given; else every open step of that kind in the first round that
/// has one). A step that is not open now (done, not planned, already skipped) is
/// refused, naming the open ones.
pub fn skip(
    ctx: &Ctx,
    id: i64,
    step: &str,
    to: Option<&str>,
    note: Option<&str>,
) -> Result<SkipView> {
    let kind = step_kind(step)?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = note {
        crate::limits::text("note", n)?;
    }
    crate::limits::opt_line("to", to)?;
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let contact = to
        .map(|who| crate::contact::select(&full, who))
        .transpose()
        .map_err(Error::in_body)?;
    let items = open_items(ctx, &full)?;
    let found = items.iter().find(|i| {
        i.kind == kind && contact.is_none_or(|c| i.to.as_ref().is_some_and(|p| p.id == c.id))
    });
    let Some(item) = found else {
        let what = match contact {
            Some(c) => format!("{} to {}", kind.cli_word(), c.name),
            None => kind.cli_word().to_string(),
        };
        let open: Vec<String> = items.iter().map(describe_item).collect();
        let open = if open.is_empty() {
            "nothing is open".to_string()
        } else {
            format!("open: {}", open.join(", "))
        };
        return Err(Error::input(format!(
            "{} (#{id}) has no open {what} to skip ({open})",
            full.application.company
        )));
    };
    let latest = AgendaRow::from_full(&full).map(|r| r.latest.id);
    let skipped = store
        .skip_step(
            id,
            &NewSkip {
                kind,
                contact_id: contact.map(|c| c.id),
                interview_id: item.round.or(latest),
                at: ctx.now,
                note: note.map(str::to_string),
            },
        )
        .map_err(store_err)?;
    let full = store.application(id).map_err(store_err)?;
    Ok(SkipView::of(&full, &skipped))
}

/// Takes back the latest skip of `step` (to `to`, when given) of application `id`.
pub fn undo_last(ctx: &Ctx, id: i64, step: &str, to: Option<&str>) -> Result<SkipView> {
    let kind = step_kind(step)?;
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    drop(store);
    let contact = to
        .map(|who| crate::contact::select(&full, who))
        .transpose()
        .map_err(Error::in_body)?;
    let last = full
        .skipped
        .iter()
        .rev()
        .find(|s| s.kind == kind && contact.is_none_or(|c| s.contact_id == Some(c.id)));
    let Some(last) = last else {
        let what = match contact {
            Some(c) => format!("{} to {}", kind.cli_word(), c.name),
            None => kind.cli_word().to_string(),
        };
        return Err(Error::input(format!(
            "nothing to undo: no {what} of {} (#{id}) is skipped",
            full.application.company
        )));
    };
    undo(ctx, id, last.id)
}

/// Takes back skip `sid` of application `id`: the step is planned again.
pub fn undo(ctx: &Ctx, id: i64, sid: i64) -> Result<SkipView> {
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let view = full
        .skipped
        .iter()
        .find(|s| s.id == sid)
        .map(|s| SkipView::of(&full, s));
    store.unskip_step(id, sid).map_err(store_err)?;
    view.ok_or_else(|| Error::not_found(format!("no skipped step with id {sid}")))
}

/// The skips of an application, as views.
pub fn list(full: &ApplicationFull) -> Vec<SkipView> {
    full.skipped.iter().map(|s| SkipView::of(full, s)).collect()
}
