//! RFC 9457 problem details: every API error is `application/problem+json`.
//!
//! One status and one title per kind of refusal, whichever extractor refused:
//! a body that is not JSON is 400 "Invalid JSON body"; a field that is unknown, missing
//! or of the wrong type (JSON body, query string or form), a value over its length
//! limit, or too many events in one import is 422 [`FIELD_TITLE`]; a
//! body over the limit is 413 [`TOO_LARGE_TITLE`].

use axum::extract::rejection::{FormRejection, JsonRejection, QueryRejection};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use followup_app::error::ErrorKind;
use followup_app::Error;
use serde::Serialize;
use utoipa::ToSchema;

/// The title of every 422: a field unknown, missing or of the wrong type.
pub const FIELD_TITLE: &str = "Invalid or unknown field";

/// The title of every 413.
pub const TOO_LARGE_TITLE: &str = "Request body too large";

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
    /// A problem with this status (a 413 is always titled [`TOO_LARGE_TITLE`]).
    pub fn new(status: StatusCode, title: &str, detail: impl Into<String>) -> Problem {
        let title = if status == StatusCode::PAYLOAD_TOO_LARGE {
            TOO_LARGE_TITLE
        } else {
            title
        };
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

    /// Fields the request should not have, lacks, or has of the wrong type (422).
    pub fn field(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, FIELD_TITLE, detail)
    }

    /// A JSON body serde could not read: 400 when it is not JSON, else 422 (the
    /// same as the `Json` extractor).
    pub fn json_body(e: &serde_json::Error) -> Problem {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => Problem::field(format!("invalid JSON body: {e}")),
            _ => Problem::new(
                StatusCode::BAD_REQUEST,
                "Invalid JSON body",
                format!("invalid JSON body: {e}"),
            ),
        }
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// The HTTP status of each kind of error: the kind alone decides, never the words.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Input => StatusCode::BAD_REQUEST,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        // A value over its length limit, or an import of too many events: the field is
        // named in the detail, as for any other field refused (422).
        ErrorKind::TooLarge => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Unsupported => StatusCode::NOT_IMPLEMENTED,
        ErrorKind::Findings | ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<Error> for Problem {
    fn from(e: Error) -> Problem {
        let kind = e.kind();
        let title = match kind {
            ErrorKind::Input => "Invalid input",
            ErrorKind::NotFound => "Not found",
            ErrorKind::Conflict => "Not possible now",
            ErrorKind::TooLarge => FIELD_TITLE,
            ErrorKind::Unsupported => "Not available here",
            ErrorKind::Findings | ErrorKind::Internal => "Internal error",
        };
        Problem::new(status_of(kind), title, e.to_string())
    }
}

impl From<JsonRejection> for Problem {
    fn from(r: JsonRejection) -> Problem {
        let status = r.status();
        let title = match status {
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "Expected application/json",
            StatusCode::UNPROCESSABLE_ENTITY => FIELD_TITLE,
            _ => "Invalid JSON body",
        };
        Problem::new(status, title, r.body_text())
    }
}

impl From<FormRejection> for Problem {
    fn from(r: FormRejection) -> Problem {
        match r {
            FormRejection::FailedToDeserializeForm(_)
            | FormRejection::FailedToDeserializeFormBody(_) => Problem::field(r.body_text()),
            _ => Problem::new(r.status(), "Invalid form", r.body_text()),
        }
    }
}

impl From<QueryRejection> for Problem {
    fn from(r: QueryRejection) -> Problem {
        Problem::field(r.body_text())
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
