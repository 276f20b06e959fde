//! Notes after `add` (`followup note add|remove`, the JSON API): topics discussed,
//! strengths shown, gaps and questions, which the drafts use (M7). A note belongs to
//! the application, or to one of its interviews (`--interview ID`, as `edit` takes
//! it). A note is removed by its id or by its exact text.

use followup_store::model::Note;
use followup_store::{ApplicationFull, NewNote, NoteKind};
use serde::{Deserialize, Serialize};

use crate::ctx::{store_err, Ctx};
use crate::error::{Error, Result};

/// Notes as typed: flags of `followup note add`, or JSON fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    /// Topics discussed.
    #[serde(default)]
    pub topic: Vec<String>,
    /// Strengths of yours that matched.
    #[serde(default)]
    pub strength: Vec<String>,
    /// Qualifications not covered.
    #[serde(default)]
    pub gap: Vec<String>,
    /// Questions raised.
    #[serde(default)]
    pub question: Vec<String>,
    /// The interview (its id) the notes are about; else the application as a whole.
    #[serde(default, deserialize_with = "crate::limits::whole::opt_i64")]
    pub interview: Option<i64>,
}

/// A note as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteView {
    pub id: i64,
    pub application_id: i64,
    /// The company, for messages.
    pub company: String,
    pub interview_id: Option<i64>,
    pub kind: NoteKind,
    pub text: String,
}

impl NoteView {
    fn of(full: &ApplicationFull, n: &Note) -> NoteView {
        NoteView {
            id: n.id,
            application_id: full.application.id,
            company: full.application.company.clone(),
            interview_id: n.interview_id,
            kind: n.kind,
            text: n.text.clone(),
        }
    }
}

/// Adds the notes to application `id` (all or nothing); returns them as stored.
pub fn add(ctx: &Ctx, id: i64, input: &NoteInput) -> Result<Vec<NoteView>> {
    let mut notes = Vec::new();
    for (kind, flag, list) in [
        (NoteKind::Topic, "--topic", &input.topic),
        (NoteKind::Strength, "--strength", &input.strength),
        (NoteKind::Gap, "--gap", &input.gap),
        (NoteKind::Question, "--question", &input.question),
    ] {
        for text in list {
            let text = text.trim();
            if text.is_empty() {
                return Err(Error::input(format!("{flag} is empty: give the text")));
            }
            followup_store::validate::text(flag, text).map_err(store_err)?;
            notes.push(NewNote::new(kind, text));
        }
    }
    if notes.is_empty() {
        return Err(Error::input(
            "no note given: pass --topic, --strength, --gap or --question with the text",
        ));
    }
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    if let Some(iv) = input.interview {
        if full.interview(iv).is_none() {
            return Err(Error::input(format!(
                "--interview {iv}: application {id} has no interview with that id \
                 (its interviews: {})",
                ids(&full)
            )));
        }
    }
    let new = store
        .add_notes(id, input.interview, &notes)
        .map_err(store_err)?;
    let full = store.application(id).map_err(store_err)?;
    Ok(full
        .notes
        .iter()
        .filter(|n| new.contains(&n.id))
        .map(|n| NoteView::of(&full, n))
        .collect())
}

fn ids(full: &ApplicationFull) -> String {
    if full.interviews.is_empty() {
        return "none".into();
    }
    full.interviews
        .iter()
        .map(|i| i.id.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Removes note `which` (its id, or its exact text) of application `id`; returns it
/// as it was.
pub fn remove(ctx: &Ctx, id: i64, which: &str) -> Result<NoteView> {
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let by_id = which
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|n| full.notes.iter().find(|x| x.id == n));
    let note = match by_id {
        Some(n) => n,
        None => {
            let hits: Vec<&Note> = full
                .notes
                .iter()
                .filter(|n| n.text.trim() == which.trim())
                .collect();
            match hits.as_slice() {
                [one] => *one,
                [] => {
                    return Err(Error::not_found(format!(
                        "application {id} has no note with the id or text `{which}` \
                         (`followup show {id}` lists them with their ids)"
                    )))
                }
                many => {
                    return Err(Error::input(format!(
                        "{} notes of application {id} read `{which}`: give the id of one \
                         ({})",
                        many.len(),
                        many.iter()
                            .map(|n| n.id.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )))
                }
            }
        }
    };
    let before = NoteView::of(&full, note);
    store.remove_note(id, note.id).map_err(store_err)?;
    Ok(before)
}
