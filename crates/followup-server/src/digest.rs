//! The daily digest's one-click unsubscription (RFC 8058): the digest mail's
//! `List-Unsubscribe` names `<url>/digest/unsubscribe/<secret>`; a POST there turns
//! the digest off (as a mail provider's "Unsubscribe" button does), a GET shows a
//! page asking first (a link opened in a browser must not unsubscribe by itself). The
//! secret is `<db>.digest-secret` ([`followup_app::secret`]); any other is 404.

use askama::Template;
use axum::extract::Path;

use crate::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::{blocking, Problem, Shared};

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct Unsubscribe {
    off: bool,
    action: String,
}

fn page(t: &Unsubscribe) -> Response {
    match t.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => Problem::internal(format!("cannot render the page: {e}")).into_response(),
    }
}

/// Whether `given` is the digest's secret.
fn opens(s: &Shared, given: &str) -> Result<bool, Problem> {
    let secret = followup_app::secret::read(s.db(), followup_app::digest::SECRET)
        .map_err(|e| Problem::internal(format!("the digest's secret could not be read: {e}")))?;
    Ok(secret.is_some_and(|secret| followup_app::secret::matches(&secret, given)))
}

/// The page of an unsubscribe link: asking first (`off` false: its form posts to
/// `action`), or saying it is done.
pub(crate) fn unsubscribe_page(off: bool, action: String) -> Response {
    page(&Unsubscribe { off, action })
}

fn not_found() -> Response {
    Problem::new(
        StatusCode::NOT_FOUND,
        "No such link",
        "this unsubscribe link is not this server's: turn the digest off in Settings",
    )
    .into_response()
}

/// `GET /digest/unsubscribe/{secret}`: asks first.
pub async fn ask(State(s): State<Shared>, Path(secret): Path<String>) -> Response {
    match opens(&s, &secret) {
        Ok(true) => page(&Unsubscribe {
            off: false,
            action: format!("/digest/unsubscribe/{secret}"),
        }),
        Ok(false) => not_found(),
        Err(p) => p.into_response(),
    }
}

/// `POST /digest/unsubscribe/{secret}`: the digest off, in the settings file and for
/// every later run.
pub async fn unsubscribe(State(s): State<Shared>, Path(secret): Path<String>) -> Response {
    match opens(&s, &secret) {
        Ok(true) => {}
        Ok(false) => return not_found(),
        Err(p) => return p.into_response(),
    }
    let Some(file) = s.config_file().map(std::path::Path::to_path_buf) else {
        return Problem::new(
            StatusCode::CONFLICT,
            "Cannot save settings",
            "this server cannot save settings (no settings file): remove digest_hour from config.toml",
        )
        .into_response();
    };
    let state = s.clone();
    let done = blocking(move || {
        followup_app::digest::turn_off(&file)?;
        let saved = followup_app::settings::Settings::load(Some(&file))?;
        let policy =
            followup_app::ctx::load_policy(saved.policy.as_deref(), saved.preset.as_deref())?;
        state.set_live(saved, policy);
        Ok(())
    })
    .await;
    match done {
        Ok(()) => page(&Unsubscribe {
            off: true,
            action: String::new(),
        }),
        Err(p) => p.into_response(),
    }
}
