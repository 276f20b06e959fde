//! What the server's test files share: a context over a fresh database in a
//! temporary directory, New York settings and a fixed clock.

#![allow(dead_code)] // each test file uses part of it

use std::path::Path;

use followup_app::settings::Settings;
use followup_app::Ctx;
use followup_core::policy::Preset;

/// The tests' clock: Wed Dec 2 2026, 10:00 in New York.
pub const NOW: &str = "2026-12-02T15:00:00Z";

/// Settings with the user's zone in New York.
pub fn settings() -> Settings {
    Settings {
        tz: Some("America/New_York".into()),
        ..Settings::default()
    }
}

/// A context over the database `db` (created on first use), with [`settings`], the
/// default policy and the clock at [`NOW`].
pub fn ctx(db: &Path) -> Ctx {
    Ctx::from_parts(
        settings(),
        Preset::default().policy(),
        NOW.parse().unwrap(),
        db.to_path_buf(),
    )
}

/// The server over `ctx`'s database, settings, policy and clock, needing `token` when
/// given.
pub fn router(ctx: &Ctx, token: Option<&str>) -> axum::Router {
    followup_server::router(followup_server::Config {
        pg: None,
        hosted: false,
        db: ctx.db.clone(),
        settings: ctx.settings.clone(),
        policy: ctx.policy.clone(),
        now: Some(ctx.now),
        token: token.map(str::to_string),
        config_file: None,
    })
}

/// Sends one request through the router in process; returns the status, the
/// content type and the body.
pub async fn send(
    app: &axum::Router,
    req: axum::http::Request<axum::body::Body>,
) -> (axum::http::StatusCode, String, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let r = app.clone().oneshot(req).await.unwrap();
    let status = r.status();
    let ct = r
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = r.into_body().collect().await.unwrap().to_bytes();
    (status, ct, String::from_utf8_lossy(&body).into_owned())
}

/// A `multipart/form-data` POST to `path`, as a browser sends a form with a file:
/// `(name, Some(file name), value)` is the file (of `file_type`), `(name, None, value)`
/// a field.
#[allow(dead_code)] // each test file uses a part
pub fn multipart(
    path: &str,
    file_type: &str,
    fields: &[(&str, Option<&str>, &str)],
) -> axum::http::Request<axum::body::Body> {
    let boundary = "XfollowupBoundaryX";
    let mut body = String::new();
    for (name, file, value) in fields {
        body.push_str(&format!("--{boundary}\r\n"));
        match file {
            Some(f) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: {file_type}\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(value);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    axum::http::Request::post(path)
        .header(axum::http::header::HOST, "127.0.0.1:7878")
        .header(
            axum::http::header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap()
}
