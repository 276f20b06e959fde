//! Contacts after `add` (`followup contact add|edit|remove`, the JSON API): the people
//! of an application, their addresses and roles, and the rounds they sat in.
//!
//! Rounds are numbered from 1 in date order, as `followup show` lists them. A contact
//! is chosen by id, by name (any case) or by a part of the name. Removing a contact
//! who is named by a logged touchpoint (a thank-you sent to them, their reply) is
//! refused: the history keeps who each message went to; correct the contact with
//! `edit` instead.

use followup_store::model::{Contact, ContactRole, NewContact};
use followup_store::{ApplicationFull, ContactPatch};
use serde::{Deserialize, Serialize};

use crate::ctx::{find_contact, store_err, Ctx};
use crate::error::{Error, Result};
use crate::time;
use crate::track::cleared;

/// A contact as typed: flags of `followup contact`, or JSON fields. On `edit`, a field
/// left out is kept and `""` clears an optional one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// Their name (required to add).
    #[serde(default)]
    pub name: Option<String>,
    /// Their e-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Their phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// interviewer, recruiter or hiring-manager (default interviewer).
    #[serde(default)]
    pub role: Option<String>,
    /// Their IANA time zone.
    #[serde(default)]
    pub tz: Option<String>,
    /// Rounds they sat in, by number (1 = the first round).
    #[serde(default, deserialize_with = "crate::limits::whole::vec_usize")]
    pub rounds: Vec<usize>,
    /// On edit: rounds they did not sit in after all.
    #[serde(default, deserialize_with = "crate::limits::whole::vec_usize")]
    pub leave_rounds: Vec<usize>,
}

/// A contact as recorded, with the numbers of the rounds they sat in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactView {
    /// The contact's id.
    pub id: i64,
    /// The application's id.
    pub application_id: i64,
    /// The company, for messages.
    pub company: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: ContactRole,
    pub tz: Option<String>,
    /// Rounds they sat in, numbered from 1 in date order.
    pub rounds: Vec<usize>,
}

impl ContactView {
    /// The contact `id` of `full`, as it is stored.
    pub fn of(full: &ApplicationFull, c: &Contact) -> ContactView {
        ContactView {
            id: c.id,
            application_id: full.application.id,
            company: full.application.company.clone(),
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            role: c.role,
            tz: c.tz.clone(),
            rounds: rounds_of(full, c.id),
        }
    }

    /// One line in words: "Raj Patel (interviewer, raj@acme.com, round 2)".
    pub fn describe(&self) -> String {
        let mut facts = vec![self.role.to_string()];
        facts.extend(self.email.clone());
        facts.extend(self.phone.clone());
        facts.extend(self.tz.clone());
        match self.rounds.as_slice() {
            [] => {}
            [one] => facts.push(format!("round {one}")),
            many => facts.push(format!(
                "rounds {}",
                many.iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
        format!("{} ({})", self.name, facts.join(", "))
    }
}

/// The numbers (from 1, in date order) of the rounds contact `id` sat in.
pub fn rounds_of(full: &ApplicationFull, id: i64) -> Vec<usize> {
    full.interviews
        .iter()
        .enumerate()
        .filter(|(_, i)| i.interviewer_ids.contains(&id))
        .map(|(n, _)| n + 1)
        .collect()
}

/// The interview ids of rounds given by number; `flag` names where they came from.
pub fn round_ids(full: &ApplicationFull, numbers: &[usize], flag: &str) -> Result<Vec<i64>> {
    numbers
        .iter()
        .map(|&n| {
            n.checked_sub(1)
                .and_then(|i| full.interviews.get(i))
                .map(|i| i.id)
                .ok_or_else(|| {
                    Error::input(format!(
                        "{flag} {n}: application {} has {} round(s), numbered from 1 \
                         (see `followup show {}`)",
                        full.application.id,
                        full.interviews.len(),
                        full.application.id
                    ))
                })
        })
        .collect()
}

/// A contact of the application by id, by name, or by a part of the name.
pub fn select<'a>(full: &'a ApplicationFull, who: &str) -> Result<&'a Contact> {
    if let Ok(id) = who.trim().parse::<i64>() {
        if let Some(c) = full.contact(id) {
            return Ok(c);
        }
    }
    let id = find_contact(full, who)?;
    full.contact(id)
        .ok_or_else(|| Error::not_found(format!("no contact with id {id}")))
}

fn role(word: Option<&str>) -> Result<Option<ContactRole>> {
    word.map(|w| {
        w.trim().parse::<ContactRole>().map_err(|_| {
            Error::input(format!(
                "unknown --role `{w}` (expected interviewer, recruiter or hiring-manager)"
            ))
        })
    })
    .transpose()
}

fn email(v: &Option<String>) -> Result<Option<Option<String>>> {
    let v = cleared(v);
    if let Some(Some(e)) = &v {
        followup_store::validate::email("--email", e).map_err(store_err)?;
    }
    Ok(v)
}

fn phone(v: &Option<String>) -> Result<Option<Option<String>>> {
    let v = cleared(v);
    if let Some(Some(p)) = &v {
        followup_store::validate::line("--phone", p).map_err(store_err)?;
    }
    Ok(v)
}

fn zone(v: &Option<String>) -> Result<Option<Option<String>>> {
    let v = cleared(v);
    if let Some(Some(z)) = &v {
        let tz = time::zone(z, "--tz")?;
        return Ok(Some(Some(tz.iana_name().unwrap_or(z).to_string())));
    }
    Ok(v)
}

fn name(v: &str) -> Result<String> {
    let v = v.trim();
    followup_store::validate::required_line("--name", v).map_err(store_err)?;
    Ok(v.to_string())
}

/// Adds a contact to application `id`; returns it as stored.
pub fn add(ctx: &Ctx, id: i64, input: &ContactInput) -> Result<ContactView> {
    crate::limits::contact(input)?;
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let who = input
        .name
        .as_deref()
        .ok_or_else(|| Error::input("a contact needs a name: --name \"Raj Patel\"".to_string()))?;
    let mut c = NewContact::new(
        name(who)?,
        role(input.role.as_deref())?.unwrap_or(ContactRole::Interviewer),
    );
    c.email = email(&input.email)?.flatten();
    c.phone = phone(&input.phone)?.flatten();
    c.tz = zone(&input.tz)?.flatten();
    if !input.leave_rounds.is_empty() {
        return Err(Error::input(
            "a new contact sat in no round yet: give the rounds they sat in with --round N",
        ));
    }
    if let Some(same) = full
        .contacts
        .iter()
        .find(|k| k.name.eq_ignore_ascii_case(&c.name))
    {
        return Err(Error::input(format!(
            "application {id} already has a contact named {}: change it with \
             `followup contact edit {id} \"{}\" ...`",
            same.name, same.name
        )));
    }
    let rounds = round_ids(&full, &input.rounds, "--round")?;
    let cid = store
        .add_contact_in_rounds(id, &c, &rounds)
        .map_err(store_err)?;
    view(&mut *store, id, cid)
}

/// Changes contact `who` (id, name or part of it) of application `id`; returns it as
/// stored.
pub fn edit(ctx: &Ctx, id: i64, who: &str, input: &ContactInput) -> Result<ContactView> {
    crate::limits::contact(input)?;
    crate::limits::line("who", who)?;
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let contact = select(&full, who)?;
    let patch = ContactPatch {
        name: input.name.as_deref().map(name).transpose()?,
        email: email(&input.email)?,
        phone: phone(&input.phone)?,
        role: role(input.role.as_deref())?,
        tz: zone(&input.tz)?,
        join: round_ids(&full, &input.rounds, "--round")?,
        leave: round_ids(&full, &input.leave_rounds, "--not-round")?,
    };
    if patch.is_empty() {
        return Err(Error::input(
            "nothing to change: pass --name, --email, --phone, --role, --tz, --round N or --not-round N",
        ));
    }
    if let Some(new) = &patch.name {
        if let Some(same) = full
            .contacts
            .iter()
            .find(|k| k.id != contact.id && k.name.eq_ignore_ascii_case(new))
        {
            return Err(Error::input(format!(
                "application {id} already has a contact named {}",
                same.name
            )));
        }
    }
    store
        .update_contact(id, contact.id, &patch)
        .map_err(store_err)?;
    view(&mut *store, id, contact.id)
}

/// Removes contact `who` of application `id`; returns it as it was. Refused while a
/// logged touchpoint names them (the history keeps its recipients).
pub fn remove(ctx: &Ctx, id: i64, who: &str) -> Result<ContactView> {
    crate::limits::line("who", who)?;
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let contact = select(&full, who)?;
    let logged: Vec<String> = full
        .touchpoints
        .iter()
        .filter(|t| t.contact_id == Some(contact.id))
        .map(|t| format!("{} on {}", t.kind, t.at.strftime("%Y-%m-%d")))
        .collect();
    if !logged.is_empty() {
        return Err(Error::input(format!(
            "{} is kept: the history names them ({}); correct the contact with \
             `followup contact edit {id} \"{}\" --name ... --email ...` instead",
            contact.name,
            logged.join(", "),
            contact.name
        )));
    }
    let before = ContactView::of(&full, contact);
    store.remove_contact(id, contact.id).map_err(store_err)?;
    Ok(before)
}

fn view(store: &mut dyn followup_store::Facts, id: i64, contact: i64) -> Result<ContactView> {
    let full = store.application(id).map_err(store_err)?;
    let c = full
        .contact(contact)
        .ok_or_else(|| Error::not_found(format!("no contact with id {contact}")))?;
    Ok(ContactView::of(&full, c))
}
