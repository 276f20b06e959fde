//! RFC 9457 problem details: every API error is `application/problem+json`.

use axum::extract::rejection::{FormRejection, JsonRejection, QueryRejection};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use followup_app::Error;
use serde::Serialize;
use utoipa::ToSchema;

/// A problem: what went wrong, for a person and a program.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says it all.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// A short summary.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What exactly was wrong.
    pub detail: String,
}

impl Problem {
    /// A problem with this status.
    pub fn new(status: StatusCode, title: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: "about:blank",
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
        }
    }

    /// Bad input (400).
    pub fn input(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, "Invalid input", detail)
    }

    /// A server-side failure (500).
    pub fn internal(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal error", detail)
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<Error> for Problem {
    fn from(e: Error) -> Problem {
        let text = e.to_string();
        match e {
            Error::Input(_) if text.starts_with("no ") && text.contains(" with id ") => {
                Problem::new(StatusCode::NOT_FOUND, "Not found", text)
            }
            Error::Input(_) | Error::Read { .. } => Problem::input(text),
            _ => Problem::internal(text),
        }
    }
}

impl From<JsonRejection> for Problem {
    fn from(r: JsonRejection) -> Problem {
        let status = r.status();
        let title = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "Request body too large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "Expected application/json",
            _ => "Invalid JSON body",
        };
        Problem::new(status, title, r.body_text())
    }
}

impl From<FormRejection> for Problem {
    fn from(r: FormRejection) -> Problem {
        let title = if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            "Request body too large"
        } else {
            "Invalid form"
        };
        Problem::new(r.status(), title, r.body_text())
    }
}

impl From<QueryRejection> for Problem {
    fn from(r: QueryRejection) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, "Invalid query", r.body_text())
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_string(&self).unwrap_or_else(|_| "{}".to_string());
        (
            self.status(),
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}
