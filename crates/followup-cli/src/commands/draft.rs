//! `followup draft` (M1–M7): one message for one person, drafted from the tracker's
//! facts, printed as text, an `.eml` file a mail client opens as a draft, or a
//! `mailto:` link. Nothing is ever sent.

use followup_app::draft::{address_of, eml_in_thread, interviews, is_email, mailto, text, Format};
use followup_app::draft::{input, user_template};
use followup_app::draft::{open_thank_yous, recipient_now};
use followup_core::draft;
use followup_core::model::MessageKind;
use followup_store::model::Contact;
use followup_store::ApplicationFull;
use serde_json::json;

use crate::cli::DraftArgs;
use crate::commands::track::{store_err, Ctx};
use crate::error::{Error, Result};
use crate::output;

/// Runs `followup draft`.
pub fn run(ctx: &Ctx, args: &DraftArgs) -> Result<()> {
    let kind: MessageKind = args.kind.parse().map_err(Error::input)?;
    let format = Format::parse(&args.format)?;
    if format != Format::Text && !is_email(kind) {
        return Err(Error::input(format!(
            "a {kind} is not an email: use --format text (eml and mailto are for thank-you, \
             follow-up, final-follow-up, feedback-request and reply-to-rejection)"
        )));
    }
    let store = ctx.store()?;
    let profile = store.profile().map_err(store_err)?.ok_or_else(|| {
        Error::input(
            "no sender profile: run `followup profile --name \"Your Name\" --email you@example.com \
             [--phone NUMBER]` first; drafts are signed with it",
        )
    })?;
    let full = store.application(args.id).map_err(store_err)?;
    let to = recipient_now(ctx, &full, kind, args.to.as_deref())?;
    let input = input(&full, kind, &profile, to, ctx.now);

    let draft = match user_template(kind)? {
        Some((path, source)) => draft::render_with(&input, &path.display().to_string(), &source),
        None => draft::render(&input),
    }
    .map_err(Error::input)?;

    let address = match format {
        Format::Text => None,
        Format::Eml | Format::Mailto => Some(address_of(to)?),
    };
    let rendered = match format {
        Format::Text => None,
        Format::Eml => Some(eml_in_thread(
            ctx,
            &full,
            kind,
            &profile,
            to,
            &draft,
            args.new_thread,
        )?),
        Format::Mailto => Some(mailto(address.unwrap_or_default(), &draft)),
    };

    let others = if args.to.is_none() && !args.json {
        other_interviewers(ctx, &full, kind, to)?
    } else {
        Vec::new()
    };

    output::with_stdout(|out| {
        if args.json {
            let mut v = json!({
                "kind": kind.as_str(),
                "to": to.name,
                "email": to.email,
                "subject": draft.subject,
                "body": draft.body,
            });
            if let Some(r) = &rendered {
                v["format"] = json!(format.as_str());
                v["output"] = json!(r);
            }
            return writeln!(out, "{v}");
        }
        match &rendered {
            Some(r) if format == Format::Eml => write!(out, "{r}"),
            Some(r) => writeln!(out, "{r}"),
            None => writeln!(out, "{}", text(&draft)),
        }
    })?;
    if !others.is_empty() {
        anstream::eprintln!(
            "note: one thank-you per interviewer (M1); also draft for {} with --to",
            others.join(", ")
        );
    }
    Ok(())
}

/// For a thank-you or letter drafted without `--to`: the other interviewers whose
/// thank-you is still open (else those of the round), who each need their own note.
fn other_interviewers(
    ctx: &Ctx,
    full: &ApplicationFull,
    kind: MessageKind,
    to: &Contact,
) -> Result<Vec<String>> {
    if !matches!(kind, MessageKind::ThankYou | MessageKind::Letter) {
        return Ok(Vec::new());
    }
    let open = open_thank_yous(ctx, full)?;
    if open.contains(&to.id) {
        return Ok(open
            .iter()
            .filter(|&&id| id != to.id)
            .filter_map(|&id| full.contact(id))
            .map(|c| c.name.clone())
            .collect());
    }
    Ok(interviews(full)
        .iter()
        .rev()
        .find(|i| i.interviewer_ids.contains(&to.id))
        .map(|i| {
            i.interviewer_ids
                .iter()
                .filter(|&&id| id != to.id)
                .filter_map(|&id| full.contacts.iter().find(|c| c.id == id))
                .map(|c| c.name.clone())
                .collect()
        })
        .unwrap_or_default())
}
