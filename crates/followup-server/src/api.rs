//! The JSON API under `/api`, documented by `/api/openapi.json` (OpenAPI 3.1).
//!
//! Every route is declared once, in [`router`], with its utoipa description
//! (`routes!`): the router and the document are built from the same list, so neither
//! can miss one. Routes are added nowhere else (a test checks the sources).

use std::sync::OnceLock;

use axum::extract::{FromRequest, Path, Query};

use crate::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use followup_app::track::AddInput;
use followup_core::check::{self, Context, Lang};
use followup_core::model::MessageKind;
use followup_store::Profile;
use serde::{Deserialize, Serialize};
use utoipa::openapi::OpenApi as Doc;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::idempotency::{self, Answer};
use crate::views::{self, ApplicationView, Stats, Summary, Today};
use crate::{blocking, Problem, Shared};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "followup",
        description = "Plan, draft, check and track interview follow-ups."
    ),
    components(schemas(Problem))
)]
struct ApiDoc;

/// The API routes with their documentation.
pub fn router() -> OpenApiRouter {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(openapi_json))
        .routes(routes!(agenda))
        .routes(routes!(list_applications, create_application))
        .routes(routes!(
            get_application,
            edit_application,
            delete_application
        ))
        .routes(routes!(log_touchpoint))
        .routes(routes!(undo_touchpoint))
        .routes(routes!(add_reply))
        .routes(routes!(record_outcome))
        .routes(routes!(add_round))
        .routes(routes!(draft))
        .routes(routes!(check_text))
        .routes(routes!(import_invite))
        .routes(routes!(get_profile, set_profile))
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(add_holidays))
        .routes(routes!(stats))
        .routes(routes!(add_contact))
        .routes(routes!(edit_contact, remove_contact))
        .routes(routes!(add_notes))
        .routes(routes!(remove_note))
        .routes(routes!(add_skip))
        .routes(routes!(remove_skip))
        .routes(routes!(crate::outbox::list_outbox))
        .routes(routes!(crate::outbox::send_message))
        .routes(routes!(crate::outbox::cancel_message))
        .routes(routes!(crate::outbox::retry_message))
        .routes(routes!(crate::outbox::edit_message))
        .routes(routes!(crate::inbox::list_inbox))
        .routes(routes!(crate::inbox::accept_proposal))
        .routes(routes!(crate::inbox::dismiss_proposal))
        .routes(routes!(
            crate::feed::get_feed,
            crate::feed::renew_feed,
            crate::feed::delete_feed
        ))
}

/// The OpenAPI document.
pub fn openapi() -> &'static Doc {
    static DOC: OnceLock<Doc> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = router().split_for_parts().1;
        document_refusals(&mut doc);
        doc
    })
}

/// Documents on every operation the refusals the server's layers answer for it, as
/// problem+json, where the operation does not describe them itself: 400 (a path
/// parameter that does not parse, a value refused), 401 (the token, under `--token`),
/// 403 (a Host not this machine's, a change from another site), 404 (paths with an
/// id), 413, 415 and 422 (request bodies), 422 (query parameters), 409 (a state that
/// does not allow it: no profile yet) and 500. Declares the bearer scheme too.
fn document_refusals(doc: &mut Doc) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = |d: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(d)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build(),
        )
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops = [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
        ];
        for op in ops.into_iter().flatten() {
            // The key the server takes: 1 to 200 visible ASCII characters, no space at
            // either end (`idempotency::key_of`).
            for p in op.parameters.iter_mut().flatten() {
                if let RefOr::T(p) = p {
                    if p.name == "Idempotency-Key" {
                        p.schema = Some(RefOr::T(utoipa::openapi::Schema::Object(
                            utoipa::openapi::ObjectBuilder::new()
                                .schema_type(utoipa::openapi::schema::Type::String)
                                .min_length(Some(1))
                                .max_length(Some(idempotency::KEY_LIMIT))
                                .pattern(Some(r"^[!-~]([ -~]*[!-~])?$"))
                                .build(),
                        )));
                    }
                }
            }
            let body = op.request_body.is_some();
            let query = op.parameters.iter().flatten().any(|p| match p {
                RefOr::T(p) => p.parameter_in == ParameterIn::Query,
                RefOr::Ref(_) => false,
            });
            let mut add = |code: &str, d: &str| {
                op.responses
                    .responses
                    .entry(code.to_string())
                    .or_insert_with(|| problem(d));
            };
            if path != "/api/openapi.json" {
                add(
                    "400",
                    "Invalid input, or a path parameter that does not parse",
                );
                add(
                    "409",
                    "Not possible in the current state (no sender profile yet, a closed application), or an Idempotency-Key sent before with another request",
                );
            }
            add("401", "Token required (a server started with --token)");
            add(
                "403",
                "Refused: a Host other than this machine's, or a change from another site",
            );
            if path.contains('{') {
                add("404", "No such application, contact or note");
            }
            if body {
                add("413", "Request body too large");
                add("415", "Unsupported content type");
                add(
                    "422",
                    "A field unknown, missing, of the wrong type or too long",
                );
            }
            if query {
                add(
                    "422",
                    "A query parameter unknown, missing or of the wrong type",
                );
            }
            add("500", "Internal error");
        }
    }
    let components = doc.components.get_or_insert_with(Default::default);
    components.security_schemes.insert(
        "bearer".to_string(),
        RefOr::T(SecurityScheme::Http(
            HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build(),
        )),
    );
}

/// This document (OpenAPI 3.1).
#[utoipa::path(get, path = "/api/openapi.json", responses(
    (status = 200, description = "The OpenAPI 3.1 document of this API", body = Object, content_type = "application/json"),
    (status = 500, description = "The document could not be written", body = Problem, content_type = "application/problem+json")))]
pub async fn openapi_json() -> Response {
    match openapi().to_json() {
        Ok(text) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            text,
        )
            .into_response(),
        Err(e) => Problem::internal(e.to_string()).into_response(),
    }
}

/// A JSON body whose errors are problem+json (unknown fields, bad types, too large).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Problem> {
        let ct = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !(ct == "application/json" || ct.starts_with("application/") && ct.ends_with("+json")) {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Expected application/json",
                "Expected request with `Content-Type: application/json`",
            ));
        }
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| Problem::new(r.status(), "Cannot read the body", r.body_text()))?;
        // Every body of this API is an object: serde would take an array for one.
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') | None => {}
            // JSON of another shape is a wrong value (422); text that is not JSON at
            // all is a malformed request (400), as serde's own syntax errors are.
            Some(_) => {
                return Err(match serde_json::from_slice::<serde_json::Value>(&body) {
                    Ok(_) => Problem::field("the body must be a JSON object"),
                    Err(e) => Problem::json_body(&e),
                })
            }
        }
        serde_json::from_slice(&body)
            .map(ApiJson)
            .map_err(|e| Problem::json_body(&e))
    }
}

/// A kept JSON answer.
fn json_bytes(body: axum::body::Bytes) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// JSON text of an answer.
fn to_json<T: Serialize>(v: &T) -> Result<String, Problem> {
    serde_json::to_string(v).map_err(|e| Problem::internal(e.to_string()))
}

/// The agenda: overdue, today, this week.
#[utoipa::path(get, path = "/api/agenda", responses(
    (status = 200, description = "The agenda", body = Today),
    (status = 500, description = "Internal error", body = Problem, content_type = "application/problem+json")))]
async fn agenda(State(s): State<Shared>) -> Result<Response, Problem> {
    let ctx = s.ctx();
    let body = blocking(move || {
        let (db, now) = (ctx.db.clone(), ctx.now);
        s.agenda_cache().get_or_render(&db, now, || {
            let (t, until) = views::today_until(&ctx)?;
            Ok((to_json(&t)?.into(), until))
        })
    })
    .await?;
    Ok(json_bytes(body))
}

/// Every application, with its pipeline column.
#[utoipa::path(get, path = "/api/applications", responses(
    (status = 200, description = "Every application", body = Vec<Summary>),
    (status = 500, description = "Internal error", body = Problem, content_type = "application/problem+json")))]
async fn list_applications(State(s): State<Shared>) -> Result<Response, Problem> {
    let ctx = s.ctx();
    let body = blocking(move || {
        let (db, now) = (ctx.db.clone(), ctx.now);
        s.applications_cache().get_or_render(&db, now, || {
            let (list, until) = views::applications_until(&ctx)?;
            Ok((to_json(&list)?.into(), until))
        })
    })
    .await?;
    Ok(json_bytes(body))
}

/// The kinds of message a draft or a check is for.
#[derive(ToSchema)]
#[schema(rename_all = "kebab-case")]
#[allow(dead_code)] // documentation only: the server parses the kind itself
pub enum DraftKind {
    ThankYou,
    Letter,
    FollowUp,
    FinalFollowUp,
    PhoneScript,
    Voicemail,
    FeedbackRequest,
    ReplyToRejection,
}

/// The touchpoints `POST /api/applications/{id}/touchpoints` records (replies,
/// outcomes and reopening have their own use cases).
#[derive(ToSchema)]
#[schema(rename_all = "kebab-case")]
#[allow(dead_code)] // documentation only: the server parses the kind itself
pub enum LogKind {
    ThankYou,
    FollowUp,
    FinalFollowUp,
    Call,
    Voicemail,
    Letter,
    FeedbackRequest,
}

/// The first interview of a new application (documentation of `followup_app`'s
/// `RoundInput`, which the server reads).
#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documentation only
pub struct NewRound {
    /// Local date and time in the interview's zone, "2026-12-01 10:00".
    #[schema(pattern = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$", max_length = 300)]
    pub at: String,
    /// IANA zone of the interview (else the configured one).
    #[schema(max_length = 300)]
    pub tz: Option<String>,
    /// "45m", "1h" (default 1h).
    #[serde(default)]
    #[schema(max_length = 300)]
    pub duration: String,
    /// The kind of round.
    #[schema(schema_with = round_new)]
    pub round: Option<String>,
    /// What they said about the decision: "within a week".
    #[schema(max_length = 300)]
    pub decision: Option<String>,
    /// "Jane Doe <jane@acme.com>".
    #[serde(default)]
    pub interviewer: Vec<String>,
    /// Topics discussed.
    #[serde(default)]
    pub topic: Vec<String>,
    /// Strengths shown.
    #[serde(default)]
    pub strength: Vec<String>,
    /// Gaps to address.
    #[serde(default)]
    pub gap: Vec<String>,
    /// Questions asked.
    #[serde(default)]
    pub question: Vec<String>,
    /// Where it took place.
    #[schema(max_length = 300)]
    pub location: Option<String>,
}

fn contact_roles() -> Vec<&'static str> {
    followup_store::ContactRole::ALL
        .iter()
        .map(|w| w.as_str())
        .collect()
}
fn contact_role() -> utoipa::openapi::Object {
    words_schema(contact_roles(), false, true)
}

/// A person of an application (documentation of `followup_app::contact`'s
/// `ContactInput`, which the server reads): to add, `name` is required.
#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documentation only
pub struct ContactBody {
    /// Their name.
    #[schema(
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        max_length = 300
    )]
    pub name: Option<String>,
    /// Their e-mail address.
    #[schema(max_length = 300)]
    pub email: Option<String>,
    /// Their phone number.
    #[schema(max_length = 300)]
    pub phone: Option<String>,
    /// What they are to the application (default interviewer).
    #[schema(schema_with = contact_role)]
    pub role: Option<String>,
    /// Their IANA time zone.
    #[schema(max_length = 300)]
    pub tz: Option<String>,
    /// Rounds they sat in, by number (1 = the first round in date order).
    #[serde(default)]
    #[schema(value_type = Vec<u32>)]
    pub rounds: Vec<u32>,
    /// On edit: rounds they did not sit in after all.
    #[serde(default)]
    #[schema(value_type = Vec<u32>)]
    pub leave_rounds: Vec<u32>,
}

/// Notes about an application or one of its rounds (documentation of
/// `followup_app::note`'s `NoteInput`, which the server reads): at least one.
#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documentation only
pub struct NotesBody {
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
    #[schema(minimum = -8999999999999999_i64, maximum = 8999999999999999_i64)]
    pub interview: Option<i64>,
}

/// Another interview round (documentation of `followup_app::track`'s `RoundInput`
/// and `reopen`, which the server reads).
#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documentation only
pub struct RoundDoc {
    /// Local date and time in the round's zone, "2026-12-08 10:00".
    #[schema(pattern = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$", max_length = 300)]
    pub at: String,
    /// IANA zone of the round (else the latest round's).
    #[schema(max_length = 300)]
    pub tz: Option<String>,
    /// "45m", "1h" (default 1h).
    #[serde(default)]
    #[schema(max_length = 300)]
    pub duration: String,
    /// The kind of round.
    #[schema(schema_with = round_new)]
    pub round: Option<String>,
    /// What they said about the decision: "within a week".
    #[schema(max_length = 300)]
    pub decision: Option<String>,
    /// "Jane Doe <jane@acme.com>"; people already known are linked.
    #[serde(default)]
    pub interviewer: Vec<String>,
    /// Topics discussed.
    #[serde(default)]
    pub topic: Vec<String>,
    /// Strengths shown.
    #[serde(default)]
    pub strength: Vec<String>,
    /// Gaps to address.
    #[serde(default)]
    pub gap: Vec<String>,
    /// Questions asked.
    #[serde(default)]
    pub question: Vec<String>,
    /// Where it takes place.
    #[schema(max_length = 300)]
    pub location: Option<String>,
    /// true to reopen a closed application (recorded in its history).
    #[serde(default)]
    pub reopen: bool,
}

/// A new application and its first interview (documentation of `followup_app`'s
/// `AddInput`, which the server reads). Company and role: not blank, no control
/// characters, at most 300 characters (the store's rules).
#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documentation only
pub struct NewApplication {
    /// The company.
    #[schema(
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        max_length = 300
    )]
    pub company: String,
    /// The role.
    #[schema(
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        max_length = 300
    )]
    pub role: String,
    /// The first interview.
    pub round: NewRound,
    /// Holiday region of the recipient.
    #[schema(max_length = 300)]
    pub region: Option<String>,
    /// The recipient's zone, when not the interview's.
    #[schema(max_length = 300)]
    pub recipient_tz: Option<String>,
    /// The kind of employer.
    #[schema(schema_with = company_type_new)]
    pub company_type: Option<String>,
    /// The role's seniority.
    #[schema(schema_with = seniority_new)]
    pub seniority: Option<String>,
    /// They asked for a quick decision.
    #[serde(default)]
    pub urgent: bool,
    /// Late in the process.
    #[serde(default)]
    pub late_in_process: bool,
    /// Job posting.
    #[schema(max_length = 2048)]
    pub link: Option<String>,
    /// Where the lead came from.
    #[schema(max_length = 300)]
    pub source: Option<String>,
}

/// A whole number, also written `213644.0` (JSON does not tell them apart).
fn whole<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v: Option<f64> = Option::deserialize(d)?;
    match v {
        None => Ok(None),
        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
        Some(f) => Err(serde::de::Error::custom(format!(
            "{f} is not a whole number"
        ))),
    }
}

/// The id of what was created.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Created {
    /// Its id.
    pub id: i64,
}

/// A touchpoint recorded, and the advice it goes against.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LoggedTouchpoint {
    /// Its id.
    pub id: i64,
    /// Advice the fact goes against, one line each with its rule id ("T5: more than
    /// two follow-ups …"): recorded anyway.
    pub warnings: Vec<String>,
}

/// Adds an application and its first interview.
#[utoipa::path(post, path = "/api/applications",
    params(("Idempotency-Key" = Option<String>, Header, description = KEY_DOC)),
    request_body(content = NewApplication, description = "The application and its first interview; unknown fields are refused"),
    responses(
        (status = 201, description = "Created: its id", body = Created),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Request body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field unknown, missing or of the wrong type", body = Problem, content_type = "application/problem+json")))]
async fn create_application(
    State(s): State<Shared>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<AddInput>,
) -> Result<Response, Problem> {
    let key = idempotency::key_of(&headers)?;
    let ctx = s.ctx();
    answer(
        blocking(move || {
            opt_word("company_type", &input.company_type, company_types(), false)?;
            opt_word("seniority", &input.seniority, seniorities(), false)?;
            opt_word("round.round", &input.round.round, rounds(), false)?;
            idempotency::once(&ctx, key.as_deref(), "POST /api/applications", || {
                let id = followup_app::track::add(&ctx, &input)?;
                created(&Created { id })
            })
        })
        .await?,
    )
}

/// One application: the record, its open items and its timeline.
#[utoipa::path(get, path = "/api/applications/{id}", params(("id" = i64, Path)),
    responses((status = 200, description = "The application", body = ApplicationView),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json")))]
async fn get_application(
    State(s): State<Shared>,
    Path(id): Path<i64>,
) -> Result<Json<ApplicationView>, Problem> {
    let ctx = s.ctx();
    Ok(Json(
        blocking(move || Ok(views::application(&ctx, id)?)).await?,
    ))
}

/// A message sent or a call made.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogInput {
    /// thank-you, follow-up, final-follow-up, feedback-request, call, voicemail, letter.
    #[schema(value_type = LogKind)]
    pub kind: String,
    /// The contact's name.
    #[serde(default)]
    pub to: Option<String>,
    /// Local time in the application's zone ("2026-12-01 10:00"), else now.
    #[serde(default)]
    pub at: Option<String>,
    /// A note.
    #[serde(default)]
    pub note: Option<String>,
}

/// Logs a touchpoint: a fact is always recorded; what the rules advise against (a
/// third follow-up, T5) comes back as warnings.
#[utoipa::path(post, path = "/api/applications/{id}/touchpoints",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = KEY_DOC)),
    request_body = LogInput,
    responses((status = 201, description = "Created: its id and any warnings", body = LoggedTouchpoint),
        (status = 400, description = "Invalid input (a reply, an outcome or a reopening has its own route, named in the answer)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field unknown, missing or of the wrong type", body = Problem, content_type = "application/problem+json")))]
async fn log_touchpoint(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<LogInput>,
) -> Result<Response, Problem> {
    let route = match input.kind.trim() {
        "reply" => {
            Some("POST /api/applications/{id}/replies {\"at\", \"decision\", \"from\", \"note\"}")
        }
        "outcome" => Some("POST /api/applications/{id}/outcome {\"outcome\": \"rejected\"}"),
        "reopened" => Some("POST /api/applications/{id}/interviews with \"reopen\": true"),
        _ => None,
    };
    if let Some(route) = route {
        return Err(Problem::input(format!(
            "a {} is recorded with {}",
            input.kind.trim(),
            route.replace("{id}", &id.to_string())
        )));
    }
    let key = idempotency::key_of(&headers)?;
    let ctx = s.ctx();
    let request = format!("POST /api/applications/{id}/touchpoints");
    answer(
        blocking(move || {
            idempotency::once(&ctx, key.as_deref(), &request, || {
                let logged = followup_app::track::log(
                    &ctx,
                    id,
                    &input.kind,
                    input.to.as_deref(),
                    input.at.as_deref(),
                    input.note.as_deref(),
                )
                .map_err(|e| field_words(e.into()))?;
                created(&LoggedTouchpoint {
                    id: logged.id,
                    warnings: logged.warnings,
                })
            })
        })
        .await?,
    )
}

/// Which draft.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DraftQuery {
    /// thank-you, follow-up, final-follow-up, feedback-request...
    #[param(value_type = DraftKind)]
    pub kind: String,
    /// The contact's name (else the usual recipient).
    #[serde(default)]
    pub to: Option<String>,
}

/// A draft.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DraftOut {
    /// The message kind.
    pub kind: String,
    /// The recipient's name.
    pub to: String,
    /// Their address.
    pub email: Option<String>,
    /// The subject, for email.
    pub subject: Option<String>,
    /// The body.
    pub body: String,
    /// A `mailto:` link, when there is an address.
    pub mailto: Option<String>,
}

/// Drafts a message for one step (nothing is sent): the same drafting as the Draft
/// page and its .eml download.
pub fn make_draft(ctx: &followup_app::Ctx, id: i64, q: &DraftQuery) -> Result<DraftOut, Problem> {
    let c = crate::views::compose(ctx, id, &q.kind, q.to.as_deref())?;
    Ok(DraftOut {
        kind: c.kind.as_str().to_string(),
        mailto: c.mailto(&c.draft),
        to: c.to.name,
        email: c.to.email,
        subject: c.draft.subject,
        body: c.draft.body,
    })
}

/// The draft for a step.
#[utoipa::path(get, path = "/api/applications/{id}/draft", params(("id" = i64, Path), DraftQuery),
    responses((status = 200, description = "The draft", body = DraftOut),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json")))]
async fn draft(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    q: Result<Query<DraftQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<DraftOut>, Problem> {
    let Query(q) = q?;
    let ctx = s.ctx();
    Ok(Json(blocking(move || make_draft(&ctx, id, &q)).await?))
}

/// A text to check.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInput {
    /// The message; a first line `Subject: ...` is the subject.
    pub text: String,
    /// The application it is for (company, names, timing come from it).
    #[serde(default, deserialize_with = "whole")]
    #[schema(minimum = -8999999999999999_i64, maximum = 8999999999999999_i64)]
    pub application: Option<i64>,
    /// The message kind.
    #[serde(default)]
    #[schema(value_type = Option<DraftKind>)]
    pub kind: Option<String>,
    /// The recipient's name.
    #[serde(default)]
    pub to: Option<String>,
}

/// One finding; `start` and `end` are character offsets into the text.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Finding {
    /// Rule id.
    pub rule: String,
    /// error, warning, info...
    pub severity: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Start, in characters from the beginning of the text.
    pub start: usize,
    /// End (exclusive), in characters.
    pub end: usize,
    /// What is wrong (cites the rule).
    pub message: String,
    /// What to write instead (advice, or candidates).
    pub suggestion: Option<String>,
    /// Text that may replace `start..end` as is (spelling candidates), best first;
    /// empty when the suggestion is advice.
    pub replacements: Vec<String>,
}

/// The candidates of a spelling finding ("interview, intervene"); none for advice.
fn replacements(rule: &str, suggestion: Option<&str>) -> Vec<String> {
    match suggestion {
        Some(s) if rule == "spelling" && !s.starts_with("add it") => s
            .split(", ")
            .map(str::trim)
            .filter(|c| !c.is_empty() && c.split_whitespace().count() <= 2)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// At most this many findings are answered (the first, in text order); `truncated`
/// says there were more.
pub const MAX_FINDINGS: usize = 200;

/// What the checker found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckOut {
    /// The findings, in text order: the first [`MAX_FINDINGS`] (200).
    pub diagnostics: Vec<Finding>,
    /// Whether there were more findings than those answered.
    pub truncated: bool,
}

/// Character offsets of 1-based lines and columns of one text, counted once.
struct Offsets {
    /// The character offset where each line starts, and its length in characters.
    lines: Vec<(usize, usize)>,
    total: usize,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        let mut lines = Vec::new();
        let mut off = 0;
        for l in text.split('\n') {
            let n = l.chars().count();
            lines.push((off, n));
            off += n + 1;
        }
        Offsets {
            lines,
            total: off.saturating_sub(1),
        }
    }

    /// Character offset of a 1-based line and column.
    fn at(&self, line: usize, column: usize) -> usize {
        match line.checked_sub(1).and_then(|i| self.lines.get(i)) {
            Some(&(start, len)) => start + column.saturating_sub(1).min(len),
            None => self.total,
        }
    }
}

/// The text too long to check (413), in plain words.
fn too_long(len: usize) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "",
        format!(
            "text: {}; shorten the message",
            check::Refused::TooLong(len.div_ceil(1024))
        ),
    )
}

/// Runs the checker with the tracker's context.
pub fn run_check(ctx: &followup_app::Ctx, input: &CheckInput) -> Result<CheckOut, Problem> {
    run_check_until(ctx, input, &|| false)
}

/// [`run_check`], stopping as soon as `stop` says the answer is no longer wanted
/// (the problem it then returns is read by nobody).
pub fn run_check_until(
    ctx: &followup_app::Ctx,
    input: &CheckInput,
    stop: &dyn Fn() -> bool,
) -> Result<CheckOut, Problem> {
    if input.text.len() > check::MAX_TEXT_BYTES {
        return Err(too_long(input.text.len()));
    }
    let words: Vec<&str> = MessageKind::ALL.iter().map(|k| k.as_str()).collect();
    let kind: Option<MessageKind> = input
        .kind
        .as_deref()
        .map(|k| {
            enum_word("kind", k, &words).and_then(|w| {
                w.parse()
                    .map_err(|e: followup_core::model::UnknownWord| Problem::input(e.to_string()))
            })
        })
        .transpose()?;
    let tracked = match input.application {
        Some(id) => followup_app::check::tracked(ctx, id, kind, input.to.as_deref())?,
        None => followup_app::check::Tracked::default(),
    };
    let msg = check::parse_message(&input.text);
    let context = Context {
        kind: kind.or(tracked.kind),
        company: tracked.company.as_deref(),
        recipient: input.to.as_deref(),
        people: &tracked.people,
        topics: &tracked.topics,
        other_companies: &tracked.others,
        known_words: &tracked.words,
        timing: tracked.timing.clone(),
        lang: Lang::default(),
    };
    let found = check::check_until(&msg, &context, stop)
        .ok_or_else(|| Problem::new(StatusCode::REQUEST_TIMEOUT, "Gone", "the client went away"))?;
    let offsets = Offsets::new(&input.text);
    Ok(CheckOut {
        truncated: found.len() > MAX_FINDINGS,
        diagnostics: found
            .iter()
            .take(MAX_FINDINGS)
            .map(|d| Finding {
                rule: d.rule.to_string(),
                severity: d.severity.to_string(),
                line: d.line,
                column: d.column,
                start: offsets.at(d.line, d.column),
                end: offsets.at(d.end_line, d.end_column),
                message: d.message.clone(),
                suggestion: d.suggestion.clone(),
                replacements: replacements(d.rule, d.suggestion.as_deref()),
            })
            .collect(),
    })
}

/// Set when the request that started some work is dropped (its client went away).
struct Abandoned(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for Abandoned {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Checks a message (at most 256 KiB of text); the first 200 findings are answered.
/// The check stops when the client goes away.
#[utoipa::path(post, path = "/api/check", request_body = CheckInput,
    responses((status = 200, description = "The findings", body = CheckOut),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The text is over 256 KiB, or the body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field unknown, missing or of the wrong type", body = Problem, content_type = "application/problem+json")))]
async fn check_text(
    State(s): State<Shared>,
    ApiJson(input): ApiJson<CheckInput>,
) -> Result<Json<CheckOut>, Problem> {
    let ctx = s.ctx();
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Dropped with this future: when the client goes, the check stops at its next stage.
    let _abandoned = Abandoned(flag.clone());
    let stop = move || flag.load(std::sync::atomic::Ordering::Relaxed);
    Ok(Json(
        blocking(move || run_check_until(&ctx, &input, &stop)).await?,
    ))
}

/// The sender profile drafts are signed with.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    /// Your name.
    #[schema(
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        max_length = 300
    )]
    pub name: String,
    /// Your email.
    #[schema(pattern = r"^[^\s@]+@[^\s@]+$", max_length = 300)]
    pub email: String,
    /// Your phone.
    #[serde(default)]
    pub phone: Option<String>,
}

/// The profile, or null.
#[utoipa::path(get, path = "/api/profile", responses((status = 200, description = "The profile, or null when none is saved", body = Option<ProfileBody>)))]
async fn get_profile(State(s): State<Shared>) -> Result<Json<Option<ProfileBody>>, Problem> {
    let ctx = s.ctx();
    let p = blocking(move || Ok(ctx.profile()?)).await?;
    Ok(Json(p.map(|p| ProfileBody {
        name: p.name,
        email: p.email,
        phone: p.phone,
    })))
}

/// Saves the profile.
pub fn save_profile(ctx: &followup_app::Ctx, p: ProfileBody) -> Result<(), Problem> {
    let profile = Profile {
        name: p.name.trim().to_string(),
        email: p.email.trim().to_string(),
        phone: p
            .phone
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty()),
    };
    ctx.facts()?
        .set_profile(&profile)
        .map_err(followup_app::ctx::store_err)?;
    Ok(())
}

/// Sets the profile.
#[utoipa::path(put, path = "/api/profile", request_body = ProfileBody,
    responses((status = 200, description = "The profile saved", body = ProfileBody),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json")))]
async fn set_profile(
    State(s): State<Shared>,
    ApiJson(p): ApiJson<ProfileBody>,
) -> Result<Json<ProfileBody>, Problem> {
    let ctx = s.ctx();
    let back = p.clone();
    blocking(move || save_profile(&ctx, p)).await?;
    Ok(Json(back))
}

/// Response rate, time to first reply, by company type.
#[utoipa::path(get, path = "/api/stats", responses((status = 200, description = "The figures", body = Stats)))]
async fn stats(State(s): State<Shared>) -> Result<Json<Stats>, Problem> {
    let st = crate::pages::stats_of(&s).await?;
    Ok(Json(Stats::clone(&st)))
}

/// An invitation to import, as JSON.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportInput {
    /// The `.ics` text (or an `.eml` with a `text/calendar` part).
    pub ics: String,
    /// The company (default: guessed from the organiser's domain and the title).
    #[serde(default)]
    pub company: Option<String>,
    /// Your own address, left out of the interviewers (default: the profile's).
    #[serde(default)]
    pub me: Option<String>,
}

/// What one event of the invitation did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Imported {
    /// The event's UID.
    pub uid: String,
    /// created, added, updated, unchanged (imported before as it is), cancelled,
    /// outdated (an older SEQUENCE than the one imported before: nothing changed) or
    /// skipped.
    pub action: String,
    /// The application it went to.
    pub application_id: Option<i64>,
    /// The interview.
    pub interview_id: Option<i64>,
    /// The company.
    pub company: String,
    /// "--company" when given, else where the guess came from (organiser's domain, title...).
    pub company_source: String,
    /// The role.
    pub role: String,
    /// The start, RFC 3339 in the interview's zone.
    pub start: String,
}

impl Imported {
    /// One line for a person: "New application Acme — Engineer, 2026-12-01T10:00:00-05:00".
    pub fn summary(&self) -> String {
        let what = match self.action.as_str() {
            "created" => "New application",
            "added" => "Interview added to",
            "updated" => "Interview updated in",
            "cancelled" => "Interview cancelled in",
            _ => "Nothing to cancel for",
        };
        let guess = if self.company_source == "--company" {
            String::new()
        } else {
            format!(" (company guessed from {})", self.company_source)
        };
        format!(
            "{what} {} — {}, {}{guess}",
            self.company, self.role, self.start
        )
    }
}

/// What an import did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportOut {
    /// Per event.
    pub imported: Vec<Imported>,
    /// Notes (floating times, skipped events, guessed companies).
    pub notes: Vec<String>,
}

/// Imports an invitation as `followup import` does: read and check every event, then
/// write them all in one transaction.
pub fn run_import(
    ctx: &followup_app::Ctx,
    text: &str,
    label: &str,
    company: Option<&str>,
    me: Option<&str>,
) -> Result<ImportOut, Problem> {
    let (planned, notes) =
        followup_app::import::plan(ctx, text.as_bytes(), label, company, me, false)?;
    let done = followup_app::import::write_all(ctx, &planned)?;
    Ok(ImportOut {
        imported: done
            .into_iter()
            .map(|d| Imported {
                uid: d.uid,
                action: d.action.to_string(),
                application_id: d.application_id,
                interview_id: d.interview_id,
                company: d.company,
                company_source: d.company_source,
                role: d.role,
                start: d.start,
            })
            .collect(),
        notes,
    })
}

/// Imports an interview invitation (.ics), as `followup import` does. The body is the
/// `.ics` text (`Content-Type: text/calendar`) or JSON `{ics, company?, me?}`.
#[utoipa::path(post, path = "/api/import",
    request_body(content(
        (ImportInput = "application/json"),
        (String = "text/calendar")),
        description = "the invitation: JSON {ics, company?, me?}, or the .ics text itself"),
    responses((status = 201, description = "What each event of the invitation did", body = ImportOut),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Request body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Unsupported content type", body = Problem, content_type = "application/problem+json")))]
async fn import_invite(
    State(s): State<Shared>,
    headers: axum::http::HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<ImportOut>), Problem> {
    let body = body.map_err(|r| Problem::new(r.status(), "Cannot read the body", r.body_text()))?;
    let ct = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let input = match ct.as_str() {
        "application/json" => serde_json::from_slice::<ImportInput>(&body)
            .map_err(|e| Problem::json_body(&e))?,
        // Only types a cross-site form cannot send without asking first (CSRF).
        "text/calendar" | "message/rfc822" => ImportInput {
            ics: String::from_utf8_lossy(&body).into_owned(),
            company: None,
            me: None,
        },
        _ => {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported content type",
                "send the invitation as text/calendar, or as JSON {\"ics\": \"...\"} with application/json",
            ))
        }
    };
    let ctx = s.ctx();
    let out = blocking(move || {
        run_import(
            &ctx,
            &input.ics,
            "the invitation",
            input.company.as_deref(),
            input.me.as_deref(),
        )
    })
    .await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// The settings the web app may change (saved to `config.toml` and `policy.toml`, as
/// the command line reads them). Empty or missing values unset.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    /// Default IANA zone of interviews.
    #[serde(default)]
    pub tz: Option<String>,
    /// Default holiday region of recipients (built-in or a custom calendar).
    #[serde(default)]
    pub region: Option<String>,
    /// Recipients' business hours, "HH:MM-HH:MM".
    #[serde(default)]
    pub hours: Option<String>,
    /// gentle, balanced or prompt.
    #[serde(default)]
    pub preset: Option<String>,
    /// Policy numbers by "section.key" (e.g. "follow_up.recommended_days"); null or
    /// missing: the preset's.
    #[serde(default, deserialize_with = "whole_values")]
    #[schema(schema_with = overrides_schema)]
    pub overrides: std::collections::BTreeMap<String, Option<i64>>,
    /// The hour (0-23, in `tz`) of the daily digest mail; null turns it off; missing
    /// leaves it as it is.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<u8>, maximum = 23)]
    pub digest_hour: Option<Option<u8>>,
}

/// A field that may be missing (`None`), null (`Some(None)`) or a value.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Policy numbers by name: whole numbers (or null: the preset's).
fn overrides_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{AdditionalProperties, SchemaType, Type};
    let number = utoipa::openapi::ObjectBuilder::new()
        .schema_type(SchemaType::Array(vec![Type::Integer, Type::Null]))
        .minimum(Some(-8_999_999_999_999_999_i64))
        .maximum(Some(8_999_999_999_999_999_i64))
        .build();
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::RefOr(
            utoipa::openapi::RefOr::T(utoipa::openapi::Schema::Object(number)),
        )))
        .build()
}

/// Whole numbers by name, each also written `14.0` (JSON does not tell them apart).
fn whole_values<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeMap<String, Option<i64>>, D::Error> {
    #[derive(Deserialize)]
    struct Whole(#[serde(deserialize_with = "whole")] Option<i64>);
    let m: std::collections::BTreeMap<String, Whole> = serde::Deserialize::deserialize(d)?;
    Ok(m.into_iter().map(|(k, Whole(v))| (k, v)).collect())
}

/// A custom holiday calendar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarOut {
    /// Its name (usable as a region).
    pub name: String,
    /// How many dates it holds.
    pub days: usize,
    /// First date.
    pub first: Option<String>,
    /// Last date.
    pub last: Option<String>,
    /// The built-in region whose holidays it adds to (null: the default region's, or
    /// none when it replaces them).
    pub on: Option<String>,
    /// It holds every holiday itself, in place of any region's.
    pub replaces: bool,
}

/// The settings in force.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SettingsOut {
    /// What may be changed, as saved (environment variables `FOLLOWUP_*` still win).
    pub settings: SettingsBody,
    /// The policy's numbers in force for each overridable "section.key".
    pub numbers: std::collections::BTreeMap<String, i64>,
    /// The policy file in use.
    pub policy_file: Option<String>,
    /// The settings file saved to (null: settings cannot be saved by this server).
    pub config_file: Option<String>,
    /// Custom holiday calendars (`followup holidays import`).
    pub holiday_calendars: Vec<CalendarOut>,
}

/// The settings in force, with the custom holiday calendars.
pub fn settings_out(s: &Shared) -> Result<SettingsOut, Problem> {
    use followup_app::settings::{policy_number, OVERRIDES};
    let ctx = s.ctx();
    let base = ctx.policy.preset.policy();
    let mut overrides = std::collections::BTreeMap::new();
    let mut numbers = std::collections::BTreeMap::new();
    for (section, key) in OVERRIDES {
        let now = policy_number(&ctx.policy, section, key);
        if let Some(n) = now {
            numbers.insert(format!("{section}.{key}"), n);
        }
        if now != policy_number(&base, section, key) {
            overrides.insert(format!("{section}.{key}"), now);
        }
    }
    let calendars = if ctx.pg().is_some() || ctx.db.exists() {
        followup_app::holidays::list(&ctx)?
    } else {
        Vec::new()
    };
    let st = ctx.settings;
    Ok(SettingsOut {
        settings: SettingsBody {
            tz: st.tz,
            region: st.region,
            hours: st.hours,
            preset: Some(st.preset.unwrap_or_else(|| ctx.policy.preset.to_string())),
            overrides,
            digest_hour: Some(st.digest_hour),
        },
        numbers,
        policy_file: st.policy.map(|p| p.display().to_string()),
        config_file: s.config_file().map(|p| p.display().to_string()),
        holiday_calendars: calendars.into_iter().map(CalendarOut::from).collect(),
    })
}

/// Checks and saves the settings, then puts them in force for later requests.
pub fn save_settings(s: &Shared, body: &SettingsBody) -> Result<(), Problem> {
    use followup_app::settings as st;
    if s.config_file().is_none() && !s.on_pg() {
        return Err(Problem::input(
            "this server cannot save settings (no settings file); edit config.toml instead",
        ));
    }
    let ctx = s.ctx();
    if let Some(r) = body
        .region
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        ctx.region(r)?;
    }
    let mut overrides = Vec::with_capacity(body.overrides.len());
    for (k, v) in &body.overrides {
        let Some((section, key)) = k.split_once('.') else {
            return Err(Problem::input(format!(
                "`{k}`: policy numbers are named section.key, like follow_up.recommended_days"
            )));
        };
        overrides.push(((section.to_string(), key.to_string()), *v));
    }
    let update = st::Update {
        tz: body.tz.clone(),
        region: body.region.clone(),
        hours: body.hours.clone(),
        preset: body.preset.clone(),
        overrides,
        digest_hour: body.digest_hour,
    };
    if let Some(pg) = s.pg() {
        // The account's own, in the database; the digest moved on the schedule with them.
        let mut conn = pg.user.pool.get_pg().map_err(followup_app::Error::from)?;
        let (mut saved, policy) =
            followup_app::pg_settings::save(&mut conn, pg.user.user, &pg.server, &update, ctx.now)?;
        // Still this account's: its own mail account is found by these.
        saved.account_email = ctx.settings.account_email.clone();
        saved.account_id = ctx.settings.account_id;
        s.set_live(saved, policy);
        return Ok(());
    }
    let Some(file) = s.config_file() else {
        return Err(Problem::input("this server cannot save settings"));
    };
    let saved = st::save(file, &update)?;
    let policy = followup_app::ctx::load_policy(saved.policy.as_deref(), saved.preset.as_deref())?;
    s.set_live(saved, policy);
    Ok(())
}

/// A custom holiday calendar to keep (`followup holidays import`): the days off of a
/// company, or of a country not built in.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidaysInput {
    /// Its name (letters, digits, `.`, `_`, `-`; not a built-in region's code),
    /// usable as a region; a calendar of that name (any case) is replaced.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    pub name: String,
    /// The calendar file's text: its all-day events are the days off.
    pub ics: String,
    /// The built-in region whose holidays it adds to (else the default region's).
    #[serde(default)]
    pub on: Option<String>,
    /// It holds every holiday itself, in place of any region's.
    #[serde(default)]
    pub replaces: bool,
}

impl From<followup_store::HolidayCalendar> for CalendarOut {
    fn from(c: followup_store::HolidayCalendar) -> CalendarOut {
        CalendarOut {
            name: c.name,
            days: c.days,
            first: c.first.map(|d| d.to_string()),
            last: c.last.map(|d| d.to_string()),
            on: c.base,
            replaces: c.replaces,
        }
    }
}

/// Keeps a custom holiday calendar (as `followup holidays import` does); it becomes a
/// holiday region of its name (`region` in the settings, an application's region).
#[utoipa::path(post, path = "/api/holidays", request_body = HolidaysInput,
    responses((status = 201, description = "The calendar kept", body = CalendarOut),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json")))]
async fn add_holidays(
    State(s): State<Shared>,
    ApiJson(input): ApiJson<HolidaysInput>,
) -> Result<(StatusCode, Json<CalendarOut>), Problem> {
    let ctx = s.ctx();
    let cal = blocking(move || {
        let layer = followup_app::holidays::layer_of(input.on.as_deref(), input.replaces, "on")?;
        Ok(followup_app::holidays::import(
            &ctx,
            &input.ics,
            "the calendar",
            &input.name,
            &layer,
        )?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(cal.into())))
}

/// The settings in force.
#[utoipa::path(get, path = "/api/settings", responses((status = 200, description = "The settings in force", body = SettingsOut)))]
async fn get_settings(State(s): State<Shared>) -> Result<Json<SettingsOut>, Problem> {
    Ok(Json(blocking(move || settings_out(&s)).await?))
}

/// Saves the settings (config.toml, policy.toml beside it, written atomically) after
/// checking them; later requests use them.
#[utoipa::path(put, path = "/api/settings", request_body = SettingsBody,
    responses((status = 200, description = "The settings in force", body = SettingsOut),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json")))]
async fn put_settings(
    State(s): State<Shared>,
    ApiJson(body): ApiJson<SettingsBody>,
) -> Result<Json<SettingsOut>, Problem> {
    Ok(Json(
        blocking(move || {
            save_settings(&s, &body)?;
            settings_out(&s)
        })
        .await?,
    ))
}

// ---------------------------------------------------------------------------------------
// Contacts and notes after an application was added (`followup contact`, `followup note`).

/// Adds a person to an application (the same use case as `followup contact add`).
#[utoipa::path(post, path = "/api/applications/{id}/contacts", params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = KEY_DOC)),
    request_body(content = ContactBody, description = "The person: `name` is required; unknown fields are refused"),
    responses(
        (status = 201, description = "Created: the contact as recorded {id, application_id, company, name, email, phone, role, tz, rounds}", body = Object),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field unknown, missing or of the wrong type", body = Problem, content_type = "application/problem+json")))]
async fn add_contact(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<followup_app::contact::ContactInput>,
) -> Result<Response, Problem> {
    let key = idempotency::key_of(&headers)?;
    let ctx = s.ctx();
    let request = format!("POST /api/applications/{id}/contacts");
    answer(
        blocking(move || {
            idempotency::once(&ctx, key.as_deref(), &request, || {
                created(&followup_app::contact::add(&ctx, id, &input)?)
            })
        })
        .await?,
    )
}

/// Changes a contact, chosen by id, name or part of the name (`followup contact edit`):
/// fields left out are kept, `""` clears an optional one.
#[utoipa::path(patch, path = "/api/applications/{id}/contacts/{who}",
    params(("id" = i64, Path), ("who" = String, Path, description = "The contact's id, name or part of it")),
    request_body(content = ContactBody, description = "What changes (fields left out are kept, `\"\"` clears an optional one); unknown fields are refused"),
    responses(
        (status = 200, description = "The contact as recorded", body = Object),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application or contact", body = Problem, content_type = "application/problem+json")))]
async fn edit_contact(
    State(s): State<Shared>,
    Path((id, who)): Path<(i64, String)>,
    ApiJson(input): ApiJson<followup_app::contact::ContactInput>,
) -> Result<Json<followup_app::contact::ContactView>, Problem> {
    let ctx = s.ctx();
    Ok(Json(
        blocking(move || Ok(followup_app::contact::edit(&ctx, id, &who, &input)?)).await?,
    ))
}

/// Removes a contact (`followup contact remove`); refused while a logged touchpoint
/// names them, so the history keeps its recipients.
#[utoipa::path(delete, path = "/api/applications/{id}/contacts/{who}",
    params(("id" = i64, Path), ("who" = String, Path, description = "The contact's id, name or part of it")),
    responses(
        (status = 200, description = "The contact as it was", body = Object),
        (status = 400, description = "The history names them", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application or contact", body = Problem, content_type = "application/problem+json")))]
async fn remove_contact(
    State(s): State<Shared>,
    Path((id, who)): Path<(i64, String)>,
) -> Result<Json<followup_app::contact::ContactView>, Problem> {
    let ctx = s.ctx();
    Ok(Json(
        blocking(move || Ok(followup_app::contact::remove(&ctx, id, &who)?)).await?,
    ))
}

/// Adds notes to an application or one of its interviews (`followup note add`).
#[utoipa::path(post, path = "/api/applications/{id}/notes", params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = KEY_DOC)),
    request_body(content = NotesBody, description = "At least one note; unknown fields are refused"),
    responses(
        (status = 201, description = "Created: the notes as recorded [{id, application_id, company, interview_id, kind, text}]", body = Object),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json")))]
async fn add_notes(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<followup_app::note::NoteInput>,
) -> Result<Response, Problem> {
    let key = idempotency::key_of(&headers)?;
    let ctx = s.ctx();
    let request = format!("POST /api/applications/{id}/notes");
    answer(
        blocking(move || {
            idempotency::once(&ctx, key.as_deref(), &request, || {
                created(&followup_app::note::add(&ctx, id, &input)?)
            })
        })
        .await?,
    )
}

/// Removes a note, by its id or its exact text (`followup note remove`).
#[utoipa::path(delete, path = "/api/applications/{id}/notes/{note}",
    params(("id" = i64, Path), ("note" = String, Path, description = "The note's id, or its exact text")),
    responses(
        (status = 200, description = "The note as it was", body = Object),
        (status = 400, description = "No such note", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json")))]
async fn remove_note(
    State(s): State<Shared>,
    Path((id, note)): Path<(i64, String)>,
) -> Result<Json<followup_app::note::NoteView>, Problem> {
    let ctx = s.ctx();
    Ok(Json(
        blocking(move || Ok(followup_app::note::remove(&ctx, id, &note)?)).await?,
    ))
}

// ---------------------------------------------------------------------------------------
// Replies, outcomes, rounds, edits, deletion and undo: the same use cases as `followup
// reply`, `outcome`, `interview`, `edit`, `delete` (followup_app::track). A POST with an
// `Idempotency-Key` header records once: sent again, it gets the first answer.

/// A refusal in the API's words: its fields' names ("at", "recipient_tz"), not the
/// command line's flags ("--at", "--recipient-tz").
pub fn field_words(mut p: Problem) -> Problem {
    let d = &p.detail;
    let mut out = String::with_capacity(d.len());
    let mut rest = d.as_str();
    while let Some(i) = rest.find("--") {
        let after = &rest[i + 2..];
        let n = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
            .unwrap_or(after.len());
        let starts_word = rest[..i]
            .chars()
            .last()
            .is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&rest[..i]);
        if n > 0 && starts_word {
            out.push_str(&after[..n].replace('-', "_"));
        } else {
            out.push_str(&rest[i..i + 2 + n]);
        }
        rest = &after[n..];
    }
    out.push_str(rest);
    p.detail = out;
    p
}

/// `201` with `v` as JSON.
fn created<T: Serialize>(v: &T) -> Result<Answer, Problem> {
    idempotency::json_answer(StatusCode::CREATED, v)
}

/// An answer (first or kept) as a JSON response.
fn answer(a: Answer) -> Result<Response, Problem> {
    Ok(idempotency::respond(a))
}

/// What a reply, an outcome or a round recorded, and the open items after it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Recorded {
    /// The touchpoint's id (for a round: the interview's).
    pub id: i64,
    /// The application.
    pub application_id: i64,
    /// Its status now: active, offer, rejected, withdrawn, no-response.
    pub status: String,
    /// For a reply with a new timeline: the date they said they would decide by.
    pub decision_date: Option<String>,
    /// For a round that reopened a closed application: the `reopened` touchpoint.
    pub reopened: Option<i64>,
    /// The open items now, planned again from what was recorded.
    pub items: Vec<views::AgendaItem>,
}

fn recorded(
    ctx: &followup_app::Ctx,
    application_id: i64,
    id: i64,
    reopened: Option<i64>,
) -> Result<Recorded, Problem> {
    let v = views::application(ctx, application_id)?;
    let decision_date = v
        .full
        .touchpoints
        .iter()
        .find(|t| t.id == id)
        .and_then(|t| t.decision_date)
        .map(|d| d.to_string());
    Ok(Recorded {
        id,
        application_id,
        status: v.full.application.status.as_str().to_string(),
        decision_date,
        reopened,
        items: v.items,
    })
}

/// A reply they sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyInput {
    /// When it came, local time in the application's zone ("2026-12-03 09:15"), else now.
    #[serde(default)]
    pub at: Option<String>,
    /// The new timeline it gave: a phrase ("by Friday") or the whole sentence ("We
    /// expect to decide by Friday."), read from the day of the reply.
    #[serde(default)]
    pub decision: Option<String>,
    /// Who wrote: a contact's id, name or part of it.
    #[serde(default)]
    pub from: Option<String>,
    /// A note.
    #[serde(default)]
    pub note: Option<String>,
}

/// The idempotency key's documentation, one per POST.
pub(crate) const KEY_DOC: &str = "Sent again with the same key, the request records nothing and gets the first answer (kept a day)";

/// Records a reply (`followup reply`): pending follow-ups are cancelled, or planned
/// again from the new timeline it gave.
#[utoipa::path(post, path = "/api/applications/{id}/replies",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = KEY_DOC)),
    request_body = ReplyInput,
    responses((status = 201, description = "Recorded: the reply's id and the open items now", body = Recorded),
        (status = 400, description = "Invalid input (a time, a timeline or a contact that cannot be read)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field unknown or of the wrong type", body = Problem, content_type = "application/problem+json")))]
async fn add_reply(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<ReplyInput>,
) -> Result<Response, Problem> {
    let key = idempotency::key_of(&headers)?;
    let ctx = s.ctx();
    let request = format!("POST /api/applications/{id}/replies");
    answer(
        blocking(move || {
            idempotency::once(&ctx, key.as_deref(), &request, || {
                let some = |v: &Option<String>| v.clone().filter(|t| !t.trim().is_empty());
                let tid = followup_app::track::reply(
                    &ctx,
                    id,
                    some(&input.at).as_deref(),
                    some(&input.decision).as_deref(),
                    some(&input.from).as_deref(),
                    some(&input.note).as_deref(),
                )
                .map_err(|e| field_words(e.into()))?;
                created(&recorded(&ctx, id, tid, None)?)
            })
        })
        .await?,
    )
}

/// The outcome of an application.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    /// offer, rejected, withdrawn, or no-response (closing it when nobody answered).
    #[schema(schema_with = outcome_words)]
    pub outcome: String,
    /// When, local time in the application's zone, else now.
    #[serde(default)]
    pub at: Option<String>,
    /// A note.
    #[serde(default)]
    pub note: Option<String>,
}

/// Records the outcome and closes the application (`followup outcome`); after a
/// rejection a feedback request is planned.
#[utoipa::path(post, path = "/api/applications/{id}/outcome",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = KEY_DOC)),
    request_body = OutcomeInput,
    responses((status = 201, description = "Recorded: the outcome's id, the status and the open items now", body = Recorded),
        (status = 400, description = "Invalid input (an unknown outcome, a time that cannot be read)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field unknown, missing or of the wrong type", body = Problem, content_type = "application/problem+json")))]
async fn record_outcome(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<OutcomeInput>,
) -> Result<Response, Problem> {
    let key = idempotency::key_of(&headers)?;
    let ctx = s.ctx();
    enum_word("outcome", &input.outcome, &outcomes())?;
    let request = format!("POST /api/applications/{id}/outcome");
    answer(
        blocking(move || {
            idempotency::once(&ctx, key.as_deref(), &request, || {
                let tid = followup_app::track::outcome(
                    &ctx,
                    id,
                    &input.outcome,
                    input.at.as_deref().filter(|t| !t.trim().is_empty()),
                    input.note.as_deref().filter(|t| !t.trim().is_empty()),
                )
                .map_err(|e| field_words(e.into()))?;
                created(&recorded(&ctx, id, tid, None)?)
            })
        })
        .await?,
    )
}

/// Another interview round.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundBody {
    /// The round: at (required), tz, duration, round, decision, interviewer[], topic[],
    /// strength[], gap[], question[], location.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub round: followup_app::track::RoundInput,
    /// Reopen the application when it is closed (recorded in its history).
    #[serde(default)]
    pub reopen: bool,
}

/// Adds another interview round (`followup interview`); a closed application needs
/// `"reopen": true`.
#[utoipa::path(post, path = "/api/applications/{id}/interviews",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = KEY_DOC)),
    request_body(content = RoundDoc, description = "The round; unknown fields are refused"),
    responses((status = 201, description = "Recorded: the interview's id, the reopening if any, the open items now", body = Recorded),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The application is closed: send \"reopen\": true", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field unknown, missing or of the wrong type", body = Problem, content_type = "application/problem+json")))]
async fn add_round(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Result<Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Problem> {
    let Json(value) = body?;
    // `flatten` and `deny_unknown_fields` do not go together: the round's fields are
    // checked by reading it alone.
    let reopen = match value.get("reopen") {
        None => false,
        Some(v) => v
            .as_bool()
            .ok_or_else(|| Problem::field("invalid JSON body: reopen: expected true or false"))?,
    };
    let mut rest = value;
    if let Some(o) = rest.as_object_mut() {
        o.remove("reopen");
    }
    let round: followup_app::track::RoundInput = serde_json::from_value(rest)
        .map_err(|e| Problem::field(format!("invalid JSON body: {e}")))?;
    let key = idempotency::key_of(&headers)?;
    let ctx = s.ctx();
    let request = format!("POST /api/applications/{id}/interviews");
    answer(
        blocking(move || {
            idempotency::once(&ctx, key.as_deref(), &request, || {
                let added =
                    followup_app::track::add_round(&ctx, id, &round, reopen).map_err(|e| {
                        let mut p = Problem::from(e);
                        if p.status == StatusCode::CONFLICT.as_u16() {
                            // The command line's flag in the API's words.
                            p.title = "Application closed".into();
                            p.detail = p.detail.replace("pass --reopen", "send \"reopen\": true");
                            p
                        } else {
                            field_words(p)
                        }
                    })?;
                created(&recorded(&ctx, id, added.interview, added.reopened)?)
            })
        })
        .await?,
    )
}

/// Changes to an application: fields left out are kept, `""` clears an optional one.
/// The round fields change one interview (`interview`, else the latest).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditInput {
    pub company: Option<String>,
    pub role: Option<String>,
    /// Job posting.
    pub link: Option<String>,
    pub source: Option<String>,
    /// Holiday region of the recipients (built-in or a custom calendar).
    pub region: Option<String>,
    /// The recipients' IANA zone.
    pub recipient_tz: Option<String>,
    /// The kind of employer (`""` clears it).
    #[schema(schema_with = company_type_edit)]
    pub company_type: Option<String>,
    /// The role's seniority (`""` clears it).
    #[schema(schema_with = seniority_edit)]
    pub seniority: Option<String>,
    pub urgent: Option<bool>,
    pub late_in_process: Option<bool>,
    /// The interview to change (its id); by default the latest that is not cancelled.
    #[serde(default, deserialize_with = "whole")]
    #[schema(minimum = -8999999999999999_i64, maximum = 8999999999999999_i64)]
    pub interview: Option<i64>,
    /// New local date and time of that interview.
    pub at: Option<String>,
    /// Its zone (without `at`, the same wall-clock time in the new zone).
    pub tz: Option<String>,
    /// "45m", "1h".
    pub duration: Option<String>,
    /// The kind of round (`""` clears it).
    #[schema(schema_with = round_edit)]
    pub round: Option<String>,
    /// What they said about the decision.
    pub decision: Option<String>,
    pub location: Option<String>,
    pub cancelled: Option<bool>,
}

impl From<EditInput> for followup_app::track::EditInput {
    fn from(e: EditInput) -> Self {
        followup_app::track::EditInput {
            company: e.company,
            role: e.role,
            source: e.source,
            link: e.link,
            urgent: e.urgent,
            late_in_process: e.late_in_process,
            region: e.region,
            recipient_tz: e.recipient_tz,
            company_type: e.company_type,
            seniority: e.seniority,
            round: followup_app::track::RoundEdit {
                interview: e.interview,
                at: e.at,
                tz: e.tz,
                duration: e.duration,
                round: e.round,
                decision: e.decision,
                location: e.location,
                cancelled: e.cancelled,
            },
        }
    }
}

/// Changes an application or one of its rounds (`followup edit`), all or nothing.
#[utoipa::path(patch, path = "/api/applications/{id}", params(("id" = i64, Path)),
    request_body = EditInput,
    responses((status = 200, description = "The application as it is now", body = ApplicationView),
        (status = 400, description = "Invalid input, or nothing to change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field unknown or of the wrong type", body = Problem, content_type = "application/problem+json")))]
async fn edit_application(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<EditInput>,
) -> Result<Json<ApplicationView>, Problem> {
    opt_word("company_type", &input.company_type, company_types(), true)?;
    opt_word("seniority", &input.seniority, seniorities(), true)?;
    opt_word("round", &input.round, rounds(), true)?;
    let ctx = s.ctx();
    Ok(Json(
        blocking(move || {
            followup_app::track::edit(&ctx, id, &input.into())
                .map_err(|e| field_words(e.into()))?;
            Ok(views::application(&ctx, id)?)
        })
        .await?,
    ))
}

/// Deletes an application and its whole history (`followup delete --yes`).
#[utoipa::path(delete, path = "/api/applications/{id}", params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json")))]
async fn delete_application(
    State(s): State<Shared>,
    Path(id): Path<i64>,
) -> Result<StatusCode, Problem> {
    let ctx = s.ctx();
    blocking(move || Ok(followup_app::track::delete(&ctx, id)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Undoes a touchpoint just recorded: removes it; an outcome's removal gives the
/// application back the status its history then says.
#[utoipa::path(delete, path = "/api/applications/{id}/touchpoints/{tid}",
    params(("id" = i64, Path), ("tid" = i64, Path, description = "The touchpoint's id")),
    responses((status = 204, description = "Removed"),
        (status = 404, description = "No such application, or no such touchpoint in it", body = Problem, content_type = "application/problem+json")))]
async fn undo_touchpoint(
    State(s): State<Shared>,
    Path((id, tid)): Path<(i64, i64)>,
) -> Result<StatusCode, Problem> {
    let ctx = s.ctx();
    blocking(move || Ok(followup_app::track::undo(&ctx, id, Some(tid))?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------
// Skipped steps (`followup skip`): a planned step the user will not take.

/// A step of the plan, as the agenda names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepWord {
    ThankYou,
    FollowUp,
    FinalFollowUp,
    MoveOn,
    FeedbackRequest,
}

/// A step to skip.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkipInput {
    /// The step, as the agenda's items name it (`kind`).
    #[schema(value_type = StepWord)]
    pub step: String,
    /// To whom: a contact's id, name or part of it; else every open step of that kind.
    #[serde(default)]
    #[schema(max_length = 300)]
    pub to: Option<String>,
    /// Why (kept with the skip).
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub note: Option<String>,
}

/// A skipped step as stored.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Skipped {
    /// The skip's id (`DELETE .../skips/{sid}` takes it back).
    pub id: i64,
    pub application_id: i64,
    /// The company.
    pub company: String,
    /// The step skipped.
    pub step: StepWord,
    /// To whom, when the skip is about one person.
    pub to: Option<String>,
    /// That person's contact id.
    pub contact_id: Option<i64>,
    /// The round the step belonged to.
    pub interview_id: Option<i64>,
    /// When it was skipped (RFC 3339).
    pub at: String,
    pub note: Option<String>,
}

impl From<followup_app::skip::SkipView> for Skipped {
    fn from(v: followup_app::skip::SkipView) -> Skipped {
        use followup_core::plan::StepKind;
        Skipped {
            id: v.id,
            application_id: v.application_id,
            company: v.company,
            step: match v.step {
                StepKind::ThankYou => StepWord::ThankYou,
                StepKind::FollowUp => StepWord::FollowUp,
                StepKind::FinalFollowUp => StepWord::FinalFollowUp,
                StepKind::MoveOn => StepWord::MoveOn,
                StepKind::FeedbackRequest => StepWord::FeedbackRequest,
            },
            to: v.to,
            contact_id: v.contact_id,
            interview_id: v.interview_id,
            at: v.at,
            note: v.note,
        }
    }
}

/// A word of an enumerated field, or a one-line refusal (422) naming the field and
/// the accepted words.
pub(crate) fn enum_word<'a>(
    field: &str,
    value: &str,
    accepted: &[&'a str],
) -> Result<&'a str, Problem> {
    accepted
        .iter()
        .find(|w| **w == value)
        .copied()
        .ok_or_else(|| {
            Problem::field(format!(
                "{field}: unknown value `{value}` (expected one of: {})",
                accepted.join(", ")
            ))
        })
}

/// A schema for a field whose value is one of `words`; with `clear`, also `""` (a
/// PATCH clears the field with it); with `null`, also null or absent.
fn words_schema(words: Vec<&'static str>, clear: bool, null: bool) -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{SchemaType, Type};
    let mut values: Vec<serde_json::Value> = words.into_iter().map(Into::into).collect();
    if clear {
        values.push("".into());
    }
    let ty = if null {
        values.push(serde_json::Value::Null);
        SchemaType::Array(vec![Type::String, Type::Null])
    } else {
        SchemaType::Type(Type::String)
    };
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(ty)
        .enum_values(Some(values))
        .build()
}

fn company_types() -> Vec<&'static str> {
    followup_core::model::CompanyType::ALL
        .iter()
        .map(|w| w.as_str())
        .collect()
}
fn seniorities() -> Vec<&'static str> {
    followup_core::model::Seniority::ALL
        .iter()
        .map(|w| w.as_str())
        .collect()
}
fn rounds() -> Vec<&'static str> {
    followup_core::model::Round::ALL
        .iter()
        .map(|w| w.as_str())
        .collect()
}
fn outcomes() -> Vec<&'static str> {
    followup_store::Outcome::ALL
        .iter()
        .map(|w| w.as_str())
        .collect()
}
fn company_type_new() -> utoipa::openapi::Object {
    words_schema(company_types(), false, true)
}
fn seniority_new() -> utoipa::openapi::Object {
    words_schema(seniorities(), false, true)
}
fn round_new() -> utoipa::openapi::Object {
    words_schema(rounds(), false, true)
}
fn company_type_edit() -> utoipa::openapi::Object {
    words_schema(company_types(), true, true)
}
fn seniority_edit() -> utoipa::openapi::Object {
    words_schema(seniorities(), true, true)
}
fn round_edit() -> utoipa::openapi::Object {
    words_schema(rounds(), true, true)
}
fn outcome_words() -> utoipa::openapi::Object {
    words_schema(outcomes(), false, false)
}

/// An optional enumerated field: absent, null or one of `words` (or `""` when `clear`),
/// else a one-line refusal (422) naming the field and the words.
fn opt_word(
    field: &str,
    v: &Option<String>,
    words: Vec<&'static str>,
    clear: bool,
) -> Result<(), Problem> {
    match v.as_deref() {
        None => Ok(()),
        Some("") if clear => Ok(()),
        Some(w) => enum_word(field, w, &words).map(|_| ()),
    }
}

/// Skips a planned step (`followup skip`): it leaves the agenda, the plan, the
/// calendar export and the drafts until the skip is taken back.
#[utoipa::path(post, path = "/api/applications/{id}/skips",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = KEY_DOC)),
    request_body = SkipInput,
    responses((status = 201, description = "Skipped: the skip as stored", body = Skipped),
        (status = 400, description = "Invalid input: no such contact, or the step is not open now", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The Idempotency-Key was sent before with another request", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field unknown, missing, of the wrong type or too long, or a step that is not one of the words", body = Problem, content_type = "application/problem+json")))]
async fn add_skip(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<SkipInput>,
) -> Result<Response, Problem> {
    let key = idempotency::key_of(&headers)?;
    enum_word(
        "step",
        &input.step,
        &followup_core::plan::StepKind::ALL.map(|k| k.as_str()),
    )?;
    let ctx = s.ctx();
    let request = format!("POST /api/applications/{id}/skips");
    answer(
        blocking(move || {
            idempotency::once(&ctx, key.as_deref(), &request, || {
                let some = |v: &Option<String>| v.clone().filter(|t| !t.trim().is_empty());
                let v = followup_app::skip::skip(
                    &ctx,
                    id,
                    &input.step,
                    some(&input.to).as_deref(),
                    some(&input.note).as_deref(),
                )
                .map_err(|e| field_words(e.into()))?;
                created(&Skipped::from(v))
            })
        })
        .await?,
    )
}

/// Takes a skip back: the step is planned again.
#[utoipa::path(delete, path = "/api/applications/{id}/skips/{sid}",
    params(("id" = i64, Path), ("sid" = i64, Path, description = "The skip's id")),
    responses((status = 204, description = "Taken back"),
        (status = 404, description = "No such application, or no such skip in it", body = Problem, content_type = "application/problem+json")))]
async fn remove_skip(
    State(s): State<Shared>,
    Path((id, sid)): Path<(i64, i64)>,
) -> Result<StatusCode, Problem> {
    let ctx = s.ctx();
    blocking(move || Ok(followup_app::skip::undo(&ctx, id, sid)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}
